/* Stack spec validation: names, unknown and duplicate members, conditions that cannot hold,
 * cycles. Pure logic, nothing is sent (the up over a client with no server fails the same). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../fake/fake_server.h"
#include "podc/stack.h"
#include "stack/stack-private.h"
#include "suites.h"

static podc_service_spec *svc(const char *image)
{
    podc_service_spec *s = podc_service_spec_new();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(podc_service_spec_set_image(s, image, NULL), 0);
    return s;
}

/* a, b services; j a job */
static podc_stack_spec *three(void)
{
    podc_stack_spec *s = podc_stack_spec_new("proj");
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "a", PODC_STACK_SERVICE, svc("localhost/x:1"), NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "b", PODC_STACK_SERVICE, svc("localhost/x:1"), NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "j", PODC_STACK_JOB, svc("localhost/x:1"), NULL), 0);
    return s;
}

/* validate fails with PODC_EINVAL, detail field, and a message containing want */
static void expect_invalid(podc_stack_spec *s, const char *field, const char *want)
{
    podc_error *err = NULL;
    ck_assert_int_eq(podc_stack_spec_validate(s, &err), PODC_EINVAL);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(podc_error_detail(err, "field"), field);
    ck_assert_msg(strstr(podc_error_message(err), want), "'%s' not in: %s", want, podc_error_message(err));
    podc_error_free(err);
    podc_stack_spec_free(s);
}

START_TEST(stack_valid_graph)
{
    podc_stack_spec *s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "j", "a", PODC_STACK_HEALTHY, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "j", PODC_STACK_COMPLETED, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "a", PODC_STACK_STARTED, NULL), 0);
    podc_error *err = NULL;
    ck_assert_int_eq(podc_stack_spec_validate(s, &err), 0);
    ck_assert_ptr_null(err);
    podc_stack_spec_free(s);
}
END_TEST

START_TEST(stack_cycle_named)
{
    podc_stack_spec *s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "a", "b", PODC_STACK_HEALTHY, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "j", PODC_STACK_COMPLETED, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "j", "a", PODC_STACK_STARTED, NULL), 0);
    expect_invalid(s, "depends_on", "dependency cycle a -> b -> j -> a");
}
END_TEST

static int task_ok(podc_client *c, void *ud, podc_error **err)
{
    (void)c, (void)ud, (void)err;
    return 0;
}

/* The internal extensions the DataStorage bootstrap uses: a task member (a job without a
 * container), prepare gates, and "prepared" waits, which only internal callers may add and
 * which close no cycle (a prepare waits for gates only). */
START_TEST(stack_internal_task_and_gates)
{
    podc_stack_spec *s = three();
    const pdc_stack_task t = { .run = task_ok };
    ck_assert_int_eq(pdc_stack_spec_add_task(s, "m", &t), 0);
    ck_assert_int_eq(pdc_stack_spec_add_task(s, "bad", &(pdc_stack_task){ 0 }), PODC_EINVAL);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "m", "b", PODC_STACK_PREPARED, NULL), PODC_EINVAL);
    ck_assert_int_eq(pdc_stack_spec_add_internal_dependency(s, "m", "b", PODC_STACK_PREPARED), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "m", PODC_STACK_COMPLETED, NULL), 0);
    ck_assert_int_eq(pdc_stack_spec_add_prepare_gate(s, "b", "a", PODC_STACK_STARTED), 0);
    ck_assert_int_eq(pdc_stack_spec_set_prepared_hook(s, "m", NULL, NULL), PODC_EINVAL); /* no container */
    ck_assert_int_eq(pdc_stack_spec_set_prepared_hook(s, "nope", NULL, NULL), PODC_EINVAL);
    podc_error *err = NULL;
    ck_assert_msg(podc_stack_spec_validate(s, &err) == 0, "%s", podc_error_message(err));
    /* a task is a job: nobody can wait for it to be healthy */
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "j", "m", PODC_STACK_HEALTHY, NULL), 0);
    expect_invalid(s, "depends_on", "m is a job");
}
END_TEST

START_TEST(stack_self_and_unknown)
{
    podc_stack_spec *s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "a", "a", PODC_STACK_STARTED, NULL), 0);
    expect_invalid(s, "depends_on", "a depends on itself");
    s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "a", "nope", PODC_STACK_STARTED, NULL), 0);
    expect_invalid(s, "depends_on", "there is no member nope");
    s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "ghost", "a", PODC_STACK_STARTED, NULL), 0);
    expect_invalid(s, "depends_on", "there is no member ghost");
}
END_TEST

