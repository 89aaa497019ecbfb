/* Faults with a real podman service of the test's own (a second `podman system service` on a
 * socket of its own, sharing the machine's storage), killed while podc waits on it: podc
 * notices within about a second, spends next to no CPU doing so, says what it could not
 * remove, and a later cleanup through the main service removes it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proxy.h"
#include "suites.h"

/* fixed, so the runner's teardown can sweep up after a test process that died */
#define SESSION itest_session("faults")
#define PIDFILE "/tmp/podc-it-faults.pid"

static pid_t service_pid;
static char sock[128];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Test scaffolding: the service under test is a real podman, started as the test env does. */
static podc_client *start_own_service(void)
{
    /* the project's containers.conf (runc, ulimits within the host's limits): see podman-service.sh */
    ck_assert_msg(getenv("CONTAINERS_CONF"), "CONTAINERS_CONF is not set: eval \"$(tests/env/podman-service.sh)\"");
    snprintf(sock, sizeof sock, "/tmp/podc-it-%d-faults.sock", (int)getpid());
    unlink(sock);
    char uri[160];
    snprintf(uri, sizeof uri, "unix://%s", sock);
    service_pid = fork();
    ck_assert_int_ge(service_pid, 0);
    if (service_pid == 0) {
        setsid();
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        unsetenv("CONTAINER_HOST");
        execlp("podman", "podman", "system", "service", "--time=0", uri, (char *)NULL);
        _exit(127);
    }
    FILE *pf = fopen(PIDFILE, "w");
    if (pf) {
        fprintf(pf, "%d\n", (int)service_pid);
        fclose(pf);
    }
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    podc_client *c = NULL;
    for (int i = 0; i < 300; i++) { /* up to 30 s on a loaded machine */
        if (!c && podc_client_new(&c, &o, NULL) != 0)
            c = NULL;
        if (c && podc_ping(c, NULL) == 0)
            return c;
        usleep(100 * 1000);
    }
    ck_abort_msg("the test's own podman service did not answer on %s", sock);
    return NULL;
}

/* SIGKILL, as a crash: the socket file stays behind, connecting to it is refused. */
static void kill_own_service(void)
{
    if (service_pid > 0) {
        kill(service_pid, SIGKILL);
        waitpid(service_pid, NULL, 0);
        service_pid = 0;
    }
}

typedef struct killer {
    pthread_t th;
    int started;
    int delay_ms;     /* 0: 800 */
    const char *when; /* the progress line that arms it; NULL: ": started" */
    double killed_at;
} killer;

static void *kill_later(void *arg)
{
    killer *k = arg;
    usleep((useconds_t)(k->delay_ms ? k->delay_ms : 800) * 1000); /* well into the wait */
    kill_own_service();
    k->killed_at = now_s();
    return NULL;
}

static void arm_killer(killer *k)
{
    if (!k->started)
        k->started = pthread_create(&k->th, NULL, kill_later, k) == 0;
}

/* Once the container runs, the start is in its health wait: the service dies a little later. */
static int on_step(const char *line, void *ud)
{
    killer *k = ud;
    if (strstr(line, k->when ? k->when : ": started"))
        arm_killer(k);
    return 0;
}

static size_t session_leftovers(podc_client *c);

/* Build lines arm the killer too (the build's RUN step). */
static int on_build_line(const char *data, size_t len, void *ud)
{
    killer *k = ud;
    if (memmem(data, len, k->when, strlen(k->when)))
        arm_killer(k);
    return 0;
}

/* The call saw the service die: promptly, cheaply, as a transport error saying what it waited for. */
static void expect_noticed(const killer *k, int rc, podc_error *err, double noticed, double cpu, const char *what)
{
    ck_assert_msg(k->killed_at > 0, "%s: the service was not killed (rc %d: %s)", what, rc, podc_error_message(err));
    ck_assert_msg(rc == PODC_ETRANSPORT, "%s: rc %d: %s", what, rc, podc_error_message(err));
    fprintf(stderr, "faults: %s: dead service noticed %.3f s after the kill, %.3f CPU-s in all: %s\n", what,
            noticed - k->killed_at, cpu, podc_error_message(err));
    ck_assert_msg(noticed - k->killed_at < 2.0, "%s: noticed %.2f s after the kill", what, noticed - k->killed_at);
    ck_assert_msg(cpu < 1.0, "%s: %.2f CPU-s spent (a busy loop?)", what, cpu);
}

