/* http.c - the request loop: libcurl's multi interface over the client's unix socket, so a
 * call can be cancelled from another thread at once (curl_multi_wakeup) and the keep-alive
 * connection stays in the multi handle's pool between calls. */
#include "config.h"

#include "transport/http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error-private.h"
#include "transport/client-private.h"
#include "transport/ssh.h"

typedef struct xfer {
    const pdc_http_request *req;
    pdc_http_response *resp;
    int header_status;      /* status of the final response (after 100-continue) */
    int stopped_by_callback;
    int too_old;            /* Libpod-Api-Version below 4 */
    podc_client *c;
} xfer;

int64_t pdc_http_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t on_header(char *data, size_t size, size_t nitems, void *ud)
{
    xfer *x = ud;
    size_t len = size * nitems;
    if (len > 5 && strncmp(data, "HTTP/", 5) == 0) {
        const char *sp = memchr(data, ' ', len);
        x->header_status = sp ? atoi(sp + 1) : 0;
        x->resp->content_type[0] = '\0';
        return len;
    }
    static const char ver[] = "libpod-api-version:";
    static const char ctype[] = "content-type:";
    if (len > sizeof ver && strncasecmp(data, ver, sizeof ver - 1) == 0) {
        const char *v = data + sizeof ver - 1;
        size_t n = len - (sizeof ver - 1);
        while (n && isspace((unsigned char)*v))
            v++, n--;
        while (n && isspace((unsigned char)v[n - 1]))
            n--;
        if (n >= sizeof x->c->api_version)
            n = sizeof x->c->api_version - 1;
        memcpy(x->c->api_version, v, n);
        x->c->api_version[n] = '\0';
        if (atoi(x->c->api_version) < 4) {
            x->too_old = 1;
            return 0; /* abort: nothing below libpod API 4.0 is spoken */
        }
    } else if (len > sizeof ctype && strncasecmp(data, ctype, sizeof ctype - 1) == 0) {
        const char *v = data + sizeof ctype - 1;
        size_t n = len - (sizeof ctype - 1);
        while (n && isspace((unsigned char)*v))
            v++, n--;
        while (n && isspace((unsigned char)v[n - 1]))
            n--;
        if (n >= sizeof x->resp->content_type)
            n = sizeof x->resp->content_type - 1;
        memcpy(x->resp->content_type, v, n);
        x->resp->content_type[n] = '\0';
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t len = size * nmemb;
    if (x->req->on_data && x->header_status >= 200 && x->header_status < 300) {
        if (x->req->on_data(data, len, x->req->data_ud) != 0) {
            x->stopped_by_callback = 1;
            return 0;
        }
        return len;
    }
    return pdc_buf_append(&x->resp->body, data, len) == 0 ? len : 0;
}

/* A cancel of the call (or an ancestor's), or an internal wake-up of this request. */
static int stop_requested(const podc_client *c)
{
    return atomic_load(&c->interrupt_requested) || pdc_client_cancelled(c);
}

/* The start of every request and sleep: outside a call scope a request is a call of its own,
 * so an old cancel is dropped; inside one it stays. */
static int begin_call(podc_client *c, const char *what, const char *path, podc_error **err)
{
    if (atomic_load(&c->scope_depth) == 0)
        atomic_store(&c->cancel_requested, 0);
    atomic_store(&c->interrupt_requested, 0);
    if (atomic_exchange(&c->in_call, 1))
        return pdc_error_set(err, PODC_EINVAL, "client used from two threads at once (%s %s)", what, path);
    if (pdc_client_cancelled(c)) {
        atomic_store(&c->in_call, 0);
        return pdc_error_set(err, PODC_ECANCELLED, "%s%s%.*s: cancelled", what, *path ? " " : "",
                             (int)strcspn(path, "?"), path);
    }
    return 0;
}

static int perform(podc_client *c, CURL *h, CURLcode *result)
{
    CURLM *m = c->multi;
    if (curl_multi_add_handle(m, h) != CURLM_OK)
        return PODC_ENOMEM;
    int cancelled = 0;
    int running = 1;
    while (running) {
        if (curl_multi_perform(m, &running) != CURLM_OK)
            break;
        if (!running)
            break;
        if (stop_requested(c)) {
            cancelled = 1;
            break;
        }
        curl_multi_poll(m, NULL, 0, 1000, NULL);
        if (stop_requested(c)) {
            cancelled = 1;
            break;
        }
    }
    *result = CURLE_OK;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left)) != NULL)
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == h)
            *result = msg->data.result;
    curl_multi_remove_handle(m, h);
    return cancelled ? PODC_ECANCELLED : 0;
}

