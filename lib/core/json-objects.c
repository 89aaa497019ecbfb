#include "config.h"

#include <stdlib.h>

#include "core/json-objects.h"
#include "podc/error.h"

pdc_json_object *pdc_json_object_new(yajl_val root, char *json)
{
    pdc_json_object *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->node = o->root = root;
    o->json = json ? json : pdc_json_text(root);
    if (!o->json) {
        free(o);
        return NULL;
    }
    return o;
}

void pdc_json_object_free(pdc_json_object *o)
{
    if (!o)
        return;
    pdc_json_free(o->root);
    free(o->json);
    free(o);
}

static void objects_clear(pdc_json_objects *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].json);
    free(l->items);
    pdc_json_free(l->root);
    *l = (pdc_json_objects){ 0 };
}

/* Takes root, also on failure: 0, or PODC_ENOMEM (l empty, root freed). */
static int objects_init(pdc_json_objects *l, yajl_val root, int (*keep)(yajl_val node, const void *ctx),
                        const void *ctx)
{
    *l = (pdc_json_objects){ 0 };
    size_t n = pdc_json_array_len(root);
    if (n && !(l->items = calloc(n, sizeof *l->items))) {
        pdc_json_free(root);
        return PODC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        yajl_val node = pdc_json_array_at(root, i);
        if (keep && !keep(node, ctx))
            continue;
        pdc_json_object *o = &l->items[l->n];
        o->node = node;
        if (!(o->json = pdc_json_text(node))) {
            l->root = root;
            objects_clear(l);
            return PODC_ENOMEM;
        }
        l->n++;
    }
    l->root = root;
    return 0;
}

pdc_json_objects *pdc_json_objects_new(yajl_val root, int (*keep)(yajl_val node, const void *ctx), const void *ctx)
{
    pdc_json_objects *l = malloc(sizeof *l);
    if (!l)
        pdc_json_free(root);
    if (l && objects_init(l, root, keep, ctx) < 0) {
        free(l);
        return NULL;
    }
    return l;
}

void pdc_json_objects_free(pdc_json_objects *l)
{
    if (l)
        objects_clear(l);
    free(l);
}

const pdc_json_object *pdc_json_objects_at(const pdc_json_objects *l, size_t i)
{
    return l && i < l->n ? &l->items[i] : NULL;
}

