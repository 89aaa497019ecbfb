/* images.c - exists, inspect, list, tag, remove, and the image objects they return. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/filters-private.h"
#include "api/images-private.h"
#include "api/resource.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/json-objects.h"
#include "core/json.h"
#include "core/validate.h"
#include "podc/images.h"
#include "transport/http.h"

/* ------------------------------------------------------------------------------------------ */
/* Image objects                                                                                */

/* An image is a reply object (core/json-objects.h): handed out as its only member's pointer. */
struct podc_image {
    pdc_json_object o;
};

struct podc_image_list {
    pdc_json_objects l;
};

/* "/libpod/images/<escaped ref><suffix>" */
static int image_path(pdc_buf *b, const char *ref, const char *suffix)
{
    return pdc_resource_path(b, "/libpod/images/", ref, suffix);
}

/* A call on one image: its arguments checked, its path built. */
static int image_call_path(podc_client *c, const void *out, const char *ref, const char *suffix, pdc_buf *path,
                           podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    int rc = pdc_validate_image("ref", ref, err);
    if (rc == 0 && image_path(path, ref, suffix) < 0) {
        pdc_buf_free(path);
        rc = pdc_error_oom(err);
    }
    return rc;
}


int podc_image_exists(podc_client *c, const char *ref, int *out, podc_error **err)
{
    pdc_buf path = PODC_BUF_INIT;
    int rc = image_call_path(c, out, ref, "/exists", &path, err);
    if (rc < 0)
        return rc;
    rc = pdc_http_exists(c, path.data, out, err);
    pdc_buf_free(&path);
    return rc;
}


int podc_image_inspect(podc_client *c, const char *ref, podc_image **out, podc_error **err)
{
    pdc_buf path = PODC_BUF_INIT;
    int rc = image_call_path(c, out, ref, "/json", &path, err);
    if (rc < 0)
        return rc;
    pdc_http_request req = { .method = "GET", .path = path.data };
    yajl_val root = NULL;
    char *json = NULL;
    rc = pdc_resource_json(c, &req, NULL, PODC_REPLY_OBJECT, &root, &json, err);
    podc_image *img = rc == 0 ? pdc_image_from_json(root, json) : NULL;
    if (rc == 0 && !img) {
        pdc_json_free(root);
        free(json);
        rc = pdc_error_oom(err);
    } else if (rc == 0) {
        *out = img;
    }
    pdc_buf_free(&path);
    return rc;
}

podc_image *pdc_image_from_json(yajl_val root, char *json)
{
    return (podc_image *)pdc_json_object_new(root, json);
}

const char *podc_image_id(const podc_image *img)
{
    return img ? pdc_json_str(img->o.node, "Id", NULL) : NULL;
}

const char *podc_image_digest(const podc_image *img)
{
    const char *d = img ? pdc_json_str(img->o.node, "Digest", NULL) : NULL;
    return d && *d ? d : NULL;
}

static size_t arr_count(const podc_image *img, const char *k1, const char *k2)
{
    if (!img)
        return 0;
    return pdc_json_array_len(k2 ? pdc_json_get(img->o.node, k1, k2, NULL) : pdc_json_get(img->o.node, k1, NULL));
}

static const char *arr_at(const podc_image *img, const char *k1, const char *k2, size_t i)
{
    if (!img)
        return NULL;
    yajl_val a = k2 ? pdc_json_get(img->o.node, k1, k2, NULL) : pdc_json_get(img->o.node, k1, NULL);
    return pdc_json_as_str(pdc_json_array_at(a, i));
}

size_t podc_image_tag_count(const podc_image *img) { return arr_count(img, "RepoTags", NULL); }
const char *podc_image_tag_at(const podc_image *img, size_t i) { return arr_at(img, "RepoTags", NULL, i); }
size_t podc_image_entrypoint_count(const podc_image *img) { return arr_count(img, "Config", "Entrypoint"); }
const char *podc_image_entrypoint_at(const podc_image *img, size_t i) { return arr_at(img, "Config", "Entrypoint", i); }
size_t podc_image_cmd_count(const podc_image *img) { return arr_count(img, "Config", "Cmd"); }
const char *podc_image_cmd_at(const podc_image *img, size_t i) { return arr_at(img, "Config", "Cmd", i); }

