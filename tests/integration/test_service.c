/* Services against the real podman: health checks of every kind, fail-fast on exit, timeout,
 * stale containers, rollback after a failed start, stop side by side, cleanup by session. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podc/service.h"
#include "suites.h"

static void set_script(podc_service_spec *s, const char *script)
{
    const char *argv[] = { "/bin/busybox", "sh", "-c", script };
    ck_assert_int_eq(podc_service_spec_set_command(s, argv, 4, NULL), 0);
}

/* Number of containers / networks labelled with the session. */
static size_t count_session(podc_client *c, const char *session, int networks)
{
    char label[160];
    snprintf(label, sizeof label, "%s=%s", PODC_SERVICE_LABEL_SESSION, session);
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "label", label, NULL);
    size_t n = 0;
    podc_error *err = NULL;
    if (networks) {
        podc_network_list *l = NULL;
        ck_assert_ok(podc_network_list_get(c, f, &l, &err), &err);
        n = podc_network_list_count(l);
        podc_network_list_free(l);
    } else {
        podc_container_list *l = NULL;
        ck_assert_ok(podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, &err), &err);
        n = podc_container_list_count(l);
        podc_container_list_free(l);
    }
    podc_filters_free(f);
    return n;
}

/* GET url's path from 127.0.0.1:port; returns the HTTP status or -1. */
static int http_status(int port, const char *path)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int status = -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        char req[256], buf[64] = "";
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: x\r\n\r\n", path);
        if (write(fd, req, (size_t)n) == n) {
            ssize_t got = read(fd, buf, sizeof buf - 1);
            if (got > 12) {
                buf[got] = '\0';
                status = atoi(buf + 9);
            }
        }
    }
    close(fd);
    return status;
}

typedef struct progress_log {
    int lines;
    char text[4096];
    int64_t stopped_seen_real_ms; /* wall clock when "container stopped" was reported */
} progress_log;

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int on_progress(const char *line, void *ud)
{
    progress_log *p = ud;
    p->lines++;
    if (strstr(line, "container stopped") && !p->stopped_seen_real_ms)
        p->stopped_seen_real_ms = real_ms();
    size_t l = strlen(p->text);
    snprintf(p->text + l, sizeof p->text - l, "%s\n", line);
    return 0;
}

START_TEST(service_http_healthy)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session, *net = itest_name("svc-net");
    podc_service_spec *s = itest_service_spec("svc-http", ITEST_HTTP_IMAGE, &name, &session);
    podc_service_spec_add_port(s, 8080, 0, NULL);
    podc_service_spec_add_env(s, "HEALTHZ_READY_AFTER", "2", NULL); /* whole seconds: 503 for 1-2 s */
    podc_service_spec_set_network(s, net, NULL);
    podc_service_spec_add_network_alias(s, "web", NULL);
    podc_service_spec_add_check_http(s, 8080, "/healthz", 0, "ok", 0, NULL);
    progress_log pl = { 0, "", 0 };
    podc_service_spec_set_progress(s, on_progress, &pl, NULL);

    podc_service *svc = NULL;
    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_service_start(c, s, &svc, &err), &err);
    int64_t took = itest_now_ms() - t0;
    fprintf(stderr, "service_http_healthy: start->healthy %lld ms (HEALTHZ_READY_AFTER=2)\n%s", (long long)took,
            pl.text);
    ck_assert_int_ge(took, 1000); /* the check really waited for the 503 phase to end */
    ck_assert_str_eq(podc_service_name(svc), name);
    ck_assert_int_eq(strlen(podc_service_id(svc)), 64);
    ck_assert_str_eq(podc_service_network(svc), net);
    ck_assert_ptr_nonnull(podc_service_ip(svc));
    ck_assert_str_eq(podc_service_session(svc), session);
    int port = podc_service_host_port(svc, 8080);
    ck_assert_int_gt(port, 0);
    ck_assert_int_eq(podc_service_host_port(svc, 9999), -1);
    ck_assert_int_ge(pl.lines, 5);
    ck_assert_ptr_nonnull(strstr(pl.text, "healthy after"));
    ck_assert_ptr_null(strstr(pl.text, "(1 try)"));

    char *url = NULL;
    ck_assert_int_eq(podc_service_url(svc, 8080, "healthz", &url), 0);
    char want[64];
    snprintf(want, sizeof want, "http://127.0.0.1:%d/healthz", port);
    ck_assert_str_eq(url, want);
    podc_free(url);
    ck_assert_int_eq(podc_service_url(svc, 1234, "/", &url), PODC_ENOTFOUND);
    ck_assert_int_eq(http_status(port, "/healthz"), 200);

    ck_assert_ok(podc_service_stop(c, svc, 1000, &err), &err);
    ck_assert_ok(podc_service_stop(c, svc, 1000, &err), &err); /* already gone: success */
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    ck_assert_uint_eq(count_session(c, session, 1), 1); /* the network stays for cleanup */
    size_t removed = 0;
    ck_assert_ok(podc_service_cleanup(c, session, &removed, &err), &err);
    ck_assert_uint_eq(removed, 1);
    ck_assert_uint_eq(count_session(c, session, 1), 0);

    podc_service_free(svc);
    podc_service_spec_free(s);
    free(name);
    free(session);
    free(net);
    podc_client_free(c);
}
END_TEST

