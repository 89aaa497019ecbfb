/*
 * cmd_containers.c - `podc ps`, `logs`, `exec`, `stop`, `cleanup` and `must-gather`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

#define MAX_LABELS 16

/* Collects repeatable --label K=V options into a filter; returns 0, or an exit code > 0. */
static int label_filters(tool *t, int argc, char **argv, int *i, podc_filters *f, size_t *nlabels, int *matched)
{
    const char *v = NULL;
    int m = podc_arg_value(argc, argv, i, "--label", &v);
    *matched = m != 0;
    if (m == 0)
        return 0;
    if (m < 0 || !*v || v[0] == '=')
        return podc_tool_usage_error(t, "--label needs KEY=VALUE or KEY");
    if (podc_filters_add(f, "label", v, NULL) < 0)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    (*nlabels)++;
    return 0;
}

/* ---- ps ---- */

int podc_cmd_ps(tool *t, int argc, char **argv)
{
    podc_filters *f = podc_filters_new();
    if (!f)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    int all = 0;
    size_t nl = 0;
    for (int i = 1; i < argc; i++) {
        int matched = 0, code;
        if (strcmp(argv[i], "--all") == 0 || strcmp(argv[i], "-a") == 0) {
            all = 1;
            continue;
        }
        if ((code = label_filters(t, argc, argv, &i, f, &nl, &matched)) != 0) {
            podc_filters_free(f);
            return code;
        }
        if (!matched) {
            podc_filters_free(f);
            return podc_tool_usage_error(t, "ps: unknown argument \"%s\"", argv[i]);
        }
    }
    podc_container_list *l = NULL;
    podc_error *err = NULL;
    int rc = podc_container_list_get(t->c, f, all ? PODC_CONTAINER_LIST_ALL : 0, &l, &err);
    podc_filters_free(f);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    size_t n = podc_container_list_count(l);
    if (t->json) {
        podc_jw_begin_array(NULL);
        for (size_t i = 0; i < n; i++) {
            const podc_container_summary *s = podc_container_list_at(l, i);
            podc_jw_begin_object(NULL);
            podc_jw_str("id", podc_container_summary_id(s));
            podc_jw_str("name", podc_container_summary_name(s));
            podc_jw_str("image", podc_container_summary_image(s));
            podc_jw_str("state", podc_container_summary_state(s));
            podc_jw_str("health", podc_container_summary_health(s));
            podc_jw_int("exit_code", podc_container_summary_exit_code(s));
            podc_jw_str("session", podc_container_summary_label(s, PODC_SERVICE_LABEL_SESSION));
            podc_jw_str("stack", podc_container_summary_label(s, PODC_DS_LABEL_STACK));
            podc_out_json_ports(s);
            podc_jw_end_object();
        }
        podc_jw_end_array();
        podc_jw_end();
    } else {
        printf("%-12s %-32s %-36s %-10s %-10s %s\n", "ID", "NAME", "IMAGE", "STATE", "HEALTH", "PORTS");
        for (size_t i = 0; i < n; i++) {
            const podc_container_summary *s = podc_container_list_at(l, i);
            const char *h = podc_container_summary_health(s);
            printf("%-12.12s %-32s %-36s %-10s %-10s ", podc_container_summary_id(s), podc_container_summary_name(s),
                   podc_container_summary_image(s), podc_container_summary_state(s), h && *h ? h : "-");
            podc_out_ports_human(s);
            putchar('\n');
        }
    }
    podc_container_list_free(l);
    return 0;
}

/* ---- logs ---- */

typedef struct logs_ctx {
    tool *t;
} logs_ctx;

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static int logs_out(int stream, const char *data, size_t len, void *userdata)
{
    logs_ctx *x = userdata;
    if (podc_tool_interrupted())
        return 1;
    if (x->t->json) { /* --json --follow: one JSON object per record */
        podc_jw_begin_object(NULL);
        podc_jw_str("stream", stream == PODC_STREAM_STDERR ? "stderr" : "stdout");
        podc_jw_strn("data", data, len);
        podc_jw_end_object();
        podc_jw_end();
        fflush(stdout);
        return 0;
    }
    fflush(stdout);
    return write_all(stream == PODC_STREAM_STDERR ? 2 : 1, data, len) < 0 ? 1 : 0;
}

