/* config.c - the stack's config builder (its defaults and presets: kubernaut-profile.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/images-private.h"
#include "core/error-private.h"
#include "datastorage/ds-private.h"

static int set_str(char **slot, const char *val)
{
    char *copy = NULL;
    if (val && !(copy = strdup(val)))
        return PODC_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

podc_ds_config *podc_ds_config_new(const char *service)
{
    if (!service)
        return NULL;
    podc_ds_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return NULL;
    for (int i = 0; i < DS_NPORTS; i++)
        cfg->ports[i] = DS_PORT_UNSET;
    const pdc_ds_profile *p = &pdc_ds_kubernaut_profile;
    if (set_str(&cfg->service, service) < 0 || set_str(&cfg->pg_user, p->pg_user) < 0 ||
        set_str(&cfg->pg_password, p->pg_password) < 0 || set_str(&cfg->pg_db, p->pg_db) < 0 ||
        set_str(&cfg->images[PODC_DS_POSTGRES], PODC_DS_DEFAULT_POSTGRES_IMAGE) < 0 ||
        set_str(&cfg->images[PODC_DS_REDIS], PODC_DS_DEFAULT_REDIS_IMAGE) < 0 ||
        set_str(&cfg->images[PODC_DS_DATASTORAGE], PODC_DS_DEFAULT_DATASTORAGE_IMAGE) < 0) {
        podc_ds_config_free(cfg);
        return NULL;
    }
    cfg->timeout_ms = 60000;
    return cfg;
}

void podc_ds_config_free(podc_ds_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->service);
    free(cfg->migrations_dir);
    free(cfg->config_dir);
    free(cfg->pg_user);
    free(cfg->pg_password);
    free(cfg->pg_db);
    for (int i = 0; i < 3; i++)
        free(cfg->images[i]);
    free(cfg->build_context);
    free(cfg->build_containerfile);
    podc_image_pull_options_free(cfg->pull);
    for (size_t i = 0; i < cfg->nenv; i++) {
        free(cfg->env[i].key);
        free(cfg->env[i].value);
    }
    free(cfg->env);
    free(cfg->session);
    free(cfg);
}

size_t podc_ds_preset_count(void)
{
    return pdc_ds_preset_count();
}

const char *podc_ds_preset_name_at(size_t idx)
{
    const pdc_ds_preset *p = pdc_ds_preset_at(idx);
    return p ? p->suite : NULL;
}

int podc_ds_config_set_preset(podc_ds_config *cfg, const char *suite, podc_error **err)
{
    const pdc_ds_preset *p = cfg ? pdc_ds_preset_find(suite) : NULL;
    if (!p)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    cfg->ports[PODC_DS_PORT_POSTGRES] = p->postgres;
    cfg->ports[PODC_DS_PORT_REDIS] = p->redis;
    cfg->ports[PODC_DS_PORT_API] = p->api;
    cfg->ports[PODC_DS_PORT_METRICS] = p->metrics;
    cfg->ports[PODC_DS_PORT_HEALTH] = DS_PORT_UNSET; /* api + 10000 */
    return 0;
}

int podc_ds_config_set_port(podc_ds_config *cfg, podc_ds_port which, int host_port, podc_error **err)
{
    if (!cfg || (int)which < 0 || which >= DS_NPORTS || host_port < 0 || host_port > 65535)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    cfg->ports[which] = host_port;
    return 0;
}

int pdc_ds_effective_port(const podc_ds_config *cfg, podc_ds_port which)
{
    int p = cfg->ports[which];
    if (p != DS_PORT_UNSET)
        return p;
    if (which == PODC_DS_PORT_HEALTH) {
        int api = cfg->ports[PODC_DS_PORT_API];
        return (api > 0 && api + 10000 <= 65535) ? api + 10000 : 0;
    }
    return 0; /* no preset and no port given: podman picks */
}

int podc_ds_config_set_migrations_dir(podc_ds_config *cfg, const char *dir, podc_error **err)
{
    return pdc_setter_result(err, __func__, cfg ? set_str(&cfg->migrations_dir, dir) : PODC_EINVAL);
}

