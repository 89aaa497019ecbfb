/*
 * tar-end.h - finds where a tar archive ends (its two zero blocks) in a byte stream.
 * podman 4.3.1's archive PUT extracts in a subprocess that exits at the end-of-archive
 * marker; bytes after it (the record padding tar writers add, up to 10 KiB) that arrive
 * later fail the whole call with 500 "broken pipe" although the files were extracted.
 * Uploads therefore stop right after the marker. Anything that does not parse as tar
 * (e.g. a compressed archive) is passed through untouched.
 */
#ifndef PODC_CORE_TAR_END_H
#define PODC_CORE_TAR_END_H

#include <stddef.h>
#include <stdint.h>

typedef struct pdc_tar_end {
    unsigned char block[512];
    size_t have;        /* bytes of the current header block collected */
    uint64_t skip;      /* data bytes (incl. padding) still to pass before the next header */
    int zeros;          /* consecutive zero blocks seen */
    int state;          /* 0 headers/data, 1 ended, 2 pass-through */
} pdc_tar_end;

void pdc_tar_end_init(pdc_tar_end *t);
/* Of the next len bytes, how many belong to the archive (== len until the end; then fewer,
 * then 0). */
size_t pdc_tar_end_feed(pdc_tar_end *t, const char *data, size_t len);
/* 1 once the end-of-archive marker has been passed. */
int pdc_tar_end_done(const pdc_tar_end *t);

#endif
