/* load.c - compose files to a stack spec: the options, reading and merging the files, .env,
 * the project name, the network, and the services in file order (see podc/compose.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose/compose-private.h"
#include "compose/interpolate.h"
#include "core/error-private.h"
#include "core/file.h"

#define MAX_FILE (4u << 20)

podc_compose_options *podc_compose_options_new(void)
{
    return calloc(1, sizeof(podc_compose_options));
}

void podc_compose_options_free(podc_compose_options *o)
{
    if (!o)
        return;
    pdc_strv_clear(&o->files);
    pdc_strv_clear(&o->profiles);
    free(o->project);
    pdc_kvlist_clear(&o->images);
    pdc_kvlist_clear(&o->vars);
    free(o);
}

int podc_compose_options_add_file(podc_compose_options *o, const char *path, podc_error **err)
{
    return pdc_setter_result(err, __func__, o && path && *path ? pdc_strv_push(&o->files, path) : PODC_EINVAL);
}

int podc_compose_options_set_project(podc_compose_options *o, const char *project, podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    char *copy = project ? strdup(project) : NULL;
    if (project && !copy)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    free(o->project);
    o->project = copy;
    return 0;
}

int podc_compose_options_add_profile(podc_compose_options *o, const char *profile, podc_error **err)
{
    return pdc_setter_result(err, __func__,
                             o && profile && *profile ? pdc_strv_push(&o->profiles, profile) : PODC_EINVAL);
}

int podc_compose_options_set_image(podc_compose_options *o, const char *service, const char *image, podc_error **err)
{
    return pdc_setter_result(err, __func__, o && service && image && *image ? pdc_kvlist_set(&o->images, service,
                                                                                             image) : PODC_EINVAL);
}

int podc_compose_options_set_variable(podc_compose_options *o, const char *name, const char *value, podc_error **err)
{
    return pdc_setter_result(err, __func__,
                             o && name && *name && value ? pdc_kvlist_set(&o->vars, name, value) : PODC_EINVAL);
}

int podc_compose_options_set_strict(podc_compose_options *o, int strict, podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->strict = strict != 0;
    return 0;
}

int podc_compose_options_set_warning_cb(podc_compose_options *o, podc_compose_warning_cb cb, void *userdata,
                                        podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->warn = cb;
    o->warn_ud = userdata;
    return 0;
}

/* ---- shared helpers (compose-private.h) ---- */

const char *pdc_compose_lookup(const char *name, void *ctx)
{
    pdc_compose_ctx *x = ctx;
    const char *v = pdc_kvlist_get(&x->o->vars, name);
    if (!v)
        v = getenv(name);
    if (!v)
        v = pdc_kvlist_get(&x->dotenv, name);
    return v;
}

int pdc_compose_bad(pdc_compose_ctx *x, const pdc_ynode *n, const char *path, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int rc = pdc_error_set(x->err, PODC_EINVAL, "%s: line %zu: %s: %s", x->file, n ? n->line : 0, path, msg);
    if (x->err && *x->err)
        pdc_error_add_detail(*x->err, "field", path);
    return rc;
}

int pdc_compose_unsupported(pdc_compose_ctx *x, const pdc_ynode *n, const char *path, const char *why)
{
    if (x->o->strict)
        return pdc_compose_bad(x, n, path, "%s (strict: an error)", why);
    if (x->o->warn) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s: line %zu: %s: %s", x->file, n ? n->line : 0, path, why);
        x->o->warn(msg, x->o->warn_ud);
    }
    return 0;
}

int pdc_compose_str(pdc_compose_ctx *x, const pdc_ynode *n, const char *path, int null_ok, char **out)
{
    *out = NULL;
    if (!n || n->kind != PODC_YN_SCALAR)
        return pdc_compose_bad(x, n, path, "must be a single value, not a %s",
                               !n ? "missing value" : n->kind == PODC_YN_MAP ? "mapping" : "list");
    if (n->is_null) {
        if (null_ok)
            return 0;
        return pdc_compose_bad(x, n, path, "has no value");
    }
    if (strlen(n->str) != n->len) /* refused, not cut at the NUL */
        return pdc_compose_bad(x, n, path, "holds a NUL character");
    char *why = NULL;
    int rc = pdc_interpolate(n->str, pdc_compose_lookup, x, out, &why);
    if (rc == PODC_EINVAL) {
        rc = pdc_compose_bad(x, n, path, "%s", why ? why : "bad variable reference");
    } else if (rc < 0) {
        rc = pdc_error_oom(x->err);
    }
    free(why);
    return rc;
}

