/*
 * fuzz_logs.c - a container's log reply as podc reads it past the demultiplexing (the frames
 * target covers that): the records (whole frames, as logs.c asks for them) go to the log-line
 * health check (pdc_svc_logpos_feed: "<RFC3339> text" records, a regex counted per line),
 * and their text to podc_logs_tail's cut by lines (pdc_logs_last_lines_start).
 * Input: byte 0 the tail's n (1 + byte % 16) and where the health check's first poll stops,
 * then the multiplexed stream.
 * Contracts checked: the cut starts at a line start and leaves exactly the last n lines; the
 * position stays well-formed; when the records carry ordered timestamps, two polls (the second
 * from last_ts again, as podman's `since` replays that timestamp) count what one read counts.
 */
#include <regex.h>

#include "api/logs-private.h"
#include "core/buf.h"
#include "core/frames.h"
#include "fuzz.h"
#include "podc/error.h"
#include "service/service-private.h"

#define MAX_RECORDS 4096

typedef struct records {
    pdc_buf all;               /* every record's bytes, as podc_logs_get collects them */
    size_t off[MAX_RECORDS + 1];
    size_t n;
} records;

static regex_t re;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    FUZZ_CHECK(regcomp(&re, "ready|listening on port [0-9]+", REG_EXTENDED | REG_NOSUB) == 0, "regcomp");
    return 0;
}

static int on_frame(int stream, const char *data, size_t len, void *ud)
{
    (void)stream;
    records *r = ud;
    if (r->n == MAX_RECORDS)
        return 1;
    FUZZ_CHECK(pdc_buf_append(&r->all, data, len) == 0, "oom");
    r->off[++r->n] = r->all.len;
    return 0;
}

/* The timestamp pdc_svc_logpos_feed takes as one ("" when the record has none). */
static size_t ts_len(const char *rec, size_t len)
{
    const char *sp = memchr(rec, ' ', len);
    size_t tl = sp ? (size_t)(sp - rec) : 0;
    return sp && tl >= 20 && tl < sizeof ((pdc_svc_logpos *)0)->last_ts && rec[4] == '-' && rec[10] == 'T' ? tl : 0;
}

/* Timestamps in one order for the ordering test and the replay: bytes, then length. */
static int ts_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

static void feed(pdc_svc_logpos *pos, const records *r, size_t from, size_t to)
{
    pos->skip = pos->n_at_last;
    for (size_t i = from; i < to; i++) {
        pdc_svc_logpos_feed(pos, &re, r->all.data + r->off[i], r->off[i + 1] - r->off[i]);
        FUZZ_CHECK(memchr(pos->last_ts, '\0', sizeof pos->last_ts) != NULL, "last_ts not terminated");
        FUZZ_CHECK(pos->n_at_last >= 0 && pos->skip >= 0 && pos->matches >= 0, "position %d %d %d", pos->n_at_last,
                   pos->skip, pos->matches);
    }
}

static void health(const records *r, size_t first_poll)
{
    pdc_svc_logpos one;
    memset(&one, 0, sizeof one);
    feed(&one, r, 0, r->n);
    /* two polls make sense only over records in time order, each with its timestamp */
    int ordered = 1;
    size_t prev_tl = 0;
    for (size_t i = 0; i < r->n && ordered; i++) {
        const char *rec = r->all.data + r->off[i];
        size_t tl = ts_len(rec, r->off[i + 1] - r->off[i]);
        ordered = tl && memchr(rec, '\0', tl) == NULL &&
                  (i == 0 || ts_cmp(r->all.data + r->off[i - 1], prev_tl, rec, tl) <= 0);
        prev_tl = tl;
    }
    if (!ordered || first_poll > r->n)
        return;
    pdc_svc_logpos two;
    memset(&two, 0, sizeof two);
    feed(&two, r, 0, first_poll);
    size_t from = 0; /* since=last_ts: every record from the first at or after that timestamp */
    size_t tl = strlen(two.last_ts);
    while (tl && from < r->n &&
           ts_cmp(r->all.data + r->off[from], ts_len(r->all.data + r->off[from], r->off[from + 1] - r->off[from]),
                  two.last_ts, tl) < 0)
        from++;
    feed(&two, r, tl ? from : first_poll, r->n);
    FUZZ_CHECK(one.matches == two.matches, "one read counts %d, two polls %d (first poll %zu records of %zu)",
               one.matches, two.matches, first_poll, r->n);
}

static void tail(const pdc_buf *all, int64_t n)
{
    const char *text = all->data ? all->data : "";
    size_t len = all->len;
    size_t start = pdc_logs_last_lines_start(text, len, n);
    FUZZ_CHECK(start <= len, "start %zu past %zu", start, len);
    FUZZ_CHECK(start == 0 || text[start - 1] == '\n', "start %zu is not a line start", start);
    size_t lines = 0, total = 0; /* a final line without '\n' counts */
    for (size_t i = start; i < len; i++)
        lines += text[i] == '\n' || i == len - 1;
    for (size_t i = 0; i < len; i++)
        total += text[i] == '\n' || i == len - 1;
    FUZZ_CHECK(lines == (total < (size_t)n ? total : (size_t)n), "kept %zu lines of %zu for n %lld", lines, total,
               (long long)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int64_t n = 1 + data[0] % 16;
    records *r = calloc(1, sizeof *r);
    FUZZ_CHECK(r != NULL, "oom");
    pdc_frames f;
    pdc_frames_init(&f, PODC_FRAMES_WHOLE, on_frame, r);
    if (pdc_frames_feed(&f, (const char *)data + 1, size - 1) == 0)
        (void)pdc_frames_finish(&f);
    pdc_frames_free(&f);
    health(r, data[0] >> 4);
    tail(&r->all, n);
    pdc_buf_free(&r->all);
    free(r);
    return 0;
}
