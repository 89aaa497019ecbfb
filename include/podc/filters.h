/*
 * podc/filters.h - list filters (label, name, reference, ...), sent as podman's JSON
 * `filters` query ({"key":["v1","v2"]}, percent-encoded).
 * Thread-safety: a filters object is used by one thread at a time.
 */
#ifndef PODC_FILTERS_H
#define PODC_FILTERS_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct podc_filters podc_filters;

/* New empty filter set, or NULL on OOM. Free with podc_filters_free(). */
PODC_EXTERN podc_filters *podc_filters_new(void);
/*
 * Adds key=value, e.g. ("label", "app=db"), ("name", "^web$"). Repeating a key adds another
 * value (podman ANDs labels, ORs names). Errors: PODC_EINVAL (empty key, NULL value), PODC_ENOMEM.
 */
PODC_EXTERN int podc_filters_add(podc_filters *f, const char *key, const char *value, podc_error **err);
PODC_EXTERN void podc_filters_free(podc_filters *f);

#ifdef __cplusplus
}
#endif
#endif
