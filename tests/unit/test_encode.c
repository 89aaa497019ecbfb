#include <stdlib.h>

#include <string.h>

#include "core/encode.h"
#include "core/sha256.h"
#include "suites.h"

START_TEST(escape_everything_reserved)
{
    char *s = pdc_escape("localhost/busybox:test a+b{}\"%");
    ck_assert_str_eq(s, "localhost%2Fbusybox%3Atest%20a%2Bb%7B%7D%22%25");
    free(s);
    s = pdc_escape("Az09-._~");
    ck_assert_str_eq(s, "Az09-._~");
    free(s);
    s = pdc_escape("\xc3\xa9"); /* UTF-8 bytes encode one by one */
    ck_assert_str_eq(s, "%C3%A9");
    free(s);
}
END_TEST

START_TEST(query_separators)
{
    pdc_buf b = PODC_BUF_INIT;
    pdc_buf_puts(&b, "/libpod/containers/json");
    pdc_buf_put_query_bool(&b, "all", 1);
    pdc_buf_put_query(&b, "filters", "{\"label\":[\"a=b c\"]}");
    pdc_buf_put_query_int(&b, "limit", -1);
    ck_assert_str_eq(b.data, "/libpod/containers/json?all=true&filters=%7B%22label%22%3A%5B%22a%3Db%20c%22%5D%7D&limit=-1");
    pdc_buf_free(&b);
}
END_TEST

START_TEST(buf_grows_and_consumes)
{
    pdc_buf b = PODC_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        pdc_buf_printf(&b, "%d,", i % 10);
    ck_assert_uint_eq(b.len, 2000);
    pdc_buf_consume(&b, 1998);
    ck_assert_str_eq(b.data, "9,");
    pdc_buf_consume(&b, 10);
    ck_assert_uint_eq(b.len, 0);
    char *d = pdc_buf_detach(&b);
    ck_assert_str_eq(d, "");
    free(d);
}
END_TEST

static void sha_hex(const char *text, size_t repeat, char out[65])
{
    pdc_sha256 s;
    pdc_sha256_init(&s);
    for (size_t i = 0; i < repeat; i++)
        pdc_sha256_update(&s, text, strlen(text));
    pdc_sha256_hex(&s, out);
}

START_TEST(sha256_test_vectors)
{
    /* FIPS 180-4 examples, and a million 'a's fed in pieces */
    char h[65];
    sha_hex("", 1, h);
    ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha_hex("abc", 1, h);
    ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1, h);
    ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha_hex("aaaaaaaaaa", 100000, h);
    ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

Suite *encode_suite(void)
{
    Suite *s = suite_create("encode");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, escape_everything_reserved);
    tcase_add_test(tc, query_separators);
    tcase_add_test(tc, buf_grows_and_consumes);
    tcase_add_test(tc, sha256_test_vectors);
    suite_add_tcase(s, tc);
    return s;
}