START_TEST(service_killed_during_health_wait)
{
    podc_client *c = start_own_service();
    char *name = itest_name("faults-wait"), *session = strdup(SESSION);
    podc_service_spec *s = podc_service_spec_new();
    const char *cmd[] = { "/bin/busybox", "sleep", "300" };
    killer k = { 0 };
    podc_service_spec_set_name(s, name, NULL);
    podc_service_spec_set_image(s, "localhost/podc-base:latest", NULL);
    podc_service_spec_set_command(s, cmd, 3, NULL);
    podc_service_spec_add_port(s, 8080, 0, NULL);
    podc_service_spec_add_check_http(s, 8080, "/never", 200, NULL, 1000, NULL); /* nothing listens */
    podc_service_spec_set_session(s, session, NULL);
    podc_service_spec_set_startup_timeout(s, 60000, NULL);
    podc_service_spec_set_progress(s, on_step, &k, NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    double cpu0 = cpu_s();
    int rc = podc_service_start(c, s, &svc, &err);
    double noticed = now_s(), cpu = cpu_s() - cpu0;
    if (k.started)
        pthread_join(k.th, NULL);
    ck_assert_msg(k.killed_at > 0, "the service was not killed (rc %d: %s)", rc, podc_error_message(err));
    ck_assert_msg(rc == PODC_ETRANSPORT, "rc %d: %s", rc, podc_error_message(err));
    ck_assert_msg(strstr(podc_error_message(err), "went away while waiting for health checks"), "%s",
                  podc_error_message(err));
    fprintf(stderr, "faults: dead service noticed %.3f s after the kill, %.3f CPU-s for the whole start\n",
            noticed - k.killed_at, cpu);
    ck_assert_msg(noticed - k.killed_at < 2.0, "noticed %.2f s after the kill", noticed - k.killed_at);
    ck_assert_msg(cpu < 1.0, "%.2f CPU-s spent (a busy loop?)", cpu);
    /* honest about what is left: the container could not be removed with the service gone */
    ck_assert_str_eq(podc_error_detail(err, "not_removed"), name);
    ck_assert_str_eq(podc_error_detail(err, "session"), session);
    podc_error_free(err);
    err = NULL;
    podc_client_free(c);

    /* the main service sees the leftover; a cleanup by session removes it */
    podc_client *main_c = itest_client();
    int exists = 0;
    ck_assert_int_eq(podc_container_exists(main_c, name, &exists, NULL), 0);
    ck_assert_int_eq(exists, 1);
    size_t removed = 0;
    ck_assert_ok(podc_service_cleanup(main_c, session, &removed, &err), &err);
    ck_assert_uint_ge(removed, 1);
    ck_assert_int_eq(podc_container_exists(main_c, name, &exists, NULL), 0);
    ck_assert_int_eq(exists, 0);
    podc_client_free(main_c);
    podc_service_spec_free(s);
    free(name);
    free(session);
}
END_TEST

/* ---- between two steps of a start: something else changes the world ---- */

typedef struct race {
    const char *at;   /* the step after which it happens */
    int what;         /* RACE_* */
    const char *name; /* container name / image ref / -- */
    int port;
    int fd;           /* the socket holding the port */
    int done;
} race;

enum { RACE_FOREIGN_NAME, RACE_IMAGE_GONE, RACE_PORT_TAKEN };

/* Listens on 0.0.0.0:port (as podman would publish it). -1 when it can't. */
static int take_port(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* A port nothing listens on now (the kernel's pick). */
static int free_port(void)
{
    int fd = take_port(0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a;
    socklen_t l = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &l);
    close(fd);
    return ntohs(a.sin_port);
}

static int race_step(const char *line, void *ud)
{
    race *r = ud;
    if (r->done || !strstr(line, r->at))
        return 0;
    r->done = 1;
    podc_client *other = itest_client(); /* someone else on the same service */
    podc_error *err = NULL;
    if (r->what == RACE_FOREIGN_NAME) {
        podc_container_spec *cs = podc_container_spec_new();
        const char *argv[] = { "/bin/busybox", "sleep", "300" };
        podc_container_spec_set_name(cs, r->name, NULL);
        podc_container_spec_set_image(cs, "localhost/podc-base:latest", NULL);
        podc_container_spec_set_command(cs, argv, 3, NULL);
        ck_assert_ok(podc_container_create(other, cs, NULL, &err), &err);
        podc_container_spec_free(cs);
    } else if (r->what == RACE_IMAGE_GONE) {
        ck_assert_ok(podc_image_remove(other, r->name, 0, &err), &err);
    } else {
        r->fd = take_port(r->port);
        ck_assert_msg(r->fd >= 0, "cannot take port %d", r->port);
    }
    podc_client_free(other);
    return 0;
}

static podc_service_spec *race_spec(const char *name, const char *image, const char *network, race *r)
{
    podc_service_spec *s = podc_service_spec_new();
    const char *cmd[] = { "/bin/busybox", "sleep", "300" };
    podc_service_spec_set_name(s, name, NULL);
    podc_service_spec_set_image(s, image, NULL);
    podc_service_spec_set_command(s, cmd, 3, NULL);
    podc_service_spec_set_session(s, SESSION, NULL);
    podc_service_spec_set_network(s, network, NULL); /* made by the start: the rollback removes it */
    podc_service_spec_set_progress(s, race_step, r, NULL);
    return s;
}

/* Nothing of the session left on the main service. */
static size_t session_leftovers(podc_client *c)
{
    char label[128];
    snprintf(label, sizeof label, PODC_SERVICE_LABEL_SESSION "=%s", SESSION);
    return itest_label_leftovers(c, label);
}

START_TEST(name_taken_by_a_foreign_container_before_create)
{
    podc_client *c = itest_client();
    char *name = itest_name("race-name"), *net = itest_name("race-name-net");
    race r = { .at = "no stale container", .what = RACE_FOREIGN_NAME, .name = name };
    podc_service_spec *s = race_spec(name, "localhost/podc-base:latest", net, &r);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    int rc = podc_service_start(c, s, &svc, &err);
    ck_assert_msg(rc == PODC_ECONFLICT, "rc %d: %s", rc, podc_error_message(err));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), name));
    /* the foreign container is not ours to remove; what the start made is gone */
    int exists = 0;
    ck_assert_int_eq(podc_container_exists(c, name, &exists, NULL), 0);
    ck_assert_int_eq(exists, 1);
    ck_assert_uint_eq(session_leftovers(c), 0);
    podc_error_free(err);
    err = NULL;
    ck_assert_ok(podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    podc_service_spec_free(s);
    free(name);
    free(net);
    podc_client_free(c);
}
END_TEST

START_TEST(image_removed_between_check_and_create)
{
    podc_client *c = itest_client();
    char *name = itest_name("race-image"), *net = itest_name("race-image-net"), tag[128];
    snprintf(tag, sizeof tag, "localhost/%s:gone", name);
    char *repo = strndup(tag, strlen(tag) - strlen(":gone"));
    podc_error *err = NULL;
    ck_assert_ok(podc_image_tag(c, "localhost/podc-base:latest", repo, "gone", &err), &err);
    race r = { .at = "no stale container", .what = RACE_IMAGE_GONE, .name = tag };
    podc_service_spec *s = race_spec(name, tag, net, &r);
    podc_image_pull_options *never = podc_image_pull_options_new();
    podc_image_pull_options_set_policy(never, PODC_IMAGE_PULL_NEVER, NULL);
    podc_service_spec_set_pull_options(s, never, NULL);
    podc_image_pull_options_free(never);
    podc_service *svc = NULL;
    int rc = podc_service_start(c, s, &svc, &err);
    ck_assert_msg(r.done, "the race never ran: %s", podc_error_message(err));
    ck_assert_msg(rc == PODC_ENOTFOUND, "rc %d: %s", rc, podc_error_message(err));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), name));
    ck_assert_uint_eq(session_leftovers(c), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(repo);
    free(name);
    free(net);
    podc_client_free(c);
}
END_TEST

