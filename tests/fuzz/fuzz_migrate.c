/*
 * fuzz_migrate.c - what psql printed while running the migrations driver (migrate.c): its
 * stdout ("podc-applied N" lines) and, when it failed, its stderr ("psql:FILE:LINE: ERROR:
 * ..."), which pdc_migration_plan_outcome maps back to a file and a statement. The plan is
 * made once from the DataStorage test migrations (tests/images/datastorage/migrations).
 * Input: byte 0 the exit code (signed), then stderr, NUL, stdout.
 * Contracts checked: exit 0 is success counting every "podc-applied "; anything else is
 * PODC_EMIGRATION carrying the exit code, the container and psql's text; a file it names is
 * one of the plan's, a statement it quotes is one of that file's; the error's JSON parses.
 */
#include "datastorage/goose.h"
#include "datastorage/migrate-private.h"
#include "fuzz.h"
#include "podc/error.h"

static const struct {
    const char *name, *text;
} files[] = {
    { "001_audit.sql",
      "-- Test migration (goose format) for the DataStorage stand-in.\n"
      "-- Needs the uuid-ossp and pgcrypto extensions, like the real DataStorage schema.\n\n-- +goose Up\n"
      "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\";\nCREATE EXTENSION IF NOT EXISTS pgcrypto;\n\n"
      "CREATE TABLE audit_events (\n    id         serial PRIMARY KEY,\n"
      "    event_uuid uuid NOT NULL DEFAULT uuid_generate_v4(),\n    msg        text NOT NULL,\n"
      "    created_at timestamptz NOT NULL DEFAULT now()\n);\n\n-- +goose Down\n"
      "DROP TABLE IF EXISTS audit_events;\n" },
    { "002_audit_digest.sql",
      "-- A plpgsql function (its body contains ';', hence StatementBegin/End) and a\n"
      "-- trigger that stores a pgcrypto sha256 digest of every message.\n\n-- +goose Up\n"
      "ALTER TABLE audit_events ADD COLUMN msg_sha256 text;\n\n-- +goose StatementBegin\n"
      "CREATE OR REPLACE FUNCTION audit_events_set_digest() RETURNS trigger AS $$\nBEGIN\n"
      "    NEW.msg_sha256 := encode(digest(NEW.msg, 'sha256'), 'hex');\n    RETURN NEW;\nEND;\n"
      "$$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n\nCREATE TRIGGER audit_events_digest\n"
      "    BEFORE INSERT OR UPDATE OF msg ON audit_events\n"
      "    FOR EACH ROW EXECUTE FUNCTION audit_events_set_digest();\n\n-- +goose Down\n"
      "DROP TRIGGER IF EXISTS audit_events_digest ON audit_events;\n-- +goose StatementBegin\n"
      "DROP FUNCTION IF EXISTS audit_events_set_digest();\n-- +goose StatementEnd\n"
      "ALTER TABLE audit_events DROP COLUMN IF EXISTS msg_sha256;\n" },
    { "003_audit_index.sql",
      "-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block: this file\n"
      "-- must be applied without the per-file transaction.\n-- +goose NO TRANSACTION\n\n-- +goose Up\n"
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS audit_events_created_at_idx ON audit_events (created_at);\n\n"
      "-- +goose Down\nDROP INDEX CONCURRENTLY IF EXISTS audit_events_created_at_idx;\n" },
};
#define NFILES (sizeof files / sizeof files[0])

static pdc_migration_plan *plan;
static pdc_goose_migration parsed[NFILES];
static char mdir[600];

static void cleanup(void)
{
    char p[700];
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(p, sizeof p, "%s/%s", mdir, files[i].name);
        unlink(p);
        pdc_goose_migration_clear(&parsed[i]);
    }
    rmdir(mdir);
    pdc_migration_plan_free(plan);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    snprintf(mdir, sizeof mdir, "%s/migrations", fuzz_dir());
    FUZZ_CHECK(mkdir(mdir, 0700) == 0, "mkdir %s", mdir);
    atexit(cleanup); /* runs before fuzz_dir's own clean-up */
    for (size_t i = 0; i < NFILES; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "migrations/%s", files[i].name);
        fuzz_write(rel, files[i].text, strlen(files[i].text));
        FUZZ_CHECK(pdc_goose_parse(files[i].name, files[i].text, &parsed[i], NULL) == 0, "%s", files[i].name);
    }
    podc_error *err = NULL;
    FUZZ_CHECK(pdc_migration_plan_new(mdir, NULL, &plan, &err) == 0, "plan: %s", podc_error_message(err));
    return 0;
}

static int eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int code = (int8_t)data[0];
    char *errtext;
    char *out = fuzz_split(data + 1, size - 1, &errtext);
    const char *stdout_text = out ? out : "";
    size_t want = 0;
    for (const char *s = stdout_text; (s = strstr(s, "podc-applied ")) != NULL; s++)
        want++;
    int applied = -1;
    podc_error *err = NULL;
    int rc = pdc_migration_plan_outcome(plan, "podc-ds-pg", code, stdout_text, errtext, &applied, &err);
    if (code == 0) {
        FUZZ_CHECK(rc == 0 && err == NULL, "exit 0 failed: %d", rc);
        FUZZ_CHECK(applied >= 0 && (size_t)applied == want, "applied %d, the output says %zu", applied, want);
    } else {
        FUZZ_CHECK(rc == PODC_EMIGRATION && err && podc_error_code(err) == rc, "exit %d: rc %d", code, rc);
        FUZZ_CHECK(applied == -1, "applied set on failure");
        int ec = 0;
        FUZZ_CHECK(podc_error_exit_code(err, &ec) && ec == code, "exit code %d, not %d", ec, code);
        FUZZ_CHECK(eq(podc_error_container(err), "podc-ds-pg"), "container %s", podc_error_container(err));
        FUZZ_CHECK(eq(podc_error_detail(err, "psql"), errtext), "psql text changed");
        FUZZ_CHECK(podc_error_message(err) && strstr(podc_error_message(err), errtext), "message lacks psql's text");
        const char *file = podc_error_detail(err, "file"), *stmt = podc_error_detail(err, "statement");
        size_t fi = NFILES;
        for (size_t i = 0; file && i < NFILES; i++)
            if (strcmp(file, files[i].name) == 0)
                fi = i;
        FUZZ_CHECK(!file || fi < NFILES, "file %s is not the plan's", file);
        FUZZ_CHECK(!stmt || file, "a statement without its file");
        int found = 0;
        for (size_t k = 0; stmt && k < parsed[fi].nstmts; k++)
            found |= strcmp(stmt, parsed[fi].stmts[k].sql) == 0;
        FUZZ_CHECK(!stmt || found, "statement not in %s: %s", file, stmt);
        char *js = podc_error_to_json(err);
        char eb[128];
        FUZZ_CHECK(js && fuzz_json_syntax_ok(js, eb, sizeof eb), "error JSON: %s", eb);
        free(js);
    }
    podc_error_free(err);
    free(errtext);
    free(out);
    return 0;
}
