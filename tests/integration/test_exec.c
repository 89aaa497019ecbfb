#include "suites.h"

Suite *exec_suite(void)
{
    return suite_create("exec");
}
