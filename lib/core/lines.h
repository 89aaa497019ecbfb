/*
 * lines.h - splits a byte stream into lines as it arrives (build progress and events are
 * one JSON object per line, and chunk boundaries fall anywhere).
 */
#ifndef PODC_CORE_LINES_H
#define PODC_CORE_LINES_H

#include <stddef.h>

#include "core/buf.h"

/* Called with each complete line, without its '\n' and NUL-terminated. Non-zero stops. */
typedef int (*podc_line_cb)(char *line, size_t len, void *ud);

typedef struct podc_lines {
    podc_buf pending;
    podc_line_cb cb;
    void *ud;
} podc_lines;

void podc_lines_init(podc_lines *l, podc_line_cb cb, void *ud);
/* Feeds bytes; returns the callback's non-zero value or PODC_ENOMEM, else 0. */
int podc_lines_feed(podc_lines *l, const char *data, size_t len);
/* Delivers a last line that had no '\n'. */
int podc_lines_finish(podc_lines *l);
void podc_lines_free(podc_lines *l);

#endif
