/*
 * frames.h - push parser for podman's multiplexed output stream (logs, attached exec):
 *   frame = [stream u8][0 0 0][length u32 big-endian][payload]   stream 1 stdout, 2 stderr
 * Bytes are fed as they arrive; a header or payload may be split across any number of
 * feeds. A raw mode (Tty exec) passes everything through as stdout.
 */
#ifndef PODC_CORE_FRAMES_H
#define PODC_CORE_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Stream ids as they appear in the header and as given to the callback. */
#define PODC_FRAME_STDIN 0
#define PODC_FRAME_STDOUT 1
#define PODC_FRAME_STDERR 2
#define PODC_FRAME_SYSERR 3

/* Whole-frame mode delivers frames up to this size in one call; longer ones come in pieces. */
#define PODC_FRAMES_WHOLE_MAX (1024 * 1024)

/* Called with payload bytes of one stream (1 stdout, 2 stderr); len > 0. Non-zero stops. */
typedef int (*pdc_frame_cb)(int stream, const char *data, size_t len, void *ud);

typedef enum pdc_frames_mode {
    PODC_FRAMES_PIECES = 0, /* payload delivered as it arrives (no buffering) */
    PODC_FRAMES_WHOLE = 1,  /* each frame delivered in one call (up to PODC_FRAMES_WHOLE_MAX) */
    PODC_FRAMES_RAW = 2     /* not multiplexed: every byte is stdout */
} pdc_frames_mode;

typedef struct pdc_frames {
    pdc_frames_mode mode;
    pdc_frame_cb cb;
    void *ud;
    unsigned char hdr[8];
    size_t hdr_have;     /* header bytes collected for the current frame */
    uint32_t remaining;  /* payload bytes still to come for the current frame */
    uint32_t frame_len;
    int stream;
    pdc_buf whole;       /* PODC_FRAMES_WHOLE: payload collected so far */
    int failed;          /* sticky: 0, or the PODC_E* code of the error seen */
    char error[160];     /* what was wrong (protocol errors), or the server's stream-3 text */
} pdc_frames;

void pdc_frames_init(pdc_frames *f, pdc_frames_mode mode, pdc_frame_cb cb, void *ud);
/*
 * Feeds bytes. Returns 0, the callback's non-zero value, PODC_ENOMEM, PODC_EPROTOCOL (a
 * stream byte other than 0-3 or non-zero padding: not a multiplexed stream) or PODC_ESERVER
 * (a stream-3 "system error" frame; its text is in f->error). Stream 0 counts as stdout, as in
 * Docker's stdcopy; zero-length frames are skipped. After an error every feed fails the same way.
 */
int pdc_frames_feed(pdc_frames *f, const char *data, size_t len);
/* End of input: PODC_EPROTOCOL when it stopped inside a header or a payload, else 0. */
int pdc_frames_finish(pdc_frames *f);
void pdc_frames_free(pdc_frames *f);

#endif
