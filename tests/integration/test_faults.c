/* Faults with a real podman service of the test's own (a second `podman system service` on a
 * socket of its own, sharing the machine's storage), killed while podc waits on it: podc
 * notices within about a second, spends next to no CPU doing so, says what it could not
 * remove, and a later cleanup through the main service removes it. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"

/* fixed, so the runner's teardown can sweep up after a test process that died */
#define SESSION "podc-it-faults"
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
    double killed_at;
} killer;

static void *kill_later(void *arg)
{
    killer *k = arg;
    usleep(800 * 1000); /* well into the health wait */
    kill_own_service();
    k->killed_at = now_s();
    return NULL;
}

/* Once the container runs, the start is in its health wait: the service dies a little later. */
static int on_step(const char *line, void *ud)
{
    killer *k = ud;
    if (!k->started && strstr(line, ": started"))
        k->started = pthread_create(&k->th, NULL, kill_later, k) == 0;
    return 0;
}

START_TEST(service_killed_during_health_wait)
{
    podc_client *c = start_own_service();
    char *name = itest_name("faults-wait"), *session = strdup(SESSION);
    podc_service_spec *s = podc_service_spec_new();
    const char *cmd[] = { "/bin/busybox", "sleep", "300" };
    killer k = { 0 };
    podc_service_spec_set_name(s, name);
    podc_service_spec_set_image(s, "localhost/podc-base:latest");
    podc_service_spec_set_command(s, cmd, 3);
    podc_service_spec_add_port(s, 8080, 0);
    podc_service_spec_add_check_http(s, 8080, "/never", 200, NULL, 1000); /* nothing listens */
    podc_service_spec_set_session(s, session);
    podc_service_spec_set_startup_timeout(s, 60000);
    podc_service_spec_set_progress(s, on_step, &k);
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
    podc_client *c = NULL;
    if (podc_client_new(&c, NULL, NULL) == 0)
        podc_service_cleanup(c, SESSION, NULL, NULL);
    podc_client_free(c);
}

Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("dead service");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_unchecked_fixture(tc, NULL, sweep);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, service_killed_during_health_wait);
    suite_add_tcase(s, tc);
    return s;
}
