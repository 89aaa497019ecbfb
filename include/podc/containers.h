/*
 * podc/containers.h - containers: a spec builder, create, lifecycle (start, stop, kill,
 * restart, wait, remove), exists, inspect, list, and health checks.
 *
 * Containers are named by name or ID (or a unique ID prefix) wherever `name` appears. Names
 * and IDs follow podman's rule [a-zA-Z0-9][a-zA-Z0-9_.-]* and are checked before any request
 * (PODC_EINVAL with detail "field"). Errors about a container carry its name
 * (podc_error_container()).
 *
 * Thread-safety: calls are as thread-safe as the client they use (one thread per client at a
 * time). A spec is used from one thread at a time; result objects are immutable and may be
 * read from any thread.
 */
#ifndef PODC_CONTAINERS_H
#define PODC_CONTAINERS_H

#include "client.h"
#include "filters.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================
 * Spec builder
 *
 * Setters copy their arguments and return 0, PODC_EINVAL (NULL spec or NULL required
 * argument) or PODC_ENOMEM. The content is checked as a whole by podc_container_spec_validate(),
 * which podc_container_create() runs before sending anything.
 * ====================================================================================== */

typedef struct podc_container_spec podc_container_spec;

/* New empty spec, or NULL on OOM. Free with podc_container_spec_free(). */
PODC_EXTERN podc_container_spec *podc_container_spec_new(void);
PODC_EXTERN void podc_container_spec_free(podc_container_spec *s);

/* Container name (optional: podman generates one). */
PODC_EXTERN int podc_container_spec_set_name(podc_container_spec *s, const char *name, podc_error **err);
/* Image reference (required), e.g. "localhost/podc-base:latest". */
PODC_EXTERN int podc_container_spec_set_image(podc_container_spec *s, const char *image, podc_error **err);
/* Command argv (replaces the image's CMD). Images without a CMD need one. argc >= 1. */
PODC_EXTERN int podc_container_spec_set_command(podc_container_spec *s, const char *const *argv, size_t argc,
                                                podc_error **err);
/* Entrypoint argv (replaces the image's). argc 0 sends an empty entrypoint, which clears the
 * image's so that the command runs on its own. */
PODC_EXTERN int podc_container_spec_set_entrypoint(podc_container_spec *s, const char *const *argv, size_t argc,
                                                   podc_error **err);
/* Environment variable; a repeated key replaces the value. Keys: non-empty, no '='. */
PODC_EXTERN int podc_container_spec_add_env(podc_container_spec *s, const char *key, const char *value,
                                            podc_error **err);
/* Label; a repeated key replaces the value. */
PODC_EXTERN int podc_container_spec_add_label(podc_container_spec *s, const char *key, const char *value,
                                              podc_error **err);
/*
 * Publishes container_port (1-65535) on host_port (1-65535, or 0: podman picks a free port;
 * read it back with podc_container_info_host_port()). protocol: NULL = "tcp", or "udp",
 * "sctp", or a comma list such as "tcp,udp". host_ip: NULL = all addresses, or e.g.
 * "127.0.0.1". A busy host port is only detected at start (PODC_ECONFLICT).
 */
PODC_EXTERN int podc_container_spec_add_port(podc_container_spec *s, int container_port, int host_port,
                                             const char *protocol, const char *host_ip, podc_error **err);
/* Attaches the container to a named network, with optional DNS aliases (valid names). Without
 * any network the container joins podman's default network. */
PODC_EXTERN int podc_container_spec_add_network(podc_container_spec *s, const char *network,
                                                const char *const *aliases, size_t n_aliases, podc_error **err);
/*
 * Bind-mounts host path source (must be ABSOLUTE: podman would resolve a relative one against
 * the service's working directory) at destination (absolute). options e.g. "ro", "z", "Z",
 * "rbind"; may be NULL when n_options is 0. A missing source fails at create (PODC_ENOTFOUND).
 */
