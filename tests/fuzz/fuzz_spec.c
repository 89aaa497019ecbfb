/*
 * fuzz_spec.c - the run spec of `podc run SPEC.json` (tools/podc/spec_json.c,
 * podc_spec_from_json_file), the tool's own code compiled in with the library's service spec
 * builder. The input is written to a file in a private temp dir; an accepted spec is then
 * validated as podc run does, turned into the container spec and its JSON for podman.
 * Contracts checked: a refusal names a field and says why; a spec that holds a NUL
 * (\u0000) in a string or key, or nests deeper than 32 levels, is refused (spec_json.c's first
 * pass promises it: yajl_tree would cut the string, and frees deep trees recursively) -- as
 * yajl_tree_parse reads the text, comments included; an accepted and valid spec gives a
 * container spec whose JSON parses.
 */
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "fuzz.h"
#include "podc.h"
#include "service/service-private.h"
#include "tool.h"

/* What yajl_tree_parse sees in the text (it allows comments): a NUL in a string or key,
 * and the deepest nesting. */
typedef struct seen {
    int nul, depth, max;
} seen;

static int cb_str(void *ud, const unsigned char *s, size_t len)
{
    if (memchr(s, '\0', len))
        ((seen *)ud)->nul = 1;
    return 1;
}

static int cb_open(void *ud)
{
    seen *x = ud;
    if (++x->depth > x->max)
        x->max = x->depth;
    return 1;
}

static int cb_close(void *ud)
{
    ((seen *)ud)->depth--;
    return 1;
}

static const yajl_callbacks seen_cbs = { .yajl_string = cb_str, .yajl_map_key = cb_str, .yajl_start_map = cb_open,
                                         .yajl_end_map = cb_close, .yajl_start_array = cb_open,
                                         .yajl_end_array = cb_close };

static seen look(const uint8_t *data, size_t size)
{
    seen x = { 0, 0, 0 };
    yajl_handle h = yajl_alloc(&seen_cbs, NULL, &x);
    FUZZ_CHECK(h != NULL, "oom");
    yajl_config(h, yajl_allow_comments, 1);
    const uint8_t *nul = memchr(data, 0, size); /* read_file's text ends at a NUL byte */
    yajl_parse(h, data, nul ? (size_t)(nul - data) : size);
    yajl_complete_parse(h);
    yajl_free(h);
    return x;
}

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
        seen x = look(data, size);
        FUZZ_CHECK(!x.nul, "a spec with a NUL in a string was accepted");
        FUZZ_CHECK(x.max <= 32, "a spec nested %d levels deep was accepted", x.max);
        podc_error *err = NULL;
        rc = podc_service_spec_validate(spec, &err);
        if (rc == 0) {
            podc_container_spec *cs = NULL;
            rc = pdc_svc_container_spec(spec, pdc_svc_session_of(spec), &cs, &err);
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
