/* fixture_streams.h - containers for the streams suites (logs, exec, copy, events), made
 * with raw pdc_http_call so these tests do not depend on the containers API.
 * Every container carries the label podc.test.streams=<run id>; fx_cleanup_all() (an
 * unchecked teardown, run by the parent even when a forked test failed) removes them all. */
#ifndef PODC_TESTS_FIXTURE_STREAMS_H
#define PODC_TESTS_FIXTURE_STREAMS_H

#include "suites.h"

/* Creates (not starts) a container of localhost/podc-base:latest running
 * `/bin/busybox sh -c script`, named itest_name(suffix). label_key/label_val may be NULL.
 * Returns the name (free it). Fails the test on error. */
char *fx_create(podc_client *c, const char *suffix, const char *script, const char *label_key,
                const char *label_val);
/* POST .../start; fails the test on error. */
void fx_start(podc_client *c, const char *name);
/* fx_create + fx_start. */
char *fx_run(podc_client *c, const char *suffix, const char *script);
/* POST .../wait (stopped): the exit code, or -1 on error. */
int fx_wait(podc_client *c, const char *name);
/* POST .../stop?timeout=0. */
void fx_stop(podc_client *c, const char *name);
/* DELETE ?force=true&timeout=0&volumes=true; ignores errors (already gone). NULL is fine. */
void fx_remove(podc_client *c, const char *name);

/* Unchecked fixture pair for every streams TCase. */
void fx_setup_all(void);
void fx_cleanup_all(void);

int64_t fx_now_ms(void);

#endif
