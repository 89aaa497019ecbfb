/* Containers against the real service: full lifecycle, stop timing, exit codes, errors,
 * health checks, spec features (mounts, env, workdir, hosts, rlimits), list filters. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "suites.h"

/* GET path from 127.0.0.1:port; returns 1 when the reply starts with "HTTP/1.x 200". */
static int http_get_ok(int port, const char *path)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        char req[256], buf[64] = "";
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: x\r\n\r\n", path);
        if (write(fd, req, (size_t)n) == n) {
            ssize_t got = read(fd, buf, sizeof buf - 1);
            if (got > 0) {
                buf[got] = '\0';
                ok = strncmp(buf, "HTTP/1.", 7) == 0 && strncmp(buf + 9, "200", 3) == 0;
            }
        }
    }
    close(fd);
    return ok;
}

START_TEST(container_full_lifecycle)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *net = itest_name("ctr-net"), *name = itest_name("web");
    podc_network_options *o = itest_net_options();
    ck_assert_ok(podc_network_ensure(c, net, o, NULL, &err), &err);

    podc_container_spec *s = itest_spec(name, ITEST_HTTP_IMAGE, NULL); /* the image's entrypoint serves :8080 */
    const char *aliases[] = { "web" };
    podc_container_spec_add_network(s, net, aliases, 1, NULL);
    podc_container_spec_add_port(s, 8080, 0, "tcp", "127.0.0.1", NULL); /* podman picks the host port */
    podc_container_spec_add_env(s, "GREETING", "hello world", NULL);
    podc_container_spec_add_label(s, "role", "web", NULL);
    podc_container_spec_set_stop_timeout(s, 2000, NULL);

    char *id = NULL;
    ck_assert_ok(podc_container_create(c, s, &id, &err), &err);
    ck_assert_int_eq(strlen(id), 64);

    podc_container_info *i = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    ck_assert_str_eq(podc_container_info_status(i), "created");
    ck_assert_int_eq(podc_container_info_running(i), 0);
    podc_container_info_free(i);

    /* init: everything but the process; start afterwards only runs it */
    ck_assert_ok(podc_container_init(c, name, &err), &err);
    ck_assert_ok(podc_container_init(c, name, &err), &err); /* 304 already initialized: success */
    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    ck_assert_str_eq(podc_container_info_status(i), "initialized");
    ck_assert_int_eq(podc_container_info_running(i), 0);
    podc_container_info_free(i);

    ck_assert_ok(podc_container_start(c, name, &err), &err);
    ck_assert_ok(podc_container_start(c, name, &err), &err); /* 304 already running: success */
    ck_assert_ok(podc_container_init(c, name, &err), &err); /* 304 on a running one too */

    ck_assert_ok(podc_container_inspect(c, id, &i, &err), &err);
    ck_assert_str_eq(podc_container_info_id(i), id);
    ck_assert_str_eq(podc_container_info_name(i), name);
    ck_assert_str_eq(podc_container_info_image(i), ITEST_HTTP_IMAGE);
    ck_assert_str_eq(podc_container_info_status(i), "running");
    ck_assert_int_eq(podc_container_info_running(i), 1);
    ck_assert_int_gt(podc_container_info_pid(i), 0);
    ck_assert_int_eq(podc_container_info_oom_killed(i), 0);
    ck_assert_str_eq(podc_container_info_health_status(i), "");
    ck_assert_int_eq(podc_container_info_restart_count(i), 0);
    ck_assert_ptr_nonnull(podc_container_info_started_at(i));
    ck_assert_str_eq(podc_container_info_env(i, "GREETING"), "hello world");
    ck_assert_str_eq(podc_container_info_label(i, "role"), "web");
    int seen = 0; /* the same label through the enumeration */
    for (size_t k = 0; k < podc_container_info_label_count(i); k++)
        seen += strcmp(podc_container_info_label_key_at(i, k), "role") == 0 &&
                strcmp(podc_container_info_label_value_at(i, k), "web") == 0;
    ck_assert_int_eq(seen, 1);
    ck_assert_ptr_null(podc_container_info_label_key_at(i, podc_container_info_label_count(i)));
    ck_assert_uint_eq(podc_container_info_port_count(i), 1);
    const podc_port *p = podc_container_info_port_at(i, 0);
    ck_assert_int_eq(podc_port_container_port(p), 8080);
    ck_assert_str_eq(podc_port_protocol(p), "tcp");
    ck_assert_str_eq(podc_port_host_ip(p), "127.0.0.1");
    int host_port = podc_container_info_host_port(i, 8080, "tcp");
    ck_assert_int_gt(host_port, 0);
    ck_assert_int_eq(podc_port_host_port(p), host_port);
    const char *ip = podc_container_info_ip(i, net);
    ck_assert_ptr_nonnull(ip);
    ck_assert_int_gt(strlen(ip), 6);
    podc_container_info_free(i);

    /* the published port really serves (the server needs a moment to bind) */
    int served = 0;
    for (int tries = 0; tries < 50 && !served; tries++) {
        served = http_get_ok(host_port, "/healthz");
        if (!served)
            usleep(100 * 1000);
    }
    ck_assert_msg(served, "no HTTP 200 from 127.0.0.1:%d/healthz", host_port);

    /* list: label filters are ANDed, the name filter is a regex */
    char exact[128], owner[64];
    snprintf(exact, sizeof exact, "^%s$", name);
    snprintf(owner, sizeof owner, "%s=%s", ITEST_LABEL, itest_owner());
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "label", owner, NULL);
    podc_filters_add(f, "label", "role=web", NULL);
    podc_filters_add(f, "name", exact, NULL);
    podc_container_list *l = NULL;
    ck_assert_ok(podc_container_list_get(c, f, 0, &l, &err), &err);
    ck_assert_uint_eq(podc_container_list_count(l), 1);
    const podc_container_summary *sum = podc_container_list_at(l, 0);
    ck_assert_str_eq(podc_container_summary_id(sum), id);
    ck_assert_str_eq(podc_container_summary_name(sum), name);
    ck_assert_str_eq(podc_container_summary_state(sum), "running");
    ck_assert_str_eq(podc_container_summary_health(sum), "");
    ck_assert_str_eq(podc_container_summary_label(sum, "role"), "web");
    int listed = 0;
    for (size_t k = 0; k < podc_container_summary_label_count(sum); k++)
        listed += strcmp(podc_container_summary_label_key_at(sum, k), "role") == 0 &&
                  strcmp(podc_container_summary_label_value_at(sum, k), "web") == 0;
    ck_assert_int_eq(listed, 1);
    ck_assert_ptr_null(podc_container_summary_label_value_at(sum, podc_container_summary_label_count(sum)));
    ck_assert_str_eq(podc_container_summary_image(sum), ITEST_HTTP_IMAGE);
    ck_assert_uint_eq(podc_container_summary_port_count(sum), 1);
    ck_assert_int_eq(podc_port_host_port(podc_container_summary_port_at(sum, 0)), host_port);
    podc_container_list_free(l);
    podc_filters_free(f);

    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_container_stop(c, name, 1000, &err), &err);
    ck_assert_int_lt(itest_now_ms() - t0, 8000);
    ck_assert_ok(podc_container_stop(c, name, 1000, &err), &err); /* 304 already stopped: success */
    int code = -1;
    ck_assert_ok(podc_container_wait(c, name, NULL, 0, 30000, &code, &err), &err);
    ck_assert_int_ne(code, -1);

    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    ck_assert_str_eq(podc_container_info_status(i), "exited");
    ck_assert_int_eq(podc_container_info_running(i), 0);
    ck_assert_int_eq(podc_container_info_exit_code(i), code);
    ck_assert_str_ne(podc_container_info_finished_at(i), "0001-01-01T00:00:00Z");
    podc_container_info_free(i);

    ck_assert_ok(podc_container_remove(c, name, 0, &err), &err);
    int yes = -1;
    ck_assert_ok(podc_container_exists(c, id, &yes, &err), &err);
    ck_assert_int_eq(yes, 0);
    ck_assert_ok(podc_network_remove(c, net, 0, &err), &err);

    podc_free(id);
    podc_container_spec_free(s);
    podc_network_options_free(o);
    podc_error_free(err);
    free(net), free(name);
    podc_client_free(c);
}
END_TEST

