/*
 * bench_service - what the service module adds on top of podman. For each image the same
 * health check is timed twice, median over the rounds:
 *   module: podc_service_start() call -> healthy
 *   raw:    create + start with the typed client, then the same check polled every 5 ms ->
 *           first success (no module: no stale-container removal, watcher, progress, ...)
 * overhead = module - raw (target < 50 ms).
 * Postgres: start -> healthy (pg_isready, then SELECT 1 over TCP) against the time of the
 * second "database system is ready to accept connections" line (first: initdb's temporary
 * server); target: ready no later than that + one poll interval.
 * Also: prepare (create + init) and start_prepared -> healthy for the HTTP service.
 * Prints numbers, asserts nothing. Usage: bench_service [rounds [only]]   (default 5; only =
 * http, redis or postgres runs just that one). PODC_BENCH_VERBOSE=1 prints the progress lines.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "podc.h"

#define HTTP_IMAGE "localhost/podc-httpsvc:test"
#define REDIS_IMAGE "localhost/podc-redis:test"
#define PG_IMAGE "localhost/podc-postgres:test"
#define SESSION "podc-bench-svc"
#define RAW_POLL_US 5000
#define MAX_ROUNDS 50

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    if (n == 0)
        return -1;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void remove_quietly(podc_client *c, const char *name)
{
    podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
}

/* GET /healthz on 127.0.0.1:port: 1 when the status is 200. */
static int http_ok(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        static const char req[] = "GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n";
        char buf[64];
        if (write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1)) {
            ssize_t got = read(fd, buf, sizeof buf - 1);
            if (got > 12) {
                buf[got] = '\0';
                ok = atoi(buf + 9) == 200;
            }
        }
    }
    close(fd);
    return ok;
}

static int exec_ok(podc_client *c, const char *name, const char *const *argv, const char *want)
{
    podc_exec_result *r = NULL;
    int ok = podc_exec_run(c, name, argv, NULL, &r, NULL) == 0 && podc_exec_result_exit_code(r) == 0 &&
             (!want || strstr(podc_exec_result_stdout(r), want));
    podc_exec_result_free(r);
    return ok;
}

/* PODC_BENCH_VERBOSE=1 prints the module's progress lines. */
static int print_progress(const char *line, void *ud)
{
    (void)ud;
    printf("    %s\n", line);
    return 0;
}

static int verbose(void)
{
    const char *v = getenv("PODC_BENCH_VERBOSE");
    return v && *v && *v != '0';
}

/* ---- one kind of service ---- */

typedef struct kind {
    const char *label;
    const char *image;
    int http_port;                 /* HTTP check on /healthz of this port, or 0 */
    const char *const *exec_argv;  /* exec check, or NULL */
    const char *exec_want;
} kind;

/* Times (bench clock) of the module's steps, to take podman's create+start out of the
 * comparison: it varies by 100s of ms from run to run on a busy host. */
typedef struct steps {
    double t_nostale, t_started;
} steps;

static int on_step(const char *line, void *ud)
{
    steps *st = ud;
    if (strstr(line, ": no stale container"))
        st->t_nostale = now_ms();
    else if (strstr(line, ": started"))
        st->t_started = now_ms();
    if (verbose())
        print_progress(line, NULL);
    return 0;
}

/* Module: podc_service_start() -> healthy, ms; -1 on failure. *podman = the part spent in
 * create + start. */
