/* fixture.c - see fixture.h. */
#include "fixture.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char owner[32], owner_label[64];

void itest_init(void)
{
    snprintf(owner, sizeof owner, "%d", (int)getpid());
    snprintf(owner_label, sizeof owner_label, ITEST_LABEL "=%s", owner);
}

const char *itest_owner(void)
{
    ck_assert_msg(owner[0], "itest_init() was not called");
    return owner;
}

const char *itest_owner_label(void)
{
    itest_owner();
    return owner_label;
}

/* Interned so that suites can use it as a constant; made in the runner or in one test. */
const char *itest_session(const char *suffix)
{
    static char *made[32];
    char *s = NULL;
    if (asprintf(&s, "podc-it-%s-%s", itest_owner(), suffix) < 0)
        abort();
    size_t i = 0;
    for (; i < 32 && made[i]; i++)
        if (strcmp(made[i], s) == 0) {
            free(s);
            return made[i];
        }
    ck_assert_msg(i < 32, "too many sessions");
    return made[i] = s;
}

TCase *itest_tcase(const char *name, double timeout_s)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, timeout_s);
    tcase_add_unchecked_fixture(tc, NULL, itest_cleanup);
    return tc;
}

/* Distinct podc.session values of the run's sessions, from one kind of list. */
static void add_session(char **found, size_t *n, size_t cap, const char *sess)
{
    char prefix[48];
    snprintf(prefix, sizeof prefix, "podc-it-%s-", owner);
    if (!sess || strncmp(sess, prefix, strlen(prefix)) != 0)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(found[i], sess) == 0)
            return;
    if (*n < cap)
        found[(*n)++] = strdup(sess);
}

void itest_cleanup(void)
{
    podc_client *c = NULL;
    if (!owner[0] || podc_client_new(&c, NULL, NULL) != 0)
        return;
    podc_service_cleanup_label(c, owner_label, NULL, NULL);

    char *found[64];
    size_t n = 0;
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "label", PODC_SERVICE_LABEL_SESSION, NULL);
    podc_container_list *cl = NULL;
    if (podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &cl, NULL) == 0)
        for (size_t i = 0; i < podc_container_list_count(cl); i++)
            add_session(found, &n, 64,
                        podc_container_summary_label(podc_container_list_at(cl, i), PODC_SERVICE_LABEL_SESSION));
    podc_network_list *nl = NULL;
    if (podc_network_list_get(c, f, &nl, NULL) == 0)
        for (size_t i = 0; i < podc_network_list_count(nl); i++)
            add_session(found, &n, 64, podc_network_label(podc_network_list_at(nl, i), PODC_SERVICE_LABEL_SESSION));
    podc_image_list *il = NULL;
    if (podc_image_list_get(c, f, &il, NULL) == 0)
        for (size_t i = 0; i < podc_image_list_count(il); i++)
            add_session(found, &n, 64, podc_image_label(podc_image_list_at(il, i), PODC_SERVICE_LABEL_SESSION));
    for (size_t i = 0; i < n; i++) {
        podc_service_cleanup(c, found[i], NULL, NULL);
        free(found[i]);
    }
    podc_container_list_free(cl);
    podc_network_list_free(nl);
    podc_image_list_free(il);
    podc_filters_free(f);
    podc_client_free(c);
}

void itest_cleanup_session(const char *session)
{
    podc_client *c = NULL;
    if (podc_client_new(&c, NULL, NULL) == 0)
        podc_service_cleanup(c, session, NULL, NULL);
    podc_client_free(c);
}

podc_client *itest_client(void)
{
    podc_client *c = NULL;
    podc_error *err = NULL;
    int rc = podc_client_new(&c, NULL, &err);
    ck_assert_msg(rc == 0, "no podman service: %s", podc_error_message(err));
    return c;
}

char *itest_name(const char *suffix)
{
    char *s = NULL;
    if (asprintf(&s, "podc-it-%d-%s", (int)getpid(), suffix) < 0)
        abort();
    return s;
}

int64_t itest_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t itest_rfc3339_ms(const char *t)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *rest = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest)
        return -1;
    int64_t ms = (int64_t)timegm(&tm) * 1000;
    if (*rest == '.')
        ms += (int64_t)(strtod(rest, NULL) * 1000);
    return ms;
}

int64_t itest_container_ms(podc_client *c, const char *name, int which)
{
    podc_container_info *i = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &i, &err), &err);
    const char *created = strstr(podc_container_info_json(i), "\"Created\":\"");
    int64_t t = which == ITEST_CREATED   ? (created ? itest_rfc3339_ms(created + strlen("\"Created\":\"")) : -1)
                : which == ITEST_STARTED ? itest_rfc3339_ms(podc_container_info_started_at(i))
                                         : itest_rfc3339_ms(podc_container_info_finished_at(i));
    podc_container_info_free(i);
    ck_assert_msg(t > 0, "%s has no time %d", name, which);
    return t;
}

