/* start.c - spec -> built, started, healthy container; the service handle. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/container-spec.h"
#include "api/images-private.h"
#include "core/error-private.h"
#include "podc/images.h"
#include "podc/logs.h"
#include "podc/networks.h"
#include "service/service-private.h"

#define LOG_TAIL_LINES 50
/* the health poll keeps its initial interval this long */
#define POLL_HOLD_MS 1000

/* ---- services this process is starting (so dependents wait for them) ---- */

/* Keyed by the podman service (the client's URI) and the container name: a start on another
 * host, or another service, does not hold up a dependent of the same name here. */
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t registry_cv = PTHREAD_COND_INITIALIZER; /* a start ended (realtime clock) */
static pdc_strv registry = PODC_STRV_INIT;
static unsigned long registry_gen; /* bumped whenever a start ends */

/* "<uri>\n<name>" (NULL on OOM) */
static char *registry_key(const podc_client *c, const char *name)
{
    const char *uri = podc_client_uri(c);
    char *key = NULL;
    return asprintf(&key, "%s\n%s", uri ? uri : "", name) < 0 ? NULL : key;
}

int pdc_svc_registry_add(const podc_client *c, const char *name)
{
    char *key = registry_key(c, name);
    if (!key)
        return PODC_ENOMEM;
    pthread_mutex_lock(&registry_mu);
    int rc = pdc_strv_push(&registry, key);
    pthread_mutex_unlock(&registry_mu);
    free(key);
    return rc;
}

void pdc_svc_registry_remove(const podc_client *c, const char *name)
{
    char *key = registry_key(c, name);
    pthread_mutex_lock(&registry_mu);
    for (size_t i = 0; key && i < registry.n; i++) {
        if (strcmp(registry.v[i], key) == 0) {
            free(registry.v[i]);
            registry.v[i] = registry.v[--registry.n];
            break;
        }
    }
    if (registry.n == 0)
        pdc_strv_clear(&registry); /* nothing left allocated once no start is running */
    registry_gen++;
    pthread_cond_broadcast(&registry_cv);
    pthread_mutex_unlock(&registry_mu);
    free(key);
}

int pdc_svc_registry_has(const podc_client *c, const char *name)
{
    char *key = registry_key(c, name);
    if (!key)
        return PODC_ENOMEM;
    pthread_mutex_lock(&registry_mu);
    int found = 0;
    for (size_t i = 0; i < registry.n && !found; i++)
        found = strcmp(registry.v[i], key) == 0;
    pthread_mutex_unlock(&registry_mu);
    free(key);
    return found;
}

/* ---- one start ---- */

typedef struct start_ctx {
    podc_client *c;
    const podc_service_spec *spec;
    const char *session;
    int64_t t0;
    int64_t deadline;
    char *id;
    int net_created;
    char *built_image; /* the image this start built (handed to the handle) */
} start_ctx;

