/* The framed-stream parser, exhaustively, and the streams API (logs, exec, copy, events)
 * against the fake server: framing split at awkward places, in-stream errors, request
 * bodies, and input checks that must send nothing. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fake/fake_server.h"
#include "api/events-private.h"
#include "core/buf.h"
#include "core/frames.h"
#include "core/tar-end.h"
#include "core/tar-mem.h"
#include "podc.h"
#include "suites.h"

#define HDR "Libpod-Api-Version: 4.3.1\r\n"

/* ---- helpers -------------------------------------------------------------------------- */

static void put_frame(pdc_buf *b, int stream, const char *data, size_t len)
{
    unsigned char h[8] = { (unsigned char)stream, 0, 0, 0, (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                           (unsigned char)(len >> 8), (unsigned char)len };
    ck_assert_int_eq(pdc_buf_append(b, h, 8), 0);
    ck_assert_int_eq(pdc_buf_append(b, data, len), 0);
}

static void put_frame_s(pdc_buf *b, int stream, const char *text)
{
    put_frame(b, stream, text, strlen(text));
}

/* What a parser delivered: per-stream text, the interleaving ("|1" / "|2" on each change of
 * stream), and in whole mode the exact call sequence. */
typedef struct rec {
    pdc_buf out, err, order, calls;
    int last_stream;
    int ncalls;
    int stop_after; /* >0: return 42 on that call */
} rec;

static int rec_cb(int stream, const char *data, size_t len, void *ud)
{
    rec *r = ud;
    ck_assert_uint_gt(len, 0);
    ck_assert(stream == 1 || stream == 2);
    pdc_buf_append(stream == 2 ? &r->err : &r->out, data, len);
    if (stream != r->last_stream)
        pdc_buf_printf(&r->order, "|%d", stream);
    pdc_buf_append(&r->order, data, len);
    r->last_stream = stream;
    pdc_buf_printf(&r->calls, "[%d:", stream);
    pdc_buf_append(&r->calls, data, len);
    pdc_buf_puts(&r->calls, "]");
    r->ncalls++;
    return r->stop_after && r->ncalls == r->stop_after ? 42 : 0;
}

static void rec_free(rec *r)
{
    pdc_buf_free(&r->out);
    pdc_buf_free(&r->err);
    pdc_buf_free(&r->order);
    pdc_buf_free(&r->calls);
}

static const char *s(const pdc_buf *b)
{
    return b->data ? b->data : "";
}

/* The sample: stdout, stderr, an empty frame, a partial line, stderr, stdin-numbered, stdout. */
static void sample(pdc_buf *b)
{
    put_frame_s(b, 1, "started\n");
    put_frame_s(b, 2, "to-stderr\n");
    put_frame_s(b, 1, "");
    put_frame_s(b, 1, "abc");
    put_frame_s(b, 1, "def\n");
    put_frame_s(b, 2, "E");
    put_frame_s(b, 0, "zero\n");
    put_frame_s(b, 2, "");
    put_frame_s(b, 1, "end\n");
}
#define SAMPLE_OUT "started\nabcdef\nzero\nend\n"
#define SAMPLE_ERR "to-stderr\nE"
#define SAMPLE_ORDER "|1started\n|2to-stderr\n|1abcdef\n|2E|1zero\nend\n"
#define SAMPLE_CALLS "[1:started\n][2:to-stderr\n][1:abc][1:def\n][2:E][1:zero\n][1:end\n]"

static void feed_split(pdc_frames_mode mode, const pdc_buf *in, const size_t *cuts, size_t ncuts, rec *r)
{
    pdc_frames f;
    pdc_frames_init(&f, mode, rec_cb, r);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : in->len;
        ck_assert_int_eq(pdc_frames_feed(&f, in->data + at, end - at), 0);
        at = end;
    }
    ck_assert_int_eq(pdc_frames_finish(&f), 0);
    pdc_frames_free(&f);
}

/* ---- parser ---------------------------------------------------------------------------- */

START_TEST(every_single_split_point)
{
    pdc_buf in = PODC_BUF_INIT;
    sample(&in);
    for (int mode = PODC_FRAMES_PIECES; mode <= PODC_FRAMES_WHOLE; mode++) {
        for (size_t cut = 0; cut <= in.len; cut++) {
            rec r = { 0 };
            feed_split((pdc_frames_mode)mode, &in, &cut, 1, &r);
            ck_assert_str_eq(s(&r.out), SAMPLE_OUT);
            ck_assert_str_eq(s(&r.err), SAMPLE_ERR);
            ck_assert_str_eq(s(&r.order), SAMPLE_ORDER);
            if (mode == PODC_FRAMES_WHOLE) /* whole frames: the same calls wherever the cut is */
                ck_assert_str_eq(s(&r.calls), SAMPLE_CALLS);
            rec_free(&r);
        }
    }
    pdc_buf_free(&in);
}
END_TEST

START_TEST(every_pair_of_split_points)
{
    pdc_buf in = PODC_BUF_INIT;
    sample(&in);
    for (int mode = PODC_FRAMES_PIECES; mode <= PODC_FRAMES_WHOLE; mode++) {
        for (size_t a = 0; a <= in.len; a++) {
            for (size_t b = a; b <= in.len; b++) {
                size_t cuts[2] = { a, b };
                rec r = { 0 };
                feed_split((pdc_frames_mode)mode, &in, cuts, 2, &r);
                ck_assert_str_eq(s(&r.order), SAMPLE_ORDER);
                if (mode == PODC_FRAMES_WHOLE)
                    ck_assert_str_eq(s(&r.calls), SAMPLE_CALLS);
                rec_free(&r);
            }
        }
    }
    pdc_buf_free(&in);
}
END_TEST

START_TEST(byte_by_byte)
{
    pdc_buf in = PODC_BUF_INIT;
    sample(&in);
    for (int mode = PODC_FRAMES_PIECES; mode <= PODC_FRAMES_WHOLE; mode++) {
        size_t *cuts = malloc(in.len * sizeof *cuts);
        for (size_t i = 0; i < in.len; i++)
            cuts[i] = i;
        rec r = { 0 };
        feed_split((pdc_frames_mode)mode, &in, cuts, in.len, &r);
        ck_assert_str_eq(s(&r.order), SAMPLE_ORDER);
        if (mode == PODC_FRAMES_WHOLE)
            ck_assert_str_eq(s(&r.calls), SAMPLE_CALLS);
        else
            ck_assert_int_eq(r.ncalls, (int)(strlen(SAMPLE_OUT) + strlen(SAMPLE_ERR))); /* one per payload byte */
        rec_free(&r);
        free(cuts);
    }
    pdc_buf_free(&in);
}
END_TEST

START_TEST(zero_length_frames_only)
{
    pdc_buf in = PODC_BUF_INIT;
    put_frame_s(&in, 1, "");
    put_frame_s(&in, 2, "");
    put_frame_s(&in, 1, "");
    for (size_t cut = 0; cut <= in.len; cut++) {
        rec r = { 0 };
        feed_split(PODC_FRAMES_WHOLE, &in, &cut, 1, &r);
        ck_assert_int_eq(r.ncalls, 0);
        rec_free(&r);
    }
    pdc_frames f; /* empty input is a valid (empty) stream */
    rec r = { 0 };
    pdc_frames_init(&f, PODC_FRAMES_PIECES, rec_cb, &r);
    ck_assert_int_eq(pdc_frames_feed(&f, "", 0), 0);
    ck_assert_int_eq(pdc_frames_finish(&f), 0);
    pdc_frames_free(&f);
    pdc_buf_free(&in);
}
END_TEST

/* fuzz finding: a NUL in the server's stream-3 text made the error depend on the chunking */
START_TEST(syserr_text_independent_of_chunking)
{
    pdc_buf in = PODC_BUF_INIT;
    put_frame(&in, 3, "container not r\0unning", 22);
    char texts[2][200];
    for (int way = 0; way < 2; way++) {
        pdc_frames f;
        rec r = { 0 };
        pdc_frames_init(&f, PODC_FRAMES_PIECES, rec_cb, &r);
        int rc = 0;
        size_t step = way ? 1 : in.len;
        for (size_t at = 0; at < in.len && rc == 0; at += step)
            rc = pdc_frames_feed(&f, in.data + at, step);
        ck_assert_int_eq(rc, PODC_ESERVER);
        snprintf(texts[way], sizeof texts[way], "%s", f.error);
        pdc_frames_free(&f);
        rec_free(&r);
    }
    ck_assert_str_eq(texts[0], texts[1]);
    ck_assert_str_eq(texts[0], "server error in stream: container not r?unning");
    pdc_buf_free(&in);
}
END_TEST

