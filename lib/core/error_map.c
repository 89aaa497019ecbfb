/* error_map.c - from an HTTP reply to a podc error category.
 * Podman 4.3 answers many not-found and conflict cases with HTTP 500, so for 500s the
 * category comes from podman's stable `cause` (then its message). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "core/json.h"

static const struct {
    const char *needle;
    int code;
} cause_map[] = {
    /* not found */
    { "no such container", PODC_ENOTFOUND },
    { "no such image", PODC_ENOTFOUND },
    { "image not known", PODC_ENOTFOUND },
    { "failed to find image", PODC_ENOTFOUND },
    { "no such network", PODC_ENOTFOUND },
    { "network not found", PODC_ENOTFOUND },
    { "no such exec session", PODC_ENOTFOUND },
    { "no such volume", PODC_ENOTFOUND },
    { "no such pod", PODC_ENOTFOUND },
    { "no such object", PODC_ENOTFOUND },
    { "no such file or directory", PODC_ENOTFOUND },
    /* conflict: names, use, state, ports */
    { "name is already in use", PODC_ECONFLICT },
    { "already exists", PODC_ECONFLICT },
    { "is in use", PODC_ECONFLICT },
    { "is being used", PODC_ECONFLICT },
    { "state improper", PODC_ECONFLICT },
    { "is not running", PODC_ECONFLICT },
    { "no defined healthcheck", PODC_ECONFLICT },
    { "address already in use", PODC_ECONFLICT },
    { "already connected", PODC_ECONFLICT },
    { "is not connected to network", PODC_ECONFLICT },
    /* the request itself was wrong */
    { "invalid argument", PODC_EINVAL },
    { "invalid reference format", PODC_EINVAL },
    { "names must match", PODC_EINVAL },
    { "cannot unmarshal", PODC_EINVAL },
    { "is an invalid filter", PODC_EINVAL },
    { "must be lowercase", PODC_EINVAL },
    { "unable to interpret time value", PODC_EINVAL },
};

static int lookup(const char *text)
{
    if (!text)
        return 0;
    for (size_t i = 0; i < sizeof cause_map / sizeof cause_map[0]; i++)
        if (strstr(text, cause_map[i].needle))
            return cause_map[i].code;
    return 0;
}

int pdc_error_category_for(int status, const char *cause, const char *message)
{
    switch (status) {
    case 400:
        return PODC_EINVAL;
    case 404:
        return PODC_ENOTFOUND;
    case 304:
    case 409:
        return PODC_ECONFLICT;
    default:
        break;
    }
    int code = lookup(cause);
    if (!code)
        code = lookup(message);
    if (code)
        return code;
    return status >= 500 ? PODC_ESERVER : PODC_EPROTOCOL;
}

podc_error *pdc_error_from_reply(int status, const char *body, const char *method, const char *path)
{
    yajl_val root = NULL;
    const char *cause = NULL, *message = NULL;
    char *plain = NULL;

    if (body && body[0] == '{') {
        root = pdc_json_parse(body, NULL, 0);
        cause = pdc_json_str(root, "cause", NULL);
        message = pdc_json_str(root, "message", NULL);
    }
    if (!cause && !message && body && *body) {
        /* router-level misses are plain text ("Not Found"); keep one trimmed line */
        size_t n = strcspn(body, "\r\n");
        plain = strndup(body, n > 200 ? 200 : n);
        message = plain;
    }

    int code = pdc_error_category_for(status, cause, message);
    /* A plain-text 404/405 comes from the router, not a handler: the endpoint is missing. */
    if (!root && (status == 404 || status == 405))
        code = PODC_EPROTOCOL;

    podc_error *e = pdc_error_new(code, "%s %.*s: %s (HTTP %d)", method ? method : "?",
                                  path ? (int)strcspn(path, "?") : 1, path ? path : "?",
                                  message ? message : "empty reply", status);
    pdc_error_set_request(e, method, path);
    pdc_error_set_server(e, status, cause, message);
    free(plain);
    pdc_json_free(root);
    return e;
}
