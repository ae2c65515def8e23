/* Logging to stderr, one line per call, with a UTC timestamp.  A single write(2)
 * per line keeps lines from different threads whole. */
#ifndef TRUCE_LOG_H
#define TRUCE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
