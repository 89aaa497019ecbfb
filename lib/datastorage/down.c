/* down.c - taking a stack down by name: works after a crash, with or without a handle. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error-private.h"
#include "core/parallel.h"
#include "core/validate.h"
#include "datastorage/ds-private.h"
#include "podc/containers.h"
#include "podc/filters.h"
#include "podc/images.h"
#include "podc/networks.h"
#include "service/service-private.h"
#include "transport/cancel.h"

int pdc_ds_remove_containers(podc_client *c, const char *service, podc_error **err)
{
    char names[4][DS_NAME_MAX];
    pdc_ds_names(service, NULL, names[0], names[1], names[2], DS_NAME_MAX);
    snprintf(names[3], DS_NAME_MAX, "%s_migrations", service); /* upstream's stale helper container */
    const char *const list[4] = { names[0], names[1], names[2], names[3] };
    return pdc_svc_remove_containers(c, list, 4, NULL, err);
}

/* Teardown treats "not found" as done; any other error goes to the caller. */
static int ignore_missing(int rc, podc_error **e, podc_error **err)
{
    if (rc == PODC_ENOTFOUND) {
        podc_error_free(*e);
        *e = NULL;
        return 0;
    }
    if (rc < 0) {
        pdc_error_put(err, *e);
        *e = NULL;
    }
    return rc;
}

static int remove_built_images(podc_client *c, const char *service, podc_error **err)
{
    podc_filters *f = podc_filters_new();
    char label[DS_NAME_MAX + 32];
    snprintf(label, sizeof label, PODC_DS_LABEL_BUILT "=%s", service);
    if (!f || podc_filters_add(f, "label", label, NULL) < 0) {
        podc_filters_free(f);
        return pdc_error_oom(err);
    }
    podc_image_list *l = NULL;
    podc_error *e = NULL;
    int rc = podc_image_list_get(c, f, &l, err);
    podc_filters_free(f);
    for (size_t i = 0; rc == 0 && i < podc_image_list_count(l); i++)
        rc = ignore_missing(podc_image_remove(c, podc_image_id(podc_image_list_at(l, i)), PODC_IMAGE_REMOVE_FORCE,
                                              &e),
                            &e, err);
    podc_image_list_free(l);
    return rc;
}

int podc_ds_down(podc_client *c, const char *service, int preserve_image, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    int rc = pdc_validate_name("service", service, err);
    if (rc < 0)
        return rc;
    char net[DS_NAME_MAX];
    pdc_ds_names(service, net, NULL, NULL, NULL, sizeof net);

    pdc_call_enter(c);
    rc = pdc_ds_remove_containers(c, service, err);
    podc_error *e = NULL;
    if (rc == 0)
        rc = ignore_missing(podc_network_remove(c, net, 0, &e), &e, err);
    if (rc == 0 && !preserve_image)
        rc = remove_built_images(c, service, err);
    pdc_call_leave(c);
    return rc;
}
