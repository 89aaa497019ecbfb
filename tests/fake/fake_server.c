/* Scripted fake HTTP/1.1 server on a unix socket. See fake_server.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fake_server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FAKE_MAX_HEADER (1u << 20)   /* request head larger than this => malformed */
#define FAKE_MAX_LINE 4096u          /* chunk-size / trailer line limit */
#define FAKE_CLOSE_IDLE_WAIT_MS 2000 /* bound for close_idle's waits */

enum conn_state {
    CONN_IDLE,      /* waiting for a request, nothing buffered */
    CONN_READING,   /* part of a request buffered */
    CONN_BUSY,      /* request read; delaying / never answering / sending */
    CONN_SENDLAST,  /* handing the last bytes of a keep-alive response to the kernel */
    CONN_CLOSED
};

typedef struct fake_conn {
    struct fake_server *srv;
    pthread_t thread;
    int thread_ok;
    int fd;                 /* -1 once closed; only closed with srv->mu held */
    enum conn_state state;
    struct fake_conn *next;
} fake_conn;

typedef struct fake_req {
    char *data;
    size_t len;
} fake_req;

struct fake_server {
    fake_response *script;
    size_t nscript;

    char dir[96];
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int lfd;
    int stop_pipe[2];       /* a byte is written to [1] on stop; [0] stays readable */
    pthread_t listener;
    int listener_ok;

    pthread_mutex_t mu;
    pthread_cond_t cv;      /* broadcast on any counter / state change */
    int stopping;
    int connections;
    int open_conns;
    fake_conn *conns;
    fake_req *reqs;
    int nreqs;
    int reqcap;
};

/* ------------------------------------------------------------------------ */
/* small helpers                                                             */

static void lock(fake_server *s) { pthread_mutex_lock(&s->mu); }
static void unlock(fake_server *s) { pthread_mutex_unlock(&s->mu); }

static void set_state(fake_conn *c, enum conn_state st)
{
    lock(c->srv);
    c->state = st;
    pthread_cond_broadcast(&c->srv->cv);
    unlock(c->srv);
}

/* Deadline helpers for pthread_cond_timedwait (CLOCK_MONOTONIC). */
static struct timespec deadline_after(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Waits for events on fd (fd < 0 => only the timeout), or for stop.
 * Returns 1 if fd is ready, 0 on timeout, -1 if stopping or on poll error. */
static int wait_io(fake_server *s, int fd, short events, int timeout_ms)
{
    struct pollfd p[2];
    p[0].fd = s->stop_pipe[0];
    p[0].events = POLLIN;
    p[0].revents = 0;
    p[1].fd = fd;
    p[1].events = events;
    p[1].revents = 0;
    for (;;) {
        int r = poll(p, fd >= 0 ? 2 : 1, timeout_ms);
        if (r < 0) {
            if (errno == EINTR)
                continue;   /* timeout restarts; fine for tests */
            return -1;
        }
        if (p[0].revents)
            return -1;
        if (r == 0)
            return 0;
        return 1;
    }
}

/* Sleeps ms milliseconds; returns 1 if the server is stopping. */
static int sleep_or_stop(fake_server *s, int ms)
{
    if (ms <= 0)
        return 0;
    return wait_io(s, -1, 0, ms) < 0;
}

/* Sends all len bytes on a non-blocking socket. Returns 0, or -1 on error/stop. */
static int send_all(fake_server *s, int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_io(s, fd, POLLOUT, -1) < 0)
                return -1;
            continue;
        }
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* request parsing                                                           */

static const char *find_crlf(const char *p, const char *end)
{
    for (; p + 1 < end; p++)
        if (p[0] == '\r' && p[1] == '\n')
            return p;
    return NULL;
}

static int ws(char ch) { return ch == ' ' || ch == '\t'; }

/* Does header value [v, vend) contain token tok (case-insensitive, comma list)? */
static int value_has_token(const char *v, const char *vend, const char *tok)
{
    size_t tl = strlen(tok);
    while (v < vend) {
        while (v < vend && (ws(*v) || *v == ','))
            v++;
        const char *e = v;
        while (e < vend && *e != ',')
            e++;
        const char *te = e;
        while (te > v && ws(te[-1]))
            te--;
        if ((size_t)(te - v) == tl && strncasecmp(v, tok, tl) == 0)
            return 1;
        v = e;
    }
    return 0;
}

