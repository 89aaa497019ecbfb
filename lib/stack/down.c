/* down.c - a stack taken down and looked at by its labels: works after a crash, without a
 * handle. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "core/parallel.h"
#include "core/validate.h"
#include "podc/containers.h"
#include "podc/filters.h"
#include "podc/images.h"
#include "podc/networks.h"
#include "stack/stack-private.h"
#include "transport/cancel.h"

#define DEFAULT_STOP_MS 2000

static podc_filters *label_filter(const char *key, const char *name)
{
    char label[400];
    snprintf(label, sizeof label, "%s=%s", key, name);
    podc_filters *f = podc_filters_new();
    if (f && podc_filters_add(f, "label", label, NULL) < 0) {
        podc_filters_free(f);
        return NULL;
    }
    return f;
}

typedef struct down_job {
    pdc_job_result res; /* first: see core/parallel.h */
    podc_client *like;
    const char *id;
    int64_t timeout_ms;
} down_job;

/* Stop (SIGKILL after the timeout), then remove; gone already is fine. */
static void *down_thread(void *arg)
{
    down_job *j = arg;
    podc_client *c = NULL;
    j->res.rc = pdc_client_new_child(&c, j->like, &j->res.err);
    podc_error *e = NULL;
    if (j->res.rc == 0 && podc_container_stop(c, j->id, j->timeout_ms, &e) < 0)
        podc_error_free(e); /* not running, or gone: the removal says what matters */
    if (j->res.rc == 0)
        j->res.rc = podc_container_remove(c, j->id, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING,
                                          &j->res.err);
    podc_client_free(c);
    return NULL;
}

static void keep_first(int *rc, podc_error **err, int r, podc_error *e)
{
    if (r < 0 && r != PODC_ENOTFOUND && *rc == 0) {
        *rc = r;
        pdc_error_put(err, e);
    } else {
        podc_error_free(e);
    }
}

static int remove_containers(podc_client *c, podc_filters *f, int64_t timeout_ms, size_t *removed, podc_error **err)
{
    podc_container_list *l = NULL;
    int rc = podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, err);
    size_t n = rc == 0 ? podc_container_list_count(l) : 0;
    down_job *jobs = n ? calloc(n, sizeof *jobs) : NULL;
    if (n && !jobs)
        rc = pdc_error_oom(err);
    for (size_t i = 0; jobs && i < n; i++)
        jobs[i] = (down_job){ .like = c, .id = podc_container_summary_id(podc_container_list_at(l, i)),
                              .timeout_ms = timeout_ms };
    if (jobs)
        rc = pdc_parallel(down_thread, jobs, sizeof *jobs, n, err);
    for (size_t i = 0; jobs && i < n; i++)
        *removed += jobs[i].res.rc == 0;
    free(jobs);
    podc_container_list_free(l);
    return rc;
}

int podc_stack_down(podc_client *c, const char *name, int64_t stop_timeout_ms, unsigned flags, size_t *n_removed,
                    podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    int rc = pdc_validate_name("name", name, err);
    if (rc < 0)
        return rc;
    podc_filters *f = label_filter(PODC_STACK_LABEL, name), *fb = label_filter(PODC_STACK_LABEL_BUILT, name);
    if (!f || !fb) {
        podc_filters_free(f);
        podc_filters_free(fb);
        return pdc_error_oom(err);
    }
    size_t removed = 0;
    pdc_call_enter(c);
    rc = remove_containers(c, f, stop_timeout_ms < 0 ? DEFAULT_STOP_MS : stop_timeout_ms, &removed, err);

    podc_network_list *nl = NULL;
    podc_error *e = NULL;
    int r = podc_network_list_get(c, f, &nl, &e);
    keep_first(&rc, err, r, e);
    for (size_t i = 0; r == 0 && i < podc_network_list_count(nl); i++) {
        e = NULL;
        int rr = podc_network_remove(c, podc_network_name(podc_network_list_at(nl, i)), PODC_NETWORK_REMOVE_FORCE, &e);
        removed += rr == 0;
        keep_first(&rc, err, rr, e);
    }
    podc_network_list_free(nl);

    if (!(flags & PODC_STACK_DOWN_KEEP_IMAGES)) {
        podc_image_list *il = NULL;
        e = NULL;
        r = podc_image_list_get(c, fb, &il, &e);
        keep_first(&rc, err, r, e);
        for (size_t i = 0; r == 0 && i < podc_image_list_count(il); i++) {
            e = NULL;
            int rr = podc_image_remove(c, podc_image_id(podc_image_list_at(il, i)), PODC_IMAGE_REMOVE_FORCE, &e);
            removed += rr == 0;
            keep_first(&rc, err, rr, e);
        }
        podc_image_list_free(il);
    }
    pdc_call_leave(c);
    podc_filters_free(f);
    podc_filters_free(fb);
    if (rc == 0 && n_removed)
        *n_removed = removed;
    return rc;
}

