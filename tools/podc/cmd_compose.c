/*
 * cmd_compose.c - `podc compose [-f FILE]... [-p NAME] up|down|ps|logs`: compose files run as
 * a stack (podc/compose.h, podc/stack.h). up returns once every service is healthy and every
 * job done; a failure removes what it started.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

typedef struct compose_args {
    const char *files[16];
    size_t n_files;
    const char *project, *session;
    int strict, keep_on_failure, keep_images;
    long long stop_timeout, tail;
    const char *service; /* logs: one service only */
    podc_compose_options *o;
} compose_args;

/* Warnings go to stderr as text in both modes: with --json stdout stays one document. */
static void on_warning(const char *w, void *ud)
{
    (void)ud;
    fprintf(stderr, "podc: warning: %s\n", w);
}

/* The first compose file found here when -f is not given. */
static const char *default_file(void)
{
    static const char *const names[] = { "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml",
                                         "podman-compose.yaml", "podman-compose.yml" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (access(names[i], R_OK) == 0)
            return names[i];
    return NULL;
}

/* Global compose flags, and the action's own (argv[start..]); returns the action's index or
 * a negative exit code. */
static int parse(tool *t, int argc, char **argv, compose_args *a, const char **action)
{
    *action = NULL;
    for (int i = 1; i < argc; i++) { /* argv[0] is "compose" */
        const char *v = NULL;
        int m;
        if ((m = podc_arg_value(argc, argv, &i, "-f", &v)) != 0 ||
            (m = podc_arg_value(argc, argv, &i, "--file", &v)) != 0) {
            if (m < 0 || a->n_files == sizeof a->files / sizeof *a->files)
                return -podc_tool_usage_error(t, "-f needs a file (at most 16)");
            a->files[a->n_files++] = v;
        } else if ((m = podc_arg_value(argc, argv, &i, "-p", &v)) != 0 ||
                   (m = podc_arg_value(argc, argv, &i, "--project-name", &v)) != 0) {
            if (m < 0)
                return -podc_tool_usage_error(t, "-p needs a project name");
            a->project = v;
        } else if ((m = podc_arg_value(argc, argv, &i, "--profile", &v)) != 0) {
            if (m < 0 || podc_compose_options_add_profile(a->o, v, NULL) < 0)
                return -podc_tool_usage_error(t, "--profile needs a name");
        } else if ((m = podc_arg_value(argc, argv, &i, "--image", &v)) != 0) {
            char *svc = NULL;
            const char *img = NULL;
            if (m < 0 || podc_arg_kv(v, &svc, &img) < 0 || !*img)
                return -podc_tool_usage_error(t, "--image needs SERVICE=IMAGE");
            int rc = podc_compose_options_set_image(a->o, svc, img, NULL);
            free(svc);
            if (rc < 0)
                return -podc_tool_fail(t, rc, NULL);
        } else if ((m = podc_arg_value(argc, argv, &i, "--env", &v)) != 0) {
            char *key = NULL;
            const char *val = NULL;
            if (m < 0 || podc_arg_kv(v, &key, &val) < 0)
                return -podc_tool_usage_error(t, "--env needs NAME=VALUE");
            if (podc_out_key_is_secret(key))
                podc_out_add_secret(val);
            int rc = podc_compose_options_set_variable(a->o, key, val, NULL);
            free(key);
            if (rc < 0)
                return -podc_tool_fail(t, rc, NULL);
        } else if ((m = podc_arg_value(argc, argv, &i, "--session", &v)) != 0) {
            if (m < 0)
                return -podc_tool_usage_error(t, "--session needs an id");
            a->session = v;
        } else if ((m = podc_arg_value(argc, argv, &i, "--timeout", &v)) != 0) {
            if (m < 0 || podc_arg_int(v, 0, 3600000, &a->stop_timeout) < 0)
                return -podc_tool_usage_error(t, "--timeout needs milliseconds");
        } else if ((m = podc_arg_value(argc, argv, &i, "--tail", &v)) != 0) {
            if (m < 0 || podc_arg_int(v, 1, 1000000, &a->tail) < 0)
                return -podc_tool_usage_error(t, "--tail needs a number of lines");
        } else if (strcmp(argv[i], "--strict") == 0) {
            a->strict = 1;
        } else if (strcmp(argv[i], "--keep-on-failure") == 0) {
            a->keep_on_failure = 1;
        } else if (strcmp(argv[i], "--keep-images") == 0) {
            a->keep_images = 1;
        } else if (argv[i][0] == '-') {
            return -podc_tool_usage_error(t, "compose: unknown option \"%s\"", argv[i]);
        } else if (!*action) {
            *action = argv[i];
        } else if (strcmp(*action, "logs") == 0 && !a->service) {
            a->service = argv[i];
        } else {
            return -podc_tool_usage_error(t, "compose %s: unexpected argument \"%s\"", *action, argv[i]);
        }
    }
    if (!*action)
        return -podc_tool_usage_error(t, "compose needs up, down, ps or logs");
    return 0;
}

/* The stack spec from the files (up), or just the project's name (down, ps, logs: -p alone
 * works without a file, after a crash too). */
static int load(tool *t, compose_args *a, int need_spec, podc_stack_spec **spec, char *project, size_t psz)
{
    if (a->n_files == 0) {
        const char *f = default_file();
        if (!f && (need_spec || !a->project))
            return podc_tool_invalid(t, "file", "no compose file: give -f FILE (or run where compose.yaml is)");
        if (f)
            a->files[a->n_files++] = f;
    }
    if (!need_spec && a->project) {
        snprintf(project, psz, "%s", a->project);
        return 0;
    }
    for (size_t i = 0; i < a->n_files; i++)
        if (podc_compose_options_add_file(a->o, a->files[i], NULL) < 0)
            return podc_tool_fail(t, PODC_ENOMEM, NULL);
    int rc = 0;
    if (a->project)
        rc = podc_compose_options_set_project(a->o, a->project, NULL);
    if (rc == 0)
        rc = podc_compose_options_set_strict(a->o, a->strict, NULL);
    if (rc == 0)
        rc = podc_compose_options_set_warning_cb(a->o, on_warning, t, NULL);
    if (rc < 0)
        return podc_tool_fail(t, rc, NULL);
    podc_error *err = NULL;
    podc_stack_spec *s = NULL;
    if ((rc = podc_compose_load(a->o, &s, &err)) < 0)
        return podc_tool_fail(t, rc, err);
    if ((a->session && podc_stack_spec_set_session(s, a->session, NULL) < 0) ||
        (a->keep_on_failure && podc_stack_spec_set_keep_on_failure(s, 1, NULL) < 0)) {
        podc_stack_spec_free(s);
        return podc_tool_usage_error(t, "invalid --session");
    }
    snprintf(project, psz, "%s", podc_stack_spec_name(s));
    *spec = s;
    return 0;
}

static void print_up(const tool *t, const podc_stack *st)
{
    size_t n = podc_stack_member_count(st);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("project", podc_stack_name(st));
        podc_jw_str("network", podc_stack_network(st));
        podc_jw_int("up_ms", podc_stack_up_ms(st));
        podc_jw_begin_array("services");
        for (size_t i = 0; i < n; i++) {
            const podc_service *svc = podc_stack_member_service(st, i);
            podc_jw_begin_object(NULL);
            podc_jw_str("service", podc_stack_member_name(st, i));
            podc_jw_str("kind", podc_stack_member_kind_of(st, i) == PODC_STACK_JOB ? "job" : "service");
            podc_jw_str("container", podc_stack_member_container(st, i));
            podc_jw_str("state", podc_stack_member_kind_of(st, i) == PODC_STACK_JOB ? "completed" : "healthy");
            podc_jw_int("ready_ms", podc_stack_member_ready_ms(st, i));
            podc_jw_str("host", svc ? podc_service_host(svc) : NULL);
            podc_jw_end_object();
        }
        podc_jw_end_array();
        podc_jw_end_object();
        podc_jw_end();
        return;
    }
    printf("stack %s is up (%.3fs), network %s\n", podc_stack_name(st), podc_stack_up_ms(st) / 1000.0,
           podc_stack_network(st));
    for (size_t i = 0; i < n; i++)
        printf("  %-20s %-32s %-9s after %.3fs\n", podc_stack_member_name(st, i), podc_stack_member_container(st, i),
               podc_stack_member_kind_of(st, i) == PODC_STACK_JOB ? "completed" : "healthy",
               podc_stack_member_ready_ms(st, i) / 1000.0);
    printf("  status: podc compose -p %s ps; take it down: podc compose -p %s down\n", podc_stack_name(st),
           podc_stack_name(st));
}

