/*
 * podc/copy.h - copying files into and out of a container as tar archives
 * (PUT / GET /libpod/containers/{name}/archive). Works on stopped containers too.
 *
 * Thread-safety: as for the client the call runs on.
 */
#ifndef PODC_COPY_H
#define PODC_COPY_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Extracts a tar archive (in memory: tar, len bytes) into directory `path` of the container
 * (absolute; podman creates it when missing). Owners and modes come from the archive.
 * Only the archive up to its end-of-archive marker is sent: podman 4.3.1 answers 500
 * "broken pipe" (after extracting everything) when the record padding tar writers append
 * arrives after its extractor finished. Data that does not parse as tar is sent whole.
 * Errors: PODC_EINVAL (bad name or path, nothing sent; or podman's 400), PODC_ENOTFOUND
 * (no such container), PODC_ESERVER (not a tar, or the path is not a directory), transport.
 */
PODC_EXTERN int podc_copy_put_tar(podc_client *c, const char *container, const char *path, const void *tar,
                                  size_t len, podc_error **err);

/* Same, with the archive read from read_cb as it is sent (chunked upload). read_cb is
 * called until it returns 0 even after the end-of-archive marker; what follows the marker
 * is dropped. */
PODC_EXTERN int podc_copy_put_tar_stream(podc_client *c, const char *container, const char *path,
                                         podc_read_cb read_cb, void *userdata, podc_error **err);

/*
 * Writes one regular file `dir`/`name` in the container with the given content and
 * permission bits (e.g. 0644), owned by root. name is relative and may hold subdirectories
 * ("conf/app.ini"), but no "." or ".." parts. An existing file is replaced.
 * Errors as for podc_copy_put_tar(); PODC_EINVAL detail "field" = "name" for a bad name.
 */
PODC_EXTERN int podc_copy_put_file(podc_client *c, const char *container, const char *dir, const char *name,
                                   const void *content, size_t len, unsigned int mode, podc_error **err);

/*
 * Streams `path` of the container out as a tar archive to cb, piece by piece (see
 * podc_data_cb in common.h). A directory comes with its name as the first entry ("www/",
 * "www/index.html"); "/www/." leaves the prefix out.
 * Errors: PODC_EINVAL, PODC_ENOTFOUND (no such container or path), PODC_ECANCELLED (cb
 * returned non-zero or podc_client_cancel()), transport errors.
 */
PODC_EXTERN int podc_copy_get_tar(podc_client *c, const char *container, const char *path, podc_data_cb cb,
                                  void *userdata, podc_error **err);

/* Same, into memory: *out (new, free with podc_free()) and *out_len. */
PODC_EXTERN int podc_copy_get_tar_mem(podc_client *c, const char *container, const char *path, char **out,
                                      size_t *out_len, podc_error **err);

/*
 * Reads one regular file out of the container. *out is new (free with podc_free()), NUL-
 * terminated for convenience, and *out_len its length (may be NULL).
 * Errors: as for podc_copy_get_tar(); PODC_EINVAL when path is a directory or not a
 * regular file; PODC_EPROTOCOL when the archive cannot be read.
 */
PODC_EXTERN int podc_copy_get_file(podc_client *c, const char *container, const char *path, char **out,
                                   size_t *out_len, podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