int64_t podc_image_size(const podc_image *img)
{
    int64_t v;
    return img && pdc_json_int(img->o.node, &v, "Size", NULL) ? v : -1;
}

const char *podc_image_created(const podc_image *img)
{
    return img ? pdc_json_str(img->o.node, "Created", NULL) : NULL;
}

/* RFC 3339 ("2026-11-25T19:53:00.545854625Z", "...+02:00") to unix seconds, -1 if malformed. */
static int64_t parse_rfc3339(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int consumed = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &consumed) != 6 || consumed == 0)
        return -1;
    const char *p = s + consumed;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    long offset = 0;
    if (*p == '+' || *p == '-') {
        int hh = 0, mm = 0;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
            return -1;
        offset = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
    } else if (*p != 'Z' && *p != 'z') {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : (int64_t)t - offset;
}

int64_t podc_image_created_unix(const podc_image *img)
{
    if (!img)
        return -1;
    int64_t v;
    if (pdc_json_int(img->o.node, &v, "Created", NULL))
        return v;
    const char *s = pdc_json_str(img->o.node, "Created", NULL);
    return s ? parse_rfc3339(s) : -1;
}

/* Inspect has Labels at the top and in Config; a list entry only at the top. */
static yajl_val labels_of(const podc_image *img)
{
    if (!img)
        return NULL;
    yajl_val l = pdc_json_get(img->o.node, "Labels", NULL);
    if (!YAJL_IS_OBJECT(l))
        l = pdc_json_get(img->o.node, "Config", "Labels", NULL);
    return YAJL_IS_OBJECT(l) ? l : NULL;
}

size_t podc_image_label_count(const podc_image *img) { return pdc_json_object_len(labels_of(img)); }
const char *podc_image_label_key_at(const podc_image *img, size_t i) { return pdc_json_object_key(labels_of(img), i); }

const char *podc_image_label_value_at(const podc_image *img, size_t i)
{
    return pdc_json_as_str(pdc_json_object_value(labels_of(img), i));
}

const char *podc_image_label(const podc_image *img, const char *key)
{
    yajl_val l = labels_of(img);
    if (!l || !key)
        return NULL;
    for (size_t i = 0; i < pdc_json_object_len(l); i++) {
        const char *k = pdc_json_object_key(l, i);
        if (k && strcmp(k, key) == 0)
            return pdc_json_as_str(pdc_json_object_value(l, i));
    }
    return NULL;
}

size_t podc_image_exposed_port_count(const podc_image *img)
{
    return img ? pdc_json_object_len(pdc_json_get(img->o.node, "Config", "ExposedPorts", NULL)) : 0;
}

const char *podc_image_exposed_port_at(const podc_image *img, size_t i)
{
    return img ? pdc_json_object_key(pdc_json_get(img->o.node, "Config", "ExposedPorts", NULL), i) : NULL;
}

const char *podc_image_json(const podc_image *img)
{
    return img ? img->o.json : NULL;
}

void podc_image_free(podc_image *img)
{
    if (!img)
        return;
    pdc_json_object_free(&img->o);
}

/* ------------------------------------------------------------------------------------------ */
/* List                                                                                         */

/*
 * Podman 4.3 joins several values of one filter key into a single "key=v1=v2" filter for
 * images (FiltersFromRequest), so {"label":["a","b"]} silently matches nothing. We send one
 * value per key and apply the remaining labels here (ANDed, as podc_filters documents);
 * several values of another key are refused. podc_filters is opaque to this file, so its
 * query is decoded back (an accessor in filters-private.h would be simpler).
 */
typedef struct image_filters {
    char *query;          /* "?filters=..." with one value per key, or NULL */
    char **labels;        /* further "k" / "k=v" to check on each entry */
    size_t nlabels;
} image_filters;

