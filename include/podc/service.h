/*
 * podc/service.h - declarative services: a spec becomes a built, started, healthy container.
 *
 * podc_service_start() runs these steps, reporting each to the spec's progress callback:
 *   wait for dependencies -> build the image (when missing, or always when asked) -> ensure the
 *   network (created with DNS when missing) -> remove a stale container of the same name
 *   (running or not) -> create -> start -> wait until every health check passes.
 * If a step after create fails, the container is removed (unless keep-on-failure is set) and
 * so is the network when this call created it: a failed start leaves nothing behind.
 *
 * While waiting for health, a watcher thread with its own client inspects the container
 * (every 20 ms in the first second when it is the process's only watcher, every 50 ms when
 * three or more share podman's CPU, then backing off to 250 ms): if the container exits (or is
 * OOM-killed) the probe in flight is interrupted and the start ends with PODC_EHEALTH carrying
 * the container's name/id, exit code and last 50 log lines (podc_error_log_tail()), typically
 * 20-40 ms after the container's FinishedAt. (Podman's wait and its "died" event answer only
 * after podman's own exit handling, 0.2-0.5 s later, so they are not used for this.)
 *
 * Ownership labels: every container, network and image this module creates carries
 * `podc.session=<session>` and `podc.managed=true`. The session is the spec's, or by default
 * a random id made once per process (podc_service_default_session()).
 * podc_service_cleanup() removes everything of a session.
 *
 * Thread-safety: a spec is used from one thread at a time and may be freed after start
 * returns. podc_service_start() uses the caller's client from the calling thread plus one
 * client of its own for the watcher. Service handles are immutable and may be read from any
 * thread. Different clients may start services concurrently.
 */
#ifndef PODC_SERVICE_H
#define PODC_SERVICE_H

#include "client.h"
#include "containers.h"
#include "images.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Label keys put on everything this module creates. */
#define PODC_SERVICE_LABEL_SESSION "podc.session"
#define PODC_SERVICE_LABEL_MANAGED "podc.managed"

/*
 * Receives one progress line per step, e.g. "[  0.412s] web: started", NUL-terminated and
 * borrowed for the call. Return 0 to continue, non-zero to abort the start (it then cleans
 * up and returns PODC_ECANCELLED). Thread: the one that called podc_service_start() (or
 * _prepare / _start_prepared). In a stack (podc/stack.h) and the DataStorage stack, whose
 * members start on worker threads, it is called from those threads, but never two at once:
 * the library serialises the calls.
 */
typedef int (*podc_service_progress_cb)(const char *line, void *userdata);

/* ======================================================================================
 * Spec builder
 *
 * Setters copy their arguments and return 0, PODC_EINVAL (NULL spec or NULL required
 * argument, or an out-of-range number) or PODC_ENOMEM. The whole spec is checked by
 * podc_service_spec_validate(), which podc_service_start() runs before sending anything.
 * ====================================================================================== */

typedef struct podc_service_spec podc_service_spec;

/* New spec with the defaults: startup timeout 60000 ms, poll interval 50 ms backing off to
 * 250 ms after the first second, the default session, no checks. NULL on OOM. */
PODC_EXTERN podc_service_spec *podc_service_spec_new(void);
PODC_EXTERN void podc_service_spec_free(podc_service_spec *s);

/* Container name (required; [a-zA-Z0-9][a-zA-Z0-9_.-]*). */
PODC_EXTERN int podc_service_spec_set_name(podc_service_spec *s, const char *name, podc_error **err);
/* Image reference (required), e.g. "localhost/podc-httpsvc:test". With a build it is the tag
 * the build produces. */
PODC_EXTERN int podc_service_spec_set_image(podc_service_spec *s, const char *image, podc_error **err);
/*
 * Builds the image from context_dir (containerfile NULL = the context's Containerfile or
 * Dockerfile; a relative path is relative to the context) when the image is missing, or on
 * every start when always is non-zero. The result is tagged with the spec's image and labelled
 * with the session labels.
 */
