/* health.c - one try of a service's health checks (HTTP, TCP, exec, log regex, podman's). */
#include "config.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netdb.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "podc/exec.h"
#include "podc/logs.h"
#include "service/service-private.h"

#define HTTP_BODY_MAX (64 * 1024)
#define TCP_SETTLE_MS 30 /* how long a fresh connection must stay open to count */
#define TCP_TIMEOUT_MS 1000

/* The failure text of a check ("HTTP GET :8080/healthz: status 503"), new; NULL on OOM. */
static char *reasonf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *reasonf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

static int host_port(const pdc_svc_health *h, int container_port)
{
    return podc_container_info_host_port(h->info, container_port, "tcp");
}

/* ---- HTTP: libcurl easy straight to the published port (not through podman) ---- */

typedef struct http_body {
    pdc_buf buf;
} http_body;

static size_t http_write(char *data, size_t size, size_t n, void *ud)
{
    http_body *b = ud;
    size_t len = size * n;
    if (b->buf.len < HTTP_BODY_MAX)
        pdc_buf_append(&b->buf, data, len < HTTP_BODY_MAX - b->buf.len ? len : HTTP_BODY_MAX - b->buf.len);
    return len;
}

/* A probe in flight stops within ABORT_SLICE_MS once the container has exited or the start was
 * cancelled: right after an exit a connect to its port can hang ~1 s while podman tears the
 * network down, which would otherwise delay the failure by that much. */
#define ABORT_SLICE_MS 20

static int aborted(const pdc_svc_health *h)
{
    return (h->abort_flag && atomic_load(h->abort_flag)) || (h->cancel_of && pdc_client_cancelled(h->cancel_of));
}

/* curl_easy_perform, in slices that look at aborted() between them. */
static CURLcode perform_abortable(CURL *e, const pdc_svc_health *h)
{
    CURLM *m = curl_multi_init();
    if (!m || curl_multi_add_handle(m, e) != CURLM_OK) {
        if (m)
            curl_multi_cleanup(m);
        return CURLE_OUT_OF_MEMORY;
    }
    CURLcode res = CURLE_OK;
    for (int running = 1; running;) {
        if (curl_multi_perform(m, &running) != CURLM_OK) {
            res = CURLE_OUT_OF_MEMORY;
            break;
        }
        if (!running)
            break;
        if (aborted(h)) {
            res = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        curl_multi_poll(m, NULL, 0, ABORT_SLICE_MS, NULL);
    }
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left)) != NULL)
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == e)
            res = msg->data.result;
    curl_multi_remove_handle(m, e);
    curl_multi_cleanup(m);
    return res;
}

static int check_http(const pdc_svc_health *h, const pdc_svc_check *k, char **reason)
{
    int port = host_port(h, k->port);
    if (port <= 0)
        return (*reason = reasonf("HTTP :%d%s: container port not published", k->port, k->path)) ? 0 : PODC_ENOMEM;
    char url[900];
    snprintf(url, sizeof url, strchr(h->address, ':') ? "http://[%s]:%d%s" : "http://%s:%d%s", h->address, port,
             k->path);
    CURL *e = curl_easy_init();
    if (!e)
        return PODC_ENOMEM;
    http_body body = { PODC_BUF_INIT };
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)k->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)k->timeout_ms);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(e, CURLOPT_NOPROXY, "*"); /* never send a health probe through a proxy */
    CURLcode cc = perform_abortable(e, h);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(e);
    int ok = 0;
    if (cc != CURLE_OK)
        *reason = reasonf("HTTP GET %s: %s", url, curl_easy_strerror(cc));
    else if (status != k->status)
        *reason = reasonf("HTTP GET %s: status %ld, expected %d", url, status, k->status);
    else if (k->substr && (!body.buf.data || !strstr(body.buf.data, k->substr)))
        *reason = reasonf("HTTP GET %s: status %ld but the body lacks \"%s\"", url, status, k->substr);
    else
        ok = 1;
    pdc_buf_free(&body.buf);
    if (!ok && !*reason)
        return PODC_ENOMEM;
    return ok;
}