/* "KEY=VALUE" with optional "export ", quotes ('...' literal, "..." with \n \" \\). */
static int env_line(char *line, pdc_kvlist *kv)
{
    while (isspace((unsigned char)*line))
        line++;
    if (!*line || *line == '#')
        return 0;
    if (strncmp(line, "export ", 7) == 0)
        line += 7;
    char *eq = strchr(line, '=');
    if (!eq) /* a bare KEY: nothing to set */
        return 0;
    *eq = '\0';
    char *key = line, *val = eq + 1;
    for (char *e = key + strlen(key); e > key && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    size_t n = strlen(val);
    while (n && isspace((unsigned char)val[n - 1]))
        val[--n] = '\0';
    if (n >= 2 && (val[0] == '\'' || val[0] == '"') && val[n - 1] == val[0]) {
        char q = val[0];
        val[n - 1] = '\0';
        val++;
        if (q == '"') { /* the escapes compose knows */
            char *w = val;
            for (char *r = val; *r; r++) {
                if (*r == '\\' && (r[1] == 'n' || r[1] == '"' || r[1] == '\\')) {
                    r++;
                    *w++ = *r == 'n' ? '\n' : *r;
                } else {
                    *w++ = *r;
                }
            }
            *w = '\0';
        }
    } else {
        char *hash = strstr(val, " #"); /* an inline comment after an unquoted value */
        if (hash) {
            *hash = '\0';
            for (char *e = hash; e > val && isspace((unsigned char)e[-1]);)
                *--e = '\0';
        }
    }
    return *key ? pdc_kvlist_set(kv, key, val) : 0;
}

int pdc_compose_env_file(pdc_compose_ctx *x, const char *path, int required, pdc_kvlist *kv)
{
    char *text = NULL;
    size_t len = 0;
    int e = pdc_file_read(path, MAX_FILE, 0, &text, &len);
    if (e == ENOENT && !required)
        return 0;
    if (e)
        return pdc_error_set_local(x->err, e, NULL, path, "compose: cannot read env file %s", path);
    if (memchr(text, '\0', len)) { /* refused, not cut */
        free(text);
        return pdc_error_invalid(x->err, "env_file", "compose: env file %s holds a NUL character", path);
    }
    int rc = 0;
    for (char *save = NULL, *line = strtok_r(text, "\r\n", &save); rc == 0 && line;
         line = strtok_r(NULL, "\r\n", &save))
        rc = env_line(line, kv);
    free(text);
    return rc < 0 ? pdc_error_oom(x->err) : 0;
}

/* ---- the files ---- */

static int read_tree(pdc_compose_ctx *x, const char *path, pdc_ynode **out)
{
    char *text = NULL;
    size_t len = 0;
    int e = pdc_file_read(path, MAX_FILE, 0, &text, &len);
    if (e)
        return pdc_error_set_local(x->err, e, NULL, path, "compose: cannot read %s", path);
    int rc = pdc_yaml_parse(text, len, path, out, x->err);
    free(text);
    if (rc == 0 && (*out)->kind != PODC_YN_MAP) {
        pdc_ynode_free(*out);
        *out = NULL;
        return pdc_error_invalid(x->err, "yaml", "%s: a compose file is a mapping (services:, networks:, ...)", path);
    }
    return rc;
}

/* The project: the option, the file's name:, or the folder's name, lower case, [a-z0-9_-]. */
static int project_name(pdc_compose_ctx *x, const pdc_ynode *root, char **out)
{
    if (x->o->project)
        return (*out = strdup(x->o->project)) ? 0 : pdc_error_oom(x->err);
    const pdc_ynode *n = pdc_ynode_get(root, "name");
    if (n)
        return pdc_compose_str(x, n, "name", 0, out);
    const char *base = strrchr(x->dir, '/');
    base = base ? base + 1 : x->dir;
    char *p = malloc(strlen(base) + 1), *w = p;
    if (!p)
        return pdc_error_oom(x->err);
    for (const char *r = base; *r; r++) {
        char c = (char)tolower((unsigned char)*r);
        if (isalnum((unsigned char)c) || c == '_' || c == '-')
            *w++ = c;
    }
    *w = '\0';
    if (!*p) {
        free(p);
        return pdc_error_invalid(x->err, "project", "compose: no project name: give one (-p) or a name: key");
    }
    *out = p;
    return 0;
}

/* The stack's one network: networks: with one entry (its name:, else <project>_<key>), else
 * <project>_default. */
static int pick_network(pdc_compose_ctx *x, const pdc_ynode *root, char **out)
{
    const pdc_ynode *nets = pdc_ynode_get(root, "networks");
    char name[512];
    snprintf(name, sizeof name, "%s_default", x->project);
    if (!nets || nets->is_null)
        return (*out = strdup(name)) ? 0 : pdc_error_oom(x->err);
    if (nets->kind != PODC_YN_MAP)
        return pdc_compose_bad(x, nets, "networks", "must be a mapping of network names");
    size_t used = 0;
    for (size_t i = 0; i < nets->n; i++) {
        if (strncmp(nets->keys[i], "x-", 2) == 0)
            continue;
        char path[300];
        snprintf(path, sizeof path, "networks.%s", nets->keys[i]);
        if (used++) {
            int rc = pdc_compose_unsupported(x, nets->items[i], path,
                                             "a second network: every service joins the first one");
            if (rc < 0)
                return rc;
            continue;
        }
        x->network_key = nets->keys[i];
        snprintf(name, sizeof name, "%s_%s", x->project, nets->keys[i]);
        const pdc_ynode *def = nets->items[i];
        if (def->kind != PODC_YN_MAP)
            continue; /* "default:" with no body */
        for (size_t k = 0; k < def->n; k++) {
            const char *key = def->keys[k];
            const pdc_ynode *v = def->items[k];
            char kpath[400];
            snprintf(kpath, sizeof kpath, "%s.%s", path, key);
            char *s = NULL;
            int rc = 0;
            if (strcmp(key, "name") == 0) {
                if ((rc = pdc_compose_str(x, v, kpath, 0, &s)) == 0)
                    snprintf(name, sizeof name, "%s", s);
            } else if (strcmp(key, "driver") == 0) {
                if ((rc = pdc_compose_str(x, v, kpath, 0, &s)) == 0 && strcmp(s, "bridge") != 0)
                    rc = pdc_compose_bad(x, v, kpath, "driver %s: only bridge networks", s);
            } else if (strcmp(key, "external") == 0) {
                /* an existing network is used as it is; one that is missing is created */
                if (v->kind == PODC_YN_SCALAR && pdc_yaml_bool(v->str) == 1)
                    snprintf(name, sizeof name, "%s", nets->keys[i]);
            } else if (strncmp(key, "x-", 2) != 0) {
                rc = pdc_compose_unsupported(x, v, kpath, "not supported for networks: ignored");
            }
            free(s);
            if (rc < 0)
                return rc;
        }
    }
    return (*out = strdup(name)) ? 0 : pdc_error_oom(x->err);
}

/* A service runs when it has no profiles or one of them was asked for. */
static int active(pdc_compose_ctx *x, const pdc_ynode *svc)
{
    const pdc_ynode *p = pdc_ynode_get(svc, "profiles");
    if (!p || p->kind != PODC_YN_SEQ || p->n == 0)
        return 1;
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = 0; p->items[i]->kind == PODC_YN_SCALAR && j < x->o->profiles.n; j++)
            if (strcmp(p->items[i]->str, x->o->profiles.v[j]) == 0)
                return 1;
    return 0;
}

