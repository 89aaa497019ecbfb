#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datastorage/goose.h"
#include "datastorage/migrate-private.h"
#include "suites.h"

START_TEST(up_section_only_with_blocks)
{
    const char *text = "-- header comment\n"
                       "-- +goose Up\n"
                       "CREATE TABLE a (id int);\n"
                       "\n"
                       "-- a comment between statements\n"
                       "INSERT INTO a\n"
                       "  VALUES (1);\n"
                       "-- +goose StatementBegin\n"
                       "CREATE FUNCTION f() RETURNS int AS $$\n"
                       "BEGIN RETURN 1; END;\n"
                       "$$ LANGUAGE plpgsql;\n"
                       "-- +goose StatementEnd\n"
                       "-- +goose Down\n"
                       "DROP TABLE a;\n";
    pdc_goose_migration m;
    podc_error *err = NULL;
    ck_assert_int_eq(pdc_goose_parse("007_init.sql", text, &m, &err), 0);
    ck_assert_int_eq(m.version, 7);
    ck_assert_int_eq(m.no_transaction, 0);
    ck_assert_uint_eq(m.nstmts, 3);
    ck_assert_str_eq(m.stmts[0].sql, "CREATE TABLE a (id int);");
    ck_assert_int_eq(m.stmts[0].line, 3);
    ck_assert_str_eq(m.stmts[1].sql, "INSERT INTO a\n  VALUES (1);");
    ck_assert_int_eq(m.stmts[1].line, 6);
    ck_assert_str_eq(m.stmts[2].sql,
                     "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN RETURN 1; END;\n$$ LANGUAGE plpgsql;");
    ck_assert_int_eq(m.stmts[2].line, 9);
    pdc_goose_migration_clear(&m);
}
END_TEST

START_TEST(no_transaction_flag)
{
    pdc_goose_migration m;
    ck_assert_int_eq(pdc_goose_parse("3_idx.sql",
                                     "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n",
                                     &m, NULL),
                     0);
    ck_assert_int_eq(m.no_transaction, 1);
    ck_assert_uint_eq(m.nstmts, 1);
    pdc_goose_migration_clear(&m);
}
END_TEST

START_TEST(malformed_files_rejected)
{
    pdc_goose_migration m;
    podc_error *err = NULL;
    ck_assert_int_eq(pdc_goose_parse("1_a.sql", "CREATE TABLE a (id int);\n", &m, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "file"), "1_a.sql");
    ck_assert_int_eq(pdc_goose_parse("2_b.sql", "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n", &m, &err),
                     PODC_EINVAL);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "StatementBegin"));
    ck_assert_int_eq(pdc_goose_parse("3_c.sql", "-- +goose Up\nSELECT 1\n", &m, &err), PODC_EINVAL);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "3_c.sql:2"));
    podc_error_free(err);
}
END_TEST

START_TEST(file_names_to_versions)
{
    ck_assert_int_eq(pdc_goose_version_of("001_init.sql"), 1);
    ck_assert_int_eq(pdc_goose_version_of("20230101120000_x.sql"), 20230101120000LL);
    ck_assert_int_eq(pdc_goose_version_of("init.sql"), -1);
    ck_assert_int_eq(pdc_goose_version_of("001_init.go"), -1);
    ck_assert_int_eq(pdc_goose_version_of("001init.sql"), -1);
}
END_TEST

START_TEST(directory_sorted_numerically)
{
    char dir[] = "/tmp/podc-goose-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *names[] = { "10_c.sql", "2_b.sql", "001_a.sql", "README.md" };
    for (int i = 0; i < 4; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        fputs("-- +goose Up\nSELECT 1;\n", f);
        fclose(f);
    }
    pdc_goose_migration *m = NULL;
    size_t n = 0;
    podc_error *err = NULL;
    ck_assert_int_eq(pdc_goose_load_dir(dir, &m, &n, &err), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(m[0].file, "001_a.sql");
    ck_assert_str_eq(m[1].file, "2_b.sql");
    ck_assert_str_eq(m[2].file, "10_c.sql");
    pdc_goose_migrations_free(m, n);

    char dup[256];
    snprintf(dup, sizeof dup, "%s/0002_dup.sql", dir);
    FILE *f = fopen(dup, "w");
    fputs("-- +goose Up\nSELECT 2;\n", f);
    fclose(f);
    ck_assert_int_eq(pdc_goose_load_dir(dir, &m, &n, &err), PODC_EINVAL);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "share version 2"));
    podc_error_free(err);
    err = NULL;
    ck_assert_int_eq(pdc_goose_load_dir("/nonexistent/migrations", &m, &n, &err), PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(err, "field"), "migrations_dir");
    podc_error_free(err);

    for (int i = 0; i < 4; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    remove(dup);
    remove(dir);
}
END_TEST

START_TEST(project_test_migrations_parse)
{
    /* the migrations shipped for the DataStorage stand-in image */
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tests/images/datastorage/migrations", TOP_SRCDIR);
    pdc_goose_migration *m = NULL;
    size_t n = 0;
    podc_error *err = NULL;
    ck_assert_msg(pdc_goose_load_dir(dir, &m, &n, &err) == 0, "%s", podc_error_message(err));
    ck_assert_uint_ge(n, 3);
    ck_assert_int_eq(m[2].no_transaction, 1);
    ck_assert_uint_eq(m[1].nstmts, 3); /* ALTER, the plpgsql function, the trigger */
    pdc_goose_migrations_free(m, n);
}
END_TEST

START_TEST(failure_blamed_on_the_error_line)
{
    /* fuzz finding (corpus migrate/notice-then-error.txt): a NOTICE of an earlier file came first */
    pdc_migration_plan *plan = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(pdc_migration_plan_new(TOP_SRCDIR "/tests/images/datastorage/migrations", NULL, &plan, &err), 0);
    const char *text = "psql:/tmp/podc-migrations/001_audit.sql:2: NOTICE:  extension \"uuid-ossp\" already exists, "
                       "skipping\npsql:/tmp/podc-migrations/002_audit_digest.sql:10: ERROR:  trigger "
                       "\"audit_events_digest\" for relation \"audit_events\" already exists\n";
    int applied = -1;
    ck_assert_int_eq(pdc_migration_plan_outcome(plan, "pg", 3, " podc-applied 1\n", text, &applied, &err),
                     PODC_EMIGRATION);
    ck_assert_str_eq(podc_error_detail(err, "file"), "002_audit_digest.sql");
    ck_assert_ptr_nonnull(strstr(podc_error_detail(err, "statement"), "CREATE TRIGGER"));
    podc_error_free(err);
    pdc_migration_plan_free(plan);
}
END_TEST

Suite *goose_suite(void)
{
    Suite *s = suite_create("goose");
    TCase *tc = tcase_create("parser");
    tcase_add_test(tc, up_section_only_with_blocks);
    tcase_add_test(tc, no_transaction_flag);
    tcase_add_test(tc, malformed_files_rejected);
    tcase_add_test(tc, file_names_to_versions);
    tcase_add_test(tc, directory_sorted_numerically);
    tcase_add_test(tc, project_test_migrations_parse);
    tcase_add_test(tc, failure_blamed_on_the_error_line);
    suite_add_tcase(s, tc);
    return s;
}
