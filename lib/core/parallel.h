/* parallel.h - running a few independent jobs side by side (one thread each), e.g. starting
 * Postgres and Redis or removing a stack's containers. Each job carries a pdc_job_result
 * as its FIRST member so the first failure can be picked up generically. */
#ifndef PODC_CORE_PARALLEL_H
#define PODC_CORE_PARALLEL_H

#include <stddef.h>

#include "podc/error.h"

typedef struct pdc_job_result {
    int rc;
    podc_error *err;
} pdc_job_result;

/* Runs fn on each of the n jobs (an array of elements of `size` bytes, each starting with a
 * pdc_job_result), on its own thread (inline when no thread can be made); returns when all
 * are done. Then hands the first failure to err (the other errors are freed) and returns its
 * code, or 0. */
int pdc_parallel(void *(*fn)(void *), void *jobs, size_t size, size_t n, podc_error **err);

#endif
