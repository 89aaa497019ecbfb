/* Other ways to the service, for real: a second service on tcp://127.0.0.1 and a real sshd
 * (tests/env/podman-service.sh, tests/env/sshd.sh). Host keys unknown or changed are refused
 * with the fingerprint, a key the server does not take is an auth error, the remote socket is
 * found when the URI has none, and a named connection from a containers.conf is used. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites.h"

static char *saved_home;
static char tmp_home[64];

static const char *need(const char *name)
{
    const char *v = getenv(name);
    ck_assert_msg(v && *v, "%s is not set: eval \"$(tests/env/sshd.sh)\" and podman-service.sh (run-all.sh does)",
                  name);
    return v;
}

static void setup(void)
{
    const char *h = getenv("HOME");
    saved_home = h ? strdup(h) : NULL;
    snprintf(tmp_home, sizeof tmp_home, "/tmp/podc-it-ssh-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp_home));
    char d[128];
    snprintf(d, sizeof d, "%s/.ssh", tmp_home);
    ck_assert_int_eq(mkdir(d, 0700), 0);
}

static void teardown(void)
{
    char p[160];
    snprintf(p, sizeof p, "%s/.ssh/known_hosts", tmp_home);
    unlink(p);
    snprintf(p, sizeof p, "%s/.ssh", tmp_home);
    rmdir(p);
    snprintf(p, sizeof p, "%s/containers.conf", tmp_home);
    unlink(p);
    rmdir(tmp_home);
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
    saved_home = NULL;
}

/* known_hosts of the temp HOME: the line for [127.0.0.1]:port with this public key file's key */
static void known_hosts_with(const char *pubkey_file, const char *port)
{
    char line[1024] = "", path[160];
    FILE *in = fopen(pubkey_file, "r");
    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, in));
    fclose(in);
    char *sp = strchr(line, ' ');
    ck_assert_ptr_nonnull(sp);
    char *sp2 = strchr(sp + 1, ' '); /* drop the comment */
    if (sp2)
        *sp2 = '\0';
    line[strcspn(line, "\n")] = '\0';
    snprintf(path, sizeof path, "%s/.ssh/known_hosts", tmp_home);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "[127.0.0.1]:%s %s\n", port, line);
    fclose(f);
}

static int try_uri(const char *uri, podc_client **out, podc_error **err)
{
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    o.connect_timeout_ms = 5000;
    return podc_client_new(out, &o, err);
}

/* the port of an ssh://user@127.0.0.1:PORT/... URI */
static void uri_port(const char *uri, char *port, size_t n)
{
    const char *p = strstr(uri, "127.0.0.1:");
    ck_assert_ptr_nonnull(p);
    p += 10;
    snprintf(port, n, "%.*s", (int)strcspn(p, "/"), p);
}

