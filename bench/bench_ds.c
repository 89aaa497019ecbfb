/*
 * bench_ds - the DataStorage stack's up and down times, and in the same run the floors they are
 * judged against (targets, read and not asserted: up <= 1.15 x floor; down < 0.6 s):
 *   floor (query)  the same Postgres image alone, create + start until a real query succeeds,
 *                  asked from the host with libpq every 10 ms: when Postgres can answer, with
 *                  no podman exec in the way;
 *   floor (exec)   the same, asked with psql through podman's exec (20 ms between tries): what
 *                  an API client sees of it;
 *   down floor     podman's own cost to force-remove the stack's three containers side by
 *                  side plus its network, sent as raw requests with libcurl (no podc).
 * Then two more sections, each with its target (read, not asserted):
 *   cold up against the kubernaut sequence [podc <= 0.4 x script]: bench/kubernaut-sequence.sh
 *                  (the podman CLI doing what kubernaut's Go test infrastructure does, one step
 *                  after the other, 1 s polls; see the script) and podc_ds_up() on a fresh client,
 *                  taking turns (the script first in odd rounds, podc first in even ones), same
 *                  images and migrations, each stack from nothing (no network, no container of
 *                  its name) on its own names and free ports (the script's picked by the bench,
 *                  podc's by podman). The script's time is its own "elapsed" line (from its image
 *                  check to /readyz 200); each stack is taken down before the next goes up (the
 *                  script's `down`, podc_ds_down()), and those times are printed too.
 *   four side by side [four <= 2.5 x one]: one stack up alone (one thread, its own client), and
 *                  four stacks at once (four threads released by a barrier, each with its own
 *                  client, service name and podman-chosen ports): the time until the last of the
 *                  four is ready, against the one; the order alternates by round. After each
 *                  measurement every stack is taken down (the four side by side, timed). Its
 *                  floor in the same round: Postgres alone (as "floor (query)" above), one and four
 *                  at once on their own threads and clients, until the last answers a host SELECT 1.
 *   Medians over the rounds, and the ratios of those medians (all from the same run).
 * Usage: bench_ds [rounds [cold_rounds [side_by_side_rounds]]]   (the latter two default to
 *        rounds; 0 skips a section). PODC_BENCH_MIGRATIONS=dir adds the migrations;
 *        PODC_BENCH_KS_SCRIPT=path overrides the script (default: the source tree's);
 *        PODC_BENCH_PROGRESS=1 prints the side-by-side stacks' progress lines.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podc.h"

#define PG_IMAGE "localhost/podc-postgres:test"
#define SERVICE "podcbench"

#ifndef PODC_BENCH_SRCDIR
#define PODC_BENCH_SRCDIR "bench"
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int print_progress(const char *line, void *ud)
{
    if (ud)
        printf("    %s\n", line);
    return 0;
}

static int exec_query_ok(podc_client *c, const char *name)
{
    const char *q[] = { "env", "PGPASSWORD=test_password", "psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-U",
                        "slm_user", "-d", "action_history", "-c", "SELECT 1", NULL };
    podc_exec_result *r = NULL;
    int ok = podc_exec_run(c, name, q, NULL, &r, NULL) == 0 && podc_exec_result_exit_code(r) == 0;
    podc_exec_result_free(r);
    return ok;
}

static int host_query_ok(int port)
{
    char conninfo[256];
    snprintf(conninfo, sizeof conninfo,
             "host=127.0.0.1 port=%d user=slm_user password=test_password dbname=action_history "
             "connect_timeout=2",
             port);
    PGconn *pg = PQconnectdb(conninfo);
    int ok = 0;
    if (PQstatus(pg) == CONNECTION_OK) {
        PGresult *res = PQexec(pg, "SELECT 1");
        ok = PQresultStatus(res) == PGRES_TUPLES_OK;
        PQclear(res);
    }
    PQfinish(pg);
    return ok;
}

/* Postgres alone: create + start, then a query until one works (from the host, or via exec).
 * With before_rm, the container is removed only after every party has reached that barrier. */
