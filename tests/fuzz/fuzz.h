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
#include <yajl/yajl_parse.h>

#define FUZZ_CHECK(cond, ...)                                                      \
    do {                                                                           \
        if (!(cond)) {                                                             \
            fprintf(stderr, "fuzz check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                          \
            fputc('\n', stderr);                                                   \
            abort();                                                               \
        }                                                                          \
    } while (0)

/* 1 when text is one JSON value (strings not checked for UTF-8: podc passes on bytes it was
 * given, see README.md), else 0 with the parser's message in errbuf. */
static inline int fuzz_json_syntax_ok(const char *text, char *errbuf, size_t errlen)
{
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    if (!h)
        abort();
    yajl_config(h, yajl_dont_validate_strings, 1);
    yajl_status st = yajl_parse(h, (const unsigned char *)text, strlen(text));
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok && errbuf && errlen) {
        unsigned char *m = yajl_get_error(h, 0, NULL, 0);
        snprintf(errbuf, errlen, "%s", m ? (const char *)m : "?");
        yajl_free_error(h, m);
    }
    yajl_free(h);
    return st == yajl_status_ok;
}

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
    /* only the files the targets write: dir/ *.json, dir/.docker, dir/home, dir/containers */
    static const char *const files[] = { "in.json", "spec.json", "home/.docker/config.json", "containers.conf",
                                         "containers/podman-connections.json", NULL };
    char p[600];
    for (const char *const *f = files; *f; f++) {
        snprintf(p, sizeof p, "%s/%s", fuzz_dir_path, *f);
        unlink(p);
    }
    static const char *const dirs[] = { "home/.docker", "home", "containers", "", NULL };
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
