/* The DataStorage stack on the real service with the project's offline images. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "suites.h"

#define MIGRATIONS TOP_SRCDIR "/tests/images/datastorage/migrations"

static podc_ds_config *test_config(const char *service)
{
    return itest_ds_config(service, itest_session("ds"));
}


static size_t sink(char *p, size_t s, size_t n, void *ud)
{
    strncat(ud, p, s * n < 4000 - strlen(ud) ? s * n : 4000 - strlen(ud) - 1);
    return s * n;
}

static long http(const char *method, const char *url, char *body /* 4000 bytes */)
{
    CURL *h = curl_easy_init();
    body[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    return status;
}

static int redis_pong(const char *addr)
{
    int port = atoi(strchr(addr, ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char buf[64] = "";
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && write(fd, "PING\r\n", 6) == 6)
        (void)!read(fd, buf, sizeof buf - 1);
    close(fd);
    return strncmp(buf, "+PONG", 5) == 0;
}

/* One inline Redis command; the reply's first line into out. */
static void redis_cmd(const char *addr, const char *cmd, char *out, size_t len)
{
    int port = atoi(strchr(addr, ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    out[0] = '\0';
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd)) {
        ssize_t n = read(fd, out, len - 1);
        out[n > 0 ? n : 0] = '\0';
        out[strcspn(out, "\r\n")] = '\0';
    }
    close(fd);
}

static char *query1(const char *dsn, const char *sql)
{
    PGconn *pg = PQconnectdb(dsn);
    ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "%s", PQerrorMessage(pg));
    PGresult *res = PQexec(pg, sql);
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s", sql,
                  PQerrorMessage(pg));
    char *v = strdup(PQresultStatus(res) == PGRES_TUPLES_OK ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    PQfinish(pg);
    return v;
}

static char *container_id(podc_client *c, const char *name)
{
    podc_container_info *info = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_container_inspect(c, name, &info, &err), &err);
    char *id = strdup(podc_container_info_id(info));
    podc_container_info_free(info);
    return id;
}

/* --reuse: a second up resets the running stack (rows and keys written since are gone, the
 * migrations' state is there) in a fraction of a cold up; another definition or a member that
 * is not running is replaced. */
START_TEST(reuse_resets_or_replaces)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds-reuse");
    podc_ds_config *cfg = test_config(svc);
    podc_ds_config_set_reuse(cfg, 1, NULL);
    podc_ds_stack *cold = NULL, *warm = NULL;
    ck_assert_ok(podc_ds_up(c, cfg, &cold, &err), &err);
    ck_assert_int_eq(podc_ds_stack_reused(cold), 0);
    const char *dsn = podc_ds_stack_postgres_dsn(cold);
    free(query1(dsn, "INSERT INTO audit_events (msg) VALUES ('written-before-reuse')"));
    char *n = query1(dsn, "SELECT count(*) FROM audit_events");
    ck_assert_str_eq(n, "1");
    free(n);
    char reply[128];
    redis_cmd(podc_ds_stack_redis_addr(cold), "SET podc-reuse-key 1\r\n", reply, sizeof reply);
    ck_assert_str_eq(reply, "+OK");
    char *pg_id = container_id(c, podc_ds_stack_container(cold, PODC_DS_POSTGRES));

    ck_assert_ok(podc_ds_up(c, cfg, &warm, &err), &err);
    fprintf(stderr, "reuse: cold up %.3f s, warm up --reuse %.3f s (%.2fx)\n", podc_ds_stack_up_ms(cold) / 1000.0,
            podc_ds_stack_up_ms(warm) / 1000.0, (double)podc_ds_stack_up_ms(warm) / (double)podc_ds_stack_up_ms(cold));
    ck_assert_int_eq(podc_ds_stack_reused(warm), 1);
    ck_assert_str_eq(podc_ds_stack_postgres_dsn(warm), dsn); /* same ports */
    char *same = container_id(c, podc_ds_stack_container(warm, PODC_DS_POSTGRES));
    ck_assert_str_eq(same, pg_id);
    free(same);
    n = query1(dsn, "SELECT count(*) FROM audit_events");
    ck_assert_str_eq(n, "0"); /* the row is gone */
    free(n);
    n = query1(dsn, "SELECT max(version_id) FROM goose_db_version");
    ck_assert_str_eq(n, "3"); /* the migrations' state is there */
    free(n);
    redis_cmd(podc_ds_stack_redis_addr(warm), "EXISTS podc-reuse-key\r\n", reply, sizeof reply);
    ck_assert_str_eq(reply, ":0");
    char url[256], body[4000];
    snprintf(url, sizeof url, "%s/api/v1/audit?msg=after-reuse", podc_ds_stack_api_url(warm));
    ck_assert_int_eq(http("POST", url, body), 201); /* DataStorage works on the new database */
    /* (bench_ds measures the ratio; here only: not a cold up in disguise) */
    ck_assert_int_lt(podc_ds_stack_up_ms(warm), podc_ds_stack_up_ms(cold));
    podc_ds_stack_free(warm);
    warm = NULL;

    /* another definition (an env entry more): replaced, not reused */
    podc_ds_config_add_env(cfg, "PODC_TEST_DEFINITION", "2", NULL);
    ck_assert_ok(podc_ds_up(c, cfg, &warm, &err), &err);
    ck_assert_int_eq(podc_ds_stack_reused(warm), 0);
    char *other = container_id(c, podc_ds_stack_container(warm, PODC_DS_POSTGRES));
    ck_assert_str_ne(other, pg_id);
    free(other);
    podc_ds_stack_free(warm);
    warm = NULL;

    /* a member that is not running: replaced */
    ck_assert_ok(podc_container_stop(c, podc_ds_stack_container(cold, PODC_DS_DATASTORAGE), 0, &err), &err);
    ck_assert_ok(podc_ds_up(c, cfg, &warm, &err), &err);
    ck_assert_int_eq(podc_ds_stack_reused(warm), 0);
    podc_ds_stack_free(warm);

    ck_assert_ok(podc_ds_down(c, svc, 0, &err), &err);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    free(pg_id);
    podc_ds_stack_free(cold);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

