/* containers.c - container calls: create, lifecycle, wait, remove, exists, inspect, list,
 * health checks. Result objects are built in container-inspect.c. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/container-results.h"
#include "api/container-spec.h"
#include "api/filters-private.h"
#include "api/resource.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/json.h"
#include "core/validate.h"
#include "podc/containers.h"
#include "transport/http.h"

/* Extra time given to podman beyond a stop grace period before the call itself times out. */
#define STOP_MARGIN_MS 30000


static int check_args(podc_client *c, const char *name, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    return pdc_validate_name("name", name, err);
}

/* "/libpod/containers/{name}{suffix}" */
static int container_path(pdc_buf *p, const char *name, const char *suffix, podc_error **err)
{
    return pdc_resource_path_err(p, "/libpod/containers/", name, suffix, err);
}

static int64_t ms_to_seconds_up(int64_t ms)
{
    return (ms + 999) / 1000;
}

/* ---- create ---------------------------------------------------------------------------- */

int podc_container_create(podc_client *c, const podc_container_spec *spec, char **id_out, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    char *body = NULL;
    int rc = podc_container_spec_to_json(spec, &body, err);
    if (rc < 0)
        return rc;
    const char *name = pdc_container_spec_get_name(spec);
    pdc_http_request req = { .method = "POST", .path = "/libpod/containers/create", .body = body,
                              .body_len = strlen(body) };
    yajl_val root = NULL;
    rc = pdc_resource_json(c, &req, name, PODC_REPLY_ANY, &root, NULL, err);
    if (rc == 0) {
        const char *id = pdc_json_str(root, "Id", NULL);
        if (!id || !*id) {
            rc = pdc_error_set(err, PODC_EPROTOCOL, "POST /libpod/containers/create: reply has no Id");
        } else if (id_out) {
            char *copy = strdup(id);
            if (!copy)
                rc = pdc_error_oom(err);
            else
                *id_out = copy;
        }
    }
    pdc_json_free(root);
    free(body);
    return rc;
}

/* ---- lifecycle --------------------------------------------------------------------------- */

/* POST /libpod/containers/{name}{verb}[?query]; 204 and 304 (already in that state) succeed. */
static int post_action(podc_client *c, const char *name, pdc_buf *path, int64_t timeout_ms, podc_error **err)
{
    pdc_http_request req = { .method = "POST", .path = path->data, .timeout_ms = timeout_ms };
    pdc_http_response resp;
    int rc = pdc_resource_call(c, &req, &resp, name, NULL, err);
    pdc_http_response_free(&resp);
    pdc_buf_free(path);
    return rc;
}

int podc_container_start(podc_client *c, const char *name, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, "/start", err) < 0)
        return PODC_ENOMEM;
    return post_action(c, name, &p, 0, err);
}

int podc_container_init(podc_client *c, const char *name, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, "/init", err) < 0)
        return PODC_ENOMEM;
    return post_action(c, name, &p, 0, err);
}

/* stop and restart: libpod's parameter is `timeout` (seconds); `t` is silently ignored. */
static int timed_action(podc_client *c, const char *name, const char *verb, int64_t seconds, podc_error **err)
{
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, verb, err) < 0)
        return PODC_ENOMEM;
    int64_t call_timeout = 0;
    if (seconds >= 0) {
        if (pdc_buf_put_query_int(&p, "timeout", seconds) < 0) {
            pdc_buf_free(&p);
            return pdc_error_oom(err);
        }
        call_timeout = seconds * 1000 + STOP_MARGIN_MS;
    }
    return post_action(c, name, &p, call_timeout, err);
}

int podc_container_stop(podc_client *c, const char *name, int64_t timeout_ms, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    return timed_action(c, name, "/stop", timeout_ms < 0 ? -1 : ms_to_seconds_up(timeout_ms), err);
}

