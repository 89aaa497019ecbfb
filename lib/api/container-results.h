/* container-results.h - building the inspect and list result objects from parsed replies
 * (container-inspect.c); the HTTP side lives in containers.c. */
#ifndef PODC_API_CONTAINER_RESULTS_H
#define PODC_API_CONTAINER_RESULTS_H

#include "core/json.h"
#include "podc/containers.h"

/* Takes root and json (the reply text; NULL counts as OOM), also on failure: NULL on OOM. */
podc_container_info *pdc_container_info_from_json(yajl_val root, char *json);
/* Takes root (an array, or null for no containers), also on failure: NULL on OOM. */
podc_container_list *pdc_container_list_from_json(yajl_val root);
/* Config.StopTimeout in seconds, or -1 when absent. */
int64_t pdc_container_info_stop_timeout(const podc_container_info *i);

#endif