/* Tries to parse one complete request at the start of buf.
 * Returns 1 with *reqlen set if complete, 0 if more bytes are needed, -1 if
 * malformed. *expect_continue is set once the head is complete and carries
 * "Expect: 100-continue". */
static int parse_request(const char *buf, size_t len, size_t *reqlen, int *expect_continue)
{
    const char *end = buf + len;
    const char *hend = NULL;
    *expect_continue = 0;

    const char *start = buf; /* leading CRLFs are stripped by the caller */

    for (const char *p = start; p + 3 < end; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == '\r' && p[3] == '\n') {
            hend = p + 4;
            break;
        }
    }
    if (!hend)
        return len > FAKE_MAX_HEADER ? -1 : 0;

    /* Header lines (skip the request line). */
    int chunked = 0;
    int have_cl = 0;
    unsigned long long cl = 0;
    const char *line = find_crlf(start, hend);
    if (!line || line == start)
        return -1;
    line += 2;
    while (line < hend - 2) {
        const char *le = find_crlf(line, hend);
        if (!le)
            return -1;
        const char *colon = memchr(line, ':', (size_t)(le - line));
        if (colon) {
            size_t nl = (size_t)(colon - line);
            const char *v = colon + 1;
            while (v < le && ws(*v))
                v++;
            const char *ve = le;
            while (ve > v && ws(ve[-1]))
                ve--;
            if (nl == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
                unsigned long long x = 0;
                if (v == ve)
                    return -1;
                for (const char *q = v; q < ve; q++) {
                    if (*q < '0' || *q > '9' || x > (1ULL << 40))
                        return -1;
                    x = x * 10 + (unsigned)(*q - '0');
                }
                cl = x;
                have_cl = 1;
            } else if (nl == 17 && strncasecmp(line, "Transfer-Encoding", 17) == 0) {
                if (value_has_token(v, ve, "chunked"))
                    chunked = 1;
            } else if (nl == 6 && strncasecmp(line, "Expect", 6) == 0) {
                if (value_has_token(v, ve, "100-continue"))
                    *expect_continue = 1;
            }
        }
        line = le + 2;
    }

    size_t pos = (size_t)(hend - buf);
    if (chunked) {
        for (;;) {
            const char *le = find_crlf(buf + pos, end);
            if (!le)
                return len - pos > FAKE_MAX_LINE ? -1 : 0;
            unsigned long long sz = 0;
            const char *q = buf + pos;
            int digits = 0;
            for (; q < le; q++) {
                int d;
                if (*q >= '0' && *q <= '9')
                    d = *q - '0';
                else if (*q >= 'a' && *q <= 'f')
                    d = *q - 'a' + 10;
                else if (*q >= 'A' && *q <= 'F')
                    d = *q - 'A' + 10;
                else
                    break;
                if (sz > (1ULL << 40))
                    return -1;
                sz = sz * 16 + (unsigned)d;
                digits++;
            }
            if (!digits || (q < le && *q != ';' && !ws(*q)))
                return -1;
            pos = (size_t)(le - buf) + 2;
            if (sz == 0) {
                /* trailer lines until an empty one */
                for (;;) {
                    size_t lstart = pos;
                    const char *te = find_crlf(buf + pos, end);
                    if (!te)
                        return len - pos > FAKE_MAX_LINE ? -1 : 0;
                    pos = (size_t)(te - buf) + 2;
                    if ((size_t)(te - buf) == lstart) {
                        *reqlen = pos;
                        return 1;
                    }
                }
            }
            if (len - pos < sz + 2)
                return 0;
            if (buf[pos + sz] != '\r' || buf[pos + sz + 1] != '\n')
                return -1;
            pos += (size_t)sz + 2;
        }
    }

    if (have_cl) {
        if (len - pos < cl)
            return 0;
        pos += (size_t)cl;
    }
    *reqlen = pos;
    return 1;
}

/* ------------------------------------------------------------------------ */
/* connection thread                                                         */

/* Stores a copy of a request; returns its index, or -1 on OOM. */
static int record_request(fake_server *s, const char *p, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, p, len);
    copy[len] = '\0';
    lock(s);
    if (s->nreqs == s->reqcap) {
        int ncap = s->reqcap ? s->reqcap * 2 : 16;
        fake_req *nr = realloc(s->reqs, (size_t)ncap * sizeof *nr);
        if (!nr) {
            unlock(s);
            free(copy);
            return -1;
        }
        s->reqs = nr;
        s->reqcap = ncap;
    }
    int idx = s->nreqs++;
    s->reqs[idx].data = copy;
    s->reqs[idx].len = len;
    pthread_cond_broadcast(&s->cv);
    unlock(s);
    return idx;
}

