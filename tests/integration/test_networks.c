/* Networks against the real service: create/exists/inspect/list/remove, ensure racing,
 * DNS between containers, connect/disconnect. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

START_TEST(network_lifecycle)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("net-life");
    podc_network_options *o = itest_net_options();
    ck_assert_int_eq(podc_network_options_add_label(o, "role", "test", NULL), 0);

    podc_network *n = NULL;
    ck_assert_ok(podc_network_create(c, name, o, &n, &err), &err);
    ck_assert_str_eq(podc_network_name(n), name);
    ck_assert_int_eq(podc_network_dns_enabled(n), 1); /* podc's default; the API's is false */
    podc_network_free(n);

    int yes = -1;
    ck_assert_ok(podc_network_exists(c, name, &yes, &err), &err);
    ck_assert_int_eq(yes, 1);

    n = NULL;
    ck_assert_ok(podc_network_inspect(c, name, &n, &err), &err);
    ck_assert_str_eq(podc_network_name(n), name);
    ck_assert_int_eq(strlen(podc_network_id(n)), 64);
    ck_assert_str_eq(podc_network_driver(n), "bridge");
    ck_assert_uint_ge(podc_network_subnet_count(n), 1);
    ck_assert_ptr_nonnull(strchr(podc_network_subnet_at(n, 0), '/'));
    ck_assert_ptr_nonnull(podc_network_gateway(n));
    ck_assert_int_eq(podc_network_internal(n), 0);
    ck_assert_int_eq(podc_network_dns_enabled(n), 1);
    ck_assert_str_eq(podc_network_label(n, "role"), "test");
    ck_assert_ptr_null(podc_network_label(n, "nope"));
    ck_assert_uint_eq(podc_network_label_count(n), 2);
    ck_assert_ptr_nonnull(strstr(podc_network_json(n), "\"dns_enabled\":true"));
    podc_network_free(n);

    /* a second create with the same name is a conflict (podman's 409) */
    ck_assert_int_eq(podc_network_create(c, name, o, NULL, &err), PODC_ECONFLICT);
    ck_assert_int_eq(podc_error_http_status(err), 409);

    ck_assert_ok(podc_network_remove(c, name, 0, &err), &err);
    ck_assert_ok(podc_network_exists(c, name, &yes, &err), &err);
    ck_assert_int_eq(yes, 0);
    n = NULL;
    ck_assert_int_eq(podc_network_inspect(c, name, &n, &err), PODC_ENOTFOUND);
    ck_assert_ptr_null(n);
    ck_assert_int_eq(podc_network_remove(c, name, 0, &err), PODC_ENOTFOUND);

    podc_error_free(err);
    podc_network_options_free(o);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(network_internal_without_dns)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("net-int");
    podc_network_options *o = itest_net_options();
    podc_network_options_set_internal(o, 1, NULL);
    podc_network_options_set_dns_enabled(o, 0, NULL);
    podc_network_options_add_subnet(o, "10.89.231.0/24", NULL, NULL);
    podc_network *n = NULL;
    ck_assert_ok(podc_network_create(c, name, o, &n, &err), &err);
    ck_assert_int_eq(podc_network_internal(n), 1);
    ck_assert_int_eq(podc_network_dns_enabled(n), 0);
    ck_assert_str_eq(podc_network_subnet_at(n, 0), "10.89.231.0/24");
    ck_assert_ptr_null(podc_network_gateway(n)); /* internal networks have no gateway */
    podc_network_free(n);
    ck_assert_ok(podc_network_remove(c, name, 0, &err), &err);
    podc_error_free(err);
    podc_network_options_free(o);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(network_list_filters)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *a = itest_name("net-ls"), *ab = itest_name("net-ls2");
    podc_network_options *o = itest_net_options();
    ck_assert_ok(podc_network_create(c, a, o, NULL, &err), &err);
    podc_network_options_add_label(o, "which", "second", NULL);
    ck_assert_ok(podc_network_create(c, ab, o, NULL, &err), &err);

    /* name is a regex/substring match: "<a>" also matches "<a>2" */
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "name", a, NULL);
    podc_network_list *l = NULL;
    ck_assert_ok(podc_network_list_get(c, f, &l, &err), &err);
    ck_assert_uint_eq(podc_network_list_count(l), 2);
    podc_network_list_free(l);
    podc_filters_free(f);

    char exact[128];
    snprintf(exact, sizeof exact, "^%s$", a);
    f = podc_filters_new();
    podc_filters_add(f, "name", exact, NULL);
    podc_filters_add(f, "driver", "bridge", NULL);
    ck_assert_ok(podc_network_list_get(c, f, &l, &err), &err);
    ck_assert_uint_eq(podc_network_list_count(l), 1);
    ck_assert_str_eq(podc_network_name(podc_network_list_at(l, 0)), a);
    ck_assert_int_eq(podc_network_dns_enabled(podc_network_list_at(l, 0)), 1);
    ck_assert_ptr_nonnull(strstr(podc_network_json(podc_network_list_at(l, 0)), a));
    ck_assert_ptr_null(podc_network_list_at(l, 1));
    podc_network_list_free(l);
    podc_filters_free(f);

    f = podc_filters_new();
    podc_filters_add(f, "label", "which=second", NULL);
    podc_filters_add(f, "name", a, NULL);
    ck_assert_ok(podc_network_list_get(c, f, &l, &err), &err);
    ck_assert_uint_eq(podc_network_list_count(l), 1);
    ck_assert_str_eq(podc_network_name(podc_network_list_at(l, 0)), ab);
    podc_network_list_free(l);
    podc_filters_free(f);

    /* an unknown filter key is refused by podman (500) */
    f = podc_filters_new();
    podc_filters_add(f, "bogus", "x", NULL);
    l = NULL;
    ck_assert_int_eq(podc_network_list_get(c, f, &l, &err), PODC_ESERVER);
    ck_assert_ptr_null(l);
    podc_filters_free(f);

    ck_assert_ok(podc_network_remove(c, a, 0, &err), &err);
    ck_assert_ok(podc_network_remove(c, ab, 0, &err), &err);
    podc_error_free(err);
    podc_network_options_free(o);
    free(a);
    free(ab);
    podc_client_free(c);
}
END_TEST