podc_container_spec *itest_spec(const char *name, const char *image, const char *script)
{
    podc_container_spec *s = podc_container_spec_new();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(podc_container_spec_set_name(s, name, NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_image(s, image, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_label(s, ITEST_LABEL, itest_owner(), NULL), 0);
    if (script) {
        const char *argv[] = { "/bin/busybox", "sh", "-c", script };
        ck_assert_int_eq(podc_container_spec_set_command(s, argv, 4, NULL), 0);
    }
    return s;
}

podc_network_options *itest_net_options(void)
{
    podc_network_options *o = podc_network_options_new();
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(podc_network_options_add_label(o, ITEST_LABEL, itest_owner(), NULL), 0);
    return o;
}

podc_service_spec *itest_service_spec(const char *suffix, const char *image, char **name_out, char **session_out)
{
    podc_service_spec *s = podc_service_spec_new();
    ck_assert_ptr_nonnull(s);
    char *name = itest_name(suffix), *session = NULL;
    if (asprintf(&session, "podc-it-%s-%s-s", itest_owner(), suffix) < 0)
        abort();
    ck_assert_int_eq(podc_service_spec_set_name(s, name, NULL), 0);
    ck_assert_int_eq(podc_service_spec_set_image(s, image, NULL), 0);
    ck_assert_int_eq(podc_service_spec_set_session(s, session, NULL), 0);
    ck_assert_int_eq(podc_service_spec_add_label(s, ITEST_LABEL, itest_owner(), NULL), 0);
    if (name_out)
        *name_out = name;
    else
        free(name);
    if (session_out)
        *session_out = session;
    else
        free(session);
    return s;
}

podc_ds_config *itest_ds_config(const char *service, const char *session)
{
    podc_ds_config *cfg = podc_ds_config_new(service);
    ck_assert_ptr_nonnull(cfg);
    podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, "localhost/podc-postgres:test", NULL);
    podc_ds_config_set_image(cfg, PODC_DS_REDIS, ITEST_REDIS_IMAGE, NULL);
    podc_ds_config_set_image(cfg, PODC_DS_DATASTORAGE, "localhost/podc-datastorage:test", NULL);
    for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
        podc_ds_config_set_port(cfg, (podc_ds_port)p, 0, NULL); /* free ports: tests run side by side */
    podc_ds_config_set_migrations_dir(cfg, TOP_SRCDIR "/tests/images/datastorage/migrations", NULL);
    podc_ds_config_set_session(cfg, session, NULL);
    return cfg;
}

char *itest_create(podc_client *c, const char *suffix, const char *script, const char *label_key,
                   const char *label_val)
{
    char *name = itest_name(suffix);
    podc_container_spec *s = itest_spec(name, ITEST_BASE_IMAGE, script);
    ck_assert_int_eq(podc_container_spec_set_stop_timeout(s, 1, NULL), 0);
    if (label_key)
        ck_assert_int_eq(podc_container_spec_add_label(s, label_key, label_val ? label_val : "", NULL), 0);
    itest_remove(c, name); /* a leftover of an earlier run with the same pid */
    podc_error *err = NULL;
    int rc = podc_container_create(c, s, NULL, &err);
    podc_container_spec_free(s);
    ck_assert_msg(rc == 0, "create %s: %s", name, podc_error_message(err));
    return name;
}

void itest_start(podc_client *c, const char *name)
{
    podc_error *err = NULL;
    int rc = podc_container_start(c, name, &err);
    if (rc)
        itest_remove(c, name);
    ck_assert_msg(rc == 0, "start %s: %s", name, podc_error_message(err));
}

char *itest_run(podc_client *c, const char *suffix, const char *script)
{
    char *name = itest_create(c, suffix, script, NULL, NULL);
    itest_start(c, name);
    return name;
}

int itest_wait(podc_client *c, const char *name)
{
    int code = -1;
    return podc_container_wait(c, name, NULL, 0, 60000, &code, NULL) == 0 ? code : -1;
}

void itest_stop(podc_client *c, const char *name)
{
    podc_container_stop(c, name, 0, NULL);
}

void itest_remove(podc_client *c, const char *name)
{
    if (name)
        podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
}

int itest_run_to_exit(podc_client *c, const podc_container_spec *spec)
{
    podc_error *err = NULL;
    char *id = NULL;
    ck_assert_ok(podc_container_create(c, spec, &id, &err), &err);
    ck_assert_ok(podc_container_start(c, id, &err), &err);
    int code = -1;
    ck_assert_ok(podc_container_wait(c, id, NULL, 0, 60000, &code, &err), &err);
    podc_free(id);
    return code;
}

void itest_check_dns_alias(podc_client *c)
{
    podc_error *err = NULL;
    char *net = itest_name("net-dns"), *a = itest_name("dns-a"), *b = itest_name("dns-b");
    podc_network_options *o = itest_net_options(); /* dns_enabled: podc's default */
    ck_assert_ok(podc_network_ensure(c, net, o, NULL, &err), &err);

    podc_container_spec *sa = itest_spec(a, ITEST_BASE_IMAGE, "exec /bin/busybox sleep 300");
    const char *aliases[] = { "svc-alpha" };
    podc_container_spec_add_network(sa, net, aliases, 1, NULL);
    podc_container_spec_set_stop_timeout(sa, 0, NULL);
    ck_assert_ok(podc_container_create(c, sa, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, a, &err), &err);

    char script[512];
    snprintf(script, sizeof script, "getent hosts svc-alpha && getent hosts %s", a);
    podc_container_spec *sb = itest_spec(b, ITEST_BASE_IMAGE, script);
    podc_container_spec_add_network(sb, net, NULL, 0, NULL);
    ck_assert_msg(itest_run_to_exit(c, sb) == 0, "%s did not resolve svc-alpha and %s on %s", b, a, net);

    /* the alias resolves to A's address on that network */
    podc_container_info *ia = NULL;
    ck_assert_ok(podc_container_inspect(c, a, &ia, &err), &err);
    const char *ip = podc_container_info_ip(ia, net);
    ck_assert_ptr_nonnull(ip);
    ck_assert_str_ne(ip, "");
    podc_container_info_free(ia);

    ck_assert_ok(podc_container_remove(c, b, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_ok(podc_container_remove(c, a, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_ok(podc_network_remove(c, net, 0, &err), &err);
    podc_container_spec_free(sa);
    podc_container_spec_free(sb);
    podc_network_options_free(o);
    podc_error_free(err);
    free(net), free(a), free(b);
}

size_t itest_label_leftovers(podc_client *c, const char *label)
{
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "label", label, NULL);
    podc_container_list *cl = NULL;
    podc_network_list *nl = NULL;
    ck_assert_int_eq(podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &cl, NULL), 0);
    ck_assert_int_eq(podc_network_list_get(c, f, &nl, NULL), 0);
    size_t n = podc_container_list_count(cl) + podc_network_list_count(nl);
    podc_container_list_free(cl);
    podc_network_list_free(nl);
    podc_filters_free(f);
    return n;
}

size_t itest_stack_leftovers(podc_client *c, const char *service)
{
    char label[256];
    snprintf(label, sizeof label, PODC_DS_LABEL_STACK "=%s", service);
    return itest_label_leftovers(c, label);
}

static size_t discard(char *data, size_t size, size_t n, void *ud)
{
    (void)data, (void)ud;
    return size * n;
}

int itest_raw(podc_client *c, const char *method, const char *path)
{
    const char *scheme = podc_client_scheme(c), *uri = podc_client_uri(c);
    char url[512]; /* versioned: podman routes only some unversioned paths (not volumes) */
    if (strcmp(scheme, "tcp") == 0)
        snprintf(url, sizeof url, "http://%s/v4.0.0%s", uri + strlen("tcp://"), path);
    else
        snprintf(url, sizeof url, "http://d/v4.0.0%s", path);
    CURL *h = curl_easy_init();
    ck_assert_ptr_nonnull(h);
    if (strcmp(scheme, "tcp") != 0)
        curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, podc_client_socket_path(c));
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    long status = -1;
    if (curl_easy_perform(h) != CURLE_OK || curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        status = -1;
    curl_easy_cleanup(h);
    return (int)status;
}

void itest_text_append(itest_text *t, const void *data, size_t len)
{
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + len + 1)
            cap *= 2;
        char *p = realloc(t->data, cap);
        ck_assert_ptr_nonnull(p);
        t->data = p, t->cap = cap;
    }
    memcpy(t->data + t->len, data, len);
    t->len += len;
    t->data[t->len] = '\0';
}

void itest_text_printf(itest_text *t, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    itest_text_append(t, s, (size_t)n);
    free(s);
}

char *itest_text_detach(itest_text *t)
{
    char *d = t->data;
    *t = (itest_text)ITEST_TEXT_INIT;
    return d;
}

void itest_text_free(itest_text *t)
{
    free(t->data);
    *t = (itest_text)ITEST_TEXT_INIT;
}