static int compose_up(tool *t, compose_args *a)
{
    podc_stack_spec *s = NULL;
    char project[256];
    int rc = load(t, a, 1, &s, project, sizeof project);
    if (!s)
        return rc;
    podc_stack_spec_set_progress(s, podc_out_progress, t, NULL);
    podc_stack *st = NULL;
    podc_error *err = NULL;
    rc = podc_stack_up(t->c, s, &st, &err);
    podc_out_progress_done();
    if (podc_tool_interrupted()) {
        const char *left = err ? podc_error_detail(err, "not_removed") : NULL;
        if (st && podc_stack_down(t->c, podc_stack_name(st), 0, 0, NULL, NULL) < 0)
            left = podc_stack_name(st);
        if (left)
            fprintf(stderr, "podc: interrupted; could not remove %s\n", left);
        else
            fprintf(stderr, "podc: interrupted; nothing of the stack is left\n");
        podc_stack_free(st);
        podc_stack_spec_free(s);
        podc_error_free(err);
        return 130;
    }
    podc_stack_spec_free(s);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    print_up(t, st);
    podc_stack_free(st);
    return 0;
}

/* The project of a loaded spec, for down/ps/logs given files but no -p. */
static int project_of(tool *t, compose_args *a, char *project, size_t psz)
{
    podc_stack_spec *s = NULL;
    int rc = load(t, a, !a->project, &s, project, psz);
    podc_stack_spec_free(s); /* only its name (now in project) was wanted */
    return project[0] ? 0 : (rc ? rc : 2);
}

