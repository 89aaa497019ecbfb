/* up.c - a stack's members brought up as one graph: each on a thread of its own, prepared at
 * once, started the moment its dependencies are met; the first failure stops the rest and
 * everything the call made is removed. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error-private.h"
#include "core/parallel.h"
#include "podc/containers.h"
#include "podc/filters.h"
#include "podc/images.h"
#include "podc/logs.h"
#include "podc/networks.h"
#include "service/service-private.h"
#include "stack/stack-private.h"
#include "transport/cancel.h"

#define LOG_TAIL_LINES 50
/* podman's state poll while a job runs: the jobs gate their dependents */
#define JOB_WAIT_INTERVAL_MS 50

/* How far a member got; the order matters (a healthy service has started, so has a job that
 * completed). */
enum { M_PENDING, M_PREPARED, M_STARTED, M_HEALTHY, M_COMPLETED };

typedef struct up_run up_run;

typedef struct member_run {
    up_run *u;
    size_t i;
    podc_client *c;        /* child of the up's client; cancelled when the up ends or fails */
    pthread_t thread;
    int thread_ok;
    int state;             /* M_* (under u->mu) */
    int done;              /* healthy (service) or completed (job), or its thread ended */
    podc_service *svc;     /* after prepare */
    int64_t ready_ms;
} member_run;

struct up_run {
    podc_client *c;
    const podc_stack_spec *s;
    const char *session;
    int64_t t0;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    member_run *m;
    long failed;           /* the member whose failure ended the up, or -1 */
    int rc;                /* its code and error */
    podc_error *err;
    int finished;          /* the up is over: guards and waits end */
    pdc_waker waker;       /* the up's client cancelled: waits wake */
};

struct podc_stack {
    char *name, *network;
    size_t n;
    char **members, **containers;
    podc_stack_member_kind *kinds;
    podc_service **svcs;
    int64_t *ready_ms;
    int64_t up_ms;
};