/* Runs spec s to healthy, then stops it; returns the start->healthy time. */
static int64_t start_and_stop(podc_client *c, podc_service_spec *s, const char *what)
{
    podc_error *err = NULL;
    podc_service *svc = NULL;
    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_service_start(c, s, &svc, &err), &err);
    int64_t took = itest_now_ms() - t0;
    fprintf(stderr, "%s: start->healthy %lld ms\n", what, (long long)took);
    ck_assert_ok(podc_service_stop(c, svc, 1000, &err), &err);
    podc_service_free(svc);
    return took;
}

START_TEST(service_tcp_healthy)
{
    podc_client *c = itest_client();
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-tcp", ITEST_REDIS_IMAGE, &name, &session);
    podc_service_spec_add_port(s, 6379, 0, NULL);
    podc_service_spec_add_check_tcp(s, 6379, NULL);
    start_and_stop(c, s, "service_tcp_healthy");
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

/* A protocol's own question over TCP (Redis: PING -> +PONG), no process in the container; a
 * reply that is not the expected one is named in the failure. */
START_TEST(service_tcp_exchange_healthy)
{
    podc_client *c = itest_client();
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-tcpx", ITEST_REDIS_IMAGE, &name, &session);
    podc_service_spec_add_port(s, 6379, 0, NULL);
    ck_assert_int_eq(podc_service_spec_add_check_tcp_exchange(s, 6379, "PING\r\n", "+PONG", 0, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_check_tcp_exchange(s, 6379, "", "+PONG", 0, NULL), PODC_EINVAL);
    start_and_stop(c, s, "service_tcp_exchange_healthy (PING over TCP)");
    podc_service_spec_free(s);
    free(name);
    free(session);

    s = itest_service_spec("svc-tcpx-bad", ITEST_REDIS_IMAGE, &name, &session);
    podc_service_spec_add_port(s, 6379, 0, NULL);
    podc_service_spec_add_check_tcp_exchange(s, 6379, "PING\r\n", "+HELLO", 0, NULL);
    podc_service_spec_set_startup_timeout(s, 3000, NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_service_start(c, s, &svc, &err), PODC_EHEALTH);
    ck_assert_msg(strstr(podc_error_message(err), "answered \"+PONG"), "%s", podc_error_message(err));
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

START_TEST(service_exec_healthy)
{
    podc_client *c = itest_client();
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-exec", ITEST_REDIS_IMAGE, &name, &session);
    const char *ping[] = { "redis-cli", "ping" };
    podc_service_spec_add_check_exec(s, ping, 2, "PONG", 0, NULL);
    start_and_stop(c, s, "service_exec_healthy (redis-cli ping)");
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

START_TEST(service_podman_healthcheck)
{
    podc_client *c = itest_client();
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-phc", ITEST_HTTP_IMAGE, &name, &session);
    podc_service_spec_add_check_podman(s, "wget -q -O /dev/null http://127.0.0.1:8080/healthz", NULL);
    start_and_stop(c, s, "service_podman_healthcheck");
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

START_TEST(service_podman_check_without_healthcheck)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-nohc", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "exec sleep 600");
    podc_service_spec_add_check_podman(s, NULL, NULL); /* podc-base has no HEALTHCHECK */
    podc_service *svc = NULL;
    int64_t t0 = itest_now_ms();
    ck_assert_int_eq(podc_service_start(c, s, &svc, &err), PODC_EINVAL);
    ck_assert_int_lt(itest_now_ms() - t0, 5000); /* not the 60 s timeout */
    ck_assert_str_eq(podc_error_detail(err, "field"), "checks");
    ck_assert_str_eq(podc_error_container(err), name);
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

START_TEST(service_log_and_all_of)
{
    podc_client *c = itest_client();
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-log", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "echo starting; sleep 0.3; echo ready now; sleep 0.3; echo ready now; exec sleep 600");
    podc_service_spec_add_check_log(s, "^ready [a-z]+$", 2, NULL);
    const char *t[] = { "/bin/busybox", "true" };
    podc_service_spec_add_check_exec(s, t, 2, NULL, 0, NULL);
    int64_t took = start_and_stop(c, s, "service_log_and_all_of");
    ck_assert_int_ge(took, 500); /* needed both "ready" lines */
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

START_TEST(service_fail_fast_on_exit)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session, *net = itest_name("svc-ffnet");
    podc_service_spec *s = itest_service_spec("svc-exit", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "echo boom-before-exit; echo on-stderr >&2; sleep 0.5; exit 3");
    podc_service_spec_add_port(s, 8080, 0, NULL);
    podc_service_spec_set_network(s, net, NULL);
    podc_service_spec_add_check_http(s, 8080, "/healthz", 0, NULL, 0, NULL);
    podc_service *svc = NULL;
    int64_t t0 = itest_now_ms();
    int rc = podc_service_start(c, s, &svc, &err);
    int64_t took = itest_now_ms() - t0;
    fprintf(stderr, "service_fail_fast_on_exit: failed after %lld ms (container exits at ~0.5 s)\n",
            (long long)took);
    ck_assert_int_eq(rc, PODC_EHEALTH);
    ck_assert_ptr_null(svc);
    ck_assert_int_lt(took, 4000); /* generous: create+start alone can take 1 s on a loaded host */
    int code = -1;
    ck_assert_int_eq(podc_error_exit_code(err, &code), 1);
    ck_assert_int_eq(code, 3);
    ck_assert_str_eq(podc_error_container(err), name);
    ck_assert_int_eq(strlen(podc_error_container_id(err)), 64);
    ck_assert_ptr_nonnull(podc_error_log_tail(err));
    ck_assert_ptr_nonnull(strstr(podc_error_log_tail(err), "boom-before-exit"));
    ck_assert_ptr_nonnull(strstr(podc_error_log_tail(err), "on-stderr"));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "exited with code 3"));
    /* nothing left: the container and the network this call created */
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    ck_assert_uint_eq(count_session(c, session, 1), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(session);
    free(net);
    podc_client_free(c);
}
END_TEST

START_TEST(service_timeout)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-tmo", ITEST_HTTP_IMAGE, &name, &session);
    podc_service_spec_add_port(s, 8080, 0, NULL);
    podc_service_spec_add_env(s, "HEALTHZ_STATUS", "503", NULL);
    podc_service_spec_add_check_http(s, 8080, "/healthz", 0, NULL, 500, NULL);
    podc_service_spec_set_startup_timeout(s, 2000, NULL);
    podc_service *svc = NULL;
    int64_t t0 = itest_now_ms();
    int rc = podc_service_start(c, s, &svc, &err);
    int64_t took = itest_now_ms() - t0;
    fprintf(stderr, "service_timeout: failed after %lld ms (timeout 2000)\n", (long long)took);
    ck_assert_int_eq(rc, PODC_EHEALTH);
    ck_assert_int_ge(took, 2000);
    ck_assert_int_lt(took, 5000);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "not healthy after 2000 ms"));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "status 503"));
    ck_assert_ptr_nonnull(podc_error_detail(err, "reason"));
    ck_assert_ptr_nonnull(podc_error_log_tail(err));
    ck_assert_ptr_nonnull(strstr(podc_error_log_tail(err), "httpsvc: starting"));
    ck_assert_str_eq(podc_error_container(err), name);
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

