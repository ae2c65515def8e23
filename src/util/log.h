/* Logging to stderr, one line per call, with a UTC timestamp.  A single write(2)
 * per line keeps lines from different threads whole. */
#ifndef TRUCE_LOG_H
#define TRUCE_LOG_H

#include <stddef.h>

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copies s into out (outlen bytes) with control characters shown as '?', so
 * that text from a client cannot start a line of its own in the log. */
void log_printable(const char *s, char *out, size_t outlen);

#endif
