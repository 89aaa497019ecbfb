/*
 * podc/datastorage.h - the DataStorage test stack in one call: PostgreSQL + Redis + the
 * DataStorage service on a per-suite network with per-suite host ports, migrations applied
 * between Postgres and DataStorage, every step gated on readiness.
 *
 * Names (from kubernaut's contract): network `{service}_test_network`, containers
 * `{service}_postgres_test`, `{service}_redis_test`, `{service}_datastorage_test`.
 * Everything the stack creates carries the labels `podc.ds.stack={service}` and the service
 * module's session labels, so podc_ds_down() and podc_service_cleanup() find it after a crash.
 * URLs always use 127.0.0.1 (podman publishes on IPv4 only).
 *
 * The stack runs on the stack engine (podc/stack.h): its members are postgres, redis, a
 * migrations task (run here, not a container) and datastorage; its containers also carry the
 * engine's labels (podc.stack={service}, podc.stack.member=<member>).
 *
 * Thread-safety: a config is used from one thread at a time; podc_ds_up() runs each member on
 * a thread and client of its own; the progress callback is called one line at a time.
 */
#ifndef PODC_DATASTORAGE_H
#define PODC_DATASTORAGE_H

#include "client.h"
#include "images.h"
#include "service.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PODC_DS_LABEL_STACK "podc.ds.stack"
#define PODC_DS_LABEL_BUILT "podc.ds.built"

/* Upstream defaults; tests override them with the project's offline images. */
#define PODC_DS_DEFAULT_POSTGRES_IMAGE "docker.io/library/postgres:16-alpine"
#define PODC_DS_DEFAULT_REDIS_IMAGE "docker.io/library/redis:7-alpine"
#define PODC_DS_DEFAULT_DATASTORAGE_IMAGE "localhost/kubernaut-datastorage:latest"

typedef enum podc_ds_component {
    PODC_DS_POSTGRES = 0,
    PODC_DS_REDIS = 1,
    PODC_DS_DATASTORAGE = 2
} podc_ds_component;

typedef enum podc_ds_port {
    PODC_DS_PORT_POSTGRES = 0,
    PODC_DS_PORT_REDIS = 1,
    PODC_DS_PORT_API = 2,
    PODC_DS_PORT_METRICS = 3,
    PODC_DS_PORT_HEALTH = 4
} podc_ds_port;

typedef struct podc_ds_config podc_ds_config;

/* A config for the stack named `service` (a container-name-safe string, e.g. "gateway").
 * NULL on OOM or a NULL name; the name itself is checked by podc_ds_up(). */
PODC_EXTERN podc_ds_config *podc_ds_config_new(const char *service);
PODC_EXTERN void podc_ds_config_free(podc_ds_config *cfg);

/* Ports of a kubernaut suite by name ("gateway", "notification", ... see podc_ds_preset_name_at).
 * PODC_EINVAL for an unknown suite. */
PODC_EXTERN int podc_ds_config_set_preset(podc_ds_config *cfg, const char *suite, podc_error **err);
PODC_EXTERN size_t podc_ds_preset_count(void);
PODC_EXTERN const char *podc_ds_preset_name_at(size_t idx);
/* One host port (0 = a free port chosen by podman, read back in the stack). The health port
 * defaults to the API port + 10000 unless set. */
PODC_EXTERN int podc_ds_config_set_port(podc_ds_config *cfg, podc_ds_port which, int host_port, podc_error **err);

/* Host directory of goose migrations (optional: no migrations are run without it). */
PODC_EXTERN int podc_ds_config_set_migrations_dir(podc_ds_config *cfg, const char *dir, podc_error **err);
/* Host directory mounted read-only at /etc/datastorage (config.yaml + secrets files); it stays
 * the caller's. Without one, podc generates the config and secrets for this stack and writes
 * them into the DataStorage container (archive API) after create and before start: nothing of
 * them lands on the host's disk. */
