/* container-inspect.c - result objects: inspect info, list summaries, published ports. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/container-results.h"

struct podc_port {
    int container_port, host_port;
    char *protocol, *host_ip;
};

typedef struct port_vec {
    podc_port *v;
    size_t n, cap;
} port_vec;

static int port_push(port_vec *pv, int container_port, int host_port, const char *protocol, const char *host_ip)
{
    if (pv->n == pv->cap) {
        size_t cap = pv->cap ? pv->cap * 2 : 4;
        podc_port *p = realloc(pv->v, cap * sizeof *p);
        if (!p)
            return -1;
        pv->v = p;
        pv->cap = cap;
    }
    podc_port *p = &pv->v[pv->n];
    p->container_port = container_port;
    p->host_port = host_port;
    p->protocol = strdup(protocol ? protocol : "tcp");
    p->host_ip = strdup(host_ip ? host_ip : "");
    if (!p->protocol || !p->host_ip) {
        free(p->protocol);
        free(p->host_ip);
        return -1;
    }
    pv->n++;
    return 0;
}

static void ports_free(port_vec *pv)
{
    for (size_t i = 0; i < pv->n; i++) {
        free(pv->v[i].protocol);
        free(pv->v[i].host_ip);
    }
    free(pv->v);
    pv->v = NULL;
    pv->n = pv->cap = 0;
}

int podc_port_container_port(const podc_port *p) { return p ? p->container_port : -1; }
int podc_port_host_port(const podc_port *p) { return p ? p->host_port : -1; }
const char *podc_port_protocol(const podc_port *p) { return p ? p->protocol : NULL; }
const char *podc_port_host_ip(const podc_port *p) { return p ? p->host_ip : NULL; }

/* Object member by exact key (yajl paths cannot hold every key, e.g. ones with '/'). */
static yajl_val member(yajl_val obj, const char *key)
{
    if (!key)
        return NULL;
    for (size_t i = 0; i < pdc_json_object_len(obj); i++)
        if (strcmp(pdc_json_object_key(obj, i), key) == 0)
            return pdc_json_object_value(obj, i);
    return NULL;
}

static int int_or(yajl_val v, int fallback)
{
    int64_t n;
    return pdc_json_int(v, &n, NULL) ? (int)n : fallback;
}

/* ---- inspect ------------------------------------------------------------------------- */

struct podc_container_info {
    yajl_val root;
    char *json;
    port_vec ports;
};

/* NetworkSettings.Ports: {"8080/tcp":[{"HostIp":"","HostPort":"18080"}], "9090/udp":null}.
 * HostPort is a string; a null list means exposed but not published. */
static int parse_inspect_ports(podc_container_info *i)
{
    yajl_val ports = pdc_json_get(i->root, "NetworkSettings", "Ports", NULL);
    for (size_t k = 0; k < pdc_json_object_len(ports); k++) {
        const char *key = pdc_json_object_key(ports, k);
        yajl_val binds = pdc_json_object_value(ports, k);
        const char *slash = strchr(key, '/');
        int cport = atoi(key);
        for (size_t b = 0; b < pdc_json_array_len(binds); b++) {
            yajl_val bind = pdc_json_array_at(binds, b);
            const char *hp = pdc_json_str(bind, "HostPort", NULL);
            if (port_push(&i->ports, cport, hp ? atoi(hp) : 0, slash ? slash + 1 : "tcp",
                          pdc_json_str(bind, "HostIp", NULL)) < 0)
                return -1;
        }
    }
    return 0;
}

podc_container_info *pdc_container_info_from_json(yajl_val root, char *json)
{
    podc_container_info *i = calloc(1, sizeof *i);
    if (!i) {
        pdc_json_free(root);
        free(json);
        return NULL;
    }
    i->root = root;
    i->json = json;
    if (!json || parse_inspect_ports(i) < 0) {
        podc_container_info_free(i);
        return NULL;
    }
    return i;
}

void podc_container_info_free(podc_container_info *i)
{
    if (!i)
        return;
    ports_free(&i->ports);
    pdc_json_free(i->root);
    free(i->json);
    free(i);
}

#define ROOT(i) ((i) ? (i)->root : NULL)

