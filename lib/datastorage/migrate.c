/* migrate.c - applying goose migrations through copy + exec (psql inside the container). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "core/sha256.h"
#include "core/tar-mem.h"
#include "core/validate.h"
#include "datastorage/goose.h"
#include "datastorage/migrate-private.h"
#include "podc/copy.h"
#include "podc/exec.h"
#include "podc/migrations.h"
#include "transport/cancel.h"

#define SCRIPT_DIR PODC_MIGRATION_DIR

/* Same table as the Go goose tool creates for Postgres. */
static const char bookkeeping_sql[] =
    "CREATE TABLE IF NOT EXISTS goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, "
    "is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now(), PRIMARY KEY(id));"
    "INSERT INTO goose_db_version (version_id, is_applied) "
    "SELECT 0, true WHERE NOT EXISTS (SELECT 1 FROM goose_db_version);\n";

typedef struct ctx {
    podc_client *c;
    const char *container;
    const char *user, *db;
    const podc_exec_options *xo;
} ctx;

int podc_migrate_options_init(podc_migrate_options *opts, unsigned int version)
{
    if (!opts || version != PODC_MIGRATE_OPTIONS_VERSION)
        return PODC_EINVAL;
    podc_migrate_options def = PODC_MIGRATE_OPTIONS_INIT;
    *opts = def;
    return 0;
}

/* The same options as PODC_MIGRATION_PSQL (the stack's one-exec run uses that). */
static int psql(ctx *x, const char *flag, const char *arg, podc_exec_result **out, podc_error **err)
{
    const char *argv[] = { "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-U", x->user, "-d", x->db,
                           flag,   arg,  NULL };
    return podc_exec_run(x->c, x->container, argv, x->xo, out, err);
}

/* The script for one file; stmt_end[i] receives the script line where statement i ends. */
static char *script_for(const pdc_goose_migration *m, int *stmt_start, int *stmt_end)
{
    pdc_buf b = PODC_BUF_INIT;
    int line = 1;
    if (!m->no_transaction) {
        pdc_buf_puts(&b, "BEGIN;\n");
        line++;
    }
    for (size_t i = 0; i < m->nstmts; i++) {
        stmt_start[i] = line;
        pdc_buf_puts(&b, m->stmts[i].sql);
        pdc_buf_puts(&b, "\n");
        for (const char *p = m->stmts[i].sql; *p; p++)
            line += *p == '\n';
        stmt_end[i] = line;
        line++;
    }
    pdc_buf_printf(&b, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (%lld, true);\n",
                   (long long)m->version);
    if (!m->no_transaction)
        pdc_buf_puts(&b, "COMMIT;\n");
    return pdc_buf_detach(&b);
}

/* One pending file: its script and where each statement sits in it. */
typedef struct pending {
    const pdc_goose_migration *m;
    char *script;
    int *start, *end;
} pending;

static void pending_free(pending *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].script);
        free(p[i].start);
        free(p[i].end);
    }
    free(p);
}

/* psql reports "psql:FILE:LINE: ERROR: ..." with LINE inside the failing statement. */
static podc_error *failure(const char *container, const pending *p, size_t n, int exit_code, const char *msg)
{
    const pending *f = NULL;
    int stmt = -1;
    /* the line that carries the ERROR (a NOTICE of an earlier file may come first), else the first */
    static const char prefix[] = "psql:" SCRIPT_DIR "/";
    const char *at = NULL;
    for (const char *l = strstr(msg, prefix); l && !at; l = strstr(l + 1, prefix)) {
        const char *eol = strchr(l, '\n');
        const char *err = strstr(l, ": ERROR:");
        if (err && (!eol || err < eol))
            at = l;
    }
    if (!at)
        at = strstr(msg, prefix);
    if (at) {
        const char *name = at + strlen(prefix);
        size_t len = strcspn(name, ":");
        for (size_t i = 0; i < n && !f; i++)
            if (strlen(p[i].m->file) == len && strncmp(p[i].m->file, name, len) == 0)
                f = &p[i];
        int line = atoi(name + len + (name[len] == ':'));
        for (size_t i = 0; f && i < f->m->nstmts && stmt < 0; i++)
            if (line >= f->start[i] && line <= f->end[i])
                stmt = (int)i;
    }
    podc_error *e;
    if (f && stmt >= 0)
        e = pdc_error_new(PODC_EMIGRATION, "migration %s failed at statement %d (line %d): %s", f->m->file, stmt + 1,
                          f->m->stmts[stmt].line, msg);
    else
        e = pdc_error_new(PODC_EMIGRATION, "migration %s failed: %s", f ? f->m->file : "(unknown file)", msg);
    if (f)
        pdc_error_add_detail(e, "file", f->m->file);
    if (f && stmt >= 0)
        pdc_error_add_detail(e, "statement", f->m->stmts[stmt].sql);
    pdc_error_add_detail(e, "psql", msg);
    pdc_error_set_container(e, container, NULL);
    pdc_error_set_exit_code(e, exit_code);
    return e;
}

