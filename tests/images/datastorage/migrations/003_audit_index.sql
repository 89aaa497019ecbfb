-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block: this file
-- must be applied without the per-file transaction.
-- +goose NO TRANSACTION

-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_events_created_at_idx ON audit_events (created_at);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS audit_events_created_at_idx;
