/* service-private.h - the service spec, handle and the pieces start.c puts together. */
#ifndef PODC_SERVICE_PRIVATE_H
#define PODC_SERVICE_PRIVATE_H

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>

#include "core/strlist.h"
#include "podc/containers.h"
#include "podc/service.h"
#include "transport/cancel.h"

enum podc_svc_check_kind { PODC_SVC_CHECK_HTTP, PODC_SVC_CHECK_TCP, PODC_SVC_CHECK_EXEC, PODC_SVC_CHECK_LOG,
                           PODC_SVC_CHECK_PODMAN };

typedef struct pdc_svc_check {
    int kind;
    int port;              /* HTTP, TCP: container port */
    char *path;            /* HTTP */
    int status;            /* HTTP expected status */
    char *substr;          /* HTTP body / EXEC stdout substring, or NULL */
    int64_t timeout_ms;    /* HTTP, EXEC per try */
    pdc_strv argv;         /* EXEC */
    char *regex;           /* LOG */
    int times;             /* LOG */
    char *shell;           /* PODMAN: NULL = the image's HEALTHCHECK */
} pdc_svc_check;

struct podc_service_spec {
    char *name, *image;
    int has_build, build_always;
    podc_image_pull_options *pull; /* NULL = defaults */
    char *build_ctx, *containerfile;
    pdc_kvlist build_args;
    /* What the service itself works with: the ports it publishes (checks and URLs use them)
     * and its network; name and image above. */
    int *ports;            /* pairs: container, host */
    char **port_ips;       /* per port: the host address it is bound to, or NULL (all) */
    size_t n_ports;
    char *network;
    pdc_strv aliases, depends;
    /* everything else of the container (env, labels, command, mounts, rlimits, ...): the
     * service setters and podc_service_spec_container() write here */
    podc_container_spec *container;
    pdc_kvlist build_labels; /* extra labels on an image it builds (a stack's) */
    pdc_svc_check *checks;
    size_t n_checks;
    int64_t startup_timeout_ms, poll_initial_ms, poll_max_ms;
    int keep_on_failure;
    char *session;
    podc_service_progress_cb progress;
    void *progress_ud;
};

struct podc_service {
    char *name, *id, *network, *ip, *session;
    char *host;            /* where its published ports are reached from here */
    int *ports;            /* pairs: container, host */
    size_t n_ports;
    int64_t startup_ms;
    int prepared;          /* podc_service_prepare() made it; podc_service_start_prepared() not yet run */
    int net_created;       /* prepare created the network (removed again if the start fails) */
    char *built_image;     /* id of the image this start built, or NULL */
};

/* Monotonic clock in ms. */
int64_t pdc_svc_now_ms(void);

/* The session a spec uses. */
const char *pdc_svc_session_of(const podc_service_spec *s);

/* A label on the image a start builds (a stack marks what it built); internal. */
int pdc_svc_spec_add_build_label(podc_service_spec *s, const char *key, const char *value);
/* The id of the image the start that made svc built, or NULL. */
const char *pdc_svc_built_image(const podc_service *svc);

/* The container spec for s (labels included). */
int pdc_svc_container_spec(const podc_service_spec *s, const char *session, podc_container_spec **out,
                           podc_error **err);

/* ---- health (health.c) ---- */

/*
 * Where a log check left off: it reads only records since last_ts (podman's `since`, which
 * returns the records of that second again), skipping the n_at_last records of last_ts it has
 * already counted.
 */
typedef struct pdc_svc_logpos {
    char last_ts[64];      /* timestamp of the last record counted ("" = none yet) */
    int n_at_last;         /* records with that timestamp already counted */
    int skip;              /* during a read: records of last_ts still to skip */
    int matches;           /* matching lines so far */
} pdc_svc_logpos;

/* Feeds one record as podman sends it with timestamps ("<RFC3339> text"); counts matching
 * lines in pos->matches. Call with pos->skip = pos->n_at_last before each read. */
void pdc_svc_logpos_feed(pdc_svc_logpos *pos, const regex_t *re, const char *rec, size_t len);

typedef struct pdc_svc_health {
    const podc_service_spec *spec;
    const char *container;             /* id */
    const podc_container_info *info;   /* for host ports */
    const char *address;               /* where published ports are reached (podc_client_host) */
    unsigned char *passed;             /* per check */
    pdc_svc_logpos *logpos;            /* per check: where the log checks left off */
    const atomic_int *abort_flag;      /* set when the container exited: stop early */
    const podc_client *cancel_of;      /* the start's client: its cancel stops a probe too */
} pdc_svc_health;

/*
 * Runs the checks that have not passed yet, in order, stopping at the first that fails.
 * Returns 1 when all have passed, 0 when one failed (*reason = new text), PODC_EINVAL when a
 * check can never pass (*reason says why), or PODC_ENOMEM.
 */
int pdc_svc_health_try(podc_client *c, pdc_svc_health *h, char **reason);

/* ---- watcher (watch.c) ---- */

typedef struct pdc_svc_watch {
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* CLOCK_MONOTONIC */
    pthread_t thread;
    int inited, started;
    podc_client *own;           /* the watcher's client */
    podc_client *health;        /* interrupted when the container exits */
    pdc_waker waker;            /* on health: its cancel wakes pdc_svc_watch_sleep() */
    char *container;
    atomic_int exited;          /* the container stopped: exit_code and final are valid */
    int exit_code;
    podc_container_info *final; /* the inspect that saw it stopped (owned; NULL if none) */
    int done;                   /* the thread is about to return */
    int stopping;               /* the health loop is over: don't cancel its client any more */
    atomic_int lost;            /* the wait failed (service gone, container removed): lost_err says why */
    podc_error *lost_err;
} pdc_svc_watch;

/* Creates the watcher client on c's socket and starts waiting for the container to stop. */
int pdc_svc_watch_start(pdc_svc_watch *w, podc_client *c, const char *container, podc_error **err);
/* Sleeps up to ms, or less when the container exits or the wait fails (never returns at once
 * for nothing: the health loop must not spin). */
void pdc_svc_watch_sleep(pdc_svc_watch *w, int64_t ms);
/* Ends the wait and joins the thread; frees everything. Safe on a watcher that never started. */
void pdc_svc_watch_stop(pdc_svc_watch *w);

/* Force-removes the containers names[0..n) side by side, each on a child client of like (a
 * missing one is fine); failed[i] (may be NULL) says which could not be removed. Returns the
 * first failure. (cleanup.c) */
int pdc_svc_remove_containers(podc_client *like, const char *const *names, size_t n, unsigned char *failed,
                              podc_error **err);

/* ---- dependencies: services this process is still starting (start.c) ---- */
/* keyed by the client's service (its URI) and the container name; has: 1, 0 or PODC_ENOMEM */
int pdc_svc_registry_add(const podc_client *c, const char *name);
void pdc_svc_registry_remove(const podc_client *c, const char *name);
int pdc_svc_registry_has(const podc_client *c, const char *name);

#endif
