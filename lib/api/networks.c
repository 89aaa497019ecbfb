/* networks.c - network create/ensure/exists/inspect/list/remove/connect/disconnect. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api/filters-private.h"
#include "api/resource.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/json-objects.h"
#include "core/json.h"
#include "core/strlist.h"
#include "core/validate.h"
#include "podc/networks.h"
#include "transport/http.h"

/* ---- options ------------------------------------------------------------------------- */

struct podc_network_options {
    int internal;
    int dns_enabled;
    char *driver;
    pdc_kvlist labels;
    pdc_strv subnets;
    pdc_strv gateways; /* "" = let podman pick */
};

podc_network_options *podc_network_options_new(void)
{
    podc_network_options *o = calloc(1, sizeof *o);
    if (o)
        o->dns_enabled = 1; /* the API's default is false; names would not resolve */
    return o;
}

void podc_network_options_free(podc_network_options *o)
{
    if (!o)
        return;
    free(o->driver);
    pdc_kvlist_clear(&o->labels);
    pdc_strv_clear(&o->subnets);
    pdc_strv_clear(&o->gateways);
    free(o);
}

int podc_network_options_set_internal(podc_network_options *o, int internal, podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->internal = internal != 0;
    return 0;
}

int podc_network_options_set_dns_enabled(podc_network_options *o, int enabled, podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->dns_enabled = enabled != 0;
    return 0;
}

int podc_network_options_set_driver(podc_network_options *o, const char *driver, podc_error **err)
{
    if (!o || !driver)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    char *d = strdup(driver);
    if (!d)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    free(o->driver);
    o->driver = d;
    return 0;
}

int podc_network_options_add_label(podc_network_options *o, const char *key, const char *value, podc_error **err)
{
    if (!o || !key || !value)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, pdc_kvlist_set(&o->labels, key, value));
}

int podc_network_options_add_subnet(podc_network_options *o, const char *subnet, const char *gateway, podc_error **err)
{
    if (!o || !subnet)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    int rc = pdc_strv_push(&o->subnets, subnet);
    if (rc == 0 && (rc = pdc_strv_push(&o->gateways, gateway ? gateway : "")) < 0) {
        free(o->subnets.v[--o->subnets.n]);
    }
    return pdc_setter_result(err, __func__, rc);
}

static int validate_options(const podc_network_options *o, podc_error **err)
{
    if (!o)
        return 0;
    if (o->driver && pdc_validate_name("driver", o->driver, err) < 0)
        return PODC_EINVAL;
    for (size_t i = 0; i < o->labels.n; i++)
        if (!*o->labels.keys[i])
            return pdc_error_invalid(err, "labels", "labels: empty label key");
    for (size_t i = 0; i < o->subnets.n; i++) {
        const char *s = o->subnets.v[i];
        if (!*s || !strchr(s, '/') || strpbrk(s, " \t\r\n"))
            return pdc_error_invalid(err, "subnets", "subnets \"%s\": expected CIDR such as 10.89.77.0/24", s);
    }
    return 0;
}

static char *options_json(const char *name, const podc_network_options *o, size_t *len)
{
    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return NULL;
    pdc_jgen_obj_open(&j);
    pdc_jgen_kstr(&j, "name", name);
    pdc_jgen_kstr(&j, "driver", o && o->driver ? o->driver : "bridge");
    pdc_jgen_kbool(&j, "internal", o ? o->internal : 0);
    pdc_jgen_kbool(&j, "dns_enabled", o ? o->dns_enabled : 1);
    if (o && o->labels.n) {
        pdc_jgen_str(&j, "labels");
        pdc_jgen_obj_open(&j);
        for (size_t i = 0; i < o->labels.n; i++)
            pdc_jgen_kstr(&j, o->labels.keys[i], o->labels.vals[i]);
        pdc_jgen_obj_close(&j);
    }
    if (o && o->subnets.n) {
        pdc_jgen_str(&j, "subnets");
        pdc_jgen_arr_open(&j);
        for (size_t i = 0; i < o->subnets.n; i++) {
            pdc_jgen_obj_open(&j);
            pdc_jgen_kstr(&j, "subnet", o->subnets.v[i]);
            if (*o->gateways.v[i])
                pdc_jgen_kstr(&j, "gateway", o->gateways.v[i]);
            pdc_jgen_obj_close(&j);
        }
        pdc_jgen_arr_close(&j);
    }
    pdc_jgen_obj_close(&j);
    return pdc_jgen_finish(&j, len);
}

