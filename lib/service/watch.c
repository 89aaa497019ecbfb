/*
 * watch.c - notices at once when a starting container exits: a thread with its own client
 * inspects the container (every 20-50 ms for a second, then backing off to 250 ms) and, when it
 * has stopped, wakes the health loop and interrupts the health client's call in flight. (Podman 4.3.1's wait, and even its `died`
 * event, answer only after podman's cleanup of the container, 0.15-0.5 s after the exit; the
 * state says so ~30 ms after it.) Its client is a child of the health client: a cancel of the
 * start ends the watch too, and wakes the health loop's sleep through a waker.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error-private.h"
#include "service/service-private.h"
#include "transport/http.h"

#define WATCH_POLL_MIN_MS 20    /* the first second, one watcher in the process ... */
#define WATCH_POLL_MS 50        /* ... and with three or more: they share podman's CPU */
#define WATCH_TIGHT_MS 1000
#define WATCH_POLL_MAX_MS 250   /* after it: an exit is still noticed well within 0.5 s */

static atomic_int watchers_running; /* in this process */

/* The first second's interval: a lone watcher (one service starting) notices an exit ~20 ms
 * sooner at 20 ms; a stack's dozen watchers at that rate would cost podman a core. */
static int64_t tight_interval(void)
{
    int64_t n = atomic_load(&watchers_running), ms = WATCH_POLL_MIN_MS * (n > 1 ? n : 1);
    return ms < WATCH_POLL_MS ? ms : WATCH_POLL_MS;
}

int64_t pdc_svc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when the container has stopped (its exit code in *code), 0 while it runs, or an error:
 * ENOTFOUND (removed), a transport error (the service went away), ECANCELLED (stopped). */
static int stopped(pdc_svc_watch *w, int *code, podc_container_info **final, podc_error **err)
{
    podc_container_info *info = NULL;
    int rc = podc_container_inspect(w->own, w->container, &info, err);
    if (rc == 0) {
        const char *st = podc_container_info_status(info);
        rc = podc_container_info_running(info) != 1 && st &&
             (strcmp(st, "exited") == 0 || strcmp(st, "stopped") == 0 || strcmp(st, "dead") == 0);
        *code = podc_container_info_exit_code(info);
    }
    if (rc == 1) {
        *final = info; /* the exit's error reads the exit code and OOM flag from it */
        return rc;
    }
    podc_container_info_free(info);
    return rc;
}

static void *watch_main(void *arg)
{
    pdc_svc_watch *w = arg;
    int code = 0, rc;
    podc_error *err = NULL;
    /* the sleep is the client's poll: pdc_svc_watch_stop()'s cancel ends it at once. Tight
     * for the first second (a container that exits at once is the common failure), then
     * backing off: every inspect costs podman CPU, and four stacks start a dozen watchers */
    podc_container_info *final = NULL;
    int64_t t0 = pdc_http_now_ms(), interval = tight_interval();
    while ((rc = stopped(w, &code, &final, &err)) == 0 && (rc = pdc_http_sleep(w->own, interval, &err)) == 0) {
        if (pdc_http_now_ms() - t0 <= WATCH_TIGHT_MS)
            interval = tight_interval();
        else if (interval < WATCH_POLL_MAX_MS)
            interval = interval * 3 / 2 < WATCH_POLL_MAX_MS ? interval * 3 / 2 : WATCH_POLL_MAX_MS;
    }
    atomic_fetch_sub(&watchers_running, 1);
    pthread_mutex_lock(&w->mu);
    /* rc < 0: cancelled by pdc_svc_watch_stop(), or the inspect failed: the service went away
     * (its connection dropped) or the container was removed; the health loop ends on it */
    if (rc == 1 && !w->stopping) {
        w->exit_code = code;
        w->final = final;
        final = NULL;
        atomic_store(&w->exited, 1);
        pdc_client_interrupt(w->health);
    } else if (rc < 0 && !w->stopping) {
        w->lost_err = err;
        err = NULL;
        atomic_store(&w->lost, 1);
        pdc_client_interrupt(w->health);
    }
    podc_container_info_free(final);
    podc_error_free(err);
    w->done = 1;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* A cancel of the health client wakes the health loop's sleep. */
static void wake_sleeper(void *ud)
{
    pdc_svc_watch *w = ud;
    pthread_mutex_lock(&w->mu);
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

int pdc_svc_watch_start(pdc_svc_watch *w, podc_client *c, const char *container, podc_error **err)
{
    memset(w, 0, sizeof *w);
    atomic_init(&w->exited, 0);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&w->mu, NULL);
    w->inited = 1;
    w->health = c;
    w->waker = (pdc_waker){ .fn = wake_sleeper, .ud = w };
    pdc_client_add_waker(c, &w->waker);
    if (!(w->container = strdup(container)))
        return pdc_error_oom(err);
    int rc = pdc_client_new_child(&w->own, c, err);
    if (rc < 0)
        return rc;
    pdc_call_enter(w->own); /* one cancel from pdc_svc_watch_stop() ends the wait for good */
    atomic_fetch_add(&watchers_running, 1);
    if ((rc = pthread_create(&w->thread, NULL, watch_main, w)) != 0) {
        atomic_fetch_sub(&watchers_running, 1);
        return pdc_error_set(err, PODC_ENOMEM, "cannot start the watcher thread: %s", strerror(rc));
    }
    w->started = 1;
    return 0;
}

void pdc_svc_watch_sleep(pdc_svc_watch *w, int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&w->mu);
    while (!atomic_load(&w->exited) && !atomic_load(&w->lost) && !pdc_client_cancelled(w->health))
        if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&w->mu);
}

void pdc_svc_watch_stop(pdc_svc_watch *w)
{
    if (!w->inited)
        return;
    if (w->started) {
        pthread_mutex_lock(&w->mu);
        w->stopping = 1;
        pthread_mutex_unlock(&w->mu);
        podc_client_cancel(w->own); /* sticky (the client's scope is open): no need to repeat */
        pthread_join(w->thread, NULL);
        w->started = 0;
    }
    pdc_client_remove_waker(w->health, &w->waker);
    podc_client_free(w->own);
    w->own = NULL;
    podc_error_free(w->lost_err);
    w->lost_err = NULL;
    podc_container_info_free(w->final);
    w->final = NULL;
    free(w->container);
    w->container = NULL;
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    w->inited = 0;
}
