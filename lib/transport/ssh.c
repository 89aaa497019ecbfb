/* ssh.c - the SSH transport: session setup (host key, keys, remote socket) done blocking on
 * the caller's thread, then one pump thread that owns the libssh2 session, accepts libcurl's
 * connections on a private unix socket and moves their bytes to and from their channels.
 * (libcurl 7.88 dials even a socket its open callback says is connected, so curl gets a real
 * socket to connect to: in a 0700 directory of its own, peers checked to be this user.) libssh2 1.10 has no
 * direct_streamlocal call, so the channel is opened by type with its request data
 * (RFC 4254 style: string socket path, string reserved, uint32 reserved), as OpenSSH does. */
#include "config.h"

#include "transport/ssh.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/error-private.h"

#define BUF_SIZE 32768
#define MAX_CHANNELS 16

typedef struct chan {
    int fd;                    /* our end of the socketpair; -1 once closed */
    LIBSSH2_CHANNEL *ch;       /* NULL while opening */
    char up[BUF_SIZE];         /* curl -> remote, not yet written to the channel */
    size_t up_len, up_off;
    char down[BUF_SIZE];       /* remote -> curl, not yet written to fd */
    size_t down_len, down_off;
    int local_eof, remote_eof;
} chan;

struct pdc_ssh {
    int sock;                  /* the TCP connection */
    LIBSSH2_SESSION *session;
    char *remote_path;
    char *request;             /* the channel-open data for remote_path */
    size_t request_len;
    pthread_t pump;
    int pump_started;
    int wake;                  /* eventfd: stop */
    int listen_fd;             /* libcurl connects here */
    char *dir, *local_path;    /* the private directory and the socket in it */
    pthread_mutex_t mu;
    atomic_int stop, broken;
    char error[512];
    chan *chans[MAX_CHANNELS];
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;
static void init_libssh2(void)
{
    init_rc = libssh2_init(0);
}

static void set_error(pdc_ssh *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(pdc_ssh *s, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&s->mu);
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&s->mu);
}

static const char *session_error(LIBSSH2_SESSION *session)
{
    char *msg = NULL;
    libssh2_session_last_error(session, &msg, NULL, 0);
    return msg && *msg ? msg : "unknown SSH error";
}

/* ---- setup (blocking, on the caller's thread) ------------------------------------------ */

static int tcp_connect(const pdc_endpoint *ep, int64_t timeout_ms, podc_error **err)
{
    char port[16];
    snprintf(port, sizeof port, "%d", ep->port);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
    int g = getaddrinfo(ep->host, port, &hints, &res);
    if (g != 0)
        return pdc_error_set(err, PODC_ETRANSPORT, "ssh %s: %s: %s", ep->uri, ep->host, gai_strerror(g));
    int fd = -1, e = ECONNREFUSED;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno == EINPROGRESS) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            int n = poll(&p, 1, (int)timeout_ms);
            socklen_t l = sizeof e;
            e = n == 0 ? ETIMEDOUT : n < 0 ? errno : (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0 ? errno : e);
        } else {
            e = errno == EISCONN ? 0 : errno;
        }
        if (e != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        podc_error *pe = pdc_error_new(PODC_ETRANSPORT, "ssh %s: cannot reach %s:%d: %s", ep->uri, ep->host,
                                       ep->port, strerror(e));
        pdc_error_add_detail(pe, "tried", ep->uri);
        pdc_error_put(err, pe);
        return -1;
    }
    /* blocking for the setup; the pump switches libssh2 to non-blocking */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    /* requests are small writes answered at once: without this, Nagle and the peer's delayed
     * ACK cost ~40 ms a call */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static char *home_file(const char *rel)
{
    const char *home = getenv("HOME");
    pdc_buf b = PODC_BUF_INIT;
    if (home && *home)
        pdc_buf_printf(&b, "%s/%s", home, rel);
    return pdc_buf_detach(&b);
}

