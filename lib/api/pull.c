/* pull.c - POST /libpod/images/pull and /libpod/images/{ref}/push: options, credentials in
 * X-Registry-Auth, the streamed progress (always HTTP 200: a failure is an in-band `error`
 * line, categorised here from its text), and retries with back-off for transient failures. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/images-private.h"
#include "api/progress-stream.h"
#include "api/pull-private.h"
#include "api/registry-auth.h"
#include "api/resource.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/json.h"
#include "core/validate.h"
#include "podc/images.h"
#include "transport/http.h"

#define MAX_TRIES 10

struct podc_image_pull_options {
    podc_image_pull_policy policy;
    unsigned int flags;
    char *user, *password, *token, *authfile;
    char *os, *arch, *variant;
    int tries;
    int64_t backoff_ms;
    podc_data_cb progress;
    void *progress_ud;
    int64_t timeout_ms;
};

static const char *const policy_names[] = { "missing", "always", "newer", "never" };

int podc_image_pull_policy_from_name(const char *name, podc_image_pull_policy *out)
{
    for (size_t i = 0; name && out && i < sizeof policy_names / sizeof policy_names[0]; i++) {
        if (strcmp(name, policy_names[i]) == 0) {
            *out = (podc_image_pull_policy)i;
            return 0;
        }
    }
    return PODC_EINVAL;
}

const char *podc_image_pull_policy_name(podc_image_pull_policy policy)
{
    return (unsigned)policy < sizeof policy_names / sizeof policy_names[0] ? policy_names[policy] : NULL;
}

podc_image_pull_options *podc_image_pull_options_new(void)
{
    podc_image_pull_options *o = calloc(1, sizeof *o);
    if (o) {
        o->tries = 3;
        o->backoff_ms = 1000;
    }
    return o;
}

static int set_secret(char **slot, const char *v)
{
    char *copy = NULL;
    if (v && !(copy = strdup(v)))
        return PODC_ENOMEM;
    pdc_secret_wipe(*slot);
    free(*slot);
    *slot = copy;
    return 0;
}

int podc_image_pull_options_set_policy(podc_image_pull_options *o, podc_image_pull_policy policy, podc_error **err)
{
    if (!o || !podc_image_pull_policy_name(policy))
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->policy = policy;
    return 0;
}

int podc_image_pull_options_set_flags(podc_image_pull_options *o, unsigned int flags, podc_error **err)
{
    if (!o || (flags & ~(PODC_IMAGE_PULL_TLS_NO_VERIFY | PODC_IMAGE_PULL_QUIET)))
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->flags = flags;
    return 0;
}

int podc_image_pull_options_set_credentials(podc_image_pull_options *o, const char *user, const char *password,
                                            podc_error **err)
{
    if (!o || !user || !*user || !password)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    if (set_secret(&o->user, user) < 0 || set_secret(&o->password, password) < 0 || set_secret(&o->token, NULL) < 0)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    return 0;
}

int podc_image_pull_options_set_identity_token(podc_image_pull_options *o, const char *token, podc_error **err)
{
    if (!o || !token || !*token)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    if (set_secret(&o->token, token) < 0 || set_secret(&o->user, NULL) < 0 || set_secret(&o->password, NULL) < 0)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    return 0;
}

int podc_image_pull_options_set_authfile(podc_image_pull_options *o, const char *path, podc_error **err)
{
    if (!o || !path || !*path)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, set_secret(&o->authfile, path));
}

int podc_image_pull_options_set_platform(podc_image_pull_options *o, const char *os, const char *arch,
                                         const char *variant, podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    if (set_secret(&o->os, os && *os ? os : NULL) < 0 || set_secret(&o->arch, arch && *arch ? arch : NULL) < 0 ||
        set_secret(&o->variant, variant && *variant ? variant : NULL) < 0)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    return 0;
}

int podc_image_pull_options_set_retries(podc_image_pull_options *o, int tries, int64_t backoff_ms, podc_error **err)
{
    if (!o || tries < 1 || tries > MAX_TRIES || backoff_ms < 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->tries = tries;
    o->backoff_ms = backoff_ms;
    return 0;
}

int podc_image_pull_options_set_progress(podc_image_pull_options *o, podc_data_cb cb, void *userdata, podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->progress = cb;
    o->progress_ud = userdata;
    return 0;
}

int podc_image_pull_options_set_timeout(podc_image_pull_options *o, int64_t timeout_ms, podc_error **err)
{
    if (!o || timeout_ms < 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->timeout_ms = timeout_ms;
    return 0;
}

void podc_image_pull_options_free(podc_image_pull_options *o)
{
    if (!o)
        return;
    char **all[] = { &o->user, &o->password, &o->token, &o->authfile, &o->os, &o->arch, &o->variant };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        set_secret(all[i], NULL);
    free(o);
}

/* ------------------------------------------------------------------------------------------ */
/* What podman's error line means                                                               */

