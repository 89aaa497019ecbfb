/* The DataStorage stack's config: presets, defaults, the port check. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "datastorage/ds-private.h"
#include "suites.h"

START_TEST(preset_ports_and_health_default)
{
    podc_ds_config *cfg = podc_ds_config_new("gateway");
    ck_assert_int_eq(podc_ds_config_set_preset(cfg, "gateway", NULL), 0);
    ck_assert_int_eq(pdc_ds_effective_port(cfg, PODC_DS_PORT_POSTGRES), 15437);
    ck_assert_int_eq(pdc_ds_effective_port(cfg, PODC_DS_PORT_REDIS), 16380);
    ck_assert_int_eq(pdc_ds_effective_port(cfg, PODC_DS_PORT_API), 18091);
    ck_assert_int_eq(pdc_ds_effective_port(cfg, PODC_DS_PORT_METRICS), 19091);
    ck_assert_int_eq(pdc_ds_effective_port(cfg, PODC_DS_PORT_HEALTH), 28091); /* API + 10000 */
    ck_assert_int_eq(podc_ds_config_set_preset(cfg, "remediationorchestrator", NULL), 0);
    ck_assert_int_eq(pdc_ds_effective_port(cfg, PODC_DS_PORT_API), 18140);
    ck_assert_int_eq(podc_ds_config_set_port(cfg, PODC_DS_PORT_HEALTH, 20000, NULL), 0);
    ck_assert_int_eq(pdc_ds_effective_port(cfg, PODC_DS_PORT_HEALTH), 20000);
    ck_assert_int_eq(podc_ds_config_set_preset(cfg, "unknown-suite", NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_ds_config_set_port(cfg, PODC_DS_PORT_API, 70000, NULL), PODC_EINVAL);
    podc_ds_config_free(cfg);

    cfg = podc_ds_config_new("x"); /* no preset, no ports: podman picks them all */
    for (int p = 0; p < DS_NPORTS; p++)
        ck_assert_int_eq(pdc_ds_effective_port(cfg, (podc_ds_port)p), 0);
    podc_ds_config_free(cfg);
}
END_TEST

START_TEST(busy_port_named)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    listen(fd, 1);
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    int port = ntohs(sa.sin_port);

    podc_ds_config *cfg = podc_ds_config_new("x");
    podc_ds_config_set_port(cfg, PODC_DS_PORT_METRICS, port, NULL);
    podc_error *err = NULL;
    ck_assert_int_eq(pdc_ds_check_ports(cfg, 1, &err), PODC_ECONFLICT);
    ck_assert_str_eq(podc_error_detail(err, "component"), "datastorage");
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "metrics"));
    podc_error_free(err);
    err = NULL;
    podc_ds_config_set_skip_redis(cfg, 1, NULL);
    podc_ds_config_set_port(cfg, PODC_DS_PORT_METRICS, 0, NULL);
    podc_ds_config_set_port(cfg, PODC_DS_PORT_REDIS, port, NULL); /* skipped component: not checked */
    ck_assert_int_eq(pdc_ds_check_ports(cfg, 1, &err), 0);
    close(fd);
    podc_ds_config_free(cfg);
}
END_TEST

Suite *ds_config_suite(void)
{
    Suite *s = suite_create("ds_config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, preset_ports_and_health_default);
    tcase_add_test(tc, busy_port_named);
    suite_add_tcase(s, tc);
    return s;
}