int podc_container_restart(podc_client *c, const char *name, int64_t timeout_ms, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    int64_t seconds;
    if (timeout_ms >= 0) {
        seconds = ms_to_seconds_up(timeout_ms);
    } else {
        /* without `timeout` podman kills at once, so send the container's own grace period */
        podc_container_info *info = NULL;
        pdc_call_enter(c); /* inspect + restart: one call for a cancel */
        int rc = podc_container_inspect(c, name, &info, err);
        seconds = rc < 0 ? 0 : pdc_container_info_stop_timeout(info);
        podc_container_info_free(info);
        if (rc == 0)
            rc = timed_action(c, name, "/restart", seconds < 0 ? 10 : seconds, err); /* 10: podman's default */
        pdc_call_leave(c);
        return rc;
    }
    return timed_action(c, name, "/restart", seconds, err);
}

int podc_container_kill(podc_client *c, const char *name, const char *signal, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    int sig = signal ? pdc_signal_parse(signal) : 9;
    if (sig < 0)
        return pdc_error_invalid(err, "signal", "signal \"%s\": unknown signal", signal);
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, "/kill", err) < 0)
        return PODC_ENOMEM;
    if (pdc_buf_put_query_int(&p, "signal", sig) < 0) {
        pdc_buf_free(&p);
        return pdc_error_oom(err);
    }
    return post_action(c, name, &p, 0, err);
}

static const char *const wait_conditions[] = { "created", "running", "paused", "stopped",
                                               "exited",  "removing", "unknown", NULL };

static int known_condition(const char *cond)
{
    for (size_t i = 0; wait_conditions[i]; i++)
        if (strcmp(cond, wait_conditions[i]) == 0)
            return 1;
    return 0;
}

int podc_container_wait(podc_client *c, const char *name, const char *const *conditions, size_t n_conditions,
                        int64_t timeout_ms, int *exit_code, podc_error **err)
{
    return podc_container_wait_interval(c, name, conditions, n_conditions, timeout_ms, 0, exit_code, err);
}

int podc_container_wait_interval(podc_client *c, const char *name, const char *const *conditions,
                                 size_t n_conditions, int64_t timeout_ms, int64_t interval_ms, int *exit_code,
                                 podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    if (n_conditions && !conditions)
        return pdc_error_invalid(err, "conditions", "conditions is NULL but n_conditions is %zu", n_conditions);
    for (size_t i = 0; i < n_conditions; i++)
        if (!conditions[i] || !known_condition(conditions[i]))
            return pdc_error_invalid(err, "conditions",
                                     "condition \"%s\": podman 4.3 accepts created, running, paused, stopped, "
                                      "exited, removing, unknown (no \"healthy\")",
                                      conditions[i] ? conditions[i] : "(null)");
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, "/wait", err) < 0)
        return PODC_ENOMEM;
    for (size_t i = 0; i < n_conditions; i++) {
        if (pdc_buf_put_query(&p, "condition", conditions[i]) < 0) {
            pdc_buf_free(&p);
            return pdc_error_oom(err);
        }
    }
    if (interval_ms > 0) {
        char iv[32];
        snprintf(iv, sizeof iv, "%lldms", (long long)interval_ms); /* a Go duration */
        if (pdc_buf_put_query(&p, "interval", iv) < 0) {
            pdc_buf_free(&p);
            return pdc_error_oom(err);
        }
    }
    /* podman sends no headers until the condition is met: no header timeout of our own */
    pdc_http_request req = { .method = "POST", .path = p.data, .timeout_ms = timeout_ms > 0 ? timeout_ms : -1 };
    pdc_http_response resp;
    int rc = pdc_resource_call(c, &req, &resp, name, NULL, err);
    if (rc == 0) {
        /* text/plain "137\n" */
        const char *b = resp.body.data ? resp.body.data : "";
        while (isspace((unsigned char)*b))
            b++;
        char *end = NULL;
        errno = 0;
        long code = strtol(b, &end, 10);
        while (end && isspace((unsigned char)*end))
            end++;
        if (end == b || !end || *end || errno) {
            rc = pdc_error_set(err, PODC_EPROTOCOL,
                               "POST /libpod/containers/%s/wait: expected an exit code, got \"%.40s\"", name,
                               resp.body.data ? resp.body.data : "");
        } else if (exit_code) {
            *exit_code = (int)code;
        }
    }
    pdc_http_response_free(&resp);
    pdc_buf_free(&p);
    return rc;
}

