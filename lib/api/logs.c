/* logs.c - container output: GET /libpod/containers/{n}/logs, demultiplexed (libpod-api.md §5). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api/logs-private.h"
#include "api/resource.h"
#include "core/buf.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/frames.h"
#include "core/validate.h"
#include "podc/logs.h"
#include "transport/http.h"

int podc_logs_options_init(podc_logs_options *opts, unsigned int version)
{
    if (!opts || version != PODC_LOGS_OPTIONS_VERSION)
        return PODC_EINVAL;
    podc_logs_options d = PODC_LOGS_OPTIONS_INIT;
    *opts = d;
    return 0;
}

typedef struct logs_call {
    pdc_frames frames;
    podc_output_cb cb;
    void *ud;
} logs_call;

static int on_data(const char *data, size_t len, void *ud)
{
    logs_call *lc = ud;
    return pdc_frames_feed(&lc->frames, data, len);
}

static int on_frame(int stream, const char *data, size_t len, void *ud)
{
    logs_call *lc = ud;
    return lc->cb(stream, data, len, lc->ud);
}

static int build_path(const char *container, const podc_logs_options *o, pdc_buf *path)
{
    int rc = pdc_resource_path(path, "/libpod/containers/", container, "/logs");
    if (!rc)
        rc = pdc_buf_put_query_bool(path, "stdout", o->want_stdout != 0);
    if (!rc)
        rc = pdc_buf_put_query_bool(path, "stderr", o->want_stderr != 0);
    if (!rc && o->tail >= 0)
        rc = pdc_buf_put_query_int(path, "tail", o->tail);
    if (!rc && o->since_text)
        rc = pdc_buf_put_query(path, "since", o->since_text);
    else if (!rc && o->since > 0)
        rc = pdc_buf_put_query_int(path, "since", o->since);
    if (!rc && o->timestamps)
        rc = pdc_buf_put_query_bool(path, "timestamps", 1);
    if (!rc && o->follow)
        rc = pdc_buf_put_query_bool(path, "follow", 1);
    return rc;
}

int podc_logs_stream(podc_client *c, const char *container, const podc_logs_options *opts, podc_output_cb cb,
                     void *userdata, podc_error **err)
{
    podc_logs_options defaults = PODC_LOGS_OPTIONS_INIT;
    const podc_logs_options *o = opts ? opts : &defaults;
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    if (!cb)
        return pdc_error_invalid(err, "callback", "callback is NULL");
    int rc = pdc_validate_name("container", container, err);
    if (rc)
        return rc;
    if (o->version != PODC_LOGS_OPTIONS_VERSION)
        return pdc_error_invalid(err, "version", "unknown podc_logs_options version %u", o->version);
    if (!o->want_stdout && !o->want_stderr)
        return pdc_error_invalid(err, "want_stdout", "logs: ask for stdout, stderr or both");
    if (o->tail < -1)
        return pdc_error_invalid(err, "tail", "logs: tail %lld (use -1 for all)", (long long)o->tail);
    if (o->since < 0)
        return pdc_error_invalid(err, "since", "logs: since %lld is negative", (long long)o->since);
    if (o->since_text && !*o->since_text)
        return pdc_error_invalid(err, "since_text", "logs: since_text is empty");

    pdc_buf path = PODC_BUF_INIT;
    if (build_path(container, o, &path) < 0) {
        pdc_buf_free(&path);
        return pdc_error_oom(err);
    }
    logs_call lc = { .cb = cb, .ud = userdata };
    pdc_frames_init(&lc.frames, PODC_FRAMES_WHOLE, on_frame, &lc);
    pdc_http_request req = { .method = "GET", .path = path.data, .on_data = on_data, .data_ud = &lc };
    /* a follow sends no headers until the next record: only the caller's own limit applies */
    req.timeout_ms = o->timeout_ms ? o->timeout_ms : (o->follow ? -1 : 0);
    pdc_http_response resp;
    rc = pdc_http_call(c, &req, &resp, err);
    /* the transport reports any non-zero on_data as a cancel: say what really happened */
    if (lc.frames.failed || (rc == 0 && pdc_frames_finish(&lc.frames) != 0)) {
        podc_error *e = pdc_error_new(lc.frames.failed, "GET /libpod/containers/%s/logs: %s", container,
                                      lc.frames.error);
        pdc_error_set_request(e, "GET", path.data);
        pdc_error_set_container(e, container, NULL);
        rc = pdc_error_put(err, e);
    } else if (rc < 0 && err && *err) {
        pdc_error_set_container(*err, container, NULL);
        if (rc == PODC_ETRANSPORT && o->follow)
            pdc_error_prefix(*err, "while following the logs of %s", container);
    }
    pdc_frames_free(&lc.frames);
    pdc_http_response_free(&resp);
    pdc_buf_free(&path);
    return rc;
}

