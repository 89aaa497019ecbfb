/* Images against the real service: build (args, labels, ignore file, -f inside and outside
 * the context, failures), exists/inspect/list/tag/remove (with a container using the image),
 * import of a rootfs tar. Everything created is named podc-it-<pid>-... and removed in the
 * fixture's teardown, also when a test fails. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"

#define BASE "localhost/podc-base:latest"

/* ------------------------------------------------------------------------------------------ */
/* Fixture: a client, and a journal of what to clean up                                         */

/*
 * Every image, container and directory a test creates is appended to a journal file named
 * after the runner process. The checked teardown cleans it after each test; in CK_FORK mode a
 * failed assertion ends the test process without that teardown, so the test case's unchecked
 * teardown (in the runner) cleans whatever the journal still lists.
 */
static char journal[128];
static podc_client *cl;
#define MAX_OWNED 16
static char *owned[MAX_OWNED]; /* strings handed out by tmpdir() */
static size_t n_owned;

static void remember(char kind, const char *what)
{
    FILE *f = fopen(journal, "a");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%c %s\n", kind, what);
    fclose(f);
}

/* Removes what the journal lists: containers, then images (newest first), then directories. */
static void clean_journal(void)
{
    FILE *f = fopen(journal, "r");
    if (!f)
        return;
    char *lines[128];
    size_t n = 0;
    char line[600];
    while (n < 128 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strlen(line) > 2)
            lines[n++] = strdup(line);
    }
    fclose(f);
    podc_client *c = cl;
    if (!c && podc_client_new(&c, NULL, NULL) < 0)
        c = NULL;
    for (size_t i = 0; c && i < n; i++) {
        if (lines[i][0] != 'c')
            continue;
        itest_remove(c, lines[i] + 2);
    }
    for (size_t i = n; c && i-- > 0;)
        if (lines[i][0] == 'i')
            podc_image_remove(c, lines[i] + 2, PODC_IMAGE_REMOVE_FORCE, NULL);
    for (size_t i = 0; i < n; i++) {
        if (lines[i][0] == 'd') {
            char cmd[700];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", lines[i] + 2);
            if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", lines[i] + 2);
        }
        free(lines[i]);
    }
    if (c != cl)
        podc_client_free(c);
    unlink(journal);
}

static void tcase_setup(void)
{
    snprintf(journal, sizeof journal, "/tmp/podc-it-images-%d.journal", (int)getpid());
    unlink(journal);
}

static void tcase_teardown(void)
{
    clean_journal();
}

static void setup(void)
{
    cl = itest_client();
}

