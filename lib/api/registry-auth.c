/* registry-auth.c - where registry credentials come from, as podman finds them:
 * explicit, else the first auth file with an entry for the registry among $REGISTRY_AUTH_FILE,
 * $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json, ~/.docker/config.json.
 * podc runs no programs, so a credential helper is an error that names it. */
#include "config.h"

#include "api/registry-auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/images-private.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error-private.h"
#include "core/file.h"
#include "core/json.h"

#define MAX_AUTH_FILE (1024 * 1024)

void pdc_secret_wipe(char *s)
{
    if (s)
        explicit_bzero(s, strlen(s));
}

void pdc_registry_auth_free(pdc_registry_auth *a)
{
    pdc_secret_wipe(a->header);
    free(a->header);
    free(a->registry);
    free(a->source);
    free(a->creds_store);
    free(a->store_file);
    memset(a, 0, sizeof *a);
}

/* An auth file key as a registry[/path]: no scheme, Docker Hub's aliases as docker.io, and
 * a URL's path dropped ("https://index.docker.io/v1/" -> "docker.io"). New string. */
static char *normalize_key(const char *key)
{
    int had_scheme = 0;
    if (strncmp(key, "https://", 8) == 0)
        key += 8, had_scheme = 1;
    else if (strncmp(key, "http://", 7) == 0)
        key += 7, had_scheme = 1;
    size_t n = strlen(key);
    if (had_scheme)
        n = strcspn(key, "/");
    while (n && key[n - 1] == '/')
        n--;
    size_t host = strcspn(key, "/");
    if (host > n)
        host = n;
    pdc_buf b = PODC_BUF_INIT;
    if ((host == 15 && strncmp(key, "index.docker.io", 15) == 0) ||
        (host == 20 && strncmp(key, "registry-1.docker.io", 20) == 0)) {
        if (pdc_buf_puts(&b, "docker.io") < 0 || pdc_buf_append(&b, key + host, n - host) < 0) {
            pdc_buf_free(&b);
            return NULL;
        }
        return pdc_buf_detach(&b);
    }
    return strndup(key, n);
}

/* How well key matches registry/path: 0 = not at all, else the key's length (longer = more
 * specific). A key matches the registry itself or a path prefix on a '/' boundary. */
static size_t key_match(const char *key, const char *registry, const char *path)
{
    size_t rl = strlen(registry);
    if (strncmp(key, registry, rl) != 0)
        return 0;
    if (key[rl] == '\0')
        return rl;
    if (key[rl] != '/')
        return 0;
    const char *kp = key + rl + 1;
    size_t kl = strlen(kp);
    if (strncmp(path, kp, kl) != 0 || (path[kl] != '\0' && path[kl] != '/'))
        return 0;
    return rl + 1 + kl;
}

typedef struct auth_file {
    char *path;
    yajl_val root;
} auth_file;

/* Reads and parses path. Missing and !required: 0 with root NULL. */
static int load_file(const char *path, int required, auth_file *out, podc_error **err)
{
    out->root = NULL;
    out->path = NULL;
    char *text = NULL;
    size_t len = 0;
    int e = pdc_file_read(path, MAX_AUTH_FILE, 1, &text, &len);
    if (e == ENOENT && !required)
        return 0;
    if (e == ENOMEM)
        return pdc_error_oom(err);
    yajl_val root = e == 0 ? pdc_json_parse(text, NULL, 0) : NULL;
    if (text)
        explicit_bzero(text, len);
    free(text);
    if (!root || !YAJL_IS_OBJECT(root)) {
        pdc_json_free(root);
        podc_error *pe = e && e != EFBIG ? pdc_error_local(e, "authfile", path, "auth file %s", path)
                                         : pdc_error_new(PODC_EINVAL, "auth file %s: not a JSON object%s", path,
                                                         e == EFBIG ? " (larger than 1 MiB)" : "");
        pdc_error_add_detail(pe, "file", path);
        return pdc_error_put(err, pe);
    }
    out->root = root;
    if (!(out->path = strdup(path))) {
        pdc_json_free(root);
        out->root = NULL;
        return pdc_error_oom(err);
    }
    return 0;
}

static void free_file(auth_file *f)
{
    /* yajl trees hold the decoded strings; wipe the auth values before freeing */
    yajl_val auths = pdc_json_get(f->root, "auths", NULL);
    for (size_t i = 0; i < pdc_json_object_len(auths); i++) {
        yajl_val ent = pdc_json_object_value(auths, i);
        for (size_t k = 0; k < pdc_json_object_len(ent); k++) {
            yajl_val v = pdc_json_object_value(ent, k);
            if (YAJL_IS_STRING(v))
                pdc_secret_wipe(v->u.string);
        }
    }
    pdc_json_free(f->root);
    free(f->path);
}

/* One credential as the JSON podman's X-Registry-Auth carries. */
static void gen_cred(pdc_jgen *j, const char *user, const char *password, const char *token)
{
    pdc_jgen_obj_open(j);
    if (token) {
        pdc_jgen_kstr(j, "identitytoken", token);
    } else {
        pdc_jgen_kstr(j, "username", user);
        pdc_jgen_kstr(j, "password", password);
    }
    pdc_jgen_obj_close(j);
}