static double postgres_floor_named(podc_client *c, const char *name, int via_exec, pthread_barrier_t *before_rm)
{
    podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
    podc_container_spec *s = podc_container_spec_new();
    podc_container_spec_set_name(s, name, NULL);
    podc_container_spec_set_image(s, PG_IMAGE, NULL);
    podc_container_spec_add_env(s, "POSTGRES_USER", "slm_user", NULL);
    podc_container_spec_add_env(s, "POSTGRES_PASSWORD", "test_password", NULL);
    podc_container_spec_add_env(s, "POSTGRES_DB", "action_history", NULL);
    podc_container_spec_add_port(s, 5432, 0, NULL, NULL, NULL);
    double t0 = now_s(), t = -1;
    if (podc_container_create(c, s, NULL, NULL) == 0 && podc_container_start(c, name, NULL) == 0) {
        int port = -1;
        podc_container_info *info = NULL;
        if (podc_container_inspect(c, name, &info, NULL) == 0)
            port = podc_container_info_host_port(info, 5432, "tcp");
        podc_container_info_free(info);
        for (int i = 0; i < 3000 && t < 0 && (via_exec || port > 0); i++) {
            if (via_exec ? exec_query_ok(c, name) : host_query_ok(port))
                t = now_s() - t0;
            else
                usleep(via_exec ? 20000 : 10000);
        }
    }
    podc_container_spec_free(s);
    if (before_rm)
        pthread_barrier_wait(before_rm);
    podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
    return t;
}

static double postgres_floor(podc_client *c, int via_exec)
{
    return postgres_floor_named(c, "podc-bench-pg-floor", via_exec, NULL);
}

/* One raw DELETE on its own connection. */
typedef struct raw_rm {
    const char *sock;
    char path[256];
    long status;
} raw_rm;

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return s * n;
}

static void *raw_delete(void *arg)
{
    raw_rm *r = arg;
    CURL *h = curl_easy_init();
    char url[300];
    snprintf(url, sizeof url, "http://d%s", r->path);
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, r->sock);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    r->status = curl_easy_perform(h) == CURLE_OK ? 0 : -1;
    if (r->status == 0)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(h);
    return NULL;
}

/* Podman's own cost: the three containers force-removed side by side, then the network. */
static double raw_down(const char *sock)
{
    static const char *const comp[] = { "postgres", "redis", "datastorage" };
    raw_rm rm[3];
    pthread_t th[3];
    double t0 = now_s();
    for (int i = 0; i < 3; i++) {
        rm[i] = (raw_rm){ .sock = sock };
        snprintf(rm[i].path, sizeof rm[i].path, "/v4.0.0/libpod/containers/%s_%s_test?force=true&timeout=0",
                 SERVICE, comp[i]);
        pthread_create(&th[i], NULL, raw_delete, &rm[i]);
    }
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    raw_rm net = { .sock = sock };
    snprintf(net.path, sizeof net.path, "/v4.0.0/libpod/networks/%s_test_network", SERVICE);
    raw_delete(&net);
    double t = now_s() - t0;
    for (int i = 0; i < 3; i++)
        if (rm[i].status != 200)
            fprintf(stderr, "raw down: %s answered %ld\n", rm[i].path, rm[i].status);
    return t;
}

static podc_ds_config *bench_config_for(const char *service, const char *mig, int verbose)
{
    podc_ds_config *cfg = podc_ds_config_new(service);
    podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, PG_IMAGE, NULL);
    podc_ds_config_set_image(cfg, PODC_DS_REDIS, "localhost/podc-redis:test", NULL);
    podc_ds_config_set_image(cfg, PODC_DS_DATASTORAGE, "localhost/podc-datastorage:test", NULL);
    for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
        podc_ds_config_set_port(cfg, (podc_ds_port)p, 0, NULL);
    if (mig)
        podc_ds_config_set_migrations_dir(cfg, mig, NULL);
    podc_ds_config_set_progress(cfg, print_progress, verbose ? cfg : NULL, NULL);
    return cfg;
}