static double module_round(podc_client *c, const kind *k, const char *name, double *podman)
{
    podc_service_spec *s = podc_service_spec_new();
    podc_service_spec_set_name(s, name, NULL);
    podc_service_spec_set_image(s, k->image, NULL);
    podc_service_spec_set_session(s, SESSION, NULL);
    if (k->http_port) {
        podc_service_spec_add_port(s, k->http_port, 0, NULL);
        podc_service_spec_add_check_http(s, k->http_port, "/healthz", 200, NULL, 0, NULL);
    } else {
        size_t n = 0;
        while (k->exec_argv[n])
            n++;
        podc_service_spec_add_check_exec(s, k->exec_argv, n, k->exec_want, 0, NULL);
    }
    steps st = { 0, 0 };
    podc_service_spec_set_progress(s, on_step, &st, NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    double t0 = now_ms();
    int rc = podc_service_start(c, s, &svc, &err);
    double t = now_ms() - t0;
    if (rc < 0)
        fprintf(stderr, "%s module: %s\n", k->label, podc_error_message(err));
    *podman = st.t_started - st.t_nostale;
    podc_error_free(err);
    podc_service_free(svc);
    podc_service_spec_free(s);
    remove_quietly(c, name);
    return rc < 0 ? -1 : t;
}

/* Raw: create + start + the same check every 5 ms, ms; -1 on failure. *podman = create + start. */
static double raw_round(podc_client *c, const kind *k, const char *name, double *podman)
{
    podc_container_spec *s = podc_container_spec_new();
    podc_container_spec_set_name(s, name, NULL);
    podc_container_spec_set_image(s, k->image, NULL);
    podc_container_spec_add_label(s, PODC_SERVICE_LABEL_SESSION, SESSION, NULL);
    if (k->http_port)
        podc_container_spec_add_port(s, k->http_port, 0, NULL, NULL, NULL);
    double t0 = now_ms(), t = -1;
    int port = 0;
    if (podc_container_create(c, s, NULL, NULL) == 0 && podc_container_start(c, name, NULL) == 0) {
        *podman = now_ms() - t0;
        if (k->http_port) { /* the published port is only known from inspect */
            podc_container_info *info = NULL;
            if (podc_container_inspect(c, name, &info, NULL) == 0)
                port = podc_container_info_host_port(info, k->http_port, NULL);
            podc_container_info_free(info);
        }
        for (int i = 0; i < 12000 && t < 0; i++) {
            int ok = k->http_port ? port > 0 && http_ok(port) : exec_ok(c, name, k->exec_argv, k->exec_want);
            if (ok)
                t = now_ms() - t0;
            else
                usleep(RAW_POLL_US);
        }
    }
    podc_container_spec_free(s);
    remove_quietly(c, name);
    return t;
}

static void bench_kind(podc_client *c, const kind *k, int rounds)
{
    double mod[MAX_ROUNDS], raw[MAX_ROUNDS], diff[MAX_ROUNDS], adj[MAX_ROUNDS];
    int nm = 0, nr = 0, nd = 0;
    char name[64];
    snprintf(name, sizeof name, "podc-bench-svc-%d", (int)getpid());
    printf("== %s (%s)\n", k->label, k->image);
    for (int i = 0; i < rounds; i++) {
        /* alternate the order so that neither always runs on a warmer cache */
        double m, r, pm = 0, pr = 0;
        if (i % 2) {
            r = raw_round(c, k, name, &pr);
            m = module_round(c, k, name, &pm);
        } else {
            m = module_round(c, k, name, &pm);
            r = raw_round(c, k, name, &pr);
        }
        printf("  round %d: module %.1f ms (create+start %.1f), raw %.1f ms (create+start %.1f); overhead %.1f ms, "
               "%.1f ms without podman's create+start\n",
               i + 1, m, pm, r, pr, m - r, (m - pm) - (r - pr));
        if (m >= 0)
            mod[nm++] = m;
        if (r >= 0)
            raw[nr++] = r;
        if (m >= 0 && r >= 0) {
            diff[nd] = m - r;
            adj[nd++] = (m - pm) - (r - pr);
        }
    }
    double mm = median(mod, nm), mr = median(raw, nr), md = median(diff, nd), ma = median(adj, nd);
    printf("  median: module start->healthy %.1f ms, raw start->first success %.1f ms; module overhead: %.1f ms "
           "(median of per-round differences), %.1f ms with podman's create+start taken out (target < 50 ms)\n",
           mm, mr, md, ma);
}

/* ---- Postgres: healthy vs its second "ready to accept connections" ---- */

/* "2026-11-25 20:46:52.123 UTC [1] LOG:  database system is ready..." -> unix ms, or -1. */
static double pg_line_ms(const char *line)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *rest = strptime(line, "%Y-%m-%d %H:%M:%S", &tm);
    if (!rest)
        return -1;
    double ms = (double)timegm(&tm) * 1000;
    if (*rest == '.')
        ms += strtod(rest, NULL) * 1000;
    return ms;
}