static int setup(podc_client *c, CURL *h, const pdc_http_request *req, xfer *x, struct curl_slist **hdrs,
                 char *errbuf)
{
    pdc_buf url = PODC_BUF_INIT;
    if (pdc_buf_printf(&url, "%s%s%s", c->base_url, PODC_API_PREFIX, req->path) < 0)
        return PODC_ENOMEM;

    curl_easy_setopt(h, CURLOPT_URL, url.data);
    pdc_buf_free(&url); /* curl copies the URL */
    if (c->ep.scheme == PODC_EP_UNIX) {
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->ep.path);
    } else if (c->ep.scheme == PODC_EP_SSH) {
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, pdc_ssh_local_path(c->ssh)); /* the session's relay */
    }
    curl_easy_setopt(h, CURLOPT_PROXY, ""); /* never through a proxy from the environment */
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "podc/" PACKAGE_VERSION);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
    int64_t t = req->timeout_ms ? req->timeout_ms : c->timeout_ms;
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, t < 0 ? 0L : (long)t);
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, (long)req->own_connection);
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, (long)req->own_connection);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 0L);

    *hdrs = curl_slist_append(*hdrs, "Expect:"); /* no 100-continue round trip for big bodies */
    const char *method = req->method;
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        if (req->read_cb) {
            curl_easy_setopt(h, CURLOPT_UPLOAD, 1L); /* chunked PUT... */
            curl_easy_setopt(h, CURLOPT_READFUNCTION, req->read_cb);
            curl_easy_setopt(h, CURLOPT_READDATA, req->read_ud);
        } else {
            curl_easy_setopt(h, CURLOPT_POST, 1L);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
        }
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method); /* ...sent with the method asked for */
        if (req->body || req->read_cb) {
            char ct[128];
            snprintf(ct, sizeof ct, "Content-Type: %s", req->content_type ? req->content_type : "application/json");
            *hdrs = curl_slist_append(*hdrs, ct);
        } else {
            /* no body: curl would announce a form; podman's ParseForm then eats nothing, but be explicit */
            *hdrs = curl_slist_append(*hdrs, "Content-Type:");
        }
    }
    for (const char *const *hp = req->headers; hp && *hp; hp++)
        *hdrs = curl_slist_append(*hdrs, *hp);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
    return 0;
}

static int map_curl_error(podc_client *c, const pdc_http_request *req, CURLcode rc, long os_errno,
                          const char *errbuf, podc_error **err)
{
    int code = PODC_ETRANSPORT;
    if (rc == CURLE_OPERATION_TIMEDOUT)
        code = PODC_ETIMEOUT;
    else if (rc == CURLE_OUT_OF_MEMORY)
        code = PODC_ENOMEM;
    const char *ssh = c->ssh ? pdc_ssh_error(c->ssh) : "";
    const char *where = c->ep.path ? c->ep.path : c->ep.uri;
    char why[CURL_ERROR_SIZE + 320];
    /* curl's own words name the fake host of a unix socket ("d port 80"): say what happened */
    if (rc == CURLE_COULDNT_CONNECT)
        snprintf(why, sizeof why, "cannot connect to the podman service at %s: %s", where,
                 os_errno ? strerror((int)os_errno) : "connection refused");
    else if (rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR)
        snprintf(why, sizeof why, "the podman service at %s dropped the connection in the middle of the call "
                 "(it stopped, or a relay closed it): %s", where, errbuf && *errbuf ? errbuf : curl_easy_strerror(rc));
    else
        snprintf(why, sizeof why, "%s", errbuf && *errbuf ? errbuf : curl_easy_strerror(rc));
    podc_error *e = pdc_error_new(code, "%s %.*s: %s%s%s", req->method, (int)strcspn(req->path, "?"), req->path,
                                  why, *ssh ? "; " : "", ssh);
    pdc_error_set_request(e, req->method, req->path);
    pdc_error_add_detail(e, "socket", c->ep.path ? c->ep.path : c->ep.uri);
    return pdc_error_put(err, e);
}

