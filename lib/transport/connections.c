/* connections.c - named connections as podman finds them. containers.conf is TOML; only
 * string keys of [engine] and [engine.service_destinations.NAME] matter here, so a small
 * line reader does: other keys, arrays and tables are skipped. Later files override earlier
 * ones key by key, as in containers/common. */
#include "config.h"

#include "transport/connections.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error-private.h"
#include "core/file.h"
#include "core/json.h"

#define MAX_FILE (1024 * 1024)

typedef struct conf {
    char *active;   /* [engine] active_service */
    char *uri, *identity; /* of the connection looked up */
    const char *want;     /* the connection's name, or NULL */
    pdc_buf read;         /* the files read, for errors */
} conf;

static char *slurp(const char *path)
{
    char *text = NULL;
    return pdc_file_read(path, MAX_FILE, 0, &text, NULL) == 0 ? text : NULL;
}

/* A TOML basic ("...") or literal ('...') string at *p: new, or NULL. */
static char *toml_string(const char *p)
{
    char q = *p;
    if (q != '"' && q != '\'')
        return NULL;
    pdc_buf b = PODC_BUF_INIT;
    for (p++; *p && *p != q && *p != '\n'; p++) {
        char c = *p;
        if (q == '"' && c == '\\' && p[1]) {
            p++;
            c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
        }
        if (pdc_buf_append(&b, &c, 1) < 0) {
            pdc_buf_free(&b);
            return NULL;
        }
    }
    if (*p != q) {
        pdc_buf_free(&b);
        return NULL;
    }
    if (!b.data)
        pdc_buf_puts(&b, "");
    return pdc_buf_detach(&b);
}

/* Keys under a table podc does not read: an array of tables ("[[x]]"), a malformed header. */
#define IGNORED_TABLE "\x1e"

/* "[engine.service_destinations.\"my conn\"]" -> its dotted parts joined by '\x1f'; NULL for
 * a header that does not close (an open quote, no ']'). */
static char *table_name(const char *p)
{
    pdc_buf b = PODC_BUF_INIT;
    p++; /* '[' */
    while (*p && *p != ']' && *p != '\n') {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '"' || *p == '\'') {
            char *s = toml_string(p);
            if (!s) {
                pdc_buf_free(&b);
                return NULL;
            }
            pdc_buf_puts(&b, s);
            char q = *p;
            for (p++; *p && *p != q; p++)
                if (q == '"' && *p == '\\' && p[1])
                    p++;
            if (*p)
                p++;
            free(s);
        } else {
            while (*p && *p != '.' && *p != ']' && *p != ' ' && *p != '\t')
                pdc_buf_append(&b, p++, 1);
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '.') {
            pdc_buf_puts(&b, "\x1f");
            p++;
        }
    }
    if (*p != ']') {
        pdc_buf_free(&b);
        return NULL;
    }
    if (!b.data)
        pdc_buf_puts(&b, "");
    return pdc_buf_detach(&b);
}

static void set(char **slot, char *v)
{
    free(*slot);
    *slot = v;
}

/* One file's text (split into lines in place): see pdc_connections_conf_read. */
static void parse_conf(conf *c, char *text)
{
    char *table = strdup("");
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (p[0] == '[') {
            char *name = p[1] == '[' ? NULL : table_name(p);
            set(&table, name ? name : strdup(IGNORED_TABLE));
        } else if (*p && *p != '#' && table) {
            size_t kl = strcspn(p, " \t=");
            char *eq = strchr(p, '=');
            if (eq && kl && kl <= (size_t)(eq - p)) {
                char *v = eq + 1;
                while (*v == ' ' || *v == '\t')
                    v++;
                char *val = toml_string(v);
                if (val && strcmp(table, "engine") == 0 && kl == 14 && strncmp(p, "active_service", 14) == 0) {
                    set(&c->active, val);
                    val = NULL;
                } else if (val && c->want && strncmp(table, "engine\x1fservice_destinations\x1f", 28) == 0 &&
                           strcmp(table + 28, c->want) == 0) {
                    if (kl == 3 && strncmp(p, "uri", 3) == 0) {
                        set(&c->uri, val);
                        val = NULL;
                    } else if (kl == 8 && strncmp(p, "identity", 8) == 0) {
                        set(&c->identity, val);
                        val = NULL;
                    }
                }
                free(val);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    free(table);
}

void pdc_connections_conf_read(char *text, const char *name, char **active, char **uri, char **identity)
{
    conf c = { .active = *active, .uri = *uri, .identity = *identity, .want = name };
    parse_conf(&c, text);
    *active = c.active;
    *uri = c.uri;
    *identity = c.identity;
}

static void read_conf(conf *c, const char *path)
{
    char *text = slurp(path);
    if (!text)
        return;
    if (c->read.len)
        pdc_buf_puts(&c->read, ", ");
    pdc_buf_puts(&c->read, path);
    pdc_connections_conf_read(text, c->want, &c->active, &c->uri, &c->identity);
    free(text);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir/ *.conf in lexical order, as containers/common reads drop-ins. */
static void read_dropins(conf *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 256) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".conf") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (names[i]) {
            pdc_buf p = PODC_BUF_INIT;
            if (pdc_buf_printf(&p, "%s/%s", dir, names[i]) == 0)
                read_conf(c, p.data);
            pdc_buf_free(&p);
        }
        free(names[i]);
    }
}

