/* proxy.h - a unix-socket relay in front of the real podman socket, so a test can drop the
 * client's idle keep-alive connection the way podman does (the real service can't be told to). */
#ifndef PODC_TESTS_PROXY_H
#define PODC_TESTS_PROXY_H

typedef struct itest_proxy itest_proxy;

/* Relays connections on a fresh socket to target_path. NULL on failure. */
itest_proxy *itest_proxy_start(const char *target_path);
const char *itest_proxy_path(const itest_proxy *p);
/* Closes every relayed connection now (both sides). */
void itest_proxy_drop_all(itest_proxy *p);
int itest_proxy_connections(itest_proxy *p);
void itest_proxy_stop(itest_proxy *p);

#endif
