/*
 * cmd_system.c - `podc version` and `podc info`.
 */
#include <string.h>

#include "tool.h"

/* Which service, where, and why that one. */
static void endpoint_json(const tool *t)
{
    podc_jw_str("uri", podc_client_uri(t->c));
    podc_jw_str("scheme", podc_client_scheme(t->c));
    podc_jw_str("socket", podc_client_socket_path(t->c));
    podc_jw_str("host", podc_client_host(t->c));
    podc_jw_str("socket_source", podc_client_socket_source(t->c));
}

static void endpoint_human(const tool *t, int width)
{
    printf("%-*s%s (%s, found via %s)\n", width, "service:", podc_client_uri(t->c), podc_client_scheme(t->c),
           podc_client_socket_source(t->c));
    printf("%-*s%s\n", width, "ports on:", podc_client_host(t->c));
}

int podc_cmd_version(tool *t, int argc, char **argv)
{
    if (argc > 1)
        return podc_tool_usage_error(t, "version takes no arguments (got \"%s\")", argv[1]);
    podc_version *v = NULL;
    podc_error *err = NULL;
    int rc = podc_version_get(t->c, &v, &err);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("client", podc_library_version());
        podc_jw_str("server", podc_version_server(v));
        podc_jw_str("api_version", podc_version_api(v));
        podc_jw_str("min_api_version", podc_version_min_api(v));
        podc_jw_str("os_arch", podc_version_os_arch(v));
        endpoint_json(t);
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("client:       podc %s\n", podc_library_version());
        printf("server:       podman %s (%s)\n", podc_version_server(v), podc_version_os_arch(v));
        printf("libpod API:   %s (minimum %s)\n", podc_version_api(v), podc_version_min_api(v));
        endpoint_human(t, 14);
    }
    podc_version_free(v);
    return 0;
}

int podc_cmd_info(tool *t, int argc, char **argv)
{
    if (argc > 1)
        return podc_tool_usage_error(t, "info takes no arguments (got \"%s\")", argv[1]);
    podc_info *i = NULL;
    podc_error *err = NULL;
    int rc = podc_info_get(t->c, &i, &err);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("client", podc_library_version());
        endpoint_json(t);
        podc_jw_raw("server", podc_info_json(i));
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("client:          podc %s\n", podc_library_version());
        endpoint_human(t, 17);
        printf("podman:          %s (API %s)\n", podc_info_version(i), podc_info_api_version(i));
        printf("OCI runtime:     %s\n", podc_info_oci_runtime(i));
        printf("network backend: %s\n", podc_info_network_backend(i));
        printf("cgroups:         %s\n", podc_info_cgroup_version(i));
        printf("log driver:      %s\n", podc_info_log_driver(i));
        printf("rootless:        %s\n", podc_info_rootless(i) == 1 ? "yes" : "no");
        printf("graph root:      %s\n", podc_info_graph_root(i));
    }
    podc_info_free(i);
    return 0;
}
