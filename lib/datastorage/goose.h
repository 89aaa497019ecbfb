/*
 * goose.h - reading goose-format SQL migrations (the format kubernaut's suites use), so the
 * DataStorage bootstrap can apply them through psql inside the Postgres container and stay
 * compatible with the Go goose tool's goose_db_version table.
 *
 * Rules followed (goose v3 sqlparser): only the part after `-- +goose Up` and before
 * `-- +goose Down` runs; a statement ends at a line whose trimmed text ends with ';' unless it
 * sits between `-- +goose StatementBegin` and `-- +goose StatementEnd`; `-- +goose NO TRANSACTION`
 * anywhere means the file is not wrapped in a transaction; files are NNN_name.sql applied in
 * numeric order.
 */
#ifndef PODC_DATASTORAGE_GOOSE_H
#define PODC_DATASTORAGE_GOOSE_H

#include <stddef.h>
#include <stdint.h>

#include "podc/error.h"

typedef struct pdc_goose_stmt {
    char *sql;
    int line;            /* 1-based line of the statement's first line in its file */
} pdc_goose_stmt;

typedef struct pdc_goose_migration {
    int64_t version;
    char *file;          /* base name, e.g. "001_audit.sql" */
    int no_transaction;
    size_t nstmts;
    pdc_goose_stmt *stmts;
} pdc_goose_migration;

/* Parses one file's text. Errors: PODC_EINVAL (no Up section, unterminated StatementBegin,
 * trailing statement without ';'), detail "file". */
int pdc_goose_parse(const char *file, const char *text, pdc_goose_migration *out, podc_error **err);

/* Loads every NNN_*.sql in dir, sorted by version. Duplicate versions are an error. */
int pdc_goose_load_dir(const char *dir, pdc_goose_migration **out, size_t *n, podc_error **err);

/* Version from a file name ("001_init.sql" -> 1); -1 when it is not a migration file. */
int64_t pdc_goose_version_of(const char *name);

void pdc_goose_migration_clear(pdc_goose_migration *m);
void pdc_goose_migrations_free(pdc_goose_migration *m, size_t n);

#endif
