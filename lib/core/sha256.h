/* sha256.h - SHA-256 (FIPS 180-4), for hashes of what defines a stack (a label, not a secret). */
#ifndef PODC_CORE_SHA256_H
#define PODC_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pdc_sha256 {
    uint32_t h[8];
    uint64_t len;        /* bytes hashed so far */
    unsigned char buf[64];
    size_t nbuf;
} pdc_sha256;

void pdc_sha256_init(pdc_sha256 *s);
void pdc_sha256_update(pdc_sha256 *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void pdc_sha256_hex(pdc_sha256 *s, char out[65]);

#endif
