/* endpoint.c - URIs of the podman service, as podman's clients write them. */
#include "config.h"

#include "transport/endpoint.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error-private.h"

void pdc_endpoint_clear(pdc_endpoint *ep)
{
    free(ep->uri);
    free(ep->path);
    free(ep->host);
    free(ep->user);
    free(ep->identity);
    free(ep->source_buf);
    memset(ep, 0, sizeof *ep);
}

static int bad_uri(podc_error **err, const char *uri, const char *why)
{
    return pdc_error_invalid(err, "uri", "service URI \"%s\": %s (unix:///path, tcp://HOST:PORT or "
                              "ssh://[USER@]HOST[:PORT][/path])", uri, why);
}

static int host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == '_';
}

/* An IPv6 literal, maybe with a zone ("fe80::1%eth0"): anything else in brackets would come
 * out of canonical() unbracketed and not parse again ("[a!]", "[[x]"). */
static int v6_literal(const char *s, size_t n)
{
    int colon = 0;
    size_t i = 0;
    for (; i < n && s[i] != '%'; i++) {
        if (s[i] == ':')
            colon = 1;
        else if (!isxdigit((unsigned char)s[i]) && s[i] != '.')
            return 0;
    }
    if (i < n && i + 1 == n)
        return 0; /* an empty zone */
    for (i++; i < n; i++)
        if (!host_char(s[i]))
            return 0;
    return colon;
}

/* "HOST[:PORT]" or "[V6][:PORT]" from s[0..n): host new, *port set when given. */
static int host_port(const char *s, size_t n, char **host, int *port)
{
    const char *colon = NULL;
    size_t hl;
    if (n && s[0] == '[') {
        const char *end = memchr(s, ']', n);
        if (!end || !v6_literal(s + 1, (size_t)(end - s - 1)))
            return -1;
        hl = (size_t)(end - s - 1);
        if ((size_t)(end + 1 - s) < n) {
            if (end[1] != ':')
                return -1;
            colon = end + 1;
        }
        *host = strndup(s + 1, hl);
    } else {
        colon = memchr(s, ':', n);
        hl = colon ? (size_t)(colon - s) : n;
        if (!hl)
            return -1;
        for (size_t i = 0; i < hl; i++)
            if (!host_char(s[i]))
                return -1;
        *host = strndup(s, hl);
    }
    if (!*host)
        return -1;
    if (colon) {
        const char *p = colon + 1;
        size_t pl = n - (size_t)(p - s);
        long v = 0;
        if (!pl || pl > 5)
            return -1;
        for (size_t i = 0; i < pl; i++) {
            if (p[i] < '0' || p[i] > '9')
                return -1;
            v = v * 10 + (p[i] - '0');
        }
        if (v < 1 || v > 65535)
            return -1;
        *port = (int)v;
    }
    return 0;
}

static char *current_user(void)
{
    struct passwd pw, *res = NULL;
    char buf[1024];
    if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) == 0 && res)
        return strdup(pw.pw_name);
    const char *u = getenv("USER");
    return strdup(u && *u ? u : "root");
}

static int canonical(pdc_endpoint *ep)
{
    pdc_buf b = PODC_BUF_INIT;
    int v6 = ep->host && strchr(ep->host, ':');
    int rc = 0;
    switch (ep->scheme) {
    case PODC_EP_UNIX:
        rc = pdc_buf_printf(&b, "unix://%s", ep->path);
        break;
    case PODC_EP_TCP:
        rc = pdc_buf_printf(&b, v6 ? "tcp://[%s]:%d" : "tcp://%s:%d", ep->host, ep->port);
        break;
    case PODC_EP_SSH:
        rc = pdc_buf_printf(&b, v6 ? "ssh://%s@[%s]:%d%s" : "ssh://%s@%s:%d%s", ep->user, ep->host, ep->port,
                            ep->path ? ep->path : "");
        break;
    }
    if (rc < 0) {
        pdc_buf_free(&b);
        return PODC_ENOMEM;
    }
    ep->uri = pdc_buf_detach(&b);
    return 0;
}

