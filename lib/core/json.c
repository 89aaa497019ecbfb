#include "config.h"

#include "core/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PATH 16

/* Deepest nesting of arrays and objects in text (outside strings), stopping at limit + 1:
 * yajl_tree_free() recurses, so a reply nested a million deep would overflow the stack. */
static size_t nesting(const char *text, size_t limit)
{
    size_t depth = 0, max = 0;
    int in_str = 0;
    for (const char *p = text; *p && max <= limit; p++) {
        if (in_str) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_str = 0;
        } else if (*p == '"') {
            in_str = 1;
        } else if (p[0] == '/' && p[1] == '*') { /* yajl_tree takes comments: skip them too */
            const char *end = strstr(p + 2, "*/");
            if (!end)
                break;
            p = end + 1;
        } else if (p[0] == '/' && p[1] == '/') {
            while (p[1] && p[1] != '\n')
                p++;
        } else if (*p == '[' || *p == '{') {
            if (++depth > max)
                max = depth;
        } else if ((*p == ']' || *p == '}') && depth) {
            depth--;
        }
    }
    return max;
}

yajl_val pdc_json_parse(const char *text, char *errbuf, size_t errlen)
{
    char dummy[1];
    if (!errbuf || !errlen) {
        errbuf = dummy;
        errlen = sizeof dummy;
    }
    errbuf[0] = '\0';
    if (nesting(text, PODC_JSON_MAX_DEPTH) > PODC_JSON_MAX_DEPTH) {
        snprintf(errbuf, errlen, "nested deeper than %d levels", PODC_JSON_MAX_DEPTH);
        return NULL;
    }
    return yajl_tree_parse(text, errbuf, errlen);
}

void pdc_json_free(yajl_val v)
{
    if (v)
        yajl_tree_free(v);
}

static yajl_val vget(yajl_val v, va_list ap)
{
    const char *path[MAX_PATH + 1];
    size_t n = 0;
    const char *k;
    while ((k = va_arg(ap, const char *)) != NULL) {
        if (n == MAX_PATH)
            return NULL;
        path[n++] = k;
    }
    path[n] = NULL;
    if (!v)
        return NULL;
    if (n == 0)
        return v;
    return yajl_tree_get(v, path, yajl_t_any);
}

yajl_val pdc_json_get(yajl_val v, ...)
{
    va_list ap;
    va_start(ap, v);
    yajl_val r = vget(v, ap);
    va_end(ap);
    return r;
}

const char *pdc_json_str(yajl_val v, ...)
{
    va_list ap;
    va_start(ap, v);
    yajl_val r = vget(v, ap);
    va_end(ap);
    return YAJL_IS_STRING(r) ? r->u.string : NULL;
}

int pdc_json_int(yajl_val v, int64_t *out, ...)
{
    va_list ap;
    va_start(ap, out);
    yajl_val r = vget(v, ap);
    va_end(ap);
    if (!YAJL_IS_INTEGER(r))
        return 0;
    *out = (int64_t)r->u.number.i;
    return 1;
}

int pdc_json_bool(yajl_val v, ...)
{
    va_list ap;
    va_start(ap, v);
    yajl_val r = vget(v, ap);
    va_end(ap);
    if (YAJL_IS_TRUE(r))
        return 1;
    if (YAJL_IS_FALSE(r))
        return 0;
    return -1;
}

size_t pdc_json_array_len(yajl_val v)
{
    return YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
}

yajl_val pdc_json_array_at(yajl_val v, size_t i)
{
    return (YAJL_IS_ARRAY(v) && i < v->u.array.len) ? v->u.array.values[i] : NULL;
}

size_t pdc_json_object_len(yajl_val v)
{
    return YAJL_IS_OBJECT(v) ? v->u.object.len : 0;
}

const char *pdc_json_object_key(yajl_val v, size_t i)
{
    return (YAJL_IS_OBJECT(v) && i < v->u.object.len) ? v->u.object.keys[i] : NULL;
}

yajl_val pdc_json_object_value(yajl_val v, size_t i)
{
    return (YAJL_IS_OBJECT(v) && i < v->u.object.len) ? v->u.object.values[i] : NULL;
}