static void teardown(void)
{
    clean_journal();
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    n_owned = 0;
    podc_client_free(cl);
    cl = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                      */

/* A new directory, removed by the teardown (the string too). */
static const char *tmpdir(void)
{
    ck_assert_int_lt(n_owned, MAX_OWNED);
    char *d = strdup("/tmp/podc-it-ctx-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    owned[n_owned++] = d;
    remember('d', d);
    return d;
}

static void put_file(const char *dir, const char *rel, const char *content)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *p = path + strlen(dir) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
}

static char *name_of(const char *suffix)
{
    return itest_name(suffix);
}

static int is_hex64(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 64;
}

static int has_tag(const podc_image *img, const char *tag)
{
    for (size_t i = 0; i < podc_image_tag_count(img); i++)
        if (strcmp(podc_image_tag_at(img, i), tag) == 0)
            return 1;
    return 0;
}

static int exists(const char *ref)
{
    int e = -1;
    podc_error *err = NULL;
    ck_assert_ok(podc_image_exists(cl, ref, &e, &err), &err);
    return e;
}

typedef struct progress {
    int lines, steps;
    char last[256];
} progress;

static int on_progress(const char *line, size_t len, void *ud)
{
    progress *p = ud;
    p->lines++;
    if (strncmp(line, "STEP ", 5) == 0)
        p->steps++;
    snprintf(p->last, sizeof p->last, "%.*s", (int)len, line);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */

START_TEST(build_then_inspect_list_tag_remove)
{
    podc_error *err = NULL;
    const char *ctx = tmpdir();
    put_file(ctx, "Containerfile",
             "FROM " BASE "\n"
             "ARG GREETING=default\n"
             "ENV GREETING_ENV=$GREETING\n"
             "LABEL podc.test.suite=\"images\"\n"
             "EXPOSE 8080/tcp\n"
             "COPY . /ctx\n"
             "RUN test ! -e /ctx/ignored.bin && test ! -e /ctx/sub/tmp.log && test -e /ctx/sub/keep.log "
             "&& test -e /ctx/.containerignore && echo \"$GREETING\" > /greeting && echo built-with-$GREETING\n"
             "RUN test \"$(wc -c < /ctx/big.bin)\" -eq 3145728\n"
             "ENTRYPOINT [\"/bin/busybox\"]\n"
             "CMD [\"sh\", \"-c\", \"cat /greeting\"]\n");
    put_file(ctx, ".containerignore", "# the build must not see these\nignored.bin\n**/*.log\n!sub/keep.log\n");
    put_file(ctx, "ignored.bin", "must not be sent\n");
    put_file(ctx, "sub/tmp.log", "noise\n");
    put_file(ctx, "sub/keep.log", "kept\n");
    /* 3 MB: the context is streamed in pieces */
    char big[700];
    snprintf(big, sizeof big, "%s/big.bin", ctx);
    FILE *f = fopen(big, "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 3 * 1024 * 1024; i++)
        fputc(i & 0xff, f);
    fclose(f);

    char *repo = name_of("build");
    char tag1[300], tag2[300], label[64];
    snprintf(tag1, sizeof tag1, "%s:1", repo);
    snprintf(tag2, sizeof tag2, "localhost/%s:2", repo);
    snprintf(label, sizeof label, "%d", (int)getpid());
    remember('i', tag1);
    remember('i', tag2);

    podc_image_build_options *o = podc_image_build_options_new();
    podc_image_build_options_add_tag(o, tag1, NULL);
    podc_image_build_options_add_tag(o, tag2, NULL);
    podc_image_build_options_add_build_arg(o, "GREETING", "hello-podc", NULL);
    podc_image_build_options_add_label(o, "podc.it", label, NULL);
    podc_image_build_options_set_pull_never(o, 1, NULL);
    progress pr = { 0 };
    podc_image_build_options_set_progress(o, on_progress, &pr, NULL);
    char *id = NULL;
    ck_assert_ok(podc_image_build(cl, ctx, o, &id, &err), &err);
    podc_image_build_options_free(o);
    ck_assert_msg(is_hex64(id), "id \"%s\"", id);
    remember('i', id);
    ck_assert_int_ge(pr.steps, 10);
    ck_assert_str_eq(pr.last, id);

    /* inspect by tag */
    podc_image *img = NULL;
    ck_assert_ok(podc_image_inspect(cl, tag2, &img, &err), &err);
    ck_assert_str_eq(podc_image_id(img), id);
    char full1[320];
    snprintf(full1, sizeof full1, "localhost/%s", tag1);
    ck_assert(has_tag(img, full1));
    ck_assert(has_tag(img, tag2));
    ck_assert_str_eq(podc_image_label(img, "podc.it"), label);
    ck_assert_str_eq(podc_image_label(img, "podc.test.suite"), "images");
    ck_assert_int_ge(podc_image_label_count(img), 2);
    int found = 0;
    for (size_t i = 0; i < podc_image_label_count(img); i++)
        if (strcmp(podc_image_label_key_at(img, i), "podc.it") == 0)
            found = strcmp(podc_image_label_value_at(img, i), label) == 0;
    ck_assert(found);
    ck_assert_ptr_nonnull(strstr(podc_image_json(img), "GREETING_ENV=hello-podc")); /* the build arg reached ENV */
    ck_assert_int_eq(podc_image_exposed_port_count(img), 1);
    ck_assert_str_eq(podc_image_exposed_port_at(img, 0), "8080/tcp");
    ck_assert_int_eq(podc_image_entrypoint_count(img), 1);
    ck_assert_str_eq(podc_image_entrypoint_at(img, 0), "/bin/busybox");
    ck_assert_int_eq(podc_image_cmd_count(img), 3);
    ck_assert_str_eq(podc_image_cmd_at(img, 2), "cat /greeting");
    ck_assert_ptr_nonnull(podc_image_created(img));
    int64_t created = podc_image_created_unix(img);
    ck_assert_msg(llabs((long long)(created - (int64_t)time(NULL))) < 3600, "created %lld", (long long)created);
    ck_assert_int_gt(podc_image_size(img), 3 * 1024 * 1024);
    podc_image_free(img);

    ck_assert_int_eq(exists(id), 1);
    ck_assert_int_eq(exists(tag1), 1);

    /* list: reference and label filters */
    podc_filters *fl = podc_filters_new();
    char refpat[300];
    snprintf(refpat, sizeof refpat, "localhost/%s", repo);
    podc_filters_add(fl, "reference", refpat, NULL);
    podc_image_list *l = NULL;
    ck_assert_ok(podc_image_list_get(cl, fl, &l, &err), &err);
    ck_assert_int_eq(podc_image_list_count(l), 1);
    const podc_image *e = podc_image_list_at(l, 0);
    ck_assert_str_eq(podc_image_id(e), id);
    ck_assert_int_eq(podc_image_tag_count(e), 2);
    ck_assert_int_eq(podc_image_created_unix(e), created);
    ck_assert_str_eq(podc_image_label(e, "podc.it"), label);
    ck_assert_int_gt(podc_image_size(e), 0);
    podc_image_list_free(l);
    podc_filters_free(fl);

    char labelf[80];
    snprintf(labelf, sizeof labelf, "podc.it=%s", label);
    fl = podc_filters_new();
    podc_filters_add(fl, "label", labelf, NULL);
    podc_filters_add(fl, "label", "podc.test.suite=images", NULL);
    ck_assert_ok(podc_image_list_get(cl, fl, &l, &err), &err);
    ck_assert_int_eq(podc_image_list_count(l), 1);
    podc_image_list_free(l);
    podc_filters_add(fl, "label", "podc.it.none=1", NULL);
    ck_assert_ok(podc_image_list_get(cl, fl, &l, &err), &err);
    ck_assert_int_eq(podc_image_list_count(l), 0);
    podc_image_list_free(l);
    podc_filters_free(fl);

    /* tag, then untag by removing that name: the image stays */
    char *extra = name_of("extra");
    char extra_full[320];
    snprintf(extra_full, sizeof extra_full, "localhost/%s:t1", extra);
    remember('i', extra_full);
    ck_assert_ok(podc_image_tag(cl, id, extra, "t1", &err), &err);
    ck_assert_ok(podc_image_inspect(cl, extra_full, &img, &err), &err);
    ck_assert_str_eq(podc_image_id(img), id);
    ck_assert_int_eq(podc_image_tag_count(img), 3);
    podc_image_free(img);
    ck_assert_ok(podc_image_remove(cl, extra_full, 0, &err), &err);
    ck_assert_int_eq(exists(extra_full), 0);
    ck_assert_ok(podc_image_remove(cl, tag2, 0, &err), &err);
    ck_assert_int_eq(exists(id), 1);

    /* a container uses it: plain remove is a conflict, force removes the container too */
    char *cname = name_of("img-user");
    remember('c', cname);
    podc_container_spec *user = itest_spec(cname, id, NULL);
    const char *argv[] = { "/bin/busybox", "true" };
    ck_assert_int_eq(podc_container_spec_set_command(user, argv, 2, NULL), 0);
    ck_assert_ok(podc_container_create(cl, user, NULL, &err), &err);
    podc_container_spec_free(user);

    ck_assert_int_eq(podc_image_remove(cl, tag1, 0, &err), PODC_ECONFLICT);
    ck_assert_int_eq(podc_error_http_status(err), 409);
    ck_assert_int_eq(exists(id), 1);
    ck_assert_ok(podc_image_remove(cl, tag1, PODC_IMAGE_REMOVE_FORCE, &err), &err);
    ck_assert_int_eq(exists(id), 0);
    int user_exists = -1;
    ck_assert_ok(podc_container_exists(cl, cname, &user_exists, &err), &err);
    ck_assert_int_eq(user_exists, 0);

    /* gone: not-found everywhere */
    ck_assert_int_eq(podc_image_inspect(cl, id, &img, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_image_remove(cl, id, 0, &err), PODC_ENOTFOUND);
    podc_error_free(err);
    free(cname);
    free(extra);
    free(repo);
    free(id);
}
END_TEST

START_TEST(build_failure_gives_ebuild_with_output)
{
    podc_error *err = NULL;
    const char *ctx = tmpdir();
    put_file(ctx, "Containerfile",
             "FROM " BASE "\n"
             "RUN echo first-step-ok\n"
             "RUN echo failing-step-line-1 && echo failing-step-line-2 >&2 && exit 3\n"
             "RUN echo never-reached\n");
    char *repo = name_of("fail");
    remember('i', repo);
    podc_image_build_options *o = podc_image_build_options_new();
    podc_image_build_options_add_tag(o, repo, NULL);
    podc_image_build_options_set_pull_never(o, 1, NULL);
    char *id = NULL;
    ck_assert_int_eq(podc_image_build(cl, ctx, o, &id, &err), PODC_EBUILD);
    ck_assert_ptr_null(id);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "exit status 3"));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "RUN echo failing-step-line-1"));
    const char *tail = podc_error_log_tail(err);
    ck_assert_ptr_nonnull(tail);
    ck_assert_ptr_nonnull(strstr(tail, "failing-step-line-1"));
    ck_assert_ptr_nonnull(strstr(tail, "failing-step-line-2"));
    ck_assert_ptr_null(strstr(tail, "never-reached"));
    ck_assert_str_eq(podc_error_code_name(podc_error_code(err)), podc_error_code_name(PODC_EBUILD));
    /* the error serialises with its tail */
    char *json = podc_error_to_json(err);
    ck_assert_ptr_nonnull(strstr(json, "failing-step-line-2"));
    podc_free(json);
    podc_error_free(err);
    err = NULL;
    ck_assert_int_eq(exists(repo), 0);
    podc_image_build_options_free(o);

    /* a missing base image with pull=never fails at once, without trying a registry */
    put_file(ctx, "Containerfile", "FROM localhost/podc-it-no-such-base:latest\nRUN true\n");
    o = podc_image_build_options_new();
    podc_image_build_options_set_pull_never(o, 1, NULL);
    ck_assert_int_eq(podc_image_build(cl, ctx, o, &id, &err), PODC_EBUILD);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "podc-it-no-such-base"));
    podc_image_build_options_free(o);
    podc_error_free(err);
    free(repo);
}
END_TEST

