/*
 * fuzz_progress.c - the JSON-lines progress replies of build, pull and push
 * (podc_progress_stream_*): the input is fed in pieces whose sizes come from the data itself
 * (the first byte seeds them), as HTTP chunks would arrive; then finish and tail.
 * Contract checked: the same bytes give the same outcome whatever the chunking.
 */
#include "api/progress-stream.h"
#include "fuzz.h"
#include "podc/error.h"

typedef struct outcome {
    int rc, protocol_error;
    size_t lines, objects;
    char *error, *tail, *last;
} outcome;

static int on_line(const char *line, size_t len, void *ud)
{
    outcome *o = ud;
    FUZZ_CHECK(strlen(line) == len, "progress line length %zu, strlen %zu", len, strlen(line));
    FUZZ_CHECK(!memchr(line, '\n', len), "newline inside a progress line");
    o->lines++;
    return 0;
}

static int on_object(yajl_val obj, void *ud)
{
    outcome *o = ud;
    FUZZ_CHECK(YAJL_IS_OBJECT(obj), "on_object with a non-object");
    (void)pdc_json_str(obj, "id", NULL);
    (void)pdc_json_str(obj, "manifestdigest", NULL);
    o->objects++;
    return 0;
}

/* chunking: 0 = all at once, 1 = one byte at a time, else sizes from a xorshift seeded by seed */
static void run(const char *data, size_t size, int mode, unsigned seed, outcome *o)
{
    memset(o, 0, sizeof *o);
    pdc_progress_stream st;
    pdc_progress_stream_init(&st, on_line, o);
    st.on_object = on_object;
    st.object_ud = o;
    size_t off = 0;
    int rc = 0;
    unsigned x = seed | 1;
    while (rc == 0 && off < size) {
        size_t n = size - off;
        if (mode == 1) {
            n = 1;
        } else if (mode == 2) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            size_t want = 1 + x % 64;
            if (want < n)
                n = want;
        }
        rc = pdc_progress_stream_feed(data + off, n, &st);
        off += n;
    }
    if (rc == 0)
        rc = pdc_progress_stream_finish(&st);
    o->rc = rc;
    o->protocol_error = st.json_lines.bad;
    o->error = st.error ? strdup(st.error) : NULL;
    o->last = st.last_line ? strdup(st.last_line) : NULL;
    o->tail = pdc_progress_stream_tail(&st);
    if (st.error) {
        size_t n = strlen(st.error);
        FUZZ_CHECK(!n || (st.error[n - 1] != '\n' && st.error[n - 1] != '\r'), "error ends in a newline");
    }
    pdc_progress_stream_free(&st);
}

static int eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void clear(outcome *o)
{
    free(o->error);
    free(o->tail);
    free(o->last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned seed = data[0];
    const char *text = (const char *)data + 1;
    size--;
    outcome a, b;
    run(text, size, 0, 0, &a);
    run(text, size, size <= 512 ? 1 : 2, seed, &b);
    FUZZ_CHECK(a.rc == b.rc && a.protocol_error == b.protocol_error && a.lines == b.lines && a.objects == b.objects &&
                   eq(a.error, b.error) && eq(a.tail, b.tail) && eq(a.last, b.last),
               "chunking changed the outcome: rc %d/%d lines %zu/%zu objects %zu/%zu", a.rc, b.rc, a.lines, b.lines,
               a.objects, b.objects);
    clear(&a);
    clear(&b);
    run(text, size, 2, seed * 7 + 1, &b);
    clear(&b);
    return 0;
}
