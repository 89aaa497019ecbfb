/* container-spec.c - the container spec builder, its validation, and its libpod
 * SpecGenerator JSON (POST /libpod/containers/create). */
#include "config.h"

#include "api/container-spec.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error-private.h"
#include "core/json.h"
#include "core/strlist.h"
#include "core/validate.h"

enum mount_kind { MOUNT_BIND, MOUNT_VOLUME, MOUNT_TMPFS };

typedef struct spec_port {
    int container_port, host_port;
    char *protocol; /* NULL = tcp */
    char *host_ip;  /* NULL = all */
} spec_port;

typedef struct spec_net {
    char *name;
    pdc_strv aliases;
} spec_net;

typedef struct spec_mount {
    enum mount_kind kind;
    char *source; /* bind: host path; volume: name ("" = anonymous); tmpfs: NULL */
    char *dest;
    pdc_strv options;
} spec_mount;

typedef struct spec_rlimit {
    char *type; /* lower case, no RLIMIT_ prefix: podman adds it */
    uint64_t soft, hard;
} spec_rlimit;

struct podc_container_spec {
    char *name, *image, *user, *workdir, *hostname, *stop_signal;
    int has_command, has_entrypoint;
    pdc_strv command, entrypoint;
    pdc_kvlist env, labels, hosts;
    spec_port *ports;
    size_t nports, cap_ports;
    spec_net *nets;
    size_t nnets, cap_nets;
    spec_mount *mounts;
    size_t nmounts, cap_mounts;
    spec_rlimit *rlimits;
    size_t nrlimits, cap_rlimits;
    int has_stop_timeout;
    int64_t stop_timeout_ms;
    int64_t memory_limit; /* bytes; 0 = none */
    pdc_strv health_test; /* "CMD"/"CMD-SHELL" first; empty = no health check */
    int has_health_timing;
    int64_t hc_interval_ms, hc_timeout_ms, hc_start_ms;
    int hc_retries;
};

/* Defaults of `podman run --health-*`; the API itself has none. */
#define HC_DEFAULT_INTERVAL_MS 30000
#define HC_DEFAULT_TIMEOUT_MS 30000
#define HC_DEFAULT_START_MS 0
#define HC_DEFAULT_RETRIES 3

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return PODC_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

static int set_str(char **slot, const char *val)
{
    char *copy = strdup(val);
    if (!copy)
        return PODC_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

static char *dup_opt(const char *s, int *failed)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c)
        *failed = 1;
    return c;
}

podc_container_spec *podc_container_spec_new(void)
{
    podc_container_spec *s = calloc(1, sizeof *s);
    if (s) {
        s->hc_interval_ms = HC_DEFAULT_INTERVAL_MS;
        s->hc_timeout_ms = HC_DEFAULT_TIMEOUT_MS;
        s->hc_start_ms = HC_DEFAULT_START_MS;
        s->hc_retries = HC_DEFAULT_RETRIES;
    }
    return s;
}

void podc_container_spec_free(podc_container_spec *s)
{
    if (!s)
        return;
    free(s->name);
    free(s->image);
    free(s->user);
    free(s->workdir);
    free(s->hostname);
    free(s->stop_signal);
    pdc_strv_clear(&s->command);
    pdc_strv_clear(&s->entrypoint);
    pdc_kvlist_clear(&s->env);
    pdc_kvlist_clear(&s->labels);
    pdc_kvlist_clear(&s->hosts);
    for (size_t i = 0; i < s->nports; i++) {
        free(s->ports[i].protocol);
        free(s->ports[i].host_ip);
    }
    free(s->ports);
    for (size_t i = 0; i < s->nnets; i++) {
        free(s->nets[i].name);
        pdc_strv_clear(&s->nets[i].aliases);
    }
    free(s->nets);
    for (size_t i = 0; i < s->nmounts; i++) {
        free(s->mounts[i].source);
        free(s->mounts[i].dest);
        pdc_strv_clear(&s->mounts[i].options);
    }
    free(s->mounts);
    for (size_t i = 0; i < s->nrlimits; i++)
        free(s->rlimits[i].type);
    free(s->rlimits);
    pdc_strv_clear(&s->health_test);
    free(s);
}

const char *pdc_container_spec_get_name(const podc_container_spec *s)
{
    return s ? s->name : NULL;
}

const pdc_kvlist *pdc_container_spec_labels(const podc_container_spec *s) { return &s->labels; }
int64_t pdc_container_spec_memory_limit(const podc_container_spec *s) { return s->memory_limit; }
size_t pdc_container_spec_mount_count(const podc_container_spec *s) { return s->nmounts; }

