/*
 * ignore.h - .containerignore / .dockerignore matching with Docker's rules
 * (moby patternmatcher + ignorefile), used to filter a build context.
 *
 * Lines: '#' at column 0 is a comment; whitespace is trimmed; empty lines are skipped; a
 * leading '!' makes an exception; patterns are cleaned like Go's filepath.Clean and a leading
 * '/' is dropped (everything is relative to the context root).
 * Patterns: `*` any run of non-'/', `?` one non-'/' character, `[...]` / `[^...]` classes with
 * ranges, `\x` a literal x, `**` any number of directories ("**" + "/" matches zero or more
 * whole directories, a trailing "**" anything). A pattern must match the whole path.
 * A path is excluded when the last pattern that matches it, or one of its parent directories,
 * is not an exception.
 */
#ifndef PODC_CORE_IGNORE_H
#define PODC_CORE_IGNORE_H

#include <stddef.h>

#include "podc/error.h"

typedef struct pdc_ignore pdc_ignore;

/* New empty matcher (excludes nothing), or NULL on OOM. */
pdc_ignore *pdc_ignore_new(void);
void pdc_ignore_free(pdc_ignore *ig);

/*
 * Adds one ignore-file line (comment and blank lines are accepted and skipped).
 * Returns 0, PODC_ENOMEM, or PODC_EINVAL for a bad pattern (unterminated '[', a lone '!'),
 * with *why set to static text.
 */
int pdc_ignore_add_line(pdc_ignore *ig, const char *line, size_t len, const char **why);

/* Adds every line of an ignore file's text (a UTF-8 BOM is skipped). Errors as above, naming
 * the line (detail "file" = origin). */
int pdc_ignore_add_text(pdc_ignore *ig, const char *text, size_t len, const char *origin, podc_error **err);

/* Loads a file. A missing file is not an error (*loaded = 0). */
int pdc_ignore_load_file(pdc_ignore *ig, const char *path, int *loaded, podc_error **err);

/* 1 when the context-relative path ("a/b.txt", no leading "./" or '/') is excluded, else 0. */
int pdc_ignore_excluded(const pdc_ignore *ig, const char *path);

/*
 * For an excluded directory: 1 when an exception pattern might re-include something below it,
 * so the walk must still descend (the directory entry itself is not sent), 0 when the whole
 * subtree can be skipped.
 */
int pdc_ignore_must_descend(const pdc_ignore *ig, const char *dir);

/* Number of patterns (comments and blanks not counted). */
size_t pdc_ignore_count(const pdc_ignore *ig);

/* Go's filepath.Clean on a '/'-separated path, in place (result never longer). "" -> ".". */
void pdc_path_clean(char *path);

#endif
