/*
 * fuzz_json.c - podman's JSON replies: pdc_json_parse, every accessor over the tree, the
 * tree re-emitted by pdc_jgen_tree (it must parse back to the same tree), and the error-reply
 * mapper pdc_error_from_reply for a status taken from the input (its JSON must parse).
 * Contracts checked: pdc_json_parse never returns a tree nested deeper than
 * PODC_JSON_MAX_DEPTH (yajl_tree_free recurses); the accessors agree with the tree; the error
 * object has a category, the status and a message, and its JSON parses.
 */
#include <yajl/yajl_tree.h>

#include "core/error-private.h"
#include "core/json.h"
#include "fuzz.h"
#include "podc/error.h"

static size_t walk(yajl_val v, size_t depth)
{
    size_t max = depth;
    int64_t n;
    (void)pdc_json_as_str(v);
    (void)pdc_json_int(v, &n, NULL);
    (void)pdc_json_bool(v, NULL);
    size_t len = pdc_json_object_len(v);
    for (size_t i = 0; i <= len; i++) { /* one past the end: NULL, not a read out of bounds */
        const char *k = pdc_json_object_key(v, i);
        yajl_val x = pdc_json_object_value(v, i);
        FUZZ_CHECK((k == NULL) == (i == len), "object key %zu of %zu", i, len);
        if (k) {
            /* the path getter finds a member by key (the first of duplicates) */
            FUZZ_CHECK(pdc_json_get(v, k, NULL) != NULL, "member \"%s\" not found by path", k);
            size_t d = walk(x, depth + 1);
            if (d > max)
                max = d;
        }
    }
    len = pdc_json_array_len(v);
    for (size_t i = 0; i <= len; i++) {
        yajl_val x = pdc_json_array_at(v, i);
        FUZZ_CHECK((x == NULL) == (i == len), "array item %zu of %zu", i, len);
        if (i < len) {
            size_t d = walk(x, depth + 1);
            if (d > max)
                max = d;
        }
    }
    return max;
}

static int same(yajl_val a, yajl_val b)
{
    if (!a || !b)
        return a == b;
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case yajl_t_string:
        return strcmp(a->u.string, b->u.string) == 0;
    case yajl_t_number:
        return strcmp(a->u.number.r, b->u.number.r) == 0 ||
               (YAJL_IS_INTEGER(a) && YAJL_IS_INTEGER(b) && a->u.number.i == b->u.number.i) ||
               (YAJL_IS_DOUBLE(a) && YAJL_IS_DOUBLE(b) && a->u.number.d == b->u.number.d);
    case yajl_t_object:
        if (a->u.object.len != b->u.object.len)
            return 0;
        for (size_t i = 0; i < a->u.object.len; i++)
            if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0 ||
                !same(a->u.object.values[i], b->u.object.values[i]))
                return 0;
        return 1;
    case yajl_t_array:
        if (a->u.array.len != b->u.array.len)
            return 0;
        for (size_t i = 0; i < a->u.array.len; i++)
            if (!same(a->u.array.values[i], b->u.array.values[i]))
                return 0;
        return 1;
    default:
        return 1;
    }
}

/* What podc reads from podman's replies: a few paths of each shape. */
static void getters(yajl_val v)
{
    int64_t n;
    (void)pdc_json_str(v, "Id", NULL);
    (void)pdc_json_str(v, "cause", NULL);
    (void)pdc_json_str(v, "message", NULL);
    (void)pdc_json_str(v, "errorDetail", "message", NULL);
    (void)pdc_json_int(v, &n, "State", "Pid", NULL);
    (void)pdc_json_bool(v, "State", "Running", NULL);
    (void)pdc_json_get(v, "NetworkSettings", "Ports", NULL);
    (void)pdc_json_get(v, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", NULL);
    (void)pdc_json_get(v, NULL);
}

static void map_error(int status, const char *body)
{
    char errbuf[128];
    podc_error *e = pdc_error_from_reply(status, body, "GET", "/v4.0.0/libpod/containers/x/json?all=true");
    FUZZ_CHECK(e != NULL, "no error object");
    int code = podc_error_code(e);
    FUZZ_CHECK(code < 0 && podc_error_code_name(code) != NULL, "code %d", code);
    FUZZ_CHECK(podc_error_message(e) != NULL, "no message");
    FUZZ_CHECK(podc_error_http_status(e) == status, "status %d", podc_error_http_status(e));
    (void)podc_error_cause(e);
    (void)podc_error_server_message(e);
    char *js = podc_error_to_json(e);
    FUZZ_CHECK(js != NULL, "podc_error_to_json failed");
    FUZZ_CHECK(fuzz_json_syntax_ok(js, errbuf, sizeof errbuf), "podc_error_to_json wrote bad JSON: %s\n%s", errbuf, js);
    free(js);
    podc_error_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char errbuf[128];
    yajl_val v = pdc_json_parse(text, errbuf, sizeof errbuf);
    if (v) {
        size_t depth = walk(v, 0);
        FUZZ_CHECK(depth < PODC_JSON_MAX_DEPTH, "pdc_json_parse returned a tree %zu levels deep (limit %d)", depth + 1,
                   PODC_JSON_MAX_DEPTH);
        getters(v);
        pdc_jgen j;
        if (pdc_jgen_init(&j) == 0) {
            pdc_jgen_tree(&j, v);
            size_t len = 0;
            char *out = pdc_jgen_finish(&j, &len);
            FUZZ_CHECK(out != NULL, "pdc_jgen_tree failed on a parsed tree");
            yajl_val w = pdc_json_parse(out, errbuf, sizeof errbuf);
            FUZZ_CHECK(w != NULL, "re-emitted tree does not parse: %s", errbuf);
            FUZZ_CHECK(same(v, w), "re-emitted tree differs");
            pdc_json_free(w);
            free(out);
        }
    }
    pdc_json_free(v);

    /* the error mapper, for the statuses it treats apart and one from the input's length */
    static const int statuses[] = { 304, 400, 404, 405, 409, 500 };
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        map_error(statuses[i], text);
    map_error(100 + (int)(size % 500), text);
    free(text);
    return 0;
}
