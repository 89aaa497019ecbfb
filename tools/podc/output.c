/*
 * output.c - how podc prints: progress lines for people, a small JSON writer for scripts,
 * and masking of secrets in everything shown.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

/* ---- secrets ---- */

#define MAX_SECRETS 128
static char *secrets[MAX_SECRETS];
static size_t nsecrets;

static void free_secrets(void)
{
    for (size_t i = 0; i < nsecrets; i++)
        free(secrets[i]);
    nsecrets = 0;
}

void podc_out_add_secret(const char *value)
{
    /* very short values would mask ordinary text everywhere; they are not worth hiding */
    if (!value || strlen(value) < 3 || nsecrets == MAX_SECRETS)
        return;
    for (size_t i = 0; i < nsecrets; i++)
        if (strcmp(secrets[i], value) == 0)
            return;
    char *v = strdup(value);
    if (!v)
        return;
    if (nsecrets == 0)
        atexit(free_secrets);
    secrets[nsecrets++] = v;
}

int podc_out_key_is_secret(const char *key)
{
    static const char *const words[] = { "PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE", "APIKEY",
                                         "API_KEY", "ACCESS_KEY" };
    if (!key)
        return 0;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcasestr(key, words[i]))
            return 1;
    return 0;
}

char *podc_out_mask(const char *text)
{
    if (!text)
        return NULL;
    char *s = strdup(text);
    for (size_t i = 0; s && i < nsecrets; i++) {
        const char *sec = secrets[i];
        size_t sl = strlen(sec);
        char *hit;
        while (s && (hit = strstr(s, sec)) != NULL) {
            size_t pre = (size_t)(hit - s), rest = strlen(hit + sl);
            char *n = malloc(pre + 3 + rest + 1);
            if (n) {
                memcpy(n, s, pre);
                memcpy(n + pre, "***", 3);
                memcpy(n + pre + 3, hit + sl, rest + 1);
            }
            free(s);
            s = n;
        }
    }
    return s;
}

/* ---- progress ---- */

int podc_out_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(fileno(f)) && !(nc && *nc);
}

static int json_mode;

void podc_out_set_json(int json)
{
    json_mode = json;
}

static void jw_escaped_to(FILE *f, const char *s, size_t len);

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ds up reports from several threads (Postgres and Redis start side by side); the spinner
 * thread draws under the same lock. */
static pthread_mutex_t progress_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t spinner_cv = PTHREAD_COND_INITIALIZER;
static int spinner_running; /* the thread exists */
static int spinner_stop;
static int spinner_drawn;   /* a spinner line is on screen */
static int64_t step_t0;     /* when the current step began */
static pthread_t spinner_th;

static void spinner_erase(void)
{
    if (spinner_drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        spinner_drawn = 0;
    }
}

/* A live spinner with the time spent in the current step, redrawn every 100 ms. */
static void *spinner_main(void *arg)
{
    (void)arg;
    static const char spin[] = "|/-\\";
    unsigned tick = 0;
    pthread_mutex_lock(&progress_mu);
    while (!spinner_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&spinner_cv, &progress_mu, &ts);
        if (spinner_stop)
            break;
        fprintf(stderr, "\r\033[K%c working... %.1fs", spin[tick++ % 4], (now_ms() - step_t0) / 1000.0);
        fflush(stderr);
        spinner_drawn = 1;
    }
    spinner_erase();
    pthread_mutex_unlock(&progress_mu);
    return NULL;
}

void podc_out_progress_done(void)
{
    pthread_mutex_lock(&progress_mu);
    int running = spinner_running;
    spinner_stop = 1;
    spinner_running = 0;
    pthread_cond_signal(&spinner_cv);
    pthread_mutex_unlock(&progress_mu);
    if (running)
        pthread_join(spinner_th, NULL);
    pthread_mutex_lock(&progress_mu);
    spinner_stop = 0;
    pthread_mutex_unlock(&progress_mu);
}

