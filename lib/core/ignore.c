/* ignore.c - Docker's ignore-file semantics without a regex engine: each pattern is compiled
 * to tokens equivalent to the regexp moby builds from it, matched by backtracking. */
#include "config.h"

#include "core/ignore.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "core/file.h"

enum tok_kind {
    T_LIT,       /* one character */
    T_ANY,       /* "?": one character but '/' */
    T_STAR,      /* "*": any run without '/' */
    T_DSTAR_DIR, /* "**" before more pattern: nothing, or anything ending in '/' */
    T_DSTAR_ALL, /* "**" at the end: anything */
    T_CLASS,     /* "[...]" */
};

typedef struct range {
    uint32_t lo, hi;
} range;

typedef struct tok {
    enum tok_kind kind;
    uint32_t ch;
    int negated;
    size_t nranges;
    range *ranges;
} tok;

typedef struct pattern {
    char *text;       /* cleaned, without '!' */
    int exclusion;    /* a '!' line */
    size_t ntoks;
    tok *toks;
    size_t literal_prefix; /* bytes of text before the first wildcard or escape */
    int suffix;       /* "**" + plain text: moby matches it as a plain suffix ("**file" ~ "xfile") */
} pattern;

struct pdc_ignore {
    size_t n, cap;
    pattern *pats;
    int has_exclusions;
};

/* Decodes one UTF-8 character; invalid bytes count as themselves, one byte each. */
static size_t utf8_next(const char *s, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t n = (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3 : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t v = n == 2 ? (u[0] & 0x1Fu) : n == 3 ? (u[0] & 0x0Fu) : (u[0] & 0x07u);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            n = 0;
            break;
        }
        v = (v << 6) | (u[i] & 0x3Fu);
    }
    if (n == 0) {
        *cp = u[0];
        return 1;
    }
    *cp = v;
    return n;
}

