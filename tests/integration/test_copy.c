/* Copy against the real service: a file in and back out (via get and via exec), tar
 * streams, stopped containers, and not-found cases. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"

#define SLEEPER "trap 'exit 0' TERM; sleep 300 & wait"

/* Entry names of a tar in memory, each followed by '\n'. */
static char *tar_names(const char *tar, size_t len)
{
    itest_text names = ITEST_TEXT_INIT;
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    ck_assert_int_eq(archive_read_open_memory(a, tar, len), ARCHIVE_OK);
    struct archive_entry *e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK)
        itest_text_printf(&names, "%s\n", archive_entry_pathname(e));
    archive_read_free(a);
    return itest_text_detach(&names);
}

START_TEST(file_in_and_back_out)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "copy-file", SLEEPER);
    podc_error *err = NULL;
    const char content[] = "hello from podc\nsecond line\n";
    ck_assert_ok(podc_copy_put_file(c, name, "/data", "hello.txt", content, strlen(content), 0640, &err), &err);
    ck_assert_ok(podc_copy_put_file(c, name, "/data", "sub/deeper/x.bin", "\0\1\2", 3, 0755, &err), &err);

    /* read back through exec: content, mode, owner */
    const char *const argv[] = { "/bin/busybox", "sh", "-c",
                                 "cat /data/hello.txt; stat -c '%a %u' /data/hello.txt /data/sub/deeper/x.bin", NULL };
    podc_exec_result *r = NULL;
    ck_assert_ok(podc_exec_run(c, name, argv, NULL, &r, &err), &err);
    ck_assert_int_eq(podc_exec_result_exit_code(r), 0);
    ck_assert_str_eq(podc_exec_result_stdout(r), "hello from podc\nsecond line\n640 0\n755 0\n");
    podc_exec_result_free(r);

    /* read back through the archive */
    char *got = NULL;
    size_t got_len = 0;
    ck_assert_ok(podc_copy_get_file(c, name, "/data/hello.txt", &got, &got_len, &err), &err);
    ck_assert_uint_eq(got_len, strlen(content));
    ck_assert_str_eq(got, content);
    podc_free(got);
    ck_assert_ok(podc_copy_get_file(c, name, "/data/sub/deeper/x.bin", &got, &got_len, &err), &err);
    ck_assert_uint_eq(got_len, 3);
    ck_assert(memcmp(got, "\0\1\2", 3) == 0);
    podc_free(got);

    /* an existing file is replaced */
    ck_assert_ok(podc_copy_put_file(c, name, "/data", "hello.txt", "v2", 2, 0644, &err), &err);
    ck_assert_ok(podc_copy_get_file(c, name, "/data/hello.txt", &got, NULL, &err), &err);
    ck_assert_str_eq(got, "v2");
    podc_free(got);

    /* a directory as tar */
    char *tar = NULL;
    size_t tar_len = 0;
    ck_assert_ok(podc_copy_get_tar_mem(c, name, "/data", &tar, &tar_len, &err), &err);
    char *names = tar_names(tar, tar_len);
    /* podman 4.3.1 names directories without a trailing slash here ("data", "data/sub") */
    ck_assert_msg((strncmp(names, "data\n", 5) == 0 || strncmp(names, "data/\n", 6) == 0) &&
                      strstr(names, "data/hello.txt\n") &&
                      strstr(names, "data/sub/deeper/x.bin\n"),
                  "entries: %s", names);
    free(names);
    podc_free(tar);

    /* a directory is not a file */
    got = (char *)"untouched";
    ck_assert_int_eq(podc_copy_get_file(c, name, "/data", &got, NULL, &err), PODC_EINVAL);
    ck_assert_str_eq(got, "untouched");
    podc_error_free(err);
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

typedef struct reader {
    const char *data;
    size_t len, at;
    size_t pause_at; /* >0: sleep 1 s once this much has been read */
} reader;

static int64_t read_some(char *buf, size_t len, void *ud)
{
    reader *r = ud;
    if (r->pause_at && r->at == r->pause_at) {
        usleep(1000 * 1000);
        r->pause_at = 0;
    }
    size_t n = r->len - r->at;
    if (n > len)
        n = len;
    if (n > 1000)
        n = 1000;
    if (r->pause_at && r->at < r->pause_at && r->at + n > r->pause_at)
        n = r->pause_at - r->at;
    memcpy(buf, r->data + r->at, n);
    r->at += n;
    return (int64_t)n;
}

