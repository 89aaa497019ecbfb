/*
 * fuzz_events.c - podman's GET /libpod/events reply (one JSON object per line, podman's error
 * object in-band) as podc_events_reader_* reads it: fed at once and in pieces, as HTTP chunks
 * arrive, then the last line without '\n' as podc_events_stream delivers it; every event
 * accessor runs on what the callback gets.
 * Byte 0 seeds the chunk sizes and (% 8, 0 = never) the event at which the callback stops.
 * Contracts checked: the events seen (each one's type, action, actor, name, time, attributes
 * and JSON), the result and the error do not depend on the chunking; an event's JSON is one
 * line; an error has a code, a message and the request's path.
 */
#include "api/events-private.h"
#include "core/buf.h"
#include "fuzz.h"
#include "podc/error.h"

#define PATH "/libpod/events?stream=false"

typedef struct outcome {
    pdc_buf seen; /* every accessor's result, for comparing the two runs */
    size_t events, stop_at;
    int rc, code;
    char *message;
} outcome;

static void put(pdc_buf *b, const char *s)
{
    FUZZ_CHECK(pdc_buf_puts(b, s ? s : "(null)") == 0 && pdc_buf_append(b, "\x1f", 1) == 0, "oom");
}

static int on_event(const podc_event *e, void *ud)
{
    outcome *o = ud;
    const char *json = podc_event_json(e);
    FUZZ_CHECK(json && !strchr(json, '\n'), "event JSON missing or more than a line");
    put(&o->seen, json);
    put(&o->seen, podc_event_type(e));
    put(&o->seen, podc_event_action(e));
    put(&o->seen, podc_event_actor_id(e));
    put(&o->seen, podc_event_name(e));
    put(&o->seen, podc_event_attribute(e, "containerExitCode"));
    char t[32];
    snprintf(t, sizeof t, "%lld", (long long)podc_event_time_ns(e));
    put(&o->seen, t);
    size_t n = podc_event_attribute_count(e);
    for (size_t i = 0; i <= n; i++) { /* one past the end: NULL */
        const char *k = podc_event_attribute_key_at(e, i);
        FUZZ_CHECK((k == NULL) == (i == n), "attribute key %zu of %zu", i, n);
        put(&o->seen, k);
        put(&o->seen, podc_event_attribute_value_at(e, i));
        if (k)
            (void)podc_event_attribute(e, k);
    }
    o->events++;
    return o->stop_at && o->events == o->stop_at ? PODC_ECANCELLED : 0;
}

static int eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* chunking: 0 = all at once, 1 = one byte at a time, else sizes from a xorshift seeded by seed */
static void run(const char *data, size_t size, int mode, unsigned seed, size_t stop_at, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->stop_at = stop_at;
    pdc_events_reader r;
    pdc_events_reader_init(&r, PATH, on_event, o);
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
        rc = pdc_events_reader_feed(data + off, n, &r);
        off += n;
    }
    if (rc == 0 && !r.failure) /* as podc_events_stream: a last line without '\n' */
        rc = pdc_events_reader_finish(&r);
    o->rc = rc;
    FUZZ_CHECK(rc == 0 || r.failure || rc == PODC_ECANCELLED, "stopped (%d) without a reason", rc);
    if (r.failure) {
        o->code = podc_error_code(r.failure);
        FUZZ_CHECK(o->code < 0 && strcmp(podc_error_code_name(o->code), "unknown") != 0, "error code %d", o->code);
        const char *m = podc_error_message(r.failure);
        FUZZ_CHECK(m && *m, "error without a message");
        o->message = strdup(m);
        if (o->code != PODC_ENOMEM)
            FUZZ_CHECK(eq(podc_error_path(r.failure), "/libpod/events"), "error path %s", podc_error_path(r.failure));
        char *js = podc_error_to_json(r.failure);
        char eb[128];
        FUZZ_CHECK(js && fuzz_json_syntax_ok(js, eb, sizeof eb), "error JSON: %s", eb);
        free(js);
    }
    pdc_events_reader_free(&r);
}

static void clear(outcome *o)
{
    pdc_buf_free(&o->seen);
    free(o->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned seed = data[0];
    size_t stop_at = seed % 8;
    const char *text = (const char *)data + 1;
    size--;
    outcome a, b;
    run(text, size, 0, 0, stop_at, &a);
    run(text, size, size <= 512 ? 1 : 2, seed, stop_at, &b);
    FUZZ_CHECK(a.rc == b.rc && a.code == b.code && a.events == b.events && eq(a.message, b.message) &&
                   a.seen.len == b.seen.len && (!a.seen.len || memcmp(a.seen.data, b.seen.data, a.seen.len) == 0),
               "chunking changed the outcome: rc %d/%d code %d/%d events %zu/%zu message %s / %s", a.rc, b.rc, a.code,
               b.code, a.events, b.events, a.message ? a.message : "-", b.message ? b.message : "-");
    clear(&a);
    clear(&b);
    run(text, size, 2, seed * 7 + 1, 0, &b);
    clear(&b);
    return 0;
}
