/*
 * bench_client - per-call cost of the transport and memory per client handle.
 * Prints numbers; asserts nothing (targets are judged by a person reading them):
 *   ping over one keep-alive connection within 2x raw libcurl on the same socket;
 *   a client handle under 2 MB resident beyond libcurl's own.
 * Usage: bench_client [iterations]
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "podc.h"

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * 4; /* 4 KiB pages */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += t[i];
    printf("%-34s n=%-5d median %7.1f us  mean %7.1f us  p95 %7.1f us\n", what, n, t[n / 2], sum / n,
           t[(int)(n * 0.95)]);
}

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return s * n;
}

/* The floor: libcurl's easy interface reusing one connection, as `curl -K` would. */
static double raw_curl(const char *sock, const char *path, int n, double *t)
{
    CURL *h = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "http://d/v4.0.0%s", path);
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, sock);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_perform(h); /* warm-up: opens the connection */
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        curl_easy_perform(h);
        t[i] = now_us() - t0;
    }
    curl_easy_cleanup(h);
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    if (n < 20)
        n = 20;
    double *t = calloc((size_t)n, sizeof *t);
    podc_client *c = NULL;
    podc_error *err = NULL;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    long rss_start = rss_kb();
    if (podc_client_new(&c, NULL, &err) != 0) {
        fprintf(stderr, "bench_client: %s\n", podc_error_message(err));
        return 1;
    }
    const char *sock = podc_client_socket_path(c);
    printf("socket %s (%s)\n", sock, podc_client_socket_source(c));

    /* interleave the measurements so machine noise hits both sides alike */
    for (int round = 0; round < 2; round++) {
        raw_curl(sock, "/libpod/_ping", n, t);
        report("raw libcurl  GET /_ping", t, n);
        podc_ping(c, NULL);
        for (int i = 0; i < n; i++) {
            double t0 = now_us();
            if (podc_ping(c, &err) != 0) {
                fprintf(stderr, "ping: %s\n", podc_error_message(err));
                return 1;
            }
            t[i] = now_us() - t0;
        }
        report("podc_ping", t, n);
    }
    int ni = n / 100; /* info costs the service ~0.1-0.5 s per call */
    raw_curl(sock, "/libpod/info", ni, t);
    report("raw libcurl  GET /info", t, ni);
    for (int i = 0; i < ni; i++) {
        podc_info *info = NULL;
        double t0 = now_us();
        if (podc_info_get(c, &info, &err) != 0) {
            fprintf(stderr, "info: %s\n", podc_error_message(err));
            return 1;
        }
        t[i] = now_us() - t0;
        podc_info_free(info);
    }
    report("podc_info_get (parsed)", t, ni);
    printf("connections opened by the podc client: %lld\n", (long long)podc_client_connections_opened(c));
    long rss_one = rss_kb();
    podc_client_free(c);

    /* memory: 50 more clients, each with its connection open */
    enum { K = 50 };
    podc_client *many[K];
    long before = rss_kb();
    for (int i = 0; i < K; i++) {
        podc_client_new(&many[i], NULL, NULL);
        podc_ping(many[i], NULL);
    }
    long after = rss_kb();
    for (int i = 0; i < K; i++)
        podc_client_free(many[i]);
    printf("RSS: start %ld KiB, after first client and %d calls %ld KiB\n", rss_start, 2 * n + ni, rss_one);
    printf("RSS per additional client with an open connection: %.1f KiB (target < 2048 KiB)\n",
           (double)(after - before) / K);
    free(t);
    curl_global_cleanup();
    return 0;
}
