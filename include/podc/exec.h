/*
 * podc/exec.h - running a command inside a running container and getting its exit code,
 * stdout and stderr.
 *
 * How: POST /libpod/containers/{name}/exec creates a session, an attached
 * POST /libpod/exec/{id}/start runs it and streams its output until it exits, and
 * GET /libpod/exec/{id}/json gives the exit code. The attached start takes over its
 * connection, so it runs on a connection of its own: the client's keep-alive connection is
 * left alone and reused by the next call. (Detached exec is not offered: podman 4.3 never
 * reports its exit code.)
 *
 * Thread-safety: as for the client the call runs on; podc_client_cancel() stops a run from
 * another thread.
 */
#ifndef PODC_EXEC_H
#define PODC_EXEC_H

#include "client.h"
#include "logs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct podc_exec_options podc_exec_options;

/* New options with the defaults: no extra env, the container's workdir and user, no timeout,
 * no TTY. NULL on OOM. Free with podc_exec_options_free(). */
PODC_EXTERN podc_exec_options *podc_exec_options_new(void);
/* Adds KEY=VALUE to the environment (on top of the container's). Errors: PODC_EINVAL (empty
 * key or one containing '=', NULL value; detail "field" = "env"), PODC_ENOMEM. */
PODC_EXTERN int podc_exec_options_add_env(podc_exec_options *o, const char *key, const char *value,
                                          podc_error **err);
/* Working directory (must exist in the container), or NULL for the container's. */
PODC_EXTERN int podc_exec_options_set_workdir(podc_exec_options *o, const char *dir, podc_error **err);
/* User as podman takes it ("1000", "1000:1000", "nobody"), or NULL for the container's. */
PODC_EXTERN int podc_exec_options_set_user(podc_exec_options *o, const char *user, podc_error **err);
/*
 * Limit for the whole run in ms; 0 (default) or -1 = none. When it expires the call returns
 * PODC_ETIMEOUT, but the process may keep running inside the container: podman offers no
 * way to stop an exec session, so stop or restart the container if that matters. 0, or
 * PODC_EINVAL (NULL options, below -1).
 */
PODC_EXTERN int podc_exec_options_set_timeout(podc_exec_options *o, int64_t timeout_ms, podc_error **err);
/* Allocate a pseudo-terminal (default 0). With a TTY the output is not split: everything,
 * stderr included, arrives as stdout, with "\r\n" line ends. */
PODC_EXTERN int podc_exec_options_set_tty(podc_exec_options *o, int tty, podc_error **err);
PODC_EXTERN void podc_exec_options_free(podc_exec_options *o);

/*
 * Runs argv (NULL-terminated, at least one element) in the running container and streams its
 * output to cb as it comes (cb may be NULL to discard it). opts may be NULL (defaults).
 * *exit_code (may be NULL) receives the command's exit status on success; a command
 * that cannot be started typically gives 126/127 (not found) here, as in a shell.
 * Returns 0 whenever the command ran to completion, whatever its exit code.
 * Errors: PODC_EINVAL (bad name, empty argv, bad options: nothing sent),
 * PODC_ENOTFOUND (no such container), PODC_ECONFLICT (the container is not running; podman's
 * cause "container state improper"), PODC_ESERVER (podman could not start the command, e.g.
 * an unknown user), PODC_ETIMEOUT (see podc_exec_options_set_timeout), PODC_ECANCELLED
 * (cb returned non-zero or podc_client_cancel()), PODC_EPROTOCOL, transport errors.
 */
PODC_EXTERN int podc_exec_stream(podc_client *c, const char *container, const char *const *argv,
                                 const podc_exec_options *opts, podc_output_cb cb, void *userdata,
                                 int *exit_code, podc_error **err);

typedef struct podc_exec_result podc_exec_result;

/*
 * Runs argv like podc_exec_stream() and collects the output. *out is new; free it with
 * podc_exec_result_free(). Errors as for podc_exec_stream().
 */
PODC_EXTERN int podc_exec_run(podc_client *c, const char *container, const char *const *argv,
                              const podc_exec_options *opts, podc_exec_result **out, podc_error **err);
PODC_EXTERN int podc_exec_result_exit_code(const podc_exec_result *r);
/* Output texts: borrowed, NUL-terminated, never NULL (use the _len forms for binary output). */
PODC_EXTERN const char *podc_exec_result_stdout(const podc_exec_result *r);
PODC_EXTERN const char *podc_exec_result_stderr(const podc_exec_result *r);
PODC_EXTERN size_t podc_exec_result_stdout_len(const podc_exec_result *r);
PODC_EXTERN size_t podc_exec_result_stderr_len(const podc_exec_result *r);
PODC_EXTERN void podc_exec_result_free(podc_exec_result *r);

#ifdef __cplusplus
}
#endif
#endif
