/* events.c - GET /libpod/events: one JSON object per line (libpod-api.md §7). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/events-private.h"
#include "api/filters-private.h"
#include "core/buf.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/json.h"
#include "core/json-lines.h"
#include "podc/events.h"
#include "transport/http.h"

struct podc_event {
    yajl_val root;
    yajl_val attrs; /* Actor.Attributes */
    const char *json;
};

const char *podc_event_type(const podc_event *e) { return e ? pdc_json_str(e->root, "Type", NULL) : NULL; }
const char *podc_event_actor_id(const podc_event *e) { return e ? pdc_json_str(e->root, "Actor", "ID", NULL) : NULL; }
const char *podc_event_name(const podc_event *e) { return podc_event_attribute(e, "name"); }
const char *podc_event_json(const podc_event *e) { return e ? e->json : NULL; }
size_t podc_event_attribute_count(const podc_event *e) { return e ? pdc_json_object_len(e->attrs) : 0; }

const char *podc_event_action(const podc_event *e)
{
    if (!e)
        return NULL;
    const char *a = pdc_json_str(e->root, "Action", NULL);
    return a ? a : pdc_json_str(e->root, "status", NULL);
}

const char *podc_event_attribute(const podc_event *e, const char *key)
{
    return e && key ? pdc_json_str(e->attrs, key, NULL) : NULL;
}

const char *podc_event_attribute_key_at(const podc_event *e, size_t i)
{
    return e && i < pdc_json_object_len(e->attrs) ? pdc_json_object_key(e->attrs, i) : NULL;
}

const char *podc_event_attribute_value_at(const podc_event *e, size_t i)
{
    return e && i < pdc_json_object_len(e->attrs) ? pdc_json_as_str(pdc_json_object_value(e->attrs, i)) : NULL;
}

int64_t podc_event_time_ns(const podc_event *e)
{
    int64_t v = 0;
    if (!e)
        return 0;
    if (pdc_json_int(e->root, &v, "timeNano", NULL))
        return v;
    /* seconds beyond what int64 nanoseconds hold (years past 2262) overflowed: no time */
    if (pdc_json_int(e->root, &v, "time", NULL))
        return v <= INT64_MAX / 1000000000 && v >= INT64_MIN / 1000000000 ? v * 1000000000 : 0;
    return 0;
}

int podc_events_options_init(podc_events_options *opts, unsigned int version)
{
    if (!opts || version != PODC_EVENTS_OPTIONS_VERSION)
        return PODC_EINVAL;
    podc_events_options d = PODC_EVENTS_OPTIONS_INIT;
    *opts = d;
    return 0;
}

static int on_object(yajl_val root, char *line, void *ud)
{
    pdc_events_reader *ec = ud;
    /* errors come inside the 200 stream as podman's error object (§7) */
    int64_t status = 0;
    if (pdc_json_get(root, "cause", NULL) && pdc_json_int(root, &status, "response", NULL) &&
        !pdc_json_get(root, "Action", NULL)) {
        ec->failure = pdc_error_from_reply((int)status, line, "GET", ec->path);
        return PODC_ESERVER;
    }
    podc_event ev = { .root = root, .attrs = pdc_json_get(root, "Actor", "Attributes", NULL), .json = line };
    return ec->cb(&ev, ec->ud);
}

void pdc_events_reader_init(pdc_events_reader *r, const char *path, podc_event_cb cb, void *ud)
{
    *r = (pdc_events_reader){ .cb = cb, .ud = ud, .path = path };
    pdc_json_lines_init(&r->lines, on_object, r);
}

/* A line we could not read, or memory, becomes the reader's failure. */
static int noted(pdc_events_reader *r, int rc)
{
    if (!r->failure && r->lines.bad) {
        r->failure = pdc_error_new(PODC_EPROTOCOL, "GET /libpod/events: event is not a JSON object (%s)", r->lines.why);
        pdc_error_set_request(r->failure, "GET", r->path);
    } else if (!r->failure && r->lines.oom) {
        r->failure = pdc_error_new(PODC_ENOMEM, "out of memory");
    }
    return rc;
}

int pdc_events_reader_feed(const char *data, size_t len, void *ud)
{
    pdc_events_reader *r = ud;
    return noted(r, pdc_json_lines_feed(&r->lines, data, len));
}

int pdc_events_reader_finish(pdc_events_reader *r)
{
    return noted(r, pdc_json_lines_finish(&r->lines));
}

void pdc_events_reader_free(pdc_events_reader *r)
{
    pdc_json_lines_free(&r->lines);
    podc_error_free(r->failure);
    r->failure = NULL;
}

static int build_path(const podc_events_options *o, pdc_buf *p)
{
    int rc = pdc_buf_puts(p, "/libpod/events");
    if (!rc)
        rc = pdc_buf_put_query_bool(p, "stream", o->follow != 0);
    if (!rc && o->since)
        rc = pdc_buf_put_query(p, "since", o->since);
    if (!rc && o->until)
        rc = pdc_buf_put_query(p, "until", o->until);
    if (!rc)
        rc = pdc_filters_put_query(o->filters, p);
    return rc;
}

int podc_events_stream(podc_client *c, const podc_events_options *opts, podc_event_cb cb, void *userdata,
                       podc_error **err)
{
    podc_events_options defaults = PODC_EVENTS_OPTIONS_INIT;
    const podc_events_options *o = opts ? opts : &defaults;
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    if (!cb)
        return pdc_error_invalid(err, "callback", "callback is NULL");
    if (o->version != PODC_EVENTS_OPTIONS_VERSION)
        return pdc_error_invalid(err, "version", "unknown podc_events_options version %u", o->version);
    if (o->since && !*o->since)
        return pdc_error_invalid(err, "since", "events: since is empty");
    if (o->until && !*o->until)
        return pdc_error_invalid(err, "until", "events: until is empty");

    pdc_buf path = PODC_BUF_INIT;
    if (build_path(o, &path) < 0) {
        pdc_buf_free(&path);
        return pdc_error_oom(err);
    }
    pdc_events_reader ec;
    pdc_events_reader_init(&ec, path.data, cb, userdata);
    pdc_http_request req = { .method = "GET", .path = path.data, .on_data = pdc_events_reader_feed, .data_ud = &ec };
    req.timeout_ms = o->timeout_ms ? o->timeout_ms : (o->follow ? -1 : 0);
    pdc_http_response resp;
    int rc = pdc_http_call(c, &req, &resp, err);
    if (rc == 0 && !ec.failure && pdc_events_reader_finish(&ec) != 0 && !ec.failure) /* a last line without '\n' */
        rc = pdc_error_set(err, PODC_ECANCELLED, "GET /libpod/events: stopped by callback");
    if (ec.failure) { /* the transport calls every stop a cancel: report the real reason */
        rc = pdc_error_put(err, ec.failure);
        ec.failure = NULL;
    }
    else if (rc == PODC_ETRANSPORT && o->follow && err && *err)
        pdc_error_prefix(*err, "while following events");
    pdc_events_reader_free(&ec);
    pdc_http_response_free(&resp);
    pdc_buf_free(&path);
    return rc;
}
