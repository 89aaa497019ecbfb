#include "config.h"

#include "datastorage/goose.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "core/file.h"

int64_t pdc_goose_version_of(const char *name)
{
    const char *p = name;
    int64_t v = 0;
    if (!isdigit((unsigned char)*p))
        return -1;
    while (isdigit((unsigned char)*p)) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*p++ - '0');
    }
    size_t len = strlen(name);
    if (*p != '_' || len < 5 || strcmp(name + len - 4, ".sql") != 0)
        return -1;
    return v;
}

/* The annotation on a line ("Up", "StatementBegin", ...), or NULL when it is not one. */
static const char *annotation(const char *line)
{
    while (*line == ' ' || *line == '\t')
        line++;
    if (strncmp(line, "--", 2) != 0)
        return NULL;
    line += 2;
    while (*line == ' ' || *line == '\t')
        line++;
    if (strncmp(line, "+goose", 6) != 0)
        return NULL;
    line += 6;
    while (*line == ' ' || *line == '\t')
        line++;
    return line;
}

static int is_annot(const char *a, const char *word)
{
    size_t n = strlen(word);
    if (strncasecmp(a, word, n) != 0)
        return 0;
    for (a += n; *a; a++)
        if (!isspace((unsigned char)*a))
            return 0;
    return 1;
}

static int ends_with_semicolon(const char *line)
{
    /* goose ignores a trailing "-- comment" only when the line is all comment; keep it simple:
     * trim whitespace and look at the last character */
    size_t n = strlen(line);
    while (n && isspace((unsigned char)line[n - 1]))
        n--;
    return n && line[n - 1] == ';';
}

static int blank_or_comment(const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    return *line == '\0' || strncmp(line, "--", 2) == 0;
}

static int push_stmt(pdc_goose_migration *m, pdc_buf *sql, int line)
{
    pdc_goose_stmt *s = realloc(m->stmts, (m->nstmts + 1) * sizeof *s);
    if (!s)
        return PODC_ENOMEM;
    m->stmts = s;
    /* drop the trailing newline so statements print cleanly in errors */
    while (sql->len && (sql->data[sql->len - 1] == '\n' || sql->data[sql->len - 1] == '\r'))
        sql->data[--sql->len] = '\0';
    s[m->nstmts].sql = pdc_buf_detach(sql);
    s[m->nstmts].line = line;
    if (!s[m->nstmts].sql)
        return PODC_ENOMEM;
    m->nstmts++;
    return 0;
}

int pdc_goose_parse(const char *file, const char *text, pdc_goose_migration *out, podc_error **err)
{
    pdc_goose_migration m = { .version = pdc_goose_version_of(file), .file = strdup(file) };
    pdc_buf sql = PODC_BUF_INIT;
    enum { BEFORE, UP, DOWN } section = BEFORE;
    int in_block = 0, seen_up = 0, stmt_line = 0, lineno = 0, rc = 0;
    const char *p = text;

    while (rc == 0 && *p) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        p += n + (p[n] == '\n');
        lineno++;
        if (!line) {
            rc = PODC_ENOMEM;
            break;
        }
        const char *a = annotation(line);
        if (a) {
            if (is_annot(a, "Up")) {
                section = UP;
                seen_up = 1;
            } else if (is_annot(a, "Down")) {
                section = DOWN;
            } else if (is_annot(a, "NO TRANSACTION")) {
                m.no_transaction = 1;
            } else if (section == UP && is_annot(a, "StatementBegin")) {
                in_block = 1;
                stmt_line = 0;
            } else if (section == UP && is_annot(a, "StatementEnd")) {
                if (!in_block)
                    rc = pdc_error_invalid(err, "migration", "%s:%d: StatementEnd without StatementBegin", file,
                                           lineno);
                else if (sql.len)
                    rc = push_stmt(&m, &sql, stmt_line);
                in_block = 0;
            }
            free(line);
            continue;
        }
        if (section == UP) {
            if (!in_block && sql.len == 0 && blank_or_comment(line)) {
                free(line);
                continue;
            }
            if (sql.len == 0)
                stmt_line = lineno;
            if (pdc_buf_puts(&sql, line) < 0 || pdc_buf_puts(&sql, "\n") < 0)
                rc = PODC_ENOMEM;
            else if (!in_block && ends_with_semicolon(line))
                rc = push_stmt(&m, &sql, stmt_line);
        }
        free(line);
    }

    if (rc == 0 && !seen_up)
        rc = pdc_error_invalid(err, "migration", "%s: no \"-- +goose Up\" section", file);
    if (rc == 0 && in_block)
        rc = pdc_error_invalid(err, "migration", "%s: StatementBegin without StatementEnd", file);
    if (rc == 0 && sql.len)
        rc = pdc_error_invalid(err, "migration", "%s:%d: last statement does not end with ';'", file, stmt_line);
    if (rc == PODC_ENOMEM)
        pdc_error_oom(err);
    pdc_buf_free(&sql);
    if (rc == 0 && !m.file)
        rc = pdc_error_oom(err);
    if (rc < 0) {
        if (err && *err)
            pdc_error_add_detail(*err, "file", file);
        pdc_goose_migration_clear(&m);
        return rc;
    }
    *out = m;
    return 0;
}

