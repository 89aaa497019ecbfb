#include "suites.h"

Suite *container_spec_suite(void)
{
    return suite_create("container_spec");
}