/* Sends (the first drop_after bytes of) a response, paced if asked.
 * keepalive: the connection stays open afterwards, so the last piece is
 * flagged CONN_SENDLAST for close_idle. Returns 0, or -1 on error/stop. */
static int send_response(fake_conn *c, const fake_response *r, int keepalive)
{
    fake_server *s = c->srv;
    size_t len = r->raw ? r->raw_len : 0;
    if (r->drop_after >= 0 && (unsigned long)r->drop_after < len)
        len = (size_t)r->drop_after;
    size_t piece = len;
    if (r->chunk_pause_ms > 0)
        piece = r->chunk_size ? r->chunk_size : 1;
    size_t off = 0;
    while (off < len) {
        size_t n = len - off < piece ? len - off : piece;
        if (off > 0 && sleep_or_stop(s, r->chunk_pause_ms))
            return -1;
        if (keepalive && off + n == len)
            set_state(c, CONN_SENDLAST);
        if (send_all(s, c->fd, r->raw + off, n) < 0)
            return -1;
        off += n;
    }
    return 0;
}

/* Waits for stop or for the client to go away, discarding anything it sends. */
static void hang(fake_conn *c)
{
    char junk[4096];
    for (;;) {
        if (wait_io(c->srv, c->fd, POLLIN, -1) < 0)
            return;
        ssize_t n = recv(c->fd, junk, sizeof junk, 0);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
            return;
    }
}

static void *conn_main(void *arg)
{
    fake_conn *c = arg;
    fake_server *s = c->srv;
    char *buf = NULL;
    size_t used = 0, cap = 0;
    int sent_continue = 0;

    for (;;) {
        size_t reqlen = 0;
        int expect = 0, r;

        for (;;) {
            /* Drop stray CRLFs between requests (RFC 9112 section 2.2). */
            size_t skip = 0;
            while (skip + 1 < used && buf[skip] == '\r' && buf[skip + 1] == '\n')
                skip += 2;
            if (skip) {
                memmove(buf, buf + skip, used - skip);
                used -= skip;
            }
            r = used ? parse_request(buf, used, &reqlen, &expect) : 0;
            if (r != 0)
                break;
            set_state(c, used ? CONN_READING : CONN_IDLE);
            if (expect && !sent_continue) {
                static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
                if (send_all(s, c->fd, cont, sizeof cont - 1) < 0)
                    goto out;
                sent_continue = 1;
            }
            if (cap - used < 4096) {
                size_t ncap = cap ? cap * 2 : 16384;
                char *nb = realloc(buf, ncap);
                if (!nb)
                    goto out;
                buf = nb;
                cap = ncap;
            }
            if (wait_io(s, c->fd, POLLIN, -1) < 0)
                goto out;
            ssize_t n = recv(c->fd, buf + used, cap - used, 0);
            if (n == 0)
                goto out;
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                    continue;
                goto out;
            }
            used += (size_t)n;
        }
        if (r < 0)
            goto out; /* malformed request: just hang up */

        set_state(c, CONN_BUSY);
        sent_continue = 0;
        int idx = record_request(s, buf, reqlen);
        memmove(buf, buf + reqlen, used - reqlen);
        used -= reqlen;
        if (idx < 0)
            goto out;

        const fake_response *resp = &s->script[(size_t)idx < s->nscript ? (size_t)idx : s->nscript - 1];
        if (sleep_or_stop(s, resp->delay_ms))
            goto out;
        if (resp->never_answer) {
            hang(c);
            goto out;
        }
        int keep = resp->drop_after < 0 && !resp->close_after;
        if (send_response(c, resp, keep) < 0 || !keep)
            goto out;
    }

out:
    lock(s);
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
        s->open_conns--;
    }
    c->state = CONN_CLOSED;
    pthread_cond_broadcast(&s->cv);
    unlock(s);
    free(buf);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* listener                                                                  */

