/* suites.h - integration suites: they run against the real podman service. */
#ifndef PODC_TESTS_INTEGRATION_SUITES_H
#define PODC_TESTS_INTEGRATION_SUITES_H

#include "fixture.h"

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
