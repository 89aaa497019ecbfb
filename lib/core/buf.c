#include "config.h"

#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podc/error.h"

static int grow(pdc_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return PODC_ENOMEM;
    b->data = p;
    b->cap = cap;
    return 0;
}

int pdc_buf_append(pdc_buf *b, const void *data, size_t len)
{
    if (grow(b, len) < 0)
        return PODC_ENOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int pdc_buf_puts(pdc_buf *b, const char *s)
{
    return pdc_buf_append(b, s, strlen(s));
}

int pdc_buf_vprintf(pdc_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return PODC_ENOMEM;
    if (grow(b, (size_t)n) < 0)
        return PODC_ENOMEM;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int pdc_buf_printf(pdc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = pdc_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void pdc_buf_consume(pdc_buf *b, size_t n)
{
    if (n >= b->len) {
        pdc_buf_clear(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

void pdc_buf_clear(pdc_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *pdc_buf_detach(pdc_buf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void pdc_buf_free(pdc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