/* ---- network objects ----------------------------------------------------------------- */

/* A network is a reply object (core/json-objects.h): handed out as its only member's pointer. */
struct podc_network {
    pdc_json_object o;
};

struct podc_network_list {
    pdc_json_objects l;
};

const char *podc_network_name(const podc_network *n) { return n ? pdc_json_str(n->o.node, "name", NULL) : NULL; }
const char *podc_network_id(const podc_network *n) { return n ? pdc_json_str(n->o.node, "id", NULL) : NULL; }
const char *podc_network_driver(const podc_network *n) { return n ? pdc_json_str(n->o.node, "driver", NULL) : NULL; }
const char *podc_network_interface(const podc_network *n)
{
    return n ? pdc_json_str(n->o.node, "network_interface", NULL) : NULL;
}
int podc_network_internal(const podc_network *n) { return n ? pdc_json_bool(n->o.node, "internal", NULL) : -1; }
int podc_network_dns_enabled(const podc_network *n) { return n ? pdc_json_bool(n->o.node, "dns_enabled", NULL) : -1; }
const char *podc_network_json(const podc_network *n) { return n ? n->o.json : NULL; }

size_t podc_network_subnet_count(const podc_network *n)
{
    return n ? pdc_json_array_len(pdc_json_get(n->o.node, "subnets", NULL)) : 0;
}

const char *podc_network_subnet_at(const podc_network *n, size_t i)
{
    return n ? pdc_json_str(pdc_json_array_at(pdc_json_get(n->o.node, "subnets", NULL), i), "subnet", NULL) : NULL;
}

const char *podc_network_gateway_at(const podc_network *n, size_t i)
{
    return n ? pdc_json_str(pdc_json_array_at(pdc_json_get(n->o.node, "subnets", NULL), i), "gateway", NULL) : NULL;
}

const char *podc_network_gateway(const podc_network *n)
{
    for (size_t i = 0; i < podc_network_subnet_count(n); i++) {
        const char *g = podc_network_gateway_at(n, i);
        if (g && *g)
            return g;
    }
    return NULL;
}

const char *podc_network_label(const podc_network *n, const char *key)
{
    if (!n || !key)
        return NULL;
    yajl_val labels = pdc_json_get(n->o.node, "labels", NULL);
    for (size_t i = 0; i < pdc_json_object_len(labels); i++)
        if (strcmp(pdc_json_object_key(labels, i), key) == 0)
            return pdc_json_as_str(pdc_json_object_value(labels, i));
    return NULL;
}

size_t podc_network_label_count(const podc_network *n)
{
    return n ? pdc_json_object_len(pdc_json_get(n->o.node, "labels", NULL)) : 0;
}

const char *podc_network_label_key_at(const podc_network *n, size_t i)
{
    return n ? pdc_json_object_key(pdc_json_get(n->o.node, "labels", NULL), i) : NULL;
}

const char *podc_network_label_value_at(const podc_network *n, size_t i)
{
    return n ? pdc_json_as_str(pdc_json_object_value(pdc_json_get(n->o.node, "labels", NULL), i)) : NULL;
}

void podc_network_free(podc_network *n)
{
    if (!n)
        return;
    pdc_json_object_free(&n->o);
}

size_t podc_network_list_count(const podc_network_list *l) { return l ? l->l.n : 0; }

