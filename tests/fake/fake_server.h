/* Scripted fake HTTP/1.1 server on a unix socket, for podc's Check tests.
 *
 * It plays back canned raw responses so tests can exercise what a real Podman
 * service cannot be made to do: malformed JSON, connections dropped mid-body,
 * servers that never answer, idle keep-alive connections closed by the server,
 * slow answers, chunked bodies split at awkward places.
 *
 * Requests are parsed properly (keep-alive, pipelining, Content-Length and
 * chunked request bodies), so several requests on one connection work.
 * Only libc and pthreads are used. SIGPIPE is never raised (MSG_NOSIGNAL). */
#ifndef PODC_TESTS_FAKE_SERVER_H
#define PODC_TESTS_FAKE_SERVER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fake_response {
    const char *raw;        /* full raw HTTP response bytes to send (status line, headers, body) */
    size_t raw_len;         /* 0 => strlen(raw) (raw == NULL => nothing) */
    int delay_ms;           /* sleep before sending anything */
    long drop_after;        /* >=0: send only the first drop_after bytes, then close the connection; -1: send all */
    int close_after;        /* 1: close the connection after sending this response (without saying Connection: close) */
    int never_answer;       /* 1: read the request, then send nothing until the server is stopped
                             *    (or the client closes its end) */
    int chunk_pause_ms;     /* >0: send the response in pieces of chunk_size bytes with this pause between */
    size_t chunk_size;      /*     (0 => 1 byte pieces) */
} fake_response;

typedef struct fake_server fake_server;

/* Starts a server thread listening on a fresh unix socket in a temp dir
 * ($TMPDIR if it is short enough, else /tmp). Request i (counted across all
 * connections, in the order they were fully read) gets script[min(i, n-1)].
 * The script array and the bytes its raw pointers refer to are copied, so the
 * caller may free them right away. Returns NULL on failure (or n == 0). */
fake_server *fake_server_start(const fake_response *script, size_t n);

const char *fake_server_path(const fake_server *s);      /* socket path */
int fake_server_requests(fake_server *s);                /* requests fully read so far */
int fake_server_connections(fake_server *s);             /* connections accepted so far */
int fake_server_open_connections(fake_server *s);        /* accepted and not yet closed by the server */

/* Waits until at least n requests have been fully read. Returns 1 if so,
 * 0 on timeout (timeout_ms < 0 => wait forever). */
int fake_server_wait_requests(fake_server *s, int n, int timeout_ms);

/* Copy of the raw bytes (headers+body) of request i, NUL-terminated, or NULL;
 * caller frees. */
char *fake_server_request(fake_server *s, int i);
/* Same, also storing the byte length (requests may contain NUL bytes). */
char *fake_server_request_len(fake_server *s, int i, size_t *len);

/* Closes every open idle connection now (simulates podman's idle close): a
 * connection is idle when it has no partial request buffered and is not busy
 * answering. A response whose last bytes are just being handed to the kernel
 * is waited for, so "client read the response, then test calls close_idle"
 * is deterministic. Returns once those connections are closed. */
void fake_server_close_idle(fake_server *s);

/* Stops everything (also connections in never_answer / delay / blocked sends),
 * joins threads, removes the socket and dir, frees. NULL is a no-op. */
void fake_server_stop(fake_server *s);

/* Helper to build a response: returns malloc'd
 * "HTTP/1.1 <status> <reason>\r\nContent-Type: <ctype>\r\nContent-Length: N\r\n\r\n<body>".
 * ctype NULL => no Content-Type header; body NULL => empty body. */
char *fake_http_response(int status, const char *ctype, const char *body);

/* Same but Transfer-Encoding: chunked, body split into chunks of chunk_len
 * bytes (0 => one chunk), followed by the terminating "0\r\n\r\n". */
char *fake_http_chunked(int status, const char *ctype, const char *body, size_t chunk_len);

#ifdef __cplusplus
}
#endif

#endif /* PODC_TESTS_FAKE_SERVER_H */