/* Everything prepared for one database: the parsed files, their scripts, the tar and the
 * psql settings. */
struct pdc_migration_plan {
    pdc_goose_migration *ms;
    size_t nm;
    pending *todo;
    pdc_buf driver;
    pdc_tar_file *files; /* the scripts, then the driver: what PODC_MIGRATION_DIR holds */
    pdc_buf tar;
    char *user, *db;
    podc_exec_options *xo;
};

/* Every file's script plus a driver that creates goose's table, then runs each file whose
 * version is not recorded as applied (the latest row decides, as in goose) and says so:
 * one copy (or one exec's arguments) and one psql run for the lot. */
static int make_files(pdc_migration_plan *p)
{
    pdc_buf_puts(&p->driver, bookkeeping_sql);
    for (size_t i = 0; i < p->nm; i++)
        pdc_buf_printf(&p->driver,
                       "SELECT coalesce((SELECT is_applied FROM goose_db_version WHERE version_id = %lld "
                       "ORDER BY id DESC LIMIT 1), false) = false AS podc_todo \\gset\n"
                       "\\if :podc_todo\n\\i " SCRIPT_DIR "/%s\n\\echo podc-applied %lld\n\\endif\n",
                       (long long)p->todo[i].m->version, p->todo[i].m->file, (long long)p->todo[i].m->version);
    if (!p->driver.data || !(p->files = calloc(p->nm + 1, sizeof *p->files)))
        return -1;
    for (size_t i = 0; i < p->nm; i++)
        p->files[i] = (pdc_tar_file){ p->todo[i].m->file, p->todo[i].script, strlen(p->todo[i].script), 0644 };
    p->files[p->nm] = (pdc_tar_file){ "_apply.sql", p->driver.data, p->driver.len, 0644 };
    return pdc_tar_files(p->files, p->nm + 1, &p->tar);
}

const pdc_tar_file *pdc_migration_plan_files(const pdc_migration_plan *p, size_t *n)
{
    *n = p->nm + 1;
    return p->files;
}

void pdc_migration_plan_hash(const pdc_migration_plan *p, pdc_sha256 *s)
{
    for (size_t i = 0; p && i < p->nm; i++) {
        const pdc_goose_migration *m = &p->ms[i];
        pdc_sha256_update(s, m->file, strlen(m->file) + 1); /* NULs keep the fields apart */
        pdc_sha256_update(s, m->no_transaction ? "n" : "t", 2);
        for (size_t k = 0; k < m->nstmts; k++)
            pdc_sha256_update(s, m->stmts[k].sql, strlen(m->stmts[k].sql) + 1);
    }
}

void pdc_migration_plan_free(pdc_migration_plan *p)
{
    if (!p)
        return;
    pending_free(p->todo, p->nm);
    pdc_goose_migrations_free(p->ms, p->nm);
    pdc_buf_free(&p->tar);
    pdc_buf_free(&p->driver);
    free(p->files);
    free(p->user);
    free(p->db);
    podc_exec_options_free(p->xo);
    free(p);
}

