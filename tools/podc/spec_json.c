/*
 * spec_json.c - the run spec of `podc run SPEC.json`: a JSON object mapped onto the service
 * module's spec builder (podc/service.h). Schema in podc(1) and README.md. Parsed with
 * yajl_tree (the tool links yajl itself: libpodc exports only podc_*).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "tool.h"

#define SPEC_MAX_BYTES (4 * 1024 * 1024)

typedef struct parse {
    podc_service_spec *s;
    podc_image_pull_options *pull; /* "pull" and "tls_verify" */
    unsigned int *pull_flags;
    char *name;
    size_t name_len;
    char *base_dir; /* the spec file's directory, for relative paths */
    char *field;
    size_t field_len;
    char *msg;
    size_t msg_len;
} parse;

static int bad(parse *p, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(parse *p, const char *field, const char *fmt, ...)
{
    snprintf(p->field, p->field_len, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->msg, p->msg_len, fmt, ap);
    va_end(ap);
    return PODC_EINVAL;
}

/* A builder setter failed: name the field (the builder only refuses bad values or OOM). */
static int setter(parse *p, int rc, const char *field)
{
    if (rc == 0)
        return 0;
    if (rc == PODC_ENOMEM)
        return rc;
    return bad(p, field, "run spec: invalid value for \"%s\"", field);
}

static const char *str_of(yajl_val v)
{
    return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

static int int_of(parse *p, yajl_val v, const char *field, long long lo, long long hi, long long *out)
{
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < lo || YAJL_GET_INTEGER(v) > hi)
        return bad(p, field, "run spec: \"%s\" must be an integer in %lld..%lld", field, lo, hi);
    *out = YAJL_GET_INTEGER(v);
    return 0;
}

static int bool_of(parse *p, yajl_val v, const char *field, int *out)
{
    if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
        return bad(p, field, "run spec: \"%s\" must be true or false", field);
    *out = YAJL_IS_TRUE(v);
    return 0;
}

static int need_str(parse *p, yajl_val v, const char *field, const char **out)
{
    if (!str_of(v))
        return bad(p, field, "run spec: \"%s\" must be a string", field);
    *out = str_of(v);
    return 0;
}

/* Array of strings into a new NULL-terminated argv (entries borrowed from the tree). */
static int str_array(parse *p, yajl_val v, const char *field, const char ***out, size_t *n)
{
    if (!YAJL_IS_ARRAY(v))
        return bad(p, field, "run spec: \"%s\" must be an array of strings", field);
    size_t len = v->u.array.len;
    const char **a = calloc(len + 1, sizeof *a);
    if (!a)
        return PODC_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        if (!(a[i] = str_of(v->u.array.values[i]))) {
            free(a);
            return bad(p, field, "run spec: \"%s\" must be an array of strings", field);
        }
    }
    *out = a;
    *n = len;
    return 0;
}

/* Relative host paths are relative to the spec file's directory. New string. */
static char *resolve(parse *p, const char *path)
{
    if (path[0] == '/' || !p->base_dir)
        return strdup(path);
    size_t n = strlen(p->base_dir) + strlen(path) + 2;
    char *r = malloc(n);
    if (r)
        snprintf(r, n, "%s/%s", p->base_dir, path);
    return r;
}

typedef int (*kv_fn)(podc_service_spec *s, const char *k, const char *v, podc_error **err);

