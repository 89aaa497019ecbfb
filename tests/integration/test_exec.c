/* Exec against the real service: exit codes, separate streams, env/workdir/user, TTY,
 * states, timeout, and the keep-alive connection surviving the hijacked start. */
#include <stdlib.h>
#include <string.h>

#include "suites.h"

#define SLEEPER "trap 'exit 0' TERM; sleep 300 & wait"

START_TEST(exit_code_and_separate_streams)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "exec-code", SLEEPER);
    const char *const argv[] = { "/bin/busybox", "sh", "-c", "echo out; echo err >&2; echo more; exit 7", NULL };
    podc_exec_result *r = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_exec_run(c, name, argv, NULL, &r, &err), &err);
    ck_assert_int_eq(podc_exec_result_exit_code(r), 7);
    ck_assert_str_eq(podc_exec_result_stdout(r), "out\nmore\n");
    ck_assert_str_eq(podc_exec_result_stderr(r), "err\n");
    podc_exec_result_free(r);

    /* exit 0, no output */
    const char *const t[] = { "/bin/busybox", "true", NULL };
    ck_assert_ok(podc_exec_run(c, name, t, NULL, &r, &err), &err);
    ck_assert_int_eq(podc_exec_result_exit_code(r), 0);
    ck_assert_str_eq(podc_exec_result_stdout(r), "");
    ck_assert_uint_eq(podc_exec_result_stderr_len(r), 0);
    podc_exec_result_free(r);

    /* a command that does not exist: podman reports it in stderr with 127 */
    const char *const nx[] = { "/no/such/program", NULL };
    ck_assert_ok(podc_exec_run(c, name, nx, NULL, &r, &err), &err);
    ck_assert_int_eq(podc_exec_result_exit_code(r), 127);
    ck_assert_ptr_nonnull(strstr(podc_exec_result_stderr(r), "no such file or directory"));
    podc_exec_result_free(r);

    /* big output: many frames split across reads */
    const char *const big[] = { "/bin/busybox", "sh", "-c",
                                "head -c 300000 /dev/zero | tr '\\0' x; head -c 70000 /dev/zero | tr '\\0' y >&2",
                                NULL };
    ck_assert_ok(podc_exec_run(c, name, big, NULL, &r, &err), &err);
    ck_assert_uint_eq(podc_exec_result_stdout_len(r), 300000);
    ck_assert_uint_eq(podc_exec_result_stderr_len(r), 70000);
    ck_assert_uint_eq(strspn(podc_exec_result_stdout(r), "x"), 300000);
    ck_assert_uint_eq(strspn(podc_exec_result_stderr(r), "y"), 70000);
    podc_exec_result_free(r);
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(env_workdir_user)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "exec-env", SLEEPER);
    podc_exec_options *o = podc_exec_options_new();
    podc_error *err = NULL;
    ck_assert_ok(podc_exec_options_add_env(o, "FOO", "bar", &err), &err);
    ck_assert_ok(podc_exec_options_add_env(o, "X", "y z=1", &err), &err);
    ck_assert_ok(podc_exec_options_set_workdir(o, "/tmp", &err), &err);
    ck_assert_ok(podc_exec_options_set_user(o, "1000:1001", &err), &err);
    const char *const argv[] = { "/bin/busybox", "sh", "-c", "echo \"$FOO|$X|$(pwd)|$(id -u):$(id -g)\"", NULL };
    podc_exec_result *r = NULL;
    ck_assert_ok(podc_exec_run(c, name, argv, o, &r, &err), &err);
    ck_assert_int_eq(podc_exec_result_exit_code(r), 0);
    ck_assert_str_eq(podc_exec_result_stdout(r), "bar|y z=1|/tmp|1000:1001\n");
    podc_exec_result_free(r);
    podc_exec_options_free(o);

    /* TTY: one raw stream, stderr included, \r\n line ends */
    o = podc_exec_options_new();
    podc_exec_options_set_tty(o, 1, NULL);
    const char *const tty[] = { "/bin/busybox", "sh", "-c", "echo out; echo err >&2; [ -t 1 ] && echo tty", NULL };
    ck_assert_ok(podc_exec_run(c, name, tty, o, &r, &err), &err);
    ck_assert_int_eq(podc_exec_result_exit_code(r), 0);
    ck_assert_str_eq(podc_exec_result_stdout(r), "out\r\nerr\r\ntty\r\n");
    ck_assert_str_eq(podc_exec_result_stderr(r), "");
    podc_exec_result_free(r);
    podc_exec_options_free(o);

    /* an unknown user fails to start: podman's 500 */
    o = podc_exec_options_new();
    ck_assert_ok(podc_exec_options_set_user(o, "nosuchuser", &err), &err);
    r = NULL;
    ck_assert_int_eq(podc_exec_run(c, name, argv, o, &r, &err), PODC_ESERVER);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "nosuchuser"));
    ck_assert_str_eq(podc_error_container(err), name);
    podc_error_free(err);
    podc_exec_options_free(o);
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(stopped_and_missing_containers)
{
    podc_client *c = itest_client();
    char *name = itest_create(c, "exec-stopped", "true", NULL, NULL);
    const char *const argv[] = { "/bin/busybox", "true", NULL };
    podc_exec_result *r = NULL;
    podc_error *err = NULL;
    /* podman: 500 "can only create exec sessions on running containers: container state improper" */
    ck_assert_int_eq(podc_exec_run(c, name, argv, NULL, &r, &err), PODC_ECONFLICT);
    ck_assert_str_eq(podc_error_cause(err), "container state improper");
    ck_assert_int_eq(podc_error_http_status(err), 500);
    ck_assert_str_eq(podc_error_container(err), name);
    itest_remove(c, name);
    free(name);

    name = itest_name("exec-nope");
    ck_assert_int_eq(podc_exec_run(c, name, argv, NULL, &r, &err), PODC_ENOTFOUND);
    ck_assert_int_eq(podc_error_http_status(err), 404);
    ck_assert_ptr_null(r);
    podc_error_free(err);
    free(name);
    podc_client_free(c);
}
END_TEST