static la_ssize_t to_buf(struct archive *a, void *ud, const void *data, size_t len)
{
    (void)a;
    itest_text_append(ud, data, len);
    return (la_ssize_t)len;
}

/* A tar of two files, one of them big enough for many upload chunks. */
static void make_tar(itest_text *out, size_t big)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_open2(a, out, NULL, to_buf, NULL, NULL);
    char *data = malloc(big);
    memset(data, 'z', big);
    const struct {
        const char *name;
        const char *data;
        size_t len;
    } files[] = { { "a.txt", "alpha\n", 6 }, { "dir/big.bin", data, big } };
    for (int i = 0; i < 2; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, files[i].name);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)files[i].len);
        archive_write_header(a, e);
        archive_write_data(a, files[i].data, files[i].len);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    free(data);
}

static int count_bytes(const char *data, size_t len, void *ud)
{
    *(size_t *)ud += len;
    return 0;
}

START_TEST(tar_streams_and_stopped_container)
{
    podc_client *c = itest_client();
    /* never started: copy works on stopped containers */
    char *name = itest_create(c, "copy-tar", "true", NULL, NULL);
    itest_text tar = ITEST_TEXT_INIT;
    make_tar(&tar, 200000);
    podc_error *err = NULL;
    reader rd = { tar.data, tar.len, 0, 0 };
    ck_assert_ok(podc_copy_put_tar_stream(c, name, "/up", read_some, &rd, &err), &err);
    ck_assert_ok(podc_copy_put_tar(c, name, "/mem", tar.data, tar.len, &err), &err);
    char *got = NULL;
    size_t len = 0;
    ck_assert_ok(podc_copy_get_file(c, name, "/up/a.txt", &got, &len, &err), &err);
    ck_assert_str_eq(got, "alpha\n");
    podc_free(got);
    ck_assert_ok(podc_copy_get_file(c, name, "/mem/dir/big.bin", &got, &len, &err), &err);
    ck_assert_uint_eq(len, 200000);
    ck_assert_uint_eq(strspn(got, "z"), 200000);
    podc_free(got);
    size_t streamed = 0;
    ck_assert_ok(podc_copy_get_tar(c, name, "/up/dir", count_bytes, &streamed, &err), &err);
    ck_assert_uint_gt(streamed, 200000);

    /* podman 4.3.1 fails a PUT with 500 "broken pipe" when the tar's trailing padding arrives
     * after its extractor has read the end marker; podc does not send the padding */
    ck_assert_uint_eq(tar.len % 10240, 0);
    reader slow = { tar.data, tar.len, 0, tar.len - 1024 };
    ck_assert_ok(podc_copy_put_tar_stream(c, name, "/slow", read_some, &slow, &err), &err);
    ck_assert_ok(podc_copy_get_file(c, name, "/slow/a.txt", &got, &len, &err), &err);
    ck_assert_str_eq(got, "alpha\n");
    podc_free(got);
    itest_text_free(&tar);
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(missing_path_and_container)
{
    podc_client *c = itest_client();
    char *name = itest_create(c, "copy-missing", "true", NULL, NULL);
    podc_error *err = NULL;
    char *got = NULL;
    size_t len = 0;
    ck_assert_int_eq(podc_copy_get_tar_mem(c, name, "/no/such/path", &got, &len, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_error_http_status(err), 404);
    ck_assert_str_eq(podc_error_container(err), name);
    ck_assert_int_eq(podc_copy_get_file(c, name, "/no/such/file", &got, &len, &err), PODC_ENOTFOUND);
    ck_assert_ptr_null(got);
    itest_remove(c, name);
    free(name);

    name = itest_name("copy-nope");
    ck_assert_int_eq(podc_copy_put_file(c, name, "/d", "f", "x", 1, 0644, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_copy_get_tar_mem(c, name, "/", &got, &len, &err), PODC_ENOTFOUND);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

Suite *copy_suite(void)
{
    Suite *s = suite_create("copy");
    TCase *t = itest_tcase("copy", 90);
    tcase_add_test(t, file_in_and_back_out);
    tcase_add_test(t, tar_streams_and_stopped_container);
    tcase_add_test(t, missing_path_and_container);
    suite_add_tcase(s, t);
    return s;
}
