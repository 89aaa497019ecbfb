/* Images from registries, for real: Debian's docker-registry on loopback (anonymous on
 * $PODC_REGISTRY, htpasswd on $PODC_AUTH_REGISTRY) and the service's registries.conf that
 * rewrites docker.io to the anonymous one (tests/env/registry.sh). Pull with good, wrong and
 * missing credentials, a missing tag, a registry that is down, a TLS mismatch, policy never,
 * push then pull back, pull-if-missing from a service and from the DataStorage stack with its
 * default names; the password never shows up in an error or a progress line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"

#define MIGRATIONS TOP_SRCDIR "/tests/images/datastorage/migrations"
#define REDIS_UP "docker.io/library/redis:7-alpine"
#define POSTGRES_UP "docker.io/library/postgres:16-alpine"
#define HTTPSVC "localhost/podc-httpsvc:test"

static char *saved_home;
static char tmp_home[128];

static const char *env_or_fail(const char *name)
{
    const char *v = getenv(name);
    ck_assert_msg(v && *v, "%s is not set: run eval \"$(tests/env/registry.sh)\" (tests/run-all.sh does)", name);
    return v;
}

/* Each test gets a HOME of its own without auth files, so nothing on the machine leaks in. */
/* An auth file's "auth": base64 of user:pass (out holds 4/3 of in, plus 1). */
static void base64(const char *in, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)in[i] << 16 | (i + 1 < n ? (unsigned char)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? (unsigned char)in[i + 2] : 0);
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? abc[v & 63] : '=';
    }
    out[o] = '\0';
}

static void setup(void)
{
    const char *h = getenv("HOME");
    saved_home = h ? strdup(h) : NULL;
    snprintf(tmp_home, sizeof tmp_home, "/tmp/podc-it-home-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp_home));
    setenv("HOME", tmp_home, 1);
    unsetenv("REGISTRY_AUTH_FILE");
    unsetenv("XDG_RUNTIME_DIR");
}

static void teardown(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/auth.json", tmp_home);
    unlink(path);
    rmdir(tmp_home);
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
    saved_home = NULL;
}

typedef struct lines {
    int n, blobs;
    char all[16384];
} lines;

static int collect(const char *data, size_t len, void *ud)
{
    lines *l = ud;
    l->n++;
    if (strstr(data, "Copying blob"))
        l->blobs++;
    size_t used = strlen(l->all);
    snprintf(l->all + used, sizeof l->all - used, "%.*s\n", (int)len, data);
    return 0;
}

static int service_line(const char *line, void *ud)
{
    return collect(line, strlen(line), ud);
}

/* Removes one name; the image goes with its last name. Missing is fine. */
static void untag(podc_client *c, const char *ref)
{
    podc_error *err = NULL;
    int rc = podc_image_remove(c, ref, 0, &err);
    ck_assert_msg(rc == 0 || rc == PODC_ENOTFOUND, "removing %s: %s", ref, podc_error_message(err));
    podc_error_free(err);
}

static int present(podc_client *c, const char *ref)
{
    int yes = 0;
    ck_assert_int_eq(podc_image_exists(c, ref, &yes, NULL), 0);
    return yes;
}

static podc_image_pull_options *opts(podc_image_pull_policy policy, unsigned flags, lines *l)
{
    podc_image_pull_options *o = podc_image_pull_options_new();
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(podc_image_pull_options_set_policy(o, policy, NULL), 0);
    ck_assert_int_eq(podc_image_pull_options_set_flags(o, flags, NULL), 0);
    if (l)
        ck_assert_int_eq(podc_image_pull_options_set_progress(o, collect, l, NULL), 0);
    return o;
}

static char *auth_ref(void)
{
    char *s = NULL;
    ck_assert_int_ge(asprintf(&s, "%s/podc/httpsvc:test", env_or_fail("PODC_AUTH_REGISTRY")), 0);
    return s;
}

/* ------------------------------------------------------------------------------------------ */

START_TEST(pull_upstream_name_through_the_rewrite)
{
    podc_client *c = itest_client();
    untag(c, REDIS_UP);
    ck_assert(!present(c, REDIS_UP));
    lines l = { 0 };
    podc_image_pull_options *o = opts(PODC_IMAGE_PULL_MISSING, 0, &l);
    char *id = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_image_pull(c, REDIS_UP, o, &id, &err), &err);
    ck_assert_uint_eq(strlen(id), 64);
    ck_assert(present(c, REDIS_UP));
    ck_assert_msg(l.blobs >= 1, "no blob progress: %s", l.all);
    ck_assert_ptr_nonnull(strstr(l.all, "Trying to pull " REDIS_UP));
    podc_image *img = NULL;
    ck_assert_ok(podc_image_inspect(c, REDIS_UP, &img, &err), &err);
    ck_assert_str_eq(podc_image_id(img), id);
    ck_assert_ptr_nonnull(podc_image_digest(img));
    ck_assert_int_eq(strncmp(podc_image_digest(img), "sha256:", 7), 0);
    podc_image_free(img);

    /* the short name resolves through the service's registries.conf; present = no transfer */
    lines again = { 0 };
    podc_image_pull_options_set_progress(o, collect, &again, NULL);
    char *id2 = NULL;
    ck_assert_ok(podc_image_pull(c, "redis:7-alpine", o, &id2, &err), &err);
    ck_assert_str_eq(id2, id);
    ck_assert_int_eq(again.blobs, 0);
    podc_free(id);
    podc_free(id2);
    podc_image_pull_options_free(o);
    podc_client_free(c);
}
END_TEST

