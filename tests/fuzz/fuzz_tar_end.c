/*
 * fuzz_tar_end.c - the tar a caller uploads (podc_copy_put_tar, _stream: bytes podc did not
 * write) as podc_tar_end_* walks its headers to stop right after the end-of-archive marker.
 * Byte 0: bit 0 = fix the checksum of every non-zero 512-byte block (so that the walk goes
 * past the first header), the rest seeds the chunk sizes; the rest is the archive.
 * Contracts checked: the bytes kept and the end do not depend on the chunking; a feed keeps
 * at most what it was given, all of it until the end and nothing after; the archive kept
 * ends with its two zero blocks on a block boundary; and it ends where a plain walk over the
 * whole buffer (sizes in 128 bits) says it does.
 */
#include "core/tar-end.h"
#include "fuzz.h"

/* The walk, done again over the whole buffer: the offset just past the end marker, or
 * size when there is none (or the archive is not one the walk understands). */
static int ref_num(const unsigned char *f, size_t n, unsigned __int128 *out)
{
    unsigned __int128 v = 0;
    size_t i = 0;
    if (f[0] & 0x80) {
        if (f[0] & 0x40)
            return 0;
        v = f[0] & 0x3f;
        for (i = 1; i < n; i++)
            v = v << 8 | f[i];
        *out = v;
        return v <= UINT64_MAX;
    }
    while (i < n && f[i] == ' ')
        i++;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
        v = v * 8 + (f[i] - '0');
    for (; i < n; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return 0;
    *out = v;
    return 1;
}

static size_t ref_end(const unsigned char *d, size_t size)
{
    unsigned __int128 pos = 0;
    int zeros = 0;
    while (pos + 512 <= size) {
        const unsigned char *b = d + (size_t)pos;
        size_t nz = 0;
        for (size_t i = 0; i < 512; i++)
            nz += b[i] != 0;
        pos += 512;
        if (!nz) {
            if (++zeros == 2)
                return (size_t)pos;
            continue;
        }
        zeros = 0;
        unsigned __int128 want, sum = 0, len;
        for (size_t i = 0; i < 512; i++)
            sum += (i >= 148 && i < 156) ? ' ' : b[i];
        if (!ref_num(b + 148, 8, &want) || want != sum || !ref_num(b + 124, 12, &len) || b[156] == 'S')
            return size;
        if (b[156] >= '1' && b[156] <= '6')
            len = 0;
        pos += (len + 511) / 512 * 512;
    }
    return size;
}

static void fix_checksums(unsigned char *d, size_t size)
{
    for (size_t off = 0; off + 512 <= size; off += 512) {
        unsigned char *b = d + off;
        unsigned sum = 0;
        for (size_t i = 0; i < 512; i++)
            sum += (i >= 148 && i < 156) ? ' ' : b[i];
        if (sum != 8 * ' ') /* leave zero blocks zero */
            snprintf((char *)b + 148, 8, "%06o", sum & 0777777);
    }
}

/* chunking: 0 = all at once, 1 = one byte at a time, else sizes from a xorshift seeded by seed */
static size_t run(const unsigned char *d, size_t size, int mode, unsigned seed, int *done)
{
    pdc_tar_end t;
    pdc_tar_end_init(&t);
    size_t off = 0, kept = 0;
    unsigned x = seed | 1;
    while (off < size) {
        size_t n = size - off;
        if (mode == 1) {
            n = 1;
        } else if (mode == 2) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            size_t want = 1 + x % 1100;
            if (want < n)
                n = want;
        }
        size_t k = pdc_tar_end_feed(&t, (const char *)d + off, n);
        FUZZ_CHECK(k <= n, "kept %zu of %zu", k, n);
        FUZZ_CHECK(k == n || pdc_tar_end_done(&t), "kept %zu of %zu before the end", k, n);
        FUZZ_CHECK(kept == off || k == 0, "kept more after the end");
        kept += k;
        off += n;
    }
    *done = pdc_tar_end_done(&t);
    return kept;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned seed = data[0];
    size--;
    unsigned char *d = malloc(size ? size : 1);
    FUZZ_CHECK(d != NULL, "oom");
    memcpy(d, data + 1, size);
    if (seed & 1)
        fix_checksums(d, size);
    int done_a, done_b;
    size_t a = run(d, size, 0, 0, &done_a);
    size_t b = run(d, size, size <= 4096 ? 1 : 2, seed, &done_b);
    FUZZ_CHECK(a == b && done_a == done_b, "chunking changed the end: %zu/%zu done %d/%d", a, b, done_a, done_b);
    if (done_a) {
        FUZZ_CHECK(a % 512 == 0 && a >= 1024, "ended at %zu", a);
        for (size_t i = a - 1024; i < a; i++)
            FUZZ_CHECK(d[i] == 0, "ended after a non-zero byte at %zu", i);
    } else {
        FUZZ_CHECK(a == size, "kept %zu of %zu without an end", a, size);
    }
    size_t want = ref_end(d, size);
    FUZZ_CHECK(a == want, "ended at %zu, the whole-buffer walk says %zu", a, want);
    run(d, size, 2, seed * 7 + 1, &done_b);
    free(d);
    return 0;
}
