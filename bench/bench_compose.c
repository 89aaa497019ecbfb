/*
 * bench_compose - a compose stack of five HTTP services in two independent chains
 * (bench/compose/chain-a.yaml: a1 -> a2 -> a3, chain-b.yaml: b1 -> b2; each waits for the
 * previous one to be healthy, each is healthy 1-2 s after it starts), in one run:
 *   podc, the longest chain alone (chain-a.yaml) and both chains (both files): the time of
 *        podc_compose_load + podc_stack_up, which returns when every service is healthy
 *        [target: both <= 1.2 x the longest chain];
 *   podman-compose (Debian's 1.0.3, the peer) on the same two files, `up -d`: when it returns,
 *        and when the same five services are actually ready (every /healthz answers 200 on its
 *        published port, probed from here every 50 ms), and what podman says of their health
 *        when it returns (podman 4.3 without systemd runs no health check: "starting").
 * Each stack is taken down before the next goes up (podc_stack_down, `podman-compose down`;
 * what podman-compose's down leaves, its network, is removed and counted).
 * Usage: bench_compose [rounds]   (default 3; medians and their ratios are printed)
 */
#include <curl/curl.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podc.h"

#ifndef PODC_BENCH_SRCDIR
#define PODC_BENCH_SRCDIR "bench"
#endif

extern char **environ;

static const char *const services[] = { "a1", "a2", "a3", "b1", "b2" };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, podc_error *err)
{
    fprintf(stderr, "bench_compose: %s: %s\n", what, err ? podc_error_message(err) : "failed");
    exit(1);
}

/* podc: load the files, up; returns the seconds until every service is healthy. */
static double podc_up(podc_client *c, const char *project, int both)
{
    podc_compose_options *o = podc_compose_options_new();
    podc_compose_options_add_file(o, PODC_BENCH_SRCDIR "/compose/chain-a.yaml", NULL);
    if (both)
        podc_compose_options_add_file(o, PODC_BENCH_SRCDIR "/compose/chain-b.yaml", NULL);
    podc_compose_options_set_project(o, project, NULL);
    podc_stack_spec *s = NULL;
    podc_stack *st = NULL;
    podc_error *err = NULL;
    double t0 = now_s();
    if (podc_compose_load(o, &s, &err) < 0 || podc_stack_up(c, s, &st, &err) < 0)
        die("podc compose up", err);
    double t = now_s() - t0;
    podc_stack_free(st);
    podc_stack_spec_free(s);
    podc_compose_options_free(o);
    return t;
}

static void podc_down(podc_client *c, const char *project)
{
    podc_error *err = NULL;
    if (podc_stack_down(c, project, 0, 0, NULL, &err) < 0)
        die("podc compose down", err);
}

/* podman-compose -f A -f B -p P ARGS...: the CLI does what it does (bench/ may run it). */
static int podman_compose(const char *project, const char *action)
{
    char fa[512], fb[512];
    snprintf(fa, sizeof fa, "%s/compose/chain-a.yaml", PODC_BENCH_SRCDIR);
    snprintf(fb, sizeof fb, "%s/compose/chain-b.yaml", PODC_BENCH_SRCDIR);
    char *argv[12] = { "podman-compose", "-f", fa, "-f", fb, "-p", (char *)project, (char *)action, NULL };
    if (strcmp(action, "up") == 0)
        argv[8] = "-d";
    posix_spawn_file_actions_t fa_;
    posix_spawn_file_actions_init(&fa_);
    posix_spawn_file_actions_addopen(&fa_, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa_, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    /* podman-compose runs the podman CLI on this machine's storage, as the service uses it */
    unsetenv("CONTAINER_HOST");
    pid_t pid;
    int rc = posix_spawnp(&pid, "podman-compose", &fa_, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa_);
    if (rc != 0)
        return -1;
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 1 when GET url answers 200 */
static int http_ok(CURL *h, const char *url)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 500L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fwrite);
    FILE *null = fopen("/dev/null", "w");
    curl_easy_setopt(h, CURLOPT_WRITEDATA, null);
    long code = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    fclose(null);
    return code == 200;
}

