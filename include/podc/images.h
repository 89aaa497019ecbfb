/*
 * podc/images.h - images: exists, inspect, list, tag, remove, import, pull from and push to
 * registries, and build from a context directory.
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

typedef struct podc_image_import_options podc_image_import_options;

/* New empty options (no name, no changes, no timeout), or NULL on OOM. */
PODC_EXTERN podc_image_import_options *podc_image_import_options_new(void);
/* Name for the new image, e.g. "localhost/rootfs:1" (checked by podc_image_import*). */
PODC_EXTERN int podc_image_import_options_set_reference(podc_image_import_options *o, const char *ref,
                                                        podc_error **err);
/* A Containerfile instruction applied to the image, e.g. "CMD [\"/bin/sh\"]", "ENV A=b".
 * Repeatable. */
PODC_EXTERN int podc_image_import_options_add_change(podc_image_import_options *o, const char *change,
                                                     podc_error **err);
/* Commit message (the image's Comment). */
PODC_EXTERN int podc_image_import_options_set_message(podc_image_import_options *o, const char *message,
                                                      podc_error **err);
/* Whole-call timeout; 0 (the default) = none: a large upload takes as long as it takes. */
PODC_EXTERN int podc_image_import_options_set_timeout(podc_image_import_options *o, int64_t timeout_ms,
                                                      podc_error **err);
/* The setters return 0, PODC_EINVAL (NULL argument) or PODC_ENOMEM. */
PODC_EXTERN void podc_image_import_options_free(podc_image_import_options *o);

/*
 * POST /libpod/images/import: creates an image from a root filesystem tar (plain or gzip)
 * streamed from `read` (chunked upload; the tar is never held in memory). opts may be NULL
 * (an untagged image). On success *out_id is the new image ID (64 hex; free with podc_free()).
 * Errors: PODC_EINVAL (bad reference, nothing sent), PODC_ECANCELLED (read returned < 0),
 * PODC_ESERVER (not a tar), transport, timeout.
 */
PODC_EXTERN int podc_image_import(podc_client *c, const podc_image_import_options *opts, podc_read_cb read,
                                  void *userdata, char **out_id, podc_error **err);
/* Same, reading the tar from a file. PODC_EINVAL (detail "file") when it cannot be opened. */
PODC_EXTERN int podc_image_import_file(podc_client *c, const podc_image_import_options *opts, const char *tar_path,
                                       char **out_id, podc_error **err);

/* ------------------------------------------------------------------------------------------ */
/* Pull and push: images from and to registries                                                  */

/* When podc_image_pull() fetches. The values are part of the ABI. */
typedef enum podc_image_pull_policy {
    PODC_IMAGE_PULL_MISSING = 0, /* only when no local image has the name (the default) */
    PODC_IMAGE_PULL_ALWAYS = 1,  /* every time */
    PODC_IMAGE_PULL_NEWER = 2,   /* when the registry's image differs from the local one */
    PODC_IMAGE_PULL_NEVER = 3    /* never: a missing image is PODC_ENOTFOUND */
} podc_image_pull_policy;

/* "missing", "always", "newer", "never" -> *out; 0 or PODC_EINVAL. */
PODC_EXTERN int podc_image_pull_policy_from_name(const char *name, podc_image_pull_policy *out);
/* The name of a policy ("missing"...), or NULL for an unknown value. Static. */
PODC_EXTERN const char *podc_image_pull_policy_name(podc_image_pull_policy policy);

typedef struct podc_image_pull_options podc_image_pull_options;

/* Flags for podc_image_pull_options_set_flags(). */
#define PODC_IMAGE_PULL_TLS_NO_VERIFY 0x1u /* plain HTTP or unverified TLS (--tls-verify=false) */
#define PODC_IMAGE_PULL_QUIET 0x2u         /* ask podman for no progress lines */

/*
 * New default options, used by pull and push alike: policy missing, TLS verified, credentials
 * found the way podman finds them (below), 3 tries with a back-off of 1 s then 2 s for
 * transient failures, no progress callback, no timeout. NULL on OOM.
 */
PODC_EXTERN podc_image_pull_options *podc_image_pull_options_new(void);
PODC_EXTERN int podc_image_pull_options_set_policy(podc_image_pull_options *o, podc_image_pull_policy policy,
                                                   podc_error **err);
/* PODC_IMAGE_PULL_* flags; replaces the flags set before. */
PODC_EXTERN int podc_image_pull_options_set_flags(podc_image_pull_options *o, unsigned int flags, podc_error **err);
/*
 * Explicit credentials for the image's registry: user and password. They replace any found in
 * auth files. Sent to podman in the X-Registry-Auth header only; never part of an error, a
 * progress line or JSON output. The options keep a copy and wipe it when freed.
 */