typedef struct race_arg {
    const char *name;
    pthread_barrier_t *barrier;
    int rc, created;
    char msg[256];
} race_arg;

static void *ensure_thread(void *p)
{
    race_arg *a = p;
    podc_client *c = NULL;
    podc_error *err = NULL;
    a->rc = podc_client_new(&c, NULL, &err);
    podc_network_options *o = itest_net_options();
    pthread_barrier_wait(a->barrier);
    if (a->rc == 0)
        a->rc = podc_network_ensure(c, a->name, o, &a->created, &err);
    if (err)
        snprintf(a->msg, sizeof a->msg, "%s", podc_error_message(err));
    podc_error_free(err);
    podc_network_options_free(o);
    podc_client_free(c);
    return NULL;
}

START_TEST(network_ensure_race)
{
    char *name = itest_name("net-race");
    for (int round = 0; round < 3; round++) {
        pthread_barrier_t barrier;
        pthread_barrier_init(&barrier, NULL, 2);
        race_arg args[2] = { { .name = name, .barrier = &barrier, .created = -1 },
                             { .name = name, .barrier = &barrier, .created = -1 } };
        pthread_t t[2];
        for (int i = 0; i < 2; i++)
            pthread_create(&t[i], NULL, ensure_thread, &args[i]);
        for (int i = 0; i < 2; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&barrier);
        for (int i = 0; i < 2; i++)
            ck_assert_msg(args[i].rc == 0, "ensure %d failed (%d): %s", i, args[i].rc, args[i].msg);
        ck_assert_int_eq(args[0].created + args[1].created, 1);

        /* ensure again: already there */
        podc_client *c = itest_client();
        podc_error *err = NULL;
        int created = -1;
        ck_assert_ok(podc_network_ensure(c, name, NULL, &created, &err), &err);
        ck_assert_int_eq(created, 0);
        ck_assert_ok(podc_network_remove(c, name, 0, &err), &err);
        podc_client_free(c);
    }
    free(name);
}
END_TEST

/* Container B resolves container A by alias and by name through the network's DNS. */
START_TEST(network_dns_alias)
{
    podc_client *c = itest_client();
    itest_check_dns_alias(c);
    podc_client_free(c);
}
END_TEST