/* podman-compose up -d: when it returned, when all five answer, podman's health at return. */
static void peer_up(podc_client *c, const char *project, double *returned, double *ready, char *health, size_t hsz)
{
    double t0 = now_s();
    if (podman_compose(project, "up") != 0) {
        fprintf(stderr, "bench_compose: podman-compose up failed\n");
        exit(1);
    }
    *returned = now_s() - t0;
    health[0] = '\0';
    int ok[5] = { 0 }, n_ok = 0, first = 1;
    CURL *h = curl_easy_init();
    while (n_ok < 5 && now_s() - t0 < 120) {
        for (int i = 0; i < 5; i++) {
            if (ok[i])
                continue;
            char name[256], url[300];
            snprintf(name, sizeof name, "%s_%s_1", project, services[i]);
            podc_container_info *info = NULL;
            if (podc_container_inspect(c, name, &info, NULL) < 0)
                continue;
            if (first) { /* what podman says right after podman-compose returned */
                size_t l = strlen(health);
                const char *hs = podc_container_info_health_status(info);
                snprintf(health + l, hsz - l, "%s%s=%s", l ? " " : "", services[i], hs && *hs ? hs : "none");
            }
            int port = podc_container_info_host_port(info, 8080, "tcp");
            podc_container_info_free(info);
            snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", port);
            if (port > 0 && http_ok(h, url))
                ok[i] = 1, n_ok++;
        }
        first = 0;
        if (n_ok < 5)
            usleep(50 * 1000);
    }
    curl_easy_cleanup(h);
    *ready = n_ok == 5 ? now_s() - t0 : -1;
}

static int peer_down(podc_client *c, const char *project)
{
    podman_compose(project, "down");
    char net[256];
    snprintf(net, sizeof net, "%s_default", project);
    int exists = 0;
    podc_network_exists(c, net, &exists, NULL);
    if (exists)
        podc_network_remove(c, net, PODC_NETWORK_REMOVE_FORCE, NULL); /* what its down leaves behind */
    return exists;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    if (rounds < 1 || rounds > 50)
        rounds = 3;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    podc_client *c = NULL;
    podc_error *err = NULL;
    if (podc_client_new(&c, NULL, &err) < 0)
        die("client", err);
    double *chain = calloc((size_t)rounds, sizeof *chain), *both = calloc((size_t)rounds, sizeof *both),
           *pret = calloc((size_t)rounds, sizeof *pret), *pready = calloc((size_t)rounds, sizeof *pready);
    int left = 0;
    char health[256] = "";
    for (int r = 0; r < rounds; r++) {
        char p1[64], p2[64], p3[64];
        snprintf(p1, sizeof p1, "podcbench-chain-%d", r);
        snprintf(p2, sizeof p2, "podcbench-both-%d", r);
        snprintf(p3, sizeof p3, "podcbench-peer-%d", r);
        chain[r] = podc_up(c, p1, 0);
        podc_down(c, p1);
        both[r] = podc_up(c, p2, 1);
        podc_down(c, p2);
        peer_up(c, p3, &pret[r], &pready[r], health, sizeof health);
        left += peer_down(c, p3);
        printf("round %d: podc chain A alone %.3f s, both chains %.3f s (%.2f x) | podman-compose returned %.3f s, "
               "services ready %.3f s (health when it returned: %s)\n",
               r + 1, chain[r], both[r], both[r] / chain[r], pret[r], pready[r], health);
    }
    double mc = median(chain, rounds), mb = median(both, rounds), mr = median(pret, rounds),
           mp = median(pready, rounds);
    printf("median of %d: podc both chains %.3f s against the longest chain alone %.3f s: %.2f x [target <= 1.2]\n",
           rounds, mb, mc, mb / mc);
    printf("median of %d: podman-compose returned after %.3f s, its services ready after %.3f s; podc returned "
           "with all of them healthy after %.3f s: %.2f x podman-compose's ready time; podman-compose down left "
           "its network behind %d of %d times\n",
           rounds, mr, mp, mb, mb / mp, left, rounds);
    free(chain);
    free(both);
    free(pret);
    free(pready);
    podc_client_free(c);
    curl_global_cleanup();
    return 0;
}
