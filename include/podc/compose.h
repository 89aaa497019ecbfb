/*
 * podc/compose.h - compose files read into a stack (podc/stack.h), so they run as they are.
 *
 * The part of the Compose Specification test stacks use:
 *   services.<name>: image; build (a context string, or context, dockerfile, args);
 *     container_name; command and entrypoint (a string, split like a shell does without
 *     running one, or a list); environment (a mapping or "K=V" / "K" list: a bare K takes the
 *     value from the environment); env_file (one or a list, relative to the file's folder);
 *     ports ("C", "H:C", "IP:H:C", ranges "H1-H2:C1-C2", "/tcp"); volumes ("./rel:/dst",
 *     "/abs:/dst:ro,z", "named:/dst", "/dst"); tmpfs; working_dir; user; labels;
 *     extra_hosts; healthcheck (test CMD / CMD-SHELL / NONE or a string, interval, timeout,
 *     retries, start_period, disable); depends_on (a list: started, or a mapping with
 *     condition service_started / service_healthy / service_completed_successfully);
 *     profiles.
 *   networks: the stack's one network (name:, driver bridge, external); services join it and
 *     find each other by service name.
 *   name: the project; x-* extensions anywhere; YAML anchors, aliases and merge keys (<<);
 *   ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR:+alt}, $VAR, $$ from the
 *   environment and a .env file next to the first file (the environment wins).
 * A service some other service waits for with service_completed_successfully is a job
 * (podc_stack_spec_add_member(..., PODC_STACK_JOB, ...)): it must exit 0.
 * Health checks are run by podc itself, as soon as the container starts and then at podc's
 * own pace (not every `interval`, which without systemd nothing would run); a service is
 * given max(60 s, start_period + retries x (interval + timeout)) to become healthy. A service
 * without one is healthy once it runs.
 * Keys that are not supported, or do nothing here (restart, deploy, ...), give one warning
 * each through the warning callback; with strict set they are an error instead.
 * Several files: mappings are merged key by key, later files winning; lists and values are
 * replaced.
 */
#ifndef PODC_COMPOSE_H
#define PODC_COMPOSE_H

#include "client.h"
#include "stack.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct podc_compose_options podc_compose_options;

/* Receives one warning, NUL-terminated, borrowed for the call. Thread: the one loading the
 * files (podc_compose_load()), before anything is sent. */
typedef void (*podc_compose_warning_cb)(const char *warning, void *userdata);

PODC_EXTERN podc_compose_options *podc_compose_options_new(void);
PODC_EXTERN void podc_compose_options_free(podc_compose_options *o);
/* A compose file (at least one; read in order). */
PODC_EXTERN int podc_compose_options_add_file(podc_compose_options *o, const char *path, podc_error **err);
/* The project: the stack's name and its containers' prefix. Default: the file's `name:`, else
 * its folder's name (lower case; characters other than [a-z0-9_-] dropped). */
PODC_EXTERN int podc_compose_options_set_project(podc_compose_options *o, const char *project, podc_error **err);
/* Services of this profile run too (services without profiles always run). */
PODC_EXTERN int podc_compose_options_add_profile(podc_compose_options *o, const char *profile, podc_error **err);
/* service's image is `image` instead: no build, no pull of the file's image (offline use). */
PODC_EXTERN int podc_compose_options_set_image(podc_compose_options *o, const char *service, const char *image,
                                               podc_error **err);
/* A variable for interpolation, above the environment and .env. */
PODC_EXTERN int podc_compose_options_set_variable(podc_compose_options *o, const char *name, const char *value,
                                                  podc_error **err);
/* Unsupported keys fail the load instead of warning (default 0). */
PODC_EXTERN int podc_compose_options_set_strict(podc_compose_options *o, int strict, podc_error **err);
PODC_EXTERN int podc_compose_options_set_warning_cb(podc_compose_options *o, podc_compose_warning_cb cb,
                                                    void *userdata, podc_error **err);

/*
 * Reads the files into *out (new; free with podc_stack_spec_free()), ready for
 * podc_stack_up() (set its session or progress first if wanted). Nothing is sent.
 * Errors: PODC_EFILE (a file, env_file or .env that cannot be read), PODC_EINVAL (YAML
 * syntax, a value of the wrong kind, an unknown depends_on target, a cycle, an unset
 * ${VAR:?}, an unsupported key with strict: the message names file, line and key path,
 * detail "field" the key path).
 */
PODC_EXTERN int podc_compose_load(const podc_compose_options *o, podc_stack_spec **out, podc_error **err);

#ifdef __cplusplus
}
#endif

#endif