START_TEST(service_keep_on_failure)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-keep", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "sleep 0.7; exit 5");
    const char *t[] = { "/bin/busybox", "false" };
    podc_service_spec_add_check_exec(s, t, 2, NULL, 0, NULL);
    podc_service_spec_set_keep_on_failure(s, 1, NULL);
    progress_log pl = { 0, "", 0 };
    podc_service_spec_set_progress(s, on_progress, &pl, NULL);
    podc_service *svc = NULL;
    ck_assert_int_eq(podc_service_start(c, s, &svc, &err), PODC_EHEALTH);
    int code = -1;
    ck_assert_int_eq(podc_error_exit_code(err, &code), 1);
    ck_assert_int_eq(code, 5);
    ck_assert_uint_eq(count_session(c, session, 0), 1); /* kept for debugging */
    /* fail-fast latency: from the container's FinishedAt to the moment the start noticed */
    podc_container_info *info = NULL;
    char *kept_id = strdup(podc_error_container_id(err));
    ck_assert_ok(podc_container_inspect(c, kept_id, &info, &err), &err);
    free(kept_id);
    int64_t finished = itest_rfc3339_ms(podc_container_info_finished_at(info));
    podc_container_info_free(info);
    ck_assert_int_gt(finished, 0);
    ck_assert_int_gt(pl.stopped_seen_real_ms, 0);
    fprintf(stderr, "service_keep_on_failure: exit noticed %lld ms after the container finished\n",
            (long long)(pl.stopped_seen_real_ms - finished));
    ck_assert_int_lt(pl.stopped_seen_real_ms - finished, 1000); /* ~30-70 ms (bench_failfast); margin for valgrind */
    size_t removed = 0;
    ck_assert_ok(podc_service_cleanup(c, session, &removed, &err), &err);
    ck_assert_uint_eq(removed, 1);
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