const char *podc_container_info_id(const podc_container_info *i) { return pdc_json_str(ROOT(i), "Id", NULL); }
const char *podc_container_info_name(const podc_container_info *i) { return pdc_json_str(ROOT(i), "Name", NULL); }
const char *podc_container_info_image_id(const podc_container_info *i) { return pdc_json_str(ROOT(i), "Image", NULL); }
const char *podc_container_info_json(const podc_container_info *i) { return i ? i->json : NULL; }

const char *podc_container_info_image(const podc_container_info *i)
{
    /* "Image" is the ID on libpod; the reference is ImageName */
    const char *n = pdc_json_str(ROOT(i), "ImageName", NULL);
    return n ? n : pdc_json_str(ROOT(i), "Config", "Image", NULL);
}

const char *podc_container_info_status(const podc_container_info *i)
{
    return pdc_json_str(ROOT(i), "State", "Status", NULL);
}

int podc_container_info_running(const podc_container_info *i)
{
    return pdc_json_bool(ROOT(i), "State", "Running", NULL);
}

int podc_container_info_oom_killed(const podc_container_info *i)
{
    return pdc_json_bool(ROOT(i), "State", "OOMKilled", NULL);
}

int64_t podc_container_info_pid(const podc_container_info *i)
{
    int64_t n = -1;
    pdc_json_int(ROOT(i), &n, "State", "Pid", NULL);
    return n;
}

int podc_container_info_exit_code(const podc_container_info *i)
{
    return int_or(pdc_json_get(ROOT(i), "State", "ExitCode", NULL), -1);
}

const char *podc_container_info_started_at(const podc_container_info *i)
{
    return pdc_json_str(ROOT(i), "State", "StartedAt", NULL);
}

const char *podc_container_info_finished_at(const podc_container_info *i)
{
    return pdc_json_str(ROOT(i), "State", "FinishedAt", NULL);
}

/* 4.3 reports State.Health; newer podman renamed it State.Healthcheck. */
static yajl_val health_of(const podc_container_info *i)
{
    yajl_val h = pdc_json_get(ROOT(i), "State", "Health", NULL);
    return h ? h : pdc_json_get(ROOT(i), "State", "Healthcheck", NULL);
}

const char *podc_container_info_health_status(const podc_container_info *i)
{
    if (!i)
        return NULL;
    const char *s = pdc_json_str(health_of(i), "Status", NULL);
    return s ? s : "";
}

int podc_container_info_health_failing_streak(const podc_container_info *i)
{
    return i ? int_or(pdc_json_get(health_of(i), "FailingStreak", NULL), 0) : -1;
}

int podc_container_info_restart_count(const podc_container_info *i)
{
    return int_or(pdc_json_get(ROOT(i), "RestartCount", NULL), -1);
}

const char *podc_container_info_hostname(const podc_container_info *i)
{
    return pdc_json_str(ROOT(i), "Config", "Hostname", NULL);
}

int64_t pdc_container_info_stop_timeout(const podc_container_info *i)
{
    int64_t n;
    return pdc_json_int(ROOT(i), &n, "Config", "StopTimeout", NULL) ? n : -1;
}

size_t podc_container_info_port_count(const podc_container_info *i) { return i ? i->ports.n : 0; }

const podc_port *podc_container_info_port_at(const podc_container_info *i, size_t idx)
{
    return (i && idx < i->ports.n) ? &i->ports.v[idx] : NULL;
}

int podc_container_info_host_port(const podc_container_info *i, int container_port, const char *protocol)
{
    if (!i)
        return -1;
    if (!protocol)
        protocol = "tcp";
    for (size_t k = 0; k < i->ports.n; k++)
        if (i->ports.v[k].container_port == container_port && strcmp(i->ports.v[k].protocol, protocol) == 0)
            return i->ports.v[k].host_port;
    return -1;
}

static yajl_val networks_of(const podc_container_info *i)
{
    return pdc_json_get(ROOT(i), "NetworkSettings", "Networks", NULL);
}

size_t podc_container_info_network_count(const podc_container_info *i)
{
    return pdc_json_object_len(networks_of(i));
}

const char *podc_container_info_network_name_at(const podc_container_info *i, size_t idx)
{
    return pdc_json_object_key(networks_of(i), idx);
}

const char *podc_container_info_network_ip_at(const podc_container_info *i, size_t idx)
{
    return pdc_json_str(pdc_json_object_value(networks_of(i), idx), "IPAddress", NULL);
}

