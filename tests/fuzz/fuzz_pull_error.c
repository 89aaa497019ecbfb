/*
 * fuzz_pull_error.c - podman's failure text of a pull or push (the in-band `error` line of
 * the progress stream, or an error reply's message) as pdc_transfer_error categorises it and
 * finds the registry in it.
 * Input: byte 0 picks the transfer (pull or push; credentials from a file or none, a
 * credsStore; a known registry or a short name; the try of how many), the rest is the text.
 * Contracts checked: a category of the documented ones, transient exactly when it is a
 * transport error; the text is kept whole (message and server message); the image and the
 * registry (the transfer's, else one quoted from the text) are named; no credential header
 * leaks in; the error's JSON parses.
 */
#include "api/pull-private.h"
#include "fuzz.h"
#include "podc/error.h"

#define HEADER "X-Registry-Auth: eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InNlY3JldC1wdyJ9"

static int eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    char *text = fuzz_cstr(data + 1, size - 1);
    pdc_transfer t;
    memset(&t, 0, sizeof t);
    t.verb = sel & 1 ? "push" : "pull";
    t.ref = sel & 2 ? "127.0.0.1:5001/team/app:1" : "redis:7-alpine";
    t.auth.registry = sel & 2 ? "127.0.0.1:5001" : NULL;
    t.auth.header = sel & 4 ? HEADER : NULL;
    t.auth.source = sel & 4 ? "/run/containers/0/auth.json" : NULL;
    t.auth.creds_store = sel & 8 ? "desktop" : NULL;
    t.auth.store_file = sel & 8 ? "/root/.docker/config.json" : NULL;
    t.tries = 1 + (sel >> 4) % 4;
    t.try_no = 1 + (sel >> 6) % t.tries;
    pdc_http_request req = { .method = "POST", .path = "/libpod/images/pull?reference=redis%3A7-alpine" };
    int transient = -1;
    podc_error *e = pdc_transfer_error(&t, &req, text, &transient);
    FUZZ_CHECK(e != NULL, "no error");
    int code = podc_error_code(e);
    if (code != PODC_ENOMEM) {
        FUZZ_CHECK(code == PODC_EAUTH || code == PODC_ENOTFOUND || code == PODC_EINVAL || code == PODC_ETRANSPORT ||
                       code == PODC_ESERVER,
                   "category %s", podc_error_code_name(code));
        FUZZ_CHECK(transient == (code == PODC_ETRANSPORT), "transient %d for %s", transient, podc_error_code_name(code));
        const char *m = podc_error_message(e);
        FUZZ_CHECK(m && strstr(m, text), "message lacks the text: %s", m);
        FUZZ_CHECK(strstr(m, t.ref) != NULL, "message lacks the reference: %s", m);
        FUZZ_CHECK(eq(podc_error_server_message(e), text), "server message changed");
        FUZZ_CHECK(podc_error_http_status(e) == 200, "status %d", podc_error_http_status(e));
        FUZZ_CHECK(eq(podc_error_path(e), "/libpod/images/pull"), "path %s", podc_error_path(e));
        FUZZ_CHECK(eq(podc_error_detail(e, "image"), t.ref), "image %s", podc_error_detail(e, "image"));
        const char *reg = podc_error_detail(e, "registry");
        if (t.auth.registry)
            FUZZ_CHECK(eq(reg, t.auth.registry), "registry %s", reg);
        else
            FUZZ_CHECK(!reg || strstr(text, reg), "registry %s is not in the text", reg);
        if (code == PODC_EINVAL)
            FUZZ_CHECK(podc_error_detail(e, "field") != NULL, "invalid without a field");
        char *js = podc_error_to_json(e);
        char eb[128];
        FUZZ_CHECK(js && fuzz_json_syntax_ok(js, eb, sizeof eb), "error JSON: %s", eb);
        FUZZ_CHECK(strstr(text, "eyJ1c2Vy") || !strstr(js, "eyJ1c2Vy"), "the credential header leaked");
        free(js);
    }
    podc_error_free(e);
    free(text);
    return 0;
}
