#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "proxy.h"
#include "suites.h"

START_TEST(ping_version_info)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    ck_assert_ok(podc_ping(c, &err), &err);
    ck_assert_str_eq(podc_client_server_api_version(c), "4.3.1");

    podc_version *v = NULL;
    ck_assert_ok(podc_version_get(c, &v, &err), &err);
    ck_assert_int_ge(atoi(podc_version_api(v)), 4);
    ck_assert_str_eq(podc_version_min_api(v), "4.0.0");
    ck_assert_ptr_nonnull(podc_version_server(v));
    podc_version_free(v);

    podc_info *i = NULL;
    ck_assert_ok(podc_info_get(c, &i, &err), &err);
    ck_assert_str_eq(podc_info_oci_runtime(i), "runc");
    ck_assert_str_eq(podc_info_network_backend(i), "netavark");
    ck_assert_int_eq(podc_info_rootless(i), 0);
    ck_assert_ptr_nonnull(podc_info_graph_root(i));
    ck_assert_ptr_nonnull(podc_info_cgroup_version(i));
    ck_assert_ptr_nonnull(podc_info_log_driver(i));
    ck_assert_str_eq(podc_info_api_version(i), podc_client_server_api_version(c));
    podc_info_free(i);

    /* all of it over one keep-alive connection */
    ck_assert_int_eq(podc_client_connections_opened(c), 1);
    podc_client_free(c);
}
END_TEST

START_TEST(missing_socket_is_transport_error)
{
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = "unix:///run/podc-nowhere/podman.sock";
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_client_new(&c, &o, &err), PODC_ETRANSPORT);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "/run/podc-nowhere/podman.sock"));
    podc_error_free(err);
}
END_TEST

START_TEST(idle_close_retried_on_fresh_connection)
{
    /* the real service behind a relay that drops the idle keep-alive connection */
    podc_client *direct = itest_client();
    itest_proxy *p = itest_proxy_start(podc_client_socket_path(direct));
    podc_client_free(direct);
    ck_assert_ptr_nonnull(p);
    char uri[256];
    snprintf(uri, sizeof uri, "unix://%s", itest_proxy_path(p));
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_client_new(&c, &o, &err), &err);
    ck_assert_ok(podc_ping(c, &err), &err);
    ck_assert_int_eq(podc_client_connections_opened(c), 1);
    itest_proxy_drop_all(p);
    podc_info *i = NULL;
    ck_assert_ok(podc_info_get(c, &i, &err), &err); /* not "broken pipe" */
    podc_info_free(i);
    ck_assert_int_eq(podc_client_connections_opened(c), 2);
    ck_assert_ok(podc_ping(c, &err), &err);
    ck_assert_int_eq(podc_client_connections_opened(c), 2);
    podc_client_free(c);
    itest_proxy_stop(p);
}
END_TEST

Suite *system_suite(void)
{
    Suite *s = suite_create("system");
    TCase *tc = itest_tcase("real-service", 30);
    tcase_add_test(tc, ping_version_info);
    tcase_add_test(tc, missing_socket_is_transport_error);
    tcase_add_test(tc, idle_close_retried_on_fresh_connection);
    suite_add_tcase(s, tc);
    return s;
}