static int say(up_run *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(up_run *u, const char *fmt, ...)
{
    if (u->s->embedded)
        return 0; /* the caller prints its own lines */
    char msg[512], line[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int64_t el = pdc_svc_now_ms() - u->t0;
    snprintf(line, sizeof line, "[%4lld.%03llds] %s: %s", (long long)(el / 1000), (long long)(el % 1000),
             u->s->name, msg);
    return pdc_stack_report(u->s->progress, line);
}

static void wake(void *ud)
{
    up_run *u = ud;
    pthread_mutex_lock(&u->mu);
    pthread_cond_broadcast(&u->cv);
    pthread_mutex_unlock(&u->mu);
}

static void set_state(member_run *r, int state)
{
    up_run *u = r->u;
    pthread_mutex_lock(&u->mu);
    r->state = state;
    if (state == M_HEALTHY || state == M_COMPLETED) {
        r->done = 1;
        r->ready_ms = pdc_svc_now_ms() - u->t0;
    }
    pthread_cond_broadcast(&u->cv);
    pthread_mutex_unlock(&u->mu);
}

/* Members that wait for member i and have not started: named in its failure. */
static void waiting_for(const up_run *u, size_t i, char *out, size_t outsz)
{
    const podc_stack_spec *s = u->s;
    size_t n = 0;
    out[0] = '\0';
    for (size_t e = 0; e < s->n_edges && n < outsz; e++) {
        long a = pdc_stack_find(s, s->edges[e].member);
        if (strcmp(s->edges[e].on, s->members[i].name) != 0 || a < 0 || u->m[a].state >= M_STARTED ||
            strstr(out, s->edges[e].member))
            continue;
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", n ? ", " : "", s->edges[e].member);
    }
}

/* The first failure ends the up: the other members are cancelled (their own starts clean up,
 * the rollback removes the rest). A later failure is a consequence: dropped. */
static void fail(member_run *r, int rc, podc_error *e)
{
    up_run *u = r->u;
    pthread_mutex_lock(&u->mu);
    int first = u->failed < 0 && !u->finished;
    if (first) {
        u->failed = (long)r->i;
        u->rc = rc;
        const char *member = u->s->members[r->i].name;
        char waiting[400];
        waiting_for(u, r->i, waiting, sizeof waiting);
        if (e) {
            if (!podc_error_detail(e, "member"))
                pdc_error_add_detail(e, "member", member);
            if (waiting[0])
                pdc_error_add_detail(e, "waiting", waiting);
            if (u->s->embedded)
                ; /* the caller words it */
            else if (waiting[0])
                pdc_error_prefix(e, "stack %s: member %s (%s waiting for it)", u->s->name, member, waiting);
            else
                pdc_error_prefix(e, "stack %s: member %s", u->s->name, member);
        }
        u->err = e;
        e = NULL;
    }
    r->done = 1;
    pthread_cond_broadcast(&u->cv);
    pthread_mutex_unlock(&u->mu);
    podc_error_free(e);
    if (first)
        for (size_t j = 0; j < u->s->n_members; j++)
            if (j != r->i)
                podc_client_cancel(u->m[j].c);
}

/* 1 when every dependency of member r (only its prepare gates, with gates_only) has reached
 * its condition; -1 when one never will (the up failed or was cancelled). Under u->mu. */
static int deps_met(member_run *r, int gates_only)
{
    up_run *u = r->u;
    const podc_stack_spec *s = u->s;
    if (u->failed >= 0 || u->finished || pdc_client_cancelled(r->c))
        return -1;
    for (size_t e = 0; e < s->n_edges; e++) {
        if (strcmp(s->edges[e].member, s->members[r->i].name) != 0 || (gates_only && !s->edges[e].prepare_gate))
            continue;
        int st = u->m[pdc_stack_find(s, s->edges[e].on)].state;
        int want = s->edges[e].cond == PODC_STACK_HEALTHY     ? M_HEALTHY
                   : s->edges[e].cond == PODC_STACK_COMPLETED ? M_COMPLETED
                   : s->edges[e].cond == PODC_STACK_PREPARED  ? M_PREPARED
                                                              : M_STARTED;
        if (st < want)
            return 0;
    }
    return 1;
}

static int wait_deps(member_run *r, int gates_only, podc_error **err)
{
    up_run *u = r->u;
    pthread_mutex_lock(&u->mu);
    int met;
    while ((met = deps_met(r, gates_only)) == 0)
        pthread_cond_wait(&u->cv, &u->mu);
    pthread_mutex_unlock(&u->mu);
    return met > 0 ? 0 : pdc_error_set(err, PODC_ECANCELLED, "stopped while waiting for its dependencies");
}

static void attach_logs(podc_client *c, const char *name, const char *id, podc_error *e)
{
    pdc_error_set_container(e, name, id);
    char *tail = NULL;
    if (podc_logs_tail(c, id, LOG_TAIL_LINES, &tail, NULL) == 0)
        pdc_error_set_log_tail(e, tail);
    podc_free(tail);
}

/* A job runs to completion: exit code 0 or the failure with its code and log tail. */
static int run_job(member_run *r, podc_error **err)
{
    const podc_service_spec *sp = r->u->s->members[r->i].spec;
    const char *id = podc_service_id(r->svc);
    int code = -1;
    int rc = podc_container_wait_interval(r->c, id, NULL, 0, sp->startup_timeout_ms, JOB_WAIT_INTERVAL_MS, &code,
                                          err);
    podc_error *e = NULL;
    if (rc == PODC_ETIMEOUT) {
        podc_error_free(*err);
        *err = NULL;
        e = pdc_error_new(PODC_EHEALTH, "job %s did not complete within %lld ms", sp->name,
                          (long long)sp->startup_timeout_ms);
    } else if (rc == 0 && code != 0) {
        e = pdc_error_new(PODC_EHEALTH, "job %s exited with code %d", sp->name, code);
        pdc_error_set_exit_code(e, code);
    } else {
        return rc;
    }
    if (!e)
        return pdc_error_oom(err);
    attach_logs(r->c, sp->name, id, e);
    pdc_error_add_detail(e, "job", r->u->s->members[r->i].name);
    return pdc_error_put(err, e);
}

/* A healthy service keeps being watched while the others start: if it stops, the up fails
 * (whoever waits for it would wait for nothing). Ends when the up does. */
static int guard(member_run *r, podc_error **err)
{
    up_run *u = r->u;
    const podc_service_spec *sp = u->s->members[r->i].spec;
    int code = -1;
    podc_error *e = NULL;
    int rc = podc_container_wait(r->c, podc_service_id(r->svc), NULL, 0, 0, &code, &e);
    pthread_mutex_lock(&u->mu);
    int over = u->finished || u->failed >= 0;
    pthread_mutex_unlock(&u->mu);
    if (over || rc == PODC_ECANCELLED) {
        podc_error_free(e);
        return 0;
    }
    if (rc < 0) {
        if (e)
            pdc_error_prefix(e, "while watching it (healthy) for the members still starting");
        return pdc_error_put(err, e);
    }
    e = pdc_error_new(PODC_EHEALTH, "service %s stopped with code %d after it was healthy", sp->name, code);
    if (!e)
        return pdc_error_oom(err);
    pdc_error_set_exit_code(e, code);
    attach_logs(r->c, sp->name, podc_service_id(r->svc), e);
    return pdc_error_put(err, e);
}

static void *member_thread(void *arg)
{
    member_run *r = arg;
    up_run *u = r->u;
    const pdc_stack_member *m = &u->s->members[r->i];
    podc_error *e = NULL;
    pdc_call_enter(r->c); /* a cancel lasts until the member is done */
    pthread_mutex_lock(&u->mu);
    int over = u->failed >= 0; /* failed before this thread ran: its cancel came too early to stick */
    pthread_mutex_unlock(&u->mu);
    int rc = over ? pdc_error_set(&e, PODC_ECANCELLED, "the stack failed before it started") : wait_deps(r, 1, &e);
    if (rc == 0 && m->spec && (rc = podc_service_prepare(r->c, m->spec, &r->svc, &e)) == 0 && m->prepared)
        rc = m->prepared(r->c, r->svc, m->prepared_ud, &e);
    if (rc == 0) {
        set_state(r, M_PREPARED);
        rc = wait_deps(r, 0, &e);
    }
    if (rc == 0 && m->spec && (rc = podc_container_start(r->c, podc_service_id(r->svc), &e)) < 0 && e)
        pdc_error_set_container(e, m->spec->name, podc_service_id(r->svc));
    if (rc == 0) {
        set_state(r, M_STARTED);
        rc = !m->spec                        ? m->task.run(r->c, m->task.ud, &e)
             : m->kind == PODC_STACK_SERVICE ? podc_service_start_prepared(r->c, m->spec, r->svc, &e)
                                             : run_job(r, &e);
    }
    if (rc == 0) {
        set_state(r, m->kind == PODC_STACK_SERVICE ? M_HEALTHY : M_COMPLETED);
        if (m->kind == PODC_STACK_SERVICE)
            rc = guard(r, &e);
    }
    if (rc < 0) {
        fail(r, rc, e);
    } else {
        podc_error_free(e);
        pthread_mutex_lock(&u->mu);
        r->done = 1;
        pthread_cond_broadcast(&u->cv);
        pthread_mutex_unlock(&u->mu);
    }
    pdc_call_leave(r->c);
    return NULL;
}

/* ---- removing: a stale stack before, what this call made after a failure ---- */

/* Force-removes, side by side, every container labelled podc.stack=<name> (a crashed run's). */
static int remove_stale(podc_client *c, const char *name, podc_error **err)
{
    char label[400];
    snprintf(label, sizeof label, "%s=%s", PODC_STACK_LABEL, name);
    podc_filters *f = podc_filters_new();
    podc_container_list *l = NULL;
    int rc = !f || podc_filters_add(f, "label", label, NULL) < 0 ? pdc_error_oom(err)
                                                           : podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l,
                                                                                     err);
    podc_filters_free(f);
    size_t n = rc == 0 ? podc_container_list_count(l) : 0;
    const char **ids = n ? calloc(n, sizeof *ids) : NULL;
    if (n && !ids)
        rc = pdc_error_oom(err);
    for (size_t i = 0; ids && i < n; i++)
        ids[i] = podc_container_summary_id(podc_container_list_at(l, i));
    if (rc == 0 && n)
        rc = pdc_svc_remove_containers(c, ids, n, NULL, err);
    free(ids);
    podc_container_list_free(l);
    return rc;
}

static void append(char *buf, size_t sz, const char *what)
{
    size_t n = strlen(buf);
    if (n < sz)
        snprintf(buf + n, sz - n, "%s%s", n ? ", " : "", what);
}

/* After a failure: every member's container, the network if this call made it, the images
 * it built. Says what could not be removed. */
static void rollback(up_run *u, int net_created, podc_error **err)
{
    const podc_stack_spec *s = u->s;
    char left[800] = "";
    pdc_client_shield_begin(u->c); /* a cancelled up still removes what it made */
    const char **names = calloc(s->n_members, sizeof *names);
    unsigned char *failed = calloc(s->n_members, 1);
    if (names && failed) {
        size_t n = 0; /* tasks have no container */
        for (size_t i = 0; i < s->n_members; i++)
            if (s->members[i].spec)
                names[n++] = s->members[i].spec->name;
        (void)pdc_svc_remove_containers(u->c, names, n, failed, NULL);
        for (size_t i = 0; i < n; i++)
            if (failed[i])
                append(left, sizeof left, names[i]);
    } else {
        append(left, sizeof left, "the stack's containers");
    }
    free(names);
    free(failed);
    for (size_t i = 0; i < s->n_members; i++) {
        const char *img = pdc_svc_built_image(u->m[i].svc);
        char what[80];
        snprintf(what, sizeof what, "image %.12s", img ? img : "");
        if (img && podc_image_remove(u->c, img, PODC_IMAGE_REMOVE_FORCE, NULL) < 0)
            append(left, sizeof left, what);
    }
    if (net_created && podc_network_remove(u->c, s->network, PODC_NETWORK_REMOVE_FORCE, NULL) < 0) {
        char what[300];
        snprintf(what, sizeof what, "network %s", s->network);
        append(left, sizeof left, what);
    }
    pdc_client_shield_end(u->c);
    if (left[0] && err && *err) {
        pdc_error_add_detail(*err, "not_removed", left);
        pdc_error_add_detail(*err, "session", u->session);
    }
}

static podc_stack *make_handle(up_run *u)
{
    const podc_stack_spec *s = u->s;
    podc_stack *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->n = s->n_members;
    st->members = calloc(st->n, sizeof *st->members);
    st->containers = calloc(st->n, sizeof *st->containers);
    st->kinds = calloc(st->n, sizeof *st->kinds);
    st->svcs = calloc(st->n, sizeof *st->svcs);
    st->ready_ms = calloc(st->n, sizeof *st->ready_ms);
    int bad = !st->members || !st->containers || !st->kinds || !st->svcs || !st->ready_ms ||
              !(st->name = strdup(s->name)) || !(st->network = strdup(s->network));
    for (size_t i = 0; !bad && i < st->n; i++) {
        bad = !(st->members[i] = strdup(s->members[i].name)) ||
              (s->members[i].spec && !(st->containers[i] = strdup(s->members[i].spec->name)));
        st->kinds[i] = s->members[i].kind;
        st->ready_ms[i] = u->m[i].ready_ms;
        if (s->members[i].kind == PODC_STACK_SERVICE) { /* the handle takes the service */
            st->svcs[i] = u->m[i].svc;
            u->m[i].svc = NULL;
        }
    }
    st->up_ms = pdc_svc_now_ms() - u->t0;
    if (bad) {
        podc_stack_free(st);
        return NULL;
    }
    return st;
}

static int ensure_network(up_run *u, int *created, podc_error **err)
{
    podc_network_options *o = podc_network_options_new();
    int rc = !o || podc_network_options_add_label(o, PODC_STACK_LABEL, u->s->name, NULL) ||
                     podc_network_options_add_label(o, PODC_SERVICE_LABEL_SESSION, u->session, NULL) ||
                     podc_network_options_add_label(o, PODC_SERVICE_LABEL_MANAGED, "true", NULL)
                 ? pdc_error_oom(err)
                 : podc_network_ensure(u->c, u->s->network, o, created, err);
    podc_network_options_free(o);
    return rc;
}

/* Starts every member thread, waits until all are done (or one failed), ends the guards. */
static int run_members(up_run *u, podc_error **err)
{
    const podc_stack_spec *s = u->s;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < s->n_members; i++)
        rc = pdc_client_new_child(&u->m[i].c, u->c, err);
    for (size_t i = 0; rc == 0 && i < s->n_members; i++) {
        if (pthread_create(&u->m[i].thread, NULL, member_thread, &u->m[i]) != 0) {
            rc = pdc_error_set(err, PODC_ENOMEM, "stack %s: no thread for member %s", s->name, s->members[i].name);
            break;
        }
        u->m[i].thread_ok = 1;
    }
    pthread_mutex_lock(&u->mu);
    for (;;) {
        size_t done = 0;
        for (size_t i = 0; i < s->n_members; i++)
            done += u->m[i].done || !u->m[i].thread_ok;
        if (done == s->n_members || u->failed >= 0 || rc < 0)
            break;
        pthread_cond_wait(&u->cv, &u->mu);
    }
    u->finished = 1; /* from here a member's end is not a failure of the up */
    pthread_mutex_unlock(&u->mu);
    for (size_t i = 0; i < s->n_members; i++)
        if (u->m[i].c)
            podc_client_cancel(u->m[i].c); /* ends the guards' waits */
    for (size_t i = 0; i < s->n_members; i++)
        if (u->m[i].thread_ok)
            pthread_join(u->m[i].thread, NULL);
    if (rc == 0 && u->failed >= 0) {
        rc = u->rc;
        pdc_error_put(err, u->err);
        u->err = NULL;
    }
    return rc;
}

