#include "suites.h"

Suite *networks_suite(void)
{
    return suite_create("networks");
}
