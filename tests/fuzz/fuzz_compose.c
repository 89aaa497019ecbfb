/*
 * fuzz_compose.c - compose files (podc/compose.h): the YAML tree (anchors, aliases, merge keys,
 * the node budget and depth bound), interpolation and every service key. The input is written
 * to a compose file in a private temp folder, then podc_compose_load() reads it as a user's
 * file, with a few variables set and a warning callback.
 * Contracts checked: a load either gives a stack spec that validates, or fails with invalid
 * input, a local file error or out of memory, with a message; the error's JSON parses.
 */
#include <fcntl.h>

#include "fuzz.h"
#include "podc/compose.h"
#include "podc/error.h"
#include "podc/stack.h"

static char dir[64], file[96];
static unsigned long warnings;

static void on_warning(const char *w, void *ud)
{
    (void)ud;
    FUZZ_CHECK(w && *w, "an empty warning");
    warnings++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/podc-fuzz-compose-XXXXXX");
        if (!mkdtemp(dir))
            abort();
        snprintf(file, sizeof file, "%s/compose.yaml", dir);
    }
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
        abort();
    close(fd);

    podc_compose_options *o = podc_compose_options_new();
    if (!o)
        return 0;
    podc_compose_options_add_file(o, file, NULL);
    podc_compose_options_set_variable(o, "TAG", "1.2", NULL);
    podc_compose_options_set_variable(o, "EMPTY", "", NULL);
    podc_compose_options_set_image(o, "datastorage", "localhost/podc-datastorage:test", NULL);
    podc_compose_options_set_warning_cb(o, on_warning, NULL, NULL);
    if (size && data[0] == 's') /* some inputs in strict mode */
        podc_compose_options_set_strict(o, 1, NULL);
    podc_stack_spec *s = NULL;
    podc_error *err = NULL;
    int rc = podc_compose_load(o, &s, &err);
    if (rc == 0) {
        FUZZ_CHECK(s != NULL, "success without a spec");
        podc_error *verr = NULL;
        FUZZ_CHECK(podc_stack_spec_validate(s, &verr) == 0, "a loaded spec does not validate: %s",
                   verr ? podc_error_message(verr) : "?");
        FUZZ_CHECK(podc_stack_spec_name(s) && *podc_stack_spec_name(s), "a stack without a name");
    } else {
        FUZZ_CHECK(s == NULL, "a spec with an error");
        FUZZ_CHECK(rc == PODC_EINVAL || rc == PODC_EFILE || rc == PODC_ENOMEM, "unexpected code %d", rc);
        FUZZ_CHECK(err && podc_error_message(err) && *podc_error_message(err), "an error without a message");
        char *j = podc_error_to_json(err);
        char why[200];
        FUZZ_CHECK(j && fuzz_json_syntax_ok(j, why, sizeof why), "error JSON does not parse: %s", why);
        podc_free(j);
    }
    podc_error_free(err);
    podc_stack_spec_free(s);
    podc_compose_options_free(o);
    return 0;
}
