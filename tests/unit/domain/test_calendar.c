/* src/domain/calendar.c: parsing specs, business-time arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/calendar.h"

#define H   CAL_HOUR_MS
#define MIN CAL_MINUTE_MS

/* UTC instant of a local date and time in a calendar with offset_min. */
static int64_t when(const char *date, int hh, int mm, int offset_min)
{
    int32_t day;
    assert_true(calendar_parse_date(date, strlen(date), &day));
    return day * TIME_DAY_MS + hh * H + mm * MIN - offset_min * MIN;
}
#define AT(date, hh, mm) when(date, hh, mm, 0)

/* 2026-11-23 is a Monday; 2026-12-25 a Friday. */
static struct calendar office(void)
{
    struct calendar cal;
    struct terr_info ei = {0};
    assert_int_equal(calendar_parse("mon-fri 09:00-12:00,13:00-17:00", &cal, &ei), TERR_OK);
    return cal;
}

static int64_t add(const struct calendar *cal, int64_t start, int64_t ms)
{
    int64_t due = -1;
    struct terr_info ei = {0};
    assert_int_equal(calendar_add(cal, start, ms, &due, &ei), TERR_OK);
    return due;
}

static int64_t elapsed(const struct calendar *cal, int64_t from, int64_t to)
{
    int64_t ms = -1;
    struct terr_info ei = {0};
    assert_int_equal(calendar_elapsed(cal, from, to, &ms, &ei), TERR_OK);
    return ms;
}

/* ---- parsing and formatting ---- */

static void weekdays_with_lunch_break_parse_to_35_hours_a_week(void **state)
{
    (void)state;
    struct calendar cal = office();
    assert_int_equal(cal.week_ms, 5 * 7 * H);
    assert_int_equal(cal.n_spans[0], 2);
    assert_int_equal(cal.n_spans[5], 0);
    assert_int_equal(cal.offset_min, 0);
}

static void format_gives_the_canonical_spec_back(void **state)
{
    (void)state;
    struct calendar cal, again;
    struct terr_info ei = {0};
    char buf[CAL_MAX_SPEC];
    assert_int_equal(calendar_parse("  sat 10:00-14:00 ; MON-fri 13:00-17:00;offset -05:30;"
                                    "mon-fri 9:00-12:00; holidays 2026-12-26, 2026-12-25,"
                                    "2026-12-25;",
                                    &cal, &ei),
                     TERR_OK);
    assert_int_equal(calendar_format(&cal, buf, sizeof(buf)), TERR_OK);
    assert_string_equal(buf, "mon-fri 09:00-12:00,13:00-17:00; sat 10:00-14:00; offset -05:30; "
                             "holidays 2026-12-25,2026-12-26");
    assert_int_equal(calendar_parse(buf, &again, &ei), TERR_OK);
    assert_memory_equal(&cal, &again, sizeof(cal));
}

static void touching_spans_merge_and_wrapping_ranges_work(void **state)
{
    (void)state;
    struct calendar cal;
    struct terr_info ei = {0};
    char buf[256];
    assert_int_equal(calendar_parse("fri-mon 09:00-12:00,12:00-15:00", &cal, &ei), TERR_OK);
    assert_int_equal(calendar_format(&cal, buf, sizeof(buf)), TERR_OK);
    assert_string_equal(buf, "mon 09:00-15:00; fri-sun 09:00-15:00");
    assert_int_equal(cal.week_ms, 4 * 6 * H);
}

static void spec_24x7_formats_as_24x7(void **state)
{
    (void)state;
    struct calendar cal, ref;
    struct terr_info ei = {0};
    char buf[64];
    assert_int_equal(calendar_parse("24x7", &cal, &ei), TERR_OK);
    calendar_init_24x7(&ref);
    assert_memory_equal(&cal, &ref, sizeof(cal));
    assert_int_equal(calendar_format(&cal, buf, sizeof(buf)), TERR_OK);
    assert_string_equal(buf, "24x7");
    assert_int_equal(calendar_format(&cal, buf, 3), TERR_TOO_LONG);
}

