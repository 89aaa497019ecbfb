/* resource.h - the request path of the typed calls: paths for a named object, one request with
 * the error tagged with the container it is about, and the JSON reply parsed and its shape
 * checked. */
#ifndef PODC_API_RESOURCE_H
#define PODC_API_RESOURCE_H

#include <yajl/yajl_tree.h>

#include "core/buf.h"
#include "podc/error.h"
#include "transport/http.h"

/* Appends base + escaped(name) + suffix, e.g. ("/libpod/containers/", "web", "/json").
 * suffix may be NULL. 0 or PODC_ENOMEM. */
int pdc_resource_path(pdc_buf *b, const char *base, const char *name, const char *suffix);
/* The same, saying so in *err and freeing b when out of memory. */
int pdc_resource_path_err(pdc_buf *b, const char *base, const char *name, const char *suffix, podc_error **err);

/*
 * pdc_http_call(), then on failure:
 *  - container (may be NULL) is recorded on the error;
 *  - a PODC_ESERVER whose cause contains one of conflict_causes (NULL-terminated list, may be
 *    NULL) becomes PODC_ECONFLICT. Podman answers some conflicts with a 500 whose cause the
 *    shared map does not know ("network is already connected", "... is not connected to
 *    network ..."). The error is built locally so the category does not depend on whether the
 *    caller asked for an error object.
 */
int pdc_resource_call(podc_client *c, const pdc_http_request *req, pdc_http_response *resp,
                      const char *container, const char *const *conflict_causes, podc_error **err);

/* What a JSON reply must be. */
typedef enum pdc_reply_shape {
    PODC_REPLY_ANY,
    PODC_REPLY_OBJECT,
    PODC_REPLY_LIST, /* an array; podman's null for an empty list counts as one */
} pdc_reply_shape;

/*
 * pdc_resource_call() (no conflict causes), then the reply parsed as JSON and its shape
 * checked (PODC_EPROTOCOL "METHOD PATH: reply is not ..."). On success *root owns the tree and
 * *text (text may be NULL) the reply's text, for the objects that hand it out.
 */
int pdc_resource_json(podc_client *c, const pdc_http_request *req, const char *container, pdc_reply_shape shape,
                      yajl_val *root, char **text, podc_error **err);

#endif
