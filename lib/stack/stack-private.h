/* stack-private.h - the stack spec, shared by its builder (spec.c), up.c and down.c. */
#ifndef PODC_STACK_PRIVATE_H
#define PODC_STACK_PRIVATE_H

#include <pthread.h>

#include "podc/stack.h"

/* member waits until `on` has reached cond */
typedef struct podc_stack_edge {
    char *member, *on;
    podc_stack_condition cond;
} podc_stack_edge;

typedef struct podc_stack_member {
    char *name;
    podc_stack_member_kind kind;
    podc_service_spec *spec;   /* owned */
} podc_stack_member;

/* The one progress callback every member's lines go through, one at a time. Allocated, so the
 * member specs can point at it whatever happens to the stack spec's own storage. */
typedef struct podc_stack_progress {
    pthread_mutex_t mu;
    podc_service_progress_cb cb;
    void *ud;
    char *stack;               /* for the stack's own lines */
} podc_stack_progress;

struct podc_stack_spec {
    char *name, *network, *session;
    podc_stack_member *members;
    size_t n_members, cap;
    podc_stack_edge *edges;    /* checked by validate (names may come later) */
    size_t n_edges, edges_cap;
    int keep_on_failure;
    podc_stack_progress *progress;
};

/* Index of the member named name, or -1. */
long podc_stack_find(const podc_stack_spec *s, const char *name);
/* Passes one line to the stack's callback (serialised); non-zero = stop. */
int podc_stack_report(podc_stack_progress *p, const char *line);

#endif
