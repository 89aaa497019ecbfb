/*
 * podc/common.h - shared definitions of the podc public API.
 *
 * Conventions used by every podc header:
 *  - Functions return int: 0 on success, a negative PODC_E* category on failure.
 *  - An optional `podc_error **err` out-parameter receives a new error object on failure
 *    (caller frees it with podc_error_free()); a non-NULL *err is freed and replaced.
 *    Pass NULL when the return code is enough.
 *  - Builders (specs, options, configs, filters) have one setter signature:
 *    `int podc_<builder>_set_<field>(builder, value..., podc_error **err)` (or `_add_`): 0, or
 *    PODC_EINVAL / PODC_ENOMEM and, when err is not NULL, an error "<setter>: invalid input"
 *    with detail field = <field>. Some values (names, env keys, port numbers) are checked
 *    when the builder is used, still before any request is sent.
 *  - Output parameters (`out`) are written only on success.
 *  - Strings returned by `const char *` accessors are borrowed from their object and live as
 *    long as it does. `char *` results are new and freed with podc_free().
 *  - Times are int64_t milliseconds.
 *  - The library never prints; progress and data go to callbacks.
 */
#ifndef PODC_COMMON_H
#define PODC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PODC_EXTERN __attribute__((visibility("default")))
#else
#define PODC_EXTERN
#endif

/*
 * Called with each piece of a streamed response (logs, build output, events).
 * Return 0 to continue, non-zero to stop: the call then returns PODC_ECANCELLED.
 * Thread: the calling thread, during the call only. (Where the DataStorage stack pulls its
 * images side by side, the lines reach its progress callback instead, one at a time.)
 */
typedef int (*podc_data_cb)(const char *data, size_t len, void *userdata);

/*
 * Supplies the next bytes of an upload (a tar stream, an image archive): copy up to len bytes
 * into buf and return how many; 0 at the end, or a negative value to abort (the call then
 * returns PODC_ECANCELLED). Called on the calling thread, during the call only.
 */
typedef int64_t (*podc_read_cb)(char *buf, size_t len, void *userdata);

/* Frees memory the library returned as `char *` (JSON text, strings). NULL is fine. */
PODC_EXTERN void podc_free(void *ptr);

/* Library version string, e.g. "0.1.0". Static; thread-safe. */
PODC_EXTERN const char *podc_library_version(void);

#ifdef __cplusplus
}
#endif
#endif
