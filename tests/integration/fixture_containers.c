/* fixture_containers.c - see fixture_containers.h. */
#include "fixture_containers.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char owner[32];

void itc_setup(void)
{
    snprintf(owner, sizeof owner, "%d", (int)getpid());
}

const char *itc_owner(void)
{
    if (!owner[0])
        itc_setup();
    return owner;
}

static char *owner_filter(void)
{
    char *f = NULL;
    if (asprintf(&f, "%s=%s", ITC_LABEL, itc_owner()) < 0)
        abort();
    return f;
}

void itc_cleanup(void)
{
    podc_client *c = NULL;
    if (podc_client_new(&c, NULL, NULL) != 0)
        return;
    char *label = owner_filter();
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "label", label, NULL);
    podc_container_list *l = NULL;
    if (podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, NULL) == 0) {
        for (size_t i = 0; i < podc_container_list_count(l); i++)
            podc_container_remove(c, podc_container_summary_id(podc_container_list_at(l, i)),
                                  PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
        podc_container_list_free(l);
    }
    podc_network_list *nl = NULL;
    if (podc_network_list_get(c, f, &nl, NULL) == 0) {
        for (size_t i = 0; i < podc_network_list_count(nl); i++)
            podc_network_remove(c, podc_network_name(podc_network_list_at(nl, i)), PODC_NETWORK_REMOVE_FORCE, NULL);
        podc_network_list_free(nl);
    }
    podc_filters_free(f);
    free(label);
    podc_client_free(c);
}

podc_container_spec *itc_spec(const char *name, const char *image, const char *script)
{
    podc_container_spec *s = podc_container_spec_new();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(podc_container_spec_set_name(s, name, NULL), 0);
    ck_assert_int_eq(podc_container_spec_set_image(s, image, NULL), 0);
    ck_assert_int_eq(podc_container_spec_add_label(s, ITC_LABEL, itc_owner(), NULL), 0);
    if (script) {
        const char *argv[] = { "/bin/busybox", "sh", "-c", script };
        ck_assert_int_eq(podc_container_spec_set_command(s, argv, 4, NULL), 0);
    }
    return s;
}

podc_network_options *itc_net_options(void)
{
    podc_network_options *o = podc_network_options_new();
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(podc_network_options_add_label(o, ITC_LABEL, itc_owner(), NULL), 0);
    return o;
}

int itc_run_to_exit(podc_client *c, const podc_container_spec *spec)
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

void itc_check_dns_alias(podc_client *c)
{
    podc_error *err = NULL;
    char *net = itest_name("net-dns"), *a = itest_name("dns-a"), *b = itest_name("dns-b");
    podc_network_options *o = itc_net_options(); /* dns_enabled: podc's default */
    ck_assert_ok(podc_network_ensure(c, net, o, NULL, &err), &err);

    podc_container_spec *sa = itc_spec(a, ITC_BASE_IMAGE, "exec /bin/busybox sleep 300");
    const char *aliases[] = { "svc-alpha" };
    podc_container_spec_add_network(sa, net, aliases, 1, NULL);
    podc_container_spec_set_stop_timeout(sa, 0, NULL);
    ck_assert_ok(podc_container_create(c, sa, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, a, &err), &err);

    char script[512];
    snprintf(script, sizeof script, "getent hosts svc-alpha && getent hosts %s", a);
    podc_container_spec *sb = itc_spec(b, ITC_BASE_IMAGE, script);
    podc_container_spec_add_network(sb, net, NULL, 0, NULL);
    ck_assert_msg(itc_run_to_exit(c, sb) == 0, "%s did not resolve svc-alpha and %s on %s", b, a, net);

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

int64_t itc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
