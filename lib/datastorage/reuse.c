/*
 * reuse.c - the warm path of ds up: a running stack of the same definition is reset to its
 * freshly-migrated state instead of being replaced.
 *
 * The definition is a SHA-256 over everything that makes a stack what it is (the images' ids,
 * the credentials, the effective ports, DataStorage's env, the caller's config dir's files, the
 * migrations podc applies, the switches); every member carries it as a label. A reset drops the
 * database and creates it again from the template a cold up with reuse made right after the
 * migrations (Postgres's CREATE DATABASE ... TEMPLATE copies the files), flushes Redis and
 * checks DataStorage's /readyz. Nothing is restarted: DataStorage's connections to the old
 * database are ended by the drop (WITH FORCE) and it opens new ones (the stand-in keeps no
 * connection at all). The label shows the hash, not the secrets; whoever may inspect the
 * containers reads POSTGRES_PASSWORD in their env anyway.
 */
#include "config.h"

#include <curl/curl.h>
#include <dirent.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error-private.h"
#include "core/file.h"
#include "core/parallel.h"
#include "core/sha256.h"
#include "datastorage/ds-private.h"
#include "datastorage/migrate-private.h"
#include "podc/containers.h"
#include "podc/exec.h"
#include "podc/images.h"
#include "transport/cancel.h"
#include "transport/http.h"

#define CONFIG_FILE_MAX (16u << 20)

static void feed_str(pdc_sha256 *s, const char *tag, const char *v)
{
    pdc_sha256_update(s, tag, strlen(tag) + 1); /* NULs keep the fields apart */
    pdc_sha256_update(s, v ? v : "", strlen(v ? v : "") + 1);
}

