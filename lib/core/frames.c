/* frames.c - demultiplexing podman's 8-byte framed output stream (see frames.h). */
#include "config.h"

#include "core/frames.h"

#include <stdio.h>
#include <string.h>

#include "podc/error.h"

void pdc_frames_init(pdc_frames *f, pdc_frames_mode mode, pdc_frame_cb cb, void *ud)
{
    memset(f, 0, sizeof *f);
    f->mode = mode;
    f->cb = cb;
    f->ud = ud;
}

static int fail(pdc_frames *f, int code, const char *what)
{
    f->failed = code;
    snprintf(f->error, sizeof f->error, "%s", what);
    return code;
}

/* Stream-3 frames carry the server's error text: keep what fits, report at the frame's end. */
static void syserr_append(pdc_frames *f, const char *data, size_t len)
{
    size_t have = strlen(f->error);
    size_t room = sizeof f->error - 1 - have;
    if (len > room)
        len = room;
    /* a NUL in the text would end it early here and not there: the text must not depend on
     * how the stream was chunked */
    for (size_t i = 0; i < len; i++)
        f->error[have + i] = data[i] ? data[i] : '?';
    f->error[have + len] = '\0';
}

static int deliver(pdc_frames *f, const char *data, size_t len, int frame_done)
{
    if (f->stream == PODC_FRAME_SYSERR) {
        syserr_append(f, data, len);
        if (frame_done) {
            f->failed = PODC_ESERVER;
            return PODC_ESERVER;
        }
        return 0;
    }
    int stream = f->stream == PODC_FRAME_STDERR ? PODC_FRAME_STDERR : PODC_FRAME_STDOUT;
    if (f->mode != PODC_FRAMES_WHOLE || f->frame_len > PODC_FRAMES_WHOLE_MAX)
        return len ? f->cb(stream, data, len, f->ud) : 0;
    if (!frame_done)
        return pdc_buf_append(&f->whole, data, len) == 0 ? 0 : fail(f, PODC_ENOMEM, "out of memory");
    int rc = 0;
    if (f->whole.len == 0)
        rc = len ? f->cb(stream, data, len, f->ud) : 0; /* the frame arrived in one piece: no copy */
    else if (pdc_buf_append(&f->whole, data, len) == 0)
        rc = f->cb(stream, f->whole.data, f->whole.len, f->ud);
    else
        rc = fail(f, PODC_ENOMEM, "out of memory");
    pdc_buf_clear(&f->whole);
    return rc;
}

int pdc_frames_feed(pdc_frames *f, const char *data, size_t len)
{
    if (f->failed)
        return f->failed;
    if (f->mode == PODC_FRAMES_RAW)
        return len ? f->cb(PODC_FRAME_STDOUT, data, len, f->ud) : 0;
    while (len > 0) {
        if (f->hdr_have < sizeof f->hdr) {
            size_t n = sizeof f->hdr - f->hdr_have;
            if (n > len)
                n = len;
            memcpy(f->hdr + f->hdr_have, data, n);
            f->hdr_have += n;
            data += n;
            len -= n;
            if (f->hdr_have < sizeof f->hdr)
                return 0;
            char what[96];
            if (f->hdr[0] > PODC_FRAME_SYSERR || f->hdr[1] || f->hdr[2] || f->hdr[3]) {
                snprintf(what, sizeof what, "not a multiplexed stream (frame header %02x %02x %02x %02x)",
                         f->hdr[0], f->hdr[1], f->hdr[2], f->hdr[3]);
                return fail(f, PODC_EPROTOCOL, what);
            }
            f->stream = f->hdr[0];
            f->frame_len = f->remaining = (uint32_t)f->hdr[4] << 24 | (uint32_t)f->hdr[5] << 16 |
                                          (uint32_t)f->hdr[6] << 8 | (uint32_t)f->hdr[7];
            if (f->stream == PODC_FRAME_SYSERR)
                snprintf(f->error, sizeof f->error, "server error in stream: ");
            if (f->remaining == 0) {
                f->hdr_have = 0;
                if (f->stream == PODC_FRAME_SYSERR)
                    return fail(f, PODC_ESERVER, "server error in stream (no text)");
                continue; /* empty frame: nothing to deliver */
            }
        }
        size_t n = f->remaining < len ? f->remaining : len;
        f->remaining -= (uint32_t)n;
        int done = f->remaining == 0;
        if (done)
            f->hdr_have = 0; /* the next byte starts a new header */
        int rc = deliver(f, data, n, done);
        if (rc != 0)
            return rc;
        data += n;
        len -= n;
    }
    return 0;
}

int pdc_frames_finish(pdc_frames *f)
{
    if (f->failed)
        return f->failed;
    if (f->mode == PODC_FRAMES_RAW || f->hdr_have == 0)
        return 0;
    char what[96];
    if (f->hdr_have < sizeof f->hdr)
        snprintf(what, sizeof what, "stream ended inside a frame header (%zu of 8 bytes)", f->hdr_have);
    else
        snprintf(what, sizeof what, "stream ended inside a frame (%u of %u payload bytes missing)",
                 (unsigned)f->remaining, (unsigned)f->frame_len);
    return fail(f, PODC_EPROTOCOL, what);
}

void pdc_frames_free(pdc_frames *f)
{
    pdc_buf_free(&f->whole);
}
