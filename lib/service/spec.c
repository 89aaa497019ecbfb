/* spec.c - the service spec builder, its validation, and the container spec it becomes. */
#include "config.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/container-spec.h"
#include "api/images-private.h"
#include "core/error-private.h"
#include "core/validate.h"
#include "service/service-private.h"

#define DEFAULT_STARTUP_MS 60000
#define DEFAULT_POLL_INITIAL_MS 50
#define DEFAULT_POLL_MAX_MS 250
/* podman's health-check timing for the "podman" check: we trigger every run ourselves, so the
 * interval only matters to podman's bookkeeping */
#define PODMAN_HC_INTERVAL_MS 30000
#define PODMAN_HC_TIMEOUT_MS 5000

podc_service_spec *podc_service_spec_new(void)
{
    podc_service_spec *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (!(s->container = podc_container_spec_new())) {
        free(s);
        return NULL;
    }
    s->startup_timeout_ms = DEFAULT_STARTUP_MS;
    s->poll_initial_ms = DEFAULT_POLL_INITIAL_MS;
    s->poll_max_ms = DEFAULT_POLL_MAX_MS;
    return s;
}

static void check_clear(pdc_svc_check *k)
{
    free(k->path);
    free(k->substr);
    pdc_strv_clear(&k->argv);
    free(k->regex);
    free(k->shell);
}

void podc_service_spec_free(podc_service_spec *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->image);
    free(s->build_ctx);
    free(s->containerfile);
    podc_image_pull_options_free(s->pull);
    pdc_kvlist_clear(&s->build_args);
    for (size_t i = 0; s->port_ips && i < s->n_ports; i++)
        free(s->port_ips[i]);
    free(s->port_ips);
    free(s->ports);
    free(s->network);
    pdc_strv_clear(&s->aliases);
    podc_container_spec_free(s->container);
    pdc_kvlist_clear(&s->build_labels);
    pdc_strv_clear(&s->depends);
    for (size_t i = 0; i < s->n_checks; i++)
        check_clear(&s->checks[i]);
    free(s->checks);
    free(s->session);
    free(s);
}

/* Replaces *slot with a copy of val (NULL allowed when nullable). */
static int set_str(char **slot, const char *val, int nullable)
{
    if (!val && !nullable)
        return PODC_EINVAL;
    char *copy = NULL;
    if (val && !(copy = strdup(val)))
        return PODC_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

int podc_service_spec_set_name(podc_service_spec *s, const char *name, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? set_str(&s->name, name, 0) : PODC_EINVAL);
}

int podc_service_spec_set_image(podc_service_spec *s, const char *image, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? set_str(&s->image, image, 0) : PODC_EINVAL);
}

int podc_service_spec_set_build(podc_service_spec *s, const char *context_dir, const char *containerfile, int always,
                                podc_error **err)
{
    if (!s || !context_dir)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    char *ctx = strdup(context_dir), *cf = containerfile ? strdup(containerfile) : NULL;
    if (!ctx || (containerfile && !cf)) {
        free(ctx);
        free(cf);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    free(s->build_ctx);
    free(s->containerfile);
    s->build_ctx = ctx;
    s->containerfile = cf;
    s->has_build = 1;
    s->build_always = always != 0;
    return 0;
}

int podc_service_spec_set_pull_options(podc_service_spec *s, const podc_image_pull_options *opts, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, pdc_image_pull_options_replace(&s->pull, opts));
}

int podc_service_spec_add_build_arg(podc_service_spec *s, const char *key, const char *value, podc_error **err)
{
    return pdc_setter_result(err, __func__,
                             s && key && value ? pdc_kvlist_set(&s->build_args, key, value) : PODC_EINVAL);
}

int podc_service_spec_add_port(podc_service_spec *s, int container_port, int host_port, podc_error **err)
{
    return pdc_setter_result(err, __func__, podc_service_spec_add_port_on(s, container_port, host_port, NULL, NULL));
}

