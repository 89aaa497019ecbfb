/* Cancellation on the real service: a podc_client_cancel() from another thread ends a
 * multi-request call wherever it is (dependency wait, health wait, an exec, the stack's
 * phases), promptly, and the call removes what it created before it returns. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"

#define SESSION itest_session("cancel")

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Cancels c delay_ms after arm() (or after the progress line containing `when`). */
typedef struct canceller {
    podc_client *c;
    int delay_ms;
    const char *when;
    pthread_t th;
    int armed;
    double at;
    double failed_at; /* the progress line that starts the cleanup */
} canceller;

static void *cancel_main(void *arg)
{
    canceller *k = arg;
    usleep((useconds_t)k->delay_ms * 1000);
    k->at = now_s();
    podc_client_cancel(k->c);
    return NULL;
}

static void arm(canceller *k)
{
    if (!k->armed)
        k->armed = pthread_create(&k->th, NULL, cancel_main, k) == 0;
}

static void disarm(canceller *k)
{
    if (k->armed)
        pthread_join(k->th, NULL);
    k->armed = 0;
}

static int on_line(const char *line, void *ud)
{
    canceller *k = ud;
    if (k->when && strstr(line, k->when))
        arm(k);
    if (!k->failed_at && (strstr(line, "failed") || strstr(line, "removing")))
        k->failed_at = now_s();
    return 0;
}

/* Containers and networks of this suite's session. */
static size_t session_leftovers(podc_client *c)
{
    char label[128];
    snprintf(label, sizeof label, PODC_SERVICE_LABEL_SESSION "=%s", SESSION);
    return itest_label_leftovers(c, label);
}

static podc_service_spec *sleeper_spec(const char *name, const char *network)
{
    podc_service_spec *s = podc_service_spec_new();
    const char *cmd[] = { "/bin/busybox", "sleep", "300" };
    if (*name) /* "": a stack member, named by the stack */
        podc_service_spec_set_name(s, name, NULL);
    podc_service_spec_set_image(s, "localhost/podc-base:latest", NULL);
    podc_service_spec_set_command(s, cmd, 3, NULL);
    podc_service_spec_set_session(s, SESSION, NULL);
    podc_service_spec_set_startup_timeout(s, 60000, NULL);
    if (network)
        podc_service_spec_set_network(s, network, NULL);
    return s;
}

/* Noticed within a poll (the cleanup's start, when the call has progress lines); returned
 * once podman has removed what the call made (force removal: no stop grace period). */
static void expect_prompt_cancel(int rc, podc_error *err, const canceller *k, double returned, const char *what)
{
    ck_assert_msg(k->at > 0, "%s: the cancel never came (rc %d: %s)", what, rc, podc_error_message(err));
    ck_assert_msg(rc == PODC_ECANCELLED, "%s: rc %d: %s", what, rc, podc_error_message(err));
    double noticed = k->failed_at > 0 ? k->failed_at : returned;
    fprintf(stderr, "cancel: %s noticed %.3f s after the cancel, returned after %.3f s (cleanup included)\n", what,
            noticed - k->at, returned - k->at);
    ck_assert_msg(noticed - k->at < 1.0, "%s noticed %.2f s after the cancel", what, noticed - k->at);
    ck_assert_msg(returned - k->at < 8.0, "%s returned %.2f s after the cancel", what, returned - k->at);
    ck_assert_ptr_null(podc_error_detail(err, "not_removed"));
}

START_TEST(start_cancelled_in_its_health_wait)
{
    podc_client *c = itest_client();
    char *name = itest_name("cancel-health"), *net = itest_name("cancel-net");
    podc_service_spec *s = sleeper_spec(name, net); /* a network the start creates: removed too */
    podc_service_spec_add_check_log(s, "^never-printed$", 1, NULL);
    canceller k = { .c = c, .delay_ms = 500, .when = ": started" };
    podc_service_spec_set_progress(s, on_line, &k, NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    int rc = podc_service_start(c, s, &svc, &err);
    double returned = now_s();
    disarm(&k);
    expect_prompt_cancel(rc, err, &k, returned, "start in its health wait");
    ck_assert_ptr_null(svc);
    ck_assert_uint_eq(session_leftovers(c), 0);
    ck_assert_int_eq(podc_ping(c, NULL), 0); /* the cancel ended with the call */
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(net);
    podc_client_free(c);
}
END_TEST

START_TEST(start_cancelled_waiting_for_a_dependency)
{
    podc_client *c = itest_client();
    char *name = itest_name("cancel-dep"), *dep = itest_name("cancel-never");
    podc_service_spec *s = sleeper_spec(name, NULL);
    podc_service_spec_add_depends_on(s, dep, NULL); /* never appears */
    canceller k = { .c = c, .delay_ms = 700 };
    arm(&k);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    int rc = podc_service_start(c, s, &svc, &err);
    double returned = now_s();
    disarm(&k);
    expect_prompt_cancel(rc, err, &k, returned, "start waiting for a dependency");
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "waiting for dependency"));
    ck_assert_uint_eq(session_leftovers(c), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(dep);
    podc_client_free(c);
}
END_TEST

