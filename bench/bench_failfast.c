/*
 * bench_failfast - how fast a start that can never succeed fails when the container dies.
 *
 * Scenario: a container from IMAGE runs `sh -c 'sleep 0.5; exit 3'`, publishes 8080 and has an
 * HTTP check on it that can never pass (nothing listens). Each round runs these five, in a
 * rotating order (unique container names; each is removed before the next starts):
 *
 *   podc       podc_service_start() with that spec (startup timeout 30 s), the library's
 *              defaults (it removes the container itself): call -> return with PODC_EHEALTH.
 *              Progress-callback timestamps split the time after the exit: noticed ("container
 *              stopped") -> log tail fetched ("failed:", printed after the 50-line log tail; the exit
 *              code and OOM flag come from the watcher's inspect that saw the exit) -> removed ("removed container after the failure") -> return.
 *   podc-keep  the same with keep-on-failure, so that the exited container can be inspected:
 *              State.FinishedAt -> "container stopped" progress line (exit -> noticed). The bench
 *              then removes the container with the call the library's rollback makes
 *              (force + ignore-missing), timed.
 *   tc         testcontainers-node (bench/failfast-testcontainers.mjs, one node process per
 *              round; process start and runtime discovery are not timed): GenericContainer,
 *              same image and command, Wait.forHttp("/healthz", 8080, { abortOnContainerExit:
 *              true }), startup timeout 30 s, over the service's Docker-compatible API
 *              (DOCKER_HOST = the same socket, TESTCONTAINERS_RYUK_DISABLED=true, no pulls):
 *              start() -> rejection. testcontainers also stops + removes the container before
 *              it rejects. Its exit -> noticed is FinishedAt -> the logs() call it makes on
 *              noticing (see the script).
 *   probe      no service module: the same container created + started with the typed client,
 *              watched side by side by what the library could use instead: podman's wait at
 *              the library's 100 ms interval, the same wait at 10 ms, the events stream's
 *              "died" event (arrival, and the event's own time), and inspect polled every 20 ms
 *              until it stops saying "running"; then one inspect, the 50-line log tail and a
 *              force-removal, each timed (as the library does them after noticing).
 *   early      no service module either: inspect every 20 ms and, as soon as it says the container
 *              is not running, the log tail and the force-removal at once: what a library that
 *              noticed the exit by inspect would pay (podman's own exit handling may still hold the
 *              container then).
 *
 * podc-keep also runs a wait like the library's watcher (100 ms) on a thread of its own from
 * the "started" line, which splits exit -> noticed into podman's part (the wait returns) and
 * the library's part; and the error's "last check" tells how the HTTP try in flight at the exit
 * ended (its 1000 ms timeout, or aborted by libcurl's progress callback), by which the times
 * are also split.
 *
 * Then `tc_default_rounds` rounds of testcontainers without abortOnContainerExit (start()
 * then rejects only at the startup timeout).
 *
 * Prints per-round lines, medians and p90 (nearest rank), the same-run ratio podc/tc and the
 * breakdown. Asserts nothing.
 * Usage: bench_failfast [rounds [tc_default_rounds]]   (defaults 5 and 0).
 * Environment: PODC_BENCH_FAILFAST_DIR (where failfast-testcontainers.mjs and its
 * node_modules are; default the source tree's bench/), PODC_BENCH_NODE (default node),
 * PODC_BENCH_FAILFAST_IMAGE (default localhost/podc-base:latest), PODC_BENCH_FAILFAST_TRY_MS (the
 * HTTP check's per-try timeout, default 1000 = the library's default), PODC_BENCH_VERBOSE=1 prints
 * the progress lines. bench/node_modules is installed with `npm ci` when it is missing.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "podc.h"

#ifndef PODC_BENCH_SRCDIR
#define PODC_BENCH_SRCDIR "bench"
#endif

#define DEFAULT_IMAGE "localhost/podc-base:latest"
#define SESSION "podc-bench-ff"
#define PORT 8080
#define STARTUP_TIMEOUT_MS 30000
#define MAX_ROUNDS 50
#define NA (-1e18)

static const char *const COMMAND[] = { "sh", "-c", "sleep 0.5; exit 3" };
/* the HTTP check's per-try timeout (PODC_BENCH_FAILFAST_TRY_MS; the library's default is 1000) */
static int64_t try_timeout_ms = 1000;

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

static int verbose(void)
{
    const char *v = getenv("PODC_BENCH_VERBOSE");
    return v && *v && *v != '0';
}

/* "2024-12-01T21:40:01.123456789Z" or "...+01:00" -> unix ms (fractional), NA when unparsable. */
static double rfc3339_ms(const char *s)
{
    if (!s)
        return NA;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p || tm.tm_year < 100)
        return NA;
    double ms = (double)timegm(&tm) * 1000;
    if (*p == '.') {
        char *end = NULL;
        ms += strtod(p, &end) * 1000;
        p = end;
    }
    if (*p == '+' || *p == '-') {
        int hh = 0, mm = 0;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
            return NA;
        ms -= (*p == '-' ? -1 : 1) * (hh * 60 + mm) * 60000.0;
    } else if (*p != 'Z') {
        return NA;
    }
    return ms;
}