/* Unix ms of the second "ready to accept connections" line in the log, or -1. */
static double second_ready_ms(podc_client *c, const char *name)
{
    podc_logs *l = NULL;
    double t = -1;
    if (podc_logs_get(c, name, NULL, &l, NULL) == 0) {
        const char *p = podc_logs_combined(l);
        int seen = 0;
        for (const char *line = p; line && *line;) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            char buf[512];
            snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
            if (strstr(buf, "database system is ready to accept connections") && ++seen == 2)
                t = pg_line_ms(buf);
            line = nl ? nl + 1 : NULL;
        }
    }
    podc_logs_free(l);
    return t;
}

typedef struct pg_progress {
    double healthy_real; /* wall clock of the "healthy" progress line */
} pg_progress;

static int pg_on_progress(const char *line, void *ud)
{
    pg_progress *p = ud;
    if (verbose() || strstr(line, "healthy after"))
        print_progress(line, NULL);
    if (strstr(line, "healthy after"))
        p->healthy_real = real_ms();
    return 0;
}

static void bench_postgres(podc_client *c, int rounds)
{
    const char *isready[] = { "pg_isready", "-h", "127.0.0.1", "-U", "bench" };
    const char *select1[] = { "env", "PGPASSWORD=bench_pw", "psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-U",
                              "bench", "-d", "bench", "-c", "SELECT 1" };
    double start_healthy[MAX_ROUNDS], after_ready[MAX_ROUNDS], checks[MAX_ROUNDS];
    int n = 0;
    char name[64];
    snprintf(name, sizeof name, "podc-bench-svc-pg-%d", (int)getpid());
    printf("== postgres (%s): exec pg_isready + psql SELECT 1 over 127.0.0.1\n", PG_IMAGE);
    for (int i = 0; i < rounds; i++) {
        podc_service_spec *s = podc_service_spec_new();
        podc_service_spec_set_name(s, name, NULL);
        podc_service_spec_set_image(s, PG_IMAGE, NULL);
        podc_service_spec_set_session(s, SESSION, NULL);
        podc_service_spec_add_env(s, "POSTGRES_USER", "bench", NULL);
        podc_service_spec_add_env(s, "POSTGRES_PASSWORD", "bench_pw", NULL);
        podc_service_spec_add_env(s, "POSTGRES_DB", "bench", NULL);
        podc_service_spec_add_check_exec(s, isready, 5, NULL, 0, NULL);
        podc_service_spec_add_check_exec(s, select1, 14, "1", 0, NULL);
        pg_progress pp = { -1 };
        podc_service_spec_set_progress(s, pg_on_progress, &pp, NULL);
        podc_service *svc = NULL;
        podc_error *err = NULL;
        double t0 = now_ms();
        int rc = podc_service_start(c, s, &svc, &err);
        double t = now_ms() - t0;
        if (rc < 0) {
            printf("  round %d: failed: %s\n", i + 1, podc_error_message(err));
        } else {
            double ready = second_ready_ms(c, name);
            double lag = ready > 0 ? pp.healthy_real - ready : -1;
            /* what one passing try costs by itself: both execs on the ready server */
            const char *isready_v[] = { isready[0], isready[1], isready[2], isready[3], isready[4], NULL };
            const char *select1_v[15];
            memcpy(select1_v, select1, sizeof select1);
            select1_v[14] = NULL;
            double tc = now_ms();
            int cok = exec_ok(c, name, isready_v, NULL) && exec_ok(c, name, select1_v, "1");
            double check = cok ? now_ms() - tc : -1;
            printf("  round %d: start->healthy %.1f ms; healthy %.1f ms after the 2nd \"ready to accept "
                   "connections\" (the two checks alone take %.1f ms)\n",
                   i + 1, t, lag, check);
            if (ready > 0) {
                start_healthy[n] = t;
                checks[n] = check;
                after_ready[n++] = lag;
            }
        }
        podc_error_free(err);
        podc_service_free(svc);
        podc_service_spec_free(s);
        remove_quietly(c, name);
    }
    printf("  median: start->healthy %.1f ms; healthy %.1f ms after the 2nd ready line, of which %.1f ms are "
           "the two passing checks themselves (target: <= one poll; the poll interval backs off 50 -> 250 ms "
           "after 1 s)\n",
           median(start_healthy, n), median(after_ready, n), median(checks, n));
}

