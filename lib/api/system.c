/* system.c - ping, version, info. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error-private.h"
#include "core/json.h"
#include "api/resource.h"
#include "podc/system.h"
#include "transport/http.h"

int podc_ping(podc_client *c, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    pdc_http_request req = { .method = "GET", .path = "/libpod/_ping" };
    pdc_http_response resp;
    int rc = pdc_http_call(c, &req, &resp, err);
    if (rc == 0 && (!resp.body.data || strncmp(resp.body.data, "OK", 2) != 0))
        rc = pdc_error_set(err, PODC_EPROTOCOL, "GET /libpod/_ping: expected \"OK\", got \"%.40s\"",
                           resp.body.data ? resp.body.data : "");
    pdc_http_response_free(&resp);
    return rc;
}

struct podc_version {
    char *server, *api, *min_api, *os_arch;
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* "4.3.1" -> 4; a missing version counts as new enough (the header check already ran). */
static int major_of(const char *v)
{
    return v ? atoi(v) : 4;
}

int podc_version_get(podc_client *c, podc_version **out, podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    pdc_http_request req = { .method = "GET", .path = "/libpod/version" };
    yajl_val root = NULL;
    int rc = pdc_resource_json(c, &req, NULL, PODC_REPLY_OBJECT, &root, NULL, err);
    if (rc == 0) {
        /* libpod's own API version lives in Components[0].Details; top-level ApiVersion is Docker's */
        yajl_val comps = pdc_json_get(root, "Components", NULL);
        const char *api = NULL, *min_api = NULL;
        for (size_t i = 0; i < pdc_json_array_len(comps); i++) {
            yajl_val comp = pdc_json_array_at(comps, i);
            const char *name = pdc_json_str(comp, "Name", NULL);
            if (name && strcmp(name, "Podman Engine") == 0) {
                api = pdc_json_str(comp, "Details", "APIVersion", NULL);
                min_api = pdc_json_str(comp, "Details", "MinAPIVersion", NULL);
            }
        }
        const char *os = pdc_json_str(root, "Os", NULL), *arch = pdc_json_str(root, "Arch", NULL);
        const char *server = pdc_json_str(root, "Version", NULL);
        if (!server || !api) {
            rc = pdc_error_set(err, PODC_EPROTOCOL, "GET /libpod/version: reply lacks Version or libpod APIVersion");
        } else if (major_of(api) < 4) {
            rc = pdc_error_set(err, PODC_EUNSUPPORTED,
                               "the service speaks libpod API %s; podc needs 4.0 or newer", api);
        } else {
            podc_version *v = calloc(1, sizeof *v);
            if (v) {
                v->server = dup_or_null(server);
                v->api = dup_or_null(api);
                v->min_api = dup_or_null(min_api);
                if (os && arch) {
                    v->os_arch = malloc(strlen(os) + strlen(arch) + 2);
                    if (v->os_arch)
                        sprintf(v->os_arch, "%s/%s", os, arch);
                }
            }
            if (!v || !v->server || !v->api) {
                podc_version_free(v);
                rc = pdc_error_oom(err);
            } else {
                *out = v;
            }
        }
    }
    pdc_json_free(root);
    return rc;
}

const char *podc_version_server(const podc_version *v) { return v ? v->server : NULL; }
const char *podc_version_api(const podc_version *v) { return v ? v->api : NULL; }
const char *podc_version_min_api(const podc_version *v) { return v ? v->min_api : NULL; }
const char *podc_version_os_arch(const podc_version *v) { return v ? v->os_arch : NULL; }

void podc_version_free(podc_version *v)
{
    if (!v)
        return;
    free(v->server);
    free(v->api);
    free(v->min_api);
    free(v->os_arch);
    free(v);
}

struct podc_info {
    char *json;
    yajl_val root;
};

int podc_info_get(podc_client *c, podc_info **out, podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    pdc_http_request req = { .method = "GET", .path = "/libpod/info" };
    yajl_val root = NULL;
    char *json = NULL;
    int rc = pdc_resource_json(c, &req, NULL, PODC_REPLY_OBJECT, &root, &json, err);
    podc_info *i = rc == 0 ? calloc(1, sizeof *i) : NULL;
    if (rc == 0 && !i) {
        pdc_json_free(root);
        free(json);
        rc = pdc_error_oom(err);
    } else if (rc == 0) {
        i->root = root;
        i->json = json;
        *out = i;
    }
    return rc;
}

const char *podc_info_version(const podc_info *i) { return i ? pdc_json_str(i->root, "version", "Version", NULL) : NULL; }
const char *podc_info_api_version(const podc_info *i) { return i ? pdc_json_str(i->root, "version", "APIVersion", NULL) : NULL; }
const char *podc_info_oci_runtime(const podc_info *i) { return i ? pdc_json_str(i->root, "host", "ociRuntime", "name", NULL) : NULL; }
const char *podc_info_network_backend(const podc_info *i) { return i ? pdc_json_str(i->root, "host", "networkBackend", NULL) : NULL; }
const char *podc_info_cgroup_version(const podc_info *i) { return i ? pdc_json_str(i->root, "host", "cgroupVersion", NULL) : NULL; }
const char *podc_info_log_driver(const podc_info *i) { return i ? pdc_json_str(i->root, "host", "logDriver", NULL) : NULL; }
const char *podc_info_graph_root(const podc_info *i) { return i ? pdc_json_str(i->root, "store", "graphRoot", NULL) : NULL; }
const char *podc_info_json(const podc_info *i) { return i ? i->json : NULL; }

int podc_info_rootless(const podc_info *i)
{
    return i ? pdc_json_bool(i->root, "host", "security", "rootless", NULL) : -1;
}

void podc_info_free(podc_info *i)
{
    if (!i)
        return;
    pdc_json_free(i->root);
    free(i->json);
    free(i);
}
