/* Registry credentials and the pull/push protocol where the real service can't be made to
 * show it: auth files in podman's search order (a temp HOME), transient registry failures
 * retried (the fake server plays podman's 200-with-error-line stream), back-off woken by a
 * cancel, nothing sent for a bad reference, and the password never in an error. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../fake/fake_server.h"
#include "api/images-private.h"
#include "api/registry-auth.h"
#include "core/base64.h"
#include "core/json.h"
#include "podc.h"
#include "suites.h"

#define HDR "Libpod-Api-Version: 4.3.1\r\n"
#define CANARY "canary-pw-7f3a"
#define ID "3b1f2a9c0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef"

static char home[256];

static void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", home, rel);
    for (char *p = path + strlen(home) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void setup_home(void)
{
    snprintf(home, sizeof home, "/tmp/podc-unit-home-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(home));
    setenv("HOME", home, 1);
    unsetenv("REGISTRY_AUTH_FILE");
    unsetenv("XDG_RUNTIME_DIR");
}

static void teardown_home(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", home); /* test scaffolding only */
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", home);
}

/* The JSON inside an "X-Registry-Auth: <base64>" header (new tree). */
static yajl_val header_json(const char *header)
{
    ck_assert_ptr_nonnull(header);
    ck_assert_int_eq(strncmp(header, "X-Registry-Auth: ", 17), 0);
    char *json = pdc_base64_decode(header + 17, NULL);
    ck_assert_ptr_nonnull(json);
    yajl_val v = pdc_json_parse(json, NULL, 0);
    free(json);
    ck_assert_ptr_nonnull(v);
    return v;
}

static char *b64(const char *s)
{
    pdc_buf b = PODC_BUF_INIT;
    ck_assert_int_eq(pdc_base64_encode(&b, s, strlen(s)), 0);
    return pdc_buf_detach(&b);
}

