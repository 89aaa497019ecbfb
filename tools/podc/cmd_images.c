/*
 * cmd_images.c - `podc pull IMAGE` and `podc push IMAGE [DEST]`, and the registry flags that
 * `ds up`, `run` and `build` share with them.
 */
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* Reads a password from standard input (one line) for `--creds USER`. */
static char *password_from_stdin(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

int podc_tool_pull_arg(const tool *t, int argc, char **argv, int *i, const char *policy_flag,
                       podc_image_pull_options *o, unsigned int *flags, int *rc)
{
    const char *v = NULL;
    int m;
    *rc = 0;
    if ((m = podc_arg_value(argc, argv, i, policy_flag, &v)) != 0) {
        podc_image_pull_policy p;
        if (m < 0 || podc_image_pull_policy_from_name(v, &p) < 0) {
            *rc = podc_tool_usage_error(t, "%s needs missing, always, newer or never", policy_flag);
            return 1;
        }
        podc_image_pull_options_set_policy(o, p, NULL);
        return 1;
    }
    if (strcmp(argv[*i], "--tls-verify") == 0 || strcmp(argv[*i], "--tls-verify=true") == 0) {
        *flags &= ~PODC_IMAGE_PULL_TLS_NO_VERIFY;
    } else if (strcmp(argv[*i], "--tls-verify=false") == 0) {
        *flags |= PODC_IMAGE_PULL_TLS_NO_VERIFY;
    } else if (strcmp(argv[*i], "--quiet") == 0 || strcmp(argv[*i], "-q") == 0) {
        *flags |= PODC_IMAGE_PULL_QUIET;
    } else if ((m = podc_arg_value(argc, argv, i, "--creds", &v)) != 0) {
        if (m < 0 || !*v || *v == ':') {
            *rc = podc_tool_usage_error(t, "--creds needs USER[:PASSWORD] (without :PASSWORD it is read from stdin)");
            return 1;
        }
        const char *colon = strchr(v, ':');
        char *user = colon ? strndup(v, (size_t)(colon - v)) : strdup(v);
        char *pass = colon ? strdup(colon + 1) : password_from_stdin();
        if (!user || !pass) {
            *rc = pass ? podc_tool_fail(t, PODC_ENOMEM, NULL)
                       : podc_tool_usage_error(t, "--creds %s: no password on standard input", user ? user : "");
        } else {
            if (*pass)
                podc_out_add_secret(pass); /* never shown, whatever podman says back */
            if (podc_image_pull_options_set_credentials(o, user, pass, NULL) < 0)
                *rc = podc_tool_fail(t, PODC_ENOMEM, NULL);
        }
        if (pass)
            explicit_bzero(pass, strlen(pass));
        free(user);
        free(pass);
    } else if ((m = podc_arg_value(argc, argv, i, "--authfile", &v)) != 0) {
        if (m < 0 || podc_image_pull_options_set_authfile(o, v, NULL) < 0)
            *rc = podc_tool_usage_error(t, "--authfile needs a FILE");
    } else if ((m = podc_arg_value(argc, argv, i, "--retries", &v)) != 0) {
        long long n = 0;
        if (m < 0 || podc_arg_int(v, 1, 10, &n) < 0)
            *rc = podc_tool_usage_error(t, "--retries needs a number of tries, 1-10");
        else
            podc_image_pull_options_set_retries(o, (int)n, 1000, NULL);
    } else {
        return 0;
    }
    return 1;
}

static int pull_progress(const char *data, size_t len, void *userdata)
{
    (void)len;
    return podc_out_progress(data, userdata);
}

/* "linux/arm64[/v8]" */
static int set_platform(podc_image_pull_options *o, const char *v)
{
    char *copy = strdup(v);
    if (!copy)
        return PODC_ENOMEM;
    char *arch = strchr(copy, '/');
    char *variant = arch ? strchr(arch + 1, '/') : NULL;
    if (!arch || arch == copy || !arch[1] || (variant && !variant[1])) {
        free(copy);
        return PODC_EINVAL;
    }
    *arch++ = '\0';
    if (variant)
        *variant++ = '\0';
    int rc = podc_image_pull_options_set_platform(o, copy, arch, variant, NULL);
    free(copy);
    return rc;
}

static int finish(const tool *t, int rc, podc_error *err)
{
    podc_out_progress_done();
    if (rc == PODC_ECANCELLED && podc_tool_interrupted()) {
        podc_error_free(err);
        return 130;
    }
    return podc_tool_fail(t, rc, err);
}

int podc_cmd_pull(tool *t, int argc, char **argv)
{
    podc_image_pull_options *o = podc_image_pull_options_new();
    if (!o)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    const char *ref = NULL;
    unsigned int flags = 0;
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *v = NULL;
        int m;
        if (podc_tool_pull_arg(t, argc, argv, &i, "--policy", o, &flags, &rc)) {
            continue;
        } else if ((m = podc_arg_value(argc, argv, &i, "--platform", &v)) != 0) {
            if (m < 0 || set_platform(o, v) < 0)
                rc = podc_tool_usage_error(t, "--platform needs OS/ARCH[/VARIANT], e.g. linux/arm64");
        } else if (argv[i][0] != '-' && !ref) {
            ref = argv[i];
        } else {
            rc = podc_tool_usage_error(t, "pull: unexpected argument \"%s\"", argv[i]);
        }
    }
    if (rc == 0 && !ref)
        rc = podc_tool_usage_error(t, "usage: podc pull IMAGE [--policy P] [--tls-verify=false] [--creds USER:PASS] "
                                      "[--authfile F] [--retries N] [--platform OS/ARCH]");
    if (rc != 0) {
        podc_image_pull_options_free(o);
        return rc;
    }
    podc_image_pull_options_set_flags(o, flags, NULL);
    podc_image_pull_options_set_progress(o, pull_progress, t, NULL);
    char *id = NULL;
    podc_error *err = NULL;
    rc = podc_image_pull(t->c, ref, o, &id, &err);
    podc_image_pull_options_free(o);
    if (rc < 0)
        return finish(t, rc, err);
    podc_out_progress_done();
    podc_image *img = NULL;
    const char *digest = NULL;
    if (podc_image_inspect(t->c, id, &img, NULL) == 0)
        digest = podc_image_digest(img);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("image", ref);
        podc_jw_str("id", id);
        podc_jw_str("digest", digest);
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("pulled %s %.12s%s%s\n", ref, id, digest ? " " : "", digest ? digest : "");
    }
    podc_image_free(img);
    podc_free(id);
    return 0;
}