START_TEST(credentials_missing_wrong_and_right)
{
    podc_client *c = itest_client();
    char *ref = auth_ref();
    const char *user = env_or_fail("PODC_REGISTRY_USER"), *pass = env_or_fail("PODC_REGISTRY_PASSWORD");
    podc_error *err = NULL;
    lines l = { 0 };

    /* none found */
    podc_image_pull_options *o = opts(PODC_IMAGE_PULL_ALWAYS, PODC_IMAGE_PULL_TLS_NO_VERIFY, &l);
    ck_assert_int_eq(podc_image_pull(c, ref, o, NULL, &err), PODC_EAUTH);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "none were found"));
    ck_assert_str_eq(podc_error_detail(err, "registry"), env_or_fail("PODC_AUTH_REGISTRY"));
    podc_error_free(err);
    err = NULL;

    /* explicit and wrong: refused, not retried, the password nowhere */
    ck_assert_int_eq(podc_image_pull_options_set_credentials(o, user, "wrong-canary-pw", NULL), 0);
    ck_assert_int_eq(podc_image_pull(c, ref, o, NULL, &err), PODC_EAUTH);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "refused the credentials (from explicit)"));
    char *json = podc_error_to_json(err);
    ck_assert_ptr_nonnull(strstr(json, "\"category\":\"auth\""));
    ck_assert_ptr_null(strstr(json, "wrong-canary-pw"));
    podc_free(json);
    podc_error_free(err);
    err = NULL;

    /* explicit and right */
    ck_assert_int_eq(podc_image_pull_options_set_credentials(o, user, pass, NULL), 0);
    char *id = NULL;
    ck_assert_ok(podc_image_pull(c, ref, o, &id, &err), &err);
    ck_assert_uint_eq(strlen(id), 64);
    podc_free(id);
    podc_image_pull_options_free(o);

    /* from an auth file: named, then found through REGISTRY_AUTH_FILE */
    char userpass[512], file[256];
    snprintf(userpass, sizeof userpass, "%s:%s", user, pass);
    char b64[700];
    base64(userpass, b64);
    snprintf(file, sizeof file, "%s/auth.json", tmp_home);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "{\"auths\":{\"%s\":{\"auth\":\"%s\"}}}\n", env_or_fail("PODC_AUTH_REGISTRY"), b64);
    fclose(f);
    chmod(file, 0600);
    o = opts(PODC_IMAGE_PULL_ALWAYS, PODC_IMAGE_PULL_TLS_NO_VERIFY, &l);
    ck_assert_int_eq(podc_image_pull_options_set_authfile(o, file, NULL), 0);
    ck_assert_ok(podc_image_pull(c, ref, o, NULL, &err), &err);
    podc_image_pull_options_free(o);
    setenv("REGISTRY_AUTH_FILE", file, 1);
    o = opts(PODC_IMAGE_PULL_ALWAYS, PODC_IMAGE_PULL_TLS_NO_VERIFY, &l);
    ck_assert_ok(podc_image_pull(c, ref, o, NULL, &err), &err);
    unsetenv("REGISTRY_AUTH_FILE");

    /* a stale auth file: the error names it */
    f = fopen(file, "w");
    fprintf(f, "{\"auths\":{\"%s\":{\"auth\":\"cG9kYy10ZXN0Om5vcGU=\"}}}\n", env_or_fail("PODC_AUTH_REGISTRY"));
    fclose(f);
    ck_assert_int_eq(podc_image_pull_options_set_authfile(o, file, NULL), 0);
    ck_assert_int_eq(podc_image_pull(c, ref, o, NULL, &err), PODC_EAUTH);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), file));
    podc_error_free(err);
    podc_image_pull_options_free(o);

    ck_assert_ptr_null(strstr(l.all, pass));
    untag(c, ref);
    free(ref);
    podc_client_free(c);
}
END_TEST