/* fuzz finding: the registry of a reference follows Docker's grammar, upper case included */
START_TEST(reference_split)
{
    static const struct {
        const char *ref, *domain, *path;
    } cases[] = {
        { "redis:7", NULL, "redis" },
        { "library/redis", NULL, "library/redis" },
        { "docker.io/library/redis:7-alpine", "docker.io", "library/redis" },
        { "localhost/app", "localhost", "app" },
        { "127.0.0.1:5000/a/b:1", "127.0.0.1:5000", "a/b" },
        { "Registry/app:1", "Registry", "app" },
        { "r.example/a@sha256:" ID, "r.example", "a" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *d = NULL, *p = NULL;
        ck_assert_int_eq(pdc_image_ref_split(cases[i].ref, &d, &p), 0);
        if (cases[i].domain)
            ck_assert_str_eq(d, cases[i].domain);
        else
            ck_assert_ptr_null(d);
        ck_assert_str_eq(p, cases[i].path);
        free(d);
        free(p);
    }
}
END_TEST

START_TEST(base64_round_trip)
{
    const char *cases[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar", "user:p@ss:word" };
    const char *want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy", NULL };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *e = b64(cases[i]);
        if (want[i])
            ck_assert_str_eq(e, want[i]);
        size_t n = 0;
        char *d = pdc_base64_decode(e, &n);
        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq(n, strlen(cases[i]));
        ck_assert_str_eq(d, cases[i]);
        free(d);
        free(e);
    }
    pdc_buf u = PODC_BUF_INIT, st = PODC_BUF_INIT;
    ck_assert_int_eq(pdc_base64url_encode(&u, "\xfb\xff", 2), 0);
    ck_assert_int_eq(pdc_base64_encode(&st, "\xfb\xff", 2), 0);
    ck_assert_str_eq(u.data, "-_8="); /* podman's X-Registry-Auth decoder refuses '+' and '/' */
    ck_assert_str_eq(st.data, "+/8=");
    char *d = pdc_base64_decode(u.data, NULL);
    ck_assert_str_eq(d, "\xfb\xff");
    free(d);
    pdc_buf_free(&u);
    pdc_buf_free(&st);
    ck_assert_ptr_null(pdc_base64_decode("a$bc", NULL));
    ck_assert_ptr_null(pdc_base64_decode("abcde", NULL));
}
END_TEST

static void resolve_ok(const char *ref, pdc_registry_auth *a)
{
    pdc_registry_auth_in in = { .ref = ref };
    podc_error *err = NULL;
    ck_assert_msg(pdc_registry_auth_resolve(&in, a, &err) == 0, "%s", podc_error_message(err));
}

START_TEST(docker_config_entries_matched_most_specific_first)
{
    char *hub = b64("hubuser:hubpw"), *team = b64("teamuser:teampw"), *reg = b64("reguser:" CANARY);
    char text[1024];
    snprintf(text, sizeof text,
             "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"%s\"},\"quay.io\":{\"auth\":\"%s\"},"
             "\"quay.io/team\":{\"auth\":\"%s\"},\"127.0.0.1:5001\":{\"auth\":\"%s\"}}}",
             hub, hub, team, reg);
    write_file(".docker/config.json", text);
    pdc_registry_auth a;

    resolve_ok("docker.io/library/redis:7", &a);
    yajl_val v = header_json(a.header);
    ck_assert_str_eq(pdc_json_str(v, "username", NULL), "hubuser");
    ck_assert_str_eq(pdc_json_str(v, "password", NULL), "hubpw");
    ck_assert_str_eq(a.registry, "docker.io");
    ck_assert_ptr_nonnull(strstr(a.source, ".docker/config.json"));
    pdc_json_free(v);
    pdc_registry_auth_free(&a);

    resolve_ok("quay.io/team/app:1", &a);
    v = header_json(a.header);
    ck_assert_str_eq(pdc_json_str(v, "username", NULL), "teamuser");
    pdc_json_free(v);
    pdc_registry_auth_free(&a);

    resolve_ok("quay.io/teamx/app:1", &a); /* a path prefix counts on '/' boundaries only */
    v = header_json(a.header);
    ck_assert_str_eq(pdc_json_str(v, "username", NULL), "hubuser");
    pdc_json_free(v);
    pdc_registry_auth_free(&a);

    resolve_ok("127.0.0.1:5001/podc/httpsvc@sha256:" ID, &a);
    v = header_json(a.header);
    ck_assert_str_eq(pdc_json_str(v, "password", NULL), CANARY);
    pdc_json_free(v);
    pdc_registry_auth_free(&a);

    resolve_ok("ghcr.io/x/y:1", &a); /* no entry: anonymous */
    ck_assert_ptr_null(a.header);
    ck_assert_ptr_null(a.source);
    pdc_registry_auth_free(&a);

    /* a short name: the service picks the registry, so every entry goes (as podman does) */
    resolve_ok("redis:7", &a);
    v = header_json(a.header);
    ck_assert_ptr_null(a.registry);
    ck_assert_str_eq(pdc_json_str(v, "docker.io", "username", NULL), "hubuser");
    ck_assert_str_eq(pdc_json_str(v, "quay.io/team", "username", NULL), "teamuser");
    ck_assert_str_eq(pdc_json_str(v, "127.0.0.1:5001", "password", NULL), CANARY);
    pdc_json_free(v);
    pdc_registry_auth_free(&a);
    free(hub);
    free(team);
    free(reg);
}
END_TEST

START_TEST(search_order_and_explicit_credentials)
{
    char *one = b64("from-env:x"), *two = b64("from-config:x");
    char text[512];
    snprintf(text, sizeof text, "{\"auths\":{\"r.example:5000\":{\"auth\":\"%s\"}}}", two);
    write_file(".config/containers/auth.json", text);
    snprintf(text, sizeof text, "{\"auths\":{\"r.example:5000\":{\"auth\":\"%s\"}}}", one);
    write_file("env-auth.json", text);
    pdc_registry_auth a;
    resolve_ok("r.example:5000/a:1", &a);
    yajl_val v = header_json(a.header);
    ck_assert_str_eq(pdc_json_str(v, "username", NULL), "from-config");
    pdc_json_free(v);
    pdc_registry_auth_free(&a);

    char path[512];
    snprintf(path, sizeof path, "%s/env-auth.json", home);
    setenv("REGISTRY_AUTH_FILE", path, 1);
    resolve_ok("r.example:5000/a:1", &a);
    v = header_json(a.header);
    ck_assert_str_eq(pdc_json_str(v, "username", NULL), "from-env");
    pdc_json_free(v);
    pdc_registry_auth_free(&a);

    /* explicit credentials win over every file; a token goes as identitytoken */
    pdc_registry_auth_in in = { .ref = "r.example:5000/a:1", .user = "me", .password = CANARY };
    ck_assert_int_eq(pdc_registry_auth_resolve(&in, &a, NULL), 0);
    v = header_json(a.header);
    ck_assert_str_eq(pdc_json_str(v, "username", NULL), "me");
    ck_assert_str_eq(pdc_json_str(v, "password", NULL), CANARY);
    ck_assert_str_eq(a.source, "explicit");
    pdc_json_free(v);
    pdc_registry_auth_free(&a);
    pdc_registry_auth_in tok = { .ref = "r.example:5000/a:1", .token = "tkn" };
    ck_assert_int_eq(pdc_registry_auth_resolve(&tok, &a, NULL), 0);
    v = header_json(a.header);
    ck_assert_str_eq(pdc_json_str(v, "identitytoken", NULL), "tkn");
    pdc_json_free(v);
    pdc_registry_auth_free(&a);

    /* REGISTRY_AUTH_FILE that is not there: refused, like podman */
    setenv("REGISTRY_AUTH_FILE", "/nonexistent/auth.json", 1);
    podc_error *err = NULL;
    pdc_registry_auth_in plain = { .ref = "r.example:5000/a:1" };
    ck_assert_int_eq(pdc_registry_auth_resolve(&plain, &a, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "file"), "/nonexistent/auth.json");
    podc_error_free(err);
    unsetenv("REGISTRY_AUTH_FILE");
    free(one);
    free(two);
}
END_TEST

START_TEST(helpers_and_broken_files_are_clear_errors)
{
    write_file(".docker/config.json", "{\"auths\":{},\"credHelpers\":{\"r.example\":\"ecr-login\"},"
                                      "\"credsStore\":\"desktop\"}");
    pdc_registry_auth a;
    podc_error *err = NULL;
    pdc_registry_auth_in in = { .ref = "r.example/a:1" };
    ck_assert_int_eq(pdc_registry_auth_resolve(&in, &a, &err), PODC_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "docker-credential-ecr-login"));
    ck_assert_ptr_nonnull(strstr(podc_error_detail(err, "file"), ".docker/config.json"));
    podc_error_free(err);
    err = NULL;

    /* a global credsStore is remembered for the error, not a failure by itself */
    pdc_registry_auth_in other = { .ref = "other.example/a:1" };
    ck_assert_int_eq(pdc_registry_auth_resolve(&other, &a, &err), 0);
    ck_assert_ptr_null(a.header);
    ck_assert_str_eq(a.creds_store, "desktop");
    pdc_registry_auth_free(&a);

    write_file(".docker/config.json", "{\"auths\": [not json");
    ck_assert_int_eq(pdc_registry_auth_resolve(&other, &a, &err), PODC_EINVAL);
    ck_assert_ptr_nonnull(podc_error_detail(err, "file"));
    podc_error_free(err);
    err = NULL;

    write_file(".docker/config.json", "{\"auths\":{\"other.example\":{\"auth\":\"bm8tY29sb24=\"}}}"); /* "no-colon" */
    ck_assert_int_eq(pdc_registry_auth_resolve(&other, &a, &err), PODC_EINVAL);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "user:password"));
    podc_error_free(err);
    err = NULL;

    /* an auth file the OS refuses to read (a directory here: root reads everything else) is
     * a local file error naming it; one that does not exist is the caller's bad input */
    pdc_registry_auth_in dir = { .ref = "other.example/a:1", .authfile = "/" };
    ck_assert_int_eq(pdc_registry_auth_resolve(&dir, &a, &err), PODC_EFILE);
    ck_assert_str_eq(podc_error_detail(err, "path"), "/");
    ck_assert_str_eq(podc_error_detail(err, "errno"), "EISDIR");
    podc_error_free(err);
    err = NULL;
    pdc_registry_auth_in missing = { .ref = "other.example/a:1", .authfile = "/nonexistent/podc-auth.json" };
    ck_assert_int_eq(pdc_registry_auth_resolve(&missing, &a, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "authfile");
    podc_error_free(err);
}
END_TEST

