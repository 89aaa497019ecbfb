/*
 * tar-mem.h - a tar of regular files built in memory, for the archive API's uploads (a file, a
 * config with its secrets, migration scripts): one upload for many files, because podman 4.3
 * pays a few re-executions of itself per upload (the container's user looked up in its
 * /etc/passwd and /etc/group, then the extracting process), ~0.1 s of CPU each.
 */
#ifndef PODC_CORE_TAR_MEM_H
#define PODC_CORE_TAR_MEM_H

#include <stddef.h>

#include "core/buf.h"

typedef struct pdc_tar_file {
    const char *name; /* relative path in the archive */
    const void *data;
    size_t len;
    unsigned int mode; /* permission bits */
} pdc_tar_file;

/* Appends the archive (pax restricted: plain ustar unless a name needs more; owned by root,
 * mtime now, no padding after the end marker) to out: 0, or PODC_ENOMEM. */
int pdc_tar_files(const pdc_tar_file *files, size_t n, pdc_buf *out);

#endif
