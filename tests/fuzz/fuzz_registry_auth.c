/*
 * fuzz_registry_auth.c - registry auth files (auth.json, ~/.docker/config.json) as
 * pdc_registry_auth_resolve reads them, and base64 (pdc_base64_decode/encode).
 * The bytes before the first NUL become $REGISTRY_AUTH_FILE, those after it (if any)
 * $HOME/.docker/config.json, both in a private temp dir; resolved for "r.example/a:1",
 * "docker.io/library/redis:7-alpine", the short name "a:1", and with the file named explicitly.
 * Contracts checked: a header is "X-Registry-Auth: " + base64url of a JSON object; no secret
 * of the files (an `auth`'s password, "password", "identitytoken") appears in an error;
 * base64 decode(encode(x)) == x in both alphabets.
 */
#include <yajl/yajl_tree.h>

#include "api/registry-auth.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/json.h"
#include "fuzz.h"
#include "podc/error.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char p[600];
    snprintf(p, sizeof p, "%s/home", fuzz_dir());
    mkdir(p, 0700);
    setenv("HOME", p, 1);
    snprintf(p, sizeof p, "%s/home/.docker", fuzz_dir());
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/in.json", fuzz_dir());
    setenv("REGISTRY_AUTH_FILE", p, 1);
    unsetenv("XDG_RUNTIME_DIR");
    return 0;
}

/* Secrets a file holds (at most 16, of 6+ bytes), and the public text an error may quote:
 * every key, every other string value, the refs and paths, podc's message templates. A secret
 * found in the public text is not checked (it would be quoted by right). */
typedef struct secrets {
    char *v[16];
    size_t n;
    pdc_buf pub;
} secrets;

static const char templates[] =
    "auth file : not a JSON object (larger than 1 MiB) the entry for has an `auth` that is not base64 \"user:password\" "
    "registry : the credential helper docker-credential- (credHelpers in ) is not supported: podc runs no programs; "
    "give the credentials explicitly or in an auth file (`auths`) out of memory No such file or directory "
    "r.example/a:1 docker.io/library/redis:7-alpine a:1 localhost:5000/team/app "
    "https://index.docker.io/v1/ registry-1.docker.io ";

static void add_secret(secrets *s, const char *v, size_t len)
{
    if (len >= 6 && s->n < 16)
        s->v[s->n++] = strndup(v, len);
}

static void add_public(secrets *s, yajl_val v)
{
    for (size_t i = 0; i < pdc_json_object_len(v); i++) {
        const char *k = pdc_json_object_key(v, i);
        pdc_buf_puts(&s->pub, k);
        pdc_buf_puts(&s->pub, "\n");
        yajl_val x = pdc_json_object_value(v, i);
        if (strcmp(k, "password") && strcmp(k, "identitytoken") && strcmp(k, "auth"))
            add_public(s, x);
    }
    for (size_t i = 0; i < pdc_json_array_len(v); i++)
        add_public(s, pdc_json_array_at(v, i));
    if (pdc_json_as_str(v)) {
        pdc_buf_puts(&s->pub, pdc_json_as_str(v));
        pdc_buf_puts(&s->pub, "\n");
    }
}

static void collect(secrets *s, const char *text)
{
    yajl_val root = yajl_tree_parse(text, NULL, 0);
    add_public(s, root);
    yajl_val auths = pdc_json_get(root, "auths", NULL);
    for (size_t i = 0; i < pdc_json_object_len(auths); i++) {
        yajl_val ent = pdc_json_object_value(auths, i);
        const char *pw = pdc_json_str(ent, "password", NULL), *tok = pdc_json_str(ent, "identitytoken", NULL),
                   *auth = pdc_json_str(ent, "auth", NULL);
        if (pw)
            add_secret(s, pw, strlen(pw));
        if (tok)
            add_secret(s, tok, strlen(tok));
        size_t len = 0;
        char *plain = auth ? pdc_base64_decode(auth, &len) : NULL;
        char *colon = plain ? memchr(plain, ':', len) : NULL;
        if (colon) {
            pdc_buf_append(&s->pub, plain, (size_t)(colon - plain)); /* the user name is not secret */
            pdc_buf_puts(&s->pub, "\n");
            add_secret(s, colon + 1, strlen(colon + 1));
        }
        free(plain);
    }
    yajl_tree_free(root);
}

static void no_secret_in(const secrets *s, const char *what, const char *text)
{
    for (size_t i = 0; text && i < s->n; i++)
        FUZZ_CHECK(!strstr(text, s->v[i]) || strstr(templates, s->v[i]) || strstr(fuzz_dir(), s->v[i]) ||
                       (s->pub.data && strstr(s->pub.data, s->v[i])), "secret \"%s\" in the error's %s: %s", s->v[i], what, text);
}

