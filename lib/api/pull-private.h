/* pull-private.h - one pull or push as pull.c carries it, and what podman's in-band failure
 * text means, apart from the call (tests/fuzz/fuzz_pull_error.c feeds it on its own). */
#ifndef PODC_API_PULL_PRIVATE_H
#define PODC_API_PULL_PRIVATE_H

#include "api/registry-auth.h"
#include "podc/error.h"
#include "podc/images.h"
#include "transport/http.h"

typedef struct pdc_transfer {
    const char *verb;                 /* "pull" or "push" */
    const char *ref;                  /* what the caller named */
    const podc_image_pull_options *o;
    pdc_registry_auth auth;
    char *id;                         /* pull: {"id": ...} */
    char *digest;                     /* push: {"manifestdigest": ...} when sent */
    int try_no, tries;                /* the try in progress, of how many */
} pdc_transfer;

/* The error for podman's failure text of try t->try_no (req: the request, for the error);
 * *transient set for what a retry may fix. Never NULL (the static OOM error at worst). */
podc_error *pdc_transfer_error(const pdc_transfer *t, const pdc_http_request *req, const char *text,
                               int *transient);

#endif