PODC_EXTERN int podc_ds_config_set_config_dir(podc_ds_config *cfg, const char *dir, podc_error **err);
/* Postgres credentials (defaults slm_user / test_password / action_history). */
PODC_EXTERN int podc_ds_config_set_postgres_credentials(podc_ds_config *cfg, const char *user, const char *password,
                                                        const char *database, podc_error **err);
/* Image override per component. */
PODC_EXTERN int podc_ds_config_set_image(podc_ds_config *cfg, podc_ds_component which, const char *image,
                                         podc_error **err);
/* Build the DataStorage image from a context (containerfile may be NULL) when it is missing;
 * always rebuild when `always` is set. */
PODC_EXTERN int podc_ds_config_set_build(podc_ds_config *cfg, const char *context_dir, const char *containerfile,
                                         int always, podc_error **err);
/*
 * How the images are fetched (opts copied; NULL = defaults: policy missing, credentials found
 * as podman finds them, 3 tries). Before anything is created, every image the stack does not
 * build is made present side by side: absent ones are pulled (always/newer: every time), so a
 * failed pull fails the up with nothing created. A "localhost/" image (the DataStorage default)
 * is never pulled. Pull progress reaches the config's progress callback as "pulling REF: ..."
 * (the options' own progress callback is not used).
 */
PODC_EXTERN int podc_ds_config_set_pull_options(podc_ds_config *cfg, const podc_image_pull_options *opts,
                                                podc_error **err);
/* Keep a DataStorage image this stack built when the stack goes down. */
PODC_EXTERN int podc_ds_config_set_preserve_image(podc_ds_config *cfg, int preserve, podc_error **err);
/* Extra environment for DataStorage. */
PODC_EXTERN int podc_ds_config_add_env(podc_ds_config *cfg, const char *key, const char *value, podc_error **err);
/* Run without Redis (DataStorage's config then has no redis section). */
PODC_EXTERN int podc_ds_config_set_skip_redis(podc_ds_config *cfg, int skip, podc_error **err);
/*
 * Postgres for tests by default: fsync, synchronous_commit and full_page_writes off and PGDATA
 * on a tmpfs (what testcontainers' Postgres module does; nothing survives the container, which a
 * test stack never needs). durable = 1 keeps Postgres's own settings and an ordinary data dir.
 */
PODC_EXTERN int podc_ds_config_set_postgres_durable(podc_ds_config *cfg, int durable, podc_error **err);
/*
 * reuse = 1: when a healthy running stack of the same definition exists (a hash of the images'
 * ids, credentials, ports, env, the config dir's and the migrations' contents, carried as a
 * label), podc_ds_up() resets it instead of starting a new one: the database is dropped and
 * created again from a template made right after the migrations (every row written since is
 * gone, the migrations' own rows are back), Redis is flushed (FLUSHALL), DataStorage's /readyz is
 * checked; nothing is restarted. Anything else (no such stack, another definition, a member
 * not running or not ready) is replaced as without reuse. A cold up with reuse also makes the
 * template (one CREATE DATABASE after the migrations).
 */
PODC_EXTERN int podc_ds_config_set_reuse(podc_ds_config *cfg, int reuse, podc_error **err);
/* Readiness timeout per component (default 60 s). */
PODC_EXTERN int podc_ds_config_set_timeout(podc_ds_config *cfg, int64_t timeout_ms, podc_error **err);
/* Session label for everything created (default: the service module's per-process session). */
PODC_EXTERN int podc_ds_config_set_session(podc_ds_config *cfg, const char *session, podc_error **err);
/* One line per step with elapsed time. */
PODC_EXTERN int podc_ds_config_set_progress(podc_ds_config *cfg, podc_service_progress_cb cb, void *userdata,
                                            podc_error **err);

typedef struct podc_ds_stack podc_ds_stack;

