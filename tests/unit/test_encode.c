#include <stdlib.h>

#include "core/encode.h"
#include "suites.h"

START_TEST(escape_everything_reserved)
{
    char *s = podc_escape("localhost/busybox:test a+b{}\"%");
    ck_assert_str_eq(s, "localhost%2Fbusybox%3Atest%20a%2Bb%7B%7D%22%25");
    free(s);
    s = podc_escape("Az09-._~");
    ck_assert_str_eq(s, "Az09-._~");
    free(s);
    s = podc_escape("\xc3\xa9"); /* UTF-8 bytes encode one by one */
    ck_assert_str_eq(s, "%C3%A9");
    free(s);
}
END_TEST

START_TEST(query_separators)
{
    podc_buf b = PODC_BUF_INIT;
    podc_buf_puts(&b, "/libpod/containers/json");
    podc_buf_put_query_bool(&b, "all", 1);
    podc_buf_put_query(&b, "filters", "{\"label\":[\"a=b c\"]}");
    podc_buf_put_query_int(&b, "limit", -1);
    ck_assert_str_eq(b.data, "/libpod/containers/json?all=true&filters=%7B%22label%22%3A%5B%22a%3Db%20c%22%5D%7D&limit=-1");
    podc_buf_free(&b);
}
END_TEST

START_TEST(buf_grows_and_consumes)
{
    podc_buf b = PODC_BUF_INIT;
    for (int i = 0; i < 1000; i++)
        podc_buf_printf(&b, "%d,", i % 10);
    ck_assert_uint_eq(b.len, 2000);
    podc_buf_consume(&b, 1998);
    ck_assert_str_eq(b.data, "9,");
    podc_buf_consume(&b, 10);
    ck_assert_uint_eq(b.len, 0);
    char *d = podc_buf_detach(&b);
    ck_assert_str_eq(d, "");
    free(d);
}
END_TEST

Suite *encode_suite(void)
{
    Suite *s = suite_create("encode");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, escape_everything_reserved);
    tcase_add_test(tc, query_separators);
    tcase_add_test(tc, buf_grows_and_consumes);
    suite_add_tcase(s, tc);
    return s;
}
