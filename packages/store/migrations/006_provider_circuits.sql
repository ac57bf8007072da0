-- Circuit breaker state each sender instance reports per provider, so routers send no traffic to
-- a provider whose circuit is open. Operational state, not a business fact: not event-sourced.
CREATE TABLE provider_circuits (
  provider_id text        NOT NULL,
  instance_id text        NOT NULL,
  state       text        NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
  open_until  timestamptz,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider_id, instance_id)
);
