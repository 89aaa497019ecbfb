/*
 * strlist.h - small owned string containers the builders (network options, container spec)
 * keep their values in: a string vector and an ordered key/value list.
 */
#ifndef PODC_CORE_STRLIST_H
#define PODC_CORE_STRLIST_H

#include <stddef.h>

typedef struct pdc_strv {
    char **v;
    size_t n, cap;
} pdc_strv;

#define PODC_STRV_INIT { NULL, 0, 0 }

/* Appends a copy of s (NULL is refused). 0, PODC_EINVAL or PODC_ENOMEM. */
int pdc_strv_push(pdc_strv *sv, const char *s);
/* Replaces the contents with copies of argv[0..argc); on failure sv is unchanged. */
int pdc_strv_set(pdc_strv *sv, const char *const *argv, size_t argc);
void pdc_strv_clear(pdc_strv *sv);

typedef struct pdc_kvlist {
    char **keys, **vals;
    size_t n, cap;
} pdc_kvlist;

#define PODC_KVLIST_INIT { NULL, NULL, 0, 0 }

/* Sets key to a copy of val, replacing an existing key in place (order is kept). */
int pdc_kvlist_set(pdc_kvlist *kv, const char *key, const char *val);
/* Value for key, or NULL. */
const char *pdc_kvlist_get(const pdc_kvlist *kv, const char *key);
void pdc_kvlist_clear(pdc_kvlist *kv);

#endif
