/* client-private.h - the podc_client structure, shared by the transport files. */
#ifndef PODC_TRANSPORT_CLIENT_PRIVATE_H
#define PODC_TRANSPORT_CLIENT_PRIVATE_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>

#include "podc/client.h"
#include "transport/cancel.h"
#include "transport/endpoint.h"

#define PODC_DEFAULT_TIMEOUT_MS 30000
#define PODC_DEFAULT_CONNECT_TIMEOUT_MS 5000

struct podc_client {
    pdc_endpoint ep;             /* where the service is, and how it was chosen */
    char *base_url;              /* "http://d" (unix, ssh) or "http://HOST:PORT" (tcp) */
    struct pdc_ssh *ssh;         /* ssh: the session every connection goes through */
    int64_t timeout_ms;          /* as configured; 0 = default */
    int64_t connect_timeout_ms;
    CURLM *multi;                /* owns the connection pool: the keep-alive connection lives here */
    CURL *easy;                  /* reused for every request */
    atomic_int cancel_requested; /* lasts until the outermost call scope ends (cancel.c) */
    atomic_int interrupt_requested; /* one-shot internal wake-up of the request in progress */
    atomic_int scope_depth;      /* public calls in progress (pdc_call_enter) */
    atomic_int shield;           /* cleanup in progress: requests go out despite a cancel */
    atomic_int in_call;
    podc_client *parent;         /* a worker's client: cancelled with its parent */
    pdc_waker as_child;          /* registered on the parent: wakes this client */
    pthread_mutex_t wake_mu;     /* guards wakers */
    pdc_waker *wakers;
    int64_t connections_opened;
    char api_version[32];        /* from the Libpod-Api-Version header */
};

/* discover.c: picks the endpoint (see the order there); *ep is filled on success. */
int pdc_discover(const char *uri, const char *connection, pdc_endpoint *ep, podc_error **err);
/* Checks that the endpoint accepts a connection (unix, tcp); sends nothing. */
int pdc_endpoint_probe(const pdc_endpoint *ep, int64_t connect_timeout_ms, podc_error **err);

#endif
