/* buf.h - a growable byte buffer, always NUL-terminated so it can be parsed as text. */
#ifndef PODC_CORE_BUF_H
#define PODC_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct pdc_buf {
    char *data;   /* NULL until the first append */
    size_t len;
    size_t cap;
} pdc_buf;

#define PODC_BUF_INIT { NULL, 0, 0 }

/* All return 0 or PODC_ENOMEM. */
int pdc_buf_append(pdc_buf *b, const void *data, size_t len);
int pdc_buf_puts(pdc_buf *b, const char *s);
int pdc_buf_printf(pdc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pdc_buf_vprintf(pdc_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Drops the first n bytes. */
void pdc_buf_consume(pdc_buf *b, size_t n);
void pdc_buf_clear(pdc_buf *b);
/* Hands the contents to the caller (never NULL unless OOM: an empty buffer gives ""). */
char *pdc_buf_detach(pdc_buf *b);
void pdc_buf_free(pdc_buf *b);

#endif
