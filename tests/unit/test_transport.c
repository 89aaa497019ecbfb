/* Transport behaviour the real service can't be made to show, against tests/fake/fake_server. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../fake/fake_server.h"
#include "core/error-private.h"
#include "podc.h"
#include "suites.h"
#include "transport/connections.h"
#include "transport/endpoint.h"
#include "transport/http.h"

#define HDR "Libpod-Api-Version: 4.3.1\r\n"
static const char PING_OK[] = "HTTP/1.1 200 OK\r\n" HDR "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK";

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static podc_client *client_for(fake_server *s, int64_t timeout_ms)
{
    char uri[256];
    snprintf(uri, sizeof uri, "unix://%s", fake_server_path(s));
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    o.timeout_ms = timeout_ms;
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_msg(podc_client_new(&c, &o, &err) == 0, "client: %s", podc_error_message(err));
    return c;
}

START_TEST(keepalive_reuses_one_connection)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s, 2000);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(podc_ping(c, NULL), 0);
    /* the server also saw discovery's connect probe, so count on the client side */
    ck_assert_int_eq(podc_client_connections_opened(c), 1);
    ck_assert_str_eq(podc_client_server_api_version(c), "4.3.1");
    char *req = fake_server_request(s, 0);
    ck_assert_ptr_nonnull(strstr(req, "GET /v4.0.0/libpod/_ping HTTP/1.1"));
    free(req);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(idle_close_is_retried_once)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s, 2000);
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    fake_server_close_idle(s); /* podman dropped our idle keep-alive connection */
    podc_error *err = NULL;
    ck_assert_msg(podc_ping(c, &err) == 0, "%s", podc_error_message(err));
    ck_assert_int_eq(podc_client_connections_opened(c), 2);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(reused_connection_dying_on_request_is_retried)
{
    /* the server reads the 2nd request on the old connection and closes without a byte */
    fake_response r[3] = {
        { .raw = PING_OK, .drop_after = -1 },
        { .raw = PING_OK, .drop_after = 0 },
        { .raw = PING_OK, .drop_after = -1 },
    };
    fake_server *s = fake_server_start(r, 3);
    podc_client *c = client_for(s, 2000);
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    podc_error *err = NULL;
    ck_assert_msg(podc_ping(c, &err) == 0, "%s", podc_error_message(err));
    ck_assert_int_eq(fake_server_requests(s), 3);
    ck_assert_int_eq(podc_client_connections_opened(c), 2);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(malformed_json_is_protocol_error)
{
    fake_response r = { .raw = "HTTP/1.1 200 OK\r\n" HDR "Content-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"Version\":\"4.",
                        .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s, 2000);
    podc_version *v = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_version_get(c, &v, &err), PODC_EPROTOCOL);
    ck_assert_ptr_null(v);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "not valid JSON"));
    ck_assert_str_eq(podc_error_path(err), "/libpod/version");
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(dropped_mid_body_is_transport_error)
{
    char *raw = fake_http_response(200, "application/json", "{\"host\":{\"ociRuntime\":{\"name\":\"runc\"}},\"pad\":\"xxxxxxxxxxxxxxxx\"}");
    fake_response r = { .raw = raw, .drop_after = (long)strlen(raw) - 20 };
    fake_server *s = fake_server_start(&r, 1);
    free(raw);
    podc_client *c = client_for(s, 2000);
    podc_info *info = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_info_get(c, &info, &err), PODC_ETRANSPORT);
    ck_assert_ptr_null(info);
    ck_assert_str_eq(podc_error_detail(err, "socket"), fake_server_path(s));
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(silent_server_times_out)
{
    fake_response r = { .never_answer = 1, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s, 300);
    podc_error *err = NULL;
    int64_t t0 = now_ms();
    ck_assert_int_eq(podc_ping(c, &err), PODC_ETIMEOUT);
    int64_t took = now_ms() - t0;
    ck_assert_msg(took >= 250 && took < 2000, "timeout took %lld ms", (long long)took);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

static void *cancel_later(void *arg)
{
    usleep(200 * 1000);
    podc_client_cancel(arg);
    return NULL;
}

START_TEST(cancel_from_another_thread)
{
    fake_response r = { .never_answer = 1, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s, 30000);
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, c);
    podc_error *err = NULL;
    int64_t t0 = now_ms();
    ck_assert_int_eq(podc_ping(c, &err), PODC_ECANCELLED);
    int64_t took = now_ms() - t0;
    pthread_join(th, NULL);
    ck_assert_msg(took < 1000, "cancel took %lld ms", (long long)took);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(old_api_version_refused)
{
    fake_response r = { .raw = "HTTP/1.1 200 OK\r\nLibpod-Api-Version: 3.4.4\r\nContent-Length: 2\r\n\r\nOK",
                        .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s, 2000);
    podc_error *err = NULL;
    ck_assert_int_eq(podc_ping(c, &err), PODC_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "3.4.4"));
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(json_error_reply_mapped)
{
    char *raw = fake_http_response(500, "application/json",
                                   "{\"cause\":\"no such container\",\"message\":\"no container with name or ID "
                                   "\\\"x\\\" found: no such container\",\"response\":500}\n");
    fake_response r = { .raw = raw, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    free(raw);
    podc_client *c = client_for(s, 2000);
    podc_error *err = NULL;
    ck_assert_int_eq(podc_ping(c, &err), PODC_ENOTFOUND);
    ck_assert_str_eq(podc_error_cause(err), "no such container");
    ck_assert_int_eq(podc_error_http_status(err), 500);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

typedef struct {
    pdc_buf got;
    int calls;
    int stop_at;
} sink;

static int collect(const char *data, size_t len, void *ud)
{
    sink *k = ud;
    k->calls++;
    pdc_buf_append(&k->got, data, len);
    return (k->stop_at && k->calls >= k->stop_at) ? 1 : 0;
}

START_TEST(chunked_stream_delivered_in_pieces)
{
    const char *body = "{\"stream\":\"STEP 1/2\\n\"}\n{\"stream\":\"STEP 2/2\\n\"}\n{\"stream\":\"abcdef\\n\"}\n";
    char *raw = fake_http_chunked(200, "application/json", body, 7);
    fake_response r = { .raw = raw, .drop_after = -1, .chunk_pause_ms = 2, .chunk_size = 5 };
    fake_server *s = fake_server_start(&r, 1);
    free(raw);
    podc_client *c = client_for(s, 5000);
    sink k = { PODC_BUF_INIT, 0, 0 };
    pdc_http_request req = { .method = "GET", .path = "/libpod/x", .on_data = collect, .data_ud = &k };
    pdc_http_response resp;
    ck_assert_int_eq(pdc_http_call(c, &req, &resp, NULL), 0);
    ck_assert_str_eq(k.got.data, body);
    ck_assert_int_gt(k.calls, 3);
    ck_assert_uint_eq(resp.body.len, 0);
    pdc_http_response_free(&resp);
    pdc_buf_free(&k.got);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(stream_callback_can_stop)
{
    char *raw = fake_http_chunked(200, "application/octet-stream", "aaaaaaaaaabbbbbbbbbbcccccccccc", 10);
    fake_response r = { .raw = raw, .drop_after = -1, .chunk_pause_ms = 20, .chunk_size = 15 };
    fake_server *s = fake_server_start(&r, 1);
    free(raw);
    podc_client *c = client_for(s, 5000);
    sink k = { PODC_BUF_INIT, 0, 1 };
    pdc_http_request req = { .method = "GET", .path = "/libpod/x", .on_data = collect, .data_ud = &k };
    pdc_http_response resp;
    ck_assert_int_eq(pdc_http_call(c, &req, &resp, NULL), PODC_ECANCELLED);
    ck_assert_int_eq(k.calls, 1);
    pdc_http_response_free(&resp);
    pdc_buf_free(&k.got);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(missing_socket_names_path)
{
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = "unix:///nonexistent/podc/podman.sock";
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_client_new(&c, &o, &err), PODC_ETRANSPORT);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "/nonexistent/podc/podman.sock"));
    ck_assert_str_eq(podc_error_detail(err, "socket"), "/nonexistent/podc/podman.sock");
    podc_error_free(err);

    /* tcp is served; port 1 refuses: a transport error naming the URI, nothing else tried */
    o.uri = "tcp://127.0.0.1:1";
    err = NULL;
    ck_assert_int_eq(podc_client_new(&c, &o, &err), PODC_ETRANSPORT);
    ck_assert_str_eq(podc_error_detail(err, "tried"), "tcp://127.0.0.1:1");
    podc_error_free(err);

    /* what podc cannot serve is invalid input naming the URI, never a fallback */
    const char *bad[] = { "http://127.0.0.1:8080", "tcp://127.0.0.1", "tcp://host:99999", "unix://relative.sock",
                          "ssh://user:pw@host", "npipe:////./pipe/podman", "tcp://h:1/path" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        o.uri = bad[i];
        ck_assert_msg(podc_client_new(&c, &o, &err) == PODC_EINVAL, "%s accepted", bad[i]);
        ck_assert_str_eq(podc_error_detail(err, "field"), "uri");
        ck_assert_ptr_nonnull(strstr(podc_error_message(err), bad[i]));
        podc_error_free(err);
    }
}
END_TEST

/* fuzz findings (no crash): keys after an array of tables ("[[x]]") counted for the table
 * before it, and a header left open named a connection "" */
START_TEST(conf_tables_podc_does_not_read)
{
    char text[] = "[engine]\nactive_service = \"a\"\n"
                  "[engine.service_destinations.a]\nuri = \"ssh://u@h/run/p.sock\"\n"
                  "[[engine.service_destinations.a.extra]]\nuri = \"tcp://wrong:1\"\n"
                  "[engine.service_destinations.\"b\nuri = \"tcp://also-wrong:1\"\n"
                  "[engine]\nactive_service = \"c\"\n";
    char *active = NULL, *uri = NULL, *identity = NULL;
    pdc_connections_conf_read(text, "a", &active, &uri, &identity);
    ck_assert_str_eq(uri, "ssh://u@h/run/p.sock");
    ck_assert_str_eq(active, "c");
    ck_assert_ptr_null(identity);
    free(active);
    free(uri);
    active = NULL;
    char text2[] = "[engine.service_destinations.\"\nuri = \"tcp://x:1\"\n";
    uri = NULL;
    pdc_connections_conf_read(text2, "", &active, &uri, &identity);
    ck_assert_ptr_null(uri);
    free(active);
}
END_TEST

/* fuzz finding: brackets took any host ("[a!]", "[[x]"), whose canonical URI came out
 * unbracketed and did not parse again; they hold an IPv6 literal (and its zone) only */
START_TEST(endpoint_brackets_hold_ipv6_only)
{
    const char *bad[] = { "ssh://[[]", "tcp://[a!]:8080", "tcp://[engine]:1", "ssh://u@[fe80::1%]:22", "tcp://[]:1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pdc_endpoint ep;
        podc_error *err = NULL;
        ck_assert_msg(pdc_endpoint_parse(bad[i], &ep, &err) == PODC_EINVAL, "%s accepted", bad[i]);
        ck_assert_str_eq(podc_error_detail(err, "field"), "uri");
        podc_error_free(err);
    }
    const char *good[][2] = { { "tcp://[::1]:8080", "tcp://[::1]:8080" },
                              { "ssh://core@[fe80::1%eth0]:2222/run/podman/podman.sock",
                                "ssh://core@[fe80::1%eth0]:2222/run/podman/podman.sock" },
                              { "tcp://[::ffff:127.0.0.1]:1/", "tcp://[::ffff:127.0.0.1]:1" } };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        pdc_endpoint ep, again;
        ck_assert_msg(pdc_endpoint_parse(good[i][0], &ep, NULL) == 0, "%s refused", good[i][0]);
        ck_assert_str_eq(ep.uri, good[i][1]);
        ck_assert_int_eq(pdc_endpoint_parse(ep.uri, &again, NULL), 0);
        ck_assert_str_eq(again.host, ep.host);
        pdc_endpoint_clear(&again);
        pdc_endpoint_clear(&ep);
    }
}
END_TEST

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* containers.conf's [engine] active_service and service_destinations, podman 5's
 * podman-connections.json, CONTAINER_CONNECTION and the option, in podman's precedence. */
START_TEST(named_connections)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    char dir[] = "/tmp/podc-unit-conn-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char conf[128], cfgdir[128], json[160], text[2048];
    snprintf(conf, sizeof conf, "%s/containers.conf", dir);
    snprintf(cfgdir, sizeof cfgdir, "%s/containers", dir);
    snprintf(json, sizeof json, "%s/podman-connections.json", cfgdir);
    ck_assert_int_eq(mkdir(cfgdir, 0700), 0);
    snprintf(text, sizeof text,
             "# podman's config, with what podc must skip\n[containers]\ndefault_ulimits = [\n  \"nofile=1:1\",\n]\n"
             "[engine]\nruntime = \"runc\"\nactive_service = \"local-fake\"  # comment\n"
             "[engine.service_destinations.\"local-fake\"]\nuri = \"unix://%s\"\nidentity = \"/k/id_ed25519\"\n"
             "[engine.service_destinations.build]\nuri = 'tcp://127.0.0.1:1'\n",
             fake_server_path(s));
    write_text(conf, text);
    setenv("CONTAINERS_CONF", conf, 1);
    setenv("XDG_CONFIG_HOME", dir, 1);
    unsetenv("CONTAINER_HOST");
    unsetenv("CONTAINER_CONNECTION");
    unsetenv("DOCKER_HOST");

    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_msg(podc_client_new(&c, NULL, &err) == 0, "%s", podc_error_message(err));
    ck_assert_str_eq(podc_client_socket_source(c), "default connection local-fake");
    ck_assert_str_eq(podc_client_socket_path(c), fake_server_path(s));
    podc_client_free(c);

    /* CONTAINER_CONNECTION picks another one, and it is used or fails: no fallback */
    setenv("CONTAINER_CONNECTION", "build", 1);
    ck_assert_int_eq(podc_client_new(&c, NULL, &err), PODC_ETRANSPORT);
    ck_assert_str_eq(podc_error_detail(err, "tried"), "tcp://127.0.0.1:1");
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "CONTAINER_CONNECTION build"));
    podc_error_free(err);
    err = NULL;
    setenv("CONTAINER_CONNECTION", "nope", 1);
    ck_assert_int_eq(podc_client_new(&c, NULL, &err), PODC_ENOTFOUND);
    ck_assert_str_eq(podc_error_detail(err, "connection"), "nope");
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), conf));
    podc_error_free(err);
    err = NULL;
    unsetenv("CONTAINER_CONNECTION");

    /* the option's connection; uri and connection together are refused */
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.connection = "local-fake";
    ck_assert_int_eq(podc_client_new(&c, &o, NULL), 0);
    ck_assert_str_eq(podc_client_socket_source(c), "connection local-fake");
    podc_client_free(c);
    o.uri = "unix:///x.sock";
    ck_assert_int_eq(podc_client_new(&c, &o, &err), PODC_EINVAL);
    podc_error_free(err);
    err = NULL;
    /* version 1 options (no connection field) are still accepted */
    podc_client_options v1;
    ck_assert_int_eq(podc_client_options_init(&v1, 1), 0);
    ck_assert_int_eq(podc_client_options_init(&v1, 3), PODC_EINVAL);

    /* podman 5's podman-connections.json comes first */
    snprintf(text, sizeof text,
             "{\"Connection\":{\"Default\":\"j\",\"Connections\":{\"j\":{\"URI\":\"unix://%s\","
             "\"Identity\":\"\",\"IsMachine\":false}}},\"Farm\":{}}",
             fake_server_path(s));
    write_text(json, text);
    ck_assert_int_eq(podc_client_new(&c, NULL, NULL), 0);
    ck_assert_str_eq(podc_client_socket_source(c), "default connection j");
    podc_client_free(c);

    /* CONTAINER_HOST beats the default connection */
    setenv("CONTAINER_HOST", "tcp://127.0.0.1:1", 1);
    ck_assert_int_eq(podc_client_new(&c, NULL, &err), PODC_ETRANSPORT);
    podc_error_free(err);
    unsetenv("CONTAINER_HOST");

    unlink(json);
    unlink(conf);
    rmdir(cfgdir);
    rmdir(dir);
    unsetenv("CONTAINERS_CONF");
    unsetenv("XDG_CONFIG_HOME");
    fake_server_stop(s);
}
END_TEST

