/* Stacks against the real service: the graph's order read back from the containers' own
 * StartedAt/FinishedAt, members finding each other by member name, a failing job rolling
 * everything back with its exit code, a dependency that dies while others wait, down and
 * status by labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"

#define SESSION itest_session("stack")

/* An HTTP service healthy on /healthz; ready_after: seconds until /healthz says 200. */
static podc_service_spec *http_member(const char *ready_after)
{
    podc_service_spec *s = podc_service_spec_new();
    ck_assert_ptr_nonnull(s);
    podc_service_spec_set_image(s, ITEST_HTTP_IMAGE, NULL);
    podc_service_spec_add_port(s, 8080, 0, NULL);
    podc_service_spec_add_check_http(s, 8080, "/healthz", 200, NULL, 1000, NULL);
    if (ready_after)
        podc_service_spec_add_env(s, "HEALTHZ_READY_AFTER", ready_after, NULL);
    podc_service_spec_set_startup_timeout(s, 30000, NULL);
    return s;
}

/* A job: /bin/busybox sh -c script in the base image. */
static podc_service_spec *job_member(const char *script)
{
    podc_service_spec *s = podc_service_spec_new();
    ck_assert_ptr_nonnull(s);
    podc_service_spec_set_image(s, ITEST_BASE_IMAGE, NULL);
    const char *argv[] = { "/bin/busybox", "sh", "-c", script };
    podc_service_spec_set_command(s, argv, 4, NULL);
    podc_service_spec_set_startup_timeout(s, 30000, NULL);
    return s;
}

static podc_stack_spec *new_stack(const char *suffix, char **name)
{
    *name = itest_name(suffix);
    podc_stack_spec *s = podc_stack_spec_new(*name);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(podc_stack_spec_set_session(s, SESSION, NULL), 0);
    return s;
}

/* Two members made side by side: each was created before the other started (one after the
 * other, the second is only created once the first runs). */
static void side_by_side(podc_client *c, const char *x, const char *y)
{
    int64_t xc = itest_container_ms(c, x, ITEST_CREATED), yc = itest_container_ms(c, y, ITEST_CREATED);
    int64_t xs = itest_container_ms(c, x, ITEST_STARTED), ys = itest_container_ms(c, y, ITEST_STARTED);
    ck_assert_msg(xc < ys && yc < xs, "%s and %s one after the other: created %+lld / %+lld, started %+lld / %+lld ms",
                  x, y, 0LL, (long long)(yc - xc), (long long)(xs - xc), (long long)(ys - xc));
}

static size_t stack_leftovers(podc_client *c, const char *name)
{
    char label[200];
    snprintf(label, sizeof label, "%s=%s", PODC_STACK_LABEL, name);
    return itest_label_leftovers(c, label);
}

/* a and c side by side; j waits for a healthy and finds it by name; b waits for j to
 * complete and for c to start. */
