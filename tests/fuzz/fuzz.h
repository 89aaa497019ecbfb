/*
 * fuzz.h - helpers shared by the libFuzzer targets (tests/fuzz/fuzz_*.c).
 * Each target feeds bytes podc did not write to one of its real parsers; a failed check of
 * podc's own contract is reported with FUZZ_CHECK, which aborts so libFuzzer keeps the input.
 */
#ifndef PODC_FUZZ_H
#define PODC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_CHECK(cond, ...)                                                      \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "fuzz check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                          \
            fputc('\n', stderr);                                                   \
            abort();                                                               \
        }                                                                          \
    } while (0)

/* A NUL-terminated copy of data (the bytes after an embedded NUL are still there, unused). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Splits data at its first NUL byte: *a gets the part before (NUL-terminated copy), the
 * return value the part after (copy, NULL when there is no NUL). */
static inline char *fuzz_split(const uint8_t *data, size_t size, char **a)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t n = nul ? (size_t)(nul - data) : size;
    *a = fuzz_cstr(data, n);
    return nul ? fuzz_cstr(nul + 1, size - n - 1) : NULL;
}

/* A private directory for files the parsers read, made once per process under $TMPDIR
 * (run.sh points TMPDIR into the build dir and removes it afterwards). */
static char fuzz_dir_path[512];

static inline void fuzz_dir_cleanup(void)
{
    /* only the files the targets write: dir/ *.json, dir/.docker, dir/home */
    static const char *const files[] = { "in.json", "spec.json", "home/.docker/config.json", NULL };
    char p[600];
    for (const char *const *f = files; *f; f++) {
        snprintf(p, sizeof p, "%s/%s", fuzz_dir_path, *f);
        unlink(p);
    }
    static const char *const dirs[] = { "home/.docker", "home", "", NULL };
    for (const char *const *d = dirs; *d; d++) {
        snprintf(p, sizeof p, "%s/%s", fuzz_dir_path, *d);
        rmdir(p);
    }
}

static inline const char *fuzz_dir(void)
{
    if (!fuzz_dir_path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/podc-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(fuzz_dir_path))
            abort();
        atexit(fuzz_dir_cleanup);
    }
    return fuzz_dir_path;
}

/* Writes len bytes to dir/rel (rel's directories must exist); returns the path (static). */
static inline const char *fuzz_write(const char *rel, const void *data, size_t len)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), rel);
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        abort();
    return path;
}

#endif