static podc_ds_config *bench_config(const char *mig, int verbose)
{
    return bench_config_for(SERVICE, mig, verbose);
}

static int up(podc_client *c, podc_ds_config *cfg, double *took)
{
    podc_ds_stack *st = NULL;
    podc_error *err = NULL;
    double t0 = now_s();
    if (podc_ds_up(c, cfg, &st, &err) != 0) {
        fprintf(stderr, "up: %s\n%s\n", podc_error_message(err),
                podc_error_log_tail(err) ? podc_error_log_tail(err) : "");
        podc_error_free(err);
        return -1;
    }
    *took = now_s() - t0;
    podc_ds_stack_free(st);
    return 0;
}

/* ---- medians ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    if (n <= 0)
        return 0;
    double *w = malloc(sizeof *w * (size_t)n);
    if (!w)
        return 0;
    memcpy(w, v, sizeof *w * (size_t)n);
    qsort(w, (size_t)n, sizeof *w, cmp_double);
    double m = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
    free(w);
    return m;
}

/* ---- cold up: podc_ds_up() against bench/kubernaut-sequence.sh ---- */

/* n free TCP ports on 127.0.0.1, all held at once so that they differ, then released. */
static int free_ports(int *ports, int n)
{
    int fds[8], rc = 0;
    for (int i = 0; i < n; i++)
        fds[i] = -1;
    for (int i = 0; i < n && rc == 0; i++) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
        socklen_t len = sizeof a;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof a) != 0 ||
            getsockname(fds[i], (struct sockaddr *)&a, &len) != 0)
            rc = -1;
        else
            ports[i] = ntohs(a.sin_port);
    }
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return rc;
}

/* What the script printed: its "step NAME S" lines folded into the groups shown, and "elapsed S". */
enum { KS_OTHER, KS_PRECLEAN, KS_POSTGRES, KS_MIGRATIONS, KS_REDIS, KS_DATASTORAGE, KS_NGROUPS };
typedef struct ks_times {
    double elapsed; /* < 0: no "elapsed" line (failed) */
    double group[KS_NGROUPS];
} ks_times;

static int ks_group(const char *step)
{
    static const struct {
        const char *prefix;
        int group;
    } map[] = { { "preclean", KS_PRECLEAN }, { "postgres", KS_POSTGRES }, { "migrations", KS_MIGRATIONS },
                { "redis", KS_REDIS },       { "datastorage", KS_DATASTORAGE } };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strncmp(step, map[i].prefix, strlen(map[i].prefix)) == 0)
            return map[i].group;
    return KS_OTHER;
}