START_TEST(ssh_host_keys_and_keys)
{
    const char *uri = need("PODC_SSH_URI"), *good_home = need("PODC_SSH_HOME"),
               *other_pub = need("PODC_SSH_OTHER_HOST_KEY");
    char port[16];
    uri_port(uri, port, sizeof port);
    podc_client *c = NULL;
    podc_error *err = NULL;

    /* the right known_hosts and key: it works, and says where it went */
    setenv("HOME", good_home, 1);
    ck_assert_ok(try_uri(uri, &c, &err), &err);
    ck_assert_str_eq(podc_client_scheme(c), "ssh");
    ck_assert_str_eq(podc_client_socket_path(c), "/run/podman/podman.sock");
    ck_assert_str_eq(podc_client_host(c), "127.0.0.1");
    ck_assert_ok(podc_ping(c, &err), &err);
    podc_client_free(c);

    /* no path: the remote's socket is found */
    char nopath[256];
    snprintf(nopath, sizeof nopath, "ssh://root@127.0.0.1:%s", port);
    ck_assert_ok(try_uri(nopath, &c, &err), &err);
    ck_assert_str_eq(podc_client_socket_path(c), "/run/podman/podman.sock");
    ck_assert_ok(podc_ping(c, &err), &err);
    podc_client_free(c);

    /* unknown host key (an empty known_hosts): refused, with the fingerprint to check */
    setenv("HOME", tmp_home, 1);
    ck_assert_int_eq(try_uri(uri, &c, &err), PODC_ETRANSPORT);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "not known"));
    const char *fp = podc_error_detail(err, "fingerprint");
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(strncmp(fp, "SHA256:", 7), 0);
    ck_assert_uint_eq(strlen(fp), 7 + 43);
    podc_error_free(err);
    err = NULL;

    /* a changed host key: refused */
    known_hosts_with(other_pub, port);
    ck_assert_int_eq(try_uri(uri, &c, &err), PODC_ETRANSPORT);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "CHANGED"));
    podc_error_free(err);
    err = NULL;

    /* the right host key but a key the server does not take: an auth error */
    char good_pub[256], other_key[256];
    snprintf(good_pub, sizeof good_pub, "%s/../host_ed25519.pub", good_home);
    known_hosts_with(good_pub, port);
    snprintf(other_key, sizeof other_key, "%.*s", (int)(strlen(other_pub) - 4), other_pub); /* drop ".pub" */
    setenv("CONTAINER_HOST", uri, 1);
    setenv("CONTAINER_SSHKEY", other_key, 1);
    unsetenv("SSH_AUTH_SOCK");
    ck_assert_int_eq(podc_client_new(&c, NULL, &err), PODC_EAUTH);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "no key was accepted"));
    podc_error_free(err);
    err = NULL;
    /* CONTAINER_SSHKEY with the right key: in */
    setenv("CONTAINER_SSHKEY", need("PODC_SSH_KEY"), 1);
    ck_assert_ok(podc_client_new(&c, NULL, &err), &err);
    ck_assert_str_eq(podc_client_socket_source(c), "CONTAINER_HOST");
    /* a client made like it opens its own session, with the same key */
    podc_client *c2 = NULL;
    ck_assert_ok(podc_client_new_like(&c2, c, &err), &err);
    ck_assert_ok(podc_ping(c2, &err), &err);
    podc_client_free(c2);
    podc_client_free(c);
    unsetenv("CONTAINER_SSHKEY");
    unsetenv("CONTAINER_HOST");
}
END_TEST

START_TEST(tcp_and_a_named_connection)
{
    const char *tcp = need("PODC_TCP_URI");
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_ok(try_uri(tcp, &c, &err), &err);
    ck_assert_str_eq(podc_client_scheme(c), "tcp");
    ck_assert_str_eq(podc_client_uri(c), tcp);
    ck_assert_ptr_null(podc_client_socket_path(c));
    ck_assert_str_eq(podc_client_host(c), "127.0.0.1");
    ck_assert_ok(podc_ping(c, &err), &err);
    podc_client_free(c);

    /* a containers.conf the project wrote: the named connection is the tcp service */
    char conf[128];
    snprintf(conf, sizeof conf, "%s/containers.conf", tmp_home);
    FILE *f = fopen(conf, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "[engine]\nactive_service = \"itest\"\n[engine.service_destinations.itest]\nuri = \"%s\"\n", tcp);
    fclose(f);
    const char *old_conf = getenv("CONTAINERS_CONF");
    char *saved_conf = old_conf ? strdup(old_conf) : NULL;
    const char *old_host = getenv("CONTAINER_HOST");
    char *saved_host = old_host ? strdup(old_host) : NULL;
    setenv("CONTAINERS_CONF", conf, 1);
    unsetenv("CONTAINER_HOST");
    int rc = podc_client_new(&c, NULL, &err);
    if (saved_conf)
        setenv("CONTAINERS_CONF", saved_conf, 1);
    else
        unsetenv("CONTAINERS_CONF");
    if (saved_host)
        setenv("CONTAINER_HOST", saved_host, 1);
    free(saved_conf);
    free(saved_host);
    ck_assert_ok(rc, &err);
    ck_assert_str_eq(podc_client_socket_source(c), "default connection itest");
    ck_assert_str_eq(podc_client_scheme(c), "tcp");
    ck_assert_ok(podc_ping(c, &err), &err);
    podc_client_free(c);
}
END_TEST

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
    (void)p, (void)ud;
    return sz * n;
}

