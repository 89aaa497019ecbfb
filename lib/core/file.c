/* file.c - one bounded whole-file reader. */
#include "config.h"

#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pdc_file_read(const char *path, size_t max, int wipe, char **out, size_t *len_out)
{
    FILE *f = fopen(path, "rbe");
    if (!f)
        return errno;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    int rc = buf ? 0 : ENOMEM;
    while (rc == 0) {
        if (len == cap) {
            if (cap >= max) {
                rc = EFBIG;
                break;
            }
            size_t ncap = cap * 2 > max ? max : cap * 2;
            /* grow by hand: realloc could leave a copy of a secret behind */
            char *nb = malloc(ncap + 1);
            if (!nb) {
                rc = ENOMEM;
                break;
            }
            memcpy(nb, buf, len);
            if (wipe)
                explicit_bzero(buf, len);
            free(buf);
            buf = nb;
            cap = ncap;
        }
        errno = 0;
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                rc = errno ? errno : EIO; /* the read's own reason (EISDIR, EIO...) */
            break;
        }
    }
    fclose(f);
    if (rc != 0) {
        if (buf && wipe)
            explicit_bzero(buf, len);
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    if (len_out)
        *len_out = len;
    return 0;
}