static void image_filters_free(image_filters *f)
{
    free(f->query);
    for (size_t i = 0; i < f->nlabels; i++)
        free(f->labels[i]);
    free(f->labels);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int image_filters_prepare(const podc_filters *filters, image_filters *out, podc_error **err)
{
    memset(out, 0, sizeof *out);
    pdc_buf q = PODC_BUF_INIT;
    if (pdc_filters_put_query(filters, &q) < 0)
        return pdc_error_oom(err);
    if (!q.len)
        return 0;
    /* "?filters=<escaped JSON>" -> JSON */
    const char *enc = strchr(q.data, '=');
    pdc_buf json = PODC_BUF_INIT;
    int rc = 0;
    for (const char *p = enc ? enc + 1 : ""; *p && rc == 0; p++) {
        char ch = *p;
        if (ch == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            ch = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        }
        rc = pdc_buf_append(&json, &ch, 1);
    }
    pdc_buf_free(&q);
    yajl_val root = rc == 0 && json.data ? pdc_json_parse(json.data, NULL, 0) : NULL;
    pdc_buf_free(&json);
    if (!root)
        return rc < 0 ? pdc_error_oom(err) : pdc_error_set(err, PODC_EPROTOCOL, "filters: cannot encode");

    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0) {
        pdc_json_free(root);
        return pdc_error_oom(err);
    }
    pdc_jgen_obj_open(&j);
    for (size_t i = 0; i < pdc_json_object_len(root) && rc == 0; i++) {
        const char *key = pdc_json_object_key(root, i);
        yajl_val vals = pdc_json_object_value(root, i);
        size_t n = pdc_json_array_len(vals);
        if (n > 1 && strcmp(key, "label") != 0) {
            rc = pdc_error_invalid(err, "filters",
                                   "filters: podman 4.3 cannot combine several \"%s\" values when listing images", key);
            break;
        }
        pdc_jgen_str(&j, key);
        pdc_jgen_arr_open(&j);
        pdc_jgen_str(&j, pdc_json_as_str(pdc_json_array_at(vals, 0)));
        pdc_jgen_arr_close(&j);
        for (size_t k = 1; k < n && rc == 0; k++) {
            char **nl = realloc(out->labels, (out->nlabels + 1) * sizeof *nl);
            if (!nl || !(nl[out->nlabels] = strdup(pdc_json_as_str(pdc_json_array_at(vals, k))))) {
                if (nl)
                    out->labels = nl;
                rc = pdc_error_oom(err);
            } else {
                out->labels = nl;
                out->nlabels++;
            }
        }
    }
    pdc_jgen_obj_close(&j);
    pdc_json_free(root);
    char *text = rc == 0 ? pdc_jgen_finish(&j, NULL) : (pdc_jgen_abort(&j), NULL);
    if (rc == 0 && !text)
        rc = pdc_error_oom(err);
    if (rc == 0) {
        pdc_buf b = PODC_BUF_INIT;
        if (pdc_buf_put_query(&b, "filters", text) < 0)
            rc = pdc_error_oom(err);
        out->query = b.data;
    }
    free(text);
    if (rc < 0)
        image_filters_free(out);
    return rc;
}

/* "k" means the label is present, "k=v" that it has that value. */
typedef struct {
    char *const *labels;
    size_t n;
} wanted_labels;

static int labels_match(yajl_val entry, const void *ctx)
{
    char *const *want_labels = ((const wanted_labels *)ctx)->labels;
    size_t nlabels = ((const wanted_labels *)ctx)->n;
    yajl_val labels = pdc_json_get(entry, "Labels", NULL);
    for (size_t i = 0; i < nlabels; i++) {
        const char *want = want_labels[i];
        const char *eq = strchr(want, '=');
        size_t kl = eq ? (size_t)(eq - want) : strlen(want);
        int ok = 0;
        for (size_t k = 0; k < pdc_json_object_len(labels) && !ok; k++) {
            const char *key = pdc_json_object_key(labels, k);
            const char *val = pdc_json_as_str(pdc_json_object_value(labels, k));
            ok = key && strlen(key) == kl && strncmp(key, want, kl) == 0 && (!eq || (val && strcmp(val, eq + 1) == 0));
        }
        if (!ok)
            return 0;
    }
    return 1;
}

podc_image_list *pdc_image_list_from_json(yajl_val root, char *const *labels, size_t nlabels)
{
    wanted_labels want = { labels, nlabels };
    return (podc_image_list *)pdc_json_objects_new(root, labels_match, &want);
}