/* "SHA256:<base64 without padding>", as ssh-keygen -l prints it. */
static void fingerprint(LIBSSH2_SESSION *session, char *out, size_t cap)
{
    const char *h = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256);
    pdc_buf b = PODC_BUF_INIT;
    snprintf(out, cap, "SHA256:?");
    if (h && pdc_base64_encode(&b, h, 32) == 0) {
        while (b.len && b.data[b.len - 1] == '=')
            b.data[--b.len] = '\0';
        snprintf(out, cap, "SHA256:%s", b.data);
    }
    pdc_buf_free(&b);
}

static int check_host_key(pdc_ssh *s, const pdc_endpoint *ep, podc_error **err)
{
    size_t len = 0;
    int type = 0;
    const char *key = libssh2_session_hostkey(s->session, &len, &type);
    char fp[128];
    fingerprint(s->session, fp, sizeof fp);
    char *path = home_file(".ssh/known_hosts");
    LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(s->session);
    int check = LIBSSH2_KNOWNHOST_CHECK_FAILURE;
    if (kh && key && path && libssh2_knownhost_readfile(kh, path, LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0) {
        struct libssh2_knownhost *found = NULL;
        check = libssh2_knownhost_checkp(kh, ep->host, ep->port, key, len,
                                         LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW, &found);
    } else if (kh && key) {
        check = LIBSSH2_KNOWNHOST_CHECK_NOTFOUND; /* no known_hosts at all */
    }
    if (kh)
        libssh2_knownhost_free(kh);
    int rc = 0;
    if (check != LIBSSH2_KNOWNHOST_CHECK_MATCH) {
        const char *why = check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH
                              ? "the host key CHANGED since it was recorded (possible man-in-the-middle)"
                              : check == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND ? "the host key is not known"
                                                                          : "the host key could not be checked";
        char hostport[300];
        snprintf(hostport, sizeof hostport, ep->port == 22 ? "%s" : "[%s]:%d", ep->host, ep->port);
        podc_error *e = pdc_error_new(PODC_ETRANSPORT, "ssh %s: refused: %s; %s key fingerprint is %s (add it to %s, "
                                       "e.g. with ssh-keyscan, once you have checked it)",
                                       ep->uri, why, hostport, fp, path ? path : "~/.ssh/known_hosts");
        pdc_error_add_detail(e, "fingerprint", fp);
        pdc_error_add_detail(e, "tried", ep->uri);
        rc = pdc_error_put(err, e);
    }
    free(path);
    return rc;
}

static int try_key(pdc_ssh *s, const char *user, const char *file)
{
    if (!file || access(file, R_OK) != 0)
        return -1;
    return libssh2_userauth_publickey_fromfile_ex(s->session, user, (unsigned)strlen(user), NULL, file, NULL) == 0
               ? 0
               : -1;
}

static int try_agent(pdc_ssh *s, const char *user)
{
    const char *sock = getenv("SSH_AUTH_SOCK");
    if (!sock || !*sock)
        return -1;
    LIBSSH2_AGENT *agent = libssh2_agent_init(s->session);
    int ok = -1;
    if (agent && libssh2_agent_connect(agent) == 0 && libssh2_agent_list_identities(agent) == 0) {
        struct libssh2_agent_publickey *id = NULL, *prev = NULL;
        while (ok != 0 && libssh2_agent_get_identity(agent, &id, prev) == 0) {
            if (libssh2_agent_userauth(agent, user, id) == 0)
                ok = 0;
            prev = id;
        }
        libssh2_agent_disconnect(agent);
    }
    if (agent)
        libssh2_agent_free(agent);
    return ok;
}

static int authenticate(pdc_ssh *s, const pdc_endpoint *ep, podc_error **err)
{
    pdc_buf tried = PODC_BUF_INIT;
    if (ep->identity) {
        if (try_key(s, ep->user, ep->identity) == 0)
            return 0;
        pdc_buf_printf(&tried, "%s (%s)", ep->identity, access(ep->identity, R_OK) ? strerror(errno)
                                                                                  : session_error(s->session));
    }
    if (try_agent(s, ep->user) == 0) {
        pdc_buf_free(&tried);
        return 0;
    }
    pdc_buf_printf(&tried, "%sssh-agent", tried.len ? ", " : "");
    static const char *const defaults[] = { ".ssh/id_ed25519", ".ssh/id_rsa" };
    for (size_t i = 0; !ep->identity && i < 2; i++) {
        char *f = home_file(defaults[i]);
        int ok = try_key(s, ep->user, f) == 0;
        if (f && !ok && access(f, R_OK) == 0)
            pdc_buf_printf(&tried, ", %s", f);
        free(f);
        if (ok) {
            pdc_buf_free(&tried);
            return 0;
        }
    }
    podc_error *e = pdc_error_new(PODC_EAUTH, "ssh %s: no key was accepted for %s (tried: %s; set CONTAINER_SSHKEY "
                                   "or the connection's identity)", ep->uri, ep->user, tried.data ? tried.data : "");
    pdc_error_add_detail(e, "tried", ep->uri);
    pdc_buf_free(&tried);
    return pdc_error_put(err, e);
}

/* Runs cmd on the remote (an exec channel): its first output line when it exits 0, else NULL. */
static char *remote_line(pdc_ssh *s, const char *cmd)
{
    LIBSSH2_CHANNEL *ch = libssh2_channel_open_session(s->session);
    if (!ch)
        return NULL;
    char buf[1024];
    size_t n = 0;
    if (libssh2_channel_exec(ch, cmd) == 0) {
        ssize_t r;
        while (n < sizeof buf - 1 && (r = libssh2_channel_read(ch, buf + n, sizeof buf - 1 - n)) > 0)
            n += (size_t)r;
    }
    libssh2_channel_close(ch);
    int status = libssh2_channel_get_exit_status(ch);
    libssh2_channel_free(ch);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    return status == 0 && buf[0] ? strdup(buf) : NULL;
}

/* podman's clients ask the remote podman for its socket; else the usual places. */
static char *find_remote_path(pdc_ssh *s, const pdc_endpoint *ep)
{
    char *p = remote_line(s, "podman info --format '{{.Host.RemoteSocket.Path}}'");
    if (p && strncmp(p, "unix://", 7) == 0)
        memmove(p, p + 7, strlen(p + 7) + 1);
    if (p && p[0] == '/')
        return p;
    free(p);
    if (strcmp(ep->user, "root") == 0)
        return strdup("/run/podman/podman.sock");
    char *uid = remote_line(s, "id -u");
    pdc_buf b = PODC_BUF_INIT;
    if (uid && uid[0] >= '0' && uid[0] <= '9')
        pdc_buf_printf(&b, "/run/user/%s/podman/podman.sock", uid);
    free(uid);
    return pdc_buf_detach(&b);
}

static int build_request(pdc_ssh *s)
{
    /* string path, string host (reserved, ""), uint32 port (reserved, 0) */
    size_t pl = strlen(s->remote_path);
    s->request_len = 4 + pl + 4 + 4;
    s->request = malloc(s->request_len);
    if (!s->request)
        return PODC_ENOMEM;
    unsigned char *p = (unsigned char *)s->request;
    p[0] = (unsigned char)(pl >> 24), p[1] = (unsigned char)(pl >> 16), p[2] = (unsigned char)(pl >> 8),
    p[3] = (unsigned char)pl;
    memcpy(p + 4, s->remote_path, pl);
    memset(p + 4 + pl, 0, 8);
    return 0;
}

/* ---- the pump ----------------------------------------------------------------------------- */

static const char CHAN_TYPE[] = "direct-streamlocal@openssh.com";

static void chan_free(pdc_ssh *s, size_t i)
{
    chan *c = s->chans[i];
    if (c->fd >= 0)
        close(c->fd);
    if (c->ch) {
        /* non-blocking: a close that would block is simply dropped with the channel */
        libssh2_channel_close(c->ch);
        libssh2_channel_free(c->ch);
    }
    free(c);
    s->chans[i] = NULL;
}

/* One step for channel c; *busy set when anything moved. 1 = done with it. */
static int chan_step(pdc_ssh *s, chan *c, int *busy)
{
    if (!c->ch) {
        c->ch = libssh2_channel_open_ex(s->session, CHAN_TYPE, sizeof CHAN_TYPE - 1, LIBSSH2_CHANNEL_WINDOW_DEFAULT,
                                        LIBSSH2_CHANNEL_PACKET_DEFAULT, s->request, (unsigned)s->request_len);
        if (!c->ch) {
            if (libssh2_session_last_errno(s->session) == LIBSSH2_ERROR_EAGAIN)
                return 0;
            set_error(s, "ssh: opening a channel to %s failed: %s", s->remote_path, session_error(s->session));
            return 1;
        }
        *busy = 1;
    }
    /* remote -> curl */
    if (c->down_off == c->down_len && !c->remote_eof) {
        ssize_t r = libssh2_channel_read(c->ch, c->down, sizeof c->down);
        if (r > 0) {
            c->down_len = (size_t)r, c->down_off = 0, *busy = 1;
        } else if (r == 0 && libssh2_channel_eof(c->ch)) {
            c->remote_eof = 1, *busy = 1;
        } else if (r < 0 && r != LIBSSH2_ERROR_EAGAIN) {
            set_error(s, "ssh: channel read: %s", session_error(s->session));
            return 1;
        }
    }
    if (c->down_off < c->down_len) {
        ssize_t w = send(c->fd, c->down + c->down_off, c->down_len - c->down_off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0)
            c->down_off += (size_t)w, *busy = 1;
        else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return 1; /* curl closed its end */
    }
    if (c->remote_eof && c->down_off == c->down_len)
        return 1; /* podman finished (a hijacked exec ends so): curl sees EOF */
    /* curl -> remote */
    if (c->up_off == c->up_len && !c->local_eof) {
        ssize_t r = recv(c->fd, c->up, sizeof c->up, MSG_DONTWAIT);
        if (r > 0)
            c->up_len = (size_t)r, c->up_off = 0, *busy = 1;
        else if (r == 0)
            c->local_eof = 1, *busy = 1;
        else if (errno != EAGAIN && errno != EWOULDBLOCK)
            return 1;
    }
    if (c->up_off < c->up_len) {
        ssize_t w = libssh2_channel_write(c->ch, c->up + c->up_off, c->up_len - c->up_off);
        if (w > 0) {
            c->up_off += (size_t)w, *busy = 1;
        } else if (w < 0 && w != LIBSSH2_ERROR_EAGAIN) {
            set_error(s, "ssh: channel write: %s", session_error(s->session));
            return 1;
        }
    }
    /* curl closes a connection whole, never half: then the channel goes too */
    return c->local_eof && c->up_off == c->up_len;
}

/* A new connection from libcurl: a channel for it (opened by the next steps). */
static int accept_one(pdc_ssh *s)
{
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return 0;
    struct ucred cr;
    socklen_t l = sizeof cr;
    size_t i = 0;
    while (i < MAX_CHANNELS && s->chans[i])
        i++;
    chan *c = NULL;
    /* only this process's user, although the directory already keeps others out */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) == 0 && cr.uid == geteuid() && i < MAX_CHANNELS)
        c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return 0;
    }
    c->fd = fd;
    s->chans[i] = c;
    return 1;
}

