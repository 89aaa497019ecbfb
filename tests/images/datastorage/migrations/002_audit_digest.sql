-- A plpgsql function (its body contains ';', hence StatementBegin/End) and a
-- trigger that stores a pgcrypto sha256 digest of every message.

-- +goose Up
ALTER TABLE audit_events ADD COLUMN msg_sha256 text;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_events_set_digest() RETURNS trigger AS $$
BEGIN
    NEW.msg_sha256 := encode(digest(NEW.msg, 'sha256'), 'hex');
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER audit_events_digest
    BEFORE INSERT OR UPDATE OF msg ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_set_digest();

-- +goose Down
DROP TRIGGER IF EXISTS audit_events_digest ON audit_events;
-- +goose StatementBegin
DROP FUNCTION IF EXISTS audit_events_set_digest();
-- +goose StatementEnd
ALTER TABLE audit_events DROP COLUMN IF EXISTS msg_sha256;
