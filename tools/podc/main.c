/*
 * podc - command-line tool over libpodc (no shelling out: everything goes through the API).
 * This first cut has `version` and `info`; the stack, container and cleanup commands follow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "podc.h"

/* Exit codes per error category, documented in usage(). */
static int exit_code_for(int rc)
{
    switch (rc) {
    case 0: return 0;
    case PODC_EINVAL: return 2;
    case PODC_ETRANSPORT: return 3;
    case PODC_ETIMEOUT: return 4;
    case PODC_ENOTFOUND: return 5;
    case PODC_ECONFLICT: return 6;
    case PODC_EHEALTH: return 7;
    case PODC_EBUILD: return 8;
    case PODC_ECANCELLED: return 130;
    default: return 1;
    }
}

static void usage(FILE *out)
{
    fprintf(out, "usage: podc [--json] [--socket URI] COMMAND\n"
                 "commands:\n"
                 "  version   client, server and API versions, the socket used and how it was found\n"
                 "  info      the service's runtime, network backend, cgroups, storage\n"
                 "exit codes: 0 ok, 1 other error, 2 invalid input, 3 service unreachable, 4 timeout,\n"
                 "            5 not found, 6 conflict, 7 health check failed, 8 build failed, 130 cancelled\n");
}

static int fail(int rc, podc_error *err, int json)
{
    if (json) {
        char *j = podc_error_to_json(err);
        fprintf(stderr, "%s\n", j ? j : "{}");
        podc_free(j);
    } else {
        fprintf(stderr, "podc: %s\n", err ? podc_error_message(err) : podc_strerror(rc));
    }
    podc_error_free(err);
    return exit_code_for(rc);
}

static void json_str(const char *key, const char *val, int last)
{
    printf("\"%s\":", key);
    if (!val) {
        printf("null");
    } else {
        putchar('"');
        for (const char *p = val; *p; p++) {
            if (*p == '"' || *p == '\\')
                printf("\\%c", *p);
            else if ((unsigned char)*p < 0x20)
                printf("\\u%04x", *p);
            else
                putchar(*p);
        }
        putchar('"');
    }
    if (!last)
        putchar(',');
}

static int cmd_version(podc_client *c, int json)
{
    podc_version *v = NULL;
    podc_error *err = NULL;
    int rc = podc_version_get(c, &v, &err);
    if (rc < 0)
        return fail(rc, err, json);
    if (json) {
        putchar('{');
        json_str("client", podc_library_version(), 0);
        json_str("server", podc_version_server(v), 0);
        json_str("api_version", podc_version_api(v), 0);
        json_str("min_api_version", podc_version_min_api(v), 0);
        json_str("socket", podc_client_socket_path(c), 0);
        json_str("socket_source", podc_client_socket_source(c), 1);
        printf("}\n");
    } else {
        printf("client:       podc %s\n", podc_library_version());
        printf("server:       podman %s (%s)\n", podc_version_server(v), podc_version_os_arch(v));
        printf("libpod API:   %s (minimum %s)\n", podc_version_api(v), podc_version_min_api(v));
        printf("socket:       %s (found via %s)\n", podc_client_socket_path(c), podc_client_socket_source(c));
    }
    podc_version_free(v);
    return 0;
}

static int cmd_info(podc_client *c, int json)
{
    podc_info *i = NULL;
    podc_error *err = NULL;
    int rc = podc_info_get(c, &i, &err);
    if (rc < 0)
        return fail(rc, err, json);
    if (json) {
        fputs(podc_info_json(i), stdout);
    } else {
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

int main(int argc, char **argv)
{
    int json = 0;
    const char *uri = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            uri = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[i];
    if (strcmp(cmd, "version") != 0 && strcmp(cmd, "info") != 0) {
        fprintf(stderr, "podc: unknown command \"%s\"\n", cmd);
        usage(stderr);
        return 2;
    }

    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    podc_client *c = NULL;
    podc_error *err = NULL;
    int rc = podc_client_new(&c, &o, &err);
    if (rc < 0)
        return fail(rc, err, json);
    int code = strcmp(cmd, "version") == 0 ? cmd_version(c, json) : cmd_info(c, json);
    podc_client_free(c);
    return code;
}