const char *podc_container_info_network_gateway_at(const podc_container_info *i, size_t idx)
{
    return pdc_json_str(pdc_json_object_value(networks_of(i), idx), "Gateway", NULL);
}

size_t podc_container_info_network_alias_count(const podc_container_info *i, size_t idx)
{
    return pdc_json_array_len(pdc_json_get(pdc_json_object_value(networks_of(i), idx), "Aliases", NULL));
}

const char *podc_container_info_network_alias_at(const podc_container_info *i, size_t idx, size_t alias_idx)
{
    yajl_val aliases = pdc_json_get(pdc_json_object_value(networks_of(i), idx), "Aliases", NULL);
    return pdc_json_as_str(pdc_json_array_at(aliases, alias_idx));
}

const char *podc_container_info_ip(const podc_container_info *i, const char *network)
{
    return pdc_json_str(member(networks_of(i), network), "IPAddress", NULL);
}

const char *podc_container_info_label(const podc_container_info *i, const char *key)
{
    return pdc_json_as_str(member(pdc_json_get(ROOT(i), "Config", "Labels", NULL), key));
}

/* a JSON object's key / string value at i, or NULL */
static const char *key_at(yajl_val o, size_t i)
{
    return i < pdc_json_object_len(o) ? pdc_json_object_key(o, i) : NULL;
}

static const char *value_at(yajl_val o, size_t i)
{
    return i < pdc_json_object_len(o) ? pdc_json_as_str(pdc_json_object_value(o, i)) : NULL;
}

static yajl_val info_labels(const podc_container_info *i)
{
    return i ? pdc_json_get(ROOT(i), "Config", "Labels", NULL) : NULL;
}

size_t podc_container_info_label_count(const podc_container_info *i) { return pdc_json_object_len(info_labels(i)); }
const char *podc_container_info_label_key_at(const podc_container_info *i, size_t idx)
{
    return key_at(info_labels(i), idx);
}
const char *podc_container_info_label_value_at(const podc_container_info *i, size_t idx)
{
    return value_at(info_labels(i), idx);
}

static yajl_val env_of(const podc_container_info *i)
{
    return pdc_json_get(ROOT(i), "Config", "Env", NULL);
}

size_t podc_container_info_env_count(const podc_container_info *i) { return pdc_json_array_len(env_of(i)); }

const char *podc_container_info_env_at(const podc_container_info *i, size_t idx)
{
    return pdc_json_as_str(pdc_json_array_at(env_of(i), idx));
}

const char *podc_container_info_env(const podc_container_info *i, const char *key)
{
    if (!key)
        return NULL;
    size_t klen = strlen(key);
    yajl_val env = env_of(i);
    for (size_t k = 0; k < pdc_json_array_len(env); k++) {
        const char *e = pdc_json_as_str(pdc_json_array_at(env, k));
        if (e && strncmp(e, key, klen) == 0 && e[klen] == '=')
            return e + klen + 1;
    }
    return NULL;
}

/* ---- list ---------------------------------------------------------------------------- */

struct podc_container_summary {
    yajl_val v;
    port_vec ports;
};

struct podc_container_list {
    yajl_val root;
    size_t n;
    podc_container_summary *items;
};

/* ports in one list reply, all containers together: more than a host publishes */
#define MAX_LIST_PORTS (4 * 65536)

/* Ports: [{"host_ip":"","container_port":8080,"host_port":18080,"range":1,"protocol":"tcp"}]
 * *left: how many more ports the whole list may hold (every protocol of every range counts). */
static int parse_list_ports(podc_container_summary *s, size_t *left)
{
    yajl_val ports = pdc_json_get(s->v, "Ports", NULL);
    for (size_t k = 0; k < pdc_json_array_len(ports); k++) {
        yajl_val p = pdc_json_array_at(ports, k);
        int cport = int_or(pdc_json_get(p, "container_port", NULL), 0);
        int hport = int_or(pdc_json_get(p, "host_port", NULL), 0);
        int range = int_or(pdc_json_get(p, "range", NULL), 1);
        if (range < 1 || range > 65536)
            range = 1;
        /* a reply podc did not write: ports stay ports, and a list stays a list's size */
        if (cport < 1 || cport > 65535 || hport < 0 || hport > 65535)
            continue;
        if (range > 65536 - cport)
            range = 65536 - cport;
        if (hport && range > 65536 - hport)
            range = 65536 - hport;
        const char *proto = pdc_json_str(p, "protocol", NULL);
        const char *ip = pdc_json_str(p, "host_ip", NULL);
        /* "tcp,udp" in one mapping is listed once per protocol, like inspect does */
        const char *pp = proto && *proto ? proto : "tcp";
        while (*pp) {
            size_t len = strcspn(pp, ",");
            if (len && (size_t)range > *left)
                return 0; /* a list stays a list's size, whatever the protocols ("tcp,,,,") */
            char one[16];
            snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1), pp);
            for (int r = 0; len && r < range; r++)
                if (port_push(&s->ports, cport + r, hport ? hport + r : 0, one, ip) < 0)
                    return -1;
            if (len)
                *left -= (size_t)range;
            pp += len;
            if (*pp == ',')
                pp++;
        }
    }
    return 0;
}