int podc_cmd_logs(tool *t, int argc, char **argv)
{
    const char *name = NULL;
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (strcmp(argv[i], "--follow") == 0 || strcmp(argv[i], "-f") == 0) {
            o.follow = 1;
        } else if (strcmp(argv[i], "--timestamps") == 0) {
            o.timestamps = 1;
        } else if ((m = podc_arg_value(argc, argv, &i, "--tail", &v)) != 0) {
            long long n;
            if (m < 0 || podc_arg_int(v, 0, INT64_MAX / 2, &n) < 0)
                return podc_tool_usage_error(t, "--tail needs a number of lines >= 0");
            o.tail = n;
        } else if ((m = podc_arg_value(argc, argv, &i, "--since", &v)) != 0) {
            if (m < 0)
                return podc_tool_usage_error(t, "--since needs a time");
            o.since_text = v;
        } else if (argv[i][0] != '-' && !name) {
            name = argv[i];
        } else {
            return podc_tool_usage_error(t, "logs: unexpected argument \"%s\"", argv[i]);
        }
    }
    if (!name)
        return podc_tool_usage_error(t, "logs needs a container NAME");
    podc_error *err = NULL;
    int rc;
    if (t->json && !o.follow) {
        podc_logs *l = NULL;
        rc = podc_logs_get(t->c, name, &o, &l, &err);
        if (rc < 0)
            return podc_tool_fail(t, rc, err);
        podc_jw_begin_object(NULL);
        podc_jw_str("container", name);
        podc_jw_strn("stdout", podc_logs_stdout(l), podc_logs_stdout_len(l));
        podc_jw_strn("stderr", podc_logs_stderr(l), podc_logs_stderr_len(l));
        podc_jw_end_object();
        podc_jw_end();
        podc_logs_free(l);
        return 0;
    }
    logs_ctx x = { t };
    rc = podc_logs_stream(t->c, name, &o, logs_out, &x, &err);
    if (rc == PODC_ECANCELLED && podc_tool_interrupted()) {
        podc_error_free(err);
        return 130;
    }
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    return 0;
}

/* ---- exec ---- */

static int exec_out(int stream, const char *data, size_t len, void *userdata)
{
    (void)userdata;
    if (podc_tool_interrupted())
        return 1;
    return write_all(stream == PODC_STREAM_STDERR ? 2 : 1, data, len) < 0 ? 1 : 0;
}

