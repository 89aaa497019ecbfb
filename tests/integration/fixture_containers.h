/* fixture_containers.h - helpers for the networks and containers suites.
 * Every container and network they create carries the label podc-it=<runner pid>;
 * itc_cleanup() (an unchecked teardown: it runs in the runner process even when a forked
 * test failed half-way) force-removes them all. */
#ifndef PODC_TESTS_FIXTURE_CONTAINERS_H
#define PODC_TESTS_FIXTURE_CONTAINERS_H

#include "suites.h"

#define ITC_BASE_IMAGE "localhost/podc-base:latest"
#define ITC_HTTP_IMAGE "localhost/podc-httpsvc:test"
#define ITC_LABEL "podc-it"

/* Unchecked fixture pair for every TCase of the two suites. */
void itc_setup(void);
void itc_cleanup(void);

/* "podc-it=<runner pid>" value part (the runner's pid, also in forked tests). */
const char *itc_owner(void);

/* A spec named `name` with the image, the owner label and, when script is not NULL, the
 * command `/bin/busybox sh -c script`. Fails the test on OOM. */
podc_container_spec *itc_spec(const char *name, const char *image, const char *script);
/* Network options with the owner label (dns_enabled stays podc's default: on). */
podc_network_options *itc_net_options(void);

/* Creates, starts and waits for a container built from spec; returns its exit code.
 * The container is left for cleanup (or removed by the caller). Fails the test on error. */
int itc_run_to_exit(podc_client *c, const podc_container_spec *spec);

/* Container B resolves container A by a network alias and by name through the DNS of a
 * network made for it; everything is removed again. Fails the test otherwise. */
void itc_check_dns_alias(podc_client *c);

int64_t itc_now_ms(void);

#endif