START_TEST(discovery_order)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    char uri[256];
    snprintf(uri, sizeof uri, "unix://%s", fake_server_path(s));
    unsetenv("CONTAINER_CONNECTION");
    setenv("CONTAINERS_CONF", "/nonexistent/containers.conf", 1); /* no default connection */
    setenv("XDG_CONFIG_HOME", "/nonexistent/config", 1);

    /* CONTAINER_HOST names a dead socket: an error naming it, no fallback to DOCKER_HOST */
    setenv("CONTAINER_HOST", "unix:///nonexistent/a.sock", 1);
    setenv("DOCKER_HOST", uri, 1);
    setenv("XDG_RUNTIME_DIR", "/nonexistent/xdg", 1);
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_client_new(&c, NULL, &err), PODC_ETRANSPORT);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "/nonexistent/a.sock (from CONTAINER_HOST)"));
    podc_error_free(err);
    err = NULL;

    /* DOCKER_HOST when CONTAINER_HOST is unset */
    unsetenv("CONTAINER_HOST");
    ck_assert_int_eq(podc_client_new(&c, NULL, NULL), 0);
    ck_assert_str_eq(podc_client_socket_source(c), "DOCKER_HOST");
    ck_assert_str_eq(podc_client_socket_path(c), fake_server_path(s));
    ck_assert_str_eq(podc_client_scheme(c), "unix");
    ck_assert_str_eq(podc_client_host(c), "127.0.0.1");
    podc_client_free(c);

    /* CONTAINER_HOST first */
    setenv("CONTAINER_HOST", uri, 1);
    setenv("DOCKER_HOST", "unix:///nonexistent/b.sock", 1);
    ck_assert_int_eq(podc_client_new(&c, NULL, NULL), 0);
    ck_assert_str_eq(podc_client_socket_source(c), "CONTAINER_HOST");
    ck_assert_str_eq(podc_client_uri(c), uri);
    /* a client made like it goes to the same service without discovering again */
    unsetenv("CONTAINER_HOST");
    podc_client *c2 = NULL;
    ck_assert_int_eq(podc_client_new_like(&c2, c, NULL), 0);
    ck_assert_str_eq(podc_client_uri(c2), uri);
    ck_assert_str_eq(podc_client_socket_source(c2), "CONTAINER_HOST");
    podc_client_free(c2);
    podc_client_free(c);
    fake_server_stop(s);

    /* nothing named: only the local sockets, all listed when none answers */
    unsetenv("DOCKER_HOST");
    c = NULL;
    if (podc_client_new(&c, NULL, &err) == 0) { /* the default may be a real service */
        ck_assert_str_eq(podc_client_socket_source(c), "default");
        podc_client_free(c);
    } else {
        const char *tried = podc_error_detail(err, "tried");
        ck_assert_ptr_nonnull(tried);
        ck_assert_ptr_nonnull(strstr(tried, "/nonexistent/xdg/podman/podman.sock"));
        ck_assert_ptr_nonnull(strstr(tried, "/run/podman/podman.sock"));
        podc_error_free(err);
    }
    unsetenv("CONTAINERS_CONF");
    unsetenv("XDG_CONFIG_HOME");
}
END_TEST

Suite *transport_suite(void)
{
    Suite *s = suite_create("transport");
    TCase *tc = tcase_create("fake-server");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, keepalive_reuses_one_connection);
    tcase_add_test(tc, idle_close_is_retried_once);
    tcase_add_test(tc, reused_connection_dying_on_request_is_retried);
    tcase_add_test(tc, malformed_json_is_protocol_error);
    tcase_add_test(tc, dropped_mid_body_is_transport_error);
    tcase_add_test(tc, silent_server_times_out);
    tcase_add_test(tc, cancel_from_another_thread);
    tcase_add_test(tc, old_api_version_refused);
    tcase_add_test(tc, json_error_reply_mapped);
    tcase_add_test(tc, chunked_stream_delivered_in_pieces);
    tcase_add_test(tc, stream_callback_can_stop);
    tcase_add_test(tc, missing_socket_names_path);
    tcase_add_test(tc, endpoint_brackets_hold_ipv6_only);
    tcase_add_test(tc, discovery_order);
    tcase_add_test(tc, named_connections);
    tcase_add_test(tc, conf_tables_podc_does_not_read);
    suite_add_tcase(s, tc);
    return s;
}
