/*
 * podc/stack.h - several services and one-shot jobs brought up as one graph.
 *
 * A stack has a name (the project), a network of its own (created with DNS when missing:
 * members find each other by member name) and members: services (podc/service.h specs:
 * started, then healthy once every health check passes) and jobs (the same specs run to
 * completion: exit code 0 = done, anything else fails the up). A member may depend on
 * others, each with a condition: started, healthy (services), completed successfully (jobs).
 *
 * podc_stack_up():
 *   checks everything first (member specs, names, unknown or duplicate members, cycles):
 *     PODC_EINVAL naming them, nothing sent;
 *   removes the containers of a stale stack of the same name (a crashed run);
 *   makes every image present side by side (pulls, builds), then the network;
 *   runs each member on a thread of its own: a member without dependencies starts at once;
 *     one with dependencies is prepared (create + init: ports, mounts, network) while they
 *     start, and its process is started the moment the last condition is met;
 *   ends at the first failure (a health check, a job's non-zero exit, a member that stops
 *     while others still wait for it): every other member is stopped at once and, unless
 *     keep-on-failure is set, everything the call made is removed (containers, the network if
 *     it made it, images it built); the error names the member (detail "member"), its exit
 *     code and log tail, and the members that were waiting for it (detail "waiting").
 * Progress lines of every member go to one callback, one call at a time.
 *
 * Everything carries the labels podc.stack=<name>, podc.stack.member=<member> and the session
 * labels of podc/service.h, so podc_stack_down() and podc_service_cleanup() find it after a
 * crash too.
 *
 * Thread-safety: a spec is used by one thread at a time; handles are immutable.
 */
#ifndef PODC_STACK_H
#define PODC_STACK_H

#include "client.h"
#include "service.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PODC_STACK_LABEL "podc.stack"
#define PODC_STACK_LABEL_MEMBER "podc.stack.member"
/* on images the stack built: podc_stack_down() removes them unless told to keep them */
#define PODC_STACK_LABEL_BUILT "podc.stack.built"

typedef enum podc_stack_condition {
    PODC_STACK_STARTED = 0,   /* its process runs */
    PODC_STACK_HEALTHY = 1,   /* a service: every health check passed */
    PODC_STACK_COMPLETED = 2, /* a job: it exited with code 0 */
} podc_stack_condition;

typedef enum podc_stack_member_kind {
    PODC_STACK_SERVICE = 0,
    PODC_STACK_JOB = 1,
} podc_stack_member_kind;

/* ======================================================================================
 * Spec
 * Setters return 0, PODC_EINVAL (NULL argument, bad value) or PODC_ENOMEM; the whole spec is
 * checked by podc_stack_spec_validate(), which podc_stack_up() runs before sending anything.
 * ====================================================================================== */

typedef struct podc_stack_spec podc_stack_spec;

/* New stack spec; name is the project ([a-zA-Z0-9][a-zA-Z0-9_.-]*, checked by validate).
 * Default network "<name>_default", default session podc_service_default_session(). */
PODC_EXTERN podc_stack_spec *podc_stack_spec_new(const char *name);
PODC_EXTERN void podc_stack_spec_free(podc_stack_spec *s);

/* The stack's network (created with DNS when missing). Every member joins it, with its
 * member name as DNS alias; a network set on a member spec is replaced. */
PODC_EXTERN int podc_stack_spec_set_network(podc_stack_spec *s, const char *network, podc_error **err);

/*
 * Adds a member named `member` ([a-zA-Z0-9][a-zA-Z0-9_.-]*) of the given kind. The stack
 * takes `spec` (it is freed with the stack spec, also when this call fails). The spec keeps
 * its container name, image, ports, checks and the rest; the stack sets its network, alias,
 * labels, session and progress. A job's startup timeout is the time it may run.
 */
PODC_EXTERN int podc_stack_spec_add_member(podc_stack_spec *s, const char *member, podc_stack_member_kind kind,
                                           podc_service_spec *spec, podc_error **err);
/* member starts once `on` has reached cond (HEALTHY only on a service, COMPLETED only on a
 * job). Both names may be added later: validate checks them. */
PODC_EXTERN int podc_stack_spec_add_dependency(podc_stack_spec *s, const char *member, const char *on,
                                               podc_stack_condition cond, podc_error **err);
