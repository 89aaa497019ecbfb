#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/error-private.h"
#include "core/json.h"
#include "podc.h"
#include "suites.h"

START_TEST(categories_from_500_causes)
{
    /* podman 4.3 answers these with 500; the cause decides (libpod-api.md §11) */
    ck_assert_int_eq(pdc_error_category_for(500, "that name is already in use", NULL), PODC_ECONFLICT);
    ck_assert_int_eq(pdc_error_category_for(500, "image not known", NULL), PODC_ENOTFOUND);
    ck_assert_int_eq(pdc_error_category_for(500, "network not found", NULL), PODC_ENOTFOUND);
    ck_assert_int_eq(pdc_error_category_for(500, "container state improper", NULL), PODC_ECONFLICT);
    ck_assert_int_eq(pdc_error_category_for(500, "network is being used", NULL), PODC_ECONFLICT);
    ck_assert_int_eq(pdc_error_category_for(500, NULL, "listen tcp 0.0.0.0:80: bind: address already in use"),
                     PODC_ECONFLICT);
    ck_assert_int_eq(pdc_error_category_for(500, "invalid argument", "names must match"), PODC_EINVAL);
    ck_assert_int_eq(pdc_error_category_for(500, "something odd", NULL), PODC_ESERVER);
    ck_assert_int_eq(pdc_error_category_for(404, "container already exists", NULL), PODC_ENOTFOUND);
    ck_assert_int_eq(pdc_error_category_for(409, "image is in use by a container", NULL), PODC_ECONFLICT);
    ck_assert_int_eq(pdc_error_category_for(400, NULL, NULL), PODC_EINVAL);
}
END_TEST

/* Details enumerate in the order they were added; a repeated key replaces in place. */
START_TEST(details_enumerate)
{
    podc_error *e = pdc_error_new(PODC_EINVAL, "bad");
    ck_assert_uint_eq(podc_error_detail_count(e), 0);
    pdc_error_add_detail(e, "field", "env");
    pdc_error_add_detail(e, "port", "80");
    pdc_error_add_detail(e, "field", "ports");
    ck_assert_uint_eq(podc_error_detail_count(e), 2);
    ck_assert_str_eq(podc_error_detail_key_at(e, 0), "field");
    ck_assert_str_eq(podc_error_detail_value_at(e, 0), "ports");
    ck_assert_str_eq(podc_error_detail_key_at(e, 1), "port");
    ck_assert_str_eq(podc_error_detail_value_at(e, 1), "80");
    ck_assert_ptr_null(podc_error_detail_key_at(e, 2));
    ck_assert_ptr_null(podc_error_detail_value_at(NULL, 0));
    ck_assert_uint_eq(podc_error_detail_count(NULL), 0);
    podc_error_free(e);
}
END_TEST

START_TEST(reply_body_parsed)
{
    podc_error *e = pdc_error_from_reply(
        500,
        "{\"cause\":\"that name is already in use\",\"message\":\"creating container storage: the container name "
        "\\\"x\\\" is already in use\",\"response\":500}\n",
        "POST", "/libpod/containers/create?secret=hunter2");
    ck_assert_int_eq(podc_error_code(e), PODC_ECONFLICT);
    ck_assert_int_eq(podc_error_http_status(e), 500);
    ck_assert_str_eq(podc_error_cause(e), "that name is already in use");
    ck_assert_str_eq(podc_error_method(e), "POST");
    ck_assert_str_eq(podc_error_path(e), "/libpod/containers/create"); /* no query kept */
    ck_assert_ptr_null(strstr(podc_error_message(e), "hunter2"));
    ck_assert_ptr_nonnull(strstr(podc_error_message(e), "already in use"));
    podc_error_free(e);
}
END_TEST

START_TEST(plain_text_router_miss_is_protocol)
{
    podc_error *e = pdc_error_from_reply(404, "Not Found\n", "GET", "/libpod/nope");
    ck_assert_int_eq(podc_error_code(e), PODC_EPROTOCOL);
    ck_assert_str_eq(podc_error_server_message(e), "Not Found");
    podc_error_free(e);
}
END_TEST

START_TEST(to_json_has_every_field)
{
    podc_error *e = pdc_error_new(PODC_EHEALTH, "container \"db\" exited with code %d", 3);
    pdc_error_set_request(e, "GET", "/libpod/containers/db/json");
    pdc_error_set_container(e, "db", "abc123");
    pdc_error_set_exit_code(e, 3);
    pdc_error_set_log_tail(e, "line1\nline \"2\"\n");
    pdc_error_add_detail(e, "component", "postgres");
    char *j = podc_error_to_json(e);
    yajl_val v = pdc_json_parse(j, NULL, 0);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(pdc_json_str(v, "category", NULL), "health_check");
    int64_t n;
    ck_assert(pdc_json_int(v, &n, "code", NULL) && n == PODC_EHEALTH);
    ck_assert(pdc_json_int(v, &n, "exit_code", NULL) && n == 3);
    ck_assert_str_eq(pdc_json_str(v, "container", NULL), "db");
    ck_assert_str_eq(pdc_json_str(v, "log_tail", NULL), "line1\nline \"2\"\n");
    ck_assert_str_eq(pdc_json_str(v, "request", "path", NULL), "/libpod/containers/db/json");
    ck_assert_str_eq(pdc_json_str(v, "details", "component", NULL), "postgres");
    pdc_json_free(v);
    free(j);
    int code = 0;
    ck_assert_int_eq(podc_error_exit_code(e, &code), 1);
    ck_assert_int_eq(code, 3);
    podc_error_free(e);
}
END_TEST

