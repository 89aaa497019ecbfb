/*
 * cmd_ds.c - `podc ds up|down|status`: the DataStorage stack (podc/datastorage.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char *const component_names[] = { "postgres", "redis", "datastorage" };

static void print_stack(const tool *t, const podc_ds_stack *s)
{
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("service", podc_ds_stack_service(s));
        podc_jw_str("network", podc_ds_stack_network(s));
        podc_jw_begin_object("containers");
        for (int i = 0; i < 3; i++)
            podc_jw_str(component_names[i], podc_ds_stack_container(s, (podc_ds_component)i));
        podc_jw_end_object();
        podc_jw_begin_object("ports");
        static const char *const ports[] = { "postgres", "redis", "api", "metrics", "health" };
        for (int i = 0; i < 5; i++)
            podc_jw_int(ports[i], podc_ds_stack_port(s, (podc_ds_port)i));
        podc_jw_end_object();
        /* the DSN is always the masked one: output is logged, passwords are not */
        podc_jw_str("postgres_dsn", podc_ds_stack_postgres_dsn_masked(s));
        podc_jw_str("redis_addr", podc_ds_stack_redis_addr(s));
        podc_jw_str("api_url", podc_ds_stack_api_url(s));
        podc_jw_str("health_url", podc_ds_stack_health_url(s));
        podc_jw_str("metrics_url", podc_ds_stack_metrics_url(s));
        podc_jw_int("up_ms", podc_ds_stack_up_ms(s));
        podc_jw_bool("reused", podc_ds_stack_reused(s));
        podc_jw_end_object();
        podc_jw_end();
        return;
    }
    printf("stack %s is up (%.3fs%s)\n", podc_ds_stack_service(s), podc_ds_stack_up_ms(s) / 1000.0,
           podc_ds_stack_reused(s) ? ", reused: data reset" : "");
    printf("  network:      %s\n", podc_ds_stack_network(s));
    printf("  postgres:     %s\n", podc_ds_stack_postgres_dsn_masked(s));
    if (podc_ds_stack_redis_addr(s))
        printf("  redis:        %s\n", podc_ds_stack_redis_addr(s));
    printf("  api:          %s\n", podc_ds_stack_api_url(s));
    printf("  health:       %s\n", podc_ds_stack_health_url(s));
    printf("  metrics:      %s\n", podc_ds_stack_metrics_url(s));
    printf("  containers:  ");
    for (int i = 0; i < 3; i++)
        if (podc_ds_stack_container(s, (podc_ds_component)i))
            printf(" %s", podc_ds_stack_container(s, (podc_ds_component)i));
    printf("\n  take it down: podc ds down %s\n", podc_ds_stack_service(s));
}