START_TEST(host_port_taken_between_check_and_start)
{
    podc_client *c = itest_client();
    char *name = itest_name("race-port"), *net = itest_name("race-port-net");
    race r = { .at = "created container", .what = RACE_PORT_TAKEN, .port = free_port(), .fd = -1 };
    podc_service_spec *s = race_spec(name, "localhost/podc-base:latest", net, &r);
    podc_service_spec_add_port(s, 8080, r.port, NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    int rc = podc_service_start(c, s, &svc, &err);
    ck_assert_msg(r.fd >= 0, "the port was not taken: %s", podc_error_message(err));
    close(r.fd);
    ck_assert_msg(rc == PODC_ECONFLICT, "rc %d: %s", rc, podc_error_message(err));
    char port[16];
    snprintf(port, sizeof port, "%d", r.port);
    ck_assert_msg(strstr(podc_error_message(err), port), "the error does not name port %s: %s", port,
                  podc_error_message(err));
    ck_assert_uint_eq(session_leftovers(c), 0);
    podc_error_free(err);
    podc_service_spec_free(s);
    free(name);
    free(net);
    podc_client_free(c);
}
END_TEST

/* A running busybox container of the session with script as its shell command. */
static void run_script(podc_client *c, const char *name, const char *script)
{
    podc_container_spec *cs = podc_container_spec_new();
    const char *argv[] = { "/bin/busybox", "sh", "-c", script };
    podc_container_spec_set_name(cs, name, NULL);
    podc_container_spec_set_image(cs, "localhost/podc-base:latest", NULL);
    podc_container_spec_set_command(cs, argv, 4, NULL);
    podc_container_spec_add_label(cs, PODC_SERVICE_LABEL_SESSION, SESSION, NULL);
    podc_error *err = NULL;
    ck_assert_ok(podc_container_create(c, cs, NULL, &err), &err);
    podc_container_spec_free(cs);
    ck_assert_ok(podc_container_start(c, name, &err), &err);
}

START_TEST(service_killed_during_logs_follow)
{
    podc_client *c = start_own_service();
    char *name = itest_name("faults-follow");
    run_script(c, name, "echo started; exec /bin/busybox sleep 300");
    podc_error *err = NULL;
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    o.follow = 1;
    killer k = { .delay_ms = 800 };
    arm_killer(&k);
    podc_logs *lg = NULL;
    double cpu0 = cpu_s();
    int rc = podc_logs_get(c, name, &o, &lg, &err);
    double noticed = now_s(), cpu = cpu_s() - cpu0;
    pthread_join(k.th, NULL);
    expect_noticed(&k, rc, err, noticed, cpu, "logs follow");
    podc_error_free(err);
    err = NULL;
    podc_logs_free(lg);
    podc_client_free(c);
    /* the container is the test's own: removed through the main service */
    podc_client *main_c = itest_client();
    ck_assert_ok(podc_service_cleanup(main_c, SESSION, NULL, &err), &err);
    ck_assert_uint_eq(session_leftovers(main_c), 0);
    podc_client_free(main_c);
    free(name);
}
END_TEST

static int ignore_event(const podc_event *e, void *ud)
{
    (void)e, (void)ud;
    return 0;
}

START_TEST(service_killed_during_events_follow)
{
    podc_client *c = start_own_service();
    podc_events_options o = PODC_EVENTS_OPTIONS_INIT;
    killer k = { .delay_ms = 800 };
    arm_killer(&k);
    podc_error *err = NULL;
    double cpu0 = cpu_s();
    int rc = podc_events_stream(c, &o, ignore_event, NULL, &err);
    double noticed = now_s(), cpu = cpu_s() - cpu0;
    pthread_join(k.th, NULL);
    expect_noticed(&k, rc, err, noticed, cpu, "events follow");
    podc_error_free(err);
    podc_client_free(c);
}
END_TEST

START_TEST(service_killed_during_a_build)
{
    char dir[] = "/tmp/podc-it-faults-build-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/Containerfile", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("FROM localhost/podc-base:latest\nRUN /bin/busybox sleep 20\n", f);
    fclose(f);
    podc_client *c = start_own_service();
    char *tag = itest_name("faults-build"), ref[160];
    snprintf(ref, sizeof ref, "localhost/%s:test", tag);
    podc_image_build_options *o = podc_image_build_options_new();
    podc_image_build_options_add_tag(o, ref, NULL);
    podc_image_build_options_set_pull_never(o, 1, NULL);
    podc_image_build_options_add_label(o, PODC_SERVICE_LABEL_SESSION, SESSION, NULL);
    killer k = { .delay_ms = 1500, .when = "RUN" };
    podc_image_build_options_set_progress(o, on_build_line, &k, NULL);
    podc_error *err = NULL;
    char *id = NULL;
    double cpu0 = cpu_s();
    int rc = podc_image_build(c, dir, o, &id, &err);
    double noticed = now_s(), cpu = cpu_s() - cpu0;
    if (k.started)
        pthread_join(k.th, NULL);
    expect_noticed(&k, rc, err, noticed, cpu, "build");
    ck_assert_ptr_null(id);
    podc_error_free(err);
    err = NULL;
    podc_image_build_options_free(o);
    podc_client_free(c);
    /* no image of the build's: the tag was never made */
    podc_client *main_c = itest_client();
    int exists = 1;
    ck_assert_ok(podc_image_exists(main_c, ref, &exists, &err), &err);
    ck_assert_int_eq(exists, 0);
    podc_client_free(main_c);
    unlink(path);
    rmdir(dir);
    free(tag);
}
END_TEST

START_TEST(service_killed_during_ds_up_then_restarted)
{
    podc_client *c = start_own_service();
    char *svc = itest_name("faults-ds");
    podc_ds_config *cfg = itest_ds_config(svc, SESSION);
    /* fixed ports below the ephemeral range: a container whose service was killed can leave its
     * netavark DNAT rule behind, and a later port podman picks must not land on it */
    for (int p = PODC_DS_PORT_POSTGRES; p <= PODC_DS_PORT_HEALTH; p++)
        podc_ds_config_set_port(cfg, (podc_ds_port)p, 21000 + (int)(getpid() % 1000) * 5 + p, NULL);
    killer k = { .delay_ms = 300, .when = "starting postgres" };
    podc_ds_config_set_progress(cfg, on_step, &k, NULL);
    podc_ds_stack *st = NULL;
    podc_error *err = NULL;
    double cpu0 = cpu_s();
    int rc = podc_ds_up(c, cfg, &st, &err);
    double noticed = now_s(), cpu = cpu_s() - cpu0;
    if (k.started)
        pthread_join(k.th, NULL);
    expect_noticed(&k, rc, err, noticed, cpu, "ds up");
    ck_assert_ptr_null(st);
    /* honest: what it made could not be removed with the service gone */
    ck_assert_ptr_nonnull(podc_error_detail(err, "not_removed"));
    podc_error_free(err);
    err = NULL;
    podc_client_free(c);
    /* the service comes back: a down through it removes the rest */
    c = start_own_service();
    ck_assert_ok(podc_ds_down(c, svc, 0, &err), &err);
    ck_assert_uint_eq(itest_stack_leftovers(c, svc), 0);
    podc_client_free(c);
    podc_ds_config_free(cfg);
    free(svc);
}
END_TEST

/* A compose stack (the kubernaut-shaped file) while Postgres is in its health wait and the
 * others wait for it: every member notices, the up says what it could not remove; a down
 * through the restarted service removes it. */
START_TEST(service_killed_during_compose_up_then_restarted)
{
    podc_client *c = start_own_service();
    char *name = itest_name("faults-cmp");
    /* no published ports: a killed service can leave its containers' DNAT rules behind */
    char yaml[512];
    snprintf(yaml, sizeof yaml, "/tmp/%s.yaml", name);
    FILE *f = fopen(yaml, "w");
    ck_assert_ptr_nonnull(f);
    fputs("services:\n"
          "  postgres:\n"
          "    image: localhost/podc-base:latest\n"
          "    command: [/bin/busybox, sleep, '300']\n"
          "    healthcheck: {test: [CMD, /bin/busybox, 'false'], interval: 1s, retries: 30}\n"
          "  migrate:\n"
          "    image: localhost/podc-base:latest\n"
          "    command: [/bin/busybox, 'true']\n"
          "    depends_on: {postgres: {condition: service_healthy}}\n"
          "  app:\n"
          "    image: localhost/podc-base:latest\n"
          "    command: [/bin/busybox, sleep, '300']\n"
          "    depends_on: {migrate: {condition: service_completed_successfully}}\n",
          f);
    fclose(f);
    podc_compose_options *o = podc_compose_options_new();
    podc_compose_options_add_file(o, yaml, NULL);
    podc_compose_options_set_project(o, name, NULL);
    podc_stack_spec *s = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_compose_load(o, &s, &err), &err);
    podc_compose_options_free(o);
    unlink(yaml);
    killer k = { .delay_ms = 300, .when = "_postgres: started" };
    podc_stack_spec_set_session(s, SESSION, NULL);
    podc_stack_spec_set_progress(s, on_step, &k, NULL);
    podc_stack *st = NULL;
    double cpu0 = cpu_s();
    int rc = podc_stack_up(c, s, &st, &err);
    double noticed = now_s(), cpu = cpu_s() - cpu0;
    if (k.started)
        pthread_join(k.th, NULL);
    expect_noticed(&k, rc, err, noticed, cpu, "compose up");
    ck_assert_ptr_null(st);
    ck_assert_ptr_nonnull(podc_error_detail(err, "member"));
    ck_assert_ptr_nonnull(podc_error_detail(err, "not_removed")); /* honest: the service is gone */
    podc_error_free(err);
    err = NULL;
    podc_client_free(c);
    c = start_own_service();
    ck_assert_ok(podc_stack_down(c, name, 0, 0, NULL, &err), &err);
    char label[200];
    snprintf(label, sizeof label, "%s=%s", PODC_STACK_LABEL, name);
    ck_assert_uint_eq(itest_label_leftovers(c, label), 0);
    podc_client_free(c);
    podc_stack_spec_free(s);
    free(name);
}
END_TEST

