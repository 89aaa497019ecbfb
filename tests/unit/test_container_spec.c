/* Container spec -> SpecGenerator JSON, spec validation, and the request lines and reply
 * handling of the network/container calls, against tests/fake/fake_server. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fake/fake_server.h"
#include "core/json.h"
#include "podc.h"
#include "suites.h"

#define HDR "Libpod-Api-Version: 4.3.1\r\n"

#define ck_assert_ok(expr, errp)                                                              \
    do {                                                                                      \
        int rc_ = (expr);                                                                     \
        ck_assert_msg(rc_ == 0, "%s failed (%d): %s", #expr, rc_,                            \
                      *(errp) ? podc_error_message(*(errp)) : "no error object");              \
    } while (0)

static podc_container_spec *base_spec(void)
{
    podc_container_spec *s = podc_container_spec_new();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(podc_container_spec_set_image(s, "localhost/podc-base:latest", NULL), 0);
    const char *cmd[] = { "/bin/busybox", "sleep", "60" };
    ck_assert_int_eq(podc_container_spec_set_command(s, cmd, 3, NULL), 0);
    return s;
}

static yajl_val spec_tree(const podc_container_spec *s)
{
    char *json = NULL;
    podc_error *err = NULL;
    int rc = podc_container_spec_to_json(s, &json, &err);
    ck_assert_msg(rc == 0, "to_json: %s", podc_error_message(err));
    yajl_val v = pdc_json_parse(json, NULL, 0);
    ck_assert_msg(v != NULL, "not JSON: %s", json);
    podc_free(json);
    return v;
}

static int64_t jint(yajl_val v, const char *k1, const char *k2)
{
    int64_t n = INT64_MIN;
    if (k2)
        ck_assert_msg(pdc_json_int(v, &n, k1, k2, NULL), "%s.%s is not an integer", k1, k2);
    else
        ck_assert_msg(pdc_json_int(v, &n, k1, NULL), "%s is not an integer", k1);
    return n;
}

START_TEST(spec_json_full)
{
    podc_container_spec *s = base_spec();
    const char *ep[] = { "/bin/busybox" };
    const char *aliases[] = { "web", "www" };
    const char *ro[] = { "ro", "z" };
    const char *tmpfs_opts[] = { "size=1m" };
    ck_assert_int_eq(podc_container_spec_set_name(s, "web-1", NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_entrypoint(s, ep, 1, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_env(s, "FOO", "bar", NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_env(s, "EMPTY", "", NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_env(s, "FOO", "baz", NULL), 0); /* replaces */
    ck_assert_int_eq(podc_container_spec_add_label(s, "role", "web", NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_port(s, 8080, 0, NULL, NULL, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_port(s, 53, 5353, "udp", "127.0.0.1", NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_network(s, "net-a", aliases, 2, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_network(s, "net-b", NULL, 0, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_bind_mount(s, "/srv/data", "/data", ro, 2, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_volume(s, "vol-1", "/vol", NULL, 0, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_volume(s, NULL, "/anon", NULL, 0, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_tmpfs(s, "/scratch", tmpfs_opts, 1, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_host(s, "host.containers.internal", "host-gateway", NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_host(s, "db.example", "10.1.2.3", NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_user(s, "1000:1000", NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_workdir(s, "/work/dir", NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_hostname(s, "myhost", NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_stop_signal(s, "SIGINT", NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_stop_timeout(s, 1500, NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_healthcheck_shell(s, "wget -q -O- http://127.0.0.1:8080/ || exit 1",
                                                               NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_healthcheck_timing(s, 2000, 1000, 500, 2, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_rlimit(s, "RLIMIT_NOFILE", 1024, 2048, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_rlimit(s, "nproc", UINT64_MAX, UINT64_MAX, NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_memory_limit(s, 1, NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_memory_limit(s, 16 * 1024 * 1024, NULL), 0); /* replaces */

    yajl_val v = spec_tree(s);
    /* SpecGenerator's resource_limits is OCI LinuxResources: {"memory":{"limit":N}} */
    int64_t limit = -1;
    ck_assert(pdc_json_int(v, &limit, "resource_limits", "memory", "limit", NULL));
    ck_assert_int_eq(limit, 16 * 1024 * 1024);
    ck_assert_uint_eq(pdc_json_object_len(pdc_json_get(v, "resource_limits", NULL)), 1);
    ck_assert_str_eq(pdc_json_str(v, "name", NULL), "web-1");
    ck_assert_str_eq(pdc_json_str(v, "image", NULL), "localhost/podc-base:latest");
    yajl_val cmd = pdc_json_get(v, "command", NULL);
    ck_assert_uint_eq(pdc_json_array_len(cmd), 3);
    ck_assert_str_eq(pdc_json_as_str(pdc_json_array_at(cmd, 2)), "60");
    ck_assert_uint_eq(pdc_json_array_len(pdc_json_get(v, "entrypoint", NULL)), 1);

    /* env is a map (a K=V list gives 500 on create) */
    yajl_val env = pdc_json_get(v, "env", NULL);
    ck_assert(YAJL_IS_OBJECT(env));
    ck_assert_uint_eq(pdc_json_object_len(env), 2);
    ck_assert_str_eq(pdc_json_str(v, "env", "FOO", NULL), "baz");
    ck_assert_str_eq(pdc_json_str(v, "env", "EMPTY", NULL), "");
    ck_assert_str_eq(pdc_json_str(v, "labels", "role", NULL), "web");

    /* ports: host port 0 is left out so podman picks one; protocol defaults to tcp */
    yajl_val pm = pdc_json_get(v, "portmappings", NULL);
    ck_assert_uint_eq(pdc_json_array_len(pm), 2);
    yajl_val p0 = pdc_json_array_at(pm, 0), p1 = pdc_json_array_at(pm, 1);
    ck_assert_int_eq(jint(p0, "container_port", NULL), 8080);
    ck_assert_ptr_null(pdc_json_get(p0, "host_port", NULL));
    ck_assert_ptr_null(pdc_json_get(p0, "host_ip", NULL));
    ck_assert_str_eq(pdc_json_str(p0, "protocol", NULL), "tcp");
    ck_assert_int_eq(jint(p1, "host_port", NULL), 5353);
    ck_assert_str_eq(pdc_json_str(p1, "protocol", NULL), "udp");
    ck_assert_str_eq(pdc_json_str(p1, "host_ip", NULL), "127.0.0.1");

    ck_assert_str_eq(pdc_json_str(v, "netns", "nsmode", NULL), "bridge");
    yajl_val al = pdc_json_get(v, "networks", "net-a", "aliases", NULL);
    ck_assert_uint_eq(pdc_json_array_len(al), 2);
    ck_assert_str_eq(pdc_json_as_str(pdc_json_array_at(al, 1)), "www");
    ck_assert(YAJL_IS_OBJECT(pdc_json_get(v, "networks", "net-b", NULL)));

    yajl_val mounts = pdc_json_get(v, "mounts", NULL);
    ck_assert_uint_eq(pdc_json_array_len(mounts), 2);
    yajl_val bind = pdc_json_array_at(mounts, 0), tmpfs = pdc_json_array_at(mounts, 1);
    ck_assert_str_eq(pdc_json_str(bind, "type", NULL), "bind");
    ck_assert_str_eq(pdc_json_str(bind, "source", NULL), "/srv/data");
    ck_assert_str_eq(pdc_json_str(bind, "destination", NULL), "/data");
    ck_assert_str_eq(pdc_json_as_str(pdc_json_array_at(pdc_json_get(bind, "options", NULL), 1)), "z");
    ck_assert_str_eq(pdc_json_str(tmpfs, "type", NULL), "tmpfs");
    ck_assert_str_eq(pdc_json_str(tmpfs, "source", NULL), "tmpfs");
    yajl_val vols = pdc_json_get(v, "volumes", NULL);
    ck_assert_uint_eq(pdc_json_array_len(vols), 2);
    ck_assert_str_eq(pdc_json_str(pdc_json_array_at(vols, 0), "Name", NULL), "vol-1");
    ck_assert_str_eq(pdc_json_str(pdc_json_array_at(vols, 0), "Dest", NULL), "/vol");
    ck_assert_str_eq(pdc_json_str(pdc_json_array_at(vols, 1), "Name", NULL), "");

    /* host.containers.internal:host-gateway is podman's own entry on 4.3: not sent */
    yajl_val hosts = pdc_json_get(v, "hostadd", NULL);
    ck_assert_uint_eq(pdc_json_array_len(hosts), 1);
    ck_assert_str_eq(pdc_json_as_str(pdc_json_array_at(hosts, 0)), "db.example:10.1.2.3");

    ck_assert_str_eq(pdc_json_str(v, "user", NULL), "1000:1000");
    ck_assert_str_eq(pdc_json_str(v, "work_dir", NULL), "/work/dir");
    ck_assert_int_eq(pdc_json_bool(v, "create_working_dir", NULL), 1);
    ck_assert_str_eq(pdc_json_str(v, "hostname", NULL), "myhost");
    ck_assert_int_eq(jint(v, "stop_signal", NULL), 2);  /* a number in SpecGenerator */
    ck_assert_int_eq(jint(v, "stop_timeout", NULL), 2); /* 1500 ms rounded up to seconds */

    /* healthconfig durations are integer nanoseconds */
    yajl_val test = pdc_json_get(v, "healthconfig", "Test", NULL);
    ck_assert_uint_eq(pdc_json_array_len(test), 2);
    ck_assert_str_eq(pdc_json_as_str(pdc_json_array_at(test, 0)), "CMD-SHELL");
    ck_assert_int_eq(jint(v, "healthconfig", "Interval"), 2000000000LL);
    ck_assert_int_eq(jint(v, "healthconfig", "Timeout"), 1000000000LL);
    ck_assert_int_eq(jint(v, "healthconfig", "StartPeriod"), 500000000LL);
    ck_assert_int_eq(jint(v, "healthconfig", "Retries"), 2);

    yajl_val rl = pdc_json_get(v, "r_limits", NULL);
    ck_assert_uint_eq(pdc_json_array_len(rl), 2);
    ck_assert_str_eq(pdc_json_str(pdc_json_array_at(rl, 0), "type", NULL), "nofile"); /* podman adds RLIMIT_ */
    ck_assert_int_eq(jint(pdc_json_array_at(rl, 0), "soft", NULL), 1024);
    yajl_val hard = pdc_json_get(pdc_json_array_at(rl, 1), "hard", NULL);
    ck_assert(YAJL_IS_NUMBER(hard)); /* 2^64-1 does not fit int64: still emitted as a JSON number */
    pdc_json_free(v);
    podc_container_spec_free(s);
}
END_TEST

START_TEST(spec_json_minimal_and_cmd_healthcheck)
{
    podc_container_spec *s = podc_container_spec_new();
    ck_assert_int_eq(podc_container_spec_set_image(s, "localhost/podc-httpsvc:test", NULL), 0);
    const char *hc[] = { "/bin/busybox", "true" };
    ck_assert_int_eq(podc_container_spec_set_healthcheck_cmd(s, hc, 2, NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_entrypoint(s, NULL, 0, NULL), 0);
    yajl_val v = spec_tree(s);
    /* only what was set, plus the health check with podman's CLI defaults */
    ck_assert_ptr_null(pdc_json_get(v, "name", NULL));
    ck_assert_ptr_null(pdc_json_get(v, "command", NULL));
    ck_assert_ptr_null(pdc_json_get(v, "env", NULL));
    ck_assert_ptr_null(pdc_json_get(v, "work_dir", NULL));
    ck_assert_ptr_null(pdc_json_get(v, "netns", NULL));
    ck_assert_ptr_null(pdc_json_get(v, "r_limits", NULL));
    ck_assert_ptr_null(pdc_json_get(v, "resource_limits", NULL));
    ck_assert_uint_eq(pdc_json_array_len(pdc_json_get(v, "entrypoint", NULL)), 0); /* [] clears the image's */
    yajl_val test = pdc_json_get(v, "healthconfig", "Test", NULL);
    ck_assert_uint_eq(pdc_json_array_len(test), 3);
    ck_assert_str_eq(pdc_json_as_str(pdc_json_array_at(test, 0)), "CMD");
    ck_assert_int_eq(jint(v, "healthconfig", "Interval"), 30000000000LL);
    ck_assert_int_eq(jint(v, "healthconfig", "Retries"), 3);
    pdc_json_free(v);
    podc_container_spec_free(s);
}
END_TEST

/* Each mutation must make validation fail with PODC_EINVAL naming `field`. */
typedef void (*mutate_fn)(podc_container_spec *s);

static void m_no_image(podc_container_spec *s) { (void)s; }
static void m_bad_name(podc_container_spec *s) { podc_container_spec_set_name(s, "bad name", NULL); }
static void m_lead_dash(podc_container_spec *s) { podc_container_spec_set_name(s, "-web", NULL); }
static void m_bad_image(podc_container_spec *s) { podc_container_spec_set_image(s, "busy box", NULL); }
static void m_cport0(podc_container_spec *s) { podc_container_spec_add_port(s, 0, 8080, NULL, NULL, NULL); }
static void m_hport_big(podc_container_spec *s) { podc_container_spec_add_port(s, 80, 70000, NULL, NULL, NULL); }
static void m_hport_neg(podc_container_spec *s) { podc_container_spec_add_port(s, 80, -1, NULL, NULL, NULL); }
static void m_proto(podc_container_spec *s) { podc_container_spec_add_port(s, 80, 0, "http", NULL, NULL); }
static void m_env_eq(podc_container_spec *s) { podc_container_spec_add_env(s, "A=B", "x", NULL); }
static void m_env_empty(podc_container_spec *s) { podc_container_spec_add_env(s, "", "x", NULL); }
static void m_bind_rel(podc_container_spec *s) { podc_container_spec_add_bind_mount(s, "data", "/data", NULL, 0,
                                                                                    NULL); }
static void m_dest_rel(podc_container_spec *s) { podc_container_spec_add_tmpfs(s, "tmp", NULL, 0, NULL); }
static void m_vol_name(podc_container_spec *s) { podc_container_spec_add_volume(s, "bad/vol", "/v", NULL, 0, NULL); }
static void m_opt_comma(podc_container_spec *s)
{
    const char *o[] = { "ro,z" };
    podc_container_spec_add_bind_mount(s, "/srv", "/srv", o, 1, NULL);
}
static void m_net_name(podc_container_spec *s) { podc_container_spec_add_network(s, "net:1", NULL, 0, NULL); }
static void m_alias(podc_container_spec *s)
{
    const char *a[] = { "bad alias" };
    podc_container_spec_add_network(s, "net1", a, 1, NULL);
}
static void m_gateway(podc_container_spec *s) { podc_container_spec_add_host(s, "myhost", "host-gateway", NULL); }
static void m_workdir(podc_container_spec *s) { podc_container_spec_set_workdir(s, "rel/dir", NULL); }
static void m_signal(podc_container_spec *s) { podc_container_spec_set_stop_signal(s, "SIGNOPE", NULL); }
static void m_stop_neg(podc_container_spec *s) { podc_container_spec_set_stop_timeout(s, -5, NULL); }
static void m_nofile_only(podc_container_spec *s) { podc_container_spec_add_rlimit(s, "nofile", 1024, 1024, NULL); }
static void m_nproc_only(podc_container_spec *s) { podc_container_spec_add_rlimit(s, "nproc", 512, 512, NULL); }
static void m_rl_soft(podc_container_spec *s)
{
    podc_container_spec_add_rlimit(s, "nofile", 2048, 1024, NULL);
    podc_container_spec_add_rlimit(s, "nproc", 512, 512, NULL);
}
static void m_rl_type(podc_container_spec *s) { podc_container_spec_add_rlimit(s, "bogus", 1, 1, NULL); }
static void m_hc_retries(podc_container_spec *s)
{
    podc_container_spec_set_healthcheck_shell(s, "true", NULL);
    podc_container_spec_set_healthcheck_timing(s, 1000, 1000, 0, 0, NULL);
}
static void m_hc_no_test(podc_container_spec *s) { podc_container_spec_set_healthcheck_timing(s, 1000, 1000, 0, 1,
                                                                                              NULL); }

static const struct {
    mutate_fn fn;
    int needs_image;
    const char *field;
} invalid_cases[] = {
    { m_no_image, 0, "image" },
    { m_bad_name, 1, "name" },
    { m_lead_dash, 1, "name" },
    { m_bad_image, 1, "image" },
    { m_cport0, 1, "ports.container_port" },
    { m_hport_big, 1, "ports.host_port" },
    { m_hport_neg, 1, "ports.host_port" },
    { m_proto, 1, "ports.protocol" },
    { m_env_eq, 1, "env" },
    { m_env_empty, 1, "env" },
    { m_bind_rel, 1, "mounts.bind" },
    { m_dest_rel, 1, "mounts.tmpfs" },
    { m_vol_name, 1, "volumes" },
    { m_opt_comma, 1, "mounts.bind" },
    { m_net_name, 1, "networks" },
    { m_alias, 1, "networks.aliases" },
    { m_gateway, 1, "hosts" },
    { m_workdir, 1, "workdir" },
    { m_signal, 1, "stop_signal" },
    { m_stop_neg, 1, "stop_timeout" },
    { m_nofile_only, 1, "rlimits" },
    { m_nproc_only, 1, "rlimits" },
    { m_rl_soft, 1, "rlimits" },
    { m_rl_type, 1, "rlimits" },
    { m_hc_retries, 1, "healthcheck" },
    { m_hc_no_test, 1, "healthcheck" },
};

START_TEST(spec_invalid)
{
    podc_container_spec *s = podc_container_spec_new();
    if (invalid_cases[_i].needs_image)
        podc_container_spec_set_image(s, "localhost/podc-base:latest", NULL);
    invalid_cases[_i].fn(s);
    podc_error *err = NULL;
    char *json = NULL;
    ck_assert_int_eq(podc_container_spec_validate(s, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), invalid_cases[_i].field);
    ck_assert_int_eq(podc_container_spec_to_json(s, &json, NULL), PODC_EINVAL);
    ck_assert_ptr_null(json);
    podc_error_free(err);
    podc_container_spec_free(s);
}
END_TEST

START_TEST(spec_rlimit_message_explains)
{
    podc_container_spec *s = base_spec();
    podc_container_spec_add_rlimit(s, "nofile", 1024, 1024, NULL);
    podc_error *err = NULL;
    ck_assert_int_eq(podc_container_spec_validate(s, &err), PODC_EINVAL);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "nproc"));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "replace"));
    podc_error_free(err);
    podc_container_spec_add_rlimit(s, "nproc", 4096, 4096, NULL);
    ck_assert_int_eq(podc_container_spec_validate(s, NULL), 0);
    podc_container_spec_free(s);
}
END_TEST

START_TEST(spec_setters_refuse_null)
{
    ck_assert_int_eq(podc_container_spec_set_image(NULL, "x", NULL), PODC_EINVAL);
    podc_container_spec *s = podc_container_spec_new();
    ck_assert_int_eq(podc_container_spec_set_image(s, NULL, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_container_spec_set_command(s, NULL, 0, NULL), PODC_EINVAL);
    const char *argv[] = { "a", NULL };
    ck_assert_int_eq(podc_container_spec_set_command(s, argv, 2, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_container_spec_add_env(s, "K", NULL, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_container_spec_add_network(s, "n", NULL, 1, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_container_spec_add_bind_mount(s, NULL, "/x", NULL, 0, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_container_spec_validate(NULL, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_container_spec_set_memory_limit(NULL, 1 << 24, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_container_spec_set_memory_limit(s, -1, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_container_spec_set_memory_limit(s, 0, NULL), 0); /* 0 = no limit */
    podc_container_spec_free(s);
    podc_container_spec_free(NULL);
    podc_network_options_free(NULL);
}
END_TEST

/* ---- against the fake server ---------------------------------------------------------- */

static podc_client *client_for(fake_server *srv)
{
    char uri[256];
    snprintf(uri, sizeof uri, "unix://%s", fake_server_path(srv));
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    o.timeout_ms = 5000;
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_msg(podc_client_new(&c, &o, &err) == 0, "client: %s", podc_error_message(err));
    return c;
}

static char *reply(int status, const char *ctype, const char *body)
{
    char *r = fake_http_response(status, ctype, body);
    /* add the version header after the status line */
    char *eol = strstr(r, "\r\n");
    size_t head = (size_t)(eol - r) + 2;
    char *out = malloc(strlen(r) + sizeof HDR);
    memcpy(out, r, head);
    strcpy(out + head, HDR);
    strcat(out, r + head);
    free(r);
    return out;
}

/* First line of request i ("POST /v4.0.0/libpod/... HTTP/1.1"), new string. */
static char *request_line(fake_server *srv, int i)
{
    char *req = fake_server_request(srv, i);
    ck_assert_ptr_nonnull(req);
    req[strcspn(req, "\r\n")] = '\0';
    return req;
}

START_TEST(invalid_input_sends_nothing)
{
    char *r = reply(200, "text/plain", "OK");
    fake_response fr = { .raw = r, .drop_after = -1 };
    fake_server *srv = fake_server_start(&fr, 1);
    free(r);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;

    podc_container_spec *s = base_spec();
    podc_container_spec_add_env(s, "BAD=KEY", "x", NULL);
    ck_assert_int_eq(podc_container_create(c, s, NULL, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "env");
    podc_container_spec_free(s);

    s = base_spec();
    podc_container_spec_add_bind_mount(s, "./relative", "/data", NULL, 0, NULL);
    ck_assert_int_eq(podc_container_create(c, s, NULL, &err), PODC_EINVAL);
    podc_container_spec_free(s);

    ck_assert_int_eq(podc_container_create(c, NULL, NULL, &err), PODC_EINVAL);
    ck_assert_int_eq(podc_container_start(c, "bad name", &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "name");
    ck_assert_int_eq(podc_container_stop(c, "", 1000, &err), PODC_EINVAL);
    ck_assert_int_eq(podc_container_remove(c, "a/b", PODC_CONTAINER_REMOVE_FORCE, &err), PODC_EINVAL);
    ck_assert_int_eq(podc_container_kill(c, "web", "SIGBOGUS", &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "signal");
    const char *healthy[] = { "healthy" };
    ck_assert_int_eq(podc_container_wait(c, "web", healthy, 1, 0, NULL, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "conditions");
    int yes = -1;
    ck_assert_int_eq(podc_container_exists(c, "-x", &yes, &err), PODC_EINVAL);
    ck_assert_int_eq(yes, -1); /* out-params untouched on failure */
    podc_container_info *info = NULL;
    ck_assert_int_eq(podc_container_inspect(c, "x y", &info, &err), PODC_EINVAL);
    ck_assert_ptr_null(info);
    ck_assert_int_eq(podc_container_healthcheck_run(c, "", NULL, &err), PODC_EINVAL);

    ck_assert_int_eq(podc_network_create(c, "bad:net", NULL, NULL, &err), PODC_EINVAL);
    ck_assert_int_eq(podc_network_ensure(c, "", NULL, NULL, &err), PODC_EINVAL);
    podc_network_options *o = podc_network_options_new();
    podc_network_options_add_subnet(o, "10.1.2.3", NULL, NULL);
    ck_assert_int_eq(podc_network_create(c, "net1", o, NULL, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "subnets");
    podc_network_options_free(o);
    const char *bad_alias[] = { "ok", "not ok" };
    ck_assert_int_eq(podc_network_connect(c, "net1", "web", bad_alias, 2, &err), PODC_EINVAL);
    ck_assert_int_eq(podc_network_remove(c, "net 1", PODC_NETWORK_REMOVE_FORCE, &err), PODC_EINVAL);
    ck_assert_int_eq(podc_network_exists(c, "net/1", &yes, &err), PODC_EINVAL);

    ck_assert_int_eq(fake_server_requests(srv), 0);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

START_TEST(lifecycle_request_lines)
{
    char *r204 = reply(204, NULL, NULL);
    char *r304 = reply(304, NULL, NULL);
    char *rwait = reply(200, "text/plain", "137\n");
    char *rrm = reply(200, "application/json", "[{\"Id\":\"abc\",\"RawInput\":\"web\"}]\n");
    char *rinspect =
        reply(200, "application/json", "{\"Id\":\"abc\",\"Name\":\"web\",\"Config\":{\"StopTimeout\":4}}\n");
    fake_response script[] = {
        { .raw = r304, .drop_after = -1 },     /* start: already running */
        { .raw = r204, .drop_after = -1 },     /* stop */
        { .raw = r304, .drop_after = -1 },     /* stop: already stopped */
        { .raw = rwait, .drop_after = -1 },    /* wait */
        { .raw = rwait, .drop_after = -1 },    /* wait with a poll interval */
        { .raw = rinspect, .drop_after = -1 }, /* restart(-1): inspect first */
        { .raw = r204, .drop_after = -1 },     /* restart */
        { .raw = r204, .drop_after = -1 },     /* kill */
        { .raw = rrm, .drop_after = -1 },      /* remove */
    };
    fake_server *srv = fake_server_start(script, sizeof script / sizeof script[0]);
    free(r204), free(r304), free(rwait), free(rrm), free(rinspect);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;

    ck_assert_ok(podc_container_start(c, "web", &err), &err);
    ck_assert_ok(podc_container_stop(c, "web", 1500, &err), &err);
    ck_assert_ok(podc_container_stop(c, "web", -1, &err), &err);
    const char *conds[] = { "stopped", "exited" };
    int code = -1;
    ck_assert_ok(podc_container_wait(c, "web", conds, 2, 0, &code, &err), &err);
    ck_assert_int_eq(code, 137);
    code = -1;
    ck_assert_ok(podc_container_wait_interval(c, "web", NULL, 0, 0, 100, &code, &err), &err);
    ck_assert_int_eq(code, 137);
    ck_assert_ok(podc_container_restart(c, "web", -1, &err), &err);
    ck_assert_ok(podc_container_kill(c, "web", "SIGUSR1", &err), &err);
    ck_assert_ok(podc_container_remove(c, "web", PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING,
                                       &err),
                 &err);

    static const char *const expect[] = {
        "POST /v4.0.0/libpod/containers/web/start HTTP/1.1",
        "POST /v4.0.0/libpod/containers/web/stop?timeout=2 HTTP/1.1", /* `timeout`, not `t`; rounded up */
        "POST /v4.0.0/libpod/containers/web/stop HTTP/1.1",
        "POST /v4.0.0/libpod/containers/web/wait?condition=stopped&condition=exited HTTP/1.1",
        "POST /v4.0.0/libpod/containers/web/wait?interval=100ms HTTP/1.1", /* a Go duration */
        "GET /v4.0.0/libpod/containers/web/json HTTP/1.1",
        "POST /v4.0.0/libpod/containers/web/restart?timeout=4 HTTP/1.1", /* always a timeout */
        "POST /v4.0.0/libpod/containers/web/kill?signal=10 HTTP/1.1",
        "DELETE /v4.0.0/libpod/containers/web?volumes=true&force=true&timeout=0&ignore=true HTTP/1.1",
    };
    for (int i = 0; i < (int)(sizeof expect / sizeof expect[0]); i++) {
        char *line = request_line(srv, i);
        ck_assert_str_eq(line, expect[i]);
        free(line);
    }
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

START_TEST(create_body_and_errors)
{
    char *r201 = reply(201, "application/json", "{\"Id\":\"0123abcd\",\"Warnings\":[]}\n");
    char *r500 = reply(500, "application/json",
                       "{\"cause\":\"that name is already in use\",\"message\":\"creating container storage: the "
                       "container name \\\"web\\\" is already in use by 0c81: that name is already in use\","
                       "\"response\":500}\n");
    char *rimg = reply(500, "application/json",
                       "{\"cause\":\"image not known\",\"message\":\"localhost/nope:1: image not known\","
                       "\"response\":500}\n");
    char *rbad = reply(200, "text/plain", "oops\n");
    fake_response script[] = {
        { .raw = r201, .drop_after = -1 },
        { .raw = r500, .drop_after = -1 },
        { .raw = rimg, .drop_after = -1 },
        { .raw = rbad, .drop_after = -1 },
    };
    fake_server *srv = fake_server_start(script, 4);
    free(r201), free(r500), free(rimg), free(rbad);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;

    podc_container_spec *s = base_spec();
    podc_container_spec_set_name(s, "web", NULL);
    podc_container_spec_add_env(s, "K", "v", NULL);
    char *id = NULL;
    ck_assert_ok(podc_container_create(c, s, &id, &err), &err);
    ck_assert_str_eq(id, "0123abcd");
    podc_free(id);
    char *req = fake_server_request(srv, 0);
    ck_assert_ptr_nonnull(strstr(req, "POST /v4.0.0/libpod/containers/create HTTP/1.1"));
    ck_assert_ptr_nonnull(strstr(req, "Content-Type: application/json"));
    ck_assert_ptr_nonnull(strstr(req, "\"env\":{\"K\":\"v\"}"));
    free(req);

    id = NULL;
    ck_assert_int_eq(podc_container_create(c, s, &id, &err), PODC_ECONFLICT);
    ck_assert_ptr_null(id);
    ck_assert_str_eq(podc_error_container(err), "web");
    ck_assert_int_eq(podc_container_create(c, s, &id, &err), PODC_ENOTFOUND);
    ck_assert_str_eq(podc_error_cause(err), "image not known");
    /* wait whose body is not an exit code */
    ck_assert_int_eq(podc_container_wait(c, "web", NULL, 0, 1000, NULL, &err), PODC_EPROTOCOL);
    podc_container_spec_free(s);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

START_TEST(network_ensure_and_connect)
{
    const char *net = "{\"name\":\"n1\",\"id\":\"ab\",\"driver\":\"bridge\",\"subnets\":[{\"subnet\":\"10.89.0.0/24\","
                      "\"gateway\":\"10.89.0.1\"}],\"internal\":false,\"dns_enabled\":true,\"labels\":{\"a\":\"b\"}}\n";
    char *rcreated = reply(200, "application/json", net);
    char *r409 = reply(409, "application/json",
                       "{\"cause\":\"network already exists\",\"message\":\"network name n1 already used: network "
                       "already exists\",\"response\":409}\n");
    char *rconn = reply(500, "application/json",
                        "{\"cause\":\"network is already connected\",\"message\":\"container abc is already connected "
                        "to network \\\"n1\\\": network is already connected\",\"response\":500}\n");
    char *rok = reply(200, "text/plain; charset=us-ascii", "OK");
    fake_response script[] = {
        { .raw = rcreated, .drop_after = -1 },
        { .raw = r409, .drop_after = -1 },
        { .raw = rok, .drop_after = -1 },
        { .raw = rconn, .drop_after = -1 },
        { .raw = rconn, .drop_after = -1 },
    };
    fake_server *srv = fake_server_start(script, 5);
    free(rcreated), free(r409), free(rconn), free(rok);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;

    int created = -1;
    ck_assert_ok(podc_network_ensure(c, "n1", NULL, &created, &err), &err);
    ck_assert_int_eq(created, 1);
    char *req = fake_server_request(srv, 0);
    char *body = strstr(req, "\r\n\r\n") + 4;
    yajl_val v = pdc_json_parse(body, NULL, 0);
    ck_assert_str_eq(pdc_json_str(v, "name", NULL), "n1");
    ck_assert_int_eq(pdc_json_bool(v, "dns_enabled", NULL), 1); /* podc's default, not the API's */
    ck_assert_int_eq(pdc_json_bool(v, "internal", NULL), 0);
    pdc_json_free(v);
    free(req);

    created = -1;
    ck_assert_ok(podc_network_ensure(c, "n1", NULL, &created, &err), &err);
    ck_assert_int_eq(created, 0);

    const char *aliases[] = { "db", "pg" };
    ck_assert_ok(podc_network_connect(c, "n1", "abc", aliases, 2, &err), &err);
    req = fake_server_request(srv, 2);
    ck_assert_ptr_nonnull(strstr(req, "POST /v4.0.0/libpod/networks/n1/connect HTTP/1.1"));
    ck_assert_ptr_nonnull(strstr(req, "{\"container\":\"abc\",\"aliases\":[\"db\",\"pg\"]}"));
    free(req);
    /* podman's 500 "network is already connected" is a conflict, with or without an error object */
    ck_assert_int_eq(podc_network_connect(c, "n1", "abc", NULL, 0, &err), PODC_ECONFLICT);
    ck_assert_str_eq(podc_error_container(err), "abc");
    ck_assert_int_eq(podc_network_connect(c, "n1", "abc", NULL, 0, NULL), PODC_ECONFLICT);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

START_TEST(list_parsing)
{
    const char *list =
        "[{\"Id\":\"c1\",\"Names\":[\"web\"],\"Image\":\"localhost/x:1\",\"State\":\"running\",\"Status\":\"healthy\","
        "\"ExitCode\":0,\"Labels\":{\"role\":\"web\"},\"Ports\":[{\"host_ip\":\"\",\"container_port\":8080,"
        "\"host_port\":18080,\"range\":2,\"protocol\":\"tcp\"},{\"host_ip\":\"127.0.0.1\",\"container_port\":53,"
        "\"host_port\":5353,\"range\":1,\"protocol\":\"tcp,udp\"}]},"
        "{\"Id\":\"c2\",\"Names\":[\"db\"],\"State\":\"exited\",\"Status\":\"\",\"ExitCode\":3,\"Labels\":null,"
        "\"Ports\":null}]\n";
    const char *inspect =
        "{\"Id\":\"c1\",\"Name\":\"web\",\"State\":{\"Status\":\"running\",\"Running\":true,\"Pid\":42,"
        "\"ExitCode\":0,\"Health\":{\"Status\":\"starting\",\"FailingStreak\":1}},\"RestartCount\":0,"
        "\"Config\":{\"Env\":[\"A=1\",\"AB=2\"],\"Labels\":{\"k.x/y\":\"v\"}},"
        "\"NetworkSettings\":{\"Ports\":{\"8080/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"18080\"}],\"9/udp\":null},"
        "\"Networks\":{\"n1\":{\"IPAddress\":\"10.89.0.5\",\"Gateway\":\"10.89.0.1\",\"Aliases\":[\"w\",\"c1\"]}}}}\n";
    char *rl = reply(200, "application/json", list);
    char *ri = reply(200, "application/json", inspect);
    fake_response script[] = { { .raw = rl, .drop_after = -1 }, { .raw = ri, .drop_after = -1 } };
    fake_server *srv = fake_server_start(script, 2);
    free(rl), free(ri);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;

    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "label", "role=web", NULL);
    podc_container_list *l = NULL;
    ck_assert_ok(podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, &err), &err);
    podc_filters_free(f);
    char *line = request_line(srv, 0);
    ck_assert_str_eq(line, "GET /v4.0.0/libpod/containers/json?all=true"
                           "&filters=%7B%22label%22%3A%5B%22role%3Dweb%22%5D%7D HTTP/1.1");
    free(line);
    ck_assert_uint_eq(podc_container_list_count(l), 2);
    const podc_container_summary *s = podc_container_list_at(l, 0);
    ck_assert_str_eq(podc_container_summary_name(s), "web");
    ck_assert_str_eq(podc_container_summary_state(s), "running");
    ck_assert_str_eq(podc_container_summary_health(s), "healthy");
    ck_assert_str_eq(podc_container_summary_label(s, "role"), "web");
    ck_assert_uint_eq(podc_container_summary_port_count(s), 4); /* range 2 + tcp,udp */
    ck_assert_int_eq(podc_port_host_port(podc_container_summary_port_at(s, 1)), 18081);
    ck_assert_str_eq(podc_port_protocol(podc_container_summary_port_at(s, 3)), "udp");
    ck_assert_str_eq(podc_port_host_ip(podc_container_summary_port_at(s, 3)), "127.0.0.1");
    s = podc_container_list_at(l, 1);
    ck_assert_int_eq(podc_container_summary_exit_code(s), 3);
    ck_assert_str_eq(podc_container_summary_health(s), "");
    ck_assert_ptr_null(podc_container_summary_label(s, "role"));
    ck_assert_uint_eq(podc_container_summary_port_count(s), 0);
    ck_assert_ptr_null(podc_container_list_at(l, 2));
    podc_container_list_free(l);

    podc_container_info *i = NULL;
    ck_assert_ok(podc_container_inspect(c, "web", &i, &err), &err);
    ck_assert_int_eq(podc_container_info_running(i), 1);
    ck_assert_int_eq(podc_container_info_pid(i), 42);
    ck_assert_str_eq(podc_container_info_health_status(i), "starting");
    ck_assert_int_eq(podc_container_info_health_failing_streak(i), 1);
    ck_assert_uint_eq(podc_container_info_port_count(i), 1); /* exposed-only 9/udp is not published */
    ck_assert_int_eq(podc_container_info_host_port(i, 8080, NULL), 18080);
    ck_assert_int_eq(podc_container_info_host_port(i, 9, "udp"), -1);
    ck_assert_str_eq(podc_container_info_ip(i, "n1"), "10.89.0.5");
    ck_assert_ptr_null(podc_container_info_ip(i, "n2"));
    ck_assert_uint_eq(podc_container_info_network_alias_count(i, 0), 2);
    ck_assert_str_eq(podc_container_info_env(i, "A"), "1");
    ck_assert_str_eq(podc_container_info_env(i, "AB"), "2");
    ck_assert_ptr_null(podc_container_info_env(i, "B"));
    ck_assert_str_eq(podc_container_info_label(i, "k.x/y"), "v");
    ck_assert_int_eq(podc_container_info_restart_count(i), 0);
    ck_assert_ptr_nonnull(strstr(podc_container_info_json(i), "\"Pid\":42"));
    podc_container_info_free(i);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

START_TEST(inspect_rides_out_the_exit_race)
{
    /* podman 4.3 answers an inspect of a just-exiting container with this 500; it settles */
    char *race = reply(500, "application/json",
                       "{\"cause\":\"no such process\",\"message\":\"read /proc/17073/cgroup: no such process\","
                       "\"response\":500}\n");
    char *ok = reply(200, "application/json",
                     "{\"Id\":\"c1\",\"Name\":\"sick\",\"State\":{\"Status\":\"exited\",\"ExitCode\":1}}\n");
    fake_response script[] = { { .raw = race, .drop_after = -1 }, { .raw = race, .drop_after = -1 },
                               { .raw = ok, .drop_after = -1 } };
    fake_server *srv = fake_server_start(script, 3);
    free(race), free(ok);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;
    podc_container_info *i = NULL;
    ck_assert_ok(podc_container_inspect(c, "sick", &i, &err), &err);
    ck_assert_ptr_null(err);
    ck_assert_int_eq(podc_container_info_exit_code(i), 1);
    ck_assert_int_eq(fake_server_requests(srv), 3);
    podc_container_info_free(i);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

Suite *container_spec_suite(void)
{
    Suite *s = suite_create("container_spec");
    TCase *tc = tcase_create("spec");
    tcase_add_test(tc, spec_json_full);
    tcase_add_test(tc, spec_json_minimal_and_cmd_healthcheck);
    tcase_add_loop_test(tc, spec_invalid, 0, (int)(sizeof invalid_cases / sizeof invalid_cases[0]));
    tcase_add_test(tc, spec_rlimit_message_explains);
    tcase_add_test(tc, spec_setters_refuse_null);
    suite_add_tcase(s, tc);

    TCase *fk = tcase_create("fake-server");
    tcase_set_timeout(fk, 20);
    tcase_add_test(fk, invalid_input_sends_nothing);
    tcase_add_test(fk, lifecycle_request_lines);
    tcase_add_test(fk, create_body_and_errors);
    tcase_add_test(fk, network_ensure_and_connect);
    tcase_add_test(fk, list_parsing);
    tcase_add_test(fk, inspect_rides_out_the_exit_race);
    suite_add_tcase(s, fk);
    return s;
}
