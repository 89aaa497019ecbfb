/*
 * tool.h - shared declarations of the podc command-line tool (private to tools/podc).
 * Every command goes through libpodc; the tool never starts another program.
 */
#ifndef PODC_TOOL_H
#define PODC_TOOL_H

#include <signal.h>
#include <stdio.h>

#include "podc.h"

/* Exit code for "a database migration failed" (PODC_EMIGRATION). */
#define PODC_EXIT_MIGRATION 9
/* Exit code for "a registry refused the credentials" (PODC_EAUTH). */
#define PODC_EXIT_AUTH 10
/* Exit code for "a local file could not be read or written" (PODC_EFILE). */
#define PODC_EXIT_FILE 11

/* What every command gets from main(). */
typedef struct tool {
    int json;            /* --json: a JSON document on stdout, errors as JSON on stderr */
    const char *uri;     /* --url (or --socket) */
    const char *connection; /* --connection */
    podc_client *c;      /* the client in use (created by main for every command) */
} tool;

/* ---- main.c ---- */
int podc_tool_exit_code(int rc);
/* Prints err (one line, or its JSON with --json) on stderr, frees it, returns the exit code. */
int podc_tool_fail(const tool *t, int rc, podc_error *err);
/* Prints an input problem (category invalid input, detail "field") the way podc_tool_fail()
 * prints a library error, and returns 2. */
int podc_tool_invalid(const tool *t, const char *field, const char *msg);
/* A local file the OS refused (category local_file, exit 11); details: path. */
int podc_tool_local_file(const tool *t, const char *path, const char *msg);
/* Same for command-line mistakes (field "arguments"). */
int podc_tool_usage_error(const tool *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- interrupt handling (main.c) ---- */
/* Installs SIGINT/SIGTERM handlers: the first signal sets the flag and (from a watcher thread)
 * cancels the call in progress on the registered client; the library's cancel lasts until that
 * call returns, and the call removes what it created before it does. */
void podc_tool_signals_install(void);
void podc_tool_signals_set_client(podc_client *c);
/* Stops the watcher thread (at exit). */
void podc_tool_signals_shutdown(void);
int podc_tool_interrupted(void);

/* ---- output.c ---- */
/* Registers a secret value: it is replaced by *** wherever the tool prints it. */
void podc_out_add_secret(const char *value);
/* 1 for env keys whose values must never be shown (PASSWORD, SECRET, TOKEN, ...). */
int podc_out_key_is_secret(const char *key);
/* New string with every registered secret replaced by ***. */
char *podc_out_mask(const char *text);
/* Progress printer for library callbacks: one line per step on stderr (with time when the
 * line carries none), a spinner on a terminal. userdata = the tool. Returns non-zero once
 * interrupted, so that the library stops and cleans up. */
int podc_out_progress(const char *line, void *userdata);
/* With --json, progress lines go to stderr as {"progress": "..."} objects, one per line. */
void podc_out_set_json(int json);
/* Ends a spinner line (if one is shown). */
void podc_out_progress_done(void);
/* 1 when colours may be used on stream f (a terminal and NO_COLOR unset). */
int podc_out_color(FILE *f);

/* Ports of a listed container: "8080->80/tcp,..." on stdout, or a JSON "ports" array. */
void podc_out_ports_human(const podc_container_summary *s);
void podc_out_json_ports(const podc_container_summary *s);

/* Minimal JSON writer on stdout: handles commas and escaping. */
void podc_jw_begin_object(const char *key);
void podc_jw_end_object(void);
void podc_jw_begin_array(const char *key);
void podc_jw_end_array(void);
void podc_jw_str(const char *key, const char *val);   /* NULL val = null */
void podc_jw_strn(const char *key, const char *val, size_t len);
void podc_jw_int(const char *key, long long val);
void podc_jw_bool(const char *key, int val);
void podc_jw_raw(const char *key, const char *json);  /* a JSON text as it is */
void podc_jw_end(void);                                /* newline after the document */

/* ---- spec_json.c ---- */
/* Parses a run spec (JSON file, schema in podc(1)) into a new service spec. Relative paths
 * (build context, bind-mount sources) are taken relative to the file's directory.
 * "pull" and "tls_verify" go to pull and *pull_flags (the caller applies them after its own
 * flags). The container name is copied to `name`. Returns 0, PODC_EINVAL (field and msg
 * describe the problem) or PODC_ENOMEM. */
int podc_spec_from_json_file(const char *path, podc_service_spec **out, podc_image_pull_options *pull,
                             unsigned int *pull_flags, char *name, size_t name_len, char *field, size_t field_len,
                             char *msg, size_t msg_len);

/* ---- commands (one file per group) ---- */
int podc_cmd_version(tool *t, int argc, char **argv);
int podc_cmd_info(tool *t, int argc, char **argv);
int podc_cmd_ds(tool *t, int argc, char **argv);
int podc_cmd_run(tool *t, int argc, char **argv);
int podc_cmd_stop(tool *t, int argc, char **argv);
int podc_cmd_ps(tool *t, int argc, char **argv);
int podc_cmd_logs(tool *t, int argc, char **argv);
int podc_cmd_exec(tool *t, int argc, char **argv);
int podc_cmd_cleanup(tool *t, int argc, char **argv);
int podc_cmd_must_gather(tool *t, int argc, char **argv);
int podc_cmd_build(tool *t, int argc, char **argv);
int podc_cmd_pull(tool *t, int argc, char **argv);
int podc_cmd_push(tool *t, int argc, char **argv);
int podc_cmd_compose(tool *t, int argc, char **argv);

/* ---- registry flags (cmd_images.c) ---- */
/* Takes argv[*i] when it is a registry flag: policy_flag POLICY ("--pull" on ds up, run and
 * build; "--policy" on pull), --tls-verify[=false], --quiet, --creds USER[:PASS] (no :PASS =
 * read from stdin; the password is masked in all output), --authfile F, --retries N. Returns 1
 * when taken (then *rc is 0, or the exit code of a usage error already printed), else 0.
 * TLS and quiet go to *flags (set them with podc_image_pull_options_set_flags()). */
int podc_tool_pull_arg(const tool *t, int argc, char **argv, int *i, const char *policy_flag,
                       podc_image_pull_options *o, unsigned int *flags, int *rc);

/* ---- argument helpers (main.c) ---- */
/* Matches "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i past the value. Returns 1
 * on a match (sets *val), 0 when argv[*i] is another option, -1 when the value is missing. */
int podc_arg_value(int argc, char **argv, int *i, const char *name, const char **val);
/* Parses a decimal integer in [lo, hi]; 0 on success. */
int podc_arg_int(const char *s, long long lo, long long hi, long long *out);
/* Splits "K=V" (K non-empty): *key is new (free()), *val points into s. 0 on success. */
int podc_arg_kv(const char *s, char **key, const char **val);

#endif
