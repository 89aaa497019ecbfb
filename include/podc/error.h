/*
 * podc/error.h - structured errors a program can branch on.
 *
 * Every failing call returns one of the PODC_E* categories below and, when asked, fills a
 * podc_error with the details: HTTP status, podman's `cause` and `message`, the request
 * (method and path, never query strings or bodies, so no secrets), and for container-level
 * failures the container name/id, exit code and a tail of its logs.
 *
 * The numeric values are part of the ABI and are never renumbered.
 * Thread-safety: a podc_error is immutable after it is returned; read it from any thread.
 */
#ifndef PODC_ERROR_H
#define PODC_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum podc_result {
    PODC_OK = 0,
    PODC_ETRANSPORT = -1,   /* socket missing, connection refused or dropped */
    PODC_ETIMEOUT = -2,     /* the call's timeout expired */
    PODC_ENOTFOUND = -3,    /* container, image, network or exec session does not exist */
    PODC_ECONFLICT = -4,    /* name in use, object in use, wrong state, port busy */
    PODC_EINVAL = -5,       /* invalid input: ours (nothing was sent) or the server's 400 */
    PODC_ESERVER = -6,      /* the service failed (HTTP 5xx not otherwise classified) */
    PODC_EPROTOCOL = -7,    /* a reply we cannot understand */
    PODC_EHEALTH = -8,      /* a container did not become healthy (exited, timed out) */
    PODC_ECANCELLED = -9,   /* cancelled by podc_client_cancel() or a callback */
    PODC_ENOMEM = -10,      /* out of memory */
    PODC_EBUILD = -11,      /* an image build failed; the message carries the failing step */
    PODC_EUNSUPPORTED = -12, /* the server's libpod API is too old */
    PODC_EMIGRATION = -13,   /* a database migration failed (details: file, statement) */
    PODC_EAUTH = -14,        /* a registry refused the credentials, or none were given */
    PODC_EFILE = -15         /* a local file or directory could not be read, written or made (the
                              * OS refused: permissions, I/O, no space); details: path, errno.
                              * A path argument that does not exist is invalid input. */
} podc_result;

typedef struct podc_error podc_error;

/* Static English text for a category, e.g. "not found". Unknown codes give "unknown error". */
PODC_EXTERN const char *podc_strerror(int code);
/* Short machine name of a category, e.g. "not_found" (used in JSON). */
PODC_EXTERN const char *podc_error_code_name(int code);

/* The category (a PODC_E* value). A NULL error gives PODC_OK. */
PODC_EXTERN int podc_error_code(const podc_error *e);
/* One readable line: what failed and why. Never NULL for a non-NULL error. */
PODC_EXTERN const char *podc_error_message(const podc_error *e);
/* HTTP status of the reply, or 0 when no reply was received. */
PODC_EXTERN int podc_error_http_status(const podc_error *e);
/* podman's `cause` (innermost error, stable) and `message`, or NULL. */
PODC_EXTERN const char *podc_error_cause(const podc_error *e);
PODC_EXTERN const char *podc_error_server_message(const podc_error *e);
/* The request that failed: method ("GET") and path without query ("/libpod/containers/x/json"), or NULL. */
PODC_EXTERN const char *podc_error_method(const podc_error *e);
PODC_EXTERN const char *podc_error_path(const podc_error *e);
/* Container this error is about (name and id), or NULL. */
PODC_EXTERN const char *podc_error_container(const podc_error *e);
PODC_EXTERN const char *podc_error_container_id(const podc_error *e);
/* The container's exit code: returns 1 and sets *out when known, 0 otherwise. */
PODC_EXTERN int podc_error_exit_code(const podc_error *e, int *out);
/* Last lines of the container's output, or NULL. */
PODC_EXTERN const char *podc_error_log_tail(const podc_error *e);
/*
 * Further named details, or NULL when absent. Keys in use: "field" (invalid input),
 * "socket" (transport), "tried" (socket discovery), "component", "file", "statement", "port",
 * "registry" (pull and push), "image".
 */
PODC_EXTERN const char *podc_error_detail(const podc_error *e, const char *key);
/* All details as count + key/value at(i), in the order they were added; out of range: NULL. */
PODC_EXTERN size_t podc_error_detail_count(const podc_error *e);
PODC_EXTERN const char *podc_error_detail_key_at(const podc_error *e, size_t i);
PODC_EXTERN const char *podc_error_detail_value_at(const podc_error *e, size_t i);

/* The whole error as a JSON object (new string; free with podc_free()). NULL on OOM. */
PODC_EXTERN char *podc_error_to_json(const podc_error *e);

PODC_EXTERN void podc_error_free(podc_error *e);

#ifdef __cplusplus
}
#endif
#endif
