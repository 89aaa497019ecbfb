/* yaml-tree.c - libyaml's document graph turned into owned trees: aliases copied (counted
 * against a budget, so a "billion laughs" file fails instead of eating memory), merge keys
 * (<<) applied, duplicate keys refused. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "compose/yaml-tree.h"
#include "core/error-private.h"

/* far above any test stack's compose file; an alias bomb reaches it at once */
#define NODE_BUDGET 200000
#define MAX_DEPTH 64

typedef struct conv {
    yaml_document_t *doc;
    size_t budget;
    const char *what;
    podc_error **err;
} conv;

void pdc_ynode_free(pdc_ynode *n)
{
    if (!n)
        return;
    free(n->str);
    for (size_t i = 0; i < n->n; i++) {
        pdc_ynode_free(n->items[i]);
        if (n->keys)
            free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n);
}

const pdc_ynode *pdc_ynode_get(const pdc_ynode *map, const char *key)
{
    if (!map || map->kind != PODC_YN_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0)
            return map->items[i];
    return NULL;
}

int pdc_yaml_bool(const char *s)
{
    static const char *const yes[] = { "true", "yes", "on", "y" }, *const no[] = { "false", "no", "off", "n" };
    for (size_t i = 0; s && i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

static int push(pdc_ynode *n, char *key, pdc_ynode *item)
{
    void *items = realloc(n->items, (n->n + 1) * sizeof *n->items);
    if (!items)
        return -1;
    n->items = items;
    if (n->kind == PODC_YN_MAP) {
        void *keys = realloc(n->keys, (n->n + 1) * sizeof *n->keys);
        if (!keys)
            return -1;
        n->keys = keys;
        n->keys[n->n] = key;
    }
    n->items[n->n++] = item;
    return 0;
}

static pdc_ynode *convert(conv *cv, int id, int depth);

static int fail(conv *cv, size_t line, const char *msg)
{
    pdc_error_set(cv->err, PODC_EINVAL, "%s: line %zu: %s", cv->what, line, msg);
    if (cv->err && *cv->err)
        pdc_error_add_detail(*cv->err, "field", "yaml");
    return -1;
}

static pdc_ynode *copy_node(const pdc_ynode *src)
{
    pdc_ynode *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = src->kind;
    n->is_null = src->is_null;
    n->line = src->line;
    n->len = src->len;
    if (src->str && (!(n->str = malloc(src->len + 1)) || !memcpy(n->str, src->str, src->len + 1))) {
        free(n);
        return NULL;
    }
    for (size_t i = 0; i < src->n; i++) {
        char *k = src->keys ? strdup(src->keys[i]) : NULL;
        pdc_ynode *v = copy_node(src->items[i]);
        if ((src->keys && !k) || !v || push(n, k, v) < 0) {
            free(k);
            pdc_ynode_free(v);
            pdc_ynode_free(n);
            return NULL;
        }
    }
    return n;
}

/* "<<": the pairs of a mapping (or of each mapping in a sequence) go in where the key is not
 * set explicitly; explicit keys win wherever they stand. */
static int apply_merge(conv *cv, pdc_ynode *map, const pdc_ynode *src)
{
    if (src->kind == PODC_YN_SEQ) {
        for (size_t i = 0; i < src->n; i++)
            if (apply_merge(cv, map, src->items[i]) < 0)
                return -1;
        return 0;
    }
    if (src->kind != PODC_YN_MAP)
        return fail(cv, src->line, "a merge key (<<) needs a mapping or a list of mappings");
    for (size_t i = 0; i < src->n; i++) {
        if (pdc_ynode_get(map, src->keys[i]))
            continue;
        char *k = strdup(src->keys[i]);
        pdc_ynode *v = copy_node(src->items[i]);
        if (!k || !v || push(map, k, v) < 0) {
            free(k);
            pdc_ynode_free(v);
            pdc_error_oom(cv->err);
            return -1;
        }
    }
    return 0;
}

static pdc_ynode *convert_map(conv *cv, yaml_node_t *yn, pdc_ynode *n, int depth)
{
    /* explicit keys first, merges after (they only fill what is missing) */
    for (int pass = 0; pass < 2; pass++) {
        for (yaml_node_pair_t *p = yn->data.mapping.pairs.start; p < yn->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(cv->doc, p->key);
            if (!k || k->type != YAML_SCALAR_NODE) {
                fail(cv, (k ? k->start_mark.line : yn->start_mark.line) + 1, "a mapping key must be a plain value");
                return NULL;
            }
            const char *key = (const char *)k->data.scalar.value;
            if (memchr(key, '\0', k->data.scalar.length)) {
                fail(cv, k->start_mark.line + 1, "a key holds a NUL character");
                return NULL;
            }
            int is_merge = strcmp(key, "<<") == 0 && k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            if (is_merge != pass)
                continue;
            pdc_ynode *v = convert(cv, p->value, depth + 1);
            if (!v)
                return NULL;
            if (is_merge) {
                int rc = apply_merge(cv, n, v);
                pdc_ynode_free(v);
                if (rc < 0)
                    return NULL;
                continue;
            }
            if (pdc_ynode_get(n, key)) {
                char msg[300];
                snprintf(msg, sizeof msg, "key \"%.200s\" appears twice in one mapping", key);
                pdc_ynode_free(v);
                fail(cv, k->start_mark.line + 1, msg);
                return NULL;
            }
            char *kc = strdup(key);
            if (!kc || push(n, kc, v) < 0) {
                free(kc);
                pdc_ynode_free(v);
                pdc_error_oom(cv->err);
                return NULL;
            }
        }
    }
    return n;
}

static pdc_ynode *convert(conv *cv, int id, int depth)
{
    yaml_node_t *yn = yaml_document_get_node(cv->doc, id);
    if (!yn) {
        fail(cv, 0, "broken document");
        return NULL;
    }
    if (depth > MAX_DEPTH || cv->budget == 0) {
        fail(cv, yn->start_mark.line + 1,
             depth > MAX_DEPTH ? "nested too deeply" : "too many nodes once aliases are expanded");
        return NULL;
    }
    cv->budget--;
    pdc_ynode *n = calloc(1, sizeof *n);
    if (!n) {
        pdc_error_oom(cv->err);
        return NULL;
    }
    n->line = yn->start_mark.line + 1;
    switch (yn->type) {
    case YAML_SCALAR_NODE: {
        n->kind = PODC_YN_SCALAR;
        const char *v = (const char *)yn->data.scalar.value;
        size_t len = yn->data.scalar.length;
        /* a NUL is kept (len says so): the reader of the value names its key in the error */
        if (!(n->str = malloc(len + 1)) || !memcpy(n->str, v, len)) {
            pdc_ynode_free(n);
            pdc_error_oom(cv->err);
            return NULL;
        }
        n->str[len] = '\0';
        n->len = len;
        n->is_null = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                     (len == 0 || strcmp(n->str, "~") == 0 || strcasecmp(n->str, "null") == 0);
        return n;
    }
    case YAML_SEQUENCE_NODE:
        n->kind = PODC_YN_SEQ;
        for (yaml_node_item_t *it = yn->data.sequence.items.start; it < yn->data.sequence.items.top; it++) {
            pdc_ynode *v = convert(cv, *it, depth + 1);
            if (!v || push(n, NULL, v) < 0) {
                if (v)
                    pdc_error_oom(cv->err);
                pdc_ynode_free(v);
                pdc_ynode_free(n);
                return NULL;
            }
        }
        return n;
    case YAML_MAPPING_NODE:
        n->kind = PODC_YN_MAP;
        if (!convert_map(cv, yn, n, depth)) {
            pdc_ynode_free(n);
            return NULL;
        }
        return n;
    default:
        pdc_ynode_free(n);
        fail(cv, yn->start_mark.line + 1, "empty node");
        return NULL;
    }
}

int pdc_yaml_parse(const char *text, size_t len, const char *what, pdc_ynode **out, podc_error **err)
{
    yaml_parser_t p;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&p))
        return pdc_error_oom(err);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &doc)) {
        int rc = pdc_error_set(err, PODC_EINVAL, "%s: line %zu: %s%s%s", what, p.problem_mark.line + 1,
                               p.problem ? p.problem : "YAML syntax error", p.context ? " " : "",
                               p.context ? p.context : "");
        if (err && *err)
            pdc_error_add_detail(*err, "field", "yaml");
        yaml_parser_delete(&p);
        return rc;
    }
    conv cv = { .doc = &doc, .budget = NODE_BUDGET, .what = what, .err = err };
    pdc_ynode *root = NULL;
    if (!yaml_document_get_root_node(&doc)) { /* an empty file: an empty mapping */
        if (!(root = calloc(1, sizeof *root)))
            pdc_error_oom(err);
        else
            root->kind = PODC_YN_MAP, root->line = 1;
    } else {
        root = convert(&cv, 1, 0);
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    if (!root)
        return err && *err ? podc_error_code(*err) : PODC_EINVAL;
    *out = root;
    return 0;
}

int pdc_ynode_merge(pdc_ynode *dst, pdc_ynode *src)
{
    for (size_t i = 0; i < src->n; i++) {
        size_t j = 0;
        while (j < dst->n && strcmp(dst->keys[j], src->keys[i]) != 0)
            j++;
        if (j == dst->n) { /* new key: moved over */
            if (push(dst, src->keys[i], src->items[i]) < 0) {
                pdc_ynode_free(src);
                return PODC_ENOMEM;
            }
        } else if (dst->items[j]->kind == PODC_YN_MAP && src->items[i]->kind == PODC_YN_MAP) {
            int rc = pdc_ynode_merge(dst->items[j], src->items[i]);
            free(src->keys[i]);
            src->items[i] = NULL;
            src->keys[i] = NULL;
            if (rc < 0) {
                pdc_ynode_free(src);
                return rc;
            }
        } else { /* replaced */
            pdc_ynode_free(dst->items[j]);
            dst->items[j] = src->items[i];
            free(src->keys[i]);
        }
        src->items[i] = NULL;
        src->keys[i] = NULL;
    }
    src->n = 0;
    pdc_ynode_free(src);
    return 0;
}
