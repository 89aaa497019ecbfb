/*
 * fuzz_spec.c - the run spec of `podc run SPEC.json` (tools/podc/spec_json.c,
 * podc_spec_from_json_file), the tool's own code compiled in with the library's service spec
 * builder. The input is written to a file in a private temp dir; an accepted spec is then
 * validated as podc run does, turned into the container spec and its JSON for podman.
 * Contracts checked: a refusal names a field and says why; an accepted and valid spec gives
 * a container spec whose JSON parses.
 */
#include <yajl/yajl_tree.h>

#include "fuzz.h"
#include "podc.h"
#include "service/service-private.h"
#include "tool.h"

/* main.c (the tool's main) is not linked: output.c's progress printer asks it about Ctrl-C. */
int podc_tool_interrupted(void)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("spec.json", data, size);
    podc_image_pull_options *pull = podc_image_pull_options_new();
    FUZZ_CHECK(pull != NULL, "oom");
    unsigned int flags = 0;
    podc_service_spec *spec = NULL;
    char name[128], field[64], msg[512];
    int rc = podc_spec_from_json_file(path, &spec, pull, &flags, name, sizeof name, field, sizeof field, msg, sizeof msg);
    if (rc == 0) {
        FUZZ_CHECK(spec != NULL, "success without a spec");
        podc_error *err = NULL;
        rc = podc_service_spec_validate(spec, &err);
        if (rc == 0) {
            podc_container_spec *cs = NULL;
            rc = podc_svc_container_spec(spec, podc_svc_session_of(spec), &cs, &err);
            FUZZ_CHECK(rc == 0 || rc == PODC_ENOMEM, "valid spec, container spec refused: %s",
                       podc_error_message(err));
            char *json = NULL;
            if (rc == 0 && podc_container_spec_to_json(cs, &json, &err) == 0) {
                char eb[128];
                yajl_val v = yajl_tree_parse(json, eb, sizeof eb);
                FUZZ_CHECK(v && YAJL_IS_OBJECT(v), "container spec JSON does not parse: %s\n%s", eb, json);
                yajl_tree_free(v);
                podc_free(json);
            }
            podc_container_spec_free(cs);
        } else {
            FUZZ_CHECK(err && podc_error_message(err), "invalid spec without an error");
        }
        podc_error_free(err);
        podc_service_spec_free(spec);
    } else {
        FUZZ_CHECK(rc == PODC_EINVAL || rc == PODC_ENOMEM, "rc %d", rc);
        FUZZ_CHECK(rc == PODC_ENOMEM || (field[0] && msg[0]), "refusal without a field or a message");
    }
    podc_image_pull_options_free(pull);
    return 0;
}