static void large_frames(pdc_frames_mode mode, size_t big, size_t piece, int expect_calls_for_big)
{
    char *payload = malloc(big);
    for (size_t i = 0; i < big; i++)
        payload[i] = (char)('a' + i % 26);
    pdc_buf in = PODC_BUF_INIT;
    put_frame_s(&in, 2, "before\n");
    put_frame(&in, 1, payload, big);
    put_frame_s(&in, 2, "after\n");
    rec r = { 0 };
    pdc_frames f;
    pdc_frames_init(&f, mode, rec_cb, &r);
    for (size_t at = 0; at < in.len; at += piece)
        ck_assert_int_eq(pdc_frames_feed(&f, in.data + at, in.len - at < piece ? in.len - at : piece), 0);
    ck_assert_int_eq(pdc_frames_finish(&f), 0);
    pdc_frames_free(&f);
    ck_assert_uint_eq(r.out.len, big);
    ck_assert(memcmp(r.out.data, payload, big) == 0);
    ck_assert_str_eq(s(&r.err), "before\nafter\n");
    if (expect_calls_for_big)
        ck_assert_int_eq(r.ncalls, 2 + expect_calls_for_big);
    rec_free(&r);
    pdc_buf_free(&in);
    free(payload);
}

START_TEST(large_frames_all_modes)
{
    /* 3 MiB through the piece parser in 4 KiB reads: one call per read of payload */
    large_frames(PODC_FRAMES_PIECES, 3u << 20, 4096, 0);
    /* exactly the whole-mode limit: one call, reassembled from odd-sized reads */
    large_frames(PODC_FRAMES_WHOLE, PODC_FRAMES_WHOLE_MAX, 4093, 1);
    /* over the limit: streamed in pieces, never buffered */
    large_frames(PODC_FRAMES_WHOLE, PODC_FRAMES_WHOLE_MAX + 1, 65536, 0);
    /* the largest length a header can state is parsed (0xffffffff), not treated as negative */
    pdc_frames f;
    rec r = { 0 };
    pdc_frames_init(&f, PODC_FRAMES_PIECES, rec_cb, &r);
    const unsigned char h[] = { 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 'x', 'y' };
    ck_assert_int_eq(pdc_frames_feed(&f, (const char *)h, sizeof h), 0);
    ck_assert_str_eq(s(&r.out), "xy");
    ck_assert_int_eq(pdc_frames_finish(&f), PODC_EPROTOCOL);
    ck_assert_ptr_nonnull(strstr(f.error, "4294967293 of 4294967295"));
    pdc_frames_free(&f);
    rec_free(&r);
}
END_TEST

START_TEST(garbage_stream_byte_is_protocol_error)
{
    const unsigned char bad_bytes[] = { 4, 5, 0x7f, 0xff, 'H' };
    for (size_t i = 0; i < sizeof bad_bytes; i++) {
        pdc_buf in = PODC_BUF_INIT;
        put_frame_s(&in, 1, "ok\n");
        put_frame_s(&in, bad_bytes[i], "nope\n");
        put_frame_s(&in, 1, "never\n");
        for (size_t cut = 0; cut <= in.len; cut++) {
            rec r = { 0 };
            pdc_frames f;
            pdc_frames_init(&f, PODC_FRAMES_PIECES, rec_cb, &r);
            int rc1 = pdc_frames_feed(&f, in.data, cut);
            int rc2 = rc1 ? rc1 : pdc_frames_feed(&f, in.data + cut, in.len - cut);
            ck_assert_int_eq(rc2, PODC_EPROTOCOL);
            ck_assert_ptr_nonnull(strstr(f.error, "not a multiplexed stream"));
            ck_assert_str_eq(s(&r.out), "ok\n"); /* nothing after the bad header */
            ck_assert_int_eq(pdc_frames_feed(&f, "x", 1), PODC_EPROTOCOL); /* sticky */
            ck_assert_int_eq(pdc_frames_finish(&f), PODC_EPROTOCOL);
            pdc_frames_free(&f);
            rec_free(&r);
        }
        pdc_buf_free(&in);
    }
}
END_TEST

START_TEST(nonzero_padding_or_raw_text_is_protocol_error)
{
    const unsigned char pad[] = { 1, 0, 1, 0, 0, 0, 0, 1, 'x' };
    rec r = { 0 };
    pdc_frames f;
    pdc_frames_init(&f, PODC_FRAMES_WHOLE, rec_cb, &r);
    ck_assert_int_eq(pdc_frames_feed(&f, (const char *)pad, sizeof pad), PODC_EPROTOCOL);
    pdc_frames_free(&f);
    /* a TTY's raw output parsed as frames is caught at once */
    pdc_frames_init(&f, PODC_FRAMES_PIECES, rec_cb, &r);
    ck_assert_int_eq(pdc_frames_feed(&f, "hello world\r\n", 13), PODC_EPROTOCOL);
    pdc_frames_free(&f);
    ck_assert_int_eq(r.ncalls, 0);
    rec_free(&r);
}
END_TEST

START_TEST(stream3_is_server_error_with_text)
{
    pdc_buf in = PODC_BUF_INIT;
    put_frame_s(&in, 1, "out\n");
    put_frame_s(&in, 3, "exec failed: boom");
    for (size_t cut = 0; cut <= in.len; cut++) {
        rec r = { 0 };
        pdc_frames f;
        pdc_frames_init(&f, PODC_FRAMES_WHOLE, rec_cb, &r);
        int rc = pdc_frames_feed(&f, in.data, cut);
        if (rc == 0)
            rc = pdc_frames_feed(&f, in.data + cut, in.len - cut);
        ck_assert_int_eq(rc, PODC_ESERVER);
        ck_assert_str_eq(f.error, "server error in stream: exec failed: boom");
        ck_assert_str_eq(s(&r.out), "out\n");
        pdc_frames_free(&f);
        rec_free(&r);
    }
    pdc_buf_free(&in);
}
END_TEST

START_TEST(truncated_stream_detected_at_finish)
{
    pdc_buf in = PODC_BUF_INIT;
    put_frame_s(&in, 1, "abc\n");
    put_frame_s(&in, 2, "defg\n");
    size_t first_end = 12;
    for (size_t cut = 0; cut <= in.len; cut++) {
        rec r = { 0 };
        pdc_frames f;
        pdc_frames_init(&f, PODC_FRAMES_PIECES, rec_cb, &r);
        ck_assert_int_eq(pdc_frames_feed(&f, in.data, cut), 0);
        int at_boundary = cut == 0 || cut == first_end || cut == in.len;
        ck_assert_int_eq(pdc_frames_finish(&f), at_boundary ? 0 : PODC_EPROTOCOL);
        if (!at_boundary)
            ck_assert_ptr_nonnull(strstr(f.error, "stream ended inside a frame"));
        pdc_frames_free(&f);
        rec_free(&r);
    }
    pdc_buf_free(&in);
}
END_TEST

START_TEST(callback_stop_value_returned)
{
    pdc_buf in = PODC_BUF_INIT;
    sample(&in);
    for (int mode = PODC_FRAMES_PIECES; mode <= PODC_FRAMES_WHOLE; mode++) {
        rec r = { .stop_after = 2 };
        pdc_frames f;
        pdc_frames_init(&f, (pdc_frames_mode)mode, rec_cb, &r);
        ck_assert_int_eq(pdc_frames_feed(&f, in.data, in.len), 42);
        ck_assert_int_eq(r.ncalls, 2);
        pdc_frames_free(&f);
        rec_free(&r);
    }
    pdc_buf_free(&in);
}
END_TEST

START_TEST(raw_mode_passes_everything_as_stdout)
{
    pdc_buf in = PODC_BUF_INIT;
    sample(&in); /* bytes that look like frames are just data here */
    rec r = { 0 };
    pdc_frames f;
    pdc_frames_init(&f, PODC_FRAMES_RAW, rec_cb, &r);
    for (size_t at = 0; at < in.len; at += 5)
        ck_assert_int_eq(pdc_frames_feed(&f, in.data + at, in.len - at < 5 ? in.len - at : 5), 0);
    ck_assert_int_eq(pdc_frames_feed(&f, "", 0), 0);
    ck_assert_int_eq(pdc_frames_finish(&f), 0);
    ck_assert_uint_eq(r.out.len, in.len);
    ck_assert(memcmp(r.out.data, in.data, in.len) == 0);
    ck_assert_uint_eq(r.err.len, 0);
    pdc_frames_free(&f);
    rec_free(&r);
    pdc_buf_free(&in);
}
END_TEST

