/* interpolate.h - compose's variable substitution: ${VAR}, ${VAR:-default}, ${VAR-default},
 * ${VAR:?message}, ${VAR?message}, ${VAR:+alt}, ${VAR+alt}, $VAR, and $$ for a literal $.
 * Internal. */
#ifndef PODC_COMPOSE_INTERPOLATE_H
#define PODC_COMPOSE_INTERPOLATE_H

/* Looks a variable up: its value, or NULL when unset. */
typedef const char *(*podc_lookup_fn)(const char *name, void *ud);

/* *out (new) is text with every reference replaced. PODC_EINVAL with *why (new text) for an
 * unterminated ${, a bad name, or a ${VAR:?message} whose VAR is unset or empty. */
int pdc_interpolate(const char *text, podc_lookup_fn lookup, void *ud, char **out, char **why);

#endif
