/*
 * cmd_service.c - `podc run SPEC.json`: a service from a JSON spec (podc/service.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static void print_service(const tool *t, const podc_service *svc)
{
    podc_container_info *info = NULL;
    /* the published ports come from inspect: the handle answers per container port only */
    podc_container_inspect(t->c, podc_service_id(svc), &info, NULL);
    size_t np = info ? podc_container_info_port_count(info) : 0;
    /* published on the service's host: 127.0.0.1 locally, the remote host over tcp:// or ssh:// */
    const char *h = podc_service_host(svc);
    char host[300];
    snprintf(host, sizeof host, strchr(h, ':') ? "[%s]" : "%s", h);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("name", podc_service_name(svc));
        podc_jw_str("id", podc_service_id(svc));
        podc_jw_str("network", podc_service_network(svc));
        podc_jw_str("ip", podc_service_ip(svc));
        podc_jw_str("session", podc_service_session(svc));
        podc_jw_str("host", h);
        podc_jw_int("startup_ms", podc_service_startup_ms(svc));
        podc_jw_begin_array("ports");
        for (size_t k = 0; k < np; k++) {
            const podc_port *p = podc_container_info_port_at(info, k);
            char url[400];
            snprintf(url, sizeof url, "http://%s:%d", host, podc_port_host_port(p));
            podc_jw_begin_object(NULL);
            podc_jw_int("container", podc_port_container_port(p));
            podc_jw_int("host", podc_port_host_port(p));
            podc_jw_str("protocol", podc_port_protocol(p));
            podc_jw_str("url", url);
            podc_jw_end_object();
        }
        podc_jw_end_array();
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("%s is up (%.3fs), id %.12s, session %s\n", podc_service_name(svc),
               podc_service_startup_ms(svc) / 1000.0, podc_service_id(svc), podc_service_session(svc));
        if (podc_service_network(svc))
            printf("  network: %s (ip %s)\n", podc_service_network(svc),
                   podc_service_ip(svc) ? podc_service_ip(svc) : "?");
        for (size_t k = 0; k < np; k++) {
            const podc_port *p = podc_container_info_port_at(info, k);
            printf("  port %d/%s: http://%s:%d\n", podc_port_container_port(p), podc_port_protocol(p), host,
                   podc_port_host_port(p));
        }
        printf("  stop it: podc stop %s\n", podc_service_name(svc));
    }
    podc_container_info_free(info);
}

int podc_cmd_run(tool *t, int argc, char **argv)
{
    const char *path = NULL, *session = NULL;
    podc_image_pull_options *pull = podc_image_pull_options_new(), *cli = podc_image_pull_options_new();
    unsigned int flags = 0, cli_flags = 0;
    int rc = pull && cli ? 0 : podc_tool_fail(t, PODC_ENOMEM, NULL), cli_pull = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *v = NULL;
        int m;
        if (podc_tool_pull_arg(t, argc, argv, &i, "--pull", cli, &cli_flags, &rc)) {
            cli_pull = 1;
        } else if ((m = podc_arg_value(argc, argv, &i, "--session", &v)) != 0) {
            if (m < 0)
                rc = podc_tool_usage_error(t, "--session needs an ID");
            session = v;
        } else if ((argv[i][0] != '-' || strcmp(argv[i], "-") == 0) && !path) {
            path = argv[i];
        } else {
            rc = podc_tool_usage_error(t, "run: unexpected argument \"%s\"", argv[i]);
        }
    }
    if (rc == 0 && !path)
        rc = podc_tool_usage_error(t, "run needs a SPEC.json file");
    podc_service_spec *spec = NULL;
    char field[64], msg[512];
    char name[256] = "";
    if (rc == 0) {
        rc = podc_spec_from_json_file(path, &spec, pull, &flags, name, sizeof name, field, sizeof field, msg,
                                      sizeof msg);
        if (rc == PODC_EINVAL)
            rc = podc_tool_invalid(t, field, msg);
        else if (rc == PODC_EFILE)
            rc = podc_tool_local_file(t, path, msg);
        else if (rc < 0)
            rc = podc_tool_fail(t, rc, NULL);
    }
    /* registry flags on the command line win over the spec's "pull" and "tls_verify" */
    podc_image_pull_options *use = cli_pull ? cli : pull;
    if (rc == 0 && (podc_image_pull_options_set_flags(use, cli_pull ? cli_flags : flags, NULL) < 0 ||
                    podc_service_spec_set_pull_options(spec, use, NULL) < 0))
        rc = podc_tool_fail(t, PODC_ENOMEM, NULL);
    podc_image_pull_options_free(pull);
    podc_image_pull_options_free(cli);
    if (rc != 0) {
        podc_service_spec_free(spec);
        return rc;
    }
    if (session && podc_service_spec_set_session(spec, session, NULL) < 0) {
        podc_service_spec_free(spec);
        return podc_tool_invalid(t, "session", "invalid --session");
    }
    podc_service_spec_set_progress(spec, podc_out_progress, t, NULL);
    podc_error *err = NULL;
    rc = podc_service_spec_validate(spec, &err);
    podc_service *svc = NULL;
    if (rc == 0)
        rc = podc_service_start(t->c, spec, &svc, &err);
    podc_out_progress_done();
    podc_service_spec_free(spec);
    if (podc_tool_interrupted()) {
        /* a cancelled start removed what it created (or says what it could not); a start
         * that finished just before the signal is undone here */
        const char *left = err ? podc_error_detail(err, "not_removed") : NULL;
        if (svc && podc_service_stop(t->c, svc, 0, NULL) < 0)
            left = podc_service_name(svc);
        if (left)
            fprintf(stderr, "podc: interrupted; could not remove %s (podc cleanup --session %s)\n", left,
                    svc ? podc_service_session(svc) : podc_error_detail(err, "session"));
        else
            fprintf(stderr, "podc: interrupted; the service's container was removed\n");
        podc_service_free(svc);
        podc_error_free(err);
        return 130;
    }
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    print_service(t, svc);
    podc_service_free(svc);
    return 0;
}
