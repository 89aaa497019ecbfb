#include "config.h"

#include "core/encode.h"

#include <stdio.h>
#include <string.h>

#include "podc/error.h"

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int pdc_buf_put_escaped(pdc_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char enc[3];
        size_t n = 1;
        if (unreserved(*p)) {
            enc[0] = (char)*p;
        } else {
            enc[0] = '%';
            enc[1] = hex[*p >> 4];
            enc[2] = hex[*p & 15];
            n = 3;
        }
        if (pdc_buf_append(b, enc, n) < 0)
            return PODC_ENOMEM;
    }
    return 0;
}

int pdc_buf_put_query(pdc_buf *b, const char *key, const char *value)
{
    const char *sep = (b->data && memchr(b->data, '?', b->len)) ? "&" : "?";
    if (pdc_buf_puts(b, sep) < 0 || pdc_buf_put_escaped(b, key) < 0 || pdc_buf_puts(b, "=") < 0 ||
        pdc_buf_put_escaped(b, value ? value : "") < 0)
        return PODC_ENOMEM;
    return 0;
}

int pdc_buf_put_query_int(pdc_buf *b, const char *key, long long value)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", value);
    return pdc_buf_put_query(b, key, num);
}

int pdc_buf_put_query_bool(pdc_buf *b, const char *key, int value)
{
    return pdc_buf_put_query(b, key, value ? "true" : "false");
}

char *pdc_escape(const char *s)
{
    pdc_buf b = PODC_BUF_INIT;
    if (pdc_buf_put_escaped(&b, s) < 0) {
        pdc_buf_free(&b);
        return NULL;
    }
    return pdc_buf_detach(&b);
}