/* Writes the credential of one `auths` entry (auth = base64 "user:password", or an identity
 * token, or username + password fields). 0, PODC_EINVAL for an `auth` that does not decode. */
static int gen_entry(pdc_jgen *j, yajl_val ent, const char *file, const char *key, podc_error **err)
{
    const char *token = pdc_json_str(ent, "identitytoken", NULL);
    const char *auth = pdc_json_str(ent, "auth", NULL);
    if (auth && *auth) {
        size_t len = 0;
        char *plain = pdc_base64_decode(auth, &len);
        char *colon = plain ? memchr(plain, ':', len) : NULL;
        if (!colon || strlen(plain) != len) {
            if (plain)
                explicit_bzero(plain, len);
            free(plain);
            podc_error *e = pdc_error_new(PODC_EINVAL, "auth file %s: the entry for %s has an `auth` that is not "
                                           "base64 \"user:password\"", file, key);
            pdc_error_add_detail(e, "file", file);
            return pdc_error_put(err, e);
        }
        *colon = '\0';
        gen_cred(j, plain, colon + 1, NULL);
        explicit_bzero(plain, len);
        free(plain);
        return 0;
    }
    if (token && *token) {
        gen_cred(j, NULL, NULL, token);
        return 0;
    }
    gen_cred(j, pdc_json_str(ent, "username", NULL), pdc_json_str(ent, "password", NULL), NULL);
    return 0;
}

static int usable_entry(yajl_val ent)
{
    const char *auth = pdc_json_str(ent, "auth", NULL), *tok = pdc_json_str(ent, "identitytoken", NULL),
               *user = pdc_json_str(ent, "username", NULL);
    return (auth && *auth) || (tok && *tok) || (user && *user);
}

/* Base64 of the generated JSON straight from yajl's buffer, which is wiped before it goes. */
static int finish_header(pdc_jgen *j, pdc_registry_auth *out, podc_error **err)
{
    const unsigned char *json = NULL;
    size_t len = 0;
    pdc_buf b = PODC_BUF_INIT;
    int rc = j->failed || yajl_gen_get_buf(j->g, &json, &len) != yajl_gen_status_ok ? PODC_ENOMEM : 0;
    if (rc == 0)
        rc = pdc_buf_puts(&b, "X-Registry-Auth: ");
    if (rc == 0)
        rc = pdc_base64url_encode(&b, json, len);
    if (json)
        explicit_bzero((void *)json, len);
    pdc_jgen_abort(j);
    if (rc < 0) {
        pdc_secret_wipe(b.data);
        pdc_buf_free(&b);
        return pdc_error_oom(err);
    }
    out->header = pdc_buf_detach(&b);
    return 0;
}

/* The entry of file f for registry/path, the most specific key winning; NULL if none. */
static yajl_val find_entry(const auth_file *f, const char *registry, const char *path, char **key_out)
{
    yajl_val auths = pdc_json_get(f->root, "auths", NULL);
    yajl_val best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < pdc_json_object_len(auths); i++) {
        char *k = normalize_key(pdc_json_object_key(auths, i));
        size_t m = k ? key_match(k, registry, path) : 0;
        free(k);
        if (m > best_len && usable_entry(pdc_json_object_value(auths, i))) {
            best_len = m;
            best = pdc_json_object_value(auths, i);
            *key_out = (char *)pdc_json_object_key(auths, i);
        }
    }
    return best;
}

/* The files to look in, in podman's order. Fills paths[] (new strings) and required[]. */
static size_t search_paths(const char *authfile, char *paths[4], int required[4])
{
    size_t n = 0;
    if (authfile) {
        paths[n] = strdup(authfile);
        required[n++] = 1;
        return paths[0] ? 1 : 0;
    }
    const char *env = getenv("REGISTRY_AUTH_FILE");
    if (env && *env) {
        paths[n] = strdup(env);
        required[n++] = 1; /* podman refuses a REGISTRY_AUTH_FILE that is not there; so do we */
    }
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    const char *home = getenv("HOME");
    pdc_buf b = PODC_BUF_INIT;
    if (xdg && *xdg && pdc_buf_printf(&b, "%s/containers/auth.json", xdg) == 0) {
        paths[n] = pdc_buf_detach(&b);
        required[n++] = 0;
    }
    if (home && *home && pdc_buf_printf(&b, "%s/.config/containers/auth.json", home) == 0) {
        paths[n] = pdc_buf_detach(&b);
        required[n++] = 0;
    }
    if (home && *home && pdc_buf_printf(&b, "%s/.docker/config.json", home) == 0) {
        paths[n] = pdc_buf_detach(&b);
        required[n++] = 0;
    }
    pdc_buf_free(&b);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (paths[i])
            paths[kept] = paths[i], required[kept++] = required[i];
    return kept;
}

