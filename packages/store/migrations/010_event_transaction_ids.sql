-- The transaction that appended each event, so that readers of "everything after position P" can
-- tell when no lower position can still appear: positions are taken when a row is inserted, not
-- when its transaction commits, so a reader only reads events of transactions older than every
-- transaction still running (pg_snapshot_xmin). xid8 does not wrap around.
ALTER TABLE events ADD COLUMN transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id();