typedef enum { KIND_AUTH, KIND_NOT_FOUND, KIND_TLS, KIND_TRANSIENT, KIND_INVALID, KIND_OTHER } fail_kind;

static const struct {
    const char *needle;
    fail_kind kind;
} fail_map[] = {
    /* transient first: "TLS handshake timeout" is not a TLS mismatch */
    { "TLS handshake timeout", KIND_TRANSIENT },
    { "connection refused", KIND_TRANSIENT },
    { "connection reset", KIND_TRANSIENT },
    { "no such host", KIND_TRANSIENT },
    { "i/o timeout", KIND_TRANSIENT },
    { "network is unreachable", KIND_TRANSIENT },
    { "no route to host", KIND_TRANSIENT },
    { "Client.Timeout", KIND_TRANSIENT },
    { "unexpected EOF", KIND_TRANSIENT },
    { "500 Internal Server Error", KIND_TRANSIENT },
    { "502 Bad Gateway", KIND_TRANSIENT },
    { "503 Service Unavailable", KIND_TRANSIENT },
    { "504 Gateway", KIND_TRANSIENT },
    { "429 Too Many Requests", KIND_TRANSIENT },
    { "toomanyrequests", KIND_TRANSIENT },
    { "received unexpected HTTP status: 5", KIND_TRANSIENT },
    { "unauthorized", KIND_AUTH },
    { "authentication required", KIND_AUTH },
    { "incorrect username or password", KIND_AUTH },
    { "invalid username/password", KIND_AUTH },
    { "requested access to the resource is denied", KIND_AUTH },
    { "denied:", KIND_AUTH },
    { "manifest unknown", KIND_NOT_FOUND },
    { "name unknown", KIND_NOT_FOUND },
    { "repository name not known", KIND_NOT_FOUND },
    { "image not known", KIND_NOT_FOUND },
    { "no such image", KIND_NOT_FOUND },
    { "failed to find image", KIND_NOT_FOUND },
    { "not found", KIND_NOT_FOUND },
    { "server gave HTTP response to HTTPS client", KIND_TLS },
    { "x509:", KIND_TLS },
    { "tls:", KIND_TLS },
    { "certificate", KIND_TLS },
    { "invalid reference format", KIND_INVALID },
    { "short-name", KIND_INVALID },
    { "short name", KIND_INVALID },
};

static fail_kind classify(const char *text)
{
    for (size_t i = 0; text && i < sizeof fail_map / sizeof fail_map[0]; i++)
        if (strstr(text, fail_map[i].needle))
            return fail_map[i].kind;
    return KIND_OTHER;
}

/* The registry named in podman's text, new, or NULL: "pinging container registry HOST: ..."
 * or "Get \"http(s)://HOST/v2/...". */
