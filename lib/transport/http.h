/*
 * http.h - one HTTP exchange with the podman service over the client's connection.
 * Every API file builds a pdc_http_request and calls pdc_http_call().
 */
#ifndef PODC_TRANSPORT_HTTP_H
#define PODC_TRANSPORT_HTTP_H

#include <stdint.h>

#include "core/buf.h"
#include "core/json.h"
#include "podc/client.h"
#include "transport/cancel.h"

/* Prefix put in front of every "/libpod/..." path. The server does not check it (libpod-api.md §1). */
#define PODC_API_PREFIX "/v4.0.0"

typedef struct pdc_http_request {
    const char *method;        /* "GET", "POST", "DELETE", "PUT", "HEAD" */
    const char *path;          /* "/libpod/..." with an already-encoded query */
    const char *content_type;  /* of the body; NULL with a body = application/json */
    const char *body;          /* in-memory body, or NULL */
    size_t body_len;
    /* Streamed body (build contexts, archives): read until it returns 0; CURL_READFUNC_ABORT aborts. */
    size_t (*read_cb)(char *buf, size_t size, size_t nitems, void *ud);
    void *read_ud;
    /* Successful (2xx) reply bodies go here piece by piece instead of into resp->body. */
    podc_data_cb on_data;
    void *data_ud;
    /* Extra request headers, "Name: value" each, NULL-terminated (X-Registry-Auth); never
     * copied into errors. */
    const char *const *headers;
    int64_t timeout_ms;        /* 0 = the client's timeout; -1 = none (follow, wait, events) */
    int own_connection;        /* endpoints that hijack the socket: use a fresh, unpooled connection */
} pdc_http_request;

typedef struct pdc_http_response {
    int status;
    pdc_buf body;             /* full body unless streamed to on_data (error bodies are always kept) */
    char content_type[96];
} pdc_http_response;

/*
 * Sends the request and reads the reply. Returns 0 when a reply arrived (any status), or a
 * transport/timeout/cancelled/unsupported error. resp is always initialised; free it with
 * pdc_http_response_free().
 */
int pdc_http_do(podc_client *c, const pdc_http_request *req, pdc_http_response *resp, podc_error **err);

/* pdc_http_do, then any status >= 400 becomes the mapped podc error. */
int pdc_http_call(podc_client *c, const pdc_http_request *req, pdc_http_response *resp, podc_error **err);

/* Parses resp->body as JSON; PODC_EPROTOCOL error (naming the request) when it is not. */
int pdc_http_json(const pdc_http_request *req, const pdc_http_response *resp, yajl_val *out, podc_error **err);

/*
 * GET on an `.../exists` endpoint: *out = 1 for 204, 0 for the handler's JSON 404 (a plain-text
 * 404 is a router miss and stays an error); anything else becomes the mapped error.
 */
int pdc_http_exists(podc_client *c, const char *path, int *out, podc_error **err);

void pdc_http_response_free(pdc_http_response *resp);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t pdc_http_now_ms(void);

/*
 * Sleeps ms milliseconds on the client's poll, so podc_client_cancel() from another thread
 * wakes it at once. Returns 0, or PODC_ECANCELLED (with err set) when cancelled (before or
 * during the sleep) or woken by pdc_client_interrupt().
 */
int pdc_http_sleep(podc_client *c, int64_t ms, podc_error **err);

#endif
