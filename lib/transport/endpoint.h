/*
 * endpoint.h - where the podman service is: a local unix socket, plain TCP, or a unix socket
 * on another machine reached over SSH; parsed from the URI forms podman's own clients accept.
 */
#ifndef PODC_TRANSPORT_ENDPOINT_H
#define PODC_TRANSPORT_ENDPOINT_H

#include "podc/error.h"

typedef enum { PODC_EP_UNIX, PODC_EP_TCP, PODC_EP_SSH } pdc_ep_scheme;

typedef struct pdc_endpoint {
    pdc_ep_scheme scheme;
    char *uri;          /* canonical: unix:///p, tcp://h:p, ssh://u@h:p/p (no secrets: keys are files) */
    char *path;         /* unix: the socket; ssh: the remote socket (NULL = ask the remote) */
    char *host;         /* tcp, ssh: as given ("10.0.0.2", "::1", "build.example") */
    int port;           /* tcp, ssh */
    char *user;         /* ssh */
    char *identity;     /* ssh: a private key file (CONTAINER_SSHKEY, a connection's identity), or NULL */
    const char *source; /* static: "option", "CONTAINER_HOST", "connection NAME"... */
    char *source_buf;   /* when source needs a name: "connection build" */
} pdc_endpoint;

/*
 * Parses uri: "unix:///path", "unix:/path", "/path"; "tcp://HOST:PORT" (HOST may be
 * "[v6]"); "ssh://[USER@]HOST[:PORT][/PATH]" (user: the current one; port 22). Anything
 * else is PODC_EINVAL naming the URI (field "uri"): never a guess.
 */
int pdc_endpoint_parse(const char *uri, pdc_endpoint *out, podc_error **err);
/* Where published ports of this service's containers are reached from here: "127.0.0.1"
 * for a local socket, the host otherwise (borrowed). */
const char *pdc_endpoint_address(const pdc_endpoint *ep);
/* 1 for "localhost", 127.0.0.0/8 and ::1: ports published there are this machine's. */
int pdc_host_is_loopback(const char *host);
void pdc_endpoint_clear(pdc_endpoint *ep);
/* A deep copy (source kept). 0 or PODC_ENOMEM. */
int pdc_endpoint_copy(const pdc_endpoint *from, pdc_endpoint *to);

#endif
