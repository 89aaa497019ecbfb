/* resource.c - see resource.h. */
#include "config.h"

#include "api/resource.h"

#include <string.h>

#include "core/encode.h"
#include "core/error-private.h"
#include "core/json.h"

int pdc_resource_path(pdc_buf *b, const char *base, const char *name, const char *suffix)
{
    if (pdc_buf_puts(b, base) < 0 || pdc_buf_put_escaped(b, name) < 0 || (suffix && pdc_buf_puts(b, suffix) < 0))
        return PODC_ENOMEM;
    return 0;
}

int pdc_resource_path_err(pdc_buf *b, const char *base, const char *name, const char *suffix, podc_error **err)
{
    if (pdc_resource_path(b, base, name, suffix) == 0)
        return 0;
    pdc_buf_free(b);
    return pdc_error_oom(err);
}

int pdc_resource_call(podc_client *c, const pdc_http_request *req, pdc_http_response *resp,
                      const char *container, const char *const *conflict_causes, podc_error **err)
{
    podc_error *e = NULL;
    int rc = pdc_http_call(c, req, resp, &e);
    if (rc == 0)
        return 0;
    if (!e)
        return pdc_error_set(err, rc, "%s %.*s: %s", req->method, (int)strcspn(req->path, "?"), req->path,
                             podc_strerror(rc));
    if (rc == PODC_ESERVER && e->cause && conflict_causes) {
        for (size_t i = 0; conflict_causes[i]; i++) {
            if (strstr(e->cause, conflict_causes[i])) {
                e->code = rc = PODC_ECONFLICT;
                break;
            }
        }
    }
    if (container)
        pdc_error_set_container(e, container, NULL);
    return pdc_error_put(err, e);
}

int pdc_resource_json(podc_client *c, const pdc_http_request *req, const char *container, pdc_reply_shape shape,
                      yajl_val *root, char **text, podc_error **err)
{
    pdc_http_response resp;
    yajl_val r = NULL;
    int rc = pdc_resource_call(c, req, &resp, container, NULL, err);
    if (rc == 0)
        rc = pdc_http_json(req, &resp, &r, err);
    if (rc == 0 && shape == PODC_REPLY_OBJECT && !YAJL_IS_OBJECT(r))
        rc = pdc_error_set(err, PODC_EPROTOCOL, "%s %.*s: reply is not an object", req->method,
                           (int)strcspn(req->path, "?"), req->path);
    if (rc == 0 && shape == PODC_REPLY_LIST && !YAJL_IS_ARRAY(r) && !YAJL_IS_NULL(r))
        rc = pdc_error_set(err, PODC_EPROTOCOL, "%s %.*s: reply is not an array", req->method,
                           (int)strcspn(req->path, "?"), req->path);
    if (rc == 0 && text && !(*text = pdc_buf_detach(&resp.body)))
        rc = pdc_error_oom(err);
    if (rc == 0) {
        *root = r;
        r = NULL;
    }
    pdc_json_free(r);
    pdc_http_response_free(&resp);
    return rc;
}
