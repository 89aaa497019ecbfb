/* Integration test runner. Needs the podman service (tests/env/podman-service.sh) and the
 * offline images (tests/images/build.sh); `make check` from the README does both. */
#include <stdio.h>
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    const char *skip = getenv("PODC_SKIP_INTEGRATION");
    if (skip && *skip == '1')
        return 77; /* automake's "skipped" (distcheck's second build) */
    podc_client *c = NULL;
    podc_error *err = NULL;
    if (podc_client_new(&c, NULL, &err) != 0) {
        fprintf(stderr, "integration tests need the podman service: %s\n"
                        "run: eval \"$(tests/env/podman-service.sh)\"\n",
                podc_error_message(err));
        podc_error_free(err);
        return EXIT_FAILURE;
    }
    podc_client_free(c);
    itest_init(); /* the runner's pid: forked tests name their sessions and labels by it */

    SRunner *sr = srunner_create(system_suite());
    srunner_add_suite(sr, remote_suite());
    srunner_add_suite(sr, images_suite());
    srunner_add_suite(sr, registry_suite());
    srunner_add_suite(sr, networks_suite());
    srunner_add_suite(sr, containers_suite());
    srunner_add_suite(sr, logs_suite());
    srunner_add_suite(sr, exec_suite());
    srunner_add_suite(sr, copy_suite());
    srunner_add_suite(sr, events_suite());
    srunner_add_suite(sr, service_suite());
    srunner_add_suite(sr, stack_suite());
    srunner_add_suite(sr, migrations_suite());
    srunner_add_suite(sr, datastorage_suite());
    srunner_add_suite(sr, faults_suite());
    srunner_add_suite(sr, cancel_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
