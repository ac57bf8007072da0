-- Provider callbacks that carry only the provider's id for a message (WhatsApp's wamid) are matched to
-- the message through the read model, and held here when they arrive before the send is projected.
CREATE INDEX messages_provider_message ON messages (provider_id, provider_message_id)
  WHERE provider_message_id IS NOT NULL;

-- A callback already turned into the event it will become (type, derived id, error), waiting for its
-- MessageSent. The projector takes these rows in the transaction that records the send.
CREATE TABLE pending_provider_callbacks (
  event_id            uuid        PRIMARY KEY,
  event_type          text        NOT NULL
    CHECK (event_type IN ('MessageDelivered', 'MessageRead', 'MessageUndelivered', 'MessageFailed')),
  provider_id         text        NOT NULL,
  provider_message_id text        NOT NULL,
  provider_status     text        NOT NULL,
  error_code          text,
  error_message       text,
  occurred_at         timestamptz NOT NULL,
  received_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_provider_callbacks_message ON pending_provider_callbacks (provider_id, provider_message_id);
CREATE INDEX pending_provider_callbacks_received ON pending_provider_callbacks (received_at);