/* ---- statistics over the values that were measured (NA left out) ---- */

typedef struct series {
    double v[MAX_ROUNDS];
    int n;
} series;

static void put(series *s, double x)
{
    if (x > NA / 2 && s->n < MAX_ROUNDS)
        s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const series *s)
{
    if (s->n == 0)
        return NA;
    double v[MAX_ROUNDS];
    memcpy(v, s->v, sizeof v);
    qsort(v, (size_t)s->n, sizeof *v, cmp_double);
    return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

/* nearest rank: the smallest value with at least 90 % of the values at or below it */
static double p90(const series *s)
{
    if (s->n == 0)
        return NA;
    double v[MAX_ROUNDS];
    memcpy(v, s->v, sizeof v);
    qsort(v, (size_t)s->n, sizeof *v, cmp_double);
    int rank = (9 * s->n + 9) / 10; /* ceil(0.9 n) */
    return v[rank - 1];
}

/* "123.4" or "n/a" into buf */
static const char *fmt_ms(char *buf, size_t len, double x)
{
    if (x > NA / 2)
        snprintf(buf, len, "%.1f", x);
    else
        snprintf(buf, len, "n/a");
    return buf;
}

static void print_stat(const char *label, const series *s)
{
    char a[32], b[32];
    printf("  %-58s median %8s ms, p90 %8s ms (n=%d)\n", label, fmt_ms(a, sizeof a, median(s)),
           fmt_ms(b, sizeof b, p90(s)), s->n);
}

static double diff(double later, double earlier)
{
    return later > NA / 2 && earlier > NA / 2 ? later - earlier : NA;
}

static void remove_quietly(podc_client *c, const char *name)
{
    podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
}

/* podman's wait for stopped/exited on its own client and thread, at a given interval */
typedef struct waiter {
    podc_client *c;
    const char *name;
    int64_t interval_ms;
    double done_real; /* wall clock when the wait returned */
    int rc, code;
} waiter;

static void *waiter_main(void *arg)
{
    waiter *w = arg;
    static const char *const conds[] = { "stopped", "exited" };
    w->rc = podc_container_wait_interval(w->c, w->name, conds, 2, 10000, w->interval_ms, &w->code, NULL);
    w->done_real = real_ms();
    return NULL;
}

/* ---- podc: podc_service_start() ---- */

typedef struct marks {
    double started, stopped, failed, removed; /* monotonic ms, NA until seen */
    double stopped_real;                      /* wall clock of "container stopped" */
    waiter *side;                             /* keep: a wait like the library's, started at "started" */
    pthread_t side_thread;
    int side_running;
} marks;

static int on_progress(const char *line, void *ud)
{
    marks *m = ud;
    double t = now_ms();
    if (m->started < NA / 2 && strstr(line, ": started")) {
        m->started = t;
        if (m->side && pthread_create(&m->side_thread, NULL, waiter_main, m->side) == 0)
            m->side_running = 1;
    }
    else if (m->stopped < NA / 2 && strstr(line, ": container stopped")) {
        m->stopped = t;
        m->stopped_real = real_ms();
    } else if (m->failed < NA / 2 && strstr(line, ": failed: "))
        m->failed = t;
    else if (m->removed < NA / 2 && (strstr(line, ": removed container") || strstr(line, ": kept container")))
        m->removed = t;
    if (verbose())
        printf("    %s\n", line);
    return 0;
}

/* How the health try in flight when the exit was noticed ended (the error's "last check"). */
enum { TRY_OTHER, TRY_TIMEOUT, TRY_ABORTED, TRY_KINDS };
static const char *const try_kind_name[] = { "refused / none in flight", "ran into its per-try timeout",
                                             "aborted by libcurl's progress callback" };

typedef struct svc_result {
    int ok;                  /* failed with PODC_EHEALTH and exit code 3, as it should */
    int last_try;            /* TRY_* */
    double total;            /* call -> return */
    double create_start;     /* call -> "started" */
    double started_noticed;  /* "started" -> "container stopped" */
    double noticed_failed;   /* "container stopped" -> "failed:" (log tail) */
    double failed_removed;   /* "failed:" -> "removed"/"kept" (the rollback's removal) */
    double removed_return;   /* "removed"/"kept" -> return */
    double exit_noticed;     /* keep only: FinishedAt -> "container stopped" (wall clock) */
    double exit_wait;        /* keep only: FinishedAt -> a side podman wait (100 ms) returned */
    double wait_noticed;     /* keep only: that wait's return -> "container stopped" */
    double started_exit;     /* keep only: "started" -> FinishedAt */
    double own_remove;       /* keep only: the bench's force-removal afterwards */
} svc_result;

static void run_podc(podc_client *c, const char *image, const char *name, int keep, svc_result *r)
{
    *r = (svc_result){ 0, 0, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA };
    podc_service_spec *s = podc_service_spec_new();
    podc_service_spec_set_name(s, name, NULL);
    podc_service_spec_set_image(s, image, NULL);
    podc_service_spec_set_session(s, SESSION, NULL);
    podc_service_spec_set_command(s, COMMAND, 3, NULL);
    podc_service_spec_add_port(s, PORT, 0, NULL);
    podc_service_spec_add_check_http(s, PORT, "/healthz", 200, NULL, try_timeout_ms, NULL);
    podc_service_spec_set_startup_timeout(s, STARTUP_TIMEOUT_MS, NULL);
    podc_service_spec_set_keep_on_failure(s, keep, NULL);
    marks m = { NA, NA, NA, NA, NA, NULL, 0, 0 };
    podc_client *cside = NULL;
    waiter side = { NULL, name, 100, NA, -1, 0 };
    if (keep && podc_client_new_like(&cside, c, NULL) == 0) {
        side.c = cside;
        m.side = &side;
    }
    podc_service_spec_set_progress(s, on_progress, &m, NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    double t0 = now_ms(), t0_real = real_ms();
    int rc = podc_service_start(c, s, &svc, &err);
    double t1 = now_ms();
    int code = -1;
    r->ok = rc == PODC_EHEALTH && podc_error_exit_code(err, &code) && code == 3;
    if (!r->ok)
        fprintf(stderr, "  podc%s: unexpected result %d (exit code %d): %s\n", keep ? "-keep" : "", rc, code,
                err ? podc_error_message(err) : "no error");
    r->total = t1 - t0;
    const char *msg = err ? podc_error_message(err) : "";
    r->last_try = strstr(msg, "Timeout was reached")                    ? TRY_TIMEOUT
                  : strstr(msg, "aborted by an application callback") ? TRY_ABORTED
                                                                        : TRY_OTHER;
    r->create_start = diff(m.started, t0);
    r->started_noticed = diff(m.stopped, m.started);
    r->noticed_failed = diff(m.failed, m.stopped);
    r->failed_removed = diff(m.removed, m.failed);
    r->removed_return = diff(t1, m.removed);
    if (m.side_running)
        pthread_join(m.side_thread, NULL);
    podc_client_free(cside);
    if (keep) {
        podc_container_info *info = NULL;
        if (podc_container_inspect(c, name, &info, NULL) == 0) {
            double fin = rfc3339_ms(podc_container_info_finished_at(info));
            r->exit_noticed = diff(m.stopped_real, fin);
            if (side.rc == 0) {
                r->exit_wait = diff(side.done_real, fin);
                r->wait_noticed = diff(m.stopped_real, side.done_real);
            }
            if (verbose())
                printf("    podc-keep: noticed %.0f ms after the exit: %s\n", r->exit_noticed, msg);
            /* "started" on the wall clock: t0_real + (started - t0) */
            r->started_exit = m.started > NA / 2 ? diff(fin, t0_real + (m.started - t0)) : NA;
        }
        podc_container_info_free(info);
        double tr = now_ms();
        if (podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING,
                                  NULL) == 0)
            r->own_remove = now_ms() - tr;
    }
    podc_error_free(err);
    podc_service_free(svc);
    podc_service_spec_free(s);
    remove_quietly(c, name);
}

/* ---- testcontainers-node: one node process per round ---- */

typedef struct tc_result {
    int ok;
    double total;          /* start() -> rejection */
    double exit_noticed;   /* FinishedAt -> logs() call on noticing (abort) / stop() (default) */
    double noticed_logs;   /* -> log tail fetched (stop() called) */
    double logs_removed;   /* -> stop + remove done */
    double start_exit;     /* start() -> FinishedAt */
} tc_result;

/* The number after "key": in a JSON line, NA when absent or null. */
static double json_num(const char *line, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (!p)
        return NA;
    p += strlen(pat);
    char *end = NULL;
    double v = strtod(p, &end);
    return end == p ? NA : v;
}

/* The string after "key": (no escapes expected) into buf; buf[0] = 0 when absent. */
static void json_str(const char *line, const char *key, char *buf, size_t len)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    buf[0] = '\0';
    const char *p = strstr(line, pat);
    if (!p)
        return;
    p += strlen(pat);
    const char *q = strchr(p, '"');
    size_t n = q ? (size_t)(q - p) : strlen(p);
    snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

typedef struct tc_env {
    const char *dir;   /* holds the script and node_modules */
    const char *node;
    int usable;
} tc_env;

static int run_tc(podc_client *c, const tc_env *te, const char *image, const char *name, const char *mode,
                  tc_result *r)
{
    r->ok = 0;
    r->total = r->exit_noticed = r->noticed_logs = r->logs_removed = r->start_exit = NA;
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' '%s/failfast-testcontainers.mjs' --rounds 1 --mode %s --name '%s' --image '%s' "
             "--timeout-ms %d",
             te->node, te->dir, mode, name, image, STARTUP_TIMEOUT_MS);
    FILE *f = popen(cmd, "r");
    if (!f) {
        perror("popen");
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    int got = 0;
    while (getline(&line, &cap, f) > 0) {
        if (line[0] != '{')
            continue;
        got = 1;
        char fin_s[64], msg[256];
        json_str(line, "finished_at", fin_s, sizeof fin_s);
        json_str(line, "message", msg, sizeof msg);
        r->ok = strstr(line, "\"rejected\":true") != NULL;
        r->total = json_num(line, "total_ms");
        double fin = rfc3339_ms(fin_s), noticed = json_num(line, "noticed_unix_ms");
        double logs = json_num(line, "logs_done_unix_ms"), removed = json_num(line, "removed_adj_unix_ms");
        r->exit_noticed = diff(noticed, fin);
        r->noticed_logs = diff(logs, noticed);
        r->logs_removed = diff(removed, logs);
        r->start_exit = diff(fin, json_num(line, "start_unix_ms"));
        if (!r->ok || json_num(line, "exit_code") != 3)
            fprintf(stderr, "  tc: unexpected result: %s", line);
        else if (verbose())
            printf("    tc: %s\n", msg);
    }
    free(line);
    int st = pclose(f);
    remove_quietly(c, name); /* testcontainers removes it itself; make sure */
    if (!got) {
        fprintf(stderr, "  tc: no result from node (status %d)\n", st);
        return -1;
    }
    return 0;
}

/* Makes sure the testcontainers side can run: node, the script, node_modules (npm ci when
 * missing). */
static void tc_setup(tc_env *te)
{
    te->dir = getenv("PODC_BENCH_FAILFAST_DIR");
    if (!te->dir || !*te->dir)
        te->dir = PODC_BENCH_SRCDIR;
    te->node = getenv("PODC_BENCH_NODE");
    if (!te->node || !*te->node)
        te->node = "node";
    te->usable = 0;
    char path[1024], cmd[2048];
    snprintf(path, sizeof path, "%s/failfast-testcontainers.mjs", te->dir);
    if (access(path, R_OK) != 0) {
        printf("testcontainers side skipped: %s not found (set PODC_BENCH_FAILFAST_DIR)\n", path);
        return;
    }
    if (strchr(te->dir, '\'') || strchr(te->node, '\'')) {
        printf("testcontainers side skipped: a quote in the path\n");
        return;
    }
    snprintf(cmd, sizeof cmd, "'%s' --version >/dev/null 2>&1", te->node);
    if (system(cmd) != 0) {
        printf("testcontainers side skipped: %s (node) not found\n", te->node);
        return;
    }
    snprintf(path, sizeof path, "%s/node_modules/testcontainers/package.json", te->dir);
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "bench_failfast: installing %s/node_modules (npm ci)\n", te->dir);
        snprintf(cmd, sizeof cmd, "cd '%s' && npm ci --no-audit --no-fund --loglevel=error >&2", te->dir);
        if (system(cmd) != 0 || access(path, R_OK) != 0) {
            printf("testcontainers side skipped: npm ci in %s failed\n", te->dir);
            return;
        }
    }
    te->usable = 1;
}

