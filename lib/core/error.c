#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "core/json.h"

static podc_error oom_error = { .code = PODC_ENOMEM, .message = (char *)"out of memory" };

static const struct {
    int code;
    const char *name;
    const char *text;
} categories[] = {
    { PODC_OK, "ok", "success" },
    { PODC_ETRANSPORT, "transport", "cannot reach the podman service" },
    { PODC_ETIMEOUT, "timeout", "timed out" },
    { PODC_ENOTFOUND, "not_found", "not found" },
    { PODC_ECONFLICT, "conflict", "conflict" },
    { PODC_EINVAL, "invalid_input", "invalid input" },
    { PODC_ESERVER, "server", "podman service error" },
    { PODC_EPROTOCOL, "protocol", "unexpected reply from the service" },
    { PODC_EHEALTH, "health_check", "health check failed" },
    { PODC_ECANCELLED, "cancelled", "cancelled" },
    { PODC_ENOMEM, "out_of_memory", "out of memory" },
    { PODC_EBUILD, "build", "image build failed" },
    { PODC_EUNSUPPORTED, "unsupported", "unsupported server version" },
    { PODC_EMIGRATION, "migration", "database migration failed" },
    { PODC_EAUTH, "auth", "registry authentication failed" },
    { PODC_EFILE, "local_file", "local file error" },
};

const char *podc_strerror(int code)
{
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (categories[i].code == code)
            return categories[i].text;
    return "unknown error";
}

const char *podc_error_code_name(int code)
{
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        if (categories[i].code == code)
            return categories[i].name;
    return "unknown";
}

__attribute__((format(printf, 2, 0))) static podc_error *vnew(int code, const char *fmt, va_list ap)
{
    podc_error *e = calloc(1, sizeof *e);
    if (!e)
        return &oom_error;
    e->code = code;
    pdc_buf b = PODC_BUF_INIT;
    if (pdc_buf_vprintf(&b, fmt, ap) < 0) {
        free(e);
        pdc_buf_free(&b);
        return &oom_error;
    }
    e->message = pdc_buf_detach(&b);
    if (!e->message) {
        free(e);
        return &oom_error;
    }
    return e;
}

podc_error *pdc_error_new(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    podc_error *e = vnew(code, fmt, ap);
    va_end(ap);
    return e;
}

int pdc_error_put(podc_error **err, podc_error *e)
{
    int code = e ? e->code : PODC_ENOMEM;
    if (err) {
        podc_error_free(*err);
        *err = e;
    } else {
        podc_error_free(e);
    }
    return code;
}

int pdc_error_set(podc_error **err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    va_list ap;
    va_start(ap, fmt);
    podc_error *e = vnew(code, fmt, ap);
    va_end(ap);
    return pdc_error_put(err, e);
}

int pdc_error_oom(podc_error **err)
{
    return pdc_error_set(err, PODC_ENOMEM, "out of memory");
}

int pdc_error_invalid(podc_error **err, const char *field, const char *fmt, ...)
{
    if (!err)
        return PODC_EINVAL;
    va_list ap;
    va_start(ap, fmt);
    podc_error *e = vnew(PODC_EINVAL, fmt, ap);
    va_end(ap);
    pdc_error_add_detail(e, "field", field);
    return pdc_error_put(err, e);
}

/* podc_<builder>_set_<field> / _add_<field> -> <field> */
static const char *setter_field(const char *setter)
{
    const char *set = strstr(setter, "_set_"), *add = strstr(setter, "_add_");
    const char *p = set && (!add || set < add) ? set : add;
    return p && p[5] ? p + 5 : "value";
}

int pdc_setter_result(podc_error **err, const char *setter, int code)
{
    if (code >= 0 || !err)
        return code;
    if (code == PODC_ENOMEM)
        return pdc_error_oom(err);
    podc_error *e = pdc_error_new(code, "%s: %s", setter, podc_strerror(code));
    if (e && code == PODC_EINVAL)
        pdc_error_add_detail(e, "field", setter_field(setter));
    return pdc_error_put(err, e);
}