START_TEST(build_with_explicit_containerfile)
{
    podc_error *err = NULL;
    const char *ctx = tmpdir();
    /* no default Containerfile; a .dockerignore that would even exclude the chosen one */
    put_file(ctx, "build/Special.Containerfile",
             "FROM " BASE "\nLABEL podc.variant=inside\nCOPY . /ctx\n"
             "RUN test -e /ctx/data.txt && test ! -e /ctx/skip.txt\n");
    put_file(ctx, ".dockerignore", "build\nskip.txt\n");
    put_file(ctx, "data.txt", "data\n");
    put_file(ctx, "skip.txt", "skip\n");
    const char *outside_dir = tmpdir();
    put_file(outside_dir, "Outside.Containerfile",
             "FROM " BASE "\nLABEL podc.variant=outside\nCOPY data.txt /data.txt\n");

    char *repo = name_of("explicit");
    char tag_in[300], tag_out[300];
    snprintf(tag_in, sizeof tag_in, "%s:inside", repo);
    snprintf(tag_out, sizeof tag_out, "%s:outside", repo);
    remember('i', tag_in);
    remember('i', tag_out);

    /* relative to the context */
    podc_image_build_options *o = podc_image_build_options_new();
    podc_image_build_options_add_tag(o, tag_in, NULL);
    podc_image_build_options_set_containerfile(o, "build/Special.Containerfile", NULL);
    podc_image_build_options_set_pull_never(o, 1, NULL);
    char *id = NULL;
    ck_assert_ok(podc_image_build(cl, ctx, o, &id, &err), &err);
    podc_image_build_options_free(o);
    podc_image *img = NULL;
    ck_assert_ok(podc_image_inspect(cl, tag_in, &img, &err), &err);
    ck_assert_str_eq(podc_image_label(img, "podc.variant"), "inside");
    ck_assert_str_eq(podc_image_id(img), id);
    podc_image_free(img);
    free(id);

    /* absolute, outside the context */
    char path[700];
    snprintf(path, sizeof path, "%s/Outside.Containerfile", outside_dir);
    o = podc_image_build_options_new();
    podc_image_build_options_add_tag(o, tag_out, NULL);
    podc_image_build_options_set_containerfile(o, path, NULL);
    podc_image_build_options_set_pull_never(o, 1, NULL);
    podc_image_build_options_set_no_cache(o, 1, NULL);
    ck_assert_ok(podc_image_build(cl, ctx, o, &id, &err), &err);
    podc_image_build_options_free(o);
    ck_assert_ok(podc_image_inspect(cl, tag_out, &img, &err), &err);
    ck_assert_str_eq(podc_image_label(img, "podc.variant"), "outside");
    podc_image_free(img);
    free(id);
    free(repo);
}
END_TEST

