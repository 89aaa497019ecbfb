/* cancel.h - how a cancel reaches every part of a call (see cancel.c). Internal. */
#ifndef PODC_TRANSPORT_CANCEL_H
#define PODC_TRANSPORT_CANCEL_H

#include "podc/client.h"

/* A public call that makes several requests (or waits) brackets them: a cancel anywhere in
 * between then fails the request in progress and every later one until the outermost leave.
 * Nestable; c may be NULL. The same as the public podc_client_scope_begin/end. */
void pdc_call_enter(podc_client *c);
void pdc_call_leave(podc_client *c);

/* Cleanup after a failure runs shielded: the cancel stays recorded but this client (and its
 * children) send their requests anyway, so what the call created is still removed. */
void pdc_client_shield_begin(podc_client *c);
void pdc_client_shield_end(podc_client *c);

/* 1 when a request on c must not be sent: c or an ancestor was cancelled and nothing on the
 * way up is shielded. */
int pdc_client_cancelled(const podc_client *c);

/* An internal wake-up of the request or sleep in progress on c (the exit watcher waking the
 * health loop): one-shot, not a cancel of the call. */
void pdc_client_interrupt(podc_client *c);

/* Something that sleeps outside the client's own poll (a condition variable) and must wake
 * when c is cancelled. fn runs on the cancelling thread, under the client's wake lock: it must
 * only lock its own mutex and signal. */
typedef struct pdc_waker {
    void (*fn)(void *ud);
    void *ud;
    struct pdc_waker *next;
} pdc_waker;
void pdc_client_add_waker(podc_client *c, pdc_waker *w);
void pdc_client_remove_waker(podc_client *c, pdc_waker *w);

/* A client for a worker of the call (watcher, side-by-side job): same endpoint and timeouts,
 * cancelled whenever parent is. Free it before the parent. */
int pdc_client_new_child(podc_client **out, podc_client *parent, podc_error **err);

#endif
