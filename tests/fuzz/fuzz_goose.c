/*
 * fuzz_goose.c - goose SQL migration files (pdc_goose_parse, pdc_goose_version_of), as
 * found in a DataStorage suite's migrations directory. Bytes before the first NUL are the
 * file's text; the first line after it, if any, is the file name (default "001_fuzz.sql").
 * Contracts checked: on success the version is the file name's, every statement has a line
 * number within the file and no trailing newline; on failure the error names the file and
 * the output is untouched.
 */
#include "datastorage/goose.h"
#include "fuzz.h"
#include "podc/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    char *name = fuzz_split(data, size, &text);
    if (name)
        name[strcspn(name, "\n")] = '\0';
    const char *file = name && *name ? name : "001_fuzz.sql";
    int64_t v = pdc_goose_version_of(file);
    FUZZ_CHECK(v >= -1, "version %lld", (long long)v);
    int lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';

    pdc_goose_migration m;
    memset(&m, 0xA5, sizeof m);
    podc_error *err = NULL;
    int rc = pdc_goose_parse(file, text, &m, &err);
    if (rc == 0) {
        FUZZ_CHECK(err == NULL, "success with an error");
        FUZZ_CHECK(m.version == v, "version %lld vs %lld", (long long)m.version, (long long)v);
        FUZZ_CHECK(m.file && strcmp(m.file, file) == 0, "file name");
        for (size_t i = 0; i < m.nstmts; i++) {
            const char *sql = m.stmts[i].sql;
            /* (a StatementBegin block of blank lines gives an empty statement: psql skips it) */
            FUZZ_CHECK(sql != NULL, "statement %zu missing", i);
            FUZZ_CHECK(m.stmts[i].line >= 0 && m.stmts[i].line <= lines, "statement %zu at line %d of %d", i,
                       m.stmts[i].line, lines);
            size_t n = strlen(sql);
            FUZZ_CHECK(!n || (sql[n - 1] != '\n' && sql[n - 1] != '\r'), "statement %zu ends in a newline", i);
        }
        pdc_goose_migration_clear(&m);
    } else {
        FUZZ_CHECK(rc == PODC_EINVAL || rc == PODC_ENOMEM, "rc %d", rc);
        FUZZ_CHECK(err && podc_error_message(err), "failure without an error");
        FUZZ_CHECK(rc == PODC_ENOMEM || podc_error_detail(err, "file"), "error does not name the file");
        const unsigned char *raw = (const unsigned char *)&m;
        for (size_t i = 0; i < sizeof m; i++)
            FUZZ_CHECK(raw[i] == 0xA5, "output written on failure");
        podc_error_free(err);
    }
    free(text);
    free(name);
    return 0;
}
