-- Client webhooks (issue 6): tenants' endpoints, the webhook messages built from events, the durable
-- delivery schedule and the attempt log. Operational state of the dispatcher (like the DLQ), not
-- event-sourced: the events stay the source of truth, and `recover` re-sends from them.

-- A tenant's endpoint. `event_types` holds filters (`message.delivered`, `message.*`, `*`); empty
-- means every type. Secrets are `whsec_` + base64; during a rotation the previous secret signs too,
-- until `previous_secret_expires_at`. An endpoint is disabled by the tenant (`manual`), by a 410
-- (`gone`) or after failing for the configured window (`failing`, counted from `failing_since`).
CREATE TABLE webhook_endpoints (
  id                          text        PRIMARY KEY,
  tenant_id                   text        NOT NULL,
  url                         text        NOT NULL,
  description                 text,
  event_types                 text[]      NOT NULL DEFAULT '{}',
  headers                     jsonb       NOT NULL DEFAULT '{}',
  ordered                     boolean     NOT NULL DEFAULT false,
  max_concurrency             integer     NOT NULL DEFAULT 10 CHECK (max_concurrency BETWEEN 1 AND 100),
  enabled                     boolean     NOT NULL DEFAULT true,
  disabled_reason             text        CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
  disabled_detail             text,
  disabled_at                 timestamptz,
  failing_since               timestamptz,
  secret                      text        NOT NULL,
  previous_secret             text,
  previous_secret_expires_at  timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  CHECK (enabled = (disabled_reason IS NULL))
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, created_at, id);

-- One webhook message per event worth telling: `id` is the `webhook-id` header (stable across
-- retries and resends), `payload` exactly the body that is signed and sent, `{type, timestamp, data}`.
CREATE TABLE webhook_messages (
  id          text        PRIMARY KEY,
  tenant_id   text        NOT NULL,
  event_id    uuid        NOT NULL UNIQUE,
  message_id  uuid        NOT NULL,
  event_type  text        NOT NULL,
  occurred_at timestamptz NOT NULL,
  payload     text        NOT NULL
);
CREATE INDEX webhook_messages_tenant_time ON webhook_messages (tenant_id, occurred_at, id);
CREATE INDEX webhook_messages_message ON webhook_messages (message_id, occurred_at);

-- The durable schedule: one row per webhook message and destination (an endpoint, or the message's
-- own callback_url), `pending` with its next attempt time until it ends `delivered` or `failed`
-- (schedule exhausted, endpoint gone or disabled). `source` says why it exists: the event itself
-- (enqueued once, whatever the redeliveries of the event), or a tenant's resend or recover.
CREATE TABLE webhook_deliveries (
  id               bigserial   PRIMARY KEY,
  tenant_id        text        NOT NULL,
  endpoint_id      text        REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  callback_url     text,
  webhook_message_id text      NOT NULL REFERENCES webhook_messages (id),
  message_id       uuid        NOT NULL,
  source           text        NOT NULL CHECK (source IN ('event', 'resend', 'recover')),
  status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  last_status_code integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((endpoint_id IS NULL) <> (callback_url IS NULL)),
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
);
CREATE UNIQUE INDEX webhook_deliveries_event_endpoint ON webhook_deliveries (endpoint_id, webhook_message_id)
  WHERE source = 'event' AND endpoint_id IS NOT NULL;
CREATE UNIQUE INDEX webhook_deliveries_event_callback ON webhook_deliveries (webhook_message_id)
  WHERE source = 'event' AND endpoint_id IS NULL;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC);
-- Ordered endpoints deliver a message's webhooks one after the other, in the order enqueued.
CREATE INDEX webhook_deliveries_ordering ON webhook_deliveries (endpoint_id, message_id, id) WHERE status = 'pending';

-- Every attempt, for the tenant's attempt log and stats: status code (null on a timeout or network
-- error), latency, an excerpt of the response, and when the next attempt is due (null: none).
CREATE TABLE webhook_attempts (
  id                 bigserial   PRIMARY KEY,
  delivery_id        bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  tenant_id          text        NOT NULL,
  endpoint_id        text,
  webhook_message_id text        NOT NULL,
  attempt            integer     NOT NULL,
  started_at         timestamptz NOT NULL,
  latency_ms         integer     NOT NULL,
  status_code        integer,
  outcome            text        NOT NULL CHECK (outcome IN ('delivered', 'retry', 'gone', 'failed')),
  error              text,
  response_excerpt   text,
  next_attempt_at    timestamptz
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id DESC);
CREATE INDEX webhook_attempts_endpoint_time ON webhook_attempts (endpoint_id, started_at);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);

-- The callback_url each message was accepted with (null: none), learnt from MessageAccepted, so the
-- status events that follow are also delivered there.
CREATE TABLE webhook_message_callbacks (
  message_id   uuid PRIMARY KEY,
  tenant_id    text NOT NULL,
  callback_url text
);
