/*
 * Business-hours calendars: when the desk is open, as pure arithmetic on
 * int64 milliseconds since the Unix epoch (UTC).
 *
 * A calendar holds, for each weekday (Monday first), up to CAL_MAX_SPANS open
 * spans in local minutes after midnight, sorted, non-empty and not touching
 * (touching spans are merged when parsed); a fixed UTC offset that turns UTC
 * into local time; and a sorted set of local dates that are closed all day.
 * The struct is plain data with fixed arrays: copy it, keep it on the stack,
 * nothing to free.
 *
 * Time zones are a fixed offset, nothing more.  Real zones need the tz
 * database, and libc's tzset()/localtime_r() read files and share process
 * state, which the domain layer must not.  A team in a zone with daylight
 * saving keeps two calendars (e.g. "offset +01:00" and "offset +02:00") and
 * switches on the change dates, or updates the offset twice a year.
 *
 * Spans are half-open: "09:00-17:00" is open at 09:00:00.000 and closed at
 * 17:00:00.000.  Every span lies within one local day; overnight hours are two
 * spans ("mon 22:00-24:00; tue 00:00-06:00").
 */
#ifndef TRUCE_CALENDAR_H
#define TRUCE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "../util/timeutil.h"

#define CAL_MAX_SPANS    8   /* open spans per weekday */
#define CAL_MAX_HOLIDAYS 512 /* closed dates per calendar */
#define CAL_MAX_SPEC     (16 * 1024)
#define CAL_MAX_OFFSET   (14 * 60) /* minutes either side of UTC */
/* calendar_add refuses a due date further than this after its start. */
#define CAL_MAX_SPAN_MS (3653 * TIME_DAY_MS) /* ten years of calendar time */
/* Times outside [0, CAL_TIME_MAX] are refused (year 10000 and later). */
#define CAL_TIME_MAX 253402300799999LL

#define CAL_MINUTE_MS 60000LL
#define CAL_HOUR_MS   3600000LL

/* One open span of a day, in minutes after local midnight: [from, to), to <= 1440. */
struct cal_span {
    uint16_t from_min;
    uint16_t to_min;
};

struct calendar {
    struct cal_span spans[7][CAL_MAX_SPANS]; /* [0] is Monday, [6] Sunday */
    uint8_t n_spans[7];
    int32_t offset_min;                 /* local time = UTC + offset */
    int32_t holidays[CAL_MAX_HOLIDAYS]; /* local days since 1970-01-01, ascending, unique */
    size_t n_holidays;
    int64_t week_ms; /* open ms in a week without holidays; > 0 in a valid calendar */
};

/* Makes *cal the round-the-clock calendar: open every minute of every day, UTC,
 * no holidays.  Business time then equals wall-clock time.  Cannot fail. */
void calendar_init_24x7(struct calendar *cal);

/*
 * Parses a calendar spec: clauses separated by ';', each one of
 *     DAYS SPANS        "mon-fri 09:00-12:00,13:00-17:00", "sat,sun 10:00-14:00"
 *     24x7              open all day, every day
 *     offset +HH:MM     fixed UTC offset, e.g. "offset +01:00", "offset -05:30"
 *     holidays DATES    local dates closed all day: "holidays 2026-12-25,2026-12-26"
 * Day names are mon..sun (any case); a range may wrap ("fri-mon").  Spans of
 * repeated clauses add up; overlapping spans are an error.  No offset means
 * UTC.  Example: "mon-fri 09:00-17:00; sat 10:00-14:00; offset +01:00;
 * holidays 2026-12-25".  On error returns TERR_INVALID (TERR_TOO_LONG,
 * TERR_TOO_LARGE for too many spans or holidays) with the clause named in
 * ei, and leaves *out untouched.
 */
enum terr calendar_parse(const char *spec, struct calendar *out, struct terr_info *ei);

/*
 * Writes the canonical spec of cal into buf (size bytes, NUL-terminated):
 * weekdays with equal spans grouped into ranges, then offset, then holidays,
 * so calendar_parse(calendar_format(c)) gives back c.  Returns TERR_TOO_LONG
 * (buf holds a truncated text) when size is too small; CAL_MAX_SPEC always fits.
 */
enum terr calendar_format(const struct calendar *cal, char *buf, size_t size);

/*
 * The instant when business_ms of open time has elapsed after start_ms: the
 * earliest t with calendar_elapsed(start_ms, t) == business_ms.  So a due time
 * falls at the end of open time, never at the next opening (Friday 16:00 plus
 * one hour is Friday 17:00), and business_ms == 0 gives start_ms itself.
 * Walks days and skips whole weeks, so a long target costs little.  Returns
 * TERR_INVALID for a time outside [0, CAL_TIME_MAX], a negative amount or a
 * calendar with no open hours; TERR_TOO_LARGE when the due time is more than
 * CAL_MAX_SPAN_MS after start.  *out_due is set only on success.
 */
enum terr calendar_add(const struct calendar *cal, int64_t start_ms, int64_t business_ms,
                       int64_t *out_due, struct terr_info *ei);

/*
 * Business milliseconds in [from_ms, to_ms): the open time between the two
 * instants, holidays excluded.  0 when to_ms <= from_ms.  Returns TERR_INVALID
 * for a time outside [0, CAL_TIME_MAX]; *out_ms is set only on success.
 */
enum terr calendar_elapsed(const struct calendar *cal, int64_t from_ms, int64_t to_ms,
                           int64_t *out_ms, struct terr_info *ei);

/* True when the desk is open at instant t (t in [0, CAL_TIME_MAX]). */
bool calendar_is_open(const struct calendar *cal, int64_t t);

/* Days since 1970-01-01 of the date "YYYY-MM-DD" (exactly that form, a real
 * date from 1970 to 9999).  Returns false, *out_day untouched, otherwise. */
bool calendar_parse_date(const char *s, size_t n, int32_t *out_day);

#endif
