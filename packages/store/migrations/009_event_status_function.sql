-- The status each event type reports, as the domain's eventStatus says (a test keeps the two equal):
-- lets a replay of the timeline from the event store run as one INSERT ... SELECT in Postgres.
CREATE FUNCTION herald_event_status(event_type text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  CASE event_type
    WHEN 'MessageAccepted' THEN 'queued'
    WHEN 'MessageScheduled' THEN 'scheduled'
    WHEN 'MessageCancelled' THEN 'cancelled'
    WHEN 'MessageExpired' THEN 'expired'
    WHEN 'MessageRead' THEN 'read'
    WHEN 'MessageRouted' THEN 'sending'
    WHEN 'MessageSent' THEN 'sent'
    WHEN 'MessageDelivered' THEN 'delivered'
    WHEN 'MessageUndelivered' THEN 'undelivered'
    WHEN 'MessageFailed' THEN 'failed'
  END;