START_TEST(missing_tag_down_registry_tls_mismatch_policy_never)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char ref[256];

    snprintf(ref, sizeof ref, "%s/podc/httpsvc:no-such-tag", env_or_fail("PODC_REGISTRY"));
    podc_image_pull_options *o = opts(PODC_IMAGE_PULL_MISSING, 0, NULL);
    ck_assert_int_eq(podc_image_pull(c, ref, o, NULL, &err), PODC_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "manifest unknown"));
    podc_error_free(err);
    err = NULL;

    /* nothing listens on 127.0.0.1:1: retried, then one clear error within the budget */
    podc_image_pull_options *down = opts(PODC_IMAGE_PULL_ALWAYS, PODC_IMAGE_PULL_TLS_NO_VERIFY, NULL);
    podc_image_pull_options_set_retries(down, 2, 100, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(podc_image_pull(c, "127.0.0.1:1/podc/x:1", down, NULL, &err), PODC_ETRANSPORT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_str_eq(podc_error_detail(err, "registry"), "127.0.0.1:1");
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "unreachable after 2 tries"));
    ck_assert_msg(t1.tv_sec - t0.tv_sec < 20, "took %ld s", (long)(t1.tv_sec - t0.tv_sec));
    podc_error_free(err);
    err = NULL;
    podc_image_pull_options_free(down);

    /* plain HTTP where TLS is expected: invalid input with the way out */
    char *aref = auth_ref();
    podc_image_pull_options *tls = opts(PODC_IMAGE_PULL_ALWAYS, 0, NULL);
    podc_image_pull_options_set_credentials(tls, env_or_fail("PODC_REGISTRY_USER"),
                                            env_or_fail("PODC_REGISTRY_PASSWORD"), NULL);
    ck_assert_int_eq(podc_image_pull(c, aref, tls, NULL, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "tls_verify");
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "--tls-verify=false"));
    podc_error_free(err);
    err = NULL;
    podc_image_pull_options_free(tls);
    free(aref);

    podc_image_pull_options_set_policy(o, PODC_IMAGE_PULL_NEVER, NULL);
    ck_assert_int_eq(podc_image_pull(c, ref, o, NULL, &err), PODC_ENOTFOUND);
    podc_error_free(err);
    podc_image_pull_options_free(o);
    podc_client_free(c);
}
END_TEST

START_TEST(push_then_pull_back)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char dest[256];
    snprintf(dest, sizeof dest, "%s/podc-it-%d/pushed:1", env_or_fail("PODC_REGISTRY"), (int)getpid());
    podc_image *src = NULL;
    ck_assert_ok(podc_image_inspect(c, HTTPSVC, &src, &err), &err);
    lines l = { 0 };
    podc_image_pull_options *o = opts(PODC_IMAGE_PULL_ALWAYS, PODC_IMAGE_PULL_TLS_NO_VERIFY, &l);
    ck_assert_ok(podc_image_push(c, HTTPSVC, dest, o, NULL, &err), &err);
    ck_assert_ptr_nonnull(strstr(l.all, "Writing manifest"));
    char *id = NULL;
    ck_assert_ok(podc_image_pull(c, dest, o, &id, &err), &err);
    ck_assert_str_eq(id, podc_image_id(src));
    untag(c, dest);
    podc_free(id);

    /* the htpasswd registry refuses an anonymous push */
    snprintf(dest, sizeof dest, "%s/podc-it-%d/pushed:1", env_or_fail("PODC_AUTH_REGISTRY"), (int)getpid());
    ck_assert_int_eq(podc_image_push(c, HTTPSVC, dest, o, NULL, &err), PODC_EAUTH);
    podc_error_free(err);
    err = NULL;
    /* and a missing local image is not found */
    ck_assert_int_eq(podc_image_push(c, "localhost/podc-no-such:1", dest, o, NULL, &err), PODC_ENOTFOUND);
    podc_error_free(err);
    podc_image_pull_options_free(o);
    podc_image_free(src);
    podc_client_free(c);
}
END_TEST

