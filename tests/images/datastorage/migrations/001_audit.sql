-- Test migration (goose format) for the DataStorage stand-in.
-- Needs the uuid-ossp and pgcrypto extensions, like the real DataStorage schema.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE audit_events (
    id         serial PRIMARY KEY,
    event_uuid uuid NOT NULL DEFAULT uuid_generate_v4(),
    msg        text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE IF EXISTS audit_events;
