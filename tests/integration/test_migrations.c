/* goose migrations applied through copy + exec into the project's offline Postgres image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"

#define PG_IMAGE "localhost/podc-postgres:test"

static char *pg_name;

static int psql_db(podc_client *c, const char *db, const char *sql, char **out)
{
    const char *argv[] = { "psql", "-X", "-A", "-t", "-U", "slm_user", "-d", db, "-c", sql, NULL };
    podc_exec_result *r = NULL;
    if (podc_exec_run(c, pg_name, argv, NULL, &r, NULL) != 0)
        return 0;
    int ok = podc_exec_result_exit_code(r) == 0;
    if (out)
        *out = strdup(podc_exec_result_stdout(r));
    podc_exec_result_free(r);
    return ok;
}

/* Ready = the final server answers over TCP: the entrypoint's temporary init server answers
 * on the unix socket only, and a socket SELECT 1 passing during initdb raced the restart
 * ("the database system is starting up" in the next psql). */
static int ready_over_tcp(podc_client *c)
{
    const char *argv[] = { "env", "PGPASSWORD=test_password", "psql", "-X", "-A", "-t", "-h", "127.0.0.1",
                           "-U", "slm_user", "-d", "action_history", "-c", "SELECT 1", NULL };
    podc_exec_result *r = NULL;
    int ok = podc_exec_run(c, pg_name, argv, NULL, &r, NULL) == 0 && podc_exec_result_exit_code(r) == 0;
    podc_exec_result_free(r);
    return ok;
}

static int psql_ok(podc_client *c, const char *sql, char **out)
{
    return psql_db(c, "action_history", sql, out);
}

static void start_postgres(void)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    pg_name = itest_name("pg-migr");
    podc_container_spec *s = podc_container_spec_new();
    podc_container_spec_set_name(s, pg_name, NULL);
    podc_container_spec_set_image(s, PG_IMAGE, NULL);
    podc_container_spec_add_env(s, "POSTGRES_USER", "slm_user", NULL);
    podc_container_spec_add_env(s, "POSTGRES_PASSWORD", "test_password", NULL);
    podc_container_spec_add_env(s, "POSTGRES_DB", "action_history", NULL);
    podc_container_spec_add_env(s, "POSTGRES_INITDB_ARGS", "--no-sync", NULL);
    podc_container_spec_add_label(s, ITEST_LABEL, itest_owner(), NULL);
    ck_assert_ok(podc_container_create(c, s, NULL, &err), &err);
    podc_container_spec_free(s);
    ck_assert_ok(podc_container_start(c, pg_name, &err), &err);
    int ready = 0;
    for (int i = 0; i < 300 && !ready; i++) { /* 30 s */
        ready = ready_over_tcp(c);
        if (!ready)
            usleep(100 * 1000);
    }
    ck_assert_msg(ready, "postgres did not become ready");
    podc_client_free(c);
}

static void stop_postgres(void)
{
    podc_client *c = NULL;
    if (pg_name && podc_client_new(&c, NULL, NULL) == 0) {
        podc_container_remove(c, pg_name, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, NULL);
        podc_client_free(c);
    }
    free(pg_name);
    pg_name = NULL;
}

static podc_migrate_options pg_opts(void)
{
    podc_migrate_options o = PODC_MIGRATE_OPTIONS_INIT;
    o.user = "slm_user";
    o.password = "test_password";
    o.database = "action_history";
    return o;
}