/* ds_up() owns the registry options, so that every early return of this one frees them. */
static int ds_up_with(tool *t, int argc, char **argv, podc_image_pull_options *pull)
{
    static const struct {
        const char *flag;
        podc_ds_port port;
    } port_flags[] = { { "--postgres-port", PODC_DS_PORT_POSTGRES },
                       { "--redis-port", PODC_DS_PORT_REDIS },
                       { "--api-port", PODC_DS_PORT_API },
                       { "--metrics-port", PODC_DS_PORT_METRICS },
                       { "--health-port", PODC_DS_PORT_HEALTH } };
    static const struct {
        const char *flag;
        podc_ds_component which;
    } image_flags[] = { { "--postgres-image", PODC_DS_POSTGRES },
                        { "--redis-image", PODC_DS_REDIS },
                        { "--datastorage-image", PODC_DS_DATASTORAGE } };
    const char *preset = NULL, *service = NULL, *migrations = NULL, *config_dir = NULL, *build_ctx = NULL,
               *containerfile = NULL, *session = NULL, *images[3] = { NULL, NULL, NULL };
    int ports[5] = { -1, -1, -1, -1, -1 };
    int skip_redis = 0, build_always = 0, durable = 0, reuse = 0;
    long long timeout = -1;
    const char *envs[64];
    size_t nenv = 0;

    unsigned int pull_flags = 0;
    for (int i = 2; i < argc; i++) {
        const char *v = NULL;
        int m = 0, known = 0, prc = 0;
        if (podc_tool_pull_arg(t, argc, argv, &i, "--pull", pull, &pull_flags, &prc)) {
            if (prc != 0)
                return prc;
            continue;
        }
        if (strcmp(argv[i], "--skip-redis") == 0) {
            skip_redis = 1;
            continue;
        }
        if (strcmp(argv[i], "--build-always") == 0) {
            build_always = 1;
            continue;
        }
        if (strcmp(argv[i], "--durable-postgres") == 0) {
            durable = 1;
            continue;
        }
        if (strcmp(argv[i], "--reuse") == 0) {
            reuse = 1;
            continue;
        }
        for (size_t k = 0; k < 5 && !known; k++) {
            if ((m = podc_arg_value(argc, argv, &i, port_flags[k].flag, &v)) != 0) {
                known = 1;
                long long p;
                if (m < 0 || podc_arg_int(v, 0, 65535, &p) < 0)
                    return podc_tool_usage_error(t, "%s needs a port number 0-65535", port_flags[k].flag);
                ports[port_flags[k].port] = (int)p;
            }
        }
        for (size_t k = 0; k < 3 && !known; k++) {
            if ((m = podc_arg_value(argc, argv, &i, image_flags[k].flag, &v)) != 0) {
                known = 1;
                if (m < 0)
                    return podc_tool_usage_error(t, "%s needs an image", image_flags[k].flag);
                images[image_flags[k].which] = v;
            }
        }
        if (known)
            continue;
        struct {
            const char *flag;
            const char **dst;
        } strs[] = { { "--preset", &preset },         { "--service", &service },
                     { "--migrations", &migrations }, { "--config-dir", &config_dir },
                     { "--build-context", &build_ctx }, { "--containerfile", &containerfile },
                     { "--session", &session } };
        for (size_t k = 0; k < sizeof strs / sizeof *strs && !known; k++) {
            if ((m = podc_arg_value(argc, argv, &i, strs[k].flag, &v)) != 0) {
                known = 1;
                if (m < 0)
                    return podc_tool_usage_error(t, "%s needs a value", strs[k].flag);
                *strs[k].dst = v;
            }
        }
        if (known)
            continue;
        if ((m = podc_arg_value(argc, argv, &i, "--env", &v)) != 0) {
            if (m < 0 || !strchr(v, '=') || v[0] == '=')
                return podc_tool_usage_error(t, "--env needs KEY=VALUE");
            if (nenv == sizeof envs / sizeof *envs)
                return podc_tool_usage_error(t, "too many --env options");
            envs[nenv++] = v;
            continue;
        }
        if ((m = podc_arg_value(argc, argv, &i, "--timeout", &v)) != 0) {
            if (m < 0 || podc_arg_int(v, 1, INT64_MAX / 2, &timeout) < 0)
                return podc_tool_usage_error(t, "--timeout needs milliseconds > 0");
            continue;
        }
        return podc_tool_usage_error(t, "ds up: unknown argument \"%s\"", argv[i]);
    }
    if (!service)
        service = preset;
    if (!service)
        return podc_tool_usage_error(t, "ds up needs --preset SUITE or --service NAME");

    podc_ds_config *cfg = podc_ds_config_new(service);
    if (!cfg)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    podc_error *err = NULL;
    int rc = 0;
    if (preset && (rc = podc_ds_config_set_preset(cfg, preset, NULL)) < 0) {
        podc_ds_config_free(cfg);
        char names[512] = "";
        for (size_t k = 0; k < podc_ds_preset_count(); k++) {
            strncat(names, k ? ", " : "", sizeof names - strlen(names) - 1);
            strncat(names, podc_ds_preset_name_at(k), sizeof names - strlen(names) - 1);
        }
        char msg[700];
        snprintf(msg, sizeof msg, "unknown preset \"%s\" (known: %s)", preset, names);
        return podc_tool_invalid(t, "preset", msg);
    }
    for (int k = 0; k < 5 && rc == 0; k++)
        if (ports[k] >= 0)
            rc = podc_ds_config_set_port(cfg, (podc_ds_port)k, ports[k], NULL);
    for (int k = 0; k < 3 && rc == 0; k++)
        if (images[k])
            rc = podc_ds_config_set_image(cfg, (podc_ds_component)k, images[k], NULL);
    if (rc == 0 && migrations)
        rc = podc_ds_config_set_migrations_dir(cfg, migrations, NULL);
    if (rc == 0 && config_dir)
        rc = podc_ds_config_set_config_dir(cfg, config_dir, NULL);
    if (rc == 0 && build_ctx)
        rc = podc_ds_config_set_build(cfg, build_ctx, containerfile, build_always, NULL);
    if (rc == 0 && skip_redis)
        rc = podc_ds_config_set_skip_redis(cfg, 1, NULL);
    if (rc == 0 && durable)
        rc = podc_ds_config_set_postgres_durable(cfg, 1, NULL);
    if (rc == 0 && reuse)
        rc = podc_ds_config_set_reuse(cfg, 1, NULL);
    if (rc == 0 && timeout > 0)
        rc = podc_ds_config_set_timeout(cfg, timeout, NULL);
    if (rc == 0 && session)
        rc = podc_ds_config_set_session(cfg, session, NULL);
    if (rc == 0)
        rc = podc_image_pull_options_set_flags(pull, pull_flags, NULL);
    if (rc == 0)
        rc = podc_ds_config_set_pull_options(cfg, pull, NULL);
    for (size_t k = 0; k < nenv && rc == 0; k++) {
        char *key = NULL;
        const char *val = NULL;
        if (podc_arg_kv(envs[k], &key, &val) < 0) {
            rc = PODC_ENOMEM;
            break;
        }
        if (podc_out_key_is_secret(key))
            podc_out_add_secret(val);
        rc = podc_ds_config_add_env(cfg, key, val, NULL);
        free(key);
    }
    /* the default Postgres password must never be shown either */
    podc_out_add_secret("test_password");
    /* steps go to stderr in both modes: with --json stdout stays one document */
    if (rc == 0)
        rc = podc_ds_config_set_progress(cfg, podc_out_progress, t, NULL);
    if (rc < 0) {
        podc_ds_config_free(cfg);
        return rc == PODC_EINVAL ? podc_tool_usage_error(t, "invalid ds up option") : podc_tool_fail(t, rc, NULL);
    }

    podc_ds_stack *stack = NULL;
    rc = podc_ds_up(t->c, cfg, &stack, &err);
    podc_out_progress_done();
    podc_ds_config_free(cfg);
    if (podc_tool_interrupted()) {
        /* a cancelled up removed what it created (or says what it could not); an up that
         * finished just before the signal is taken down here */
        const char *left = err ? podc_error_detail(err, "not_removed") : NULL;
        if (stack && podc_ds_down(t->c, service, 0, NULL) < 0)
            left = service;
        if (left)
            fprintf(stderr, "podc: interrupted; could not remove %s (podc ds down %s)\n", left, service);
        else
            fprintf(stderr, "podc: interrupted; stack %s removed\n", service);
        podc_ds_stack_free(stack);
        podc_error_free(err);
        return 130;
    }
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    print_stack(t, stack);
    podc_ds_stack_free(stack);
    return 0;
}

