/* Logs against the real service: separation and order, tail, since, follow to exit, cancel. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"

/* stdout and stderr interleaved with pauses (conmon reads the two pipes separately, so
 * back-to-back writes to both could be logged in either order), then a partial line */
#define ORDER_SCRIPT "echo out1; sleep 0.2; echo err1 >&2; sleep 0.2; echo out2; sleep 0.2; printf partial"

START_TEST(stdout_stderr_separated_in_order)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "logs-order", ORDER_SCRIPT);
    ck_assert_int_eq(itest_wait(c, name), 0);
    podc_logs *l = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_logs_get(c, name, NULL, &l, &err), &err);
    ck_assert_str_eq(podc_logs_stdout(l), "out1\nout2\npartial");
    ck_assert_str_eq(podc_logs_stderr(l), "err1\n");
    ck_assert_str_eq(podc_logs_combined(l), "out1\nerr1\nout2\npartial");
    ck_assert_uint_eq(podc_logs_combined_len(l), strlen("out1\nerr1\nout2\npartial"));
    podc_logs_free(l);

    /* one stream only */
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    o.want_stdout = 0;
    ck_assert_ok(podc_logs_get(c, name, &o, &l, &err), &err);
    ck_assert_str_eq(podc_logs_stdout(l), "");
    ck_assert_str_eq(podc_logs_combined(l), "err1\n");
    podc_logs_free(l);

    /* timestamps prefix each record */
    o = (podc_logs_options)PODC_LOGS_OPTIONS_INIT;
    o.timestamps = 1;
    o.want_stderr = 0;
    ck_assert_ok(podc_logs_get(c, name, &o, &l, &err), &err);
    const char *t = podc_logs_stdout(l);
    ck_assert_msg(strncmp(t, "20", 2) == 0 && strstr(t, " out1\n") && strstr(t, " out2\n"), "got %s", t);
    podc_logs_free(l);

    /* since: everything since 1970, nothing from 2099 */
    o = (podc_logs_options)PODC_LOGS_OPTIONS_INIT;
    o.since = 1;
    ck_assert_ok(podc_logs_get(c, name, &o, &l, &err), &err);
    ck_assert_str_eq(podc_logs_stdout(l), "out1\nout2\npartial");
    podc_logs_free(l);
    o.since_text = "2099-01-01T00:00:00Z";
    ck_assert_ok(podc_logs_get(c, name, &o, &l, &err), &err);
    ck_assert_str_eq(podc_logs_combined(l), "");
    podc_logs_free(l);
    o.since_text = "not-a-time";
    ck_assert_int_eq(podc_logs_get(c, name, &o, &l, &err), PODC_EINVAL); /* podman's 400 */
    ck_assert_int_eq(podc_error_http_status(err), 400);
    podc_error_free(err);
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(tail_n)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "logs-tail", "for i in 1 2 3 4 5 6 7 8 9 10; do echo line$i; done; echo oops >&2");
    ck_assert_int_eq(itest_wait(c, name), 0);
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    o.tail = 3;
    podc_logs *l = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_logs_get(c, name, &o, &l, &err), &err);
    ck_assert_str_eq(podc_logs_combined(l), "line9\nline10\noops\n");
    ck_assert_str_eq(podc_logs_stderr(l), "oops\n");
    podc_logs_free(l);
    o.tail = 0;
    ck_assert_ok(podc_logs_get(c, name, &o, &l, &err), &err);
    ck_assert_str_eq(podc_logs_combined(l), "");
    podc_logs_free(l);

    char *text = NULL;
    ck_assert_ok(podc_logs_tail(c, name, 2, &text, &err), &err);
    ck_assert_str_eq(text, "line10\noops\n");
    podc_free(text);
    ck_assert_ok(podc_logs_tail(c, name, 100, &text, &err), &err);
    ck_assert_ptr_nonnull(strstr(text, "line1\nline2\n"));
    podc_free(text);
    itest_remove(c, name);
    free(name);

    /* a NUL in the output does not cut the tail short (a fuzz finding): it becomes U+FFFD */
    name = itest_run(c, "logs-nul", "printf 'before\\000after\\nlast\\n'");
    ck_assert_int_eq(itest_wait(c, name), 0);
    ck_assert_ok(podc_logs_tail(c, name, 5, &text, &err), &err);
    ck_assert_str_eq(text, "before\xEF\xBF\xBD" "after\nlast\n");
    podc_free(text);
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(missing_container_not_found)
{
    podc_client *c = itest_client();
    char *name = itest_name("logs-nope");
    podc_logs *l = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_logs_get(c, name, NULL, &l, &err), PODC_ENOTFOUND);
    ck_assert_ptr_null(l);
    ck_assert_str_eq(podc_error_container(err), name);
    ck_assert_int_eq(podc_error_http_status(err), 404);
    char *text = NULL;
    ck_assert_int_eq(podc_logs_tail(c, name, 5, &text, &err), PODC_ENOTFOUND);
    ck_assert_ptr_null(text);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

