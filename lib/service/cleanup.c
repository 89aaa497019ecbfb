/* cleanup.c - the session id, and removal of everything carrying a session (or other) label. */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/error-private.h"
#include "core/parallel.h"
#include "podc/images.h"
#include "podc/networks.h"
#include "service/service-private.h"

static char session_id[17];
static pthread_once_t session_once = PTHREAD_ONCE_INIT;

static void make_session(void)
{
    unsigned char r[8];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        /* no entropy source: pid and time still separate processes */
        uint64_t v = ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL) ^ (uint64_t)clock();
        memcpy(r, &v, sizeof r);
    }
    for (size_t i = 0; i < sizeof r; i++)
        snprintf(session_id + 2 * i, 3, "%02x", r[i]);
}

const char *podc_service_default_session(void)
{
    pthread_once(&session_once, make_session);
    return session_id;
}

/* Keeps the first error, frees the others. */
static void keep_first(int *rc, podc_error **err, int r, podc_error *e)
{
    if (r < 0 && *rc == 0) {
        *rc = r;
        pdc_error_put(err, e);
    } else {
        podc_error_free(e);
    }
}

typedef struct rm_job {
    pdc_job_result res; /* first: see core/parallel.h */
    podc_client *like;
    const char *name;
} rm_job;

/* Force-remove kills at once (timeout 0): these are throwaway test containers. */
static void *rm_thread(void *arg)
{
    rm_job *j = arg;
    podc_client *c = NULL;
    j->res.rc = pdc_client_new_child(&c, j->like, &j->res.err);
    if (j->res.rc == 0)
        j->res.rc = podc_container_remove(c, j->name,
                                          PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING,
                                          &j->res.err);
    podc_client_free(c);
    return NULL;
}

int pdc_svc_remove_containers(podc_client *like, const char *const *names, size_t n, unsigned char *failed,
                              podc_error **err)
{
    if (n == 0)
        return 0;
    rm_job *jobs = calloc(n, sizeof *jobs);
    if (!jobs)
        return pdc_error_oom(err);
    for (size_t i = 0; i < n; i++)
        jobs[i] = (rm_job){ .like = like, .name = names[i] };
    int rc = pdc_parallel(rm_thread, jobs, sizeof *jobs, n, err);
    for (size_t i = 0; failed && i < n; i++)
        failed[i] = jobs[i].res.rc < 0;
    free(jobs);
    return rc;
}

int podc_service_cleanup_label(podc_client *c, const char *label, size_t *n_removed, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    if (!label || !*label || *label == '=')
        return pdc_error_invalid(err, "label", "cleanup needs a label \"key=value\" or \"key\"");
    podc_filters *f = podc_filters_new();
    if (!f || podc_filters_add(f, "label", label, NULL) < 0) {
        podc_filters_free(f);
        return pdc_error_oom(err);
    }
    int rc = 0;
    size_t removed = 0;
    pdc_call_enter(c); /* the lists and every removal: one call for a cancel */

    /* containers first: they hold the networks and images */
    podc_container_list *cl = NULL;
    podc_error *e = NULL;
    int r = podc_container_list_get(c, f, PODC_CONTAINER_LIST_ALL, &cl, &e);
    keep_first(&rc, err, r, e);
    for (size_t i = 0; r == 0 && i < podc_container_list_count(cl); i++) {
        e = NULL;
        const char *id = podc_container_summary_id(podc_container_list_at(cl, i));
        int rr = podc_container_remove(c, id, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, &e);
        removed += rr == 0;
        keep_first(&rc, err, rr, e);
    }
    podc_container_list_free(cl);

    podc_network_list *nl = NULL;
    e = NULL;
    r = podc_network_list_get(c, f, &nl, &e);
    keep_first(&rc, err, r, e);
    for (size_t i = 0; r == 0 && i < podc_network_list_count(nl); i++) {
        e = NULL;
        int rr = podc_network_remove(c, podc_network_name(podc_network_list_at(nl, i)), 0, &e);
        if (rr == PODC_ENOTFOUND) { /* removed meanwhile */
            podc_error_free(e);
            continue;
        }
        removed += rr == 0;
        keep_first(&rc, err, rr, e);
    }
    podc_network_list_free(nl);

    podc_image_list *il = NULL;
    e = NULL;
    r = podc_image_list_get(c, f, &il, &e);
    keep_first(&rc, err, r, e);
    for (size_t i = 0; r == 0 && i < podc_image_list_count(il); i++) {
        e = NULL;
        int rr = podc_image_remove(c, podc_image_id(podc_image_list_at(il, i)), 0, &e);
        if (rr == PODC_ENOTFOUND) {
            podc_error_free(e);
            continue;
        }
        removed += rr == 0;
        keep_first(&rc, err, rr, e);
    }
    podc_image_list_free(il);
    podc_filters_free(f);
    pdc_call_leave(c);
    if (rc == 0 && n_removed)
        *n_removed = removed;
    return rc;
}

int podc_service_cleanup(podc_client *c, const char *session, size_t *n_removed, podc_error **err)
{
    if (!session)
        session = podc_service_default_session();
    if (!*session)
        return pdc_error_invalid(err, "session", "empty session");
    char *label = NULL;
    if (asprintf(&label, "%s=%s", PODC_SERVICE_LABEL_SESSION, session) < 0)
        return pdc_error_oom(err);
    int rc = podc_service_cleanup_label(c, label, n_removed, err);
    free(label);
    return rc;
}