static void bad_specs_are_refused_naming_the_clause(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        const char *needle;
    } cases[] = {
        {"mon-fry 09:00-17:00", "'fry' is not a day"},
        {"mon-fri 09:00-12:00; wed 11:00-13:00", "wed 11:00-13:00 overlaps 09:00-12:00"},
        {"fri 22:00-06:00", "ends before it starts"},
        {"mon 09:00-09:00", "ends before it starts"},
        {"mon 09:00-24:30", "expected hours"},
        {"mon 9-17", "expected hours"},
        {"mon 09:00-17:00 please", "unexpected 'please'"},
        {"mon 09:00-17:00; offset +1", "expected an offset"},
        {"mon 09:00-17:00; offset +15:00", "at most 14:00"},
        {"mon 09:00-17:00; offset +01:00; offset +02:00", "a second offset"},
        {"mon 09:00-17:00; holidays 2026-02-29", "'2026-02-29' is not a date"},
        {"mon 09:00-17:00; holidays 2026-13-01", "is not a date"},
        {"24x7 09:00-17:00", "24x7 takes no hours"},
        {"24x7; mon 09:00-10:00", "overlaps"},
        {"offset +01:00", "no open hours"},
        {"", "no open hours"},
        {"09:00-17:00", "'09' is not a day"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct calendar cal;
        memset(&cal, 0x5a, sizeof(cal));
        struct terr_info ei = {0};
        enum terr e = calendar_parse(cases[i].spec, &cal, &ei);
        if (e != TERR_INVALID || !strstr(ei.message, cases[i].needle))
            fail_msg("spec '%s': got %d '%s', wanted '%s'", cases[i].spec, e, ei.message,
                     cases[i].needle);
        assert_string_equal(ei.field, "calendar");
        assert_int_equal(((unsigned char *)&cal)[0], 0x5a); /* untouched */
    }
}

static void too_many_spans_or_holidays_are_too_large(void **state)
{
    (void)state;
    struct calendar cal;
    struct terr_info ei = {0};
    assert_int_equal(calendar_parse("mon 01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,"
                                    "09:00-10:00,11:00-12:00,13:00-14:00,15:00-16:00,"
                                    "17:00-18:00",
                                    &cal, &ei),
                     TERR_TOO_LARGE);
    char spec[CAL_MAX_SPEC];
    size_t n = (size_t)snprintf(spec, sizeof(spec), "24x7; holidays ");
    for (int i = 0; i <= CAL_MAX_HOLIDAYS; i++) /* distinct dates in 2030 and 2031 */
        n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%s%d-%02d-%02d", i ? "," : "",
                              2030 + i / 336, 1 + i % 12, 1 + i / 12 % 28);
    assert_true(n < sizeof(spec) - 1);
    assert_int_equal(calendar_parse(spec, &cal, &ei), TERR_TOO_LARGE);
    spec[strlen(spec) - 11] = '\0'; /* drop the last date: exactly the cap */
    assert_int_equal(calendar_parse(spec, &cal, &ei), TERR_OK);
    assert_int_equal(cal.n_holidays, CAL_MAX_HOLIDAYS);
}

static void dates_are_checked_strictly(void **state)
{
    (void)state;
    int32_t d = 7;
    assert_true(calendar_parse_date("1970-01-01", 10, &d));
    assert_int_equal(d, 0);
    assert_true(calendar_parse_date("2024-02-29", 10, &d));
    assert_true(calendar_parse_date("2000-02-29", 10, &d));
    d = 7;
    assert_false(calendar_parse_date("1900-02-29", 10, &d));
    assert_false(calendar_parse_date("2026-04-31", 10, &d));
    assert_false(calendar_parse_date("2026-4-30", 9, &d));
    assert_false(calendar_parse_date("1969-12-31", 10, &d));
    assert_int_equal(d, 7);
}

/* ---- arithmetic ---- */

static void open_hours_are_half_open(void **state)
{
    (void)state;
    struct calendar cal = office();
    assert_false(calendar_is_open(&cal, AT("2026-11-23", 9, 0) - 1));
    assert_true(calendar_is_open(&cal, AT("2026-11-23", 9, 0)));
    assert_true(calendar_is_open(&cal, AT("2026-11-23", 12, 0) - 1));
    assert_false(calendar_is_open(&cal, AT("2026-11-23", 12, 0)));
    assert_false(calendar_is_open(&cal, AT("2026-11-23", 17, 0)));
    assert_false(calendar_is_open(&cal, AT("2026-11-28", 10, 0))); /* Saturday */
    assert_int_equal(elapsed(&cal, AT("2026-11-23", 9, 0), AT("2026-11-23", 17, 0)), 7 * H);
}

static void due_time_ends_at_closing_not_next_opening(void **state)
{
    (void)state;
    struct calendar cal = office();
    assert_int_equal(add(&cal, AT("2026-11-27", 16, 0), 1 * H), AT("2026-11-27", 17, 0));
    assert_int_equal(add(&cal, AT("2026-11-27", 16, 0), 1 * H + 1), AT("2026-11-30", 9, 0) + 1);
}