/* ---- a relay between podc and the service drops every connection mid-call ---- */

static podc_client *client_via(itest_proxy *p)
{
    char uri[256];
    snprintf(uri, sizeof uri, "unix://%s", itest_proxy_path(p));
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_ok(podc_client_new(&c, &o, &err), &err);
    return c;
}

typedef struct dropper {
    itest_proxy *p;
    const char *when;
    int delay_ms;
    pthread_t th;
    int started;
    double at;
} dropper;

static void *drop_later(void *arg)
{
    dropper *d = arg;
    usleep((useconds_t)d->delay_ms * 1000);
    d->at = now_s();
    itest_proxy_drop_all(d->p);
    return NULL;
}

static int drop_step(const char *line, void *ud)
{
    dropper *d = ud;
    if (!d->started && strstr(line, d->when))
        d->started = pthread_create(&d->th, NULL, drop_later, d) == 0;
    return 0;
}

START_TEST(relay_drops_a_logs_follow)
{
    podc_client *direct = itest_client();
    itest_proxy *p = itest_proxy_start(podc_client_socket_path(direct));
    ck_assert_ptr_nonnull(p);
    podc_client *c = client_via(p);
    char *name = itest_name("relay-follow");
    run_script(c, name, "while true; do echo tick; sleep 0.2; done");
    podc_error *err = NULL;
    dropper d = { .p = p, .when = "", .delay_ms = 800 };
    d.started = pthread_create(&d.th, NULL, drop_later, &d) == 0;
    podc_logs_options o = PODC_LOGS_OPTIONS_INIT;
    o.follow = 1;
    podc_logs *lg = NULL;
    int rc = podc_logs_get(c, name, &o, &lg, &err);
    double noticed = now_s();
    pthread_join(d.th, NULL);
    ck_assert_msg(rc == PODC_ETRANSPORT, "rc %d: %s", rc, podc_error_message(err));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "dropped the connection"));
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "while following the logs of"));
    ck_assert_msg(noticed - d.at < 1.0, "noticed %.2f s after the drop", noticed - d.at);
    podc_error_free(err);
    err = NULL;
    /* the client goes on over a fresh connection */
    ck_assert_ok(podc_container_remove(c, name, PODC_CONTAINER_REMOVE_FORCE, &err), &err);
    ck_assert_uint_eq(session_leftovers(direct), 0);
    podc_client_free(c);
    podc_client_free(direct);
    itest_proxy_stop(p);
    free(name);
}
END_TEST

