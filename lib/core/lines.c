#include "config.h"

#include "core/lines.h"

#include <string.h>

#include "podc/error.h"

void podc_lines_init(podc_lines *l, podc_line_cb cb, void *ud)
{
    podc_buf empty = PODC_BUF_INIT;
    l->pending = empty;
    l->cb = cb;
    l->ud = ud;
}

int podc_lines_feed(podc_lines *l, const char *data, size_t len)
{
    if (podc_buf_append(&l->pending, data, len) < 0)
        return PODC_ENOMEM;
    size_t start = 0;
    int rc = 0;
    while (rc == 0 && start < l->pending.len) {
        char *nl = memchr(l->pending.data + start, '\n', l->pending.len - start);
        if (!nl)
            break;
        *nl = '\0';
        size_t n = (size_t)(nl - (l->pending.data + start));
        rc = l->cb(l->pending.data + start, n, l->ud);
        start += n + 1;
    }
    podc_buf_consume(&l->pending, start);
    return rc;
}

int podc_lines_finish(podc_lines *l)
{
    int rc = 0;
    if (l->pending.len) {
        rc = l->cb(l->pending.data, l->pending.len, l->ud);
        podc_buf_clear(&l->pending);
    }
    return rc;
}

void podc_lines_free(podc_lines *l)
{
    podc_buf_free(&l->pending);
}
