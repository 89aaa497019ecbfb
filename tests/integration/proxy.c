#include "proxy.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONNS 64

struct itest_proxy {
    char dir[64];
    char path[100];
    char target[108];
    int listen_fd;
    int stop_pipe[2];
    pthread_t acceptor;
    pthread_mutex_t lock;
    int nconns;
    struct relay {
        int a, b;
        pthread_t th;
        int used;
    } conns[MAX_CONNS];
};

static int connect_to(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void *relay_main(void *arg)
{
    struct relay *r = arg;
    char buf[16384];
    for (;;) {
        struct pollfd p[2] = { { r->a, POLLIN, 0 }, { r->b, POLLIN, 0 } };
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        int done = 0;
        for (int i = 0; i < 2 && !done; i++) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            int from = i ? r->b : r->a, to = i ? r->a : r->b;
            ssize_t n = read(from, buf, sizeof buf);
            if (n <= 0 || send(to, buf, (size_t)n, MSG_NOSIGNAL) != n)
                done = 1;
        }
        if (done)
            break;
    }
    shutdown(r->a, SHUT_RDWR);
    shutdown(r->b, SHUT_RDWR);
    return NULL;
}

static void *accept_main(void *arg)
{
    itest_proxy *p = arg;
    for (;;) {
        struct pollfd fds[2] = { { p->listen_fd, POLLIN, 0 }, { p->stop_pipe[0], POLLIN, 0 } };
        if (poll(fds, 2, -1) < 0)
            continue;
        if (fds[1].revents)
            return NULL;
        int a = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (a < 0)
            continue;
        int b = connect_to(p->target);
        pthread_mutex_lock(&p->lock);
        if (b < 0 || p->nconns == MAX_CONNS) {
            pthread_mutex_unlock(&p->lock);
            close(a);
            if (b >= 0)
                close(b);
            continue;
        }
        struct relay *r = &p->conns[p->nconns++];
        r->a = a;
        r->b = b;
        r->used = 1;
        pthread_create(&r->th, NULL, relay_main, r);
        pthread_mutex_unlock(&p->lock);
    }
}

itest_proxy *itest_proxy_start(const char *target_path)
{
    itest_proxy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    snprintf(p->dir, sizeof p->dir, "/tmp/podc-proxy-XXXXXX");
    if (!mkdtemp(p->dir)) {
        free(p);
        return NULL;
    }
    snprintf(p->path, sizeof p->path, "%s/proxy.sock", p->dir);
    snprintf(p->target, sizeof p->target, "%s", target_path);
    pthread_mutex_init(&p->lock, NULL);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", p->path);
    p->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (p->listen_fd < 0 || bind(p->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(p->listen_fd, 16) != 0 || pipe(p->stop_pipe) != 0) {
        if (p->listen_fd >= 0)
            close(p->listen_fd);
        rmdir(p->dir);
        free(p);
        return NULL;
    }
    pthread_create(&p->acceptor, NULL, accept_main, p);
    return p;
}

const char *itest_proxy_path(const itest_proxy *p)
{
    return p->path;
}

int itest_proxy_connections(itest_proxy *p)
{
    pthread_mutex_lock(&p->lock);
    int n = p->nconns;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void itest_proxy_drop_all(itest_proxy *p)
{
    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < p->nconns; i++) {
        shutdown(p->conns[i].a, SHUT_RDWR);
        shutdown(p->conns[i].b, SHUT_RDWR);
    }
    pthread_mutex_unlock(&p->lock);
    usleep(50 * 1000); /* let the relays see the shutdown before the next request */
}

void itest_proxy_stop(itest_proxy *p)
{
    if (!p)
        return;
    itest_proxy_drop_all(p);
    if (write(p->stop_pipe[1], "x", 1) != 1)
        perror("proxy stop");
    pthread_join(p->acceptor, NULL);
    for (int i = 0; i < p->nconns; i++) {
        pthread_join(p->conns[i].th, NULL);
        close(p->conns[i].a);
        close(p->conns[i].b);
    }
    close(p->listen_fd);
    close(p->stop_pipe[0]);
    close(p->stop_pipe[1]);
    unlink(p->path);
    rmdir(p->dir);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
