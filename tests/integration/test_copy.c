#include "suites.h"

Suite *copy_suite(void)
{
    return suite_create("copy");
}