/* ---- TCP connect ---- */

/*
 * A connect that succeeds proves nothing behind a port forwarder: rootless podman's
 * rootlessport (and slirp4netns) accept at once and close when the container refuses. So a
 * connection closed within a moment (EOF or reset before we sent anything) does not count; a
 * server that stays quiet or greets us does.
 */
static int closed_at_once(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, TCP_SETTLE_MS) <= 0)
        return 0; /* still open: something listens */
    char b;
    ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* An exchange on a connected socket: send k->path, wait up to k->timeout_ms for a reply that
 * contains k->substr. 0, or an errno (EPROTO: it answered something else, into got). */
static int exchange(int fd, const pdc_svc_health *h, const pdc_svc_check *k, char *got, size_t gotsz)
{
    size_t len = strlen(k->path);
    if (send(fd, k->path, len, MSG_NOSIGNAL) != (ssize_t)len)
        return errno ? errno : EIO;
    size_t n = 0;
    got[0] = '\0';
    int64_t limit = k->timeout_ms > 0 ? k->timeout_ms : TCP_TIMEOUT_MS;
    for (int64_t waited = 0; waited < limit && !aborted(h); waited += ABORT_SLICE_MS) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, ABORT_SLICE_MS);
        if (r < 0)
            return errno;
        if (r == 0)
            continue;
        ssize_t m = recv(fd, got + n, gotsz - 1 - n, 0);
        if (m <= 0)
            return m == 0 ? (n ? EPROTO : ECONNRESET) : errno;
        n += (size_t)m;
        got[n] = '\0';
        if (strstr(got, k->substr))
            return 0;
        if (n == gotsz - 1)
            return EPROTO;
    }
    return n ? EPROTO : ETIMEDOUT;
}

static int check_tcp(const pdc_svc_health *h, const pdc_svc_check *k, char **reason)
{
    char got[256] = "";
    int port = host_port(h, k->port);
    if (port <= 0)
        return (*reason = reasonf("TCP :%d: container port not published", k->port)) ? 0 : PODC_ENOMEM;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res = NULL;
    int g = getaddrinfo(h->address, service, &hints, &res);
    if (g != 0)
        return (*reason = reasonf("TCP %s:%d: %s", h->address, port, gai_strerror(g))) ? 0 : PODC_ENOMEM;
    int e = ECONNREFUSED;
    for (struct addrinfo *a = res; a && e; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        e = 0;
        if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
            e = errno;
            if (e == EINPROGRESS) {
                struct pollfd p = { .fd = fd, .events = POLLOUT };
                int n = 0;
                for (int waited = 0; waited < TCP_TIMEOUT_MS && !aborted(h); waited += ABORT_SLICE_MS)
                    if ((n = poll(&p, 1, ABORT_SLICE_MS)) != 0)
                        break;
                socklen_t l = sizeof e;
                if (n == 0)
                    e = ETIMEDOUT;
                else if (n < 0)
                    e = errno;
                else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0)
                    e = errno;
            }
        }
        if (e == 0 && k->path) /* an exchange proves more than the settle below */
            e = exchange(fd, h, k, got, sizeof got);
        else if (e == 0 && closed_at_once(fd))
            e = ECONNRESET;
        close(fd);
    }
    freeaddrinfo(res);
    if (e == 0)
        return 1;
    if (e == EPROTO) {
        for (char *c = got; *c; c++) /* one line for the reason */
            if ((unsigned char)*c < 0x20)
                *c = ' ';
        return (*reason = reasonf("TCP %s:%d: answered \"%.80s\", not \"%s\"", h->address, port, got, k->substr))
                   ? 0
                   : PODC_ENOMEM;
    }
    if (e == ECONNRESET)
        return (*reason = reasonf("TCP %s:%d: accepted, then closed at once (a port forwarder with nothing "
                                  "listening behind it)", h->address, port)) ? 0 : PODC_ENOMEM;
    return (*reason = reasonf("TCP connect %s:%d: %s", h->address, port, strerror(e))) ? 0 : PODC_ENOMEM;
}

