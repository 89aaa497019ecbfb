/*
 * fuzz_images.c - image inspect and list replies: the bytes go through pdc_json_parse and,
 * as images.c does after its checks (inspect: an object; list: an array or null), into
 * pdc_image_from_json / pdc_image_list_from_json, the list with a few label filters (the
 * labels images.c applies itself, podman 4.3 joining several into one); then every accessor.
 * Contracts checked: a list keeps exactly the entries whose Labels match every filter, in
 * order; indexes past the end give NULL; a strict RFC 3339 Created (inspect) or a number
 * (list) gives the seconds it says.
 */
#include "api/images-private.h"
#include "core/json.h"
#include "fuzz.h"
#include "podc/images.h"

static int eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)" with fields in range: its unix time, else 0. */
static int strict_rfc3339(const char *s, int64_t *out)
{
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, mo, d, h, mi, se, oh = 0, om = 0;
    if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
        s[16] != ':' || !digits(s + 17, 2, &se))
        return 0;
    const char *p = s + 19;
    if (*p == '.') {
        if (p[1] < '0' || p[1] > '9')
            return 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    }
    int sign = 0;
    if ((*p == 'Z' || *p == 'z') && !p[1]) {
        sign = 0;
    } else if ((*p == '+' || *p == '-') && digits(p + 1, 2, &oh) && p[3] == ':' && digits(p + 4, 2, &om) && !p[6]) {
        sign = *p == '-' ? -1 : 1;
    } else {
        return 0;
    }
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
        se > 59 || oh > 23 || om > 59)
        return 0;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
    return 1;
}

static void accessors(const podc_image *img)
{
    (void)podc_image_id(img);
    const char *dg = podc_image_digest(img);
    FUZZ_CHECK(!dg || *dg, "empty digest");
    size_t n = podc_image_tag_count(img);
    FUZZ_CHECK(podc_image_tag_at(img, n) == NULL, "tag past the end");
    for (size_t i = 0; i < n; i++)
        (void)podc_image_tag_at(img, i);
    n = podc_image_entrypoint_count(img);
    FUZZ_CHECK(podc_image_entrypoint_at(img, n) == NULL, "entrypoint past the end");
    n = podc_image_cmd_count(img);
    FUZZ_CHECK(podc_image_cmd_at(img, n) == NULL, "cmd past the end");
    for (size_t i = 0; i < n; i++)
        (void)podc_image_cmd_at(img, i);
    (void)podc_image_size(img);
    const char *created = podc_image_created(img);
    int64_t t = podc_image_created_unix(img), want = 0;
    if (created && strict_rfc3339(created, &want))
        FUZZ_CHECK(t == want, "Created \"%s\" read as %lld, not %lld", created, (long long)t, (long long)want);
    n = podc_image_label_count(img);
    for (size_t i = 0; i <= n; i++) {
        const char *k = podc_image_label_key_at(img, i);
        FUZZ_CHECK((k == NULL) == (i == n), "label %zu of %zu", i, n);
        (void)podc_image_label_value_at(img, i);
        if (k)
            (void)podc_image_label(img, k);
    }
    (void)podc_image_label(img, "io.podc.session");
    n = podc_image_exposed_port_count(img);
    FUZZ_CHECK(podc_image_exposed_port_at(img, n) == NULL, "port past the end");
    for (size_t i = 0; i < n; i++)
        (void)podc_image_exposed_port_at(img, i);
    FUZZ_CHECK(podc_image_json(img) != NULL, "no JSON");
}

/* The filter's meaning, said again: Labels has every "k" / "k=v". */
static int matches(yajl_val entry, const char *const *want, size_t n)
{
    yajl_val labels = pdc_json_get(entry, "Labels", NULL);
    for (size_t i = 0; i < n; i++) {
        const char *e = strchr(want[i], '=');
        size_t kl = e ? (size_t)(e - want[i]) : strlen(want[i]);
        int ok = 0;
        for (size_t k = 0; k < pdc_json_object_len(labels) && !ok; k++) {
            const char *key = pdc_json_object_key(labels, k);
            const char *v = pdc_json_as_str(pdc_json_object_value(labels, k));
            ok = strlen(key) == kl && memcmp(key, want[i], kl) == 0 && (!e || (v && strcmp(v, e + 1) == 0));
        }
        if (!ok)
            return 0;
    }
    return 1;
}

static void list(const char *text, const char *const *labels, size_t nlabels)
{
    yajl_val root = pdc_json_parse(text, NULL, 0);
    podc_image_list *l = pdc_image_list_from_json(root, (char *const *)labels, nlabels); /* takes root */
    if (!l)
        return;
    size_t n = podc_image_list_count(l), k = 0;
    for (size_t i = 0; i < pdc_json_array_len(root); i++) {
        yajl_val entry = pdc_json_array_at(root, i);
        if (!matches(entry, labels, nlabels))
            continue;
        const podc_image *img = podc_image_list_at(l, k++);
        FUZZ_CHECK(img != NULL, "entry %zu matches but the list has %zu", i, n);
        FUZZ_CHECK(eq(podc_image_id(img), pdc_json_str(entry, "Id", NULL)), "entry %zu out of order", i);
        int64_t c;
        if (pdc_json_int(entry, &c, "Created", NULL))
            FUZZ_CHECK(podc_image_created_unix(img) == c, "Created %lld", (long long)c);
        accessors(img);
    }
    FUZZ_CHECK(k == n, "%zu entries kept, %zu match", n, k);
    FUZZ_CHECK(podc_image_list_at(l, n) == NULL, "entry past the end");
    podc_image_list_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    yajl_val root = pdc_json_parse(text, NULL, 0);
    if (YAJL_IS_OBJECT(root)) {
        char *json = strdup(text);
        podc_image *img = json ? pdc_image_from_json(root, json) : NULL;
        FUZZ_CHECK(img != NULL, "oom");
        accessors(img);
        FUZZ_CHECK(podc_image_json(img) == json, "json text");
        podc_image_free(img);
    } else if (YAJL_IS_ARRAY(root) || YAJL_IS_NULL(root)) {
        pdc_json_free(root);
        static const char *const one[] = { "podc.managed=true" };
        static const char *const two[] = { "podc.managed", "podc.session=podc-it-15832-sess" };
        static const char *const odd[] = { "a=b=c", "=", "k=" };
        list(text, NULL, 0);
        list(text, one, 1);
        list(text, two, 2);
        list(text, odd, 3);
    } else {
        pdc_json_free(root);
    }
    free(text);
    return 0;
}
