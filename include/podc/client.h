/*
 * podc/client.h - a connection to the podman service.
 *
 * A podc_client speaks HTTP/1.1 to the libpod REST API and keeps one keep-alive connection
 * for all calls, over a local unix socket ("unix:///run/podman/podman.sock"), plain TCP
 * ("tcp://HOST:PORT", podman's `system service tcp://...`) or SSH to a unix socket on another
 * machine ("ssh://USER@HOST[:PORT][/path/podman.sock]"). Which service, in podman's order:
 *   1. podc_client_options.uri, or .connection (a named connection)
 *   2. $CONTAINER_CONNECTION (a named connection)
 *   3. $CONTAINER_HOST (with $CONTAINER_SSHKEY for ssh)
 *   4. the default connection: podman-connections.json's Default (podman 5), else
 *      containers.conf's [engine] active_service
 *   5. $DOCKER_HOST
 *   6. $XDG_RUNTIME_DIR/podman/podman.sock, then /run/podman/podman.sock
 * Named connections come from ~/.config/containers/podman-connections.json, then from the
 * containers.conf files podman reads ($CONTAINERS_CONF alone when set; else
 * /usr/share/containers, /etc/containers and ~/.config/containers, with their .d drop-ins):
 * [engine.service_destinations.NAME] uri = "...", identity = "...".
 * Whatever 1-5 names is used or fails (PODC_ETRANSPORT naming it): podc never falls back to
 * another service. Only the local sockets of 6 are tried in turn; when none answers, the
 * error lists them (detail "tried"). A URI podc cannot serve is PODC_EINVAL (field "uri").
 *
 * Thread-safety: a client must not be used from two threads at once; distinct clients are
 * independent. podc_client_cancel() is the exception: it may be called from any thread.
 */
#ifndef PODC_CLIENT_H
#define PODC_CLIENT_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct podc_client podc_client;

#define PODC_CLIENT_OPTIONS_VERSION 2

typedef struct podc_client_options {
    unsigned int version;         /* PODC_CLIENT_OPTIONS_VERSION (1 is still accepted: no connection) */
    const char *uri;              /* "unix:///p.sock", a plain path, "tcp://H:P", "ssh://U@H/p"; NULL = discover */
    int64_t timeout_ms;           /* per-call timeout for ordinary calls; 0 = 30000 */
    int64_t connect_timeout_ms;   /* 0 = 5000 */
    /* version 2 */
    const char *connection;       /* a named connection (podman system connection); not with uri */
} podc_client_options;

#define PODC_CLIENT_OPTIONS_INIT { PODC_CLIENT_OPTIONS_VERSION, NULL, 0, 0, NULL }

/* Fills the fields of that version with defaults (versions 1..current); else PODC_EINVAL. */
PODC_EXTERN int podc_client_options_init(podc_client_options *opts, unsigned int version);

/*
 * Creates a client. opts may be NULL (all defaults). Checks that the service's socket (unix)
 * or port (tcp) accepts a connection, or sets up the SSH session (ssh), but sends no request.
 * Errors: PODC_EINVAL (bad uri, uri and connection both), PODC_ENOTFOUND (no such named
 * connection), PODC_ETRANSPORT, PODC_EAUTH (ssh: no key accepted), PODC_ENOMEM.
 */
PODC_EXTERN int podc_client_new(podc_client **out, const podc_client_options *opts, podc_error **err);

/*
 * A new, independent client on the same service as `like` (same endpoint, identity and
 * timeouts; no discovery again), for another thread. `like` may be in use on its own thread
 * meanwhile. Errors as for podc_client_new().
 */
PODC_EXTERN int podc_client_new_like(podc_client **out, const podc_client *like, podc_error **err);

/* Closes the connection and frees the client. NULL is fine. */
PODC_EXTERN void podc_client_free(podc_client *c);

/* The service's URI in canonical form ("unix:///run/podman/podman.sock", "tcp://10.0.0.2:8888",
 * "ssh://core@host:22/run/user/1000/podman/podman.sock"). Borrowed. */
PODC_EXTERN const char *podc_client_uri(const podc_client *c);
/* "unix", "tcp" or "ssh". Static. */
PODC_EXTERN const char *podc_client_scheme(const podc_client *c);
/* The unix socket in use: the local one, or the remote one for ssh (NULL for tcp). Borrowed. */
PODC_EXTERN const char *podc_client_socket_path(const podc_client *c);
/* How the service was chosen: "option", "connection NAME", "CONTAINER_CONNECTION NAME",
 * "CONTAINER_HOST", "default connection NAME", "DOCKER_HOST", "XDG_RUNTIME_DIR" or "default".
 * Borrowed. */
PODC_EXTERN const char *podc_client_socket_source(const podc_client *c);
/* Where ports its containers publish are reached from here: "127.0.0.1" for a local socket,
 * the remote host for tcp and ssh. Health checks, service URLs and the DataStorage
 * endpoints use it. Borrowed. */
PODC_EXTERN const char *podc_client_host(const podc_client *c);

/* The server's libpod API version as seen on the last reply ("4.3.1"), or NULL before any. */
PODC_EXTERN const char *podc_client_server_api_version(const podc_client *c);

/* Changes the per-call timeout for ordinary calls (0 restores the default). 0, or PODC_EINVAL
 * (NULL client, negative timeout). */
PODC_EXTERN int podc_client_set_timeout(podc_client *c, int64_t timeout_ms, podc_error **err);

/*
 * Cancels the call in progress on c, from any thread: it returns PODC_ECANCELLED promptly
 * (within a poll, not at its next timeout). The cancel lasts until that public call returns:
 * every later request and wait it would make fails at once, its worker threads' calls (the
 * exit watcher, side-by-side jobs) are cancelled with it, and its sleeps wake. What the call
 * had created is still removed before it returns (cleanup is not cancelled). A cancel with no
 * call in progress affects nothing; podc_client_scope_begin() closes that window.
 */
PODC_EXTERN void podc_client_cancel(podc_client *c);

/*
 * Makes the calls between begin and end one call for cancellation: a podc_client_cancel()
 * anywhere in that span (also before the first call starts or between two calls) fails the
 * call in progress and every later one on c with PODC_ECANCELLED, until the end. For a
 * binding that turns a context into cancels: begin, arm the context's watcher, call, end.
 * Nestable; call both on the thread that uses c. An end without a begin does nothing.
 */
PODC_EXTERN void podc_client_scope_begin(podc_client *c);
PODC_EXTERN void podc_client_scope_end(podc_client *c);

/* Number of TCP/unix connections opened so far (for tests and benchmarks). */
PODC_EXTERN int64_t podc_client_connections_opened(const podc_client *c);

#ifdef __cplusplus
}
#endif
#endif