START_TEST(service_replaces_stale)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session;
    /* a running container of the same name, not made by the module */
    podc_container_spec *cs = podc_container_spec_new();
    char *n = itest_name("svc-stale");
    podc_container_spec_set_name(cs, n, NULL);
    podc_container_spec_set_image(cs, ITEST_BASE_IMAGE, NULL);
    podc_container_spec_add_label(cs, ITEST_LABEL, itest_owner(), NULL);
    const char *argv[] = { "/bin/busybox", "sleep", "600" };
    podc_container_spec_set_command(cs, argv, 3, NULL);
    char *old_id = NULL;
    ck_assert_ok(podc_container_create(c, cs, &old_id, &err), &err);
    ck_assert_ok(podc_container_start(c, old_id, &err), &err);
    podc_container_spec_free(cs);
    free(n);

    podc_service_spec *s = itest_service_spec("svc-stale", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "exec sleep 600");
    podc_service *svc = NULL;
    ck_assert_ok(podc_service_start(c, s, &svc, &err), &err);
    ck_assert_str_ne(podc_service_id(svc), old_id);
    int exists = 1;
    ck_assert_ok(podc_container_exists(c, old_id, &exists, &err), &err);
    ck_assert_int_eq(exists, 0);
    ck_assert_ok(podc_service_stop(c, svc, 0, &err), &err);
    podc_service_free(svc);
    podc_free(old_id);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

START_TEST(service_stop_many_and_depends)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *na, *sa, *nb, *sb, *nd, *sd;
    podc_service_spec *a = itest_service_spec("svc-dep-a", ITEST_BASE_IMAGE, &na, &sa);
    set_script(a, "exec sleep 600");
    podc_service *svcs[2] = { NULL, NULL };
    ck_assert_ok(podc_service_start(c, a, &svcs[0], &err), &err);

    podc_service_spec *b = itest_service_spec("svc-dep-b", ITEST_BASE_IMAGE, &nb, &sb);
    set_script(b, "exec sleep 600");
    podc_service_spec_add_depends_on(b, na, NULL);
    ck_assert_ok(podc_service_start(c, b, &svcs[1], &err), &err);

    /* a dependency that never appears: fails after the startup timeout */
    podc_service_spec *d = itest_service_spec("svc-dep-d", ITEST_BASE_IMAGE, &nd, &sd);
    set_script(d, "exec sleep 600");
    podc_service_spec_add_depends_on(d, "podc-it-no-such-dependency", NULL);
    podc_service_spec_set_startup_timeout(d, 500, NULL);
    podc_service *none = NULL;
    ck_assert_int_eq(podc_service_start(c, d, &none, &err), PODC_EHEALTH);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "podc-it-no-such-dependency"));

    /* both are PID-1 sleeps that ignore SIGTERM: each stop takes the 1 s timeout */
    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_service_stop_many(c, (const podc_service *const *)svcs, 2, 1000, &err), &err);
    int64_t took = itest_now_ms() - t0;
    fprintf(stderr, "service_stop_many: 2 services in %lld ms (1 s stop timeout each)\n", (long long)took);
    ck_assert_int_lt(took, 2000); /* one after the other would take over 2 s */
    ck_assert_uint_eq(count_session(c, sa, 0), 0);
    ck_assert_uint_eq(count_session(c, sb, 0), 0);
    podc_error_free(err);
    podc_service_free(svcs[0]);
    podc_service_free(svcs[1]);
    podc_service_spec_free(a);
    podc_service_spec_free(b);
    podc_service_spec_free(d);
    free(na);
    free(sa);
    free(nb);
    free(sb);
    free(nd);
    free(sd);
    podc_client_free(c);
}
END_TEST

