#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api/filters-private.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/json.h"

struct podc_filters {
    size_t n, cap;
    char **keys, **values;
};

podc_filters *podc_filters_new(void)
{
    return calloc(1, sizeof(podc_filters));
}

int podc_filters_add(podc_filters *f, const char *key, const char *value, podc_error **err)
{
    if (!f || !key || !*key || !value)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 4;
        char **k = realloc(f->keys, cap * sizeof *k);
        if (!k)
            return pdc_setter_result(err, __func__, PODC_ENOMEM);
        f->keys = k;
        char **v = realloc(f->values, cap * sizeof *v);
        if (!v)
            return pdc_setter_result(err, __func__, PODC_ENOMEM);
        f->values = v;
        f->cap = cap;
    }
    char *k = strdup(key), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    f->keys[f->n] = k;
    f->values[f->n] = v;
    f->n++;
    return 0;
}

void podc_filters_free(podc_filters *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->keys[i]);
        free(f->values[i]);
    }
    free(f->keys);
    free(f->values);
    free(f);
}

int pdc_filters_put_query(const podc_filters *f, pdc_buf *path)
{
    if (!f || f->n == 0)
        return 0;
    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return PODC_ENOMEM;
    pdc_jgen_obj_open(&j);
    /* group values by key, in first-seen order: podman wants arrays of strings */
    for (size_t i = 0; i < f->n; i++) {
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(f->keys[k], f->keys[i]) == 0;
        if (seen)
            continue;
        pdc_jgen_str(&j, f->keys[i]);
        pdc_jgen_arr_open(&j);
        for (size_t k = i; k < f->n; k++)
            if (strcmp(f->keys[k], f->keys[i]) == 0)
                pdc_jgen_str(&j, f->values[k]);
        pdc_jgen_arr_close(&j);
    }
    pdc_jgen_obj_close(&j);
    char *json = pdc_jgen_finish(&j, NULL);
    if (!json)
        return PODC_ENOMEM;
    int rc = pdc_buf_put_query(path, "filters", json);
    free(json);
    return rc;
}
