/* copy.c - files in and out of containers as tar (PUT/GET .../archive, libpod-api.md §5). */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "api/resource.h"
#include "core/buf.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/tar-end.h"
#include "core/tar-mem.h"
#include "core/validate.h"
#include "podc/copy.h"
#include "transport/http.h"

static int check_args(podc_client *c, const char *container, const char *path, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    int rc = pdc_validate_name("container", container, err);
    if (rc)
        return rc;
    if (!path || path[0] != '/')
        return pdc_error_invalid(err, "path", "path \"%s\": an absolute path in the container is required",
                                 path ? path : "(null)");
    return 0;
}

static int archive_path(const char *container, const char *path, pdc_buf *out)
{
    int rc = pdc_resource_path(out, "/libpod/containers/", container, "/archive");
    if (!rc)
        rc = pdc_buf_put_query(out, "path", path);
    return rc;
}

typedef struct upload {
    podc_read_cb cb;
    void *ud;
    int aborted;
    pdc_tar_end end;
} upload;

static size_t upload_read(char *buf, size_t size, size_t nitems, void *ud)
{
    upload *u = ud;
    size_t room = size * nitems;
    for (;;) {
        int64_t n = u->cb(buf, room, u->ud);
        if (n < 0 || (uint64_t)n > room) {
            u->aborted = 1;
            return CURL_READFUNC_ABORT;
        }
        if (n == 0)
            return 0;
        /* send nothing past the end-of-archive marker (tar-end.h), but drain the source */
        size_t keep = pdc_tar_end_feed(&u->end, buf, (size_t)n);
        if (keep)
            return keep;
    }
}

static int put(podc_client *c, const char *container, const char *path, const void *tar, size_t len, upload *u,
               podc_error **err)
{
    pdc_buf p = PODC_BUF_INIT;
    if (archive_path(container, path, &p) < 0) {
        pdc_buf_free(&p);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "PUT", .path = p.data, .content_type = "application/x-tar" };
    if (u) {
        req.read_cb = upload_read;
        req.read_ud = u;
    } else {
        pdc_tar_end end;
        pdc_tar_end_init(&end);
        req.body = tar ? tar : "";
        req.body_len = tar ? pdc_tar_end_feed(&end, tar, len) : 0;
    }
    pdc_http_response resp;
    int rc = pdc_http_call(c, &req, &resp, err);
    if (u && u->aborted) { /* curl calls our abort a transport failure */
        podc_error *e = pdc_error_new(PODC_ECANCELLED, "PUT /libpod/containers/%s/archive: upload aborted by the "
                                       "read callback", container);
        pdc_error_set_request(e, "PUT", p.data);
        rc = pdc_error_put(err, e);
    }
    if (rc < 0 && err && *err)
        pdc_error_set_container(*err, container, NULL);
    pdc_http_response_free(&resp);
    pdc_buf_free(&p);
    return rc;
}

int podc_copy_put_tar(podc_client *c, const char *container, const char *path, const void *tar, size_t len,
                      podc_error **err)
{
    int rc = check_args(c, container, path, err);
    if (rc)
        return rc;
    if (!tar && len)
        return pdc_error_invalid(err, "tar", "tar is NULL");
    return put(c, container, path, tar, len, NULL, err);
}

int podc_copy_put_tar_stream(podc_client *c, const char *container, const char *path, podc_read_cb read_cb,
                             void *userdata, podc_error **err)
{
    int rc = check_args(c, container, path, err);
    if (rc)
        return rc;
    if (!read_cb)
        return pdc_error_invalid(err, "read_cb", "read callback is NULL");
    upload u = { .cb = read_cb, .ud = userdata };
    pdc_tar_end_init(&u.end);
    return put(c, container, path, NULL, 0, &u, err);
}

/* A relative name without empty, "." or ".." parts. */
static int name_ok(const char *name)
{
    if (!name || !*name || name[0] == '/')
        return 0;
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += n;
        if (*p == '/' && *++p == '\0')
            return 0; /* trailing slash: that names a directory */
    }
    return 1;
}

int podc_copy_put_file(podc_client *c, const char *container, const char *dir, const char *name,
                       const void *content, size_t len, unsigned int mode, podc_error **err)
{
    int rc = check_args(c, container, dir, err);
    if (rc)
        return rc;
    if (!name_ok(name))
        return pdc_error_invalid(err, "name", "file name \"%s\": a relative path without \".\" or \"..\" parts",
                                 name ? name : "(null)");
    if (!content && len)
        return pdc_error_invalid(err, "content", "content is NULL");
    if (mode > 07777)
        return pdc_error_invalid(err, "mode", "mode %o: only permission bits (07777) are allowed", mode);
    pdc_buf tar = PODC_BUF_INIT;
    const pdc_tar_file f = { name, content, len, mode };
    if (pdc_tar_files(&f, 1, &tar) < 0) {
        pdc_buf_free(&tar);
        return pdc_error_set(err, PODC_ENOMEM, "building the tar for %s failed", name);
    }
    rc = put(c, container, dir, tar.data, tar.len, NULL, err);
    if (tar.data)
        explicit_bzero(tar.data, tar.len); /* the content may be a secret */
    pdc_buf_free(&tar);
    return rc;
}