int podc_service_spec_add_port_on(podc_service_spec *s, int container_port, int host_port, const char *host_ip,
                                  podc_error **err)
{
    if (!s || container_port < 1 || container_port > 65535 || host_port < 0 || host_port > 65535)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    int *p = realloc(s->ports, (s->n_ports + 1) * 2 * sizeof *p);
    if (!p)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    s->ports = p;
    char **ips = realloc(s->port_ips, (s->n_ports + 1) * sizeof *ips);
    if (!ips)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    s->port_ips = ips;
    if (!(ips[s->n_ports] = host_ip && *host_ip ? strdup(host_ip) : NULL) && host_ip && *host_ip)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    p[s->n_ports * 2] = container_port;
    p[s->n_ports * 2 + 1] = host_port;
    s->n_ports++;
    return 0;
}

podc_container_spec *podc_service_spec_container(podc_service_spec *s)
{
    return s ? s->container : NULL;
}

/* The container's own fields: kept in the container spec, one setter each (containers.c's). */
int podc_service_spec_set_workdir(podc_service_spec *s, const char *dir, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? podc_container_spec_set_workdir(s->container, dir, NULL) : PODC_EINVAL);
}

int podc_service_spec_set_user(podc_service_spec *s, const char *user, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? podc_container_spec_set_user(s->container, user, NULL) : PODC_EINVAL);
}

int podc_service_spec_add_env(podc_service_spec *s, const char *key, const char *value, podc_error **err)
{
    return pdc_setter_result(err, __func__, s && key && value ? podc_container_spec_add_env(s->container, key, value,
                                                                                            NULL) : PODC_EINVAL);
}

int podc_service_spec_set_network(podc_service_spec *s, const char *network, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? set_str(&s->network, network, 1) : PODC_EINVAL);
}

int podc_service_spec_add_network_alias(podc_service_spec *s, const char *alias, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? pdc_strv_push(&s->aliases, alias) : PODC_EINVAL);
}

int podc_service_spec_add_volume(podc_service_spec *s, const char *name, const char *destination,
                                 const char *const *options, size_t n_options, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    const char *volume = name && *name ? name : NULL;
    return pdc_setter_result(err, __func__,
                             podc_container_spec_add_volume(s->container, volume, destination, options, n_options,
                                                            NULL));
}

int podc_service_spec_add_tmpfs(podc_service_spec *s, const char *destination, const char *const *options,
                                size_t n_options, podc_error **err)
{
    return pdc_setter_result(err, __func__,
                             s ? podc_container_spec_add_tmpfs(s->container, destination, options, n_options, NULL)
                               : PODC_EINVAL);
}

int podc_service_spec_add_bind_mount(podc_service_spec *s, const char *source, const char *destination,
                                     const char *const *options, size_t n_options, podc_error **err)
{
    if (!s || !source)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__,
                             podc_container_spec_add_bind_mount(s->container, source, destination, options, n_options,
                                                                NULL));
}

int podc_service_spec_add_label(podc_service_spec *s, const char *key, const char *value, podc_error **err)
{
    return pdc_setter_result(err, __func__, s && key && value ? podc_container_spec_add_label(s->container, key, value,
                                                                                              NULL) : PODC_EINVAL);
}

int podc_service_spec_set_command(podc_service_spec *s, const char *const *argv, size_t argc, podc_error **err)
{
    if (!s || !argv || argc == 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    for (size_t i = 0; i < argc; i++)
        if (!argv[i])
            return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, podc_container_spec_set_command(s->container, argv, argc, NULL));
}

int podc_service_spec_set_entrypoint(podc_service_spec *s, const char *const *argv, size_t argc, podc_error **err)
{
    if (!s || (!argv && argc))
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    for (size_t i = 0; i < argc; i++)
        if (!argv[i])
            return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, podc_container_spec_set_entrypoint(s->container, argv, argc, NULL));
}

int pdc_svc_spec_add_build_label(podc_service_spec *s, const char *key, const char *value)
{
    return s && key && value ? pdc_kvlist_set(&s->build_labels, key, value) : PODC_EINVAL;
}

int podc_service_spec_add_host(podc_service_spec *s, const char *hostname, const char *ip, podc_error **err)
{
    return pdc_setter_result(err, __func__, s && hostname && ip ? podc_container_spec_add_host(s->container, hostname,
                                                                                               ip, NULL) : PODC_EINVAL);
}