static void a_target_crosses_the_weekend(void **state)
{
    (void)state;
    struct calendar cal = office();
    int64_t fri = AT("2026-11-27", 16, 0);
    assert_int_equal(add(&cal, fri, 2 * H), AT("2026-11-30", 10, 0));
    assert_int_equal(elapsed(&cal, fri, AT("2026-11-30", 10, 0)), 2 * H);
    assert_int_equal(elapsed(&cal, AT("2026-11-28", 0, 0), AT("2026-11-30", 0, 0)), 0);
}

static void a_start_outside_hours_waits_for_opening(void **state)
{
    (void)state;
    struct calendar cal = office();
    /* overnight: Tuesday 22:00 + 1h is Wednesday 10:00 */
    assert_int_equal(add(&cal, AT("2026-11-24", 22, 0), H), AT("2026-11-25", 10, 0));
    /* Saturday morning + 30 min is Monday 09:30 */
    assert_int_equal(add(&cal, AT("2026-11-28", 8, 0), 30 * MIN), AT("2026-11-30", 9, 30));
}

static void a_start_inside_lunch_counts_from_the_afternoon(void **state)
{
    (void)state;
    struct calendar cal = office();
    assert_int_equal(add(&cal, AT("2026-11-23", 12, 30), H), AT("2026-11-23", 14, 0));
    assert_int_equal(add(&cal, AT("2026-11-23", 11, 30), H), AT("2026-11-23", 13, 30));
    assert_int_equal(elapsed(&cal, AT("2026-11-23", 11, 30), AT("2026-11-23", 13, 30)), H);
}

static void holidays_are_closed_all_day(void **state)
{
    (void)state;
    struct calendar cal;
    struct terr_info ei = {0};
    assert_int_equal(
        calendar_parse("mon-fri 09:00-17:00; holidays 2026-12-25,2026-12-28", &cal, &ei), TERR_OK);
    /* Thursday 16:00 + 2h: Friday 25th and Monday 28th closed -> Tuesday 10:00 */
    assert_int_equal(add(&cal, AT("2026-12-24", 16, 0), 2 * H), AT("2026-12-29", 10, 0));
    assert_false(calendar_is_open(&cal, AT("2026-12-25", 10, 0)));
    assert_int_equal(elapsed(&cal, AT("2026-12-21", 0, 0), AT("2027-01-04", 0, 0)), 8 * 8 * H);
}

static void the_offset_moves_local_hours(void **state)
{
    (void)state;
    struct calendar cal;
    struct terr_info ei = {0};
    assert_int_equal(
        calendar_parse("mon-fri 09:00-17:00; offset +01:00; holidays 2026-11-24", &cal, &ei),
        TERR_OK);
    int64_t mon9 = when("2026-11-23", 9, 0, 60);
    assert_int_equal(mon9, AT("2026-11-23", 8, 0));
    assert_false(calendar_is_open(&cal, mon9 - 1));
    assert_true(calendar_is_open(&cal, mon9));
    /* the holiday is the local date */
    assert_false(calendar_is_open(&cal, when("2026-11-24", 10, 0, 60)));
    assert_int_equal(add(&cal, when("2026-11-23", 16, 0, 60), 2 * H),
                     when("2026-11-25", 10, 0, 60));
    /* a negative offset: 09:00 in UTC-05:30 is 14:30 UTC */
    assert_int_equal(calendar_parse("mon 09:00-17:00; offset -05:30", &cal, &ei), TERR_OK);
    assert_int_equal(add(&cal, AT("2026-11-23", 0, 0), 0), AT("2026-11-23", 0, 0));
    assert_int_equal(add(&cal, AT("2026-11-23", 0, 0), 1), AT("2026-11-23", 14, 30) + 1);
}

static void thirty_business_days_land_six_weeks_later(void **state)
{
    (void)state;
    struct calendar cal;
    struct terr_info ei = {0};
    assert_int_equal(calendar_parse("mon-fri 09:00-17:00", &cal, &ei), TERR_OK);
    int64_t mon = AT("2026-11-23", 9, 0);
    assert_int_equal(add(&cal, mon, 30 * 8 * H), AT("2027-01-01", 17, 0));
    assert_int_equal(elapsed(&cal, mon, AT("2027-01-01", 17, 0)), 30 * 8 * H);
    /* with two holidays the same target runs to the next Tuesday */
    assert_int_equal(
        calendar_parse("mon-fri 09:00-17:00; holidays 2026-12-25,2027-01-01", &cal, &ei), TERR_OK);
    assert_int_equal(add(&cal, mon, 30 * 8 * H), AT("2027-01-05", 17, 0));
}

