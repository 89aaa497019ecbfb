/* suites.h - integration suites: they run against the real podman service. */
#ifndef PODC_TESTS_INTEGRATION_SUITES_H
#define PODC_TESTS_INTEGRATION_SUITES_H

#include <check.h>

#include "podc.h"

/* A client on the service found by normal discovery; fails the test when there is none. */
podc_client *itest_client(void);
/* A name unique to this test run: "podc-it-<pid>-<suffix>". Static buffer per call site is not
 * needed: returns a new string the caller frees. */
char *itest_name(const char *suffix);
/* Containers (all states) and networks carrying label ("key=value"). */
size_t itest_label_leftovers(podc_client *c, const char *label);
/* The unchecked teardown of a suite: everything of session goes (errors ignored). */
void itest_cleanup_session(const char *session);
/* A stack config with the offline images, free ports and the test migrations. */
podc_ds_config *itest_ds_config(const char *service, const char *session);
/* Containers (all states) and networks carrying the DataStorage stack label of service. */
size_t itest_stack_leftovers(podc_client *c, const char *service);
/* "2026-11-25T20:29:44.624531457Z" (podman's UTC times) -> unix ms, or -1. */
int64_t itest_rfc3339_ms(const char *t);
/* A container's Created, StartedAt or FinishedAt, unix ms (the test fails without it). */
enum { ITEST_CREATED, ITEST_STARTED, ITEST_FINISHED };
int64_t itest_container_ms(podc_client *c, const char *name, int which);
/* ck_assert with the error's JSON in the failure message. */
#define ck_assert_ok(expr, errp)                                                              \
    do {                                                                                      \
        int rc_ = (expr);                                                                     \
        ck_assert_msg(rc_ == 0, "%s failed (%d): %s", #expr, rc_,                            \
                      *(errp) ? podc_error_message(*(errp)) : "no error object");              \
    } while (0)

Suite *system_suite(void);
Suite *remote_suite(void);
Suite *images_suite(void);
Suite *registry_suite(void);
Suite *networks_suite(void);
Suite *containers_suite(void);
Suite *logs_suite(void);
Suite *exec_suite(void);
Suite *copy_suite(void);
Suite *events_suite(void);
Suite *service_suite(void);
Suite *stack_suite(void);
Suite *migrations_suite(void);
Suite *datastorage_suite(void);
Suite *faults_suite(void);
Suite *cancel_suite(void);

#endif