PODC_EXTERN int podc_image_pull_options_set_credentials(podc_image_pull_options *o, const char *user,
                                                        const char *password, podc_error **err);
/* An identity (OAuth refresh) token instead of a password. */
PODC_EXTERN int podc_image_pull_options_set_identity_token(podc_image_pull_options *o, const char *token,
                                                           podc_error **err);
/*
 * Read credentials from this auth file only (podman's --authfile; auth.json or Docker's
 * config.json format). Without it (and without explicit credentials) the first of these that
 * has an entry for the registry is used, as podman does: $REGISTRY_AUTH_FILE,
 * $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json, ~/.docker/config.json.
 * An entry is `auths` with a base64 "user:password" `auth` (or an `identitytoken`); keys may be
 * a registry ("127.0.0.1:5000"), a repository ("quay.io/team") or a URL
 * ("https://index.docker.io/v1/"), and the most specific match wins. A `credHelpers` entry for
 * the registry is refused (PODC_EUNSUPPORTED naming the helper and the file: podc runs no
 * programs); a global `credsStore` is named in the error when the registry then refuses access.
 * For a short name ("redis:7") whose registry only the service knows, every `auths` entry of the
 * file is sent, as podman does.
 */
PODC_EXTERN int podc_image_pull_options_set_authfile(podc_image_pull_options *o, const char *path, podc_error **err);
/* The platform to pull for a multi-arch image (os "linux", arch "arm64", variant "v8" or NULL);
 * default: the service's own. Pull only. */
PODC_EXTERN int podc_image_pull_options_set_platform(podc_image_pull_options *o, const char *os, const char *arch,
                                                     const char *variant, podc_error **err);
/*
 * Retry budget for transient failures (registry unreachable, connection reset, HTTP 5xx, TLS
 * handshake and i/o timeouts): up to `tries` attempts in all (1 = no retry, at most 10), the
 * first wait backoff_ms, doubling after each try. Authentication failures, missing images and
 * invalid input are never retried. podc_client_cancel() wakes the wait.
 */
PODC_EXTERN int podc_image_pull_options_set_retries(podc_image_pull_options *o, int tries, int64_t backoff_ms,
                                                    podc_error **err);
/*
 * Progress: cb receives podman's progress lines, one call per line without the '\n' ("Trying to
 * pull docker.io/library/redis:7-alpine...", "Copying blob sha256:...", "Writing manifest to image
 * destination"), plus one line of podc's own before each retry ("retrying in 1000 ms (try 2 of 3):
 * ..."). Called on the calling thread. Non-zero stops the call: it returns PODC_ECANCELLED.
 */
PODC_EXTERN int podc_image_pull_options_set_progress(podc_image_pull_options *o, podc_data_cb cb, void *userdata,
                                                     podc_error **err);
/* Timeout of each try; 0 (the default) = none: a large image takes as long as it takes. */
PODC_EXTERN int podc_image_pull_options_set_timeout(podc_image_pull_options *o, int64_t timeout_ms, podc_error **err);
/* Setters return 0, PODC_EINVAL (NULL options, an unknown policy or flag, an empty user,
 * tries outside 1..10, a negative time) or PODC_ENOMEM. */
PODC_EXTERN void podc_image_pull_options_free(podc_image_pull_options *o);

/*
 * POST /libpod/images/pull: fetches ref ("docker.io/library/redis:7-alpine", "redis:7-alpine":
 * a short name is resolved by the service's registries.conf, "127.0.0.1:5000/app@sha256:...")
 * as opts say (NULL = defaults). On success *out_id (may be NULL) is the image ID (64 hex; free
 * with podc_free()).
 * Checked before anything is sent: the reference's syntax (PODC_EINVAL, field "ref"), the auth
 * file (PODC_EINVAL, detail "file", when it is unreadable or not JSON).
 * Errors, from podman's in-band error line (the reply is HTTP 200 either way):
 *   PODC_EAUTH      wrong or missing credentials (detail "registry")
 *   PODC_ENOTFOUND  no such repository or tag at the registry; policy never and no local image
 *   PODC_ETRANSPORT the registry is unreachable after every try (the message names the registry
 *                   and the number of tries; detail "registry")
 *   PODC_EINVAL     TLS mismatch (the message says to turn verification off for a plain-HTTP
 *                   registry), a reference the service refuses
 *   PODC_EUNSUPPORTED a credential helper entry (detail "file")
 *   PODC_ESERVER    anything else podman reports; PODC_ECANCELLED, PODC_ETIMEOUT as usual.
 */