static char *registry_in_text(const char *text)
{
    const char *p = strstr(text, "pinging container registry ");
    if (p) {
        p += strlen("pinging container registry ");
        const char *end = strstr(p, ": ");
        return end ? strndup(p, (size_t)(end - p)) : NULL;
    }
    if ((p = strstr(text, "://")) != NULL) {
        p += 3;
        return strndup(p, strcspn(p, "/\" "));
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* One try                                                                                      */

typedef pdc_transfer transfer;

static int on_object(yajl_val obj, void *ud)
{
    transfer *t = ud;
    const char *id = pdc_json_str(obj, "id", NULL);
    const char *digest = pdc_json_str(obj, "manifestdigest", NULL);
    if (id && *id && !t->id && !(t->id = pdc_image_strip_digest_prefix(id)))
        return PODC_ENOMEM;
    if (digest && *digest && !t->digest && !(t->digest = strdup(digest)))
        return PODC_ENOMEM;
    return 0;
}

podc_error *pdc_transfer_error(const transfer *t, const pdc_http_request *req, const char *text, int *transient)
{
    fail_kind kind = classify(text);
    *transient = kind == KIND_TRANSIENT;
    char *reg_text = t->auth.registry ? NULL : registry_in_text(text);
    const char *reg = t->auth.registry ? t->auth.registry : reg_text;
    podc_error *e;
    switch (kind) {
    case KIND_AUTH:
        if (t->auth.source)
            e = pdc_error_new(PODC_EAUTH, "%s %s: the registry%s%s refused the credentials (from %s): %s", t->verb,
                              t->ref, reg ? " " : "", reg ? reg : "", t->auth.source, text);
        else if (t->auth.creds_store)
            e = pdc_error_new(PODC_EAUTH, "%s %s: the registry%s%s asks for credentials: %s (%s names the credential "
                               "store docker-credential-%s, which podc cannot use: give the credentials explicitly "
                               "or in an auth file)", t->verb, t->ref, reg ? " " : "", reg ? reg : "", text,
                               t->auth.store_file, t->auth.creds_store);
        else
            e = pdc_error_new(PODC_EAUTH, "%s %s: the registry%s%s asks for credentials and none were found "
                               "(give them explicitly or log in to an auth file): %s", t->verb, t->ref,
                               reg ? " " : "", reg ? reg : "", text);
        break;
    case KIND_NOT_FOUND:
        e = pdc_error_new(PODC_ENOTFOUND, "%s %s: not found: %s", t->verb, t->ref, text);
        break;
    case KIND_TLS:
        e = pdc_error_new(PODC_EINVAL, "%s %s: TLS failed: %s (for a plain-HTTP or self-signed registry you trust, "
                           "turn TLS verification off: --tls-verify=false)", t->verb, t->ref, text);
        pdc_error_add_detail(e, "field", "tls_verify");
        break;
    case KIND_INVALID:
        e = pdc_error_new(PODC_EINVAL, "%s %s: %s", t->verb, t->ref, text);
        pdc_error_add_detail(e, "field", "ref");
        break;
    case KIND_TRANSIENT:
        if (t->try_no == t->tries && t->tries > 1)
            e = pdc_error_new(PODC_ETRANSPORT, "%s %s: the registry%s%s is unreachable after %d tries: %s", t->verb,
                              t->ref, reg ? " " : "", reg ? reg : "", t->tries, text);
        else
            e = pdc_error_new(PODC_ETRANSPORT, "%s %s: the registry%s%s is unreachable: %s", t->verb, t->ref,
                              reg ? " " : "", reg ? reg : "", text);
        break;
    default:
        e = pdc_error_new(PODC_ESERVER, "%s %s: %s", t->verb, t->ref, text);
        break;
    }
    pdc_error_set_request(e, req->method, req->path);
    pdc_error_set_server(e, 200, NULL, text);
    if (reg)
        pdc_error_add_detail(e, "registry", reg);
    pdc_error_add_detail(e, "image", t->ref);
    free(reg_text);
    return e;
}

static int one_try(podc_client *c, transfer *t, const char *path, int *transient, podc_error **err)
{
    *transient = 0;
    const podc_image_pull_options *o = t->o;
    pdc_progress_stream ps;
    pdc_progress_stream_init(&ps, o ? o->progress : NULL, o ? o->progress_ud : NULL);
    ps.on_object = on_object;
    ps.object_ud = t;
    const char *headers[2] = { t->auth.header, NULL };
    pdc_http_request req = {
        .method = "POST",
        .path = path,
        .headers = headers,
        .on_data = pdc_progress_stream_feed,
        .data_ud = &ps,
        .timeout_ms = o && o->timeout_ms ? o->timeout_ms : -1,
    };
    pdc_http_response resp;
    int rc = pdc_http_call(c, &req, &resp, err);
    int plen = (int)strcspn(path, "?");
    if (rc < 0 && ps.json_lines.bad) {
        rc = pdc_error_set(err, PODC_EPROTOCOL, "POST %.*s: progress line is not a JSON object", plen, path);
    } else if (rc < 0 && ps.json_lines.oom) {
        rc = pdc_error_oom(err);
    } else if (rc == PODC_ETIMEOUT) {
        *transient = 1;
    } else if ((rc == PODC_ESERVER || rc == PODC_EINVAL) && err && *err && podc_error_http_status(*err) >= 400 &&
               podc_error_server_message(*err) && classify(podc_error_server_message(*err)) != KIND_OTHER) {
        /* a failure podman reported as a status, not in the stream (a quiet push does) */
        int tr = 0;
        char *text = strdup(podc_error_server_message(*err));
        rc = text ? pdc_error_put(err, pdc_transfer_error(t, &req, text, &tr)) : pdc_error_oom(err);
        *transient = tr;
        free(text);
    }
    if (rc == 0) {
        int r = pdc_progress_stream_finish(&ps);
        if (r == PODC_ECANCELLED)
            rc = pdc_error_set(err, r, "POST %.*s: stopped by callback", plen, path);
        else if (r == PODC_EPROTOCOL)
            rc = pdc_error_set(err, r, "POST %.*s: progress line is not a JSON object", plen, path);
        else if (r < 0)
            rc = pdc_error_oom(err);
    }
    if (rc == 0 && ps.error) {
        rc = pdc_error_put(err, pdc_transfer_error(t, &req, ps.error, transient));
    } else if (rc == 0 && strcmp(t->verb, "pull") == 0 && !t->id) {
        rc = pdc_error_set(err, PODC_EPROTOCOL, "POST %.*s: the pull ended without an image ID", plen, path);
    }
    pdc_http_response_free(&resp);
    pdc_progress_stream_free(&ps);
    return rc;
}

/* Tries until success, a failure no retry can fix, or the budget is spent. Each try's error
 * is kept here (the caller's err may be NULL: the category must not depend on it). */
static int with_retries(podc_client *c, transfer *t, const char *path, podc_error **err)
{
    const podc_image_pull_options *o = t->o;
    int tries = o ? o->tries : 3;
    int64_t wait = o ? o->backoff_ms : 1000;
    int rc = 0;
    podc_error *last = NULL;
    t->tries = tries;
    for (int n = 1; n <= tries; n++) {
        int transient = 0;
        t->try_no = n;
        podc_error_free(last);
        last = NULL;
        rc = one_try(c, t, path, &transient, &last);
        if (rc == 0 || !transient)
            break;
        if (n == tries) {
            if (rc == PODC_ETIMEOUT && tries > 1)
                pdc_error_prefix(last, "%s %s: timed out %d times", t->verb, t->ref, tries);
            break;
        }
        if (o && o->progress) {
            char line[512];
            int len = snprintf(line, sizeof line, "retrying in %lld ms (try %d of %d): %s", (long long)wait, n + 1,
                               tries, last ? podc_error_message(last) : podc_strerror(rc));
            if (len >= (int)sizeof line)
                len = (int)sizeof line - 1;
            if (o->progress(line, (size_t)len, o->progress_ud) != 0) {
                podc_error_free(last);
                return pdc_error_set(err, PODC_ECANCELLED, "%s %s: stopped by callback", t->verb, t->ref);
            }
        }
        podc_error_free(last);
        last = NULL;
        if ((rc = pdc_http_sleep(c, wait, &last)) < 0)
            break;
        wait *= 2;
    }
    if (rc < 0)
        return last ? pdc_error_put(err, last) : rc;
    podc_error_free(last);
    return 0;
}

static int begin(transfer *t, const char *verb, const char *ref, const podc_image_pull_options *o, podc_error **err)
{
    memset(t, 0, sizeof *t);
    t->verb = verb;
    t->ref = ref;
    t->o = o;
    pdc_registry_auth_in in = {
        .ref = ref,
        .user = o ? o->user : NULL,
        .password = o ? o->password : NULL,
        .token = o ? o->token : NULL,
        .authfile = o ? o->authfile : NULL,
    };
    return pdc_registry_auth_resolve(&in, &t->auth, err);
}

static void end(transfer *t)
{
    pdc_registry_auth_free(&t->auth);
    free(t->id);
    free(t->digest);
}

int podc_image_pull(podc_client *c, const char *ref, const podc_image_pull_options *o, char **out_id,
                    podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "NULL argument");
    int rc = pdc_image_check_pull_ref("ref", ref, err);
    if (rc < 0)
        return rc;
    transfer t;
    if ((rc = begin(&t, "pull", ref, o, err)) < 0)
        return rc;
    pdc_buf path = PODC_BUF_INIT;
    const char *policy = podc_image_pull_policy_name(o ? o->policy : PODC_IMAGE_PULL_MISSING);
    int bad = pdc_buf_puts(&path, "/libpod/images/pull") || pdc_buf_put_query(&path, "reference", ref) ||
              pdc_buf_put_query(&path, "policy", policy) ||
              pdc_buf_put_query_bool(&path, "quiet", o && (o->flags & PODC_IMAGE_PULL_QUIET));
    if (!bad && o && (o->flags & PODC_IMAGE_PULL_TLS_NO_VERIFY))
        bad = pdc_buf_put_query_bool(&path, "tlsVerify", 0);
    if (!bad && o && o->os)
        bad = pdc_buf_put_query(&path, "OS", o->os);
    if (!bad && o && o->arch)
        bad = pdc_buf_put_query(&path, "Arch", o->arch);
    if (!bad && o && o->variant)
        bad = pdc_buf_put_query(&path, "Variant", o->variant);
    pdc_call_enter(c); /* the tries and the sleeps between them: one call for a cancel */
    rc = bad ? pdc_error_oom(err) : with_retries(c, &t, path.data, err);
    pdc_call_leave(c);
    if (rc == 0 && out_id) {
        *out_id = t.id;
        t.id = NULL;
    }
    pdc_buf_free(&path);
    end(&t);
    return rc;
}

int podc_image_push(podc_client *c, const char *ref, const char *destination, const podc_image_pull_options *o,
                    char **out_digest, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "NULL argument");
    int rc = pdc_validate_image("ref", ref, err);
    if (rc == 0 && destination)
        rc = pdc_image_check_name("destination", destination, err);
    if (rc < 0)
        return rc;
    const char *dest = destination ? destination : ref;
    transfer t;
    if ((rc = begin(&t, "push", dest, o, err)) < 0)
        return rc;
    pdc_buf path = PODC_BUF_INIT;
    int bad = pdc_resource_path(&path, "/libpod/images/", ref, "/push") ||
              pdc_buf_put_query(&path, "destination", dest) ||
              pdc_buf_put_query_bool(&path, "quiet", o && (o->flags & PODC_IMAGE_PULL_QUIET));
    if (!bad && o && (o->flags & PODC_IMAGE_PULL_TLS_NO_VERIFY))
        bad = pdc_buf_put_query_bool(&path, "tlsVerify", 0);
    pdc_call_enter(c);
    rc = bad ? pdc_error_oom(err) : with_retries(c, &t, path.data, err);
    pdc_call_leave(c);
    if (rc == 0 && out_digest) {
        *out_digest = t.digest;
        t.digest = NULL;
    }
    pdc_buf_free(&path);
    end(&t);
    return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* For the layers above: make sure an image is there, as a policy says                          */

podc_image_pull_options *pdc_image_pull_options_dup(const podc_image_pull_options *o)
{
    podc_image_pull_options *d = podc_image_pull_options_new();
    if (!d || !o)
        return d;
    d->policy = o->policy;
    d->flags = o->flags;
    d->tries = o->tries;
    d->backoff_ms = o->backoff_ms;
    d->timeout_ms = o->timeout_ms;
    d->progress = o->progress;
    d->progress_ud = o->progress_ud;
    const char *src[] = { o->user, o->password, o->token, o->authfile, o->os, o->arch, o->variant };
    char **dst[] = { &d->user, &d->password, &d->token, &d->authfile, &d->os, &d->arch, &d->variant };
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) {
        if (set_secret(dst[i], src[i]) < 0) {
            podc_image_pull_options_free(d);
            return NULL;
        }
    }
    return d;
}