/* libpod's stop parameter is `timeout` (t= is ignored and would wait the full 10 s). */
START_TEST(container_stop_timeout_honoured)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("stubborn");
    /* PID 1 without a SIGTERM handler ignores SIGTERM: only the SIGKILL after the timeout ends it */
    podc_container_spec *s = itest_spec(name, ITEST_BASE_IMAGE, "exec /bin/busybox sleep 300");
    ck_assert_ok(podc_container_create(c, s, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, name, &err), &err);
    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_container_stop(c, name, 1000, &err), &err);
    int64_t took = itest_now_ms() - t0;
    ck_assert_msg(took >= 800 && took < 5000, "stop with timeout 1 s took %lld ms", (long long)took);
    int code = -1;
    ck_assert_ok(podc_container_wait(c, name, NULL, 0, 30000, &code, &err), &err);
    ck_assert_int_eq(code, 137);
    ck_assert_ok(podc_container_remove(c, name, 0, &err), &err);
    podc_container_spec_free(s);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(container_exit_code)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("exit7");
    podc_container_spec *s = itest_spec(name, ITEST_BASE_IMAGE, "echo bye; exit 7");
    ck_assert_int_eq(itest_run_to_exit(c, s), 7);
    podc_container_info *i = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    ck_assert_str_eq(podc_container_info_status(i), "exited");
    ck_assert_int_eq(podc_container_info_exit_code(i), 7);
    ck_assert_int_eq(podc_container_info_pid(i), 0);
    podc_container_info_free(i);

    /* wait on an exited container answers at once; several conditions are ORed */
    const char *conds[] = { "exited", "stopped" };
    int code = -1;
    ck_assert_ok(podc_container_wait(c, name, conds, 2, 10000, &code, &err), &err);
    ck_assert_int_eq(code, 7);

    podc_filters *f = podc_filters_new();
    char exact[128];
    snprintf(exact, sizeof exact, "^%s$", name);
    podc_filters_add(f, "name", exact, NULL);
    podc_container_list *l = NULL;
    ck_assert_ok(podc_container_list_get(c, f, 0, &l, &err), &err);
    ck_assert_uint_eq(podc_container_list_count(l), 0); /* not running: needs all */
    podc_container_list_free(l);
    ck_assert_ok(podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, &err), &err);
    ck_assert_uint_eq(podc_container_list_count(l), 1);
    ck_assert_str_eq(podc_container_summary_state(podc_container_list_at(l, 0)), "exited");
    ck_assert_int_eq(podc_container_summary_exit_code(podc_container_list_at(l, 0)), 7);
    podc_container_list_free(l);
    podc_filters_free(f);

    ck_assert_ok(podc_container_remove(c, name, 0, &err), &err);
    podc_container_spec_free(s);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(container_create_errors)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("dup");
    podc_container_spec *s = itest_spec(name, ITEST_BASE_IMAGE, "true");
    ck_assert_ok(podc_container_create(c, s, NULL, &err), &err);
    char *id = NULL;
    ck_assert_int_eq(podc_container_create(c, s, &id, &err), PODC_ECONFLICT);
    ck_assert_ptr_null(id);
    ck_assert_str_eq(podc_error_cause(err), "that name is already in use");
    ck_assert_str_eq(podc_error_container(err), name);
    ck_assert_int_eq(podc_error_http_status(err), 500);

    char *other = itest_name("noimg");
    podc_container_spec *m = itest_spec(other, "localhost/podc-no-such-image:1", "true");
    ck_assert_int_eq(podc_container_create(c, m, NULL, &err), PODC_ENOTFOUND);
    ck_assert_str_eq(podc_error_cause(err), "image not known");

    /* unknown network */
    podc_container_spec *n = itest_spec(other, ITEST_BASE_IMAGE, "true");
    podc_container_spec_add_network(n, "podc-no-such-net", NULL, 0, NULL);
    ck_assert_int_eq(podc_container_create(c, n, NULL, &err), PODC_ENOTFOUND);

    /* nothing was created for the failures */
    int yes = -1;
    ck_assert_ok(podc_container_exists(c, other, &yes, &err), &err);
    ck_assert_int_eq(yes, 0);
    ck_assert_ok(podc_container_remove(c, name, 0, &err), &err);
    podc_container_spec_free(s);
    podc_container_spec_free(m);
    podc_container_spec_free(n);
    podc_error_free(err);
    free(name), free(other);
    podc_client_free(c);
}
END_TEST

