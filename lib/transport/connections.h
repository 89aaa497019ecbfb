/*
 * connections.h - podman's named connections: podman 5's podman-connections.json and the
 * [engine] section of containers.conf (active_service, service_destinations.NAME.uri and
 * .identity), read from the files podman reads, in its order.
 */
#ifndef PODC_TRANSPORT_CONNECTIONS_H
#define PODC_TRANSPORT_CONNECTIONS_H

#include "podc/error.h"

/* The URI and identity file (NULL when none) of connection name; both new. PODC_ENOTFOUND
 * naming the files read when no file defines it; PODC_ENOMEM. */
int podc_connection_lookup(const char *name, char **uri, char **identity, podc_error **err);
/* The default connection's name (podman-connections.json's Default, else containers.conf's
 * active_service), new, or NULL when none is set. 0 or PODC_ENOMEM. */
int podc_connection_default(char **name, podc_error **err);

#endif
