/* discover.c - finding the podman socket the way podman's own clients do. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "transport/client-private.h"

char *podc_unix_path_from_uri(const char *uri)
{
    if (!uri || !*uri)
        return NULL;
    const char *p = uri;
    if (strncmp(p, "unix://", 7) == 0)
        p += 7;
    else if (strncmp(p, "unix:", 5) == 0)
        p += 5;
    else if (strstr(p, "://"))
        return NULL; /* tcp://, ssh://: not a local socket */
    if (*p != '/')
        return NULL;
    return strdup(p);
}

/* 0 when something accepts connections at path, else an errno. */
static int probe(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path)
        return ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

int podc_discover_socket(const char *uri, char **path_out, const char **source_out, podc_error **err)
{
    struct {
        const char *source;
        char *path;
        const char *raw; /* what the user gave, for the message */
    } cand[5];
    size_t n = 0;
    int rc = PODC_ETRANSPORT;

    if (uri) {
        char *p = podc_unix_path_from_uri(uri);
        if (!p)
            return podc_error_invalid(err, "uri", "socket URI \"%s\" is not unix:///absolute/path", uri);
        cand[n++] = (typeof(cand[0])){ "option", p, uri };
    } else {
        const char *envs[] = { "CONTAINER_HOST", "DOCKER_HOST" };
        for (size_t i = 0; i < 2; i++) {
            const char *v = getenv(envs[i]);
            if (v && *v)
                cand[n++] = (typeof(cand[0])){ envs[i], podc_unix_path_from_uri(v), v };
        }
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        if (xdg && *xdg) {
            podc_buf b = PODC_BUF_INIT;
            podc_buf_printf(&b, "%s/podman/podman.sock", xdg);
            cand[n++] = (typeof(cand[0])){ "XDG_RUNTIME_DIR", podc_buf_detach(&b), NULL };
        }
        cand[n++] = (typeof(cand[0])){ "default", strdup("/run/podman/podman.sock"), NULL };
    }

    podc_buf tried = PODC_BUF_INIT;
    size_t chosen = n;
    for (size_t i = 0; i < n; i++) {
        if (tried.len)
            podc_buf_puts(&tried, "; ");
        if (!cand[i].path) {
            podc_buf_printf(&tried, "%s=%s (not a unix socket URI)", cand[i].source, cand[i].raw ? cand[i].raw : "");
            continue;
        }
        int e = probe(cand[i].path);
        if (e == 0) {
            chosen = i;
            break;
        }
        podc_buf_printf(&tried, "%s (%s: %s)", cand[i].path, cand[i].source, strerror(e));
    }

    if (chosen < n) {
        *path_out = cand[chosen].path;
        cand[chosen].path = NULL;
        *source_out = cand[chosen].source;
        rc = 0;
    } else {
        podc_error *e = podc_error_new(PODC_ETRANSPORT, "no podman service answers; tried: %s",
                                       tried.data ? tried.data : "nothing");
        podc_error_add_detail(e, "tried", tried.data);
        if (n == 1 && cand[0].path)
            podc_error_add_detail(e, "socket", cand[0].path);
        rc = podc_error_put(err, e);
    }
    for (size_t i = 0; i < n; i++)
        free(cand[i].path);
    podc_buf_free(&tried);
    return rc;
}
