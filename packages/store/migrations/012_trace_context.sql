-- The W3C traceparent of the record that caused a row, for work that resumes from Postgres later:
-- a scheduled message dispatched when its send_at comes, a webhook delivered (and retried) after its
-- event. That work then continues the message's trace instead of starting a new one. Null for rows
-- written before this column existed or by a process without tracing.
ALTER TABLE scheduled_messages ADD COLUMN traceparent text;
ALTER TABLE webhook_messages ADD COLUMN traceparent text;