PODC_EXTERN int podc_container_spec_add_bind_mount(podc_container_spec *s, const char *source,
                                                   const char *destination, const char *const *options,
                                                   size_t n_options, podc_error **err);
/* Mounts named volume `name` (created if missing; NULL or "" = a new anonymous volume, removed
 * with the container) at destination. options e.g. "ro", "z", "U", "noexec". */
PODC_EXTERN int podc_container_spec_add_volume(podc_container_spec *s, const char *name, const char *destination,
                                               const char *const *options, size_t n_options, podc_error **err);
/* A tmpfs at destination; options e.g. "size=64m", "mode=1777", "noexec". */
PODC_EXTERN int podc_container_spec_add_tmpfs(podc_container_spec *s, const char *destination,
                                              const char *const *options, size_t n_options, podc_error **err);
/*
 * Adds "hostname:ip" to the container's /etc/hosts. ip "host-gateway" means the host as seen
 * from the container. Podman 4.3.1 does not resolve "host-gateway" (it writes the word into
 * /etc/hosts), but it always adds host.containers.internal pointing at the host itself; so
 * ("host.containers.internal", "host-gateway") is accepted and leaves podman's own entry in
 * place, and "host-gateway" with any other hostname is refused (PODC_EINVAL at validation).
 */
PODC_EXTERN int podc_container_spec_add_host(podc_container_spec *s, const char *hostname, const char *ip,
                                             podc_error **err);
/* "uid", "uid:gid", "name" or "name:group"; NULL = the image's again. */
PODC_EXTERN int podc_container_spec_set_user(podc_container_spec *s, const char *user, podc_error **err);
/* Working directory (absolute). It is created if the image lacks it. NULL = the image's again. */
PODC_EXTERN int podc_container_spec_set_workdir(podc_container_spec *s, const char *dir, podc_error **err);
PODC_EXTERN int podc_container_spec_set_hostname(podc_container_spec *s, const char *hostname, podc_error **err);
/* Signal sent by stop: "SIGTERM", "TERM" or a number ("15"). */
PODC_EXTERN int podc_container_spec_set_stop_signal(podc_container_spec *s, const char *signal, podc_error **err);
/* Default grace period of stop and restart before SIGKILL (podman's default: 10 s). Podman
 * counts whole seconds, so this is rounded up. */
PODC_EXTERN int podc_container_spec_set_stop_timeout(podc_container_spec *s, int64_t timeout_ms, podc_error **err);
/* Health check run as an argv (sent as ["CMD", argv...]). argc >= 1. */
PODC_EXTERN int podc_container_spec_set_healthcheck_cmd(podc_container_spec *s, const char *const *argv,
                                                        size_t argc, podc_error **err);
/* Health check run by the container's /bin/sh -c (sent as ["CMD-SHELL", command]). */
PODC_EXTERN int podc_container_spec_set_healthcheck_shell(podc_container_spec *s, const char *command,
                                                          podc_error **err);
/*
 * Health check timing; values < 0 keep the default: interval 30000 ms, timeout 30000 ms,
 * start period 0, retries 3. Failures inside the start period don't count; the container
 * becomes unhealthy after `retries` consecutive failures.
 * Note: on hosts without systemd podman never runs checks by itself; call
 * podc_container_healthcheck_run() to run one.
 */
PODC_EXTERN int podc_container_spec_set_healthcheck_timing(podc_container_spec *s, int64_t interval_ms,
                                                           int64_t timeout_ms, int64_t start_period_ms,
                                                           int retries, podc_error **err);
/*
 * Resource limit: type "nofile", "nproc", "core", "memlock", ... (an "RLIMIT_" prefix is
 * accepted), soft <= hard. IMPORTANT: per-container limits REPLACE the service's default
 * ulimits, and podman then fills in nofile and nproc at 1048576, which runc cannot set on
 * hosts whose hard limits are lower (start fails with "error setting rlimit ... operation not
 * permitted"). So a spec with any rlimit must set BOTH "nofile" and "nproc"; validation
 * refuses it otherwise (PODC_EINVAL, field "rlimits"). A repeated type replaces the earlier.
 */
