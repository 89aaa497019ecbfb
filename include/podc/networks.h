/*
 * podc/networks.h - podman networks: create (and create-if-missing), inspect, list, remove,
 * connect and disconnect containers.
 *
 * Names follow podman's rule [a-zA-Z0-9][a-zA-Z0-9_.-]* and are checked before any request
 * (PODC_EINVAL, detail "field").
 *
 * Thread-safety: calls are as thread-safe as the client they use (one thread per client at a
 * time). Options builders and result objects are plain data: use one from one thread at a
 * time; results are immutable and may be read from any thread.
 */
#ifndef PODC_NETWORKS_H
#define PODC_NETWORKS_H

#include "client.h"
#include "filters.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- creation options (builder) ---------------------------------------------------- */

typedef struct podc_network_options podc_network_options;

/*
 * New options with podc's defaults: driver "bridge", not internal, and dns_enabled = 1 so
 * containers on the network resolve each other by name and alias. (The libpod API itself
 * defaults dns_enabled to false; podc follows the podman CLI instead.) NULL on OOM.
 */
PODC_EXTERN podc_network_options *podc_network_options_new(void);
PODC_EXTERN void podc_network_options_free(podc_network_options *o);
/* Setters: 0, or PODC_EINVAL (NULL argument) / PODC_ENOMEM. Values are copied. */
PODC_EXTERN int podc_network_options_set_internal(podc_network_options *o, int internal, podc_error **err);
PODC_EXTERN int podc_network_options_set_dns_enabled(podc_network_options *o, int enabled, podc_error **err);
/* "bridge" (default), "macvlan", "ipvlan". */
PODC_EXTERN int podc_network_options_set_driver(podc_network_options *o, const char *driver, podc_error **err);
/* Adds a label; a repeated key replaces the earlier value. */
PODC_EXTERN int podc_network_options_add_label(podc_network_options *o, const char *key, const char *value,
                                               podc_error **err);
/* Adds a subnet in CIDR form ("10.89.77.0/24"); gateway may be NULL (podman picks the first
 * address). Without any subnet podman picks a free 10.89.x.0/24. */
PODC_EXTERN int podc_network_options_add_subnet(podc_network_options *o, const char *subnet, const char *gateway,
                                                podc_error **err);

/* ---- network objects (results) ----------------------------------------------------- */

typedef struct podc_network podc_network;

/* Accessors; strings are borrowed from n. NULL n gives NULL / 0 / -1. */
PODC_EXTERN const char *podc_network_name(const podc_network *n);
PODC_EXTERN const char *podc_network_id(const podc_network *n);
PODC_EXTERN const char *podc_network_driver(const podc_network *n);
/* Network interface on the host ("podman1"), or NULL. */
PODC_EXTERN const char *podc_network_interface(const podc_network *n);
/* Subnets: count, CIDR at i, and gateway at i (NULL for internal networks). */
PODC_EXTERN size_t podc_network_subnet_count(const podc_network *n);
PODC_EXTERN const char *podc_network_subnet_at(const podc_network *n, size_t i);
PODC_EXTERN const char *podc_network_gateway_at(const podc_network *n, size_t i);
/* The first subnet's gateway, or NULL (internal networks have none). */
PODC_EXTERN const char *podc_network_gateway(const podc_network *n);
/* 1 or 0; -1 when the reply did not say. */
PODC_EXTERN int podc_network_internal(const podc_network *n);
PODC_EXTERN int podc_network_dns_enabled(const podc_network *n);
/* Label value for key, or NULL. Labels are also enumerable with count + key/value at i. */
PODC_EXTERN const char *podc_network_label(const podc_network *n, const char *key);
PODC_EXTERN size_t podc_network_label_count(const podc_network *n);
PODC_EXTERN const char *podc_network_label_key_at(const podc_network *n, size_t i);
PODC_EXTERN const char *podc_network_label_value_at(const podc_network *n, size_t i);
/* The whole network object as JSON text, for fields without an accessor. Borrowed. */
PODC_EXTERN const char *podc_network_json(const podc_network *n);
/* Frees a network returned by create/inspect (not one borrowed from a list). NULL is fine. */
PODC_EXTERN void podc_network_free(podc_network *n);

