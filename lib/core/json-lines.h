/*
 * json-lines.h - a stream of one JSON object per line (events, and the progress of build,
 * pull and push): lines split as they arrive, each parsed and handed on as an object.
 */
#ifndef PODC_CORE_JSON_LINES_H
#define PODC_CORE_JSON_LINES_H

#include <stddef.h>

#include "core/json.h"
#include "core/lines.h"

/* Called with each object (freed after the call) and its line. Non-zero stops. */
typedef int (*pdc_json_line_cb)(yajl_val obj, char *line, void *ud);

typedef struct pdc_json_lines {
    pdc_lines lines;
    pdc_json_line_cb cb;
    void *ud;
    int oom;       /* the stream stopped for memory (PODC_ENOMEM) */
    int bad;       /* the stream stopped at a line that is not a JSON object (PODC_EPROTOCOL) */
    char why[128]; /* for bad: the parser's message, or "not an object" */
} pdc_json_lines;

void pdc_json_lines_init(pdc_json_lines *j, pdc_json_line_cb cb, void *ud);
/* Feeds bytes. Empty lines (after trailing '\r' and blanks are cut) are skipped. Returns 0,
 * the callback's non-zero value, PODC_EPROTOCOL (bad set) or PODC_ENOMEM (oom set). */
int pdc_json_lines_feed(pdc_json_lines *j, const char *data, size_t len);
/* Delivers a last line that had no '\n'; the same results. */
int pdc_json_lines_finish(pdc_json_lines *j);
void pdc_json_lines_free(pdc_json_lines *j);

#endif
