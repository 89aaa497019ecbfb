/* progress-stream.c - the JSON-lines progress replies of build, pull and push. */
#include "config.h"

#include "api/progress-stream.h"

#include <stdlib.h>
#include <string.h>

#include "podc/error.h"

static int output_line(pdc_progress_stream *st, const char *line, size_t len)
{
    char *copy = strndup(line, len);
    if (!copy)
        return PODC_ENOMEM;
    free(st->tail[st->tail_next]);
    st->tail[st->tail_next] = copy;
    st->tail_next = (st->tail_next + 1) % PODC_PROGRESS_TAIL;
    if (st->tail_n < PODC_PROGRESS_TAIL)
        st->tail_n++;
    free(st->last_line);
    st->last_line = strdup(copy);
    if (!st->last_line)
        return PODC_ENOMEM;
    if (st->progress && st->progress(copy, len, st->progress_ud) != 0)
        return PODC_ECANCELLED;
    return 0;
}

/* Feeds `stream` text; whole lines go to output_line. */
static int stream_text(pdc_progress_stream *st, const char *s, size_t len)
{
    if (pdc_buf_append(&st->text, s, len) < 0)
        return PODC_ENOMEM;
    size_t start = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < st->text.len; i++) {
        if (st->text.data[i] == '\n') {
            rc = output_line(st, st->text.data + start, i - start);
            start = i + 1;
        }
    }
    pdc_buf_consume(&st->text, start);
    return rc;
}

static int on_object(yajl_val v, char *line, void *ud)
{
    (void)line;
    pdc_progress_stream *st = ud;
    int rc = 0;
    const char *err = pdc_json_str(v, "errorDetail", "message", NULL);
    if (!err || !*err)
        err = pdc_json_str(v, "error", NULL);
    yajl_val s = pdc_json_get(v, "stream", NULL);
    if (err && *err) {
        if (!st->error && !(st->error = strdup(err)))
            rc = PODC_ENOMEM;
        size_t n = st->error ? strlen(st->error) : 0;
        while (n && (st->error[n - 1] == '\n' || st->error[n - 1] == '\r'))
            st->error[--n] = '\0';
    } else if (s) {
        const char *text = pdc_json_as_str(s);
        if (text)
            rc = stream_text(st, text, strlen(text));
    } else if (st->on_object) {
        rc = st->on_object(v, st->object_ud);
    }
    return rc;
}

void pdc_progress_stream_init(pdc_progress_stream *st, podc_data_cb progress, void *progress_ud)
{
    *st = (pdc_progress_stream){ .progress = progress, .progress_ud = progress_ud };
    pdc_json_lines_init(&st->json_lines, on_object, st);
}

int pdc_progress_stream_feed(const char *data, size_t len, void *ud)
{
    pdc_progress_stream *st = ud;
    return pdc_json_lines_feed(&st->json_lines, data, len);
}

int pdc_progress_stream_finish(pdc_progress_stream *st)
{
    int rc = pdc_json_lines_finish(&st->json_lines);
    if (rc == 0 && st->text.len) /* a last line without '\n' (build's ID may come so) */
        rc = output_line(st, st->text.data, st->text.len);
    return rc;
}

char *pdc_progress_stream_tail(const pdc_progress_stream *st)
{
    pdc_buf b = PODC_BUF_INIT;
    size_t first = (st->tail_next + PODC_PROGRESS_TAIL - st->tail_n) % PODC_PROGRESS_TAIL;
    for (size_t k = 0; k < st->tail_n; k++) {
        const char *l = st->tail[(first + k) % PODC_PROGRESS_TAIL];
        if ((k && pdc_buf_puts(&b, "\n") < 0) || pdc_buf_puts(&b, l) < 0) {
            pdc_buf_free(&b);
            return NULL;
        }
    }
    return pdc_buf_detach(&b);
}

void pdc_progress_stream_free(pdc_progress_stream *st)
{
    pdc_json_lines_free(&st->json_lines);
    pdc_buf_free(&st->text);
    for (size_t i = 0; i < PODC_PROGRESS_TAIL; i++)
        free(st->tail[i]);
    free(st->last_line);
    free(st->error);
}
