/* Wall-clock and monotonic time.  The desk stores times as int64 milliseconds
 * since the Unix epoch (UTC) and shows them as RFC 3339 strings. */
#ifndef TRUCE_TIMEUTIL_H
#define TRUCE_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define TIME_ISO_LEN 32
#define TIME_DAY_MS  86400000LL /* a UTC day: the desk's times have no leap seconds */
/* The times the RFC 3339 text can show: years 0000..9999. */
#define TIME_MS_YEAR_0     (-62167219200000LL) /* 0000-01-01T00:00:00.000Z */
#define TIME_MS_YEAR_10000 (253402300800000LL) /* 10000-01-01T00:00:00.000Z */

int64_t time_now_ms(void);
/* Monotonic clock in nanoseconds, for durations. */
int64_t time_mono_ns(void);
/* Writes "2026-11-22T18:17:37.123Z" into out (TIME_ISO_LEN bytes) and returns out. */
char *time_format_iso(int64_t ms, char out[TIME_ISO_LEN]);
/* Parses an RFC 3339 time as time_format_iso writes it, the fraction
 * optional, the zone "Z", none (UTC too) or an offset "+hh:mm"/"-hh:mm"
 * (converted to UTC); false if malformed or outside the years 0000..9999. */
bool time_parse_iso(const char *s, int64_t *out_ms);

#endif
