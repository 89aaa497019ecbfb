#include <stdio.h>
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
    podc_filters_add(f, "label", label);
    podc_container_list *cl = NULL;
    podc_network_list *nl = NULL;
    ck_assert_int_eq(podc_container_list_get(c, f, 1, &cl, NULL), 0);
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
