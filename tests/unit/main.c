/* Unit test runner: pure functions plus transport behaviour against the fake server. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(json_suite());
    srunner_add_suite(sr, encode_suite());
    srunner_add_suite(sr, error_suite());
    srunner_add_suite(sr, transport_suite());
    srunner_add_suite(sr, cancel_suite());
    srunner_add_suite(sr, ignore_suite());
    srunner_add_suite(sr, container_spec_suite());
    srunner_add_suite(sr, frames_suite());
    srunner_add_suite(sr, goose_suite());
    srunner_add_suite(sr, ds_config_suite());
    srunner_add_suite(sr, service_spec_suite());
    srunner_add_suite(sr, stack_spec_suite());
    srunner_add_suite(sr, compose_suite());
    srunner_add_suite(sr, registry_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