static void *listen_main(void *arg)
{
    fake_server *s = arg;
    for (;;) {
        if (wait_io(s, s->lfd, POLLIN, -1) < 0)
            return NULL;
        int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            continue; /* EAGAIN, ECONNABORTED, EINTR, ... */
        fake_conn *c = calloc(1, sizeof *c);
        if (!c) {
            close(fd);
            continue;
        }
        c->srv = s;
        c->fd = fd;
        c->state = CONN_IDLE;
        lock(s);
        c->next = s->conns;
        s->conns = c;
        s->connections++;
        s->open_conns++;
        pthread_cond_broadcast(&s->cv);
        unlock(s);
        if (pthread_create(&c->thread, NULL, conn_main, c) == 0) {
            c->thread_ok = 1;
        } else {
            lock(s);
            close(c->fd);
            c->fd = -1;
            c->state = CONN_CLOSED;
            s->open_conns--;
            pthread_cond_broadcast(&s->cv);
            unlock(s);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* public API                                                                */

static void free_server(fake_server *s)
{
    if (s->script) {
        for (size_t i = 0; i < s->nscript; i++)
            free((char *)s->script[i].raw);
        free(s->script);
    }
    for (int i = 0; i < s->nreqs; i++)
        free(s->reqs[i].data);
    free(s->reqs);
    while (s->conns) {
        fake_conn *c = s->conns;
        s->conns = c->next;
        free(c);
    }
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

fake_server *fake_server_start(const fake_response *script, size_t n)
{
    if (!script || n == 0)
        return NULL;
    fake_server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->lfd = -1;
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);

    s->script = calloc(n, sizeof *s->script);
    if (!s->script)
        goto fail;
    s->nscript = n;
    for (size_t i = 0; i < n; i++) {
        s->script[i] = script[i];
        size_t len = script[i].raw ? (script[i].raw_len ? script[i].raw_len : strlen(script[i].raw)) : 0;
        char *copy = malloc(len + 1);
        if (!copy) {
            s->script[i].raw = NULL;
            goto fail;
        }
        if (len)
            memcpy(copy, script[i].raw, len);
        copy[len] = '\0';
        s->script[i].raw = copy;
        s->script[i].raw_len = len;
    }

    /* Temp dir: $TMPDIR if the socket path fits, else /tmp. */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) + sizeof "/podc-fake-XXXXXX/sock" > sizeof s->path ||
        strlen(tmp) + sizeof "/podc-fake-XXXXXX" > sizeof s->dir)
        tmp = "/tmp";
    snprintf(s->dir, sizeof s->dir, "%s/podc-fake-XXXXXX", tmp);
    if (!mkdtemp(s->dir)) {
        s->dir[0] = '\0';
        goto fail;
    }
    snprintf(s->path, sizeof s->path, "%s/sock", s->dir);

    if (pipe2(s->stop_pipe, O_CLOEXEC) < 0)
        goto fail;
    s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->lfd < 0)
        goto fail;
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
    if (bind(s->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(s->lfd, 64) < 0)
        goto fail;
    if (pthread_create(&s->listener, NULL, listen_main, s) != 0)
        goto fail;
    s->listener_ok = 1;
    return s;

fail:
    if (s->lfd >= 0)
        close(s->lfd);
    for (int i = 0; i < 2; i++)
        if (s->stop_pipe[i] >= 0)
            close(s->stop_pipe[i]);
    if (s->dir[0]) {
        unlink(s->path);
        rmdir(s->dir);
    }
    free_server(s);
    return NULL;
}

const char *fake_server_path(const fake_server *s) { return s->path; }

int fake_server_requests(fake_server *s)
{
    lock(s);
    int n = s->nreqs;
    unlock(s);
    return n;
}

int fake_server_connections(fake_server *s)
{
    lock(s);
    int n = s->connections;
    unlock(s);
    return n;
}

int fake_server_open_connections(fake_server *s)
{
    lock(s);
    int n = s->open_conns;
    unlock(s);
    return n;
}

int fake_server_wait_requests(fake_server *s, int n, int timeout_ms)
{
    struct timespec dl = deadline_after(timeout_ms < 0 ? 0 : timeout_ms);
    lock(s);
    while (s->nreqs < n) {
        if (timeout_ms < 0)
            pthread_cond_wait(&s->cv, &s->mu);
        else if (pthread_cond_timedwait(&s->cv, &s->mu, &dl) == ETIMEDOUT)
            break;
    }
    int ok = s->nreqs >= n;
    unlock(s);
    return ok;
}

char *fake_server_request_len(fake_server *s, int i, size_t *len)
{
    char *out = NULL;
    lock(s);
    if (i >= 0 && i < s->nreqs) {
        out = malloc(s->reqs[i].len + 1);
        if (out) {
            memcpy(out, s->reqs[i].data, s->reqs[i].len + 1);
            if (len)
                *len = s->reqs[i].len;
        }
    }
    unlock(s);
    return out;
}

char *fake_server_request(fake_server *s, int i) { return fake_server_request_len(s, i, NULL); }

void fake_server_close_idle(fake_server *s)
{
    struct timespec dl = deadline_after(FAKE_CLOSE_IDLE_WAIT_MS);
    lock(s);
    /* Let responses whose last bytes are being written settle into idle. */
    for (;;) {
        int settling = 0;
        for (fake_conn *c = s->conns; c; c = c->next)
            if (c->fd >= 0 && c->state == CONN_SENDLAST)
                settling = 1;
        if (!settling || pthread_cond_timedwait(&s->cv, &s->mu, &dl) == ETIMEDOUT)
            break;
    }
    int closing = 0;
    for (fake_conn *c = s->conns; c; c = c->next) {
        if (c->fd >= 0 && c->state == CONN_IDLE) {
            shutdown(c->fd, SHUT_RDWR);
            closing = 1;
        }
    }
    /* Wait until the connection threads have seen EOF and closed the fds. */
    while (closing) {
        closing = 0;
        for (fake_conn *c = s->conns; c; c = c->next)
            if (c->fd >= 0 && c->state == CONN_IDLE)
                closing = 1;
        if (closing && pthread_cond_timedwait(&s->cv, &s->mu, &dl) == ETIMEDOUT)
            break;
    }
    unlock(s);
}

void fake_server_stop(fake_server *s)
{
    if (!s)
        return;
    lock(s);
    s->stopping = 1;
    unlock(s);
    ssize_t w;
    do
        w = write(s->stop_pipe[1], "x", 1);
    while (w < 0 && errno == EINTR);
    if (s->listener_ok)
        pthread_join(s->listener, NULL);
    /* Listener is gone: the connection list no longer changes. */
    lock(s);
    for (fake_conn *c = s->conns; c; c = c->next)
        if (c->fd >= 0)
            shutdown(c->fd, SHUT_RDWR);
    unlock(s);
    for (fake_conn *c = s->conns; c; c = c->next)
        if (c->thread_ok)
            pthread_join(c->thread, NULL);
    close(s->lfd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    unlink(s->path);
    rmdir(s->dir);
    free_server(s);
}

/* ------------------------------------------------------------------------ */
/* response builders                                                         */

static const char *reason_phrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

static int head(char *out, size_t cap, int status, const char *ctype)
{
    return snprintf(out, cap, "HTTP/1.1 %d %s\r\n%s%s%s", status, reason_phrase(status),
                    ctype ? "Content-Type: " : "", ctype ? ctype : "", ctype ? "\r\n" : "");
}

char *fake_http_response(int status, const char *ctype, const char *body)
{
    size_t blen = body ? strlen(body) : 0;
    int hl = head(NULL, 0, status, ctype);
    if (hl < 0)
        return NULL;
    size_t cap = (size_t)hl + 64 + blen;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    int n = head(out, cap, status, ctype);
    n += snprintf(out + n, cap - (size_t)n, "Content-Length: %zu\r\n\r\n", blen);
    if (blen)
        memcpy(out + n, body, blen);
    out[(size_t)n + blen] = '\0';
    return out;
}

char *fake_http_chunked(int status, const char *ctype, const char *body, size_t chunk_len)
{
    size_t blen = body ? strlen(body) : 0;
    if (chunk_len == 0)
        chunk_len = blen ? blen : 1;
    size_t nchunks = (blen + chunk_len - 1) / chunk_len;
    int hl = head(NULL, 0, status, ctype);
    if (hl < 0)
        return NULL;
    /* each chunk: hex size (<= 16 digits) + 2 CRLFs */
    size_t cap = (size_t)hl + 64 + blen + nchunks * 20 + 8;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t n = (size_t)head(out, cap, status, ctype);
    n += (size_t)snprintf(out + n, cap - n, "Transfer-Encoding: chunked\r\n\r\n");
    for (size_t off = 0; off < blen; off += chunk_len) {
        size_t cl = blen - off < chunk_len ? blen - off : chunk_len;
        n += (size_t)snprintf(out + n, cap - n, "%zx\r\n", cl);
        memcpy(out + n, body + off, cl);
        n += cl;
        out[n++] = '\r';
        out[n++] = '\n';
    }
    memcpy(out + n, "0\r\n\r\n", 6);
    return out;
}