START_TEST(up_round_trip_down)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds1");
    podc_ds_config *cfg = test_config(svc);
    podc_ds_stack *st = NULL;
    /* podc once wrote the generated secrets to this predictable path (through a symlink
     * planted there): now nothing of the stack's config touches the host's disk */
    char old_dir[512], victim[600];
    const char *tmp = getenv("TMPDIR");
    snprintf(old_dir, sizeof old_dir, "%s/podc-ds-%s-config", tmp && *tmp ? tmp : "/tmp", svc);
    snprintf(victim, sizeof victim, "%s.victim", old_dir);
    FILE *vf = fopen(victim, "w");
    ck_assert_ptr_nonnull(vf);
    fputs("untouched\n", vf);
    fclose(vf);
    ck_assert_int_eq(symlink(victim, old_dir), 0);
    ck_assert_ok(podc_ds_up(c, cfg, &st, &err), &err);
    char *victim_text = NULL;
    ck_assert_int_eq(podc_copy_get_file(c, podc_ds_stack_container(st, PODC_DS_DATASTORAGE),
                                        "/etc/datastorage/db-secrets.yaml", &victim_text, NULL, &err), 0);
    ck_assert_ptr_nonnull(strstr(victim_text, "password: \"test_password\""));
    podc_free(victim_text);
    vf = fopen(victim, "r");
    char line[64] = "";
    ck_assert_ptr_nonnull(fgets(line, sizeof line, vf));
    fclose(vf);
    ck_assert_str_eq(line, "untouched\n");
    unlink(old_dir);
    unlink(victim);

    /* the DSN works from the host and the migrations ran */
    PGconn *pg = PQconnectdb(podc_ds_stack_postgres_dsn(st));
    ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "%s", PQerrorMessage(pg));
    PGresult *res = PQexec(pg, "SELECT max(version_id) FROM goose_db_version");
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "3");
    PQclear(res);
    /* the order: Redis and DataStorage made only once Postgres ran, DataStorage's process
     * after the migrations and Redis */
    res = PQexec(pg, "SELECT (extract(epoch FROM max(tstamp) AT TIME ZONE current_setting('TimeZone')) * 1000)"
                     "::bigint FROM goose_db_version");
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    long long migrated = atoll(PQgetvalue(res, 0, 0));
    PQclear(res);
    const char *pgc = podc_ds_stack_container(st, PODC_DS_POSTGRES), *rdc = podc_ds_stack_container(st, PODC_DS_REDIS),
               *dsc = podc_ds_stack_container(st, PODC_DS_DATASTORAGE);
    int64_t pg0 = itest_container_ms(c, pgc, ITEST_STARTED), rd_made = itest_container_ms(c, rdc, ITEST_CREATED),
            ds_made = itest_container_ms(c, dsc, ITEST_CREATED), rd0 = itest_container_ms(c, rdc, ITEST_STARTED),
            ds0 = itest_container_ms(c, dsc, ITEST_STARTED);
    ck_assert_msg(rd_made >= pg0 && ds_made >= pg0 && ds0 >= rd0 && ds0 >= migrated,
                  "order (ms from postgres's start): redis created %+lld started %+lld, datastorage created %+lld "
                  "started %+lld, migrated %+lld", (long long)(rd_made - pg0), (long long)(rd0 - pg0),
                  (long long)(ds_made - pg0), (long long)(ds0 - pg0), (long long)(migrated - pg0));
    ck_assert_ptr_null(strstr(podc_ds_stack_postgres_dsn_masked(st), "test_password"));
    ck_assert_ptr_nonnull(strstr(podc_ds_stack_postgres_dsn_masked(st), ":***@"));

    ck_assert(redis_pong(podc_ds_stack_redis_addr(st)));

    char url[256], body[4000];
    snprintf(url, sizeof url, "%s/readyz", podc_ds_stack_health_url(st));
    ck_assert_int_eq(http("GET", url, body), 200);
    /* DataStorage writes through Postgres and Redis; the row is visible from the host */
    snprintf(url, sizeof url, "%s/api/v1/audit?msg=from-podc-test", podc_ds_stack_api_url(st));
    ck_assert_int_eq(http("POST", url, body), 201);
    ck_assert_ptr_nonnull(strstr(body, "\"redis\":\"ok\""));
    res = PQexec(pg, "SELECT count(*) FROM audit_events WHERE msg = 'from-podc-test'");
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "1");
    PQclear(res);
    PQfinish(pg);
    snprintf(url, sizeof url, "%s/metrics", podc_ds_stack_metrics_url(st));
    ck_assert_int_eq(http("GET", url, body), 200);

    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 4); /* 3 containers + network */
    ck_assert_ok(podc_ds_down(c, svc, 0, &err), &err);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    ck_assert_ok(podc_ds_down(c, svc, 0, &err), &err); /* missing pieces are no error */

    podc_ds_stack_free(st);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* Removes the named files (NULL-terminated list) from a test's temp dir, then the dir. */