int pdc_migration_plan_new(const char *dir, const podc_migrate_options *opts, pdc_migration_plan **out,
                           podc_error **err)
{
    podc_migrate_options def = PODC_MIGRATE_OPTIONS_INIT;
    if (!opts)
        opts = &def;
    if (opts->version != PODC_MIGRATE_OPTIONS_VERSION)
        return pdc_error_invalid(err, "version", "podc_migrate_options.version %u is not %d", opts->version,
                                 PODC_MIGRATE_OPTIONS_VERSION);
    int rc = pdc_validate_nonempty("migrations_dir", dir, err);
    if (rc < 0)
        return rc;
    pdc_migration_plan *p = calloc(1, sizeof *p);
    if (!p)
        return pdc_error_oom(err);
    rc = pdc_goose_load_dir(dir, &p->ms, &p->nm, err); /* every file parsed before anything is sent */
    if (rc < 0) {
        pdc_migration_plan_free(p);
        return rc;
    }
    const char *user = opts->user ? opts->user : "postgres";
    p->user = strdup(user);
    p->db = strdup(opts->database ? opts->database : user);
    p->xo = podc_exec_options_new();
    p->todo = calloc(p->nm ? p->nm : 1, sizeof *p->todo);
    if (!p->user || !p->db || !p->xo || !p->todo)
        rc = pdc_error_oom(err);
    if (rc == 0)
        podc_exec_options_set_timeout(p->xo, opts->timeout_ms ? opts->timeout_ms : 60000, NULL);
    if (rc == 0 && opts->password)
        rc = podc_exec_options_add_env(p->xo, "PGPASSWORD", opts->password, err);
    for (size_t i = 0; rc == 0 && i < p->nm; i++) {
        pending *t = &p->todo[i];
        size_t ns = p->ms[i].nstmts ? p->ms[i].nstmts : 1;
        t->m = &p->ms[i];
        t->start = calloc(ns, sizeof *t->start);
        t->end = calloc(ns, sizeof *t->end);
        t->script = (t->start && t->end) ? script_for(&p->ms[i], t->start, t->end) : NULL;
        if (!t->script)
            rc = pdc_error_oom(err);
    }
    if (rc == 0 && make_files(p) != 0)
        rc = pdc_error_set(err, PODC_ENOMEM, "building the migrations tar failed");
    if (rc < 0) {
        pdc_migration_plan_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int pdc_migration_plan_copy(podc_client *c, const char *container, const pdc_migration_plan *p,
                            podc_error **err)
{
    int rc = pdc_validate_name("container", container, err);
    return rc < 0 ? rc : podc_copy_put_tar(c, container, SCRIPT_DIR, p->tar.data, p->tar.len, err);
}

int pdc_migration_plan_outcome(const pdc_migration_plan *p, const char *container, int exit_code, const char *out,
                               const char *errtext, int *applied_out, podc_error **err)
{
    int applied = 0;
    for (const char *s = out; (s = strstr(s, "podc-applied ")) != NULL; s++)
        applied++;
    if (exit_code != 0)
        return pdc_error_put(err, failure(container, p->todo, p->nm, exit_code, errtext));
    if (applied_out)
        *applied_out = applied;
    return 0;
}

int pdc_migration_plan_result(const pdc_migration_plan *p, const char *container, const podc_exec_result *r,
                              int *applied_out, podc_error **err)
{
    return pdc_migration_plan_outcome(p, container, podc_exec_result_exit_code(r), podc_exec_result_stdout(r),
                                      podc_exec_result_stderr(r), applied_out, err);
}

int pdc_migration_plan_run(podc_client *c, const char *container, const pdc_migration_plan *p, int *applied_out,
                           podc_error **err)
{
    int rc = pdc_validate_name("container", container, err);
    if (rc < 0)
        return rc;
    ctx x = { .c = c, .container = container, .user = p->user, .db = p->db, .xo = p->xo };
    podc_exec_result *r = NULL;
    rc = psql(&x, "-f", PODC_MIGRATION_DRIVER, &r, err);
    if (rc == 0)
        rc = pdc_migration_plan_result(p, container, r, applied_out, err);
    podc_exec_result_free(r);
    return rc;
}

int podc_migrations_apply(podc_client *c, const char *container, const char *dir, const podc_migrate_options *opts,
                          int *applied_out, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    int rc = pdc_validate_name("container", container, err);
    if (rc < 0)
        return rc;
    pdc_migration_plan *p = NULL;
    rc = pdc_migration_plan_new(dir, opts, &p, err);
    pdc_call_enter(c); /* copy, then the exec: one call for a cancel */
    if (rc == 0)
        rc = pdc_migration_plan_copy(c, container, p, err);
    if (rc == 0)
        rc = pdc_migration_plan_run(c, container, p, applied_out, err);
    pdc_call_leave(c);
    pdc_migration_plan_free(p);
    return rc;
}
