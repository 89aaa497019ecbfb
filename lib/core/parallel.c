#include "config.h"

#include "core/parallel.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/error-private.h"

#define MAX_JOBS 16

int pdc_parallel(void *(*fn)(void *), void *jobs, size_t size, size_t n, podc_error **err)
{
    pthread_t th[MAX_JOBS];
    int started[MAX_JOBS] = { 0 };
    char *base = jobs;
    for (size_t i = 0; i < n; i++) {
        int ok = i < MAX_JOBS && pthread_create(&th[i], NULL, fn, base + i * size) == 0;
        if (i < MAX_JOBS)
            started[i] = ok;
        if (!ok)
            fn(base + i * size);
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (i < MAX_JOBS && started[i])
            pthread_join(th[i], NULL);
        pdc_job_result *r = (pdc_job_result *)(base + i * size);
        if (r->rc < 0 && rc == 0) {
            rc = r->rc;
            pdc_error_put(err, r->err);
        } else {
            podc_error_free(r->err);
        }
        r->err = NULL;
    }
    return rc;
}