void pdc_path_clean(char *path)
{
    /* Go's filepath.Clean: collapse '/', drop ".", resolve ".." lexically, no trailing '/'. */
    int rooted = path[0] == '/';
    size_t len = strlen(path);
    char *out = path;
    size_t w = 0, r = 0, dotdot = 0;
    if (rooted) {
        out[w++] = '/';
        r = 1;
        dotdot = 1;
    }
    while (r < len) {
        if (path[r] == '/') {
            r++;
        } else if (path[r] == '.' && (r + 1 == len || path[r + 1] == '/')) {
            r++;
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == len || path[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                w--;
                while (w > dotdot && out[w] != '/')
                    w--;
            } else if (!rooted) {
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                out[w++] = '/';
            while (r < len && path[r] != '/')
                out[w++] = path[r++];
        }
    }
    if (w == 0)
        out[w++] = '.';
    out[w] = '\0';
}

static void free_pattern(pattern *p)
{
    for (size_t i = 0; i < p->ntoks; i++)
        free(p->toks[i].ranges);
    free(p->toks);
    free(p->text);
}

static int push_tok(pattern *p, size_t *cap, tok t)
{
    if (p->ntoks == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        tok *nt = realloc(p->toks, nc * sizeof *nt);
        if (!nt)
            return PODC_ENOMEM;
        p->toks = nt;
        *cap = nc;
    }
    p->toks[p->ntoks++] = t;
    return 0;
}

/* One class member per filepath.Match's getEsc: '-' and ']' must be escaped, '\' escapes. */
static int class_char(const char *s, size_t *pos, uint32_t *cp, const char **why)
{
    size_t i = *pos;
    if (s[i] == '\0') {
        *why = "unterminated [ in pattern";
        return PODC_EINVAL;
    }
    if (s[i] == '-' || s[i] == ']') {
        *why = "unescaped '-' or ']' in character class";
        return PODC_EINVAL;
    }
    if (s[i] == '\\') {
        i++;
        if (s[i] == '\0') {
            *why = "unterminated [ in pattern";
            return PODC_EINVAL;
        }
    }
    *pos = i + utf8_next(s + i, cp);
    return 0;
}

/* Parses "[...]" starting after the '[' with filepath.Match's syntax rules (so "[]a]",
 * "[-x]", "[a-b-c]" are errors, as Docker reports them); *pos ends after the ']'. */
static int parse_class(const char *s, size_t *pos, tok *t, const char **why)
{
    size_t i = *pos, cap = 0;
    t->kind = T_CLASS;
    t->negated = 0;
    t->nranges = 0;
    t->ranges = NULL;
    if (s[i] == '^') {
        t->negated = 1;
        i++;
    }
    int rc = 0;
    while (rc == 0) {
        if (s[i] == ']' && t->nranges > 0) {
            *pos = i + 1;
            return 0;
        }
        uint32_t lo, hi;
        rc = class_char(s, &i, &lo, why);
        hi = lo;
        if (rc == 0 && s[i] == '-') {
            i++;
            rc = class_char(s, &i, &hi, why);
            if (rc == 0 && hi < lo) {
                *why = "invalid character range in pattern";
                rc = PODC_EINVAL;
            }
        }
        if (rc == 0 && t->nranges == cap) {
            size_t nc = cap ? cap * 2 : 4;
            range *nr = realloc(t->ranges, nc * sizeof *nr);
            if (!nr)
                rc = PODC_ENOMEM;
            else
                t->ranges = nr, cap = nc;
        }
        if (rc == 0) {
            t->ranges[t->nranges].lo = lo;
            t->ranges[t->nranges].hi = hi;
            t->nranges++;
        }
    }
    free(t->ranges);
    t->ranges = NULL;
    return rc;
}

/* Token translation follows moby's Pattern.compile, so "**" quirks match Docker's. */
static int compile(pattern *p, const char **why)
{
    const char *s = p->text;
    size_t i = 0, cap = 0;
    int rc = 0;
    p->literal_prefix = strcspn(s, "*?[\\");
    p->suffix = s[0] == '*' && s[1] == '*' && !strpbrk(s + 2, "*?[]\\");
    while (s[i] && rc == 0) {
        tok t = { .kind = T_LIT };
        if (s[i] == '*') {
            if (s[i + 1] == '*') {
                i += 2;
                if (s[i] == '/')
                    i++;
                t.kind = s[i] == '\0' ? T_DSTAR_ALL : T_DSTAR_DIR;
            } else {
                i++;
                t.kind = T_STAR;
            }
        } else if (s[i] == '?') {
            i++;
            t.kind = T_ANY;
        } else if (s[i] == '[') {
            i++;
            rc = parse_class(s, &i, &t, why);
            if (rc < 0)
                return rc;
        } else if (s[i] == '\\') {
            i++;
            if (!s[i]) {
                *why = "pattern ends with an escaping '\\'";
                return PODC_EINVAL;
            }
            i += utf8_next(s + i, &t.ch);
        } else {
            i += utf8_next(s + i, &t.ch);
        }
        rc = push_tok(p, &cap, t);
        if (rc < 0)
            free(t.ranges);
    }
    return rc;
}

static int class_has(const tok *t, uint32_t cp)
{
    int in = 0;
    for (size_t i = 0; i < t->nranges && !in; i++)
        in = cp >= t->ranges[i].lo && cp <= t->ranges[i].hi;
    return t->negated ? !in : in;
}

/* (token, position) pairs already known not to match: each is tried once, so a pattern of
 * many stars costs O(tokens * length^2) instead of an exponential backtrack (a fuzz finding:
 * "*a*a*a*a*a*a*a*a*a*a*a*a*b" against 60 'a's took over 20 s). */
typedef struct memo {
    const tok *toks;
    const char *base;
    size_t len;
    unsigned char *failed; /* a bit per (token, offset); NULL (OOM) only makes it slower */
} memo;

static int match_toks(memo *m, const tok *t, size_t nt, const char *s);

static int match_rest(memo *m, const tok *t, size_t nt, const char *s)
{
    size_t bit = (size_t)(t - m->toks) * (m->len + 1) + (size_t)(s - m->base);
    if (m->failed && ((m->failed[bit / 8] >> (bit % 8)) & 1))
        return 0;
    int r = match_toks(m, t, nt, s);
    if (!r && m->failed)
        m->failed[bit / 8] |= (unsigned char)(1u << (bit % 8));
    return r;
}

static int match_toks(memo *m, const tok *t, size_t nt, const char *s)
{
    for (; nt; t++, nt--) {
        uint32_t cp;
        size_t n;
        switch (t->kind) {
        case T_LIT:
            if (!*s)
                return 0;
            n = utf8_next(s, &cp);
            if (cp != t->ch)
                return 0;
            s += n;
            break;
        case T_ANY:
        case T_CLASS:
            if (!*s || *s == '/')
                return 0;
            n = utf8_next(s, &cp);
            if (t->kind == T_CLASS && !class_has(t, cp))
                return 0;
            s += n;
            break;
        case T_STAR:
            for (const char *q = s;; q += utf8_next(q, &cp)) {
                if (match_rest(m, t + 1, nt - 1, q))
                    return 1;
                if (!*q || *q == '/')
                    return 0;
            }
        case T_DSTAR_DIR:
            if (match_rest(m, t + 1, nt - 1, s))
                return 1;
            for (const char *q = s; *q; q++)
                if (*q == '/' && match_rest(m, t + 1, nt - 1, q + 1))
                    return 1;
            return 0;
        case T_DSTAR_ALL:
            for (const char *q = s;; q++) {
                if (match_rest(m, t + 1, nt - 1, q))
                    return 1;
                if (!*q)
                    return 0;
            }
        }
    }
    return *s == '\0';
}

static int match_path(const pattern *p, const char *path)
{
    memo m = { .toks = p->toks, .base = path, .len = strlen(path) };
    size_t bits = (p->ntoks + 1) * (m.len + 1);
    m.failed = calloc(bits / 8 + 1, 1);
    int r = match_toks(&m, p->toks, p->ntoks, path);
    free(m.failed);
    return r;
}

pdc_ignore *pdc_ignore_new(void)
{
    return calloc(1, sizeof(pdc_ignore));
}

void pdc_ignore_free(pdc_ignore *ig)
{
    if (!ig)
        return;
    for (size_t i = 0; i < ig->n; i++)
        free_pattern(&ig->pats[i]);
    free(ig->pats);
    free(ig);
}

size_t pdc_ignore_count(const pdc_ignore *ig)
{
    return ig ? ig->n : 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int pdc_ignore_add_line(pdc_ignore *ig, const char *line, size_t len, const char **why)
{
    static const char *none;
    if (!why)
        why = &none;
    *why = NULL;
    if (len && line[0] == '#') /* comments are recognised before trimming, as in Docker */
        return 0;
    while (len && is_space(line[0]))
        line++, len--;
    while (len && is_space(line[len - 1]))
        len--;
    if (!len)
        return 0;
    int exclusion = line[0] == '!';
    if (exclusion) {
        line++, len--;
        while (len && is_space(line[0]))
            line++, len--;
        if (!len) {
            *why = "illegal exclusion pattern \"!\"";
            return PODC_EINVAL;
        }
    }
    if (memchr(line, '\0', len)) {
        *why = "a NUL character in a pattern";
        return PODC_EINVAL;
    }
    pattern p = { .exclusion = exclusion };
    /* one spare byte: cleaning a pattern that empties writes "." */
    p.text = malloc(len + 2);
    if (!p.text)
        return PODC_ENOMEM;
    memcpy(p.text, line, len);
    p.text[len] = p.text[len + 1] = '\0';
    pdc_path_clean(p.text);
    if (p.text[0] == '/' && p.text[1])
        memmove(p.text, p.text + 1, strlen(p.text));
    int rc = compile(&p, why);
    if (rc == 0 && ig->n == ig->cap) {
        size_t nc = ig->cap ? ig->cap * 2 : 8;
        pattern *np = realloc(ig->pats, nc * sizeof *np);
        if (!np)
            rc = PODC_ENOMEM;
        else
            ig->pats = np, ig->cap = nc;
    }
    if (rc < 0) {
        free_pattern(&p);
        return rc;
    }
    ig->pats[ig->n++] = p;
    ig->has_exclusions |= exclusion;
    return 0;
}

int pdc_ignore_add_text(pdc_ignore *ig, const char *text, size_t len, const char *origin, podc_error **err)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, len -= 3;
    size_t lineno = 0;
    while (len) {
        const char *nl = memchr(text, '\n', len);
        size_t n = nl ? (size_t)(nl - text) : len;
        lineno++;
        const char *why = NULL;
        int rc = pdc_ignore_add_line(ig, text, n, &why);
        if (rc == PODC_ENOMEM)
            return pdc_error_oom(err);
        if (rc < 0) {
            podc_error *e = pdc_error_new(PODC_EINVAL, "%s:%zu: %s: \"%.*s\"", origin ? origin : "ignore file", lineno,
                                          why ? why : "bad pattern", (int)(n > 200 ? 200 : n), text);
            pdc_error_add_detail(e, "field", "ignore file");
            if (origin)
                pdc_error_add_detail(e, "file", origin);
            return pdc_error_put(err, e);
        }
        text += n + (nl ? 1 : 0);
        len -= n + (nl ? 1 : 0);
    }
    return 0;
}

int pdc_ignore_load_file(pdc_ignore *ig, const char *path, int *loaded, podc_error **err)
{
    *loaded = 0;
    char *text = NULL;
    size_t len = 0;
    int fe = pdc_file_read(path, (size_t)64 << 20, 0, &text, &len);
    if (fe == ENOENT)
        return 0;
    if (fe == ENOMEM)
        return pdc_error_oom(err);
    if (fe != 0) {
        podc_error *pe = pdc_error_new(PODC_EINVAL, "cannot read %s: %s", path, strerror(fe));
        pdc_error_add_detail(pe, "field", "ignore file");
        pdc_error_add_detail(pe, "file", path);
        return pdc_error_put(err, pe);
    }
    int rc = pdc_ignore_add_text(ig, text, len, path, err);
    free(text);
    if (rc == 0)
        *loaded = 1;
    return rc;
}

static int pattern_matches(const pattern *p, const char *path)
{
    if (p->suffix) {
        const char *suffix = p->text + 2;
        size_t pl = strlen(path), sl = strlen(suffix);
        if (pl >= sl && strcmp(path + pl - sl, suffix) == 0)
            return 1;
        return suffix[0] == '/' && strcmp(path, suffix + 1) == 0; /* "**\/foo" matches "foo" */
    }
    return match_path(p, path);
}

int pdc_ignore_excluded(const pdc_ignore *ig, const char *path)
{
    if (!ig || ig->n == 0)
        return 0;
    /* parent prefixes are tried too (moby's MatchesOrParentMatches): "a/b/c" -> "a", "a/b" */
    char stackbuf[512];
    size_t len = strlen(path);
    char *work = len < sizeof stackbuf ? stackbuf : malloc(len + 1);
    if (!work)
        return 0;
    int matched = 0;
    for (size_t i = 0; i < ig->n; i++) {
        const pattern *p = &ig->pats[i];
        if (p->exclusion != matched) /* cannot change the outcome */
            continue;
        int m = pattern_matches(p, path);
        for (size_t k = 0; !m && k < len; k++) {
            if (path[k] != '/')
                continue;
            memcpy(work, path, k);
            work[k] = '\0';
            m = pattern_matches(p, work);
        }
        if (m)
            matched = !p->exclusion;
    }
    if (work != stackbuf)
        free(work);
    return matched;
}

int pdc_ignore_must_descend(const pdc_ignore *ig, const char *dir)
{
    if (!ig || !ig->has_exclusions)
        return 0;
    size_t dlen = strlen(dir);
    for (size_t i = 0; i < ig->n; i++) {
        const pattern *p = &ig->pats[i];
        if (!p->exclusion)
            continue;
        size_t lp = p->literal_prefix;
        /* the exception names dir or something below it (Docker's rule) */
        if (strncmp(p->text, dir, dlen) == 0 && (p->text[dlen] == '\0' || p->text[dlen] == '/'))
            return 1;
        /* Docker stops there and silently drops "!**\/keep" below an excluded dir; we also
         * descend when the exception's literal start ("", "d" of "d*\/keep") is compatible
         * with "dir/", and let the matcher decide path by path. */
        if (p->text[lp] != '\0' && lp <= dlen + 1 && strncmp(p->text, dir, lp < dlen ? lp : dlen) == 0 &&
            (lp <= dlen || p->text[dlen] == '/'))
            return 1;
    }
    return 0;
}
