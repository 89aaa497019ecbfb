/* interpolate.c - compose's ${VAR} substitution (see interpolate.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose/interpolate.h"
#include "core/buf.h"
#include "podc/error.h"

static int name_char(char c, int first)
{
    return c == '_' || isalpha((unsigned char)c) || (!first && isdigit((unsigned char)c));
}

static int set_why(char **why, const char *what, const char *text)
{
    char msg[400];
    snprintf(msg, sizeof msg, "%s \"%.300s\"", what, text);
    *why = strdup(msg);
    return PODC_EINVAL;
}

/* ${...} starting at p (just after "${"); the text up to the matching '}' (nested ${} in a
 * default count) is the body. Returns the position after '}' or NULL. */
static const char *braced_end(const char *p)
{
    int depth = 1;
    for (; *p; p++) {
        if (p[0] == '$' && p[1] == '{')
            depth++, p++;
        else if (*p == '}' && --depth == 0)
            return p + 1;
    }
    return NULL;
}

static int expand_braced(const char *body, size_t len, podc_lookup_fn lookup, void *ud, pdc_buf *b, char **why)
{
    char *s = strndup(body, len);
    if (!s)
        return PODC_ENOMEM;
    size_t n = 0;
    while (name_char(s[n], n == 0))
        n++;
    int rc = 0;
    if (n == 0) {
        rc = set_why(why, "bad variable reference in", s);
        free(s);
        return rc;
    }
    char op[3] = { 0 };
    const char *arg = NULL;
    if (s[n] == ':' && (s[n + 1] == '-' || s[n + 1] == '?' || s[n + 1] == '+'))
        op[0] = ':', op[1] = s[n + 1], arg = s + n + 2;
    else if (s[n] == '-' || s[n] == '?' || s[n] == '+')
        op[0] = s[n], arg = s + n + 1;
    else if (s[n] != '\0') {
        rc = set_why(why, "bad variable reference in", s);
        free(s);
        return rc;
    }
    s[n] = '\0';
    const char *v = lookup(s, ud);
    int colon = op[0] == ':';
    char kind = colon ? op[1] : op[0];
    int unset = !v || (colon && !*v); /* with ':' an empty value counts as unset */
    char *sub = NULL;
    if (arg && (rc = pdc_interpolate(arg, lookup, ud, &sub, why)) < 0) {
        free(s);
        return rc;
    }
    if (kind == '-')
        rc = pdc_buf_puts(b, unset ? sub : v);
    else if (kind == '+')
        rc = unset ? 0 : pdc_buf_puts(b, sub);
    else if (kind == '?' && unset) {
        char msg[600];
        snprintf(msg, sizeof msg, "variable %s is not set%s%s", s, sub && *sub ? ": " : "", sub ? sub : "");
        *why = strdup(msg);
        rc = PODC_EINVAL;
    } else
        rc = v ? pdc_buf_puts(b, v) : 0;
    free(sub);
    free(s);
    return rc;
}

int pdc_interpolate(const char *text, podc_lookup_fn lookup, void *ud, char **out, char **why)
{
    pdc_buf b = PODC_BUF_INIT;
    *why = NULL;
    int rc = 0;
    for (const char *p = text; rc == 0 && *p;) {
        const char *d = strchr(p, '$');
        if (!d) {
            rc = pdc_buf_puts(&b, p);
            break;
        }
        rc = pdc_buf_append(&b, p, (size_t)(d - p));
        if (rc)
            break;
        if (d[1] == '$') { /* $$: a literal $ */
            rc = pdc_buf_puts(&b, "$");
            p = d + 2;
        } else if (d[1] == '{') {
            const char *end = braced_end(d + 2);
            if (!end) {
                rc = set_why(why, "unterminated variable reference in", text);
                break;
            }
            rc = expand_braced(d + 2, (size_t)(end - 1 - (d + 2)), lookup, ud, &b, why);
            p = end;
        } else if (name_char(d[1], 1)) {
            size_t n = 1;
            while (name_char(d[1 + n], 0))
                n++;
            char *name = strndup(d + 1, n);
            const char *v = name ? lookup(name, ud) : NULL;
            rc = !name ? PODC_ENOMEM : v ? pdc_buf_puts(&b, v) : 0;
            free(name);
            p = d + 1 + n;
        } else { /* a lone $ stays */
            rc = pdc_buf_puts(&b, "$");
            p = d + 1;
        }
    }
    if (rc < 0) {
        pdc_buf_free(&b);
        return rc;
    }
    if (!(*out = pdc_buf_detach(&b)))
        return PODC_ENOMEM;
    return 0;
}
