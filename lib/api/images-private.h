/* images-private.h - image name checks shared by images.c and build.c (Docker's reference
 * grammar, so bad names fail before anything is sent instead of deep inside a build). */
#ifndef PODC_API_IMAGES_PRIVATE_H
#define PODC_API_IMAGES_PRIVATE_H

#include "podc/error.h"

/* A name for a new image: [domain[:port]/]path[:tag]. Lowercase path components separated by
 * '.', '_', '__' or '-'+; domain components [A-Za-z0-9-] (not starting or ending with '-');
 * tag [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; the name without tag at most 255 bytes.
 * 0 or PODC_EINVAL naming field. */
int podc_image_check_name(const char *field, const char *name, podc_error **err);
/* The repository part alone (no tag). */
int podc_image_check_repo(const char *field, const char *repo, podc_error **err);
/* A tag alone. */
int podc_image_check_tag(const char *field, const char *tag, podc_error **err);

/* "sha256:<hex>" -> "<hex>" (new string), anything else copied; NULL on OOM. */
char *podc_image_strip_digest_prefix(const char *id);
/* 1 when s is exactly 64 lowercase hex digits. */
int podc_image_is_full_id(const char *s);

#endif