/* Runs the script with argv (argv[0] = the script) and reads its lines; 0 when it exited 0. */
static int run_script(char *const argv[], ks_times *t)
{
    memset(t, 0, sizeof *t);
    t->elapsed = -1;
    int pfd[2];
    if (pipe(pfd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(pfd[1], STDOUT_FILENO);
        close(pfd[0]);
        close(pfd[1]);
        execv(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    close(pfd[1]);
    FILE *f = fdopen(pfd[0], "r");
    char line[256], name[64];
    double v;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "step %63s %lf", name, &v) == 2)
            t->group[ks_group(name)] += v;
        else if (sscanf(line, "elapsed %lf", &v) == 1)
            t->elapsed = v;
    }
    if (f)
        fclose(f);
    else
        close(pfd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && t->elapsed >= 0 ? 0 : -1;
}

static int script_up(const char *script, const char *service, const char *mig, ks_times *t)
{
    int p[5];
    if (free_ports(p, 5) != 0) {
        fprintf(stderr, "cold up: no free ports\n");
        return -1;
    }
    char ports[5][16];
    for (int i = 0; i < 5; i++)
        snprintf(ports[i], sizeof ports[i], "%d", p[i]);
    char *argv[] = { (char *)script, "up", (char *)service, ports[0], ports[1], ports[2], ports[3], ports[4],
                     (char *)(mig ? mig : "-"), NULL };
    return run_script(argv, t);
}

static double script_down(const char *script, const char *service)
{
    char *argv[] = { (char *)script, "down", (char *)service, NULL };
    ks_times t;
    return run_script(argv, &t) == 0 ? t.elapsed : -1;
}

/* podc_ds_up() on a fresh client (as a test suite starts), then podc_ds_down(); times in *up, *down. */
static int podc_cold(const char *service, const char *mig, double *t_up, double *t_down)
{
    podc_client *c = NULL;
    podc_error *err = NULL;
    if (podc_client_new(&c, NULL, &err) != 0) {
        fprintf(stderr, "cold up: %s\n", podc_error_message(err));
        podc_error_free(err);
        return -1;
    }
    podc_ds_config *cfg = bench_config_for(service, mig, 0);
    int rc = up(c, cfg, t_up);
    double t0 = now_s();
    if (podc_ds_down(c, service, 0, &err) != 0) {
        fprintf(stderr, "cold up: down %s: %s\n", service, podc_error_message(err));
        podc_error_free(err);
        rc = -1;
    }
    *t_down = now_s() - t0;
    podc_ds_config_free(cfg);
    podc_client_free(c);
    return rc;
}

static int cold_up_vs_script(const char *mig, int rounds)
{
    const char *script = getenv("PODC_BENCH_KS_SCRIPT");
    char path[1024], real[PATH_MAX];
    if (!script || !*script) {
        snprintf(path, sizeof path, "%s/kubernaut-sequence.sh", PODC_BENCH_SRCDIR);
        script = realpath(path, real) ? real : path;
    }
    printf("== cold up: podc_ds_up against %s (podman CLI, upstream's sequence) [target: podc <= 0.4 x "
           "script]\n",
           script);
    if (access(script, X_OK) != 0) {
        printf("skipped: %s is not executable (PODC_BENCH_KS_SCRIPT)\n", script);
        return 0;
    }
    double *ks = calloc((size_t)rounds, sizeof *ks), *pc = calloc((size_t)rounds, sizeof *pc);
    double *ks_dn = calloc((size_t)rounds, sizeof *ks_dn), *pc_dn = calloc((size_t)rounds, sizeof *pc_dn);
    double *ratio = calloc((size_t)rounds, sizeof *ratio);
    int rc = ks && pc && ks_dn && pc_dn && ratio ? 0 : -1;
    for (int r = 0; r < rounds && rc == 0; r++) {
        char ks_svc[64], pc_svc[64];
        snprintf(ks_svc, sizeof ks_svc, "podcbench-ks%ld-%d", (long)getpid(), r + 1);
        snprintf(pc_svc, sizeof pc_svc, "podcbench-cold%ld-%d", (long)getpid(), r + 1);
        ks_times t = { .elapsed = -1 };
        for (int turn = 0; turn < 2 && rc == 0; turn++) {
            if ((turn == 0) == (r % 2 == 0)) { /* odd rounds (r even): the script first */
                int up_rc = script_up(script, ks_svc, mig, &t);
                ks_dn[r] = script_down(script, ks_svc);
                if (up_rc != 0 || ks_dn[r] < 0) {
                    fprintf(stderr, "cold up: %s %s failed\n", script, up_rc != 0 ? "up" : "down");
                    rc = -1;
                }
                ks[r] = t.elapsed;
            } else if (podc_cold(pc_svc, mig, &pc[r], &pc_dn[r]) != 0) {
                rc = -1;
            }
        }
        if (rc != 0)
            break;
        ratio[r] = pc[r] / ks[r];
        printf("round %d: script %.3f s (image+network %.2f, pre-clean %.2f, postgres run->query %.2f, "
               "migrations %.2f, redis %.2f, datastorage %.2f), its down %.3f s | podc up %.3f s, down %.3f s | "
               "podc/script %.2f\n",
               r + 1, ks[r], t.group[KS_OTHER], t.group[KS_PRECLEAN], t.group[KS_POSTGRES], t.group[KS_MIGRATIONS],
               t.group[KS_REDIS], t.group[KS_DATASTORAGE], ks_dn[r], pc[r], pc_dn[r], ratio[r]);
    }
    if (rc == 0) {
        double mk = median(ks, rounds), mp = median(pc, rounds);
        printf("median of %d: script up %.3f s, podc up %.3f s: podc/script %.2f [target <= 0.4] (per-round "
               "ratios' median %.2f); down: script %.3f s, podc %.3f s\n",
               rounds, mk, mp, mp / mk, median(ratio, rounds), median(ks_dn, rounds), median(pc_dn, rounds));
    }
    free(ks);
    free(pc);
    free(ks_dn);
    free(pc_dn);
    free(ratio);
    return rc;
}

/* ---- four stacks side by side against one ---- */

typedef struct par_job {
    char service[64];
    const char *mig;
    pthread_barrier_t *go, *all_up;
    double t_start, t_end, t_down_start, t_down_end;
    int rc;
} par_job;

static void *par_stack(void *arg)
{
    par_job *j = arg;
    podc_client *c = NULL;
    podc_error *err = NULL;
    podc_ds_config *cfg = NULL;
    if (podc_client_new(&c, NULL, &err) != 0) {
        fprintf(stderr, "side by side: %s: %s\n", j->service, podc_error_message(err));
        podc_error_free(err);
        err = NULL;
        j->rc = -1;
    } else {
        /* PODC_BENCH_PROGRESS=1: every stack's progress lines (where the time goes) */
        const char *pr = getenv("PODC_BENCH_PROGRESS");
        cfg = bench_config_for(j->service, j->mig, pr && *pr && strcmp(pr, "0") != 0);
    }
    pthread_barrier_wait(j->go);
    j->t_start = now_s();
    if (j->rc == 0) {
        podc_ds_stack *st = NULL;
        if (podc_ds_up(c, cfg, &st, &err) != 0) {
            fprintf(stderr, "side by side: up %s: %s\n%s\n", j->service, podc_error_message(err),
                    podc_error_log_tail(err) ? podc_error_log_tail(err) : "");
            podc_error_free(err);
            err = NULL;
            j->rc = -1;
        }
        podc_ds_stack_free(st);
    }
    j->t_end = now_s();
    pthread_barrier_wait(j->all_up); /* nothing goes down while another stack is still coming up */
    j->t_down_start = now_s();
    if (c && podc_ds_down(c, j->service, 0, &err) != 0) {
        fprintf(stderr, "side by side: down %s: %s\n", j->service, podc_error_message(err));
        podc_error_free(err);
        j->rc = -1;
    }
    j->t_down_end = now_s();
    podc_ds_config_free(cfg);
    podc_client_free(c);
    return NULL;
}

/* n stacks up at once; *wall = first start -> last ready, *fastest / *slowest = single stacks'
 * own up times, *down = the n downs side by side. */
static int stacks_at_once(int n, const char *mig, const char *tag, double *wall, double *fastest, double *slowest,
                          double *down)
{
    par_job jobs[4];
    pthread_t th[4];
    pthread_barrier_t go, all_up;
    pthread_barrier_init(&go, NULL, (unsigned)n);
    pthread_barrier_init(&all_up, NULL, (unsigned)n);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        jobs[i] = (par_job){ .mig = mig, .go = &go, .all_up = &all_up };
        snprintf(jobs[i].service, sizeof jobs[i].service, "podcbench-%s%ld-%d", tag, (long)getpid(), i + 1);
        if (pthread_create(&th[i], NULL, par_stack, &jobs[i]) != 0) {
            fprintf(stderr, "side by side: pthread_create failed\n");
            exit(1); /* the others would wait at the barrier for ever */
        }
    }
    double t0 = 0, t1 = 0, d0 = 0, d1 = 0;
    *fastest = 1e9;
    *slowest = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        par_job *j = &jobs[i];
        rc |= j->rc;
        t0 = i == 0 || j->t_start < t0 ? j->t_start : t0;
        t1 = j->t_end > t1 ? j->t_end : t1;
        d0 = i == 0 || j->t_down_start < d0 ? j->t_down_start : d0;
        d1 = j->t_down_end > d1 ? j->t_down_end : d1;
        double own = j->t_end - j->t_start;
        *fastest = own < *fastest ? own : *fastest;
        *slowest = own > *slowest ? own : *slowest;
    }
    pthread_barrier_destroy(&go);
    pthread_barrier_destroy(&all_up);
    *wall = t1 - t0;
    *down = d1 - d0;
    return rc;
}

