/*
 * cmd_build.c - `podc build DIR -t TAG [-f FILE] [--build-arg K=V]... [--no-cache] [--pull POLICY]`.
 */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* Build output lines become progress lines (stderr), so --json keeps stdout clean. */
static int build_progress(const char *data, size_t len, void *userdata)
{
    (void)len;
    return podc_out_progress(data, userdata);
}

int podc_cmd_build(tool *t, int argc, char **argv)
{
    const char *dir = NULL;
    const char *tags[16];
    size_t ntags = 0;
    podc_image_build_options *o = podc_image_build_options_new();
    if (!o)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *v = NULL;
        int m;
        if ((m = podc_arg_value(argc, argv, &i, "-t", &v)) != 0 ||
            (m = podc_arg_value(argc, argv, &i, "--tag", &v)) != 0) {
            if (m < 0 || ntags == sizeof tags / sizeof *tags) {
                podc_image_build_options_free(o);
                return podc_tool_usage_error(t, "-t needs a TAG (at most 16)");
            }
            tags[ntags++] = v;
            rc = podc_image_build_options_add_tag(o, v, NULL);
        } else if ((m = podc_arg_value(argc, argv, &i, "-f", &v)) != 0 ||
                   (m = podc_arg_value(argc, argv, &i, "--file", &v)) != 0) {
            rc = m < 0 ? PODC_EINVAL : podc_image_build_options_set_containerfile(o, v, NULL);
        } else if ((m = podc_arg_value(argc, argv, &i, "--build-arg", &v)) != 0) {
            char *key = NULL;
            const char *val = NULL;
            if (m < 0 || podc_arg_kv(v, &key, &val) < 0) {
                podc_image_build_options_free(o);
                return podc_tool_usage_error(t, "--build-arg needs KEY=VALUE");
            }
            if (podc_out_key_is_secret(key))
                podc_out_add_secret(val);
            rc = podc_image_build_options_add_build_arg(o, key, val, NULL);
            free(key);
        } else if ((m = podc_arg_value(argc, argv, &i, "--label", &v)) != 0) {
            char *key = NULL;
            const char *val = NULL;
            if (m < 0 || podc_arg_kv(v, &key, &val) < 0) {
                podc_image_build_options_free(o);
                return podc_tool_usage_error(t, "--label needs KEY=VALUE");
            }
            rc = podc_image_build_options_add_label(o, key, val, NULL);
            free(key);
        } else if (strcmp(argv[i], "--no-cache") == 0) {
            rc = podc_image_build_options_set_no_cache(o, 1, NULL);
        } else if (strcmp(argv[i], "--pull-never") == 0) {
            rc = podc_image_build_options_set_pull_never(o, 1, NULL);
        } else if ((m = podc_arg_value(argc, argv, &i, "--pull", &v)) != 0) {
            podc_image_pull_policy p;
            if (m < 0 || podc_image_pull_policy_from_name(v, &p) < 0) {
                podc_image_build_options_free(o);
                return podc_tool_usage_error(t, "--pull needs missing, always, newer or never");
            }
            rc = podc_image_build_options_set_pull_policy(o, p, NULL);
        } else if (argv[i][0] != '-' && !dir) {
            dir = argv[i];
        } else {
            podc_image_build_options_free(o);
            return podc_tool_usage_error(t, "build: unexpected argument \"%s\"", argv[i]);
        }
    }
    if (rc < 0) {
        podc_image_build_options_free(o);
        return podc_tool_usage_error(t, "build: invalid option");
    }
    if (!dir || ntags == 0) {
        podc_image_build_options_free(o);
        return podc_tool_usage_error(t, "usage: podc build DIR -t TAG [-f FILE] [--build-arg K=V]...");
    }
    podc_image_build_options_set_progress(o, build_progress, t, NULL);
    char *id = NULL;
    podc_error *err = NULL;
    rc = podc_image_build(t->c, dir, o, &id, &err);
    podc_image_build_options_free(o);
    podc_out_progress_done();
    if (rc == PODC_ECANCELLED && podc_tool_interrupted()) {
        podc_error_free(err);
        return 130;
    }
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("id", id);
        podc_jw_begin_array("tags");
        for (size_t k = 0; k < ntags; k++)
            podc_jw_str(NULL, tags[k]);
        podc_jw_end_array();
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("built %.12s", id);
        for (size_t k = 0; k < ntags; k++)
            printf(" %s", tags[k]);
        putchar('\n');
    }
    podc_free(id);
    return 0;
}