struct podc_logs {
    pdc_buf out, errb, all;
    int oom;
};

static int collect(int stream, const char *data, size_t len, void *ud)
{
    podc_logs *l = ud;
    pdc_buf *b = stream == PODC_STREAM_STDERR ? &l->errb : &l->out;
    if (pdc_buf_append(b, data, len) < 0 || pdc_buf_append(&l->all, data, len) < 0) {
        l->oom = 1;
        return PODC_ENOMEM;
    }
    return 0;
}

/* Makes every buffer non-NULL so the accessors can promise a string. */
static int finish_bufs(podc_logs *l)
{
    return pdc_buf_append(&l->out, "", 0) | pdc_buf_append(&l->errb, "", 0) | pdc_buf_append(&l->all, "", 0);
}

int podc_logs_get(podc_client *c, const char *container, const podc_logs_options *opts, podc_logs **out,
                  podc_error **err)
{
    if (!out)
        return pdc_error_invalid(err, "out", "NULL argument");
    podc_logs *l = calloc(1, sizeof *l);
    if (!l)
        return pdc_error_oom(err);
    int rc = podc_logs_stream(c, container, opts, collect, l, err);
    if (rc == 0 && finish_bufs(l) != 0)
        rc = pdc_error_oom(err);
    if (l->oom) /* collect() stopped the stream: report memory, not a cancel */
        rc = pdc_error_oom(err);
    if (rc != 0) {
        podc_logs_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

const char *podc_logs_stdout(const podc_logs *l) { return l && l->out.data ? l->out.data : ""; }
const char *podc_logs_stderr(const podc_logs *l) { return l && l->errb.data ? l->errb.data : ""; }
const char *podc_logs_combined(const podc_logs *l) { return l && l->all.data ? l->all.data : ""; }
size_t podc_logs_stdout_len(const podc_logs *l) { return l ? l->out.len : 0; }
size_t podc_logs_stderr_len(const podc_logs *l) { return l ? l->errb.len : 0; }
size_t podc_logs_combined_len(const podc_logs *l) { return l ? l->all.len : 0; }

void podc_logs_free(podc_logs *l)
{
    if (!l)
        return;
    pdc_buf_free(&l->out);
    pdc_buf_free(&l->errb);
    pdc_buf_free(&l->all);
    free(l);
}

size_t pdc_logs_last_lines_start(const char *text, size_t len, int64_t n)
{
    size_t i = len;
    if (i > 0 && text[i - 1] == '\n')
        i--; /* the terminator of the last line does not start a new one */
    while (i > 0) {
        if (text[i - 1] == '\n' && --n == 0)
            return i;
        i--;
    }
    return 0;
}

/* The tail is a C string: a NUL the program wrote becomes U+FFFD instead of cutting it short
 * (a fuzz finding). */
static char *text_without_nul(const char *p, size_t len)
{
    size_t nuls = 0;
    for (size_t i = 0; i < len; i++)
        nuls += p[i] == '\0';
    char *t = malloc(len + 2 * nuls + 1), *o = t;
    if (!t)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\0') {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
        } else {
            *o++ = p[i];
        }
    }
    *o = '\0';
    return t;
}

int podc_logs_tail(podc_client *c, const char *container, int64_t n, char **out_text, podc_error **err)
{
    if (!out_text)
        return pdc_error_invalid(err, "out_text", "NULL argument");
    if (n < 1)
        return pdc_error_invalid(err, "n", "logs tail: n must be at least 1, got %lld", (long long)n);
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    o.tail = n;
    podc_logs *l = NULL;
    int rc = podc_logs_get(c, container, &o, &l, err);
    if (rc)
        return rc;
    /* podman counts records, and its tail mis-splits partial lines (libpod-api.md §5): cut by lines here */
    size_t start = pdc_logs_last_lines_start(l->all.data, l->all.len, n);
    char *text = text_without_nul(l->all.data + start, l->all.len - start);
    podc_logs_free(l);
    if (!text)
        return pdc_error_oom(err);
    *out_text = text;
    return 0;
}
