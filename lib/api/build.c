/* build.c - POST /libpod/build: options, checks, the context upload and the progress stream
 * (one JSON object per line; a failure arrives as an `error` line inside an HTTP 200). */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/build-context.h"
#include "api/images-private.h"
#include "api/progress-stream.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/ignore.h"
#include "core/json.h"
#include "core/validate.h"
#include "podc/images.h"
#include "transport/http.h"

typedef struct kv {
    char *key, *value;
} kv;

struct podc_image_build_options {
    char **tags;
    size_t ntags;
    char *containerfile;
    kv *args;
    size_t nargs;
    kv *labels;
    size_t nlabels;
    char *target;
    int no_cache;
    int pull_policy; /* a podc_image_pull_policy */
    podc_data_cb progress;
    void *progress_ud;
    int64_t timeout_ms;
};

podc_image_build_options *podc_image_build_options_new(void)
{
    return calloc(1, sizeof(podc_image_build_options));
}

static int set_str(char **slot, const char *v)
{
    char *d = strdup(v);
    if (!d)
        return PODC_ENOMEM;
    free(*slot);
    *slot = d;
    return 0;
}

int podc_image_build_options_add_tag(podc_image_build_options *o, const char *tag, podc_error **err)
{
    if (!o || !tag)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    char **nt = realloc(o->tags, (o->ntags + 1) * sizeof *nt);
    if (!nt)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    o->tags = nt;
    if (!(o->tags[o->ntags] = strdup(tag)))
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    o->ntags++;
    return 0;
}

int podc_image_build_options_set_containerfile(podc_image_build_options *o, const char *path, podc_error **err)
{
    return pdc_setter_result(err, __func__, o && path ? set_str(&o->containerfile, path) : PODC_EINVAL);
}

static int kv_put(kv **items, size_t *n, const char *key, const char *value)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*items)[i].key, key) == 0)
            return set_str(&(*items)[i].value, value);
    kv *ni = realloc(*items, (*n + 1) * sizeof *ni);
    if (!ni)
        return PODC_ENOMEM;
    *items = ni;
    kv e = { strdup(key), strdup(value) };
    if (!e.key || !e.value) {
        free(e.key);
        free(e.value);
        return PODC_ENOMEM;
    }
    ni[(*n)++] = e;
    return 0;
}

int podc_image_build_options_add_build_arg(podc_image_build_options *o, const char *key, const char *value,
                                           podc_error **err)
{
    return pdc_setter_result(err, __func__, o && key && value ? kv_put(&o->args, &o->nargs, key, value) : PODC_EINVAL);
}

int podc_image_build_options_add_label(podc_image_build_options *o, const char *key, const char *value,
                                       podc_error **err)
{
    return pdc_setter_result(err, __func__,
                             o && key && value ? kv_put(&o->labels, &o->nlabels, key, value) : PODC_EINVAL);
}

int podc_image_build_options_set_target(podc_image_build_options *o, const char *stage, podc_error **err)
{
    return pdc_setter_result(err, __func__, o && stage ? set_str(&o->target, stage) : PODC_EINVAL);
}

int podc_image_build_options_set_no_cache(podc_image_build_options *o, int no_cache, podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->no_cache = !!no_cache;
    return 0;
}

int podc_image_build_options_set_pull_never(podc_image_build_options *o, int pull_never, podc_error **err)
{
    podc_image_pull_policy policy = pull_never ? PODC_IMAGE_PULL_NEVER : PODC_IMAGE_PULL_MISSING;
    return pdc_setter_result(err, __func__, podc_image_build_options_set_pull_policy(o, policy, NULL));
}

int podc_image_build_options_set_pull_policy(podc_image_build_options *o, podc_image_pull_policy policy,
                                             podc_error **err)
{
    if (!o || !podc_image_pull_policy_name(policy))
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->pull_policy = (int)policy;
    return 0;
}

int podc_image_build_options_set_progress(podc_image_build_options *o, podc_data_cb cb, void *userdata,
                                          podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->progress = cb;
    o->progress_ud = userdata;
    return 0;
}

int podc_image_build_options_set_timeout(podc_image_build_options *o, int64_t timeout_ms, podc_error **err)
{
    if (!o || timeout_ms < 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->timeout_ms = timeout_ms;
    return 0;
}

static void kv_free(kv *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].key);
        free(items[i].value);
    }
    free(items);
}