/* ---- probe: what else could notice the exit ---- */

typedef struct eventer {
    podc_client *c;
    const char *name;
    double died_real;   /* arrival of "died" */
    double died_event;  /* the event's own time */
    double cleanup_event; /* the "cleanup" event's own time (podman's exit handling done) */
    atomic_int ready;
} eventer;

static int on_event(const podc_event *e, void *ud)
{
    eventer *ev = ud;
    const char *a = podc_event_action(e);
    const char *n = podc_event_name(e);
    if (!a || !n || strcmp(n, ev->name) != 0)
        return 0;
    if (strcmp(a, "died") == 0) {
        ev->died_real = real_ms();
        ev->died_event = podc_event_time_ns(e) / 1e6;
    } else if (strcmp(a, "cleanup") == 0) {
        ev->cleanup_event = podc_event_time_ns(e) / 1e6;
    }
    return ev->died_real > NA / 2 && ev->cleanup_event > NA / 2; /* both seen: done */
}

static void *eventer_main(void *arg)
{
    eventer *ev = arg;
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "type", "container", NULL);
    podc_filters_add(f, "container", ev->name, NULL);
    podc_events_options o = PODC_EVENTS_OPTIONS_INIT;
    o.filters = f;
    o.timeout_ms = 15000;
    atomic_store(&ev->ready, 1);
    podc_events_stream(ev->c, &o, on_event, ev, NULL);
    podc_filters_free(f);
    return NULL;
}