int podc_stack_up(podc_client *c, const podc_stack_spec *s, podc_stack **out, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    if (!out)
        return pdc_error_invalid(err, "out", "NULL argument");
    int rc = podc_stack_spec_validate(s, err);
    if (rc < 0)
        return rc;
    up_run u = { .c = c, .s = s, .t0 = pdc_svc_now_ms(), .failed = -1, .mu = PTHREAD_MUTEX_INITIALIZER,
                 .cv = PTHREAD_COND_INITIALIZER };
    u.session = s->session ? s->session : podc_service_default_session();
    if (!(u.m = calloc(s->n_members, sizeof *u.m)))
        return pdc_error_oom(err);
    for (size_t i = 0; i < s->n_members; i++)
        u.m[i] = (member_run){ .u = &u, .i = i };
    u.waker = (pdc_waker){ .fn = wake, .ud = &u };
    pdc_call_enter(c);
    pdc_client_add_waker(c, &u.waker);

    int net_created = 0;
    if (!s->embedded) /* else the caller did both */
        rc = remove_stale(c, s->name, err);
    if (rc == 0 && !s->embedded)
        rc = ensure_network(&u, &net_created, err);
    if (rc == 0 && say(&u, "network %s %s; starting %zu members", s->network, net_created ? "created" : "exists",
                       s->n_members))
        rc = pdc_error_set(err, PODC_ECANCELLED, "stack %s: stopped by the progress callback", s->name);
    int ran = rc == 0;
    if (ran)
        rc = run_members(&u, err);
    podc_stack *st = NULL;
    if (rc == 0 && !(st = make_handle(&u)))
        rc = pdc_error_oom(err);
    if (rc < 0) {
        (void)say(&u, "failed: %s", err && *err ? podc_error_message(*err) : podc_strerror(rc));
        if (!s->keep_on_failure && !s->embedded && (ran || net_created))
            rollback(&u, net_created, err);
    } else {
        (void)say(&u, "up in %.3fs", st->up_ms / 1000.0);
        *out = st;
    }
    pdc_client_remove_waker(c, &u.waker);
    for (size_t i = 0; i < s->n_members; i++) {
        podc_service_free(u.m[i].svc);
        podc_client_free(u.m[i].c);
    }
    free(u.m);
    podc_error_free(u.err);
    pthread_cond_destroy(&u.cv);
    pthread_mutex_destroy(&u.mu);
    pdc_call_leave(c);
    return rc;
}

