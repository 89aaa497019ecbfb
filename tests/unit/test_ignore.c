#include "suites.h"

Suite *ignore_suite(void)
{
    return suite_create("ignore");
}
