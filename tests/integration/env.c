#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "suites.h"

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

/* Containers (all states) and networks carrying label ("key=value"). */
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

void itest_cleanup_session(const char *session)
{
    podc_client *c = NULL;
    if (podc_client_new(&c, NULL, NULL) == 0)
        podc_service_cleanup(c, session, NULL, NULL);
    podc_client_free(c);
}

podc_ds_config *itest_ds_config(const char *service, const char *session)
{
    podc_ds_config *cfg = podc_ds_config_new(service);
    ck_assert_ptr_nonnull(cfg);
    podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, "localhost/podc-postgres:test", NULL);
    podc_ds_config_set_image(cfg, PODC_DS_REDIS, "localhost/podc-redis:test", NULL);
    podc_ds_config_set_image(cfg, PODC_DS_DATASTORAGE, "localhost/podc-datastorage:test", NULL);
    for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
        podc_ds_config_set_port(cfg, (podc_ds_port)p, 0, NULL); /* free ports: tests run side by side */
    podc_ds_config_set_migrations_dir(cfg, TOP_SRCDIR "/tests/images/datastorage/migrations", NULL);
    podc_ds_config_set_session(cfg, session, NULL);
    return cfg;
}

size_t itest_stack_leftovers(podc_client *c, const char *service)
{
    char label[256];
    snprintf(label, sizeof label, PODC_DS_LABEL_STACK "=%s", service);
    return itest_label_leftovers(c, label);
}

/* "2026-11-25T20:29:44.624531457Z" (podman's UTC times) -> unix ms, or -1. */
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