int podc_image_list_get(podc_client *c, const podc_filters *filters, podc_image_list **out, podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    image_filters f;
    int rc = image_filters_prepare(filters, &f, err);
    if (rc < 0)
        return rc;
    pdc_buf path = PODC_BUF_INIT;
    if (pdc_buf_puts(&path, "/libpod/images/json") < 0 || (f.query && pdc_buf_puts(&path, f.query) < 0)) {
        pdc_buf_free(&path);
        image_filters_free(&f);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "GET", .path = path.data };
    yajl_val root = NULL;
    rc = pdc_resource_json(c, &req, NULL, PODC_REPLY_LIST, &root, NULL, err);
    if (rc == 0) {
        podc_image_list *l = pdc_image_list_from_json(root, f.labels, f.nlabels); /* takes root */
        if (l)
            *out = l;
        else
            rc = pdc_error_oom(err);
    }
    pdc_buf_free(&path);
    image_filters_free(&f);
    return rc;
}

size_t podc_image_list_count(const podc_image_list *l)
{
    return l ? l->l.n : 0;
}

const podc_image *podc_image_list_at(const podc_image_list *l, size_t i)
{
    return l ? (const podc_image *)pdc_json_objects_at(&l->l, i) : NULL;
}

void podc_image_list_free(podc_image_list *l)
{
    pdc_json_objects_free(l ? &l->l : NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Tag, remove                                                                                  */

int podc_image_tag(podc_client *c, const char *ref, const char *repo, const char *tag, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "NULL argument");
    if (!tag)
        tag = "latest";
    int rc = pdc_validate_image("ref", ref, err);
    if (rc == 0)
        rc = pdc_image_check_repo("repo", repo, err);
    if (rc == 0)
        rc = pdc_image_check_tag("tag", tag, err);
    if (rc < 0)
        return rc;
    pdc_buf path = PODC_BUF_INIT;
    if (image_path(&path, ref, "/tag") < 0 || pdc_buf_put_query(&path, "repo", repo) < 0 ||
        pdc_buf_put_query(&path, "tag", tag) < 0) {
        pdc_buf_free(&path);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "POST", .path = path.data };
    pdc_http_response resp;
    rc = pdc_http_call(c, &req, &resp, err);
    pdc_http_response_free(&resp);
    pdc_buf_free(&path);
    return rc;
}

int podc_image_remove(podc_client *c, const char *ref, unsigned int flags, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "NULL argument");
    int rc = pdc_validate_image("ref", ref, err);
    if (rc < 0)
        return rc;
    if (flags & ~PODC_IMAGE_REMOVE_FORCE)
        return pdc_error_invalid(err, "flags", "unknown flags 0x%x", flags & ~PODC_IMAGE_REMOVE_FORCE);
    pdc_buf path = PODC_BUF_INIT;
    if (image_path(&path, ref, NULL) < 0 ||
        ((flags & PODC_IMAGE_REMOVE_FORCE) && pdc_buf_put_query_bool(&path, "force", 1) < 0)) {
        pdc_buf_free(&path);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "DELETE", .path = path.data };
    pdc_http_response resp;
    yajl_val root = NULL;
    rc = pdc_http_call(c, &req, &resp, err);
    if (rc == 0)
        rc = pdc_http_json(&req, &resp, &root, err);
    if (rc == 0) {
        /* a 200 can still carry a failure in its report */
        int64_t exit_code = 0;
        pdc_json_int(root, &exit_code, "ExitCode", NULL);
        yajl_val errors = pdc_json_get(root, "Errors", NULL);
        if (exit_code != 0 || pdc_json_array_len(errors) > 0) {
            const char *first = pdc_json_as_str(pdc_json_array_at(errors, 0));
            if (!first)
                first = pdc_json_str(pdc_json_array_at(errors, 0), "message", NULL);
            podc_error *e = pdc_error_new(pdc_error_category_for(500, first, NULL), "DELETE %s: %s", ref,
                                          first ? first : "removal reported a failure");
            pdc_error_set_request(e, req.method, req.path);
            pdc_error_set_server(e, resp.status, first, first);
            rc = pdc_error_put(err, e);
        }
    }
    pdc_json_free(root);
    pdc_http_response_free(&resp);
    pdc_buf_free(&path);
    return rc;
}
