/* base64.c - RFC 4648 base64, for registry credentials. */
#include "config.h"

#include "core/base64.h"

#include <stdlib.h>
#include <string.h>

#include "podc/error.h"

static const char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int encode(pdc_buf *b, const void *data, size_t len, const char *alphabet)
{
    const unsigned char *p = data;
    char quad[4];
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        quad[0] = alphabet[(v >> 18) & 63];
        quad[1] = alphabet[(v >> 12) & 63];
        quad[2] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        quad[3] = i + 2 < len ? alphabet[v & 63] : '=';
        if (pdc_buf_append(b, quad, 4) < 0)
            return PODC_ENOMEM;
    }
    return 0;
}

int pdc_base64_encode(pdc_buf *b, const void *data, size_t len)
{
    return encode(b, data, len, std_alphabet);
}

int pdc_base64url_encode(pdc_buf *b, const void *data, size_t len)
{
    return encode(b, data, len, url_alphabet);
}

static int sextet(char c)
{
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    const char *p = c ? strchr(std_alphabet, c) : NULL;
    return p ? (int)(p - std_alphabet) : -1;
}

char *pdc_base64_decode(const char *text, size_t *len_out)
{
    size_t n = strlen(text);
    while (n && text[n - 1] == '=')
        n--;
    if (n % 4 == 1 || strlen(text) - n > 2)
        return NULL;
    char *out = malloc(n / 4 * 3 + 3);
    if (!out)
        return NULL;
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int s = sextet(text[i]);
        if (s < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)s;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[o] = '\0';
    if (len_out)
        *len_out = o;
    return out;
}