const char *pdc_container_spec_mount_at(const podc_container_spec *s, size_t i, const char **source, int *is_bind)
{
    *source = s->mounts[i].source;
    *is_bind = s->mounts[i].kind == MOUNT_BIND;
    return s->mounts[i].dest;
}

static int copy_kv(pdc_kvlist *to, const pdc_kvlist *from)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < from->n; i++)
        rc = pdc_kvlist_set(to, from->keys[i], from->vals[i]);
    return rc;
}

static int copy_strv(pdc_strv *to, const pdc_strv *from)
{
    return from->n ? pdc_strv_set(to, (const char *const *)from->v, from->n) : 0;
}

podc_container_spec *pdc_container_spec_clone(const podc_container_spec *s)
{
    podc_container_spec *c = podc_container_spec_new();
    if (!c)
        return NULL;
    int failed = 0;
    c->name = dup_opt(s->name, &failed);
    c->image = dup_opt(s->image, &failed);
    c->user = dup_opt(s->user, &failed);
    c->workdir = dup_opt(s->workdir, &failed);
    c->hostname = dup_opt(s->hostname, &failed);
    c->stop_signal = dup_opt(s->stop_signal, &failed);
    c->has_command = s->has_command;
    c->has_entrypoint = s->has_entrypoint;
    c->has_stop_timeout = s->has_stop_timeout;
    c->stop_timeout_ms = s->stop_timeout_ms;
    c->memory_limit = s->memory_limit;
    c->has_health_timing = s->has_health_timing;
    c->hc_interval_ms = s->hc_interval_ms;
    c->hc_timeout_ms = s->hc_timeout_ms;
    c->hc_start_ms = s->hc_start_ms;
    c->hc_retries = s->hc_retries;
    failed |= copy_strv(&c->command, &s->command) || copy_strv(&c->entrypoint, &s->entrypoint) ||
              copy_strv(&c->health_test, &s->health_test) || copy_kv(&c->env, &s->env) ||
              copy_kv(&c->labels, &s->labels) || copy_kv(&c->hosts, &s->hosts) ||
              grow((void **)&c->ports, &c->cap_ports, s->nports, sizeof *c->ports) ||
              grow((void **)&c->nets, &c->cap_nets, s->nnets, sizeof *c->nets) ||
              grow((void **)&c->mounts, &c->cap_mounts, s->nmounts, sizeof *c->mounts) ||
              grow((void **)&c->rlimits, &c->cap_rlimits, s->nrlimits, sizeof *c->rlimits);
    for (size_t i = 0; !failed && i < s->nports; i++, c->nports++) {
        c->ports[i] = s->ports[i];
        c->ports[i].protocol = dup_opt(s->ports[i].protocol, &failed);
        c->ports[i].host_ip = dup_opt(s->ports[i].host_ip, &failed);
    }
    for (size_t i = 0; !failed && i < s->nnets; i++, c->nnets++) {
        c->nets[i] = (spec_net){ .name = dup_opt(s->nets[i].name, &failed) };
        failed |= copy_strv(&c->nets[i].aliases, &s->nets[i].aliases);
    }
    for (size_t i = 0; !failed && i < s->nmounts; i++, c->nmounts++) {
        c->mounts[i] = (spec_mount){ .kind = s->mounts[i].kind, .source = dup_opt(s->mounts[i].source, &failed),
                                     .dest = dup_opt(s->mounts[i].dest, &failed) };
        failed |= copy_strv(&c->mounts[i].options, &s->mounts[i].options);
    }
    for (size_t i = 0; !failed && i < s->nrlimits; i++, c->nrlimits++) {
        c->rlimits[i] = s->rlimits[i];
        c->rlimits[i].type = dup_opt(s->rlimits[i].type, &failed);
    }
    if (failed) {
        podc_container_spec_free(c);
        return NULL;
    }
    return c;
}

/* ---- setters ------------------------------------------------------------------------- */

int podc_container_spec_set_name(podc_container_spec *s, const char *name, podc_error **err)
{
    return pdc_setter_result(err, __func__, (s && name) ? set_str(&s->name, name) : PODC_EINVAL);
}

int podc_container_spec_set_image(podc_container_spec *s, const char *image, podc_error **err)
{
    return pdc_setter_result(err, __func__, (s && image) ? set_str(&s->image, image) : PODC_EINVAL);
}

