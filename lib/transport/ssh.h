/*
 * ssh.h - podman over SSH, spoken by the library (libssh2; no ssh program is run here).
 *
 * One SSH session per client. libcurl connects to a private unix socket of the session (in
 * a 0700 directory, peers checked); a pump thread joins every such connection to a
 * "direct-streamlocal@openssh.com" channel to the remote podman socket (what podman's own
 * clients open). So keep-alive, streams, the hijacked exec connection and
 * curl_multi_wakeup() cancels all work as over a local unix socket.
 */
#ifndef PODC_TRANSPORT_SSH_H
#define PODC_TRANSPORT_SSH_H

#include <stdint.h>

#include "podc/error.h"
#include "transport/endpoint.h"

typedef struct pdc_ssh pdc_ssh;

/*
 * Connects to ep (scheme ssh), checks the host key against ~/.ssh/known_hosts (unknown or
 * changed: PODC_ETRANSPORT naming the host and the key's SHA256 fingerprint, detail
 * "fingerprint"), authenticates with ep->identity, then the ssh-agent, then ~/.ssh/id_ed25519
 * and ~/.ssh/id_rsa (none accepted: PODC_EAUTH), finds the remote socket when ep has no path
 * (podman's own answer, else root's /run/podman/podman.sock or /run/user/UID/...), and
 * starts the pump. *out is new.
 */
int pdc_ssh_open(const pdc_endpoint *ep, int64_t connect_timeout_ms, pdc_ssh **out, podc_error **err);
/* The remote socket in use. Borrowed. */
const char *pdc_ssh_remote_path(const pdc_ssh *s);
/* The private socket libcurl is to connect to (CURLOPT_UNIX_SOCKET_PATH). Borrowed. */
const char *pdc_ssh_local_path(const pdc_ssh *s);
/* 1 once the SSH connection was lost (every request then fails at once). */
int pdc_ssh_broken(const pdc_ssh *s);
/* Why the session or the last channel failed ("" when it did not). Borrowed, valid until the
 * next call on s. */
const char *pdc_ssh_error(pdc_ssh *s);
/* Stops the pump, closes every channel and the session. NULL is fine. */
void pdc_ssh_close(pdc_ssh *s);

#endif
