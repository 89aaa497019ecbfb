/* registry-auth.h - registry credentials for pull and push: explicit ones, or found in auth
 * files the way podman finds them, turned into the X-Registry-Auth header value. */
#ifndef PODC_API_REGISTRY_AUTH_H
#define PODC_API_REGISTRY_AUTH_H

#include "podc/error.h"

typedef struct pdc_registry_auth_in {
    const char *ref;       /* the checked image reference */
    const char *user;      /* explicit credentials (user + password, or token), or NULL */
    const char *password;
    const char *token;
    const char *authfile;  /* only this file, or NULL for podman's search order */
} pdc_registry_auth_in;

typedef struct pdc_registry_auth {
    char *header;      /* "X-Registry-Auth: <base64 JSON>", or NULL = anonymous; wiped when freed */
    char *registry;    /* the reference's registry, or NULL for a short name */
    char *source;      /* where the credentials came from: "explicit" or a file path; NULL = none */
    char *creds_store; /* a file's global credsStore helper ("desktop"), named when access is refused */
    char *store_file;  /* the file naming it */
} pdc_registry_auth;

/*
 * Resolves the credentials for in->ref. Errors: PODC_EINVAL (detail "file": an auth file that
 * was named but cannot be read, or is not JSON; an `auth` that is not base64 "user:password"),
 * PODC_EUNSUPPORTED (a credHelpers entry for the registry), PODC_ENOMEM.
 */
int pdc_registry_auth_resolve(const pdc_registry_auth_in *in, pdc_registry_auth *out, podc_error **err);
void pdc_registry_auth_free(pdc_registry_auth *a);

/* Writes zeros over s (then it may be freed): secrets leave no copy in freed memory. */
void pdc_secret_wipe(char *s);

#endif
