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
int pdc_connection_lookup(const char *name, char **uri, char **identity, podc_error **err);
/* The default connection's name (podman-connections.json's Default, else containers.conf's
 * active_service), new, or NULL when none is set. 0 or PODC_ENOMEM. */
int pdc_connection_default(char **name, podc_error **err);
/* One containers.conf's text (NUL-terminated, split into lines in place) as the two calls
 * read each file: [engine] active_service into *active, and the uri and identity of
 * [engine.service_destinations.NAME] (name may be NULL) into *uri and *identity. A key found
 * replaces its slot's value (freed), as a later file overrides an earlier one; a slot whose
 * key is absent is left alone. The file-reading calls use it (and the fuzzer). */
void pdc_connections_conf_read(char *text, const char *name, char **active, char **uri, char **identity);

#endif
