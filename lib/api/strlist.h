/*
 * strlist.h - small owned string containers the builders (network options, container spec)
 * keep their values in: a string vector and an ordered key/value list.
 */
#ifndef PODC_API_STRLIST_H
#define PODC_API_STRLIST_H

#include <stddef.h>

typedef struct podc_strv {
    char **v;
    size_t n, cap;
} podc_strv;

#define PODC_STRV_INIT { NULL, 0, 0 }

/* Appends a copy of s (NULL is refused). 0, PODC_EINVAL or PODC_ENOMEM. */
int podc_strv_push(podc_strv *sv, const char *s);
/* Replaces the contents with copies of argv[0..argc); on failure sv is unchanged. */
int podc_strv_set(podc_strv *sv, const char *const *argv, size_t argc);
void podc_strv_clear(podc_strv *sv);

typedef struct podc_kvlist {
    char **keys, **vals;
    size_t n, cap;
} podc_kvlist;

#define PODC_KVLIST_INIT { NULL, NULL, 0, 0 }

/* Sets key to a copy of val, replacing an existing key in place (order is kept). */
int podc_kvlist_set(podc_kvlist *kv, const char *key, const char *val);
/* Value for key, or NULL. */
const char *podc_kvlist_get(const podc_kvlist *kv, const char *key);
void podc_kvlist_clear(podc_kvlist *kv);

#endif
