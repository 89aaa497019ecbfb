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
