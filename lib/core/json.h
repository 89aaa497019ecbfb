/*
 * json.h - the library's only door to yajl: tree parsing with path getters, and a
 * generator with a sticky error flag so builders check once at the end.
 * yajl types never appear in public headers.
 */
#ifndef PODC_CORE_JSON_H
#define PODC_CORE_JSON_H

#include <stdint.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* Deepest nesting pdc_json_parse() accepts (podman's replies nest a dozen levels at most). */
#define PODC_JSON_MAX_DEPTH 100 /* yajl_gen stops at 128 */
/* Parses NUL-terminated text. NULL on a syntax error or nesting deeper than the limit
 * (message in errbuf when given). */
yajl_val pdc_json_parse(const char *text, char *errbuf, size_t errlen);
void pdc_json_free(yajl_val v);

/* Path getters: the path is a NULL-terminated list of object keys. NULL/-1 when absent or of
 * another type. */
yajl_val pdc_json_get(yajl_val v, ...) __attribute__((sentinel));
const char *pdc_json_str(yajl_val v, ...) __attribute__((sentinel));
/* 1 and *out set when the value is an integer; 0 otherwise. */
int pdc_json_int(yajl_val v, int64_t *out, ...) __attribute__((sentinel));
/* 1/0 for true/false, -1 when absent or not a boolean. */
int pdc_json_bool(yajl_val v, ...) __attribute__((sentinel));

/* Array and object access that tolerate NULL and wrong types (size 0). */
size_t pdc_json_array_len(yajl_val v);
yajl_val pdc_json_array_at(yajl_val v, size_t i);
size_t pdc_json_object_len(yajl_val v);
const char *pdc_json_object_key(yajl_val v, size_t i);
yajl_val pdc_json_object_value(yajl_val v, size_t i);
/* The string value of v itself, or NULL. */
const char *pdc_json_as_str(yajl_val v);

/* Generator with a sticky error: every call is a no-op after the first failure. */
typedef struct pdc_jgen {
    yajl_gen g;
    int failed;
} pdc_jgen;

int pdc_jgen_init(pdc_jgen *j);
void pdc_jgen_obj_open(pdc_jgen *j);
void pdc_jgen_obj_close(pdc_jgen *j);
void pdc_jgen_arr_open(pdc_jgen *j);
void pdc_jgen_arr_close(pdc_jgen *j);
void pdc_jgen_str(pdc_jgen *j, const char *s);   /* NULL -> null */
void pdc_jgen_strn(pdc_jgen *j, const char *s, size_t len);
void pdc_jgen_int(pdc_jgen *j, int64_t v);
void pdc_jgen_bool(pdc_jgen *j, int v);
void pdc_jgen_null(pdc_jgen *j);
/* key + value shorthands */
void pdc_jgen_kstr(pdc_jgen *j, const char *key, const char *val);
void pdc_jgen_kint(pdc_jgen *j, const char *key, int64_t val);
void pdc_jgen_kbool(pdc_jgen *j, const char *key, int val);
/* Emits an already-parsed tree as a value (used to pass raw JSON through). */
void pdc_jgen_tree(pdc_jgen *j, yajl_val v);
/* Finishes: returns the text (new, NUL-terminated) or NULL if anything failed; frees the generator. */
char *pdc_jgen_finish(pdc_jgen *j, size_t *len_out);
void pdc_jgen_abort(pdc_jgen *j);
/* The text of a parsed tree (new), or NULL on OOM: for objects that hand out their JSON. */
char *pdc_json_text(yajl_val v);

#endif