typedef struct follow_rec {
    itest_text text;
    int n;
    int64_t first_ms, last_ms;
    int stop_after;
    /* a readiness marker for a canceller: signalled when the follow has delivered `ready_at` pieces */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int ready_at;
} follow_rec;

static int on_follow(int stream, const char *data, size_t len, void *ud)
{
    follow_rec *r = ud;
    int64_t now = itest_now_ms();
    if (!r->n)
        r->first_ms = now;
    r->last_ms = now;
    itest_text_append(&r->text, data, len);
    pthread_mutex_lock(&r->mu);
    int n = ++r->n;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return n == r->stop_after;
}

START_TEST(follow_until_container_exits)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "logs-follow", "for i in 1 2 3 4 5 6; do echo tick$i; sleep 0.2; done; echo bye >&2");
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    o.follow = 1;
    follow_rec r = { .text = ITEST_TEXT_INIT, .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
    podc_error *err = NULL;
    int64_t t0 = itest_now_ms();
    ck_assert_ok(podc_logs_stream(c, name, &o, on_follow, &r, &err), &err);
    int64_t took = itest_now_ms() - t0;
    ck_assert_str_eq(r.text.data, "tick1\ntick2\ntick3\ntick4\ntick5\ntick6\nbye\n");
    ck_assert_int_eq(r.n, 7); /* one call per record */
    /* the records came as they were written, not all at the end */
    ck_assert_msg(r.last_ms - r.first_ms >= 500, "records spread over %lld ms", (long long)(r.last_ms - r.first_ms));
    ck_assert_msg(took < 15000, "follow took %lld ms", (long long)took);
    itest_text_free(&r.text);
    /* the connection is fine afterwards */
    ck_assert_ok(podc_ping(c, &err), &err);
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

typedef struct canceller {
    podc_client *c;
    follow_rec *r;
    int64_t cancelled_ms;
} canceller;

/* Cancels the follow once it has delivered r->ready_at pieces (no guessing with a sleep). */
static void *cancel_when_ready(void *arg)
{
    canceller *k = arg;
    pthread_mutex_lock(&k->r->mu);
    while (k->r->n < k->r->ready_at)
        pthread_cond_wait(&k->r->cv, &k->r->mu);
    pthread_mutex_unlock(&k->r->mu);
    k->cancelled_ms = itest_now_ms();
    podc_client_cancel(k->c);
    return NULL;
}

START_TEST(follow_cancelled_from_another_thread)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "logs-cancel", "while true; do echo tick; sleep 0.2; done");
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    o.follow = 1;
    follow_rec r = { .text = ITEST_TEXT_INIT, .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
    podc_error *err = NULL;
    r.ready_at = 2; /* the follow runs: two ticks arrived */
    canceller k = { .c = c, .r = &r };
    pthread_t th;
    pthread_create(&th, NULL, cancel_when_ready, &k);
    int rc = podc_logs_stream(c, name, &o, on_follow, &r, &err);
    int64_t returned = itest_now_ms();
    pthread_join(th, NULL);
    ck_assert_int_eq(rc, PODC_ECANCELLED);
    ck_assert_int_eq(podc_error_code(err), PODC_ECANCELLED);
    ck_assert_msg(returned - k.cancelled_ms < 1000, "returned %lld ms after the cancel",
                  (long long)(returned - k.cancelled_ms));
    ck_assert_int_ge(r.n, 2);
    ck_assert_ptr_nonnull(strstr(r.text.data, "tick\n"));
    itest_text_free(&r.text);

    /* the callback can stop it too */
    follow_rec r2 = { .text = ITEST_TEXT_INIT, .stop_after = 3, .mu = PTHREAD_MUTEX_INITIALIZER,
                      .cv = PTHREAD_COND_INITIALIZER };
    o.tail = 0;
    ck_assert_int_eq(podc_logs_stream(c, name, &o, on_follow, &r2, &err), PODC_ECANCELLED);
    ck_assert_int_eq(r2.n, 3);
    itest_text_free(&r2.text);
    podc_error_free(err);
    err = NULL;
    ck_assert_ok(podc_ping(c, &err), &err); /* the client works after a cancel */
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

Suite *logs_suite(void)
{
    Suite *s = suite_create("logs");
    TCase *t = itest_tcase("logs", 90);
    tcase_add_test(t, stdout_stderr_separated_in_order);
    tcase_add_test(t, tail_n);
    tcase_add_test(t, missing_container_not_found);
    tcase_add_test(t, follow_until_container_exits);
    tcase_add_test(t, follow_cancelled_from_another_thread);
    suite_add_tcase(s, t);
    return s;
}