static void feed_int(pdc_sha256 *s, const char *tag, long long v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", v);
    feed_str(s, tag, b);
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(const ds_env *const *)a)->key, (*(const ds_env *const *)b)->key);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* The caller's config dir: every regular file's name and contents, in name order. */
static int feed_config_dir(pdc_sha256 *s, const char *dir, podc_error **err)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, NULL, by_name);
    if (n < 0)
        return pdc_error_set_local(err, errno, "config_dir", dir, "config dir %s", dir);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
        if (rc == 0 && ents[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            char *text = NULL;
            size_t len = 0;
            int e = pdc_file_read(path, CONFIG_FILE_MAX, 1, &text, &len);
            if (e)
                rc = pdc_error_set_local(err, e, NULL, path, "config dir: cannot read %s", path);
            else {
                feed_str(s, "file", ents[i]->d_name);
                pdc_sha256_update(s, text, len);
                explicit_bzero(text, len);
            }
            free(text);
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

int pdc_ds_definition_hash(podc_client *c, const podc_ds_config *cfg, const pdc_migration_plan *plan, char out[65],
                           podc_error **err)
{
    out[0] = '\0';
    pdc_sha256 s;
    pdc_sha256_init(&s);
    feed_str(&s, "podc.ds.definition", "1");
    feed_str(&s, "service", cfg->service);
    for (int i = 0; i < 3; i++) {
        if (i == PODC_DS_REDIS && cfg->skip_redis)
            continue;
        podc_image *img = NULL;
        podc_error *e = NULL;
        int rc = podc_image_inspect(c, cfg->images[i], &img, &e);
        if (rc == PODC_ENOTFOUND) { /* not there yet: no stack of it can run either */
            podc_error_free(e);
            return 0;
        }
        if (rc < 0)
            return pdc_error_put(err, e);
        feed_str(&s, "image", podc_image_id(img));
        podc_image_free(img);
    }
    feed_str(&s, "user", cfg->pg_user);
    feed_str(&s, "password", cfg->pg_password);
    feed_str(&s, "db", cfg->pg_db);
    for (int p = 0; p < DS_NPORTS; p++)
        feed_int(&s, "port", pdc_ds_effective_port(cfg, (podc_ds_port)p));
    feed_int(&s, "skip_redis", cfg->skip_redis);
    feed_int(&s, "durable", cfg->pg_durable);
    const ds_env **env = cfg->nenv ? malloc(cfg->nenv * sizeof *env) : NULL;
    if (cfg->nenv && !env)
        return pdc_error_oom(err);
    for (size_t i = 0; i < cfg->nenv; i++)
        env[i] = &cfg->env[i];
    if (cfg->nenv)
        qsort(env, cfg->nenv, sizeof *env, by_key);
    for (size_t i = 0; i < cfg->nenv; i++) {
        feed_str(&s, "env", env[i]->key);
        feed_str(&s, "=", env[i]->value);
    }
    free(env);
    int rc = cfg->config_dir ? feed_config_dir(&s, cfg->config_dir, err) : 0;
    if (rc < 0)
        return rc;
    feed_str(&s, "migrations", plan ? "yes" : "no");
    pdc_migration_plan_hash(plan, &s);
    pdc_sha256_hex(&s, out);
    return 0;
}

/* ---- is there a stack to reuse? ---- */

int pdc_ds_reusable(podc_client *c, const podc_ds_config *cfg, const char *hash, const char names[3][DS_NAME_MAX],
                    int ports[DS_NPORTS], char *why, size_t why_len, podc_error **err)
{
    static const char *const component[] = { "postgres", "redis", "datastorage" };
    static const struct {
        int which, container_port;
        podc_ds_port port;
    } published[] = { { PODC_DS_POSTGRES, 5432, PODC_DS_PORT_POSTGRES }, { PODC_DS_REDIS, 6379, PODC_DS_PORT_REDIS },
                      { PODC_DS_DATASTORAGE, 8080, PODC_DS_PORT_API },
                      { PODC_DS_DATASTORAGE, 8081, PODC_DS_PORT_HEALTH },
                      { PODC_DS_DATASTORAGE, 9090, PODC_DS_PORT_METRICS } };
    for (int p = 0; p < DS_NPORTS; p++)
        ports[p] = 0;
    for (int i = 0; i < 3; i++) {
        if (i == PODC_DS_REDIS && cfg->skip_redis)
            continue;
        podc_container_info *info = NULL;
        podc_error *e = NULL;
        int rc = podc_container_inspect(c, names[i], &info, &e);
        if (rc == PODC_ENOTFOUND) {
            podc_error_free(e);
            snprintf(why, why_len, "no %s container", component[i]);
            return 0;
        }
        if (rc < 0)
            return pdc_error_put(err, e);
        const char *label = podc_container_info_label(info, PODC_DS_LABEL_HASH);
        const char *health = podc_container_info_health_status(info);
        if (podc_container_info_running(info) != 1)
            snprintf(why, why_len, "%s is not running (%s)", component[i], podc_container_info_status(info));
        else if (!label || strcmp(label, hash) != 0)
            snprintf(why, why_len, "%s was made from another definition", component[i]);
        else if (health && *health && strcmp(health, "healthy") != 0)
            snprintf(why, why_len, "%s is %s", component[i], health);
        else
            why[0] = '\0';
        for (size_t k = 0; !why[0] && k < sizeof published / sizeof published[0]; k++)
            if (published[k].which == i)
                ports[published[k].port] = podc_container_info_host_port(info, published[k].container_port, "tcp");
        podc_container_info_free(info);
        if (why[0])
            return 0;
    }
    return 1;
}

/* ---- the reset ---- */

typedef struct reset_job {
    pdc_job_result res; /* first: see core/parallel.h */
    podc_client *parent;
    const podc_ds_config *cfg;
    const char *container;
    int which;
    int port;            /* Redis: its published port */
} reset_job;

/* Redis emptied over its published port (RESP FLUSHALL: no exec, no runc process). */
static int flush_redis(reset_job *j)
{
    const char *h = podc_client_host(j->parent);
    char port[16];
    snprintf(port, sizeof port, "%d", j->port);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res = NULL;
    int g = getaddrinfo(h, port, &hints, &res);
    if (g != 0)
        return pdc_error_set(&j->res.err, PODC_ETRANSPORT, "redis %s:%d: %s", h, j->port, gai_strerror(g));
    int fd = -1, e = ECONNREFUSED;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        struct timeval tv = { .tv_sec = 2 };
        if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
                        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
                        connect(fd, a->ai_addr, a->ai_addrlen) < 0)) {
            e = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return pdc_error_set(&j->res.err, PODC_ESERVER, "redis %s:%d: %s", h, j->port, strerror(e));
    static const char cmd[] = "*1\r\n$8\r\nFLUSHALL\r\n";
    char reply[64] = "";
    ssize_t n = send(fd, cmd, sizeof cmd - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof cmd - 1)
                    ? recv(fd, reply, sizeof reply - 1, 0)
                    : -1;
    close(fd);
    if (n < 5 || strncmp(reply, "+OK\r\n", 5) != 0)
        return pdc_error_set(&j->res.err, PODC_ESERVER, "redis %s:%d: FLUSHALL answered \"%.*s\"", h, j->port,
                             n > 0 ? (int)strcspn(reply, "\r\n") : 0, reply);
    return 0;
}

/* The database again as the template made after the migrations; Redis emptied. */
static void *reset_thread(void *arg)
{
    reset_job *j = arg;
    static const char pg_script[] =
        "printf '%s\\n' 'DROP DATABASE IF EXISTS :\"db\" WITH (FORCE);' 'CREATE DATABASE :\"db\" TEMPLATE :\"tmpl\";' |\n"
        "  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U \"$1\" -d postgres -v db=\"$2\" -v tmpl=\"$3\"\n";
    char pw[1024];
    snprintf(pw, sizeof pw, "PGPASSWORD=%s", j->cfg->pg_password);
    const char *pg_argv[] = { "env", pw, "sh", "-c", pg_script, "podc-reset", j->cfg->pg_user, j->cfg->pg_db,
                              PODC_DS_TEMPLATE_DB, NULL };
    if (j->which == PODC_DS_REDIS) {
        j->res.rc = flush_redis(j);
        return NULL;
    }
    const char *const *argv = pg_argv;
    podc_client *c = NULL;
    podc_exec_options *xo = podc_exec_options_new();
    podc_exec_result *r = NULL;
    j->res.rc = xo ? pdc_client_new_child(&c, j->parent, &j->res.err) : pdc_error_oom(&j->res.err);
    if (xo)
        podc_exec_options_set_timeout(xo, j->cfg->timeout_ms, NULL);
    if (j->res.rc == 0)
        j->res.rc = podc_exec_run(c, j->container, argv, xo, &r, &j->res.err);
    explicit_bzero(pw, sizeof pw);
    const char *out = r ? podc_exec_result_stdout(r) : "";
    int code = r ? podc_exec_result_exit_code(r) : 0;
    if (j->res.rc == 0 && code != 0) {
        podc_error *e = pdc_error_new(PODC_ESERVER, "%s: reset failed (exit code %d): %s", j->container, code,
                                      *podc_exec_result_stderr(r) ? podc_exec_result_stderr(r) : out);
        pdc_error_set_container(e, j->container, NULL);
        pdc_error_set_exit_code(e, code);
        j->res.rc = pdc_error_put(&j->res.err, e);
    }
    podc_exec_result_free(r);
    podc_exec_options_free(xo);
    podc_client_free(c);
    return NULL;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p, (void)ud;
    return size * n;
}

/* DataStorage's /readyz answers 200 (it checks Postgres and Redis); a few tries while its
 * health handler sees the new database. */
static int readyz(podc_client *c, const podc_ds_config *cfg, int port, podc_error **err)
{
    const char *h = podc_client_host(c);
    char url[400];
    snprintf(url, sizeof url, strchr(h, ':') ? "http://[%s]:%d/readyz" : "http://%s:%d/readyz", h, port);
    long status = 0;
    int64_t end = pdc_http_now_ms() + (cfg->timeout_ms < 5000 ? cfg->timeout_ms : 5000);
    for (;;) {
        CURL *e = curl_easy_init();
        if (!e)
            return pdc_error_oom(err);
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 2000L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
        status = 0;
        if (curl_easy_perform(e) == CURLE_OK)
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(e);
        if (status == 200)
            return 0;
        if (pdc_http_now_ms() >= end)
            break;
        int rc = pdc_http_sleep(c, 50, err); /* a cancel wakes it */
        if (rc < 0)
            return rc;
    }
    return pdc_error_set(err, PODC_EHEALTH, "%s: DataStorage's %s answers %ld after the reset", cfg->service, url,
                         status);
}

int pdc_ds_reset(podc_client *c, const podc_ds_config *cfg, const char names[3][DS_NAME_MAX],
                 const int ports[DS_NPORTS], podc_error **err)
{
    reset_job jobs[2] = { { .parent = c, .cfg = cfg, .container = names[PODC_DS_POSTGRES], .which = PODC_DS_POSTGRES },
                          { .parent = c, .cfg = cfg, .container = names[PODC_DS_REDIS], .which = PODC_DS_REDIS,
                            .port = ports[PODC_DS_PORT_REDIS] } };
    int rc = pdc_parallel(reset_thread, jobs, sizeof jobs[0], cfg->skip_redis ? 1 : 2, err);
    return rc < 0 ? rc : readyz(c, cfg, ports[PODC_DS_PORT_HEALTH], err);
}