PODC_EXTERN int podc_container_spec_add_rlimit(podc_container_spec *s, const char *type, uint64_t soft,
                                               uint64_t hard, podc_error **err);
/*
 * Memory limit of the container's cgroup in bytes (sent as resource_limits.memory.limit);
 * 0 = no limit (the default). A process beyond it is OOM-killed (exit code 137). Podman also
 * caps memory+swap at twice the limit. A limit below what the container already uses at
 * start (a few MB) makes start fail (PODC_ESERVER). Negative: PODC_EINVAL.
 */
PODC_EXTERN int podc_container_spec_set_memory_limit(podc_container_spec *s, int64_t bytes, podc_error **err);

/*
 * Checks the whole spec as create would: image present, names, ports, env keys, absolute
 * mount paths, signals, durations, rlimits. 0 or PODC_EINVAL (detail "field" names the part).
 */
PODC_EXTERN int podc_container_spec_validate(const podc_container_spec *s, podc_error **err);

/*
 * The JSON body create would send (libpod SpecGenerator), after validation. *out is new;
 * free with podc_free(). For logging and dry runs.
 */
PODC_EXTERN int podc_container_spec_to_json(const podc_container_spec *s, char **out, podc_error **err);

/* ======================================================================================
 * Lifecycle
 * ====================================================================================== */

/*
 * POST /libpod/containers/create. *id_out (may be NULL) is the new container's ID (free with
 * podc_free()). Errors: PODC_EINVAL (spec invalid; nothing sent), PODC_ECONFLICT (name in use),
 * PODC_ENOTFOUND (image, network or bind-mount source missing), PODC_ESERVER (other refusals).
 * Podman answers all of these with HTTP 500; the category comes from its cause.
 */
PODC_EXTERN int podc_container_create(podc_client *c, const podc_container_spec *spec, char **id_out,
                                      podc_error **err);

/* Starts the container. Already running is success (podman's 304).
 * Errors: PODC_ENOTFOUND, PODC_ECONFLICT (host port busy), PODC_ESERVER (runtime failures). */
PODC_EXTERN int podc_container_start(podc_client *c, const char *name, podc_error **err);

/*
 * Does everything start does except running the process: network namespace, published ports,
 * mounts, the runtime's container (podman's "initialized" state). A later
 * podc_container_start() then only runs the process, which is much cheaper (~70 ms instead of
 * ~400 ms here): prepare containers while something else is still starting. Already
 * initialized or running is success. Errors: as podc_container_start().
 */
PODC_EXTERN int podc_container_init(podc_client *c, const char *name, podc_error **err);

/*
 * Stops the container: its stop signal, then SIGKILL after timeout_ms (rounded up to whole
 * seconds; 0 = kill at once; < 0 = the container's own stop timeout). Already stopped is
 * success. With timeout_ms >= 0 the call may take up to timeout_ms + 30 s; with < 0 the
 * client's timeout applies. Errors: PODC_ENOTFOUND.
 */
PODC_EXTERN int podc_container_stop(podc_client *c, const char *name, int64_t timeout_ms, podc_error **err);

/* Sends a signal (NULL = SIGKILL; "SIGUSR1", "USR1" or "10").
 * Errors: PODC_ENOTFOUND, PODC_ECONFLICT (not running), PODC_EINVAL (unknown signal). */
PODC_EXTERN int podc_container_kill(podc_client *c, const char *name, const char *signal, podc_error **err);

/*
 * Restarts the container, giving it timeout_ms to stop as for podc_container_stop(). A
 * timeout is always sent: podman would otherwise kill at once. With timeout_ms < 0 the
 * container's own stop timeout is read first (one extra request).
 */