PODC_EXTERN int podc_service_spec_set_build(podc_service_spec *s, const char *context_dir, const char *containerfile,
                                            int always, podc_error **err);
/*
 * How the image is fetched when the service does not build it (opts copied; NULL = the
 * defaults): policy missing pulls an absent image before anything is created, always/newer
 * pull every time, never only uses what is there. Credentials, TLS, retries as in
 * podc/images.h. The pull's progress lines reach the spec's progress callback as
 * "pulling REF: ..." (the options' own progress callback is not used). A "localhost/" image is never pulled (it is a local build).
 */
PODC_EXTERN int podc_service_spec_set_pull_options(podc_service_spec *s, const podc_image_pull_options *opts,
                                                   podc_error **err);
/* ARG value for the build; a repeated key replaces the value. */
PODC_EXTERN int podc_service_spec_add_build_arg(podc_service_spec *s, const char *key, const char *value,
                                                podc_error **err);
/* Publishes container_port (1-65535, tcp) on host_port (0 = a free port chosen by podman; read
 * it back with podc_service_host_port()). */
PODC_EXTERN int podc_service_spec_add_port(podc_service_spec *s, int container_port, int host_port, podc_error **err);
/* The same, bound to one host address only (host_ip "127.0.0.1": reachable from this machine
 * alone; NULL = every address). */
PODC_EXTERN int podc_service_spec_add_port_on(podc_service_spec *s, int container_port, int host_port,
                                              const char *host_ip, podc_error **err);
/* Working directory and user ("uid", "uid:gid", "name") of the process; NULL = the image's. */
PODC_EXTERN int podc_service_spec_set_workdir(podc_service_spec *s, const char *dir, podc_error **err);
PODC_EXTERN int podc_service_spec_set_user(podc_service_spec *s, const char *user, podc_error **err);
/* Environment variable; a repeated key replaces the value. */
PODC_EXTERN int podc_service_spec_add_env(podc_service_spec *s, const char *key, const char *value, podc_error **err);
/* Network to join, created (with DNS) when missing. NULL = podman's default network. */
PODC_EXTERN int podc_service_spec_set_network(podc_service_spec *s, const char *network, podc_error **err);
/* DNS alias on the spec's network (needs a network). */
PODC_EXTERN int podc_service_spec_add_network_alias(podc_service_spec *s, const char *alias, podc_error **err);
/* Named volume (NULL/"" = anonymous) at destination; options may be NULL when n_options is 0. */
PODC_EXTERN int podc_service_spec_add_volume(podc_service_spec *s, const char *name, const char *destination,
                                             const char *const *options, size_t n_options, podc_error **err);
/* A tmpfs at destination (options e.g. "size=256m", "mode=0700"); gone with the container. */
PODC_EXTERN int podc_service_spec_add_tmpfs(podc_service_spec *s, const char *destination, const char *const *options,
                                            size_t n_options, podc_error **err);
/* Bind mount of an ABSOLUTE host path. */
PODC_EXTERN int podc_service_spec_add_bind_mount(podc_service_spec *s, const char *source, const char *destination,
                                                 const char *const *options, size_t n_options, podc_error **err);
/* Label; a repeated key replaces the value. The podc.session / podc.managed keys are reserved. */
PODC_EXTERN int podc_service_spec_add_label(podc_service_spec *s, const char *key, const char *value, podc_error **err);
/* Command argv (argc >= 1), replacing the image's CMD. */
PODC_EXTERN int podc_service_spec_set_command(podc_service_spec *s, const char *const *argv, size_t argc,
                                              podc_error **err);
/* Entrypoint argv, replacing the image's; argc 0 clears it (the command then runs as is). */
PODC_EXTERN int podc_service_spec_set_entrypoint(podc_service_spec *s, const char *const *argv, size_t argc,
                                                 podc_error **err);
