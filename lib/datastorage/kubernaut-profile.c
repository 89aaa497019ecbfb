/*
 * kubernaut-profile.c - the kubernaut profile: what the DataStorage stack takes from kubernaut's
 * suites rather than from podman. Data only: the suites' port presets (kubernaut's
 * DD-TEST-001) and the test stack's default credentials. The stack code reads them from here.
 */
#include "config.h"

#include <string.h>

#include "datastorage/ds-private.h"

const pdc_ds_profile pdc_ds_kubernaut_profile = {
    .pg_user = "slm_user",
    .pg_password = "test_password", /* a throwaway test database's */
    .pg_db = "action_history",
};

static const pdc_ds_preset presets[] = {
    { "gateway", 15437, 16380, 18091, 19091 },
    { "effectivenessmonitor", 15434, 16383, 18092, 19092 },
    { "signalprocessing", 15436, 16382, 18094, 19094 },
    { "aianalysis", 15438, 16384, 18095, 19095 },
    { "notification", 15440, 16385, 18096, 19096 },
    { "workflowexecution", 15441, 16388, 18097, 19097 },
    { "authwebhook", 15442, 16386, 18099, 19099 },
    { "remediationorchestrator", 15435, 16381, 18140, 19140 },
};

size_t pdc_ds_preset_count(void)
{
    return sizeof presets / sizeof presets[0];
}

const pdc_ds_preset *pdc_ds_preset_at(size_t i)
{
    return i < pdc_ds_preset_count() ? &presets[i] : NULL;
}

const pdc_ds_preset *pdc_ds_preset_find(const char *suite)
{
    for (size_t i = 0; suite && i < pdc_ds_preset_count(); i++)
        if (strcmp(presets[i].suite, suite) == 0)
            return &presets[i];
    return NULL;
}
