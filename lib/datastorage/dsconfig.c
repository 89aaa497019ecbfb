/* dsconfig.c - the DataStorage config dir podc writes when the caller gives none: config.yaml
 * with the stack's container names plus the secrets files the contract describes. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "datastorage/ds-private.h"

static const char *const files[] = { "config.yaml", "db-secrets.yaml", "redis-secrets.yaml" };

char *podc_ds_generated_dir(const char *service)
{
    const char *tmp = getenv("TMPDIR");
    podc_buf b = PODC_BUF_INIT;
    podc_buf_printf(&b, "%s/podc-ds-%s-config", tmp && *tmp ? tmp : "/tmp", service);
    return podc_buf_detach(&b);
}

/* YAML double-quoted scalar: enough escaping for passwords with quotes or backslashes. */
static void yq(podc_buf *b, const char *s)
{
    podc_buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            podc_buf_printf(b, "\\%c", *s);
        else
            podc_buf_append(b, s, 1);
    }
    podc_buf_puts(b, "\"");
}

static int write_file(const char *dir, const char *name, const podc_buf *content, podc_error **err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(content->data, 1, content->len, f) != content->len) {
        int e = errno;
        if (f)
            fclose(f);
        return podc_error_set(err, PODC_ETRANSPORT, "writing %s: %s", path, strerror(e));
    }
    if (fclose(f) != 0)
        return podc_error_set(err, PODC_ETRANSPORT, "writing %s: %s", path, strerror(errno));
    return 0;
}

int podc_ds_write_config(const podc_ds_config *cfg, const char *dir, podc_error **err)
{
    char pg[DS_NAME_MAX], redis[DS_NAME_MAX];
    podc_ds_names(cfg->service, NULL, pg, redis, NULL, sizeof pg);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return podc_error_set(err, PODC_ETRANSPORT, "creating %s: %s", dir, strerror(errno));

    podc_buf c = PODC_BUF_INIT, db = PODC_BUF_INIT, rs = PODC_BUF_INIT;
    podc_buf_puts(&c, "# written by podc for the DataStorage test stack\n"
                      "server:\n  port: 8080\n  healthPort: 8081\n  metricsPort: 9090\n  host: \"0.0.0.0\"\n"
                      "database:\n  host: ");
    podc_buf_printf(&c, "%s\n  port: 5432\n  name: ", pg);
    yq(&c, cfg->pg_db);
    podc_buf_puts(&c, "\n  user: ");
    yq(&c, cfg->pg_user);
    podc_buf_puts(&c, "\n  ssl_mode: disable\n  secretsFile: db-secrets.yaml\n"
                      "  usernameKey: username\n  passwordKey: password\n");
    if (!cfg->skip_redis)
        podc_buf_printf(&c, "redis:\n  addr: %s:6379\n  db: 0\n  secretsFile: redis-secrets.yaml\n"
                            "  passwordKey: password\n",
                        redis);
    podc_buf_puts(&db, "username: ");
    yq(&db, cfg->pg_user);
    podc_buf_puts(&db, "\npassword: ");
    yq(&db, cfg->pg_password);
    podc_buf_puts(&db, "\n");
    podc_buf_puts(&rs, "password: \"\"\n");

    int rc = 0;
    if (!c.data || !db.data || !rs.data)
        rc = podc_error_oom(err);
    const podc_buf *contents[] = { &c, &db, &rs };
    for (int i = 0; rc == 0 && i < 3; i++)
        rc = write_file(dir, files[i], contents[i], err);
    podc_buf_free(&c);
    podc_buf_free(&db);
    podc_buf_free(&rs);
    return rc;
}

void podc_ds_remove_config(const char *dir)
{
    char path[4096];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}