int pdc_image_pull_options_replace(podc_image_pull_options **slot, const podc_image_pull_options *opts)
{
    podc_image_pull_options *copy = opts ? pdc_image_pull_options_dup(opts) : NULL;
    if (opts && !copy)
        return PODC_ENOMEM;
    podc_image_pull_options_free(*slot);
    *slot = copy;
    return 0;
}

int pdc_image_pull_options_policy(const podc_image_pull_options *o)
{
    return o ? o->policy : PODC_IMAGE_PULL_MISSING;
}

typedef struct prefixed {
    const char *ref;
    podc_data_cb cb;
    void *ud;
} prefixed;

/* "pulling REF: <podman's line>" to the caller's progress */
static int prefixed_line(const char *data, size_t len, void *ud)
{
    prefixed *p = ud;
    pdc_buf b = PODC_BUF_INIT;
    if (pdc_buf_printf(&b, "pulling %s: %.*s", p->ref, (int)len, data) < 0) {
        pdc_buf_free(&b);
        return 0;
    }
    int rc = p->cb(b.data, b.len, p->ud);
    pdc_buf_free(&b);
    return rc;
}

int pdc_image_ensure(podc_client *c, const char *ref, const podc_image_pull_options *o, podc_data_cb progress,
                     void *progress_ud, int *pulled, podc_error **err)
{
    *pulled = 0;
    podc_image_pull_policy policy = pdc_image_pull_options_policy(o);
    int exists = 0, rc = 0;
    /* a present image is kept: unless the policy asks the registry again, or it is a local one */
    int keep_present = policy == PODC_IMAGE_PULL_MISSING || policy == PODC_IMAGE_PULL_NEVER ||
                       strncmp(ref, "localhost/", 10) == 0;
    if (keep_present && (rc = podc_image_exists(c, ref, &exists, err)) < 0)
        return rc;
    if (exists && keep_present)
        return 0;
    if (!exists && (policy == PODC_IMAGE_PULL_NEVER || strncmp(ref, "localhost/", 10) == 0)) {
        podc_error *e = pdc_error_new(PODC_ENOTFOUND, "image %s is not present%s", ref,
                                      policy == PODC_IMAGE_PULL_NEVER ? " and the pull policy is never"
                                                                      : " (localhost/ names local images: build it, "
                                                                        "or tag one with that name; nothing to pull)");
        pdc_error_add_detail(e, "image", ref);
        return pdc_error_put(err, e);
    }
    podc_image_pull_options *po = pdc_image_pull_options_dup(o);
    if (!po)
        return pdc_error_oom(err);
    /* the caller's step callback gets the lines; the options' own is not used here (a stack
     * pulls from several threads, and only its own callback is serialised) */
    prefixed p = { .ref = ref, .cb = progress, .ud = progress_ud };
    podc_image_pull_options_set_progress(po, progress ? prefixed_line : NULL, progress ? &p : NULL, NULL);
    if (!progress)
        po->flags |= PODC_IMAGE_PULL_QUIET;
    rc = podc_image_pull(c, ref, po, NULL, err);
    podc_image_pull_options_free(po);
    if (rc == 0)
        *pulled = 1;
    return rc;
}