/* The floor of the side-by-side section: Postgres alone (create + start until a host SELECT 1),
 * n at once, each on its own thread and client; removed once all have answered. */
typedef struct pg_job {
    char name[64];
    pthread_barrier_t *go, *done;
    double t;
} pg_job;

static void *pg_floor_thread(void *arg)
{
    pg_job *j = arg;
    podc_client *c = NULL;
    int ok = podc_client_new(&c, NULL, NULL) == 0;
    pthread_barrier_wait(j->go);
    if (ok) {
        j->t = postgres_floor_named(c, j->name, 0, j->done);
    } else {
        j->t = -1;
        pthread_barrier_wait(j->done);
    }
    podc_client_free(c);
    return NULL;
}

/* The slowest of n Postgres started at once, or -1. */
static double postgres_floor_at_once(int n, int round)
{
    pg_job jobs[4];
    pthread_t th[4];
    pthread_barrier_t go, done;
    pthread_barrier_init(&go, NULL, (unsigned)n);
    pthread_barrier_init(&done, NULL, (unsigned)n);
    for (int i = 0; i < n; i++) {
        jobs[i] = (pg_job){ .go = &go, .done = &done };
        snprintf(jobs[i].name, sizeof jobs[i].name, "podc-bench-pg-floor%d-%ld-%d-%d", n, (long)getpid(), round,
                 i + 1);
        if (pthread_create(&th[i], NULL, pg_floor_thread, &jobs[i]) != 0) {
            fprintf(stderr, "side by side: pthread_create failed\n");
            exit(1);
        }
    }
    double worst = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        worst = jobs[i].t < 0 || worst < 0 ? -1 : jobs[i].t > worst ? jobs[i].t : worst;
    }
    pthread_barrier_destroy(&go);
    pthread_barrier_destroy(&done);
    return worst;
}