podc_container_list *pdc_container_list_from_json(yajl_val root)
{
    podc_container_list *l = calloc(1, sizeof *l);
    if (!l) {
        pdc_json_free(root);
        return NULL;
    }
    l->root = root;
    size_t n = pdc_json_array_len(root);
    if (n && !(l->items = calloc(n, sizeof *l->items))) {
        podc_container_list_free(l);
        return NULL;
    }
    size_t left = MAX_LIST_PORTS;
    for (size_t k = 0; k < n; k++) {
        l->items[k].v = pdc_json_array_at(root, k);
        l->n = k + 1;
        if (parse_list_ports(&l->items[k], &left) < 0) {
            podc_container_list_free(l);
            return NULL;
        }
    }
    return l;
}

size_t podc_container_list_count(const podc_container_list *l) { return l ? l->n : 0; }

const podc_container_summary *podc_container_list_at(const podc_container_list *l, size_t idx)
{
    return (l && idx < l->n) ? &l->items[idx] : NULL;
}

void podc_container_list_free(podc_container_list *l)
{
    if (!l)
        return;
    for (size_t k = 0; k < l->n; k++)
        ports_free(&l->items[k].ports);
    free(l->items);
    pdc_json_free(l->root);
    free(l);
}

#define SV(s) ((s) ? (s)->v : NULL)

const char *podc_container_summary_id(const podc_container_summary *s) { return pdc_json_str(SV(s), "Id", NULL); }
const char *podc_container_summary_image(const podc_container_summary *s)
{
    return pdc_json_str(SV(s), "Image", NULL);
}

const char *podc_container_summary_state(const podc_container_summary *s)
{
    return pdc_json_str(SV(s), "State", NULL);
}

const char *podc_container_summary_health(const podc_container_summary *s)
{
    if (!s)
        return NULL;
    const char *h = pdc_json_str(s->v, "Status", NULL);
    return h ? h : "";
}

size_t podc_container_summary_name_count(const podc_container_summary *s)
{
    return pdc_json_array_len(pdc_json_get(SV(s), "Names", NULL));
}

const char *podc_container_summary_name_at(const podc_container_summary *s, size_t idx)
{
    return pdc_json_as_str(pdc_json_array_at(pdc_json_get(SV(s), "Names", NULL), idx));
}

const char *podc_container_summary_name(const podc_container_summary *s)
{
    return podc_container_summary_name_at(s, 0);
}

const char *podc_container_summary_label(const podc_container_summary *s, const char *key)
{
    return pdc_json_as_str(member(pdc_json_get(SV(s), "Labels", NULL), key));
}

static yajl_val summary_labels(const podc_container_summary *s)
{
    return s ? pdc_json_get(SV(s), "Labels", NULL) : NULL;
}

size_t podc_container_summary_label_count(const podc_container_summary *s)
{
    return pdc_json_object_len(summary_labels(s));
}
const char *podc_container_summary_label_key_at(const podc_container_summary *s, size_t i)
{
    return key_at(summary_labels(s), i);
}
const char *podc_container_summary_label_value_at(const podc_container_summary *s, size_t i)
{
    return value_at(summary_labels(s), i);
}

int podc_container_summary_exit_code(const podc_container_summary *s)
{
    return int_or(pdc_json_get(SV(s), "ExitCode", NULL), -1);
}

size_t podc_container_summary_port_count(const podc_container_summary *s) { return s ? s->ports.n : 0; }

const podc_port *podc_container_summary_port_at(const podc_container_summary *s, size_t idx)
{
    return (s && idx < s->ports.n) ? &s->ports.v[idx] : NULL;
}