/* Keep the members of a failed up for debugging (default 0: remove everything it made). */
PODC_EXTERN int podc_stack_spec_set_keep_on_failure(podc_stack_spec *s, int keep, podc_error **err);
/* Session label for everything ([a-zA-Z0-9_.-]+; NULL = podc_service_default_session()). */
PODC_EXTERN int podc_stack_spec_set_session(podc_stack_spec *s, const char *session, podc_error **err);
/* One callback for every member's progress lines, called one at a time (NULL = none). A
 * non-zero return cancels the up (PODC_ECANCELLED, everything removed). */
PODC_EXTERN int podc_stack_spec_set_progress(podc_stack_spec *s, podc_service_progress_cb cb, void *userdata,
                                             podc_error **err);

PODC_EXTERN int podc_stack_spec_validate(const podc_stack_spec *s, podc_error **err);
/* The stack's name, and its network (borrowed). */
PODC_EXTERN const char *podc_stack_spec_name(const podc_stack_spec *s);
PODC_EXTERN const char *podc_stack_spec_network(const podc_stack_spec *s);

/* ======================================================================================
 * Up, the handle, down, status
 * ====================================================================================== */

typedef struct podc_stack podc_stack;

/* As described at the top. *out (new; podc_stack_free()) is written on success only. */
PODC_EXTERN int podc_stack_up(podc_client *c, const podc_stack_spec *spec, podc_stack **out, podc_error **err);

PODC_EXTERN const char *podc_stack_name(const podc_stack *st);
PODC_EXTERN const char *podc_stack_network(const podc_stack *st);
/* Members in the order they were added. */
PODC_EXTERN size_t podc_stack_member_count(const podc_stack *st);
PODC_EXTERN const char *podc_stack_member_name(const podc_stack *st, size_t i);
PODC_EXTERN podc_stack_member_kind podc_stack_member_kind_of(const podc_stack *st, size_t i);
/* A service member's handle (ports, URLs, IP); NULL for a job or an index out of range. */
PODC_EXTERN const podc_service *podc_stack_member_service(const podc_stack *st, size_t i);
/* The same by member name; NULL when there is no such service. */
PODC_EXTERN const podc_service *podc_stack_service(const podc_stack *st, const char *member);
/* The member's container name. */
PODC_EXTERN const char *podc_stack_member_container(const podc_stack *st, size_t i);
/* ms from the up call until the member was healthy (service) or done (job). */
PODC_EXTERN int64_t podc_stack_member_ready_ms(const podc_stack *st, size_t i);
/* Time of the whole up, in ms. */
PODC_EXTERN int64_t podc_stack_up_ms(const podc_stack *st);
PODC_EXTERN void podc_stack_free(podc_stack *st);

/* Flags for podc_stack_down(). */
#define PODC_STACK_DOWN_KEEP_IMAGES 1u /* leave the images the stack built */

/*
 * Takes the stack `name` down, found by its labels (so it works after a crash): its
 * containers side by side (SIGKILL after stop_timeout_ms; < 0 = 2000), then its networks, then
 * the images it built (unless PODC_STACK_DOWN_KEEP_IMAGES). Missing pieces are fine.
 * *n_removed (may be NULL) counts removed objects. Every object is attempted; the first
 * failure is returned.
 */
PODC_EXTERN int podc_stack_down(podc_client *c, const char *name, int64_t stop_timeout_ms, unsigned flags,
                                size_t *n_removed, podc_error **err);

/* What runs of a stack, from its labels. */
typedef struct podc_stack_status podc_stack_status;
PODC_EXTERN int podc_stack_status_get(podc_client *c, const char *name, podc_stack_status **out, podc_error **err);
PODC_EXTERN size_t podc_stack_status_count(const podc_stack_status *s);
/* Per container, sorted by member name; strings borrowed. */
PODC_EXTERN const char *podc_stack_status_member(const podc_stack_status *s, size_t i);
PODC_EXTERN const char *podc_stack_status_container(const podc_stack_status *s, size_t i);
/* podman's state ("running", "exited", "created", ...). */
PODC_EXTERN const char *podc_stack_status_state(const podc_stack_status *s, size_t i);
/* podman's health ("healthy", "starting", ...) or "" without a podman health check. */
PODC_EXTERN const char *podc_stack_status_health(const podc_stack_status *s, size_t i);
/* Exit code once it stopped, else -1. */
PODC_EXTERN int podc_stack_status_exit_code(const podc_stack_status *s, size_t i);
/* Published ports as "host->container/tcp, ..." ("" when none). */
PODC_EXTERN const char *podc_stack_status_ports(const podc_stack_status *s, size_t i);
PODC_EXTERN void podc_stack_status_free(podc_stack_status *s);

#ifdef __cplusplus
}
#endif

#endif