/* "hostname ip" line in /etc/hosts (see podc_container_spec_add_host()). */
PODC_EXTERN int podc_service_spec_add_host(podc_service_spec *s, const char *hostname, const char *ip,
                                           podc_error **err);
/*
 * A container (by name) that must be running and healthy before this one is created: its
 * podman health is "healthy" (or it has no podman health check), and no podc_service_start()
 * in this process is still waiting for it on the same podman service (same URI: a start of
 * that name on another service does not count). Waiting counts against the startup timeout.
 */
PODC_EXTERN int podc_service_spec_add_depends_on(podc_service_spec *s, const char *name, podc_error **err);
/* Total time for dependencies, build excluded, and health (default 60000 ms; > 0). */
PODC_EXTERN int podc_service_spec_set_startup_timeout(podc_service_spec *s, int64_t timeout_ms, podc_error **err);
/* Health poll interval: the first try runs right after start; the tries then wait initial_ms
 * (>= 1) between them for the first second (most services are healthy by then, and a short
 * interval keeps the time between "healthy" and noticing it low), then the wait grows by half
 * after each failed try up to max_ms (>= initial_ms). Default 50 -> 250. */
PODC_EXTERN int podc_service_spec_set_poll_interval(podc_service_spec *s, int64_t initial_ms, int64_t max_ms,
                                                    podc_error **err);
/* Memory limit of the container in bytes (0 = none, the default; < 0: PODC_EINVAL). A
 * container killed with code 137 while it had a limit is reported as OOM-killed (see
 * podc_service_start()). */
PODC_EXTERN int podc_service_spec_set_memory_limit(podc_service_spec *s, int64_t bytes, podc_error **err);
/*
 * The container spec the service spec holds (owned by it; NULL for a NULL spec): the setters
 * above for env, labels, command, entrypoint, workdir, user, mounts, hosts and the memory
 * limit write into it, and everything else a container supports (rlimits, hostname, stop
 * signal and timeout, ...) is set here with the podc_container_spec_*() setters. Name, image,
 * published ports and network are the service's own (its checks and URLs use them): set them
 * with the service setters; a name or image set here is replaced at start, ports and networks
 * set here are added to the service's.
 */
PODC_EXTERN podc_container_spec *podc_service_spec_container(podc_service_spec *s);
/* Keep the container after a failed start, for debugging (default 0: remove it). */
PODC_EXTERN int podc_service_spec_set_keep_on_failure(podc_service_spec *s, int keep, podc_error **err);
/* Session id for the ownership label ([a-zA-Z0-9_.-]+); NULL = podc_service_default_session(). */
PODC_EXTERN int podc_service_spec_set_session(podc_service_spec *s, const char *session, podc_error **err);
/* Progress callback (NULL = none). */
PODC_EXTERN int podc_service_spec_set_progress(podc_service_spec *s, podc_service_progress_cb cb, void *userdata,
                                               podc_error **err);

/* ---- health checks: the service is healthy once EVERY check has passed (each one passes
 * once, then is not retried). Without checks, "running" counts as healthy. ------------- */

/*
 * HTTP GET http://127.0.0.1:<host port of container_port><path> (the port must be published
 * with podc_service_spec_add_port()). Passes when the status equals expected_status (0 = 200)
 * and, when body_substring is not NULL, the body contains it. per_try_timeout_ms <= 0 = 1000.
 */
PODC_EXTERN int podc_service_spec_add_check_http(podc_service_spec *s, int container_port, const char *path,
                                                 int expected_status, const char *body_substring,
                                                 int64_t per_try_timeout_ms, podc_error **err);
