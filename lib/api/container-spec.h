/* container-spec.h - what containers.c needs from the spec builder, and signal names. */
#ifndef PODC_API_CONTAINER_SPEC_H
#define PODC_API_CONTAINER_SPEC_H

#include "podc/containers.h"

/* The spec's name, or NULL when podman is to pick one. */
const char *pdc_container_spec_get_name(const podc_container_spec *s);

/* "SIGTERM", "TERM", "term" or "15" -> 15. -1 when unknown. Numbering is the host's (the
 * service runs on the same machine: unix socket). */
int pdc_signal_parse(const char *s);

#endif