/* ---- the handle ---- */

const char *podc_stack_name(const podc_stack *st) { return st ? st->name : NULL; }
const char *podc_stack_network(const podc_stack *st) { return st ? st->network : NULL; }
size_t podc_stack_member_count(const podc_stack *st) { return st ? st->n : 0; }
int64_t podc_stack_up_ms(const podc_stack *st) { return st ? st->up_ms : 0; }

const char *podc_stack_member_name(const podc_stack *st, size_t i)
{
    return st && i < st->n ? st->members[i] : NULL;
}

podc_stack_member_kind podc_stack_member_kind_of(const podc_stack *st, size_t i)
{
    return st && i < st->n ? st->kinds[i] : PODC_STACK_SERVICE;
}

const podc_service *podc_stack_member_service(const podc_stack *st, size_t i)
{
    return st && i < st->n ? st->svcs[i] : NULL;
}

const podc_service *podc_stack_service(const podc_stack *st, const char *member)
{
    for (size_t i = 0; st && member && i < st->n; i++)
        if (strcmp(st->members[i], member) == 0)
            return st->svcs[i];
    return NULL;
}

const char *podc_stack_member_container(const podc_stack *st, size_t i)
{
    return st && i < st->n ? st->containers[i] : NULL;
}

int64_t podc_stack_member_ready_ms(const podc_stack *st, size_t i)
{
    return st && i < st->n ? st->ready_ms[i] : 0;
}

void podc_stack_free(podc_stack *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++) {
        if (st->members)
            free(st->members[i]);
        if (st->containers)
            free(st->containers[i]);
        if (st->svcs)
            podc_service_free(st->svcs[i]);
    }
    free(st->members);
    free(st->containers);
    free(st->kinds);
    free(st->svcs);
    free(st->ready_ms);
    free(st->name);
    free(st->network);
    free(st);
}
