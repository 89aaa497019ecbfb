/* exec.c - run a command in a container: create, attached start (own connection), inspect
 * for the exit code (libpod-api.md §6). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/resource.h"
#include "core/buf.h"
#include "core/encode.h"
#include "core/error-private.h"
#include "core/frames.h"
#include "core/json.h"
#include "core/validate.h"
#include "podc/exec.h"
#include "transport/http.h"

struct podc_exec_options {
    char **env; /* "K=V" */
    size_t nenv;
    char *workdir;
    char *user;
    int64_t timeout_ms;
    int tty;
};

podc_exec_options *podc_exec_options_new(void)
{
    return calloc(1, sizeof(podc_exec_options));
}

int podc_exec_options_add_env(podc_exec_options *o, const char *key, const char *value, podc_error **err)
{
    if (!o)
        return pdc_error_invalid(err, "options", "options is NULL");
    int rc = pdc_validate_env_key("env", key, err);
    if (rc)
        return rc;
    if (!value)
        return pdc_error_invalid(err, "env", "env %s: value is NULL", key);
    pdc_buf kv = PODC_BUF_INIT;
    char **grown = realloc(o->env, (o->nenv + 1) * sizeof *grown);
    if (!grown || pdc_buf_printf(&kv, "%s=%s", key, value) < 0) {
        if (grown)
            o->env = grown;
        pdc_buf_free(&kv);
        return pdc_error_oom(err);
    }
    o->env = grown;
    o->env[o->nenv++] = pdc_buf_detach(&kv);
    return 0;
}

static int set_str(char **slot, const char *field, const char *v, podc_error **err)
{
    if (v && !*v)
        return pdc_error_invalid(err, field, "%s is empty (pass NULL for the default)", field);
    char *copy = v ? strdup(v) : NULL;
    if (v && !copy)
        return pdc_error_oom(err);
    free(*slot);
    *slot = copy;
    return 0;
}

int podc_exec_options_set_workdir(podc_exec_options *o, const char *dir, podc_error **err)
{
    if (!o)
        return pdc_error_invalid(err, "options", "options is NULL");
    return set_str(&o->workdir, "workdir", dir, err);
}

int podc_exec_options_set_user(podc_exec_options *o, const char *user, podc_error **err)
{
    if (!o)
        return pdc_error_invalid(err, "options", "options is NULL");
    return set_str(&o->user, "user", user, err);
}

int podc_exec_options_set_timeout(podc_exec_options *o, int64_t timeout_ms, podc_error **err)
{
    if (!o || timeout_ms < -1)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->timeout_ms = timeout_ms;
    return 0;
}

int podc_exec_options_set_tty(podc_exec_options *o, int tty, podc_error **err)
{
    if (!o)
        return pdc_setter_result(err, __func__, PODC_EINVAL);
    o->tty = tty != 0;
    return 0;
}