/* ---- the pull protocol against the fake server ---- */

static podc_client *client_for(fake_server *s)
{
    char uri[256];
    snprintf(uri, sizeof uri, "unix://%s", fake_server_path(s));
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    podc_client *c = NULL;
    ck_assert_int_eq(podc_client_new(&c, &o, NULL), 0);
    return c;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct seen {
    int lines, retries;
    char last[512];
} seen;

static int on_line(const char *data, size_t len, void *ud)
{
    seen *s = ud;
    s->lines++;
    if (strncmp(data, "retrying in ", 12) == 0)
        s->retries++;
    snprintf(s->last, sizeof s->last, "%.*s", (int)len, data);
    return 0;
}

static const char STREAM_503[] = "{\"stream\":\"Trying to pull r.example/a:1...\\n\"}\n"
                                 "{\"error\":\"initializing source docker://r.example/a:1: reading manifest 1 in "
                                 "r.example/a: received unexpected HTTP status: 503 Service Unavailable\"}\n";
static const char STREAM_OK[] = "{\"stream\":\"Trying to pull r.example/a:1...\\n\"}\n"
                                "{\"stream\":\"Copying blob sha256:1111\\n\"}\n"
                                "{\"stream\":\"Writing manifest to image destination\\n\"}\n"
                                "{\"images\":[\"" ID "\"],\"id\":\"" ID "\"}\n";
static const char STREAM_AUTH[] = "{\"error\":\"initializing source docker://r.example/a:1: reading manifest 1 in "
                                  "r.example/a: unauthorized: authentication required\"}\n";

/* A 200 reply whose body streams text (chunked in pieces of chunk bytes; 0 = one piece) with
 * the Libpod-Api-Version header podc checks (the fake's helpers write none). New; free(). */
static char *stream_reply(const char *text, size_t chunk)
{
    char *plain = chunk ? fake_http_chunked(200, "application/json", text, chunk)
                        : fake_http_response(200, "application/json", text);
    size_t cap = strlen(plain) + 64;
    char *out = malloc(cap);
    snprintf(out, cap, "HTTP/1.1 200 OK\r\n" HDR "%s", strstr(plain, "\r\n") + 2);
    free(plain);
    return out;
}

START_TEST(transient_failures_are_retried_then_succeed)
{
    char *with_hdr_bad = stream_reply(STREAM_503, 40), *with_hdr_good = stream_reply(STREAM_OK, 33);
    fake_response r[3] = { { .raw = with_hdr_bad, .drop_after = -1 },
                           { .raw = with_hdr_bad, .drop_after = -1 },
                           { .raw = with_hdr_good, .drop_after = -1 } };
    fake_server *s = fake_server_start(r, 3);
    podc_client *c = client_for(s);
    podc_image_pull_options *o = podc_image_pull_options_new();
    seen sn = { 0 };
    ck_assert_int_eq(podc_image_pull_options_set_retries(o, 3, 10, NULL), 0);
    ck_assert_int_eq(podc_image_pull_options_set_progress(o, on_line, &sn, NULL), 0);
    ck_assert_int_eq(podc_image_pull_options_set_credentials(o, "u", CANARY, NULL), 0);
    char *id = NULL;
    podc_error *err = NULL;
    ck_assert_msg(podc_image_pull(c, "r.example/a:1", o, &id, &err) == 0, "%s", podc_error_message(err));
    ck_assert_str_eq(id, ID);
    ck_assert_int_eq(fake_server_requests(s), 3);
    ck_assert_int_eq(sn.retries, 2);
    ck_assert_str_eq(sn.last, "Writing manifest to image destination");
    char *req = fake_server_request(s, 0);
    ck_assert_ptr_nonnull(strstr(req, "POST /v4.0.0/libpod/images/pull?reference=r.example%2Fa%3A1&policy=missing"));
    const char *h = strstr(req, "X-Registry-Auth: ");
    ck_assert_ptr_nonnull(h);
    char line[512];
    snprintf(line, sizeof line, "%.*s", (int)strcspn(h, "\r"), h);
    yajl_val v = header_json(line);
    ck_assert_str_eq(pdc_json_str(v, "password", NULL), CANARY);
    pdc_json_free(v);
    free(req);

    /* budget spent: the error says how many tries and names the registry */
    fake_response only_bad = { .raw = with_hdr_bad, .drop_after = -1 };
    fake_server *s2 = fake_server_start(&only_bad, 1);
    podc_client *c2 = client_for(s2);
    ck_assert_int_eq(podc_image_pull(c2, "r.example/a:1", o, &id, &err), PODC_ETRANSPORT);
    ck_assert_int_eq(fake_server_requests(s2), 3);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "after 3 tries"));
    ck_assert_str_eq(podc_error_detail(err, "registry"), "r.example");
    char *json = podc_error_to_json(err);
    ck_assert_ptr_null(strstr(json, CANARY));
    podc_free(json);
    podc_error_free(err);
    podc_client_free(c2);
    fake_server_stop(s2);

    podc_free(id);
    podc_image_pull_options_free(o);
    podc_client_free(c);
    fake_server_stop(s);
    free(with_hdr_bad);
    free(with_hdr_good);
}
END_TEST