PODC_EXTERN int podc_container_restart(podc_client *c, const char *name, int64_t timeout_ms, podc_error **err);

/*
 * Waits until the container reaches one of the conditions and stores its exit code in
 * *exit_code (may be NULL). conditions: NULL/0 = "stopped" (exited or stopped); accepted:
 * "created", "running", "paused", "stopped", "exited", "removing", "unknown" (podman 4.3 has
 * no "healthy": poll podc_container_healthcheck_run() instead). For "running" podman reports
 * -1. Call it only AFTER start: on a never-started container podman answers 0 at once.
 * timeout_ms <= 0 waits without limit (podman sends no reply until the condition is met);
 * otherwise PODC_ETIMEOUT after timeout_ms. Force-removing the container ends the wait with
 * its exit code (137). podc_client_cancel() interrupts it.
 */
PODC_EXTERN int podc_container_wait(podc_client *c, const char *name, const char *const *conditions,
                                    size_t n_conditions, int64_t timeout_ms, int *exit_code, podc_error **err);
/*
 * podc_container_wait() with podman's state poll period (`interval`, podman's default is
 * 250 ms): the wait returns at most about interval_ms after the condition is met. interval_ms
 * <= 0 keeps podman's default. Same errors.
 */
PODC_EXTERN int podc_container_wait_interval(podc_client *c, const char *name, const char *const *conditions,
                                             size_t n_conditions, int64_t timeout_ms, int64_t interval_ms,
                                             int *exit_code, podc_error **err);

/* Flags for podc_container_remove(). */
#define PODC_CONTAINER_REMOVE_FORCE 1u          /* stop a running container at once (SIGKILL) first */
#define PODC_CONTAINER_REMOVE_IGNORE_MISSING 2u /* a missing container is success */

/*
 * Removes the container and its anonymous volumes. Without FORCE a running container fails
 * with PODC_ECONFLICT. FORCE kills without waiting for the stop timeout. Errors: PODC_ENOTFOUND
 * (unless IGNORE_MISSING).
 */
PODC_EXTERN int podc_container_remove(podc_client *c, const char *name, unsigned int flags, podc_error **err);

/* *out = 1 when the container exists, 0 when not (not an error). An ambiguous ID prefix
 * counts as "does not exist" (podman's answer). */
PODC_EXTERN int podc_container_exists(podc_client *c, const char *name, int *out, podc_error **err);

/* ======================================================================================
 * Published ports (shared by inspect and list results)
 * ====================================================================================== */

typedef struct podc_port podc_port;

PODC_EXTERN int podc_port_container_port(const podc_port *p);
/* The host port (after podman picked one for host port 0). 0 when not published. */
PODC_EXTERN int podc_port_host_port(const podc_port *p);
/* "tcp", "udp" or "sctp". Borrowed. */
PODC_EXTERN const char *podc_port_protocol(const podc_port *p);
/* Host address, "" for all addresses. Borrowed. */
PODC_EXTERN const char *podc_port_host_ip(const podc_port *p);

/* ======================================================================================
 * Inspect
 * ====================================================================================== */

typedef struct podc_container_info podc_container_info;

/* GET /libpod/containers/{name}/json. Free *out with podc_container_info_free().
 * Errors: PODC_ENOTFOUND. */
PODC_EXTERN int podc_container_inspect(podc_client *c, const char *name, podc_container_info **out,
                                       podc_error **err);