void podc_exec_options_free(podc_exec_options *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->nenv; i++)
        free(o->env[i]);
    free(o->env);
    free(o->workdir);
    free(o->user);
    free(o);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Per-request timeout under an overall deadline (0 = none: ordinary calls keep the client's). */
static int64_t budget(int64_t deadline, int streaming)
{
    if (!deadline)
        return streaming ? -1 : 0;
    int64_t left = deadline - now_ms();
    return left > 0 ? left : 1;
}

static int timed_out(podc_error **err, const char *container, const char *what)
{
    podc_error *e = pdc_error_new(PODC_ETIMEOUT, "exec in %s: timed out %s (the command may still be running)",
                                  container, what);
    pdc_error_set_container(e, container, NULL);
    return pdc_error_put(err, e);
}

static char *create_body(const char *const *argv, const podc_exec_options *o)
{
    pdc_jgen j;
    if (pdc_jgen_init(&j) < 0)
        return NULL;
    pdc_jgen_obj_open(&j);
    pdc_jgen_kbool(&j, "AttachStdin", 0);
    pdc_jgen_kbool(&j, "AttachStdout", 1);
    pdc_jgen_kbool(&j, "AttachStderr", 1);
    pdc_jgen_kbool(&j, "Tty", o && o->tty);
    pdc_jgen_str(&j, "Cmd");
    pdc_jgen_arr_open(&j);
    for (size_t i = 0; argv[i]; i++)
        pdc_jgen_str(&j, argv[i]);
    pdc_jgen_arr_close(&j);
    if (o && o->nenv) {
        pdc_jgen_str(&j, "Env"); /* a K=V list here, unlike the create spec's map */
        pdc_jgen_arr_open(&j);
        for (size_t i = 0; i < o->nenv; i++)
            pdc_jgen_str(&j, o->env[i]);
        pdc_jgen_arr_close(&j);
    }
    if (o && o->workdir)
        pdc_jgen_kstr(&j, "WorkingDir", o->workdir);
    if (o && o->user)
        pdc_jgen_kstr(&j, "User", o->user);
    pdc_jgen_obj_close(&j);
    return pdc_jgen_finish(&j, NULL);
}

static int put_container(podc_error **err, int rc, const char *container)
{
    if (rc < 0 && err && *err)
        pdc_error_set_container(*err, container, NULL);
    return rc;
}

static int exec_create(podc_client *c, const char *container, const char *const *argv, const podc_exec_options *o,
                       int64_t deadline, char **id_out, podc_error **err)
{
    pdc_buf path = PODC_BUF_INIT;
    char *body = create_body(argv, o);
    int rc = body ? 0 : PODC_ENOMEM;
    if (!rc)
        rc = pdc_resource_path(&path, "/libpod/containers/", container, "/exec");
    if (rc) {
        free(body);
        pdc_buf_free(&path);
        return pdc_error_oom(err);
    }
    pdc_http_request req = { .method = "POST", .path = path.data, .body = body, .body_len = strlen(body),
                              .timeout_ms = budget(deadline, 0) };
    yajl_val root = NULL;
    rc = pdc_resource_json(c, &req, NULL, PODC_REPLY_ANY, &root, NULL, err);
    if (rc == 0) {
        const char *id = pdc_json_str(root, "Id", NULL);
        if (!id || !*id)
            rc = pdc_error_set(err, PODC_EPROTOCOL, "POST %s: reply has no exec session Id", path.data);
        else if (!(*id_out = strdup(id)))
            rc = pdc_error_oom(err);
    }
    pdc_json_free(root);
    pdc_buf_free(&path);
    free(body);
    return rc;
}

typedef struct exec_io {
    pdc_frames frames;
    podc_output_cb cb;
    void *ud;
} exec_io;

static int io_data(const char *data, size_t len, void *ud)
{
    exec_io *io = ud;
    return pdc_frames_feed(&io->frames, data, len);
}

static int io_frame(int stream, const char *data, size_t len, void *ud)
{
    exec_io *io = ud;
    return io->cb ? io->cb(stream, data, len, io->ud) : 0;
}

static int exec_start(podc_client *c, const char *id, int tty, int64_t deadline, podc_output_cb cb, void *ud,
                      podc_error **err)
{
    pdc_buf path = PODC_BUF_INIT;
    pdc_jgen j;
    char *body = NULL;
    if (pdc_jgen_init(&j) == 0) {
        pdc_jgen_obj_open(&j);
        pdc_jgen_kbool(&j, "Detach", 0);
        pdc_jgen_kbool(&j, "Tty", tty);
        pdc_jgen_obj_close(&j);
        body = pdc_jgen_finish(&j, NULL);
    }
    if (!body || pdc_resource_path(&path, "/libpod/exec/", id, "/start") < 0) {
        free(body);
        pdc_buf_free(&path);
        return pdc_error_oom(err);
    }
    exec_io io = { .cb = cb, .ud = ud };
    /* frames follow read chunks, not records (§6): no point in reassembling them */
    pdc_frames_init(&io.frames, tty ? PODC_FRAMES_RAW : PODC_FRAMES_PIECES, io_frame, &io);
    /* the reply hijacks the socket (no length, no chunking, EOF ends it): keep it off the pool */
    pdc_http_request req = { .method = "POST", .path = path.data, .body = body, .body_len = strlen(body),
                              .on_data = io_data, .data_ud = &io, .timeout_ms = budget(deadline, 1),
                              .own_connection = 1 };
    pdc_http_response resp;
    int rc = pdc_http_call(c, &req, &resp, err);
    /* the transport calls any stop from on_data a cancel: report a broken stream as such */
    if (io.frames.failed || (rc == 0 && pdc_frames_finish(&io.frames) != 0)) {
        podc_error *e = pdc_error_new(io.frames.failed, "POST %s: %s", path.data, io.frames.error);
        pdc_error_set_request(e, "POST", path.data);
        rc = pdc_error_put(err, e);
    }
    pdc_frames_free(&io.frames);
    pdc_http_response_free(&resp);
    pdc_buf_free(&path);
    free(body);
    return rc;
}

/* Reads ExitCode; after EOF the session can still read Running for a moment, so poll briefly. */
static int exec_exit_code(podc_client *c, const char *id, int64_t deadline, int *code_out, podc_error **err)
{
    pdc_buf path = PODC_BUF_INIT;
    if (pdc_resource_path(&path, "/libpod/exec/", id, "/json") < 0) {
        pdc_buf_free(&path);
        return pdc_error_oom(err);
    }
    int rc = 0;
    for (int attempt = 0;; attempt++) {
        pdc_http_request req = { .method = "GET", .path = path.data, .timeout_ms = budget(deadline, 0) };
        pdc_http_response resp;
        yajl_val root = NULL;
        rc = pdc_http_call(c, &req, &resp, err);
        if (rc == 0)
            rc = pdc_http_json(&req, &resp, &root, err);
        int64_t code = 0;
        int running = rc == 0 ? pdc_json_bool(root, "Running", NULL) : 0;
        int has_code = rc == 0 && pdc_json_int(root, &code, "ExitCode", NULL);
        pdc_json_free(root);
        pdc_http_response_free(&resp);
        if (rc)
            break;
        if (running != 1) {
            if (!has_code)
                rc = pdc_error_set(err, PODC_EPROTOCOL, "GET %s: reply has no ExitCode", path.data);
            else
                *code_out = (int)code;
            break;
        }
        if (attempt >= 100) { /* ~5 s */
            rc = pdc_error_set(err, PODC_EPROTOCOL, "GET %s: session still running after its output ended",
                               path.data);
            break;
        }
        if (deadline && now_ms() >= deadline) {
            rc = PODC_ETIMEOUT;
            break;
        }
        if ((rc = pdc_http_sleep(c, 50, err)) < 0) /* a cancel wakes it */
            break;
    }
    pdc_buf_free(&path);
    return rc;
}

int podc_exec_stream(podc_client *c, const char *container, const char *const *argv, const podc_exec_options *opts,
                     podc_output_cb cb, void *userdata, int *exit_code, podc_error **err)
{
    if (!c)
        return pdc_error_invalid(err, "client", "client is NULL");
    int rc = pdc_validate_name("container", container, err);
    if (rc)
        return rc;
    if (!argv || !argv[0] || !*argv[0])
        return pdc_error_invalid(err, "argv", "exec: a command is required");
    int64_t limit = opts ? opts->timeout_ms : 0;
    int64_t deadline = limit > 0 ? now_ms() + limit : 0;

    char *id = NULL;
    pdc_call_enter(c); /* create, start, exit code: one call for a cancel */
    rc = exec_create(c, container, argv, opts, deadline, &id, err);
    if (rc == 0)
        rc = exec_start(c, id, opts && opts->tty, deadline, cb, userdata, err);
    int code = -1;
    if (rc == 0)
        rc = exec_exit_code(c, id, deadline, &code, err);
    pdc_call_leave(c);
    if (rc == PODC_ETIMEOUT)
        rc = timed_out(err, container, id ? "while the command ran" : "creating the session");
    free(id);
    if (rc == 0 && exit_code)
        *exit_code = code;
    return put_container(err, rc, container);
}

struct podc_exec_result {
    int exit_code;
    pdc_buf out, errb;
    int oom;
};

static int collect(int stream, const char *data, size_t len, void *ud)
{
    podc_exec_result *r = ud;
    if (pdc_buf_append(stream == PODC_STREAM_STDERR ? &r->errb : &r->out, data, len) < 0) {
        r->oom = 1;
        return PODC_ENOMEM;
    }
    return 0;
}

int podc_exec_run(podc_client *c, const char *container, const char *const *argv, const podc_exec_options *opts,
                  podc_exec_result **out, podc_error **err)
{
    if (!out)
        return pdc_error_invalid(err, "out", "NULL argument");
    podc_exec_result *r = calloc(1, sizeof *r);
    if (!r)
        return pdc_error_oom(err);
    int rc = podc_exec_stream(c, container, argv, opts, collect, r, &r->exit_code, err);
    if (r->oom)
        rc = pdc_error_oom(err);
    if (rc == 0 && (pdc_buf_append(&r->out, "", 0) < 0 || pdc_buf_append(&r->errb, "", 0) < 0))
        rc = pdc_error_oom(err);
    if (rc) {
        podc_exec_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int podc_exec_result_exit_code(const podc_exec_result *r) { return r ? r->exit_code : -1; }
const char *podc_exec_result_stdout(const podc_exec_result *r) { return r && r->out.data ? r->out.data : ""; }
const char *podc_exec_result_stderr(const podc_exec_result *r) { return r && r->errb.data ? r->errb.data : ""; }
size_t podc_exec_result_stdout_len(const podc_exec_result *r) { return r ? r->out.len : 0; }
size_t podc_exec_result_stderr_len(const podc_exec_result *r) { return r ? r->errb.len : 0; }

void podc_exec_result_free(podc_exec_result *r)
{
    if (!r)
        return;
    pdc_buf_free(&r->out);
    pdc_buf_free(&r->errb);
    free(r);
}
