/* Containers for the streams suites via raw HTTP (see fixture_streams.h). */
#include "fixture_streams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/encode.h"
#include "core/json.h"
#include "transport/http.h"

#define FX_LABEL "podc.test.streams"
static int fx_run_id; /* set in the parent, so forked tests inherit it */

int64_t fx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_id(void)
{
    if (!fx_run_id)
        fx_run_id = (int)getpid();
    return fx_run_id;
}

static int call(podc_client *c, const char *method, const char *path, const char *body, podc_error **err)
{
    pdc_http_request req = { .method = method, .path = path, .body = body, .body_len = body ? strlen(body) : 0,
                              .timeout_ms = 60000 };
    pdc_http_response resp;
    int rc = pdc_http_call(c, &req, &resp, err);
    pdc_http_response_free(&resp);
    return rc;
}

static char *container_path(const char *name, const char *tail)
{
    pdc_buf p = PODC_BUF_INIT;
    pdc_buf_puts(&p, "/libpod/containers/");
    pdc_buf_put_escaped(&p, name);
    pdc_buf_puts(&p, tail);
    return pdc_buf_detach(&p);
}

char *fx_create(podc_client *c, const char *suffix, const char *script, const char *label_key,
                const char *label_val)
{
    char *name = itest_name(suffix);
    char run[32];
    snprintf(run, sizeof run, "%d", run_id());
    pdc_jgen j;
    ck_assert_int_eq(pdc_jgen_init(&j), 0);
    pdc_jgen_obj_open(&j);
    pdc_jgen_kstr(&j, "name", name);
    pdc_jgen_kstr(&j, "image", "localhost/podc-base:latest");
    pdc_jgen_str(&j, "command");
    pdc_jgen_arr_open(&j);
    pdc_jgen_str(&j, "/bin/busybox");
    pdc_jgen_str(&j, "sh");
    pdc_jgen_str(&j, "-c");
    pdc_jgen_str(&j, script);
    pdc_jgen_arr_close(&j);
    pdc_jgen_str(&j, "labels");
    pdc_jgen_obj_open(&j);
    pdc_jgen_kstr(&j, FX_LABEL, run);
    if (label_key)
        pdc_jgen_kstr(&j, label_key, label_val ? label_val : "");
    pdc_jgen_obj_close(&j);
    pdc_jgen_kint(&j, "stop_timeout", 1);
    pdc_jgen_obj_close(&j);
    char *body = pdc_jgen_finish(&j, NULL);
    ck_assert_ptr_nonnull(body);
    podc_error *err = NULL;
    fx_remove(c, name); /* a leftover of an earlier run with the same pid */
    int rc = call(c, "POST", "/libpod/containers/create", body, &err);
    free(body);
    ck_assert_msg(rc == 0, "create %s: %s", name, podc_error_message(err));
    return name;
}

void fx_start(podc_client *c, const char *name)
{
    char *path = container_path(name, "/start");
    podc_error *err = NULL;
    int rc = call(c, "POST", path, NULL, &err);
    free(path);
    if (rc)
        fx_remove(c, name);
    ck_assert_msg(rc == 0, "start %s: %s", name, podc_error_message(err));
}

char *fx_run(podc_client *c, const char *suffix, const char *script)
{
    char *name = fx_create(c, suffix, script, NULL, NULL);
    fx_start(c, name);
    return name;
}

int fx_wait(podc_client *c, const char *name)
{
    char *path = container_path(name, "/wait?condition=stopped");
    pdc_http_request req = { .method = "POST", .path = path, .timeout_ms = 60000 };
    pdc_http_response resp;
    int rc = pdc_http_call(c, &req, &resp, NULL);
    int code = rc == 0 && resp.body.data ? atoi(resp.body.data) : -1;
    pdc_http_response_free(&resp);
    free(path);
    return code;
}

void fx_stop(podc_client *c, const char *name)
{
    char *path = container_path(name, "/stop?timeout=0");
    call(c, "POST", path, NULL, NULL);
    free(path);
}

void fx_remove(podc_client *c, const char *name)
{
    if (!name)
        return;
    char *path = container_path(name, "?force=true&timeout=0&volumes=true");
    call(c, "DELETE", path, NULL, NULL);
    free(path);
}

void fx_setup_all(void)
{
    run_id();
}

void fx_cleanup_all(void)
{
    podc_client *c = NULL;
    if (podc_client_new(&c, NULL, NULL) != 0)
        return;
    char filter[96];
    snprintf(filter, sizeof filter, "{\"label\":[\"" FX_LABEL "=%d\"]}", run_id());
    pdc_buf path = PODC_BUF_INIT;
    pdc_buf_puts(&path, "/libpod/containers/json?all=true");
    pdc_buf_put_query(&path, "filters", filter);
    pdc_http_request req = { .method = "GET", .path = path.data };
    pdc_http_response resp;
    yajl_val root = NULL;
    if (pdc_http_call(c, &req, &resp, NULL) == 0 && pdc_http_json(&req, &resp, &root, NULL) == 0) {
        for (size_t i = 0; i < pdc_json_array_len(root); i++) {
            const char *id = pdc_json_str(pdc_json_array_at(root, i), "Id", NULL);
            if (id)
                fx_remove(c, id);
        }
    }
    pdc_json_free(root);
    pdc_http_response_free(&resp);
    pdc_buf_free(&path);
    podc_client_free(c);
}