/* The relay drops every connection in the middle of a start's health wait: the service is
 * alive, so the start goes on over fresh connections (the watcher polls, each request may open
 * one) and succeeds; nothing is left after the stop. */
START_TEST(relay_drops_a_health_wait)
{
    podc_client *direct = itest_client();
    itest_proxy *p = itest_proxy_start(podc_client_socket_path(direct));
    ck_assert_ptr_nonnull(p);
    podc_client *c = client_via(p);
    char *name = itest_name("relay-wait"), *net = itest_name("relay-wait-net");
    podc_service_spec *s = podc_service_spec_new();
    const char *cmd[] = { "/bin/busybox", "sh", "-c", "sleep 1.5; echo ready; exec /bin/busybox sleep 300" };
    podc_service_spec_set_name(s, name, NULL);
    podc_service_spec_set_image(s, "localhost/podc-base:latest", NULL);
    podc_service_spec_set_command(s, cmd, 4, NULL);
    podc_service_spec_set_session(s, SESSION, NULL);
    podc_service_spec_set_network(s, net, NULL);
    podc_service_spec_add_check_log(s, "^ready$", 1, NULL);
    podc_service_spec_set_startup_timeout(s, 30000, NULL);
    dropper d = { .p = p, .when = ": started", .delay_ms = 500 };
    podc_service_spec_set_progress(s, drop_step, &d, NULL);
    podc_service *svc = NULL;
    podc_error *err = NULL;
    int64_t conns = podc_client_connections_opened(c);
    int rc = podc_service_start(c, s, &svc, &err);
    if (d.started)
        pthread_join(d.th, NULL);
    ck_assert_msg(d.at > 0, "nothing was dropped: %s", podc_error_message(err));
    ck_assert_msg(rc == 0, "the start did not survive the drop: %s", podc_error_message(err));
    ck_assert_int_gt(podc_client_connections_opened(c), conns + 1); /* it reconnected */
    ck_assert_ok(podc_service_stop(c, svc, 0, &err), &err);
    ck_assert_ok(podc_network_remove(direct, net, 0, &err), &err);
    ck_assert_uint_eq(session_leftovers(direct), 0);
    podc_service_free(svc);
    podc_service_spec_free(s);
    podc_client_free(c);
    podc_client_free(direct);
    itest_proxy_stop(p);
    free(name);
    free(net);
}
END_TEST