START_TEST(keepalive_survives_exec)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "exec-keep", SLEEPER);
    podc_error *err = NULL;
    ck_assert_ok(podc_ping(c, &err), &err);
    int64_t before = podc_client_connections_opened(c);
    const char *const argv[] = { "/bin/busybox", "echo", "hi", NULL };
    for (int i = 0; i < 3; i++) {
        podc_exec_result *r = NULL;
        ck_assert_ok(podc_exec_run(c, name, argv, NULL, &r, &err), &err);
        ck_assert_str_eq(podc_exec_result_stdout(r), "hi\n");
        podc_exec_result_free(r);
        ck_assert_ok(podc_ping(c, &err), &err);
    }
    /* exactly one new connection per exec (its hijacked start); create, inspect and the
     * pings all went over the keep-alive connection that existed before */
    ck_assert_int_eq(podc_client_connections_opened(c), before + 3);
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

typedef struct seen {
    itest_text out, err;
} seen;

static int on_output(int stream, const char *data, size_t len, void *ud)
{
    seen *s = ud;
    itest_text_append(stream == PODC_STREAM_STDERR ? &s->err : &s->out, data, len);
    return 0;
}

START_TEST(stream_variant_and_timeout)
{
    podc_client *c = itest_client();
    char *name = itest_run(c, "exec-timeout", SLEEPER);
    const char *const argv[] = { "/bin/busybox", "sh", "-c", "echo a; echo b >&2; exit 3", NULL };
    seen s = { ITEST_TEXT_INIT, ITEST_TEXT_INIT };
    int code = -1;
    podc_error *err = NULL;
    ck_assert_ok(podc_exec_stream(c, name, argv, NULL, on_output, &s, &code, &err), &err);
    ck_assert_int_eq(code, 3);
    ck_assert_str_eq(s.out.data, "a\n");
    ck_assert_str_eq(s.err.data, "b\n");
    itest_text_free(&s.out);
    itest_text_free(&s.err);

    podc_exec_options *o = podc_exec_options_new();
    podc_exec_options_set_timeout(o, 500, NULL);
    const char *const slow[] = { "/bin/busybox", "sleep", "5", NULL };
    int64_t t0 = itest_now_ms();
    code = -42;
    ck_assert_int_eq(podc_exec_stream(c, name, slow, o, NULL, NULL, &code, &err), PODC_ETIMEOUT);
    int64_t took = itest_now_ms() - t0;
    ck_assert_msg(took >= 400 && took < 3000, "timeout took %lld ms", (long long)took);
    ck_assert_int_eq(code, -42);
    ck_assert_str_eq(podc_error_container(err), name);
    podc_error_free(err);
    err = NULL;
    podc_exec_options_free(o);
    ck_assert_ok(podc_ping(c, &err), &err); /* the client is fine after the timeout */
    itest_remove(c, name);
    free(name);
    podc_client_free(c);
}
END_TEST

Suite *exec_suite(void)
{
    Suite *s = suite_create("exec");
    TCase *t = itest_tcase("exec", 90);
    tcase_add_test(t, exit_code_and_separate_streams);
    tcase_add_test(t, env_workdir_user);
    tcase_add_test(t, stopped_and_missing_containers);
    tcase_add_test(t, keepalive_survives_exec);
    tcase_add_test(t, stream_variant_and_timeout);
    suite_add_tcase(s, t);
    return s;
}