void podc_image_build_options_free(podc_image_build_options *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->ntags; i++)
        free(o->tags[i]);
    free(o->tags);
    free(o->containerfile);
    kv_free(o->args, o->nargs);
    kv_free(o->labels, o->nlabels);
    free(o->target);
    free(o);
}

/* ------------------------------------------------------------------------------------------ */
/* Preparing the request                                                                        */

typedef struct plan {
    char *ctx_real;        /* realpath of the context dir */
    char *dockerfile;      /* name inside the tar, for dockerfile= */
    char *outside_path;    /* a containerfile from outside the context, sent as `dockerfile` */
    pdc_ignore *ig;
} plan;

static void plan_free(plan *p)
{
    free(p->ctx_real);
    free(p->dockerfile);
    free(p->outside_path);
    pdc_ignore_free(p->ig);
}

/* NULL when path is a regular file (symlinks followed), else why not. */
static const char *not_regular(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return strerror(errno);
    return S_ISREG(st.st_mode) ? NULL : "not a regular file";
}

static char *path_join(const char *a, const char *b)
{
    char *s = NULL;
    return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

static int invalid_file(podc_error **err, const char *field, const char *path, const char *why)
{
    podc_error *e = pdc_error_new(PODC_EINVAL, "%s %s: %s", field, path, why);
    pdc_error_add_detail(e, "field", field);
    pdc_error_add_detail(e, "file", path);
    return pdc_error_put(err, e);
}

/* Finds the containerfile and decides how it travels: by its path inside the context, or
 * added to the tar under a name no context file has. */
static int plan_containerfile(plan *p, const char *context_dir, const char *given, podc_error **err)
{
    char *file = NULL;
    if (!given) {
        static const char *const defaults[] = { "Containerfile", "Dockerfile" };
        for (size_t i = 0; i < 2 && !file; i++) {
            char *cand = path_join(context_dir, defaults[i]);
            if (!cand)
                return pdc_error_oom(err);
            if (!not_regular(cand))
                file = cand;
            else
                free(cand);
        }
        if (!file)
            return invalid_file(err, "containerfile", context_dir, "no Containerfile or Dockerfile in the context");
    } else {
        if (!*given)
            return pdc_error_invalid(err, "containerfile", "containerfile: empty path");
        file = given[0] == '/' ? strdup(given) : path_join(context_dir, given);
        if (!file)
            return pdc_error_oom(err);
        const char *why = not_regular(file);
        if (why) {
            int rc = invalid_file(err, "containerfile", file, why);
            free(file);
            return rc;
        }
    }
    char *real = realpath(file, NULL);
    if (!real) {
        int rc = pdc_error_set_local(err, errno, "containerfile", file, "containerfile %s", file);
        free(file);
        return rc;
    }
    size_t cl = strlen(p->ctx_real);
    int root_is_slash = cl == 1;
    if (strncmp(real, p->ctx_real, cl) == 0 && (root_is_slash || real[cl] == '/')) {
        p->dockerfile = strdup(real + cl + (root_is_slash ? 0 : 1));
    } else {
        /* outside the context: ship it in the tar under a fresh name */
        for (unsigned n = 0; n < 1000 && !p->dockerfile; n++) {
            char name[64];
            snprintf(name, sizeof name, ".podc-containerfile-%ld-%u", (long)getpid(), n);
            char *probe = path_join(context_dir, name);
            struct stat st;
            if (probe && lstat(probe, &st) < 0 && errno == ENOENT)
                p->dockerfile = strdup(name);
            free(probe);
        }
        p->outside_path = strdup(file);
        if (!p->outside_path) {
            free(real);
            free(file);
            return pdc_error_oom(err);
        }
    }
    free(real);
    free(file);
    return p->dockerfile ? 0 : pdc_error_oom(err);
}

/* "!" + path with glob characters escaped, so the exception names exactly that file. */
static int add_keep(pdc_ignore *ig, const char *path)
{
    pdc_buf b = PODC_BUF_INIT;
    int rc = pdc_buf_puts(&b, "!");
    for (const char *c = path; rc == 0 && *c; c++) {
        if (strchr("*?[]\\", *c))
            rc = pdc_buf_append(&b, "\\", 1);
        if (rc == 0)
            rc = pdc_buf_append(&b, c, 1);
    }
    if (rc == 0)
        rc = pdc_ignore_add_line(ig, b.data, b.len, NULL);
    pdc_buf_free(&b);
    return rc;
}

/* Loads .containerignore (else .dockerignore) and keeps the files the build needs. */
static int plan_ignore(plan *p, const char *context_dir, podc_error **err)
{
    p->ig = pdc_ignore_new();
    if (!p->ig)
        return pdc_error_oom(err);
    static const char *const names[] = { ".containerignore", ".dockerignore" };
    for (size_t i = 0; i < 2; i++) {
        char *path = path_join(context_dir, names[i]);
        if (!path)
            return pdc_error_oom(err);
        int loaded = 0;
        int rc = pdc_ignore_load_file(p->ig, path, &loaded, err);
        free(path);
        if (rc < 0)
            return rc;
        if (loaded) {
            /* the server needs the ignore file and the Containerfile whatever the patterns say */
            if (add_keep(p->ig, names[i]) < 0 || (!p->outside_path && add_keep(p->ig, p->dockerfile) < 0))
                return pdc_error_oom(err);
            break;
        }
    }
    return 0;
}

static int put_json_map(pdc_buf *path, const char *key, const kv *items, size_t n)
{
    if (!n)
        return 0;
    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return PODC_ENOMEM;
    pdc_jgen_obj_open(&j);
    for (size_t i = 0; i < n; i++)
        pdc_jgen_kstr(&j, items[i].key, items[i].value);
    pdc_jgen_obj_close(&j);
    char *json = pdc_jgen_finish(&j, NULL);
    if (!json)
        return PODC_ENOMEM;
    int rc = pdc_buf_put_query(path, key, json);
    free(json);
    return rc;
}

static int build_path(pdc_buf *path, const podc_image_build_options *o, const plan *p)
{
    int rc = pdc_buf_puts(path, "/libpod/build");
    for (size_t i = 0; rc == 0 && o && i < o->ntags; i++)
        rc = pdc_buf_put_query(path, "t", o->tags[i]);
    /* always explicit: without it 4.3 answers a missing default with two error objects */
    if (rc == 0)
        rc = pdc_buf_put_query(path, "dockerfile", p->dockerfile);
    if (rc == 0 && o)
        rc = put_json_map(path, "buildargs", o->args, o->nargs);
    if (rc == 0 && o)
        rc = put_json_map(path, "labels", o->labels, o->nlabels);
    if (rc == 0 && o && o->target)
        rc = pdc_buf_put_query(path, "target", o->target);
    if (rc == 0 && o && o->no_cache)
        rc = pdc_buf_put_query_bool(path, "nocache", 1);
    /* libpod reads `pullpolicy`; `pull` only matters on the compat path */
    if (rc == 0 && o && o->pull_policy != PODC_IMAGE_PULL_MISSING)
        rc = pdc_buf_put_query(path, "pullpolicy", podc_image_pull_policy_name((podc_image_pull_policy)o->pull_policy));
    return rc;
}

static int check_options(const podc_image_build_options *o, podc_error **err)
{
    if (!o)
        return 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < o->ntags; i++)
        rc = pdc_image_check_name("tag", o->tags[i], err);
    for (size_t i = 0; rc == 0 && i < o->nargs; i++)
        rc = pdc_validate_env_key("build_arg", o->args[i].key, err);
    for (size_t i = 0; rc == 0 && i < o->nlabels; i++) {
        const char *k = o->labels[i].key;
        if (!*k || strchr(k, '='))
            rc = pdc_error_invalid(err, "label", "label key \"%s\": must be non-empty without '='", k);
    }
    if (rc == 0 && o->target)
        rc = pdc_validate_image("target", o->target, err);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* The reply stream                                                                             */

static size_t context_read(char *buf, size_t size, size_t nitems, void *ud)
{
    size_t n = 0;
    if (pdc_build_context_read(ud, buf, size * nitems, &n) < 0)
        return CURL_READFUNC_ABORT;
    return n;
}

/* ------------------------------------------------------------------------------------------ */

int podc_image_build(podc_client *c, const char *context_dir, const podc_image_build_options *opts, char **out_id,
                     podc_error **err)
{
    if (!c || !out_id)
        return pdc_error_invalid(err, c ? "out_id" : "client", "NULL argument");
    int rc = pdc_validate_nonempty("context_dir", context_dir, err);
    if (rc < 0)
        return rc;
    struct stat st;
    if (stat(context_dir, &st) < 0)
        return pdc_error_set_local(err, errno, "context_dir", context_dir, "context_dir %s", context_dir);
    if (!S_ISDIR(st.st_mode))
        return invalid_file(err, "context_dir", context_dir, "not a directory");
    if ((rc = check_options(opts, err)) < 0)
        return rc;

    plan p = { 0 };
    p.ctx_real = realpath(context_dir, NULL);
    if (!p.ctx_real)
        return pdc_error_set_local(err, errno, "context_dir", context_dir, "context_dir %s", context_dir);
    rc = plan_containerfile(&p, context_dir, opts ? opts->containerfile : NULL, err);
    if (rc == 0)
        rc = plan_ignore(&p, context_dir, err);
    pdc_buf path = PODC_BUF_INIT;
    if (rc == 0 && build_path(&path, opts, &p) < 0)
        rc = pdc_error_oom(err);
    pdc_build_context *ctx = NULL;
    if (rc == 0)
        rc = pdc_build_context_new(&ctx, context_dir, p.ig, p.outside_path ? p.dockerfile : NULL, p.outside_path,
                                   err);
    if (rc < 0) {
        pdc_buf_free(&path);
        plan_free(&p);
        return rc;
    }

    pdc_progress_stream ss;
    pdc_progress_stream_init(&ss, opts ? opts->progress : NULL, opts ? opts->progress_ud : NULL);
    pdc_http_request req = {
        .method = "POST",
        .path = path.data,
        .content_type = "application/x-tar",
        .read_cb = context_read,
        .read_ud = ctx,
        .on_data = pdc_progress_stream_feed,
        .data_ud = &ss,
        .timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms : -1,
    };
    pdc_http_response resp;
    rc = pdc_http_call(c, &req, &resp, err);
    if (rc < 0 && pdc_build_context_error(ctx)) {
        /* our side stopped the upload (unreadable file...): that is the real story */
        rc = pdc_error_put(err, pdc_build_context_take_error(ctx));
    } else if (rc < 0 && ss.json_lines.bad) {
        rc = pdc_error_set(err, PODC_EPROTOCOL, "POST /libpod/build: progress line is not a JSON object");
    } else if (rc < 0 && ss.json_lines.oom) {
        rc = pdc_error_oom(err);
    } else if (rc == PODC_ETRANSPORT && err && *err) {
        pdc_error_prefix(*err, "while building %s", context_dir);
    }
    if (rc == 0) {
        int r = pdc_progress_stream_finish(&ss);
        if (r == PODC_ECANCELLED)
            rc = pdc_error_set(err, r, "POST /libpod/build: stopped by callback");
        else if (r == PODC_EPROTOCOL)
            rc = pdc_error_set(err, r, "POST /libpod/build: progress line is not a JSON object");
        else if (r < 0)
            rc = pdc_error_oom(err);
    }
    if (rc == 0 && ss.error) {
        podc_error *e = pdc_error_new(PODC_EBUILD, "build failed: %s", ss.error);
        pdc_error_set_request(e, req.method, req.path);
        pdc_error_set_server(e, resp.status, NULL, ss.error);
        char *tail = pdc_progress_stream_tail(&ss);
        pdc_error_set_log_tail(e, tail);
        free(tail);
        pdc_error_add_detail(e, "file", p.outside_path ? p.outside_path : p.dockerfile);
        rc = pdc_error_put(err, e);
    } else if (rc == 0) {
        const char *id = ss.last_line;
        while (id && (*id == ' ' || *id == '\t'))
            id++;
        if (!id || !pdc_image_is_full_id(id)) {
            rc = pdc_error_set(err, PODC_EPROTOCOL, "POST /libpod/build: the build ended without an image ID "
                                "(last line: \"%.80s\")", id ? id : "");
        } else if (!(*out_id = strdup(id))) {
            rc = pdc_error_oom(err);
        }
    }
    pdc_http_response_free(&resp);
    pdc_progress_stream_free(&ss);
    pdc_build_context_free(ctx);
    pdc_buf_free(&path);
    plan_free(&p);
    return rc;
}