START_TEST(applies_in_order_once)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    podc_migrate_options o = pg_opts();
    int applied = -1;
    ck_assert_ok(podc_migrations_apply(c, pg_name, TOP_SRCDIR "/tests/images/datastorage/migrations", &o, &applied,
                                       &err),
                 &err);
    ck_assert_int_eq(applied, 3);
    /* goose's bookkeeping, version 0 first */
    char *out = NULL;
    ck_assert(psql_ok(c, "SELECT string_agg(version_id::text, ',' ORDER BY id) FROM goose_db_version", &out));
    ck_assert_str_eq(out, "0,1,2,3\n");
    free(out);
    /* 002's trigger (a StatementBegin/End function) and 003's NO TRANSACTION index exist */
    ck_assert(psql_ok(c, "INSERT INTO audit_events (msg) VALUES ('hello')", NULL));
    ck_assert(psql_ok(c, "SELECT msg_sha256 FROM audit_events WHERE msg = 'hello'", &out));
    ck_assert_str_eq(out, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n");
    free(out);
    ck_assert(psql_ok(c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'audit_events_created_at_idx'", &out));
    ck_assert_str_eq(out, "1\n");
    free(out);

    applied = -1;
    ck_assert_ok(podc_migrations_apply(c, pg_name, TOP_SRCDIR "/tests/images/datastorage/migrations", &o, &applied,
                                       &err),
                 &err);
    ck_assert_int_eq(applied, 0); /* re-running applies only what is missing */
    podc_client_free(c);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(failing_statement_is_named_and_rolled_back)
{
    char dir[] = "/tmp/podc-it-migr-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file(dir, "001_ok.sql", "-- +goose Up\nCREATE TABLE t1 (id int);\n-- +goose Down\nDROP TABLE t1;\n");
    write_file(dir, "002_bad.sql",
               "-- +goose Up\nCREATE TABLE t2 (id int);\n\nINSERT INTO\n  no_such_table VALUES (1);\n"
               "-- +goose Down\nDROP TABLE t2;\n");
    podc_client *c = itest_client();
    podc_error *err = NULL;
    /* a database of its own: the other test's goose_db_version must not hide these versions */
    ck_assert(psql_ok(c, "CREATE DATABASE migr_fail", NULL));
    podc_migrate_options o = pg_opts();
    o.database = "migr_fail";
    int applied = -1;
    ck_assert_int_eq(podc_migrations_apply(c, pg_name, dir, &o, &applied, &err), PODC_EMIGRATION);
    ck_assert_int_eq(applied, -1);
    ck_assert_str_eq(podc_error_detail(err, "file"), "002_bad.sql");
    ck_assert_str_eq(podc_error_detail(err, "statement"), "INSERT INTO\n  no_such_table VALUES (1);");
    ck_assert_ptr_nonnull(strstr(podc_error_detail(err, "psql"), "no_such_table"));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "line 4"));
    podc_error_free(err);
    char *out = NULL;
    ck_assert(psql_db(c, "migr_fail", "SELECT to_regclass('t1') IS NOT NULL, to_regclass('t2') IS NULL", &out));
    ck_assert_str_eq(out, "t|t\n"); /* 001 kept, 002's transaction rolled back */
    free(out);
    podc_client_free(c);
    char path[512];
    snprintf(path, sizeof path, "%s/001_ok.sql", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/002_bad.sql", dir);
    remove(path);
    remove(dir);
}
END_TEST

START_TEST(malformed_dir_rejected_before_sending)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    ck_assert_int_eq(podc_migrations_apply(c, "podc-it-no-such-pg", "/nonexistent/migr", NULL, NULL, &err),
                     PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "migrations_dir");
    ck_assert_int_eq(podc_migrations_apply(c, "bad name", "/tmp", NULL, NULL, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "container");
    podc_error_free(err);
    podc_client_free(c);
}
END_TEST

Suite *migrations_suite(void)
{
    Suite *s = suite_create("migrations");
    TCase *tc = itest_tcase("postgres", 120);
    /* unchecked: one Postgres for the case, removed even when a test fails */
    tcase_add_unchecked_fixture(tc, start_postgres, stop_postgres);
    tcase_add_test(tc, applies_in_order_once);
    tcase_add_test(tc, failing_statement_is_named_and_rolled_back);
    tcase_add_test(tc, malformed_dir_rejected_before_sending);
    suite_add_tcase(s, tc);
    return s;
}
