/* Cancellation against tests/fake/fake_server: a cancel lasts for the call's scope, reaches its
 * worker clients, wakes sleeps and wakers, is held off by cleanup's shield, and an internal
 * interrupt is one-shot. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../fake/fake_server.h"
#include "core/error-private.h"
#include "podc.h"
#include "suites.h"
#include "transport/http.h"

static const char PING_OK[] =
    "HTTP/1.1 200 OK\r\nLibpod-Api-Version: 4.3.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK";

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static podc_client *client_for(fake_server *s)
{
    char uri[256];
    snprintf(uri, sizeof uri, "unix://%s", fake_server_path(s));
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    o.timeout_ms = 30000;
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_msg(podc_client_new(&c, &o, &err) == 0, "client: %s", podc_error_message(err));
    return c;
}

typedef struct later {
    podc_client *c;
    int ms;
    int interrupt; /* pdc_client_interrupt instead of podc_client_cancel */
} later;

static void *act_later(void *arg)
{
    later *l = arg;
    usleep((useconds_t)l->ms * 1000);
    if (l->interrupt)
        pdc_client_interrupt(l->c);
    else
        podc_client_cancel(l->c);
    return NULL;
}

START_TEST(cancel_lasts_until_the_scope_ends)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    podc_error *err = NULL;
    podc_client_scope_begin(c);
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    int sent = fake_server_requests(s);
    podc_client_cancel(c); /* between two requests: not lost */
    ck_assert_int_eq(podc_ping(c, &err), PODC_ECANCELLED);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "cancelled"));
    podc_error_free(err);
    err = NULL;
    ck_assert_int_eq(podc_ping(c, NULL), PODC_ECANCELLED);
    ck_assert_int_eq(fake_server_requests(s), sent); /* nothing sent once cancelled */
    podc_client_scope_end(c);
    ck_assert_int_eq(podc_ping(c, NULL), 0); /* the next call is a new call */
    podc_client_scope_end(c);                /* an end without a begin does nothing */
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(cancel_without_a_call_is_void)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    podc_client_cancel(c);
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    /* a cancel from a finished scope does not leak into the next call */
    podc_client_scope_begin(c);
    podc_client_cancel(c);
    podc_client_scope_end(c);
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(cancel_before_the_first_request_of_a_scope)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    podc_client_scope_begin(c);
    podc_client_scope_begin(c); /* nested */
    podc_client_cancel(c);
    podc_client_scope_end(c);
    ck_assert_int_eq(podc_ping(c, NULL), PODC_ECANCELLED); /* the outer scope still holds it */
    podc_client_scope_end(c);
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

typedef struct child_call {
    podc_client *child;
    int rc;
    int64_t took;
} child_call;

static void *child_ping(void *arg)
{
    child_call *cc = arg;
    int64_t t0 = now_ms();
    cc->rc = podc_ping(cc->child, NULL);
    cc->took = now_ms() - t0;
    return NULL;
}

START_TEST(cancel_reaches_worker_clients)
{
    fake_response r = { .never_answer = 1, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    podc_client_scope_begin(c);
    child_call cc = { 0 };
    podc_error *err = NULL;
    ck_assert_int_eq(pdc_client_new_child(&cc.child, c, &err), 0);
    pthread_t th;
    pthread_create(&th, NULL, child_ping, &cc);
    ck_assert(fake_server_wait_requests(s, 1, 5000));
    podc_client_cancel(c); /* the parent has no request of its own in flight */
    pthread_join(th, NULL);
    ck_assert_int_eq(cc.rc, PODC_ECANCELLED);
    ck_assert_msg(cc.took < 1500, "the child's call ended after %lld ms", (long long)cc.took);
    /* and the child's next call is cancelled too while the parent's scope lasts */
    ck_assert_int_eq(podc_ping(cc.child, NULL), PODC_ECANCELLED);
    podc_client_free(cc.child);
    podc_client_scope_end(c);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(cancel_wakes_a_sleep)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    later l = { .c = c, .ms = 200 };
    pthread_t th;
    pthread_create(&th, NULL, act_later, &l);
    podc_error *err = NULL;
    int64_t t0 = now_ms();
    ck_assert_int_eq(pdc_http_sleep(c, 10000, &err), PODC_ECANCELLED);
    int64_t took = now_ms() - t0;
    pthread_join(th, NULL);
    ck_assert_msg(took >= 150 && took < 1000, "sleep ended after %lld ms", (long long)took);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

static void count_wake(void *ud)
{
    __atomic_add_fetch((int *)ud, 1, __ATOMIC_SEQ_CST);
}

START_TEST(cancel_calls_the_wakers_and_the_shield_holds_it_off)
{
    fake_response r = { .raw = PING_OK, .drop_after = -1 };
    fake_server *s = fake_server_start(&r, 1);
    podc_client *c = client_for(s);
    int woken = 0;
    pdc_waker w = { .fn = count_wake, .ud = &woken };
    podc_client_scope_begin(c);
    pdc_client_add_waker(c, &w);
    podc_client_cancel(c);
    ck_assert_int_eq(woken, 1);
    pdc_client_remove_waker(c, &w);
    podc_client_cancel(c);
    ck_assert_int_eq(woken, 1); /* removed: not called again */
    ck_assert(pdc_client_cancelled(c));
    /* cleanup after the cancel: its requests go out, and a child made for it too */
    pdc_client_shield_begin(c);
    ck_assert_int_eq(podc_ping(c, NULL), 0);
    podc_client *child = NULL;
    ck_assert_int_eq(pdc_client_new_child(&child, c, NULL), 0);
    ck_assert_int_eq(podc_ping(child, NULL), 0);
    pdc_client_shield_end(c);
    ck_assert_int_eq(podc_ping(child, NULL), PODC_ECANCELLED);
    ck_assert_int_eq(podc_ping(c, NULL), PODC_ECANCELLED);
    podc_client_free(child);
    podc_client_scope_end(c);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

START_TEST(interrupt_is_one_shot)
{
    fake_response script[] = { { .never_answer = 1, .drop_after = -1 }, { .raw = PING_OK, .drop_after = -1 } };
    fake_server *s = fake_server_start(script, 2);
    podc_client *c = client_for(s);
    podc_client_scope_begin(c);
    later l = { .c = c, .ms = 200, .interrupt = 1 };
    pthread_t th;
    pthread_create(&th, NULL, act_later, &l);
    ck_assert_int_eq(podc_ping(c, NULL), PODC_ECANCELLED);
    pthread_join(th, NULL);
    ck_assert(!pdc_client_cancelled(c));
    ck_assert_int_eq(podc_ping(c, NULL), 0); /* not a cancel of the call: the next request goes */
    podc_client_scope_end(c);
    podc_client_free(c);
    fake_server_stop(s);
}
END_TEST

Suite *cancel_suite(void)
{
    Suite *s = suite_create("cancel");
    TCase *tc = tcase_create("fake-server");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, cancel_lasts_until_the_scope_ends);
    tcase_add_test(tc, cancel_without_a_call_is_void);
    tcase_add_test(tc, cancel_before_the_first_request_of_a_scope);
    tcase_add_test(tc, cancel_reaches_worker_clients);
    tcase_add_test(tc, cancel_wakes_a_sleep);
    tcase_add_test(tc, cancel_calls_the_wakers_and_the_shield_holds_it_off);
    tcase_add_test(tc, interrupt_is_one_shot);
    suite_add_tcase(s, tc);
    return s;
}
