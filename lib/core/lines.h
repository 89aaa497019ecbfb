/*
 * lines.h - splits a byte stream into lines as it arrives (build progress and events are
 * one JSON object per line, and chunk boundaries fall anywhere).
 */
#ifndef PODC_CORE_LINES_H
#define PODC_CORE_LINES_H

#include <stddef.h>

#include "core/buf.h"

/* Called with each complete line, without its '\n' and NUL-terminated. Non-zero stops. */
typedef int (*pdc_line_cb)(char *line, size_t len, void *ud);

typedef struct pdc_lines {
    pdc_buf pending;
    pdc_line_cb cb;
    void *ud;
} pdc_lines;

void pdc_lines_init(pdc_lines *l, pdc_line_cb cb, void *ud);
/* Feeds bytes; returns the callback's non-zero value or PODC_ENOMEM, else 0. */
int pdc_lines_feed(pdc_lines *l, const char *data, size_t len);
/* Delivers a last line that had no '\n'. */
int pdc_lines_finish(pdc_lines *l);
void pdc_lines_free(pdc_lines *l);

#endif
