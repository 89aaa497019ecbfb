#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/json-lines.h"
#include "podc/error.h"

static int on_line(char *line, size_t len, void *ud)
{
    pdc_json_lines *j = ud;
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
        line[--len] = '\0';
    if (!len)
        return 0;
    char msg[sizeof j->why] = "";
    yajl_val v = pdc_json_parse(line, msg, sizeof msg);
    if (!v || !YAJL_IS_OBJECT(v)) {
        snprintf(j->why, sizeof j->why, "%.*s", (int)strcspn(msg, "\n"), v ? "not an object" : msg);
        j->bad = 1;
        pdc_json_free(v);
        return PODC_EPROTOCOL;
    }
    int rc = j->cb(v, line, j->ud);
    pdc_json_free(v);
    return rc;
}

void pdc_json_lines_init(pdc_json_lines *j, pdc_json_line_cb cb, void *ud)
{
    *j = (pdc_json_lines){ .cb = cb, .ud = ud };
    pdc_lines_init(&j->lines, on_line, j);
}

static int noted(pdc_json_lines *j, int rc)
{
    if (rc == PODC_ENOMEM && !j->bad)
        j->oom = 1;
    return rc;
}

int pdc_json_lines_feed(pdc_json_lines *j, const char *data, size_t len)
{
    return noted(j, pdc_lines_feed(&j->lines, data, len));
}

int pdc_json_lines_finish(pdc_json_lines *j)
{
    return noted(j, pdc_lines_finish(&j->lines));
}

void pdc_json_lines_free(pdc_json_lines *j)
{
    pdc_lines_free(&j->lines);
}
