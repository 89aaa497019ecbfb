/*
 * podc/images.h - local images: exists, inspect, list, tag, remove, import, and build from a
 * context directory.
 *
 * Image references (`ref`) name an existing image: "localhost/app:1", "app:1" (podman resolves
 * short names to localhost/), a full or unique-prefix ID, or "sha256:<hex>". New names (build
 * tags, tag repo/tag, import reference) must follow Docker's reference grammar:
 * [domain[:port]/]path[:tag], path components lowercase.
 *
 * Image IDs returned by this module (build, import, podc_image_id) are 64 hex digits without
 * "sha256:"; they are accepted wherever a `ref` is.
 *
 * Thread-safety: calls follow the client's rule (one thread per client at a time). Result
 * objects (podc_image, podc_image_list) are immutable and may be read from any thread.
 * Option builders are used by one thread at a time.
 */
#ifndef PODC_IMAGES_H
#define PODC_IMAGES_H

#include "client.h"
#include "filters.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Exists, inspect                                                                              */

/*
 * GET /libpod/images/{ref}/exists. Sets *out to 1 when the image exists, 0 when it does not
 * (a missing image is not an error). Errors: PODC_EINVAL (bad ref, nothing sent), transport.
 */
PODC_EXTERN int podc_image_exists(podc_client *c, const char *ref, int *out, podc_error **err);

typedef struct podc_image podc_image;

/*
 * GET /libpod/images/{ref}/json. *out is new; free with podc_image_free().
 * Errors: PODC_ENOTFOUND, PODC_EINVAL, transport, protocol.
 */
PODC_EXTERN int podc_image_inspect(podc_client *c, const char *ref, podc_image **out, podc_error **err);

/*
 * Accessors. They work on inspect results and on list entries (podc_image_list_at()); fields
 * that only inspect carries (created string, exposed ports, entrypoint, cmd) read as NULL / 0
 * on list entries. Strings are borrowed from the image. Out-of-range indexes give NULL.
 */
PODC_EXTERN const char *podc_image_id(const podc_image *img);               /* 64 hex digits */
/* RepoTags ("localhost/app:1"); an untagged image has none. */
PODC_EXTERN size_t podc_image_tag_count(const podc_image *img);
PODC_EXTERN const char *podc_image_tag_at(const podc_image *img, size_t i);
/* Size in bytes, or -1 when absent. */
PODC_EXTERN int64_t podc_image_size(const podc_image *img);
/* Creation time as podman gives it in inspect (RFC 3339, "2026-11-25T19:53:00.5458Z");
 * NULL for list entries. */
PODC_EXTERN const char *podc_image_created(const podc_image *img);
/* Creation time in unix seconds (list: as given; inspect: parsed), or -1 when unknown. */
PODC_EXTERN int64_t podc_image_created_unix(const podc_image *img);
/* Labels as key/value pairs, and lookup by key (NULL when absent). */
PODC_EXTERN size_t podc_image_label_count(const podc_image *img);
PODC_EXTERN const char *podc_image_label_key_at(const podc_image *img, size_t i);
PODC_EXTERN const char *podc_image_label_value_at(const podc_image *img, size_t i);
PODC_EXTERN const char *podc_image_label(const podc_image *img, const char *key);
/* Config.ExposedPorts keys, e.g. "8080/tcp" (inspect only). */
PODC_EXTERN size_t podc_image_exposed_port_count(const podc_image *img);
PODC_EXTERN const char *podc_image_exposed_port_at(const podc_image *img, size_t i);
/* Config.Entrypoint and Config.Cmd elements (inspect only). */
PODC_EXTERN size_t podc_image_entrypoint_count(const podc_image *img);
PODC_EXTERN const char *podc_image_entrypoint_at(const podc_image *img, size_t i);
PODC_EXTERN size_t podc_image_cmd_count(const podc_image *img);
PODC_EXTERN const char *podc_image_cmd_at(const podc_image *img, size_t i);
/* The image object as JSON text, for fields without an accessor. Borrowed. */
PODC_EXTERN const char *podc_image_json(const podc_image *img);
/* Frees an inspect result. NULL is fine. Never call it on a list entry. */
PODC_EXTERN void podc_image_free(podc_image *img);

/* ------------------------------------------------------------------------------------------ */
/* List                                                                                         */

typedef struct podc_image_list podc_image_list;