static void remove_temp_dir(const char *dir, ...)
{
    va_list ap;
    va_start(ap, dir);
    for (const char *name; (name = va_arg(ap, const char *)) != NULL;) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        remove(path);
    }
    va_end(ap);
    remove(dir);
}

START_TEST(bad_migration_leaves_nothing)
{
    char dir[] = "/tmp/podc-it-dsmig-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file(dir, "001_broken.sql", "-- +goose Up\nCREATE TABLE x (id int);\nSELECT * FROM missing_table;\n");
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds2");
    podc_ds_config *cfg = test_config(svc);
    podc_ds_config_set_migrations_dir(cfg, dir, NULL);
    podc_ds_stack *st = NULL;
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_EMIGRATION, "expected PODC_EMIGRATION, got: %s",
                  podc_error_message(err));
    ck_assert_ptr_null(st);
    ck_assert_str_eq(podc_error_detail(err, "file"), "001_broken.sql");
    ck_assert_str_eq(podc_error_detail(err, "component"), "migrations");
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_error_free(err);
    remove_temp_dir(dir, "001_broken.sql", (char *)NULL);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

static int note_copied(const char *line, void *ud)
{
    if (strstr(line, "migration scripts copied into postgres"))
        (*(int *)ud)++;
    return 0;
}

/* Migration files travel as the migration exec's arguments while they are small; a file too
 * large for an argument (> 100 KiB) makes the stack copy them in instead: both apply. */