static void resolve(const secrets *s, const char *ref, const char *authfile)
{
    pdc_registry_auth_in in = { .ref = ref, .authfile = authfile };
    pdc_registry_auth a;
    podc_error *err = NULL;
    int rc = pdc_registry_auth_resolve(&in, &a, &err);
    if (rc == 0) {
        FUZZ_CHECK(err == NULL, "success with an error");
        if (a.header) {
            FUZZ_CHECK(strncmp(a.header, "X-Registry-Auth: ", 17) == 0, "header %s", a.header);
            const char *b = a.header + 17;
            FUZZ_CHECK(strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=") == strlen(b),
                       "header not base64url: %s", b);
            size_t len = 0;
            char *json = pdc_base64_decode(b, &len);
            FUZZ_CHECK(json != NULL, "header does not decode");
            char eb[128];
            FUZZ_CHECK(strlen(json) == len, "NUL inside the header JSON");
            FUZZ_CHECK(json[0] == '{' && fuzz_json_syntax_ok(json, eb, sizeof eb), "header JSON is not an object: %s: %s",
                       eb, json);
            explicit_bzero(json, len);
            free(json);
            FUZZ_CHECK(a.source != NULL, "credentials without a source");
        }
        pdc_registry_auth_free(&a);
    } else {
        FUZZ_CHECK(rc == PODC_EINVAL || rc == PODC_EUNSUPPORTED || rc == PODC_ENOMEM, "rc %d", rc);
        FUZZ_CHECK(err != NULL, "failure without an error");
        FUZZ_CHECK(a.header == NULL && a.registry == NULL && a.source == NULL, "output left on failure");
        no_secret_in(s, "message", podc_error_message(err));
        static const char *const keys[] = { "file", "registry", "field", "image", NULL };
        for (const char *const *k = keys; *k; k++)
            no_secret_in(s, *k, podc_error_detail(err, *k));
        char *js = podc_error_to_json(err);
        no_secret_in(s, "JSON", js);
        free(js);
        podc_error_free(err);
    }
}

static void base64_check(const uint8_t *data, size_t size, const char *text)
{
    for (int url = 0; url < 2; url++) {
        pdc_buf b = PODC_BUF_INIT;
        FUZZ_CHECK((url ? pdc_base64url_encode(&b, data, size) : pdc_base64_encode(&b, data, size)) == 0, "oom");
        FUZZ_CHECK(b.len == (size + 2) / 3 * 4, "encoded length %zu for %zu", b.len, size);
        size_t n = 0;
        char *d = pdc_base64_decode(b.data ? b.data : "", &n);
        FUZZ_CHECK(d && n == size && memcmp(d, data, size) == 0, "decode(encode(x)) != x");
        free(d);
        pdc_buf_free(&b);
    }
    size_t n = 0;
    char *d = pdc_base64_decode(text, &n);
    if (d) {
        FUZZ_CHECK(n <= strlen(text) * 3 / 4 + 1, "decoded %zu bytes from %zu", n, strlen(text));
        pdc_buf b = PODC_BUF_INIT;
        FUZZ_CHECK(pdc_base64_encode(&b, d, n) == 0, "oom");
        size_t m = 0;
        char *again = pdc_base64_decode(b.data ? b.data : "", &m);
        FUZZ_CHECK(again && m == n && memcmp(again, d, n) == 0, "decode(encode(decode(x))) != decode(x)");
        free(again);
        pdc_buf_free(&b);
        free(d);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *first;
    char *second = fuzz_split(data, size, &first);
    const char *path = fuzz_write("in.json", first, strlen(first));
    char docker[600];
    snprintf(docker, sizeof docker, "%s/home/.docker/config.json", fuzz_dir());
    if (second)
        fuzz_write("home/.docker/config.json", second, strlen(second));
    else
        unlink(docker);
    secrets s = { .n = 0, .pub = PODC_BUF_INIT };
    collect(&s, first);
    if (second)
        collect(&s, second);
    char *authfile = strdup(path);
    resolve(&s, "r.example/a:1", NULL);
    resolve(&s, "docker.io/library/redis:7-alpine", NULL);
    resolve(&s, "a:1", NULL);
    resolve(&s, "localhost:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            authfile);
    free(authfile);
    base64_check(data, size, first);
    for (size_t i = 0; i < s.n; i++)
        free(s.v[i]);
    pdc_buf_free(&s.pub);
    free(first);
    free(second);
    return 0;
}