const char *pdc_json_as_str(yajl_val v)
{
    return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

int pdc_jgen_init(pdc_jgen *j)
{
    j->failed = 0;
    j->g = yajl_gen_alloc(NULL);
    if (!j->g) {
        j->failed = 1;
        return -1;
    }
    return 0;
}

#define GEN(call)                                      \
    do {                                               \
        if (!j->failed && (call) != yajl_gen_status_ok) \
            j->failed = 1;                             \
    } while (0)

void pdc_jgen_obj_open(pdc_jgen *j) { GEN(yajl_gen_map_open(j->g)); }
void pdc_jgen_obj_close(pdc_jgen *j) { GEN(yajl_gen_map_close(j->g)); }
void pdc_jgen_arr_open(pdc_jgen *j) { GEN(yajl_gen_array_open(j->g)); }
void pdc_jgen_arr_close(pdc_jgen *j) { GEN(yajl_gen_array_close(j->g)); }
void pdc_jgen_null(pdc_jgen *j) { GEN(yajl_gen_null(j->g)); }
void pdc_jgen_bool(pdc_jgen *j, int v) { GEN(yajl_gen_bool(j->g, v != 0)); }
void pdc_jgen_int(pdc_jgen *j, int64_t v) { GEN(yajl_gen_integer(j->g, (long long)v)); }

void pdc_jgen_strn(pdc_jgen *j, const char *s, size_t len)
{
    GEN(yajl_gen_string(j->g, (const unsigned char *)s, len));
}

void pdc_jgen_str(pdc_jgen *j, const char *s)
{
    if (!s)
        pdc_jgen_null(j);
    else
        pdc_jgen_strn(j, s, strlen(s));
}

void pdc_jgen_kstr(pdc_jgen *j, const char *key, const char *val)
{
    pdc_jgen_str(j, key);
    pdc_jgen_str(j, val);
}

void pdc_jgen_kint(pdc_jgen *j, const char *key, int64_t val)
{
    pdc_jgen_str(j, key);
    pdc_jgen_int(j, val);
}

void pdc_jgen_kbool(pdc_jgen *j, const char *key, int val)
{
    pdc_jgen_str(j, key);
    pdc_jgen_bool(j, val);
}

void pdc_jgen_tree(pdc_jgen *j, yajl_val v)
{
    if (j->failed)
        return;
    if (!v) {
        pdc_jgen_null(j);
    } else if (YAJL_IS_STRING(v)) {
        pdc_jgen_str(j, v->u.string);
    } else if (YAJL_IS_INTEGER(v)) {
        pdc_jgen_int(j, v->u.number.i);
    } else if (YAJL_IS_NUMBER(v)) {
        GEN(yajl_gen_number(j->g, v->u.number.r, strlen(v->u.number.r)));
    } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
        pdc_jgen_bool(j, YAJL_IS_TRUE(v));
    } else if (YAJL_IS_OBJECT(v)) {
        pdc_jgen_obj_open(j);
        for (size_t i = 0; i < v->u.object.len; i++) {
            pdc_jgen_str(j, v->u.object.keys[i]);
            pdc_jgen_tree(j, v->u.object.values[i]);
        }
        pdc_jgen_obj_close(j);
    } else if (YAJL_IS_ARRAY(v)) {
        pdc_jgen_arr_open(j);
        for (size_t i = 0; i < v->u.array.len; i++)
            pdc_jgen_tree(j, v->u.array.values[i]);
        pdc_jgen_arr_close(j);
    } else {
        pdc_jgen_null(j);
    }
}

char *pdc_jgen_finish(pdc_jgen *j, size_t *len_out)
{
    char *out = NULL;
    if (!j->failed) {
        const unsigned char *buf;
        size_t len;
        if (yajl_gen_get_buf(j->g, &buf, &len) == yajl_gen_status_ok) {
            out = malloc(len + 1);
            if (out) {
                memcpy(out, buf, len);
                out[len] = '\0';
                if (len_out)
                    *len_out = len;
            }
        }
    }
    pdc_jgen_abort(j);
    return out;
}

void pdc_jgen_abort(pdc_jgen *j)
{
    if (j->g)
        yajl_gen_free(j->g);
    j->g = NULL;
}

char *pdc_json_text(yajl_val v)
{
    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return NULL;
    pdc_jgen_tree(&j, v);
    return pdc_jgen_finish(&j, NULL);
}