static long http_status(const char *url)
{
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    return status;
}

/* A second machine (tests/env/netns-host.sh): its own network namespace and address, its own
 * podman services and sshd. Its containers publish there, so health checks, URLs and the
 * DataStorage endpoints must use its address. */
START_TEST(a_second_host_over_tcp_and_ssh)
{
    const char *host = need("PODC_NETNS_HOST"), *uris[] = { need("PODC_NETNS_TCP_URI"), need("PODC_NETNS_SSH_URI") };
    setenv("HOME", need("PODC_SSH_HOME"), 1);
    for (int i = 0; i < 2; i++) {
        podc_client *c = NULL;
        podc_error *err = NULL;
        ck_assert_ok(try_uri(uris[i], &c, &err), &err);
        ck_assert_str_eq(podc_client_host(c), host);
        char *name = itest_name(i ? "netns-ssh" : "netns-tcp");
        podc_service_spec *s = podc_service_spec_new();
        podc_service_spec_set_name(s, name, NULL);
        podc_service_spec_set_image(s, "localhost/podc-httpsvc:test", NULL);
        podc_service_spec_add_port(s, 8080, 0, NULL);
        podc_service_spec_add_check_http(s, 8080, "/healthz", 200, NULL, 1000, NULL);
        podc_service_spec_set_startup_timeout(s, 30000, NULL);
        podc_service *svc = NULL;
        ck_assert_ok(podc_service_start(c, s, &svc, &err), &err);
        ck_assert_str_eq(podc_service_host(svc), host);
        char *url = NULL;
        ck_assert_int_eq(podc_service_url(svc, 8080, "/healthz", &url), 0);
        ck_assert_msg(strstr(url, host), "%s", url);
        ck_assert_int_eq(http_status(url), 200); /* from this machine, at that host's address */
        podc_free(url);
        ck_assert_ok(podc_service_stop(c, svc, 0, &err), &err);
        podc_service_free(svc);
        podc_service_spec_free(s);
        free(name);

        /* the DataStorage stack there: its endpoints name that host and answer */
        if (i == 1) {
            char *ds = itest_name("netns-ds");
            podc_ds_config *cfg = podc_ds_config_new(ds);
            podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, "localhost/podc-postgres:test", NULL);
            podc_ds_config_set_image(cfg, PODC_DS_DATASTORAGE, "localhost/podc-datastorage:test", NULL);
            podc_ds_config_set_skip_redis(cfg, 1, NULL);
            for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
                podc_ds_config_set_port(cfg, (podc_ds_port)p, 0, NULL);
            podc_ds_stack *st = NULL;
            ck_assert_ok(podc_ds_up(c, cfg, &st, &err), &err);
            ck_assert_msg(strstr(podc_ds_stack_postgres_dsn_masked(st), host), "%s",
                          podc_ds_stack_postgres_dsn_masked(st));
            char ready[300];
            snprintf(ready, sizeof ready, "%s/readyz", podc_ds_stack_health_url(st));
            ck_assert_int_eq(http_status(ready), 200);
            /* and this host's DNS still answers while that host's answers there (the two
             * hosts' aardvark-dns must not be one: then one host's containers wait on DNS) */
            podc_client *local = itest_client();
            itest_check_dns_alias(local);
            podc_client_free(local);
            ck_assert_ok(podc_ds_down(c, ds, 0, &err), &err);
            podc_ds_stack_free(st);
            podc_ds_config_free(cfg);
            free(ds);
        }
        podc_client_free(c);
    }
}
END_TEST

Suite *remote_suite(void)
{
    Suite *s = suite_create("remote");
    TCase *tc = itest_tcase("endpoints", 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ssh_host_keys_and_keys);
    tcase_add_test(tc, tcp_and_a_named_connection);
    TCase *hc = itest_tcase("a second host", 180);
    tcase_add_checked_fixture(hc, setup, teardown);
    tcase_add_test(hc, a_second_host_over_tcp_and_ssh);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, hc);
    return s;
}