/* prepare + start_prepared for the HTTP service: what moves off the critical path. */
static void bench_prepared(podc_client *c, int rounds)
{
    double prep[MAX_ROUNDS], run[MAX_ROUNDS];
    int n = 0;
    char name[64];
    snprintf(name, sizeof name, "podc-bench-svc-prep-%d", (int)getpid());
    printf("== httpsvc prepared: podc_service_prepare() (create + init), then start_prepared() -> healthy\n");
    for (int i = 0; i < rounds; i++) {
        podc_service_spec *s = podc_service_spec_new();
        podc_service_spec_set_name(s, name, NULL);
        podc_service_spec_set_image(s, HTTP_IMAGE, NULL);
        podc_service_spec_set_session(s, SESSION, NULL);
        podc_service_spec_add_port(s, 8080, 0, NULL);
        podc_service_spec_add_check_http(s, 8080, "/healthz", 200, NULL, 0, NULL);
        podc_service *svc = NULL;
        podc_error *err = NULL;
        double t0 = now_ms();
        int rc = podc_service_prepare(c, s, &svc, &err);
        double t1 = now_ms();
        if (rc == 0)
            rc = podc_service_start_prepared(c, s, svc, &err);
        double t2 = now_ms();
        if (rc < 0) {
            printf("  round %d: failed: %s\n", i + 1, podc_error_message(err));
        } else {
            prep[n] = t1 - t0;
            run[n++] = t2 - t1;
            printf("  round %d: prepare %.1f ms, start_prepared -> healthy %.1f ms\n", i + 1, t1 - t0, t2 - t1);
        }
        podc_error_free(err);
        podc_service_free(svc);
        podc_service_spec_free(s);
        remove_quietly(c, name);
    }
    printf("  median: prepare %.1f ms (done while something else starts), start_prepared -> healthy %.1f ms "
           "(compare the module's start -> healthy above)\n",
           median(prep, n), median(run, n));
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    if (rounds < 1 || rounds > MAX_ROUNDS)
        rounds = 5;
    podc_client *c = NULL;
    podc_error *err = NULL;
    if (podc_client_new(&c, NULL, &err) != 0) {
        fprintf(stderr, "bench_service: %s\n", podc_error_message(err));
        podc_error_free(err);
        return 1;
    }
    static const char *const ping[] = { "redis-cli", "ping", NULL };
    const kind kinds[] = {
        { "httpsvc: HTTP GET /healthz", HTTP_IMAGE, 8080, NULL, NULL },
        { "redis: exec redis-cli ping", REDIS_IMAGE, 0, ping, "PONG" },
    };
    const char *only = argc > 2 ? argv[2] : NULL;
    printf("%d rounds each\n", rounds);
    if (!only || strcmp(only, "http") == 0) {
        bench_kind(c, &kinds[0], rounds);
        bench_prepared(c, rounds);
    }
    if (!only || strcmp(only, "redis") == 0)
        bench_kind(c, &kinds[1], rounds);
    if (!only || strcmp(only, "postgres") == 0)
        bench_postgres(c, rounds);
    podc_service_cleanup(c, SESSION, NULL, NULL);
    podc_client_free(c);
    return 0;
}