START_TEST(large_migration_copied_small_ones_inline)
{
    char dir[] = "/tmp/podc-it-dsbig-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file(dir, "001_small.sql", "-- +goose Up\nCREATE TABLE small_one (id int);\n");
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds9");
    podc_ds_config *cfg = test_config(svc);
    podc_ds_config_set_migrations_dir(cfg, dir, NULL);
    podc_ds_config_set_skip_redis(cfg, 1, NULL);
    int copied = 0;
    podc_ds_config_set_progress(cfg, note_copied, &copied, NULL);
    for (int round = 0; round < 2; round++) {
        if (round == 1) { /* a 150 KiB statement: past one argument's limit (128 KiB) */
            size_t cap = 200 * 1024, len = 0;
            char *big = malloc(cap);
            ck_assert_ptr_nonnull(big);
            len += (size_t)snprintf(big, cap, "-- +goose Up\nCREATE TABLE big_one (id int, pad text);\n"
                                              "INSERT INTO big_one VALUES (7, '");
            memset(big + len, 'x', 150 * 1024);
            len += 150 * 1024;
            snprintf(big + len, cap - len, "');\n");
            write_file(dir, "002_big.sql", big);
            free(big);
        }
        podc_ds_stack *st = NULL;
        ck_assert_ok(podc_ds_up(c, cfg, &st, &err), &err);
        ck_assert_int_eq(copied, round); /* inline first, copied once the big file is there */
        char *v = query1(podc_ds_stack_postgres_dsn(st), "SELECT max(version_id) FROM goose_db_version");
        ck_assert_str_eq(v, round ? "2" : "1");
        free(v);
        v = query1(podc_ds_stack_postgres_dsn(st),
                   round ? "SELECT (SELECT id FROM big_one) + (SELECT count(*) FROM small_one)" : "SELECT 7");
        ck_assert_str_eq(v, "7");
        free(v);
        podc_ds_stack_free(st);
        ck_assert_ok(podc_ds_down(c, svc, 0, &err), &err);
        ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    }
    podc_error_free(err);
    remove_temp_dir(dir, "001_small.sql", "002_big.sql", (char *)NULL);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

START_TEST(never_ready_fails_with_logs_and_leaves_nothing)
{
    /* a config whose database password is wrong: /readyz stays 503 */
    char dir[] = "/tmp/podc-it-dscfg-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds3");
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "database:\n  host: %s_postgres_test\n  port: 5432\n  name: action_history\n  user: slm_user\n"
             "  secretsFile: db-secrets.yaml\n",
             svc);
    write_file(dir, "config.yaml", yaml);
    write_file(dir, "db-secrets.yaml", "username: slm_user\npassword: wrong\n");
    podc_ds_config *cfg = test_config(svc);
    podc_ds_config_set_config_dir(cfg, dir, NULL);
    podc_ds_config_set_skip_redis(cfg, 1, NULL);
    podc_ds_config_set_timeout(cfg, 10000, NULL); /* Postgres needs ~2-4 s of it */
    podc_ds_stack *st = NULL;
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_EHEALTH, "expected PODC_EHEALTH, got: %s",
                  podc_error_message(err));
    ck_assert_str_eq(podc_error_detail(err, "component"), "datastorage");
    ck_assert_ptr_nonnull(podc_error_log_tail(err));
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_error_free(err);
    remove_temp_dir(dir, "config.yaml", "db-secrets.yaml", (char *)NULL);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

/* Redis SIGKILLed the moment it is healthy: while the migrations and DataStorage still wait,
 * the up notices, fails naming Redis and leaves nothing. */
typedef struct killer {
    podc_client *c;
    char redis[128];
    int killed;
} killer;

static int kill_redis_when_healthy(const char *line, void *ud)
{
    killer *k = ud;
    if (!k->killed && strstr(line, k->redis) && strstr(line, "healthy after"))
        k->killed = podc_container_kill(k->c, k->redis, "KILL", NULL) == 0 ? 1 : -1;
    return 0;
}