int podc_service_spec_add_depends_on(podc_service_spec *s, const char *name, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? pdc_strv_push(&s->depends, name) : PODC_EINVAL);
}

int podc_service_spec_set_startup_timeout(podc_service_spec *s, int64_t timeout_ms, podc_error **err)
{
    if (!s || timeout_ms <= 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    s->startup_timeout_ms = timeout_ms;
    return 0;
}

int podc_service_spec_set_poll_interval(podc_service_spec *s, int64_t initial_ms, int64_t max_ms, podc_error **err)
{
    if (!s || initial_ms < 1 || max_ms < initial_ms)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    s->poll_initial_ms = initial_ms;
    s->poll_max_ms = max_ms;
    return 0;
}

int podc_service_spec_set_keep_on_failure(podc_service_spec *s, int keep, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    s->keep_on_failure = keep != 0;
    return 0;
}

int podc_service_spec_set_memory_limit(podc_service_spec *s, int64_t bytes, podc_error **err)
{
    return pdc_setter_result(err, __func__,
                             s ? podc_container_spec_set_memory_limit(s->container, bytes, NULL) : PODC_EINVAL);
}

int podc_service_spec_set_session(podc_service_spec *s, const char *session, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? set_str(&s->session, session, 1) : PODC_EINVAL);
}

int podc_service_spec_set_progress(podc_service_spec *s, podc_service_progress_cb cb, void *userdata, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    s->progress = cb;
    s->progress_ud = userdata;
    return 0;
}

/* ---- checks ---- */

static pdc_svc_check *new_check(podc_service_spec *s, int kind)
{
    pdc_svc_check *k = realloc(s->checks, (s->n_checks + 1) * sizeof *k);
    if (!k)
        return NULL;
    s->checks = k;
    k = &s->checks[s->n_checks];
    memset(k, 0, sizeof *k);
    k->kind = kind;
    return k; /* counted by the caller once filled */
}

