/* Compose files to stack specs: what each supported key becomes, interpolation, anchors and
 * merge keys, several files, warnings and strict, and the errors (file, line, key path). Pure
 * logic: files in a temp folder, nothing is sent. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose/interpolate.h"
#include "core/json.h"
#include "podc/compose.h"
#include "service/service-private.h"
#include "stack/stack-private.h"
#include "suites.h"


/* The create request a member's spec becomes (what podman would be sent), parsed. */
static yajl_val create_json(const podc_service_spec *sp)
{
    podc_container_spec *cs = NULL;
    char *json = NULL;
    ck_assert_int_eq(pdc_svc_container_spec(sp, "s", &cs, NULL), 0);
    ck_assert_int_eq(podc_container_spec_to_json(cs, &json, NULL), 0);
    yajl_val v = pdc_json_parse(json, NULL, 0);
    ck_assert_ptr_nonnull(v);
    podc_free(json);
    podc_container_spec_free(cs);
    return v;
}

static char dir[64];
static char warnings[4096];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/podc-compose-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    warnings[0] = '\0';
}

static void teardown(void) /* the folder holds files only */
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            ck_assert_int_eq(unlink(p), 0);
    }
    closedir(d);
    ck_assert_int_eq(rmdir(dir), 0);
}

static void write_file(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void on_warning(const char *w, void *ud)
{
    (void)ud;
    size_t n = strlen(warnings);
    snprintf(warnings + n, sizeof warnings - n, "%s\n", w);
}

static podc_compose_options *opts(const char *file)
{
    podc_compose_options *o = podc_compose_options_new();
    ck_assert_ptr_nonnull(o);
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    ck_assert_int_eq(podc_compose_options_add_file(o, p, NULL), 0);
    ck_assert_int_eq(podc_compose_options_set_warning_cb(o, on_warning, NULL, NULL), 0);
    return o;
}

static podc_stack_spec *load_ok(podc_compose_options *o)
{
    podc_stack_spec *s = NULL;
    podc_error *err = NULL;
    int rc = podc_compose_load(o, &s, &err);
    ck_assert_msg(rc == 0, "load failed (%d): %s", rc, err ? podc_error_message(err) : "?");
    podc_compose_options_free(o);
    return s;
}

/* the load fails with code; the message holds want; detail field is field (when not NULL) */
static void load_fails(podc_compose_options *o, int code, const char *want, const char *field)
{
    podc_stack_spec *s = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_compose_load(o, &s, &err), code);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(podc_error_message(err), want), "'%s' not in: %s", want, podc_error_message(err));
    if (field)
        ck_assert_str_eq(podc_error_detail(err, "field"), field);
    podc_error_free(err);
    podc_compose_options_free(o);
}

static const pdc_stack_member *member(const podc_stack_spec *s, const char *name)
{
    long i = pdc_stack_find(s, name);
    ck_assert_msg(i >= 0, "no member %s", name);
    return &s->members[i];
}

static const char *edge_cond(const podc_stack_spec *s, const char *from, const char *on)
{
    for (size_t i = 0; i < s->n_edges; i++)
        if (strcmp(s->edges[i].member, from) == 0 && strcmp(s->edges[i].on, on) == 0)
            return s->edges[i].cond == PODC_STACK_HEALTHY     ? "healthy"
                   : s->edges[i].cond == PODC_STACK_COMPLETED ? "completed"
                                                              : "started";
    return NULL;
}

