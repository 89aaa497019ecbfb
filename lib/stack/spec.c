/* spec.c - the stack spec: members, dependencies, and the checks run before anything is sent
 * (names, unknown members, conditions that cannot hold, cycles). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error-private.h"
#include "core/validate.h"
#include "service/service-private.h"
#include "stack/stack-private.h"

podc_stack_spec *podc_stack_spec_new(const char *name)
{
    podc_stack_spec *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    char net[300];
    snprintf(net, sizeof net, "%s_default", name ? name : "");
    s->progress = calloc(1, sizeof *s->progress);
    if (!s->progress || !(s->name = strdup(name ? name : "")) || !(s->network = strdup(net)) ||
        !(s->progress->stack = strdup(s->name)) || pthread_mutex_init(&s->progress->mu, NULL) != 0) {
        if (s->progress)
            free(s->progress->stack);
        free(s->progress);
        free(s->name);
        free(s->network);
        free(s);
        return NULL;
    }
    return s;
}

void podc_stack_spec_free(podc_stack_spec *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_members; i++) {
        free(s->members[i].name);
        podc_service_spec_free(s->members[i].spec);
    }
    free(s->members);
    for (size_t i = 0; i < s->n_edges; i++) {
        free(s->edges[i].member);
        free(s->edges[i].on);
    }
    free(s->edges);
    pthread_mutex_destroy(&s->progress->mu);
    free(s->progress->stack);
    free(s->progress);
    free(s->name);
    free(s->network);
    free(s->session);
    free(s);
}

const char *podc_stack_spec_name(const podc_stack_spec *s) { return s ? s->name : NULL; }
const char *podc_stack_spec_network(const podc_stack_spec *s) { return s ? s->network : NULL; }

long pdc_stack_find(const podc_stack_spec *s, const char *name)
{
    for (size_t i = 0; name && i < s->n_members; i++)
        if (strcmp(s->members[i].name, name) == 0)
            return (long)i;
    return -1;
}

int pdc_stack_report(pdc_stack_progress *p, const char *line)
{
    pthread_mutex_lock(&p->mu);
    int stop = p->cb ? p->cb(line, p->ud) : 0;
    pthread_mutex_unlock(&p->mu);
    return stop;
}

static int member_progress(const char *line, void *ud)
{
    return pdc_stack_report(ud, line);
}

/* What the stack sets on each member spec: its network with the member name as alias, the
 * labels, the session, the progress. */
static int adopt(podc_stack_spec *s, pdc_stack_member *m)
{
    podc_service_spec *sp = m->spec;
    int rc = podc_service_spec_set_network(sp, s->network, NULL);
    rc = rc ? rc : podc_service_spec_add_network_alias(sp, m->name, NULL);
    rc = rc ? rc : podc_service_spec_add_label(sp, PODC_STACK_LABEL, s->name, NULL);
    rc = rc ? rc : podc_service_spec_add_label(sp, PODC_STACK_LABEL_MEMBER, m->name, NULL);
    rc = rc ? rc : pdc_svc_spec_add_build_label(sp, PODC_STACK_LABEL_BUILT, s->name);
    rc = rc ? rc : podc_service_spec_set_session(sp, s->session, NULL);
    rc = rc ? rc : podc_service_spec_set_progress(sp, member_progress, s->progress, NULL);
    if (!rc && s->keep_on_failure)
        rc = podc_service_spec_set_keep_on_failure(sp, 1, NULL);
    if (!rc && !sp->name) { /* the default container name: <stack>_<member> */
        char name[600];
        snprintf(name, sizeof name, "%s_%s", s->name, m->name);
        rc = podc_service_spec_set_name(sp, name, NULL);
    }
    return rc;
}

/* A new member slot (NULL on OOM); the caller fills it and counts it. */
static pdc_stack_member *new_member(podc_stack_spec *s, const char *member)
{
    if (s->n_members == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        pdc_stack_member *m = realloc(s->members, cap * sizeof *m);
        if (!m)
            return NULL;
        s->members = m;
        s->cap = cap;
    }
    pdc_stack_member *m = &s->members[s->n_members];
    *m = (pdc_stack_member){ .name = strdup(member) };
    return m->name ? m : NULL;
}

int podc_stack_spec_add_member(podc_stack_spec *s, const char *member, podc_stack_member_kind kind,
                               podc_service_spec *spec, podc_error **err)
{
    if (!s || !member || !spec || (kind != PODC_STACK_SERVICE && kind != PODC_STACK_JOB)) {
        podc_service_spec_free(spec);
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    }
    pdc_stack_member *m = new_member(s, member);
    int rc = PODC_ENOMEM;
    if (m) {
        m->kind = kind;
        m->spec = spec;
        rc = adopt(s, m);
    }
    if (rc) {
        if (m)
            free(m->name);
        podc_service_spec_free(spec);
        return pdc_setter_result(err, __func__, rc);
    }
    s->n_members++;
    return 0;
}