START_TEST(container_remove_running)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("busy");
    /* default stop timeout (10 s): force-remove must still be quick (timeout=0) */
    podc_container_spec *s = itest_spec(name, ITEST_BASE_IMAGE, "exec /bin/busybox sleep 300");
    ck_assert_ok(podc_container_create(c, s, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, name, &err), &err);
    ck_assert_int_eq(podc_container_remove(c, name, 0, &err), PODC_ECONFLICT);
    ck_assert_str_eq(podc_error_cause(err), "container state improper");
    ck_assert_str_eq(podc_error_container(err), name);
    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_int_lt(itest_now_ms() - t0, 5000);
    int yes = -1;
    ck_assert_ok(podc_container_exists(c, name, &yes, &err), &err);
    ck_assert_int_eq(yes, 0);
    podc_container_spec_free(s);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(container_not_found)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("ghost");
    int yes = -1;
    ck_assert_ok(podc_container_exists(c, name, &yes, &err), &err);
    ck_assert_int_eq(yes, 0);
    podc_container_info *i = NULL;
    ck_assert_int_eq(podc_container_inspect(c, name, &i, &err), PODC_ENOTFOUND);
    ck_assert_ptr_null(i);
    ck_assert_str_eq(podc_error_container(err), name);
    ck_assert_int_eq(podc_error_http_status(err), 404);
    ck_assert_int_eq(podc_container_start(c, name, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_container_init(c, name, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_container_stop(c, name, 0, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_container_kill(c, name, NULL, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_container_wait(c, name, NULL, 0, 5000, NULL, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_container_healthcheck_run(c, name, NULL, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE, &err), PODC_ENOTFOUND);
    ck_assert_ok(podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING,
                                       &err),
                 &err);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(container_kill_and_restart)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("kr");
    podc_container_spec *s =
        itest_spec(name, ITEST_BASE_IMAGE,
                   "trap 'exit 42' USR1; echo trap-ready; while :; do /bin/busybox sleep 0.1; done");
    podc_container_spec_set_stop_timeout(s, 1000, NULL);
    ck_assert_ok(podc_container_create(c, s, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, name, &err), &err);
    /* the shell says when its trap is installed: wait for that line, not for a guessed time */
    int ready = 0;
    for (int64_t t0 = itest_now_ms(); !ready && itest_now_ms() - t0 < 10000;) {
        char *tail = NULL;
        ready = podc_logs_tail(c, name, 5, &tail, NULL) == 0 && tail && strstr(tail, "trap-ready");
        podc_free(tail);
        if (!ready)
            usleep(20 * 1000);
    }
    ck_assert_msg(ready, "the container never said trap-ready");
    ck_assert_ok(podc_container_kill(c, name, "SIGUSR1", &err), &err);
    int code = -1;
    ck_assert_ok(podc_container_wait(c, name, NULL, 0, 30000, &code, &err), &err);
    ck_assert_int_eq(code, 42);
    /* killing a stopped container: podman's 500 "container state improper" -> conflict */
    ck_assert_int_eq(podc_container_kill(c, name, NULL, &err), PODC_ECONFLICT);

    ck_assert_ok(podc_container_restart(c, name, 0, &err), &err);
    podc_container_info *i = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    ck_assert_int_eq(podc_container_info_running(i), 1);
    podc_container_info_free(i);
    /* restart with the container's own stop timeout (1 s): SIGTERM is trapped by nothing -> the
     * shell dies of it, or is killed after 1 s; either way it runs again quickly */
    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_container_restart(c, name, -1, &err), &err);
    ck_assert_int_lt(itest_now_ms() - t0, 6000);
    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    ck_assert_int_eq(podc_container_info_running(i), 1);
    podc_container_info_free(i);

    ck_assert_ok(podc_container_kill(c, name, "KILL", &err), &err);
    ck_assert_ok(podc_container_wait(c, name, NULL, 0, 30000, &code, &err), &err);
    ck_assert_int_eq(code, 137);
    ck_assert_ok(podc_container_remove(c, name, 0, &err), &err);
    podc_container_spec_free(s);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(container_healthcheck)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *good = itest_name("hc-good"), *bad = itest_name("hc-bad"), *none = itest_name("hc-none");

    podc_container_spec *s = itest_spec(good, ITEST_HTTP_IMAGE, NULL);
    podc_container_spec_set_healthcheck_shell(
        s, "/bin/busybox wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1", NULL);
    podc_container_spec_set_healthcheck_timing(s, 1000, 5000, 0, 1, NULL);
    podc_container_spec_set_stop_timeout(s, 0, NULL);
    ck_assert_ok(podc_container_create(c, s, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, good, &err), &err);

    char *status = NULL;
    ck_assert_ok(podc_container_health(c, good, &status, NULL, &err), &err);
    ck_assert_str_eq(status, "starting"); /* no systemd timers here: nothing ran yet */
    podc_free(status);

    /* run the check until the server is up */
    status = NULL;
    for (int tries = 0; tries < 50; tries++) {
        podc_free(status);
        status = NULL;
        ck_assert_ok(podc_container_healthcheck_run(c, good, &status, &err), &err);
        if (strcmp(status, "healthy") == 0)
            break;
        usleep(200 * 1000);
    }
    ck_assert_str_eq(status, "healthy");
    podc_free(status);
    int streak = -1;
    ck_assert_ok(podc_container_health(c, good, &status, &streak, &err), &err);
    ck_assert_str_eq(status, "healthy");
    ck_assert_int_eq(streak, 0);
    podc_free(status);

    char exact[128];
    snprintf(exact, sizeof exact, "^%s$", good);
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "name", exact, NULL);
    podc_container_list *l = NULL;
    ck_assert_ok(podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, &err), &err);
    ck_assert_uint_eq(podc_container_list_count(l), 1);
    ck_assert_str_eq(podc_container_summary_health(podc_container_list_at(l, 0)), "healthy");
    podc_container_list_free(l);
    podc_filters_free(f);

    /* a failing check (argv form): each run reports unhealthy; the aggregate honours retries */
    podc_container_spec *sb = itest_spec(bad, ITEST_BASE_IMAGE, "exec /bin/busybox sleep 300");
    const char *fail_argv[] = { "/bin/busybox", "false" };
    podc_container_spec_set_healthcheck_cmd(sb, fail_argv, 2, NULL);
    podc_container_spec_set_healthcheck_timing(sb, 1000, 5000, 0, 2, NULL);
    podc_container_spec_set_stop_timeout(sb, 0, NULL);
    ck_assert_ok(podc_container_create(c, sb, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, bad, &err), &err);
    status = NULL;
    ck_assert_ok(podc_container_healthcheck_run(c, bad, &status, &err), &err);
    ck_assert_str_eq(status, "unhealthy");
    podc_free(status);
    ck_assert_ok(podc_container_health(c, bad, &status, &streak, &err), &err);
    ck_assert_str_eq(status, "starting");
    ck_assert_int_eq(streak, 1);
    podc_free(status);
    ck_assert_ok(podc_container_healthcheck_run(c, bad, NULL, &err), &err);
    ck_assert_ok(podc_container_health(c, bad, &status, &streak, &err), &err);
    ck_assert_str_eq(status, "unhealthy");
    ck_assert_int_eq(streak, 2);
    podc_free(status);

    /* no health check defined: 409 -> conflict */
    podc_container_spec *sn = itest_spec(none, ITEST_BASE_IMAGE, "exec /bin/busybox sleep 300");
    podc_container_spec_set_stop_timeout(sn, 0, NULL);
    ck_assert_ok(podc_container_create(c, sn, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, none, &err), &err);
    ck_assert_int_eq(podc_container_healthcheck_run(c, none, NULL, &err), PODC_ECONFLICT);
    /* not running: 409 -> conflict */
    ck_assert_ok(podc_container_stop(c, bad, 0, &err), &err);
    ck_assert_int_eq(podc_container_healthcheck_run(c, bad, NULL, &err), PODC_ECONFLICT);

    ck_assert_ok(podc_container_remove(c, good, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_ok(podc_container_remove(c, bad, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_ok(podc_container_remove(c, none, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    podc_container_spec_free(s);
    podc_container_spec_free(sb);
    podc_container_spec_free(sn);
    podc_error_free(err);
    free(good), free(bad), free(none);
    podc_client_free(c);
}
END_TEST

/* podc has no volume call: the named volume goes with a plain request */
static void remove_volume(podc_client *c, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/libpod/volumes/%s?force=true", name);
    ck_assert_int_eq(itest_raw(c, "DELETE", path), 204);
}

/* Mounts, env, workdir, hostname, extra hosts and rlimits, checked from inside the container. */
START_TEST(container_spec_features)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("features"), *vol = itest_name("vol");
    char dir[] = "/tmp/podc-it-bind-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char file[256];
    snprintf(file, sizeof file, "%s/hello.txt", dir);
    FILE *fp = fopen(file, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("hi\n", fp);
    fclose(fp);

    const char *script =
        "set -e\n"
        "test \"$FOO\" = 'bar baz'\n"
        "test \"$(pwd)\" = /work/dir\n"
        "test \"$(cat /data/hello.txt)\" = hi\n"
        "if touch /data/x 2>/dev/null; then echo bind is writable; exit 11; fi\n"
        "echo v > /vol/f\n"
        "echo a > /anon/f\n"
        "grep -q ' /scratch tmpfs ' /proc/mounts\n"
        "test \"$(hostname)\" = myhost\n"
        "grep -q '10.1.2.3.*db.example' /etc/hosts\n"
        "grep -q 'host.containers.internal' /etc/hosts\n"
        "if grep -q host-gateway /etc/hosts; then exit 12; fi\n"
        "test \"$(ulimit -n)\" = 1024\n"
        "test \"$(ulimit -u)\" = 4096\n"
        "test \"$(id -u)\" = 0\n";
    podc_container_spec *s = itest_spec(name, ITEST_BASE_IMAGE, script);
    const char *ro[] = { "ro" };
    const char *volopts[] = { "rw", "z" };
    const char *tmpopts[] = { "size=1m" };
    podc_container_spec_add_env(s, "FOO", "bar baz", NULL);
    podc_container_spec_set_workdir(s, "/work/dir", NULL); /* not in the image: create_working_dir */
    podc_container_spec_add_bind_mount(s, dir, "/data", ro, 1, NULL);
    podc_container_spec_add_volume(s, vol, "/vol", volopts, 2, NULL);
    podc_container_spec_add_volume(s, NULL, "/anon", NULL, 0, NULL);
    podc_container_spec_add_tmpfs(s, "/scratch", tmpopts, 1, NULL);
    podc_container_spec_set_hostname(s, "myhost", NULL);
    podc_container_spec_add_host(s, "db.example", "10.1.2.3", NULL);
    podc_container_spec_add_host(s, "host.containers.internal", "host-gateway", NULL);
    podc_container_spec_set_user(s, "0:0", NULL);
    podc_container_spec_add_rlimit(s, "nofile", 1024, 2048, NULL);
    podc_container_spec_add_rlimit(s, "nproc", 4096, 4096, NULL);
    podc_container_spec_set_stop_signal(s, "SIGINT", NULL);

    int code = itest_run_to_exit(c, s);
    ck_assert_msg(code == 0, "checks inside the container failed (exit %d)", code);
    podc_container_info *i = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    ck_assert_str_eq(podc_container_info_hostname(i), "myhost");
    ck_assert_ptr_nonnull(strstr(podc_container_info_json(i), "\"StopSignal\":2"));
    podc_container_info_free(i);

    ck_assert_ok(podc_container_remove(c, name, 0, &err), &err); /* takes the anonymous volume along */
    remove_volume(c, vol);
    unlink(file);
    rmdir(dir);
    podc_container_spec_free(s);
    podc_error_free(err);
    free(name), free(vol);
    podc_client_free(c);
}
END_TEST

START_TEST(container_list_filters)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *a = itest_name("lf-a"), *b = itest_name("lf-b");
    podc_container_spec *sa = itest_spec(a, ITEST_BASE_IMAGE, "true");
    podc_container_spec_add_label(sa, "tier", "front", NULL);
    podc_container_spec_add_label(sa, "zone", "x", NULL);
    podc_container_spec *sb = itest_spec(b, ITEST_BASE_IMAGE, "true");
    podc_container_spec_add_label(sb, "tier", "front", NULL);
    ck_assert_ok(podc_container_create(c, sa, NULL, &err), &err);
    ck_assert_ok(podc_container_create(c, sb, NULL, &err), &err);
    char owner[64];
    snprintf(owner, sizeof owner, "%s=%s", ITEST_LABEL, itest_owner());

    /* labels are ANDed */
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "label", owner, NULL);
    podc_filters_add(f, "label", "tier=front", NULL);
    podc_filters_add(f, "label", "zone=x", NULL);
    podc_container_list *l = NULL;
    ck_assert_ok(podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, &err), &err);
    ck_assert_uint_eq(podc_container_list_count(l), 1);
    ck_assert_str_eq(podc_container_summary_name(podc_container_list_at(l, 0)), a);
    ck_assert_str_eq(podc_container_summary_state(podc_container_list_at(l, 0)), "created");
    podc_container_list_free(l);
    podc_filters_free(f);

    /* names are ORed */
    f = podc_filters_new();
    podc_filters_add(f, "label", owner, NULL);
    podc_filters_add(f, "name", a, NULL);
    podc_filters_add(f, "name", b, NULL);
    ck_assert_ok(podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, &err), &err);
    ck_assert_uint_eq(podc_container_list_count(l), 2);
    podc_container_list_free(l);
    podc_filters_free(f);

    ck_assert_ok(podc_container_remove(c, a, 0, &err), &err);
    ck_assert_ok(podc_container_remove(c, b, 0, &err), &err);
    podc_container_spec_free(sa);
    podc_container_spec_free(sb);
    podc_error_free(err);
    free(a), free(b);
    podc_client_free(c);
}
END_TEST

/* A missing bind-mount source fails at create, before anything exists. */
START_TEST(container_missing_bind_source)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("nobind");
    podc_container_spec *s = itest_spec(name, ITEST_BASE_IMAGE, "true");
    podc_container_spec_add_bind_mount(s, "/nonexistent/podc-it-dir", "/data", NULL, 0, NULL);
    /* podman: 500 {"cause":"no such file or directory","message":"statfs /nonexistent/...: ..."} */
    ck_assert_int_eq(podc_container_create(c, s, NULL, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_error_http_status(err), 500);
    ck_assert_str_eq(podc_error_cause(err), "no such file or directory");
    int yes = -1;
    ck_assert_ok(podc_container_exists(c, name, &yes, &err), &err);
    ck_assert_int_eq(yes, 0);
    podc_container_spec_free(s);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

Suite *containers_suite(void)
{
    Suite *s = suite_create("containers");
    TCase *tc = itest_tcase("real-service", 120);
    tcase_add_test(tc, container_full_lifecycle);
    tcase_add_test(tc, container_stop_timeout_honoured);
    tcase_add_test(tc, container_exit_code);
    tcase_add_test(tc, container_create_errors);
    tcase_add_test(tc, container_remove_running);
    tcase_add_test(tc, container_not_found);
    tcase_add_test(tc, container_kill_and_restart);
    tcase_add_test(tc, container_healthcheck);
    tcase_add_test(tc, container_spec_features);
    tcase_add_test(tc, container_list_filters);
    tcase_add_test(tc, container_missing_bind_source);
    suite_add_tcase(s, tc);
    return s;
}