/*
 * GET /libpod/images/json. filters may be NULL; keys podman 4.3 honours include
 * "reference" ("localhost/app", "app:1", "localhost/app*"), "label" ("k=v" or "k") and
 * "dangling" ("true"/"false"). Several "label" values are ANDed (podman 4.3 mangles several
 * values of one key, so the first goes to the server and the rest are checked by podc);
 * several values of any other key give PODC_EINVAL (nothing sent). An unknown key fails with
 * the server's error. *out is new; free with podc_image_list_free().
 */
PODC_EXTERN int podc_image_list_get(podc_client *c, const podc_filters *filters, podc_image_list **out,
                                    podc_error **err);
PODC_EXTERN size_t podc_image_list_count(const podc_image_list *l);
/* Entry i, borrowed from the list (valid until podc_image_list_free()); NULL out of range. */
PODC_EXTERN const podc_image *podc_image_list_at(const podc_image_list *l, size_t i);
PODC_EXTERN void podc_image_list_free(podc_image_list *l);

/* ------------------------------------------------------------------------------------------ */
/* Tag, remove                                                                                  */

/*
 * POST /libpod/images/{ref}/tag: adds the name repo:tag (tag NULL = "latest"). A repo without
 * a domain becomes localhost/<repo>. Errors: PODC_EINVAL (invalid repo or tag, nothing sent),
 * PODC_ENOTFOUND.
 */
PODC_EXTERN int podc_image_tag(podc_client *c, const char *ref, const char *repo, const char *tag,
                               podc_error **err);

/* Flags for podc_image_remove(). */
#define PODC_IMAGE_REMOVE_FORCE 0x1u /* also remove containers using the image, running ones included */

/*
 * DELETE /libpod/images/{ref}. A ref naming one of several tags only untags it; the image goes
 * when its last name does. Without PODC_IMAGE_REMOVE_FORCE an image used by a container fails
 * with PODC_ECONFLICT; with it podman removes those containers too (waiting their stop timeout
 * for running ones). Errors: PODC_ENOTFOUND, PODC_ECONFLICT, PODC_EINVAL.
 */
PODC_EXTERN int podc_image_remove(podc_client *c, const char *ref, unsigned int flags, podc_error **err);

/* ------------------------------------------------------------------------------------------ */
/* Import a root filesystem tar                                                                  */

/*
 * Supplies the next bytes of a streamed request body: copy up to cap bytes into buf and return
 * how many; return 0 at the end, or a negative value to abort (the call then returns
 * PODC_ECANCELLED). Called on the calling thread, during the call only.
 */
typedef int64_t (*podc_image_read_cb)(char *buf, size_t cap, void *userdata);

typedef struct podc_image_import_options podc_image_import_options;

/* New empty options (no name, no changes, no timeout), or NULL on OOM. */
PODC_EXTERN podc_image_import_options *podc_image_import_options_new(void);
/* Name for the new image, e.g. "localhost/rootfs:1" (checked by podc_image_import*). */
PODC_EXTERN int podc_image_import_options_set_reference(podc_image_import_options *o, const char *ref);
/* A Containerfile instruction applied to the image, e.g. "CMD [\"/bin/sh\"]", "ENV A=b".
 * Repeatable. */
PODC_EXTERN int podc_image_import_options_add_change(podc_image_import_options *o, const char *change);
/* Commit message (the image's Comment). */
PODC_EXTERN int podc_image_import_options_set_message(podc_image_import_options *o, const char *message);
/* Whole-call timeout; 0 (the default) = none: a large upload takes as long as it takes. */
PODC_EXTERN int podc_image_import_options_set_timeout(podc_image_import_options *o, int64_t timeout_ms);
/* The setters return 0, PODC_EINVAL (NULL argument) or PODC_ENOMEM. */
PODC_EXTERN void podc_image_import_options_free(podc_image_import_options *o);

/*
 * POST /libpod/images/import: creates an image from a root filesystem tar (plain or gzip)
 * streamed from `read` (chunked upload; the tar is never held in memory). opts may be NULL
 * (an untagged image). On success *out_id is the new image ID (64 hex; free with podc_free()).
 * Errors: PODC_EINVAL (bad reference, nothing sent), PODC_ECANCELLED (read returned < 0),
 * PODC_ESERVER (not a tar), transport, timeout.
 */
PODC_EXTERN int podc_image_import(podc_client *c, const podc_image_import_options *opts, podc_image_read_cb read,
                                  void *userdata, char **out_id, podc_error **err);