static int compose_down(tool *t, compose_args *a)
{
    char project[256] = "";
    int rc = project_of(t, a, project, sizeof project);
    if (!project[0])
        return rc;
    size_t removed = 0;
    podc_error *err = NULL;
    rc = podc_stack_down(t->c, project, a->stop_timeout > 0 ? a->stop_timeout : -1,
                         a->keep_images ? PODC_STACK_DOWN_KEEP_IMAGES : 0, &removed, &err);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("project", project);
        podc_jw_int("removed", (long long)removed);
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("stack %s: %zu objects removed\n", project, removed);
    }
    return 0;
}

/* The project's name and its containers (ps, logs): *ss set, or the exit code of what failed. */
static int project_status(tool *t, compose_args *a, char *project, size_t psz, podc_stack_status **ss)
{
    int rc = project_of(t, a, project, psz);
    if (!project[0])
        return rc;
    podc_error *err = NULL;
    if ((rc = podc_stack_status_get(t->c, project, ss, &err)) < 0)
        return podc_tool_fail(t, rc, err);
    return 0;
}

static int compose_ps(tool *t, compose_args *a)
{
    char project[256] = "";
    podc_stack_status *ss = NULL;
    int rc = project_status(t, a, project, sizeof project, &ss);
    if (!ss)
        return rc;
    size_t n = podc_stack_status_count(ss);
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("project", project);
        podc_jw_begin_array("services");
        for (size_t i = 0; i < n; i++) {
            podc_jw_begin_object(NULL);
            podc_jw_str("service", podc_stack_status_member(ss, i));
            podc_jw_str("container", podc_stack_status_container(ss, i));
            podc_jw_str("state", podc_stack_status_state(ss, i));
            podc_jw_str("health", podc_stack_status_health(ss, i));
            if (podc_stack_status_exit_code(ss, i) >= 0)
                podc_jw_int("exit_code", podc_stack_status_exit_code(ss, i));
            podc_jw_str("ports", podc_stack_status_ports(ss, i));
            podc_jw_end_object();
        }
        podc_jw_end_array();
        podc_jw_end_object();
        podc_jw_end();
    } else {
        printf("%-20s %-32s %-10s %-10s %s\n", "SERVICE", "CONTAINER", "STATE", "HEALTH", "PORTS");
        for (size_t i = 0; i < n; i++) {
            char state[32];
            int code = podc_stack_status_exit_code(ss, i);
            if (code >= 0)
                snprintf(state, sizeof state, "%s(%d)", podc_stack_status_state(ss, i), code);
            else
                snprintf(state, sizeof state, "%s", podc_stack_status_state(ss, i));
            printf("%-20s %-32s %-10s %-10s %s\n", podc_stack_status_member(ss, i),
                   podc_stack_status_container(ss, i), state,
                   *podc_stack_status_health(ss, i) ? podc_stack_status_health(ss, i) : "-",
                   podc_stack_status_ports(ss, i));
        }
        if (n == 0)
            printf("(stack %s has no containers)\n", project);
    }
    podc_stack_status_free(ss);
    return 0;
}

