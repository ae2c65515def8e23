/* Wall-clock and monotonic time.  The desk stores times as int64 milliseconds
 * since the Unix epoch (UTC) and shows them as RFC 3339 strings. */
#ifndef TRUCE_TIMEUTIL_H
#define TRUCE_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define TIME_ISO_LEN 32

int64_t time_now_ms(void);
/* Monotonic clock in nanoseconds, for durations. */
int64_t time_mono_ns(void);
/* Writes "2026-11-22T18:17:37.123Z" into out (TIME_ISO_LEN bytes) and returns out. */
char *time_format_iso(int64_t ms, char out[TIME_ISO_LEN]);
/* Parses what time_format_iso writes (the fraction and "Z" optional); false if malformed. */
bool time_parse_iso(const char *s, int64_t *out_ms);

#endif
