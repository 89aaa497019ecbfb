/*
 * fuzz_ignore.c - .dockerignore / .containerignore files (podc_ignore_*), read from a build
 * context podc did not write. The bytes before the first NUL are the ignore file; the lines
 * after it are extra paths to match (cleaned, as the context walk gives them), besides a few
 * fixed ones. The whole input (NULs included) is also loaded as a second file.
 * Contracts checked: pdc_path_clean never lengthens a path and is idempotent; excluded and
 * must_descend answer 0 or 1.
 */
#include "core/ignore.h"
#include "fuzz.h"
#include "podc/error.h"

static const char *const fixed[] = {
    "Dockerfile", "a", "a/b", "a/b/c.txt", "node_modules/x/y.js", ".git/HEAD", "src/main.c", "docs/README.md",
    "build/out.o", "x.tmp", "dir/keep/file", "\xc3\xa9t\xc3\xa9/f", NULL,
};

static void clean_check(const char *in)
{
    /* "" becomes "." (ignore.h): the buffer has room for that */
    size_t before = strlen(in);
    char *a = malloc(before + 2);
    FUZZ_CHECK(a != NULL, "oom");
    memcpy(a, in, before + 1);
    pdc_path_clean(a);
    FUZZ_CHECK(strlen(a) <= before || (before == 0 && strcmp(a, ".") == 0), "clean lengthened \"%s\" to \"%s\"", in, a);
    char *b = malloc(strlen(a) + 2);
    FUZZ_CHECK(b != NULL, "oom");
    strcpy(b, a);
    pdc_path_clean(b);
    FUZZ_CHECK(strcmp(a, b) == 0, "clean not idempotent: \"%s\" -> \"%s\" -> \"%s\"", in, a, b);
    free(a);
    free(b);
}

static void match(const pdc_ignore *ig, const char *path)
{
    int ex = pdc_ignore_excluded(ig, path);
    FUZZ_CHECK(ex == 0 || ex == 1, "excluded = %d", ex);
    int d = pdc_ignore_must_descend(ig, path);
    FUZZ_CHECK(d == 0 || d == 1, "must_descend = %d", d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    char *paths = fuzz_split(data, size, &text);
    pdc_ignore *ig = pdc_ignore_new();
    FUZZ_CHECK(ig != NULL, "oom");
    podc_error *err = NULL;
    int rc = pdc_ignore_add_text(ig, text, strlen(text), ".dockerignore", &err);
    FUZZ_CHECK(rc == 0 || rc == PODC_EINVAL || rc == PODC_ENOMEM, "rc %d", rc);
    FUZZ_CHECK((rc == 0) == (err == NULL), "rc %d with%s an error", rc, err ? "" : "out");
    if (err)
        FUZZ_CHECK(podc_error_message(err) && podc_error_detail(err, "file"), "error without message or file");
    podc_error_free(err);
    for (const char *const *p = fixed; *p; p++)
        match(ig, *p);
    /* extra paths: at most 8, each cleaned and relative */
    size_t n = 0;
    for (char *line = paths ? strtok(paths, "\n") : NULL; line && n < 8; line = strtok(NULL, "\n"), n++) {
        if (strlen(line) > 256)
            line[256] = '\0';
        clean_check(line);
        pdc_path_clean(line); /* line is not empty (strtok) */
        const char *rel = line;
        while (*rel == '/')
            rel++;
        if (*rel && strcmp(rel, ".") != 0)
            match(ig, rel);
    }
    clean_check(text);
    pdc_ignore_free(ig);

    /* the raw bytes, NULs and all, as a second file */
    ig = pdc_ignore_new();
    FUZZ_CHECK(ig != NULL, "oom");
    (void)pdc_ignore_add_text(ig, (const char *)data, size, NULL, NULL);
    (void)pdc_ignore_count(ig);
    for (const char *const *p = fixed; *p; p++)
        match(ig, *p);
    pdc_ignore_free(ig);
    free(text);
    free(paths);
    return 0;
}
