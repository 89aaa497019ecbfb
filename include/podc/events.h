/*
 * podc/events.h - podman's event stream (GET /libpod/events): container lifecycle (create,
 * init, start, died, cleanup, remove, ...), image and other events, live or replayed.
 *
 * Thread-safety: as for the client the call runs on. A live stream is stopped from another
 * thread with podc_client_cancel(), or from the callback by returning non-zero.
 */
#ifndef PODC_EVENTS_H
#define PODC_EVENTS_H

#include "client.h"
#include "filters.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One event. Borrowed: valid only during the callback it is given to. */
typedef struct podc_event podc_event;

/* "container", "image", "volume", "pod", "network", "system"... or NULL. */
PODC_EXTERN const char *podc_event_type(const podc_event *e);
/* What happened: "create", "start", "died" (libpod's word; Docker says "die"), "remove"... */
PODC_EXTERN const char *podc_event_action(const podc_event *e);
/* ID of the object (Actor.ID), or NULL. */
PODC_EXTERN const char *podc_event_actor_id(const podc_event *e);
/* Its name (Actor.Attributes.name: the container or image name), or NULL. */
PODC_EXTERN const char *podc_event_name(const podc_event *e);
/* An Actor attribute, e.g. "containerExitCode" (on died), "image", or a container label; NULL
 * when absent. */
PODC_EXTERN const char *podc_event_attribute(const podc_event *e, const char *key);
/* All Actor attributes as count + at(i). Out of range gives NULL. */
PODC_EXTERN size_t podc_event_attribute_count(const podc_event *e);
PODC_EXTERN const char *podc_event_attribute_key_at(const podc_event *e, size_t i);
PODC_EXTERN const char *podc_event_attribute_value_at(const podc_event *e, size_t i);
/* Time in nanoseconds since the epoch (timeNano, else time * 1e9), or 0. */
PODC_EXTERN int64_t podc_event_time_ns(const podc_event *e);
/* The event as podman sent it (one JSON object), for fields without an accessor. */
PODC_EXTERN const char *podc_event_json(const podc_event *e);

/* Receives each event. Return 0 for more, non-zero to stop (the call returns PODC_ECANCELLED).
 * Thread: the calling thread, during the call only. */
typedef int (*podc_event_cb)(const podc_event *e, void *userdata);

#define PODC_EVENTS_OPTIONS_VERSION 1

typedef struct podc_events_options {
    unsigned int version;          /* PODC_EVENTS_OPTIONS_VERSION */
    const podc_filters *filters;   /* keys podman takes: type, container, event, label, image,
                                    * pod, volume, network...; NULL = everything */
    const char *since;             /* replay from here ("10m", RFC3339, unix seconds); NULL = now */
    const char *until;             /* stop here (same forms); NULL = never / now */
    int follow;                    /* 1 (default): live stream until stopped; 0: deliver the
                                    * events since..until that have happened and return */
    int64_t timeout_ms;            /* 0 = none when following, the client's timeout otherwise;
                                    * -1 = none */
} podc_events_options;

#define PODC_EVENTS_OPTIONS_INIT { PODC_EVENTS_OPTIONS_VERSION, NULL, NULL, NULL, 1, 0 }

/* Fills opts with the defaults above; PODC_EINVAL for an unknown version. */
PODC_EXTERN int podc_events_options_init(podc_events_options *opts, unsigned int version);

/*
 * Delivers events to cb, oldest first. opts may be NULL (defaults: live, unfiltered).
 * A live stream only ends through cb, podc_client_cancel() or a timeout, all of which
 * return PODC_ECANCELLED (or PODC_ETIMEOUT); a replay (follow = 0) returns 0 at its end.
 * Podman reports a bad filter or time inside an HTTP 200 stream; podc turns it into the
 * mapped error (podman 4.3.1: cause "<key> is an invalid filter", category PODC_ESERVER,
 * HTTP status 500 as podman states it) before cb sees anything.
 * Errors: PODC_EINVAL (bad options: nothing sent), the above, PODC_EPROTOCOL (a line that is
 * not JSON), transport errors. When an error is returned cb may have seen earlier events.
 */
PODC_EXTERN int podc_events_stream(podc_client *c, const podc_events_options *opts, podc_event_cb cb,
                                   void *userdata, podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