static int kv_object(parse *p, yajl_val v, const char *field, kv_fn fn, int secrets)
{
    if (!YAJL_IS_OBJECT(v))
        return bad(p, field, "run spec: \"%s\" must be an object of strings", field);
    for (size_t i = 0; i < v->u.object.len; i++) {
        const char *k = v->u.object.keys[i], *val = str_of(v->u.object.values[i]);
        if (!val)
            return bad(p, field, "run spec: \"%s.%s\" must be a string", field, k);
        if (secrets && podc_out_key_is_secret(k))
            podc_out_add_secret(val);
        int rc = setter(p, fn(p->s, k, val, NULL), field);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int do_build(parse *p, yajl_val v)
{
    if (!YAJL_IS_OBJECT(v))
        return bad(p, "build", "run spec: \"build\" must be an object {context, containerfile, args, always}");
    const char *ctx = NULL, *cf = NULL;
    int always = 0, rc = 0;
    for (size_t i = 0; i < v->u.object.len && rc == 0; i++) {
        const char *k = v->u.object.keys[i];
        yajl_val x = v->u.object.values[i];
        if (strcmp(k, "context") == 0)
            rc = need_str(p, x, "build.context", &ctx);
        else if (strcmp(k, "containerfile") == 0)
            rc = need_str(p, x, "build.containerfile", &cf);
        else if (strcmp(k, "always") == 0)
            rc = bool_of(p, x, "build.always", &always);
        else if (strcmp(k, "args") == 0)
            rc = kv_object(p, x, "build.args", podc_service_spec_add_build_arg, 1);
        else
            rc = bad(p, "build", "run spec: unknown key \"build.%s\"", k);
    }
    if (rc < 0)
        return rc;
    if (!ctx)
        return bad(p, "build.context", "run spec: \"build\" needs \"context\"");
    char *abs = resolve(p, ctx);
    if (!abs)
        return PODC_ENOMEM;
    rc = setter(p, podc_service_spec_set_build(p->s, abs, cf, always, NULL), "build");
    free(abs);
    return rc;
}

static int do_ports(parse *p, yajl_val v)
{
    if (!YAJL_IS_ARRAY(v))
        return bad(p, "ports", "run spec: \"ports\" must be an array of {container, host}");
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val x = v->u.array.values[i];
        long long cport = 0, hport = 0;
        int rc = 0;
        if (YAJL_IS_INTEGER(x)) { /* shorthand: 8080 = {container: 8080, host: 0} */
            rc = int_of(p, x, "ports", 1, 65535, &cport);
        } else if (YAJL_IS_OBJECT(x)) {
            const char *pc[] = { "container", NULL }, *ph[] = { "host", NULL };
            yajl_val c = yajl_tree_get(x, pc, yajl_t_any), h = yajl_tree_get(x, ph, yajl_t_any);
            if (!c)
                return bad(p, "ports", "run spec: every port needs \"container\"");
            rc = int_of(p, c, "ports.container", 1, 65535, &cport);
            if (rc == 0 && h)
                rc = int_of(p, h, "ports.host", 0, 65535, &hport);
            for (size_t k = 0; rc == 0 && k < x->u.object.len; k++)
                if (strcmp(x->u.object.keys[k], "container") && strcmp(x->u.object.keys[k], "host"))
                    rc = bad(p, "ports", "run spec: unknown key \"ports.%s\"", x->u.object.keys[k]);
        } else {
            rc = bad(p, "ports", "run spec: a port is a number or {container, host}");
        }
        if (rc == 0)
            rc = setter(p, podc_service_spec_add_port(p->s, (int)cport, (int)hport, NULL), "ports");
        if (rc < 0)
            return rc;
    }
    return 0;
}

enum mount_kind { VOLUME, BIND, TMPFS };

/* volumes [{name, destination, options[]}], mounts [{source, destination, options[]}] and
 * tmpfs [{destination, options[]}] */
static int do_mounts(parse *p, yajl_val v, enum mount_kind kind)
{
    static const char *const fields[] = { "volumes", "mounts", "tmpfs" };
    const char *field = fields[kind];
    int bind = kind == BIND;
    if (!YAJL_IS_ARRAY(v))
        return bad(p, field, "run spec: \"%s\" must be an array of objects", field);
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val x = v->u.array.values[i];
        if (!YAJL_IS_OBJECT(x))
            return bad(p, field, "run spec: every entry of \"%s\" must be an object", field);
        const char *src = NULL, *dst = NULL, **opts = NULL;
        size_t nopts = 0;
        int rc = 0;
        for (size_t k = 0; k < x->u.object.len && rc == 0; k++) {
            const char *key = x->u.object.keys[k];
            yajl_val y = x->u.object.values[k];
            if (kind != TMPFS && strcmp(key, bind ? "source" : "name") == 0) {
                if (!bind && YAJL_IS_NULL(y))
                    continue;
                rc = need_str(p, y, field, &src);
            } else if (strcmp(key, "destination") == 0) {
                rc = need_str(p, y, field, &dst);
            } else if (strcmp(key, "options") == 0 && !opts) {
                rc = str_array(p, y, field, &opts, &nopts);
            } else {
                rc = bad(p, field, "run spec: unknown key \"%s.%s\"", field, key);
            }
        }
        if (rc == 0 && (!dst || (bind && !src)))
            rc = bad(p, field, "run spec: every entry of \"%s\" needs %s\"destination\"", field,
                     bind ? "\"source\" and " : "");
        if (rc == 0) {
            if (bind) {
                char *abs = resolve(p, src);
                rc = abs ? setter(p, podc_service_spec_add_bind_mount(p->s, abs, dst, opts, nopts, NULL), field)
                         : PODC_ENOMEM;
                free(abs);
            } else if (kind == TMPFS) {
                rc = setter(p, podc_service_spec_add_tmpfs(p->s, dst, opts, nopts, NULL), field);
            } else {
                rc = setter(p, podc_service_spec_add_volume(p->s, src, dst, opts, nopts, NULL), field);
            }
        }
        free(opts);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ulimits: {"nofile": N | {"soft": N, "hard": N}, ...} (compose's form), set on the service's
 * container spec */
static int do_ulimits(parse *p, yajl_val v)
{
    if (!YAJL_IS_OBJECT(v))
        return bad(p, "ulimits", "run spec: \"ulimits\" must be an object of limits");
    for (size_t i = 0; i < v->u.object.len; i++) {
        const char *type = v->u.object.keys[i];
        yajl_val x = v->u.object.values[i];
        long long soft = -1, hard = -1;
        int rc = 0;
        if (YAJL_IS_OBJECT(x)) {
            for (size_t k = 0; rc == 0 && k < x->u.object.len; k++) {
                const char *key = x->u.object.keys[k];
                if (strcmp(key, "soft") == 0 || strcmp(key, "hard") == 0)
                    rc = int_of(p, x->u.object.values[k], "ulimits", 0, LLONG_MAX, key[0] == 's' ? &soft : &hard);
                else
                    rc = bad(p, "ulimits", "run spec: unknown key \"ulimits.%s.%s\"", type, key);
            }
            if (rc == 0 && (soft < 0 || hard < 0))
                rc = bad(p, "ulimits", "run spec: ulimit \"%s\" needs both \"soft\" and \"hard\"", type);
        } else {
            rc = int_of(p, x, "ulimits", 0, LLONG_MAX, &soft);
            hard = soft;
        }
        if (rc == 0 && soft > hard)
            rc = bad(p, "ulimits", "run spec: ulimit \"%s\": soft %lld above hard %lld", type, soft, hard);
        if (rc == 0)
            rc = setter(p,
                        podc_container_spec_add_rlimit(podc_service_spec_container(p->s), type, (uint64_t)soft,
                                                       (uint64_t)hard, NULL),
                        "ulimits");
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* hosts: ["name:ip", ...] or [{hostname, ip}, ...] */
static int do_hosts(parse *p, yajl_val v)
{
    if (!YAJL_IS_ARRAY(v))
        return bad(p, "hosts", "run spec: \"hosts\" must be an array");
    for (size_t i = 0; i < v->u.array.len; i++) {
        yajl_val x = v->u.array.values[i];
        int rc;
        if (str_of(x)) {
            const char *s = str_of(x), *colon = strchr(s, ':');
            if (!colon || colon == s)
                return bad(p, "hosts", "run spec: a host entry is \"hostname:ip\"");
            char *h = strndup(s, (size_t)(colon - s));
            rc = h ? setter(p, podc_service_spec_add_host(p->s, h, colon + 1, NULL), "hosts") : PODC_ENOMEM;
            free(h);
        } else if (YAJL_IS_OBJECT(x)) {
            const char *ph[] = { "hostname", NULL }, *pi[] = { "ip", NULL };
            const char *h = str_of(yajl_tree_get(x, ph, yajl_t_string)),
                       *ip = str_of(yajl_tree_get(x, pi, yajl_t_string));
            if (!h || !ip)
                return bad(p, "hosts", "run spec: a host entry needs \"hostname\" and \"ip\"");
            rc = setter(p, podc_service_spec_add_host(p->s, h, ip, NULL), "hosts");
        } else {
            return bad(p, "hosts", "run spec: a host entry is \"hostname:ip\" or {hostname, ip}");
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static yajl_val member(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    return NULL;
}

/* Every key of a check must be one of `allowed` (NULL-terminated). */
static int check_keys(parse *p, yajl_val c, const char *type, const char *const *allowed)
{
    for (size_t i = 0; i < c->u.object.len; i++) {
        const char *k = c->u.object.keys[i];
        int ok = strcmp(k, "type") == 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(k, *a) == 0;
        if (!ok)
            return bad(p, "checks", "run spec: unknown key \"%s\" in a %s check", k, type);
    }
    return 0;
}

static int one_check(parse *p, yajl_val c)
{
    if (!YAJL_IS_OBJECT(c) || !str_of(member(c, "type")))
        return bad(p, "checks", "run spec: every check is an object with a \"type\" (http, tcp, exec, log, podman)");
    const char *type = str_of(member(c, "type"));
    long long port = 0, status = 0, timeout = 0, times = 1;
    yajl_val v;
    int rc = 0;
    if (strcmp(type, "http") == 0) {
        static const char *const keys[] = { "port", "path", "status", "body", "timeout_ms", NULL };
        const char *path = "/", *body = NULL;
        rc = check_keys(p, c, type, keys);
        if (rc == 0)
            rc = (v = member(c, "port")) ? int_of(p, v, "checks.port", 1, 65535, &port)
                                         : bad(p, "checks", "run spec: an http check needs \"port\"");
        if (rc == 0 && (v = member(c, "path")))
            rc = need_str(p, v, "checks.path", &path);
        if (rc == 0 && (v = member(c, "status")))
            rc = int_of(p, v, "checks.status", 100, 599, &status);
        if (rc == 0 && (v = member(c, "body")))
            rc = need_str(p, v, "checks.body", &body);
        if (rc == 0 && (v = member(c, "timeout_ms")))
            rc = int_of(p, v, "checks.timeout_ms", 1, INT_MAX, &timeout);
        if (rc == 0)
            rc = setter(p, podc_service_spec_add_check_http(p->s, (int)port, path, (int)status, body, timeout, NULL),
                        "checks");
    } else if (strcmp(type, "tcp") == 0) {
        static const char *const keys[] = { "port", "send", "expect", "timeout_ms", NULL };
        const char *send = NULL, *expect = NULL;
        rc = check_keys(p, c, type, keys);
        if (rc == 0)
            rc = (v = member(c, "port")) ? int_of(p, v, "checks.port", 1, 65535, &port)
                                         : bad(p, "checks", "run spec: a tcp check needs \"port\"");
        if (rc == 0 && (v = member(c, "send")))
            rc = need_str(p, v, "checks.send", &send);
        if (rc == 0 && (v = member(c, "expect")))
            rc = need_str(p, v, "checks.expect", &expect);
        if (rc == 0 && (v = member(c, "timeout_ms")))
            rc = int_of(p, v, "checks.timeout_ms", 1, INT_MAX, &timeout);
        if (rc == 0 && (!send) != (!expect))
            rc = bad(p, "checks", "run spec: a tcp check has \"send\" and \"expect\" together, or neither");
        if (rc == 0)
            rc = setter(p, send ? podc_service_spec_add_check_tcp_exchange(p->s, (int)port, send, expect, timeout, NULL)
                                : podc_service_spec_add_check_tcp(p->s, (int)port, NULL),
                        "checks");
    } else if (strcmp(type, "exec") == 0) {
        static const char *const keys[] = { "command", "stdout", "timeout_ms", NULL };
        const char **argv = NULL, *out = NULL;
        size_t argc = 0;
        rc = check_keys(p, c, type, keys);
        if (rc == 0)
            rc = (v = member(c, "command")) ? str_array(p, v, "checks.command", &argv, &argc)
                                            : bad(p, "checks", "run spec: an exec check needs \"command\"");
        if (rc == 0 && argc == 0)
            rc = bad(p, "checks.command", "run spec: an exec check's \"command\" must not be empty");
        if (rc == 0 && (v = member(c, "stdout")))
            rc = need_str(p, v, "checks.stdout", &out);
        if (rc == 0 && (v = member(c, "timeout_ms")))
            rc = int_of(p, v, "checks.timeout_ms", 1, INT_MAX, &timeout);
        if (rc == 0)
            rc = setter(p, podc_service_spec_add_check_exec(p->s, argv, argc, out, timeout, NULL), "checks");
        free(argv);
    } else if (strcmp(type, "log") == 0) {
        static const char *const keys[] = { "regex", "times", NULL };
        const char *re = NULL;
        rc = check_keys(p, c, type, keys);
        if (rc == 0)
            rc = (v = member(c, "regex")) ? need_str(p, v, "checks.regex", &re)
                                          : bad(p, "checks", "run spec: a log check needs \"regex\"");
        if (rc == 0 && (v = member(c, "times")))
            rc = int_of(p, v, "checks.times", 1, INT_MAX, &times);
        if (rc == 0)
            rc = setter(p, podc_service_spec_add_check_log(p->s, re, (int)times, NULL), "checks");
    } else if (strcmp(type, "podman") == 0) {
        static const char *const keys[] = { "command", NULL };
        const char *cmd = NULL;
        rc = check_keys(p, c, type, keys);
        if (rc == 0 && (v = member(c, "command")) && !YAJL_IS_NULL(v))
            rc = need_str(p, v, "checks.command", &cmd);
        if (rc == 0)
            rc = setter(p, podc_service_spec_add_check_podman(p->s, cmd, NULL), "checks");
    } else {
        rc = bad(p, "checks", "run spec: unknown check type \"%s\" (http, tcp, exec, log, podman)", type);
    }
    return rc;
}

static int do_poll(parse *p, yajl_val v)
{
    long long initial = 0, max = 0;
    int rc;
    if (YAJL_IS_INTEGER(v)) { /* a fixed interval */
        rc = int_of(p, v, "poll_ms", 1, INT_MAX, &initial);
        max = initial;
    } else if (YAJL_IS_OBJECT(v) && member(v, "initial") && member(v, "max")) {
        rc = int_of(p, member(v, "initial"), "poll_ms.initial", 1, INT_MAX, &initial);
        if (rc == 0)
            rc = int_of(p, member(v, "max"), "poll_ms.max", initial, INT_MAX, &max);
    } else {
        return bad(p, "poll_ms", "run spec: \"poll_ms\" is a number or {initial, max}");
    }
    return rc < 0 ? rc : setter(p, podc_service_spec_set_poll_interval(p->s, initial, max, NULL), "poll_ms");
}

static int do_key(parse *p, const char *k, yajl_val v)
{
    const char *str = NULL, **argv = NULL;
    size_t n = 0;
    long long num = 0;
    int b = 0, rc;
    podc_service_spec *s = p->s;
    if (strcmp(k, "name") == 0) {
        if ((rc = need_str(p, v, k, &str)) < 0)
            return rc;
        snprintf(p->name, p->name_len, "%s", str);
        return setter(p, podc_service_spec_set_name(s, str, NULL), k);
    }
    if (strcmp(k, "image") == 0)
        return (rc = need_str(p, v, k, &str)) < 0 ? rc : setter(p, podc_service_spec_set_image(s, str, NULL), k);
    if (strcmp(k, "network") == 0)
        return (rc = need_str(p, v, k, &str)) < 0 ? rc : setter(p, podc_service_spec_set_network(s, str, NULL), k);
    if (strcmp(k, "session") == 0)
        return (rc = need_str(p, v, k, &str)) < 0 ? rc : setter(p, podc_service_spec_set_session(s, str, NULL), k);
    if (strcmp(k, "build") == 0)
        return do_build(p, v);
    if (strcmp(k, "ports") == 0)
        return do_ports(p, v);
    if (strcmp(k, "env") == 0)
        return kv_object(p, v, k, podc_service_spec_add_env, 1);
    if (strcmp(k, "labels") == 0)
        return kv_object(p, v, k, podc_service_spec_add_label, 0);
    if (strcmp(k, "volumes") == 0)
        return do_mounts(p, v, VOLUME);
    if (strcmp(k, "mounts") == 0)
        return do_mounts(p, v, BIND);
    if (strcmp(k, "tmpfs") == 0)
        return do_mounts(p, v, TMPFS);
    if (strcmp(k, "ulimits") == 0)
        return do_ulimits(p, v);
    if (strcmp(k, "user") == 0)
        return (rc = need_str(p, v, k, &str)) < 0 ? rc : setter(p, podc_service_spec_set_user(s, str, NULL), k);
    if (strcmp(k, "workdir") == 0)
        return (rc = need_str(p, v, k, &str)) < 0 ? rc : setter(p, podc_service_spec_set_workdir(s, str, NULL), k);
    if (strcmp(k, "hosts") == 0)
        return do_hosts(p, v);
    if (strcmp(k, "poll_ms") == 0)
        return do_poll(p, v);
    if (strcmp(k, "timeout_ms") == 0)
        return (rc = int_of(p, v, k, 1, INT64_MAX / 2, &num)) < 0
                   ? rc
                   : setter(p, podc_service_spec_set_startup_timeout(s, num, NULL), k);
    if (strcmp(k, "pull") == 0) {
        podc_image_pull_policy policy;
        if ((rc = need_str(p, v, k, &str)) < 0)
            return rc;
        if (podc_image_pull_policy_from_name(str, &policy) < 0)
            return bad(p, k, "run spec: \"pull\" must be \"missing\", \"always\", \"newer\" or \"never\"");
        return setter(p, podc_image_pull_options_set_policy(p->pull, policy, NULL), k);
    }
    if (strcmp(k, "tls_verify") == 0) {
        if ((rc = bool_of(p, v, k, &b)) < 0)
            return rc;
        *p->pull_flags = b ? *p->pull_flags & ~PODC_IMAGE_PULL_TLS_NO_VERIFY
                           : *p->pull_flags | PODC_IMAGE_PULL_TLS_NO_VERIFY;
        return 0;
    }
    if (strcmp(k, "keep_on_failure") == 0)
        return (rc = bool_of(p, v, k, &b)) < 0 ? rc : setter(p, podc_service_spec_set_keep_on_failure(s, b, NULL), k);
    if (strcmp(k, "command") == 0) {
        if ((rc = str_array(p, v, k, &argv, &n)) < 0)
            return rc;
        rc = n ? setter(p, podc_service_spec_set_command(s, argv, n, NULL), k)
               : bad(p, k, "run spec: \"command\" must not be empty");
        free(argv);
        return rc;
    }
    if (strcmp(k, "entrypoint") == 0) { /* [] clears the image's */
        if ((rc = str_array(p, v, k, &argv, &n)) < 0)
            return rc;
        rc = setter(p, podc_service_spec_set_entrypoint(s, argv, n, NULL), k);
        free(argv);
        return rc;
    }
    if (strcmp(k, "aliases") == 0 || strcmp(k, "depends_on") == 0) {
        if ((rc = str_array(p, v, k, &argv, &n)) < 0)
            return rc;
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = setter(p,
                        k[0] == 'a' ? podc_service_spec_add_network_alias(s, argv[i], NULL)
                                    : podc_service_spec_add_depends_on(s, argv[i], NULL),
                        k);
        free(argv);
        return rc;
    }
    if (strcmp(k, "checks") == 0) {
        if (!YAJL_IS_ARRAY(v))
            return bad(p, k, "run spec: \"checks\" must be an array");
        for (size_t i = 0; i < v->u.array.len; i++)
            if ((rc = one_check(p, v->u.array.values[i])) < 0)
                return rc;
        return 0;
    }
    /* an empty key still needs a field to name (a fuzz finding): the spec itself */
    return bad(p, *k ? k : "spec", "run spec: unknown key \"%s\"", k);
}

/* ---- a first pass with yajl's event parser, which sees string lengths: yajl_tree would cut a
 * string at an escaped \u0000 without a word, and frees deep trees recursively ---- */

#define SPEC_MAX_DEPTH 32

typedef struct scan {
    char path[SPEC_MAX_DEPTH][64]; /* the key at each object level */
    int depth;
    char bad_field[256];
    const char *problem;
} scan;

static void scan_field(scan *sc)
{
    sc->bad_field[0] = '\0';
    for (int i = 0; i < sc->depth && i < SPEC_MAX_DEPTH; i++) {
        if (!sc->path[i][0])
            continue;
        size_t n = strlen(sc->bad_field);
        snprintf(sc->bad_field + n, sizeof sc->bad_field - n, "%s%s", n ? "." : "", sc->path[i]);
    }
    if (!sc->bad_field[0])
        snprintf(sc->bad_field, sizeof sc->bad_field, "spec");
}

static int scan_string(void *ud, const unsigned char *s, size_t len)
{
    scan *sc = ud;
    if (memchr(s, '\0', len)) {
        scan_field(sc);
        sc->problem = "holds a NUL character (\\u0000)";
        return 0;
    }
    return 1;
}

static int scan_key(void *ud, const unsigned char *k, size_t len)
{
    scan *sc = ud;
    if (sc->depth > 0 && sc->depth <= SPEC_MAX_DEPTH)
        snprintf(sc->path[sc->depth - 1], sizeof sc->path[0], "%.*s", (int)len, (const char *)k);
    if (memchr(k, '\0', len)) {
        scan_field(sc);
        sc->problem = "is a key with a NUL character (\\u0000)";
        return 0;
    }
    return 1;
}

static int scan_open(void *ud)
{
    scan *sc = ud;
    if (++sc->depth > SPEC_MAX_DEPTH) {
        scan_field(sc);
        sc->problem = "nests too deeply";
        return 0;
    }
    sc->path[sc->depth - 1][0] = '\0';
    return 1;
}

static int scan_close(void *ud)
{
    ((scan *)ud)->depth--;
    return 1;
}

static const yajl_callbacks scan_callbacks = {
    .yajl_string = scan_string, .yajl_map_key = scan_key,   .yajl_start_map = scan_open,
    .yajl_end_map = scan_close, .yajl_start_array = scan_open, .yajl_end_array = scan_close,
};

/* 0, or PODC_EINVAL with field and msg set (a syntax error is left to the tree parser). */
static int scan_text(parse *p, const char *path, const char *text)
{
    scan sc = { .depth = 0 };
    yajl_handle h = yajl_alloc(&scan_callbacks, NULL, &sc);
    if (!h)
        return PODC_ENOMEM;
    yajl_config(h, yajl_allow_comments, 1); /* as yajl_tree_parse does: the same document */
    yajl_parse(h, (const unsigned char *)text, strlen(text));
    yajl_complete_parse(h);
    yajl_free(h);
    if (!sc.problem)
        return 0;
    return bad(p, sc.bad_field, "run spec %s: \"%s\" %s", path, sc.bad_field, sc.problem);
}

/* NULL with *rc PODC_EINVAL (no such file, too large) or PODC_EFILE (the OS refused it). */
static char *read_file(const char *path, char *msg, size_t msg_len, int *rc)
{
    *rc = PODC_EINVAL;
    FILE *f = strcmp(path, "-") == 0 ? fdopen(dup(0), "r") : fopen(path, "r");
    if (!f) {
        int e = errno;
        snprintf(msg, msg_len, "cannot open run spec %s: %s", path, strerror(e));
        if (e != ENOENT && e != ENOTDIR)
            *rc = PODC_EFILE;
        return NULL;
    }
    char *buf = malloc(SPEC_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, SPEC_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf || n > SPEC_MAX_BYTES) {
        snprintf(msg, msg_len, "run spec %s is too large", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

int podc_spec_from_json_file(const char *path, podc_service_spec **out, podc_image_pull_options *pull,
                             unsigned int *pull_flags, char *name, size_t name_len, char *field, size_t field_len,
                             char *msg, size_t msg_len)
{
    parse p = { .pull = pull, .pull_flags = pull_flags, .name = name, .name_len = name_len, .field = field, .field_len = field_len, .msg = msg,
                .msg_len = msg_len };
    name[0] = '\0';
    snprintf(field, field_len, "spec");
    int rrc;
    char *text = read_file(path, msg, msg_len, &rrc);
    if (!text)
        return rrc;
    int src = scan_text(&p, path, text);
    if (src < 0) {
        free(text);
        return src;
    }
    char errbuf[256] = "";
    yajl_val root = yajl_tree_parse(text, errbuf, sizeof errbuf);
    free(text);
    if (!root) {
        char *nl = strchr(errbuf, '\n');
        if (nl)
            *nl = '\0';
        snprintf(msg, msg_len, "run spec %s is not valid JSON: %s", path, errbuf);
        return PODC_EINVAL;
    }
    int rc = 0;
    if (!YAJL_IS_OBJECT(root))
        rc = bad(&p, "spec", "run spec %s must be a JSON object", path);
    /* relative paths are relative to the spec's directory */
    char *absdir = NULL;
    if (rc == 0) {
        /* "-" (stdin): relative to the working directory */
        char *slash = strcmp(path, "-") == 0 ? NULL : strrchr(path, '/');
        char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
        if (dir && !*dir) {
            free(dir);
            dir = strdup("/");
        }
        absdir = dir ? realpath(dir, NULL) : NULL;
        free(dir);
        p.base_dir = absdir;
    }
    if (rc == 0 && !(p.s = podc_service_spec_new()))
        rc = PODC_ENOMEM;
    if (rc == 0 && !member(root, "name"))
        rc = bad(&p, "name", "run spec: \"name\" is required");
    if (rc == 0 && !member(root, "image"))
        rc = bad(&p, "image", "run spec: \"image\" is required");
    /* two passes: the network first, so that aliases may come before it in the file */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; rc == 0 && i < root->u.object.len; i++)
            if ((strcmp(root->u.object.keys[i], "network") == 0) == (pass == 0))
                rc = do_key(&p, root->u.object.keys[i], root->u.object.values[i]);
    free(absdir);
    yajl_tree_free(root);
    if (rc < 0) {
        if (rc == PODC_ENOMEM)
            snprintf(msg, msg_len, "out of memory");
        podc_service_spec_free(p.s);
        return rc;
    }
    *out = p.s;
    return 0;
}
