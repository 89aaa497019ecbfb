/*
 * podc - command-line tool over libpodc (no shelling out: everything goes through the API).
 * main.c: global options, dispatch, error printing, exit codes, interrupt handling.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

/* Exit codes per error category, documented in usage() and podc(1). */
int podc_tool_exit_code(int rc)
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
    case PODC_EMIGRATION: return PODC_EXIT_MIGRATION;
    case PODC_EAUTH: return PODC_EXIT_AUTH;
    case PODC_EFILE: return PODC_EXIT_FILE;
    case PODC_ECANCELLED: return 130;
    default: return 1;
    }
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: podc [--json] [--url URI | --connection NAME] COMMAND [ARGS]\n"
            "  URI: unix:///path.sock, tcp://HOST:PORT or ssh://USER@HOST[:PORT][/path.sock]\n"
            "  (default: $CONTAINER_CONNECTION, $CONTAINER_HOST, the default connection, the local socket)\n"
            "commands:\n"
            "  ds up (--preset SUITE | --service NAME) [--postgres-port P] [--redis-port P] [--api-port P]\n"
            "        [--metrics-port P] [--health-port P] [--migrations DIR] [--config-dir DIR]\n"
            "        [--postgres-image IMG] [--redis-image IMG] [--datastorage-image IMG]\n"
            "        [--build-context DIR] [--containerfile FILE] [--skip-redis] [--env K=V]...\n"
            "        [--reuse] [--durable-postgres]\n"
            "        [--session ID] [--timeout MS] [--pull P] [--tls-verify=false] [--creds USER[:PASS]]\n"
            "        [--authfile F] [--retries N]         bring the DataStorage stack up (port 0 = free port)\n"
            "  ds down NAME [--preserve-image]           take the stack down\n"
            "  ds status NAME                            the stack's containers, state, health, ports\n"
            "  run SPEC.json [--session ID] [--pull P] [registry flags as for pull]\n"
            "                                            start a service from a JSON spec (see podc(1))\n"
            "  stop NAME [--timeout MS]                  stop and remove a container\n"
            "  ps [--label K=V]... [--all]               list containers\n"
            "  logs NAME [--tail N] [--follow]           a container's output\n"
            "  exec NAME -- CMD [ARG]...                 run a command in a container (its exit code is ours)\n"
            "  build DIR -t TAG [-f FILE] [--build-arg K=V]... [--no-cache] [--pull P]   build an image\n"
            "  pull IMAGE [--policy P] [--tls-verify=false] [--creds USER[:PASS]] [--authfile F]\n"
            "       [--retries N] [--platform OS/ARCH[/VARIANT]] [--quiet]   fetch an image from its registry\n"
            "  push IMAGE [DEST] [--tls-verify=false] [--creds USER[:PASS]] [--authfile F] [--retries N]\n"
            "                                            upload an image to a registry\n"
            "  compose [-f FILE]... [-p NAME] [--profile P]... [--image SERVICE=IMAGE]... [--env K=V]...\n"
            "          [--strict] [--keep-on-failure] [--session ID] up\n"
            "                                            a compose file's services up, healthy, jobs done\n"
            "  compose [-f FILE]... [-p NAME] down [--timeout MS] [--keep-images]   take it down\n"
            "  compose [-f FILE]... [-p NAME] ps | logs [SERVICE] [--tail N]   its containers; their output\n"
            "  cleanup (--session ID | --label K=V)      remove leftovers of crashed runs\n"
            "  must-gather DIR [--label K=V]...          each container's logs and inspect JSON into DIR\n"
            "  version                                   client, server and API versions, the service used and why\n"
            "  info                                      the service's runtime, network backend, storage\n"
            "--json on any command prints a JSON document on stdout and errors as JSON on stderr.\n"
            "exit codes: 0 ok, 1 other error, 2 invalid input, 3 service unreachable, 4 timeout,\n"
            "            5 not found, 6 conflict (name in use, port busy), 7 health check failed,\n"
            "            8 build failed, 9 migration failed, 10 registry authentication failed,\n"
            "            11 local file error (unreadable, cannot write), 130 interrupted/cancelled\n"
            "            (exec: the command's own exit code)\n");
}