/* NULL clears (the image's again) */
static int set_or_clear(char **slot, const char *val)
{
    if (val)
        return set_str(slot, val);
    free(*slot);
    *slot = NULL;
    return 0;
}

int podc_container_spec_set_user(podc_container_spec *s, const char *user, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? set_or_clear(&s->user, user) : PODC_EINVAL);
}

int podc_container_spec_set_workdir(podc_container_spec *s, const char *dir, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? set_or_clear(&s->workdir, dir) : PODC_EINVAL);
}

int podc_container_spec_set_hostname(podc_container_spec *s, const char *hostname, podc_error **err)
{
    return pdc_setter_result(err, __func__, (s && hostname) ? set_str(&s->hostname, hostname) : PODC_EINVAL);
}

int podc_container_spec_set_stop_signal(podc_container_spec *s, const char *signal, podc_error **err)
{
    return pdc_setter_result(err, __func__, (s && signal) ? set_str(&s->stop_signal, signal) : PODC_EINVAL);
}

int podc_container_spec_set_command(podc_container_spec *s, const char *const *argv, size_t argc, podc_error **err)
{
    if (!s || argc == 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    int rc = pdc_strv_set(&s->command, argv, argc);
    if (rc == 0)
        s->has_command = 1;
    return pdc_setter_result(err, __func__, rc);
}

int podc_container_spec_set_entrypoint(podc_container_spec *s, const char *const *argv, size_t argc, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    int rc = pdc_strv_set(&s->entrypoint, argv, argc);
    if (rc == 0)
        s->has_entrypoint = 1;
    return pdc_setter_result(err, __func__, rc);
}

int podc_container_spec_add_env(podc_container_spec *s, const char *key, const char *value, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? pdc_kvlist_set(&s->env, key, value) : PODC_EINVAL);
}

int podc_container_spec_add_label(podc_container_spec *s, const char *key, const char *value, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? pdc_kvlist_set(&s->labels, key, value) : PODC_EINVAL);
}

int podc_container_spec_add_host(podc_container_spec *s, const char *hostname, const char *ip, podc_error **err)
{
    return pdc_setter_result(err, __func__, s ? pdc_kvlist_set(&s->hosts, hostname, ip) : PODC_EINVAL);
}

