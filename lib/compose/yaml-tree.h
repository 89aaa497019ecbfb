/* yaml-tree.h - a compose file as a small tree: scalars, sequences, mappings, with line
 * numbers for messages. Aliases are resolved (within a node budget: no alias bombs) and merge
 * keys (<<) applied. Internal. */
#ifndef PODC_COMPOSE_YAML_TREE_H
#define PODC_COMPOSE_YAML_TREE_H

#include <stddef.h>

#include "podc/error.h"

typedef enum { PODC_YN_SCALAR, PODC_YN_SEQ, PODC_YN_MAP } pdc_yn_kind;

typedef struct pdc_ynode {
    pdc_yn_kind kind;
    char *str;                 /* scalar text, NUL-terminated */
    size_t len;                /* its length: more than strlen(str) when the text holds a NUL */
    int is_null;               /* a plain scalar "", "~", "null" */
    size_t line;               /* 1-based */
    size_t n;                  /* items (sequence) or pairs (mapping) */
    struct pdc_ynode **items; /* sequence items, or mapping values */
    char **keys;               /* mapping keys */
} pdc_ynode;

/* Parses YAML text (one document) into *out. PODC_EINVAL with the line on a syntax error, a
 * non-scalar mapping key, a duplicate key, or too many nodes after aliases. */
int pdc_yaml_parse(const char *text, size_t len, const char *what, pdc_ynode **out, podc_error **err);
void pdc_ynode_free(pdc_ynode *n);

/* The value of key in a mapping, or NULL. */
const pdc_ynode *pdc_ynode_get(const pdc_ynode *map, const char *key);

/* Merges src into *dst (both mappings): keys of src replace those of dst, except mappings
 * under the same key, which are merged the same way. src's nodes are moved; src is freed, also on failure. */
int pdc_ynode_merge(pdc_ynode *dst, pdc_ynode *src);

/* 1 for YAML 1.1 true words (true, yes, on; any case), 0 for false words, -1 otherwise. */
int pdc_yaml_bool(const char *s);

#endif