int pdc_stack_spec_add_task(podc_stack_spec *s, const char *member, const pdc_stack_task *task)
{
    if (!s || !member || !task || !task->run)
        return PODC_EINVAL;
    pdc_stack_member *m = new_member(s, member);
    if (!m)
        return PODC_ENOMEM;
    m->kind = PODC_STACK_JOB;
    m->task = *task;
    s->n_members++;
    return 0;
}

int pdc_stack_spec_set_prepared_hook(podc_stack_spec *s, const char *member, pdc_stack_prepared_fn fn, void *ud)
{
    long i = s ? pdc_stack_find(s, member) : -1;
    if (i < 0 || !s->members[i].spec)
        return PODC_EINVAL;
    s->members[i].prepared = fn;
    s->members[i].prepared_ud = ud;
    return 0;
}

void pdc_stack_spec_set_embedded(podc_stack_spec *s)
{
    if (s)
        s->embedded = 1;
}

static int add_edge(podc_stack_spec *s, const char *member, const char *on, podc_stack_condition cond, int gate)
{
    if (!s || !member || !on || cond < PODC_STACK_STARTED || cond > PODC_STACK_PREPARED)
        return PODC_EINVAL;
    if (s->n_edges == s->edges_cap) {
        size_t cap = s->edges_cap ? s->edges_cap * 2 : 8;
        pdc_stack_edge *e = realloc(s->edges, cap * sizeof *e);
        if (!e)
            return PODC_ENOMEM;
        s->edges = e;
        s->edges_cap = cap;
    }
    pdc_stack_edge *e = &s->edges[s->n_edges];
    *e = (pdc_stack_edge){ .member = strdup(member), .on = strdup(on), .cond = cond, .prepare_gate = gate };
    if (!e->member || !e->on) {
        free(e->member);
        free(e->on);
        return PODC_ENOMEM;
    }
    s->n_edges++;
    return 0;
}

int podc_stack_spec_add_dependency(podc_stack_spec *s, const char *member, const char *on,
                                   podc_stack_condition cond, podc_error **err)
{
    if (cond == PODC_STACK_PREPARED) /* internal */
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, add_edge(s, member, on, cond, 0));
}

int pdc_stack_spec_add_internal_dependency(podc_stack_spec *s, const char *member, const char *on,
                                           podc_stack_condition cond)
{
    return add_edge(s, member, on, cond, 0);
}

int pdc_stack_spec_add_prepare_gate(podc_stack_spec *s, const char *member, const char *on,
                                    podc_stack_condition cond)
{
    return add_edge(s, member, on, cond, 1);
}

int podc_stack_spec_set_network(podc_stack_spec *s, const char *network, podc_error **err)
{
    if (!s || !network)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    char *copy = strdup(network);
    if (!copy)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    free(s->network);
    s->network = copy;
    for (size_t i = 0; i < s->n_members; i++)
        if (s->members[i].spec && podc_service_spec_set_network(s->members[i].spec, network, NULL) < 0)
            return pdc_setter_result(err, __func__, PODC_ENOMEM);
    return 0;
}

int podc_stack_spec_set_keep_on_failure(podc_stack_spec *s, int keep, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    s->keep_on_failure = keep != 0;
    for (size_t i = 0; i < s->n_members; i++)
        if (s->members[i].spec)
            podc_service_spec_set_keep_on_failure(s->members[i].spec, s->keep_on_failure, NULL);
    return 0;
}

int podc_stack_spec_set_session(podc_stack_spec *s, const char *session, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    char *copy = NULL;
    if (session && !(copy = strdup(session)))
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    free(s->session);
    s->session = copy;
    for (size_t i = 0; i < s->n_members; i++)
        if (s->members[i].spec && podc_service_spec_set_session(s->members[i].spec, session, NULL) < 0)
            return pdc_setter_result(err, __func__, PODC_ENOMEM);
    return 0;
}

int podc_stack_spec_set_progress(podc_stack_spec *s, podc_service_progress_cb cb, void *userdata, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    pthread_mutex_lock(&s->progress->mu);
    s->progress->cb = cb;
    s->progress->ud = userdata;
    pthread_mutex_unlock(&s->progress->mu);
    return 0;
}

static const char *cond_name(podc_stack_condition c)
{
    return c == PODC_STACK_HEALTHY ? "healthy" : c == PODC_STACK_COMPLETED ? "completed successfully" : "started";
}