/* Reports one step; a non-zero return from the callback aborts the start. */
static int step(start_ctx *x, podc_error **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int step(start_ctx *x, podc_error **err, const char *fmt, ...)
{
    if (!x->spec->progress)
        return 0;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char line[600];
    int64_t el = pdc_svc_now_ms() - x->t0;
    snprintf(line, sizeof line, "[%4lld.%03llds] %s: %s", (long long)(el / 1000), (long long)(el % 1000),
             x->spec->name, msg);
    if (x->spec->progress(line, x->spec->progress_ud) != 0)
        return pdc_error_set(err, PODC_ECANCELLED, "service %s: start cancelled by the progress callback",
                             x->spec->name);
    return 0;
}

static int wait_dependencies_woken(start_ctx *x, podc_error **err);

static unsigned long registry_generation(void)
{
    pthread_mutex_lock(&registry_mu);
    unsigned long g = registry_gen;
    pthread_mutex_unlock(&registry_mu);
    return g;
}

/* Sleeps up to ms, or less when a start of this process ends after generation gen was read
 * (a dependency may be ready). */
static void sleep_or_registry_change(podc_client *c, int64_t ms, unsigned long gen)
{
    if (ms <= 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&registry_mu);
    while (registry_gen == gen && !pdc_client_cancelled(c))
        if (pthread_cond_timedwait(&registry_cv, &registry_mu, &ts) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&registry_mu);
}

/* Ready = not being started by this process, running, and podman-healthy or without a check.
 * 1 ready, 0 not yet (*why says why), PODC_ETRANSPORT the service is gone (*why), PODC_ENOMEM. */
static int dependency_ready(podc_client *c, const char *name, char **why)
{
    *why = NULL;
    int starting = pdc_svc_registry_has(c, name);
    if (starting < 0)
        return starting;
    if (starting)
        return (*why = strdup("still starting")) ? 0 : PODC_ENOMEM;
    podc_container_info *info = NULL;
    podc_error *e = NULL;
    int rc = podc_container_inspect(c, name, &info, &e), ready = 0;
    if (rc < 0) {
        if (asprintf(why, "%s", e ? podc_error_message(e) : podc_strerror(rc)) < 0)
            *why = NULL;
        if (rc == PODC_ETRANSPORT) /* no use waiting for a service that is not there */
            ready = PODC_ETRANSPORT;
    } else {
        const char *h = podc_container_info_health_status(info);
        if (podc_container_info_running(info) != 1) {
            if (asprintf(why, "not running (%s)", podc_container_info_status(info)) < 0)
                *why = NULL;
        } else if (h && *h && strcmp(h, "healthy") != 0) {
            if (asprintf(why, "health \"%s\"", h) < 0)
                *why = NULL;
        } else {
            ready = 1;
        }
    }
    podc_container_info_free(info);
    podc_error_free(e);
    if (ready != 1 && !*why)
        return PODC_ENOMEM;
    return ready;
}

/* A cancel of the waiting start wakes its sleep on the registry. */
static void wake_registry(void *ud)
{
    (void)ud;
    pthread_mutex_lock(&registry_mu);
    pthread_cond_broadcast(&registry_cv);
    pthread_mutex_unlock(&registry_mu);
}

static int wait_dependencies(start_ctx *x, podc_error **err)
{
    pdc_waker waker = { .fn = wake_registry };
    pdc_client_add_waker(x->c, &waker);
    int rc = wait_dependencies_woken(x, err);
    pdc_client_remove_waker(x->c, &waker);
    return rc;
}

static int wait_dependencies_woken(start_ctx *x, podc_error **err)
{
    for (size_t i = 0; i < x->spec->depends.n; i++) {
        const char *dep = x->spec->depends.v[i];
        int64_t interval = 50;
        for (;;) {
            if (pdc_client_cancelled(x->c))
                return pdc_error_set(err, PODC_ECANCELLED, "service %s: cancelled while waiting for dependency %s",
                                     x->spec->name, dep);
            char *why = NULL;
            unsigned long gen = registry_generation();
            int r = dependency_ready(x->c, dep, &why);
            if (r == PODC_ETRANSPORT) {
                podc_error *e = pdc_error_new(PODC_ETRANSPORT, "service %s: the podman service went away while "
                                               "waiting for dependency %s: %s", x->spec->name, dep, why);
                pdc_error_add_detail(e, "socket", podc_client_socket_path(x->c));
                free(why);
                return pdc_error_put(err, e);
            }
            if (r < 0)
                return pdc_error_oom(err);
            if (r == 1)
                break;
            int64_t left = x->deadline - pdc_svc_now_ms();
            if (left <= 0) {
                podc_error *e = pdc_error_new(PODC_EHEALTH, "service %s: dependency %s is not healthy: %s",
                                              x->spec->name, dep, why);
                pdc_error_set_container(e, dep, NULL);
                free(why);
                return pdc_error_put(err, e);
            }
            free(why);
            sleep_or_registry_change(x->c, interval < left ? interval : left, gen);
            interval = interval * 2 < 500 ? interval * 2 : 500;
        }
        int rc = step(x, err, "dependency %s is healthy", dep);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Pull lines become the service's steps. */
static int pull_line(const char *data, size_t len, void *ud)
{
    start_ctx *x = ud;
    return step(x, NULL, "%.*s", (int)len, data) < 0;
}

/* Without a build the image comes as the pull policy says; the startup timeout excludes it. */
static int pull_if_needed(start_ctx *x, podc_error **err)
{
    const podc_service_spec *s = x->spec;
    int64_t t = pdc_svc_now_ms();
    int pulled = 0;
    int rc = pdc_image_ensure(x->c, s->image, s->pull, s->progress ? pull_line : NULL, x, &pulled, err);
    if (rc < 0) {
        if (err && *err)
            pdc_error_prefix(*err, "service %s", s->name);
        return rc;
    }
    x->deadline += pdc_svc_now_ms() - t;
    return pulled ? step(x, err, "pulled image %s", s->image) : 0;
}

static int build_if_needed(start_ctx *x, podc_error **err)
{
    const podc_service_spec *s = x->spec;
    if (!s->has_build)
        return pull_if_needed(x, err);
    int exists = 0, rc;
    if (!s->build_always && (rc = podc_image_exists(x->c, s->image, &exists, err)) < 0)
        return rc;
    if (exists)
        return step(x, err, "image %s present, not building", s->image);
    if ((rc = step(x, err, "building image %s from %s", s->image, s->build_ctx)) < 0)
        return rc;
    podc_image_build_options *o = podc_image_build_options_new();
    if (!o)
        return pdc_error_oom(err);
    rc = podc_image_build_options_add_tag(o, s->image, NULL);
    if (!rc && s->containerfile)
        rc = podc_image_build_options_set_containerfile(o, s->containerfile, NULL);
    for (size_t i = 0; !rc && i < s->build_args.n; i++)
        rc = podc_image_build_options_add_build_arg(o, s->build_args.keys[i], s->build_args.vals[i], NULL);
    rc = rc ? rc : podc_image_build_options_add_label(o, PODC_SERVICE_LABEL_SESSION, x->session, NULL);
    rc = rc ? rc : podc_image_build_options_add_label(o, PODC_SERVICE_LABEL_MANAGED, "true", NULL);
    for (size_t i = 0; !rc && i < s->build_labels.n; i++)
        rc = podc_image_build_options_add_label(o, s->build_labels.keys[i], s->build_labels.vals[i], NULL);
    if (rc) {
        podc_image_build_options_free(o);
        return pdc_error_set(err, rc, "service %s: build options: %s", s->name, podc_strerror(rc));
    }
    int64_t tb = pdc_svc_now_ms();
    char *image_id = NULL;
    rc = podc_image_build(x->c, s->build_ctx, o, &image_id, err);
    podc_image_build_options_free(o);
    if (rc < 0) {
        if (err && *err)
            pdc_error_prefix(*err, "service %s", s->name);
        return rc;
    }
    x->deadline += pdc_svc_now_ms() - tb; /* the startup timeout excludes the build */
    rc = step(x, err, "built image %s (%.12s)", s->image, image_id);
    free(x->built_image);
    x->built_image = image_id ? strdup(image_id) : NULL;
    podc_free(image_id);
    return rc;
}

static int ensure_network(start_ctx *x, podc_error **err)
{
    if (!x->spec->network)
        return 0;
    podc_network_options *o = podc_network_options_new();
    if (!o)
        return pdc_error_oom(err);
    int rc = podc_network_options_add_label(o, PODC_SERVICE_LABEL_SESSION, x->session, NULL);
    rc = rc ? rc : podc_network_options_add_label(o, PODC_SERVICE_LABEL_MANAGED, "true", NULL);
    rc = rc ? pdc_error_set(err, rc, "out of memory") : podc_network_ensure(x->c, x->spec->network, o, &x->net_created,
                                                                            err);
    podc_network_options_free(o);
    if (rc < 0)
        return rc;
    return step(x, err, "network %s %s", x->spec->network, x->net_created ? "created" : "exists");
}

/* The error for a container that stopped while we waited: name, id, exit code, OOM, logs. */
static podc_error *exited_error(start_ctx *x, const pdc_svc_watch *w, const char *reason, int64_t waited)
{
    int oom = 0, presumed = 0, exit_code = w->exit_code;
    const podc_container_info *info = w->final; /* the watcher's inspect that saw the exit */
    if (info) {
        oom = podc_container_info_oom_killed(info) == 1;
        exit_code = podc_container_info_exit_code(info);
        /* conmon (cgroups v1) often misses the OOM event, so podman says OOMKilled=false even
         * though the kernel killed it. Nothing here sends SIGKILL while waiting: with a limit
         * set, 137 is the OOM killer unless someone else killed it. */
        presumed = !oom && exit_code == 137 && pdc_container_spec_memory_limit(x->spec->container) > 0;
    }
    char how[160];
    if (oom)
        snprintf(how, sizeof how, "was OOM-killed");
    else if (presumed)
        snprintf(how, sizeof how,
                 "was OOM-killed (presumably: SIGKILL with a memory limit of %lld bytes; podman did not "
                 "report it)",
                 (long long)pdc_container_spec_memory_limit(x->spec->container));
    else
        snprintf(how, sizeof how, "exited");
    podc_error *e = pdc_error_new(PODC_EHEALTH,
                                  "service %s: container %s with code %d while waiting to become healthy "
                                   "(after %lld ms; last check: %s)",
                                   x->spec->name, how, exit_code, (long long)waited, reason ? reason : "none yet");
    pdc_error_set_exit_code(e, exit_code);
    if (oom || presumed)
        pdc_error_add_detail(e, "oom_killed", oom ? "true" : "presumed");
    if (pdc_container_spec_memory_limit(x->spec->container) > 0) {
        char lim[24];
        snprintf(lim, sizeof lim, "%lld", (long long)pdc_container_spec_memory_limit(x->spec->container));
        pdc_error_add_detail(e, "memory_limit", lim);
    }
    return e;
}

static void attach_container(start_ctx *x, podc_error *e)
{
    pdc_error_set_container(e, x->spec->name, x->id);
    char *tail = NULL;
    if (podc_logs_tail(x->c, x->id, LOG_TAIL_LINES, &tail, NULL) == 0)
        pdc_error_set_log_tail(e, tail);
    podc_free(tail);
}

/* Waits until every check passes, the container exits, or the deadline. */
static int wait_healthy(start_ctx *x, pdc_svc_watch *w, podc_container_info *info, podc_error **err)
{
    const podc_service_spec *s = x->spec;
    pdc_svc_health h = { .spec = s, .container = x->id, .info = info, .abort_flag = &w->exited,
                          .cancel_of = x->c, .address = podc_client_host(x->c) };
    if (s->n_checks && (!(h.passed = calloc(s->n_checks, 1)) || !(h.logpos = calloc(s->n_checks, sizeof *h.logpos)))) {
        free(h.passed);
        return pdc_error_oom(err);
    }
    int64_t interval = s->poll_initial_ms, t_start = pdc_svc_now_ms();
    int tries = 0, rc = 0;
    char *reason = NULL;
    for (;;) {
        if (pdc_client_cancelled(x->c)) {
            podc_error *e = pdc_error_new(PODC_ECANCELLED, "service %s: cancelled while waiting for health checks",
                                          s->name);
            pdc_error_set_container(e, s->name, x->id);
            rc = pdc_error_put(err, e);
            break;
        }
        if (atomic_load(&w->exited) || atomic_load(&w->lost)) {
            /* the watcher sets the flag and interrupts our call in flight under its lock: once
             * we hold it too, that interrupt is spent and cannot hit the inspect or log tail below */
            pthread_mutex_lock(&w->mu);
            pthread_mutex_unlock(&w->mu);
        }
        if (atomic_load(&w->lost) && !atomic_load(&w->exited)) {
            /* the watcher's wait failed: a dead service drops its connection at once, so this
             * is noticed within a poll, not at the deadline */
            int code = podc_error_code(w->lost_err);
            podc_error *e;
            if (code == PODC_ENOTFOUND) {
                e = pdc_error_new(PODC_EHEALTH, "service %s: the container was removed while waiting for it to "
                                   "become healthy", s->name);
            } else {
                e = pdc_error_new(code == PODC_ECANCELLED ? PODC_ETRANSPORT : code,
                                  "service %s: the podman service went away while waiting for health checks: %s",
                                  s->name, podc_error_message(w->lost_err));
                pdc_error_add_detail(e, "socket", podc_client_socket_path(x->c));
            }
            pdc_error_set_container(e, s->name, x->id);
            rc = pdc_error_put(err, e);
            break;
        }
        if (atomic_load(&w->exited)) {
            step(x, NULL, "container stopped (exit code %d)", w->exit_code);
            podc_error *e = exited_error(x, w, reason, pdc_svc_now_ms() - t_start);
            attach_container(x, e);
            rc = pdc_error_put(err, e);
            break;
        }
        char *r = NULL;
        int ok = pdc_svc_health_try(x->c, &h, &r);
        tries++;
        if (ok == PODC_EINVAL && r) {
            podc_error *e = pdc_error_new(PODC_EINVAL, "service %s: %s", s->name, r);
            pdc_error_add_detail(e, "field", "checks");
            attach_container(x, e);
            free(r);
            rc = pdc_error_put(err, e);
            break;
        }
        if (ok < 0 && (atomic_load(&w->exited) || atomic_load(&w->lost)) && !pdc_client_cancelled(x->c)) {
            free(r);
            continue; /* a probe the watcher interrupted: the exit or the loss is reported at the top */
        }
        if (ok < 0) {
            free(r);
            rc = pdc_error_set(err, ok, "service %s: health check: %s", s->name, podc_strerror(ok));
            break;
        }
        if (ok == 1 && !atomic_load(&w->exited)) {
            rc = step(x, err, "healthy after %lld ms (%d %s)", (long long)(pdc_svc_now_ms() - t_start), tries,
                      tries == 1 ? "try" : "tries");
            break;
        }
        if (r) {
            free(reason);
            reason = r;
        }
        if (atomic_load(&w->exited))
            continue; /* reported at the top */
        int64_t left = x->deadline - pdc_svc_now_ms();
        if (left <= 0) {
            /* from here on the watcher must not cancel our calls (the log tail below) */
            pthread_mutex_lock(&w->mu);
            w->stopping = 1;
            pthread_mutex_unlock(&w->mu);
            podc_error *e = pdc_error_new(PODC_EHEALTH, "service %s: not healthy after %lld ms (%d tries): %s",
                                          s->name, (long long)s->startup_timeout_ms, tries,
                                          reason ? reason : "no reason");
            if (reason)
                pdc_error_add_detail(e, "reason", reason);
            attach_container(x, e);
            rc = pdc_error_put(err, e);
            break;
        }
        pdc_svc_watch_sleep(w, interval < left ? interval : left);
        if (pdc_svc_now_ms() - t_start >= POLL_HOLD_MS) /* back off only after the first second */
            interval = interval + interval / 2 + 1 < s->poll_max_ms ? interval + interval / 2 + 1 : s->poll_max_ms;
    }
    free(reason);
    free(h.passed);
    free(h.logpos);
    return rc;
}

static int make_handle(start_ctx *x, const podc_container_info *info, podc_service **out, podc_error **err)
{
    const podc_service_spec *s = x->spec;
    podc_service *svc = calloc(1, sizeof *svc);
    if (!svc)
        return pdc_error_oom(err);
    const char *ip = NULL;
    if (s->network)
        ip = podc_container_info_ip(info, s->network);
    else if (podc_container_info_network_count(info) > 0)
        ip = podc_container_info_network_ip_at(info, 0);
    int bad = !(svc->name = strdup(s->name)) || !(svc->id = strdup(x->id)) ||
              !(svc->host = strdup(podc_client_host(x->c))) ||
              !(svc->session = strdup(x->session)) || (s->network && !(svc->network = strdup(s->network))) ||
              (ip && *ip && !(svc->ip = strdup(ip)));
    if (!bad && s->n_ports && !(svc->ports = calloc(s->n_ports * 2, sizeof *svc->ports)))
        bad = 1;
    if (bad) {
        podc_service_free(svc);
        return pdc_error_oom(err);
    }
    for (size_t i = 0; i < s->n_ports; i++) {
        svc->ports[2 * i] = s->ports[2 * i];
        svc->ports[2 * i + 1] = podc_container_info_host_port(info, s->ports[2 * i], "tcp");
    }
    svc->n_ports = s->n_ports;
    svc->startup_ms = pdc_svc_now_ms() - x->t0;
    svc->built_image = x->built_image; /* the handle takes it */
    x->built_image = NULL;
    *out = svc;
    return 0;
}

/* Undo after a failure: the container (unless kept) and the network this call created. */
static void rollback(start_ctx *x, podc_error **err)
{
    char left[600] = "";
    if (x->id && !x->spec->keep_on_failure) {
        podc_error *e = NULL;
        if (podc_container_remove(x->c, x->id, PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING,
                                  &e) == 0) {
            step(x, NULL, "removed container after the failure");
        } else {
            step(x, NULL, "could not remove container %s: %s", x->spec->name, podc_error_message(e));
            snprintf(left, sizeof left, "%s", x->spec->name);
        }
        podc_error_free(e);
    } else if (x->id) {
        step(x, NULL, "kept container %.12s for debugging", x->id);
    }
    if (x->net_created && !(x->id && x->spec->keep_on_failure)) {
        podc_error *e = NULL;
        if (podc_network_remove(x->c, x->spec->network, 0, &e) == 0) {
            step(x, NULL, "removed network %s", x->spec->network);
        } else {
            step(x, NULL, "could not remove network %s: %s", x->spec->network, podc_error_message(e));
            size_t n = strlen(left);
            snprintf(left + n, sizeof left - n, "%snetwork %s", n ? ", " : "", x->spec->network);
        }
        podc_error_free(e);
    }
    /* say so instead of claiming a clean failure: `podc cleanup --session` finds them later */
    if (left[0] && err && *err) {
        pdc_error_add_detail(*err, "not_removed", left);
        pdc_error_add_detail(*err, "session", x->session);
    }
}

/* Everything up to a container that only needs its process started: dependencies, build,
 * network, stale container, create and, when init is set, podman's init. */
static int prepare_steps(start_ctx *x, int init, podc_error **err)
{
    const podc_service_spec *spec = x->spec;
    podc_container_spec *cs = NULL;
    int rc;
    if ((rc = wait_dependencies(x, err)) < 0 || (rc = build_if_needed(x, err)) < 0 ||
        (rc = ensure_network(x, err)) < 0)
        return rc;
    rc = podc_container_remove(x->c, spec->name,
                               PODC_CONTAINER_REMOVE_FORCE | PODC_CONTAINER_REMOVE_IGNORE_MISSING, err);
    if (rc < 0 || (rc = step(x, err, "no stale container")) < 0)
        return rc;
    if ((rc = pdc_svc_container_spec(spec, x->session, &cs, err)) == 0 &&
        (rc = podc_container_create(x->c, cs, &x->id, err)) == 0)
        rc = step(x, err, "created container %.12s", x->id);
    podc_container_spec_free(cs);
    if (rc < 0 || !init)
        return rc;
    if ((rc = podc_container_init(x->c, x->id, err)) < 0) {
        if (err && *err)
            pdc_error_set_container(*err, spec->name, x->id);
        return rc;
    }
    return step(x, err, "initialized (network, ports, mounts ready; process not started)");
}

/* Start -> watcher -> healthy -> a new handle in *out. */
static int run_steps(start_ctx *x, podc_service **out, podc_error **err)
{
    pdc_svc_watch w;
    memset(&w, 0, sizeof w);
    podc_container_info *info = NULL;
    int rc = podc_container_start(x->c, x->id, err);
    if (rc < 0 && err && *err)
        pdc_error_set_container(*err, x->spec->name, x->id);
    /* host ports picked by podman are known from here on. Inspected before the watcher runs:
     * a watcher that sees the exit interrupts the client's call in flight, and this one must
     * not be it (it would fail as cancelled, not with the exit) */
    if (rc == 0 && (rc = step(x, err, "started")) == 0)
        rc = podc_container_inspect(x->c, x->id, &info, err);
    if (rc == 0)
        rc = pdc_svc_watch_start(&w, x->c, x->id, err);
    if (rc == 0)
        rc = wait_healthy(x, &w, info, err);
    pdc_svc_watch_stop(&w);
    podc_container_info_free(info);
    info = NULL;
    /* inspect again: the IP address is only certain once the container runs */
    if (rc == 0 && (rc = podc_container_inspect(x->c, x->id, &info, err)) == 0)
        rc = make_handle(x, info, out, err);
    podc_container_info_free(info);
    return rc;
}

/* The common opening of the three entry points: arguments checked, context set up, the name
 * registered (dependents wait while it is). */
static int begin(start_ctx *x, podc_client *c, const podc_service_spec *spec, const void *out, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    if (!out)
        return pdc_error_invalid(err, spec ? "out" : "spec", "NULL argument");
    int rc = podc_service_spec_validate(spec, err);
    if (rc < 0)
        return rc;
    *x = (start_ctx){ .c = c, .spec = spec, .session = pdc_svc_session_of(spec), .t0 = pdc_svc_now_ms() };
    x->deadline = x->t0 + spec->startup_timeout_ms;
    if (pdc_svc_registry_add(c, spec->name) < 0)
        return pdc_error_oom(err);
    pdc_call_enter(c); /* a cancel lasts until finish() */
    return 0;
}

/* The common close: on failure the rollback; the name unregistered. */
static int finish(start_ctx *x, int rc, podc_error **err)
{
    if (rc < 0) {
        step(x, NULL, "failed: %s", err && *err ? podc_error_message(*err) : podc_strerror(rc));
        pdc_client_shield_begin(x->c); /* a cancelled start still removes what it created */
        rollback(x, err);
        pdc_client_shield_end(x->c);
    }
    podc_free(x->id);
    free(x->built_image);
    pdc_svc_registry_remove(x->c, x->spec->name);
    pdc_call_leave(x->c);
    return rc;
}

int podc_service_start(podc_client *c, const podc_service_spec *spec, podc_service **out, podc_error **err)
{
    start_ctx x;
    int rc = begin(&x, c, spec, out, err);
    if (rc < 0)
        return rc;
    if ((rc = prepare_steps(&x, 0, err)) == 0)
        rc = run_steps(&x, out, err);
    return finish(&x, rc, err);
}

int podc_service_prepare(podc_client *c, const podc_service_spec *spec, podc_service **out, podc_error **err)
{
    start_ctx x;
    int rc = begin(&x, c, spec, out, err);
    if (rc < 0)
        return rc;
    podc_container_info *info = NULL;
    if ((rc = prepare_steps(&x, 1, err)) == 0 && (rc = podc_container_inspect(c, x.id, &info, err)) == 0 &&
        (rc = make_handle(&x, info, out, err)) == 0) {
        (*out)->prepared = 1;
        (*out)->net_created = x.net_created;
    }
    podc_container_info_free(info);
    return finish(&x, rc, err);
}

int podc_service_start_prepared(podc_client *c, const podc_service_spec *spec, podc_service *svc, podc_error **err)
{
    if (svc && spec && (!svc->prepared || strcmp(svc->name, spec->name) != 0))
        return pdc_error_invalid(err, "service",
                                 "service %s: not a prepared service of this spec (prepared: %s, spec: %s)",
                                 svc->name, svc->prepared ? "yes" : "no", spec->name);
    start_ctx x;
    int rc = begin(&x, c, spec, svc, err);
    if (rc < 0)
        return rc;
    x.net_created = svc->net_created;
    if (!(x.id = strdup(svc->id))) {
        x.net_created = 0; /* nothing to roll back for an allocation failure */
        return finish(&x, pdc_error_oom(err), err);
    }
    podc_service *fresh = NULL;
    if ((rc = run_steps(&x, &fresh, err)) == 0) { /* the caller's handle takes the new contents */
        podc_service old = *svc;
        *svc = *fresh;
        *fresh = old;
        svc->built_image = fresh->built_image; /* what prepare built stays known */
        fresh->built_image = NULL;
    } else {
        svc->prepared = 0; /* its container is gone (unless kept): it can't be started again */
    }
    podc_service_free(fresh);
    return finish(&x, rc, err);
}

/* ---- the handle ---- */

const char *podc_service_name(const podc_service *svc)
{
    return svc ? svc->name : NULL;
}

const char *podc_service_id(const podc_service *svc)
{
    return svc ? svc->id : NULL;
}

const char *podc_service_network(const podc_service *svc)
{
    return svc ? svc->network : NULL;
}

const char *podc_service_ip(const podc_service *svc)
{
    return svc ? svc->ip : NULL;
}

const char *podc_service_session(const podc_service *svc)
{
    return svc ? svc->session : NULL;
}

int podc_service_host_port(const podc_service *svc, int container_port)
{
    if (!svc)
        return -1;
    for (size_t i = 0; i < svc->n_ports; i++)
        if (svc->ports[2 * i] == container_port)
            return svc->ports[2 * i + 1];
    return -1;
}

const char *podc_service_host(const podc_service *svc)
{
    return svc ? svc->host : NULL;
}

int podc_service_url(const podc_service *svc, int container_port, const char *path, char **out)
{
    if (!svc || !out)
        return PODC_EINVAL;
    int port = podc_service_host_port(svc, container_port);
    if (port <= 0)
        return PODC_ENOTFOUND;
    const char *p = path ? path : "";
    char *s = NULL;
    const char *host = svc->host ? svc->host : "127.0.0.1";
    if (asprintf(&s, strchr(host, ':') ? "http://[%s]:%d%s%s" : "http://%s:%d%s%s", host, port,
                 *p && *p != '/' ? "/" : "", p) < 0)
        return PODC_ENOMEM;
    *out = s;
    return 0;
}

int64_t podc_service_startup_ms(const podc_service *svc)
{
    return svc ? svc->startup_ms : -1;
}

void podc_service_free(podc_service *svc)
{
    if (!svc)
        return;
    free(svc->name);
    free(svc->id);
    free(svc->network);
    free(svc->ip);
    free(svc->host);
    free(svc->session);
    free(svc->ports);
    free(svc->built_image);
    free(svc);
}

const char *pdc_svc_built_image(const podc_service *svc)
{
    return svc ? svc->built_image : NULL;
}