static int by_version(const void *a, const void *b)
{
    const pdc_goose_migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

/* A migration file may be large (seed data), but not unbounded. */
#define MAX_MIGRATION_BYTES (64u << 20)

int pdc_goose_load_dir(const char *dir, pdc_goose_migration **out, size_t *n_out, podc_error **err)
{
    DIR *d = opendir(dir);
    if (!d)
        return pdc_error_set_local(err, errno, "migrations_dir", dir, "migrations dir %s", dir);
    pdc_goose_migration *list = NULL;
    size_t n = 0;
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (pdc_goose_version_of(de->d_name) < 0)
            continue;
        pdc_buf path = PODC_BUF_INIT;
        pdc_buf_printf(&path, "%s/%s", dir, de->d_name);
        char *text = NULL;
        int e = path.data ? pdc_file_read(path.data, MAX_MIGRATION_BYTES, 0, &text, NULL) : ENOMEM;
        if (e) {
            rc = e == EFBIG ? pdc_error_invalid(err, "migrations_dir", "%s: larger than 64 MiB", path.data)
                            : pdc_error_set_local(err, e, NULL, path.data ? path.data : de->d_name, "cannot read %s",
                                                  path.data ? path.data : de->d_name);
            pdc_buf_free(&path);
            break;
        }
        pdc_buf_free(&path);
        pdc_goose_migration *grown = realloc(list, (n + 1) * sizeof *list);
        if (!grown) {
            free(text);
            rc = pdc_error_oom(err);
            break;
        }
        list = grown;
        rc = pdc_goose_parse(de->d_name, text, &list[n], err);
        free(text);
        if (rc == 0)
            n++;
    }
    closedir(d);
    if (rc == 0 && n > 1) {
        qsort(list, n, sizeof *list, by_version);
        for (size_t i = 1; i < n && rc == 0; i++)
            if (list[i].version == list[i - 1].version)
                rc = pdc_error_invalid(err, "migrations_dir", "%s and %s share version %lld", list[i - 1].file,
                                       list[i].file, (long long)list[i].version);
    }
    if (rc < 0) {
        pdc_goose_migrations_free(list, n);
        return rc;
    }
    *out = list;
    *n_out = n;
    return 0;
}

void pdc_goose_migration_clear(pdc_goose_migration *m)
{
    for (size_t i = 0; i < m->nstmts; i++)
        free(m->stmts[i].sql);
    free(m->stmts);
    free(m->file);
    memset(m, 0, sizeof *m);
}

void pdc_goose_migrations_free(pdc_goose_migration *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pdc_goose_migration_clear(&m[i]);
    free(m);
}