static void a_due_time_over_ten_years_away_is_refused(void **state)
{
    (void)state;
    struct calendar cal;
    struct terr_info ei = {0};
    int64_t due = 42;
    assert_int_equal(calendar_parse("mon 09:00-09:01", &cal, &ei), TERR_OK);
    /* one minute a week: 600 minutes take 600 weeks, over ten years */
    assert_int_equal(calendar_add(&cal, AT("2026-11-23", 0, 0), 600 * MIN, &due, &ei),
                     TERR_TOO_LARGE);
    assert_int_equal(due, 42);
    assert_int_equal(calendar_add(&cal, AT("2026-11-23", 0, 0), 500 * MIN, &due, &ei), TERR_OK);
    assert_int_equal(calendar_add(&cal, AT("2026-11-23", 0, 0), -1, &due, &ei), TERR_INVALID);
    assert_int_equal(calendar_add(&cal, -5, 1, &due, &ei), TERR_INVALID);
    struct calendar none;
    memset(&none, 0, sizeof(none));
    assert_int_equal(calendar_add(&none, 5, 1, &due, &ei), TERR_INVALID);
}

static void a_zero_amount_is_due_at_once(void **state)
{
    (void)state;
    struct calendar cal = office();
    int64_t sunday = AT("2026-11-29", 3, 0);
    assert_int_equal(add(&cal, sunday, 0), sunday);
    assert_int_equal(elapsed(&cal, sunday, sunday), 0);
    assert_int_equal(elapsed(&cal, AT("2026-11-23", 17, 0), AT("2026-11-23", 9, 0)), 0);
}

static void the_24x7_calendar_is_the_wall_clock(void **state)
{
    (void)state;
    struct calendar cal;
    calendar_init_24x7(&cal);
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 200; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t start = 1700000000000LL + (int64_t)(x % (400 * TIME_DAY_MS));
        int64_t amount = (int64_t)((x >> 20) % (90 * TIME_DAY_MS));
        assert_int_equal(add(&cal, start, amount), start + amount);
        assert_int_equal(elapsed(&cal, start, start + amount), amount);
    }
}

/* For any start and amount, the due time is the first instant with that much
 * open time behind it: elapsed(start, due) == amount, elapsed(start, due-1) < amount. */
static void add_and_elapsed_agree_everywhere(void **state)
{
    (void)state;
    struct calendar cal;
    struct terr_info ei = {0};
    assert_int_equal(calendar_parse("mon-thu 08:30-12:00,12:45-17:15; fri 08:00-13:00; "
                                    "sat 22:00-24:00; sun 00:00-02:00; offset +05:45; "
                                    "holidays 2026-12-24,2026-12-25,2026-12-31,2027-01-01",
                                    &cal, &ei),
                     TERR_OK);
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 500; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t start = AT("2026-11-01", 0, 0) + (int64_t)(x % (120 * TIME_DAY_MS));
        int64_t amount = 1 + (int64_t)((x >> 17) % (400 * H));
        int64_t due = add(&cal, start, amount);
        assert_true(due > start);
        assert_int_equal(elapsed(&cal, start, due), amount);
        assert_int_equal(elapsed(&cal, start, due - 1), amount - 1);
        assert_true(calendar_is_open(&cal, due - 1));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weekdays_with_lunch_break_parse_to_35_hours_a_week),
        cmocka_unit_test(format_gives_the_canonical_spec_back),
        cmocka_unit_test(touching_spans_merge_and_wrapping_ranges_work),
        cmocka_unit_test(spec_24x7_formats_as_24x7),
        cmocka_unit_test(bad_specs_are_refused_naming_the_clause),
        cmocka_unit_test(too_many_spans_or_holidays_are_too_large),
        cmocka_unit_test(dates_are_checked_strictly),
        cmocka_unit_test(open_hours_are_half_open),
        cmocka_unit_test(due_time_ends_at_closing_not_next_opening),
        cmocka_unit_test(a_target_crosses_the_weekend),
        cmocka_unit_test(a_start_outside_hours_waits_for_opening),
        cmocka_unit_test(a_start_inside_lunch_counts_from_the_afternoon),
        cmocka_unit_test(holidays_are_closed_all_day),
        cmocka_unit_test(the_offset_moves_local_hours),
        cmocka_unit_test(thirty_business_days_land_six_weeks_later),
        cmocka_unit_test(a_due_time_over_ten_years_away_is_refused),
        cmocka_unit_test(a_zero_amount_is_due_at_once),
        cmocka_unit_test(the_24x7_calendar_is_the_wall_clock),
        cmocka_unit_test(add_and_elapsed_agree_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