START_TEST(service_cleanup_session)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session, *net = itest_name("svc-clnet");
    podc_service_spec *s = itest_service_spec("svc-clean", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "exec sleep 600");
    podc_service_spec_set_network(s, net, NULL);
    podc_service *svc = NULL;
    ck_assert_ok(podc_service_start(c, s, &svc, &err), &err);
    podc_service_free(svc); /* leftover: never stopped */
    ck_assert_uint_eq(count_session(c, session, 0), 1);
    ck_assert_uint_eq(count_session(c, session, 1), 1);
    size_t removed = 0;
    ck_assert_ok(podc_service_cleanup(c, session, &removed, &err), &err);
    ck_assert_uint_eq(removed, 2);
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    ck_assert_uint_eq(count_session(c, session, 1), 0);
    ck_assert_ok(podc_service_cleanup(c, session, &removed, &err), &err);
    ck_assert_uint_eq(removed, 0);
    podc_service_spec_free(s);
    free(name);
    free(session);
    free(net);
    podc_client_free(c);
}
END_TEST

START_TEST(service_build_when_missing)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session, *tag = NULL;
    char dir[] = "/tmp/podc-it-svc-build-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/Containerfile", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("FROM " ITEST_HTTP_IMAGE "\nARG GREETING=none\nENV GREETING=$GREETING\n", f);
    fclose(f);
    ck_assert_int_ge(asprintf(&tag, "localhost/podc-it-%d-svc-built:1", (int)getpid()), 0);

    podc_service_spec *s = itest_service_spec("svc-build", tag, &name, &session);
    podc_service_spec_set_build(s, dir, NULL, 0, NULL);
    podc_service_spec_add_build_arg(s, "GREETING", "hi", NULL);
    podc_service_spec_add_port(s, 8080, 0, NULL);
    podc_service_spec_add_check_http(s, 8080, "/healthz", 0, NULL, 0, NULL);
    progress_log pl = { 0, "", 0 };
    podc_service_spec_set_progress(s, on_progress, &pl, NULL);
    podc_service *svc = NULL;
    ck_assert_ok(podc_service_start(c, s, &svc, &err), &err);
    ck_assert_ptr_nonnull(strstr(pl.text, "built image"));
    podc_service_free(svc);
    size_t removed = 0;
    ck_assert_ok(podc_service_cleanup(c, session, &removed, &err), &err);
    ck_assert_uint_eq(removed, 2); /* the container, then the image */
    int exists = 1;
    ck_assert_ok(podc_image_exists(c, tag, &exists, &err), &err);
    ck_assert_int_eq(exists, 0);
    unlink(path);
    rmdir(dir);
    podc_service_spec_free(s);
    free(name);
    free(session);
    free(tag);
    podc_client_free(c);
}
END_TEST

START_TEST(service_invalid_spec_sends_nothing)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-bad", ITEST_HTTP_IMAGE, &name, &session);
    podc_service_spec_add_check_http(s, 8080, "/", 0, NULL, 0, NULL); /* port not published */
    podc_service *svc = NULL;
    ck_assert_int_eq(podc_service_start(c, s, &svc, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "checks");
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

/* The log check reads only what is new each poll: a line is never counted twice. */
START_TEST(service_log_counts_each_line_once)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-log1", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "echo ready one; echo other; exec sleep 600");
    podc_service_spec_add_check_log(s, "^ready", 2, NULL);
    podc_service_spec_set_poll_interval(s, 20, 40, NULL); /* many reads of the same second */
    podc_service_spec_set_startup_timeout(s, 1500, NULL);
    podc_service *svc = NULL;
    ck_assert_int_eq(podc_service_start(c, s, &svc, &err), PODC_EHEALTH);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "seen 1 of 2 times"));
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

/* A container OOM-killed while the start waits for health: PODC_EHEALTH at once, code 137,
 * and the error says OOM-killed. */
