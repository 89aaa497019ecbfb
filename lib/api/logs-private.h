/* logs-private.h - cutting the log text by lines for podc_logs_tail, apart from the call. */
#ifndef PODC_API_LOGS_PRIVATE_H
#define PODC_API_LOGS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

/* Start of the last n (>= 1) lines of text[0..len) (a final line without '\n' counts as a line). */
size_t pdc_logs_last_lines_start(const char *text, size_t len, int64_t n);

#endif