/* Writes a small rootfs tar (a file and a directory) with libarchive. */
static void make_rootfs_tar(const char *path)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, "etc");
    archive_entry_set_filetype(e, AE_IFDIR);
    archive_entry_set_perm(e, 0755);
    archive_write_header(a, e);
    archive_entry_clear(e);
    static const char hello[] = "hello from podc import\n";
    archive_entry_set_pathname(e, "etc/podc-hello.txt");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, sizeof hello - 1);
    archive_write_header(a, e);
    archive_write_data(a, hello, sizeof hello - 1);
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
}

typedef struct mem_reader {
    const char *data;
    size_t len, off;
    int fail_after;
} mem_reader;

static int64_t read_mem(char *buf, size_t cap, void *ud)
{
    mem_reader *r = ud;
    if (r->fail_after && r->off >= (size_t)r->fail_after)
        return -1;
    size_t n = r->len - r->off < cap ? r->len - r->off : cap;
    if (n > 100)
        n = 100; /* many small pieces */
    memcpy(buf, r->data + r->off, n);
    r->off += n;
    return (int64_t)n;
}

START_TEST(import_rootfs_tar)
{
    podc_error *err = NULL;
    const char *dir = tmpdir();
    char tarpath[600];
    snprintf(tarpath, sizeof tarpath, "%s/rootfs.tar", dir);
    make_rootfs_tar(tarpath);

    char *repo = name_of("import");
    char ref[300];
    snprintf(ref, sizeof ref, "%s:1", repo);
    remember('i', ref);
    podc_image_import_options *io = podc_image_import_options_new();
    ck_assert_int_eq(podc_image_import_options_set_reference(io, ref, NULL), 0);
    ck_assert_int_eq(podc_image_import_options_add_change(io, "CMD [\"/bin/sh\"]", NULL), 0);
    ck_assert_int_eq(podc_image_import_options_add_change(io, "LABEL podc.imported=yes", NULL), 0);
    ck_assert_int_eq(podc_image_import_options_set_message(io, "podc import test", NULL), 0);
    char *id = NULL;
    ck_assert_ok(podc_image_import_file(cl, io, tarpath, &id, &err), &err);
    podc_image_import_options_free(io);
    ck_assert_msg(is_hex64(id), "id \"%s\"", id);
    remember('i', id);
    ck_assert_int_eq(exists(ref), 1);
    podc_image *img = NULL;
    ck_assert_ok(podc_image_inspect(cl, ref, &img, &err), &err);
    ck_assert_str_eq(podc_image_id(img), id);
    ck_assert_int_eq(podc_image_cmd_count(img), 1);
    ck_assert_str_eq(podc_image_cmd_at(img, 0), "/bin/sh");
    ck_assert_str_eq(podc_image_label(img, "podc.imported"), "yes");
    ck_assert_ptr_nonnull(strstr(podc_image_json(img), "podc import test"));
    podc_image_free(img);
    free(id);

    /* from a callback, untagged */
    FILE *f = fopen(tarpath, "rb");
    char buf[64 * 1024];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    mem_reader r = { buf, len, 0, 0 };
    ck_assert_ok(podc_image_import(cl, NULL, read_mem, &r, &id, &err), &err);
    remember('i', id);
    ck_assert_int_eq(exists(id), 1);
    ck_assert_ok(podc_image_inspect(cl, id, &img, &err), &err);
    ck_assert_int_eq(podc_image_tag_count(img), 0); /* RepoTags null */
    podc_image_free(img);
    ck_assert_ok(podc_image_remove(cl, id, 0, &err), &err);
    ck_assert_int_eq(exists(id), 0);
    free(id);
    id = NULL;

    /* a callback that fails mid-way cancels the upload */
    mem_reader bad = { buf, len, 0, 300 };
    ck_assert_int_eq(podc_image_import(cl, NULL, read_mem, &bad, &id, &err), PODC_ECANCELLED);
    ck_assert_ptr_null(id);
    podc_error_free(err);
    err = NULL;

    /* not a tar: the server refuses it */
    put_file(dir, "not.tar", "this is not a tar archive\n");
    snprintf(tarpath, sizeof tarpath, "%s/not.tar", dir);
    int rc = podc_image_import_file(cl, NULL, tarpath, &id, &err);
    ck_assert_msg(rc < 0, "importing garbage succeeded");
    ck_assert_ptr_null(id);
    podc_error_free(err);
    /* the client still works afterwards */
    ck_assert_int_eq(exists(BASE), 1);
    free(repo);
}
END_TEST

