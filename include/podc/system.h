/*
 * podc/system.h - service-level calls: ping, version, info.
 * Thread-safety: as for the client they are called on.
 */
#ifndef PODC_SYSTEM_H
#define PODC_SYSTEM_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* GET /_ping. 0 when the service answers "OK". */
PODC_EXTERN int podc_ping(podc_client *c, podc_error **err);

typedef struct podc_version podc_version;

/*
 * GET /libpod/version. *out is new; free with podc_version_free().
 * Errors: transport, timeout, protocol; PODC_EUNSUPPORTED when the libpod API is below 4.0.
 */
PODC_EXTERN int podc_version_get(podc_client *c, podc_version **out, podc_error **err);
PODC_EXTERN const char *podc_version_server(const podc_version *v);          /* "4.3.1" */
PODC_EXTERN const char *podc_version_api(const podc_version *v);             /* libpod API, "4.3.1" */
PODC_EXTERN const char *podc_version_min_api(const podc_version *v);         /* "4.0.0" */
PODC_EXTERN const char *podc_version_os_arch(const podc_version *v);         /* "linux/amd64" */
PODC_EXTERN void podc_version_free(podc_version *v);

typedef struct podc_info podc_info;

/* GET /libpod/info. *out is new; free with podc_info_free(). */
PODC_EXTERN int podc_info_get(podc_client *c, podc_info **out, podc_error **err);
PODC_EXTERN const char *podc_info_version(const podc_info *i);          /* version.Version */
PODC_EXTERN const char *podc_info_api_version(const podc_info *i);      /* version.APIVersion */
PODC_EXTERN const char *podc_info_oci_runtime(const podc_info *i);      /* host.ociRuntime.name */
PODC_EXTERN const char *podc_info_network_backend(const podc_info *i);  /* host.networkBackend */
PODC_EXTERN const char *podc_info_cgroup_version(const podc_info *i);   /* host.cgroupVersion */
PODC_EXTERN const char *podc_info_log_driver(const podc_info *i);       /* host.logDriver */
PODC_EXTERN const char *podc_info_graph_root(const podc_info *i);       /* store.graphRoot */
PODC_EXTERN int podc_info_rootless(const podc_info *i);                 /* 1, 0, or -1 unknown */
/* The whole reply as JSON text, for fields without an accessor. Borrowed. */
PODC_EXTERN const char *podc_info_json(const podc_info *i);
PODC_EXTERN void podc_info_free(podc_info *i);

#ifdef __cplusplus
}
#endif
#endif