START_TEST(service_oom_fail_fast)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session;
    podc_service_spec *s = itest_service_spec("svc-oom", ITEST_BASE_IMAGE, &name, &session);
    /* the string doubles until the 16 MB cgroup limit: the kernel OOM-kills it (~0.1 s) */
    set_script(s, "echo allocating; sleep 0.3; x=a; while true; do x=$x$x; done");
    ck_assert_int_eq(podc_service_spec_set_memory_limit(s, 16 * 1024 * 1024, NULL), 0);
    const char *never[] = { "/bin/busybox", "false" };
    podc_service_spec_add_check_exec(s, never, 2, NULL, 0, NULL);
    podc_service_spec_set_keep_on_failure(s, 1, NULL); /* to read FinishedAt below */
    progress_log pl = { 0, "", 0 };
    podc_service_spec_set_progress(s, on_progress, &pl, NULL);
    podc_service *svc = NULL;
    int64_t t0 = itest_now_ms();
    int rc = podc_service_start(c, s, &svc, &err);
    int64_t took = itest_now_ms() - t0;
    ck_assert_int_eq(rc, PODC_EHEALTH);
    fprintf(stderr, "service_oom_fail_fast: failed after %lld ms: %s\n", (long long)took, podc_error_message(err));
    ck_assert_int_lt(took, 5000);
    int code = -1;
    ck_assert_int_eq(podc_error_exit_code(err, &code), 1);
    ck_assert_int_eq(code, 137);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "OOM-killed"));
    ck_assert_ptr_nonnull(podc_error_detail(err, "oom_killed"));
    ck_assert_str_eq(podc_error_detail(err, "memory_limit"), "16777216");
    ck_assert_ptr_nonnull(strstr(podc_error_log_tail(err), "allocating"));
    /* fail-fast latency: the container's FinishedAt to the moment the start noticed */
    podc_container_info *info = NULL;
    char *kept_id = strdup(podc_error_container_id(err));
    podc_error_free(err);
    err = NULL;
    ck_assert_ok(podc_container_inspect(c, kept_id, &info, &err), &err);
    free(kept_id);
    int64_t finished = itest_rfc3339_ms(podc_container_info_finished_at(info));
    podc_container_info_free(info);
    fprintf(stderr, "service_oom_fail_fast: OOM noticed %lld ms after the container finished\n",
            (long long)(pl.stopped_seen_real_ms - finished));
    ck_assert_int_lt(pl.stopped_seen_real_ms - finished, 1000); /* ~30-70 ms (bench_failfast); margin for valgrind */
    ck_assert_ok(podc_service_cleanup(c, session, NULL, &err), &err);
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    podc_service_spec_free(s);
    free(name);
    free(session);
    podc_client_free(c);
}
END_TEST

/* A test process that starts containers and is then killed leaves labelled leftovers, which
 * cleanup by session removes (containers and network). */
START_TEST(service_killed_process_leftovers)
{
    char *name, *session, *net = itest_name("svc-kinet");
    podc_service_spec *s = itest_service_spec("svc-killed", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "exec sleep 600");
    podc_service_spec_set_network(s, net, NULL);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* the child: its own client, start, report, then wait to be killed */
        close(fds[0]);
        podc_client *cc = NULL;
        podc_service *svc = NULL;
        char ok = podc_client_new(&cc, NULL, NULL) == 0 && podc_service_start(cc, s, &svc, NULL) == 0 ? 'y' : 'n';
        if (write(fds[1], &ok, 1) != 1 || ok != 'y')
            _exit(1);
        for (;;)
            pause();
    }
    close(fds[1]);
    char ok = 0;
    ssize_t got = read(fds[0], &ok, 1);
    close(fds[0]);
    kill(pid, SIGKILL);
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(got, 1);
    ck_assert_int_eq(ok, 'y');
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    podc_client *c = itest_client();
    podc_error *err = NULL;
    /* the leftovers: the running container and the network, both labelled */
    ck_assert_uint_eq(count_session(c, session, 0), 1);
    ck_assert_uint_eq(count_session(c, session, 1), 1);
    podc_container_info *info = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &info, &err), &err);
    ck_assert_int_eq(podc_container_info_running(info), 1);
    ck_assert_str_eq(podc_container_info_label(info, PODC_SERVICE_LABEL_SESSION), session);
    ck_assert_str_eq(podc_container_info_label(info, PODC_SERVICE_LABEL_MANAGED), "true");
    podc_container_info_free(info);
    size_t removed = 0;
    ck_assert_ok(podc_service_cleanup(c, session, &removed, &err), &err);
    ck_assert_uint_eq(removed, 2);
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    ck_assert_uint_eq(count_session(c, session, 1), 0);
    int exists = 1;
    ck_assert_ok(podc_container_exists(c, name, &exists, &err), &err);
    ck_assert_int_eq(exists, 0);
    podc_service_spec_free(s);
    free(name);
    free(session);
    free(net);
    podc_client_free(c);
}
END_TEST

/* ---- depends-on order: B is created only after A is healthy ---- */

typedef struct dep_a {
    podc_service_spec *spec;
    atomic_int started;       /* A's container was started (A is still unhealthy) */
    atomic_llong healthy_real_ms; /* wall clock when A reported healthy */
    int rc;
    podc_service *svc;
} dep_a;