static int side_by_side(const char *mig, int rounds)
{
    printf("== four stacks side by side (4 threads, own clients and names, free ports) against one in the same "
           "run [target: four <= 2.5 x one]\n");
    double *one = calloc((size_t)rounds, sizeof *one), *four = calloc((size_t)rounds, sizeof *four);
    double *ratio = calloc((size_t)rounds, sizeof *ratio), *four_dn = calloc((size_t)rounds, sizeof *four_dn);
    double *pg1 = calloc((size_t)rounds, sizeof *pg1), *pg4 = calloc((size_t)rounds, sizeof *pg4);
    int rc = one && four && ratio && four_dn && pg1 && pg4 ? 0 : -1;
    for (int r = 0; r < rounds && rc == 0; r++) {
        double f1 = 0, s1 = 0, d1 = 0, f4 = 0, s4 = 0;
        char tag1[16], tag4[16];
        snprintf(tag1, sizeof tag1, "one%d-", r + 1);
        snprintf(tag4, sizeof tag4, "four%d-", r + 1);
        for (int turn = 0; turn < 2 && rc == 0; turn++) {
            if ((turn == 0) == (r % 2 == 0))
                rc = stacks_at_once(1, mig, tag1, &one[r], &f1, &s1, &d1);
            else
                rc = stacks_at_once(4, mig, tag4, &four[r], &f4, &s4, &four_dn[r]);
        }
        for (int turn = 0; turn < 2 && rc == 0; turn++) { /* the floor, in the same order */
            int n = (turn == 0) == (r % 2 == 0) ? 1 : 4;
            double *t = n == 1 ? &pg1[r] : &pg4[r];
            *t = postgres_floor_at_once(n, r + 1);
            if (*t < 0) {
                fprintf(stderr, "side by side: the Postgres floor failed\n");
                rc = -1;
            }
        }
        if (rc != 0)
            break;
        ratio[r] = four[r] / one[r];
        printf("round %d (%s first): one %.3f s (its down %.3f s) | four %.3f s until the last is ready (each "
               "%.3f-%.3f s), their downs side by side %.3f s | four/one %.2f | floor, Postgres alone until a "
               "host SELECT 1: one %.3f s, four %.3f s = %.2f x\n",
               r + 1, r % 2 == 0 ? "one" : "four", one[r], d1, four[r], f4, s4, four_dn[r], ratio[r], pg1[r],
               pg4[r], pg4[r] / pg1[r]);
    }
    if (rc == 0) {
        double m1 = median(one, rounds), m4 = median(four, rounds);
        double mp1 = median(pg1, rounds), mp4 = median(pg4, rounds);
        printf("median of %d: one %.3f s, four side by side %.3f s: four/one %.2f [target <= 2.5] (per-round "
               "ratios' median %.2f); four downs side by side %.3f s | floor, Postgres alone: one %.3f s, four "
               "%.3f s = %.2f x\n",
               rounds, m1, m4, m4 / m1, median(ratio, rounds), median(four_dn, rounds), mp1, mp4, mp4 / mp1);
    }
    free(one);
    free(four);
    free(ratio);
    free(four_dn);
    free(pg1);
    free(pg4);
    return rc;
}

