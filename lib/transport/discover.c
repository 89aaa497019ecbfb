/* discover.c - which podman service to talk to, the way podman's own clients decide:
 *   the option's uri or connection; $CONTAINER_CONNECTION; $CONTAINER_HOST; the default
 *   connection (podman-connections.json, containers.conf active_service); $DOCKER_HOST;
 *   then the local sockets ($XDG_RUNTIME_DIR/podman/podman.sock, /run/podman/podman.sock).
 * Whatever the user named is used or fails: it never falls through to another service (a
 * build host's user must not get their own machine changed). Only the local defaults are
 * probed in turn. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "transport/client-private.h"
#include "transport/connections.h"

/* 0 when something accepts connections at path, else an errno. */
static int probe_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path)
        return ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

/* Parses uri as the endpoint from source; a connection's name goes into the source. */
static int named(const char *uri, const char *source, const char *conn, const char *identity, pdc_endpoint *ep,
                 podc_error **err)
{
    int rc = pdc_endpoint_parse(uri, ep, err);
    if (rc < 0) {
        if (err && *err)
            pdc_error_prefix(*err, "%s%s%s", source, conn ? " " : "", conn ? conn : "");
        return rc;
    }
    if (conn) {
        pdc_buf b = PODC_BUF_INIT;
        if (pdc_buf_printf(&b, "%s %s", source, conn) < 0) {
            pdc_buf_free(&b);
            pdc_endpoint_clear(ep);
            return pdc_error_oom(err);
        }
        ep->source_buf = pdc_buf_detach(&b);
        ep->source = ep->source_buf;
    } else {
        ep->source = source;
    }
    if (identity && *identity && !(ep->identity = strdup(identity))) {
        pdc_endpoint_clear(ep);
        return pdc_error_oom(err);
    }
    return 0;
}

static int from_connection(const char *name, const char *source, pdc_endpoint *ep, podc_error **err)
{
    char *uri = NULL, *identity = NULL;
    int rc = pdc_connection_lookup(name, &uri, &identity, err);
    if (rc == 0)
        rc = named(uri, source, name, identity, ep, err);
    free(uri);
    free(identity);
    return rc;
}

int pdc_discover(const char *uri, const char *connection, pdc_endpoint *ep, podc_error **err)
{
    memset(ep, 0, sizeof *ep);
    if (uri && connection)
        return pdc_error_invalid(err, "connection", "give a service URI or a connection name, not both");
    if (uri)
        return named(uri, "option", NULL, NULL, ep, err);
    if (connection)
        return from_connection(connection, "connection", ep, err);
    const char *v = getenv("CONTAINER_CONNECTION");
    if (v && *v)
        return from_connection(v, "CONTAINER_CONNECTION", ep, err);
    if ((v = getenv("CONTAINER_HOST")) && *v) {
        const char *key = getenv("CONTAINER_SSHKEY");
        return named(v, "CONTAINER_HOST", NULL, key, ep, err);
    }
    char *def = NULL;
    int rc = pdc_connection_default(&def, err);
    if (rc < 0)
        return rc;
    if (def) {
        rc = from_connection(def, "default connection", ep, err);
        free(def);
        return rc;
    }
    if ((v = getenv("DOCKER_HOST")) && *v)
        return named(v, "DOCKER_HOST", NULL, NULL, ep, err);

    /* nothing named: the local sockets, rootless first */
    pdc_buf tried = PODC_BUF_INIT, xdg_path = PODC_BUF_INIT;
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    const char *paths[2], *sources[2];
    size_t n = 0;
    if (xdg && *xdg && pdc_buf_printf(&xdg_path, "%s/podman/podman.sock", xdg) == 0) {
        paths[n] = xdg_path.data;
        sources[n++] = "XDG_RUNTIME_DIR";
    }
    paths[n] = "/run/podman/podman.sock";
    sources[n++] = "default";
    rc = PODC_ETRANSPORT;
    for (size_t i = 0; i < n; i++) {
        int e = probe_unix(paths[i]);
        if (e == 0) {
            rc = named(paths[i], sources[i], NULL, NULL, ep, err);
            break;
        }
        pdc_buf_printf(&tried, "%s%s (%s: %s)", tried.len ? "; " : "", paths[i], sources[i], strerror(e));
    }
    if (rc == PODC_ETRANSPORT) {
        podc_error *e = pdc_error_new(PODC_ETRANSPORT, "no podman service answers; tried: %s (set CONTAINER_HOST "
                                       "or a connection to reach another one)", tried.data ? tried.data : "nothing");
        pdc_error_add_detail(e, "tried", tried.data);
        rc = pdc_error_put(err, e);
    }
    pdc_buf_free(&tried);
    pdc_buf_free(&xdg_path);
    return rc;
}

/* 0 when host:port accepts a TCP connection within timeout_ms, else an errno (ETIMEDOUT). */
static int probe_tcp(const char *host, int port, int64_t timeout_ms, const char **why)
{
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
    int g = getaddrinfo(host, service, &hints, &res);
    if (g != 0) {
        *why = gai_strerror(g);
        return EHOSTUNREACH;
    }
    int rc = ECONNREFUSED;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            rc = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
            rc = 0;
        } else if (errno == EINPROGRESS) {
            struct pollfd pfd = { .fd = fd, .events = POLLOUT };
            int pr = poll(&pfd, 1, (int)timeout_ms);
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (pr == 0)
                rc = ETIMEDOUT;
            else if (pr < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
                rc = errno;
            else
                rc = soerr;
        } else {
            rc = errno;
        }
        close(fd);
        if (rc == 0)
            break;
    }
    freeaddrinfo(res);
    return rc;
}

int pdc_endpoint_probe(const pdc_endpoint *ep, int64_t connect_timeout_ms, podc_error **err)
{
    const char *why = NULL;
    int e = 0;
    if (ep->scheme == PODC_EP_UNIX)
        e = probe_unix(ep->path);
    else if (ep->scheme == PODC_EP_TCP)
        e = probe_tcp(ep->host, ep->port, connect_timeout_ms, &why);
    else
        return 0; /* ssh: the client's own SSH session is the probe */
    if (e == 0)
        return 0;
    podc_error *pe = pdc_error_new(PODC_ETRANSPORT, "no podman service answers at %s (from %s): %s", ep->uri,
                                   ep->source, why ? why : strerror(e));
    if (ep->path)
        pdc_error_add_detail(pe, "socket", ep->path);
    pdc_error_add_detail(pe, "tried", ep->uri);
    return pdc_error_put(err, pe);
}
