#include "suites.h"

Suite *events_suite(void)
{
    return suite_create("events");
}