/* One query over the stack's DSN: 0, or -1 (printed). */
static int pg_exec(const char *dsn, const char *sql, char *out, size_t len)
{
    PGconn *pg = PQconnectdb(dsn);
    PGresult *res = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
    int ok = res && (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK);
    if (!ok)
        fprintf(stderr, "warm: %s: %s\n", sql, PQerrorMessage(pg));
    if (ok && out)
        snprintf(out, len, "%s", PQresultStatus(res) == PGRES_TUPLES_OK ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    PQfinish(pg);
    return ok ? 0 : -1;
}

/* Repeated ups with reuse: a cold up (it makes the template), a row written, a warm up that must
 * find the row gone; and a cold up with Postgres durable against the default test settings. */
static int warm_vs_cold(podc_client *c, const char *mig, int rounds)
{
    printf("== ds up --reuse: warm (a running stack of the same definition, reset) against cold "
           "[target: warm <= 0.25 x cold, aim 0.1]; Postgres durable against the test settings\n");
    double cold[16], warm[16], durable[16], fast[16];
    rounds = rounds > 16 ? 16 : rounds;
    for (int r = 0; r < rounds; r++) {
        podc_ds_config *cfg = bench_config(mig, 0);
        podc_ds_config_set_reuse(cfg, 1, NULL);
        podc_ds_stack *st = NULL;
        podc_error *err = NULL;
        double t0 = now_s();
        if (podc_ds_up(c, cfg, &st, &err) != 0) {
            fprintf(stderr, "warm: cold up: %s\n", podc_error_message(err));
            return 1;
        }
        cold[r] = now_s() - t0;
        char dsn[512], n[32] = "";
        snprintf(dsn, sizeof dsn, "%s", podc_ds_stack_postgres_dsn(st));
        podc_ds_stack_free(st);
        if (pg_exec(dsn, "INSERT INTO audit_events (msg) VALUES ('written before the warm up')", NULL, 0) != 0)
            return 1;
        t0 = now_s();
        if (podc_ds_up(c, cfg, &st, &err) != 0 || !podc_ds_stack_reused(st)) {
            fprintf(stderr, "warm: warm up: %s\n", err ? podc_error_message(err) : "not reused");
            return 1;
        }
        warm[r] = now_s() - t0;
        podc_ds_stack_free(st);
        if (pg_exec(dsn, "SELECT count(*) FROM audit_events", n, sizeof n) != 0)
            return 1;
        podc_ds_down(c, SERVICE, 0, NULL);
        /* the same cold up, durable and not (no reuse: no template) */
        podc_ds_config_set_reuse(cfg, 0, NULL);
        podc_ds_config_set_postgres_durable(cfg, r % 2, NULL);
        double a = 0, b = 0;
        if (up(c, cfg, &a) != 0)
            return 1;
        podc_ds_down(c, SERVICE, 0, NULL);
        podc_ds_config_set_postgres_durable(cfg, !(r % 2), NULL);
        if (up(c, cfg, &b) != 0)
            return 1;
        podc_ds_down(c, SERVICE, 0, NULL);
        durable[r] = r % 2 ? a : b;
        fast[r] = r % 2 ? b : a;
        printf("round %d: cold up (with the template) %.3f s, warm up --reuse %.3f s = %.2f x cold; rows after "
               "the warm up: %s (want 0) | cold up, test settings %.3f s, durable %.3f s\n",
               r + 1, cold[r], warm[r], warm[r] / cold[r], n, fast[r], durable[r]);
        podc_ds_config_free(cfg);
        if (strcmp(n, "0") != 0)
            return 1;
    }
    double mc = median(cold, rounds), mw = median(warm, rounds), mf = median(fast, rounds),
           md = median(durable, rounds);
    printf("median of %d: cold %.3f s, warm %.3f s: warm/cold %.2f [target <= 0.25, aim 0.1] | test settings "
           "%.3f s, durable %.3f s: %.2f x\n",
           rounds, mc, mw, mw / mc, mf, md, mf / md);
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    int cold_rounds = argc > 2 ? atoi(argv[2]) : rounds;
    int par_rounds = argc > 3 ? atoi(argv[3]) : rounds;
    const char *mig = getenv("PODC_BENCH_MIGRATIONS");
    podc_client *c = NULL;
    podc_error *err = NULL;
    if (podc_client_new(&c, NULL, &err) != 0) {
        fprintf(stderr, "bench_ds: %s\n", podc_error_message(err));
        return 1;
    }
    const char *sock = podc_client_socket_path(c);
    double sum_ratio = 0, worst_ratio = 0, sum_down = 0;
    for (int r = 0; r < rounds; r++) {
        double floor_q = postgres_floor(c, 0), floor_x = postgres_floor(c, 1);
        podc_ds_config *cfg = bench_config(mig, r == 0);
        double t_up = 0, t_up2 = 0;
        if (up(c, cfg, &t_up) != 0)
            return 1;
        double t0 = now_s();
        if (podc_ds_down(c, SERVICE, 0, &err) != 0) {
            fprintf(stderr, "down: %s\n", podc_error_message(err));
            return 1;
        }
        double t_down = now_s() - t0;
        podc_ds_config_set_progress(cfg, print_progress, NULL, NULL);
        if (up(c, cfg, &t_up2) != 0) /* a second stack, taken down by raw requests */
            return 1;
        double floor_down = raw_down(sock);
        podc_ds_down(c, SERVICE, 0, NULL); /* the generated config dir */
        double ratio = t_up / floor_q;
        sum_ratio += ratio;
        worst_ratio = ratio > worst_ratio ? ratio : worst_ratio;
        sum_down += t_down;
        printf("round %d: floor (query) %.3f s, floor (exec) %.3f s | up %.3f s = %.2f x floor (query), %.2f x "
               "floor (exec) (2nd up %.3f s) | down %.3f s [target < 0.6], podman's raw down "
               "%.3f s\n",
               r + 1, floor_q, floor_x, t_up, ratio, t_up / floor_x, t_up2, t_down, floor_down);
        podc_ds_config_free(cfg);
    }
    if (rounds > 0)
        printf("mean up/floor(query) %.2f, worst %.2f; mean down %.3f s\n", sum_ratio / rounds, worst_ratio,
               sum_down / rounds);
    int rc = 0;
    if (cold_rounds > 0 && cold_up_vs_script(mig, cold_rounds) != 0)
        rc = 1;
    if (par_rounds > 0 && side_by_side(mig, par_rounds) != 0)
        rc = 1;
    if (mig && rounds > 0 && warm_vs_cold(c, mig, rounds) != 0)
        rc = 1;
    podc_client_free(c);
    return rc;
}