START_TEST(auth_failures_are_not_retried)
{
    char *hdr = stream_reply(STREAM_AUTH, 0);
    fake_response r = { .raw = hdr, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    podc_image_pull_options *o = podc_image_pull_options_new();
    podc_image_pull_options_set_credentials(o, "u", CANARY, NULL);
    podc_error *err = NULL;
    ck_assert_int_eq(podc_image_pull(c, "r.example/a:1", o, NULL, &err), PODC_EAUTH);
    ck_assert_int_eq(fake_server_requests(s), 1);
    ck_assert_str_eq(podc_error_code_name(podc_error_code(err)), "auth");
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "refused the credentials (from explicit)"));
    char *json = podc_error_to_json(err);
    ck_assert_ptr_null(strstr(json, CANARY));
    podc_free(json);
    podc_error_free(err);
    podc_image_pull_options_free(o);
    podc_client_free(c);
    fake_server_stop(s);
    free(hdr);
}
END_TEST

START_TEST(bad_reference_sends_nothing)
{
    fake_response r = { .raw = "HTTP/1.1 500 x\r\n\r\n", .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    const char *bad[] = { "", "upper/Case:1", "a:b:c", "r.example/a@sha256:123", "a b", "r.example/a:" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        podc_error *err = NULL;
        ck_assert_msg(podc_image_pull(c, bad[i], NULL, NULL, &err) == PODC_EINVAL, "%s accepted", bad[i]);
        ck_assert_str_eq(podc_error_detail(err, "field"), "ref");
        podc_error_free(err);
    }
    podc_error *err = NULL;
    ck_assert_int_eq(podc_image_push(c, "localhost/a:1", "Bad/Dest", NULL, NULL, &err), PODC_EINVAL);
    podc_error_free(err);
    ck_assert_int_eq(fake_server_requests(s), 0);
    /* setters refuse nonsense */
    podc_image_pull_options *o = podc_image_pull_options_new();
    ck_assert_int_eq(podc_image_pull_options_set_retries(o, 0, 10, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_image_pull_options_set_retries(o, 11, 10, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_image_pull_options_set_policy(o, (podc_image_pull_policy)9, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_image_pull_options_set_flags(o, 0x100, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_image_pull_options_set_credentials(o, "", "x", NULL), PODC_EINVAL);
    podc_image_pull_policy p;
    ck_assert_int_eq(podc_image_pull_policy_from_name("newer", &p), 0);
    ck_assert_int_eq(p, PODC_IMAGE_PULL_NEWER);
    ck_assert_int_eq(podc_image_pull_policy_from_name("sometimes", &p), PODC_EINVAL);
    podc_image_pull_options_free(o);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

static void *cancel_later(void *arg)
{
    usleep(300 * 1000);
    podc_client_cancel(arg);
    return NULL;
}

START_TEST(cancel_wakes_the_back_off)
{
    char *hdr = stream_reply(STREAM_503, 0);
    fake_response r = { .raw = hdr, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    podc_image_pull_options *o = podc_image_pull_options_new();
    podc_image_pull_options_set_retries(o, 3, 20000, NULL);
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, c);
    podc_error *err = NULL;
    int64_t t0 = now_ms();
    ck_assert_int_eq(podc_image_pull(c, "r.example/a:1", o, NULL, &err), PODC_ECANCELLED);
    int64_t took = now_ms() - t0;
    pthread_join(th, NULL);
    ck_assert_msg(took < 1500, "the cancel took %lld ms to end a 20 s back-off", (long long)took);
    ck_assert_int_eq(fake_server_requests(s), 1);
    podc_error_free(err);
    podc_image_pull_options_free(o);
    podc_client_free(c);
    fake_server_stop(s);
    free(hdr);
}
END_TEST

Suite *registry_suite(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("auth files");
    tcase_add_checked_fixture(tc, setup_home, teardown_home);
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, base64_round_trip);
    tcase_add_test(tc, reference_split);
    tcase_add_test(tc, docker_config_entries_matched_most_specific_first);
    tcase_add_test(tc, search_order_and_explicit_credentials);
    tcase_add_test(tc, helpers_and_broken_files_are_clear_errors);
    suite_add_tcase(s, tc);
    TCase *pc = tcase_create("pull protocol");
    tcase_add_checked_fixture(pc, setup_home, teardown_home);
    tcase_set_timeout(pc, 20);
    tcase_add_test(pc, transient_failures_are_retried_then_succeed);
    tcase_add_test(pc, auth_failures_are_not_retried);
    tcase_add_test(pc, bad_reference_sends_nothing);
    tcase_add_test(pc, cancel_wakes_the_back_off);
    suite_add_tcase(s, pc);
    return s;
}
