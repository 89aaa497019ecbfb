/* dsconfig.c - the DataStorage config podc makes when the caller gives no config dir:
 * config.yaml with the stack's container names plus the secrets files the contract describes.
 * They go straight into the prepared (created, not started) container through the archive
 * API: no copy of the secrets ever lands on the host's disk. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "core/tar-mem.h"
#include "datastorage/ds-private.h"
#include "podc/copy.h"

static const char *const files[] = { "config.yaml", "db-secrets.yaml", "redis-secrets.yaml" };

/* YAML double-quoted scalar: enough escaping for passwords with quotes or backslashes. */
static void yq(pdc_buf *b, const char *s)
{
    pdc_buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            pdc_buf_printf(b, "\\%c", *s);
        else
            pdc_buf_append(b, s, 1);
    }
    pdc_buf_puts(b, "\"");
}

int pdc_ds_copy_config(podc_client *c, const podc_ds_config *cfg, const char *container, podc_error **err)
{
    char pg[DS_NAME_MAX], redis[DS_NAME_MAX];
    pdc_ds_names(cfg->service, NULL, pg, redis, NULL, sizeof pg);

    pdc_buf conf = PODC_BUF_INIT, db = PODC_BUF_INIT, rs = PODC_BUF_INIT;
    pdc_buf_puts(&conf, "# written by podc for the DataStorage test stack\n"
                      "server:\n  port: 8080\n  healthPort: 8081\n  metricsPort: 9090\n  host: \"0.0.0.0\"\n"
                      "database:\n  host: ");
    pdc_buf_printf(&conf, "%s\n  port: 5432\n  name: ", pg);
    yq(&conf, cfg->pg_db);
    pdc_buf_puts(&conf, "\n  user: ");
    yq(&conf, cfg->pg_user);
    pdc_buf_puts(&conf, "\n  ssl_mode: disable\n  secretsFile: db-secrets.yaml\n"
                      "  usernameKey: username\n  passwordKey: password\n");
    if (!cfg->skip_redis)
        pdc_buf_printf(&conf, "redis:\n  addr: %s:6379\n  db: 0\n  secretsFile: redis-secrets.yaml\n"
                            "  passwordKey: password\n",
                        redis);
    pdc_buf_puts(&db, "username: ");
    yq(&db, cfg->pg_user);
    pdc_buf_puts(&db, "\npassword: ");
    yq(&db, cfg->pg_password);
    pdc_buf_puts(&db, "\n");
    pdc_buf_puts(&rs, "password: \"\"\n");

    /* one upload for the three files: podman re-executes itself a few times per upload
     * (tar-mem.h). 0644 inside the container: DataStorage may run as any user there, and the
     * container's files are only reachable through podman's storage, which is root's (or the
     * user's) alone. */
    pdc_buf *contents[] = { &conf, &db, &rs };
    pdc_buf tar = PODC_BUF_INIT;
    int rc = 0;
    if (!conf.data || !db.data || !rs.data)
        rc = pdc_error_oom(err);
    if (rc == 0) {
        pdc_tar_file f[3];
        for (int i = 0; i < 3; i++)
            f[i] = (pdc_tar_file){ files[i], contents[i]->data, contents[i]->len, 0644 };
        if (pdc_tar_files(f, 3, &tar) < 0)
            rc = pdc_error_oom(err);
    }
    if (rc == 0)
        rc = podc_copy_put_tar(c, container, PODC_DS_CONFIG_MOUNT, tar.data, tar.len, err);
    pdc_buf *secret[] = { &conf, &db, &rs, &tar };
    for (int i = 0; i < 4; i++) {
        if (secret[i]->data)
            explicit_bzero(secret[i]->data, secret[i]->len);
        pdc_buf_free(secret[i]);
    }
    return rc;
}