static char *config_home(const char *rel)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    pdc_buf b = PODC_BUF_INIT;
    if (xdg && *xdg)
        pdc_buf_printf(&b, "%s/%s", xdg, rel);
    else if (home && *home)
        pdc_buf_printf(&b, "%s/.config/%s", home, rel);
    return pdc_buf_detach(&b);
}

/* Every containers.conf podman reads, in its order. */
static void read_all_conf(conf *c)
{
    const char *env = getenv("CONTAINERS_CONF");
    if (env && *env) { /* then podman reads only that file */
        read_conf(c, env);
        return;
    }
    read_conf(c, "/usr/share/containers/containers.conf");
    read_conf(c, "/etc/containers/containers.conf");
    read_dropins(c, "/etc/containers/containers.conf.d");
    char *user = config_home("containers/containers.conf");
    if (user)
        read_conf(c, user);
    free(user);
    char *udir = config_home("containers/containers.conf.d");
    if (udir)
        read_dropins(c, udir);
    free(udir);
}

/* podman 5: {"Connection": {"Default": "name", "Connections": {"name": {"URI", "Identity"}}}} */
static yajl_val read_json(pdc_buf *read)
{
    char *path = config_home("containers/podman-connections.json");
    char *text = path ? slurp(path) : NULL;
    yajl_val v = text ? pdc_json_parse(text, NULL, 0) : NULL;
    if (text) {
        if (read->len)
            pdc_buf_puts(read, ", ");
        pdc_buf_puts(read, path);
    }
    free(text);
    free(path);
    return v;
}

int pdc_connection_lookup(const char *name, char **uri, char **identity, podc_error **err)
{
    *uri = *identity = NULL;
    conf c = { .want = name, .read = PODC_BUF_INIT };
    yajl_val j = read_json(&c.read);
    const char *ju = pdc_json_str(j, "Connection", "Connections", name, "URI", NULL);
    if (ju) {
        const char *ji = pdc_json_str(j, "Connection", "Connections", name, "Identity", NULL);
        *uri = strdup(ju);
        *identity = ji && *ji ? strdup(ji) : NULL;
    } else {
        read_all_conf(&c);
        *uri = c.uri;
        *identity = c.identity && *c.identity ? c.identity : NULL;
        if (!*identity)
            free(c.identity);
        c.uri = c.identity = NULL;
    }
    pdc_json_free(j);
    free(c.active);
    int rc = 0;
    if (!*uri) {
        podc_error *e = pdc_error_new(PODC_ENOTFOUND, "no podman connection named \"%s\" (read: %s)", name,
                                      c.read.len ? c.read.data : "no containers.conf or podman-connections.json");
        pdc_error_add_detail(e, "connection", name);
        free(*identity);
        *identity = NULL;
        rc = pdc_error_put(err, e);
    }
    pdc_buf_free(&c.read);
    return rc;
}

int pdc_connection_default(char **name, podc_error **err)
{
    *name = NULL;
    conf c = { .read = PODC_BUF_INIT };
    yajl_val j = read_json(&c.read);
    const char *jd = pdc_json_str(j, "Connection", "Default", NULL);
    if (jd && *jd) {
        *name = strdup(jd);
    } else {
        read_all_conf(&c);
        if (c.active && *c.active) {
            *name = c.active;
            c.active = NULL;
        }
    }
    int oom = (jd && *jd && !*name);
    pdc_json_free(j);
    free(c.active);
    pdc_buf_free(&c.read);
    return oom ? pdc_error_oom(err) : 0;
}