/* TCP connect to 127.0.0.1:<host port of container_port> (published) succeeds. */
PODC_EXTERN int podc_service_spec_add_check_tcp(podc_service_spec *s, int container_port, podc_error **err);
/* TCP to the host port of container_port, then `send` is written and the reply (up to 255
 * bytes) must contain `expect` within per_try_timeout_ms (<= 0 = 1000): a protocol's own
 * liveness question answered from here, with no process in the container ("PING\r\n" ->
 * "+PONG" for Redis). */
PODC_EXTERN int podc_service_spec_add_check_tcp_exchange(podc_service_spec *s, int container_port, const char *send,
                                                         const char *expect, int64_t per_try_timeout_ms,
                                                         podc_error **err);
/* argv run in the container exits 0 and, when stdout_substring is not NULL, its stdout
 * contains it. per_try_timeout_ms <= 0 = 5000. */
PODC_EXTERN int podc_service_spec_add_check_exec(podc_service_spec *s, const char *const *argv, size_t argc,
                                                 const char *stdout_substring, int64_t per_try_timeout_ms,
                                                 podc_error **err);
/* A line of the container's output (stdout or stderr) matches the POSIX extended regular
 * expression `regex` at least `times` (>= 1) times. Each poll reads only the output since the
 * previous one (podman's `since`, from the last record's second on; records already counted
 * are skipped), so long logs are not read again and again. Lines are matched on their first
 * 4 KiB. */
PODC_EXTERN int podc_service_spec_add_check_log(podc_service_spec *s, const char *regex, int times, podc_error **err);
/*
 * Podman's own health check: each poll runs it once (podman cannot schedule it without
 * systemd) and then reads the aggregated health, which must be "healthy". shell_command
 * defines the check (run by /bin/sh -c in the container); NULL uses the image's HEALTHCHECK.
 * A container without any health check fails the start at once (PODC_EINVAL, field "checks").
 */
PODC_EXTERN int podc_service_spec_add_check_podman(podc_service_spec *s, const char *shell_command, podc_error **err);

/* Checks the whole spec (name, image, ports, checks, regexes, ...): 0 or PODC_EINVAL with
 * detail "field". Nothing is sent. */
PODC_EXTERN int podc_service_spec_validate(const podc_service_spec *s, podc_error **err);

/* ======================================================================================
 * Start and the service handle
 * ====================================================================================== */

typedef struct podc_service podc_service;

/*
 * Starts the service as described at the top. *out (new; free with podc_service_free()) is
 * written on success only.
 * Errors: PODC_EINVAL (spec invalid, nothing sent; or a podman check on a container without
 * a health check), PODC_EBUILD (the build failed),
 * PODC_EHEALTH (the container exited / was OOM-killed while waiting, or was not healthy
 * within the startup timeout, or a dependency did not become healthy: the error carries the
 * container, exit code when known, the last check's failure reason and the log tail).
 * OOM: the message says "was OOM-killed" and detail "oom_killed" is "true" when podman
 * reports OOMKilled; podman 4.3 with conmon on cgroups v1 often does not (conmon misses the
 * event), so a container that had a memory limit and died by SIGKILL (code 137) without this
 * module killing it is reported as "was OOM-killed (presumably: ...)" with detail
 * "oom_killed" = "presumed", and detail "memory_limit" = the limit in bytes.
 * PODC_ECANCELLED (the progress callback returned non-zero), and
 * the errors of the underlying calls (create, start, ...).
 */
PODC_EXTERN int podc_service_start(podc_client *c, const podc_service_spec *spec, podc_service **out,
                                   podc_error **err);