/* ---- through the fake server ------------------------------------------------------------ */

static podc_client *client_for(fake_server *srv)
{
    char uri[256];
    snprintf(uri, sizeof uri, "unix://%s", fake_server_path(srv));
    podc_client_options o = PODC_CLIENT_OPTIONS_INIT;
    o.uri = uri;
    o.timeout_ms = 5000;
    podc_client *c = NULL;
    podc_error *err = NULL;
    ck_assert_msg(podc_client_new(&c, &o, &err) == 0, "client: %s", podc_error_message(err));
    return c;
}

/* A chunked 200 reply whose chunk boundaries are at the given body offsets. */
static char *chunked_at(const char *ctype, const pdc_buf *body, const size_t *cuts, size_t ncuts, size_t *len)
{
    pdc_buf r = PODC_BUF_INIT;
    pdc_buf_printf(&r, "HTTP/1.1 200 OK\r\n" HDR "Content-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n", ctype);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : body->len;
        if (end > at) {
            pdc_buf_printf(&r, "%zx\r\n", end - at);
            pdc_buf_append(&r, body->data + at, end - at);
            pdc_buf_puts(&r, "\r\n");
        }
        at = end;
    }
    pdc_buf_puts(&r, "0\r\n\r\n");
    *len = r.len;
    return pdc_buf_detach(&r);
}

static char *reply(int status, const char *ctype, const char *body)
{
    pdc_buf r = PODC_BUF_INIT;
    pdc_buf_printf(&r, "HTTP/1.1 %d X\r\n" HDR, status);
    if (ctype)
        pdc_buf_printf(&r, "Content-Type: %s\r\n", ctype);
    pdc_buf_printf(&r, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    return pdc_buf_detach(&r);
}

START_TEST(logs_chunked_at_awkward_places)
{
    pdc_buf body = PODC_BUF_INIT;
    sample(&body);
    /* chunk boundaries inside headers, right after them, inside payloads, one byte apart */
    const size_t cut_sets[][4] = { { 1, 2, 3, 4 }, { 7, 8, 9, 17 }, { 5, 13, 30, 31 }, { 8, 16, 26, 27 } };
    for (size_t k = 0; k < sizeof cut_sets / sizeof cut_sets[0]; k++) {
        size_t len = 0;
        char *raw = chunked_at("application/octet-stream", &body, cut_sets[k], 4, &len);
        /* sent 3 bytes at a time with pauses, so the client really reads the pieces apart */
        fake_response fr = { .raw = raw, .raw_len = len, .drop_after = -1, .chunk_pause_ms = 1, .chunk_size = 3 };
        fake_server *srv = fake_server_start(&fr, 1);
        free(raw);
        podc_client *c = client_for(srv);
        podc_logs *l = NULL;
        podc_error *err = NULL;
        ck_assert_msg(podc_logs_get(c, "web-1", NULL, &l, &err) == 0, "%s", podc_error_message(err));
        ck_assert_str_eq(podc_logs_stdout(l), SAMPLE_OUT);
        ck_assert_str_eq(podc_logs_stderr(l), SAMPLE_ERR);
        ck_assert_str_eq(podc_logs_combined(l), "started\nto-stderr\nabcdef\nEzero\nend\n");
        ck_assert_uint_eq(podc_logs_combined_len(l), strlen(SAMPLE_OUT) + strlen(SAMPLE_ERR));
        podc_logs_free(l);
        char *req = fake_server_request(srv, 0);
        ck_assert_ptr_nonnull(strstr(req, "GET /v4.0.0/libpod/containers/web-1/logs?stdout=true&stderr=true HTTP/1.1"));
        free(req);
        podc_client_free(c);
        fake_server_stop(srv);
    }
    pdc_buf_free(&body);
}
END_TEST

typedef struct calls {
    pdc_buf text;
    int n;
    int stop_at;
} calls;

static int count_calls(int stream, const char *data, size_t len, void *ud)
{
    calls *k = ud;
    pdc_buf_printf(&k->text, "[%d:", stream);
    pdc_buf_append(&k->text, data, len);
    pdc_buf_puts(&k->text, "]");
    return ++k->n == k->stop_at;
}

START_TEST(logs_stream_one_call_per_record_and_options)
{
    pdc_buf body = PODC_BUF_INIT;
    sample(&body);
    size_t len = 0, cuts[3] = { 3, 11, 20 };
    char *raw = chunked_at("application/octet-stream", &body, cuts, 3, &len);
    fake_response fr = { .raw = raw, .raw_len = len, .drop_after = -1, .chunk_pause_ms = 1, .chunk_size = 2 };
    fake_server *srv = fake_server_start(&fr, 1);
    free(raw);
    podc_client *c = client_for(srv);
    podc_logs_options o;
    ck_assert_int_eq(podc_logs_options_init(&o, PODC_LOGS_OPTIONS_VERSION), 0);
    o.want_stdout = 1;
    o.want_stderr = 1;
    o.tail = 5;
    o.since = 1700000000;
    o.timestamps = 1;
    o.follow = 1;
    calls k = { PODC_BUF_INIT, 0, 0 };
    podc_error *err = NULL;
    ck_assert_msg(podc_logs_stream(c, "db", &o, count_calls, &k, &err) == 0, "%s", podc_error_message(err));
    ck_assert_str_eq(s(&k.text), SAMPLE_CALLS);
    char *req = fake_server_request(srv, 0);
    ck_assert_ptr_nonnull(strstr(req, "GET /v4.0.0/libpod/containers/db/logs?stdout=true&stderr=true&tail=5"
                                      "&since=1700000000&timestamps=true&follow=true HTTP/1.1"));
    free(req);
    pdc_buf_free(&k.text);
    /* since_text wins, and is escaped */
    o.since_text = "2026-01-02T03:04:05+01:00";
    o.tail = -1;
    o.follow = 0;
    o.timestamps = 0;
    o.want_stdout = 0;
    k.n = 0;
    k.stop_at = 1; /* and a callback stop is a cancel */
    ck_assert_int_eq(podc_logs_stream(c, "db", &o, count_calls, &k, &err), PODC_ECANCELLED);
    ck_assert_int_eq(podc_error_code(err), PODC_ECANCELLED);
    req = fake_server_request(srv, 1);
    ck_assert_ptr_nonnull(strstr(req, "/logs?stdout=false&stderr=true&since=2026-01-02T03%3A04%3A05%2B01%3A00 HTTP"));
    free(req);
    podc_error_free(err);
    pdc_buf_free(&k.text);
    podc_client_free(c);
    fake_server_stop(srv);
    pdc_buf_free(&body);
}
END_TEST

START_TEST(logs_bad_stream_errors)
{
    /* garbage, then a stream cut inside a frame, then a JSON 404 */
    pdc_buf trunc = PODC_BUF_INIT;
    put_frame_s(&trunc, 1, "whole\n");
    pdc_buf_append(&trunc, "\1\0\0\0\0\0\0\x09part", 12);
    size_t l1 = 0, l2 = 0;
    pdc_buf garbage = PODC_BUF_INIT;
    pdc_buf_puts(&garbage, "plain text, not frames\n");
    char *r1 = chunked_at("application/octet-stream", &garbage, NULL, 0, &l1);
    char *r2 = chunked_at("application/octet-stream", &trunc, NULL, 0, &l2);
    char *r3 = reply(404, "application/json",
                     "{\"cause\":\"no such container\",\"message\":\"no container with name or ID \\\"x\\\" found: "
                     "no such container\",\"response\":404}\n");
    fake_response fr[3] = { { .raw = r1, .raw_len = l1, .drop_after = -1 },
                            { .raw = r2, .raw_len = l2, .drop_after = -1 },
                            { .raw = r3, .drop_after = -1 } };
    fake_server *srv = fake_server_start(fr, 3);
    free(r1);
    free(r2);
    free(r3);
    podc_client *c = client_for(srv);
    podc_logs *l = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_logs_get(c, "x", NULL, &l, &err), PODC_EPROTOCOL);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "not a multiplexed stream"));
    ck_assert_str_eq(podc_error_container(err), "x");
    ck_assert_int_eq(podc_logs_get(c, "x", NULL, &l, &err), PODC_EPROTOCOL);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "5 of 9 payload bytes missing"));
    ck_assert_int_eq(podc_logs_get(c, "x", NULL, &l, &err), PODC_ENOTFOUND);
    ck_assert_str_eq(podc_error_container(err), "x");
    ck_assert_ptr_null(l);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(srv);
    pdc_buf_free(&trunc);
    pdc_buf_free(&garbage);
}
END_TEST