/* The same with dns_enabled off (the API's own default): the alias does not resolve. */
START_TEST(network_without_dns_does_not_resolve)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *net = itest_name("net-nodns"), *a = itest_name("nodns-a"), *b = itest_name("nodns-b");
    podc_network_options *o = itest_net_options();
    podc_network_options_set_dns_enabled(o, 0, NULL);
    ck_assert_ok(podc_network_create(c, net, o, NULL, &err), &err);
    podc_container_spec *sa = itest_spec(a, ITEST_BASE_IMAGE, "exec /bin/busybox sleep 300");
    const char *aliases[] = { "svc-beta" };
    podc_container_spec_add_network(sa, net, aliases, 1, NULL);
    ck_assert_ok(podc_container_create(c, sa, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, a, &err), &err);
    podc_container_spec *sb = itest_spec(b, ITEST_BASE_IMAGE, "getent hosts svc-beta");
    podc_container_spec_add_network(sb, net, NULL, 0, NULL);
    ck_assert_int_ne(itest_run_to_exit(c, sb), 0);
    ck_assert_ok(podc_container_remove(c, b, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_ok(podc_container_remove(c, a, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_ok(podc_network_remove(c, net, 0, &err), &err);
    podc_container_spec_free(sa);
    podc_container_spec_free(sb);
    podc_network_options_free(o);
    podc_error_free(err);
    free(net), free(a), free(b);
    podc_client_free(c);
}
END_TEST

static int has_alias(const podc_container_info *i, const char *net, const char *alias)
{
    for (size_t k = 0; k < podc_container_info_network_count(i); k++) {
        if (strcmp(podc_container_info_network_name_at(i, k), net) != 0)
            continue;
        for (size_t a = 0; a < podc_container_info_network_alias_count(i, k); a++)
            if (strcmp(podc_container_info_network_alias_at(i, k, a), alias) == 0)
                return 1;
    }
    return 0;
}

START_TEST(network_connect_disconnect)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *net = itest_name("net-conn"), *ctr = itest_name("conn");
    podc_network_options *o = itest_net_options();
    ck_assert_ok(podc_network_create(c, net, o, NULL, &err), &err);
    podc_container_spec *s = itest_spec(ctr, ITEST_BASE_IMAGE, "exec /bin/busybox sleep 300");
    ck_assert_ok(podc_container_create(c, s, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, ctr, &err), &err);

    const char *aliases[] = { "cache", "kv" };
    ck_assert_ok(podc_network_connect(c, net, ctr, aliases, 2, &err), &err);
    podc_container_info *i = NULL;
    ck_assert_ok(podc_container_inspect(c, ctr, &i, &err), &err);
    ck_assert_ptr_nonnull(podc_container_info_ip(i, net));
    ck_assert(has_alias(i, net, "cache"));
    ck_assert(has_alias(i, net, "kv"));
    podc_container_info_free(i);

    /* connecting twice: podman's 500 "network is already connected" -> conflict */
    ck_assert_int_eq(podc_network_connect(c, net, ctr, NULL, 0, &err), PODC_ECONFLICT);
    ck_assert_str_eq(podc_error_cause(err), "network is already connected");
    ck_assert_str_eq(podc_error_container(err), ctr);

    ck_assert_ok(podc_network_disconnect(c, net, ctr, 0, &err), &err);
    ck_assert_ok(podc_container_inspect(c, ctr, &i, &err), &err);
    ck_assert_ptr_null(podc_container_info_ip(i, net));
    podc_container_info_free(i);
    ck_assert_int_eq(podc_network_disconnect(c, net, ctr, 0, &err), PODC_ECONFLICT);

    char *ghost = itest_name("ghost");
    ck_assert_int_eq(podc_network_connect(c, net, ghost, NULL, 0, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_network_connect(c, ghost, ctr, NULL, 0, &err), PODC_ENOTFOUND);
    free(ghost);

    ck_assert_ok(podc_container_remove(c, ctr, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_ok(podc_network_remove(c, net, 0, &err), &err);
    podc_container_spec_free(s);
    podc_network_options_free(o);
    podc_error_free(err);
    free(net), free(ctr);
    podc_client_free(c);
}
END_TEST

START_TEST(network_remove_in_use_and_force)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *net = itest_name("net-inuse"), *ctr = itest_name("inuse");
    podc_network_options *o = itest_net_options();
    ck_assert_ok(podc_network_create(c, net, o, NULL, &err), &err);
    podc_container_spec *s = itest_spec(ctr, ITEST_BASE_IMAGE, "exec /bin/busybox sleep 300");
    podc_container_spec_add_network(s, net, NULL, 0, NULL);
    podc_container_spec_set_stop_timeout(s, 0, NULL);
    ck_assert_ok(podc_container_create(c, s, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, ctr, &err), &err);

    ck_assert_int_eq(podc_network_remove(c, net, 0, &err), PODC_ECONFLICT);
    ck_assert_str_eq(podc_error_cause(err), "network is being used");
    /* force also removes the attached (running) container */
    ck_assert_ok(podc_network_remove(c, net, PODC_NETWORK_REMOVE_FORCE, &err), &err);
    int yes = -1;
    ck_assert_ok(podc_container_exists(c, ctr, &yes, &err), &err);
    ck_assert_int_eq(yes, 0);
    ck_assert_ok(podc_network_exists(c, net, &yes, &err), &err);
    ck_assert_int_eq(yes, 0);
    podc_container_spec_free(s);
    podc_network_options_free(o);
    podc_error_free(err);
    free(net), free(ctr);
    podc_client_free(c);
}
END_TEST

Suite *networks_suite(void)
{
    Suite *s = suite_create("networks");
    TCase *tc = itest_tcase("real-service", 120);
    tcase_add_test(tc, network_lifecycle);
    tcase_add_test(tc, network_internal_without_dns);
    tcase_add_test(tc, network_list_filters);
    tcase_add_test(tc, network_ensure_race);
    tcase_add_test(tc, network_dns_alias);
    tcase_add_test(tc, network_without_dns_does_not_resolve);
    tcase_add_test(tc, network_connect_disconnect);
    tcase_add_test(tc, network_remove_in_use_and_force);
    suite_add_tcase(s, tc);
    return s;
}