/* ---- exec in the container ---- */

static int check_exec(podc_client *c, const pdc_svc_health *h, const pdc_svc_check *k, char **reason)
{
    podc_exec_options *o = podc_exec_options_new();
    if (!o)
        return PODC_ENOMEM;
    podc_exec_options_set_timeout(o, k->timeout_ms, NULL);
    /* argv must be NULL-terminated */
    const char **argv = calloc(k->argv.n + 1, sizeof *argv);
    if (!argv) {
        podc_exec_options_free(o);
        return PODC_ENOMEM;
    }
    memcpy(argv, k->argv.v, k->argv.n * sizeof *argv);
    podc_exec_result *r = NULL;
    podc_error *e = NULL;
    int rc = podc_exec_run(c, h->container, argv, o, &r, &e);
    podc_exec_options_free(o);
    free(argv);
    int ok = 0;
    if (rc < 0)
        *reason = reasonf("exec %s: %s", k->argv.v[0], e ? podc_error_message(e) : podc_strerror(rc));
    else if (podc_exec_result_exit_code(r) != 0)
        *reason = reasonf("exec %s: exit code %d: %.200s", k->argv.v[0], podc_exec_result_exit_code(r),
                          *podc_exec_result_stderr(r) ? podc_exec_result_stderr(r) : podc_exec_result_stdout(r));
    else if (k->substr && !strstr(podc_exec_result_stdout(r), k->substr))
        *reason = reasonf("exec %s: exit code 0 but stdout lacks \"%s\" (got \"%.200s\")", k->argv.v[0], k->substr,
                          podc_exec_result_stdout(r));
    else
        ok = 1;
    podc_exec_result_free(r);
    podc_error_free(e);
    if (!ok && !*reason)
        return PODC_ENOMEM;
    return ok;
}

/* ---- log line regex, seen N times: each poll reads only what is new ---- */

/* Counts the matching lines of one record's text. */
static int count_lines(const regex_t *re, const char *text, size_t len)
{
    int n = 0;
    char line[4096];
    while (len > 0) {
        const char *nl = memchr(text, '\n', len);
        size_t l = nl ? (size_t)(nl - text) : len;
        size_t ll = l;
        if (ll && text[ll - 1] == '\r')
            ll--;
        if (ll >= sizeof line)
            ll = sizeof line - 1; /* longer lines are matched on their first 4 KiB */
        memcpy(line, text, ll);
        line[ll] = '\0';
        if (ll && regexec(re, line, 0, NULL, 0) == 0)
            n++;
        text += nl ? l + 1 : l;
        len -= nl ? l + 1 : l;
    }
    return n;
}

void pdc_svc_logpos_feed(pdc_svc_logpos *pos, const regex_t *re, const char *rec, size_t len)
{
    const char *sp = memchr(rec, ' ', len);
    size_t tl = sp ? (size_t)(sp - rec) : 0;
    /* "2026-11-25T20:46:52Z": anything else (a later piece of a record over 1 MiB) is counted
     * without moving the position */
    if (!sp || tl < 20 || tl >= sizeof pos->last_ts || rec[4] != '-' || rec[10] != 'T') {
        pos->matches += count_lines(re, rec, len);
        return;
    }
    if (strlen(pos->last_ts) == tl && memcmp(pos->last_ts, rec, tl) == 0) {
        if (pos->skip > 0) { /* counted by an earlier read */
            pos->skip--;
            return;
        }
        pos->n_at_last++;
    } else { /* records come in time order: the earlier timestamp never comes back */
        memcpy(pos->last_ts, rec, tl);
        pos->last_ts[tl] = '\0';
        pos->n_at_last = 1;
        pos->skip = 0;
    }
    pos->matches += count_lines(re, sp + 1, len - tl - 1);
}

typedef struct log_read {
    pdc_svc_logpos *pos;
    const regex_t *re;
} log_read;

static int on_log_record(int stream, const char *data, size_t len, void *ud)
{
    (void)stream;
    log_read *r = ud;
    pdc_svc_logpos_feed(r->pos, r->re, data, len);
    return 0;
}