START_TEST(stack_conditions_that_cannot_hold)
{
    podc_stack_spec *s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "a", "j", PODC_STACK_HEALTHY, NULL), 0);
    expect_invalid(s, "depends_on", "j is a job");
    s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "j", "a", PODC_STACK_COMPLETED, NULL), 0);
    expect_invalid(s, "depends_on", "a is a service");
    s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "j", "a", (podc_stack_condition)7, NULL), PODC_EINVAL);
    podc_stack_spec_free(s);
}
END_TEST

START_TEST(stack_duplicates_and_names)
{
    podc_stack_spec *s = three();
    ck_assert_int_eq(podc_stack_spec_add_member(s, "a", PODC_STACK_SERVICE, svc("localhost/x:1"), NULL), 0);
    expect_invalid(s, "member", "member a is defined twice");

    s = three(); /* two members, one container name */
    podc_service_spec *x = svc("localhost/x:1");
    ck_assert_int_eq(podc_service_spec_set_name(x, "proj_a", NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "c", PODC_STACK_SERVICE, x, NULL), 0);
    expect_invalid(s, "container", "both name their container proj_a");

    s = podc_stack_spec_new("bad name");
    ck_assert_int_eq(podc_stack_spec_add_member(s, "a", PODC_STACK_SERVICE, svc("localhost/x:1"), NULL), 0);
    expect_invalid(s, "name", "");

    s = podc_stack_spec_new("proj");
    expect_invalid(s, "members", "has no members");

    s = podc_stack_spec_new("proj"); /* a member's own spec is checked too, and named */
    ck_assert_int_eq(podc_stack_spec_add_member(s, "a", PODC_STACK_SERVICE, podc_service_spec_new(), NULL), 0);
    podc_error *err = NULL;
    ck_assert_int_eq(podc_stack_spec_validate(s, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "member"), "a");
    ck_assert_msg(strstr(podc_error_message(err), "member a"), "%s", podc_error_message(err));
    podc_error_free(err);
    podc_stack_spec_free(s);

    /* a NULL spec is refused, and a spec handed over is freed even then */
    s = podc_stack_spec_new("proj");
    ck_assert_int_eq(podc_stack_spec_add_member(s, "a", PODC_STACK_SERVICE, NULL, NULL), PODC_EINVAL);
    ck_assert_int_eq(podc_stack_spec_add_member(s, NULL, PODC_STACK_SERVICE, svc("localhost/x:1"), NULL), PODC_EINVAL);
    podc_stack_spec_free(s);
}
END_TEST

/* nothing is sent for a bad spec: the fake server sees no request */
START_TEST(stack_up_refuses_before_sending)
{
    char *ok = fake_http_response(200, "application/json", "[]");
    fake_response r = { .raw = ok, .drop_after = -1 };
    fake_server *fs = fake_server_start(&r, 1);
    free(ok);
    ck_assert_ptr_nonnull(fs);
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = fake_server_path(fs);
    podc_client *c = NULL;
    ck_assert_int_eq(podc_client_new(&c, &o, NULL), 0);
    podc_stack_spec *s = three();
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "a", "b", PODC_STACK_HEALTHY, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "a", PODC_STACK_HEALTHY, NULL), 0);
    podc_stack *st = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_stack_up(c, s, &st, &err), PODC_EINVAL);
    ck_assert_ptr_null(st);
    ck_assert_msg(strstr(podc_error_message(err), "cycle"), "%s", podc_error_message(err));
    podc_error_free(err);
    podc_stack_spec_free(s);
    podc_client_free(c);
    ck_assert_int_eq(fake_server_requests(fs), 0);
    fake_server_stop(fs);
}
END_TEST

Suite *stack_spec_suite(void)
{
    Suite *s = suite_create("stack_spec");
    TCase *tc = tcase_create("validate");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, stack_valid_graph);
    tcase_add_test(tc, stack_cycle_named);
    tcase_add_test(tc, stack_self_and_unknown);
    tcase_add_test(tc, stack_internal_task_and_gates);
    tcase_add_test(tc, stack_conditions_that_cannot_hold);
    tcase_add_test(tc, stack_duplicates_and_names);
    tcase_add_test(tc, stack_up_refuses_before_sending);
    suite_add_tcase(s, tc);
    return s;
}
