/* error-private.h - building podc_error objects inside the library. */
#ifndef PODC_CORE_ERROR_PRIVATE_H
#define PODC_CORE_ERROR_PRIVATE_H

#include "podc/error.h"

#define PODC_ERROR_MAX_DETAILS 8

struct podc_error {
    int code;
    int http_status;
    char *message;
    char *cause;
    char *server_message;
    char *method;
    char *path;
    char *container;
    char *container_id;
    int has_exit_code;
    int exit_code;
    char *log_tail;
    size_t ndetails;
    struct {
        char *key;
        char *val;
    } details[PODC_ERROR_MAX_DETAILS];
};

/* A new error (never NULL: on OOM a shared static PODC_ENOMEM error is returned, which
 * podc_error_free() and the setters below know to leave alone). */
podc_error *pdc_error_new(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Stores e in *err (freeing what was there) or frees it when err is NULL; returns e's code. */
int pdc_error_put(podc_error **err, podc_error *e);
/* pdc_error_put(err, pdc_error_new(code, fmt, ...)). */
int pdc_error_set(podc_error **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* pdc_error_set(err, PODC_ENOMEM, "out of memory"). */
int pdc_error_oom(podc_error **err);
/* Invalid input naming the field; nothing was sent. */
int pdc_error_invalid(podc_error **err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The result of a builder setter named setter (its __func__): code as it is; a failure also
 * becomes *err (when err is not NULL): "<setter>: invalid input" with detail field = what it
 * sets (the name after _set_/_add_), or out of memory. */
int pdc_setter_result(podc_error **err, const char *setter, int code);

/*
 * A local path the OS refused (errnum): PODC_EFILE, or invalid input when field names the
 * caller's argument and the path does not exist (ENOENT, ENOTDIR). The message is the
 * formatted text, ": ", strerror(errnum); details path, errno (its name), field when given.
 */
podc_error *pdc_error_local(int errnum, const char *field, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int pdc_error_set_local(podc_error **err, int errnum, const char *field, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Setters tolerate NULL e; strings are copied. */
void pdc_error_set_request(podc_error *e, const char *method, const char *path_and_query);
void pdc_error_set_server(podc_error *e, int http_status, const char *cause, const char *message);
void pdc_error_set_container(podc_error *e, const char *name, const char *id);
void pdc_error_set_exit_code(podc_error *e, int code);
void pdc_error_set_log_tail(podc_error *e, const char *tail);
void pdc_error_add_detail(podc_error *e, const char *key, const char *val);
/* Puts "context: " in front of the message. */
void pdc_error_prefix(podc_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Turns a non-2xx reply into an error: parses podman's {"cause","message","response"} body
 * (or takes plain text), and picks the category from the status and, for podman's many
 * HTTP 500s, from the cause.
 */
podc_error *pdc_error_from_reply(int status, const char *body, const char *method, const char *path);
/* The category for a status + cause (exposed for unit tests). */
int pdc_error_category_for(int status, const char *cause, const char *message);

#endif