int podc_cmd_push(tool *t, int argc, char **argv)
{
    podc_image_pull_options *o = podc_image_pull_options_new();
    if (!o)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    const char *ref = NULL, *dest = NULL;
    unsigned int flags = 0;
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (podc_tool_pull_arg(t, argc, argv, &i, "--policy", o, &flags, &rc))
            continue;
        else if (argv[i][0] != '-' && !ref)
            ref = argv[i];
        else if (argv[i][0] != '-' && !dest)
            dest = argv[i];
        else
            rc = podc_tool_usage_error(t, "push: unexpected argument \"%s\"", argv[i]);
    }
    if (rc == 0 && !ref)
        rc = podc_tool_usage_error(t, "usage: podc push IMAGE [DESTINATION] [--tls-verify=false] [--creds USER:PASS] "
                                      "[--authfile F] [--retries N]");
    if (rc != 0) {
        podc_image_pull_options_free(o);
        return rc;
    }
    podc_image_pull_options_set_flags(o, flags, NULL);
    podc_image_pull_options_set_progress(o, pull_progress, t, NULL);
    char *digest = NULL;
    podc_error *err = NULL;
    rc = podc_image_push(t->c, ref, dest, o, &digest, &err);
    podc_image_pull_options_free(o);
    if (rc < 0)
        return finish(t, rc, err);
    podc_out_progress_done();
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("image", ref);
        podc_jw_str("destination", dest ? dest : ref);
        podc_jw_str("digest", digest);
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("pushed %s to %s%s%s\n", ref, dest ? dest : ref, digest ? " " : "", digest ? digest : "");
    }
    podc_free(digest);
    return 0;
}
