/*
 * fuzz_connections.c - where podc finds the service: containers.conf's TOML subset and podman
 * 5's podman-connections.json (lib/transport/connections.c), and the service URIs
 * (pdc_endpoint_parse: unix://, tcp://, ssh://) that they, CONTAINER_HOST and the caller give.
 * Input: containers.conf, NUL, podman-connections.json (absent without a NUL), NUL, URIs one a
 * line. The conf text goes through pdc_connections_conf_read for the active service and a few
 * names; then both files are written into a private dir (CONTAINERS_CONF, XDG_CONFIG_HOME) for
 * pdc_connection_default / pdc_connection_lookup; every URI found or given is parsed.
 * Contracts checked: the file lookups agree with the text reader when the JSON file does not
 * answer; a parsed endpoint is complete (host, port 1..65535, absolute paths) and its canonical
 * URI parses back to the same endpoint; a refused URI is PODC_EINVAL naming field "uri" and
 * quoting the URI; a copy equals the original.
 */
#include "core/json.h"
#include "fuzz.h"
#include "podc/error.h"
#include "transport/connections.h"
#include "transport/endpoint.h"

static char conf_path[600], json_path[600];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char p[600];
    snprintf(p, sizeof p, "%s/containers", fuzz_dir());
    mkdir(p, 0700);
    snprintf(conf_path, sizeof conf_path, "%s/containers.conf", fuzz_dir());
    snprintf(json_path, sizeof json_path, "%s/containers/podman-connections.json", fuzz_dir());
    setenv("CONTAINERS_CONF", conf_path, 1); /* podman then reads only that file */
    setenv("XDG_CONFIG_HOME", fuzz_dir(), 1);
    return 0;
}

static int eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void same_endpoint(const pdc_endpoint *a, const pdc_endpoint *b, const char *what)
{
    FUZZ_CHECK(a->scheme == b->scheme && a->port == b->port && eq(a->uri, b->uri) && eq(a->path, b->path) &&
                   eq(a->host, b->host) && eq(a->user, b->user),
               "%s: %s != %s", what, a->uri, b->uri);
}

static void endpoint(const char *uri)
{
    pdc_endpoint ep;
    podc_error *err = NULL;
    int rc = pdc_endpoint_parse(uri, &ep, &err);
    if (rc < 0) {
        FUZZ_CHECK(rc == PODC_EINVAL || rc == PODC_ENOMEM, "rc %d for %s", rc, uri);
        FUZZ_CHECK(err != NULL, "failure without an error");
        if (rc == PODC_EINVAL) {
            FUZZ_CHECK(eq(podc_error_detail(err, "field"), "uri"), "field %s", podc_error_detail(err, "field"));
            FUZZ_CHECK(strstr(podc_error_message(err), uri) != NULL, "message does not quote %s: %s", uri,
                       podc_error_message(err));
        }
        FUZZ_CHECK(!ep.uri && !ep.path && !ep.host && !ep.user, "output left on failure");
        podc_error_free(err);
        return;
    }
    FUZZ_CHECK(err == NULL && ep.uri != NULL, "success without a URI");
    switch (ep.scheme) {
    case PODC_EP_UNIX:
        FUZZ_CHECK(ep.path && ep.path[0] == '/', "unix socket path %s", ep.path);
        break;
    case PODC_EP_SSH:
        FUZZ_CHECK(ep.user && *ep.user, "ssh without a user");
        FUZZ_CHECK(!ep.path || ep.path[0] == '/', "remote path %s", ep.path);
        /* fall through */
    case PODC_EP_TCP:
        FUZZ_CHECK(ep.host && *ep.host, "no host in %s", uri);
        FUZZ_CHECK(ep.port >= 1 && ep.port <= 65535, "port %d", ep.port);
        break;
    default:
        FUZZ_CHECK(0, "scheme %d", (int)ep.scheme);
    }
    FUZZ_CHECK(pdc_endpoint_address(&ep) != NULL, "no address");
    (void)pdc_host_is_loopback(ep.host);
    pdc_endpoint again;
    rc = pdc_endpoint_parse(ep.uri, &again, &err);
    FUZZ_CHECK(rc == 0 || rc == PODC_ENOMEM, "canonical %s (of %s) does not parse: %s", ep.uri, uri,
               podc_error_message(err));
    if (rc == 0) {
        same_endpoint(&ep, &again, "canonical URI parsed back");
        pdc_endpoint_clear(&again);
    }
    podc_error_free(err);
    pdc_endpoint copy;
    if (pdc_endpoint_copy(&ep, &copy) == 0) {
        same_endpoint(&ep, &copy, "copy");
        pdc_endpoint_clear(&copy);
    }
    pdc_endpoint_clear(&ep);
}

