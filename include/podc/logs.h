/*
 * podc/logs.h - a container's output: collected into memory, or streamed (and followed) to a
 * callback. GET /libpod/containers/{name}/logs; podman multiplexes stdout and stderr in one
 * framed stream and podc separates them.
 *
 * Thread-safety: as for the client the call runs on. A follow is stopped from another thread
 * with podc_client_cancel().
 */
#ifndef PODC_LOGS_H
#define PODC_LOGS_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stream ids given to podc_output_cb. */
#define PODC_STREAM_STDOUT 1
#define PODC_STREAM_STDERR 2

/*
 * Receives output of one stream (PODC_STREAM_STDOUT or PODC_STREAM_STDERR), len > 0, in the
 * order it was produced. data is borrowed for the call and not NUL-terminated.
 * Return 0 to continue, non-zero to stop: the call then returns PODC_ECANCELLED.
 * Thread: the calling thread, during the call only.
 */
typedef int (*podc_output_cb)(int stream, const char *data, size_t len, void *userdata);

#define PODC_LOGS_OPTIONS_VERSION 1

typedef struct podc_logs_options {
    unsigned int version;      /* PODC_LOGS_OPTIONS_VERSION */
    int want_stdout;           /* include stdout (default 1) */
    int want_stderr;           /* include stderr (default 1); at least one of the two */
    int64_t tail;              /* last N records only; -1 = all (default). 0 gives nothing */
    int64_t since;             /* only records at or after this unix time in seconds; 0 = no limit */
    const char *since_text;    /* same, as podman parses it: "10m", RFC3339, "1700000000.5";
                                * NULL = unused; wins over `since` when set */
    int timestamps;            /* prefix each record with its RFC3339 time and a space */
    int follow;                /* keep reading until the container stops (or stop/cancel) */
    int64_t timeout_ms;        /* 0 = the client's timeout, or none when following; -1 = none */
} podc_logs_options;

#define PODC_LOGS_OPTIONS_INIT { PODC_LOGS_OPTIONS_VERSION, 1, 1, -1, 0, NULL, 0, 0, 0 }

/* Fills opts with the defaults above; PODC_EINVAL for an unknown version. */
PODC_EXTERN int podc_logs_options_init(podc_logs_options *opts, unsigned int version);

/*
 * Streams the container's output to cb. Each call normally carries one log record (a line,
 * or a partial line the program wrote without '\n'); records over 1 MiB come in pieces.
 * opts may be NULL (defaults). With follow, the call returns 0 when the container stops;
 * note that podman sends nothing at all, not even headers, until the first new record.
 * Errors: PODC_EINVAL (bad name or options, nothing sent; or podman's 400, e.g. a since_text
 * it cannot parse), PODC_ENOTFOUND, PODC_ECANCELLED (cb returned non-zero or
 * podc_client_cancel()), PODC_ETIMEOUT, PODC_EPROTOCOL (stream not framed), transport.
 * When an error is returned, cb may already have been called for earlier output.
 */
PODC_EXTERN int podc_logs_stream(podc_client *c, const char *container, const podc_logs_options *opts,
                                 podc_output_cb cb, void *userdata, podc_error **err);

typedef struct podc_logs podc_logs;

/*
 * Reads the output into memory (with follow: until the container stops). *out is new; free
 * it with podc_logs_free(). Errors as for podc_logs_stream().
 */
PODC_EXTERN int podc_logs_get(podc_client *c, const char *container, const podc_logs_options *opts,
                              podc_logs **out, podc_error **err);
/* stdout text, stderr text, and both interleaved in the order produced. Borrowed,
 * NUL-terminated (output containing NUL bytes: use the _len accessors). Never NULL. */
PODC_EXTERN const char *podc_logs_stdout(const podc_logs *l);
PODC_EXTERN const char *podc_logs_stderr(const podc_logs *l);
PODC_EXTERN const char *podc_logs_combined(const podc_logs *l);
PODC_EXTERN size_t podc_logs_stdout_len(const podc_logs *l);
PODC_EXTERN size_t podc_logs_stderr_len(const podc_logs *l);
PODC_EXTERN size_t podc_logs_combined_len(const podc_logs *l);
PODC_EXTERN void podc_logs_free(podc_logs *l);

/*
 * The last n lines of stdout and stderr combined (n >= 1), as one new string (free with
 * podc_free()); "" when the container logged nothing. Meant for error reports.
 * Errors as for podc_logs_get().
 */
PODC_EXTERN int podc_logs_tail(podc_client *c, const char *container, int64_t n, char **out_text,
                               podc_error **err);

#ifdef __cplusplus
}
#endif
#endif