START_TEST(exec_cancelled_while_it_runs)
{
    podc_client *c = itest_client();
    char *name = itest_name("cancel-exec");
    podc_service_spec *s = sleeper_spec(name, NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_service_start(c, s, &svc, &err), &err);
    const char *argv[] = { "/bin/busybox", "sleep", "30", NULL };
    canceller k = { .c = c, .delay_ms = 500 };
    arm(&k);
    podc_exec_result *r = NULL;
    int rc = podc_exec_run(c, name, argv, NULL, &r, &err);
    double returned = now_s();
    disarm(&k);
    expect_prompt_cancel(rc, err, &k, returned, "exec");
    podc_error_free(err);
    err = NULL;
    ck_assert_ok(podc_service_stop(c, svc, 0, &err), &err);
    podc_service_free(svc);
    podc_service_spec_free(s);
    free(name);
    podc_client_free(c);
}
END_TEST

/* The stack cancelled at each of its phases: the up returns promptly and leaves nothing. */
static const char *const ds_phases[] = { "network created", "starting postgres", "postgres listening",
                                         "migrations applied" };

START_TEST(ds_up_cancelled_at_each_phase)
{
    podc_client *c = itest_client();
    char suffix[32];
    snprintf(suffix, sizeof suffix, "dscancel%d", _i);
    char *svc = itest_name(suffix);
    podc_ds_config *cfg = itest_ds_config(svc, SESSION);
    canceller k = { .c = c, .delay_ms = 50, .when = ds_phases[_i] };
    podc_ds_config_set_progress(cfg, on_line, &k, NULL);
    podc_ds_stack *st = NULL;
    podc_error *err = NULL;
    int rc = podc_ds_up(c, cfg, &st, &err);
    double returned = now_s();
    disarm(&k);
    char what[96];
    snprintf(what, sizeof what, "ds up after \"%s\"", ds_phases[_i]);
    expect_prompt_cancel(rc, err, &k, returned, what);
    ck_assert_ptr_null(st);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_error_free(err);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

/* A stack cancelled while one member is in its health wait, a job waits for it and an
 * independent member runs: noticed at once, everything removed. */
START_TEST(stack_up_cancelled_while_members_wait)
{
    podc_client *c = itest_client();
    char *name = itest_name("stkcancel");
    podc_stack_spec *s = podc_stack_spec_new(name);
    podc_service_spec *slow = sleeper_spec("", NULL), *other = sleeper_spec("", NULL), *job = sleeper_spec("", NULL);
    podc_service_spec_add_check_log(slow, "^never-printed$", 1, NULL);
    podc_stack_spec_add_member(s, "slow", PODC_STACK_SERVICE, slow, NULL);
    podc_stack_spec_add_member(s, "other", PODC_STACK_SERVICE, other, NULL);
    podc_stack_spec_add_member(s, "job", PODC_STACK_JOB, job, NULL);
    podc_stack_spec_add_dependency(s, "job", "slow", PODC_STACK_HEALTHY, NULL);
    podc_stack_spec_set_session(s, SESSION, NULL);
    canceller k = { .c = c, .delay_ms = 300, .when = "_slow: started" };
    podc_stack_spec_set_progress(s, on_line, &k, NULL);
    podc_stack *st = NULL;
    podc_error *err = NULL;
    int rc = podc_stack_up(c, s, &st, &err);
    double returned = now_s();
    disarm(&k);
    expect_prompt_cancel(rc, err, &k, returned, "stack up with members waiting");
    ck_assert_ptr_null(st);
    ck_assert_uint_eq(session_leftovers(c), 0);
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    podc_error_free(err);
    podc_stack_spec_free(s);
    free(name);
    podc_client_free(c);
}
END_TEST

Suite *cancel_suite(void)
{
    Suite *s = suite_create("cancel");
    TCase *tc = itest_tcase("cancel", 120);
    tcase_add_test(tc, start_cancelled_in_its_health_wait);
    tcase_add_test(tc, start_cancelled_waiting_for_a_dependency);
    tcase_add_test(tc, exec_cancelled_while_it_runs);
    tcase_add_loop_test(tc, ds_up_cancelled_at_each_phase, 0, (int)(sizeof ds_phases / sizeof ds_phases[0]));
    tcase_add_test(tc, stack_up_cancelled_while_members_wait);
    suite_add_tcase(s, tc);
    return s;
}