START_TEST(logs_tail_cuts_lines)
{
    pdc_buf body = PODC_BUF_INIT;
    /* podman's tail mis-splits partial lines: "x\n", "yz\n" for tail=2 of x\ny\nz; here a
     * reply with more lines than asked for must still be cut to n */
    put_frame_s(&body, 1, "one\n");
    put_frame_s(&body, 2, "two\n");
    put_frame_s(&body, 1, "three\nfour\n");
    put_frame_s(&body, 2, "five");
    size_t len = 0;
    char *raw = chunked_at("application/octet-stream", &body, NULL, 0, &len);
    fake_response fr = { .raw = raw, .raw_len = len, .drop_after = -1 };
    fake_server *srv = fake_server_start(&fr, 1);
    free(raw);
    podc_client *c = client_for(srv);
    char *text = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_logs_tail(c, "x", 2, &text, &err), 0);
    ck_assert_str_eq(text, "four\nfive");
    podc_free(text);
    ck_assert_int_eq(podc_logs_tail(c, "x", 3, &text, &err), 0);
    ck_assert_str_eq(text, "three\nfour\nfive");
    podc_free(text);
    ck_assert_int_eq(podc_logs_tail(c, "x", 50, &text, &err), 0);
    ck_assert_str_eq(text, "one\ntwo\nthree\nfour\nfive");
    podc_free(text);
    char *req = fake_server_request(srv, 0);
    ck_assert_ptr_nonnull(strstr(req, "/logs?stdout=true&stderr=true&tail=2 HTTP"));
    free(req);
    text = (char *)"untouched";
    ck_assert_int_eq(podc_logs_tail(c, "x", 0, &text, &err), PODC_EINVAL);
    ck_assert_str_eq(text, "untouched");
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(srv);
    pdc_buf_free(&body);
}
END_TEST

static const char *const ARGV_SH[] = { "/bin/sh", "-c", "echo hi; exit 7", NULL };

/* exec: create, attached start (close-delimited raw-stream reply), inspect */
static fake_server *exec_server(const pdc_buf *stream, const char *inspect2)
{
    char *create = reply(201, "application/json", "{\"Id\":\"e8bc2bf5\"}\n");
    pdc_buf start = PODC_BUF_INIT;
    pdc_buf_puts(&start, "HTTP/1.1 200 OK\r\n" HDR "Content-Type: application/vnd.docker.raw-stream\r\n\r\n");
    pdc_buf_append(&start, stream->data, stream->len);
    char *insp1 = reply(200, "application/json",
                        inspect2 ? "{\"Running\":true,\"ExitCode\":0}\n" : "{\"Running\":false,\"ExitCode\":7}\n");
    char *insp2 = reply(200, "application/json", inspect2 ? inspect2 : "{}");
    fake_response fr[4] = {
        { .raw = create, .drop_after = -1 },
        { .raw = start.data, .raw_len = start.len, .drop_after = -1, .close_after = 1, .chunk_pause_ms = 1,
          .chunk_size = 5 },
        { .raw = insp1, .drop_after = -1 },
        { .raw = insp2, .drop_after = -1 },
    };
    fake_server *srv = fake_server_start(fr, 4);
    free(create);
    pdc_buf_free(&start);
    free(insp1);
    free(insp2);
    return srv;
}

START_TEST(exec_flow_against_fake)
{
    pdc_buf stream = PODC_BUF_INIT;
    put_frame_s(&stream, 1, "out:bar:y\n/www\n");
    put_frame_s(&stream, 2, "err\n");
    put_frame_s(&stream, 1, "more\n");
    fake_server *srv = exec_server(&stream, NULL);
    podc_client *c = client_for(srv);
    podc_exec_options *o = podc_exec_options_new();
    podc_error *err = NULL;
    ck_assert_int_eq(podc_exec_options_add_env(o, "X", "y z", &err), 0);
    ck_assert_int_eq(podc_exec_options_add_env(o, "EMPTY", "", &err), 0);
    ck_assert_int_eq(podc_exec_options_set_workdir(o, "/www", &err), 0);
    ck_assert_int_eq(podc_exec_options_set_user(o, "1000:1000", &err), 0);
    podc_exec_result *r = NULL;
    ck_assert_msg(podc_exec_run(c, "web", ARGV_SH, o, &r, &err) == 0, "%s", podc_error_message(err));
    ck_assert_int_eq(podc_exec_result_exit_code(r), 7);
    ck_assert_str_eq(podc_exec_result_stdout(r), "out:bar:y\n/www\nmore\n");
    ck_assert_str_eq(podc_exec_result_stderr(r), "err\n");
    ck_assert_uint_eq(podc_exec_result_stderr_len(r), 4);
    podc_exec_result_free(r);

    char *req = fake_server_request(srv, 0);
    ck_assert_ptr_nonnull(strstr(req, "POST /v4.0.0/libpod/containers/web/exec HTTP/1.1"));
    ck_assert_ptr_nonnull(strstr(req, "Content-Type: application/json"));
    ck_assert_ptr_nonnull(strstr(req, "{\"AttachStdin\":false,\"AttachStdout\":true,\"AttachStderr\":true,"
                                      "\"Tty\":false,\"Cmd\":[\"/bin/sh\",\"-c\",\"echo hi; exit 7\"],"
                                      "\"Env\":[\"X=y z\",\"EMPTY=\"],\"WorkingDir\":\"/www\",\"User\":\"1000:1000\"}"));
    free(req);
    req = fake_server_request(srv, 1);
    ck_assert_ptr_nonnull(strstr(req, "POST /v4.0.0/libpod/exec/e8bc2bf5/start HTTP/1.1"));
    ck_assert_ptr_nonnull(strstr(req, "{\"Detach\":false,\"Tty\":false}"));
    free(req);
    req = fake_server_request(srv, 2);
    ck_assert_ptr_nonnull(strstr(req, "GET /v4.0.0/libpod/exec/e8bc2bf5/json HTTP/1.1"));
    free(req);
    /* the hijacked start had its own connection; the pooled one served create and inspect */
    ck_assert_int_eq(podc_client_connections_opened(c), 2);
    podc_exec_options_free(o);
    podc_client_free(c);
    fake_server_stop(srv);
    pdc_buf_free(&stream);
}
END_TEST

START_TEST(exec_tty_raw_and_running_poll)
{
    pdc_buf stream = PODC_BUF_INIT;
    pdc_buf_puts(&stream, "raw tty text\r\nno frames\r\n");
    fake_server *srv = exec_server(&stream, "{\"Running\":false,\"ExitCode\":0}\n");
    podc_client *c = client_for(srv);
    podc_exec_options *o = podc_exec_options_new();
    podc_exec_options_set_tty(o, 1, NULL);
    calls k = { PODC_BUF_INIT, 0, 0 };
    int code = -5;
    podc_error *err = NULL;
    ck_assert_msg(podc_exec_stream(c, "web", ARGV_SH, o, count_calls, &k, &code, &err) == 0, "%s",
                  podc_error_message(err));
    ck_assert_int_eq(code, 0);
    ck_assert_int_eq(fake_server_requests(srv), 4); /* Running:true was polled again */
    pdc_buf joined = PODC_BUF_INIT; /* all of it as stdout */
    for (const char *p = s(&k.text); (p = strstr(p, "[1:")) != NULL;) {
        p += 3;
        const char *e = strchr(p, ']');
        pdc_buf_append(&joined, p, (size_t)(e - p));
        p = e;
    }
    ck_assert_str_eq(s(&joined), "raw tty text\r\nno frames\r\n");
    ck_assert_ptr_null(strstr(s(&k.text), "[2:"));
    char *req = fake_server_request(srv, 0);
    ck_assert_ptr_nonnull(strstr(req, "\"Tty\":true"));
    free(req);
    req = fake_server_request(srv, 1);
    ck_assert_ptr_nonnull(strstr(req, "{\"Detach\":false,\"Tty\":true}"));
    free(req);
    pdc_buf_free(&joined);
    pdc_buf_free(&k.text);
    podc_exec_options_free(o);
    podc_client_free(c);
    fake_server_stop(srv);
    pdc_buf_free(&stream);
}
END_TEST