int podc_container_remove(podc_client *c, const char *name, unsigned int flags, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, NULL, err) < 0)
        return PODC_ENOMEM;
    /* libpod ignores `v`: anonymous volumes go only with `volumes`. force alone would wait out the
     * stop timeout; timeout=0 kills at once. */
    int rc = pdc_buf_put_query_bool(&p, "volumes", 1);
    if (rc == 0 && (flags & PODC_CONTAINER_REMOVE_FORCE))
        rc = (pdc_buf_put_query_bool(&p, "force", 1) < 0 || pdc_buf_put_query_int(&p, "timeout", 0) < 0)
                 ? PODC_ENOMEM
                 : 0;
    if (rc == 0 && (flags & PODC_CONTAINER_REMOVE_IGNORE_MISSING))
        rc = pdc_buf_put_query_bool(&p, "ignore", 1);
    if (rc < 0) {
        pdc_buf_free(&p);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "DELETE", .path = p.data };
    pdc_http_response resp;
    podc_error *e = NULL;
    pdc_call_enter(c);
    rc = pdc_resource_call(c, &req, &resp, name, NULL, &e);
    /* After a podman service died mid-call its container's shm mount can stay busy for a moment
     * ("unlinkat .../userdata/shm: device or resource busy"); it clears: ask again. */
    for (int retry = 0; retry < 15 && rc == PODC_ESERVER && podc_error_server_message(e) &&
                        strstr(podc_error_server_message(e), "device or resource busy");
         retry++) {
        pdc_http_response_free(&resp);
        podc_error_free(e);
        e = NULL;
        if ((rc = pdc_http_sleep(c, 200, &e)) == 0)
            rc = pdc_resource_call(c, &req, &resp, name, NULL, &e);
    }
    pdc_call_leave(c);
    if (rc == PODC_ENOTFOUND && (flags & PODC_CONTAINER_REMOVE_IGNORE_MISSING)) {
        podc_error_free(e);
        e = NULL;
        rc = 0;
    } else if (rc < 0) {
        pdc_error_put(err, e);
        e = NULL;
    } else {
        /* 200 [{"Id":..,"RawInput":..,"Err":..}]: a per-container failure would be in Err */
        yajl_val root = NULL;
        if (pdc_http_json(&req, &resp, &root, NULL) == 0) {
            yajl_val first = pdc_json_array_at(root, 0);
            const char *msg = pdc_json_str(first, "Err", NULL);
            if (msg && *msg) {
                podc_error *fail = pdc_error_new(pdc_error_category_for(500, msg, msg), "DELETE %.*s: %s",
                                                 (int)strcspn(req.path, "?"), req.path, msg);
                pdc_error_set_request(fail, req.method, req.path);
                pdc_error_set_server(fail, resp.status, msg, msg);
                pdc_error_set_container(fail, name, pdc_json_str(first, "Id", NULL));
                rc = pdc_error_put(err, fail);
            }
        }
        pdc_json_free(root);
    }
    pdc_http_response_free(&resp);
    pdc_buf_free(&p);
    return rc;
}

int podc_container_exists(podc_client *c, const char *name, int *out, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    if (!out)
        return pdc_error_invalid(err, "out", "out is NULL");
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, "/exists", err) < 0)
        return PODC_ENOMEM;
    int rc = pdc_http_exists(c, p.data, out, err);
    if (rc < 0 && err)
        pdc_error_set_container(*err, name, NULL);
    pdc_buf_free(&p);
    return rc;
}

/* ---- inspect / list ---------------------------------------------------------------------- */

