/* buf.h - a growable byte buffer, always NUL-terminated so it can be parsed as text. */
#ifndef PODC_CORE_BUF_H
#define PODC_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct podc_buf {
    char *data;   /* NULL until the first append */
    size_t len;
    size_t cap;
} podc_buf;

#define PODC_BUF_INIT { NULL, 0, 0 }

/* All return 0 or PODC_ENOMEM. */
int podc_buf_append(podc_buf *b, const void *data, size_t len);
int podc_buf_puts(podc_buf *b, const char *s);
int podc_buf_printf(podc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int podc_buf_vprintf(podc_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Drops the first n bytes. */
void podc_buf_consume(podc_buf *b, size_t n);
void podc_buf_clear(podc_buf *b);
/* Hands the contents to the caller (never NULL unless OOM: an empty buffer gives ""). */
char *podc_buf_detach(podc_buf *b);
void podc_buf_free(podc_buf *b);

#endif
