/* tar-end.c - the end of a tar stream (see tar-end.h). */
#include "config.h"

#include "core/tar-end.h"

#include <string.h>

enum { WALKING = 0, ENDED = 1, PASSING = 2 };

void pdc_tar_end_init(pdc_tar_end *t)
{
    memset(t, 0, sizeof *t);
}

static int all_zero(const unsigned char *b)
{
    for (size_t i = 0; i < 512; i++)
        if (b[i])
            return 0;
    return 1;
}

/* Octal (NUL/space padded) or, with the high bit set, base-256 as GNU and star write it. */
static int parse_num(const unsigned char *f, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    if (f[0] & 0x80) {
        if (f[0] & 0x40)
            return 0; /* negative */
        v = f[0] & 0x3f;
        for (size_t i = 1; i < n; i++) {
            if (v >> 56)
                return 0;
            v = v << 8 | f[i];
        }
        *out = v;
        return 1;
    }
    size_t i = 0;
    while (i < n && f[i] == ' ')
        i++;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
        v = v * 8 + (uint64_t)(f[i] - '0');
    for (; i < n; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return 0;
    *out = v; /* an empty field counts as 0 */
    return 1;
}

static int checksum_ok(const unsigned char *b)
{
    uint64_t want = 0;
    if (!parse_num(b + 148, 8, &want))
        return 0;
    uint64_t sum = 0;
    for (size_t i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : b[i];
    return sum == want;
}

/* A complete header block: decide how much data follows, or give up on parsing. */
static void header(pdc_tar_end *t)
{
    if (all_zero(t->block)) {
        if (++t->zeros == 2)
            t->state = ENDED;
        return;
    }
    t->zeros = 0;
    uint64_t size = 0;
    char type = (char)t->block[156];
    /* old GNU sparse files carry extension blocks we do not walk: stop interpreting */
    if (!checksum_ok(t->block) || !parse_num(t->block + 124, 12, &size) || type == 'S') {
        t->state = PASSING;
        return;
    }
    /* header-only types, as Go's archive/tar (podman's reader) treats them */
    if (type >= '1' && type <= '6')
        size = 0;
    /* a base-256 size near 2^64 would wrap when rounded up: everything after is its data */
    t->skip = size > UINT64_MAX - 511 ? UINT64_MAX : (size + 511) / 512 * 512;
}

size_t pdc_tar_end_feed(pdc_tar_end *t, const char *data, size_t len)
{
    size_t used = 0;
    while (used < len) {
        if (t->state == ENDED)
            return used;
        if (t->state == PASSING)
            return len;
        size_t left = len - used;
        if (t->skip) {
            size_t n = t->skip < left ? (size_t)t->skip : left;
            t->skip -= n;
            used += n;
            continue;
        }
        size_t n = sizeof t->block - t->have;
        if (n > left)
            n = left;
        memcpy(t->block + t->have, data + used, n);
        t->have += n;
        used += n;
        if (t->have == sizeof t->block) {
            t->have = 0;
            header(t);
        }
    }
    return used;
}

int pdc_tar_end_done(const pdc_tar_end *t)
{
    return t->state == ENDED;
}
