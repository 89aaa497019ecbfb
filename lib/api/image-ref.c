/* image-ref.c - Docker's image reference grammar, checked before anything is sent. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api/images-private.h"
#include "core/error-private.h"

static int lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int alnum(char c)
{
    return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* alnum+ (separator alnum+)*, separator = '.' | '_' | '__' | '-'+ */
static int path_component_ok(const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        if (i == n || !lower_alnum(s[i]))
            return 0;
        while (i < n && lower_alnum(s[i]))
            i++;
        if (i == n)
            return 1;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i++;
            if (i < n && s[i] == '_')
                i++;
        } else if (s[i] == '-') {
            while (i < n && s[i] == '-')
                i++;
        } else {
            return 0;
        }
    }
}

/* host[:port]: host = label('.'label)*, label = [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?, or [ipv6] */
static int domain_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (n && s[0] == '[') {
        for (i = 1; i < n && s[i] != ']'; i++)
            if (!(alnum(s[i]) || s[i] == ':' || s[i] == '.'))
                return 0;
        if (i == n || i == 1)
            return 0;
        i++;
    } else {
        for (;;) {
            size_t start = i;
            while (i < n && (alnum(s[i]) || s[i] == '-'))
                i++;
            if (i == start || s[start] == '-' || s[i - 1] == '-')
                return 0;
            if (i < n && s[i] == '.') {
                i++;
                continue;
            }
            break;
        }
    }
    if (i == n)
        return 1;
    if (s[i] != ':' || i + 1 == n)
        return 0;
    for (i++; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int tag_ok(const char *s, size_t n)
{
    if (n == 0 || n > 128 || !(alnum(s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
            return 0;
    return 1;
}

static int repo_check(const char *field, const char *name, size_t n, podc_error **err)
{
    if (n == 0)
        return pdc_error_invalid(err, field, "%s \"%s\": empty repository name", field, name);
    if (n > 255)
        return pdc_error_invalid(err, field, "%s: repository name longer than 255 characters", field);
    const char *slash = memchr(name, '/', n);
    size_t i = 0;
    if (slash) {
        size_t fl = (size_t)(slash - name);
        int is_domain = (fl == 9 && strncmp(name, "localhost", 9) == 0) || memchr(name, '.', fl) ||
                        memchr(name, ':', fl);
        for (size_t k = 0; k < fl && !is_domain; k++)
            is_domain = name[k] >= 'A' && name[k] <= 'Z';
        if (is_domain) {
            if (!domain_ok(name, fl))
                return pdc_error_invalid(err, field, "%s \"%s\": invalid registry \"%.*s\"", field, name, (int)fl,
                                         name);
            i = fl + 1;
        }
    }
    while (i <= n) {
        const char *end = memchr(name + i, '/', n - i);
        size_t cl = end ? (size_t)(end - (name + i)) : n - i;
        if (!path_component_ok(name + i, cl)) {
            for (size_t k = i; k < i + cl; k++)
                if (name[k] >= 'A' && name[k] <= 'Z')
                    return pdc_error_invalid(err, field, "%s \"%s\": repository name must be lowercase", field,
                                             name);
            return pdc_error_invalid(err, field,
                                     "%s \"%s\": invalid path component \"%.*s\" (lowercase letters and digits, "
                                      "separated by '.', '_', '__' or '-')",
                                      field, name, (int)cl, name + i);
        }
        i += cl + 1;
    }
    return 0;
}

int pdc_image_check_name(const char *field, const char *name, podc_error **err)
{
    if (!name || !*name)
        return pdc_error_invalid(err, field, "%s: an image name is required", field);
    if (strchr(name, '@'))
        return pdc_error_invalid(err, field, "%s \"%s\": a digest cannot name a new image", field, name);
    size_t n = strlen(name);
    const char *slash = strrchr(name, '/');
    const char *colon = strrchr(slash ? slash : name, ':');
    if (colon) {
        const char *tag = colon + 1;
        if (!tag_ok(tag, strlen(tag)))
            return pdc_error_invalid(err, field, "%s \"%s\": invalid tag \"%s\" ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})",
                                     field, name, tag);
        n = (size_t)(colon - name);
    }
    return repo_check(field, name, n, err);
}

int pdc_image_check_repo(const char *field, const char *repo, podc_error **err)
{
    if (!repo || !*repo)
        return pdc_error_invalid(err, field, "%s: a repository name is required", field);
    const char *slash = strrchr(repo, '/');
    if (strchr(repo, '@') || strchr(slash ? slash : repo, ':'))
        return pdc_error_invalid(err, field, "%s \"%s\": give the tag separately", field, repo);
    return repo_check(field, repo, strlen(repo), err);
}

int pdc_image_check_tag(const char *field, const char *tag, podc_error **err)
{
    if (!tag || !tag_ok(tag, strlen(tag)))
        return pdc_error_invalid(err, field, "%s \"%s\": invalid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})", field,
                                 tag ? tag : "");
    return 0;
}

int pdc_image_check_pull_ref(const char *field, const char *ref, podc_error **err)
{
    if (!ref || !*ref)
        return pdc_error_invalid(err, field, "%s: an image reference is required", field);
    const char *at = strchr(ref, '@');
    if (!at)
        return pdc_image_check_name(field, ref, err);
    const char *d = at + 1;
    size_t hex = 0;
    if (strncmp(d, "sha256:", 7) == 0)
        hex = 64, d += 7;
    else if (strncmp(d, "sha512:", 7) == 0)
        hex = 128, d += 7;
    size_t k = 0;
    while (d[k] && ((d[k] >= '0' && d[k] <= '9') || (d[k] >= 'a' && d[k] <= 'f')))
        k++;
    if (!hex || k != hex || d[k])
        return pdc_error_invalid(err, field, "%s \"%s\": invalid digest (sha256:<64 hex> or sha512:<128 hex>)",
                                 field, ref);
    char *name = strndup(ref, (size_t)(at - ref));
    if (!name)
        return pdc_error_oom(err);
    int rc = pdc_image_check_name(field, name, err);
    free(name);
    return rc;
}

int pdc_image_ref_split(const char *ref, char **domain, char **path)
{
    *domain = *path = NULL;
    size_t n = strcspn(ref, "@");
    const char *slash = memchr(ref, '/', n);
    const char *p = ref;
    if (slash) {
        size_t fl = (size_t)(slash - ref);
        /* the same rule as repo_check(): '.', ':', "localhost" or an upper-case letter */
        int is_domain = (fl == 9 && strncmp(ref, "localhost", 9) == 0) || memchr(ref, '.', fl) || memchr(ref, ':', fl);
        for (size_t k = 0; k < fl && !is_domain; k++)
            is_domain = ref[k] >= 'A' && ref[k] <= 'Z';
        if (is_domain) {
            if (!(*domain = strndup(ref, fl)))
                return PODC_ENOMEM;
            p = slash + 1;
        }
    }
    /* the path without its tag: the last ':' after the last '/' starts the tag */
    size_t pl = n - (size_t)(p - ref);
    const char *last_slash = NULL;
    for (size_t i = 0; i < pl; i++)
        if (p[i] == '/')
            last_slash = p + i;
    const char *colon = memchr(last_slash ? last_slash : p, ':', pl - (size_t)((last_slash ? last_slash : p) - p));
    if (colon)
        pl = (size_t)(colon - p);
    if (!(*path = strndup(p, pl))) {
        free(*domain);
        *domain = NULL;
        return PODC_ENOMEM;
    }
    return 0;
}

char *pdc_image_strip_digest_prefix(const char *id)
{
    if (strncmp(id, "sha256:", 7) == 0)
        id += 7;
    return strdup(id);
}

int pdc_image_is_full_id(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 64;
}