__attribute__((format(printf, 4, 0))) static podc_error *vlocal(int errnum, const char *field, const char *path,
                                                                const char *fmt,
                                                            va_list ap)
{
    int code = field && (errnum == ENOENT || errnum == ENOTDIR) ? PODC_EINVAL : PODC_EFILE;
    if (errnum == ENOMEM)
        code = PODC_ENOMEM;
    char what[512];
    vsnprintf(what, sizeof what, fmt, ap);
    podc_error *e = pdc_error_new(code, "%s: %s", what, strerror(errnum));
    pdc_error_add_detail(e, "path", path);
    const char *name = strerrorname_np(errnum);
    pdc_error_add_detail(e, "errno", name ? name : "unknown");
    if (field)
        pdc_error_add_detail(e, "field", field);
    return e;
}

podc_error *pdc_error_local(int errnum, const char *field, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    podc_error *e = vlocal(errnum, field, path, fmt, ap);
    va_end(ap);
    return e;
}

int pdc_error_set_local(podc_error **err, int errnum, const char *field, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    podc_error *e = vlocal(errnum, field, path, fmt, ap);
    va_end(ap);
    return pdc_error_put(err, e);
}

static void replace(char **slot, const char *val)
{
    char *copy = val ? strdup(val) : NULL;
    free(*slot);
    *slot = copy;
}

void pdc_error_set_request(podc_error *e, const char *method, const char *path_and_query)
{
    if (!e || e == &oom_error)
        return;
    replace(&e->method, method);
    free(e->path);
    e->path = NULL;
    if (path_and_query) /* never keep the query: filters and build args may carry secrets */
        e->path = strndup(path_and_query, strcspn(path_and_query, "?"));
}

void pdc_error_set_server(podc_error *e, int http_status, const char *cause, const char *message)
{
    if (!e || e == &oom_error)
        return;
    e->http_status = http_status;
    replace(&e->cause, cause);
    replace(&e->server_message, message);
}

void pdc_error_set_container(podc_error *e, const char *name, const char *id)
{
    if (!e || e == &oom_error)
        return;
    if (name)
        replace(&e->container, name);
    if (id)
        replace(&e->container_id, id);
}

void pdc_error_set_exit_code(podc_error *e, int code)
{
    if (!e || e == &oom_error)
        return;
    e->has_exit_code = 1;
    e->exit_code = code;
}

void pdc_error_set_log_tail(podc_error *e, const char *tail)
{
    if (!e || e == &oom_error)
        return;
    replace(&e->log_tail, tail);
}

void pdc_error_add_detail(podc_error *e, const char *key, const char *val)
{
    if (!e || e == &oom_error || !key || !val)
        return;
    for (size_t i = 0; i < e->ndetails; i++) {
        if (strcmp(e->details[i].key, key) == 0) {
            replace(&e->details[i].val, val);
            return;
        }
    }
    if (e->ndetails == PODC_ERROR_MAX_DETAILS)
        return;
    char *k = strdup(key), *v = strdup(val);
    if (!k || !v) {
        free(k);
        free(v);
        return;
    }
    e->details[e->ndetails].key = k;
    e->details[e->ndetails].val = v;
    e->ndetails++;
}

void pdc_error_prefix(podc_error *e, const char *fmt, ...)
{
    if (!e || e == &oom_error)
        return;
    pdc_buf b = PODC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = pdc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc == 0 && pdc_buf_printf(&b, ": %s", e->message) == 0) {
        free(e->message);
        e->message = pdc_buf_detach(&b);
    }
    pdc_buf_free(&b);
}

