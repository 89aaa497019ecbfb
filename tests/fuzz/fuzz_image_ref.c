/*
 * fuzz_image_ref.c - image references as users, spec files and replies give them
 * (pdc_image_check_name, pdc_image_check_pull_ref, pdc_image_check_repo/tag,
 * pdc_image_ref_split). Each NUL- or newline-separated piece of the input is one reference.
 * Contracts checked: a valid name is a valid pull ref; a valid pull ref with a digest has a
 * valid name before the '@'; for a valid reference, ref_split's registry is the one Docker's
 * grammar gives (distribution's splitDockerDomain: the first component when it holds '.' or
 * ':', is "localhost", or has an upper-case letter) and registry + '/' + path is the
 * reference without its tag and digest; an error names the field.
 */
#include "api/images-private.h"
#include "fuzz.h"
#include "podc/error.h"

/* distribution/reference splitDockerDomain: the registry part of a name, or NULL. */
static char *docker_domain(const char *name)
{
    const char *slash = strchr(name, '/');
    if (!slash)
        return NULL;
    size_t n = (size_t)(slash - name);
    int domain = memchr(name, '.', n) || memchr(name, ':', n) || (n == 9 && strncmp(name, "localhost", 9) == 0);
    for (size_t i = 0; i < n && !domain; i++)
        domain = name[i] >= 'A' && name[i] <= 'Z';
    return domain ? strndup(name, n) : NULL;
}

static void check_err(int rc, podc_error *err, const char *field)
{
    if (rc == 0) {
        FUZZ_CHECK(err == NULL, "success with an error");
        return;
    }
    FUZZ_CHECK(rc == PODC_EINVAL || rc == PODC_ENOMEM, "rc %d", rc);
    FUZZ_CHECK(err && podc_error_message(err), "failure without an error");
    if (rc == PODC_EINVAL) {
        const char *f = podc_error_detail(err, "field");
        FUZZ_CHECK(f && strcmp(f, field) == 0, "error field %s", f ? f : "(none)");
    }
}

static void one(const char *ref)
{
    podc_error *err = NULL;
    int name_rc = pdc_image_check_name("image", ref, &err);
    check_err(name_rc, err, "image");
    podc_error_free(err), err = NULL;
    int pull_rc = pdc_image_check_pull_ref("ref", ref, &err);
    check_err(pull_rc, err, "ref");
    podc_error_free(err), err = NULL;
    FUZZ_CHECK(name_rc != 0 || pull_rc == 0, "a valid name is not a valid pull ref: \"%s\"", ref);
    int rc = pdc_image_check_repo("repo", ref, &err);
    check_err(rc, err, "repo");
    podc_error_free(err), err = NULL;
    FUZZ_CHECK(rc != 0 || name_rc == 0, "a valid repo is not a valid name: \"%s\"", ref);
    rc = pdc_image_check_tag("tag", ref, &err);
    check_err(rc, err, "tag");
    podc_error_free(err), err = NULL;

    char *domain = NULL, *path = NULL;
    rc = pdc_image_ref_split(ref, &domain, &path);
    FUZZ_CHECK(rc == 0 || rc == PODC_ENOMEM, "split rc %d", rc);
    if (rc == 0) {
        FUZZ_CHECK(path != NULL, "split without a path");
        FUZZ_CHECK(!domain || !strchr(domain, '/'), "registry \"%s\" holds a '/'", domain);
        FUZZ_CHECK(!strchr(path, '@'), "path \"%s\" holds the digest", path);
        if (pull_rc == 0) {
            const char *at = strchr(ref, '@');
            char *name = at ? strndup(ref, (size_t)(at - ref)) : strdup(ref);
            FUZZ_CHECK(name != NULL, "oom");
            if (at) {
                podc_error *e2 = NULL;
                FUZZ_CHECK(pdc_image_check_name("image", name, &e2) == 0, "name of a valid pull ref \"%s\" invalid",
                           ref);
            }
            char *want = docker_domain(name);
            FUZZ_CHECK((!want && !domain) || (want && domain && strcmp(want, domain) == 0),
                       "registry of \"%s\": split says %s, Docker's grammar %s", ref, domain ? domain : "(none)",
                       want ? want : "(none)");
            /* registry/path, then optionally ":tag" */
            size_t dl = domain ? strlen(domain) + 1 : 0, pl = strlen(path);
            FUZZ_CHECK(strncmp(name, domain ? domain : "", dl ? dl - 1 : 0) == 0 && (!dl || name[dl - 1] == '/') &&
                           strncmp(name + dl, path, pl) == 0 && (name[dl + pl] == '\0' || name[dl + pl] == ':'),
                       "\"%s\" split as registry %s path %s", ref, domain ? domain : "(none)", path);
            free(want);
            free(name);
        }
        free(domain);
        free(path);
    }
    char *id = pdc_image_strip_digest_prefix(ref);
    FUZZ_CHECK(id != NULL, "oom");
    (void)pdc_image_is_full_id(id);
    free(id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    for (size_t i = 0; i < size; i++)
        if (text[i] == '\0')
            text[i] = '\n';
    size_t n = 0;
    char *save = NULL;
    for (char *ref = strtok_r(text, "\n", &save); ref && n < 16; ref = strtok_r(NULL, "\n", &save), n++)
        one(ref);
    if (size == 0)
        one("");
    free(text);
    return 0;
}