int podc_tool_fail(const tool *t, int rc, podc_error *err)
{
    podc_out_progress_done();
    if (t->json) {
        char *j = err ? podc_error_to_json(err) : NULL;
        char *m = podc_out_mask(j);
        if (m)
            fprintf(stderr, "%s\n", m);
        else
            fprintf(stderr, "{\"category\":\"%s\",\"code\":%d,\"message\":\"%s\"}\n", podc_error_code_name(rc), rc,
                    podc_strerror(rc));
        free(m);
        podc_free(j);
    } else {
        char *m = podc_out_mask(err ? podc_error_message(err) : podc_strerror(rc));
        fprintf(stderr, "podc: %s\n", m ? m : podc_strerror(rc));
        free(m);
        const char *tail = err ? podc_error_log_tail(err) : NULL;
        if (tail && *tail) {
            char *mt = podc_out_mask(tail);
            fprintf(stderr, "--- last log lines ---\n%s%s", mt ? mt : "", mt && mt[strlen(mt) - 1] == '\n' ? "" : "\n");
            free(mt);
        }
    }
    podc_error_free(err);
    return podc_tool_exit_code(rc);
}

static void json_escaped(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

int podc_tool_invalid(const tool *t, const char *field, const char *msg)
{
    podc_out_progress_done();
    char *m = podc_out_mask(msg);
    if (t->json) { /* the same shape as podc_error_to_json() */
        fputs("{\"category\":\"invalid_input\",\"code\":-5,\"message\":", stderr);
        json_escaped(stderr, m ? m : msg);
        fputs(",\"details\":{\"field\":", stderr);
        json_escaped(stderr, field);
        fputs("}}\n", stderr);
    } else {
        fprintf(stderr, "podc: %s\n", m ? m : msg);
    }
    free(m);
    return 2;
}

int podc_tool_local_file(const tool *t, const char *path, const char *msg)
{
    podc_out_progress_done();
    if (t->json) { /* the same shape as podc_error_to_json() */
        fprintf(stderr, "{\"category\":\"local_file\",\"code\":%d,\"message\":", PODC_EFILE);
        json_escaped(stderr, msg);
        fputs(",\"details\":{\"path\":", stderr);
        json_escaped(stderr, path);
        fputs("}}\n", stderr);
    } else {
        fprintf(stderr, "podc: %s\n", msg);
    }
    return PODC_EXIT_FILE;
}

int podc_tool_usage_error(const tool *t, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!t->json)
        strncat(msg, " (see podc --help)", sizeof msg - strlen(msg) - 1);
    return podc_tool_invalid(t, "arguments", msg);
}

/* ---- interrupts ---- */

static volatile sig_atomic_t interrupted;
static _Atomic(podc_client *) current_client;
static int wake_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
    (void)sig;
    if (interrupted)
        return; /* a second Ctrl-C must not cut the cleanup short */
    interrupted = 1;
    /* only a write here: the cancel takes locks, so the watcher thread makes it */
    if (wake_pipe[1] >= 0) {
        char b = 1;
        ssize_t w = write(wake_pipe[1], &b, 1);
        (void)w;
    }
}

static pthread_t watcher_th;
static int watcher_running;

static void *watcher(void *arg)
{
    (void)arg;
    char b = 0;
    while (read(wake_pipe[0], &b, 1) < 0 && errno == EINTR)
        ;
    /* 0 = the tool is exiting. The library's cancel lasts until the call returns and removes
     * what the call created before it does. */
    podc_client *c = atomic_load(&current_client);
    if (b == 1 && c)
        podc_client_cancel(c);
    return NULL;
}