int podc_cmd_exec(tool *t, int argc, char **argv)
{
    const char *name = NULL;
    int i = 1;
    podc_exec_options *o = podc_exec_options_new();
    if (!o)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    podc_error *err = NULL;
    int rc = 0;
    for (; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if ((m = podc_arg_value(argc, argv, &i, "--env", &v)) != 0 ||
            (m = podc_arg_value(argc, argv, &i, "-e", &v)) != 0) {
            char *key = NULL;
            const char *val = NULL;
            if (m < 0 || podc_arg_kv(v, &key, &val) < 0) {
                podc_exec_options_free(o);
                return podc_tool_usage_error(t, "--env needs KEY=VALUE");
            }
            if (podc_out_key_is_secret(key))
                podc_out_add_secret(val);
            rc = podc_exec_options_add_env(o, key, val, &err);
            free(key);
        } else if ((m = podc_arg_value(argc, argv, &i, "--workdir", &v)) != 0) {
            rc = m < 0 ? PODC_EINVAL : podc_exec_options_set_workdir(o, v, &err);
        } else if ((m = podc_arg_value(argc, argv, &i, "--user", &v)) != 0) {
            rc = m < 0 ? PODC_EINVAL : podc_exec_options_set_user(o, v, &err);
        } else if (argv[i][0] != '-' && !name) {
            name = argv[i];
            if (i + 1 < argc && argv[i + 1][0] != '-') { /* `exec NAME cmd...` without -- */
                i++;
                break;
            }
        } else {
            podc_exec_options_free(o);
            return podc_tool_usage_error(t, "exec: unexpected argument \"%s\"", argv[i]);
        }
        if (rc < 0) {
            podc_exec_options_free(o);
            return err ? podc_tool_fail(t, rc, err) : podc_tool_usage_error(t, "exec: bad option \"%s\"", argv[i]);
        }
    }
    if (!name || i >= argc) {
        podc_exec_options_free(o);
        return podc_tool_usage_error(t, "usage: podc exec NAME -- CMD [ARG]...");
    }
    /* argv must be NULL-terminated: argv[argc] is */
    const char *const *cmd = (const char *const *)&argv[i];
    int exit_code = 0;
    if (t->json) {
        podc_exec_result *r = NULL;
        rc = podc_exec_run(t->c, name, cmd, o, &r, &err);
        podc_exec_options_free(o);
        if (rc < 0)
            return podc_tool_fail(t, rc, err);
        exit_code = podc_exec_result_exit_code(r);
        podc_jw_begin_object(NULL);
        podc_jw_str("container", name);
        podc_jw_int("exit_code", exit_code);
        podc_jw_strn("stdout", podc_exec_result_stdout(r), podc_exec_result_stdout_len(r));
        podc_jw_strn("stderr", podc_exec_result_stderr(r), podc_exec_result_stderr_len(r));
        podc_jw_end_object();
        podc_jw_end();
        podc_exec_result_free(r);
        return exit_code & 0xff;
    }
    fflush(stdout);
    rc = podc_exec_stream(t->c, name, cmd, o, exec_out, NULL, &exit_code, &err);
    podc_exec_options_free(o);
    if (rc == PODC_ECANCELLED && podc_tool_interrupted()) {
        podc_error_free(err);
        return 130;
    }
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    return exit_code & 0xff;
}

/* ---- stop ---- */

int podc_cmd_stop(tool *t, int argc, char **argv)
{
    const char *name = NULL;
    long long timeout = 2000;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if ((m = podc_arg_value(argc, argv, &i, "--timeout", &v)) != 0) {
            if (m < 0 || podc_arg_int(v, 0, INT64_MAX / 2, &timeout) < 0)
                return podc_tool_usage_error(t, "--timeout needs milliseconds >= 0");
        } else if (argv[i][0] != '-' && !name) {
            name = argv[i];
        } else {
            return podc_tool_usage_error(t, "stop: unexpected argument \"%s\"", argv[i]);
        }
    }
    if (!name)
        return podc_tool_usage_error(t, "stop needs a container NAME");
    podc_error *err = NULL;
    int rc = podc_container_stop(t->c, name, timeout, &err);
    if (rc == 0)
        rc =
            podc_container_remove(t->c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, &err);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("container", name);
        podc_jw_bool("removed", 1);
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("%s stopped and removed\n", name);
    }
    return 0;
}

/* ---- cleanup ---- */

int podc_cmd_cleanup(tool *t, int argc, char **argv)
{
    const char *session = NULL, *label = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if ((m = podc_arg_value(argc, argv, &i, "--session", &v)) != 0) {
            if (m < 0 || !*v)
                return podc_tool_usage_error(t, "--session needs an ID");
            session = v;
        } else if ((m = podc_arg_value(argc, argv, &i, "--label", &v)) != 0) {
            if (m < 0 || !*v || v[0] == '=')
                return podc_tool_usage_error(t, "--label needs KEY=VALUE or KEY");
            label = v;
        } else {
            return podc_tool_usage_error(t, "cleanup: unexpected argument \"%s\"", argv[i]);
        }
    }
    if (!session == !label)
        return podc_tool_usage_error(t, "cleanup needs exactly one of --session ID or --label K=V");
    size_t n = 0;
    podc_error *err = NULL;
    int rc =
        session ? podc_service_cleanup(t->c, session, &n, &err) : podc_service_cleanup_label(t->c, label, &n, &err);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str(session ? "session" : "label", session ? session : label);
        podc_jw_int("removed", (long long)n);
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("removed %zu object%s labelled %s%s\n", n, n == 1 ? "" : "s", session ? "podc.session=" : "",
               session ? session : label);
    }
    return 0;
}