START_TEST(redis_dying_after_healthy_fails_the_up)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds8");
    podc_ds_config *cfg = test_config(svc);
    killer k = { .c = itest_client() };
    snprintf(k.redis, sizeof k.redis, "%s_redis_test", svc);
    podc_ds_config_set_progress(cfg, kill_redis_when_healthy, &k, NULL);
    podc_ds_stack *st = NULL;
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_EHEALTH, "expected PODC_EHEALTH, got: %s",
                  podc_error_message(err));
    ck_assert_int_eq(k.killed, 1);
    ck_assert_str_eq(podc_error_detail(err, "component"), "redis");
    ck_assert_str_eq(podc_error_detail(err, "member"), "redis");
    int code = 0;
    ck_assert_int_eq(podc_error_exit_code(err, &code), 1);
    ck_assert_int_eq(code, 137);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "after it was healthy"));
    ck_assert_ptr_null(st);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    const char *waiting = podc_error_detail(err, "waiting");
    printf("redis killed: %s (waiting: %s)\n", podc_error_message(err), waiting ? waiting : "-");
    podc_error_free(err);
    podc_ds_config_free(cfg);
    podc_client_free(k.c);
    free(svc);
    podc_client_free(c);
}
END_TEST

START_TEST(busy_port_named_before_anything_starts)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(fd, 1), 0);
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    int port = ntohs(sa.sin_port);

    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds4");
    podc_ds_config *cfg = test_config(svc);
    podc_ds_config_set_port(cfg, PODC_DS_PORT_REDIS, port, NULL);
    podc_ds_stack *st = NULL;
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_ECONFLICT, "expected PODC_ECONFLICT, got: %s",
                  podc_error_message(err));
    char num[16];
    snprintf(num, sizeof num, "%d", port);
    ck_assert_str_eq(podc_error_detail(err, "port"), num);
    ck_assert_str_eq(podc_error_detail(err, "component"), "redis");
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_error_free(err);
    close(fd);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

START_TEST(up_over_a_stale_stack)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds5");
    /* a crashed run left a container with the Postgres name behind */
    char stale[256];
    snprintf(stale, sizeof stale, "%s_postgres_test", svc);
    podc_container_spec *cs = podc_container_spec_new();
    const char *cmd[] = { "/bin/busybox", "sleep", "600" };
    podc_container_spec_set_name(cs, stale, NULL);
    podc_container_spec_set_image(cs, "localhost/podc-base:latest", NULL);
    podc_container_spec_set_command(cs, cmd, 3, NULL);
    podc_container_spec_add_label(cs, PODC_DS_LABEL_STACK, svc, NULL);
    ck_assert_ok(podc_container_create(c, cs, NULL, &err), &err);
    ck_assert_ok(podc_container_start(c, stale, &err), &err);
    podc_container_spec_free(cs);

    podc_ds_config *cfg = test_config(svc);
    podc_ds_config_set_skip_redis(cfg, 1, NULL);
    podc_ds_stack *st = NULL;
    ck_assert_ok(podc_ds_up(c, cfg, &st, &err), &err);
    ck_assert_ptr_null(podc_ds_stack_redis_addr(st));
    ck_assert_ptr_null(podc_ds_stack_container(st, PODC_DS_REDIS));
    ck_assert_ok(podc_ds_down(c, svc, 0, &err), &err);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_ds_stack_free(st);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

/* Two stacks with different names at once, one of them with a DataStorage image it builds
 * itself and extra env; down removes the built image unless asked to keep it. */
typedef struct up_job {
    podc_ds_config *cfg;
    podc_ds_stack *st;
    int rc;
    podc_error *err;
} up_job;

static void *up_thread(void *arg)
{
    up_job *j = arg;
    podc_client *c = NULL;
    j->rc = podc_client_new(&c, NULL, &j->err);
    if (j->rc == 0)
        j->rc = podc_ds_up(c, j->cfg, &j->st, &j->err);
    podc_client_free(c);
    return NULL;
}