/* Depth-first search for a cycle through member i; on finding one, writes "a -> b -> a". */
static int find_cycle(const podc_stack_spec *s, size_t i, unsigned char *mark, size_t *path, size_t depth,
                      char *out, size_t outsz)
{
    mark[i] = 1; /* on the current path */
    path[depth] = i;
    for (size_t e = 0; e < s->n_edges; e++) {
        /* waiting for a member to be prepared cannot close a cycle: a prepare waits only for
         * prepare gates, which the internal callers keep acyclic */
        if (strcmp(s->edges[e].member, s->members[i].name) != 0 || s->edges[e].cond == PODC_STACK_PREPARED)
            continue;
        size_t j = (size_t)pdc_stack_find(s, s->edges[e].on);
        if (mark[j] == 1) { /* back on the path: the cycle is path[from..depth] -> j */
            size_t from = 0;
            while (path[from] != j)
                from++;
            size_t n = 0;
            for (size_t k = from; k <= depth && n < outsz; k++)
                n += (size_t)snprintf(out + n, outsz - n, "%s -> ", s->members[path[k]].name);
            if (n < outsz)
                snprintf(out + n, outsz - n, "%s", s->members[j].name);
            return 1;
        }
        if (mark[j] == 0 && find_cycle(s, j, mark, path, depth + 1, out, outsz))
            return 1;
    }
    mark[i] = 2; /* done: no cycle through it */
    return 0;
}

int podc_stack_spec_validate(const podc_stack_spec *s, podc_error **err)
{
    if (!s)
        return pdc_error_invalid(err, "stack", "stack spec is NULL");
    int rc = pdc_validate_name("name", s->name, err);
    if (rc < 0)
        return rc;
    if ((rc = pdc_validate_name("network", s->network, err)) < 0)
        return rc;
    if (s->n_members == 0)
        return pdc_error_invalid(err, "members", "stack %s has no members", s->name);
    for (size_t i = 0; i < s->n_members; i++) {
        const pdc_stack_member *m = &s->members[i];
        if ((rc = pdc_validate_name("member", m->name, err)) < 0)
            return rc;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(s->members[j].name, m->name) == 0)
                return pdc_error_invalid(err, "member", "stack %s: member %s is defined twice", s->name, m->name);
            if (m->spec && s->members[j].spec && strcmp(s->members[j].spec->name, m->spec->name) == 0)
                return pdc_error_invalid(err, "container", "stack %s: members %s and %s both name their container %s",
                                         s->name, s->members[j].name, m->name, m->spec->name);
        }
        if (m->spec && (rc = podc_service_spec_validate(m->spec, err)) < 0) {
            if (err && *err) {
                pdc_error_prefix(*err, "stack %s, member %s", s->name, m->name);
                pdc_error_add_detail(*err, "member", m->name);
            }
            return rc;
        }
    }
    for (size_t e = 0; e < s->n_edges; e++) {
        const pdc_stack_edge *d = &s->edges[e];
        long a = pdc_stack_find(s, d->member), b = pdc_stack_find(s, d->on);
        if (a < 0 || b < 0)
            return pdc_error_invalid(err, "depends_on", "stack %s: %s depends on %s, but there is no member %s",
                                     s->name, d->member, d->on, a < 0 ? d->member : d->on);
        if (a == b)
            return pdc_error_invalid(err, "depends_on", "stack %s: %s depends on itself", s->name, d->member);
        podc_stack_member_kind k = s->members[b].kind;
        if ((d->cond == PODC_STACK_HEALTHY && k == PODC_STACK_JOB) ||
            (d->cond == PODC_STACK_COMPLETED && k == PODC_STACK_SERVICE))
            return pdc_error_invalid(err, "depends_on",
                                     "stack %s: %s waits for %s to be %s, but %s is a %s (it can only be %s)",
                                     s->name, d->member, d->on, cond_name(d->cond), d->on,
                                     k == PODC_STACK_JOB ? "job" : "service",
                                     k == PODC_STACK_JOB ? "started or completed successfully" : "started or healthy");
    }
    unsigned char *mark = calloc(s->n_members, 1);
    size_t *path = calloc(s->n_members, sizeof *path);
    char cycle[1024] = "";
    int found = 0;
    for (size_t i = 0; mark && path && !found && i < s->n_members; i++)
        if (mark[i] == 0)
            found = find_cycle(s, i, mark, path, 0, cycle, sizeof cycle);
    int oom = !mark || !path;
    free(mark);
    free(path);
    if (oom)
        return pdc_error_oom(err);
    if (found)
        return pdc_error_invalid(err, "depends_on", "stack %s: dependency cycle %s", s->name, cycle);
    return 0;
}