static int ds_down(tool *t, int argc, char **argv)
{
    const char *name = NULL;
    int preserve = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--preserve-image") == 0)
            preserve = 1;
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else
            return podc_tool_usage_error(t, "ds down: unexpected argument \"%s\"", argv[i]);
    }
    if (!name)
        return podc_tool_usage_error(t, "ds down needs the stack's NAME");
    podc_error *err = NULL;
    int rc = podc_ds_down(t->c, name, preserve, &err);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("service", name);
        podc_jw_bool("down", 1);
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("stack %s is down\n", name);
    }
    return 0;
}

static int ds_status(tool *t, int argc, char **argv)
{
    if (argc != 3 || argv[2][0] == '-')
        return podc_tool_usage_error(t, "ds status needs exactly the stack's NAME");
    const char *name = argv[2];
    char label[512];
    snprintf(label, sizeof label, "%s=%s", PODC_DS_LABEL_STACK, name);
    podc_filters *f = podc_filters_new();
    podc_container_list *l = NULL;
    podc_error *err = NULL;
    int rc = f ? podc_filters_add(f, "label", label, NULL) : PODC_ENOMEM;
    if (rc == 0)
        rc = podc_container_list_get(t->c, f, PODC_CONTAINER_LIST_ALL, &l, &err);
    podc_filters_free(f);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    char net[512];
    snprintf(net, sizeof net, "%s_test_network", name);
    int net_exists = 0;
    podc_network_exists(t->c, net, &net_exists, NULL);
    size_t n = podc_container_list_count(l);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("service", name);
        podc_jw_str("network", net);
        podc_jw_bool("network_exists", net_exists);
        podc_jw_begin_array("containers");
        for (size_t i = 0; i < n; i++) {
            const podc_container_summary *s = podc_container_list_at(l, i);
            podc_jw_begin_object(NULL);
            podc_jw_str("name", podc_container_summary_name(s));
            podc_jw_str("component", podc_container_summary_label(s, "podc.ds.component"));
            podc_jw_str("id", podc_container_summary_id(s));
            podc_jw_str("image", podc_container_summary_image(s));
            podc_jw_str("state", podc_container_summary_state(s));
            podc_jw_str("health", podc_container_summary_health(s));
            podc_out_json_ports(s);
            podc_jw_end_object();
        }
        podc_jw_end_array();
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("stack %s: %zu container%s, network %s %s\n", name, n, n == 1 ? "" : "s", net,
               net_exists ? "exists" : "missing");
        if (n)
            printf("%-36s %-12s %-10s %-10s %s\n", "NAME", "COMPONENT", "STATE", "HEALTH", "PORTS");
        for (size_t i = 0; i < n; i++) {
            const podc_container_summary *s = podc_container_list_at(l, i);
            const char *comp = podc_container_summary_label(s, "podc.ds.component");
            const char *h = podc_container_summary_health(s);
            printf("%-36s %-12s %-10s %-10s ", podc_container_summary_name(s), comp ? comp : "-",
                   podc_container_summary_state(s), h && *h ? h : "-");
            podc_out_ports_human(s);
            putchar('\n');
        }
    }
    podc_container_list_free(l);
    return 0;
}

static int ds_up(tool *t, int argc, char **argv)
{
    podc_image_pull_options *pull = podc_image_pull_options_new();
    if (!pull)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    int rc = ds_up_with(t, argc, argv, pull);
    podc_image_pull_options_free(pull);
    return rc;
}

int podc_cmd_ds(tool *t, int argc, char **argv)
{
    if (argc < 2)
        return podc_tool_usage_error(t, "ds needs a subcommand: up, down or status");
    if (strcmp(argv[1], "up") == 0)
        return ds_up(t, argc, argv);
    if (strcmp(argv[1], "down") == 0)
        return ds_down(t, argc, argv);
    if (strcmp(argv[1], "status") == 0)
        return ds_status(t, argc, argv);
    return podc_tool_usage_error(t, "unknown ds subcommand \"%s\"", argv[1]);
}
