/* build-context.c - walks the context directory lazily and feeds libarchive one entry or one
 * file chunk at a time; libarchive's output lands in a small buffer the reader drains. */
#include "config.h"

#include "api/build-context.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error-private.h"

#define CHUNK (64 * 1024)

typedef struct frame {
    char *rel;               /* directory relative to the root; "" for the root */
    struct dirent **ents;
    int n, i;
} frame;

struct pdc_build_context {
    char *root;
    const pdc_ignore *ig;
    char *extra_name, *extra_path;
    int extra_done;
    int started;             /* root frame pushed */
    int finished;            /* archive closed, everything is in out */
    struct archive *a;
    pdc_buf out;            /* tar bytes not yet read */
    size_t out_off;
    frame *stack;
    size_t depth, cap;
    int fd;                  /* file whose data is being sent, or -1 */
    char *fd_path;
    int64_t remaining;
    podc_error *error;
    uint64_t entries, bytes;
};

static la_ssize_t on_write(struct archive *a, void *ud, const void *buf, size_t len)
{
    pdc_build_context *ctx = ud;
    if (pdc_buf_append(&ctx->out, buf, len) < 0) {
        archive_set_error(a, ENOMEM, "out of memory");
        return -1;
    }
    return (la_ssize_t)len;
}

static int fail(pdc_build_context *ctx, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Keeps the first failure; the reader returns its code and the build reports it. */
static int fail(pdc_build_context *ctx, int code, const char *fmt, ...)
{
    if (!ctx->error) {
        pdc_buf msg = PODC_BUF_INIT;
        va_list ap;
        va_start(ap, fmt);
        int r = pdc_buf_vprintf(&msg, fmt, ap);
        va_end(ap);
        ctx->error = pdc_error_new(code, "%s", r == 0 && msg.data ? msg.data : "build context failed");
        if (code != PODC_ENOMEM)
            pdc_error_add_detail(ctx->error, "field", "context_dir");
        pdc_buf_free(&msg);
    }
    return code;
}

/* The OS refused a file of the context (errno e): a local file error, not bad input. */
static int fail_os(pdc_build_context *ctx, int e, const char *what, const char *path)
{
    if (!ctx->error) {
        ctx->error = pdc_error_local(e, NULL, path, "build context: cannot %s %s", what, path);
        pdc_error_add_detail(ctx->error, "field", "context_dir");
    }
    return podc_error_code(ctx->error);
}

static int fail_archive(pdc_build_context *ctx, const char *what)
{
    const char *why = archive_error_string(ctx->a);
    return fail(ctx, PODC_EINVAL, "build context: %s: %s", what, why ? why : "libarchive error");
}

int pdc_build_context_new(pdc_build_context **out, const char *dir, const pdc_ignore *ig,
                          const char *extra_name, const char *extra_path, podc_error **err)
{
    pdc_build_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return pdc_error_oom(err);
    ctx->fd = -1;
    ctx->ig = ig;
    ctx->root = strdup(dir);
    if (extra_name) {
        ctx->extra_name = strdup(extra_name);
        ctx->extra_path = strdup(extra_path);
    } else {
        ctx->extra_done = 1;
    }
    ctx->a = archive_write_new();
    if (!ctx->root || !ctx->a || (extra_name && (!ctx->extra_name || !ctx->extra_path))) {
        pdc_build_context_free(ctx);
        return pdc_error_oom(err);
    }
    /* pax keeps long and non-ASCII names; no blocking so every piece is passed on at once */
    if (archive_write_set_format_pax_restricted(ctx->a) != ARCHIVE_OK ||
        archive_write_add_filter_none(ctx->a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(ctx->a, 0) != ARCHIVE_OK ||
        archive_write_open(ctx->a, ctx, NULL, on_write, NULL) != ARCHIVE_OK) {
        int rc = pdc_error_set(err, PODC_ENOMEM, "build context: %s", archive_error_string(ctx->a));
        pdc_build_context_free(ctx);
        return rc;
    }
    *out = ctx;
    return 0;
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    size_t w = la;
    if (la && lb)
        s[w++] = '/';
    memcpy(s + w, b, lb + 1);
    return s;
}

static int not_dots(const struct dirent *d)
{
    return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* byte order, not the locale's, so the tar is the same everywhere */
static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int push_dir(pdc_build_context *ctx, const char *rel)
{
    if (ctx->depth == ctx->cap) {
        size_t nc = ctx->cap ? ctx->cap * 2 : 8;
        frame *ns = realloc(ctx->stack, nc * sizeof *ns);
        if (!ns)
            return fail(ctx, PODC_ENOMEM, "out of memory");
        ctx->stack = ns;
        ctx->cap = nc;
    }
    char *full = join(ctx->root, rel);
    frame f = { .rel = strdup(rel) };
    if (!full || !f.rel) {
        free(full);
        free(f.rel);
        return fail(ctx, PODC_ENOMEM, "out of memory");
    }
    f.n = scandir(full, &f.ents, not_dots, by_name);
    if (f.n < 0) {
        int rc = fail_os(ctx, errno, "list", full);
        free(full);
        free(f.rel);
        return rc;
    }
    free(full);
    ctx->stack[ctx->depth++] = f;
    return 0;
}

static void pop_dir(pdc_build_context *ctx)
{
    frame *f = &ctx->stack[--ctx->depth];
    for (int i = 0; i < f->n; i++)
        free(f->ents[i]);
    free(f->ents);
    free(f->rel);
}

/* Writes a header for name from st (already lstat'ed, or stat'ed for the extra file). */
static int write_header(pdc_build_context *ctx, const char *name, const struct stat *st, const char *link)
{
    struct archive_entry *e = archive_entry_new();
    if (!e)
        return fail(ctx, PODC_ENOMEM, "out of memory");
    archive_entry_copy_pathname(e, name);
    archive_entry_set_perm(e, st->st_mode & 07777);
    archive_entry_set_mtime(e, st->st_mtime, 0);
    archive_entry_set_uid(e, 0); /* like docker: the context is owned by root in the image */
    archive_entry_set_gid(e, 0);
    if (S_ISDIR(st->st_mode)) {
        archive_entry_set_filetype(e, AE_IFDIR);
        archive_entry_set_size(e, 0);
    } else if (S_ISLNK(st->st_mode)) {
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_size(e, 0);
        archive_entry_copy_symlink(e, link);
    } else {
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, st->st_size);
    }
    int r = archive_write_header(ctx->a, e);
    archive_entry_free(e);
    if (r < ARCHIVE_WARN)
        return fail_archive(ctx, name);
    ctx->entries++;
    return 0;
}

/* Starts sending a regular file's data. */
static int open_file(pdc_build_context *ctx, const char *full, const char *name, int follow)
{
    int fd = open(full, O_RDONLY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return fail_os(ctx, errno, "open", full);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(ctx, PODC_EINVAL, "build context: %s is not a regular file", full);
    }
    int rc = write_header(ctx, name, &st, NULL);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    ctx->fd = fd;
    ctx->remaining = st.st_size;
    ctx->fd_path = strdup(full);
    return 0;
}

static int copy_chunk(pdc_build_context *ctx)
{
    char buf[CHUNK];
    size_t want = ctx->remaining < (int64_t)sizeof buf ? (size_t)ctx->remaining : sizeof buf;
    ssize_t n = want ? read(ctx->fd, buf, want) : 0;
    if (n < 0) {
        if (errno == EINTR)
            return 0;
        return fail_os(ctx, errno, "read", ctx->fd_path ? ctx->fd_path : "file");
    }
    if (n > 0) {
        if (archive_write_data(ctx->a, buf, (size_t)n) < 0)
            return fail_archive(ctx, ctx->fd_path ? ctx->fd_path : "file");
        ctx->remaining -= n;
    }
    if (n == 0 || ctx->remaining == 0) {
        /* done, or the file shrank: libarchive pads the entry to its announced size */
        close(ctx->fd);
        ctx->fd = -1;
        free(ctx->fd_path);
        ctx->fd_path = NULL;
        if (archive_write_finish_entry(ctx->a) < ARCHIVE_WARN)
            return fail_archive(ctx, "finish entry");
    }
    return 0;
}

/* Handles the next directory entry of the walk. */
static int next_entry(pdc_build_context *ctx)
{
    frame *f = &ctx->stack[ctx->depth - 1];
    if (f->i >= f->n) {
        pop_dir(ctx);
        return 0;
    }
    const char *name = f->ents[f->i++]->d_name;
    char *rel = join(f->rel, name);
    char *full = rel ? join(ctx->root, rel) : NULL;
    int rc = 0;
    struct stat st;
    if (!rel || !full) {
        rc = fail(ctx, PODC_ENOMEM, "out of memory");
    } else if (lstat(full, &st) < 0) {
        if (errno != ENOENT) /* vanished while walking: nothing to send */
            rc = fail_os(ctx, errno, "stat", full);
    } else {
        int excluded = pdc_ignore_excluded(ctx->ig, rel);
        if (S_ISDIR(st.st_mode)) {
            if (!excluded)
                rc = write_header(ctx, rel, &st, NULL);
            if (rc == 0 && (!excluded || pdc_ignore_must_descend(ctx->ig, rel)))
                rc = push_dir(ctx, rel);
        } else if (excluded) {
            /* left out */
        } else if (S_ISREG(st.st_mode)) {
            rc = open_file(ctx, full, rel, 0);
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = readlink(full, target, sizeof target - 1);
            if (n < 0) {
                rc = fail_os(ctx, errno, "read link", full);
            } else {
                target[n] = '\0';
                rc = write_header(ctx, rel, &st, target);
            }
        }
        /* sockets, fifos and devices are not sent */
    }
    free(rel);
    free(full);
    return rc;
}

/* Produces the next piece of the archive (possibly zero bytes). */
static int produce(pdc_build_context *ctx)
{
    if (ctx->fd >= 0)
        return copy_chunk(ctx);
    if (!ctx->extra_done) {
        ctx->extra_done = 1;
        return open_file(ctx, ctx->extra_path, ctx->extra_name, 1);
    }
    if (!ctx->started) {
        ctx->started = 1;
        return push_dir(ctx, "");
    }
    if (ctx->depth)
        return next_entry(ctx);
    if (archive_write_close(ctx->a) != ARCHIVE_OK)
        return fail_archive(ctx, "close");
    ctx->finished = 1;
    return 0;
}

int pdc_build_context_read(pdc_build_context *ctx, char *buf, size_t cap, size_t *n)
{
    *n = 0;
    if (ctx->error)
        return podc_error_code(ctx->error);
    while (ctx->out.len == ctx->out_off && !ctx->finished) {
        pdc_buf_clear(&ctx->out);
        ctx->out_off = 0;
        int rc = produce(ctx);
        if (rc < 0)
            return rc;
    }
    size_t avail = ctx->out.len - ctx->out_off;
    size_t k = avail < cap ? avail : cap;
    if (k) {
        memcpy(buf, ctx->out.data + ctx->out_off, k);
        ctx->out_off += k;
        ctx->bytes += k;
    }
    *n = k;
    return 0;
}

const podc_error *pdc_build_context_error(const pdc_build_context *ctx)
{
    return ctx ? ctx->error : NULL;
}

podc_error *pdc_build_context_take_error(pdc_build_context *ctx)
{
    podc_error *e = ctx ? ctx->error : NULL;
    if (ctx)
        ctx->error = NULL;
    return e;
}

uint64_t pdc_build_context_entries(const pdc_build_context *ctx)
{
    return ctx ? ctx->entries : 0;
}

uint64_t pdc_build_context_bytes(const pdc_build_context *ctx)
{
    return ctx ? ctx->bytes : 0;
}

void pdc_build_context_free(pdc_build_context *ctx)
{
    if (!ctx)
        return;
    while (ctx->depth)
        pop_dir(ctx);
    free(ctx->stack);
    if (ctx->fd >= 0)
        close(ctx->fd);
    free(ctx->fd_path);
    if (ctx->a)
        archive_write_free(ctx->a); /* also closes; the output is discarded with out */
    pdc_buf_free(&ctx->out);
    podc_error_free(ctx->error);
    free(ctx->root);
    free(ctx->extra_name);
    free(ctx->extra_path);
    free(ctx);
}
