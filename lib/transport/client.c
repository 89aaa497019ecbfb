/* client.c - the podc_client handle: socket discovery, curl handles, cancellation. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/error-private.h"
#include "transport/client-private.h"

static int curl_ready(void)
{
    /* curl_global_init is not thread-safe before 7.84; this once-guard makes podc's own use safe. */
    static int done;
    static int ok;
    if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
        static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&lock);
        if (!done) {
            ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
            __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
        }
        pthread_mutex_unlock(&lock);
    }
    return ok;
}

int podc_client_options_init(podc_client_options *opts, unsigned int version)
{
    if (!opts || version != PODC_CLIENT_OPTIONS_VERSION)
        return PODC_EINVAL;
    podc_client_options def = PODC_CLIENT_OPTIONS_INIT;
    *opts = def;
    return 0;
}

int podc_client_new(podc_client **out, const podc_client_options *opts, podc_error **err)
{
    if (!out)
        return podc_error_invalid(err, "out", "podc_client_new: out is NULL");
    podc_client_options def = PODC_CLIENT_OPTIONS_INIT;
    if (!opts)
        opts = &def;
    if (opts->version != PODC_CLIENT_OPTIONS_VERSION)
        return podc_error_invalid(err, "version", "podc_client_options.version %u is not %d", opts->version,
                                  PODC_CLIENT_OPTIONS_VERSION);
    if (opts->timeout_ms < 0 || opts->connect_timeout_ms < 0)
        return podc_error_invalid(err, "timeout_ms", "timeouts must not be negative");
    if (!curl_ready())
        return podc_error_set(err, PODC_ENOMEM, "libcurl could not be initialised");

    podc_client *c = calloc(1, sizeof *c);
    if (!c)
        return podc_error_oom(err);
    int rc = podc_discover_socket(opts->uri, &c->socket_path, &c->socket_source, err);
    if (rc < 0) {
        free(c);
        return rc;
    }
    c->timeout_ms = opts->timeout_ms ? opts->timeout_ms : PODC_DEFAULT_TIMEOUT_MS;
    c->connect_timeout_ms = opts->connect_timeout_ms ? opts->connect_timeout_ms : PODC_DEFAULT_CONNECT_TIMEOUT_MS;
    c->multi = curl_multi_init();
    c->easy = curl_easy_init();
    if (!c->multi || !c->easy) {
        podc_client_free(c);
        return podc_error_oom(err);
    }
    /* one keep-alive connection for ordinary calls, plus room for a hijacked exec stream */
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 2L);
    atomic_init(&c->cancel_requested, 0);
    atomic_init(&c->in_call, 0);
    *out = c;
    return 0;
}

void podc_client_free(podc_client *c)
{
    if (!c)
        return;
    if (c->easy)
        curl_easy_cleanup(c->easy);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    free(c->socket_path);
    free(c);
}

const char *podc_client_socket_path(const podc_client *c)
{
    return c ? c->socket_path : NULL;
}

const char *podc_client_socket_source(const podc_client *c)
{
    return c ? c->socket_source : NULL;
}

const char *podc_client_server_api_version(const podc_client *c)
{
    return (c && c->api_version[0]) ? c->api_version : NULL;
}

void podc_client_set_timeout(podc_client *c, int64_t timeout_ms)
{
    if (c)
        c->timeout_ms = timeout_ms > 0 ? timeout_ms : PODC_DEFAULT_TIMEOUT_MS;
}

void podc_client_cancel(podc_client *c)
{
    if (!c)
        return;
    if (atomic_load(&c->in_call)) {
        atomic_store(&c->cancel_requested, 1);
        curl_multi_wakeup(c->multi); /* documented as callable from any thread */
    }
}

int64_t podc_client_connections_opened(const podc_client *c)
{
    return c ? c->connections_opened : 0;
}