int podc_out_progress(const char *line, void *userdata)
{
    (void)userdata;
    pthread_mutex_lock(&progress_mu);
    static int64_t t0;
    if (!t0)
        t0 = now_ms();
    step_t0 = now_ms();
    char *m = podc_out_mask(line);
    const char *text = m ? m : "";
    if (json_mode) { /* scripts: one JSON object per line, so that stderr stays parseable */
        fputs("{\"progress\":", stderr);
        jw_escaped_to(stderr, text, strlen(text));
        fputs("}\n", stderr);
    } else {
        spinner_erase();
        int color = podc_out_color(stderr);
        /* library lines start with "[  1.234s]"; others get the tool's elapsed time */
        if (text[0] == '[')
            fprintf(stderr, "%s%s%s\n", color ? "\033[2m" : "", text, color ? "\033[0m" : "");
        else
            fprintf(stderr, "%s[%7.3fs]%s %s\n", color ? "\033[2m" : "", (now_ms() - t0) / 1000.0,
                    color ? "\033[0m" : "", text);
        /* the spinner only on a terminal: logs and pipes get the plain lines */
        if (!spinner_running && !spinner_stop && isatty(fileno(stderr)) &&
            pthread_create(&spinner_th, NULL, spinner_main, NULL) == 0)
            spinner_running = 1;
    }
    fflush(stderr);
    free(m);
    pthread_mutex_unlock(&progress_mu);
    return podc_tool_interrupted() ? 1 : 0;
}

/* ---- JSON writer ---- */

#define JW_DEPTH 32
static int jw_depth;
static int jw_count[JW_DEPTH];

static void jw_escaped_to(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (ch < 0x20 || ch == 0x7f)
                fprintf(f, "\\u%04x", ch);
            else
                fputc(ch, f);
        }
    }
    fputc('"', f);
}

static void jw_escaped(const char *s, size_t len)
{
    jw_escaped_to(stdout, s, len);
}

static void jw_key(const char *key)
{
    if (jw_depth > 0 && jw_count[jw_depth - 1]++ > 0)
        putchar(',');
    if (key) {
        jw_escaped(key, strlen(key));
        putchar(':');
    }
}

static void jw_masked(const char *val, size_t len)
{
    char *tmp = strndup(val, len);
    char *m = podc_out_mask(tmp);
    if (m)
        jw_escaped(m, strlen(m));
    else
        jw_escaped(val, len);
    free(m);
    free(tmp);
}

void podc_jw_begin_object(const char *key)
{
    jw_key(key);
    putchar('{');
    if (jw_depth < JW_DEPTH)
        jw_count[jw_depth++] = 0;
}

void podc_jw_end_object(void)
{
    putchar('}');
    if (jw_depth > 0)
        jw_depth--;
}

void podc_jw_begin_array(const char *key)
{
    jw_key(key);
    putchar('[');
    if (jw_depth < JW_DEPTH)
        jw_count[jw_depth++] = 0;
}

void podc_jw_end_array(void)
{
    putchar(']');
    if (jw_depth > 0)
        jw_depth--;
}

void podc_jw_strn(const char *key, const char *val, size_t len)
{
    jw_key(key);
    if (!val)
        fputs("null", stdout);
    else
        jw_masked(val, len);
}

void podc_jw_str(const char *key, const char *val)
{
    podc_jw_strn(key, val, val ? strlen(val) : 0);
}

void podc_jw_int(const char *key, long long val)
{
    jw_key(key);
    printf("%lld", val);
}

void podc_jw_bool(const char *key, int val)
{
    jw_key(key);
    fputs(val ? "true" : "false", stdout);
}

void podc_jw_raw(const char *key, const char *json)
{
    jw_key(key);
    char *m = podc_out_mask(json);
    fputs(m ? m : (json ? json : "null"), stdout);
    free(m);
}

void podc_jw_end(void)
{
    putchar('\n');
    jw_depth = 0;
}

/* ---- ports of a listed container ---- */

void podc_out_ports_human(const podc_container_summary *s)
{
    size_t n = podc_container_summary_port_count(s);
    if (n == 0)
        fputs("-", stdout);
    for (size_t k = 0; k < n; k++) {
        const podc_port *p = podc_container_summary_port_at(s, k);
        printf("%s%d->%d/%s", k ? "," : "", podc_port_host_port(p), podc_port_container_port(p),
               podc_port_protocol(p));
    }
}

void podc_out_json_ports(const podc_container_summary *s)
{
    podc_jw_begin_array("ports");
    for (size_t k = 0; k < podc_container_summary_port_count(s); k++) {
        const podc_port *p = podc_container_summary_port_at(s, k);
        podc_jw_begin_object(NULL);
        podc_jw_int("container", podc_port_container_port(p));
        podc_jw_int("host", podc_port_host_port(p));
        podc_jw_str("protocol", podc_port_protocol(p));
        podc_jw_str("host_ip", podc_port_host_ip(p));
        podc_jw_end_object();
    }
    podc_jw_end_array();
}
