/* container-spec.h - what containers.c needs from the spec builder, and signal names. */
#ifndef PODC_API_CONTAINER_SPEC_H
#define PODC_API_CONTAINER_SPEC_H

#include "podc/containers.h"

#include "core/strlist.h"

/* The spec's name, or NULL when podman is to pick one. */
const char *pdc_container_spec_get_name(const podc_container_spec *s);

/* What the service module (a service spec holds a container spec) reads and copies. */
/* A deep copy, or NULL on OOM. */
podc_container_spec *pdc_container_spec_clone(const podc_container_spec *s);
const pdc_kvlist *pdc_container_spec_labels(const podc_container_spec *s);
int64_t pdc_container_spec_memory_limit(const podc_container_spec *s);
size_t pdc_container_spec_mount_count(const podc_container_spec *s);
/* Mount i: destination, source (bind: host path; volume: name, "" = anonymous; tmpfs: NULL) and
 * whether it is a bind mount. */
const char *pdc_container_spec_mount_at(const podc_container_spec *s, size_t i, const char **source, int *is_bind);

/* "SIGTERM", "TERM", "term" or "15" -> 15. -1 when unknown. Numbering is the host's (the
 * service runs on the same machine: unix socket). */
int pdc_signal_parse(const char *s);

#endif