static int get(podc_client *c, const char *container, const char *path, podc_data_cb cb, void *ud,
               podc_error **err)
{
    int rc = check_args(c, container, path, err);
    if (rc)
        return rc;
    pdc_buf p = PODC_BUF_INIT;
    if (archive_path(container, path, &p) < 0) {
        pdc_buf_free(&p);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "GET", .path = p.data, .on_data = cb, .data_ud = ud };
    pdc_http_response resp;
    rc = pdc_http_call(c, &req, &resp, err);
    if (rc < 0 && err && *err)
        pdc_error_set_container(*err, container, NULL);
    pdc_http_response_free(&resp);
    pdc_buf_free(&p);
    return rc;
}

int podc_copy_get_tar(podc_client *c, const char *container, const char *path, podc_data_cb cb, void *userdata,
                      podc_error **err)
{
    if (!cb)
        return pdc_error_invalid(err, "callback", "callback is NULL");
    return get(c, container, path, cb, userdata, err);
}

typedef struct sink {
    pdc_buf buf;
    int oom;
} sink;

static int to_sink(const char *data, size_t len, void *ud)
{
    sink *s = ud;
    if (pdc_buf_append(&s->buf, data, len) < 0) {
        s->oom = 1;
        return PODC_ENOMEM;
    }
    return 0;
}

static int get_mem(podc_client *c, const char *container, const char *path, pdc_buf *out, podc_error **err)
{
    sink s = { PODC_BUF_INIT, 0 };
    int rc = get(c, container, path, to_sink, &s, err);
    if (s.oom)
        rc = pdc_error_oom(err);
    if (rc)
        pdc_buf_free(&s.buf);
    else
        *out = s.buf;
    return rc;
}

int podc_copy_get_tar_mem(podc_client *c, const char *container, const char *path, char **out, size_t *out_len,
                          podc_error **err)
{
    if (!out || !out_len)
        return pdc_error_invalid(err, "out", "NULL argument");
    pdc_buf b;
    int rc = get_mem(c, container, path, &b, err);
    if (rc)
        return rc;
    size_t len = b.len;
    char *data = pdc_buf_detach(&b);
    if (!data)
        return pdc_error_oom(err);
    *out = data;
    *out_len = len;
    return 0;
}

int podc_copy_get_file(podc_client *c, const char *container, const char *path, char **out, size_t *out_len,
                       podc_error **err)
{
    if (!out)
        return pdc_error_invalid(err, "out", "NULL argument");
    pdc_buf tar;
    int rc = get_mem(c, container, path, &tar, err);
    if (rc)
        return rc;
    struct archive *a = archive_read_new();
    struct archive_entry *e = NULL;
    pdc_buf content = PODC_BUF_INIT;
    if (!a) {
        rc = pdc_error_oom(err);
    } else {
        archive_read_support_format_tar(a);
        if (archive_read_open_memory(a, tar.data ? tar.data : "", tar.len) != ARCHIVE_OK ||
            archive_read_next_header(a, &e) != ARCHIVE_OK) {
            rc = pdc_error_set(err, PODC_EPROTOCOL, "GET /libpod/containers/%s/archive: unreadable tar: %s",
                               container, archive_error_string(a) ? archive_error_string(a) : "no entry");
        } else if (archive_entry_filetype(e) != AE_IFREG) {
            rc = pdc_error_invalid(err, "path", "%s in %s is not a regular file", path, container);
        } else {
            char chunk[16384];
            la_ssize_t n;
            while (rc == 0 && (n = archive_read_data(a, chunk, sizeof chunk)) != 0) {
                if (n < 0)
                    rc = pdc_error_set(err, PODC_EPROTOCOL, "GET /libpod/containers/%s/archive: %s", container,
                                       archive_error_string(a) ? archive_error_string(a) : "read error");
                else if (pdc_buf_append(&content, chunk, (size_t)n) < 0)
                    rc = pdc_error_oom(err);
            }
        }
        archive_read_free(a);
    }
    pdc_buf_free(&tar);
    if (rc) {
        pdc_buf_free(&content);
        return rc;
    }
    size_t len = content.len;
    char *data = pdc_buf_detach(&content);
    if (!data)
        return pdc_error_oom(err);
    *out = data;
    if (out_len)
        *out_len = len;
    return 0;
}
