-- State of the public API that is not a message fact, so Postgres is its source of truth and it is
-- not rebuilt from Kafka: idempotency keys and each tenant's opt-out list.

-- One row per (tenant, Idempotency-Key). A row without response_status is a request still running;
-- `seed` derives the ids that request creates, so a retry that takes over a crashed claim creates
-- the same messages (and the same event ids, which every consumer dedupes on) instead of new ones.
CREATE TABLE idempotency_keys (
  tenant_id        text        NOT NULL,
  idempotency_key  text        NOT NULL,
  request_hash     bytea       NOT NULL,
  seed             uuid        NOT NULL,
  response_status  integer,
  response_headers jsonb,
  response_body    text,
  claimed_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, idempotency_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Recipients a tenant must not message. channel NULL blocks every channel. Added over the API or by
-- an inbound STOP keyword; the router checks it before routing, the ingress before accepting.
CREATE TABLE opt_outs (
  id         bigserial   PRIMARY KEY,
  tenant_id  text        NOT NULL,
  recipient  text        NOT NULL,
  channel    text        CHECK (channel IN ('sms', 'whatsapp', 'telegram')),
  source     text        NOT NULL CHECK (source IN ('api', 'keyword')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE NULLS NOT DISTINCT (tenant_id, recipient, channel)
);
CREATE INDEX opt_outs_tenant_listing ON opt_outs (tenant_id, id DESC);

-- GET /v1/messages pages over (created_at DESC, id DESC); 001's index has id ascending, which a
-- backward scan cannot combine with created_at descending.
CREATE INDEX messages_tenant_created_id ON messages (tenant_id, created_at DESC, id DESC);
