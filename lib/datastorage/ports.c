/* ports.c - "a host port already in use is reported before anything starts". Podman only finds
 * a busy port at start, after the stack's other containers exist; a bind() probe on the host
 * names the port and the component up front. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error-private.h"
#include "datastorage/ds-private.h"

static const char *const port_component[DS_NPORTS] = { "postgres", "redis", "datastorage", "datastorage",
                                                       "datastorage" };
static const char *const port_role[DS_NPORTS] = { "postgres", "redis", "api", "metrics", "health" };

/* 0 when the port is free on all IPv4 addresses (podman publishes on 0.0.0.0), else errno. */
static int probe(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? 0 : errno;
    close(fd);
    return rc;
}

int pdc_ds_check_ports(const podc_ds_config *cfg, int probe_here, podc_error **err)
{
    int seen[DS_NPORTS] = { 0 };
    for (int i = 0; i < DS_NPORTS; i++) {
        if (cfg->skip_redis && i == PODC_DS_PORT_REDIS)
            continue;
        int port = pdc_ds_effective_port(cfg, (podc_ds_port)i);
        if (port == 0)
            continue;
        for (int k = 0; k < i; k++) {
            if (seen[k] == port) {
                podc_error *e = pdc_error_new(PODC_EINVAL, "host port %d is given to both %s and %s", port,
                                              port_role[k], port_role[i]);
                char num[16];
                snprintf(num, sizeof num, "%d", port);
                pdc_error_add_detail(e, "port", num);
                pdc_error_add_detail(e, "field", "ports");
                return pdc_error_put(err, e);
            }
        }
        seen[i] = port;
        if (!probe_here)
            continue;
        int rc = probe(port);
        if (rc == EADDRINUSE) {
            podc_error *e = pdc_error_new(PODC_ECONFLICT, "host port %d (%s %s port) is already in use", port,
                                          port_component[i], port_role[i]);
            char num[16];
            snprintf(num, sizeof num, "%d", port);
            pdc_error_add_detail(e, "port", num);
            pdc_error_add_detail(e, "component", port_component[i]);
            return pdc_error_put(err, e);
        }
    }
    return 0;
}
