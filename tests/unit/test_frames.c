#include "suites.h"

Suite *frames_suite(void)
{
    return suite_create("frames");
}