PODC_EXTERN int podc_image_pull(podc_client *c, const char *ref, const podc_image_pull_options *opts, char **out_id,
                                podc_error **err);

/*
 * POST /libpod/images/{ref}/push: uploads the local image ref to destination (a full
 * reference such as "127.0.0.1:5000/team/app:1"; NULL = ref itself), with the credentials,
 * TLS flag, retries and progress of opts (policy and platform do not apply). On success
 * *out_digest (may be NULL) is the manifest digest the registry stored ("sha256:...") when
 * podman reports it, else NULL. Errors as for pull, and PODC_ENOTFOUND for a missing local image.
 */
PODC_EXTERN int podc_image_push(podc_client *c, const char *ref, const char *destination,
                                const podc_image_pull_options *opts, char **out_digest, podc_error **err);

/* The image's digest ("sha256:..."): the manifest digest of a pulled image, or NULL. Inspect
 * results and list entries alike. */
PODC_EXTERN const char *podc_image_digest(const podc_image *img);

/* ------------------------------------------------------------------------------------------ */
/* Build                                                                                        */

typedef struct podc_image_build_options podc_image_build_options;

/* New default options: no tags, default containerfile, pull base images when missing, no
 * progress callback, no timeout. NULL on OOM. */
PODC_EXTERN podc_image_build_options *podc_image_build_options_new(void);
/* Adds a name for the result, e.g. "localhost/app:1" or "app" (= localhost/app:latest).
 * Repeatable. */
PODC_EXTERN int podc_image_build_options_add_tag(podc_image_build_options *o, const char *tag, podc_error **err);
/*
 * The Containerfile to use. A relative path is relative to the context directory; an absolute
 * path may lie inside or outside the context (one outside is sent in the context tar under a
 * generated name). Default: "Containerfile", else "Dockerfile", in the context directory.
 */
PODC_EXTERN int podc_image_build_options_set_containerfile(podc_image_build_options *o, const char *path,
                                                           podc_error **err);
/* ARG values (--build-arg key=value). Repeating a key replaces its value. */
PODC_EXTERN int podc_image_build_options_add_build_arg(podc_image_build_options *o, const char *key, const char *value,
                                                       podc_error **err);
/* Labels added to the result (--label key=value). Repeating a key replaces its value. */
PODC_EXTERN int podc_image_build_options_add_label(podc_image_build_options *o, const char *key, const char *value,
                                                   podc_error **err);
/* Build up to this stage of a multi-stage Containerfile (--target). */
PODC_EXTERN int podc_image_build_options_set_target(podc_image_build_options *o, const char *stage, podc_error **err);
/* Do not use cached layers (--no-cache). */
PODC_EXTERN int podc_image_build_options_set_no_cache(podc_image_build_options *o, int no_cache, podc_error **err);
/* Never pull base images; a missing one fails the build (--pull=never). Same as
 * podc_image_build_options_set_pull_policy(o, PODC_IMAGE_PULL_NEVER); 0 restores the default. */
PODC_EXTERN int podc_image_build_options_set_pull_never(podc_image_build_options *o, int pull_never, podc_error **err);
/* When base images are pulled (--pull=POLICY): default missing; through the service's
 * registries.conf, like every pull. */
PODC_EXTERN int podc_image_build_options_set_pull_policy(podc_image_build_options *o, podc_image_pull_policy policy,
                                                         podc_error **err);
/*
 * Progress: cb receives every line of build output (the `stream` text: STEP lines, RUN output,
 * the final image ID), one call per line, without the '\n' (data is also NUL-terminated).
 * Return non-zero to stop the build: podc_image_build() then returns PODC_ECANCELLED.
 */
PODC_EXTERN int podc_image_build_options_set_progress(podc_image_build_options *o, podc_data_cb cb, void *userdata,
                                                      podc_error **err);
/* Whole-build timeout; 0 (the default) = none. */
PODC_EXTERN int podc_image_build_options_set_timeout(podc_image_build_options *o, int64_t timeout_ms, podc_error **err);
/* The setters store their arguments (copied) and return 0, PODC_EINVAL (NULL argument) or
 * PODC_ENOMEM; the values are checked by podc_image_build(). */
PODC_EXTERN void podc_image_build_options_free(podc_image_build_options *o);

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
PODC_EXTERN int podc_image_build(podc_client *c, const char *context_dir, const podc_image_build_options *opts,
                                 char **out_id, podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