/* ---- status ---- */

typedef struct status_row {
    char *member, *container, *state, *health, *ports;
    int exit_code;
} status_row;

struct podc_stack_status {
    status_row *rows;
    size_t n;
};

static int by_member(const void *a, const void *b)
{
    const status_row *x = a, *y = b;
    int d = strcmp(x->member, y->member);
    return d ? d : strcmp(x->container, y->container);
}

static char *ports_text(const podc_container_summary *cs)
{
    pdc_buf b = PODC_BUF_INIT;
    for (size_t i = 0; i < podc_container_summary_port_count(cs); i++) {
        const podc_port *p = podc_container_summary_port_at(cs, i);
        if (podc_port_host_port(p) <= 0)
            continue;
        pdc_buf_printf(&b, "%s%d->%d/%s", b.len ? ", " : "", podc_port_host_port(p), podc_port_container_port(p),
                       podc_port_protocol(p));
    }
    return pdc_buf_detach(&b);
}

int podc_stack_status_get(podc_client *c, const char *name, podc_stack_status **out, podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    int rc = pdc_validate_name("name", name, err);
    if (rc < 0)
        return rc;
    podc_filters *f = label_filter(PODC_STACK_LABEL, name);
    if (!f)
        return pdc_error_oom(err);
    podc_container_list *l = NULL;
    rc = podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &l, err);
    podc_filters_free(f);
    if (rc < 0)
        return rc;
    podc_stack_status *st = calloc(1, sizeof *st);
    size_t n = podc_container_list_count(l);
    if (st && n && !(st->rows = calloc(n, sizeof *st->rows))) {
        free(st);
        st = NULL;
    }
    for (size_t i = 0; st && i < n; i++) {
        const podc_container_summary *cs = podc_container_list_at(l, i);
        const char *member = podc_container_summary_label(cs, PODC_STACK_LABEL_MEMBER);
        const char *health = podc_container_summary_health(cs);
        const char *state = podc_container_summary_state(cs);
        status_row *r = &st->rows[st->n];
        *r = (status_row){ .member = strdup(member ? member : ""),
                           .container = strdup(podc_container_summary_name(cs) ? podc_container_summary_name(cs) : ""),
                           .state = strdup(state ? state : ""), .health = strdup(health ? health : ""),
                           .ports = ports_text(cs),
                           .exit_code = state && strcmp(state, "running") != 0 && strcmp(state, "created") != 0
                                            ? podc_container_summary_exit_code(cs)
                                            : -1 };
        st->n++;
        if (!r->member || !r->container || !r->state || !r->health || !r->ports) {
            podc_stack_status_free(st);
            st = NULL;
        }
    }
    podc_container_list_free(l);
    if (!st)
        return pdc_error_oom(err);
    if (st->n)
        qsort(st->rows, st->n, sizeof *st->rows, by_member);
    *out = st;
    return 0;
}

size_t podc_stack_status_count(const podc_stack_status *s) { return s ? s->n : 0; }

#define ROW_FIELD(fn, field)                                                                                           \
    const char *fn(const podc_stack_status *s, size_t i) { return s && i < s->n ? s->rows[i].field : NULL; }
ROW_FIELD(podc_stack_status_member, member)
ROW_FIELD(podc_stack_status_container, container)
ROW_FIELD(podc_stack_status_state, state)
ROW_FIELD(podc_stack_status_health, health)
ROW_FIELD(podc_stack_status_ports, ports)

int podc_stack_status_exit_code(const podc_stack_status *s, size_t i)
{
    return s && i < s->n ? s->rows[i].exit_code : -1;
}

void podc_stack_status_free(podc_stack_status *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->rows[i].member);
        free(s->rows[i].container);
        free(s->rows[i].state);
        free(s->rows[i].health);
        free(s->rows[i].ports);
    }
    free(s->rows);
    free(s);
}
