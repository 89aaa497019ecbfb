/* image-import.c - POST /libpod/images/import: a rootfs tar streamed from a callback or a file. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/images-private.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/json.h"
#include "core/validate.h"
#include "podc/images.h"
#include "transport/http.h"


struct podc_image_import_options {
    char *reference;
    char *message;
    char **changes;
    size_t nchanges;
    int64_t timeout_ms;
};

podc_image_import_options *podc_image_import_options_new(void)
{
    return calloc(1, sizeof(podc_image_import_options));
}

static int replace_str(char **slot, const char *v)
{
    char *d = strdup(v);
    if (!d)
        return PODC_ENOMEM;
    free(*slot);
    *slot = d;
    return 0;
}

int podc_image_import_options_set_reference(podc_image_import_options *o, const char *ref, podc_error **err)
{
    return pdc_setter_result(err, __func__, o && ref ? replace_str(&o->reference, ref) : PODC_EINVAL);
}

int podc_image_import_options_set_message(podc_image_import_options *o, const char *message, podc_error **err)
{
    return pdc_setter_result(err, __func__, o && message ? replace_str(&o->message, message) : PODC_EINVAL);
}

int podc_image_import_options_add_change(podc_image_import_options *o, const char *change, podc_error **err)
{
    if (!o || !change)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    char **nc = realloc(o->changes, (o->nchanges + 1) * sizeof *nc);
    if (!nc)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    o->changes = nc;
    if (!(o->changes[o->nchanges] = strdup(change)))
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    o->nchanges++;
    return 0;
}

int podc_image_import_options_set_timeout(podc_image_import_options *o, int64_t timeout_ms, podc_error **err)
{
    if (!o || timeout_ms < 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->timeout_ms = timeout_ms;
    return 0;
}

void podc_image_import_options_free(podc_image_import_options *o)
{
    if (!o)
        return;
    free(o->reference);
    free(o->message);
    for (size_t i = 0; i < o->nchanges; i++)
        free(o->changes[i]);
    free(o->changes);
    free(o);
}

typedef struct import_reader {
    podc_read_cb cb;
    void *ud;
    int aborted;
} import_reader;

static size_t import_read(char *buf, size_t size, size_t nitems, void *ud)
{
    import_reader *r = ud;
    int64_t n = r->cb(buf, size * nitems, r->ud);
    if (n < 0 || (uint64_t)n > size * nitems) {
        r->aborted = 1;
        return CURL_READFUNC_ABORT;
    }
    return (size_t)n;
}

int podc_image_import(podc_client *c, const podc_image_import_options *opts, podc_read_cb read,
                      void *userdata, char **out_id, podc_error **err)
{
    if (!c || !read || !out_id)
        return pdc_error_invalid(err, !c ? "client" : !read ? "read" : "out_id", "NULL argument");
    int rc = 0;
    if (opts && opts->reference)
        rc = pdc_image_check_name("reference", opts->reference, err);
    for (size_t i = 0; rc == 0 && opts && i < opts->nchanges; i++)
        rc = pdc_validate_nonempty("change", opts->changes[i], err);
    if (rc < 0)
        return rc;

    pdc_buf path = PODC_BUF_INIT;
    int q = pdc_buf_puts(&path, "/libpod/images/import");
    if (q == 0 && opts && opts->reference)
        q = pdc_buf_put_query(&path, "reference", opts->reference);
    if (q == 0 && opts && opts->message)
        q = pdc_buf_put_query(&path, "message", opts->message);
    for (size_t i = 0; q == 0 && opts && i < opts->nchanges; i++)
        q = pdc_buf_put_query(&path, "changes", opts->changes[i]);
    if (q < 0) {
        pdc_buf_free(&path);
        return pdc_error_oom(err);
    }

    import_reader r = { .cb = read, .ud = userdata };
    pdc_http_request req = {
        .method = "POST",
        .path = path.data,
        .content_type = "application/x-tar",
        .read_cb = import_read,
        .read_ud = &r,
        .timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms : -1,
    };
    pdc_http_response resp;
    yajl_val root = NULL;
    rc = pdc_http_call(c, &req, &resp, err);
    if (rc < 0 && r.aborted)
        rc = pdc_error_set(err, PODC_ECANCELLED, "POST /libpod/images/import: the read callback aborted the upload");
    if (rc == 0)
        rc = pdc_http_json(&req, &resp, &root, err);
    if (rc == 0) {
        const char *id = pdc_json_str(root, "Id", NULL);
        char *bare = id ? pdc_image_strip_digest_prefix(id) : NULL;
        if (!id) {
            rc = pdc_error_set(err, PODC_EPROTOCOL, "POST /libpod/images/import: reply has no Id");
        } else if (!bare) {
            rc = pdc_error_oom(err);
        } else {
            *out_id = bare;
        }
    }
    pdc_json_free(root);
    pdc_http_response_free(&resp);
    pdc_buf_free(&path);
    return rc;
}

static int64_t read_file(char *buf, size_t cap, void *ud)
{
    FILE *f = ud;
    size_t n = fread(buf, 1, cap, f);
    if (n == 0 && ferror(f))
        return -1;
    return (int64_t)n;
}

int podc_image_import_file(podc_client *c, const podc_image_import_options *opts, const char *tar_path,
                           char **out_id, podc_error **err)
{
    if (!c || !out_id)
        return pdc_error_invalid(err, c ? "out_id" : "client", "NULL argument");
    int rc = pdc_validate_nonempty("tar_path", tar_path, err);
    if (rc < 0)
        return rc;
    /* check the name before opening anything */
    if (opts && opts->reference && (rc = pdc_image_check_name("reference", opts->reference, err)) < 0)
        return rc;
    FILE *f = fopen(tar_path, "rb");
    if (!f) {
        podc_error *e = pdc_error_local(errno, "tar_path", tar_path, "cannot open %s", tar_path);
        pdc_error_add_detail(e, "file", tar_path);
        return pdc_error_put(err, e);
    }
    rc = podc_image_import(c, opts, read_file, f, out_id, err);
    if (rc == PODC_ECANCELLED && ferror(f)) {
        podc_error *e = pdc_error_new(PODC_EINVAL, "cannot read %s", tar_path);
        pdc_error_add_detail(e, "field", "tar_path");
        pdc_error_add_detail(e, "file", tar_path);
        rc = pdc_error_put(err, e);
    }
    fclose(f);
    return rc;
}
