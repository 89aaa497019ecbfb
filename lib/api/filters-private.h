/* filters-private.h - turning podc_filters into the `filters` query parameter. */
#ifndef PODC_API_FILTERS_PRIVATE_H
#define PODC_API_FILTERS_PRIVATE_H

#include "core/buf.h"
#include "podc/filters.h"

/* Appends "?filters=<encoded JSON>" or "&filters=..." to a path; nothing when f is NULL or empty. */
int pdc_filters_put_query(const podc_filters *f, pdc_buf *path);

#endif