START_TEST(two_stacks_at_once_and_a_built_image)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *a = itest_name("dsa"), *b = itest_name("dsb");
    char tag[256];
    snprintf(tag, sizeof tag, "localhost/podc-it-ds-built:%d", (int)getpid());
    up_job ja = { .cfg = test_config(a) }, jb = { .cfg = test_config(b) };
    podc_ds_config_set_image(jb.cfg, PODC_DS_DATASTORAGE, tag, NULL);
    podc_ds_config_set_build(jb.cfg, TOP_SRCDIR "/tests/images", "datastorage/Containerfile", 0, NULL);
    podc_ds_config_add_env(jb.cfg, "PODC_EXTRA", "from-test", NULL);
    podc_ds_config_set_skip_redis(ja.cfg, 1, NULL);

    pthread_t ta, tb;
    pthread_create(&ta, NULL, up_thread, &ja);
    pthread_create(&tb, NULL, up_thread, &jb);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    ck_assert_msg(ja.rc == 0, "stack a: %s", podc_error_message(ja.err));
    ck_assert_msg(jb.rc == 0, "stack b: %s", podc_error_message(jb.err));
    ck_assert_str_ne(podc_ds_stack_api_url(ja.st), podc_ds_stack_api_url(jb.st));

    podc_container_info *ci = NULL;
    ck_assert_ok(podc_container_inspect(c, podc_ds_stack_container(jb.st, PODC_DS_DATASTORAGE), &ci, &err), &err);
    ck_assert_str_eq(podc_container_info_env(ci, "PODC_EXTRA"), "from-test");
    podc_container_info_free(ci);
    int exists = 0;
    ck_assert_ok(podc_image_exists(c, tag, &exists, &err), &err);
    ck_assert_int_eq(exists, 1);

    ck_assert_ok(podc_ds_down(c, a, 0, &err), &err);
    ck_assert_uint_eq(itest_stack_leftovers(c, a), 0);
    ck_assert_uint_eq(itest_stack_leftovers(c, b), 4); /* the other stack is untouched */
    ck_assert_ok(podc_ds_down(c, b, 1, &err), &err); /* preserve: the built image stays */
    ck_assert_ok(podc_image_exists(c, tag, &exists, &err), &err);
    ck_assert_int_eq(exists, 1);
    ck_assert_ok(podc_ds_down(c, b, 0, &err), &err); /* not preserved: it goes */
    ck_assert_ok(podc_image_exists(c, tag, &exists, &err), &err);
    ck_assert_int_eq(exists, 0);
    ck_assert_uint_eq(itest_stack_leftovers(c, b), 0);

    podc_ds_stack_free(ja.st);
    podc_ds_stack_free(jb.st);
    podc_ds_config_free(ja.cfg);
    podc_ds_config_free(jb.cfg);
    free(a);
    free(b);
    podc_client_free(c);
}
END_TEST

START_TEST(config_checked_before_sending)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    podc_ds_stack *st = NULL;
    podc_ds_config *cfg = test_config("bad name");
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_EINVAL, "expected PODC_EINVAL, got: %s",
                  podc_error_message(err));
    ck_assert_str_eq(podc_error_detail(err, "field"), "service");
    podc_ds_config_free(cfg);
    cfg = test_config("podc-it-ds-cfg");
    podc_ds_config_set_config_dir(cfg, "relative/dir", NULL);
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_EINVAL, "expected PODC_EINVAL, got: %s",
                  podc_error_message(err));
    ck_assert_str_eq(podc_error_detail(err, "field"), "config_dir");
    podc_ds_config_set_config_dir(cfg, NULL, NULL);
    podc_ds_config_set_migrations_dir(cfg, "/nonexistent/migrations", NULL);
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_EINVAL, "expected PODC_EINVAL, got: %s",
                  podc_error_message(err));
    ck_assert_str_eq(podc_error_detail(err, "field"), "migrations_dir");
    podc_ds_config_set_migrations_dir(cfg, MIGRATIONS, NULL);
    podc_ds_config_set_port(cfg, PODC_DS_PORT_API, 18777, NULL);
    podc_ds_config_set_port(cfg, PODC_DS_PORT_METRICS, 18777, NULL);
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_EINVAL, "expected PODC_EINVAL, got: %s",
                  podc_error_message(err));
    ck_assert_str_eq(podc_error_detail(err, "port"), "18777");
    ck_assert_uint_eq(itest_stack_leftovers(c, "podc-it-ds-cfg"), 0);
    ck_assert_ptr_null(st);
    podc_error_free(err);

    /* presets: the suites' ports, health = API + 10000 */
    ck_assert_int_eq(podc_ds_config_set_preset(cfg, "gateway", NULL), 0);
    ck_assert_int_eq(podc_ds_config_set_preset(cfg, "nope", NULL), PODC_EINVAL);
    ck_assert_uint_eq(podc_ds_preset_count(), 8);
    ck_assert_str_eq(podc_ds_preset_name_at(0), "gateway");
    podc_ds_config_free(cfg);
    podc_client_free(c);
}
END_TEST