typedef struct podc_network_list podc_network_list;

PODC_EXTERN size_t podc_network_list_count(const podc_network_list *l);
/* Borrowed; lives as long as the list. NULL when i is out of range. */
PODC_EXTERN const podc_network *podc_network_list_at(const podc_network_list *l, size_t i);
PODC_EXTERN void podc_network_list_free(podc_network_list *l);

/* ---- calls --------------------------------------------------------------------------- */

/*
 * POST /libpod/networks/create. opts may be NULL (the defaults above). out may be NULL;
 * otherwise *out is the created network (free with podc_network_free()).
 * Errors: PODC_EINVAL (bad name or options; nothing sent), PODC_ECONFLICT (the name exists,
 * HTTP 409), PODC_ESERVER (podman refused: overlapping subnet, unknown driver), transport.
 */
PODC_EXTERN int podc_network_create(podc_client *c, const char *name, const podc_network_options *opts,
                                    podc_network **out, podc_error **err);

/*
 * Creates the network unless it exists. Safe when several clients race for the same name:
 * losing the race (podman's 409 "network already exists") counts as success. *created (may
 * be NULL) is set to 1 when this call created the network, 0 when it was already there.
 * An existing network is used as it is: its options are not compared with opts.
 */
PODC_EXTERN int podc_network_ensure(podc_client *c, const char *name, const podc_network_options *opts,
                                    int *created, podc_error **err);

/* GET /libpod/networks/{name}/exists. *out = 1 or 0. A missing network is not an error. */
PODC_EXTERN int podc_network_exists(podc_client *c, const char *name, int *out, podc_error **err);

/* GET /libpod/networks/{name}/json. Errors: PODC_ENOTFOUND. Free *out with podc_network_free(). */
PODC_EXTERN int podc_network_inspect(podc_client *c, const char *name, podc_network **out, podc_error **err);

/*
 * GET /libpod/networks/json. filters may be NULL. Keys podman 4.3 accepts: "name" (a
 * SUBSTRING / REGULAR EXPRESSION match, not an exact one: use "^net$" for one network),
 * "label" ("k=v" or "k"; several are ANDed), "driver", "id". Any other key makes podman fail
 * (PODC_ESERVER). Free *out with podc_network_list_free().
 */
PODC_EXTERN int podc_network_list_get(podc_client *c, const podc_filters *filters, podc_network_list **out,
                                  podc_error **err);

/*
 * DELETE /libpod/networks/{name}. Without PODC_NETWORK_REMOVE_FORCE a network with containers
 * attached fails with PODC_ECONFLICT. WARNING: with it, every container attached to it is
 * removed too, running ones included. Errors: PODC_ENOTFOUND.
 */
#define PODC_NETWORK_REMOVE_FORCE 1u
PODC_EXTERN int podc_network_remove(podc_client *c, const char *name, unsigned flags, podc_error **err);

/*
 * POST /libpod/networks/{network}/connect with {"container":..., "aliases":[...]}.
 * aliases may be NULL when n_aliases is 0; each alias must be a valid name. Works on running
 * and stopped containers. Errors: PODC_ENOTFOUND (network or container), PODC_ECONFLICT
 * (already connected).
 */
PODC_EXTERN int podc_network_connect(podc_client *c, const char *network, const char *container,
                                     const char *const *aliases, size_t n_aliases, podc_error **err);

/*
 * POST /libpod/networks/{network}/disconnect. PODC_NETWORK_DISCONNECT_FORCE is passed to
 * podman (disconnect even if the container's network setup is broken). Errors:
 * PODC_ENOTFOUND, PODC_ECONFLICT (the container is not connected to that network).
 */
#define PODC_NETWORK_DISCONNECT_FORCE 1u
PODC_EXTERN int podc_network_disconnect(podc_client *c, const char *network, const char *container, unsigned flags,
                                        podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