START_TEST(exec_timeout)
{
    char *create = reply(201, "application/json", "{\"Id\":\"abc\"}\n");
    fake_response fr[2] = { { .raw = create, .drop_after = -1 }, { .never_answer = 1, .drop_after = -1 } };
    fake_server *srv = fake_server_start(fr, 2);
    free(create);
    podc_client *c = client_for(srv);
    podc_exec_options *o = podc_exec_options_new();
    podc_exec_options_set_timeout(o, 300, NULL);
    podc_exec_result *r = NULL;
    podc_error *err = NULL;
    ck_assert_int_eq(podc_exec_run(c, "web", ARGV_SH, o, &r, &err), PODC_ETIMEOUT);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(podc_error_message(err), "may still be running"));
    ck_assert_str_eq(podc_error_container(err), "web");
    podc_error_free(err);
    podc_exec_options_free(o);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

/* A tar read back from a request body: the one entry's name, mode and content. */
static void check_tar(const char *data, size_t len, const char *name, unsigned mode, const char *content)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    ck_assert_int_eq(archive_read_open_memory(a, data, len), ARCHIVE_OK);
    struct archive_entry *e;
    ck_assert_int_eq(archive_read_next_header(a, &e), ARCHIVE_OK);
    ck_assert_str_eq(archive_entry_pathname(e), name);
    ck_assert_int_eq(archive_entry_filetype(e), AE_IFREG);
    ck_assert_uint_eq(archive_entry_perm(e), mode);
    char buf[256] = "";
    la_ssize_t n = archive_read_data(a, buf, sizeof buf - 1);
    ck_assert_int_ge(n, 0);
    ck_assert_str_eq(buf, content);
    ck_assert_int_eq(archive_read_next_header(a, &e), ARCHIVE_EOF);
    archive_read_free(a);
}

START_TEST(copy_put_file_sends_tar)
{
    char *ok = reply(200, NULL, "");
    fake_response fr = { .raw = ok, .drop_after = -1 };
    fake_server *srv = fake_server_start(&fr, 1);
    free(ok);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;
    ck_assert_msg(podc_copy_put_file(c, "web", "/etc/app dir", "conf/app.ini", "k=v\n", 4, 0640, &err) == 0, "%s",
                  podc_error_message(err));
    size_t len = 0;
    char *req = fake_server_request_len(srv, 0, &len);
    ck_assert_ptr_nonnull(strstr(req, "PUT /v4.0.0/libpod/containers/web/archive?path=%2Fetc%2Fapp%20dir HTTP/1.1"));
    ck_assert_ptr_nonnull(strstr(req, "Content-Type: application/x-tar"));
    char *body = strstr(req, "\r\n\r\n") + 4;
    check_tar(body, len - (size_t)(body - req), "conf/app.ini", 0640, "k=v\n");
    free(req);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

typedef struct src {
    const char *data;
    size_t len, at;
    int fail_at_end;
} src;

static int64_t read_src(char *buf, size_t len, void *ud)
{
    src *p = ud;
    if (p->at == p->len)
        return p->fail_at_end ? -1 : 0;
    size_t n = p->len - p->at < len ? p->len - p->at : len;
    if (n > 3)
        n = 3; /* small reads: many chunks */
    memcpy(buf, p->data + p->at, n);
    p->at += n;
    return (int64_t)n;
}

START_TEST(copy_put_stream_and_abort)
{
    char *ok = reply(200, NULL, "");
    fake_response fr = { .raw = ok, .drop_after = -1 };
    fake_server *srv = fake_server_start(&fr, 1);
    free(ok);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;
    src p = { "0123456789abcdef", 16, 0, 0 };
    ck_assert_msg(podc_copy_put_tar_stream(c, "web", "/d", read_src, &p, &err) == 0, "%s", podc_error_message(err));
    char *req = fake_server_request(srv, 0);
    ck_assert_ptr_nonnull(strstr(req, "Transfer-Encoding: chunked"));
    pdc_buf body = PODC_BUF_INIT; /* de-chunk what was sent */
    for (char *q = strstr(req, "\r\n\r\n") + 4;;) {
        char *end = NULL;
        unsigned long n = strtoul(q, &end, 16);
        if (n == 0)
            break;
        pdc_buf_append(&body, end + 2, n);
        q = end + 2 + n + 2;
    }
    ck_assert_str_eq(s(&body), "0123456789abcdef");
    pdc_buf_free(&body);
    free(req);
    src q = { "xyz", 3, 0, 1 };
    ck_assert_int_eq(podc_copy_put_tar_stream(c, "web", "/d", read_src, &q, &err), PODC_ECANCELLED);
    podc_error_free(err);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

START_TEST(copy_get_file_from_tar)
{
    /* the reply is a tar built the way put_file builds one */
    char *ok = reply(200, NULL, "");
    fake_response fr1 = { .raw = ok, .drop_after = -1 };
    fake_server *rec_srv = fake_server_start(&fr1, 1);
    free(ok);
    podc_client *c = client_for(rec_srv);
    ck_assert_int_eq(podc_copy_put_file(c, "web", "/", "hello.txt", "hello, world\n", 13, 0600, NULL), 0);
    size_t len = 0;
    char *req = fake_server_request_len(rec_srv, 0, &len);
    char *tar = strstr(req, "\r\n\r\n") + 4;
    size_t tar_len = len - (size_t)(tar - req);
    podc_client_free(c);
    fake_server_stop(rec_srv);

    pdc_buf r = PODC_BUF_INIT;
    pdc_buf_printf(&r, "HTTP/1.1 200 OK\r\n" HDR "Content-Type: application/x-tar\r\nContent-Length: %zu\r\n\r\n",
                   tar_len);
    pdc_buf_append(&r, tar, tar_len);
    free(req);
    fake_response fr2 = { .raw = r.data, .raw_len = r.len, .drop_after = -1 };
    fake_server *srv = fake_server_start(&fr2, 1);
    pdc_buf_free(&r);
    c = client_for(srv);
    char *content = NULL;
    size_t clen = 0;
    podc_error *err = NULL;
    ck_assert_msg(podc_copy_get_file(c, "web", "/hello.txt", &content, &clen, &err) == 0, "%s",
                  podc_error_message(err));
    ck_assert_str_eq(content, "hello, world\n");
    ck_assert_uint_eq(clen, 13);
    podc_free(content);
    char *mem = NULL;
    size_t mem_len = 0;
    ck_assert_int_eq(podc_copy_get_tar_mem(c, "web", "/hello.txt", &mem, &mem_len, &err), 0);
    ck_assert_uint_eq(mem_len, tar_len);
    podc_free(mem);
    req = fake_server_request(srv, 0);
    ck_assert_ptr_nonnull(strstr(req, "GET /v4.0.0/libpod/containers/web/archive?path=%2Fhello.txt HTTP/1.1"));
    free(req);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

typedef struct evrec {
    pdc_buf seen;
    int n, stop_at;
} evrec;

static int on_event(const podc_event *e, void *ud)
{
    evrec *r = ud;
    pdc_buf_printf(&r->seen, "%s/%s/%s/%s/%s/%lld;", podc_event_type(e), podc_event_action(e),
                   podc_event_actor_id(e), podc_event_name(e),
                   podc_event_attribute(e, "containerExitCode") ? podc_event_attribute(e, "containerExitCode") : "-",
                   (long long)podc_event_time_ns(e));
    for (size_t i = 0; i < podc_event_attribute_count(e); i++)
        pdc_buf_printf(&r->seen, "%s=%s,", podc_event_attribute_key_at(e, i), podc_event_attribute_value_at(e, i));
    ck_assert_ptr_null(podc_event_attribute_key_at(e, podc_event_attribute_count(e)));
    ck_assert_ptr_nonnull(strstr(podc_event_json(e), "\"Actor\""));
    return ++r->n == r->stop_at;
}

/* on_event's record, for events without an Actor */
static int on_event_nojson(const podc_event *e, void *ud)
{
    evrec *r = ud;
    pdc_buf_printf(&r->seen, "%s/%s/%s/%s/-/%lld;", podc_event_type(e), podc_event_action(e),
                   podc_event_actor_id(e) ? podc_event_actor_id(e) : "(null)",
                   podc_event_name(e) ? podc_event_name(e) : "(null)", (long long)podc_event_time_ns(e));
    return 0;
}

#define EV_START "{\"status\":\"start\",\"id\":\"d1\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"d1\"," \
                 "\"Attributes\":{\"name\":\"probe-ev\",\"l\":\"1\"}},\"time\":1795632099,\"timeNano\":1795632099750514756}\n"
#define EV_DIED "{\"status\":\"died\",\"Type\":\"container\",\"Action\":\"died\",\"Actor\":{\"ID\":\"d1\"," \
                "\"Attributes\":{\"containerExitCode\":\"2\",\"name\":\"probe-ev\"}},\"time\":1795632100}\n"

START_TEST(events_lines_split_and_fields)
{
    pdc_buf body = PODC_BUF_INIT;
    pdc_buf_puts(&body, EV_START "\n" EV_DIED);
    size_t cuts[3] = { 1, 40, strlen(EV_START) + 1 }, len = 0;
    char *raw = chunked_at("application/json", &body, cuts, 3, &len);
    fake_response fr = { .raw = raw, .raw_len = len, .drop_after = -1, .chunk_pause_ms = 1, .chunk_size = 16 };
    fake_server *srv = fake_server_start(&fr, 1);
    free(raw);
    podc_client *c = client_for(srv);
    podc_filters *f = podc_filters_new();
    podc_filters_add(f, "type", "container", NULL);
    podc_filters_add(f, "label", "l=1", NULL);
    podc_events_options o;
    podc_events_options_init(&o, PODC_EVENTS_OPTIONS_VERSION);
    o.filters = f;
    o.follow = 0;
    o.since = "10m";
    evrec r = { PODC_BUF_INIT, 0, 0 };
    podc_error *err = NULL;
    ck_assert_msg(podc_events_stream(c, &o, on_event, &r, &err) == 0, "%s", podc_error_message(err));
    ck_assert_str_eq(s(&r.seen), "container/start/d1/probe-ev/-/1795632099750514756;name=probe-ev,l=1,"
                                 "container/died/d1/probe-ev/2/1795632100000000000;containerExitCode=2,name=probe-ev,");
    char *req = fake_server_request(srv, 0);
    ck_assert_ptr_nonnull(strstr(req, "GET /v4.0.0/libpod/events?stream=false&since=10m&filters=%7B%22type%22%3A%5B%22"
                                      "container%22%5D%2C%22label%22%3A%5B%22l%3D1%22%5D%7D HTTP/1.1"));
    free(req);
    /* a stop from the callback */
    pdc_buf_clear(&r.seen);
    r.n = 0;
    r.stop_at = 1;
    ck_assert_int_eq(podc_events_stream(c, &o, on_event, &r, &err), PODC_ECANCELLED);
    ck_assert_int_eq(r.n, 1);
    podc_error_free(err);
    pdc_buf_free(&r.seen);
    podc_filters_free(f);
    podc_client_free(c);
    fake_server_stop(srv);
    pdc_buf_free(&body);
}
END_TEST

START_TEST(events_error_inside_200)
{
    pdc_buf b1 = PODC_BUF_INIT, b2 = PODC_BUF_INIT;
    pdc_buf_puts(&b1, "{\"cause\":\"bogus is an invalid filter\",\"message\":\"failed to parse event filters: bogus is "
                       "an invalid filter\",\"response\":500}\n");
    pdc_buf_puts(&b2, EV_START "not json\n");
    size_t l1 = 0, l2 = 0;
    char *r1 = chunked_at("application/json", &b1, NULL, 0, &l1);
    char *r2 = chunked_at("application/json", &b2, NULL, 0, &l2);
    fake_response fr[2] = { { .raw = r1, .raw_len = l1, .drop_after = -1 },
                            { .raw = r2, .raw_len = l2, .drop_after = -1 } };
    fake_server *srv = fake_server_start(fr, 2);
    free(r1);
    free(r2);
    podc_client *c = client_for(srv);
    evrec r = { PODC_BUF_INIT, 0, 0 };
    podc_error *err = NULL;
    int rc = podc_events_stream(c, NULL, on_event, &r, &err);
    ck_assert_int_eq(rc, podc_error_code(err));
    ck_assert_int_ne(rc, 0);
    ck_assert_int_ne(rc, PODC_ECANCELLED);
    ck_assert_str_eq(podc_error_cause(err), "bogus is an invalid filter");
    ck_assert_int_eq(podc_error_http_status(err), 500);
    ck_assert_str_eq(podc_error_path(err), "/libpod/events");
    ck_assert_int_eq(r.n, 0);
    ck_assert_int_eq(podc_events_stream(c, NULL, on_event, &r, &err), PODC_EPROTOCOL);
    ck_assert_int_eq(r.n, 1);
    podc_error_free(err);
    pdc_buf_free(&r.seen);
    podc_client_free(c);
    fake_server_stop(srv);
    pdc_buf_free(&b1);
    pdc_buf_free(&b2);
}
END_TEST

/* fuzz finding: a `time` in seconds past what int64 nanoseconds hold overflowed (signed) */
START_TEST(events_time_out_of_range)
{
    static const char lines[] = "{\"Type\":\"container\",\"Action\":\"start\",\"time\":61537759501}\n"
                                "{\"Type\":\"container\",\"Action\":\"died\",\"time\":-9223372037}\n"
                                "{\"Type\":\"container\",\"Action\":\"died\",\"time\":9223372036}\n";
    evrec r = { PODC_BUF_INIT, 0, 0 };
    pdc_events_reader er;
    pdc_events_reader_init(&er, "/libpod/events", on_event_nojson, &r);
    ck_assert_int_eq(pdc_events_reader_feed(lines, strlen(lines), &er), 0);
    ck_assert_int_eq(pdc_events_reader_finish(&er), 0);
    ck_assert_ptr_null(er.failure);
    ck_assert_str_eq(s(&r.seen), "container/start/(null)/(null)/-/0;container/died/(null)/(null)/-/0;"
                                 "container/died/(null)/(null)/-/9223372036000000000;");
    pdc_events_reader_free(&er);
    pdc_buf_free(&r.seen);
}
END_TEST


/* ---- end of a tar stream ------------------------------------------------------------------ */

static la_ssize_t tar_to_buf(struct archive *a, void *ud, const void *data, size_t len)
{
    (void)a;
    pdc_buf_append(ud, data, len);
    return (la_ssize_t)len;
}

static void tar_add(struct archive *a, const char *name, int type, const char *data, size_t len)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, (unsigned)type);
    archive_entry_set_perm(e, 0644);
    if (type == AE_IFLNK)
        archive_entry_set_symlink(e, "target/of/the/link");
    archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)len : 0);
    ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
    if (type == AE_IFREG && len)
        ck_assert_int_eq(archive_write_data(a, data, len), (la_ssize_t)len);
    archive_entry_free(e);
}

