/* encode.h - percent-encoding of path parts and query values. */
#ifndef PODC_CORE_ENCODE_H
#define PODC_CORE_ENCODE_H

#include "core/buf.h"

/* Appends s with every byte outside [A-Za-z0-9-._~] as %XX (so '/', ':', '+', ' ' are all
 * encoded; podman decodes them). Returns 0 or PODC_ENOMEM. */
int pdc_buf_put_escaped(pdc_buf *b, const char *s);
/* Appends "?key=value" or "&key=value" (value escaped) depending on whether b already has a '?'. */
int pdc_buf_put_query(pdc_buf *b, const char *key, const char *value);
int pdc_buf_put_query_int(pdc_buf *b, const char *key, long long value);
int pdc_buf_put_query_bool(pdc_buf *b, const char *key, int value);
/* New escaped copy, or NULL on OOM. */
char *pdc_escape(const char *s);

#endif
