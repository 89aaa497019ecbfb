/* images-private.h - image name checks shared by images.c and build.c (Docker's reference
 * grammar, so bad names fail before anything is sent instead of deep inside a build), and the
 * image objects images.c makes from parsed replies. */
#ifndef PODC_API_IMAGES_PRIVATE_H
#define PODC_API_IMAGES_PRIVATE_H

#include "core/json.h"
#include "podc/error.h"
#include "podc/images.h"

/* A name for a new image: [domain[:port]/]path[:tag]. Lowercase path components separated by
 * '.', '_', '__' or '-'+; domain components [A-Za-z0-9-] (not starting or ending with '-');
 * tag [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; the name without tag at most 255 bytes.
 * 0 or PODC_EINVAL naming field. */
int pdc_image_check_name(const char *field, const char *name, podc_error **err);
/* The repository part alone (no tag). */
int pdc_image_check_repo(const char *field, const char *repo, podc_error **err);
/* A tag alone. */
int pdc_image_check_tag(const char *field, const char *tag, podc_error **err);

/* A reference to pull: a name (as pdc_image_check_name) with an optional "@sha256:<hex>". */
int pdc_image_check_pull_ref(const char *field, const char *ref, podc_error **err);
/*
 * Splits a checked reference into its registry (*domain: "quay.io", "127.0.0.1:5000",
 * "localhost"; NULL for a short name such as "redis:7", whose registry the service picks) and
 * its repository path without tag or digest (*path: "library/redis"). Both new. 0 or PODC_ENOMEM.
 */
int pdc_image_ref_split(const char *ref, char **domain, char **path);

/* A copy of o (NULL o = defaults), or NULL on OOM. */
struct podc_image_pull_options *pdc_image_pull_options_dup(const struct podc_image_pull_options *o);
/* *slot becomes a copy of opts (NULL: none), the old one freed. 0 or PODC_ENOMEM. */
int pdc_image_pull_options_replace(struct podc_image_pull_options **slot, const struct podc_image_pull_options *opts);
/* The policy of o (NULL = missing). */
int pdc_image_pull_options_policy(const struct podc_image_pull_options *o);
/*
 * Makes sure ref is present as o's policy says (NULL o = missing): missing/never look first
 * (never fails with PODC_ENOTFOUND when absent), always/newer pull. A "localhost/" name is a
 * local image: never pulled, PODC_ENOTFOUND when absent. progress (may be NULL) gets
 * "pulling REF: <line>" lines; o's own progress callback is never called. *pulled = 1 when
 * it pulled.
 */
int pdc_image_ensure(podc_client *c, const char *ref, const struct podc_image_pull_options *o, podc_data_cb progress,
                     void *progress_ud, int *pulled, podc_error **err);

/* The image of an inspect reply (an object) and json, the reply's text: both taken on
 * success; NULL on OOM (the caller still owns them). */
podc_image *pdc_image_from_json(yajl_val root, char *json);
/* The entries of a list reply (an array, or null) whose Labels have every one of
 * labels[0..nlabels) ("k": present, "k=v": with that value); takes root, also on failure: NULL
 * on OOM. */
podc_image_list *pdc_image_list_from_json(yajl_val root, char *const *labels, size_t nlabels);

/* "sha256:<hex>" -> "<hex>" (new string), anything else copied; NULL on OOM. */
char *pdc_image_strip_digest_prefix(const char *id);
/* 1 when s is exactly 64 lowercase hex digits. */
int pdc_image_is_full_id(const char *s);

#endif
