/* Events against the real service: a labelled container's start and died (with its exit
 * code) on a filtered live stream stopped by the callback, replay, cancel, bad filters. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"

typedef struct watch {
    podc_client *c;
    const char *name;
    const char *label;
    itest_text actions;     /* "create start died ..." */
    char exit_code[16];
    char actor_id[80];
    int64_t time_ns;
    int saw_label;
    int stop_on_died;
    int died; /* set (atomically) once exit_code is written: the test thread polls it */
    int rc;
    podc_error *err;
    podc_events_options opts;
} watch;

static int on_event(const podc_event *e, void *ud)
{
    watch *w = ud;
    ck_assert_str_eq(podc_event_type(e), "container");
    const char *n = podc_event_name(e);
    if (!n || strcmp(n, w->name) != 0)
        return 0; /* the label filter should make this impossible; be tolerant anyway */
    itest_text_printf(&w->actions, "%s ", podc_event_action(e));
    const char *label = podc_event_attribute(e, "podc.test.ev");
    w->saw_label |= label && strcmp(label, w->label) == 0;
    if (podc_event_actor_id(e))
        snprintf(w->actor_id, sizeof w->actor_id, "%s", podc_event_actor_id(e));
    w->time_ns = podc_event_time_ns(e);
    if (strcmp(podc_event_action(e), "died") == 0) {
        const char *code = podc_event_attribute(e, "containerExitCode");
        snprintf(w->exit_code, sizeof w->exit_code, "%s", code ? code : "?");
        __atomic_store_n(&w->died, 1, __ATOMIC_RELEASE);
        return w->stop_on_died;
    }
    return 0;
}

static void *stream_thread(void *arg)
{
    watch *w = arg;
    w->rc = podc_events_stream(w->c, &w->opts, on_event, w, &w->err);
    return NULL;
}

static void *cancel_later(void *arg)
{
    usleep(800 * 1000);
    podc_client_cancel(arg);
    return NULL;
}

START_TEST(start_and_died_on_filtered_stream)
{
    podc_client *c = itest_client();
    char *label = itest_name("ev");
    char *name = itest_create(c, "ev", "sleep 0.3; exit 3", "podc.test.ev", label);
    char label_filter[128];
    snprintf(label_filter, sizeof label_filter, "podc.test.ev=%s", label);
    char since[32]; /* a little in the past: events of the create before the stream began are replayed */
    snprintf(since, sizeof since, "%lld", (long long)time(NULL) - 5);

    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "type", "container", NULL);
    podc_filters_add(f, "container", name, NULL);
    podc_filters_add(f, "label", label_filter, NULL);
    watch w = { .name = name, .label = label, .stop_on_died = 1 };
    podc_client *sc = itest_client(); /* the stream blocks its client: one of its own */
    w.c = sc;
    podc_events_options_init(&w.opts, PODC_EVENTS_OPTIONS_VERSION);
    w.opts.filters = f;
    w.opts.since = since;
    pthread_t th;
    pthread_create(&th, NULL, stream_thread, &w);
    usleep(200 * 1000);
    itest_start(c, name);
    ck_assert_int_eq(itest_wait(c, name), 3);

    /* the callback stops the stream at `died`; a watchdog cancels if it never comes */
    int64_t t0 = itest_now_ms();
    while (itest_now_ms() - t0 < 20000) {
        if (__atomic_load_n(&w.died, __ATOMIC_ACQUIRE))
            break;
        usleep(50 * 1000);
    }
    if (!__atomic_load_n(&w.died, __ATOMIC_ACQUIRE))
        podc_client_cancel(sc);
    pthread_join(th, NULL);
    ck_assert_msg(w.rc == PODC_ECANCELLED, "stream returned %d: %s", w.rc, podc_error_message(w.err));
    ck_assert_ptr_nonnull(strstr(podc_error_message(w.err), "callback"));
    ck_assert_msg(strstr(w.actions.data, "create ") && strstr(w.actions.data, "start ") &&
                      strstr(w.actions.data, "died "),
                  "actions: %s", w.actions.data);
    ck_assert_str_eq(w.exit_code, "3");
    ck_assert_int_eq(w.saw_label, 1);
    ck_assert_uint_eq(strlen(w.actor_id), 64);
    ck_assert_int_gt(w.time_ns, (int64_t)1600000000 * 1000000000);
    podc_error_free(w.err);
    itest_text_free(&w.actions);

    /* replay (stream=false&since=): returns by itself once the past is delivered */
    watch r = { .c = c, .name = name, .label = label };
    podc_events_options_init(&r.opts, PODC_EVENTS_OPTIONS_VERSION);
    r.opts.filters = f;
    r.opts.since = "2m";
    r.opts.follow = 0;
    podc_error *err = NULL;
    ck_assert_ok(podc_events_stream(c, &r.opts, on_event, &r, &err), &err);
    ck_assert_msg(strstr(r.actions.data, "start ") && strstr(r.actions.data, "died "), "replay: %s", r.actions.data);
    ck_assert_str_eq(r.exit_code, "3");
    itest_text_free(&r.actions);

    podc_filters_free(f);
    itest_remove(c, name);
    free(name);
    free(label);
    podc_client_free(sc);
    podc_client_free(c);
}
END_TEST