int pdc_endpoint_parse(const char *uri, pdc_endpoint *out, podc_error **err)
{
    memset(out, 0, sizeof *out);
    if (!uri || !*uri)
        return bad_uri(err, uri ? uri : "", "empty");
    for (const unsigned char *p = (const unsigned char *)uri; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return bad_uri(err, uri, "whitespace or a control character");
    int rc = 0;
    if (uri[0] == '/' || strncmp(uri, "unix:", 5) == 0) {
        const char *p = uri[0] == '/' ? uri : uri + 5;
        if (strncmp(p, "//", 2) == 0)
            p += 2;
        if (*p != '/')
            return bad_uri(err, uri, "a unix socket needs an absolute path");
        out->scheme = PODC_EP_UNIX;
        if (!(out->path = strdup(p)))
            rc = PODC_ENOMEM;
    } else if (strncmp(uri, "tcp://", 6) == 0) {
        const char *hp = uri + 6;
        size_t n = strcspn(hp, "/");
        out->scheme = PODC_EP_TCP;
        out->port = 0;
        if (hp[n] && strcmp(hp + n, "/") != 0)
            return bad_uri(err, uri, "tcp:// takes no path");
        if (host_port(hp, n, &out->host, &out->port) < 0 || !out->port) {
            pdc_endpoint_clear(out);
            return bad_uri(err, uri, "tcp:// needs HOST:PORT");
        }
    } else if (strncmp(uri, "ssh://", 6) == 0) {
        const char *s = uri + 6;
        size_t n = strcspn(s, "/");
        const char *at = memchr(s, '@', n);
        out->scheme = PODC_EP_SSH;
        out->port = 22;
        if (at) {
            if (at == s || memchr(s, ':', (size_t)(at - s))) {
                pdc_endpoint_clear(out);
                return bad_uri(err, uri, "a user (no password: keys only) before the @");
            }
            out->user = strndup(s, (size_t)(at - s));
            n -= (size_t)(at + 1 - s);
            s = at + 1;
        } else {
            out->user = current_user();
        }
        if (!out->user || host_port(s, n, &out->host, &out->port) < 0) {
            pdc_endpoint_clear(out);
            return bad_uri(err, uri, "ssh:// needs [USER@]HOST[:PORT]");
        }
        if (s[n] && strcmp(s + n, "/") != 0 && !(out->path = strdup(s + n)))
            rc = PODC_ENOMEM;
    } else {
        const char *sep = strstr(uri, "://");
        char why[64];
        snprintf(why, sizeof why, "unknown scheme \"%.*s\"", sep ? (int)(sep - uri) : 16, uri);
        return bad_uri(err, uri, why);
    }
    if (rc == 0)
        rc = canonical(out);
    if (rc < 0) {
        pdc_endpoint_clear(out);
        return pdc_error_oom(err);
    }
    return 0;
}

const char *pdc_endpoint_address(const pdc_endpoint *ep)
{
    return ep->scheme == PODC_EP_UNIX ? "127.0.0.1" : ep->host;
}

int pdc_host_is_loopback(const char *host)
{
    if (!host)
        return 0;
    return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0;
}

int pdc_endpoint_copy(const pdc_endpoint *from, pdc_endpoint *to)
{
    memset(to, 0, sizeof *to);
    to->scheme = from->scheme;
    to->port = from->port;
    to->source = from->source;
    const char *src[] = { from->uri, from->path, from->host, from->user, from->identity, from->source_buf };
    char **dst[] = { &to->uri, &to->path, &to->host, &to->user, &to->identity, &to->source_buf };
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) {
        if (src[i] && !(*dst[i] = strdup(src[i]))) {
            pdc_endpoint_clear(to);
            return PODC_ENOMEM;
        }
    }
    if (to->source_buf)
        to->source = to->source_buf;
    return 0;
}
