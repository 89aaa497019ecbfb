/* tar-mem.c - see tar-mem.h. */
#include "core/tar-mem.h"

#include <archive.h>
#include <archive_entry.h>
#include <time.h>

#include "podc/error.h"

static la_ssize_t to_buf(struct archive *a, void *ud, const void *data, size_t len)
{
    (void)a;
    return pdc_buf_append(ud, data, len) == 0 ? (la_ssize_t)len : -1;
}

int pdc_tar_files(const pdc_tar_file *files, size_t n, pdc_buf *out)
{
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    int ok = a && e && archive_write_set_format_pax_restricted(a) == ARCHIVE_OK &&
             archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK &&
             archive_write_open2(a, out, NULL, to_buf, NULL, NULL) == ARCHIVE_OK;
    time_t now = time(NULL);
    for (size_t i = 0; ok && i < n; i++) {
        archive_entry_clear(e);
        archive_entry_set_pathname(e, files[i].name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, files[i].mode & 07777);
        archive_entry_set_size(e, (la_int64_t)files[i].len);
        archive_entry_set_mtime(e, now, 0);
        archive_entry_set_uid(e, 0);
        archive_entry_set_gid(e, 0);
        ok = archive_write_header(a, e) == ARCHIVE_OK &&
             (!files[i].len || archive_write_data(a, files[i].data, files[i].len) == (la_ssize_t)files[i].len);
    }
    if (ok)
        ok = archive_write_close(a) == ARCHIVE_OK;
    archive_entry_free(e);
    if (a)
        archive_write_free(a);
    return ok ? 0 : PODC_ENOMEM;
}
