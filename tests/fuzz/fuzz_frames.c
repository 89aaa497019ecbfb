/*
 * fuzz_frames.c - podman's multiplexed stream (logs, attached exec): 8-byte headers
 * [stream][0 0 0][u32 length] + payload, parsed by podc_frames_* in the three modes.
 * Byte 0 picks the mode and the chunking seed; the rest is the stream.
 * Contracts checked: the callback gets len > 0 and stream 1 or 2; what reaches it, per
 * stream, does not depend on the chunking; whole mode delivers frames up to
 * PODC_FRAMES_WHOLE_MAX in one call; the result code is the same whatever the chunking.
 */
#include "core/buf.h"
#include "core/frames.h"
#include "fuzz.h"
#include "podc/error.h"

typedef struct rec {
    pdc_buf out[3];
    size_t calls;
    size_t stop_at; /* non-zero: the callback returns 7 on that call */
} rec;

static int cb(int stream, const char *data, size_t len, void *ud)
{
    rec *r = ud;
    FUZZ_CHECK(len > 0, "empty delivery");
    FUZZ_CHECK(stream == PODC_FRAME_STDOUT || stream == PODC_FRAME_STDERR, "stream %d", stream);
    FUZZ_CHECK(pdc_buf_append(&r->out[stream], data, len) == 0, "oom");
    r->calls++;
    return r->stop_at && r->calls == r->stop_at ? 7 : 0;
}

static int run(pdc_frames_mode mode, const uint8_t *data, size_t size, int chunking, unsigned seed, rec *r,
               char *err, size_t errlen)
{
    pdc_frames f;
    pdc_frames_init(&f, mode, cb, r);
    size_t off = 0;
    int rc = 0;
    unsigned x = seed | 1;
    while (rc == 0 && off < size) {
        size_t n = size - off;
        if (chunking == 1) {
            n = 1;
        } else if (chunking == 2) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            if (1 + x % 16 < n)
                n = 1 + x % 16;
        }
        rc = pdc_frames_feed(&f, (const char *)data + off, n);
        off += n;
    }
    if (rc == 0)
        rc = pdc_frames_finish(&f);
    /* after an error every feed fails the same way */
    if (rc == PODC_EPROTOCOL || rc == PODC_ESERVER)
        FUZZ_CHECK(pdc_frames_feed(&f, "x", 1) == rc, "sticky error");
    FUZZ_CHECK(memchr(f.error, '\0', sizeof f.error) != NULL, "error text not terminated");
    snprintf(err, errlen, "%s", f.error);
    pdc_frames_free(&f);
    return rc;
}

static void rec_free(rec *r)
{
    for (int i = 0; i < 3; i++)
        pdc_buf_free(&r->out[i]);
}

static int same_buf(const pdc_buf *a, const pdc_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* 1 when a frame header announces more than PODC_FRAMES_WHOLE_MAX bytes (then whole mode
 * delivers that frame as it arrives, and the number of calls depends on the chunking). */
static int has_big_frame(const uint8_t *d, size_t n)
{
    size_t off = 0;
    while (off + 8 <= n) {
        uint32_t len = (uint32_t)d[off + 4] << 24 | (uint32_t)d[off + 5] << 16 | (uint32_t)d[off + 6] << 8 | d[off + 7];
        if (len > PODC_FRAMES_WHOLE_MAX)
            return 1;
        off += 8 + (size_t)len;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    pdc_frames_mode mode = (pdc_frames_mode)(data[0] % 3);
    unsigned seed = data[0] / 3;
    data++, size--;
    rec a = { 0 }, b = { 0 };
    char ea[160], eb[160];
    int ra = run(mode, data, size, 0, 0, &a, ea, sizeof ea);
    int rb = run(mode, data, size, size <= 1024 ? 1 : 2, seed, &b, eb, sizeof eb);
    FUZZ_CHECK(ra == rb, "chunking changed the result: %d / %d", ra, rb);
    FUZZ_CHECK(strcmp(ea, eb) == 0, "chunking changed the error: \"%s\" / \"%s\"", ea, eb);
    for (int s = 1; s <= 2; s++)
        FUZZ_CHECK(same_buf(&a.out[s], &b.out[s]), "chunking changed stream %d", s);
    if (mode == PODC_FRAMES_WHOLE && !has_big_frame(data, size))
        FUZZ_CHECK(a.calls == b.calls, "whole mode: %zu calls in one piece, %zu chunked", a.calls, b.calls);
    if (mode == PODC_FRAMES_RAW)
        FUZZ_CHECK(ra == 0 && a.out[1].len == size && a.out[2].len == 0, "raw mode changed the bytes");
    rec_free(&a);
    rec_free(&b);
    /* a callback that stops: its value comes back */
    rec c = { .stop_at = 1 };
    int rc = run(mode, data, size, 2, seed + 1, &c, ea, sizeof ea);
    FUZZ_CHECK(c.calls <= 1 && (c.calls == 0 || rc == 7), "stop: %zu calls, rc %d", c.calls, rc);
    rec_free(&c);
    return 0;
}