/* Accessors: strings are borrowed from the info; NULL info gives NULL / -1. */
PODC_EXTERN const char *podc_container_info_id(const podc_container_info *i);
PODC_EXTERN const char *podc_container_info_name(const podc_container_info *i);
/* Image as the container was created from ("localhost/podc-base:latest"), and its ID. */
PODC_EXTERN const char *podc_container_info_image(const podc_container_info *i);
PODC_EXTERN const char *podc_container_info_image_id(const podc_container_info *i);
/* State.Status: "created", "running", "paused", "exited", "stopped", ... */
PODC_EXTERN const char *podc_container_info_status(const podc_container_info *i);
/* 1/0 (-1 unknown). */
PODC_EXTERN int podc_container_info_running(const podc_container_info *i);
PODC_EXTERN int podc_container_info_oom_killed(const podc_container_info *i);
/* Main process PID (0 when not running). */
PODC_EXTERN int64_t podc_container_info_pid(const podc_container_info *i);
PODC_EXTERN int podc_container_info_exit_code(const podc_container_info *i);
/* RFC 3339 times; "0001-01-01T00:00:00Z" when it never happened. */
PODC_EXTERN const char *podc_container_info_started_at(const podc_container_info *i);
PODC_EXTERN const char *podc_container_info_finished_at(const podc_container_info *i);
/* Aggregated health (honours retries and start period): "starting", "healthy", "unhealthy",
 * or "" when the container has no health check. */
PODC_EXTERN const char *podc_container_info_health_status(const podc_container_info *i);
PODC_EXTERN int podc_container_info_health_failing_streak(const podc_container_info *i);
/* Restarts done by the restart policy, or -1 when the reply does not say. */
PODC_EXTERN int podc_container_info_restart_count(const podc_container_info *i);
PODC_EXTERN const char *podc_container_info_hostname(const podc_container_info *i);

/* Published ports (one entry per host binding). Borrowed; NULL when i is out of range. */
PODC_EXTERN size_t podc_container_info_port_count(const podc_container_info *i);
PODC_EXTERN const podc_port *podc_container_info_port_at(const podc_container_info *i, size_t idx);
/* Host port bound to container_port/protocol (NULL protocol = "tcp"), or -1 when unpublished. */
PODC_EXTERN int podc_container_info_host_port(const podc_container_info *i, int container_port,
                                              const char *protocol);

/* Networks the container is attached to (by name), its IP address there ("" when stopped),
 * gateway, and aliases (podman adds the short ID as an alias). */
PODC_EXTERN size_t podc_container_info_network_count(const podc_container_info *i);
PODC_EXTERN const char *podc_container_info_network_name_at(const podc_container_info *i, size_t idx);
PODC_EXTERN const char *podc_container_info_network_ip_at(const podc_container_info *i, size_t idx);
PODC_EXTERN const char *podc_container_info_network_gateway_at(const podc_container_info *i, size_t idx);
PODC_EXTERN size_t podc_container_info_network_alias_count(const podc_container_info *i, size_t idx);
PODC_EXTERN const char *podc_container_info_network_alias_at(const podc_container_info *i, size_t idx,
                                                             size_t alias_idx);
/* IP address on the named network, or NULL when not attached. */
PODC_EXTERN const char *podc_container_info_ip(const podc_container_info *i, const char *network);

/* Label value (image labels are included), or NULL; and all labels as count + key/value at(i)
 * (out of range: NULL). */
PODC_EXTERN const char *podc_container_info_label(const podc_container_info *i, const char *key);
PODC_EXTERN size_t podc_container_info_label_count(const podc_container_info *i);
PODC_EXTERN const char *podc_container_info_label_key_at(const podc_container_info *i, size_t idx);
PODC_EXTERN const char *podc_container_info_label_value_at(const podc_container_info *i, size_t idx);
/* Environment as "KEY=value" entries (podman adds container=podman, HOSTNAME, TERM), and the
 * value of one variable or NULL. */
PODC_EXTERN size_t podc_container_info_env_count(const podc_container_info *i);
PODC_EXTERN const char *podc_container_info_env_at(const podc_container_info *i, size_t idx);
PODC_EXTERN const char *podc_container_info_env(const podc_container_info *i, const char *key);
/* The whole inspect reply as JSON text. Borrowed. */
PODC_EXTERN const char *podc_container_info_json(const podc_container_info *i);
PODC_EXTERN void podc_container_info_free(podc_container_info *i);