/* A credHelpers entry for the registry: podc cannot run the helper. */
static int check_helpers(const auth_file *f, const char *registry, pdc_registry_auth *out, podc_error **err)
{
    yajl_val helpers = pdc_json_get(f->root, "credHelpers", NULL);
    for (size_t i = 0; i < pdc_json_object_len(helpers); i++) {
        char *k = normalize_key(pdc_json_object_key(helpers, i));
        int hit = k && strcmp(k, registry) == 0;
        free(k);
        if (hit) {
            const char *helper = pdc_json_as_str(pdc_json_object_value(helpers, i));
            podc_error *e = pdc_error_new(PODC_EUNSUPPORTED,
                                          "registry %s: the credential helper docker-credential-%s (credHelpers in %s) "
                                           "is not supported: podc runs no programs; give the credentials explicitly "
                                           "or in an auth file (`auths`)",
                                           registry, helper ? helper : "?", f->path);
            pdc_error_add_detail(e, "file", f->path);
            pdc_error_add_detail(e, "registry", registry);
            return pdc_error_put(err, e);
        }
    }
    const char *store = pdc_json_str(f->root, "credsStore", NULL);
    if (store && *store && !out->creds_store) {
        out->creds_store = strdup(store);
        out->store_file = strdup(f->path);
        if (!out->creds_store || !out->store_file)
            return pdc_error_oom(err);
    }
    return 0;
}

/* Short name: every usable `auths` entry of every file, the first file winning per key. */
static int all_entries(auth_file *files, size_t nf, pdc_registry_auth *out, podc_error **err)
{
    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return pdc_error_oom(err);
    pdc_jgen_obj_open(&j);
    size_t sent = 0;
    char *seen[256];
    size_t nseen = 0;
    int rc = 0;
    for (size_t fi = 0; rc == 0 && fi < nf; fi++) {
        yajl_val auths = pdc_json_get(files[fi].root, "auths", NULL);
        for (size_t i = 0; rc == 0 && i < pdc_json_object_len(auths) && nseen < 256; i++) {
            yajl_val ent = pdc_json_object_value(auths, i);
            char *k = normalize_key(pdc_json_object_key(auths, i));
            if (!k) {
                rc = pdc_error_oom(err);
                break;
            }
            int dup = 0;
            for (size_t s = 0; s < nseen && !dup; s++)
                dup = strcmp(seen[s], k) == 0;
            if (dup || !usable_entry(ent)) {
                free(k);
                continue;
            }
            seen[nseen++] = k;
            pdc_jgen_str(&j, k);
            rc = gen_entry(&j, ent, files[fi].path, k, err);
            sent++;
        }
    }
    for (size_t s = 0; s < nseen; s++)
        free(seen[s]);
    pdc_jgen_obj_close(&j);
    if (rc < 0 || sent == 0) {
        pdc_jgen_abort(&j);
        return rc;
    }
    out->source = strdup(files[0].path);
    return finish_header(&j, out, err);
}

int pdc_registry_auth_resolve(const pdc_registry_auth_in *in, pdc_registry_auth *out, podc_error **err)
{
    memset(out, 0, sizeof *out);
    char *path = NULL;
    if (pdc_image_ref_split(in->ref, &out->registry, &path) < 0)
        return pdc_error_oom(err);
    int rc = 0;
    if ((in->user && *in->user) || (in->token && *in->token)) {
        pdc_jgen j;
        if (pdc_jgen_init(&j) < 0) {
            rc = pdc_error_oom(err);
        } else {
            gen_cred(&j, in->user, in->password ? in->password : "", in->token);
            rc = finish_header(&j, out, err);
            if (rc == 0 && !(out->source = strdup("explicit")))
                rc = pdc_error_oom(err);
        }
        free(path);
        if (rc < 0)
            pdc_registry_auth_free(out);
        return rc;
    }

    char *paths[4];
    int required[4];
    size_t np = search_paths(in->authfile, paths, required);
    auth_file files[4];
    size_t nf = 0;
    for (size_t i = 0; i < np; i++) {
        if (rc == 0) {
            rc = load_file(paths[i], required[i], &files[nf], err);
            if (rc == 0 && files[nf].root)
                nf++;
        }
        free(paths[i]);
    }
    if (rc == 0 && !out->registry) {
        rc = all_entries(files, nf, out, err);
    } else if (rc == 0) {
        for (size_t i = 0; rc == 0 && i < nf && !out->header; i++) {
            char *key = NULL;
            yajl_val ent = find_entry(&files[i], out->registry, path, &key);
            if (!ent) {
                rc = check_helpers(&files[i], out->registry, out, err);
                continue;
            }
            pdc_jgen j;
            if (pdc_jgen_init(&j) < 0) {
                rc = pdc_error_oom(err);
                break;
            }
            rc = gen_entry(&j, ent, files[i].path, key, err);
            if (rc < 0)
                pdc_jgen_abort(&j);
            else if ((rc = finish_header(&j, out, err)) == 0 && !(out->source = strdup(files[i].path)))
                rc = pdc_error_oom(err);
        }
    }
    for (size_t i = 0; i < nf; i++)
        free_file(&files[i]);
    free(path);
    if (rc < 0)
        pdc_registry_auth_free(out);
    return rc;
}