void podc_tool_signals_install(void)
{
    if (pipe2(wake_pipe, O_CLOEXEC) == 0) {
        if (pthread_create(&watcher_th, NULL, watcher, NULL) == 0) {
            watcher_running = 1;
        } else {
            close(wake_pipe[0]);
            close(wake_pipe[1]);
            wake_pipe[0] = wake_pipe[1] = -1;
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void podc_tool_signals_shutdown(void)
{
    if (!watcher_running)
        return;
    /* a signal from here on only sets the flag */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    char b = 0;
    ssize_t w = write(wake_pipe[1], &b, 1); /* ends the watcher if no signal did */
    (void)w;
    pthread_join(watcher_th, NULL);
    watcher_running = 0;
    close(wake_pipe[0]);
    close(wake_pipe[1]);
    wake_pipe[0] = wake_pipe[1] = -1;
}

void podc_tool_signals_set_client(podc_client *c)
{
    atomic_store(&current_client, c);
}

int podc_tool_interrupted(void)
{
    return interrupted != 0;
}

/* ---- argument helpers ---- */

int podc_arg_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *val = argv[++*i];
    return 1;
}

int podc_arg_int(const char *s, long long lo, long long hi, long long *out)
{
    if (!s || !*s)
        return -1;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int podc_arg_kv(const char *s, char **key, const char **val)
{
    const char *eq = strchr(s, '=');
    if (!eq || eq == s)
        return -1;
    *key = strndup(s, (size_t)(eq - s));
    if (!*key)
        return -1;
    *val = eq + 1;
    return 0;
}

/* ---- dispatch ---- */

typedef struct command {
    const char *name;
    int (*fn)(tool *t, int argc, char **argv);
} command;

static const command commands[] = {
    { "ds", podc_cmd_ds },           { "run", podc_cmd_run },         { "stop", podc_cmd_stop },
    { "ps", podc_cmd_ps },           { "logs", podc_cmd_logs },       { "exec", podc_cmd_exec },
    { "build", podc_cmd_build },     { "cleanup", podc_cmd_cleanup }, { "must-gather", podc_cmd_must_gather },
    { "version", podc_cmd_version }, { "info", podc_cmd_info },       { "pull", podc_cmd_pull },
    { "push", podc_cmd_push },       { "compose", podc_cmd_compose },
};

int main(int argc, char **argv)
{
    tool t = { 0 };
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *v = NULL;
        if (strcmp(argv[i], "--json") == 0) {
            t.json = 1;
        } else if (podc_arg_value(argc, argv, &i, "--socket", &v) == 1 ||
                   podc_arg_value(argc, argv, &i, "--url", &v) == 1) {
            t.uri = v;
        } else if (podc_arg_value(argc, argv, &i, "--connection", &v) == 1 ||
                   podc_arg_value(argc, argv, &i, "-c", &v) == 1) {
            t.connection = v;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("podc %s\n", podc_library_version());
            return 0;
        } else {
            return podc_tool_usage_error(&t, "unknown option \"%s\"", argv[i]);
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[i];
    if (strcmp(name, "help") == 0) {
        usage(stdout);
        return 0;
    }
    const command *cmd = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof *commands; k++)
        if (strcmp(commands[k].name, name) == 0)
            cmd = &commands[k];
    /* --json may also follow the command (before a "--") */
    int cargc = argc - i;
    char **cargv = argv + i;
    for (int k = 1; k < cargc && strcmp(cargv[k], "--") != 0; k++) {
        if (strcmp(cargv[k], "--json") == 0) {
            t.json = 1;
            memmove(&cargv[k], &cargv[k + 1], sizeof *cargv * (size_t)(cargc - k - 1));
            cargc--;
            k--;
        }
    }
    if (!cmd)
        return podc_tool_usage_error(&t, "unknown command \"%s\"", name);

    podc_out_set_json(t.json);
    podc_tool_signals_install();
    podc_client *c = NULL;
    podc_error *err = NULL;
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = t.uri;
    o.connection = t.connection;
    int rc = podc_client_new(&c, &o, &err);
    if (rc < 0) {
        podc_tool_signals_shutdown();
        return podc_tool_fail(&t, rc, err);
    }
    t.c = c;
    podc_tool_signals_set_client(c);
    int code = cmd->fn(&t, cargc, cargv);
    podc_out_progress_done();
    podc_tool_signals_set_client(NULL);
    podc_tool_signals_shutdown();
    podc_client_free(c);
    fflush(stdout);
    return code;
}
