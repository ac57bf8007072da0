-- Lifecycle facts of issue 3 on the messages read model, the indexes behind every filter of
-- GET /v1/messages, and the router's schedule of messages held until their send_at.
ALTER TABLE messages
  ADD COLUMN send_at             timestamptz,
  ADD COLUMN expires_at          timestamptz,
  ADD COLUMN parts               integer NOT NULL DEFAULT 1,
  ADD COLUMN encoding            text,
  ADD COLUMN cost_micros         bigint  NOT NULL DEFAULT 0,
  ADD COLUMN broadcast_id        uuid,
  ADD COLUMN cancel_requested_at timestamptz;

CREATE INDEX messages_tenant_status    ON messages (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX messages_tenant_channel   ON messages (tenant_id, channel, created_at DESC, id DESC);
CREATE INDEX messages_tenant_recipient ON messages (tenant_id, recipient, created_at DESC, id DESC);
CREATE INDEX messages_tenant_reference ON messages (tenant_id, client_reference, created_at DESC, id DESC)
  WHERE client_reference IS NOT NULL;
CREATE INDEX messages_broadcast_status ON messages (broadcast_id, status) WHERE broadcast_id IS NOT NULL;
CREATE INDEX events_stream_time        ON events (stream_id, occurred_at, position);

-- Messages the router holds until they are due. The accepted event is kept as JSON so the
-- scheduler can route it without reading Kafka; status moves pending → dispatched | cancelled.
CREATE TABLE scheduled_messages (
  message_id uuid        PRIMARY KEY,
  tenant_id  text        NOT NULL,
  due_at     timestamptz NOT NULL,
  accepted   jsonb       NOT NULL,
  status     text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dispatched', 'cancelled')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scheduled_messages_due ON scheduled_messages (due_at) WHERE status = 'pending';
