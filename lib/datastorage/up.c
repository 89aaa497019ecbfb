/* up.c - bringing the DataStorage stack up, gated step by step, leaking nothing on failure. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api/images-private.h"
#include "core/buf.h"
#include "core/error-private.h"
#include "core/parallel.h"
#include "core/tar-mem.h"
#include "core/validate.h"
#include "datastorage/ds-private.h"
#include "datastorage/migrate-private.h"
#include "podc/containers.h"
#include "podc/exec.h"
#include "podc/images.h"
#include "podc/logs.h"
#include "podc/migrations.h"
#include "podc/networks.h"
#include "podc/stack.h"
#include "stack/stack-private.h"
#include "transport/cancel.h"
#include "transport/endpoint.h"

struct podc_ds_stack {
    char *service, *network;
    char *containers[3];
    int ports[DS_NPORTS];
    char *dsn, *dsn_masked, *redis_addr, *api_url, *health_url, *metrics_url;
    int64_t up_ms;
    int reused;
};

typedef struct run {
    podc_client *c;
    const podc_ds_config *cfg;
    char net[DS_NAME_MAX], names[3][DS_NAME_MAX];
    const char *session;
    int64_t t0;
    int created_network;
    char *built_image_id;
    const char *config_dir; /* the caller's, bind-mounted; NULL = generated, copied into the container */
    pdc_migration_plan *plan;      /* NULL without a migrations dir */
    int inline_scripts;            /* the plan's files go as the migration exec's arguments, not a copy */
    pthread_mutex_t progress_mu;   /* lines come from several threads: one at a time */
    podc_image_pull_options *no_pull; /* for the services: the images are there by then */
    char hash[65];                 /* with reuse: the definition hash (a label on every member) */
} run;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reports a step; non-zero when the caller's callback asks to stop. */
static int progress(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int progress(run *r, const char *fmt, ...)
{
    if (!r->cfg->progress)
        return 0;
    char msg[512], line[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "[%7.3fs] %s: %s", (now_ms() - r->t0) / 1000.0, r->cfg->service, msg);
    pthread_mutex_lock(&r->progress_mu);
    int stop = r->cfg->progress(line, r->cfg->progress_ud);
    pthread_mutex_unlock(&r->progress_mu);
    return stop;
}

/* The members' own lines (the stack engine's callback), one at a time with the others. */
static int member_line(const char *line, void *ud)
{
    run *r = ud;
    if (!r->cfg->progress)
        return 0;
    pthread_mutex_lock(&r->progress_mu);
    int stop = r->cfg->progress(line, r->cfg->progress_ud);
    pthread_mutex_unlock(&r->progress_mu);
    return stop;
}

/* The step lines honour the callback's "stop" like the services' own do. */
static int step(run *r, podc_error **err, const char *what)
{
    if (progress(r, "%s", what) == 0)
        return 0;
    return pdc_error_set(err, PODC_ECANCELLED, "%s: stopped by the progress callback after \"%s\"", r->cfg->service,
                         what);
}

static int validate(const podc_ds_config *cfg, podc_error **err)
{
    if (!cfg)
        return pdc_error_invalid(err, "config", "config is NULL");
    int rc = pdc_validate_name("service", cfg->service, err);
    for (int i = 0; rc == 0 && i < 3; i++)
        rc = pdc_validate_image("image", cfg->images[i], err);
    for (size_t i = 0; rc == 0 && i < cfg->nenv; i++)
        rc = pdc_validate_env_key("env", cfg->env[i].key, err);
    struct stat st;
    if (rc == 0 && cfg->config_dir && (stat(cfg->config_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        rc = pdc_error_invalid(err, "config_dir", "DataStorage config dir %s is not a directory", cfg->config_dir);
    if (rc == 0 && cfg->config_dir && cfg->config_dir[0] != '/')
        rc = pdc_error_invalid(err, "config_dir", "DataStorage config dir %s must be an absolute path",
                               cfg->config_dir);
    if (rc == 0 && cfg->build_context && (stat(cfg->build_context, &st) != 0 || !S_ISDIR(st.st_mode)))
        rc = pdc_error_invalid(err, "build_context", "build context %s is not a directory", cfg->build_context);
    return rc;
}

static podc_service_spec *base_spec(run *r, int which)
{
    podc_service_spec *s = podc_service_spec_new();
    if (!s)
        return NULL;
    static const char *const component[] = { "postgres", "redis", "datastorage" };
    int bad = podc_service_spec_set_name(s, r->names[which], NULL) ||
              podc_service_spec_set_image(s, r->cfg->images[which], NULL) ||
              podc_service_spec_set_network(s, r->net, NULL) || podc_service_spec_set_session(s, r->session, NULL) ||
              podc_service_spec_add_label(s, PODC_DS_LABEL_STACK, r->cfg->service, NULL) ||
              podc_service_spec_add_label(s, "podc.ds.component", component[which], NULL) ||
              (r->hash[0] && podc_service_spec_add_label(s, PODC_DS_LABEL_HASH, r->hash, NULL)) ||
              podc_service_spec_set_startup_timeout(s, r->cfg->timeout_ms, NULL) ||
              podc_service_spec_set_poll_interval(s, 25, 100, NULL) || /* exec and HTTP checks are cheap: poll tight */
              podc_service_spec_set_pull_options(s, r->no_pull, NULL);
    if (bad) {
        podc_service_spec_free(s);
        return NULL;
    }
    return s;
}

/*
 * Postgres's service is "up" once a TCP connect to its published port succeeds: that fails at
 * once (RST) until the final server listens (the official entrypoint's temporary init server
 * listens on the socket only), costs podman nothing and can be tried every few ms, while an
 * exec costs podman a runc process (~0.15 s, competing with initdb for the CPU). The real
 * readiness checks then run in the container: see ready_and_migrate().
 */
static podc_service_spec *postgres_spec(run *r)
{
    const podc_ds_config *cfg = r->cfg;
    podc_service_spec *s = base_spec(r, PODC_DS_POSTGRES);
    if (!s)
        return NULL;
    int bad = podc_service_spec_add_env(s, "POSTGRES_USER", cfg->pg_user, NULL) ||
              podc_service_spec_add_env(s, "POSTGRES_PASSWORD", cfg->pg_password, NULL) ||
              podc_service_spec_add_env(s, "POSTGRES_DB", cfg->pg_db, NULL) ||
              podc_service_spec_add_port(s, 5432, pdc_ds_effective_port(cfg, PODC_DS_PORT_POSTGRES), NULL) ||
              podc_service_spec_set_poll_interval(s, 10, 25, NULL) || podc_service_spec_add_check_tcp(s, 5432, NULL);
    if (!bad && !cfg->pg_durable) {
        /* a test database: no fsyncs, no full-page images, data in memory (both images' entrypoints
         * take "postgres -c ..." and chown PGDATA) */
        static const char *const fast[] = { "postgres", "-c", "fsync=off", "-c", "synchronous_commit=off",
                                            "-c", "full_page_writes=off" };
        static const char *const tmpfs[] = { "mode=0700" };
        bad = podc_service_spec_set_command(s, fast, sizeof fast / sizeof fast[0], NULL) ||
              podc_service_spec_add_tmpfs(s, "/var/lib/postgresql/data", tmpfs, 1, NULL);
    }
    if (bad) {
        podc_service_spec_free(s);
        return NULL;
    }
    return s;
}

/*
 * Migration files small enough travel as the exec's arguments (the shell writes them out)
 * instead of a copy: podman 4.3 pays four re-executions of itself per copy (the container's user
 * looked up in its /etc/passwd and /etc/group, ~0.1-0.3 s of CPU each while initdb runs), and the
 * copy had to finish before the migrations could start. Linux takes 128 KiB per argument and
 * ~2 MiB for all of them (with the environment); larger sets are copied as before.
 */
#define INLINE_FILE_MAX (100 * 1024)
#define INLINE_TOTAL_MAX (512 * 1024)

static int scripts_fit_arguments(const pdc_migration_plan *p)
{
    size_t n = 0, total = 0;
    const pdc_tar_file *f = pdc_migration_plan_files(p, &n);
    for (size_t i = 0; i < n; i++) {
        if (f[i].len > INLINE_FILE_MAX)
            return 0;
        total += f[i].len + strlen(f[i].name);
    }
    return total <= INLINE_TOTAL_MAX;
}

/*
 * Ready = pg_isready passes and a real SELECT 1 succeeds, both over TCP inside the container
 * (pg_isready retried for a quarter of the up's timeout, 5 to 30 s, while the server still says
 * "starting up" or does not listen yet: rootless podman's port forwarder accepts the TCP gate's
 * connect before Postgres listens); then, in the same shell, psql applies the migrations (written
 * out from the arguments after $5, name and content in turns, or copied in beforehand). One exec
 * instead of two saves podman's exec overhead on the critical path; the order is the contract's.
 * User, database and scripts are arguments, never spliced into the script.
 */
static int ready_and_migrate(run *r, podc_client *c, int *applied, podc_error **err)
{
    const podc_ds_config *cfg = r->cfg;
    static const char script[] =
        "end=$(($(date +%s) + $5))\n"
        "until pg_isready -q -t 2 -h 127.0.0.1 -p 5432 -U \"$1\" -d \"$2\"; do\n"
        "  [ $(date +%s) -lt $end ] || { echo \"pg_isready: no Postgres accepting connections on 127.0.0.1:5432\" >&2; exit 97; }\n"
        "  sleep 0.02\n"
        "done\n"
        "out=$(psql -X -A -t -h 127.0.0.1 -p 5432 -U \"$1\" -d \"$2\" -c 'SELECT 1' 2>&1)\n"
        "[ \"$out\" = 1 ] || { echo \"SELECT 1 failed: $out\" >&2; exit 98; }\n"
        "if [ \"$3\" = migrate ]; then\n"
        "  [ $# -le 5 ] || (mkdir -p " PODC_MIGRATION_DIR " && shift 5 &&\n"
        "    while [ $# -ge 2 ]; do printf '%s' \"$2\" > \"" PODC_MIGRATION_DIR "/$1\" || exit 1; shift 2; done) ||\n"
        "    { echo \"cannot write the migration scripts to " PODC_MIGRATION_DIR "\" >&2; exit 95; }\n"
        "  " PODC_MIGRATION_PSQL " -U \"$1\" -d \"$2\" -f " PODC_MIGRATION_DRIVER " || exit $?\n"
        "fi\n"
        "[ -n \"$4\" ] || exit 0\n"
        /* reuse: the freshly-migrated database, kept as the template a warm up resets from */
        "printf '%s\\n' 'DROP DATABASE IF EXISTS :\"tmpl\";' 'CREATE DATABASE :\"tmpl\" TEMPLATE :\"db\";' |\n"
        "  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U \"$1\" -d postgres -v db=\"$2\" -v tmpl=\"$4\" >&2 ||\n"
        "  { echo \"cannot make the reuse template\" >&2; exit 96; }\n";
    /* the password in the exec's environment, not its arguments (a process list shows those) */
    size_t nfiles = 0;
    const pdc_tar_file *files = r->inline_scripts ? pdc_migration_plan_files(r->plan, &nfiles) : NULL;
    char budget[24];
    int64_t quarter_s = cfg->timeout_ms / 4000;
    snprintf(budget, sizeof budget, "%lld", (long long)(quarter_s < 5 ? 5 : quarter_s > 30 ? 30 : quarter_s));
    const char *head[] = { "sh", "-c", script, "podc-ready", cfg->pg_user, cfg->pg_db,
                           r->plan ? "migrate" : "check", r->hash[0] ? PODC_DS_TEMPLATE_DB : "", budget };
    const size_t nhead = sizeof head / sizeof head[0];
    const char **argv = calloc(nhead + 2 * nfiles + 1, sizeof *argv);
    podc_exec_options *xo = argv ? podc_exec_options_new() : NULL;
    if (!xo || podc_exec_options_add_env(xo, "PGPASSWORD", cfg->pg_password, NULL) < 0) {
        podc_exec_options_free(xo);
        free(argv);
        return pdc_error_oom(err);
    }
    memcpy(argv, head, sizeof head);
    for (size_t i = 0; i < nfiles; i++) {
        argv[nhead + 2 * i] = files[i].name;
        argv[nhead + 2 * i + 1] = files[i].data;
    }
    const char *pg = r->names[PODC_DS_POSTGRES];
    podc_exec_options_set_timeout(xo, cfg->timeout_ms, NULL);
    podc_exec_result *res = NULL;
    int rc = podc_exec_run(c, pg, argv, xo, &res, err), code = rc == 0 ? podc_exec_result_exit_code(res) : 0;
    free(argv);
    /* psql exits 0-3: anything else is the readiness part (or the shell itself) failing */
    if (rc == 0 && (code > 3 || (code != 0 && !r->plan))) {
        podc_error *e = pdc_error_new(PODC_EHEALTH, "%s: postgres%s: %s", cfg->service,
                                      code == 96 || code == 95 ? "" : " is not ready", podc_exec_result_stderr(res));
        pdc_error_set_container(e, pg, NULL);
        pdc_error_set_exit_code(e, code);
        char *tail = NULL;
        if (podc_logs_tail(c, pg, 50, &tail, NULL) == 0)
            pdc_error_set_log_tail(e, tail);
        podc_free(tail);
        pdc_error_add_detail(e, "component", "postgres");
        rc = pdc_error_put(err, e);
    }
    if (rc == 0)
        rc = step(r, err, "postgres ready (pg_isready, SELECT 1)");
    if (rc == 0 && r->plan) {
        rc = pdc_migration_plan_result(r->plan, pg, res, applied, err);
        if (rc < 0 && err && *err)
            pdc_error_add_detail(*err, "component", "migrations");
    }
    podc_exec_result_free(res);
    podc_exec_options_free(xo);
    return rc;
}

static podc_service_spec *redis_spec(run *r)
{
    podc_service_spec *s = base_spec(r, PODC_DS_REDIS);
    if (!s)
        return NULL;
    /* the contract's "PING answers PONG", asked over its published port: no exec (each one is a
     * process podman and runc start in the container; with four stacks starting side by side a
     * `redis-cli ping` took 5 s a try) */
    if (podc_service_spec_add_port(s, 6379, pdc_ds_effective_port(r->cfg, PODC_DS_PORT_REDIS), NULL) ||
        podc_service_spec_add_check_tcp_exchange(s, 6379, "PING\r\n", "+PONG", 2000, NULL)) {
        podc_service_spec_free(s);
        return NULL;
    }
    return s;
}

static podc_service_spec *datastorage_spec(run *r)
{
    const podc_ds_config *cfg = r->cfg;
    podc_service_spec *s = base_spec(r, PODC_DS_DATASTORAGE);
    if (!s)
        return NULL;
    const char *ro[] = { "ro" };
    int bad = podc_service_spec_add_env(s, "CONFIG_PATH", PODC_DS_CONFIG_MOUNT "/config.yaml", NULL) ||
              (r->config_dir && podc_service_spec_add_bind_mount(s, r->config_dir, PODC_DS_CONFIG_MOUNT, ro, 1,
                                                                 NULL)) ||
              podc_service_spec_add_port(s, 8080, pdc_ds_effective_port(cfg, PODC_DS_PORT_API), NULL) ||
              podc_service_spec_add_port(s, 8081, pdc_ds_effective_port(cfg, PODC_DS_PORT_HEALTH), NULL) ||
              podc_service_spec_add_port(s, 9090, pdc_ds_effective_port(cfg, PODC_DS_PORT_METRICS), NULL) ||
              podc_service_spec_add_check_http(s, 8081, "/readyz", 200, NULL, 2000, NULL);
    for (size_t i = 0; !bad && i < cfg->nenv; i++)
        bad = podc_service_spec_add_env(s, cfg->env[i].key, cfg->env[i].value, NULL) != 0;
    if (bad) {
        podc_service_spec_free(s);
        return NULL;
    }
    return s;
}

/* ---- the members, on the stack engine (podc/stack.h) ---- */

/* Once Postgres listens: its readiness checks and the migrations, one exec. */
static int migrations_run(podc_client *c, void *ud, podc_error **err)
{
    run *r = ud;
    int applied = 0;
    int rc = step(r, err, "postgres listening");
    if (rc == 0)
        rc = ready_and_migrate(r, c, &applied, err);
    char what[64];
    snprintf(what, sizeof what, "migrations applied (%d files)", applied);
    if (rc == 0 && r->plan)
        rc = step(r, err, what);
    return rc;
}

/* DataStorage prepared, while Postgres initialises: a generated config goes into DataStorage's
 * container, and migration scripts too large for the exec's arguments into Postgres's. */
static int datastorage_prepared(podc_client *c, const podc_service *svc, void *ud, podc_error **err)
{
    run *r = ud;
    int rc = 0;
    if (r->plan && !r->inline_scripts &&
        (rc = pdc_migration_plan_copy(c, r->names[PODC_DS_POSTGRES], r->plan, err)) == 0)
        rc = step(r, err, "migration scripts copied into postgres (too large for the exec's arguments)");
    if (rc < 0 && err && *err && !podc_error_detail(*err, "component"))
        pdc_error_add_detail(*err, "component", "migrations");
    if (rc == 0 && !r->config_dir)
        rc = pdc_ds_copy_config(c, r->cfg, podc_service_id(svc), err);
    return rc;
}

/*
 * Postgres first: the others are prepared only once its process runs (they would slow its
 * start down: podman and the CPU are shared). Then two streams side by side: Redis; and
 * DataStorage prepared, followed by the copies (datastorage_prepared). Once Postgres listens (and
 * copied scripts are in), the migrations task: readiness checks and migrations; DataStorage's
 * process once they are done and Redis is ready, ready when /readyz answers 200. (The copies as
 * a third stream of their own made four stacks at once ~10% slower.) The caller made the
 * network and removes what a failure leaves (embedded). The members' host ports go to ports.
 */
static int start_members(run *r, int ports[DS_NPORTS], podc_error **err)
{
    const podc_ds_config *cfg = r->cfg;
    podc_stack_spec *s = podc_stack_spec_new(cfg->service);
    const pdc_stack_task migrations = { .run = migrations_run, .ud = r };
    int bad = !s || podc_stack_spec_set_network(s, r->net, NULL) || podc_stack_spec_set_session(s, r->session, NULL) ||
              podc_stack_spec_set_progress(s, member_line, r, NULL) ||
              podc_stack_spec_add_member(s, "postgres", PODC_STACK_SERVICE, postgres_spec(r), NULL) ||
              pdc_stack_spec_add_task(s, "migrations", &migrations) ||
              podc_stack_spec_add_dependency(s, "migrations", "postgres", PODC_STACK_HEALTHY, NULL) ||
              (!r->inline_scripts && /* the scripts are copied once DataStorage is prepared */
               pdc_stack_spec_add_internal_dependency(s, "migrations", "datastorage", PODC_STACK_PREPARED)) ||
              podc_stack_spec_add_member(s, "datastorage", PODC_STACK_SERVICE, datastorage_spec(r), NULL) ||
              pdc_stack_spec_set_prepared_hook(s, "datastorage", datastorage_prepared, r) ||
              pdc_stack_spec_add_prepare_gate(s, "datastorage", "postgres", PODC_STACK_STARTED) ||
              podc_stack_spec_add_dependency(s, "datastorage", "migrations", PODC_STACK_COMPLETED, NULL);
    if (!bad && !cfg->skip_redis)
        bad = podc_stack_spec_add_member(s, "redis", PODC_STACK_SERVICE, redis_spec(r), NULL) ||
              pdc_stack_spec_add_prepare_gate(s, "redis", "postgres", PODC_STACK_STARTED) ||
              podc_stack_spec_add_dependency(s, "datastorage", "redis", PODC_STACK_HEALTHY, NULL);
    pdc_stack_spec_set_embedded(s);
    podc_stack *st = NULL;
    int rc = bad ? pdc_error_oom(err) : podc_stack_up(r->c, s, &st, err);
    const char *member = rc < 0 && err && *err ? podc_error_detail(*err, "member") : NULL;
    if (member && !podc_error_detail(*err, "component")) { /* the members are named as the components */
        char component[32];
        snprintf(component, sizeof component, "%s", member);
        pdc_error_add_detail(*err, "component", component);
    }
    if (rc == 0) {
        const podc_service *pg = podc_stack_service(st, "postgres"), *ds = podc_stack_service(st, "datastorage");
        ports[PODC_DS_PORT_POSTGRES] = podc_service_host_port(pg, 5432);
        ports[PODC_DS_PORT_REDIS] = cfg->skip_redis ? 0 : podc_service_host_port(podc_stack_service(st, "redis"), 6379);
        ports[PODC_DS_PORT_API] = podc_service_host_port(ds, 8080);
        ports[PODC_DS_PORT_HEALTH] = podc_service_host_port(ds, 8081);
        ports[PODC_DS_PORT_METRICS] = podc_service_host_port(ds, 9090);
    }
    podc_stack_free(st);
    podc_stack_spec_free(s);
    return rc;
}

/* ---- images: every one the stack does not build is made present first, side by side ---- */

typedef struct pull_job {
    pdc_job_result res; /* first: see core/parallel.h */
    run *r;
    int which;
} pull_job;

static int pull_progress(const char *data, size_t len, void *ud)
{
    return progress(ud, "%.*s", (int)len, data);
}

static void *pull_thread(void *arg)
{
    static const char *const component[] = { "postgres", "redis", "datastorage" };
    pull_job *j = arg;
    const podc_ds_config *cfg = j->r->cfg;
    podc_client *c = NULL;
    int pulled = 0;
    j->res.rc = pdc_client_new_child(&c, j->r->c, &j->res.err);
    if (j->res.rc == 0)
        j->res.rc = pdc_image_ensure(c, cfg->images[j->which], cfg->pull, cfg->progress ? pull_progress : NULL, j->r,
                                     &pulled, &j->res.err);
    if (j->res.rc < 0 && j->res.err)
        pdc_error_add_detail(j->res.err, "component", component[j->which]);
    podc_client_free(c);
    return NULL;
}

static int ensure_images(run *r, podc_error **err)
{
    const podc_ds_config *cfg = r->cfg;
    pull_job jobs[3];
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        if ((i == PODC_DS_REDIS && cfg->skip_redis) || (i == PODC_DS_DATASTORAGE && cfg->build_context))
            continue;
        jobs[n++] = (pull_job){ .r = r, .which = i };
    }
    int rc = pdc_parallel(pull_thread, jobs, sizeof jobs[0], n, err);
    return rc < 0 ? rc : step(r, err, "images present");
}

static int build_image(run *r, podc_error **err)
{
    const podc_ds_config *cfg = r->cfg;
    int exists = 0;
    int rc = podc_image_exists(r->c, cfg->images[PODC_DS_DATASTORAGE], &exists, err);
    if (rc < 0 || (exists && !cfg->build_always))
        return rc;
    if (progress(r, "building %s", cfg->images[PODC_DS_DATASTORAGE]))
        return pdc_error_set(err, PODC_ECANCELLED, "%s: stopped by the progress callback", cfg->service);
    podc_image_build_options *o = podc_image_build_options_new();
    if (!o)
        return pdc_error_oom(err);
    int bad = podc_image_build_options_add_tag(o, cfg->images[PODC_DS_DATASTORAGE], NULL) ||
              podc_image_build_options_add_label(o, PODC_DS_LABEL_BUILT, cfg->service, NULL) ||
              podc_image_build_options_add_label(o, PODC_SERVICE_LABEL_SESSION, r->session, NULL) ||
              podc_image_build_options_add_label(o, PODC_SERVICE_LABEL_MANAGED, "true", NULL) ||
              (cfg->build_containerfile && podc_image_build_options_set_containerfile(o, cfg->build_containerfile,
                                                                                      NULL)) ||
              podc_image_build_options_set_pull_never(o, 1, NULL);
    rc = bad ? pdc_error_oom(err)
             : podc_image_build(r->c, cfg->build_context, o, &r->built_image_id, err);
    podc_image_build_options_free(o);
    if (rc < 0 && err && *err)
        pdc_error_add_detail(*err, "component", "datastorage");
    return rc;
}

/* Everything this call created goes again: containers, the network if it made it, the image
 * if it built it. */
static void undo(run *r, podc_error **err)
{
    char left[400] = "";
    pdc_client_shield_begin(r->c); /* a cancelled up still removes what it created */
    if (pdc_ds_remove_containers(r->c, r->cfg->service, NULL) < 0)
        snprintf(left, sizeof left, "containers of stack %s", r->cfg->service);
    if (r->created_network && podc_network_remove(r->c, r->net, PODC_NETWORK_REMOVE_FORCE, NULL) < 0) {
        size_t n = strlen(left);
        snprintf(left + n, sizeof left - n, "%snetwork %s", n ? ", " : "", r->net);
    }
    if (r->built_image_id && podc_image_remove(r->c, r->built_image_id, PODC_IMAGE_REMOVE_FORCE, NULL) < 0) {
        size_t n = strlen(left);
        snprintf(left + n, sizeof left - n, "%simage %.12s", n ? ", " : "", r->built_image_id);
    }
    pdc_client_shield_end(r->c);
    /* say so instead of claiming a clean failure: `podc ds down` or `podc cleanup` finds them */
    if (left[0] && err && *err) {
        pdc_error_add_detail(*err, "not_removed", left);
        pdc_error_add_detail(*err, "session", r->session);
    }
}

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...)
{
    pdc_buf b = PODC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = pdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc < 0) {
        pdc_buf_free(&b);
        return NULL;
    }
    return pdc_buf_detach(&b);
}

/* The handle for a stack whose members' host ports are known (NULL on OOM). */
static podc_ds_stack *make_stack(run *r, const int ports[DS_NPORTS])
{
    const podc_ds_config *cfg = r->cfg;
    podc_ds_stack *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->service = strdup(cfg->service);
    s->network = strdup(r->net);
    for (int i = 0; i < 3; i++)
        if (i != PODC_DS_REDIS || !cfg->skip_redis)
            s->containers[i] = strdup(r->names[i]);
    memcpy(s->ports, ports, sizeof s->ports);
    /* the ports are published where the service runs: a remote podman's host */
    const char *h = podc_client_host(r->c);
    char host[300];
    snprintf(host, sizeof host, strchr(h, ':') ? "[%s]" : "%s", h);
    s->dsn = str_printf("postgres://%s:%s@%s:%d/%s?sslmode=disable", cfg->pg_user, cfg->pg_password, host,
                        s->ports[PODC_DS_PORT_POSTGRES], cfg->pg_db);
    s->dsn_masked = str_printf("postgres://%s:***@%s:%d/%s?sslmode=disable", cfg->pg_user, host,
                               s->ports[PODC_DS_PORT_POSTGRES], cfg->pg_db);
    if (!cfg->skip_redis)
        s->redis_addr = str_printf("%s:%d", host, s->ports[PODC_DS_PORT_REDIS]);
    s->api_url = str_printf("http://%s:%d", host, s->ports[PODC_DS_PORT_API]);
    s->health_url = str_printf("http://%s:%d", host, s->ports[PODC_DS_PORT_HEALTH]);
    s->metrics_url = str_printf("http://%s:%d", host, s->ports[PODC_DS_PORT_METRICS]);
    s->up_ms = now_ms() - r->t0;
    if (!s->service || !s->network || !s->dsn || !s->dsn_masked || !s->api_url || !s->health_url ||
        !s->metrics_url || (!cfg->skip_redis && !s->redis_addr)) {
        podc_ds_stack_free(s);
        return NULL;
    }
    return s;
}

/* With reuse: a running stack of the same definition is reset and handed out (*reused = 1);
 * otherwise the hash is kept for the cold path's labels and template. */
static int try_reuse(run *r, podc_ds_stack **out, int *reused, podc_error **err)
{
    int rc = pdc_ds_definition_hash(r->c, r->cfg, r->plan, r->hash, err);
    if (rc < 0 || !r->hash[0])
        return rc;
    int ports[DS_NPORTS];
    char why[300] = "", what[400];
    int ok = pdc_ds_reusable(r->c, r->cfg, r->hash, r->names, ports, why, sizeof why, err);
    if (ok < 0)
        return ok;
    if (!ok) {
        snprintf(what, sizeof what, "reuse: %s: starting a new stack", why);
        return step(r, err, what);
    }
    snprintf(what, sizeof what, "reuse: the running stack has this definition (%.12s): resetting it", r->hash);
    if ((rc = step(r, err, what)) < 0)
        return rc;
    podc_error *e = NULL;
    rc = pdc_ds_reset(r->c, r->cfg, r->names, ports, &e);
    if (rc == PODC_ECANCELLED || rc == PODC_ETRANSPORT || rc == PODC_ENOMEM)
        return pdc_error_put(err, e);
    if (rc < 0) { /* e.g. a stack made before templates existed: replaced as without reuse */
        snprintf(what, sizeof what, "reuse: the reset failed (%s): replacing the stack", podc_error_message(e));
        podc_error_free(e);
        return step(r, err, what);
    }
    podc_ds_stack *s = make_stack(r, ports);
    if (!s)
        return pdc_error_oom(err);
    s->reused = 1;
    (void)progress(r, "reused in %.3fs (database as after the migrations, redis flushed, /readyz 200)",
                   s->up_ms / 1000.0);
    *out = s;
    *reused = 1;
    return 0;
}

static int ds_up(podc_client *c, const podc_ds_config *cfg, podc_ds_stack **out, podc_error **err);

int podc_ds_up(podc_client *c, const podc_ds_config *cfg, podc_ds_stack **out, podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    int rc = validate(cfg, err);
    if (rc < 0)
        return rc;
    pdc_call_enter(c); /* a cancel lasts the whole up and reaches every job's client */
    rc = ds_up(c, cfg, out, err);
    pdc_call_leave(c);
    return rc;
}

static int ds_up(podc_client *c, const podc_ds_config *cfg, podc_ds_stack **out, podc_error **err)
{
    int rc;

    run r = { .c = c, .cfg = cfg, .t0 = now_ms(), .progress_mu = PTHREAD_MUTEX_INITIALIZER, .no_pull = podc_image_pull_options_new() };
    if (!r.no_pull || podc_image_pull_options_set_policy(r.no_pull, PODC_IMAGE_PULL_NEVER, NULL) < 0) {
        podc_image_pull_options_free(r.no_pull);
        return pdc_error_oom(err);
    }
    r.session = cfg->session ? cfg->session : podc_service_default_session();
    pdc_ds_names(cfg->service, r.net, r.names[0], r.names[1], r.names[2], DS_NAME_MAX);

    /* 0. every migration file parsed: a bad one fails before anything is sent */
    if (cfg->migrations_dir) {
        podc_migrate_options mo = PODC_MIGRATE_OPTIONS_INIT;
        mo.user = cfg->pg_user;
        mo.password = cfg->pg_password;
        mo.database = cfg->pg_db;
        mo.timeout_ms = cfg->timeout_ms;
        if ((rc = pdc_migration_plan_new(cfg->migrations_dir, &mo, &r.plan, err)) < 0) {
            podc_image_pull_options_free(r.no_pull);
            return rc;
        }
        r.inline_scripts = scripts_fit_arguments(r.plan);
    }

    /* 0b. reuse: a running stack of the same definition is reset instead of replaced */
    if (cfg->reuse) {
        int reused = 0;
        if ((rc = try_reuse(&r, out, &reused, err)) < 0 || reused) {
            pdc_migration_plan_free(r.plan);
            podc_image_pull_options_free(r.no_pull);
            return rc;
        }
    }

    /* 1. a stale stack of a crashed run goes first (it may hold our ports); the network stays */
    rc = pdc_ds_remove_containers(c, cfg->service, err);
    if (rc == 0)
        rc = step(&r, err, "pre-clean done");
    /* 2. ports: a busy one is named before anything starts when the service publishes on this
     * machine (a remote host's ports are its own: podman names a busy one there); the images,
     * pulled when absent */
    if (rc == 0)
        rc = pdc_ds_check_ports(cfg, pdc_host_is_loopback(podc_client_host(c)), err);
    if (rc == 0)
        rc = ensure_images(&r, err);
    if (rc < 0) {
        pdc_migration_plan_free(r.plan);
        podc_image_pull_options_free(r.no_pull);
        return rc;
    }

    /* 3. network (DNS on, so DataStorage finds Postgres and Redis by name) */
    podc_network_options *no = podc_network_options_new();
    if (!no || podc_network_options_add_label(no, PODC_DS_LABEL_STACK, cfg->service, NULL) ||
        podc_network_options_add_label(no, PODC_SERVICE_LABEL_SESSION, r.session, NULL) ||
        podc_network_options_add_label(no, PODC_SERVICE_LABEL_MANAGED, "true", NULL))
        rc = pdc_error_oom(err);
    else
        rc = podc_network_ensure(c, r.net, no, &r.created_network, err);
    podc_network_options_free(no);
    if (rc < 0) {
        pdc_migration_plan_free(r.plan);
        podc_image_pull_options_free(r.no_pull);
        return rc;
    }
    rc = step(&r, err, r.created_network ? "network created" : "network reused");

    /* 4. the DataStorage image, when it must be built; the caller's config dir is mounted at
     * create, a generated config goes into the container (phase 5) */
    if (rc == 0 && cfg->build_context)
        rc = build_image(&r, err);
    r.config_dir = cfg->config_dir;
    /* with reuse, the members carry the hash of what they are made of: images pulled or built
     * above count with the ids they have now */
    if (rc == 0 && cfg->reuse)
        rc = pdc_ds_definition_hash(c, cfg, r.plan, r.hash, err);

    /* 5-7. the members (see start_members) */
    if (rc == 0)
        rc = step(&r, err, cfg->skip_redis ? "starting postgres, preparing datastorage"
                                           : "starting postgres and redis, preparing datastorage");
    int ports[DS_NPORTS] = { 0 };
    if (rc == 0)
        rc = start_members(&r, ports, err);
    if (rc == 0)
        rc = step(&r, err, "datastorage ready");
    podc_ds_stack *stack = NULL;
    if (rc == 0 && !(stack = make_stack(&r, ports)))
        rc = pdc_error_oom(err);
    if (rc < 0) {
        (void)progress(&r, "failed; removing what this call created");
        undo(&r, err);
    } else {
        (void)progress(&r, "up in %.3fs", stack->up_ms / 1000.0);
        *out = stack;
    }
    free(r.built_image_id);
    pdc_migration_plan_free(r.plan);
    podc_image_pull_options_free(r.no_pull);
    pthread_mutex_destroy(&r.progress_mu);
    return rc;
}

const char *podc_ds_stack_service(const podc_ds_stack *s) { return s ? s->service : NULL; }
const char *podc_ds_stack_network(const podc_ds_stack *s) { return s ? s->network : NULL; }
const char *podc_ds_stack_postgres_dsn(const podc_ds_stack *s) { return s ? s->dsn : NULL; }
const char *podc_ds_stack_postgres_dsn_masked(const podc_ds_stack *s) { return s ? s->dsn_masked : NULL; }
const char *podc_ds_stack_redis_addr(const podc_ds_stack *s) { return s ? s->redis_addr : NULL; }
const char *podc_ds_stack_api_url(const podc_ds_stack *s) { return s ? s->api_url : NULL; }
const char *podc_ds_stack_health_url(const podc_ds_stack *s) { return s ? s->health_url : NULL; }
const char *podc_ds_stack_metrics_url(const podc_ds_stack *s) { return s ? s->metrics_url : NULL; }
int64_t podc_ds_stack_up_ms(const podc_ds_stack *s) { return s ? s->up_ms : 0; }
int podc_ds_stack_reused(const podc_ds_stack *s) { return s ? s->reused : 0; }

const char *podc_ds_stack_container(const podc_ds_stack *s, podc_ds_component which)
{
    return (s && (int)which >= 0 && which <= PODC_DS_DATASTORAGE) ? s->containers[which] : NULL;
}

int podc_ds_stack_port(const podc_ds_stack *s, podc_ds_port which)
{
    return (s && (int)which >= 0 && which < DS_NPORTS) ? s->ports[which] : 0;
}

void podc_ds_stack_free(podc_ds_stack *s)
{
    if (!s)
        return;
    free(s->service);
    free(s->network);
    for (int i = 0; i < 3; i++)
        free(s->containers[i]);
    free(s->dsn);
    free(s->dsn_masked);
    free(s->redis_addr);
    free(s->api_url);
    free(s->health_url);
    free(s->metrics_url);
    free(s);
}