static int stop_when_postgres_ready(const char *line, void *ud)
{
    (void)ud;
    return strstr(line, "postgres ready") != NULL;
}

START_TEST(progress_callback_stops_and_cleans_up)
{
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds6");
    podc_ds_config *cfg = test_config(svc);
    podc_ds_config_set_progress(cfg, stop_when_postgres_ready, NULL, NULL);
    podc_ds_stack *st = NULL;
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_ECANCELLED, "expected PODC_ECANCELLED, got: %s",
                  podc_error_message(err));
    ck_assert_ptr_null(st);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_error_free(err);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

/* Something listens on 5432 but is not Postgres: the TCP gate passes, the in-container
 * readiness checks (pg_isready, SELECT 1) fail, and nothing is left. */
START_TEST(not_postgres_fails_readiness_and_leaves_nothing)
{
    char dir[] = "/tmp/podc-it-notpg-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file(dir, "Containerfile", "FROM localhost/podc-httpsvc:test\nENV PORT=5432\n");
    podc_client *c = itest_client();
    podc_error *err = NULL;
    char *svc = itest_name("ds7"), image[300];
    snprintf(image, sizeof image, "localhost/%s:test", svc);
    podc_image_build_options *o = podc_image_build_options_new();
    podc_image_build_options_add_tag(o, image, NULL);
    podc_image_build_options_add_label(o, ITEST_LABEL, itest_owner(), NULL); /* the teardown's, if this fails */
    podc_image_build_options_set_pull_never(o, 1, NULL);
    char *id = NULL;
    ck_assert_msg(podc_image_build(c, dir, o, &id, &err) == 0, "build: %s", podc_error_message(err));
    podc_image_build_options_free(o);

    podc_ds_config *cfg = test_config(svc);
    podc_ds_config_set_image(cfg, PODC_DS_POSTGRES, image, NULL);
    podc_ds_config_set_skip_redis(cfg, 1, NULL);
    podc_ds_config_set_timeout(cfg, 20000, NULL);
    podc_ds_stack *st = NULL;
    ck_assert_msg(podc_ds_up(c, cfg, &st, &err) == PODC_EHEALTH, "expected PODC_EHEALTH, got: %s",
                  podc_error_message(err));
    fprintf(stderr, "not_postgres: %s\n", podc_error_message(err));
    ck_assert_str_eq(podc_error_detail(err, "component"), "postgres");
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "postgres is not ready"));
    ck_assert_ptr_nonnull(podc_error_log_tail(err));
    ck_assert_ptr_nonnull(strstr(podc_error_log_tail(err), "httpsvc: starting on port 5432"));
    ck_assert_ptr_null(st);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_error_free(err);
    err = NULL;
    ck_assert_ok(podc_image_remove(c, id, PODC_IMAGE_REMOVE_FORCE, &err), &err);
    podc_free(id);
    remove_temp_dir(dir, "Containerfile", (char *)NULL);
    podc_ds_config_free(cfg);
    free(svc);
    podc_client_free(c);
}
END_TEST

Suite *datastorage_suite(void)
{
    Suite *s = suite_create("datastorage");
    TCase *tc = itest_tcase("stack", 180);
    tcase_add_test(tc, up_round_trip_down);
    tcase_add_test(tc, reuse_resets_or_replaces);
    tcase_add_test(tc, bad_migration_leaves_nothing);
    tcase_add_test(tc, large_migration_copied_small_ones_inline);
    tcase_add_test(tc, never_ready_fails_with_logs_and_leaves_nothing);
    tcase_add_test(tc, busy_port_named_before_anything_starts);
    tcase_add_test(tc, redis_dying_after_healthy_fails_the_up);
    tcase_add_test(tc, up_over_a_stale_stack);
    tcase_add_test(tc, two_stacks_at_once_and_a_built_image);
    tcase_add_test(tc, config_checked_before_sending);
    tcase_add_test(tc, progress_callback_stops_and_cleans_up);
    tcase_add_test(tc, not_postgres_fails_readiness_and_leaves_nothing);
    suite_add_tcase(s, tc);
    return s;
}