/* A tar in the given format with the writer's usual 10 KiB record padding; *logical is
 * where its end-of-archive marker ends. */
static void sample_tar(int format, pdc_buf *out, size_t *logical)
{
    char longname[200];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    memcpy(longname, "deep/", 5);
    char data[1500];
    memset(data, 'd', sizeof data);
    struct archive *a = archive_write_new();
    ck_assert_int_eq(archive_write_set_format(a, format), ARCHIVE_OK);
    ck_assert_int_eq(archive_write_open2(a, out, NULL, tar_to_buf, NULL, NULL), ARCHIVE_OK);
    tar_add(a, "dir", AE_IFDIR, NULL, 0);
    tar_add(a, "dir/a.txt", AE_IFREG, "alpha\n", 6);
    tar_add(a, "dir/empty", AE_IFREG, "", 0);
    tar_add(a, "dir/link", AE_IFLNK, NULL, 0);
    tar_add(a, longname, AE_IFREG, data, sizeof data); /* needs a GNU 'L' or pax 'x' header */
    tar_add(a, "dir/exact", AE_IFREG, data, 1024);
    archive_write_close(a);
    archive_write_free(a);
    /* the marker: the first pair of zero blocks at a block boundary after the last entry */
    size_t at = out->len;
    while (at >= 1024) {
        int z = 1;
        for (size_t i = at - 1024; i < at && z; i++)
            z = out->data[i] == 0;
        if (!z)
            break;
        at -= 512;
    }
    *logical = at + 512; /* `at` ended on the last data block plus one zero block */
    ck_assert_uint_eq(*logical % 512, 0);
    ck_assert_uint_gt(out->len, *logical); /* there is padding to cut */
}

/* Several files in one archive: names, modes, owner and contents read back; nothing after the
 * end marker (the upload would fail on it, tar-end.h). */
