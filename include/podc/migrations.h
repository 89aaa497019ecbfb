/*
 * podc/migrations.h - goose-compatible SQL migrations applied inside a running Postgres
 * container, entirely through the API: the files are copied in and run with psql via exec.
 *
 * Format (what kubernaut's suites use): files NNN_name.sql applied in numeric order; only the
 * part between `-- +goose Up` and `-- +goose Down` runs; `-- +goose StatementBegin` /
 * `StatementEnd` delimit statements containing ';'; each file runs in one transaction unless it
 * says `-- +goose NO TRANSACTION`. Applied versions are recorded in goose_db_version exactly as
 * the Go goose tool does (with a row for version 0 first), so re-running applies only what is
 * missing and either tool can continue after the other.
 *
 * Thread-safety: as for the client used.
 */
#ifndef PODC_MIGRATIONS_H
#define PODC_MIGRATIONS_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PODC_MIGRATE_OPTIONS_VERSION 1

typedef struct podc_migrate_options {
    unsigned int version;   /* PODC_MIGRATE_OPTIONS_VERSION */
    const char *user;       /* database user; NULL = "postgres" */
    const char *password;   /* passed to psql as PGPASSWORD; may be NULL */
    const char *database;   /* NULL = the user name */
    int64_t timeout_ms;     /* per psql run; 0 = 60000 */
} podc_migrate_options;

#define PODC_MIGRATE_OPTIONS_INIT { PODC_MIGRATE_OPTIONS_VERSION, NULL, NULL, NULL, 0 }

PODC_EXTERN int podc_migrate_options_init(podc_migrate_options *opts, unsigned int version);

/*
 * Applies the migrations in dir (a host directory) that the database in `container` has not
 * recorded yet. *applied_out (may be NULL) receives how many files were applied now.
 * The directory is read and every file parsed before any request is sent.
 * Errors: PODC_EINVAL (unreadable dir, malformed file: detail "file"), PODC_EMIGRATION (a
 * statement failed: details "file", "statement", "psql" with psql's message; earlier files
 * stay applied, the failing file's transaction is rolled back), PODC_ENOTFOUND / PODC_ECONFLICT
 * (container missing / not running), transport errors.
 */
PODC_EXTERN int podc_migrations_apply(podc_client *c, const char *container, const char *dir,
                                      const podc_migrate_options *opts, int *applied_out, podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