/* Services another waits for with service_completed_successfully are jobs. */
static int find_jobs(pdc_compose_ctx *x, const pdc_ynode *services)
{
    for (size_t i = 0; i < services->n; i++) {
        const pdc_ynode *dep = pdc_ynode_get(services->items[i], "depends_on");
        for (size_t j = 0; dep && dep->kind == PODC_YN_MAP && j < dep->n; j++) {
            const pdc_ynode *cond = pdc_ynode_get(dep->items[j], "condition");
            if (cond && cond->kind == PODC_YN_SCALAR && strcmp(cond->str, "service_completed_successfully") == 0 &&
                pdc_strv_push(&x->jobs, dep->keys[j]) < 0)
                return pdc_error_oom(x->err);
        }
    }
    return 0;
}

static int top_level(pdc_compose_ctx *x, const pdc_ynode *root)
{
    for (size_t i = 0; i < root->n; i++) {
        const char *k = root->keys[i];
        if (strcmp(k, "services") == 0 || strcmp(k, "networks") == 0 || strcmp(k, "name") == 0 ||
            strncmp(k, "x-", 2) == 0 || strcmp(k, "version") == 0)
            continue;
        int rc = strcmp(k, "volumes") == 0
                     ? 0 /* named volumes are made by podman when a container first uses them */
                     : pdc_compose_unsupported(x, root->items[i], k, "not supported: ignored");
        if (rc < 0)
            return rc;
    }
    return 0;
}