START_TEST(tar_files_round_trip)
{
    const pdc_tar_file in[] = { { "config.yaml", "a: 1\n", 5, 0644 },
                                { "sub/secret.yaml", "password: \"x\"\n", 15, 0600 },
                                { "empty", NULL, 0, 0755 } };
    pdc_buf tar = PODC_BUF_INIT;
    ck_assert_int_eq(pdc_tar_files(in, 3, &tar), 0);
    pdc_tar_end t;
    pdc_tar_end_init(&t);
    ck_assert_uint_eq(pdc_tar_end_feed(&t, tar.data, tar.len), tar.len);
    ck_assert_int_eq(pdc_tar_end_done(&t), 1);
    struct archive *r = archive_read_new();
    archive_read_support_format_tar(r);
    ck_assert_int_eq(archive_read_open_memory(r, tar.data, tar.len), ARCHIVE_OK);
    struct archive_entry *e;
    size_t n = 0;
    for (; archive_read_next_header(r, &e) == ARCHIVE_OK; n++) {
        ck_assert_uint_lt(n, 3);
        ck_assert_str_eq(archive_entry_pathname(e), in[n].name);
        ck_assert_int_eq(archive_entry_filetype(e), AE_IFREG);
        ck_assert_int_eq(archive_entry_perm(e), (int)in[n].mode);
        ck_assert_int_eq(archive_entry_uid(e), 0);
        ck_assert_int_eq(archive_entry_gid(e), 0);
        char got[64] = { 0 };
        ck_assert_int_eq(archive_read_data(r, got, sizeof got), (la_ssize_t)in[n].len);
        ck_assert_int_eq(memcmp(got, in[n].len ? in[n].data : "", in[n].len), 0);
    }
    ck_assert_uint_eq(n, 3);
    archive_read_free(r);
    pdc_buf_free(&tar);
}
END_TEST

START_TEST(tar_end_found_at_every_split)
{
    const int formats[] = { ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FORMAT_TAR_USTAR };
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        pdc_buf tar = PODC_BUF_INIT;
        size_t logical = 0;
        if (formats[k] == ARCHIVE_FORMAT_TAR_USTAR) { /* ustar cannot hold the long name: skip it */
            struct archive *a = archive_write_new();
            archive_write_set_format(a, ARCHIVE_FORMAT_TAR_USTAR);
            archive_write_open2(a, &tar, NULL, tar_to_buf, NULL, NULL);
            tar_add(a, "x", AE_IFREG, "x", 1);
            archive_write_close(a);
            archive_write_free(a);
            logical = 512 + 512 + 1024;
        } else {
            sample_tar(formats[k], &tar, &logical);
        }
        for (size_t cut = 0; cut <= tar.len; cut += (cut < 4096 ? 1 : 97)) {
            pdc_tar_end t;
            pdc_tar_end_init(&t);
            size_t a = pdc_tar_end_feed(&t, tar.data, cut);
            size_t b = pdc_tar_end_feed(&t, tar.data + cut, tar.len - cut);
            ck_assert_uint_eq(a + b, logical);
            ck_assert_int_eq(pdc_tar_end_done(&t), 1);
            ck_assert_uint_eq(pdc_tar_end_feed(&t, "more", 4), 0);
        }
        /* what is kept is still a complete archive */
        struct archive *r = archive_read_new();
        archive_read_support_format_tar(r);
        ck_assert_int_eq(archive_read_open_memory(r, tar.data, logical), ARCHIVE_OK);
        struct archive_entry *e;
        int n = 0;
        while (archive_read_next_header(r, &e) == ARCHIVE_OK)
            n++;
        ck_assert_int_eq(n, formats[k] == ARCHIVE_FORMAT_TAR_USTAR ? 1 : 6);
        archive_read_free(r);
        pdc_buf_free(&tar);
    }
}
END_TEST

START_TEST(tar_end_base256_size)
{
    /* a 600-byte file whose size field is rewritten in GNU base-256 form */
    pdc_buf tar = PODC_BUF_INIT;
    struct archive *a = archive_write_new();
    archive_write_set_format(a, ARCHIVE_FORMAT_TAR_USTAR);
    archive_write_open2(a, &tar, NULL, tar_to_buf, NULL, NULL);
    char data[600];
    memset(data, 'q', sizeof data);
    tar_add(a, "f", AE_IFREG, data, sizeof data);
    archive_write_close(a);
    archive_write_free(a);
    unsigned char *h = (unsigned char *)tar.data;
    memset(h + 124, 0, 12);
    h[124] = 0x80;
    h[134] = 600 >> 8;
    h[135] = 600 & 0xff;
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    pdc_tar_end t;
    pdc_tar_end_init(&t);
    ck_assert_uint_eq(pdc_tar_end_feed(&t, tar.data, tar.len), 512 + 1024 + 1024);
    pdc_buf_free(&tar);
}
END_TEST

/* fuzz finding: a base-256 size near 2^64 wrapped when rounded up to blocks, so the file's
 * data was walked as headers and two zero blocks inside it ended the upload early */