START_TEST(stack_graph_order_and_names)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = NULL;
    podc_stack_spec *s = new_stack("stk-graph", &name);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "a", PODC_STACK_SERVICE, http_member("2"), NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "c", PODC_STACK_SERVICE, http_member("2"), NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "j", PODC_STACK_JOB,
                                                job_member("getent hosts a && getent hosts c && sleep 0.5"), NULL),
                     0);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "b", PODC_STACK_SERVICE, http_member(NULL), NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "j", "a", PODC_STACK_HEALTHY, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "j", PODC_STACK_COMPLETED, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "c", PODC_STACK_STARTED, NULL), 0);

    podc_stack *st = NULL;
    ck_assert_ok(podc_stack_up(c, s, &st, &err), &err);
    ck_assert_int_eq(podc_stack_member_count(st), 4);
    ck_assert_str_eq(podc_stack_member_name(st, 2), "j");
    ck_assert_ptr_null(podc_stack_member_service(st, 2)); /* a job has no service handle */
    const podc_service *b = podc_stack_service(st, "b");
    ck_assert_ptr_nonnull(b);
    ck_assert_int_gt(podc_service_host_port(b, 8080), 0);

    char ca[200], cb[200], cc[200], cj[200];
    snprintf(ca, sizeof ca, "%s_a", name);
    snprintf(cb, sizeof cb, "%s_b", name);
    snprintf(cc, sizeof cc, "%s_c", name);
    snprintf(cj, sizeof cj, "%s_j", name);
    ck_assert_str_eq(podc_stack_member_container(st, 0), ca);
    int64_t a0 = itest_container_ms(c, ca, ITEST_STARTED), c0 = itest_container_ms(c, cc, ITEST_STARTED);
    int64_t j0 = itest_container_ms(c, cj, ITEST_STARTED), j1 = itest_container_ms(c, cj, ITEST_FINISHED);
    int64_t b0 = itest_container_ms(c, cb, ITEST_STARTED);
    printf("stack graph: a started %+lld ms, c %+lld, j %+lld..%+lld, b %+lld (ms from a); up %lld ms\n",
           0LL, (long long)(c0 - a0), (long long)(j0 - a0), (long long)(j1 - a0), (long long)(b0 - a0),
           (long long)podc_stack_up_ms(st));
    /* side by side: c did not wait for a, nor a for c */
    side_by_side(c, ca, cc);
    /* j only after a was healthy (a's /healthz says 503 for 1-2 s after it starts) */
    ck_assert_msg(j0 - a0 >= 1000, "j started %lld ms after a", (long long)(j0 - a0));
    /* b only after j completed */
    ck_assert_msg(b0 >= j1, "b started %lld ms before j finished", (long long)(j1 - b0));

    /* status by labels: every member, the job exited 0 */
    podc_stack_status *ss = NULL;
    ck_assert_ok(podc_stack_status_get(c, name, &ss, &err), &err);
    ck_assert_int_eq(podc_stack_status_count(ss), 4);
    ck_assert_str_eq(podc_stack_status_member(ss, 3), "j");
    ck_assert_str_eq(podc_stack_status_state(ss, 3), "exited");
    ck_assert_int_eq(podc_stack_status_exit_code(ss, 3), 0);
    ck_assert_str_eq(podc_stack_status_state(ss, 0), "running");
    ck_assert_msg(strstr(podc_stack_status_ports(ss, 0), "->8080/tcp"), "%s", podc_stack_status_ports(ss, 0));
    podc_stack_status_free(ss);

    size_t removed = 0;
    ck_assert_ok(podc_stack_down(c, name, 0, 0, &removed, &err), &err);
    ck_assert_int_eq(removed, 5); /* four containers and the network */
    ck_assert_int_eq(stack_leftovers(c, name), 0);
    ck_assert_ok(podc_stack_down(c, name, 0, 0, NULL, &err), &err); /* nothing left: fine */

    podc_stack_free(st);
    podc_stack_spec_free(s);
    free(name);
    podc_client_free(c);
}
END_TEST

/* A job that exits 3: the up fails naming it, its code and log tail, and who waited for it;
 * nothing of the stack is left. */
START_TEST(stack_failing_job_rolls_back)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = NULL;
    podc_stack_spec *s = new_stack("stk-fail", &name);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "a", PODC_STACK_SERVICE, http_member(NULL), NULL), 0);
    podc_service_spec *migrate = job_member("echo applying 0001; echo 'relation missing' >&2; exit 3");
    ck_assert_int_eq(podc_stack_spec_add_member(s, "migrate", PODC_STACK_JOB, migrate, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "b", PODC_STACK_SERVICE, http_member(NULL), NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "migrate", "a", PODC_STACK_HEALTHY, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "migrate", PODC_STACK_COMPLETED, NULL), 0);

    podc_stack *st = NULL;
    ck_assert_int_eq(podc_stack_up(c, s, &st, &err), PODC_EHEALTH);
    ck_assert_ptr_null(st);
    printf("stack failing job: %s\n", podc_error_message(err));
    int code = -1;
    ck_assert_int_eq(podc_error_exit_code(err, &code), 1);
    ck_assert_int_eq(code, 3);
    ck_assert_str_eq(podc_error_detail(err, "member"), "migrate");
    ck_assert_str_eq(podc_error_detail(err, "waiting"), "b");
    ck_assert_msg(strstr(podc_error_message(err), "exited with code 3"), "%s", podc_error_message(err));
    ck_assert_msg(podc_error_log_tail(err) && strstr(podc_error_log_tail(err), "relation missing"), "log tail: %s",
                  podc_error_log_tail(err) ? podc_error_log_tail(err) : "(none)");
    ck_assert_ptr_null(podc_error_detail(err, "not_removed"));
    ck_assert_int_eq(stack_leftovers(c, name), 0);
    podc_error_free(err);
    podc_stack_spec_free(s);
    free(name);
    podc_client_free(c);
}
END_TEST

/* a is healthy as soon as it runs (no checks) and exits 4 a second later, while b (waiting for
 * a) is still in its own health wait: the up fails at once, naming a and its code. */