/*
 * The start in two halves, so a service can be made ready to run while something it must wait
 * for is still starting (the DataStorage stack prepares DataStorage while Postgres starts):
 *
 * podc_service_prepare() runs every step up to the process itself: dependencies, build,
 * network, stale container, create, then podman's init (network namespace, published ports,
 * mounts, the runtime's container). The process does not run yet. *out (new) is a handle
 * whose host ports are already known; free it with podc_service_free() as usual.
 * podc_service_start_prepared() then starts the process and waits for health as
 * podc_service_start() does (same errors, same fail-fast watcher), with spec the same spec
 * (kept alive by the caller in between). On success the handle is updated in place (IP,
 * startup time counted from this call); on failure the container is removed (unless
 * keep-on-failure) and so is the network if prepare created it, and the handle can no longer
 * be started. A prepared service that is never started is removed like any other container
 * (podc_service_stop(), podc_service_cleanup()).
 * Errors of start_prepared besides those of start: PODC_EINVAL when svc was not made by
 * podc_service_prepare() for a spec of this name, or was already started.
 */
PODC_EXTERN int podc_service_prepare(podc_client *c, const podc_service_spec *spec, podc_service **out,
                                     podc_error **err);
PODC_EXTERN int podc_service_start_prepared(podc_client *c, const podc_service_spec *spec, podc_service *svc,
                                            podc_error **err);

/* Accessors; strings are borrowed from the handle. */
PODC_EXTERN const char *podc_service_name(const podc_service *svc);
PODC_EXTERN const char *podc_service_id(const podc_service *svc);
/* Network the service joined (NULL = podman's default), and its IP address there (NULL when
 * unknown). */
PODC_EXTERN const char *podc_service_network(const podc_service *svc);
PODC_EXTERN const char *podc_service_ip(const podc_service *svc);
PODC_EXTERN const char *podc_service_session(const podc_service *svc);
/* Host port published for container_port (tcp), or -1. */
PODC_EXTERN int podc_service_host_port(const podc_service *svc, int container_port);
/* Where the published ports are reached from here: "127.0.0.1" on a local podman, the remote
 * host (podc_client_host()) on tcp:// and ssh://. Health checks use it too. */
PODC_EXTERN const char *podc_service_host(const podc_service *svc);
/* "http://<host>:<host port><path>" (path NULL = ""; a missing leading '/' is added).
 * *out is new (free with podc_free()). Errors: PODC_ENOTFOUND (port not published), PODC_EINVAL. */
PODC_EXTERN int podc_service_url(const podc_service *svc, int container_port, const char *path, char **out);
/* Time from the start call until healthy, in ms. */
PODC_EXTERN int64_t podc_service_startup_ms(const podc_service *svc);
/* Frees the handle only (the container keeps running). NULL is fine. */
PODC_EXTERN void podc_service_free(podc_service *svc);

/* ======================================================================================
 * Stop and cleanup
 * ====================================================================================== */

/*
 * Stops the container (SIGKILL after timeout_ms; < 0 = 2000) and removes it. A container
 * that is already gone is success. The handle stays valid (free it yourself). Networks are
 * left alone (they may be shared): podc_service_cleanup() removes them.
 */
PODC_EXTERN int podc_service_stop(podc_client *c, const podc_service *svc, int64_t timeout_ms, podc_error **err);

/*
 * Stops several services side by side: one thread and one client (on c's socket) each; c
 * itself is only read. Every service is attempted; the first failure is returned.
 */
PODC_EXTERN int podc_service_stop_many(podc_client *c, const podc_service *const *svcs, size_t n,
                                       int64_t timeout_ms, podc_error **err);

/*
 * Removes everything labelled podc.session=<session> (NULL = podc_service_default_session()):
 * containers first (forced), then networks, then images. *n_removed (may be NULL) counts
 * removed objects. Every object is attempted; the first failure is returned.
 */
PODC_EXTERN int podc_service_cleanup(podc_client *c, const char *session, size_t *n_removed, podc_error **err);
/* Same with any label filter: "key=value" or "key". */
PODC_EXTERN int podc_service_cleanup_label(podc_client *c, const char *label, size_t *n_removed, podc_error **err);

/* This process's default session id (random hex, made once; static string, thread-safe). */
PODC_EXTERN const char *podc_service_default_session(void);

#ifdef __cplusplus
}
#endif
#endif
