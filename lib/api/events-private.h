/* events-private.h - reading the GET /libpod/events reply apart from the HTTP call, so the
 * parser of podman's bytes can be fed on its own (tests/fuzz/fuzz_events.c). */
#ifndef PODC_API_EVENTS_PRIVATE_H
#define PODC_API_EVENTS_PRIVATE_H

#include <stddef.h>

#include "core/lines.h"
#include "podc/error.h"
#include "podc/events.h"

typedef struct pdc_events_reader {
    pdc_lines lines;
    podc_event_cb cb;
    void *ud;
    const char *path;    /* the request's, for errors (borrowed) */
    podc_error *failure; /* an error reported inside the stream, or a line we could not read */
} pdc_events_reader;

void pdc_events_reader_init(pdc_events_reader *r, const char *path, podc_event_cb cb, void *ud);
/* A podc_data_cb for the reply's pieces (ud: the reader). Each complete line is one event for
 * cb; non-zero stops: cb's value, or an error with r->failure set. At the end of the reply,
 * pdc_lines_finish(&r->lines) delivers a last line without '\n'; pdc_lines_free() and
 * podc_error_free(r->failure) release it. */
int pdc_events_reader_feed(const char *data, size_t len, void *ud);

#endif