typedef struct poller {
    podc_client *c;
    const char *name;
    double seen_real; /* first inspect that does not say running */
    atomic_int stop;
} poller;

static void *poller_main(void *arg)
{
    poller *p = arg;
    double end = now_ms() + 10000;
    while (!atomic_load(&p->stop) && now_ms() < end) {
        podc_container_info *info = NULL;
        int running = 1;
        if (podc_container_inspect(p->c, p->name, &info, NULL) == 0)
            running = podc_container_info_running(info) == 1;
        podc_container_info_free(info);
        if (!running) {
            p->seen_real = real_ms();
            break;
        }
        usleep(20000);
    }
    return NULL;
}

typedef struct probe_result {
    int ok;
    double wait100, wait10, died_arrival, died_event, cleanup_event, inspect_poll; /* after FinishedAt */
    double inspect_ms, logs_ms, remove_ms, remove_at;                /* remove_at: after FinishedAt */
} probe_result;

static void run_probe(podc_client *c, const char *image, const char *name, probe_result *r)
{
    *r = (probe_result){ 0, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA };
    podc_client *cw100 = NULL, *cw10 = NULL, *cev = NULL, *cpoll = NULL;
    if (podc_client_new_like(&cw100, c, NULL) < 0 || podc_client_new_like(&cw10, c, NULL) < 0 ||
        podc_client_new_like(&cev, c, NULL) < 0 || podc_client_new_like(&cpoll, c, NULL) < 0) {
        fprintf(stderr, "  probe: no client\n");
        goto out;
    }
    podc_container_spec *s = podc_container_spec_new();
    podc_container_spec_set_name(s, name, NULL);
    podc_container_spec_set_image(s, image, NULL);
    podc_container_spec_set_command(s, COMMAND, 3, NULL);
    podc_container_spec_add_port(s, PORT, 0, NULL, NULL, NULL);
    podc_container_spec_add_label(s, PODC_SERVICE_LABEL_SESSION, SESSION, NULL);
    podc_error *err = NULL;
    int rc = podc_container_create(c, s, NULL, &err);
    podc_container_spec_free(s);
    if (rc < 0) {
        fprintf(stderr, "  probe: create: %s\n", podc_error_message(err));
        podc_error_free(err);
        goto out;
    }
    eventer ev = { cev, name, NA, NA, NA, 0 };

    pthread_t tev;
    pthread_create(&tev, NULL, eventer_main, &ev);
    while (!atomic_load(&ev.ready))
        usleep(1000);
    usleep(50000); /* let the stream's request reach podman */
    if (podc_container_start(c, name, &err) < 0) {
        fprintf(stderr, "  probe: start: %s\n", podc_error_message(err));
        podc_error_free(err);
        podc_client_cancel(cev);
        pthread_join(tev, NULL);
        goto out;
    }
    waiter w100 = { cw100, name, 100, NA, 0, 0 }, w10 = { cw10, name, 10, NA, 0, 0 };
    poller po = { cpoll, name, NA, 0 };
    pthread_t t100, t10, tpo;
    pthread_create(&t100, NULL, waiter_main, &w100);
    pthread_create(&t10, NULL, waiter_main, &w10);
    pthread_create(&tpo, NULL, poller_main, &po);
    pthread_join(t100, NULL);
    /* what the library does after noticing: inspect, log tail, force-remove; but first the
     * other observers (they need the container) */
    pthread_join(t10, NULL);
    pthread_join(tpo, NULL);
    double give_up = now_ms() + 2000;
    while ((ev.died_real < NA / 2 || ev.cleanup_event < NA / 2) && now_ms() < give_up)
        usleep(5000);
    podc_client_cancel(cev);
    pthread_join(tev, NULL);
    podc_container_info *info = NULL;
    double fin = NA;
    double t = now_ms();
    if (podc_container_inspect(c, name, &info, NULL) == 0) {
        r->inspect_ms = now_ms() - t;
        fin = rfc3339_ms(podc_container_info_finished_at(info));
    }
    podc_container_info_free(info);
    char *tail = NULL;
    t = now_ms();
    if (podc_logs_tail(c, name, 50, &tail, NULL) == 0)
        r->logs_ms = now_ms() - t;
    podc_free(tail);
    t = now_ms();
    double t_real = real_ms();
    if (podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL) ==
        0) {
        r->remove_ms = now_ms() - t;
        r->remove_at = diff(t_real, fin);
    }
    r->ok = w100.rc == 0 && w100.code == 3 && fin > NA / 2;
    r->wait100 = w100.rc == 0 ? diff(w100.done_real, fin) : NA;
    r->wait10 = w10.rc == 0 ? diff(w10.done_real, fin) : NA;
    r->died_arrival = diff(ev.died_real, fin);
    r->died_event = diff(ev.died_event, fin);
    r->cleanup_event = diff(ev.cleanup_event, fin);
    r->inspect_poll = diff(po.seen_real, fin);
