/*
 * progress-stream.h - podman's streamed progress replies (build, pull, push): one JSON object
 * per line; `stream` text is output, an `error` (or errorDetail.message) line reports a failure
 * inside an HTTP 200. Output is split into lines for a callback and a ring of the last lines.
 */
#ifndef PODC_API_PROGRESS_STREAM_H
#define PODC_API_PROGRESS_STREAM_H

#include <stddef.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/json-lines.h"
#include "podc/common.h"

#define PODC_PROGRESS_TAIL 20

typedef struct pdc_progress_stream {
    pdc_json_lines json_lines;         /* the reply's objects; .bad: a line was not one, .oom */
    pdc_buf text;                     /* `stream` text not yet ending in '\n' */
    char *tail[PODC_PROGRESS_TAIL];    /* ring of the last output lines */
    size_t tail_next, tail_n;
    char *last_line;                   /* the last complete output line */
    char *error;                       /* the first error podman reported, trailing newlines cut */
    podc_data_cb progress;             /* each output line, or NULL */
    void *progress_ud;
    /* Every other object (no `stream`, no `error`), e.g. pull's {"id": ...}; may be NULL.
     * Non-zero stops the stream. */
    int (*on_object)(yajl_val obj, void *ud);
    void *object_ud;
} pdc_progress_stream;

void pdc_progress_stream_init(pdc_progress_stream *st, podc_data_cb progress, void *progress_ud);
/* A pdc_http_request.on_data callback; ud is the stream. */
int pdc_progress_stream_feed(const char *data, size_t len, void *ud);
/* After the reply: the last line without '\n'. 0, PODC_ECANCELLED (progress callback),
 * PODC_EPROTOCOL, PODC_ENOMEM. */
int pdc_progress_stream_finish(pdc_progress_stream *st);
/* The last output lines joined by '\n' (new string), or NULL when none or on OOM. */
char *pdc_progress_stream_tail(const pdc_progress_stream *st);
void pdc_progress_stream_free(pdc_progress_stream *st);

#endif
