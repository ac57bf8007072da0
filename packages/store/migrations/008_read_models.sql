-- Read models of issue 5, each a projection of the message events that `herald replay` can rebuild
-- into fresh tables and swap in. Every value derives from the events alone (no now(), no serials,
-- no arrival order), so a rebuild from Kafka or from the event store writes byte-identical rows.

-- A message's events as its timeline shows them: `data` is the event without its type, `status` the
-- status the event reports (null for a cancel request).
CREATE TABLE message_timeline (
  message_id  uuid        NOT NULL,
  event_id    uuid        NOT NULL,
  tenant_id   text        NOT NULL,
  type        text        NOT NULL,
  status      text,
  occurred_at timestamptz NOT NULL,
  data        jsonb       NOT NULL,
  PRIMARY KEY (message_id, event_id)
);
CREATE INDEX message_timeline_order ON message_timeline (message_id, occurred_at, event_id);

-- One row per broadcast (from its accepted messages) and its messages counted per current status.
-- Counts move by the difference between a message's state before and after a batch, so they add
-- up to the same figures whatever order the events came in; a count that reaches zero is deleted.
CREATE TABLE broadcasts (
  broadcast_id      uuid        PRIMARY KEY,
  tenant_id         text        NOT NULL,
  channel           text        NOT NULL,
  messages          integer     NOT NULL,
  first_accepted_at timestamptz NOT NULL
);
CREATE INDEX broadcasts_tenant ON broadcasts (tenant_id, first_accepted_at DESC);

CREATE TABLE broadcast_status_counts (
  broadcast_id uuid    NOT NULL,
  status       text    NOT NULL,
  tenant_id    text    NOT NULL,
  messages     integer NOT NULL,
  PRIMARY KEY (broadcast_id, status)
);

-- A tenant's traffic per UTC day (of acceptance) and channel: messages, billed parts, how many are
-- delivered (or read) and how many ended undelivered or failed, and the spend of the messages a
-- provider took (sent, delivered or read).
CREATE TABLE usage_daily (
  tenant_id    text   NOT NULL,
  day          date   NOT NULL,
  channel      text   NOT NULL,
  messages     integer NOT NULL,
  parts        integer NOT NULL,
  delivered    integer NOT NULL,
  failed       integer NOT NULL,
  spend_micros bigint NOT NULL,
  PRIMARY KEY (tenant_id, day, channel)
);

-- Each provider's attempts per minute (of the event): sends with their latency, refusals, delivery
-- reports. Attempts = sent + failed; the latency of a send is the provider call's duration.
CREATE TABLE provider_health_minutely (
  provider_id    text        NOT NULL,
  minute         timestamptz NOT NULL,
  sent           integer     NOT NULL,
  failed         integer     NOT NULL,
  delivered      integer     NOT NULL,
  undelivered    integer     NOT NULL,
  latency_ms_sum bigint      NOT NULL,
  latency_ms_max integer     NOT NULL,
  PRIMARY KEY (provider_id, minute)
);
CREATE INDEX provider_health_minute ON provider_health_minutely (minute);

-- Backfill from what the live projector recorded before these tables existed: the same functions of
-- the same events, computed in SQL once.
INSERT INTO message_timeline (message_id, event_id, tenant_id, type, status, occurred_at, data)
SELECT stream_id, event_id, tenant_id, type,
       CASE type WHEN 'MessageAccepted' THEN 'queued' WHEN 'MessageScheduled' THEN 'scheduled'
                 WHEN 'MessageCancelled' THEN 'cancelled' WHEN 'MessageExpired' THEN 'expired'
                 WHEN 'MessageRead' THEN 'read' WHEN 'MessageRouted' THEN 'sending' WHEN 'MessageSent' THEN 'sent'
                 WHEN 'MessageDelivered' THEN 'delivered' WHEN 'MessageUndelivered' THEN 'undelivered'
                 WHEN 'MessageFailed' THEN 'failed' END,
       occurred_at, data
  FROM events;

INSERT INTO broadcasts (broadcast_id, tenant_id, channel, messages, first_accepted_at)
SELECT broadcast_id, min(tenant_id), min(channel), count(*), min(created_at)
  FROM messages WHERE broadcast_id IS NOT NULL AND created_at IS NOT NULL
 GROUP BY broadcast_id;

INSERT INTO broadcast_status_counts (broadcast_id, status, tenant_id, messages)
SELECT broadcast_id, status, min(tenant_id), count(*)
  FROM messages WHERE broadcast_id IS NOT NULL AND created_at IS NOT NULL
 GROUP BY broadcast_id, status;

INSERT INTO usage_daily (tenant_id, day, channel, messages, parts, delivered, failed, spend_micros)
SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, channel, count(*), sum(parts),
       count(*) FILTER (WHERE status IN ('delivered', 'read')),
       count(*) FILTER (WHERE status IN ('undelivered', 'failed')),
       coalesce(sum(cost_micros) FILTER (WHERE status_times ?| array['sent', 'delivered', 'read']), 0)
  FROM messages WHERE created_at IS NOT NULL
 GROUP BY 1, 2, 3;

INSERT INTO provider_health_minutely (provider_id, minute, sent, failed, delivered, undelivered, latency_ms_sum, latency_ms_max)
SELECT data->>'providerId', date_trunc('minute', occurred_at),
       count(*) FILTER (WHERE type = 'MessageSent'),
       count(*) FILTER (WHERE type = 'MessageFailed'),
       count(*) FILTER (WHERE type = 'MessageDelivered'),
       count(*) FILTER (WHERE type = 'MessageUndelivered'),
       coalesce(sum((data->>'latencyMs')::bigint) FILTER (WHERE type = 'MessageSent'), 0),
       coalesce(max((data->>'latencyMs')::int) FILTER (WHERE type = 'MessageSent'), 0)
  FROM events
 WHERE type IN ('MessageSent', 'MessageFailed', 'MessageDelivered', 'MessageUndelivered')
   AND data->>'providerId' IS NOT NULL
 GROUP BY 1, 2;