out:
    remove_quietly(c, name);
    podc_client_free(cw100);
    podc_client_free(cw10);
    podc_client_free(cev);
    podc_client_free(cpoll);
}

/* Early: the same container, inspected every 20 ms; as soon as it is not running, the 50-line
 * log tail and the force-removal, each timed. What a library that noticed the exit by inspect
 * would pay (podman's exit handling may still hold the container then). */
typedef struct early_result {
    int ok;
    double seen;   /* FinishedAt -> first inspect not running */
    double logs;   /* log tail */
    double remove; /* force-removal issued right then */
    double clean;  /* FinishedAt -> removed */
} early_result;

static void run_early(podc_client *c, const char *image, const char *name, early_result *r)
{
    *r = (early_result){ 0, NA, NA, NA, NA };
    podc_container_spec *s = podc_container_spec_new();
    podc_container_spec_set_name(s, name, NULL);
    podc_container_spec_set_image(s, image, NULL);
    podc_container_spec_set_command(s, COMMAND, 3, NULL);
    podc_container_spec_add_port(s, PORT, 0, NULL, NULL, NULL);
    podc_container_spec_add_label(s, PODC_SERVICE_LABEL_SESSION, SESSION, NULL);
    int rc = podc_container_create(c, s, NULL, NULL);
    podc_container_spec_free(s);
    if (rc < 0 || podc_container_start(c, name, NULL) < 0) {
        fprintf(stderr, "  early: create/start failed\n");
        remove_quietly(c, name);
        return;
    }
    double end = now_ms() + 10000, fin = NA, seen = NA;
    int code = -1;
    while (now_ms() < end) {
        podc_container_info *info = NULL;
        int running = 1;
        if (podc_container_inspect(c, name, &info, NULL) == 0 && podc_container_info_running(info) != 1) {
            running = 0;
            seen = real_ms();
            fin = rfc3339_ms(podc_container_info_finished_at(info));
            code = podc_container_info_exit_code(info);
        }
        podc_container_info_free(info);
        if (!running)
            break;
        usleep(20000);
    }
    char *tail = NULL;
    double t = now_ms();
    if (podc_logs_tail(c, name, 50, &tail, NULL) == 0)
        r->logs = now_ms() - t;
    podc_free(tail);
    t = now_ms();
    if (podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL) ==
        0) {
        r->remove = now_ms() - t;
        r->clean = diff(real_ms(), fin);
    }
    r->seen = diff(seen, fin);
    r->ok = code == 3 && fin > NA / 2;
    if (!r->ok)
        fprintf(stderr, "  early: exit code %d\n", code);
    remove_quietly(c, name);
}