static void *pump_main(void *arg)
{
    pdc_ssh *s = arg;
    libssh2_session_set_blocking(s->session, 0);
    int busy = 1;
    while (!atomic_load(&s->stop)) {

        struct pollfd pfd[MAX_CHANNELS + 3];
        size_t np = 0;
        int dirs = libssh2_session_block_directions(s->session);
        /* wait for the socket's input only while a channel can take it: unread input would
         * keep poll() returning at once */
        int want_in = (dirs & LIBSSH2_SESSION_BLOCK_INBOUND) != 0;
        for (size_t i = 0; i < MAX_CHANNELS && !want_in; i++)
            want_in = s->chans[i] && (!s->chans[i]->ch ||
                                      (s->chans[i]->down_off == s->chans[i]->down_len && !s->chans[i]->remote_eof));
        pfd[np++] = (struct pollfd){ .fd = s->sock,
                                     .events = (short)((want_in ? POLLIN : 0) |
                                                       ((dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND) ? POLLOUT : 0)) };
        pfd[np++] = (struct pollfd){ .fd = s->wake, .events = POLLIN };
        pfd[np++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
        for (size_t i = 0; i < MAX_CHANNELS; i++) {
            chan *c = s->chans[i];
            if (!c)
                continue;
            short ev = 0;
            if (c->up_off == c->up_len && !c->local_eof)
                ev |= POLLIN;
            if (c->down_off < c->down_len)
                ev |= POLLOUT;
            pfd[np++] = (struct pollfd){ .fd = c->fd, .events = ev };
        }
        /* libssh2 may hold decrypted data already read from the socket: no wait then */
        int n = poll(pfd, (nfds_t)np, busy ? 0 : 1000);
        if (n < 0 && errno != EINTR)
            break;
        if (pfd[1].revents & POLLIN) {
            uint64_t v;
            ssize_t r = read(s->wake, &v, sizeof v);
            (void)r;
        }
        if (pfd[0].revents & POLLIN) {
            /* ack at once: sshd does not set TCP_NODELAY on a forwarding, so when podman's
             * answer comes in two packets the second waits for our ACK, which Linux delays
             * ~40 ms. TCP_QUICKACK does not stick, hence on every read. */
            int one = 1;
            setsockopt(s->sock, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
        }
        if (pfd[2].revents & POLLIN)
            busy |= accept_one(s);
        if (pfd[0].revents & (POLLHUP | POLLERR)) {
            set_error(s, "ssh: the connection to the remote host was lost");
            atomic_store(&s->broken, 1);
            break;
        }
        busy = 0;
        int next = 0;
        if (libssh2_keepalive_send(s->session, &next) < 0 &&
            libssh2_session_last_errno(s->session) != LIBSSH2_ERROR_EAGAIN) {
            set_error(s, "ssh: the connection to the remote host was lost: %s", session_error(s->session));
            atomic_store(&s->broken, 1);
            break;
        }
        for (size_t i = 0; i < MAX_CHANNELS; i++)
            if (s->chans[i] && chan_step(s, s->chans[i], &busy))
                chan_free(s, i);
        if (libssh2_session_last_errno(s->session) == LIBSSH2_ERROR_SOCKET_RECV ||
            libssh2_session_last_errno(s->session) == LIBSSH2_ERROR_SOCKET_DISCONNECT) {
            set_error(s, "ssh: the connection to the remote host was lost: %s", session_error(s->session));
            atomic_store(&s->broken, 1);
            break;
        }
    }
    /* every curl connection sees EOF from here on */
    for (size_t i = 0; i < MAX_CHANNELS; i++)
        if (s->chans[i])
            chan_free(s, i);
    return NULL;
}

/* ---- the interface ------------------------------------------------------------------------ */

/* The private socket libcurl connects to: $XDG_RUNTIME_DIR or /tmp, a mkdtemp 0700 dir. */
static int listen_local(pdc_ssh *s, podc_error **err)
{
    const char *base = getenv("XDG_RUNTIME_DIR");
    pdc_buf b = PODC_BUF_INIT;
    if (pdc_buf_printf(&b, "%s/podc-ssh-XXXXXX", base && *base && strlen(base) < 60 ? base : "/tmp") < 0)
        return pdc_error_oom(err);
    if (!mkdtemp(b.data)) {
        int e = errno;
        pdc_buf_free(&b);
        return pdc_error_set_local(err, e, NULL, base && *base ? base : "/tmp",
                                   "ssh: cannot make a private directory for the relay socket");
    }
    s->dir = pdc_buf_detach(&b);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/s", s->dir);
    if (!(s->local_path = strdup(sa.sun_path)))
        return pdc_error_oom(err);
    s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(s->listen_fd, MAX_CHANNELS) < 0)
        return pdc_error_set_local(err, errno, NULL, s->local_path, "ssh: cannot listen on %s", s->local_path);
    return 0;
}

int pdc_ssh_open(const pdc_endpoint *ep, int64_t connect_timeout_ms, pdc_ssh **out, podc_error **err)
{
    pthread_once(&init_once, init_libssh2);
    if (init_rc != 0)
        return pdc_error_set(err, PODC_ENOMEM, "libssh2 could not be initialised");
    pdc_ssh *s = calloc(1, sizeof *s);
    if (!s)
        return pdc_error_oom(err);
    s->sock = -1;
    s->wake = -1;
    s->listen_fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    int rc = 0;
    if ((s->sock = tcp_connect(ep, connect_timeout_ms, err)) < 0)
        rc = PODC_ETRANSPORT;
    if (rc == 0 && !(s->session = libssh2_session_init()))
        rc = pdc_error_oom(err);
    if (rc == 0) {
        libssh2_session_set_timeout(s->session, (long)connect_timeout_ms * 2);
        if (libssh2_session_handshake(s->session, s->sock) != 0) {
            podc_error *e = pdc_error_new(PODC_ETRANSPORT, "ssh %s: handshake failed: %s", ep->uri,
                                          session_error(s->session));
            pdc_error_add_detail(e, "tried", ep->uri);
            rc = pdc_error_put(err, e);
        }
    }
    if (rc == 0)
        rc = check_host_key(s, ep, err);
    if (rc == 0)
        rc = authenticate(s, ep, err);
    if (rc == 0) {
        libssh2_session_set_timeout(s->session, 0);
        libssh2_keepalive_config(s->session, 0, 30); /* no replies: nothing unread while idle */
        s->remote_path = ep->path ? strdup(ep->path) : find_remote_path(s, ep);
        if (!s->remote_path)
            rc = pdc_error_set(err, PODC_ETRANSPORT,
                               "ssh %s: could not find the remote podman socket (give it: ssh://USER@HOST/path/podman.sock)",
                               ep->uri);
    }
    if (rc == 0 && build_request(s) < 0)
        rc = pdc_error_oom(err);
    if (rc == 0 && (s->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0)
        rc = pdc_error_set(err, PODC_ENOMEM, "eventfd: %s", strerror(errno));
    if (rc == 0)
        rc = listen_local(s, err);
    if (rc == 0) {
        int e = pthread_create(&s->pump, NULL, pump_main, s);
        if (e != 0)
            rc = pdc_error_set(err, PODC_ENOMEM, "cannot start the SSH pump thread: %s", strerror(e));
        else
            s->pump_started = 1;
    }
    if (rc < 0) {
        pdc_ssh_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

const char *pdc_ssh_remote_path(const pdc_ssh *s)
{
    return s ? s->remote_path : NULL;
}

const char *pdc_ssh_local_path(const pdc_ssh *s)
{
    return s ? s->local_path : NULL;
}

int pdc_ssh_broken(const pdc_ssh *s)
{
    return s && atomic_load(&s->broken);
}

const char *pdc_ssh_error(pdc_ssh *s)
{
    return s ? s->error : "";
}

void pdc_ssh_close(pdc_ssh *s)
{
    if (!s)
        return;
    if (s->pump_started) {
        atomic_store(&s->stop, 1);
        uint64_t one = 1;
        ssize_t w = write(s->wake, &one, sizeof one);
        (void)w;
        pthread_join(s->pump, NULL);
    }
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->local_path)
        unlink(s->local_path);
    if (s->dir)
        rmdir(s->dir);
    free(s->local_path);
    free(s->dir);
    if (s->session) {
        libssh2_session_set_blocking(s->session, 1);
        libssh2_session_set_timeout(s->session, 1000);
        libssh2_session_disconnect(s->session, "podc: done");
        libssh2_session_free(s->session);
    }
    if (s->sock >= 0)
        close(s->sock);
    if (s->wake >= 0)
        close(s->wake);
    pthread_mutex_destroy(&s->mu);
    free(s->remote_path);
    free(s->request);
    free(s);
}
