-- Append-only event store: one stream per message, a global position, the Kafka coordinates each
-- event came from. Appends are idempotent by event id.
CREATE TABLE events (
  position        bigserial PRIMARY KEY,
  event_id        uuid        NOT NULL UNIQUE,
  stream_id       uuid        NOT NULL,
  stream_version  integer     NOT NULL,
  type            text        NOT NULL,
  tenant_id       text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL DEFAULT '{}',
  kafka_topic     text        NOT NULL,
  kafka_partition integer     NOT NULL,
  kafka_offset    bigint      NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_version)
);

-- Where each consumer group stands on each partition, written in the same transaction as the rows
-- it produced: the projector's exactly-once effect.
CREATE TABLE consumer_offsets (
  group_id    text    NOT NULL,
  topic       text    NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint  NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);

-- Current state of every message, derived from its events only (no wall-clock values), so a
-- rebuild from the log reproduces it exactly.
CREATE TABLE messages (
  id                  uuid    PRIMARY KEY,
  tenant_id           text,
  channel             text,
  recipient           text,
  sender              text,
  body                text,
  priority            text,
  client_reference    text,
  callback_url        text,
  metadata            jsonb,
  status              text    NOT NULL,
  provider_id         text,
  provider_message_id text,
  error_code          text,
  error_message       text,
  attempts            integer NOT NULL DEFAULT 0,
  status_times        jsonb   NOT NULL DEFAULT '{}',
  version             integer NOT NULL DEFAULT 0,
  created_at          timestamptz,
  updated_at          timestamptz
);
CREATE INDEX messages_tenant_created ON messages (tenant_id, created_at DESC, id);

-- Tenants and their API keys (stored as SHA-256 of the key; keys are 32 random bytes).
CREATE TABLE tenants (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id         text PRIMARY KEY,
  tenant_id  text NOT NULL REFERENCES tenants (id),
  key_hash   bytea NOT NULL UNIQUE,
  prefix     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