/* ---- main ---- */

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    if (rounds < 1 || rounds > MAX_ROUNDS)
        rounds = 5;
    int tc_default_rounds = argc > 2 ? atoi(argv[2]) : 0;
    if (tc_default_rounds < 0 || tc_default_rounds > MAX_ROUNDS)
        tc_default_rounds = 0;
    const char *try_ms = getenv("PODC_BENCH_FAILFAST_TRY_MS");
    if (try_ms && atoi(try_ms) > 0)
        try_timeout_ms = atoi(try_ms);
    const char *image = getenv("PODC_BENCH_FAILFAST_IMAGE");
    if (!image || !*image)
        image = DEFAULT_IMAGE;
    setvbuf(stdout, NULL, _IOLBF, 0);

    podc_client *c = NULL;
    podc_error *err = NULL;
    if (podc_client_new(&c, NULL, &err) != 0) {
        fprintf(stderr, "bench_failfast: %s\n", podc_error_message(err));
        podc_error_free(err);
        return 1;
    }
    int exists = 0;
    if (podc_image_exists(c, image, &exists, NULL) < 0 || !exists) {
        fprintf(stderr, "bench_failfast: image %s is missing (tests/images/build.sh builds it)\n", image);
        podc_client_free(c);
        return 1;
    }
    const char *sock = podc_client_socket_path(c);
    if (!sock || !*sock) {
        fprintf(stderr, "bench_failfast: needs a unix-socket service (testcontainers goes through it)\n");
        podc_client_free(c);
        return 1;
    }
    char docker_host[1100];
    snprintf(docker_host, sizeof docker_host, "unix://%s", sock);
    setenv("DOCKER_HOST", docker_host, 1);
    setenv("TESTCONTAINERS_RYUK_DISABLED", "true", 1);
    tc_env te;
    tc_setup(&te);

    printf("%d rounds; image %s, command sh -c 'sleep 0.5; exit 3', HTTP check on %d (nothing listens; per-try "
           "timeout %lld ms), startup timeout %d ms; testcontainers via %s\n",
           rounds, image, PORT, (long long)try_timeout_ms, STARTUP_TIMEOUT_MS, docker_host);
    series p_total = { .n = 0 }, p_cs = { .n = 0 }, p_sn = { .n = 0 }, p_nf = { .n = 0 }, p_fr = { .n = 0 },
           p_rr = { .n = 0 };
    series k_total = { .n = 0 }, k_en = { .n = 0 }, k_se = { .n = 0 }, k_nf = { .n = 0 }, k_rm = { .n = 0 },
           k_ew = { .n = 0 }, k_wn = { .n = 0 };
    series t_total = { .n = 0 }, t_en = { .n = 0 }, t_nl = { .n = 0 }, t_lr = { .n = 0 }, t_se = { .n = 0 };
    series ratio = { .n = 0 };
    series k_by_try[TRY_KINDS], p_by_try[TRY_KINDS];
    memset(k_by_try, 0, sizeof k_by_try);
    memset(p_by_try, 0, sizeof p_by_try);
    series q_w100 = { .n = 0 }, q_w10 = { .n = 0 }, q_da = { .n = 0 }, q_de = { .n = 0 }, q_ce = { .n = 0 }, q_ip = { .n = 0 },
           q_ins = { .n = 0 }, q_logs = { .n = 0 }, q_rm = { .n = 0 }, q_rmat = { .n = 0 };
    series e_seen = { .n = 0 }, e_logs = { .n = 0 }, e_rm = { .n = 0 }, e_clean = { .n = 0 }, k_clean = { .n = 0 };
    int pid = (int)getpid();
    char name[96], a[32], b[32], d[32], e[32], f[32];

    for (int i = 0; i < rounds; i++) {
        svc_result pr = { 0, 0, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA }, kr = pr;
        tc_result tr = { 0, NA, NA, NA, NA, NA };
        probe_result qr = { 0, NA, NA, NA, NA, NA, NA, NA, NA, NA, NA };
        early_result er = { 0, NA, NA, NA, NA };
        int have_tc = 0;
        /* rotate the order so that no side always runs first (or right after another) */
        for (int k = 0; k < 5; k++) {
            switch ((i + k) % 5) {
            case 0:
                snprintf(name, sizeof name, "podc-bench-ff-%d-podc-%d", pid, i);
                run_podc(c, image, name, 0, &pr);
                break;
            case 1:
                snprintf(name, sizeof name, "podc-bench-ff-%d-keep-%d", pid, i);
                run_podc(c, image, name, 1, &kr);
                break;
            case 2:
                if (te.usable) {
                    snprintf(name, sizeof name, "podc-bench-ff-%d-tc-%d", pid, i);
                    have_tc = run_tc(c, &te, image, name, "abort", &tr) == 0;
                }
                break;
            case 3:
                snprintf(name, sizeof name, "podc-bench-ff-%d-probe-%d", pid, i);
                run_probe(c, image, name, &qr);
                break;
            default:
                snprintf(name, sizeof name, "podc-bench-ff-%d-early-%d", pid, i);
                run_early(c, image, name, &er);
                break;
            }
        }
        char g[32];
        printf("  round %d: podc %s ms (noticed %s ms after the call, +%s log tail, +%s removal); podc-keep "
               "exit->noticed %s ms (podman's wait returned after %s);",
               i + 1, fmt_ms(a, sizeof a, pr.total), fmt_ms(b, sizeof b, diff(pr.create_start + pr.started_noticed, 0)),
               fmt_ms(d, sizeof d, pr.noticed_failed), fmt_ms(e, sizeof e, pr.failed_removed),
               fmt_ms(f, sizeof f, kr.exit_noticed), fmt_ms(g, sizeof g, kr.exit_wait));
        if (have_tc)
            printf(" tc %s ms (exit->noticed %s ms); ratio %.2f\n", fmt_ms(a, sizeof a, tr.total),
                   fmt_ms(b, sizeof b, tr.exit_noticed), tr.ok && pr.ok ? pr.total / tr.total : 0.0);
        else
            printf(" tc n/a\n");
        printf("           probe after FinishedAt: wait(100 ms) %s, wait(10 ms) %s, events died %s (event time "
               "%s; cleanup event %s), inspect poll %s ms\n",
               fmt_ms(a, sizeof a, qr.wait100), fmt_ms(b, sizeof b, qr.wait10), fmt_ms(d, sizeof d, qr.died_arrival),
               fmt_ms(e, sizeof e, qr.died_event), fmt_ms(g, sizeof g, qr.cleanup_event),
               fmt_ms(f, sizeof f, qr.inspect_poll));
        printf("           early: inspect saw the exit after %s ms, then log tail %s, force-removal %s ms: clean %s ms "
               "after FinishedAt\n",
               fmt_ms(a, sizeof a, er.seen), fmt_ms(b, sizeof b, er.logs), fmt_ms(d, sizeof d, er.remove),
               fmt_ms(e, sizeof e, er.clean));
        if (pr.ok) {
            put(&p_total, pr.total);
            put(&p_cs, pr.create_start);
            put(&p_sn, pr.started_noticed);
            put(&p_nf, pr.noticed_failed);
            put(&p_fr, pr.failed_removed);
            put(&p_rr, pr.removed_return);
            put(&p_by_try[pr.last_try], pr.total);
        }
        if (kr.ok) {
            put(&k_total, kr.total);
            put(&k_en, kr.exit_noticed);
            put(&k_se, kr.started_exit);
            put(&k_nf, kr.noticed_failed);
            put(&k_rm, kr.own_remove);
            put(&k_ew, kr.exit_wait);
            put(&k_wn, kr.wait_noticed);
            put(&k_by_try[kr.last_try], kr.exit_noticed);
        }
        if (have_tc && tr.ok) {
            put(&t_total, tr.total);
            put(&t_en, tr.exit_noticed);
            put(&t_nl, tr.noticed_logs);
            put(&t_lr, tr.logs_removed);
            put(&t_se, tr.start_exit);
            if (pr.ok)
                put(&ratio, pr.total / tr.total);
        }
        if (er.ok) {
            put(&e_seen, er.seen);
            put(&e_logs, er.logs);
            put(&e_rm, er.remove);
            put(&e_clean, er.clean);
        }
        if (kr.ok)
            put(&k_clean, kr.exit_noticed + kr.noticed_failed + kr.own_remove);
        if (qr.ok) {
            put(&q_w100, qr.wait100);
            put(&q_w10, qr.wait10);
            put(&q_da, qr.died_arrival);
            put(&q_de, qr.died_event);
            put(&q_ce, qr.cleanup_event);
            put(&q_ip, qr.inspect_poll);
            put(&q_ins, qr.inspect_ms);
            put(&q_logs, qr.logs_ms);
            put(&q_rm, qr.remove_ms);
            put(&q_rmat, qr.remove_at);
        }
    }

    printf("== start -> failure returned (the container exits 0.5 s after it starts)\n");
    print_stat("podc: podc_service_start() -> PODC_EHEALTH", &p_total);
    print_stat("testcontainers: start() -> rejection (abortOnContainerExit)", &t_total);
    if (ratio.n)
        printf("  ratio podc/testcontainers: %.2f (medians), %.2f (median of per-round ratios)\n",
               median(&p_total) / median(&t_total), median(&ratio));
    printf("== exit (State.FinishedAt) -> failure noticed\n");
    print_stat("podc-keep: FinishedAt -> \"container stopped\"", &k_en);
    print_stat("testcontainers: FinishedAt -> exit seen (its logs() call)", &t_en);
    printf("== podc breakdown (podc_service_start, library defaults; progress timestamps)\n");
    print_stat("call -> \"started\" (stale check, create, start)", &p_cs);
    print_stat("\"started\" -> \"container stopped\" (noticed)", &p_sn);
    print_stat("  of which started -> FinishedAt (podc-keep)", &k_se);
    print_stat("  (1) FinishedAt -> noticed (podc-keep)", &k_en);
    print_stat("      FinishedAt -> podman's wait returns (side wait, 100 ms)", &k_ew);
    print_stat("      that wait's return -> noticed (in the library)", &k_wn);
    printf("  how the HTTP try in flight at the exit ended (podc and podc-keep), and the times by that:\n");
    for (int k = 0; k < TRY_KINDS; k++) {
        char label[96];
        snprintf(label, sizeof label, "  %s: podc call -> return", try_kind_name[k]);
        print_stat(label, &p_by_try[k]);
        snprintf(label, sizeof label, "  %s: podc-keep exit -> noticed", try_kind_name[k]);
        print_stat(label, &k_by_try[k]);
    }
    print_stat("(2) noticed -> \"failed:\" (50-line log tail)", &p_nf);
    print_stat("(3) \"failed:\" -> \"removed container\" (force-removal)", &p_fr);
    print_stat("\"removed\" -> return", &p_rr);
    print_stat("podc-keep: call -> return (no removal)", &k_total);
    print_stat("podc-keep: the same force-removal right after the return", &k_rm);
    if (t_total.n) {
        printf("== testcontainers breakdown\n");
        print_stat("start() -> FinishedAt", &t_se);
        print_stat("FinishedAt -> noticed (inspect says exited; 1 s tries)", &t_en);
        print_stat("noticed -> log tail fetched", &t_nl);
        print_stat("-> stop + remove done", &t_lr);
    }
    printf("== probe: other ways to notice the exit, ms after FinishedAt (all side by side), and the steps "
           "after it\n");
    print_stat("podman wait, interval 100 ms (the library's watcher)", &q_w100);
    print_stat("podman wait, interval 10 ms", &q_w10);
    print_stat("events stream: \"died\" arrives", &q_da);
    print_stat("events stream: \"died\" event's own time", &q_de);
    print_stat("events stream: \"cleanup\" event's own time", &q_ce);
    print_stat("inspect every 20 ms: first not running", &q_ip);
    print_stat("inspect (exited container)", &q_ins);
    print_stat("50-line log tail", &q_logs);
    print_stat("force-removal", &q_rm);
    print_stat("  (started this long after FinishedAt)", &q_rmat);
    printf("== early: inspect every 20 ms, then at once log tail + force-removal (ms)\n");
    print_stat("FinishedAt -> inspect says not running", &e_seen);
    print_stat("50-line log tail", &e_logs);
    print_stat("force-removal issued right then", &e_rm);
    print_stat("FinishedAt -> container removed (early)", &e_clean);
    print_stat("the same for podc-keep: noticed + tail + removal", &k_clean);

    for (int i = 0; i < tc_default_rounds && te.usable; i++) {
        tc_result tr;
        snprintf(name, sizeof name, "podc-bench-ff-%d-tcdefault-%d", pid, i);
        if (i == 0)
            printf("== testcontainers without abortOnContainerExit (Wait.forHttp default), %d round(s)\n",
                   tc_default_rounds);
        if (run_tc(c, &te, image, name, "default", &tr) == 0)
            printf("  round %d: start() -> rejection %s ms (the startup timeout is %d ms); exit -> noticed %s ms\n",
                   i + 1, fmt_ms(a, sizeof a, tr.total), STARTUP_TIMEOUT_MS, fmt_ms(b, sizeof b, tr.exit_noticed));
    }
    podc_service_cleanup(c, SESSION, NULL, NULL);
    podc_client_free(c);
    return 0;
}
