/* Service spec validation and the default session: pure logic, nothing is sent. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../fake/fake_server.h"
#include "podc/service.h"
#include "core/json.h"
#include "service/service-private.h"
#include "suites.h"

static podc_client *fake_client(fake_server *fs)
{
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = fake_server_path(fs);
    podc_client *c = NULL;
    ck_assert_int_eq(podc_client_new(&c, &o, NULL), 0);
    return c;
}

/* A minimal valid spec. */
static podc_service_spec *base_spec(void)
{
    podc_service_spec *s = podc_service_spec_new();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(podc_service_spec_set_name(s, "web", NULL), 0);
    ck_assert_int_eq(podc_service_spec_set_image(s, "localhost/podc-httpsvc:test", NULL), 0);
    return s;
}

static void expect_invalid(podc_service_spec *s, const char *field)
{
    podc_error *err = NULL;
    ck_assert_int_eq(podc_service_spec_validate(s, &err), PODC_EINVAL);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(podc_error_detail(err, "field"), field);
    podc_error_free(err);
    podc_service_spec_free(s);
}

START_TEST(spec_valid_full)
{
    podc_service_spec *s = base_spec();
    podc_error *err = NULL;
    ck_assert_int_eq(podc_service_spec_add_port(s, 8080, 0, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_env(s, "A", "b", NULL), 0);
    ck_assert_int_eq(podc_service_spec_set_network(s, "net1", NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_network_alias(s, "web", NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_volume(s, "vol", "/data", NULL, 0, NULL), 0);
    const char *ro[] = { "ro" };
    ck_assert_int_eq(podc_service_spec_add_bind_mount(s, "/etc", "/host-etc", ro, 1, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_label(s, "role", "web", NULL), 0);
    const char *argv[] = { "/bin/busybox", "true" };
    ck_assert_int_eq(podc_service_spec_set_command(s, argv, 2, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_host(s, "db", "10.0.0.2", NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_depends_on(s, "db", NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_check_http(s, 8080, "healthz", 0, "ok", 0, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_check_tcp(s, 8080, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_check_exec(s, argv, 2, NULL, 0, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_check_log(s, "^ready( now)?$", 2, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_check_podman(s, "true", NULL), 0);
    ck_assert_int_eq(podc_service_spec_set_build(s, "/tmp", NULL, 1, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_build_arg(s, "V", "1", NULL), 0);
    ck_assert_int_eq(podc_service_spec_set_session(s, "sess-1", NULL), 0);
    ck_assert_int_eq(podc_service_spec_validate(s, &err), 0);
    ck_assert_ptr_null(err);
    podc_service_spec_free(s);
}
END_TEST

START_TEST(spec_setter_bounds)
{
    podc_service_spec *s = base_spec();
    ck_assert_int_eq(podc_service_spec_add_port(s, 0, 0, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_add_port(s, 80, 65536, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_set_startup_timeout(s, 0, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_set_poll_interval(s, 100, 50, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_set_poll_interval(s, 0, 50, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_add_check_log(s, "x", 0, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_set_command(s, NULL, 0, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_set_name(NULL, "x", NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_add_bind_mount(s, NULL, "/x", NULL, 0, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_set_memory_limit(s, -1, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_service_spec_set_memory_limit(NULL, 1, NULL), PODC_EINVAL);
    podc_service_spec_free(s);
    podc_service_spec_free(NULL);
}
END_TEST

START_TEST(spec_invalid_parts)
{
    podc_service_spec *s = podc_service_spec_new();
    podc_service_spec_set_image(s, "localhost/x:1", NULL);
    expect_invalid(s, "name");

    s = podc_service_spec_new();
    podc_service_spec_set_name(s, "web", NULL);
    expect_invalid(s, "image");

    s = base_spec();
    podc_service_spec_set_name(s, "-bad name", NULL);
    expect_invalid(s, "name");

    s = base_spec();
    podc_service_spec_add_check_tcp(s, 5432, NULL); /* not published */
    expect_invalid(s, "checks");

    s = base_spec();
    podc_service_spec_add_check_log(s, "([unclosed", 1, NULL);
    expect_invalid(s, "checks");

    s = base_spec();
    podc_service_spec_add_label(s, PODC_SERVICE_LABEL_SESSION, "x", NULL);
    expect_invalid(s, "labels");

    s = base_spec();
    podc_service_spec_add_network_alias(s, "web", NULL);
    expect_invalid(s, "aliases");

    s = base_spec();
    podc_service_spec_set_session(s, "has space", NULL);
    expect_invalid(s, "session");

    s = base_spec();
    podc_service_spec_add_env(s, "A=B", "x", NULL);
    expect_invalid(s, "env");

    s = base_spec();
    podc_service_spec_add_depends_on(s, "web", NULL);
    expect_invalid(s, "depends_on");

    s = base_spec();
    podc_service_spec_add_bind_mount(s, "relative/dir", "/x", NULL, 0, NULL);
    expect_invalid(s, "mounts");

    s = base_spec();
    podc_service_spec_add_check_podman(s, NULL, NULL);
    podc_service_spec_add_check_podman(s, "true", NULL);
    expect_invalid(s, "checks");
}
END_TEST

START_TEST(default_session_stable)
{
    const char *a = podc_service_default_session(), *b = podc_service_default_session();
    ck_assert_ptr_eq(a, b);
    ck_assert_uint_eq(strlen(a), 16);
    for (const char *p = a; *p; p++)
        ck_assert(isxdigit((unsigned char)*p));
}
END_TEST

START_TEST(service_handle_null_safe)
{
    ck_assert_ptr_null(podc_service_name(NULL));
    ck_assert_int_eq(podc_service_host_port(NULL, 80), -1);
    char *u = NULL;
    ck_assert_int_eq(podc_service_url(NULL, 80, "/", &u), PODC_EINVAL);
    podc_service_free(NULL);
}
END_TEST

START_TEST(invalid_spec_sends_nothing)
{
    char *ok = fake_http_response(200, "application/json", "[]");
    fake_response r = { .raw = ok, .drop_after = -1 };
    fake_server *fs = fake_server_start(&r, 1);
    free(ok);
    ck_assert_ptr_nonnull(fs);
    podc_client *c = fake_client(fs);
    podc_service_spec *s = base_spec();
    podc_service_spec_add_check_http(s, 8080, "/", 0, NULL, 0, NULL); /* 8080 not published */
    podc_service *svc = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_service_start(c, s, &svc, &err), PODC_EINVAL);
    ck_assert_ptr_null(svc);
    ck_assert_int_eq(fake_server_requests(fs), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    podc_client_free(c);
    fake_server_stop(fs);
}
END_TEST

#define FAKE_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* start fails after create: the container and the network this call created are removed */
START_TEST(failed_start_rolls_back)
{
    char *raw[7] = {
        fake_http_response(204, NULL, NULL), /* the image is there: nothing to pull */
        fake_http_response(200, "application/json", "{\"name\":\"net1\",\"id\":\"9e\",\"driver\":\"bridge\"}\n"),
        fake_http_response(200, "application/json", "[]\n"),
        fake_http_response(201, "application/json", "{\"Id\":\"" FAKE_ID "\",\"Warnings\":[]}\n"),
        fake_http_response(500, "application/json",
                           "{\"cause\":\"address already in use\",\"message\":\"rootlessport listen tcp "
                           "0.0.0.0:8080: bind: address already in use\",\"response\":500}\n"),
        fake_http_response(200, "application/json", "[{\"Id\":\"" FAKE_ID "\"}]\n"),
        fake_http_response(200, "application/json", "[{\"Name\":\"net1\",\"Err\":null}]\n"),
    };
    fake_response script[7];
    for (int i = 0; i < 7; i++)
        script[i] = (fake_response){ .raw = raw[i], .drop_after = -1 };
    fake_server *fs = fake_server_start(script, 7);
    for (int i = 0; i < 7; i++)
        free(raw[i]);
    ck_assert_ptr_nonnull(fs);
    podc_client *c = fake_client(fs);
    podc_service_spec *s = base_spec();
    podc_service_spec_set_network(s, "net1", NULL);
    podc_service_spec_add_port(s, 8080, 8080, NULL);
    podc_service_spec_set_session(s, "sess-x", NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    int rc = podc_service_start(c, s, &svc, &err);
    ck_assert_int_lt(rc, 0);
    ck_assert_ptr_null(svc);
    ck_assert_int_eq(fake_server_requests(fs), 7);
    char *exists = fake_server_request(fs, 0);
    ck_assert_ptr_nonnull(strstr(exists, "GET /v4.0.0/libpod/images/"));
    free(exists);
    char *create = fake_server_request(fs, 3);
    ck_assert_ptr_nonnull(strstr(create, "POST /v4.0.0/libpod/containers/create"));
    ck_assert_ptr_nonnull(strstr(create, "\"podc.session\":\"sess-x\""));
    ck_assert_ptr_nonnull(strstr(create, "\"podc.managed\":\"true\""));
    char *net = fake_server_request(fs, 1);
    ck_assert_ptr_nonnull(strstr(net, "\"podc.session\":\"sess-x\""));
    char *rm = fake_server_request(fs, 5), *rmnet = fake_server_request(fs, 6);
    ck_assert_ptr_nonnull(strstr(rm, "DELETE /v4.0.0/libpod/containers/" FAKE_ID));
    ck_assert_ptr_nonnull(strstr(rmnet, "DELETE /v4.0.0/libpod/networks/net1"));
    free(create);
    free(net);
    free(rm);
    free(rmnet);
    podc_error_free(err);
    podc_service_spec_free(s);
    podc_client_free(c);
    fake_server_stop(fs);
}
END_TEST

/* The memory limit reaches the create body. */
/* The create request a service spec becomes (session "sess"), as JSON text (podc_free()). */
static char *create_request(const podc_service_spec *s)
{
    podc_container_spec *cs = NULL;
    char *json = NULL;
    ck_assert_int_eq(pdc_svc_container_spec(s, "sess", &cs, NULL), 0);
    ck_assert_int_eq(podc_container_spec_to_json(cs, &json, NULL), 0);
    podc_container_spec_free(cs);
    return json;
}

START_TEST(memory_limit_in_container_spec)
{
    podc_service_spec *s = base_spec();
    ck_assert_int_eq(podc_service_spec_set_memory_limit(s, 16 << 20, NULL), 0);
    char *json = create_request(s);
    ck_assert_ptr_nonnull(strstr(json, "\"resource_limits\":{\"memory\":{\"limit\":16777216}}"));
    podc_free(json);
    podc_service_spec_free(s);
}
END_TEST

/* The service spec holds a container spec: the service's setters write into it, anything else
 * of a container is set on it directly; name, image and ports stay the service's. */
START_TEST(service_spec_holds_a_container_spec)
{
    ck_assert_ptr_null(podc_service_spec_container(NULL));
    podc_service_spec *s = base_spec();
    ck_assert_int_eq(podc_service_spec_add_port(s, 8080, 0, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_env(s, "A", "1", NULL), 0);
    ck_assert_int_eq(podc_service_spec_set_workdir(s, "/srv", NULL), 0);
    podc_container_spec *c = podc_service_spec_container(s);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(podc_container_spec_add_rlimit(c, "nofile", 1024, 2048, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_rlimit(c, "nproc", 512, 512, NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_hostname(c, "box", NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_env(c, "B", "2", NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_image(c, "localhost/other:2", NULL), 0); /* replaced at start */
    podc_error *err = NULL;
    ck_assert_msg(podc_service_spec_validate(s, &err) == 0, "%s", podc_error_message(err));
    char *json = create_request(s);
    yajl_val v = pdc_json_parse(json, NULL, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(pdc_json_str(v, "image", NULL), "localhost/podc-httpsvc:test");
    ck_assert_str_eq(pdc_json_str(v, "name", NULL), "web");
    ck_assert_str_eq(pdc_json_str(v, "env", "A", NULL), "1");
    ck_assert_str_eq(pdc_json_str(v, "env", "B", NULL), "2");
    ck_assert_str_eq(pdc_json_str(v, "work_dir", NULL), "/srv");
    ck_assert_str_eq(pdc_json_str(v, "hostname", NULL), "box");
    ck_assert_str_eq(pdc_json_str(v, "labels", PODC_SERVICE_LABEL_SESSION, NULL), "sess");
    ck_assert_uint_eq(pdc_json_array_len(pdc_json_get(v, "r_limits", NULL)), 2);
    ck_assert_uint_eq(pdc_json_array_len(pdc_json_get(v, "portmappings", NULL)), 1);
    pdc_json_free(v);
    podc_free(json);
    /* NULL: the image's working directory again */
    ck_assert_int_eq(podc_service_spec_set_workdir(s, NULL, NULL), 0);
    json = create_request(s);
    ck_assert_ptr_null(strstr(json, "work_dir"));
    podc_free(json);
    podc_service_spec_free(s);
}
END_TEST

/* The registry of starts in progress (dependents wait for them) is per podman service: a start
 * of "db" on one service does not hold up a dependent of "db" on another. */
START_TEST(registry_keyed_by_service)
{
    fake_response none = { .raw = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", .drop_after = -1 };
    fake_server *a = fake_server_start(&none, 1), *b = fake_server_start(&none, 1);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    podc_client *ca = fake_client(a), *ca2 = fake_client(a), *cb = fake_client(b);
    ck_assert_int_eq(pdc_svc_registry_add(ca, "db"), 0);
    ck_assert_int_eq(pdc_svc_registry_has(ca, "db"), 1);
    ck_assert_int_eq(pdc_svc_registry_has(ca2, "db"), 1); /* another client of the same service */
    ck_assert_int_eq(pdc_svc_registry_has(cb, "db"), 0);
    ck_assert_int_eq(pdc_svc_registry_has(ca, "web"), 0);
    pdc_svc_registry_remove(cb, "db"); /* not its entry: nothing changes */
    ck_assert_int_eq(pdc_svc_registry_has(ca, "db"), 1);
    pdc_svc_registry_remove(ca2, "db");
    ck_assert_int_eq(pdc_svc_registry_has(ca, "db"), 0);
    podc_client_free(ca);
    podc_client_free(ca2);
    podc_client_free(cb);
    fake_server_stop(a);
    fake_server_stop(b);
}
END_TEST

static void feed(pdc_svc_logpos *p, const regex_t *re, const char *rec)
{
    pdc_svc_logpos_feed(p, re, rec, strlen(rec));
}

/* The log check reads again from the last record's second: what it counted is skipped. */
START_TEST(log_position_counts_each_line_once)
{
    regex_t re;
    ck_assert_int_eq(regcomp(&re, "^ready", REG_EXTENDED | REG_NOSUB), 0);
    pdc_svc_logpos p;
    memset(&p, 0, sizeof p);
    /* first read: everything */
    p.skip = p.n_at_last;
    feed(&p, &re, "2026-11-25T20:46:51Z starting\n");
    feed(&p, &re, "2026-11-25T20:46:52Z ready 1\n");
    feed(&p, &re, "2026-11-25T20:46:52Z not yet\r\n");
    ck_assert_int_eq(p.matches, 1);
    ck_assert_str_eq(p.last_ts, "2026-11-25T20:46:52Z");
    ck_assert_int_eq(p.n_at_last, 2);
    /* second read (since 20:46:52Z): the two records of :52 again, then new ones */
    p.skip = p.n_at_last;
    feed(&p, &re, "2026-11-25T20:46:52Z ready 1\n");
    feed(&p, &re, "2026-11-25T20:46:52Z not yet\n");
    feed(&p, &re, "2026-11-25T20:46:52Z ready 2\n"); /* same second, new */
    ck_assert_int_eq(p.matches, 2);
    ck_assert_int_eq(p.n_at_last, 3);
    /* third read: nothing new */
    p.skip = p.n_at_last;
    feed(&p, &re, "2026-11-25T20:46:52Z ready 1\n");
    feed(&p, &re, "2026-11-25T20:46:52Z not yet\n");
    feed(&p, &re, "2026-11-25T20:46:52Z ready 2\n");
    ck_assert_int_eq(p.matches, 2);
    /* fourth read: a new second; a record holding two lines counts both */
    p.skip = p.n_at_last;
    feed(&p, &re, "2026-11-25T20:46:52Z ready 1\n");
    feed(&p, &re, "2026-11-25T20:46:52Z not yet\n");
    feed(&p, &re, "2026-11-25T20:46:52Z ready 2\n");
    feed(&p, &re, "2026-11-25T20:46:53Z ready 3\nready 4\n");
    ck_assert_int_eq(p.matches, 4);
    ck_assert_str_eq(p.last_ts, "2026-11-25T20:46:53Z");
    ck_assert_int_eq(p.n_at_last, 1);
    /* a piece without a timestamp counts but does not move the position */
    feed(&p, &re, "ready piece-of-a-long-record\n");
    ck_assert_int_eq(p.matches, 5);
    p.matches = 4;
    ck_assert_str_eq(p.last_ts, "2026-11-25T20:46:53Z");
    /* a read cut short (error) and retried re-counts nothing */
    p.skip = p.n_at_last;
    feed(&p, &re, "2026-11-25T20:46:53Z ready 3\nready 4\n");
    ck_assert_int_eq(p.matches, 4);
    regfree(&re);
}
END_TEST

Suite *service_spec_suite(void)
{
    Suite *s = suite_create("service_spec");
    TCase *tc = tcase_create("spec");
    tcase_add_test(tc, spec_valid_full);
    tcase_add_test(tc, spec_setter_bounds);
    tcase_add_test(tc, spec_invalid_parts);
    tcase_add_test(tc, default_session_stable);
    tcase_add_test(tc, service_handle_null_safe);
    tcase_add_test(tc, invalid_spec_sends_nothing);
    tcase_add_test(tc, failed_start_rolls_back);
    tcase_add_test(tc, memory_limit_in_container_spec);
    tcase_add_test(tc, service_spec_holds_a_container_spec);
    tcase_add_test(tc, registry_keyed_by_service);
    tcase_add_test(tc, log_position_counts_each_line_once);
    tcase_set_timeout(tc, 20);
    suite_add_tcase(s, tc);
    return s;
}