/* The shape of a kubernaut suite's file: postgres, redis, a migrate job, datastorage. */
static const char *const KUBERNAUT =
    "name: ds-suite\n"
    "x-pg-env: &pg\n"
    "  POSTGRES_USER: slm_user\n"
    "  POSTGRES_DB: action_history\n"
    "services:\n"
    "  postgres:\n"
    "    image: docker.io/library/postgres:16-alpine\n"
    "    environment:\n"
    "      <<: *pg\n"
    "      POSTGRES_PASSWORD: ${PG_PASSWORD:-test_password}\n"
    "    ports: [\"${PG_PORT:-15433}:5432\"]\n"
    "    healthcheck:\n"
    "      test: [\"CMD-SHELL\", \"pg_isready -U slm_user\"]\n"
    "      interval: 2s\n"
    "      timeout: 5s\n"
    "      retries: 20\n"
    "  redis:\n"
    "    image: redis:7-alpine\n"
    "    ports: [\"127.0.0.1:16380:6379\"]\n"
    "    healthcheck: {test: [\"CMD\", \"redis-cli\", \"ping\"], interval: 1s}\n"
    "  migrate:\n"
    "    image: localhost/goose:test\n"
    "    command: goose -dir /migrations postgres \"host=postgres user=slm_user\" up\n"
    "    volumes: [\"./migrations:/migrations:ro,z\"]\n"
    "    depends_on:\n"
    "      postgres: {condition: service_healthy}\n"
    "  datastorage:\n"
    "    build: {context: ./ds, dockerfile: Containerfile, args: {GO_VERSION: '1.22'}}\n"
    "    environment: [\"CONFIG_PATH=/etc/ds/config.yaml\", HOME]\n"
    "    ports: [\"18090:8080\", \"19090-19091:9090-9091\"]\n"
    "    restart: always\n"
    "    depends_on:\n"
    "      migrate: {condition: service_completed_successfully}\n"
    "      redis: {condition: service_healthy}\n"
    "  debug:\n"
    "    image: busybox\n"
    "    profiles: [debug]\n";

