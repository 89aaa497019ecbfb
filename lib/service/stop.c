/* stop.c - stop and remove services, one at a time or side by side. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/error-private.h"
#include "service/service-private.h"

#define DEFAULT_STOP_MS 2000

static int service_stop(podc_client *c, const podc_service *svc, int64_t timeout_ms, podc_error **err)
{
    if (timeout_ms < 0)
        timeout_ms = DEFAULT_STOP_MS;
    podc_error *e = NULL; /* a container already gone is success: its not-found is not reported */
    int rc = podc_container_stop(c, svc->id, timeout_ms, &e);
    if (rc < 0 && rc != PODC_ENOTFOUND)
        return pdc_error_put(err, e);
    podc_error_free(e);
    return podc_container_remove(c, svc->id, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING,
                                 err);
}

int podc_service_stop(podc_client *c, const podc_service *svc, int64_t timeout_ms, podc_error **err)
{
    if (!c || !svc)
        return pdc_error_invalid(err, !c ? "client" : "service", "NULL argument");
    pdc_call_enter(c);
    int rc = service_stop(c, svc, timeout_ms, err);
    pdc_call_leave(c);
    return rc;
}

typedef struct stop_job {
    podc_client *like;
    const podc_service *svc;
    int64_t timeout_ms;
    pthread_t thread;
    int started;
    int rc;
    podc_error *err;
} stop_job;

static void *stop_main(void *arg)
{
    stop_job *j = arg;
    podc_client *c = NULL;
    j->rc = pdc_client_new_child(&c, j->like, &j->err);
    if (j->rc == 0)
        j->rc = podc_service_stop(c, j->svc, j->timeout_ms, &j->err);
    podc_client_free(c);
    return NULL;
}

int podc_service_stop_many(podc_client *c, const podc_service *const *svcs, size_t n, int64_t timeout_ms,
                           podc_error **err)
{
    if (!c || (n && !svcs))
        return pdc_error_invalid(err, !c ? "client" : "services", "NULL argument");
    for (size_t i = 0; i < n; i++)
        if (!svcs[i])
            return pdc_error_invalid(err, "services", "service %zu is NULL", i);
    if (n == 0)
        return 0;
    stop_job *jobs = calloc(n, sizeof *jobs);
    if (!jobs)
        return pdc_error_oom(err);
    pdc_call_enter(c); /* the jobs' clients are its children: a cancel reaches them all */
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (stop_job){ .like = c, .svc = svcs[i], .timeout_ms = timeout_ms };
        /* no thread: do this one here (still stopping the rest) */
        if (pthread_create(&jobs[i].thread, NULL, stop_main, &jobs[i]) == 0)
            jobs[i].started = 1;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].started)
            pthread_join(jobs[i].thread, NULL);
        else
            stop_main(&jobs[i]);
        if (jobs[i].rc < 0 && rc == 0) {
            rc = jobs[i].rc;
            pdc_error_put(err, jobs[i].err);
            jobs[i].err = NULL;
        }
        podc_error_free(jobs[i].err);
    }
    free(jobs);
    pdc_call_leave(c);
    return rc;
}
