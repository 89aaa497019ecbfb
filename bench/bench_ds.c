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
 * Usage: bench_ds [rounds]   (PODC_BENCH_MIGRATIONS=dir adds the migrations)
 */
#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "podc.h"

#define PG_IMAGE "localhost/podc-postgres:test"
#define SERVICE "podcbench"

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

/* Postgres alone: create + start, then a query until one works (from the host, or via exec). */
static double postgres_floor(podc_client *c, int via_exec)
{
    const char *name = "podc-bench-pg-floor";
    podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
    podc_container_spec *s = podc_container_spec_new();
    podc_container_spec_set_name(s, name);
    podc_container_spec_set_image(s, PG_IMAGE);
    podc_container_spec_add_env(s, "POSTGRES_USER", "slm_user");
    podc_container_spec_add_env(s, "POSTGRES_PASSWORD", "test_password");
    podc_container_spec_add_env(s, "POSTGRES_DB", "action_history");
    podc_container_spec_add_port(s, 5432, 0, NULL, NULL);
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
    podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
    return t;
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

static podc_ds_config *bench_config(const char *mig, int verbose)
{
    podc_ds_config *cfg = podc_ds_config_new(SERVICE);
    podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, PG_IMAGE);
    podc_ds_config_set_image(cfg, PODC_DS_REDIS, "localhost/podc-redis:test");
    podc_ds_config_set_image(cfg, PODC_DS_DATASTORAGE, "localhost/podc-datastorage:test");
    for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
        podc_ds_config_set_port(cfg, (podc_ds_port)p, 0);
    if (mig)
        podc_ds_config_set_migrations_dir(cfg, mig);
    podc_ds_config_set_progress(cfg, print_progress, verbose ? cfg : NULL);
    return cfg;
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

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
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
        podc_ds_config_set_progress(cfg, print_progress, NULL);
        if (up(c, cfg, &t_up2) != 0) /* a second stack, taken down by raw requests */
            return 1;
        double floor_down = raw_down(sock);
        podc_ds_down(c, SERVICE, 0, NULL); /* the generated config dir */
        double ratio = t_up / floor_q;
        sum_ratio += ratio;
        worst_ratio = ratio > worst_ratio ? ratio : worst_ratio;
        sum_down += t_down;
        printf("round %d: floor (query) %.3f s, floor (exec) %.3f s | up %.3f s = %.2f x floor (query), %.2f x "
               "floor (exec) [target <= 1.15] (2nd up %.3f s) | down %.3f s [target < 0.6], podman's raw down "
               "%.3f s\n",
               r + 1, floor_q, floor_x, t_up, ratio, t_up / floor_x, t_up2, t_down, floor_down);
        podc_ds_config_free(cfg);
    }
    printf("mean up/floor(query) %.2f, worst %.2f; mean down %.3f s\n", sum_ratio / rounds, worst_ratio,
           sum_down / rounds);
    podc_client_free(c);
    return 0;
}
