/* events-private.h - reading the GET /libpod/events reply apart from the HTTP call, so the
 * parser of podman's bytes can be fed on its own (tests/fuzz/fuzz_events.c). */
#ifndef PODC_API_EVENTS_PRIVATE_H
#define PODC_API_EVENTS_PRIVATE_H

#include <stddef.h>

#include "core/json-lines.h"
#include "podc/error.h"
#include "podc/events.h"

typedef struct pdc_events_reader {
    pdc_json_lines lines;
    podc_event_cb cb;
    void *ud;
    const char *path;    /* the request's, for errors (borrowed) */
    podc_error *failure; /* an error reported inside the stream, or a line we could not read */
} pdc_events_reader;

void pdc_events_reader_init(pdc_events_reader *r, const char *path, podc_event_cb cb, void *ud);
/* A podc_data_cb for the reply's pieces (ud: the reader). Each complete line is one event for
 * cb; non-zero stops: cb's value, or an error with r->failure set. */
int pdc_events_reader_feed(const char *data, size_t len, void *ud);
/* At the end of the reply: a last line without '\n'; the same results. */
int pdc_events_reader_finish(pdc_events_reader *r);
/* Releases the reader and its failure (take r->failure first to keep it). */
void pdc_events_reader_free(pdc_events_reader *r);

#endif
