/*
 * podc/client.h - a connection to the podman service.
 *
 * A podc_client speaks HTTP/1.1 to the libpod REST API over a unix socket and keeps one
 * keep-alive connection for all calls. Socket discovery, in this order:
 *   1. podc_client_options.uri (when set, nothing else is tried)
 *   2. $CONTAINER_HOST   3. $DOCKER_HOST   (unix:// URIs)
 *   4. $XDG_RUNTIME_DIR/podman/podman.sock   5. /run/podman/podman.sock
 * The first socket that accepts a connection is used. When none does, the PODC_ETRANSPORT
 * error lists every place tried (detail "tried").
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

#define PODC_CLIENT_OPTIONS_VERSION 1

typedef struct podc_client_options {
    unsigned int version;         /* PODC_CLIENT_OPTIONS_VERSION */
    const char *uri;              /* "unix:///path.sock" or a plain path; NULL = discover */
    int64_t timeout_ms;           /* per-call timeout for ordinary calls; 0 = 30000 */
    int64_t connect_timeout_ms;   /* 0 = 5000 */
} podc_client_options;

#define PODC_CLIENT_OPTIONS_INIT { PODC_CLIENT_OPTIONS_VERSION, NULL, 0, 0 }

/* Fills opts with defaults; returns PODC_EINVAL for an unknown version. */
PODC_EXTERN int podc_client_options_init(podc_client_options *opts, unsigned int version);

/*
 * Creates a client. opts may be NULL (all defaults). Checks that the socket accepts a
 * connection, but sends no request. Errors: PODC_EINVAL (bad uri), PODC_ETRANSPORT, PODC_ENOMEM.
 */
PODC_EXTERN int podc_client_new(podc_client **out, const podc_client_options *opts, podc_error **err);

/* Closes the connection and frees the client. NULL is fine. */
PODC_EXTERN void podc_client_free(podc_client *c);

/* Socket path in use, and how it was found: "option", "CONTAINER_HOST", "DOCKER_HOST",
 * "XDG_RUNTIME_DIR" or "default". Borrowed. */
PODC_EXTERN const char *podc_client_socket_path(const podc_client *c);
PODC_EXTERN const char *podc_client_socket_source(const podc_client *c);

/* The server's libpod API version as seen on the last reply ("4.3.1"), or NULL before any. */
PODC_EXTERN const char *podc_client_server_api_version(const podc_client *c);

/* Changes the per-call timeout for ordinary calls (0 restores the default). */
PODC_EXTERN void podc_client_set_timeout(podc_client *c, int64_t timeout_ms);

/*
 * Cancels the call in progress on c, from any thread: it returns PODC_ECANCELLED promptly.
 * A cancel with no call in progress affects nothing.
 */
PODC_EXTERN void podc_client_cancel(podc_client *c);

/* Number of TCP/unix connections opened so far (for tests and benchmarks). */
PODC_EXTERN int64_t podc_client_connections_opened(const podc_client *c);

#ifdef __cplusplus
}
#endif
#endif
