-- Tenants and API keys are configuration, not message facts: Postgres is their source of truth and
-- they are not rebuilt from Kafka. A tenant can be suspended and may override the rate limit defaults.
ALTER TABLE tenants
  ADD COLUMN status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  ADD COLUMN rate_per_second double precision CHECK (rate_per_second > 0),
  ADD COLUMN burst           integer CHECK (burst >= 1),
  ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now();

ALTER TABLE api_keys
  ADD COLUMN name         text,
  ADD COLUMN last_used_at timestamptz;
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at, id);

-- The credits ledger, event-sourced: entries are appended and never changed. Amounts are integer
-- micro-credits (1 credit = 1,000,000). A message has at most one entry of each kind per tenant,
-- which is what makes holds, captures and releases idempotent.
CREATE TABLE ledger_entries (
  position    bigserial   PRIMARY KEY,
  entry_id    uuid        NOT NULL UNIQUE,
  tenant_id   text        NOT NULL,
  kind        text        NOT NULL
              CHECK (kind IN ('credits_added', 'credits_held', 'credits_captured', 'credits_released')),
  message_id  text,
  amount      bigint      NOT NULL CHECK (amount >= 0),
  reference   text,
  reason      text,
  channel     text,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'credits_added') = (message_id IS NULL))
);
CREATE UNIQUE INDEX ledger_entries_message ON ledger_entries (tenant_id, message_id, kind)
  WHERE message_id IS NOT NULL;
CREATE INDEX ledger_entries_tenant ON ledger_entries (tenant_id, position);

-- The fold of ledger_entries per tenant, updated in the same transaction as the entries it folds,
-- under a row lock. `balance` is added − captured; `held` (open holds) is part of it. The checks are a
-- last line of defence: the ledger's decisions never break them.
CREATE TABLE credit_accounts (
  tenant_id  text        PRIMARY KEY,
  balance    bigint      NOT NULL DEFAULT 0 CHECK (balance >= 0),
  held       bigint      NOT NULL DEFAULT 0 CHECK (held >= 0 AND held <= balance),
  updated_at timestamptz NOT NULL DEFAULT now()
);