int podc_service_spec_add_check_http(podc_service_spec *s, int container_port, const char *path, int expected_status,
                                     const char *body_substring, int64_t per_try_timeout_ms, podc_error **err)
{
    if (!s || container_port < 1 || container_port > 65535 || expected_status < 0 || expected_status > 999)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    pdc_svc_check *k = new_check(s, PODC_SVC_CHECK_HTTP);
    if (!k)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    k->port = container_port;
    k->status = expected_status ? expected_status : 200;
    k->timeout_ms = per_try_timeout_ms > 0 ? per_try_timeout_ms : 1000;
    /* path always starts with '/' */
    const char *p = path ? path : "";
    if (asprintf(&k->path, "%s%s", *p == '/' ? "" : "/", p) < 0) {
        k->path = NULL;
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    if (body_substring && !(k->substr = strdup(body_substring))) {
        check_clear(k);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    s->n_checks++;
    return 0;
}

int podc_service_spec_add_check_tcp(podc_service_spec *s, int container_port, podc_error **err)
{
    if (!s || container_port < 1 || container_port > 65535)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    pdc_svc_check *k = new_check(s, PODC_SVC_CHECK_TCP);
    if (!k)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    k->port = container_port;
    s->n_checks++;
    return 0;
}

int podc_service_spec_add_check_tcp_exchange(podc_service_spec *s, int container_port, const char *send,
                                             const char *expect, int64_t per_try_timeout_ms, podc_error **err)
{
    if (!s || container_port < 1 || container_port > 65535 || !send || !*send || !expect || !*expect)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    pdc_svc_check *k = new_check(s, PODC_SVC_CHECK_TCP);
    if (!k)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    k->port = container_port;
    k->timeout_ms = per_try_timeout_ms > 0 ? per_try_timeout_ms : 1000;
    if (!(k->path = strdup(send)) || !(k->substr = strdup(expect))) {
        check_clear(k);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    s->n_checks++;
    return 0;
}

int podc_service_spec_add_check_exec(podc_service_spec *s, const char *const *argv, size_t argc,
                                     const char *stdout_substring, int64_t per_try_timeout_ms, podc_error **err)
{
    if (!s || !argv || argc == 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    for (size_t i = 0; i < argc; i++)
        if (!argv[i])
            return pdc_setter_result(err, __func__, PODC_EINVAL);
    pdc_svc_check *k = new_check(s, PODC_SVC_CHECK_EXEC);
    if (!k)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    k->timeout_ms = per_try_timeout_ms > 0 ? per_try_timeout_ms : 5000;
    if (pdc_strv_set(&k->argv, argv, argc) < 0 || (stdout_substring && !(k->substr = strdup(stdout_substring)))) {
        check_clear(k);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    s->n_checks++;
    return 0;
}

int podc_service_spec_add_check_log(podc_service_spec *s, const char *regex, int times, podc_error **err)
{
    if (!s || !regex || times < 1)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    pdc_svc_check *k = new_check(s, PODC_SVC_CHECK_LOG);
    if (!k)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    k->times = times;
    if (!(k->regex = strdup(regex)))
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    s->n_checks++;
    return 0;
}

int podc_service_spec_add_check_podman(podc_service_spec *s, const char *shell_command, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    pdc_svc_check *k = new_check(s, PODC_SVC_CHECK_PODMAN);
    if (!k)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    if (shell_command && !(k->shell = strdup(shell_command)))
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    s->n_checks++;
    return 0;
}

/* ---- validation ---- */

static int published(const podc_service_spec *s, int port)
{
    for (size_t i = 0; i < s->n_ports; i++)
        if (s->ports[2 * i] == port)
            return 1;
    return 0;
}

static int valid_session(const char *v)
{
    if (!*v)
        return 0;
    for (const char *p = v; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '.' || *p == '-'))
            return 0;
    return 1;
}

int podc_service_spec_validate(const podc_service_spec *s, podc_error **err)
{
    if (!s)
        return pdc_error_invalid(err, "spec", "service spec is NULL");
    if (!s->name)
        return pdc_error_invalid(err, "name", "service spec: a name is required");
    int rc;
    if ((rc = pdc_validate_name("name", s->name, err)) < 0)
        return rc;
    if (!s->image)
        return pdc_error_invalid(err, "image", "service %s: an image is required", s->name);
    if ((rc = pdc_validate_image("image", s->image, err)) < 0)
        return rc;
    if (s->has_build && !*s->build_ctx)
        return pdc_error_invalid(err, "build", "service %s: empty build context", s->name);
    for (size_t i = 0; i < s->build_args.n; i++)
        if ((rc = pdc_validate_env_key("build_args", s->build_args.keys[i], err)) < 0)
            return rc;
    const pdc_kvlist *labels = pdc_container_spec_labels(s->container);
    for (size_t i = 0; i < labels->n; i++)
        if (strcmp(labels->keys[i], PODC_SERVICE_LABEL_SESSION) == 0 ||
            strcmp(labels->keys[i], PODC_SERVICE_LABEL_MANAGED) == 0)
            return pdc_error_invalid(err, "labels", "service %s: label %s is reserved", s->name, labels->keys[i]);
    if (s->network && (rc = pdc_validate_name("network", s->network, err)) < 0)
        return rc;
    if (s->aliases.n && !s->network)
        return pdc_error_invalid(err, "aliases", "service %s: network aliases need a network", s->name);
    for (size_t i = 0; i < s->aliases.n; i++)
        if ((rc = pdc_validate_name("aliases", s->aliases.v[i], err)) < 0)
            return rc;
    for (size_t i = 0; i < s->depends.n; i++) {
        if ((rc = pdc_validate_name("depends_on", s->depends.v[i], err)) < 0)
            return rc;
        if (strcmp(s->depends.v[i], s->name) == 0)
            return pdc_error_invalid(err, "depends_on", "service %s depends on itself", s->name);
    }
    for (size_t i = 0; i < pdc_container_spec_mount_count(s->container); i++) {
        const char *source;
        int bind;
        const char *dest = pdc_container_spec_mount_at(s->container, i, &source, &bind);
        if (dest[0] != '/')
            return pdc_error_invalid(err, "mounts", "service %s: mount destination \"%s\" is not absolute", s->name,
                                     dest);
        if (bind && source[0] != '/')
            return pdc_error_invalid(err, "mounts", "service %s: bind source \"%s\" is not absolute", s->name,
                                     source);
    }
    if (s->session && !valid_session(s->session))
        return pdc_error_invalid(err, "session", "service %s: session \"%s\" must match [a-zA-Z0-9_.-]+", s->name,
                                 s->session);
    int podman_checks = 0;
    for (size_t i = 0; i < s->n_checks; i++) {
        const pdc_svc_check *k = &s->checks[i];
        if ((k->kind == PODC_SVC_CHECK_HTTP || k->kind == PODC_SVC_CHECK_TCP) && !published(s, k->port))
            return pdc_error_invalid(err, "checks",
                                     "service %s: the %s check uses container port %d, which is not published "
                                      "(podc_service_spec_add_port)",
                                      s->name, k->kind == PODC_SVC_CHECK_HTTP ? "HTTP" : "TCP", k->port);
        if (k->kind == PODC_SVC_CHECK_LOG) {
            regex_t re;
            int rrc = regcomp(&re, k->regex, REG_EXTENDED | REG_NOSUB);
            if (rrc != 0) {
                char msg[128];
                regerror(rrc, &re, msg, sizeof msg);
                return pdc_error_invalid(err, "checks", "service %s: log check regex \"%s\": %s", s->name, k->regex,
                                         msg);
            }
            regfree(&re);
        }
        if (k->kind == PODC_SVC_CHECK_PODMAN && ++podman_checks > 1)
            return pdc_error_invalid(err, "checks", "service %s: only one podman health check", s->name);
    }
    /* the container spec checks the rest (host entries, option strings) */
    podc_container_spec *cs = NULL;
    rc = pdc_svc_container_spec(s, pdc_svc_session_of(s), &cs, err);
    if (rc == 0)
        rc = podc_container_spec_validate(cs, err);
    podc_container_spec_free(cs);
    return rc;
}

const char *pdc_svc_session_of(const podc_service_spec *s)
{
    return s->session ? s->session : podc_service_default_session();
}

int pdc_svc_container_spec(const podc_service_spec *s, const char *session, podc_container_spec **out,
                           podc_error **err)
{
    /* the container spec the service holds, with what is the service's own: name, image,
     * ports, network, the session labels */
    podc_container_spec *cs = pdc_container_spec_clone(s->container);
    if (!cs)
        return pdc_error_oom(err);
    int rc = 0;
    rc = rc ? rc : podc_container_spec_set_name(cs, s->name, NULL);
    rc = rc ? rc : podc_container_spec_set_image(cs, s->image, NULL);
    rc = rc ? rc : podc_container_spec_add_label(cs, PODC_SERVICE_LABEL_SESSION, session, NULL);
    rc = rc ? rc : podc_container_spec_add_label(cs, PODC_SERVICE_LABEL_MANAGED, "true", NULL);
    for (size_t i = 0; !rc && i < s->n_ports; i++)
        rc = podc_container_spec_add_port(cs, s->ports[2 * i], s->ports[2 * i + 1], "tcp", s->port_ips[i], NULL);
    if (!rc && s->network)
        rc = podc_container_spec_add_network(cs, s->network, (const char *const *)s->aliases.v, s->aliases.n, NULL);
    for (size_t i = 0; !rc && i < s->n_checks; i++) {
        const pdc_svc_check *k = &s->checks[i];
        if (k->kind != PODC_SVC_CHECK_PODMAN || !k->shell)
            continue;
        rc = podc_container_spec_set_healthcheck_shell(cs, k->shell, NULL);
        /* start period 0 and one retry: each run we trigger counts at once */
        rc = rc ? rc : podc_container_spec_set_healthcheck_timing(cs, PODMAN_HC_INTERVAL_MS, PODMAN_HC_TIMEOUT_MS, 0,
                                                                  1, NULL);
    }
    if (rc) {
        podc_container_spec_free(cs);
        return rc == PODC_ENOMEM ? pdc_error_oom(err)
                                 : pdc_error_invalid(err, "spec", "service %s: invalid container spec", s->name);
    }
    *out = cs;
    return 0;
}
