/* strlist.c - string vector and key/value list for the builders. */
#include "config.h"

#include "core/strlist.h"

#include <stdlib.h>
#include <string.h>

#include "podc/error.h"

static int grow(char ***arr, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    while (ncap < need)
        ncap *= 2;
    char **p = realloc(*arr, ncap * sizeof *p);
    if (!p)
        return PODC_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

int pdc_strv_push(pdc_strv *sv, const char *s)
{
    if (!sv || !s)
        return PODC_EINVAL;
    if (grow(&sv->v, &sv->cap, sv->n + 1) < 0)
        return PODC_ENOMEM;
    char *copy = strdup(s);
    if (!copy)
        return PODC_ENOMEM;
    sv->v[sv->n++] = copy;
    return 0;
}

int pdc_strv_set(pdc_strv *sv, const char *const *argv, size_t argc)
{
    if (!sv || (argc && !argv))
        return PODC_EINVAL;
    for (size_t i = 0; i < argc; i++)
        if (!argv[i])
            return PODC_EINVAL;
    pdc_strv fresh = PODC_STRV_INIT;
    for (size_t i = 0; i < argc; i++) {
        if (pdc_strv_push(&fresh, argv[i]) < 0) {
            pdc_strv_clear(&fresh);
            return PODC_ENOMEM;
        }
    }
    pdc_strv_clear(sv);
    *sv = fresh;
    return 0;
}

void pdc_strv_clear(pdc_strv *sv)
{
    if (!sv)
        return;
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

int pdc_kvlist_set(pdc_kvlist *kv, const char *key, const char *val)
{
    if (!kv || !key || !val)
        return PODC_EINVAL;
    char *v = strdup(val);
    if (!v)
        return PODC_ENOMEM;
    for (size_t i = 0; i < kv->n; i++) {
        if (strcmp(kv->keys[i], key) == 0) {
            free(kv->vals[i]);
            kv->vals[i] = v;
            return 0;
        }
    }
    size_t cap = kv->cap;
    char *k = strdup(key);
    if (!k || grow(&kv->keys, &cap, kv->n + 1) < 0) {
        free(k);
        free(v);
        return PODC_ENOMEM;
    }
    cap = kv->cap;
    if (grow(&kv->vals, &cap, kv->n + 1) < 0) {
        free(k);
        free(v);
        return PODC_ENOMEM;
    }
    kv->cap = cap;
    kv->keys[kv->n] = k;
    kv->vals[kv->n] = v;
    kv->n++;
    return 0;
}

const char *pdc_kvlist_get(const pdc_kvlist *kv, const char *key)
{
    if (!kv || !key)
        return NULL;
    for (size_t i = 0; i < kv->n; i++)
        if (strcmp(kv->keys[i], key) == 0)
            return kv->vals[i];
    return NULL;
}

void pdc_kvlist_clear(pdc_kvlist *kv)
{
    if (!kv)
        return;
    for (size_t i = 0; i < kv->n; i++) {
        free(kv->keys[i]);
        free(kv->vals[i]);
    }
    free(kv->keys);
    free(kv->vals);
    kv->keys = kv->vals = NULL;
    kv->n = kv->cap = 0;
}