START_TEST(compose_kubernaut_shape)
{
    write_file("compose.yml", KUBERNAUT);
    podc_compose_options *o = opts("compose.yml");
    ck_assert_int_eq(podc_compose_options_set_variable(o, "PG_PORT", "25433", NULL), 0);
    podc_stack_spec *s = load_ok(o);
    ck_assert_str_eq(s->name, "ds-suite");
    ck_assert_str_eq(s->network, "ds-suite_default");
    ck_assert_int_eq(s->n_members, 4); /* debug: only with --profile debug */

    const pdc_stack_member *pg = member(s, "postgres");
    ck_assert_int_eq(pg->kind, PODC_STACK_SERVICE);
    ck_assert_str_eq(pg->spec->name, "ds-suite_postgres");
    yajl_val pgj = create_json(pg->spec);
    ck_assert_str_eq(pdc_json_str(pgj, "env", "POSTGRES_USER", NULL), "slm_user"); /* from the merge key */
    ck_assert_str_eq(pdc_json_str(pgj, "env", "POSTGRES_PASSWORD", NULL), "test_password");
    pdc_json_free(pgj);
    ck_assert_int_eq(pg->spec->ports[0], 5432);
    ck_assert_int_eq(pg->spec->ports[1], 25433); /* the option's variable */
    ck_assert_int_eq(pg->spec->n_checks, 1);
    ck_assert_int_eq(pg->spec->checks[0].kind, PODC_SVC_CHECK_EXEC);
    ck_assert_str_eq(pg->spec->checks[0].argv.v[0], "/bin/sh");
    ck_assert_str_eq(pg->spec->checks[0].argv.v[2], "pg_isready -U slm_user");
    ck_assert_int_eq(pg->spec->checks[0].timeout_ms, 5000);
    ck_assert_int_eq(pg->spec->startup_timeout_ms, 20 * 7000); /* retries x (interval + timeout) */

    const pdc_stack_member *rd = member(s, "redis");
    ck_assert_str_eq(rd->spec->image, "redis:7-alpine");
    ck_assert_str_eq(rd->spec->port_ips[0], "127.0.0.1");
    ck_assert_str_eq(rd->spec->checks[0].argv.v[0], "redis-cli");
    ck_assert_int_eq(rd->spec->startup_timeout_ms, 3 * (1000 + 30000)); /* compose's default timeout, retries */

    const pdc_stack_member *mg = member(s, "migrate");
    ck_assert_int_eq(mg->kind, PODC_STACK_JOB); /* datastorage waits for it to complete */
    yajl_val mgj = create_json(mg->spec);
    ck_assert_uint_eq(pdc_json_array_len(pdc_json_get(mgj, "command", NULL)), 6);
    ck_assert_str_eq(pdc_json_as_str(pdc_json_array_at(pdc_json_get(mgj, "command", NULL), 4)),
                     "host=postgres user=slm_user");
    char bind[128];
    snprintf(bind, sizeof bind, "%s/migrations", dir);
    yajl_val m0 = pdc_json_array_at(pdc_json_get(mgj, "mounts", NULL), 0);
    ck_assert_str_eq(pdc_json_str(m0, "type", NULL), "bind");
    ck_assert_str_eq(pdc_json_str(m0, "source", NULL), bind); /* relative to the file's folder */
    ck_assert_str_eq(pdc_json_str(m0, "destination", NULL), "/migrations");
    ck_assert_uint_eq(pdc_json_array_len(pdc_json_get(m0, "options", NULL)), 2);
    pdc_json_free(mgj);

    const pdc_stack_member *ds = member(s, "datastorage");
    ck_assert_str_eq(ds->spec->image, "localhost/ds-suite_datastorage:latest");
    ck_assert_int_eq(ds->spec->has_build, 1);
    snprintf(bind, sizeof bind, "%s/ds", dir);
    ck_assert_str_eq(ds->spec->build_ctx, bind);
    ck_assert_str_eq(pdc_kvlist_get(&ds->spec->build_args, "GO_VERSION"), "1.22");
    yajl_val dsj = create_json(ds->spec);
    ck_assert_str_eq(pdc_json_str(dsj, "env", "CONFIG_PATH", NULL), "/etc/ds/config.yaml");
    ck_assert_str_eq(pdc_json_str(dsj, "env", "HOME", NULL), getenv("HOME")); /* a bare name: from the environment */
    pdc_json_free(dsj);
    ck_assert_int_eq(ds->spec->n_ports, 3);
    ck_assert_int_eq(ds->spec->ports[4], 9091);
    ck_assert_int_eq(ds->spec->ports[5], 19091);

    ck_assert_str_eq(edge_cond(s, "migrate", "postgres"), "healthy");
    ck_assert_str_eq(edge_cond(s, "datastorage", "migrate"), "completed");
    ck_assert_str_eq(edge_cond(s, "datastorage", "redis"), "healthy");
    /* restart: one warning, naming file, line and key */
    ck_assert_msg(strstr(warnings, "services.datastorage.restart: podc does not restart"), "%s", warnings);
    podc_stack_spec_free(s);

    /* with the profile, debug runs too; --image replaces a build */
    o = opts("compose.yml");
    ck_assert_int_eq(podc_compose_options_add_profile(o, "debug", NULL), 0);
    ck_assert_int_eq(podc_compose_options_set_image(o, "datastorage", "localhost/podc-datastorage:test", NULL), 0);
    ck_assert_int_eq(podc_compose_options_set_project(o, "other", NULL), 0);
    s = load_ok(o);
    ck_assert_int_eq(s->n_members, 5);
    ck_assert_str_eq(s->name, "other");
    ck_assert_str_eq(member(s, "datastorage")->spec->image, "localhost/podc-datastorage:test");
    ck_assert_int_eq(member(s, "datastorage")->spec->has_build, 0);
    podc_stack_spec_free(s);
}
END_TEST