int pdc_http_do(podc_client *c, const pdc_http_request *req, pdc_http_response *resp, podc_error **err)
{
    memset(resp, 0, sizeof *resp);
    int rc = begin_call(c, req->method, req->path, err);
    if (rc < 0)
        return rc;

    /* A keep-alive connection podman closed while idle needs no code here: libcurl notices
     * a reused connection that died before any reply and resends once on a fresh one
     * (tests/unit/test_transport.c proves it for both ways the connection can die). */
    xfer x = { .req = req, .resp = resp, .c = c };
    struct curl_slist *hdrs = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *h = c->easy;
    curl_easy_reset(h);
    rc = setup(c, h, req, &x, &hdrs, errbuf);
    CURLcode cres = CURLE_OK;
    if (rc == 0)
        rc = perform(c, h, &cres);
    long new_conns = 0;
    curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &new_conns);
    c->connections_opened += new_conns;
    curl_slist_free_all(hdrs);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);

    int plen = (int)strcspn(req->path, "?");
    if (rc == PODC_ECANCELLED) {
        rc = pdc_error_set(err, PODC_ECANCELLED, "%s %.*s: cancelled", req->method, plen, req->path);
    } else if (rc < 0) {
        rc = pdc_error_set(err, rc, "%s %.*s: %s", req->method, plen, req->path, podc_strerror(rc));
    } else if (x.too_old) {
        rc = pdc_error_set(err, PODC_EUNSUPPORTED, "the service speaks libpod API %s; podc needs 4.0 or newer",
                           c->api_version);
    } else if (x.stopped_by_callback) {
        rc = pdc_error_set(err, PODC_ECANCELLED, "%s %.*s: stopped by callback", req->method, plen, req->path);
    } else if (cres != CURLE_OK) {
        long os_errno = 0;
        curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
        rc = map_curl_error(c, req, cres, os_errno, errbuf, err);
    } else {
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        resp->status = (int)status;
    }
    atomic_store(&c->in_call, 0);
    return rc;
}

int pdc_http_call(podc_client *c, const pdc_http_request *req, pdc_http_response *resp, podc_error **err)
{
    int rc = pdc_http_do(c, req, resp, err);
    if (rc < 0)
        return rc;
    if (resp->status >= 400 || resp->status < 100)
        return pdc_error_put(err, pdc_error_from_reply(resp->status, resp->body.data, req->method, req->path));
    return 0;
}

int pdc_http_json(const pdc_http_request *req, const pdc_http_response *resp, yajl_val *out, podc_error **err)
{
    char msg[256];
    yajl_val v = resp->body.data ? pdc_json_parse(resp->body.data, msg, sizeof msg) : NULL;
    if (!v) {
        podc_error *e = pdc_error_new(PODC_EPROTOCOL, "%s %.*s: reply is not valid JSON (%.*s)", req->method,
                                      (int)strcspn(req->path, "?"), req->path, (int)strcspn(msg, "\n"),
                                      resp->body.data ? msg : "empty body");
        pdc_error_set_request(e, req->method, req->path);
        e->http_status = resp->status;
        return pdc_error_put(err, e);
    }
    *out = v;
    return 0;
}

int pdc_http_exists(podc_client *c, const char *path, int *out, podc_error **err)
{
    pdc_http_request req = { .method = "GET", .path = path };
    pdc_http_response resp;
    int rc = pdc_http_do(c, &req, &resp, err);
    if (rc == 0) {
        if (resp.status == 204)
            *out = 1;
        else if (resp.status == 404 && resp.body.data && resp.body.data[0] == '{')
            *out = 0;
        else
            rc = pdc_error_put(err, pdc_error_from_reply(resp.status, resp.body.data, req.method, req.path));
    }
    pdc_http_response_free(&resp);
    return rc;
}

void pdc_http_response_free(pdc_http_response *resp)
{
    pdc_buf_free(&resp->body);
}

int pdc_http_sleep(podc_client *c, int64_t ms, podc_error **err)
{
    int rc = begin_call(c, "sleep", "", err);
    if (rc < 0)
        return rc;
    int64_t end = pdc_http_now_ms() + ms;
    int cancelled = 0;
    for (int64_t left = ms; left > 0 && !cancelled; left = end - pdc_http_now_ms()) {
        /* no transfers are attached: this only waits, and curl_multi_wakeup() ends it */
        curl_multi_poll(c->multi, NULL, 0, (int)(left > 1000 ? 1000 : left), NULL);
        cancelled = stop_requested(c);
    }
    atomic_store(&c->in_call, 0);
    return cancelled ? pdc_error_set(err, PODC_ECANCELLED, "cancelled while waiting") : 0;
}
