/*
 * cancel.c - a cancel lasts until the public call returns, reaches the call's worker clients
 * and wakes every internal wait.
 *
 * podc_client_cancel() records the cancel and wakes the poll of the request (or sleep) in
 * progress. The record is cleared only when a call begins with no scope open, so between two
 * requests of one multi-request call it is not lost; a worker's client (the exit watcher, a
 * side-by-side job) looks at its ancestors' records too, and is woken through the parent's
 * waker list, as is anything that sleeps on a condition variable. Cleanup runs shielded.
 */
#include "config.h"

#include <stdlib.h>

#include "core/error-private.h"
#include "transport/client-private.h"

void pdc_call_enter(podc_client *c)
{
    if (c && atomic_fetch_add(&c->scope_depth, 1) == 0)
        atomic_store(&c->cancel_requested, 0); /* a cancel of an earlier call ends with it */
}

void pdc_call_leave(podc_client *c)
{
    if (c && atomic_fetch_sub(&c->scope_depth, 1) == 1)
        atomic_store(&c->cancel_requested, 0);
}

void podc_client_scope_begin(podc_client *c)
{
    pdc_call_enter(c);
}

void podc_client_scope_end(podc_client *c)
{
    if (c && atomic_load(&c->scope_depth) > 0)
        pdc_call_leave(c);
}

void pdc_client_shield_begin(podc_client *c)
{
    if (c)
        atomic_fetch_add(&c->shield, 1);
}

void pdc_client_shield_end(podc_client *c)
{
    if (c)
        atomic_fetch_sub(&c->shield, 1);
}

int pdc_client_cancelled(const podc_client *c)
{
    int cancelled = 0;
    for (const podc_client *p = c; p; p = p->parent) {
        if (atomic_load(&p->shield))
            return 0;
        cancelled |= atomic_load(&p->cancel_requested);
    }
    return cancelled;
}

/* Wakes c's poll and everything registered on it, children included (their own wakers). */
static void wake(podc_client *c)
{
    curl_multi_wakeup(c->multi);
    pthread_mutex_lock(&c->wake_mu);
    for (pdc_waker *w = c->wakers; w; w = w->next)
        w->fn(w->ud);
    pthread_mutex_unlock(&c->wake_mu);
}

static void wake_child(void *ud)
{
    wake(ud);
}

void podc_client_cancel(podc_client *c)
{
    if (!c)
        return;
    if (atomic_load(&c->in_call) || atomic_load(&c->scope_depth) > 0) {
        atomic_store(&c->cancel_requested, 1);
        wake(c);
    }
}

void pdc_client_interrupt(podc_client *c)
{
    if (c && atomic_load(&c->in_call)) {
        atomic_store(&c->interrupt_requested, 1);
        curl_multi_wakeup(c->multi);
    }
}

void pdc_client_add_waker(podc_client *c, pdc_waker *w)
{
    pthread_mutex_lock(&c->wake_mu);
    w->next = c->wakers;
    c->wakers = w;
    pthread_mutex_unlock(&c->wake_mu);
}

void pdc_client_remove_waker(podc_client *c, pdc_waker *w)
{
    pthread_mutex_lock(&c->wake_mu);
    for (pdc_waker **pp = &c->wakers; *pp; pp = &(*pp)->next)
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    pthread_mutex_unlock(&c->wake_mu);
}

int pdc_client_new_child(podc_client **out, podc_client *parent, podc_error **err)
{
    podc_client *c = NULL;
    int rc = podc_client_new_like(&c, parent, err);
    if (rc < 0)
        return rc;
    c->parent = parent;
    c->as_child = (pdc_waker){ .fn = wake_child, .ud = c };
    pdc_client_add_waker(parent, &c->as_child);
    *out = c;
    return 0;
}
