/*
 * bench_ds - the DataStorage stack's up and down times, and in the same run the floor they are
 * judged against: how long the same Postgres image takes from start to its first successful
 * query. Targets (read, not asserted): up <= 1.15 x floor; down < 0.6 s.
 * Usage: bench_ds [rounds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "podc.h"

#define PG_IMAGE "localhost/podc-postgres:test"

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

/* Postgres alone: create + start, then SELECT 1 over TCP inside the container until it works. */
static double postgres_floor(podc_client *c)
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
    const char *q[] = { "env", "PGPASSWORD=test_password", "psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-U",
                        "slm_user", "-d", "action_history", "-c", "SELECT 1", NULL };
    double t0 = now_s(), t = -1;
    if (podc_container_create(c, s, NULL, NULL) == 0 && podc_container_start(c, name, NULL) == 0) {
        for (int i = 0; i < 3000 && t < 0; i++) {
            podc_exec_result *r = NULL;
            if (podc_exec_run(c, name, q, NULL, &r, NULL) == 0 && podc_exec_result_exit_code(r) == 0)
                t = now_s() - t0;
            podc_exec_result_free(r);
            if (t < 0)
                usleep(20 * 1000);
        }
    }
    podc_container_spec_free(s);
    podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
    return t;
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
    for (int r = 0; r < rounds; r++) {
        double floor_s = postgres_floor(c);
        podc_ds_config *cfg = podc_ds_config_new("podcbench");
        podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, PG_IMAGE);
        podc_ds_config_set_image(cfg, PODC_DS_REDIS, "localhost/podc-redis:test");
        podc_ds_config_set_image(cfg, PODC_DS_DATASTORAGE, "localhost/podc-datastorage:test");
        for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
            podc_ds_config_set_port(cfg, (podc_ds_port)p, 0);
        if (mig)
            podc_ds_config_set_migrations_dir(cfg, mig);
        podc_ds_config_set_progress(cfg, print_progress, r == 0 ? cfg : NULL);
        podc_ds_stack *st = NULL;
        double t0 = now_s();
        if (podc_ds_up(c, cfg, &st, &err) != 0) {
            fprintf(stderr, "up: %s\n%s\n", podc_error_message(err), podc_error_log_tail(err) ? podc_error_log_tail(err) : "");
            return 1;
        }
        double up = now_s() - t0;
        t0 = now_s();
        if (podc_ds_down(c, "podcbench", 0, &err) != 0) {
            fprintf(stderr, "down: %s\n", podc_error_message(err));
            return 1;
        }
        double down = now_s() - t0;
        printf("round %d: postgres floor %.3f s | up %.3f s (%.2f x floor, target <= 1.15) | down %.3f s (target < 0.6)\n",
               r + 1, floor_s, up, up / floor_s, down);
        podc_ds_stack_free(st);
        podc_ds_config_free(cfg);
    }
    podc_client_free(c);
    return 0;
}