int podc_ds_config_set_config_dir(podc_ds_config *cfg, const char *dir, podc_error **err)
{
    return pdc_setter_result(err, __func__, cfg ? set_str(&cfg->config_dir, dir) : PODC_EINVAL);
}

int podc_ds_config_set_postgres_credentials(podc_ds_config *cfg, const char *user, const char *password,
                                            const char *database, podc_error **err)
{
    if (!cfg || !user || !*user || !password || !database || !*database)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    if (set_str(&cfg->pg_user, user) < 0 || set_str(&cfg->pg_password, password) < 0 ||
        set_str(&cfg->pg_db, database) < 0)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    return 0;
}

int podc_ds_config_set_image(podc_ds_config *cfg, podc_ds_component which, const char *image, podc_error **err)
{
    if (!cfg || (int)which < 0 || which > PODC_DS_DATASTORAGE || !image || !*image)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, set_str(&cfg->images[which], image));
}

int podc_ds_config_set_build(podc_ds_config *cfg, const char *context_dir, const char *containerfile, int always,
                             podc_error **err)
{
    if (!cfg || !context_dir || !*context_dir)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    if (set_str(&cfg->build_context, context_dir) < 0 || set_str(&cfg->build_containerfile, containerfile) < 0)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    cfg->build_always = always != 0;
    return 0;
}

int podc_ds_config_set_pull_options(podc_ds_config *cfg, const podc_image_pull_options *opts, podc_error **err)
{
    if (!cfg)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, pdc_image_pull_options_replace(&cfg->pull, opts));
}

int podc_ds_config_set_preserve_image(podc_ds_config *cfg, int preserve, podc_error **err)
{
    if (!cfg)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    cfg->preserve_image = preserve != 0;
    return 0;
}

int podc_ds_config_add_env(podc_ds_config *cfg, const char *key, const char *value, podc_error **err)
{
    if (!cfg || !key || !value)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    ds_env *grown = realloc(cfg->env, (cfg->nenv + 1) * sizeof *grown);
    if (!grown)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    cfg->env = grown;
    ds_env e = { strdup(key), strdup(value) };
    if (!e.key || !e.value) {
        free(e.key);
        free(e.value);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    cfg->env[cfg->nenv++] = e;
    return 0;
}

int podc_ds_config_set_postgres_durable(podc_ds_config *cfg, int durable, podc_error **err)
{
    if (!cfg)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    cfg->pg_durable = durable != 0;
    return 0;
}

int podc_ds_config_set_reuse(podc_ds_config *cfg, int reuse, podc_error **err)
{
    if (!cfg)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    cfg->reuse = reuse != 0;
    return 0;
}

int podc_ds_config_set_skip_redis(podc_ds_config *cfg, int skip, podc_error **err)
{
    if (!cfg)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    cfg->skip_redis = skip != 0;
    return 0;
}

int podc_ds_config_set_timeout(podc_ds_config *cfg, int64_t timeout_ms, podc_error **err)
{
    if (!cfg || timeout_ms <= 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    cfg->timeout_ms = timeout_ms;
    return 0;
}

int podc_ds_config_set_session(podc_ds_config *cfg, const char *session, podc_error **err)
{
    return pdc_setter_result(err, __func__, cfg ? set_str(&cfg->session, session) : PODC_EINVAL);
}

int podc_ds_config_set_progress(podc_ds_config *cfg, podc_service_progress_cb cb, void *userdata, podc_error **err)
{
    if (!cfg)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    cfg->progress = cb;
    cfg->progress_ud = userdata;
    return 0;
}

void pdc_ds_names(const char *service, char *net, char *pg, char *redis, char *ds, size_t len)
{
    if (net)
        snprintf(net, len, "%s_test_network", service);
    if (pg)
        snprintf(pg, len, "%s_postgres_test", service);
    if (redis)
        snprintf(redis, len, "%s_redis_test", service);
    if (ds)
        snprintf(ds, len, "%s_datastorage_test", service);
}