static int count_event(const podc_event *e, void *ud)
{
    (*(int *)ud)++;
    return 0;
}

START_TEST(cancel_from_another_thread)
{
    podc_client *c = itest_client();
    podc_filters *f = podc_filters_new();
    char *nobody = itest_name("ev-nobody");
    podc_filters_add(f, "container", nobody, NULL); /* a quiet stream */
    podc_events_options o = PODC_EVENTS_OPTIONS_INIT;
    o.filters = f;
    int n = 0;
    podc_error *err = NULL;
    pthread_t th;
    pthread_create(&th, NULL, cancel_later, c);
    int64_t t0 = itest_now_ms();
    ck_assert_int_eq(podc_events_stream(c, &o, count_event, &n, &err), PODC_ECANCELLED);
    int64_t took = itest_now_ms() - t0;
    pthread_join(th, NULL);
    ck_assert_msg(took >= 700 && took < 3000, "cancel took %lld ms", (long long)took);
    ck_assert_int_eq(n, 0);
    podc_error_free(err);
    err = NULL;
    ck_assert_ok(podc_ping(c, &err), &err);
    podc_filters_free(f);
    free(nobody);
    podc_client_free(c);
}
END_TEST

START_TEST(bad_filter_inside_200_is_an_error)
{
    podc_client *c = itest_client();
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "bogus", "x", NULL);
    podc_events_options o = PODC_EVENTS_OPTIONS_INIT;
    o.filters = f;
    int n = 0;
    podc_error *err = NULL;
    /* live stream: must not hang waiting for events */
    int rc = podc_events_stream(c, &o, count_event, &n, &err);
    ck_assert_msg(rc < 0 && rc != PODC_ECANCELLED, "rc %d", rc);
    ck_assert_int_eq(rc, podc_error_code(err));
    ck_assert_str_eq(podc_error_cause(err), "bogus is an invalid filter");
    ck_assert_int_eq(podc_error_http_status(err), 500);
    ck_assert_int_eq(n, 0);
    /* replay, and a bad since */
    o.follow = 0;
    ck_assert_int_eq(podc_events_stream(c, &o, count_event, &n, &err), rc);
    o.filters = NULL;
    o.since = "bogus-time";
    rc = podc_events_stream(c, &o, count_event, &n, &err);
    ck_assert_msg(rc < 0 && rc != PODC_ECANCELLED, "rc %d", rc);
    ck_assert_str_eq(podc_error_cause(err), "unable to interpret time value");
    podc_error_free(err);
    podc_filters_free(f);
    podc_client_free(c);
}
END_TEST

Suite *events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *t = itest_tcase("events", 90);
    tcase_add_test(t, start_and_died_on_filtered_stream);
    tcase_add_test(t, cancel_from_another_thread);
    tcase_add_test(t, bad_filter_inside_200_is_an_error);
    suite_add_tcase(s, t);
    return s;
}