static int check_log(podc_client *c, const pdc_svc_health *h, const pdc_svc_check *k, pdc_svc_logpos *pos,
                     char **reason)
{
    regex_t re;
    if (regcomp(&re, k->regex, REG_EXTENDED | REG_NOSUB) != 0) /* validated before: only OOM here */
        return PODC_ENOMEM;
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    o.timestamps = 1;
    if (pos->last_ts[0])
        o.since_text = pos->last_ts;
    pos->skip = pos->n_at_last;
    log_read r = { pos, &re };
    podc_error *e = NULL;
    int ok = 0, rc = podc_logs_stream(c, h->container, &o, on_log_record, &r, &e);
    /* a failed read leaves pos consistent (every record fed is counted once): retry later */
    if (rc < 0)
        *reason = reasonf("log /%s/: %s", k->regex, e ? podc_error_message(e) : podc_strerror(rc));
    else if (pos->matches >= k->times)
        ok = 1;
    else
        *reason = reasonf("log /%s/: seen %d of %d times", k->regex, pos->matches, k->times);
    regfree(&re);
    podc_error_free(e);
    if (!ok && !*reason)
        return PODC_ENOMEM;
    return ok;
}

/* ---- podman's own check: run it once, then read the aggregated health ---- */

static int check_podman(podc_client *c, const pdc_svc_health *h, char **reason)
{
    char *run = NULL, *status = NULL;
    podc_error *e = NULL;
    int rc = podc_container_healthcheck_run(c, h->container, &run, &e);
    const char *msg = e ? podc_error_message(e) : NULL;
    if (rc == PODC_ECONFLICT && msg && strstr(msg, "no defined healthcheck")) {
        /* no check in the spec or the image: retrying cannot help */
        *reason = reasonf("podman healthcheck: the container has no health check (none given and none in the "
                          "image)");
        podc_error_free(e);
        return *reason ? PODC_EINVAL : PODC_ENOMEM;
    }
    if (rc < 0 && rc != PODC_ESERVER) { /* ESERVER: the check timed out, which health reports too */
        *reason = reasonf("podman healthcheck: %s", e ? podc_error_message(e) : podc_strerror(rc));
        podc_error_free(e);
        return *reason ? 0 : PODC_ENOMEM;
    }
    podc_error_free(e);
    e = NULL;
    int streak = 0, ok = 0;
    rc = podc_container_health(c, h->container, &status, &streak, &e);
    if (rc < 0)
        *reason = reasonf("podman health: %s", e ? podc_error_message(e) : podc_strerror(rc));
    else if (strcmp(status, "healthy") == 0)
        ok = 1;
    else
        *reason = reasonf("podman health: \"%s\" (last run: %s, failing streak %d)", status, run ? run : "error",
                          streak);
    podc_free(run);
    podc_free(status);
    podc_error_free(e);
    if (!ok && !*reason)
        return PODC_ENOMEM;
    return ok;
}

int pdc_svc_health_try(podc_client *c, pdc_svc_health *h, char **reason)
{
    *reason = NULL;
    for (size_t i = 0; i < h->spec->n_checks; i++) {
        if (h->passed[i])
            continue;
        if (h->abort_flag && atomic_load(h->abort_flag))
            return (*reason = reasonf("container exited")) ? 0 : PODC_ENOMEM;
        const pdc_svc_check *k = &h->spec->checks[i];
        int r;
        switch (k->kind) {
        case PODC_SVC_CHECK_HTTP: r = check_http(h, k, reason); break;
        case PODC_SVC_CHECK_TCP: r = check_tcp(h, k, reason); break;
        case PODC_SVC_CHECK_EXEC: r = check_exec(c, h, k, reason); break;
        case PODC_SVC_CHECK_LOG: r = check_log(c, h, k, &h->logpos[i], reason); break;
        default: r = check_podman(c, h, reason); break;
        }
        if (r <= 0)
            return r;
        h->passed[i] = 1;
    }
    return 1;
}
