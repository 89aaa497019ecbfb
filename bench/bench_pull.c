/*
 * bench_pull - pulls from the loopback registry (tests/env/registry.sh), podc against the
 * podman CLI in the same run, and the DataStorage stack cold (its upstream images absent, so
 * pulled inside the up) against warm (present). Targets, read and not asserted: podc's pull
 * within 1.1x of `podman pull`.
 *   fresh      an image of one layer of random bytes (not compressible, in no local image):
 *              every byte crosses the registry; pushed once, then removed before each pull
 *   reused     docker.io/library/postgres:16-alpine untagged before each pull: its layers are
 *              still in local storage (the offline test images share them), so this is the
 *              pull's fixed cost: manifest, config, layer checks, tagging
 * podman's CLI pulls in its own process (no service); podc asks the service. Both write to the
 * same storage. The first round of each is a warm-up and not counted.
 * Usage: bench_pull [rounds] [layer-MiB]    (needs PODC_REGISTRY and CONTAINERS_CONF)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "podc.h"

#define POSTGRES_UP "docker.io/library/postgres:16-alpine"
#define REDIS_UP "docker.io/library/redis:7-alpine"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, podc_error *err)
{
    fprintf(stderr, "bench_pull: %s: %s\n", what, err ? podc_error_message(err) : "failed");
    exit(1);
}

/* A ustar archive with one file /blob of mib MiB of random bytes. */
static void write_tar(const char *path, int mib)
{
    FILE *f = fopen(path, "w");
    int rnd = open("/dev/urandom", O_RDONLY);
    if (!f || rnd < 0)
        die("temp files", NULL);
    unsigned char h[512] = { 0 };
    size_t size = (size_t)mib << 20;
    strcpy((char *)h, "blob");
    snprintf((char *)h + 100, 8, "%07o", 0644);
    snprintf((char *)h + 108, 8, "%07o", 0);
    snprintf((char *)h + 116, 8, "%07o", 0);
    char num[32];
    snprintf(num, sizeof num, "%011llo", (unsigned long long)size & 077777777777ULL);
    memcpy(h + 124, num, 12);
    snprintf(num, sizeof num, "%011llo", (unsigned long long)time(NULL) & 077777777777ULL);
    memcpy(h + 136, num, 12);
    h[156] = '0';
    memcpy(h + 257, "ustar\0" "00", 8);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf(num, sizeof num, "%06o", sum & 0777777);
    memcpy(h + 148, num, 7);
    fwrite(h, 1, 512, f);
    char buf[65536];
    for (size_t left = size; left;) {
        size_t n = left < sizeof buf ? left : sizeof buf;
        if (read(rnd, buf, n) != (ssize_t)n)
            die("/dev/urandom", NULL);
        fwrite(buf, 1, n, f);
        left -= n;
    }
    memset(buf, 0, 1024);
    fwrite(buf, 1, 1024, f); /* size is a multiple of 512: just the end marker */
    fclose(f);
    close(rnd);
}

static void untag(podc_client *c, const char *ref)
{
    podc_image_remove(c, ref, PODC_IMAGE_REMOVE_FORCE, NULL);
}

static double podc_pull(podc_client *c, const char *ref, unsigned flags)
{
    podc_image_pull_options *o = podc_image_pull_options_new();
    podc_image_pull_options_set_policy(o, PODC_IMAGE_PULL_ALWAYS, NULL);
    podc_image_pull_options_set_flags(o, flags | PODC_IMAGE_PULL_QUIET, NULL);
    podc_error *err = NULL;
    double t0 = now_s();
    if (podc_image_pull(c, ref, o, NULL, &err) != 0)
        die(ref, err);
    double t = now_s() - t0;
    podc_image_pull_options_free(o);
    return t;
}

/* The baseline: podman's own CLI (bench/ may run it), against the same storage. */
static double cli_pull(const char *ref, int tls_off)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "env -u CONTAINER_HOST podman pull -q %s %s >/dev/null 2>&1",
             tls_off ? "--tls-verify=false" : "", ref);
    double t0 = now_s();
    if (system(cmd) != 0)
        die(cmd, NULL);
    return now_s() - t0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *podc, double *cli, int n)
{
    qsort(podc, (size_t)n, sizeof *podc, cmp);
    qsort(cli, (size_t)n, sizeof *cli, cmp);
    double pm = podc[n / 2], cm = cli[n / 2];
    printf("pull %-8s podc median %.3f s (min %.3f, max %.3f) | podman CLI median %.3f s (min %.3f, max %.3f) | "
           "ratio %.2fx (target <= 1.1x)\n",
           what, pm, podc[0], podc[n - 1], cm, cli[0], cli[n - 1], pm / cm);
}

