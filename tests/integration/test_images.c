#include "suites.h"

Suite *images_suite(void)
{
    return suite_create("images");
}
