/*
 * validate.h - input checks done before any request is sent. Each returns 0, or
 * PODC_EINVAL with an error naming the field (detail "field").
 */
#ifndef PODC_CORE_VALIDATE_H
#define PODC_CORE_VALIDATE_H

#include "podc/error.h"

/* Container / network names: podman's rule [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
int pdc_validate_name(const char *field, const char *name, podc_error **err);
/* Image references: non-empty, no whitespace or control characters. */
int pdc_validate_image(const char *field, const char *ref, podc_error **err);
/* Ports: 0..65535 (allow_zero=0 refuses 0). */
int pdc_validate_port(const char *field, long port, int allow_zero, podc_error **err);
/* Environment keys: non-empty, no '='. */
int pdc_validate_env_key(const char *field, const char *key, podc_error **err);
/* Anything that must simply be present. */
int pdc_validate_nonempty(const char *field, const char *value, podc_error **err);

#endif