int podc_container_spec_add_port(podc_container_spec *s, int container_port, int host_port, const char *protocol,
                                 const char *host_ip, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    if (grow((void **)&s->ports, &s->cap_ports, s->nports + 1, sizeof *s->ports) < 0)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    int failed = 0;
    spec_port p = { container_port, host_port, dup_opt(protocol, &failed), dup_opt(host_ip, &failed) };
    if (failed) {
        free(p.protocol);
        free(p.host_ip);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    s->ports[s->nports++] = p;
    return 0;
}

int podc_container_spec_add_network(podc_container_spec *s, const char *network, const char *const *aliases,
                                    size_t n_aliases, podc_error **err)
{
    if (!s || !network || (n_aliases && !aliases))
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    pdc_strv al = PODC_STRV_INIT;
    int rc = pdc_strv_set(&al, aliases, n_aliases);
    if (rc < 0)
        return pdc_setter_result(err, __func__, rc);
    for (size_t i = 0; i < s->nnets; i++) { /* the same network again replaces its aliases */
        if (strcmp(s->nets[i].name, network) == 0) {
            pdc_strv_clear(&s->nets[i].aliases);
            s->nets[i].aliases = al;
            return 0;
        }
    }
    char *name = strdup(network);
    if (!name || grow((void **)&s->nets, &s->cap_nets, s->nnets + 1, sizeof *s->nets) < 0) {
        free(name);
        pdc_strv_clear(&al);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    s->nets[s->nnets].name = name;
    s->nets[s->nnets].aliases = al;
    s->nnets++;
    return 0;
}

static int add_mount(podc_container_spec *s, enum mount_kind kind, const char *source, const char *dest,
                     const char *const *options, size_t n_options)
{
    if (!s || !dest || (n_options && !options))
        return PODC_EINVAL;
    spec_mount m = { .kind = kind };
    int failed = 0;
    m.source = dup_opt(source, &failed);
    m.dest = dup_opt(dest, &failed);
    int rc = failed ? PODC_ENOMEM : pdc_strv_set(&m.options, options, n_options);
    if (rc == 0)
        rc = grow((void **)&s->mounts, &s->cap_mounts, s->nmounts + 1, sizeof *s->mounts);
    if (rc < 0) {
        free(m.source);
        free(m.dest);
        pdc_strv_clear(&m.options);
        return rc;
    }
    s->mounts[s->nmounts++] = m;
    return 0;
}

int podc_container_spec_add_bind_mount(podc_container_spec *s, const char *source, const char *destination,
                                       const char *const *options, size_t n_options, podc_error **err)
{
    if (!source)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    return pdc_setter_result(err, __func__, add_mount(s, MOUNT_BIND, source, destination, options, n_options));
}

int podc_container_spec_add_volume(podc_container_spec *s, const char *name, const char *destination,
                                   const char *const *options, size_t n_options, podc_error **err)
{
    return pdc_setter_result(err, __func__,
                             add_mount(s, MOUNT_VOLUME, name ? name : "", destination, options, n_options));
}

int podc_container_spec_add_tmpfs(podc_container_spec *s, const char *destination, const char *const *options,
                                  size_t n_options, podc_error **err)
{
    return pdc_setter_result(err, __func__, add_mount(s, MOUNT_TMPFS, NULL, destination, options, n_options));
}

int podc_container_spec_set_stop_timeout(podc_container_spec *s, int64_t timeout_ms, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    s->has_stop_timeout = 1;
    s->stop_timeout_ms = timeout_ms;
    return 0;
}

int podc_container_spec_set_memory_limit(podc_container_spec *s, int64_t bytes, podc_error **err)
{
    if (!s || bytes < 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    s->memory_limit = bytes;
    return 0;
}

int podc_container_spec_set_healthcheck_cmd(podc_container_spec *s, const char *const *argv, size_t argc,
                                            podc_error **err)
{
    if (!s || !argv || argc == 0)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    pdc_strv t = PODC_STRV_INIT;
    int rc = pdc_strv_push(&t, "CMD");
    for (size_t i = 0; rc == 0 && i < argc; i++)
        rc = pdc_strv_push(&t, argv[i]);
    if (rc < 0) {
        pdc_strv_clear(&t);
        return pdc_setter_result(err, __func__, rc);
    }
    pdc_strv_clear(&s->health_test);
    s->health_test = t;
    return 0;
}

int podc_container_spec_set_healthcheck_shell(podc_container_spec *s, const char *command, podc_error **err)
{
    if (!s || !command)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    const char *argv[] = { "CMD-SHELL", command };
    return pdc_setter_result(err, __func__, pdc_strv_set(&s->health_test, argv, 2));
}

int podc_container_spec_set_healthcheck_timing(podc_container_spec *s, int64_t interval_ms, int64_t timeout_ms,
                                               int64_t start_period_ms, int retries, podc_error **err)
{
    if (!s)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    s->has_health_timing = 1;
    s->hc_interval_ms = interval_ms < 0 ? HC_DEFAULT_INTERVAL_MS : interval_ms;
    s->hc_timeout_ms = timeout_ms < 0 ? HC_DEFAULT_TIMEOUT_MS : timeout_ms;
    s->hc_start_ms = start_period_ms < 0 ? HC_DEFAULT_START_MS : start_period_ms;
    s->hc_retries = retries < 0 ? HC_DEFAULT_RETRIES : retries;
    return 0;
}

int podc_container_spec_add_rlimit(podc_container_spec *s, const char *type, uint64_t soft, uint64_t hard,
                                   podc_error **err)
{
    if (!s || !type)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    if (strncasecmp(type, "RLIMIT_", 7) == 0)
        type += 7;
    char *t = strdup(type);
    if (!t)
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    for (char *p = t; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; i < s->nrlimits; i++) {
        if (strcmp(s->rlimits[i].type, t) == 0) {
            free(t);
            s->rlimits[i].soft = soft;
            s->rlimits[i].hard = hard;
            return 0;
        }
    }
    if (grow((void **)&s->rlimits, &s->cap_rlimits, s->nrlimits + 1, sizeof *s->rlimits) < 0) {
        free(t);
        return pdc_setter_result(err, __func__, PODC_ENOMEM);
    }
    s->rlimits[s->nrlimits++] = (spec_rlimit){ t, soft, hard };
    return 0;
}

/* ---- signals ------------------------------------------------------------------------- */

static const struct {
    const char *name;
    int num;
} signals[] = {
    { "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
    { "TRAP", SIGTRAP },   { "ABRT", SIGABRT },     { "IOT", SIGIOT },     { "BUS", SIGBUS },
    { "FPE", SIGFPE },     { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
    { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
    { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CONT", SIGCONT },   { "STOP", SIGSTOP },
    { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },
    { "XCPU", SIGXCPU },   { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
    { "WINCH", SIGWINCH }, { "IO", SIGIO },         { "POLL", SIGPOLL },   { "PWR", SIGPWR },
    { "SYS", SIGSYS },
};

int pdc_signal_parse(const char *s)
{
    if (!s || !*s)
        return -1;
    if (isdigit((unsigned char)s[0])) {
        char *end;
        long n = strtol(s, &end, 10);
        return (*end || n < 1 || n > 64) ? -1 : (int)n;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (strcasecmp(s, signals[i].name) == 0)
            return signals[i].num;
    return -1;
}

/* ---- validation ---------------------------------------------------------------------- */

static int has_space(const char *s)
{
    for (; *s; s++)
        if (isspace((unsigned char)*s) || iscntrl((unsigned char)*s))
            return 1;
    return 0;
}

static int valid_protocol(const char *p)
{
    /* "tcp", "udp", "sctp", or a comma list of them */
    while (*p) {
        size_t n = strcspn(p, ",");
        if (!((n == 3 && strncmp(p, "tcp", 3) == 0) || (n == 3 && strncmp(p, "udp", 3) == 0) ||
              (n == 4 && strncmp(p, "sctp", 4) == 0)))
            return 0;
        p += n;
        if (*p == ',' && !*++p)
            return 0;
    }
    return 1;
}

static int valid_hostname(const char *h)
{
    if (!*h || strlen(h) > 253)
        return 0;
    for (const char *p = h; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
            return 0;
    return 1;
}

static const char *const rlimit_types[] = { "as",     "core",   "cpu",     "data",   "fsize",
                                            "locks",  "memlock", "msgqueue", "nice", "nofile",
                                            "nproc",  "rss",    "rtprio",  "rttime", "sigpending",
                                            "stack",  NULL };

static int known_rlimit(const char *t)
{
    for (size_t i = 0; rlimit_types[i]; i++)
        if (strcmp(t, rlimit_types[i]) == 0)
            return 1;
    return 0;
}

static int check_options(const char *field, const pdc_strv *o, podc_error **err)
{
    for (size_t i = 0; i < o->n; i++)
        if (!*o->v[i] || strchr(o->v[i], ',') || has_space(o->v[i]))
            return pdc_error_invalid(err, field, "%s option \"%s\": must be one non-empty word (no ',' or spaces)",
                                     field, o->v[i]);
    return 0;
}

static int is_host_gateway_entry(const char *host, const char *ip)
{
    return strcmp(ip, "host-gateway") == 0 && strcmp(host, "host.containers.internal") == 0;
}

int podc_container_spec_validate(const podc_container_spec *s, podc_error **err)
{
    if (!s)
        return pdc_error_invalid(err, "spec", "spec is NULL");
    if (pdc_validate_image("image", s->image, err) < 0)
        return PODC_EINVAL;
    if (s->name && pdc_validate_name("name", s->name, err) < 0)
        return PODC_EINVAL;
    if (s->has_command && (s->command.n == 0 || !*s->command.v[0]))
        return pdc_error_invalid(err, "command", "command: the program (argv[0]) is empty");
    for (size_t i = 0; i < s->env.n; i++)
        if (pdc_validate_env_key("env", s->env.keys[i], err) < 0)
            return PODC_EINVAL;
    for (size_t i = 0; i < s->labels.n; i++)
        if (!*s->labels.keys[i])
            return pdc_error_invalid(err, "labels", "labels: empty label key");

    for (size_t i = 0; i < s->nports; i++) {
        const spec_port *p = &s->ports[i];
        if (pdc_validate_port("ports.container_port", p->container_port, 0, err) < 0 ||
            pdc_validate_port("ports.host_port", p->host_port, 1, err) < 0)
            return PODC_EINVAL;
        if (p->protocol && !valid_protocol(p->protocol))
            return pdc_error_invalid(err, "ports.protocol",
                                     "ports.protocol \"%s\": expected tcp, udp, sctp or a comma list of them",
                                     p->protocol);
        if (p->host_ip && (!*p->host_ip || has_space(p->host_ip)))
            return pdc_error_invalid(err, "ports.host_ip", "ports.host_ip \"%s\": not an address", p->host_ip);
    }

    for (size_t i = 0; i < s->nnets; i++) {
        if (pdc_validate_name("networks", s->nets[i].name, err) < 0)
            return PODC_EINVAL;
        for (size_t k = 0; k < s->nets[i].aliases.n; k++)
            if (pdc_validate_name("networks.aliases", s->nets[i].aliases.v[k], err) < 0)
                return PODC_EINVAL;
    }

    for (size_t i = 0; i < s->nmounts; i++) {
        const spec_mount *m = &s->mounts[i];
        static const char *const fields[] = { "mounts.bind", "volumes", "mounts.tmpfs" };
        const char *field = fields[m->kind];
        if (m->dest[0] != '/')
            return pdc_error_invalid(err, field, "%s destination \"%s\": must be an absolute path", field, m->dest);
        if (m->kind == MOUNT_BIND && m->source[0] != '/')
            return pdc_error_invalid(err, field,
                                     "%s source \"%s\": must be an absolute path (podman would resolve a "
                                      "relative one against the service's working directory)",
                                      field, m->source);
        if (m->kind == MOUNT_VOLUME && *m->source && pdc_validate_name(field, m->source, err) < 0)
            return PODC_EINVAL;
        if (check_options(field, &m->options, err) < 0)
            return PODC_EINVAL;
    }

    for (size_t i = 0; i < s->hosts.n; i++) {
        const char *h = s->hosts.keys[i], *ip = s->hosts.vals[i];
        if (!valid_hostname(h))
            return pdc_error_invalid(err, "hosts", "hosts: \"%s\" is not a host name", h);
        if (!*ip || has_space(ip))
            return pdc_error_invalid(err, "hosts", "hosts %s: \"%s\" is not an address", h, ip);
        if (strcmp(ip, "host-gateway") == 0 && !is_host_gateway_entry(h, ip))
            return pdc_error_invalid(err, "hosts",
                                     "hosts %s: podman 4.3 does not resolve \"host-gateway\" (it would write the "
                                      "word into /etc/hosts); use host.containers.internal, which podman adds itself",
                                      h);
    }

    if (s->user && (!*s->user || has_space(s->user)))
        return pdc_error_invalid(err, "user", "user \"%s\": expected uid[:gid] or name[:group]", s->user);
    if (s->workdir && s->workdir[0] != '/')
        return pdc_error_invalid(err, "workdir", "workdir \"%s\": must be an absolute path", s->workdir);
    if (s->hostname && !valid_hostname(s->hostname))
        return pdc_error_invalid(err, "hostname", "hostname \"%s\": only letters, digits, '-', '.' and '_'",
                                 s->hostname);
    if (s->stop_signal && pdc_signal_parse(s->stop_signal) < 0)
        return pdc_error_invalid(err, "stop_signal", "stop_signal \"%s\": unknown signal", s->stop_signal);
    if (s->has_stop_timeout && s->stop_timeout_ms < 0)
        return pdc_error_invalid(err, "stop_timeout", "stop_timeout: must not be negative");

    if (s->has_health_timing && s->health_test.n == 0)
        return pdc_error_invalid(err, "healthcheck", "healthcheck: timing set but no check command");
    if (s->health_test.n) {
        if (!*s->health_test.v[1])
            return pdc_error_invalid(err, "healthcheck", "healthcheck: the check command is empty");
        if (s->hc_interval_ms <= 0 || s->hc_timeout_ms <= 0)
            return pdc_error_invalid(err, "healthcheck", "healthcheck: interval and timeout must be positive");
        if (s->hc_retries < 1)
            return pdc_error_invalid(err, "healthcheck", "healthcheck: retries must be at least 1");
    }

    int nofile = 0, nproc = 0;
    for (size_t i = 0; i < s->nrlimits; i++) {
        const spec_rlimit *r = &s->rlimits[i];
        if (!known_rlimit(r->type))
            return pdc_error_invalid(err, "rlimits", "rlimits: unknown type \"%s\"", r->type);
        if (r->soft > r->hard)
            return pdc_error_invalid(err, "rlimits", "rlimits %s: soft limit %llu above hard limit %llu", r->type,
                                     (unsigned long long)r->soft, (unsigned long long)r->hard);
        nofile |= strcmp(r->type, "nofile") == 0;
        nproc |= strcmp(r->type, "nproc") == 0;
    }
    if (s->nrlimits && !(nofile && nproc))
        return pdc_error_invalid(err, "rlimits",
                                 "rlimits: set both nofile and nproc: per-container limits replace the service's "
                                  "default ulimits, and podman then asks for %s=1048576, which runc cannot set "
                                  "when the host's hard limit is lower (start fails)",
                                  nofile ? "nproc" : "nofile");
    return 0;
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void gen_strv(pdc_jgen *j, const char *key, const pdc_strv *v)
{
    pdc_jgen_str(j, key);
    pdc_jgen_arr_open(j);
    for (size_t i = 0; i < v->n; i++)
        pdc_jgen_str(j, v->v[i]);
    pdc_jgen_arr_close(j);
}

static void gen_map(pdc_jgen *j, const char *key, const pdc_kvlist *kv)
{
    pdc_jgen_str(j, key);
    pdc_jgen_obj_open(j);
    for (size_t i = 0; i < kv->n; i++)
        pdc_jgen_kstr(j, kv->keys[i], kv->vals[i]);
    pdc_jgen_obj_close(j);
}

static void gen_u64(pdc_jgen *j, const char *key, uint64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    pdc_jgen_str(j, key);
    if (!j->failed && yajl_gen_number(j->g, num, (size_t)n) != yajl_gen_status_ok)
        j->failed = 1;
}

static int64_t ms_to_ns(int64_t ms)
{
    return ms * 1000000;
}

static void gen_body(pdc_jgen *j, const podc_container_spec *s)
{
    pdc_jgen_obj_open(j);
    if (s->name)
        pdc_jgen_kstr(j, "name", s->name);
    pdc_jgen_kstr(j, "image", s->image);
    if (s->has_command)
        gen_strv(j, "command", &s->command);
    if (s->has_entrypoint)
        gen_strv(j, "entrypoint", &s->entrypoint);
    if (s->env.n)
        gen_map(j, "env", &s->env); /* a map here (a K=V list gives 500) */
    if (s->labels.n)
        gen_map(j, "labels", &s->labels);

    if (s->nports) {
        pdc_jgen_str(j, "portmappings");
        pdc_jgen_arr_open(j);
        for (size_t i = 0; i < s->nports; i++) {
            const spec_port *p = &s->ports[i];
            pdc_jgen_obj_open(j);
            pdc_jgen_kint(j, "container_port", p->container_port);
            if (p->host_port) /* left out: podman picks a free port */
                pdc_jgen_kint(j, "host_port", p->host_port);
            pdc_jgen_kstr(j, "protocol", p->protocol ? p->protocol : "tcp");
            if (p->host_ip)
                pdc_jgen_kstr(j, "host_ip", p->host_ip);
            pdc_jgen_obj_close(j);
        }
        pdc_jgen_arr_close(j);
    }

    if (s->nnets) {
        pdc_jgen_str(j, "netns");
        pdc_jgen_obj_open(j);
        pdc_jgen_kstr(j, "nsmode", "bridge");
        pdc_jgen_obj_close(j);
        pdc_jgen_str(j, "networks");
        pdc_jgen_obj_open(j);
        for (size_t i = 0; i < s->nnets; i++) {
            pdc_jgen_str(j, s->nets[i].name);
            pdc_jgen_obj_open(j);
            if (s->nets[i].aliases.n)
                gen_strv(j, "aliases", &s->nets[i].aliases);
            pdc_jgen_obj_close(j);
        }
        pdc_jgen_obj_close(j);
    }

    int any_mount = 0, any_volume = 0;
    for (size_t i = 0; i < s->nmounts; i++) {
        any_mount |= s->mounts[i].kind != MOUNT_VOLUME;
        any_volume |= s->mounts[i].kind == MOUNT_VOLUME;
    }
    if (any_mount) {
        pdc_jgen_str(j, "mounts");
        pdc_jgen_arr_open(j);
        for (size_t i = 0; i < s->nmounts; i++) {
            const spec_mount *m = &s->mounts[i];
            if (m->kind == MOUNT_VOLUME)
                continue;
            pdc_jgen_obj_open(j);
            pdc_jgen_kstr(j, "destination", m->dest);
            pdc_jgen_kstr(j, "type", m->kind == MOUNT_BIND ? "bind" : "tmpfs");
            pdc_jgen_kstr(j, "source", m->kind == MOUNT_BIND ? m->source : "tmpfs");
            gen_strv(j, "options", &m->options);
            pdc_jgen_obj_close(j);
        }
        pdc_jgen_arr_close(j);
    }
    if (any_volume) {
        pdc_jgen_str(j, "volumes");
        pdc_jgen_arr_open(j);
        for (size_t i = 0; i < s->nmounts; i++) {
            const spec_mount *m = &s->mounts[i];
            if (m->kind != MOUNT_VOLUME)
                continue;
            pdc_jgen_obj_open(j);
            pdc_jgen_kstr(j, "Name", m->source);
            pdc_jgen_kstr(j, "Dest", m->dest);
            gen_strv(j, "Options", &m->options);
            pdc_jgen_obj_close(j);
        }
        pdc_jgen_arr_close(j);
    }

    size_t nhosts = 0;
    for (size_t i = 0; i < s->hosts.n; i++)
        nhosts += !is_host_gateway_entry(s->hosts.keys[i], s->hosts.vals[i]);
    if (nhosts) {
        /* host.containers.internal:host-gateway is left to podman, which adds it itself */
        pdc_jgen_str(j, "hostadd");
        pdc_jgen_arr_open(j);
        for (size_t i = 0; i < s->hosts.n; i++) {
            if (is_host_gateway_entry(s->hosts.keys[i], s->hosts.vals[i]))
                continue;
            size_t len = strlen(s->hosts.keys[i]) + strlen(s->hosts.vals[i]) + 2;
            char *entry = malloc(len);
            if (!entry) {
                j->failed = 1;
                break;
            }
            snprintf(entry, len, "%s:%s", s->hosts.keys[i], s->hosts.vals[i]);
            pdc_jgen_str(j, entry);
            free(entry);
        }
        pdc_jgen_arr_close(j);
    }

    if (s->user)
        pdc_jgen_kstr(j, "user", s->user);
    if (s->workdir) {
        pdc_jgen_kstr(j, "work_dir", s->workdir);
        pdc_jgen_kbool(j, "create_working_dir", 1); /* else start fails when the image lacks it */
    }
    if (s->hostname)
        pdc_jgen_kstr(j, "hostname", s->hostname);
    if (s->stop_signal)
        pdc_jgen_kint(j, "stop_signal", pdc_signal_parse(s->stop_signal)); /* a number in SpecGenerator */
    if (s->has_stop_timeout)
        pdc_jgen_kint(j, "stop_timeout", (s->stop_timeout_ms + 999) / 1000); /* whole seconds */

    if (s->health_test.n) {
        pdc_jgen_str(j, "healthconfig");
        pdc_jgen_obj_open(j);
        gen_strv(j, "Test", &s->health_test);
        pdc_jgen_kint(j, "Interval", ms_to_ns(s->hc_interval_ms)); /* integer nanoseconds */
        pdc_jgen_kint(j, "Timeout", ms_to_ns(s->hc_timeout_ms));
        pdc_jgen_kint(j, "StartPeriod", ms_to_ns(s->hc_start_ms));
        pdc_jgen_kint(j, "Retries", s->hc_retries);
        pdc_jgen_obj_close(j);
    }

    if (s->memory_limit > 0) {
        /* SpecGenerator: resource_limits is the OCI LinuxResources ({"memory":{"limit":N}}) */
        pdc_jgen_str(j, "resource_limits");
        pdc_jgen_obj_open(j);
        pdc_jgen_str(j, "memory");
        pdc_jgen_obj_open(j);
        pdc_jgen_kint(j, "limit", s->memory_limit);
        pdc_jgen_obj_close(j);
        pdc_jgen_obj_close(j);
    }

    if (s->nrlimits) {
        pdc_jgen_str(j, "r_limits");
        pdc_jgen_arr_open(j);
        for (size_t i = 0; i < s->nrlimits; i++) {
            pdc_jgen_obj_open(j);
            pdc_jgen_kstr(j, "type", s->rlimits[i].type); /* podman prefixes RLIMIT_ itself */
            gen_u64(j, "soft", s->rlimits[i].soft); /* uint64 in podman: "unlimited" is 2^64-1 */
            gen_u64(j, "hard", s->rlimits[i].hard);
            pdc_jgen_obj_close(j);
        }
        pdc_jgen_arr_close(j);
    }
    pdc_jgen_obj_close(j);
}

int podc_container_spec_to_json(const podc_container_spec *s, char **out, podc_error **err)
{
    if (!out)
        return pdc_error_invalid(err, "out", "out is NULL");
    if (podc_container_spec_validate(s, err) < 0)
        return PODC_EINVAL;
    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return pdc_error_oom(err);
    gen_body(&j, s);
    char *json = pdc_jgen_finish(&j, NULL);
    if (!json)
        return pdc_error_oom(err);
    *out = json;
    return 0;
}
