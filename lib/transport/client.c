/* client.c - the podc_client handle: socket discovery, curl handles (cancellation: cancel.c). */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "transport/client-private.h"
#include "transport/ssh.h"

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
    if (!opts || version < 1 || version > PODC_CLIENT_OPTIONS_VERSION)
        return PODC_EINVAL;
    /* only the fields that version has: an older caller's struct is shorter */
    opts->version = version;
    opts->uri = NULL;
    opts->timeout_ms = 0;
    opts->connect_timeout_ms = 0;
    if (version >= 2)
        opts->connection = NULL;
    return 0;
}

/* The base URL of every request, and (ssh) the session that carries them. */
static int transport_open(podc_client *c, podc_error **err)
{
    pdc_buf b = PODC_BUF_INIT;
    int rc = 0;
    if (c->ep.scheme == PODC_EP_TCP)
        rc = pdc_buf_printf(&b, strchr(c->ep.host, ':') ? "http://[%s]:%d" : "http://%s:%d", c->ep.host, c->ep.port);
    else
        rc = pdc_buf_puts(&b, "http://d");
    if (rc < 0) {
        pdc_buf_free(&b);
        return pdc_error_oom(err);
    }
    c->base_url = pdc_buf_detach(&b);
    if (c->ep.scheme != PODC_EP_SSH)
        return 0;
    rc = pdc_ssh_open(&c->ep, c->connect_timeout_ms, &c->ssh, err);
    if (rc == 0 && !c->ep.path && !(c->ep.path = strdup(pdc_ssh_remote_path(c->ssh))))
        rc = pdc_error_oom(err);
    return rc;
}

static void transport_close(podc_client *c)
{
    pdc_ssh_close(c->ssh);
    c->ssh = NULL;
}

/* The handles and the endpoint's transport for a client whose endpoint is set. */
static int client_open(podc_client *c, podc_error **err)
{
    int rc = pdc_endpoint_probe(&c->ep, c->connect_timeout_ms, err);
    if (rc == 0)
        rc = transport_open(c, err);
    if (rc < 0)
        return rc;
    c->multi = curl_multi_init();
    c->easy = curl_easy_init();
    if (!c->multi || !c->easy)
        return pdc_error_oom(err);
    /* one keep-alive connection for ordinary calls, plus room for a hijacked exec stream */
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 2L);
    return 0;
}

/* A zeroed client with its cancellation state ready (client_open may still fail). */
static podc_client *client_alloc(void)
{
    podc_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    atomic_init(&c->cancel_requested, 0);
    atomic_init(&c->interrupt_requested, 0);
    atomic_init(&c->scope_depth, 0);
    atomic_init(&c->shield, 0);
    atomic_init(&c->in_call, 0);
    pthread_mutex_init(&c->wake_mu, NULL);
    return c;
}

int podc_client_new(podc_client **out, const podc_client_options *opts, podc_error **err)
{
    if (!out)
        return pdc_error_invalid(err, "out", "podc_client_new: out is NULL");
    podc_client_options def = PODC_CLIENT_OPTIONS_INIT;
    if (!opts)
        opts = &def;
    if (opts->version < 1 || opts->version > PODC_CLIENT_OPTIONS_VERSION)
        return pdc_error_invalid(err, "version", "podc_client_options.version %u is not 1..%d", opts->version,
                                 PODC_CLIENT_OPTIONS_VERSION);
    const char *connection = opts->version >= 2 ? opts->connection : NULL;
    if (opts->timeout_ms < 0 || opts->connect_timeout_ms < 0)
        return pdc_error_invalid(err, "timeout_ms", "timeouts must not be negative");
    if (!curl_ready())
        return pdc_error_set(err, PODC_ENOMEM, "libcurl could not be initialised");

    podc_client *c = client_alloc();
    if (!c)
        return pdc_error_oom(err);
    int rc = pdc_discover(opts->uri, connection, &c->ep, err);
    if (rc < 0) {
        podc_client_free(c);
        return rc;
    }
    c->timeout_ms = opts->timeout_ms ? opts->timeout_ms : PODC_DEFAULT_TIMEOUT_MS;
    c->connect_timeout_ms = opts->connect_timeout_ms ? opts->connect_timeout_ms : PODC_DEFAULT_CONNECT_TIMEOUT_MS;
    if ((rc = client_open(c, err)) < 0) {
        podc_client_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int podc_client_new_like(podc_client **out, const podc_client *like, podc_error **err)
{
    if (!out || !like)
        return pdc_error_invalid(err, out ? "like" : "out", "podc_client_new_like: NULL argument");
    if (!curl_ready())
        return pdc_error_set(err, PODC_ENOMEM, "libcurl could not be initialised");
    podc_client *c = client_alloc();
    if (!c)
        return pdc_error_oom(err);
    c->timeout_ms = like->timeout_ms;
    c->connect_timeout_ms = like->connect_timeout_ms;
    int rc = pdc_endpoint_copy(&like->ep, &c->ep) < 0 ? pdc_error_oom(err) : client_open(c, err);
    if (rc < 0) {
        podc_client_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void podc_client_free(podc_client *c)
{
    if (!c)
        return;
    if (c->parent)
        pdc_client_remove_waker(c->parent, &c->as_child);
    if (c->easy)
        curl_easy_cleanup(c->easy);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    transport_close(c);
    pdc_endpoint_clear(&c->ep);
    free(c->base_url);
    pthread_mutex_destroy(&c->wake_mu);
    free(c);
}

const char *podc_client_uri(const podc_client *c)
{
    return c ? c->ep.uri : NULL;
}

const char *podc_client_scheme(const podc_client *c)
{
    static const char *const names[] = { "unix", "tcp", "ssh" };
    return c ? names[c->ep.scheme] : NULL;
}

const char *podc_client_host(const podc_client *c)
{
    return c ? pdc_endpoint_address(&c->ep) : NULL;
}

const char *podc_client_socket_path(const podc_client *c)
{
    return c ? c->ep.path : NULL;
}

const char *podc_client_socket_source(const podc_client *c)
{
    return c ? c->ep.source : NULL;
}

const char *podc_client_server_api_version(const podc_client *c)
{
    return (c && c->api_version[0]) ? c->api_version : NULL;
}

int podc_client_set_timeout(podc_client *c, int64_t timeout_ms, podc_error **err)
{
    if (!c || timeout_ms < 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : PODC_DEFAULT_TIMEOUT_MS;
    return 0;
}

int64_t podc_client_connections_opened(const podc_client *c)
{
    return c ? c->connections_opened : 0;
}
