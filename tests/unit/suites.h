/* suites.h - the unit test suites (no podman needed). */
#ifndef PODC_TESTS_UNIT_SUITES_H
#define PODC_TESTS_UNIT_SUITES_H

#include <check.h>

Suite *json_suite(void);
Suite *encode_suite(void);
Suite *error_suite(void);
Suite *transport_suite(void);
Suite *cancel_suite(void);
Suite *ignore_suite(void);
Suite *container_spec_suite(void);
Suite *frames_suite(void);
Suite *goose_suite(void);
Suite *ds_config_suite(void);
Suite *service_spec_suite(void);
Suite *stack_spec_suite(void);
Suite *compose_suite(void);
Suite *registry_suite(void);

#endif