int podc_compose_load(const podc_compose_options *o, podc_stack_spec **out, podc_error **err)
{
    if (!o || !out)
        return pdc_error_invalid(err, o ? "out" : "options", "NULL argument");
    if (o->files.n == 0)
        return pdc_error_invalid(err, "file", "compose: no file given");
    pdc_compose_ctx x = { .o = o, .file = o->files.v[0], .err = err };
    const char *slash = strrchr(o->files.v[0], '/');
    x.dir = slash ? strndup(o->files.v[0], (size_t)(slash - o->files.v[0]) ? (size_t)(slash - o->files.v[0]) : 1)
                  : strdup(".");
    if (!x.dir)
        return pdc_error_oom(err);
    char *abs = realpath(x.dir, NULL); /* binds need absolute paths; the folder's name is the project */
    if (abs) {
        free(x.dir);
        x.dir = abs;
    }
    pdc_ynode *root = NULL;
    char *project = NULL, *network = NULL, *dotenv = NULL;
    podc_stack_spec *st = NULL;
    int rc = read_tree(&x, o->files.v[0], &root);
    for (size_t i = 1; rc == 0 && i < o->files.n; i++) {
        pdc_ynode *more = NULL;
        x.file = o->files.v[i];
        if ((rc = read_tree(&x, o->files.v[i], &more)) == 0)
            rc = pdc_ynode_merge(root, more) < 0 ? pdc_error_oom(err) : 0;
    }
    x.file = o->files.v[0];
    if (rc == 0 && asprintf(&dotenv, "%s/.env", x.dir) < 0)
        rc = pdc_error_oom(err), dotenv = NULL;
    if (rc == 0)
        rc = pdc_compose_env_file(&x, dotenv, 0, &x.dotenv);
    if (rc == 0 && (rc = project_name(&x, root, &project)) == 0)
        x.project = project;
    if (rc == 0 && (rc = pick_network(&x, root, &network)) == 0)
        x.network = network;
    if (rc == 0)
        rc = top_level(&x, root);
    const pdc_ynode *services = rc == 0 ? pdc_ynode_get(root, "services") : NULL;
    if (rc == 0 && (!services || services->kind != PODC_YN_MAP || services->n == 0))
        rc = pdc_compose_bad(&x, services ? services : root, "services", "the file defines no services");
    if (rc == 0)
        rc = find_jobs(&x, services);
    if (rc == 0 && (!(st = podc_stack_spec_new(project)) || podc_stack_spec_set_network(st, network, NULL) < 0))
        rc = pdc_error_oom(err);
    size_t n_active = 0;
    for (size_t i = 0; rc == 0 && i < services->n; i++) {
        if (strncmp(services->keys[i], "x-", 2) == 0 || !active(&x, services->items[i]))
            continue;
        n_active++;
        rc = pdc_compose_service(&x, services->keys[i], services->items[i], st);
    }
    if (rc == 0 && n_active == 0)
        rc = pdc_compose_bad(&x, services, "services", "no service runs without a profile (--profile)");
    if (rc == 0)
        rc = podc_stack_spec_validate(st, err);
    if (rc == 0) {
        *out = st;
        st = NULL;
    }
    podc_stack_spec_free(st);
    pdc_ynode_free(root);
    pdc_kvlist_clear(&x.dotenv);
    pdc_strv_clear(&x.jobs);
    free(project);
    free(network);
    free(dotenv);
    free(x.dir);
    return rc;
}
