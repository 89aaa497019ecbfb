/*
 * fuzz_container.c - container inspect and list replies: the bytes go through pdc_json_parse
 * and, as containers.c does after its checks (inspect: an object with a string "Id"; list: an
 * array or null), into pdc_container_info_from_json / pdc_container_list_from_json; then
 * every accessor of the result objects runs.
 */
#include "api/container-results.h"
#include "core/json.h"
#include "fuzz.h"
#include "podc/containers.h"

static void ports_check(const podc_port *p)
{
    FUZZ_CHECK(p != NULL, "port missing");
    (void)podc_port_container_port(p);
    (void)podc_port_host_port(p);
    FUZZ_CHECK(podc_port_protocol(p) != NULL && podc_port_host_ip(p) != NULL, "port strings");
}

static void inspect(yajl_val root, const char *text)
{
    char *json = strdup(text);
    FUZZ_CHECK(json != NULL, "oom");
    podc_container_info *i = pdc_container_info_from_json(root, json); /* takes both */
    if (!i)
        return;
    (void)podc_container_info_id(i);
    (void)podc_container_info_name(i);
    (void)podc_container_info_image(i);
    (void)podc_container_info_image_id(i);
    (void)podc_container_info_status(i);
    (void)podc_container_info_running(i);
    (void)podc_container_info_oom_killed(i);
    (void)podc_container_info_pid(i);
    (void)podc_container_info_exit_code(i);
    (void)podc_container_info_started_at(i);
    (void)podc_container_info_finished_at(i);
    (void)podc_container_info_health_status(i);
    (void)podc_container_info_health_failing_streak(i);
    (void)podc_container_info_restart_count(i);
    (void)podc_container_info_hostname(i);
    (void)pdc_container_info_stop_timeout(i);
    size_t np = podc_container_info_port_count(i);
    for (size_t k = 0; k < np; k++) {
        const podc_port *p = podc_container_info_port_at(i, k);
        ports_check(p);
        (void)podc_container_info_host_port(i, podc_port_container_port(p), podc_port_protocol(p));
    }
    FUZZ_CHECK(podc_container_info_port_at(i, np) == NULL, "port past the end");
    (void)podc_container_info_host_port(i, 8080, NULL);
    size_t nn = podc_container_info_network_count(i);
    for (size_t k = 0; k <= nn; k++) {
        const char *name = podc_container_info_network_name_at(i, k);
        (void)podc_container_info_network_ip_at(i, k);
        (void)podc_container_info_network_gateway_at(i, k);
        size_t na = podc_container_info_network_alias_count(i, k);
        for (size_t a = 0; a <= na; a++)
            (void)podc_container_info_network_alias_at(i, k, a);
        (void)podc_container_info_ip(i, name);
    }
    (void)podc_container_info_ip(i, "podman");
    (void)podc_container_info_label(i, "io.podc.session");
    size_t ne = podc_container_info_env_count(i);
    for (size_t k = 0; k <= ne; k++)
        (void)podc_container_info_env_at(i, k);
    (void)podc_container_info_env(i, "PATH");
    (void)podc_container_info_env(i, "");
    FUZZ_CHECK(podc_container_info_json(i) == json, "json text");
    podc_container_info_free(i);
}

static void list(yajl_val root)
{
    podc_container_list *l = pdc_container_list_from_json(root); /* takes root */
    if (!l)
        return;
    size_t n = podc_container_list_count(l);
    for (size_t k = 0; k <= n; k++) {
        const podc_container_summary *s = podc_container_list_at(l, k);
        FUZZ_CHECK((s == NULL) == (k == n), "summary %zu of %zu", k, n);
        (void)podc_container_summary_id(s);
        (void)podc_container_summary_name(s);
        size_t nn = podc_container_summary_name_count(s);
        for (size_t a = 0; a <= nn; a++)
            (void)podc_container_summary_name_at(s, a);
        (void)podc_container_summary_image(s);
        (void)podc_container_summary_state(s);
        (void)podc_container_summary_health(s);
        (void)podc_container_summary_label(s, "io.podc.session");
        (void)podc_container_summary_exit_code(s);
        size_t np = podc_container_summary_port_count(s);
        for (size_t a = 0; a < np; a++)
            ports_check(podc_container_summary_port_at(s, a));
        FUZZ_CHECK(podc_container_summary_port_at(s, np) == NULL, "port past the end");
    }
    podc_container_list_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    yajl_val root = pdc_json_parse(text, NULL, 0);
    if (pdc_json_str(root, "Id", NULL))
        inspect(root, text);
    else if (YAJL_IS_ARRAY(root) || YAJL_IS_NULL(root))
        list(root);
    else
        pdc_json_free(root);
    free(text);
    return 0;
}
