#include "suites.h"

Suite *containers_suite(void)
{
    return suite_create("containers");
}