static double ds_up_down(podc_client *c, const char *migrations, double *down_s)
{
    podc_ds_config *cfg = podc_ds_config_new("podcbenchpull");
    for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
        podc_ds_config_set_port(cfg, (podc_ds_port)p, 0, NULL);
    if (migrations)
        podc_ds_config_set_migrations_dir(cfg, migrations, NULL);
    podc_ds_stack *st = NULL;
    podc_error *err = NULL;
    double t0 = now_s();
    if (podc_ds_up(c, cfg, &st, &err) != 0)
        die("ds up", err);
    double t = now_s() - t0;
    t0 = now_s();
    podc_ds_down(c, "podcbenchpull", 0, NULL);
    *down_s = now_s() - t0;
    podc_ds_stack_free(st);
    podc_ds_config_free(cfg);
    return t;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    int mib = argc > 2 ? atoi(argv[2]) : 64;
    const char *reg = getenv("PODC_REGISTRY");
    if (rounds < 1 || mib < 1 || !reg) {
        fprintf(stderr, "usage: bench_pull [rounds] [layer-MiB] (PODC_REGISTRY set by tests/env/registry.sh)\n");
        return 2;
    }
    podc_client *c = NULL;
    podc_error *err = NULL;
    if (podc_client_new(&c, NULL, &err) != 0)
        die("client", err);

    /* the fresh image: imported, pushed, removed */
    char tar[] = "/tmp/podc-bench-pull-XXXXXX";
    int fd = mkstemp(tar);
    close(fd);
    write_tar(tar, mib);
    podc_image_import_options *io = podc_image_import_options_new();
    char local[128], ref[256];
    snprintf(local, sizeof local, "localhost/podc-bench-fresh:%d", (int)getpid());
    snprintf(ref, sizeof ref, "%s/podc-bench/fresh:%d", reg, (int)getpid());
    podc_image_import_options_set_reference(io, local, NULL);
    char *id = NULL;
    if (podc_image_import_file(c, io, tar, &id, &err) != 0)
        die("import", err);
    unlink(tar);
    podc_image_import_options_free(io);
    podc_image_pull_options *po = podc_image_pull_options_new();
    podc_image_pull_options_set_flags(po, PODC_IMAGE_PULL_TLS_NO_VERIFY | PODC_IMAGE_PULL_QUIET, NULL);
    if (podc_image_push(c, local, ref, po, NULL, &err) != 0)
        die("push", err);
    podc_image_pull_options_free(po);
    untag(c, id);
    podc_free(id);

    double *pf = calloc((size_t)rounds, sizeof(double)), *cf = calloc((size_t)rounds, sizeof(double));
    double *pr = calloc((size_t)rounds, sizeof(double)), *cr = calloc((size_t)rounds, sizeof(double));
    for (int r = -1; r < rounds; r++) { /* round -1: warm-up */
        double a = podc_pull(c, ref, PODC_IMAGE_PULL_TLS_NO_VERIFY);
        untag(c, ref);
        double b = cli_pull(ref, 1);
        untag(c, ref);
        untag(c, POSTGRES_UP);
        double d = podc_pull(c, POSTGRES_UP, 0);
        untag(c, POSTGRES_UP);
        double e = cli_pull(POSTGRES_UP, 0);
        if (r >= 0) {
            pf[r] = a, cf[r] = b, pr[r] = d, cr[r] = e;
            printf("  round %d: fresh %d MiB podc %.3f s, podman %.3f s; reused postgres podc %.3f s, podman %.3f s\n",
                   r + 1, mib, a, b, d, e);
        }
    }
    char what[32];
    snprintf(what, sizeof what, "fresh %dMiB", mib);
    report(what, pf, cf, rounds);
    report("reused", pr, cr, rounds);

    /* ds up: cold (upstream images absent, pulled during the up) and warm, alternating */
    const char *mig = getenv("PODC_BENCH_MIGRATIONS");
    double cold = 0, warm = 0, down = 0;
    for (int r = 0; r < rounds; r++) {
        untag(c, POSTGRES_UP);
        untag(c, REDIS_UP);
        double t = ds_up_down(c, mig, &down);
        cold += t;
        double w = ds_up_down(c, mig, &down);
        warm += w;
        printf("  round %d: ds up cold (pulls) %.3f s, warm %.3f s\n", r + 1, t, w);
    }
    printf("ds up with the default images: cold (pulled) mean %.3f s, warm mean %.3f s, cold/warm %.2fx\n",
           cold / rounds, warm / rounds, cold / warm);
    free(pf), free(cf), free(pr), free(cr);
    podc_client_free(c);
    return 0;
}