/*
 * Brings the stack up: pre-clean the stack's names → network → Postgres and Redis side by side
 * → Postgres ready (pg_isready and a real SELECT 1) → migrations → DataStorage → /readyz 200.
 * What can be done early is done while Postgres initialises, without changing that order:
 * Postgres is created, initialised and started first (the other work would slow it down);
 * then Redis starts, and DataStorage's container is created and initialised (network, ports,
 * mounts), its generated config copied in (one upload), but its process not started.
 * Postgres's readiness is gated by a TCP connect to its published port (cheap to poll; fails
 * until the final server listens, but rootless podman's port forwarder accepts at once);
 * pg_isready (retried for a quarter of the timeout, 5 to 30 s), SELECT 1 and the migrations then
 * run in one exec, in that order (while Redis may still be getting ready). The migration scripts travel as that
 * exec's arguments (each file's script up to 100 KiB, 512 KiB in all; a larger set is copied
 * into the Postgres container once DataStorage is prepared, progress line "migration scripts
 * copied into postgres ..."), because each archive upload costs podman 4.3 several
 * re-executions of itself while initdb needs the CPU. DataStorage's process
 * starts once they are done and Redis answers PING. Postgres and Redis are watched while the
 * rest starts: one that stops fails the up at once (detail "member" too).
 * Before anything starts, every fixed host port is checked: one in use gives PODC_ECONFLICT
 * naming the port and the component (details "port", "component").
 * On any failure everything this call created is removed again (containers, network, a
 * DataStorage image it built) and the error carries the failing component's log tail
 * (detail "component").
 * *out is new; free with podc_ds_stack_free() (that does not stop the stack: podc_ds_down()).
 */
PODC_EXTERN int podc_ds_up(podc_client *c, const podc_ds_config *cfg, podc_ds_stack **out, podc_error **err);

PODC_EXTERN const char *podc_ds_stack_service(const podc_ds_stack *s);
PODC_EXTERN const char *podc_ds_stack_network(const podc_ds_stack *s);
/* Container name of a component, or NULL (Redis when skipped). */
PODC_EXTERN const char *podc_ds_stack_container(const podc_ds_stack *s, podc_ds_component which);
/* Resolved host port (after 0 was replaced by podman's choice), or 0 when absent. */
PODC_EXTERN int podc_ds_stack_port(const podc_ds_stack *s, podc_ds_port which);
/* postgres://user:password@127.0.0.1:PORT/db?sslmode=disable — and the same with the password
 * shown as *** for printing. */
PODC_EXTERN const char *podc_ds_stack_postgres_dsn(const podc_ds_stack *s);
PODC_EXTERN const char *podc_ds_stack_postgres_dsn_masked(const podc_ds_stack *s);
PODC_EXTERN const char *podc_ds_stack_redis_addr(const podc_ds_stack *s);      /* "127.0.0.1:PORT" or NULL */
PODC_EXTERN const char *podc_ds_stack_api_url(const podc_ds_stack *s);         /* "http://127.0.0.1:PORT" */
PODC_EXTERN const char *podc_ds_stack_health_url(const podc_ds_stack *s);
PODC_EXTERN const char *podc_ds_stack_metrics_url(const podc_ds_stack *s);
PODC_EXTERN int64_t podc_ds_stack_up_ms(const podc_ds_stack *s);
/* 1 when podc_ds_up() reset a running stack instead of starting one (podc_ds_config_set_reuse). */
PODC_EXTERN int podc_ds_stack_reused(const podc_ds_stack *s);
PODC_EXTERN void podc_ds_stack_free(podc_ds_stack *s);

/*
 * Takes the stack named `service` down: DataStorage, Redis and Postgres stopped and removed
 * side by side with a short stop timeout, then the network; the DataStorage image only when
 * this stack built it and preserve_image is 0. Missing pieces are not errors.
 */
PODC_EXTERN int podc_ds_down(podc_client *c, const char *service, int preserve_image, podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
