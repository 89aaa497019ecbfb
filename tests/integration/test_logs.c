#include "suites.h"

Suite *logs_suite(void)
{
    return suite_create("logs");
}
