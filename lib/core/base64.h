/* base64.h - RFC 4648 base64 (standard alphabet, padded): registry credentials travel in it
 * (X-Registry-Auth, the `auth` field of auth files). */
#ifndef PODC_CORE_BASE64_H
#define PODC_CORE_BASE64_H

#include <stddef.h>

#include "core/buf.h"

/* Appends the encoding of data[0..len), padded. 0 or PODC_ENOMEM. */
int pdc_base64_encode(pdc_buf *b, const void *data, size_t len);
/* The same in the URL-safe alphabet ('-' and '_' for '+' and '/'): what podman's
 * X-Registry-Auth decoder takes (it refuses '+' and '/' with 400 "illegal base64 data"). */
int pdc_base64url_encode(pdc_buf *b, const void *data, size_t len);
/*
 * Decodes text in either alphabet (padding optional, no whitespace) into a new NUL-terminated buffer; *len_out
 * (may be NULL) gets the decoded length. NULL when text is not base64 or on OOM.
 */
char *pdc_base64_decode(const char *text, size_t *len_out);

#endif
