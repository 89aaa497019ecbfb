/*
 * json-objects.h - the objects of a reply, each with its JSON text: what an image and a network
 * (inspect or list entry) are underneath. An inspected object owns its parse tree; a list owns
 * the tree its entries borrow.
 */
#ifndef PODC_CORE_JSON_OBJECTS_H
#define PODC_CORE_JSON_OBJECTS_H

#include <stddef.h>

#include "core/json.h"

typedef struct pdc_json_object {
    yajl_val node; /* the object */
    yajl_val root; /* owned tree (inspect); NULL for a list entry */
    char *json;    /* owned text of node */
} pdc_json_object;

typedef struct pdc_json_objects {
    yajl_val root; /* owned tree of the reply array */
    size_t n;
    pdc_json_object *items;
} pdc_json_objects;

/* A new object owning root and json (json NULL: made from root). NULL when out of memory
 * (root and json then stay the caller's). */
pdc_json_object *pdc_json_object_new(yajl_val root, char *json);
void pdc_json_object_free(pdc_json_object *o);

/* A new list of the entries of the array root that keep(node, ctx) accepts (keep NULL: all); a
 * list type whose only member is a pdc_json_objects is made by a cast. Takes root, also on
 * failure; NULL on OOM. */
pdc_json_objects *pdc_json_objects_new(yajl_val root, int (*keep)(yajl_val node, const void *ctx), const void *ctx);
/* Frees what pdc_json_objects_new() made; NULL is fine. */
void pdc_json_objects_free(pdc_json_objects *l);
const pdc_json_object *pdc_json_objects_at(const pdc_json_objects *l, size_t i);

#endif