START_TEST(not_found_and_invalid)
{
    podc_error *err = NULL;
    char *nope = name_of("nope");
    ck_assert_int_eq(exists(nope), 0);
    podc_image *img = NULL;
    ck_assert_int_eq(podc_image_inspect(cl, nope, &img, &err), PODC_ENOTFOUND);
    ck_assert_ptr_null(img);
    ck_assert_int_eq(podc_error_http_status(err), 404);
    ck_assert_int_eq(strncmp(podc_error_path(err), "/libpod/images/", 15), 0);
    ck_assert_int_eq(podc_image_remove(cl, nope, 0, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_image_remove(cl, nope, PODC_IMAGE_REMOVE_FORCE, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_image_tag(cl, nope, "podc-it-never", "x", &err), PODC_ENOTFOUND);
    /* invalid input is refused before sending */
    ck_assert_int_eq(podc_image_tag(cl, BASE, "Podc-It-Upper", "x", &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "repo");
    ck_assert_int_eq(podc_error_http_status(err), 0);
    char *id = NULL;
    const char *ctx = tmpdir();
    put_file(ctx, "Containerfile", "FROM " BASE "\n");
    podc_image_build_options *o = podc_image_build_options_new();
    podc_image_build_options_add_tag(o, "podc-it-UPPER", NULL);
    ck_assert_int_eq(podc_image_build(cl, ctx, o, &id, &err), PODC_EINVAL);
    ck_assert_int_eq(podc_error_http_status(err), 0);
    podc_image_build_options_free(o);
    /* the base image is listed by a reference filter, and an untagged filter finds no named image */
    podc_filters *fl = podc_filters_new();
    podc_filters_add(fl, "reference", BASE, NULL);
    podc_image_list *l = NULL;
    ck_assert_ok(podc_image_list_get(cl, fl, &l, &err), &err);
    ck_assert_int_eq(podc_image_list_count(l), 1);
    ck_assert(has_tag(podc_image_list_at(l, 0), BASE));
    podc_image_list_free(l);
    podc_filters_add(fl, "dangling", "true", NULL);
    ck_assert_ok(podc_image_list_get(cl, fl, &l, &err), &err);
    ck_assert_int_eq(podc_image_list_count(l), 0);
    podc_image_list_free(l);
    podc_filters_free(fl);
    podc_error_free(err);
    free(nope);
}
END_TEST

Suite *images_suite(void)
{
    Suite *s = suite_create("images");
    TCase *tc = itest_tcase("real-service", 180);
    tcase_add_unchecked_fixture(tc, tcase_setup, tcase_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, build_then_inspect_list_tag_remove);
    tcase_add_test(tc, build_failure_gives_ebuild_with_output);
    tcase_add_test(tc, build_with_explicit_containerfile);
    tcase_add_test(tc, import_rootfs_tar);
    tcase_add_test(tc, not_found_and_invalid);
    suite_add_tcase(s, tc);
    return s;
}