START_TEST(set_replaces_and_null_is_safe)
{
    podc_error *err = NULL;
    ck_assert_int_eq(pdc_error_set(&err, PODC_ETIMEOUT, "first"), PODC_ETIMEOUT);
    ck_assert_int_eq(pdc_error_invalid(&err, "name", "bad name %s", "x y"), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "name");
    ck_assert_str_eq(podc_error_message(err), "bad name x y");
    podc_error_free(err);
    ck_assert_int_eq(pdc_error_set(NULL, PODC_ENOTFOUND, "ignored"), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_error_code(NULL), PODC_OK);
    ck_assert_int_eq(podc_error_exit_code(NULL, NULL), 0);
    char *j = podc_error_to_json(NULL);
    ck_assert_ptr_nonnull(strstr(j, "\"ok\""));
    free(j);
    ck_assert_str_eq(podc_strerror(PODC_ENOTFOUND), "not found");
    ck_assert_str_eq(podc_strerror(-999), "unknown error");
}
END_TEST

START_TEST(local_file_errors)
{
    /* the OS refused: its own category, naming path and errno */
    podc_error *e = pdc_error_local(EACCES, "context_dir", "/srv/ctx", "context_dir %s", "/srv/ctx");
    ck_assert_int_eq(podc_error_code(e), PODC_EFILE);
    ck_assert_str_eq(podc_error_code_name(PODC_EFILE), "local_file");
    ck_assert_str_eq(podc_error_message(e), "context_dir /srv/ctx: Permission denied");
    ck_assert_str_eq(podc_error_detail(e, "path"), "/srv/ctx");
    ck_assert_str_eq(podc_error_detail(e, "errno"), "EACCES");
    ck_assert_str_eq(podc_error_detail(e, "field"), "context_dir");
    podc_error_free(e);
    /* a path argument that does not exist is the caller's input */
    e = pdc_error_local(ENOENT, "migrations_dir", "/nope", "migrations dir %s", "/nope");
    ck_assert_int_eq(podc_error_code(e), PODC_EINVAL);
    podc_error_free(e);
    /* ... but a file podc needs on its way (no field) is a file error either way */
    podc_error *out = NULL;
    ck_assert_int_eq(pdc_error_set_local(&out, ENOENT, NULL, "/a/b", "cannot read %s", "/a/b"), PODC_EFILE);
    ck_assert_str_eq(podc_error_detail(out, "errno"), "ENOENT");
    podc_error_free(out);
}
END_TEST

/* The one setter signature: a refused value is the code and, when asked for, an error naming
 * the setter and the field; err may be NULL; a success leaves *err as it was. */
START_TEST(setters_report_what_they_refused)
{
    podc_container_spec *cs = podc_container_spec_new();
    podc_error *err = NULL;
    ck_assert_int_eq(podc_container_spec_set_command(cs, NULL, 0, &err), PODC_EINVAL);
    ck_assert_int_eq(podc_error_code(err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_message(err), "podc_container_spec_set_command: invalid input");
    ck_assert_str_eq(podc_error_detail(err, "field"), "command");
    ck_assert_int_eq(podc_container_spec_add_env(cs, "A", "x", &err), 0);
    ck_assert_str_eq(podc_error_detail(err, "field"), "command"); /* untouched */
    ck_assert_int_eq(podc_container_spec_set_memory_limit(cs, -1, &err), PODC_EINVAL); /* replaces it */
    ck_assert_str_eq(podc_error_detail(err, "field"), "memory_limit");
    ck_assert_int_eq(podc_container_spec_set_memory_limit(cs, -1, NULL), PODC_EINVAL);
    podc_container_spec_free(cs);
    podc_error_free(err);
    err = NULL;

    /* a service spec's setter names itself, not the container spec's it forwards to */
    podc_service_spec *ss = podc_service_spec_new();
    ck_assert_int_eq(podc_service_spec_add_env(ss, NULL, "x", &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_message(err), "podc_service_spec_add_env: invalid input");
    ck_assert_int_eq(podc_service_spec_add_check_tcp(ss, 0, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "check_tcp");
    podc_service_spec_free(ss);
    podc_error_free(err);
    err = NULL;

    /* a NULL builder, and a setter without a field in its name */
    ck_assert_int_eq(podc_filters_add(NULL, "label", "a=b", &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_message(err), "podc_filters_add: invalid input");
    ck_assert_str_eq(podc_error_detail(err, "field"), "value");
    podc_error_free(err);
}
END_TEST

Suite *error_suite(void)
{
    Suite *s = suite_create("error");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, categories_from_500_causes);
    tcase_add_test(tc, reply_body_parsed);
    tcase_add_test(tc, details_enumerate);
    tcase_add_test(tc, plain_text_router_miss_is_protocol);
    tcase_add_test(tc, to_json_has_every_field);
    tcase_add_test(tc, set_replaces_and_null_is_safe);
    tcase_add_test(tc, local_file_errors);
    tcase_add_test(tc, setters_report_what_they_refused);
    suite_add_tcase(s, tc);
    return s;
}