static int on_progress_a(const char *line, void *ud)
{
    dep_a *a = ud;
    if (strstr(line, ": started"))
        atomic_store(&a->started, 1);
    if (strstr(line, "healthy after"))
        atomic_store(&a->healthy_real_ms, (long long)real_ms());
    return 0;
}

static void *start_a(void *arg)
{
    dep_a *a = arg;
    podc_client *c = NULL;
    a->rc = podc_client_new(&c, NULL, NULL);
    if (a->rc == 0)
        a->rc = podc_service_start(c, a->spec, &a->svc, NULL);
    atomic_store(&a->started, 1); /* also on failure: don't leave the test waiting */
    podc_client_free(c);
    return NULL;
}

/* Created time of a container (unix ms), from the raw inspect JSON. */
static int64_t created_ms(podc_client *c, const char *name)
{
    podc_container_info *info = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &info, &err), &err);
    const char *j = podc_container_info_json(info);
    const char *p = j ? strstr(j, "\"Created\":\"") : NULL;
    ck_assert_ptr_nonnull(p);
    int64_t ms = itest_rfc3339_ms(p + strlen("\"Created\":\""));
    podc_container_info_free(info);
    return ms;
}

START_TEST(service_depends_waits_for_healthy)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *na, *sa, *nb, *sb;
    dep_a a = { 0 };
    a.spec = itest_service_spec("svc-ord-a", ITEST_BASE_IMAGE, &na, &sa);
    set_script(a.spec, "sleep 1.5; touch /tmp/ready; exec sleep 600"); /* running at once, healthy at ~1.5 s */
    const char *ready[] = { "/bin/busybox", "test", "-f", "/tmp/ready" };
    podc_service_spec_add_check_exec(a.spec, ready, 4, NULL, 0, NULL);
    podc_service_spec_set_progress(a.spec, on_progress_a, &a, NULL);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, start_a, &a), 0);
    while (!atomic_load(&a.started))
        usleep(5000);

    podc_service_spec *b = itest_service_spec("svc-ord-b", ITEST_BASE_IMAGE, &nb, &sb);
    set_script(b, "exec sleep 600");
    podc_service_spec_add_depends_on(b, na, NULL);
    podc_service *svc_b = NULL;
    int rc = podc_service_start(c, b, &svc_b, &err);
    pthread_join(t, NULL);
    ck_assert_int_eq(a.rc, 0);
    ck_assert_ok(rc, &err);
    int64_t a_healthy = atomic_load(&a.healthy_real_ms), b_created = created_ms(c, nb);
    fprintf(stderr, "service_depends_waits_for_healthy: B created %lld ms after A became healthy\n",
            (long long)(b_created - a_healthy));
    ck_assert_int_gt(a_healthy, 0);
    ck_assert_int_ge(b_created, a_healthy);

    const podc_service *both[] = { a.svc, svc_b };
    ck_assert_ok(podc_service_stop_many(c, both, 2, 0, &err), &err);
    podc_service_free(a.svc);
    podc_service_free(svc_b);
    podc_service_spec_free(a.spec);
    podc_service_spec_free(b);
    free(na);
    free(sa);
    free(nb);
    free(sb);
    podc_client_free(c);
}
END_TEST

/* Prepare runs everything but the process: the port is published and known, nothing serves
 * yet; start_prepared then only starts and waits. */