START_TEST(compose_strict_and_errors)
{
    write_file("compose.yml", KUBERNAUT);
    podc_compose_options *o = opts("compose.yml");
    podc_compose_options_set_strict(o, 1, NULL);
    load_fails(o, PODC_EINVAL, "line 31: services.datastorage.restart", "services.datastorage.restart");

    write_file("cycle.yml", "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n");
    load_fails(opts("cycle.yml"), PODC_EINVAL, "dependency cycle a -> b -> a", "depends_on");

    write_file("unknown.yml", "services:\n  a: {image: x, depends_on: {db: {condition: service_healthy}}}\n");
    load_fails(opts("unknown.yml"), PODC_EINVAL, "there is no member db", "depends_on");

    write_file("cond.yml", "services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: service_ready}\n"
                           "  b: {image: x}\n");
    load_fails(opts("cond.yml"), PODC_EINVAL, "line 5: services.a.depends_on.b.condition", NULL);

    write_file("syntax.yml", "services:\n  a: {image: x\n");
    load_fails(opts("syntax.yml"), PODC_EINVAL, "syntax.yml: line", "yaml");

    write_file("dup.yml", "services:\n  a: {image: x}\n  a: {image: y}\n");
    load_fails(opts("dup.yml"), PODC_EINVAL, "line 3: key \"a\" appears twice", "yaml");

    write_file("var.yml", "services:\n  a: {image: \"${IMG:?set IMG to the image}\"}\n");
    load_fails(opts("var.yml"), PODC_EINVAL, "variable IMG is not set: set IMG to the image", "services.a.image");

    write_file("port.yml", "services:\n  a: {image: x, ports: [\"80:70000\"]}\n");
    load_fails(opts("port.yml"), PODC_EINVAL, "services.a.ports[0]: \"80:70000\" is not a port mapping", NULL);

    write_file("noimg.yml", "services:\n  a: {command: [true]}\n");
    load_fails(opts("noimg.yml"), PODC_EINVAL, "services.a: has neither image nor build", NULL);

    /* an alias bomb fails instead of eating memory */
    write_file("bomb.yml", "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                           "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                           "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                           "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                           "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                           "services: {a: {image: x}}\n");
    load_fails(opts("bomb.yml"), PODC_EINVAL, "too many nodes", "yaml");

    load_fails(opts("missing.yml"), PODC_EFILE, "cannot read", NULL);

    /* a NUL in a value is refused naming the key, not cut; YAML nesting is bounded */
    write_file("nul.yml", "services:\n  a: {image: x, environment: {A: \"v\\0w\"}}\n");
    load_fails(opts("nul.yml"), PODC_EINVAL, "services.a.environment.A: holds a NUL character",
               "services.a.environment.A");
    char deep[400] = "services: {a: {image: x}}\nx-deep: ";
    for (int i = 0; i < 100; i++)
        strcat(deep, "[");
    for (int i = 0; i < 100; i++)
        strcat(deep, "]");
    strcat(deep, "\n");
    write_file("deep.yml", deep);
    load_fails(opts("deep.yml"), PODC_EINVAL, "nested too deeply", "yaml");
}
END_TEST

START_TEST(compose_dotenv_files_and_merge)
{
    write_file(".env", "# comment\nTAG=1.2\nexport GREETING=\"hello \\\"world\\\"\"\nQ='a $b'\n");
    write_file("app.env", "FROM_FILE=yes\nOVERRIDDEN=file\n");
    write_file("base.yml", "services:\n"
                           "  web:\n"
                           "    image: \"localhost/web:${TAG}\"\n"
                           "    env_file: app.env\n"
                           "    environment: {OVERRIDDEN: env, G: $GREETING, Q: \"${Q}\", COST: \"$$5\"}\n"
                           "    command: [\"echo\", \"$${NOT_A_VAR}\"]\n"
                           "    healthcheck: {test: [\"NONE\"]}\n"
                           "networks:\n  backend: {name: shared-net}\n");
    write_file("override.yml", "services:\n  web:\n    image: localhost/web:override\n    user: \"1000\"\n"
                               "    working_dir: /srv\n    entrypoint: \"\"\n"
                               "    networks: {backend: {aliases: [api]}}\n");
    podc_compose_options *o = opts("base.yml");
    char p[256];
    snprintf(p, sizeof p, "%s/override.yml", dir);
    ck_assert_int_eq(podc_compose_options_add_file(o, p, NULL), 0);
    ck_assert_int_eq(podc_compose_options_set_project(o, "proj", NULL), 0);
    podc_stack_spec *s = load_ok(o);
    const podc_service_spec *w = member(s, "web")->spec;
    ck_assert_str_eq(w->image, "localhost/web:override"); /* the later file wins */
    yajl_val wj = create_json(w);
    ck_assert_str_eq(pdc_json_str(wj, "env", "FROM_FILE", NULL), "yes");
    ck_assert_str_eq(pdc_json_str(wj, "env", "OVERRIDDEN", NULL), "env"); /* environment over env_file */
    ck_assert_str_eq(pdc_json_str(wj, "env", "G", NULL), "hello \"world\"");
    ck_assert_str_eq(pdc_json_str(wj, "env", "Q", NULL), "a $b"); /* single quotes: literal */
    ck_assert_str_eq(pdc_json_str(wj, "env", "COST", NULL), "$5");
    ck_assert_str_eq(pdc_json_as_str(pdc_json_array_at(pdc_json_get(wj, "command", NULL), 1)), "${NOT_A_VAR}");
    ck_assert_int_eq(w->n_checks, 0);
    ck_assert_str_eq(pdc_json_str(wj, "user", NULL), "1000");
    ck_assert_str_eq(pdc_json_str(wj, "work_dir", NULL), "/srv");
    yajl_val ep = pdc_json_get(wj, "entrypoint", NULL); /* set, and empty: the image's cleared */
    ck_assert(YAJL_IS_ARRAY(ep));
    ck_assert_uint_eq(pdc_json_array_len(ep), 0);
    pdc_json_free(wj);
    ck_assert_str_eq(s->network, "shared-net");
    ck_assert_str_eq(w->network, "shared-net");
    ck_assert_int_eq(w->aliases.n, 2); /* its service name, and api */
    podc_stack_spec_free(s);
}
END_TEST

static const char *env_lookup(const char *name, void *ud)
{
    (void)ud;
    return strcmp(name, "SET") == 0 ? "v" : strcmp(name, "EMPTY") == 0 ? "" : NULL;
}

START_TEST(compose_interpolation_forms)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "${SET}", "v" },           { "$SET/x", "v/x" },           { "${UNSET}", "" },
        { "${UNSET:-d}", "d" },      { "${EMPTY:-d}", "d" },        { "${EMPTY-d}", "" },
        { "${SET:+alt}", "alt" },    { "${UNSET:+alt}", "" },       { "$$SET", "$SET" },
        { "${UNSET:-${SET}x}", "vx" }, { "a$", "a$" },             { "cost: $ 5", "cost: $ 5" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL, *why = NULL;
        ck_assert_int_eq(pdc_interpolate(cases[i].in, env_lookup, NULL, &out, &why), 0);
        ck_assert_msg(strcmp(out, cases[i].out) == 0, "%s -> '%s', want '%s'", cases[i].in, out, cases[i].out);
        free(out);
    }
    static const char *const bad[] = { "${", "${SET", "${1X}", "${UNSET:?no}", "${EMPTY:?}", "${A B}" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out = NULL, *why = NULL;
        ck_assert_msg(pdc_interpolate(bad[i], env_lookup, NULL, &out, &why) == PODC_EINVAL, "%s accepted", bad[i]);
        ck_assert_ptr_nonnull(why);
        free(why);
    }
}
END_TEST

Suite *compose_suite(void)
{
    Suite *s = suite_create("compose");
    TCase *tc = tcase_create("load");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, compose_kubernaut_shape);
    tcase_add_test(tc, compose_strict_and_errors);
    tcase_add_test(tc, compose_dotenv_files_and_merge);
    tcase_add_test(tc, compose_interpolation_forms);
    suite_add_tcase(s, tc);
    return s;
}
