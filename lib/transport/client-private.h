/* client-private.h - the podc_client structure, shared by the transport files. */
#ifndef PODC_TRANSPORT_CLIENT_PRIVATE_H
#define PODC_TRANSPORT_CLIENT_PRIVATE_H

#include <curl/curl.h>
#include <stdatomic.h>

#include "podc/client.h"

#define PODC_DEFAULT_TIMEOUT_MS 30000
#define PODC_DEFAULT_CONNECT_TIMEOUT_MS 5000

struct podc_client {
    char *socket_path;
    const char *socket_source;   /* static string */
    int64_t timeout_ms;          /* as configured; 0 = default */
    int64_t connect_timeout_ms;
    CURLM *multi;                /* owns the connection pool: the keep-alive connection lives here */
    CURL *easy;                  /* reused for every request */
    atomic_int cancel_requested;
    atomic_int in_call;
    int64_t connections_opened;
    char api_version[32];        /* from the Libpod-Api-Version header */
};

/* discover.c: picks the socket. On success *path_out is new and *source_out static. */
int podc_discover_socket(const char *uri, char **path_out, const char **source_out, podc_error **err);
/* Parses "unix:///p", "unix:/p" or "/p" into a new path; NULL when not a unix socket URI. */
char *podc_unix_path_from_uri(const char *uri);

#endif
