/* file.h - reading a whole (small) file that podc did not write: auth files, containers.conf,
 * ignore files. */
#ifndef PODC_CORE_FILE_H
#define PODC_CORE_FILE_H

#include <stddef.h>

/*
 * Reads path into a new NUL-terminated buffer (*out; *len_out its length, may be NULL).
 * Returns 0, an errno (ENOENT...; EFBIG when it is larger than max bytes) or ENOMEM. With
 * wipe, every intermediate copy is zeroed (the file holds secrets).
 */
int pdc_file_read(const char *path, size_t max, int wipe, char **out, size_t *len_out);

#endif