/* ======================================================================================
 * List
 * ====================================================================================== */

typedef struct podc_container_summary podc_container_summary;
typedef struct podc_container_list podc_container_list;

/*
 * GET /libpod/containers/json. flags PODC_CONTAINER_LIST_ALL: every state (0: running
 * containers only). filters may be NULL;
 * useful keys: "label" ("k=v" or "k"; several are ANDed), "name" (SUBSTRING / REGULAR
 * EXPRESSION, "^web$" for an exact name; several are ORed), "status", "id", "ancestor",
 * "network". Different keys are ANDed. An unknown key fails (PODC_ESERVER).
 * Free *out with podc_container_list_free().
 */
#define PODC_CONTAINER_LIST_ALL 1u
PODC_EXTERN int podc_container_list_get(podc_client *c, const podc_filters *filters, unsigned flags,
                                    podc_container_list **out, podc_error **err);
PODC_EXTERN size_t podc_container_list_count(const podc_container_list *l);
/* Borrowed; lives as long as the list. */
PODC_EXTERN const podc_container_summary *podc_container_list_at(const podc_container_list *l, size_t idx);
PODC_EXTERN void podc_container_list_free(podc_container_list *l);

PODC_EXTERN const char *podc_container_summary_id(const podc_container_summary *s);
/* First name, and all names. */
PODC_EXTERN const char *podc_container_summary_name(const podc_container_summary *s);
PODC_EXTERN size_t podc_container_summary_name_count(const podc_container_summary *s);
PODC_EXTERN const char *podc_container_summary_name_at(const podc_container_summary *s, size_t idx);
PODC_EXTERN const char *podc_container_summary_image(const podc_container_summary *s);
/* Lifecycle state ("created", "running", "exited", ...). */
PODC_EXTERN const char *podc_container_summary_state(const podc_container_summary *s);
/* Health ("healthy", "unhealthy", "starting", or "" without a health check): podman's
 * `Status` field in the list. */
PODC_EXTERN const char *podc_container_summary_health(const podc_container_summary *s);
/* A label's value, or NULL; and all labels as count + key/value at(i). */
PODC_EXTERN const char *podc_container_summary_label(const podc_container_summary *s, const char *key);
PODC_EXTERN size_t podc_container_summary_label_count(const podc_container_summary *s);
PODC_EXTERN const char *podc_container_summary_label_key_at(const podc_container_summary *s, size_t i);
PODC_EXTERN const char *podc_container_summary_label_value_at(const podc_container_summary *s, size_t i);
PODC_EXTERN int podc_container_summary_exit_code(const podc_container_summary *s);
/* Published ports; a port range is listed one port per entry. */
PODC_EXTERN size_t podc_container_summary_port_count(const podc_container_summary *s);
PODC_EXTERN const podc_port *podc_container_summary_port_at(const podc_container_summary *s, size_t idx);

/* ======================================================================================
 * Health
 * ====================================================================================== */

/*
 * GET /libpod/containers/{name}/healthcheck: runs the health check ONCE now and returns that
 * run's result in *status_out ("healthy" or "unhealthy"; new string, free with podc_free()).
 * The aggregated state, which honours retries and the start period, is read with
 * podc_container_health() / podc_container_info_health_status().
 * Errors: PODC_ENOTFOUND, PODC_ECONFLICT (not running, or no health check defined),
 * PODC_ESERVER (the check exceeded its timeout).
 */
PODC_EXTERN int podc_container_healthcheck_run(podc_client *c, const char *name, char **status_out,
                                               podc_error **err);

/* The aggregated health from inspect: *status_out as podc_container_info_health_status() (new
 * string, free with podc_free()), *failing_streak (may be NULL). */
PODC_EXTERN int podc_container_health(podc_client *c, const char *name, char **status_out, int *failing_streak,
                                      podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
