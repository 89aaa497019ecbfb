/*
 * build-context.h - the build context as a tar stream, produced on demand: each read makes
 * the next piece (entry header or file data) with libarchive, so a large context is never
 * held in memory. Paths the ignore matcher excludes are left out.
 */
#ifndef PODC_API_BUILD_CONTEXT_H
#define PODC_API_BUILD_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ignore.h"
#include "podc/error.h"

typedef struct pdc_build_context pdc_build_context;

/*
 * Prepares a stream of dir's contents (entry names relative to dir, no "./" prefix).
 * ig may be NULL (send everything); it is borrowed and must outlive the context.
 * When extra_name is set, the file extra_path is sent first under that name (a Containerfile
 * from outside the context). Nothing is read until the first pdc_build_context_read().
 */
int pdc_build_context_new(pdc_build_context **out, const char *dir, const pdc_ignore *ig,
                          const char *extra_name, const char *extra_path, podc_error **err);

/*
 * Copies up to cap bytes of tar into buf; *n = 0 means the end. Returns 0, or a negative
 * category with the failure kept in the context (see pdc_build_context_error()).
 */
int pdc_build_context_read(pdc_build_context *ctx, char *buf, size_t cap, size_t *n);

/* The error that stopped the stream (borrowed), or NULL. */
const podc_error *pdc_build_context_error(const pdc_build_context *ctx);
/* Takes the error out of the context (caller owns it), or NULL. */
podc_error *pdc_build_context_take_error(pdc_build_context *ctx);

/* Entries (files, dirs, links) and total tar bytes produced so far. */
uint64_t pdc_build_context_entries(const pdc_build_context *ctx);
uint64_t pdc_build_context_bytes(const pdc_build_context *ctx);

void pdc_build_context_free(pdc_build_context *ctx);

#endif