/* ---- must-gather ---- */

static int write_file(const char *dir, const char *name, const char *suffix, const char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    /* secrets (registered ones) are masked in the files too */
    char *tmp = strndup(data, len);
    char *m = podc_out_mask(tmp);
    int ok = m ? fputs(m, f) >= 0 : fwrite(data, 1, len, f) == len;
    free(m);
    free(tmp);
    return fclose(f) == 0 && ok ? 0 : -1;
}

int podc_cmd_must_gather(tool *t, int argc, char **argv)
{
    const char *dir = NULL;
    podc_filters *f = podc_filters_new();
    if (!f)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    size_t nl = 0;
    for (int i = 1; i < argc; i++) {
        int matched = 0, code;
        if ((code = label_filters(t, argc, argv, &i, f, &nl, &matched)) != 0) {
            podc_filters_free(f);
            return code;
        }
        if (matched)
            continue;
        if (argv[i][0] != '-' && !dir) {
            dir = argv[i];
            continue;
        }
        podc_filters_free(f);
        return podc_tool_usage_error(t, "must-gather: unexpected argument \"%s\"", argv[i]);
    }
    if (!dir) {
        podc_filters_free(f);
        return podc_tool_usage_error(t, "must-gather needs a DIR");
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        char msg[600];
        snprintf(msg, sizeof msg, "must-gather: cannot create %s: %s", dir, strerror(errno));
        podc_filters_free(f);
        return podc_tool_local_file(t, dir, msg);
    }
    podc_container_list *l = NULL;
    podc_error *err = NULL;
    int rc = podc_container_list_get(t->c, f, PODC_CONTAINER_LIST_ALL, &l, &err);
    podc_filters_free(f);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    size_t n = podc_container_list_count(l), failed = 0;
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("dir", dir);
        podc_jw_begin_array("containers");
    }
    for (size_t i = 0; i < n; i++) {
        const podc_container_summary *s = podc_container_list_at(l, i);
        const char *name = podc_container_summary_name(s);
        podc_container_info *info = NULL;
        podc_logs *lg = NULL;
        int ok = 1;
        /* a container removed meanwhile is skipped, not fatal */
        if (podc_container_inspect(t->c, name, &info, NULL) == 0) {
            /* secret-looking environment values (POSTGRES_PASSWORD, ...) become *** */
            for (size_t k = 0; k < podc_container_info_env_count(info); k++) {
                const char *kv = podc_container_info_env_at(info, k), *eq = kv ? strchr(kv, '=') : NULL;
                char *key = eq ? strndup(kv, (size_t)(eq - kv)) : NULL;
                if (key && podc_out_key_is_secret(key))
                    podc_out_add_secret(eq + 1);
                free(key);
            }
            const char *j = podc_container_info_json(info);
            ok &= write_file(dir, name, ".inspect.json", j, strlen(j)) == 0;
        } else {
            ok = 0;
        }
        if (podc_logs_get(t->c, name, NULL, &lg, NULL) == 0)
            ok &= write_file(dir, name, ".log", podc_logs_combined(lg), podc_logs_combined_len(lg)) == 0;
        else
            ok = 0;
        podc_container_info_free(info);
        podc_logs_free(lg);
        failed += !ok;
        if (t->json) {
            podc_jw_begin_object(NULL);
            podc_jw_str("name", name);
            podc_jw_bool("complete", ok);
            podc_jw_end_object();
        } else {
            printf("%s: %s/%s.log, %s/%s.inspect.json%s\n", name, dir, name, dir, name, ok ? "" : " (incomplete)");
        }
    }
    if (t->json) {
        podc_jw_end_array();
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("gathered %zu container%s into %s\n", n, n == 1 ? "" : "s", dir);
    }
    podc_container_list_free(l);
    return failed ? 1 : 0;
}