int podc_container_inspect(podc_client *c, const char *name, podc_container_info **out, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    if (!out)
        return pdc_error_invalid(err, "out", "out is NULL");
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, "/json", err) < 0)
        return PODC_ENOMEM;
    pdc_http_request req = { .method = "GET", .path = p.data };
    pdc_http_response resp;
    yajl_val root = NULL;
    /* Podman 4.3 race: inspecting a container whose process is just exiting answers 500
     * "read /proc/PID/cgroup: no such process". It settles within milliseconds: ask again. */
    podc_error *e = NULL;
    pdc_call_enter(c);
    int rc = pdc_resource_call(c, &req, &resp, name, NULL, &e);
    for (int retry = 0; retry < 10 && rc == PODC_ESERVER && podc_error_cause(e) &&
                        strcmp(podc_error_cause(e), "no such process") == 0;
         retry++) {
        pdc_http_response_free(&resp);
        podc_error_free(e);
        e = NULL;
        if ((rc = pdc_http_sleep(c, 20, &e)) == 0)
            rc = pdc_resource_call(c, &req, &resp, name, NULL, &e);
    }
    pdc_call_leave(c);
    if (rc < 0)
        pdc_error_put(err, e);
    if (rc == 0)
        rc = pdc_http_json(&req, &resp, &root, err);
    if (rc == 0 && !pdc_json_str(root, "Id", NULL))
        rc = pdc_error_set(err, PODC_EPROTOCOL, "GET /libpod/containers/%s/json: reply has no Id", name);
    if (rc == 0) {
        podc_container_info *info = pdc_container_info_from_json(root, pdc_buf_detach(&resp.body)); /* takes both */
        root = NULL;
        if (info)
            *out = info;
        else
            rc = pdc_error_oom(err);
    }
    pdc_json_free(root);
    pdc_http_response_free(&resp);
    pdc_buf_free(&p);
    return rc;
}

int podc_container_list_get(podc_client *c, const podc_filters *filters, unsigned flags, podc_container_list **out,
                        podc_error **err)
{
    if (!c || !out)
        return pdc_error_invalid(err, c ? "out" : "client", "NULL argument");
    pdc_buf p = PODC_BUF_INIT;
    int all = (flags & PODC_CONTAINER_LIST_ALL) != 0;
    if (pdc_buf_puts(&p, "/libpod/containers/json") < 0 || (all && pdc_buf_put_query_bool(&p, "all", 1) < 0) ||
        pdc_filters_put_query(filters, &p) < 0) {
        pdc_buf_free(&p);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "GET", .path = p.data };
    yajl_val root = NULL;
    int rc = pdc_resource_json(c, &req, NULL, PODC_REPLY_LIST, &root, NULL, err);
    podc_container_list *l = rc == 0 ? pdc_container_list_from_json(root) : NULL; /* takes root */
    if (rc == 0 && !l)
        rc = pdc_error_oom(err);
    if (l)
        *out = l;
    pdc_buf_free(&p);
    return rc;
}

/* ---- health -------------------------------------------------------------------------------- */

int podc_container_healthcheck_run(podc_client *c, const char *name, char **status_out, podc_error **err)
{
    if (check_args(c, name, err) < 0)
        return PODC_EINVAL;
    pdc_buf p = PODC_BUF_INIT;
    if (container_path(&p, name, "/healthcheck", err) < 0)
        return PODC_ENOMEM;
    pdc_http_request req = { .method = "GET", .path = p.data };
    yajl_val root = NULL;
    int rc = pdc_resource_json(c, &req, name, PODC_REPLY_ANY, &root, NULL, err);
    if (rc == 0) {
        const char *status = pdc_json_str(root, "Status", NULL);
        if (!status) {
            rc = pdc_error_set(err, PODC_EPROTOCOL, "GET /libpod/containers/%s/healthcheck: reply has no Status",
                               name);
        } else if (status_out) {
            char *copy = strdup(status);
            if (!copy)
                rc = pdc_error_oom(err);
            else
                *status_out = copy;
        }
    }
    pdc_json_free(root);
    pdc_buf_free(&p);
    return rc;
}

int podc_container_health(podc_client *c, const char *name, char **status_out, int *failing_streak,
                          podc_error **err)
{
    podc_container_info *info = NULL;
    int rc = podc_container_inspect(c, name, &info, err);
    if (rc < 0)
        return rc;
    if (status_out) {
        char *copy = strdup(podc_container_info_health_status(info));
        if (!copy) {
            podc_container_info_free(info);
            return pdc_error_oom(err);
        }
        *status_out = copy;
    }
    if (failing_streak)
        *failing_streak = podc_container_info_health_failing_streak(info);
    podc_container_info_free(info);
    return 0;
}
