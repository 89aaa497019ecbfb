/* service.c - one compose service to a stack member: its keys, one by one (see podc/compose.h
 * for what is read). */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose/compose-private.h"
#include "core/error-private.h"

#define DEFAULT_STARTUP_MS 60000
/* compose's healthcheck defaults */
#define HC_INTERVAL_MS 30000
#define HC_TIMEOUT_MS 30000
#define HC_RETRIES 3

typedef struct svc_ctx {
    pdc_compose_ctx *x;
    const char *name;
    podc_service_spec *spec;
    podc_stack_spec *stack;
    char path[300];          /* "services.<name>" */
} svc_ctx;

/* A key path for messages ("services.web.ports[0]"); cut when too long. */
static void keypath(char *out, size_t sz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void keypath(char *out, size_t sz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, sz, fmt, ap);
    va_end(ap);
}

static const char *at(svc_ctx *s, const char *key)
{
    static __thread char buf[400];
    snprintf(buf, sizeof buf, "%s.%s", s->path, key);
    return buf;
}

static const char *at_i(svc_ctx *s, const char *key, size_t i)
{
    static __thread char buf[400];
    snprintf(buf, sizeof buf, "%s.%s[%zu]", s->path, key, i);
    return buf;
}

static int oom_if(svc_ctx *s, int rc)
{
    return rc == PODC_ENOMEM ? pdc_error_oom(s->x->err) : rc;
}

/* A string split as a shell would (quotes, backslashes), without running one. */
static int shell_split(const char *text, pdc_strv *out)
{
    size_t len = strlen(text);
    char *word = malloc(len + 1);
    if (!word)
        return PODC_ENOMEM;
    const char *p = text;
    int rc = 0;
    while (rc == 0) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        size_t n = 0;
        char q = 0;
        for (; *p && (q || !isspace((unsigned char)*p)); p++) {
            if (q == '\'') {
                if (*p == '\'')
                    q = 0;
                else
                    word[n++] = *p;
            } else if (q == '"') {
                if (*p == '"')
                    q = 0;
                else if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$'))
                    word[n++] = *++p;
                else
                    word[n++] = *p;
            } else if (*p == '\'' || *p == '"') {
                q = *p;
            } else if (*p == '\\' && p[1]) {
                word[n++] = *++p;
            } else {
                word[n++] = *p;
            }
        }
        if (q) {
            rc = PODC_EINVAL;
            break;
        }
        word[n] = '\0';
        rc = pdc_strv_push(out, word);
    }
    free(word);
    return rc;
}