int podc_error_code(const podc_error *e) { return e ? e->code : PODC_OK; }
const char *podc_error_message(const podc_error *e) { return e ? e->message : NULL; }
int podc_error_http_status(const podc_error *e) { return e ? e->http_status : 0; }
const char *podc_error_cause(const podc_error *e) { return e ? e->cause : NULL; }
const char *podc_error_server_message(const podc_error *e) { return e ? e->server_message : NULL; }
const char *podc_error_method(const podc_error *e) { return e ? e->method : NULL; }
const char *podc_error_path(const podc_error *e) { return e ? e->path : NULL; }
const char *podc_error_container(const podc_error *e) { return e ? e->container : NULL; }
const char *podc_error_container_id(const podc_error *e) { return e ? e->container_id : NULL; }
const char *podc_error_log_tail(const podc_error *e) { return e ? e->log_tail : NULL; }

int podc_error_exit_code(const podc_error *e, int *out)
{
    if (!e || !e->has_exit_code)
        return 0;
    if (out)
        *out = e->exit_code;
    return 1;
}

const char *podc_error_detail(const podc_error *e, const char *key)
{
    if (!e || !key)
        return NULL;
    for (size_t i = 0; i < e->ndetails; i++)
        if (strcmp(e->details[i].key, key) == 0)
            return e->details[i].val;
    return NULL;
}

size_t podc_error_detail_count(const podc_error *e)
{
    return e ? e->ndetails : 0;
}

const char *podc_error_detail_key_at(const podc_error *e, size_t i)
{
    return e && i < e->ndetails ? e->details[i].key : NULL;
}

const char *podc_error_detail_value_at(const podc_error *e, size_t i)
{
    return e && i < e->ndetails ? e->details[i].val : NULL;
}

char *podc_error_to_json(const podc_error *e)
{
    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return NULL;
    pdc_jgen_obj_open(&j);
    int code = podc_error_code(e);
    pdc_jgen_kstr(&j, "category", podc_error_code_name(code));
    pdc_jgen_kint(&j, "code", code);
    pdc_jgen_kstr(&j, "message", e ? e->message : "");
    if (e && e->http_status)
        pdc_jgen_kint(&j, "http_status", e->http_status);
    if (e && e->cause)
        pdc_jgen_kstr(&j, "cause", e->cause);
    if (e && e->server_message)
        pdc_jgen_kstr(&j, "server_message", e->server_message);
    if (e && e->method) {
        pdc_jgen_str(&j, "request");
        pdc_jgen_obj_open(&j);
        pdc_jgen_kstr(&j, "method", e->method);
        pdc_jgen_kstr(&j, "path", e->path);
        pdc_jgen_obj_close(&j);
    }
    if (e && e->container)
        pdc_jgen_kstr(&j, "container", e->container);
    if (e && e->container_id)
        pdc_jgen_kstr(&j, "container_id", e->container_id);
    if (e && e->has_exit_code)
        pdc_jgen_kint(&j, "exit_code", e->exit_code);
    if (e && e->log_tail)
        pdc_jgen_kstr(&j, "log_tail", e->log_tail);
    if (e && e->ndetails) {
        pdc_jgen_str(&j, "details");
        pdc_jgen_obj_open(&j);
        for (size_t i = 0; i < e->ndetails; i++)
            pdc_jgen_kstr(&j, e->details[i].key, e->details[i].val);
        pdc_jgen_obj_close(&j);
    }
    pdc_jgen_obj_close(&j);
    return pdc_jgen_finish(&j, NULL);
}

void podc_error_free(podc_error *e)
{
    if (!e || e == &oom_error)
        return;
    free(e->message);
    free(e->cause);
    free(e->server_message);
    free(e->method);
    free(e->path);
    free(e->container);
    free(e->container_id);
    free(e->log_tail);
    for (size_t i = 0; i < e->ndetails; i++) {
        free(e->details[i].key);
        free(e->details[i].val);
    }
    free(e);
}

void podc_free(void *ptr)
{
    free(ptr);
}

const char *podc_library_version(void)
{
    return PACKAGE_VERSION;
}