const podc_network *podc_network_list_at(const podc_network_list *l, size_t i)
{
    return l ? (const podc_network *)pdc_json_objects_at(&l->l, i) : NULL;
}

void podc_network_list_free(podc_network_list *l)
{
    pdc_json_objects_free(l ? &l->l : NULL);
}

/* ---- calls --------------------------------------------------------------------------- */


/* A call whose reply is a network object; *out (may be NULL) takes it. */
static int network_call(podc_client *c, const pdc_http_request *req, podc_network **out, podc_error **err)
{
    yajl_val root = NULL;
    char *json = NULL;
    int rc = pdc_resource_json(c, req, NULL, PODC_REPLY_OBJECT, &root, out ? &json : NULL, err);
    if (rc < 0)
        return rc;
    podc_network *n = NULL;
    if (!pdc_json_str(root, "name", NULL))
        rc = pdc_error_set(err, PODC_EPROTOCOL, "%s %.*s: reply is not a network object", req->method,
                           (int)strcspn(req->path, "?"), req->path);
    else if (out && !(n = (podc_network *)pdc_json_object_new(root, json)))
        rc = pdc_error_oom(err);
    if (n) {
        *out = n;
        return 0;
    }
    pdc_json_free(root);
    free(json);
    return rc;
}

int podc_network_create(podc_client *c, const char *name, const podc_network_options *opts, podc_network **out,
                        podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    if (pdc_validate_name("name", name, err) < 0 || validate_options(opts, err) < 0)
        return PODC_EINVAL;
    size_t len = 0;
    char *body = options_json(name, opts, &len);
    if (!body)
        return pdc_error_oom(err);
    pdc_http_request req = { .method = "POST", .path = "/libpod/networks/create", .body = body, .body_len = len };
    int rc = network_call(c, &req, out, err);
    free(body);
    return rc;
}

int podc_network_ensure(podc_client *c, const char *name, const podc_network_options *opts, int *created,
                        podc_error **err)
{
    /* Create straight away instead of exists-then-create: one request, and no window in which
     * another creator can slip in. Its 409 ("network already exists") means someone else won. */
    podc_error *e = NULL;
    int rc = podc_network_create(c, name, opts, NULL, &e);
    if (rc == PODC_ECONFLICT && podc_error_http_status(e) == 409) {
        podc_error_free(e);
        if (created)
            *created = 0;
        return 0;
    }
    if (rc < 0)
        return pdc_error_put(err, e);
    if (created)
        *created = 1;
    return 0;
}

static int network_path(pdc_buf *p, const char *name, const char *suffix, podc_error **err)
{
    return pdc_resource_path_err(p, "/libpod/networks/", name, suffix, err);
}

int podc_network_exists(podc_client *c, const char *name, int *out, podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    if (pdc_validate_name("name", name, err) < 0)
        return PODC_EINVAL;
    pdc_buf p = PODC_BUF_INIT;
    if (network_path(&p, name, "/exists", err) < 0)
        return PODC_ENOMEM;
    int rc = pdc_http_exists(c, p.data, out, err);
    pdc_buf_free(&p);
    return rc;
}

int podc_network_inspect(podc_client *c, const char *name, podc_network **out, podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    if (pdc_validate_name("name", name, err) < 0)
        return PODC_EINVAL;
    pdc_buf p = PODC_BUF_INIT;
    if (network_path(&p, name, "/json", err) < 0)
        return PODC_ENOMEM;
    pdc_http_request req = { .method = "GET", .path = p.data };
    int rc = network_call(c, &req, out, err);
    pdc_buf_free(&p);
    return rc;
}

