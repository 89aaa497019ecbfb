/* stack-private.h - the stack spec, shared by its builder (spec.c), up.c and down.c. */
#ifndef PODC_STACK_PRIVATE_H
#define PODC_STACK_PRIVATE_H

#include <pthread.h>

#include "podc/stack.h"

/* member waits until `on` has reached cond: to start, or (prepare_gate) to be prepared at all */
typedef struct pdc_stack_edge {
    char *member, *on;
    podc_stack_condition cond;
    int prepare_gate;
} pdc_stack_edge;

/* Internal: a member that is a function instead of a container (a job of the stack that runs
 * here: the DataStorage bootstrap's readiness checks and migrations). run is called on the
 * member's thread, with its own client, once the dependencies are met. */
typedef struct pdc_stack_task {
    int (*run)(podc_client *c, void *ud, podc_error **err);
    void *ud;
} pdc_stack_task;

/* Internal: called on the member's thread right after its container is prepared (a file to
 * copy in before the process starts). */
typedef int (*pdc_stack_prepared_fn)(podc_client *c, const podc_service *svc, void *ud, podc_error **err);

typedef struct pdc_stack_member {
    char *name;
    podc_stack_member_kind kind;
    podc_service_spec *spec;   /* owned; NULL for a task */
    pdc_stack_task task;       /* a task: kind job, no container */
    pdc_stack_prepared_fn prepared;
    void *prepared_ud;
} pdc_stack_member;

/* The one progress callback every member's lines go through, one at a time. Allocated, so the
 * member specs can point at it whatever happens to the stack spec's own storage. */
typedef struct pdc_stack_progress {
    pthread_mutex_t mu;
    podc_service_progress_cb cb;
    void *ud;
    char *stack;               /* for the stack's own lines */
} pdc_stack_progress;

struct podc_stack_spec {
    char *name, *network, *session;
    pdc_stack_member *members;
    size_t n_members, cap;
    pdc_stack_edge *edges;    /* checked by validate (names may come later) */
    size_t n_edges, edges_cap;
    int keep_on_failure;
    int embedded;              /* see pdc_stack_spec_set_embedded() */
    pdc_stack_progress *progress;
};

/* Internal, for a bootstrap built on the engine (lib/datastorage). */
/* Adds a task member (kind job: dependents wait for it to complete). */
int pdc_stack_spec_add_task(podc_stack_spec *s, const char *member, const pdc_stack_task *task);
/* member is not even prepared until `on` has reached cond (it would slow `on`'s own start:
 * podman and the CPU are shared). Also a dependency. */
int pdc_stack_spec_add_prepare_gate(podc_stack_spec *s, const char *member, const char *on,
                                    podc_stack_condition cond);
/* Internal condition: the member is prepared (its prepared hook done). */
#define PODC_STACK_PREPARED ((podc_stack_condition)3)
/* podc_stack_spec_add_dependency() that also takes PODC_STACK_PREPARED. */
int pdc_stack_spec_add_internal_dependency(podc_stack_spec *s, const char *member, const char *on,
                                           podc_stack_condition cond);
/* fn runs right after member's container is prepared. */
int pdc_stack_spec_set_prepared_hook(podc_stack_spec *s, const char *member, pdc_stack_prepared_fn fn, void *ud);
/* The caller owns the stack's setting: it removed a stale one and made the network, it removes
 * what a failed up made and words the errors (no "stack X: member Y" prefix; the "member" and
 * "waiting" details stay); the engine prints no lines of its own. */
void pdc_stack_spec_set_embedded(podc_stack_spec *s);

/* Index of the member named name, or -1. */
long pdc_stack_find(const podc_stack_spec *s, const char *name);
/* Passes one line to the stack's callback (serialised); non-zero = stop. */
int pdc_stack_report(pdc_stack_progress *p, const char *line);

#endif