/* One service's log lines, each prefixed with its service name. */
static void print_prefixed(const char *service, const char *text)
{
    char *m = podc_out_mask(text);
    const char *p = m ? m : text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        printf("%-16s | %.*s\n", service, (int)len, p);
        p += len + (nl ? 1 : 0);
    }
    free(m);
}

static int compose_logs(tool *t, compose_args *a)
{
    char project[256] = "";
    podc_stack_status *ss = NULL;
    int rc = project_status(t, a, project, sizeof project, &ss);
    if (!ss)
        return rc;
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    if (a->tail > 0)
        o.tail = a->tail;
    if (t->json) {
        podc_jw_begin_object(NULL);
        podc_jw_str("project", project);
        podc_jw_begin_array("services");
    }
    size_t shown = 0;
    podc_error *err = NULL;
    for (size_t i = 0; rc == 0 && i < podc_stack_status_count(ss); i++) {
        const char *svc = podc_stack_status_member(ss, i);
        if (a->service && strcmp(a->service, svc) != 0)
            continue;
        podc_logs *l = NULL;
        if ((rc = podc_logs_get(t->c, podc_stack_status_container(ss, i), &o, &l, &err)) < 0)
            break;
        shown++;
        if (t->json) {
            char *m = podc_out_mask(podc_logs_combined(l));
            podc_jw_begin_object(NULL);
            podc_jw_str("service", svc);
            podc_jw_str("output", m ? m : podc_logs_combined(l));
            podc_jw_end_object();
            free(m);
        } else {
            print_prefixed(svc, podc_logs_combined(l));
        }
        podc_logs_free(l);
    }
    if (t->json && rc == 0) {
        podc_jw_end_array();
        podc_jw_end_object();
        podc_jw_end();
    }
    podc_stack_status_free(ss);
    if (rc < 0)
        return podc_tool_fail(t, rc, err);
    if (a->service && !shown) {
        char msg[300];
        snprintf(msg, sizeof msg, "stack %s has no service %s", project, a->service);
        return podc_tool_invalid(t, "service", msg);
    }
    return 0;
}

int podc_cmd_compose(tool *t, int argc, char **argv)
{
    compose_args a = { .stop_timeout = -1, .tail = -1, .o = podc_compose_options_new() };
    if (!a.o)
        return podc_tool_fail(t, PODC_ENOMEM, NULL);
    const char *action = NULL;
    int rc = parse(t, argc, argv, &a, &action);
    if (rc == 0) {
        if (strcmp(action, "up") == 0)
            rc = compose_up(t, &a);
        else if (strcmp(action, "down") == 0)
            rc = compose_down(t, &a);
        else if (strcmp(action, "ps") == 0)
            rc = compose_ps(t, &a);
        else if (strcmp(action, "logs") == 0)
            rc = compose_logs(t, &a);
        else
            rc = podc_tool_usage_error(t, "compose: unknown action \"%s\" (up, down, ps, logs)", action);
    } else {
        rc = -rc;
    }
    podc_compose_options_free(a.o);
    return rc;
}