/* Same, reading the tar from a file. PODC_EINVAL (detail "file") when it cannot be opened. */
PODC_EXTERN int podc_image_import_file(podc_client *c, const podc_image_import_options *opts, const char *tar_path,
                                       char **out_id, podc_error **err);

/* ------------------------------------------------------------------------------------------ */
/* Build                                                                                        */

typedef struct podc_build_options podc_build_options;

/* New default options: no tags, default containerfile, pull base images when missing, no
 * progress callback, no timeout. NULL on OOM. */
PODC_EXTERN podc_build_options *podc_build_options_new(void);
/* Adds a name for the result, e.g. "localhost/app:1" or "app" (= localhost/app:latest).
 * Repeatable. */
PODC_EXTERN int podc_build_options_add_tag(podc_build_options *o, const char *tag);
/*
 * The Containerfile to use. A relative path is relative to the context directory; an absolute
 * path may lie inside or outside the context (one outside is sent in the context tar under a
 * generated name). Default: "Containerfile", else "Dockerfile", in the context directory.
 */
PODC_EXTERN int podc_build_options_set_containerfile(podc_build_options *o, const char *path);
/* ARG values (--build-arg key=value). Repeating a key replaces its value. */
PODC_EXTERN int podc_build_options_add_build_arg(podc_build_options *o, const char *key, const char *value);
/* Labels added to the result (--label key=value). Repeating a key replaces its value. */
PODC_EXTERN int podc_build_options_add_label(podc_build_options *o, const char *key, const char *value);
/* Build up to this stage of a multi-stage Containerfile (--target). */
PODC_EXTERN int podc_build_options_set_target(podc_build_options *o, const char *stage);
/* Do not use cached layers (--no-cache). */
PODC_EXTERN int podc_build_options_set_no_cache(podc_build_options *o, int no_cache);
/* Never pull base images; a missing one fails the build (--pull=never). */
PODC_EXTERN int podc_build_options_set_pull_never(podc_build_options *o, int pull_never);
/*
 * Progress: cb receives every line of build output (the `stream` text: STEP lines, RUN output,
 * the final image ID), one call per line, without the '\n' (data is also NUL-terminated).
 * Return non-zero to stop the build: podc_image_build() then returns PODC_ECANCELLED.
 */
PODC_EXTERN int podc_build_options_set_progress(podc_build_options *o, podc_data_cb cb, void *userdata);
/* Whole-build timeout; 0 (the default) = none. */
PODC_EXTERN int podc_build_options_set_timeout(podc_build_options *o, int64_t timeout_ms);
/* The setters store their arguments (copied) and return 0, PODC_EINVAL (NULL argument) or
 * PODC_ENOMEM; the values are checked by podc_image_build(). */
PODC_EXTERN void podc_build_options_free(podc_build_options *o);

/*
 * POST /libpod/build: builds an image from context_dir (opts may be NULL for defaults).
 *
 * The context tar is made and streamed by the library (libarchive; chunked upload, never held
 * in memory): regular files, directories and symlinks (not followed), owner 0:0, no xattrs;
 * sockets, fifos and devices are skipped. A .containerignore (else .dockerignore) in the
 * context root excludes paths with Docker's rules: filepath.Match patterns (`*`, `?`, `[...]`,
 * `\` escapes) plus `**` for any number of directories, `!` exceptions, later lines win,
 * patterns are relative to the context root, a matched directory excludes its contents unless
 * an exception re-includes something below it. The Containerfile and the ignore file are
 * always sent.
 *
 * Checked before anything is sent (PODC_EINVAL, detail "field"): context_dir is a directory,
 * the containerfile exists, tags are valid image names, build-arg and label keys are non-empty
 * without '=', the ignore file parses.
 *
 * On success *out_id is the image ID (64 hex; free with podc_free()).
 * A failing build (podman answers 200 and reports the error in the stream) returns PODC_EBUILD:
 * podc_error_message() carries podman's error ("building at STEP \"RUN ...\": ... exit status
 * 3") and podc_error_log_tail() the last 20 output lines, i.e. the failing step's output.
 * Other errors: PODC_EINVAL (also the server's 400s), PODC_ECANCELLED (progress callback or
 * podc_client_cancel()), PODC_ETIMEOUT, transport, PODC_EPROTOCOL (no image ID at the end).
 */
PODC_EXTERN int podc_image_build(podc_client *c, const char *context_dir, const podc_build_options *opts,
                                 char **out_id, podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
