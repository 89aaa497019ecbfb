#include "config.h"

#include "core/lines.h"

#include <string.h>

#include "podc/error.h"

void pdc_lines_init(pdc_lines *l, pdc_line_cb cb, void *ud)
{
    pdc_buf empty = PODC_BUF_INIT;
    l->pending = empty;
    l->cb = cb;
    l->ud = ud;
}

int pdc_lines_feed(pdc_lines *l, const char *data, size_t len)
{
    if (pdc_buf_append(&l->pending, data, len) < 0)
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
    pdc_buf_consume(&l->pending, start);
    return rc;
}

int pdc_lines_finish(pdc_lines *l)
{
    int rc = 0;
    if (l->pending.len) {
        rc = l->cb(l->pending.data, l->pending.len, l->ud);
        pdc_buf_clear(&l->pending);
    }
    return rc;
}

void pdc_lines_free(pdc_lines *l)
{
    pdc_buf_free(&l->pending);
}