int podc_network_list_get(podc_client *c, const podc_filters *filters, podc_network_list **out, podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    pdc_buf p = PODC_BUF_INIT;
    if (pdc_buf_puts(&p, "/libpod/networks/json") < 0 || pdc_filters_put_query(filters, &p) < 0) {
        pdc_buf_free(&p);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "GET", .path = p.data };
    yajl_val root = NULL;
    int rc = pdc_resource_json(c, &req, NULL, PODC_REPLY_LIST, &root, NULL, err);
    podc_network_list *l = rc == 0 ? (podc_network_list *)pdc_json_objects_new(root, NULL, NULL) : NULL; /* takes root */
    if (rc == 0 && !l)
        rc = pdc_error_oom(err);
    if (l)
        *out = l;
    pdc_buf_free(&p);
    return rc;
}

int podc_network_remove(podc_client *c, const char *name, unsigned flags, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    if (pdc_validate_name("name", name, err) < 0)
        return PODC_EINVAL;
    pdc_buf p = PODC_BUF_INIT;
    if (network_path(&p, name, NULL, err) < 0)
        return PODC_ENOMEM;
    if ((flags & PODC_NETWORK_REMOVE_FORCE) && pdc_buf_put_query_bool(&p, "force", 1) < 0) {
        pdc_buf_free(&p);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "DELETE", .path = p.data };
    pdc_http_response resp;
    int rc = pdc_http_call(c, &req, &resp, err);
    if (rc == 0) {
        /* 200 [{"Name":..,"Err":null}]: a per-network error would be in Err */
        yajl_val root = NULL;
        if (pdc_http_json(&req, &resp, &root, NULL) == 0) {
            const char *e = pdc_json_str(pdc_json_array_at(root, 0), "Err", NULL);
            if (e && *e)
                rc = pdc_error_set(err, PODC_ESERVER, "DELETE /libpod/networks/%s: %s", name, e);
        }
        pdc_json_free(root);
    }
    pdc_http_response_free(&resp);
    pdc_buf_free(&p);
    return rc;
}

static const char *const connect_conflicts[] = { "already connected", "is not connected", NULL };

static int connect_common(podc_client *c, const char *network, const char *container, const char *verb,
                          const char *const *aliases, size_t n_aliases, int force, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    if (pdc_validate_name("network", network, err) < 0 || pdc_validate_name("container", container, err) < 0)
        return PODC_EINVAL;
    if (n_aliases && !aliases)
        return pdc_error_invalid(err, "aliases", "aliases is NULL but n_aliases is %zu", n_aliases);
    for (size_t i = 0; i < n_aliases; i++)
        if (pdc_validate_name("aliases", aliases[i], err) < 0)
            return PODC_EINVAL;

    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return pdc_error_oom(err);
    pdc_jgen_obj_open(&j);
    pdc_jgen_kstr(&j, "container", container);
    if (n_aliases) {
        pdc_jgen_str(&j, "aliases");
        pdc_jgen_arr_open(&j);
        for (size_t i = 0; i < n_aliases; i++)
            pdc_jgen_str(&j, aliases[i]);
        pdc_jgen_arr_close(&j);
    }
    if (force)
        pdc_jgen_kbool(&j, "force", 1);
    pdc_jgen_obj_close(&j);
    size_t len = 0;
    char *body = pdc_jgen_finish(&j, &len);
    pdc_buf p = PODC_BUF_INIT;
    if (!body || network_path(&p, network, verb, err) < 0) {
        free(body);
        pdc_buf_free(&p);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "POST", .path = p.data, .body = body, .body_len = len };
    pdc_http_response resp;
    int rc = pdc_resource_call(c, &req, &resp, container, connect_conflicts, err);
    pdc_http_response_free(&resp);
    pdc_buf_free(&p);
    free(body);
    return rc;
}

int podc_network_connect(podc_client *c, const char *network, const char *container, const char *const *aliases,
                         size_t n_aliases, podc_error **err)
{
    return connect_common(c, network, container, "/connect", aliases, n_aliases, 0, err);
}

int podc_network_disconnect(podc_client *c, const char *network, const char *container, unsigned flags,
                            podc_error **err)
{
    return connect_common(c, network, container, "/disconnect", NULL, 0, (flags & PODC_NETWORK_DISCONNECT_FORCE) != 0,
                          err);
}