START_TEST(service_prepare_then_start)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session, *net = itest_name("svc-prepnet");
    podc_service_spec *s = itest_service_spec("svc-prep", ITEST_HTTP_IMAGE, &name, &session);
    podc_service_spec_add_port(s, 8080, 0, NULL);
    podc_service_spec_set_network(s, net, NULL);
    podc_service_spec_add_check_http(s, 8080, "/healthz", 0, "ok", 0, NULL);
    progress_log pl = { 0, "", 0 };
    podc_service_spec_set_progress(s, on_progress, &pl, NULL);

    podc_service *svc = NULL;
    ck_assert_ok(podc_service_prepare(c, s, &svc, &err), &err);
    int port = podc_service_host_port(svc, 8080);
    ck_assert_int_gt(port, 0);
    podc_container_info *i = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    ck_assert_str_eq(podc_container_info_status(i), "initialized");
    podc_container_info_free(i);
    ck_assert_int_ne(http_status(port, "/healthz"), 200); /* no process yet */
    ck_assert_ptr_nonnull(strstr(pl.text, "initialized"));

    /* a different spec's name is refused, nothing sent */
    char *oname, *osession;
    podc_service_spec *other = itest_service_spec("svc-prep-other", ITEST_HTTP_IMAGE, &oname, &osession);
    ck_assert_int_eq(podc_service_start_prepared(c, other, svc, &err), PODC_EINVAL);

    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_service_start_prepared(c, s, svc, &err), &err);
    fprintf(stderr, "service_prepare_then_start: start_prepared->healthy %lld ms\n%s", (long long)(itest_now_ms() - t0),
            pl.text);
    ck_assert_int_eq(podc_service_host_port(svc, 8080), port);
    ck_assert_ptr_nonnull(podc_service_ip(svc));
    ck_assert_int_eq(http_status(port, "/healthz"), 200);
    /* started once: a second start is refused */
    ck_assert_int_eq(podc_service_start_prepared(c, s, svc, &err), PODC_EINVAL);

    ck_assert_ok(podc_service_stop(c, svc, 1000, &err), &err);
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    ck_assert_ok(podc_service_cleanup(c, session, NULL, &err), &err);
    podc_error_free(err);
    podc_service_free(svc);
    podc_service_spec_free(s);
    podc_service_spec_free(other);
    free(name);
    free(session);
    free(oname);
    free(osession);
    free(net);
    podc_client_free(c);
}
END_TEST

/* A prepared service that dies on start fails fast like any start and takes the container
 * and the network prepare created with it. */
START_TEST(service_prepared_fail_fast)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name, *session, *net = itest_name("svc-prepff");
    podc_service_spec *s = itest_service_spec("svc-prepff", ITEST_BASE_IMAGE, &name, &session);
    set_script(s, "echo prepared-and-dying; exit 4");
    podc_service_spec_add_port(s, 8080, 0, NULL);
    podc_service_spec_set_network(s, net, NULL);
    podc_service_spec_add_check_http(s, 8080, "/healthz", 0, NULL, 0, NULL);
    podc_service *svc = NULL;
    ck_assert_ok(podc_service_prepare(c, s, &svc, &err), &err);
    ck_assert_uint_eq(count_session(c, session, 1), 1);
    ck_assert_int_eq(podc_service_start_prepared(c, s, svc, &err), PODC_EHEALTH);
    int code = -1;
    ck_assert_int_eq(podc_error_exit_code(err, &code), 1);
    ck_assert_int_eq(code, 4);
    ck_assert_ptr_nonnull(strstr(podc_error_log_tail(err), "prepared-and-dying"));
    ck_assert_uint_eq(count_session(c, session, 0), 0);
    ck_assert_uint_eq(count_session(c, session, 1), 0);
    ck_assert_int_eq(podc_service_start_prepared(c, s, svc, &err), PODC_EINVAL);
    podc_error_free(err);
    podc_service_free(svc);
    podc_service_spec_free(s);
    free(name);
    free(session);
    free(net);
    podc_client_free(c);
}
END_TEST

Suite *service_suite(void)
{
    Suite *s = suite_create("service");
    TCase *tc = itest_tcase("health", 120);
    tcase_add_test(tc, service_http_healthy);
    tcase_add_test(tc, service_tcp_healthy);
    tcase_add_test(tc, service_exec_healthy);
    tcase_add_test(tc, service_tcp_exchange_healthy);
    tcase_add_test(tc, service_podman_healthcheck);
    tcase_add_test(tc, service_log_and_all_of);
    tcase_add_test(tc, service_log_counts_each_line_once);
    suite_add_tcase(s, tc);

    tc = itest_tcase("failures", 90);
    tcase_add_test(tc, service_fail_fast_on_exit);
    tcase_add_test(tc, service_timeout);
    tcase_add_test(tc, service_keep_on_failure);
    tcase_add_test(tc, service_invalid_spec_sends_nothing);
    tcase_add_test(tc, service_podman_check_without_healthcheck);
    tcase_add_test(tc, service_oom_fail_fast);
    tcase_add_test(tc, service_killed_process_leftovers);
    suite_add_tcase(s, tc);

    tc = itest_tcase("lifecycle", 120);
    tcase_add_test(tc, service_replaces_stale);
    tcase_add_test(tc, service_stop_many_and_depends);
    tcase_add_test(tc, service_cleanup_session);
    tcase_add_test(tc, service_build_when_missing);
    tcase_add_test(tc, service_depends_waits_for_healthy);
    tcase_add_test(tc, service_prepare_then_start);
    tcase_add_test(tc, service_prepared_fail_fast);
    suite_add_tcase(s, tc);
    return s;
}