static void teardown(void)
{
    kill_own_service();
    unlink(sock);
}

/* The unchecked teardown runs in the runner even when the test process died: the service it
 * started (its pid in PIDFILE) and whatever the session left go. */
static void sweep(void)
{
    FILE *f = fopen(PIDFILE, "r");
    int pid = 0;
    if (f && fscanf(f, "%d", &pid) == 1 && pid > 0)
        kill(pid, SIGKILL);
    if (f)
        fclose(f);
    unlink(PIDFILE);
    itest_cleanup_session(SESSION);
}

Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = itest_tcase("dead service", 120);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_unchecked_fixture(tc, NULL, sweep);
    tcase_add_test(tc, service_killed_during_health_wait);
    tcase_add_test(tc, service_killed_during_logs_follow);
    tcase_add_test(tc, service_killed_during_events_follow);
    tcase_add_test(tc, service_killed_during_a_build);
    tcase_add_test(tc, service_killed_during_ds_up_then_restarted);
    tcase_add_test(tc, service_killed_during_compose_up_then_restarted);
    suite_add_tcase(s, tc);
    TCase *between = itest_tcase("between steps", 60);
    tcase_add_unchecked_fixture(between, NULL, sweep);
    tcase_add_test(between, name_taken_by_a_foreign_container_before_create);
    tcase_add_test(between, image_removed_between_check_and_create);
    tcase_add_test(between, host_port_taken_between_check_and_start);
    suite_add_tcase(s, between);
    TCase *relay = itest_tcase("relay", 60);
    tcase_add_unchecked_fixture(relay, NULL, sweep);
    tcase_add_test(relay, relay_drops_a_logs_follow);
    tcase_add_test(relay, relay_drops_a_health_wait);
    suite_add_tcase(s, relay);
    return s;
}
