/* ds-private.h - the DataStorage stack's config, shared by its files. */
#ifndef PODC_DATASTORAGE_DS_PRIVATE_H
#define PODC_DATASTORAGE_DS_PRIVATE_H

#include "podc/datastorage.h"

#define DS_NPORTS 5
#define DS_PORT_UNSET (-1)

typedef struct ds_env {
    char *key, *value;
} ds_env;

struct podc_ds_config {
    char *service;
    int ports[DS_NPORTS];           /* DS_PORT_UNSET, 0 (free) or a host port */
    char *migrations_dir;
    char *config_dir;
    char *pg_user, *pg_password, *pg_db;
    char *images[3];
    char *build_context, *build_containerfile;
    int build_always;
    int preserve_image;
    podc_image_pull_options *pull;  /* NULL = defaults */
    ds_env *env;
    size_t nenv;
    int skip_redis;
    int pg_durable;                 /* 0: the fast test settings (see podc_ds_config_set_postgres_durable) */
    int reuse;
    int64_t timeout_ms;
    char *session;
    podc_service_progress_cb progress;
    void *progress_ud;
};

/* Container / network names of a stack. */
void pdc_ds_names(const char *service, char *net, char *pg, char *redis, char *ds, size_t len);
#define DS_NAME_MAX 256

/* Host port of the config after defaults (health = api + 10000); 0 = podman picks. */
int pdc_ds_effective_port(const podc_ds_config *cfg, podc_ds_port which);

/* 0 when no fixed host port is given twice (else PODC_EINVAL) and, with probe_here, every
 * one can be bound on this machine (else PODC_ECONFLICT naming it). */
int pdc_ds_check_ports(const podc_ds_config *cfg, int probe_here, podc_error **err);

/* Where DataStorage reads its config (CONFIG_PATH's directory). */
#define PODC_DS_CONFIG_MOUNT "/etc/datastorage"
/* dsconfig.c: without a config dir of the caller's, the generated config.yaml and secrets
 * files are written into the created, not yet started, DataStorage container. */
int pdc_ds_copy_config(podc_client *c, const podc_ds_config *cfg, const char *container, podc_error **err);

/* reuse.c: the warm path (see there). The label every member carries, and the template
 * database a cold up with reuse makes right after the migrations. */
#define PODC_DS_LABEL_HASH "podc.ds.hash"
#define PODC_DS_TEMPLATE_DB "podc_reuse_template"
struct pdc_migration_plan;
/* The definition hash into out (64 hex digits); "" when an image is not there yet (so no
 * stack of it can be running). Errors: transport, local files of the config dir. */
int pdc_ds_definition_hash(podc_client *c, const podc_ds_config *cfg, const struct pdc_migration_plan *plan,
                           char out[65], podc_error **err);
/* 1 when every member runs, is not unhealthy and carries hash (ports = their host ports); 0
 * with why when not; an error when the service could not be asked. */
int pdc_ds_reusable(podc_client *c, const podc_ds_config *cfg, const char *hash, const char names[3][DS_NAME_MAX],
                    int ports[DS_NPORTS], char *why, size_t why_len, podc_error **err);
/* Database from the template, Redis flushed (side by side), then /readyz. */
int pdc_ds_reset(podc_client *c, const podc_ds_config *cfg, const char names[3][DS_NAME_MAX],
                 const int ports[DS_NPORTS], podc_error **err);

/* down.c: force-removes the stack's containers side by side (missing ones are fine). */
int pdc_ds_remove_containers(podc_client *c, const char *service, podc_error **err);

/* ---- the kubernaut profile (kubernaut-profile.c): data the stack takes from kubernaut ---- */
typedef struct pdc_ds_profile {
    const char *pg_user, *pg_password, *pg_db; /* the test stack's defaults */
} pdc_ds_profile;
extern const pdc_ds_profile pdc_ds_kubernaut_profile;

/* A suite's fixed host ports (kubernaut's DD-TEST-001); health = api + 10000. */
typedef struct pdc_ds_preset {
    const char *suite;
    int postgres, redis, api, metrics;
} pdc_ds_preset;
size_t pdc_ds_preset_count(void);
const pdc_ds_preset *pdc_ds_preset_at(size_t i);
const pdc_ds_preset *pdc_ds_preset_find(const char *suite); /* NULL when unknown */

#endif