/* command / entrypoint / healthcheck test: a string (split) or a list. */
static int argv_of(svc_ctx *s, const pdc_ynode *n, const char *path, pdc_strv *out)
{
    if (n->kind == PODC_YN_SCALAR) {
        char *t = NULL;
        int rc = pdc_compose_str(s->x, n, path, 0, &t);
        if (rc == 0 && (rc = shell_split(t, out)) == PODC_EINVAL)
            rc = pdc_compose_bad(s->x, n, path, "unbalanced quotes in \"%s\"", t);
        free(t);
        return oom_if(s, rc);
    }
    if (n->kind != PODC_YN_SEQ)
        return pdc_compose_bad(s->x, n, path, "must be a string or a list of strings");
    for (size_t i = 0; i < n->n; i++) {
        char *t = NULL;
        char p[400];
        keypath(p, sizeof p, "%s[%zu]", path, i);
        int rc = pdc_compose_str(s->x, n->items[i], p, 0, &t);
        if (rc == 0)
            rc = oom_if(s, pdc_strv_push(out, t));
        free(t);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* "1m30s", "10s", "500ms", "2h", or a bare number of seconds -> ms; -1 when it is not one. */
static long long duration_ms(const char *t)
{
    if (!*t)
        return -1;
    long long total = 0;
    const char *p = t;
    while (*p) {
        char *end = NULL;
        double v = strtod(p, &end);
        if (end == p || v < 0)
            return -1;
        p = end;
        double unit = 1000;
        if (strncmp(p, "ms", 2) == 0)
            unit = 1, p += 2;
        else if (strncmp(p, "us", 2) == 0)
            unit = 0.001, p += 2;
        else if (*p == 'h')
            unit = 3600000, p++;
        else if (*p == 'm')
            unit = 60000, p++;
        else if (*p == 's')
            p++;
        else if (*p)
            return -1;
        total += (long long)(v * unit);
    }
    return total;
}

static int dur(svc_ctx *s, const pdc_ynode *n, const char *path, long long *out)
{
    char *t = NULL;
    int rc = pdc_compose_str(s->x, n, path, 0, &t);
    if (rc == 0 && (*out = duration_ms(t)) < 0)
        rc = pdc_compose_bad(s->x, n, path, "\"%s\" is not a duration (10s, 1m30s, 500ms)", t);
    free(t);
    return rc;
}

static int parse_int(const char *t, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(t, &end, 10);
    if (!*t || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* ---- environment ---- */

static int environment(svc_ctx *s, const pdc_ynode *n)
{
    const char *path = at(s, "environment");
    if (n->kind == PODC_YN_MAP) {
        for (size_t i = 0; i < n->n; i++) {
            char *v = NULL;
            char p[400];
            keypath(p, sizeof p, "%s.%s", path, n->keys[i]);
            int rc = pdc_compose_str(s->x, n->items[i], p, 1, &v);
            if (rc == 0 && !v) { /* KEY: with no value: from the environment, or not set */
                const char *e = pdc_compose_lookup(n->keys[i], s->x);
                rc = e ? oom_if(s, podc_service_spec_add_env(s->spec, n->keys[i], e, NULL)) : 0;
            } else if (rc == 0) {
                rc = oom_if(s, podc_service_spec_add_env(s->spec, n->keys[i], v, NULL));
            }
            free(v);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    if (n->kind != PODC_YN_SEQ)
        return pdc_compose_bad(s->x, n, path, "must be a mapping or a list of KEY=VALUE");
    for (size_t i = 0; i < n->n; i++) {
        char *t = NULL;
        int rc = pdc_compose_str(s->x, n->items[i], at_i(s, "environment", i), 0, &t);
        if (rc == 0) {
            char *eq = strchr(t, '=');
            if (eq) {
                *eq = '\0';
                rc = oom_if(s, podc_service_spec_add_env(s->spec, t, eq + 1, NULL));
            } else {
                const char *e = pdc_compose_lookup(t, s->x);
                rc = e ? oom_if(s, podc_service_spec_add_env(s->spec, t, e, NULL)) : 0;
            }
        }
        free(t);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static char *resolve(svc_ctx *s, const char *p)
{
    char *out = NULL;
    if (p[0] == '/')
        return strdup(p);
    if (p[0] == '~' && (p[1] == '/' || !p[1])) {
        const char *home = getenv("HOME");
        return asprintf(&out, "%s%s", home ? home : "", p + 1) < 0 ? NULL : out;
    }
    if (p[0] == '.' && p[1] == '/')
        p += 2;
    else if (p[0] == '.' && !p[1])
        p++;
    return asprintf(&out, "%s%s%s", s->x->dir, *p ? "/" : "", p) < 0 ? NULL : out;
}

static int env_files(svc_ctx *s, const pdc_ynode *n)
{
    const char *path = at(s, "env_file");
    size_t count = n->kind == PODC_YN_SEQ ? n->n : 1;
    for (size_t i = 0; i < count; i++) {
        const pdc_ynode *item = n->kind == PODC_YN_SEQ ? n->items[i] : n;
        int required = 1;
        if (item->kind == PODC_YN_MAP) { /* long form: path, required */
            const pdc_ynode *r = pdc_ynode_get(item, "required");
            required = !(r && r->kind == PODC_YN_SCALAR && pdc_yaml_bool(r->str) == 0);
            item = pdc_ynode_get(item, "path");
        }
        char *rel = NULL;
        int rc = pdc_compose_str(s->x, item, path, 0, &rel);
        char *file = rc == 0 ? resolve(s, rel) : NULL;
        pdc_kvlist kv = PODC_KVLIST_INIT;
        if (rc == 0 && !file)
            rc = pdc_error_oom(s->x->err);
        if (rc == 0)
            rc = pdc_compose_env_file(s->x, file, required, &kv);
        for (size_t k = 0; rc == 0 && k < kv.n; k++)
            rc = oom_if(s, podc_service_spec_add_env(s->spec, kv.keys[k], kv.vals[k], NULL));
        pdc_kvlist_clear(&kv);
        free(rel);
        free(file);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- ports ---- */

/* "a" or "a-b" -> range; 0 on success */
static int port_range(const char *t, long *lo, long *hi)
{
    const char *dash = strchr(t, '-');
    char a[16], b[16];
    if (!dash) {
        if (strlen(t) >= sizeof a)
            return -1;
        return parse_int(t, 1, 65535, lo) == 0 ? (*hi = *lo, 0) : -1;
    }
    if ((size_t)(dash - t) >= sizeof a || strlen(dash + 1) >= sizeof b)
        return -1;
    snprintf(a, sizeof a, "%.*s", (int)(dash - t), t);
    snprintf(b, sizeof b, "%s", dash + 1);
    return parse_int(a, 1, 65535, lo) == 0 && parse_int(b, 1, 65535, hi) == 0 && *hi >= *lo ? 0 : -1;
}

static int port_short(svc_ctx *s, const pdc_ynode *n, const char *path, char *t)
{
    char *proto = strchr(t, '/');
    if (proto) {
        *proto++ = '\0';
        if (strcmp(proto, "tcp") != 0)
            return pdc_compose_unsupported(s->x, n, path, "only tcp ports are published: this one is skipped");
    }
    /* [IP:][HOST:]CONTAINER: split at the last two colons (an IPv6 address is bracketed) */
    char *ip = NULL, *host = NULL, *cont = t;
    char *c2 = strrchr(t, ':');
    if (c2) {
        *c2 = '\0';
        cont = c2 + 1;
        host = t;
        char *c1 = t[0] == '[' ? strstr(t, "]:") : strrchr(t, ':');
        if (c1) {
            if (*c1 == ']')
                *c1++ = '\0', ip = t + 1;
            else
                ip = t;
            *c1 = '\0';
            host = c1 + 1;
        }
    }
    long clo, chi, hlo = 0, hhi = 0;
    if (port_range(cont, &clo, &chi) < 0 || (host && *host && port_range(host, &hlo, &hhi) < 0))
        return pdc_compose_bad(s->x, n, path, "\"%s\" is not a port mapping (C, H:C, IP:H:C, H1-H2:C1-C2)", n->str);
    if (host && *host && hhi - hlo != chi - clo)
        return pdc_compose_bad(s->x, n, path, "the host and container ranges differ in length");
    for (long p = clo; p <= chi; p++) {
        int rc = podc_service_spec_add_port_on(s->spec, (int)p, host && *host ? (int)(hlo + (p - clo)) : 0, ip, NULL);
        if (rc < 0)
            return oom_if(s, rc);
    }
    return 0;
}

static int ports(svc_ctx *s, const pdc_ynode *n)
{
    if (n->kind != PODC_YN_SEQ)
        return pdc_compose_bad(s->x, n, at(s, "ports"), "must be a list");
    for (size_t i = 0; i < n->n; i++) {
        const pdc_ynode *it = n->items[i];
        char path[400];
        snprintf(path, sizeof path, "%s", at_i(s, "ports", i));
        int rc;
        if (it->kind == PODC_YN_MAP) { /* long form: target, published, host_ip, protocol */
            char *target = NULL, *published = NULL, *ip = NULL, *proto = NULL;
            const pdc_ynode *tn = pdc_ynode_get(it, "target"), *pn = pdc_ynode_get(it, "published"),
                             *in = pdc_ynode_get(it, "host_ip"), *prn = pdc_ynode_get(it, "protocol");
            long tp = 0, pp = 0;
            rc = pdc_compose_str(s->x, tn, path, 0, &target);
            if (rc == 0 && pn)
                rc = pdc_compose_str(s->x, pn, path, 1, &published);
            if (rc == 0 && in)
                rc = pdc_compose_str(s->x, in, path, 1, &ip);
            if (rc == 0 && prn)
                rc = pdc_compose_str(s->x, prn, path, 1, &proto);
            if (rc == 0 && (parse_int(target, 1, 65535, &tp) < 0 ||
                            (published && parse_int(published, 0, 65535, &pp) < 0)))
                rc = pdc_compose_bad(s->x, it, path, "target and published must be port numbers");
            if (rc == 0 && proto && strcmp(proto, "tcp") != 0)
                rc = pdc_compose_unsupported(s->x, it, path, "only tcp ports are published: this one is skipped");
            else if (rc == 0)
                rc = oom_if(s, podc_service_spec_add_port_on(s->spec, (int)tp, (int)pp, ip, NULL));
            free(target), free(published), free(ip), free(proto);
        } else {
            char *t = NULL;
            rc = pdc_compose_str(s->x, it, path, 0, &t);
            if (rc == 0)
                rc = port_short(s, it, path, t);
            free(t);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- volumes ---- */

static int mount_options(svc_ctx *s, const pdc_ynode *n, const char *path, const char *mode, pdc_strv *opts)
{
    char *copy = strdup(mode);
    if (!copy)
        return pdc_error_oom(s->x->err);
    int rc = 0;
    for (char *save = NULL, *o = strtok_r(copy, ",", &save); rc == 0 && o; o = strtok_r(NULL, ",", &save)) {
        if (strcmp(o, "ro") == 0 || strcmp(o, "rw") == 0 || strcmp(o, "z") == 0 || strcmp(o, "Z") == 0)
            rc = oom_if(s, pdc_strv_push(opts, o));
        else {
            char why[200];
            snprintf(why, sizeof why, "mount option %s is not supported: ignored", o);
            rc = pdc_compose_unsupported(s->x, n, path, why);
        }
    }
    free(copy);
    return rc;
}

static int add_mount(svc_ctx *s, const pdc_ynode *n, const char *path, const char *type, const char *src,
                     const char *dst, pdc_strv *opts)
{
    const char *const *o = (const char *const *)opts->v;
    if (strcmp(type, "tmpfs") == 0)
        return oom_if(s, podc_service_spec_add_tmpfs(s->spec, dst, o, opts->n, NULL));
    if (strcmp(type, "volume") == 0)
        return oom_if(s, podc_service_spec_add_volume(s->spec, src, dst, o, opts->n, NULL));
    if (strcmp(type, "bind") != 0)
        return pdc_compose_unsupported(s->x, n, path, "only bind, volume and tmpfs mounts: this one is skipped");
    char *abs = resolve(s, src);
    if (!abs)
        return pdc_error_oom(s->x->err);
    int rc = podc_service_spec_add_bind_mount(s->spec, abs, dst, o, opts->n, NULL);
    free(abs);
    return oom_if(s, rc);
}

static int volume_short(svc_ctx *s, const pdc_ynode *n, const char *path, char *t)
{
    char *parts[3] = { t, NULL, NULL };
    int np = 1;
    for (char *p = t; *p && np < 3; p++)
        if (*p == ':')
            *p = '\0', parts[np++] = p + 1;
    pdc_strv opts = PODC_STRV_INIT;
    int rc = 0;
    if (np == 1) { /* "/dst": an anonymous volume */
        rc = add_mount(s, n, path, "volume", NULL, parts[0], &opts);
    } else {
        if (np == 3)
            rc = mount_options(s, n, path, parts[2], &opts);
        const char *src = parts[0];
        int bind = src[0] == '.' || src[0] == '/' || src[0] == '~';
        if (rc == 0 && !*src)
            rc = pdc_compose_bad(s->x, n, path, "empty source in \"%s\"", n->str);
        if (rc == 0)
            rc = add_mount(s, n, path, bind ? "bind" : "volume", src, parts[1], &opts);
    }
    pdc_strv_clear(&opts);
    return rc;
}

static int volumes(svc_ctx *s, const pdc_ynode *n)
{
    if (n->kind != PODC_YN_SEQ)
        return pdc_compose_bad(s->x, n, at(s, "volumes"), "must be a list");
    for (size_t i = 0; i < n->n; i++) {
        const pdc_ynode *it = n->items[i];
        char path[400];
        snprintf(path, sizeof path, "%s", at_i(s, "volumes", i));
        int rc;
        if (it->kind == PODC_YN_MAP) { /* long form: type, source, target, read_only */
            char *type = NULL, *src = NULL, *dst = NULL;
            const pdc_ynode *ro = pdc_ynode_get(it, "read_only");
            rc = pdc_compose_str(s->x, pdc_ynode_get(it, "type"), path, 0, &type);
            if (rc == 0 && pdc_ynode_get(it, "source"))
                rc = pdc_compose_str(s->x, pdc_ynode_get(it, "source"), path, 1, &src);
            if (rc == 0)
                rc = pdc_compose_str(s->x, pdc_ynode_get(it, "target"), path, 0, &dst);
            pdc_strv opts = PODC_STRV_INIT;
            if (rc == 0 && ro && ro->kind == PODC_YN_SCALAR && pdc_yaml_bool(ro->str) == 1)
                rc = oom_if(s, pdc_strv_push(&opts, "ro"));
            if (rc == 0 && strcmp(type, "bind") == 0 && !src)
                rc = pdc_compose_bad(s->x, it, path, "a bind mount needs a source");
            if (rc == 0)
                rc = add_mount(s, it, path, type, src, dst, &opts);
            pdc_strv_clear(&opts);
            free(type), free(src), free(dst);
        } else {
            char *t = NULL;
            rc = pdc_compose_str(s->x, it, path, 0, &t);
            if (rc == 0)
                rc = volume_short(s, it, path, t);
            free(t);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- build, healthcheck, depends_on, networks ---- */

static int build(svc_ctx *s, const pdc_ynode *n, int has_image)
{
    const char *path = at(s, "build");
    char *ctx = NULL, *file = NULL;
    int rc = 0;
    if (n->kind == PODC_YN_SCALAR) {
        rc = pdc_compose_str(s->x, n, path, 0, &ctx);
    } else if (n->kind == PODC_YN_MAP) {
        for (size_t i = 0; rc == 0 && i < n->n; i++) {
            const char *k = n->keys[i];
            char p[400];
            keypath(p, sizeof p, "%s.%s", path, k);
            if (strcmp(k, "context") == 0)
                rc = pdc_compose_str(s->x, n->items[i], p, 0, &ctx);
            else if (strcmp(k, "dockerfile") == 0)
                rc = pdc_compose_str(s->x, n->items[i], p, 0, &file);
            else if (strcmp(k, "args") == 0) {
                const pdc_ynode *a = n->items[i];
                for (size_t j = 0; rc == 0 && a->kind == PODC_YN_MAP && j < a->n; j++) {
                    char *v = NULL;
                    if ((rc = pdc_compose_str(s->x, a->items[j], p, 1, &v)) == 0 && v)
                        rc = oom_if(s, podc_service_spec_add_build_arg(s->spec, a->keys[j], v, NULL));
                    free(v);
                }
                for (size_t j = 0; rc == 0 && a->kind == PODC_YN_SEQ && j < a->n; j++) {
                    char *v = NULL;
                    if ((rc = pdc_compose_str(s->x, a->items[j], p, 0, &v)) == 0 && strchr(v, '=')) {
                        char *eq = strchr(v, '=');
                        *eq = '\0';
                        rc = oom_if(s, podc_service_spec_add_build_arg(s->spec, v, eq + 1, NULL));
                    }
                    free(v);
                }
            } else if (strncmp(k, "x-", 2) != 0)
                rc = pdc_compose_unsupported(s->x, n->items[i], p, "not supported for builds: ignored");
        }
    } else {
        rc = pdc_compose_bad(s->x, n, path, "must be a context folder or a mapping");
    }
    if (rc == 0 && !ctx)
        ctx = strdup(".");
    char *abs = rc == 0 && ctx ? resolve(s, ctx) : NULL;
    if (rc == 0 && !abs)
        rc = pdc_error_oom(s->x->err);
    if (rc == 0 && !has_image) { /* the image it builds: localhost/<project>_<service> */
        char img[600];
        snprintf(img, sizeof img, "localhost/%s_%s:latest", s->x->project, s->name);
        for (char *c = img; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        rc = oom_if(s, podc_service_spec_set_image(s->spec, img, NULL));
    }
    if (rc == 0)
        rc = oom_if(s, podc_service_spec_set_build(s->spec, abs, file, 0, NULL));
    free(ctx), free(file), free(abs);
    return rc;
}

static int healthcheck(svc_ctx *s, const pdc_ynode *n)
{
    const char *path = at(s, "healthcheck");
    if (n->kind != PODC_YN_MAP)
        return pdc_compose_bad(s->x, n, path, "must be a mapping (test, interval, timeout, retries, start_period)");
    long long interval = HC_INTERVAL_MS, timeout = HC_TIMEOUT_MS, start = 0;
    long retries = HC_RETRIES;
    pdc_strv test = PODC_STRV_INIT;
    int disabled = 0, rc = 0;
    for (size_t i = 0; rc == 0 && i < n->n; i++) {
        const char *k = n->keys[i];
        const pdc_ynode *v = n->items[i];
        char p[400];
        keypath(p, sizeof p, "%s.%s", path, k);
        if (strcmp(k, "test") == 0) {
            if (v->kind == PODC_YN_SCALAR) { /* a string: CMD-SHELL */
                char *t = NULL;
                if ((rc = pdc_compose_str(s->x, v, p, 0, &t)) == 0)
                    rc = oom_if(s, pdc_strv_push(&test, "CMD-SHELL"));
                if (rc == 0)
                    rc = oom_if(s, pdc_strv_push(&test, t));
                free(t);
            } else {
                rc = argv_of(s, v, p, &test);
            }
        } else if (strcmp(k, "interval") == 0) {
            rc = dur(s, v, p, &interval);
        } else if (strcmp(k, "timeout") == 0) {
            rc = dur(s, v, p, &timeout);
        } else if (strcmp(k, "start_period") == 0) {
            rc = dur(s, v, p, &start);
        } else if (strcmp(k, "retries") == 0) {
            char *t = NULL;
            if ((rc = pdc_compose_str(s->x, v, p, 0, &t)) == 0 && parse_int(t, 0, 100000, &retries) < 0)
                rc = pdc_compose_bad(s->x, v, p, "\"%s\" is not a number", t);
            free(t);
        } else if (strcmp(k, "disable") == 0) {
            disabled = v->kind == PODC_YN_SCALAR && pdc_yaml_bool(v->str) == 1;
        } else if (strcmp(k, "start_interval") != 0 && strncmp(k, "x-", 2) != 0) {
            rc = pdc_compose_unsupported(s->x, v, p, "not a healthcheck key: ignored");
        }
    }
    if (rc == 0 && !disabled && test.n) {
        const char *kind = test.v[0];
        if (strcmp(kind, "NONE") == 0) {
            /* no check */
        } else if (strcmp(kind, "CMD") == 0 && test.n > 1) {
            rc = oom_if(s, podc_service_spec_add_check_exec(s->spec, (const char *const *)test.v + 1, test.n - 1, NULL,
                                                            timeout, NULL));
        } else if (strcmp(kind, "CMD-SHELL") == 0 && test.n == 2) {
            const char *argv[] = { "/bin/sh", "-c", test.v[1] };
            rc = oom_if(s, podc_service_spec_add_check_exec(s->spec, argv, 3, NULL, timeout, NULL));
        } else {
            rc = pdc_compose_bad(s->x, n, path, "test must start with CMD, CMD-SHELL or NONE");
        }
        long long total = start + (long long)retries * (interval + timeout);
        if (rc == 0 && total > DEFAULT_STARTUP_MS)
            rc = oom_if(s, podc_service_spec_set_startup_timeout(s->spec, total > INT_MAX ? INT_MAX : total, NULL));
    }
    pdc_strv_clear(&test);
    return rc;
}

static int depends_on(svc_ctx *s, const pdc_ynode *n)
{
    const char *path = at(s, "depends_on");
    if (n->kind == PODC_YN_SEQ) { /* short form: started */
        for (size_t i = 0; i < n->n; i++) {
            char *t = NULL;
            int rc = pdc_compose_str(s->x, n->items[i], at_i(s, "depends_on", i), 0, &t);
            if (rc == 0)
                rc = oom_if(s, podc_stack_spec_add_dependency(s->stack, s->name, t, PODC_STACK_STARTED, NULL));
            free(t);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    if (n->kind != PODC_YN_MAP)
        return pdc_compose_bad(s->x, n, path, "must be a list or a mapping of services");
    for (size_t i = 0; i < n->n; i++) {
        char p[400];
        keypath(p, sizeof p, "%s.%s.condition", path, n->keys[i]);
        const pdc_ynode *c = pdc_ynode_get(n->items[i], "condition");
        char *cond = NULL;
        int rc = c ? pdc_compose_str(s->x, c, p, 0, &cond) : 0;
        podc_stack_condition sc = PODC_STACK_STARTED;
        if (rc == 0 && cond) {
            if (strcmp(cond, "service_healthy") == 0)
                sc = PODC_STACK_HEALTHY;
            else if (strcmp(cond, "service_completed_successfully") == 0)
                sc = PODC_STACK_COMPLETED;
            else if (strcmp(cond, "service_started") != 0)
                rc = pdc_compose_bad(s->x, c, p,
                                     "\"%s\": the conditions are service_started, service_healthy, "
                                      "service_completed_successfully",
                                      cond);
        }
        if (rc == 0)
            rc = oom_if(s, podc_stack_spec_add_dependency(s->stack, s->name, n->keys[i], sc, NULL));
        free(cond);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The service's networks: aliases on the stack's network; any other network is not joined. */
static int networks(svc_ctx *s, const pdc_ynode *n)
{
    const char *path = at(s, "networks");
    for (size_t i = 0; i < n->n; i++) {
        const char *net = n->kind == PODC_YN_MAP ? n->keys[i] : n->items[i]->str;
        if (!net)
            return pdc_compose_bad(s->x, n, path, "must be a list or a mapping of networks");
        int ours = (s->x->network_key && strcmp(net, s->x->network_key) == 0) ||
                   (!s->x->network_key && strcmp(net, "default") == 0);
        char p[400];
        keypath(p, sizeof p, "%s.%s", path, net);
        if (!ours) {
            int rc = pdc_compose_unsupported(s->x, n, p, "services join the stack's one network: not joined");
            if (rc < 0)
                return rc;
            continue;
        }
        const pdc_ynode *al = n->kind == PODC_YN_MAP ? pdc_ynode_get(n->items[i], "aliases") : NULL;
        for (size_t j = 0; al && al->kind == PODC_YN_SEQ && j < al->n; j++) {
            char *a = NULL;
            int rc = pdc_compose_str(s->x, al->items[j], p, 0, &a);
            if (rc == 0)
                rc = oom_if(s, podc_service_spec_add_network_alias(s->spec, a, NULL));
            free(a);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

static int kv_pairs(svc_ctx *s, const pdc_ynode *n, const char *key, char sep,
                    int (*add)(podc_service_spec *, const char *, const char *, podc_error **))
{
    const char *path = at(s, key);
    for (size_t i = 0; i < n->n; i++) {
        char *v = NULL;
        int rc;
        if (n->kind == PODC_YN_MAP) {
            rc = pdc_compose_str(s->x, n->items[i], path, 1, &v);
            if (rc == 0)
                rc = oom_if(s, add(s->spec, n->keys[i], v ? v : "", NULL));
        } else {
            rc = pdc_compose_str(s->x, n->items[i], path, 0, &v);
            char *eq = rc == 0 ? strchr(v, sep) : NULL;
            if (rc == 0 && !eq)
                rc = pdc_compose_bad(s->x, n->items[i], path, "\"%s\" needs the form KEY%cVALUE", v, sep);
            if (rc == 0) {
                *eq = '\0';
                rc = oom_if(s, add(s->spec, v, eq + 1, NULL));
            }
        }
        free(v);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int tmpfs(svc_ctx *s, const pdc_ynode *n)
{
    size_t count = n->kind == PODC_YN_SEQ ? n->n : 1;
    for (size_t i = 0; i < count; i++) {
        char *t = NULL;
        int rc = pdc_compose_str(s->x, n->kind == PODC_YN_SEQ ? n->items[i] : n, at(s, "tmpfs"), 0, &t);
        if (rc == 0) {
            char *colon = strchr(t, ':'); /* "/dst:size=64m,mode=1777" */
            pdc_strv opts = PODC_STRV_INIT;
            if (colon) {
                *colon = '\0';
                char *save = NULL;
                for (char *o = strtok_r(colon + 1, ",", &save); rc == 0 && o; o = strtok_r(NULL, ",", &save))
                    rc = oom_if(s, pdc_strv_push(&opts, o));
            }
            if (rc == 0)
                rc = oom_if(s, podc_service_spec_add_tmpfs(s->spec, t, (const char *const *)opts.v, opts.n, NULL));
            pdc_strv_clear(&opts);
        }
        free(t);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int set_argv(svc_ctx *s, const pdc_ynode *v, const char *key, int entrypoint)
{
    pdc_strv argv = PODC_STRV_INIT;
    int rc = argv_of(s, v, at(s, key), &argv);
    if (rc == 0 && entrypoint)
        rc = oom_if(s, podc_service_spec_set_entrypoint(s->spec, (const char *const *)argv.v, argv.n, NULL));
    else if (rc == 0 && argv.n)
        rc = oom_if(s, podc_service_spec_set_command(s->spec, (const char *const *)argv.v, argv.n, NULL));
    pdc_strv_clear(&argv);
    return rc;
}

/* Keys that mean something elsewhere but nothing here: a warning says so. */
static const char *ignored_why(const char *k)
{
    static const struct {
        const char *key, *why;
    } known[] = {
        { "restart", "podc does not restart containers: ignored" },
        { "deploy", "swarm settings: ignored" },
        { "expose", "ports are reachable on the stack network anyway: ignored" },
        { "logging", "podman's log driver is used: ignored" },
        { "stop_grace_period", "podc stops with its own timeout: ignored" },
        { "hostname", "members are found by service name: ignored" },
        { "init", "not supported: ignored" },
        { "tty", "not supported: ignored" },
        { "stdin_open", "not supported: ignored" },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(k, known[i].key) == 0)
            return known[i].why;
    return NULL;
}

int pdc_compose_service(pdc_compose_ctx *x, const char *name, const pdc_ynode *svc, podc_stack_spec *stack)
{
    svc_ctx s = { .x = x, .name = name, .stack = stack };
    snprintf(s.path, sizeof s.path, "services.%s", name);
    if (svc->kind != PODC_YN_MAP)
        return pdc_compose_bad(x, svc, s.path, "must be a mapping");
    if (!(s.spec = podc_service_spec_new()))
        return pdc_error_oom(x->err);
    const char *override = pdc_kvlist_get(&x->o->images, name);
    int rc = 0;
    if (override)
        rc = oom_if(&s, podc_service_spec_set_image(s.spec, override, NULL));
    /* image first: a build without one names its image itself */
    const pdc_ynode *img = pdc_ynode_get(svc, "image");
    if (rc == 0 && img && !override) {
        char *t = NULL;
        if ((rc = pdc_compose_str(x, img, at(&s, "image"), 0, &t)) == 0)
            rc = oom_if(&s, podc_service_spec_set_image(s.spec, t, NULL));
        free(t);
    }
    for (size_t i = 0; rc == 0 && i < svc->n; i++) {
        const char *k = svc->keys[i];
        const pdc_ynode *v = svc->items[i];
        char *t = NULL;
        if (strcmp(k, "image") == 0 || strcmp(k, "profiles") == 0 || strncmp(k, "x-", 2) == 0)
            continue;
        if (strcmp(k, "build") == 0)
            rc = override ? 0 : build(&s, v, img != NULL);
        else if (strcmp(k, "container_name") == 0) {
            if ((rc = pdc_compose_str(x, v, at(&s, k), 0, &t)) == 0)
                rc = oom_if(&s, podc_service_spec_set_name(s.spec, t, NULL));
        } else if (strcmp(k, "command") == 0)
            rc = set_argv(&s, v, k, 0);
        else if (strcmp(k, "entrypoint") == 0)
            rc = set_argv(&s, v, k, 1);
        else if (strcmp(k, "environment") == 0)
            rc = environment(&s, v);
        else if (strcmp(k, "env_file") == 0)
            rc = env_files(&s, v);
        else if (strcmp(k, "ports") == 0)
            rc = ports(&s, v);
        else if (strcmp(k, "volumes") == 0)
            rc = volumes(&s, v);
        else if (strcmp(k, "tmpfs") == 0)
            rc = tmpfs(&s, v);
        else if (strcmp(k, "healthcheck") == 0)
            rc = healthcheck(&s, v);
        else if (strcmp(k, "depends_on") == 0)
            rc = depends_on(&s, v);
        else if (strcmp(k, "networks") == 0)
            rc = networks(&s, v);
        else if (strcmp(k, "labels") == 0)
            rc = kv_pairs(&s, v, k, '=', podc_service_spec_add_label);
        else if (strcmp(k, "extra_hosts") == 0)
            rc = kv_pairs(&s, v, k, ':', podc_service_spec_add_host);
        else if (strcmp(k, "working_dir") == 0) {
            if ((rc = pdc_compose_str(x, v, at(&s, k), 0, &t)) == 0)
                rc = oom_if(&s, podc_service_spec_set_workdir(s.spec, t, NULL));
        } else if (strcmp(k, "user") == 0) {
            if ((rc = pdc_compose_str(x, v, at(&s, k), 0, &t)) == 0)
                rc = oom_if(&s, podc_service_spec_set_user(s.spec, t, NULL));
        } else
            rc = pdc_compose_unsupported(x, v, at(&s, k), ignored_why(k) ? ignored_why(k) : "unknown key: ignored");
        free(t);
    }
    if (rc == 0 && !override && !img && !pdc_ynode_get(svc, "build"))
        rc = pdc_compose_bad(x, svc, s.path, "has neither image nor build");
    int job = 0;
    for (size_t i = 0; i < x->jobs.n; i++)
        job |= strcmp(x->jobs.v[i], name) == 0;
    if (rc < 0) {
        podc_service_spec_free(s.spec);
        return rc;
    }
    rc = podc_stack_spec_add_member(stack, name, job ? PODC_STACK_JOB : PODC_STACK_SERVICE, s.spec, NULL);
    return rc < 0 ? pdc_error_set(x->err, rc, "compose: service %s: %s", name, podc_strerror(rc)) : 0;
}