START_TEST(tar_end_size_near_2_64)
{
    unsigned char tar[512 + 1024 + 512];
    memset(tar, 0, sizeof tar);
    memcpy(tar, "f", 1);
    memcpy(tar + 100, "0000644", 7);
    tar[124] = 0x80; /* 0x80 00 00 00 ff ff ff ff ff ff ff ff: 2^64 - 1 bytes */
    memset(tar + 128, 0xff, 8);
    tar[156] = '0';
    memcpy(tar + 257, "ustar\0" "00", 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : tar[i];
    snprintf((char *)tar + 148, 8, "%06o", sum);
    memset(tar + 512 + 1024, 'x', 512); /* data after two zero blocks */
    pdc_tar_end t;
    pdc_tar_end_init(&t);
    ck_assert_uint_eq(pdc_tar_end_feed(&t, (const char *)tar, sizeof tar), sizeof tar);
    ck_assert_int_eq(pdc_tar_end_done(&t), 0);
}
END_TEST

START_TEST(tar_end_passes_non_tar_through)
{
    /* gzip magic, text, a bad checksum, and a tar cut short: all sent whole */
    const char *inputs[] = { "\x1f\x8b\x08\x00 compressed...", "just some text that is not a tar archive" };
    for (int i = 0; i < 2; i++) {
        char block[2048] = { 0 };
        memcpy(block, inputs[i], strlen(inputs[i]));
        pdc_tar_end t;
        pdc_tar_end_init(&t);
        ck_assert_uint_eq(pdc_tar_end_feed(&t, block, sizeof block), sizeof block);
        ck_assert_uint_eq(pdc_tar_end_feed(&t, "tail", 4), 4);
        ck_assert_int_eq(pdc_tar_end_done(&t), 0);
    }
    pdc_buf tar = PODC_BUF_INIT;
    size_t logical = 0;
    sample_tar(ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, &tar, &logical);
    pdc_tar_end t;
    pdc_tar_end_init(&t);
    ck_assert_uint_eq(pdc_tar_end_feed(&t, tar.data, 3000), 3000); /* short: nothing cut */
    ck_assert_int_eq(pdc_tar_end_done(&t), 0);
    tar.data[148] ^= 1; /* corrupt the first checksum */
    pdc_tar_end_init(&t);
    ck_assert_uint_eq(pdc_tar_end_feed(&t, tar.data, tar.len), tar.len);
    pdc_buf_free(&tar);
}
END_TEST

static int64_t read_tar_slowly(char *buf, size_t len, void *ud)
{
    src *p = ud;
    if (p->at == p->len)
        return 0;
    size_t n = p->len - p->at < len ? p->len - p->at : len;
    if (n > 700)
        n = 700;
    memcpy(buf, p->data + p->at, n);
    p->at += n;
    return (int64_t)n;
}

START_TEST(copy_upload_stops_at_tar_end)
{
    char *ok = reply(200, NULL, "");
    fake_response fr = { .raw = ok, .drop_after = -1 };
    fake_server *srv = fake_server_start(&fr, 1);
    free(ok);
    podc_client *c = client_for(srv);
    pdc_buf tar = PODC_BUF_INIT;
    size_t logical = 0;
    sample_tar(ARCHIVE_FORMAT_TAR_GNUTAR, &tar, &logical);
    podc_error *err = NULL;
    src p = { tar.data, tar.len, 0, 0 };
    ck_assert_msg(podc_copy_put_tar_stream(c, "web", "/d", read_tar_slowly, &p, &err) == 0, "%s",
                  podc_error_message(err));
    ck_assert_uint_eq(p.at, tar.len); /* the source was drained... */
    ck_assert_int_eq(podc_copy_put_tar(c, "web", "/d", tar.data, tar.len, &err), 0);
    for (int i = 0; i < 2; i++) { /* ...but only the archive itself was sent */
        size_t len = 0;
        char *req = fake_server_request_len(srv, i, &len);
        char *body = strstr(req, "\r\n\r\n") + 4;
        size_t body_len = len - (size_t)(body - req);
        if (i == 0) { /* de-chunk */
            pdc_buf plain = PODC_BUF_INIT;
            for (char *q = body;;) {
                char *end = NULL;
                unsigned long n = strtoul(q, &end, 16);
                if (n == 0)
                    break;
                pdc_buf_append(&plain, end + 2, n);
                q = end + 2 + n + 2;
            }
            ck_assert_uint_eq(plain.len, logical);
            ck_assert(memcmp(plain.data, tar.data, logical) == 0);
            pdc_buf_free(&plain);
        } else {
            ck_assert_uint_eq(body_len, logical);
            ck_assert(memcmp(body, tar.data, logical) == 0);
        }
        free(req);
    }
    pdc_buf_free(&tar);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

static int never_cb(int stream, const char *d, size_t l, void *u)
{
    return 0;
}

static int64_t never_read(char *b, size_t l, void *u)
{
    return 0;
}

static int never_ev(const podc_event *e, void *u)
{
    return 0;
}

static int never_data(const char *d, size_t l, void *u)
{
    return 0;
}

static void expect_invalid(int rc, podc_error **err, const char *field)
{
    ck_assert_int_eq(rc, PODC_EINVAL);
    ck_assert_str_eq(podc_error_detail(*err, "field"), field);
    podc_error_free(*err);
    *err = NULL;
}

START_TEST(bad_input_sends_nothing)
{
    fake_response fr = { .never_answer = 1, .drop_after = -1 };
    fake_server *srv = fake_server_start(&fr, 1);
    podc_client *c = client_for(srv);
    podc_error *err = NULL;
    podc_logs *l = NULL;
    podc_logs_options lo = PODC_LOGS_OPTIONS_INIT;
    expect_invalid(podc_logs_get(c, "bad name", NULL, &l, &err), &err, "container");
    expect_invalid(podc_logs_get(c, "-x", NULL, &l, &err), &err, "container");
    lo.want_stdout = lo.want_stderr = 0;
    expect_invalid(podc_logs_stream(c, "ok", &lo, never_cb, NULL, &err), &err, "want_stdout");
    lo = (podc_logs_options)PODC_LOGS_OPTIONS_INIT;
    lo.tail = -2;
    expect_invalid(podc_logs_stream(c, "ok", &lo, never_cb, NULL, &err), &err, "tail");
    lo.tail = -1;
    lo.version = 99;
    expect_invalid(podc_logs_stream(c, "ok", &lo, never_cb, NULL, &err), &err, "version");
    expect_invalid(podc_logs_stream(c, "ok", NULL, NULL, NULL, &err), &err, "callback");
    ck_assert_int_eq(podc_logs_options_init(&lo, 99), PODC_EINVAL);

    podc_exec_result *r = NULL;
    const char *const empty[] = { NULL };
    const char *const empty_str[] = { "", NULL };
    expect_invalid(podc_exec_run(c, "a/b", ARGV_SH, NULL, &r, &err), &err, "container");
    expect_invalid(podc_exec_run(c, "ok", empty, NULL, &r, &err), &err, "argv");
    expect_invalid(podc_exec_run(c, "ok", empty_str, NULL, &r, &err), &err, "argv");
    expect_invalid(podc_exec_run(c, "ok", NULL, NULL, &r, &err), &err, "argv");
    podc_exec_options *o = podc_exec_options_new();
    expect_invalid(podc_exec_options_add_env(o, "A=B", "x", &err), &err, "env");
    expect_invalid(podc_exec_options_add_env(o, "", "x", &err), &err, "env");
    expect_invalid(podc_exec_options_add_env(o, "A", NULL, &err), &err, "env");
    expect_invalid(podc_exec_options_set_workdir(o, "", &err), &err, "workdir");
    expect_invalid(podc_exec_options_set_user(o, "", &err), &err, "user");
    podc_exec_options_free(o);

    expect_invalid(podc_copy_put_tar(c, "ok", "relative/dir", "", 0, &err), &err, "path");
    expect_invalid(podc_copy_put_tar(c, "o k", "/d", "", 0, &err), &err, "container");
    expect_invalid(podc_copy_put_tar_stream(c, "ok", "/d", NULL, NULL, &err), &err, "read_cb");
    expect_invalid(podc_copy_put_tar_stream(c, "ok", NULL, never_read, NULL, &err), &err, "path");
    const char *bad_names[] = { "", "/abs", "../up", "a/../b", "a//b", "./a", "dir/", "a/.", NULL };
    for (int i = 0; bad_names[i]; i++)
        expect_invalid(podc_copy_put_file(c, "ok", "/d", bad_names[i], "x", 1, 0644, &err), &err, "name");
    expect_invalid(podc_copy_put_file(c, "ok", "/d", NULL, "x", 1, 0644, &err), &err, "name");
    expect_invalid(podc_copy_put_file(c, "ok", "/d", "f", "x", 1, 0100644, &err), &err, "mode");
    expect_invalid(podc_copy_get_tar(c, "ok", "", never_data, NULL, &err), &err, "path");
    expect_invalid(podc_copy_get_tar(c, "ok", "/x", NULL, NULL, &err), &err, "callback");
    char *out = NULL;
    size_t out_len = 0;
    expect_invalid(podc_copy_get_file(c, "", "/x", &out, &out_len, &err), &err, "container");

    podc_events_options eo = PODC_EVENTS_OPTIONS_INIT;
    eo.since = "";
    expect_invalid(podc_events_stream(c, &eo, never_ev, NULL, &err), &err, "since");
    expect_invalid(podc_events_stream(c, NULL, NULL, NULL, &err), &err, "callback");
    eo.since = NULL;
    eo.version = 2;
    expect_invalid(podc_events_stream(c, &eo, never_ev, NULL, &err), &err, "version");

    ck_assert_ptr_null(l);
    ck_assert_ptr_null(r);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(fake_server_requests(srv), 0);
    podc_client_free(c);
    fake_server_stop(srv);
}
END_TEST

Suite *frames_suite(void)
{
    Suite *su = suite_create("frames");
    TCase *p = tcase_create("parser");
    tcase_set_timeout(p, 60);
    tcase_add_test(p, syserr_text_independent_of_chunking);
    tcase_add_test(p, every_single_split_point);
    tcase_add_test(p, every_pair_of_split_points);
    tcase_add_test(p, byte_by_byte);
    tcase_add_test(p, zero_length_frames_only);
    tcase_add_test(p, large_frames_all_modes);
    tcase_add_test(p, garbage_stream_byte_is_protocol_error);
    tcase_add_test(p, nonzero_padding_or_raw_text_is_protocol_error);
    tcase_add_test(p, stream3_is_server_error_with_text);
    tcase_add_test(p, truncated_stream_detected_at_finish);
    tcase_add_test(p, callback_stop_value_returned);
    tcase_add_test(p, raw_mode_passes_everything_as_stdout);
    suite_add_tcase(su, p);

    TCase *f = tcase_create("fake_server");
    tcase_set_timeout(f, 30);
    tcase_add_test(f, logs_chunked_at_awkward_places);
    tcase_add_test(f, logs_stream_one_call_per_record_and_options);
    tcase_add_test(f, logs_bad_stream_errors);
    tcase_add_test(f, logs_tail_cuts_lines);
    tcase_add_test(f, exec_flow_against_fake);
    tcase_add_test(f, exec_tty_raw_and_running_poll);
    tcase_add_test(f, exec_timeout);
    tcase_add_test(f, copy_put_file_sends_tar);
    tcase_add_test(f, copy_put_stream_and_abort);
    tcase_add_test(f, copy_get_file_from_tar);
    tcase_add_test(f, events_lines_split_and_fields);
    tcase_add_test(f, events_error_inside_200);
    tcase_add_test(f, events_time_out_of_range);
    tcase_add_test(f, bad_input_sends_nothing);
    tcase_add_test(f, copy_upload_stops_at_tar_end);
    suite_add_tcase(su, f);

    TCase *t = tcase_create("tar_end");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, tar_files_round_trip);
    tcase_add_test(t, tar_end_found_at_every_split);
    tcase_add_test(t, tar_end_base256_size);
    tcase_add_test(t, tar_end_size_near_2_64);
    tcase_add_test(t, tar_end_passes_non_tar_through);
    suite_add_tcase(su, t);
    return su;
}