START_TEST(stack_dependency_dies_while_others_start)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = NULL;
    podc_stack_spec *s = new_stack("stk-dies", &name);
    podc_service_spec *a = job_member("sleep 1; echo 'a: giving up' >&2; exit 4");
    ck_assert_int_eq(podc_stack_spec_add_member(s, "a", PODC_STACK_SERVICE, a, NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_member(s, "b", PODC_STACK_SERVICE, http_member("20"), NULL), 0);
    ck_assert_int_eq(podc_stack_spec_add_dependency(s, "b", "a", PODC_STACK_HEALTHY, NULL), 0);

    podc_stack *st = NULL;
    int64_t t0 = itest_now_ms();
    ck_assert_int_eq(podc_stack_up(c, s, &st, &err), PODC_EHEALTH);
    int64_t took = itest_now_ms() - t0;
    printf("stack dependency dies: failed after %lld ms: %s\n", (long long)took, podc_error_message(err));
    ck_assert_str_eq(podc_error_detail(err, "member"), "a");
    int code = -1;
    ck_assert_int_eq(podc_error_exit_code(err, &code), 1);
    ck_assert_int_eq(code, 4);
    ck_assert_msg(took < 15000, "the up waited %lld ms for b (its check passes after 20 s)", (long long)took);
    ck_assert_int_eq(stack_leftovers(c, name), 0);
    podc_error_free(err);
    podc_stack_spec_free(s);
    free(name);
    podc_client_free(c);
}
END_TEST

/* The kubernaut-shaped compose file (tests/compose/kubernaut-ds) runs as it is, only the
 * DataStorage image overridden: the order read from the containers, DataStorage answers. */
START_TEST(compose_kubernaut_file_in_order)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *name = itest_name("cmp-ds");
    podc_compose_options *o = podc_compose_options_new();
    podc_compose_options_add_file(o, TOP_SRCDIR "/tests/compose/kubernaut-ds/compose.yaml", NULL);
    podc_compose_options_set_project(o, name, NULL);
    podc_compose_options_set_image(o, "datastorage", "localhost/podc-datastorage:test", NULL);
    podc_stack_spec *s = NULL;
    ck_assert_ok(podc_compose_load(o, &s, &err), &err);
    podc_compose_options_free(o);
    ck_assert_int_eq(podc_stack_spec_set_session(s, SESSION, NULL), 0);
    podc_stack *st = NULL;
    ck_assert_ok(podc_stack_up(c, s, &st, &err), &err);

    char pg[200], rd[200], mg[200], ds[200];
    snprintf(pg, sizeof pg, "%s_postgres", name);
    snprintf(rd, sizeof rd, "%s_redis", name);
    snprintf(mg, sizeof mg, "%s_migrate", name);
    snprintf(ds, sizeof ds, "%s_datastorage", name);
    int64_t pg0 = itest_container_ms(c, pg, ITEST_STARTED), rd0 = itest_container_ms(c, rd, ITEST_STARTED),
            mg0 = itest_container_ms(c, mg, ITEST_STARTED), mg1 = itest_container_ms(c, mg, ITEST_FINISHED),
            ds0 = itest_container_ms(c, ds, ITEST_STARTED);
    printf("compose kubernaut-ds: postgres +0, redis %+lld, migrate %+lld..%+lld, datastorage %+lld ms; up %lld ms\n",
           (long long)(rd0 - pg0), (long long)(mg0 - pg0), (long long)(mg1 - pg0), (long long)(ds0 - pg0),
           (long long)podc_stack_up_ms(st));
    side_by_side(c, pg, rd);
    ck_assert_msg(mg0 > pg0, "the migration job started before postgres");
    ck_assert_msg(ds0 >= mg1, "datastorage started %lld ms before the migrations ended", (long long)(mg1 - ds0));

    /* the job ran the migrations; DataStorage's readiness answers on its published port */
    podc_stack_status *ss = NULL;
    ck_assert_ok(podc_stack_status_get(c, name, &ss, &err), &err);
    ck_assert_int_eq(podc_stack_status_exit_code(ss, 1), 0); /* sorted: datastorage, migrate, ... */
    podc_stack_status_free(ss);
    const podc_service *dsv = podc_stack_service(st, "datastorage");
    ck_assert_ptr_nonnull(dsv);
    ck_assert_int_gt(podc_service_host_port(dsv, 8081), 0);
    char *tail = NULL;
    ck_assert_ok(podc_logs_tail(c, mg, 10, &tail, &err), &err);
    ck_assert_msg(strstr(tail, "003_audit_index.sql"), "%s", tail);
    podc_free(tail);

    ck_assert_ok(podc_stack_down(c, name, 0, 0, NULL, &err), &err);
    ck_assert_int_eq(stack_leftovers(c, name), 0);
    podc_stack_free(st);
    podc_stack_spec_free(s);
    free(name);
    podc_client_free(c);
}
END_TEST

Suite *stack_suite(void)
{
    Suite *s = suite_create("stack");
    TCase *tc = itest_tcase("up-down", 120);
    tcase_add_test(tc, stack_graph_order_and_names);
    tcase_add_test(tc, stack_failing_job_rolls_back);
    tcase_add_test(tc, stack_dependency_dies_while_others_start);
    tcase_add_test(tc, compose_kubernaut_file_in_order);
    suite_add_tcase(s, tc);
    return s;
}