START_TEST(service_pulls_what_is_missing)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    untag(c, REDIS_UP);
    char *name = itest_name("pulled-redis");
    podc_service_spec *s = podc_service_spec_new();
    const char *ping[] = { "redis-cli", "ping" };
    lines l = { 0 };
    podc_service_spec_set_name(s, name, NULL);
    podc_service_spec_set_image(s, REDIS_UP, NULL);
    podc_service_spec_add_check_exec(s, ping, 2, "PONG", 5000, NULL);
    podc_service_spec_set_progress(s, service_line, &l, NULL);
    podc_service *svc = NULL;
    ck_assert_ok(podc_service_start(c, s, &svc, &err), &err);
    ck_assert_ptr_nonnull(strstr(l.all, "pulling " REDIS_UP ": Copying blob"));
    ck_assert_ptr_nonnull(strstr(l.all, "pulled image " REDIS_UP));
    ck_assert_ok(podc_service_stop(c, svc, 0, &err), &err);
    podc_service_free(svc);

    /* policy never on an absent image: not found, nothing created */
    untag(c, REDIS_UP);
    podc_image_pull_options *o = opts(PODC_IMAGE_PULL_NEVER, 0, NULL);
    podc_service_spec_set_pull_options(s, o, NULL);
    ck_assert_int_eq(podc_service_start(c, s, &svc, &err), PODC_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "pull policy is never"));
    podc_error_free(err);
    int exists = 1;
    ck_assert_int_eq(podc_container_exists(c, name, &exists, NULL), 0);
    ck_assert_int_eq(exists, 0);
    podc_image_pull_options_free(o);
    podc_service_spec_free(s);
    free(name);
    podc_client_free(c);
}
END_TEST


START_TEST(datastorage_up_with_the_default_images)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    untag(c, POSTGRES_UP);
    untag(c, REDIS_UP);
    char *svc = itest_name("ds-defaults");
    podc_ds_config *cfg = podc_ds_config_new(svc);
    for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
        podc_ds_config_set_port(cfg, (podc_ds_port)p, 0, NULL);
    podc_ds_config_set_migrations_dir(cfg, MIGRATIONS, NULL);
    podc_ds_config_set_session(cfg, itest_session("registry"), NULL);

    /* a failed pull fails the up before anything is created */
    podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, "docker.io/library/postgres:no-such-tag", NULL);
    podc_ds_stack *st = NULL;
    ck_assert_int_eq(podc_ds_up(c, cfg, &st, &err), PODC_ENOTFOUND);
    ck_assert_str_eq(podc_error_detail(err, "component"), "postgres");
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_error_free(err);
    err = NULL;

    /* the defaults: upstream names pulled (through the rewrite), DataStorage's local image
     * (Redis's pull beside the failed one went through: it goes again) */
    untag(c, REDIS_UP);
    podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, PODC_DS_DEFAULT_POSTGRES_IMAGE, NULL);
    lines l = { 0 };
    podc_ds_config_set_progress(cfg, service_line, &l, NULL);
    ck_assert_ok(podc_ds_up(c, cfg, &st, &err), &err);
    ck_assert(present(c, POSTGRES_UP));
    ck_assert(present(c, REDIS_UP));
    ck_assert_ptr_nonnull(strstr(l.all, "pulling " POSTGRES_UP ": "));
    ck_assert_ptr_nonnull(strstr(l.all, "pulling " REDIS_UP ": "));
    ck_assert_ok(podc_ds_down(c, svc, 0, &err), &err);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_ds_stack_free(st);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

Suite *registry_suite(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = itest_tcase("pull and push", 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, pull_upstream_name_through_the_rewrite);
    tcase_add_test(tc, credentials_missing_wrong_and_right);
    tcase_add_test(tc, missing_tag_down_registry_tls_mismatch_policy_never);
    tcase_add_test(tc, push_then_pull_back);
    suite_add_tcase(s, tc);
    TCase *uc = itest_tcase("pull when used", 180);
    tcase_add_checked_fixture(uc, setup, teardown);
    tcase_add_test(uc, service_pulls_what_is_missing);
    tcase_add_test(uc, datastorage_up_with_the_default_images);
    suite_add_tcase(s, uc);
    return s;
}
