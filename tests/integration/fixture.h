/* fixture.h - the one fixture of the integration suites.
 *
 * Ownership: every container, network and image a test makes carries the label
 * podc-it=<runner pid> (itest_spec(), itest_net_options(), itest_service_spec()), and every
 * session it starts is named podc-it-<runner pid>-<suffix> (itest_session()). itest_cleanup(),
 * the unchecked teardown of every TCase made by itest_tcase(), removes both kinds, so it runs in
 * the runner even when a forked test died half-way; tests end with their own leftover query.
 * The runner's pid is fixed by itest_init() in main() before any test forks.
 *
 * The tests link the shipped libpodc: everything here uses the public API only, except
 * itest_raw(), a plain HTTP request (libcurl) for what podc has no call for. */
#ifndef PODC_TESTS_INTEGRATION_FIXTURE_H
#define PODC_TESTS_INTEGRATION_FIXTURE_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "podc.h"

#define ITEST_LABEL "podc-it"
#define ITEST_BASE_IMAGE "localhost/podc-base:latest"
#define ITEST_HTTP_IMAGE "localhost/podc-httpsvc:test"
#define ITEST_REDIS_IMAGE "localhost/podc-redis:test"

/* ck_assert with the error's JSON in the failure message. */
#define ck_assert_ok(expr, errp)                                                              \
    do {                                                                                      \
        int rc_ = (expr);                                                                     \
        ck_assert_msg(rc_ == 0, "%s failed (%d): %s", #expr, rc_,                            \
                      *(errp) ? podc_error_message(*(errp)) : "no error object");              \
    } while (0)

/* ---- run, ownership, teardown ---- */
/* Fixes the runner's pid (call once in main, before the suites run). */
void itest_init(void);
/* The runner's pid as text, and "podc-it=<runner pid>". */
const char *itest_owner(void);
const char *itest_owner_label(void);
/* "podc-it-<runner pid>-<suffix>": a session the teardown finds. The string lives until exit. */
const char *itest_session(const char *suffix);
/* A TCase with the timeout and the teardown below (unchecked: it runs in the runner). */
TCase *itest_tcase(const char *name, double timeout_s);
/* Removes everything owned by this run: labelled containers, networks and images, then every
 * podc-it-<runner pid>-* session. Errors are ignored (an unchecked teardown). */
void itest_cleanup(void);
/* Removes everything of one session (errors ignored). */
void itest_cleanup_session(const char *session);

/* ---- clients and names ---- */
/* A client on the service found by normal discovery; fails the test when there is none. */
podc_client *itest_client(void);
/* "podc-it-<pid>-<suffix>" (the test's own pid); free it. */
char *itest_name(const char *suffix);
int64_t itest_now_ms(void);
/* "2026-11-25T20:29:44.624531457Z" (podman's UTC times) -> unix ms, or -1. */
int64_t itest_rfc3339_ms(const char *t);
/* A container's Created, StartedAt or FinishedAt, unix ms (the test fails without it). */
enum { ITEST_CREATED, ITEST_STARTED, ITEST_FINISHED };
int64_t itest_container_ms(podc_client *c, const char *name, int which);

/* ---- specs that carry the owner label ---- */
/* A spec named `name` with the image, the owner label and, when script is not NULL, the
 * command `/bin/busybox sh -c script`. */
podc_container_spec *itest_spec(const char *name, const char *image, const char *script);
/* Network options with the owner label (dns_enabled stays podc's default: on). */
podc_network_options *itest_net_options(void);
/* A service spec named itest_name(suffix) in session podc-it-<runner pid>-<suffix>-s with the
 * owner label; *name_out and *session_out (free them) may be NULL. */
podc_service_spec *itest_service_spec(const char *suffix, const char *image, char **name_out, char **session_out);
/* A stack config with the offline images, free ports, the test migrations and session. */
podc_ds_config *itest_ds_config(const char *service, const char *session);

/* ---- containers in one line each (the test fails on an error) ---- */
/* Creates (not starts) `/bin/busybox sh -c script` of the base image, named itest_name(suffix),
 * stop timeout 1 s, with one more label when label_key is not NULL. Returns the name (free it). */
char *itest_create(podc_client *c, const char *suffix, const char *script, const char *label_key,
                   const char *label_val);
void itest_start(podc_client *c, const char *name);
/* itest_create + itest_start. */
char *itest_run(podc_client *c, const char *suffix, const char *script);
/* Waits until stopped (60 s): the exit code, or -1 on error. */
int itest_wait(podc_client *c, const char *name);
void itest_stop(podc_client *c, const char *name);
/* Force-removes; a missing container or NULL is fine. */
void itest_remove(podc_client *c, const char *name);
/* Creates, starts and waits for a container built from spec; returns its exit code. */
int itest_run_to_exit(podc_client *c, const podc_container_spec *spec);
/* Container B resolves container A by a network alias and by name through the DNS of a
 * network made for it; everything is removed again. */
void itest_check_dns_alias(podc_client *c);

/* ---- queries ---- */
/* Containers (all states) and networks carrying label ("key=value"). */
size_t itest_label_leftovers(podc_client *c, const char *label);
/* Containers (all states) and networks carrying the DataStorage stack label of service. */
size_t itest_stack_leftovers(podc_client *c, const char *service);
/* A request podc has no call for, on c's endpoint (unix socket or tcp; for ssh the socket the
 * test's own sshd forwards to, on this machine): the HTTP status, or -1. */
int itest_raw(podc_client *c, const char *method, const char *path);

/* ---- text a callback collects ---- */
typedef struct itest_text {
    char *data; /* NUL-terminated once anything was added */
    size_t len, cap;
} itest_text;
#define ITEST_TEXT_INIT { NULL, 0, 0 }
void itest_text_append(itest_text *t, const void *data, size_t len);
void itest_text_printf(itest_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *itest_text_detach(itest_text *t);
void itest_text_free(itest_text *t);

#endif
