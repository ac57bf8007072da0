-- Records consumers could not process, as they were dead-lettered (raw bytes, headers, reason),
-- for operators to list and replay. Projected from the DLQ topic, one row per DLQ record.
CREATE TABLE dead_letters (
  id               bigserial   PRIMARY KEY,
  dlq_partition    integer     NOT NULL,
  dlq_offset       bigint      NOT NULL,
  record_key       text,
  value            bytea,
  headers          jsonb       NOT NULL,
  code             text,
  reason           text,
  source_topic     text,
  source_partition integer,
  source_offset    bigint,
  consumer_group   text,
  recorded_at      timestamptz NOT NULL,
  replayed_at      timestamptz,
  UNIQUE (dlq_partition, dlq_offset)
);
