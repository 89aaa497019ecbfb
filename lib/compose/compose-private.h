/* compose-private.h - what load.c (files, project, network, graph) and service.c (one
 * service's keys) share. Internal. */
#ifndef PODC_COMPOSE_PRIVATE_H
#define PODC_COMPOSE_PRIVATE_H

#include "compose/yaml-tree.h"
#include "core/strlist.h"
#include "podc/compose.h"

struct podc_compose_options {
    pdc_strv files, profiles;
    char *project;
    pdc_kvlist images, vars;
    int strict;
    podc_compose_warning_cb warn;
    void *warn_ud;
};

typedef struct pdc_compose_ctx {
    const podc_compose_options *o;
    const char *file;        /* for messages: the first file (where relative paths start) */
    char *dir;               /* the project folder: relative paths, .env */
    const char *project;
    const char *network;     /* the stack's network */
    const char *network_key; /* its key under networks:, or NULL */
    pdc_kvlist dotenv;      /* .env */
    pdc_strv jobs;          /* services some service waits for to complete */
    podc_error **err;
} pdc_compose_ctx;

/* Looks a variable up: options, environment, .env. */
const char *pdc_compose_lookup(const char *name, void *ctx);

/* The scalar at n as text, interpolated; *out new. PODC_EINVAL naming path when n is not a
 * scalar (or a null, unless null_ok: then *out = NULL). */
int pdc_compose_str(pdc_compose_ctx *x, const pdc_ynode *n, const char *path, int null_ok, char **out);
/* PODC_EINVAL: "<file>: line N: <path>: <message>", detail field = path. */
int pdc_compose_bad(pdc_compose_ctx *x, const pdc_ynode *n, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* An unsupported key: a warning, or with strict the error. */
int pdc_compose_unsupported(pdc_compose_ctx *x, const pdc_ynode *n, const char *path, const char *why);
/* KEY=VALUE lines (# comments, export, quotes) of an env file into kv. */
int pdc_compose_env_file(pdc_compose_ctx *x, const char *path, int required, pdc_kvlist *kv);

/* services.<name> -> a member spec (and its dependencies, added to the stack spec). */
int pdc_compose_service(pdc_compose_ctx *x, const char *name, const pdc_ynode *svc, podc_stack_spec *stack);

#endif
