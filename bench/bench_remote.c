/*
 * bench_remote - the same calls over the three ways to the service, in one run: per-call
 * container inspect over unix://, tcp:// and ssh:// (target, read and not asserted: ssh
 * <= 1.5x tcp), the time to make a client (ssh: handshake, host key, auth), and the
 * DataStorage stack up over ssh against the local socket.
 * Usage: bench_remote [calls] [ds rounds]   (PODC_TCP_URI, PODC_SSH_URI; HOME with the
 * ssh key and known_hosts: tests/env/sshd.sh's PODC_SSH_HOME)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "podc.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what, podc_error *err)
{
    fprintf(stderr, "bench_remote: %s: %s\n", what, err ? podc_error_message(err) : "failed");
    exit(1);
}

static podc_client *client(const char *uri, double *open_s)
{
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    podc_client *c = NULL;
    podc_error *err = NULL;
    double t0 = now_s();
    if (podc_client_new(&c, &o, &err) != 0)
        die(uri ? uri : "local", err);
    if (open_s)
        *open_s = now_s() - t0;
    return c;
}

/* median seconds per inspect of name over c */
static double per_call(podc_client *c, const char *name, int calls)
{
    double *t = calloc((size_t)calls, sizeof *t);
    for (int i = 0; i < calls; i++) {
        podc_container_info *info = NULL;
        podc_error *err = NULL;
        double t0 = now_s();
        if (podc_container_inspect(c, name, &info, &err) != 0)
            die("inspect", err);
        t[i] = now_s() - t0;
        podc_container_info_free(info);
    }
    qsort(t, (size_t)calls, sizeof *t, cmp);
    double m = t[calls / 2];
    free(t);
    return m;
}

static double ds_up_down(podc_client *c, const char *service)
{
    podc_ds_config *cfg = podc_ds_config_new(service);
    podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, "localhost/podc-postgres:test", NULL);
    podc_ds_config_set_image(cfg, PODC_DS_REDIS, "localhost/podc-redis:test", NULL);
    podc_ds_config_set_image(cfg, PODC_DS_DATASTORAGE, "localhost/podc-datastorage:test", NULL);
    for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
        podc_ds_config_set_port(cfg, (podc_ds_port)p, 0, NULL);
    const char *mig = getenv("PODC_BENCH_MIGRATIONS");
    if (mig)
        podc_ds_config_set_migrations_dir(cfg, mig, NULL);
    podc_ds_stack *st = NULL;
    podc_error *err = NULL;
    double t0 = now_s();
    if (podc_ds_up(c, cfg, &st, &err) != 0)
        die("ds up", err);
    double t = now_s() - t0;
    podc_ds_down(c, service, 0, NULL);
    podc_ds_stack_free(st);
    podc_ds_config_free(cfg);
    return t;
}

int main(int argc, char **argv)
{
    int calls = argc > 1 ? atoi(argv[1]) : 500, rounds = argc > 2 ? atoi(argv[2]) : 2;
    const char *tcp = getenv("PODC_TCP_URI"), *ssh = getenv("PODC_SSH_URI");
    if (calls < 10 || rounds < 1 || !tcp || !ssh) {
        fprintf(stderr, "usage: bench_remote [calls >= 10] [ds rounds] (needs PODC_TCP_URI and PODC_SSH_URI)\n");
        return 2;
    }
    double open_unix, open_tcp, open_ssh;
    podc_client *u = client(NULL, &open_unix), *t = client(tcp, &open_tcp), *s = client(ssh, &open_ssh);

    /* one container to inspect, made over the local socket */
    const char *name = "podc-bench-remote";
    podc_container_remove(u, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
    podc_container_spec *cs = podc_container_spec_new();
    const char *cmd[] = { "/bin/busybox", "sleep", "600" };
    podc_container_spec_set_name(cs, name, NULL);
    podc_container_spec_set_image(cs, "localhost/podc-base:latest", NULL);
    podc_container_spec_set_command(cs, cmd, 3, NULL);
    podc_error *err = NULL;
    if (podc_container_create(u, cs, NULL, &err) != 0 || podc_container_start(u, name, &err) != 0)
        die("container", err);
    podc_container_spec_free(cs);

    per_call(u, name, 20), per_call(t, name, 20), per_call(s, name, 20); /* warm-up */
    double mu = per_call(u, name, calls), mt = per_call(t, name, calls), ms = per_call(s, name, calls);
    printf("inspect, median of %d calls: unix %.0f us, tcp %.0f us, ssh %.0f us; ssh/tcp %.2fx (target <= 1.5x), "
           "tcp/unix %.2fx\n", calls, mu * 1e6, mt * 1e6, ms * 1e6, ms / mt, mt / mu);
    printf("client setup: unix %.1f ms, tcp %.1f ms, ssh %.1f ms (handshake, host key, key auth)\n", open_unix * 1e3,
           open_tcp * 1e3, open_ssh * 1e3);
    podc_container_remove(u, name, PODC_CONTAINER_REMOVE_FORCE, NULL);

    double lu = 0, ls = 0;
    for (int r = 0; r < rounds; r++) {
        double a = ds_up_down(u, "podcbenchlocal"), b = ds_up_down(s, "podcbenchssh");
        printf("  round %d: ds up local %.3f s, over ssh %.3f s\n", r + 1, a, b);
        lu += a, ls += b;
    }
    printf("ds up: local mean %.3f s, over ssh mean %.3f s, ssh/local %.2fx\n", lu / rounds, ls / rounds, ls / lu);
    podc_client_free(u);
    podc_client_free(t);
    podc_client_free(s);
    return 0;
}