/* What the text reader finds for name (NULL: the active service only). */
typedef struct found {
    char *active, *uri, *identity;
} found;

static void from_text(const char *conf, const char *name, found *f)
{
    char *text = strdup(conf);
    FUZZ_CHECK(text != NULL, "oom");
    memset(f, 0, sizeof *f);
    pdc_connections_conf_read(text, name, &f->active, &f->uri, &f->identity);
    free(text);
}

static void found_free(found *f)
{
    free(f->active);
    free(f->uri);
    free(f->identity);
}

/* The file lookup of name against the text reader's answer (json: the JSON file's tree, or NULL). */
static void lookup(const char *conf, yajl_val json, const char *name)
{
    found f;
    from_text(conf, name, &f);
    char *uri = NULL, *identity = NULL;
    podc_error *err = NULL;
    int rc = pdc_connection_lookup(name, &uri, &identity, &err);
    if (!pdc_json_str(json, "Connection", "Connections", name, "URI", NULL)) {
        FUZZ_CHECK(eq(uri, f.uri), "lookup of %s: %s, the text says %s", name, uri, f.uri);
        /* an identity counts only with a URI */
        FUZZ_CHECK(eq(identity, f.uri && f.identity && *f.identity ? f.identity : NULL), "identity %s / %s",
                   identity, f.identity);
    }
    if (rc == 0) {
        FUZZ_CHECK(uri != NULL && err == NULL, "found without a URI");
        FUZZ_CHECK(!identity || *identity, "empty identity");
        endpoint(uri);
    } else {
        FUZZ_CHECK(rc == PODC_ENOTFOUND && err && !uri && !identity, "rc %d", rc);
        FUZZ_CHECK(eq(podc_error_detail(err, "connection"), name), "connection %s", podc_error_detail(err, "connection"));
    }
    if (f.uri)
        endpoint(f.uri);
    free(uri);
    free(identity);
    podc_error_free(err);
    found_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *conf, *json = NULL, *uris = NULL;
    char *rest = fuzz_split(data, size, &conf);
    if (rest) {
        size_t n = size - strlen(conf) - 1; /* the bytes after the first NUL */
        uris = fuzz_split(data + size - n, n, &json);
        free(rest);
    }
    fuzz_write("containers.conf", conf, strlen(conf));
    if (json)
        fuzz_write("containers/podman-connections.json", json, strlen(json));
    else
        unlink(json_path);
    yajl_val jv = json ? pdc_json_parse(json, NULL, 0) : NULL; /* as connections.c reads it */

    /* the default connection: the JSON's Default, else active_service */
    found f;
    from_text(conf, NULL, &f);
    FUZZ_CHECK(!f.uri && !f.identity, "a connection read without a name");
    char *name = NULL;
    FUZZ_CHECK(pdc_connection_default(&name, NULL) == 0, "default failed");
    const char *jd = pdc_json_str(jv, "Connection", "Default", NULL);
    if (!jd || !*jd)
        FUZZ_CHECK(eq(name, f.active && *f.active ? f.active : NULL), "default %s, the text says %s", name,
                   f.active);
    static const char *const names[] = { "build", "local-fake", "" };
    if (name)
        lookup(conf, jv, name);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        lookup(conf, jv, names[i]);
    free(name);
    found_free(&f);

    for (char *line = uris; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        endpoint(line);
        line = nl ? nl + 1 : NULL;
    }
    pdc_json_free(jv);
    free(conf);
    free(json);
    free(uris);
    return 0;
}
