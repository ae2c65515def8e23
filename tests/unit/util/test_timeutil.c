/* src/util/timeutil.c: int64 milliseconds since the epoch <-> RFC 3339 text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/timeutil.h"

/* Reference values checked with `date -u -d <text> +%s%3N` and Python's datetime. */
static const struct {
    int64_t ms;
    const char *text;
} known[] = {
    {0, "1970-01-01T00:00:00.000Z"},
    {1795371457123LL, "2026-11-22T18:17:37.123Z"},
    {951782400000LL, "2000-02-29T00:00:00.000Z"},
    {1709210096789LL, "2024-02-29T12:34:56.789Z"},
    {4107542400000LL, "2100-03-01T00:00:00.000Z"},
    {253402300799999LL, "9999-12-31T23:59:59.999Z"},
    {-1, "1969-12-31T23:59:59.999Z"},
    {-2203891200000LL, "1900-03-01T00:00:00.000Z"},
};
#define N_KNOWN (sizeof(known) / sizeof(known[0]))

static void format_epoch(void **state)
{
    (void)state;
    char out[TIME_ISO_LEN];
    assert_ptr_equal(time_format_iso(0, out), out);
    assert_string_equal(out, "1970-01-01T00:00:00.000Z");
}

static void format_known_dates(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_KNOWN; i++) {
        char out[TIME_ISO_LEN];
        time_format_iso(known[i].ms, out);
        assert_string_equal(out, known[i].text);
    }
}

static void parse_known_dates(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_KNOWN; i++) {
        int64_t ms = 42;
        if (!time_parse_iso(known[i].text, &ms))
            fail_msg("'%s' rejected", known[i].text);
        if (ms != known[i].ms)
            fail_msg("'%s' gave %lld, want %lld", known[i].text, (long long)ms,
                     (long long)known[i].ms);
    }
}

static void parse_fraction_and_zone_optional(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_true(time_parse_iso("2026-11-22T18:17:37Z", &ms));
    assert_int_equal(ms, 1795371457000LL);
    ms = 0;
    assert_true(time_parse_iso("2026-11-22T18:17:37", &ms));
    assert_int_equal(ms, 1795371457000LL);
    ms = 0;
    assert_true(time_parse_iso("2026-11-22T18:17:37.123", &ms));
    assert_int_equal(ms, 1795371457123LL);
}

static void parse_numeric_offsets_to_utc(void **state)
{
    (void)state;
    static const struct {
        const char *text, *utc;
    } same[] = {
        {"2026-11-23T10:00:00+02:00", "2026-11-23T08:00:00Z"},
        {"2026-11-23T10:00:00.250+02:00", "2026-11-23T08:00:00.250Z"},
        {"2026-11-23T01:15:00+05:30", "2026-11-22T19:45:00Z"}, /* the day before */
        {"2026-11-22T20:00:00-05:00", "2026-11-23T01:00:00Z"}, /* the day after */
        {"2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z"}, /* the year after */
        {"2026-11-23T10:00:00+00:00", "2026-11-23T10:00:00Z"},
        {"2026-11-23T10:00:00-00:00", "2026-11-23T10:00:00Z"},
        {"0000-01-01T01:00:00+01:00", "0000-01-01T00:00:00Z"},
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        int64_t a = 1, b = 2;
        if (!time_parse_iso(same[i].text, &a) || !time_parse_iso(same[i].utc, &b) || a != b)
            fail_msg("'%s' is %lld, want '%s' (%lld)", same[i].text, (long long)a, same[i].utc,
                     (long long)b);
    }
}

static void round_trip_over_many_values(void **state)
{
    (void)state;
    /* Pseudo-random instants from 1970 to 9999, plus the ms edges of a second. */
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 5000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t ms = (int64_t)(x % 253402300800000ULL);
        if (i % 3 == 0)
            ms -= ms % 1000; /* .000 */
        else if (i % 3 == 1)
            ms = ms - ms % 1000 + 999; /* .999 */
        char out[TIME_ISO_LEN];
        int64_t back = -42;
        time_format_iso(ms, out);
        if (!time_parse_iso(out, &back) || back != ms)
            fail_msg("%lld -> '%s' -> %lld", (long long)ms, out, (long long)back);
    }
}

static void parse_rejects_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "2026",
        "2026-11-22",
        "2026-11-22T18:17",
        "2026-11-22 18:17:37Z",
        "2026/11/22T18:17:37Z",
        "2026-11-22t18:17:37Z",
        "2026-1-22T18:17:37Z",
        "x026-11-22T18:17:37Z",
        "2026-11-22T18:17:3xZ",
        "2026-11-22T18:17:37.12Z",
        "2026-11-22T18:17:37.1234Z",
        "2026-11-22T18:17:37.Z",
        "2026-11-22T18:17:37ZZ",
        "2026-11-22T18:17:37Z ",
        "2026-11-22T18:17:37+1:00",
        "2026-11-22T18:17:37+01",
        "2026-11-22T18:17:37+0100",
        "2026-11-22T18:17:37+01:0",
        "2026-11-22T18:17:37+24:00",
        "2026-11-22T18:17:37-01:60",
        "2026-11-22T18:17:37+01:00Z",
        "2026-11-22T18:17:37Z+01:00",
        "2026-11-22T18:17:37 01:00",
        "2026-11-22T18:17:37+01:00 ",
        "0000-01-01T00:00:00+00:01", /* before the year 0 in UTC */
        "9999-12-31T23:59:59-00:01", /* the year 10000 in UTC */
        " 2026-11-22T18:17:37Z",
        "-026-11-22T18:17:37Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = 42;
        if (time_parse_iso(bad[i], &ms))
            fail_msg("'%s' accepted as %lld", bad[i], (long long)ms);
        assert_int_equal(ms, 42);
    }
}

static void parse_rejects_out_of_range_fields(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2026-00-10T00:00:00Z", "2026-13-10T00:00:00Z", "2026-11-00T00:00:00Z",
        "2026-11-32T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T18:60:00Z",
        "2026-11-22T18:17:61Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = 42;
        if (time_parse_iso(bad[i], &ms))
            fail_msg("'%s' accepted as %lld", bad[i], (long long)ms);
    }
}

static void parse_rejects_days_a_month_lacks(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2026-02-29T00:00:00Z", /* not a leap year */
        "2100-02-29T00:00:00Z", /* century, not a leap year */
        "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "2026-06-31T00:00:00Z",
        "2026-09-31T00:00:00Z", "2026-11-31T00:00:00Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = 42;
        if (time_parse_iso(bad[i], &ms))
            fail_msg("'%s' accepted as %lld", bad[i], (long long)ms);
    }
    int64_t ms = 0;
    assert_true(time_parse_iso("2024-02-29T00:00:00Z", &ms));
    assert_true(time_parse_iso("2000-02-29T00:00:00Z", &ms));
    assert_true(time_parse_iso("2026-12-31T00:00:00Z", &ms));
}

static void now_is_a_plausible_wall_clock(void **state)
{
    (void)state;
    int64_t now = time_now_ms();
    assert_true(now > 1704067200000LL); /* after 2024-01-01 */
    assert_true(now < 4102444800000LL); /* before 2100-01-01 */
}

static void mono_clock_does_not_go_backwards(void **state)
{
    (void)state;
    int64_t prev = time_mono_ns();
    for (int i = 0; i < 1000; i++) {
        int64_t t = time_mono_ns();
        assert_true(t >= prev);
        prev = t;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_epoch),
        cmocka_unit_test(format_known_dates),
        cmocka_unit_test(parse_known_dates),
        cmocka_unit_test(parse_fraction_and_zone_optional),
        cmocka_unit_test(parse_numeric_offsets_to_utc),
        cmocka_unit_test(round_trip_over_many_values),
        cmocka_unit_test(parse_rejects_malformed),
        cmocka_unit_test(parse_rejects_out_of_range_fields),
        cmocka_unit_test(parse_rejects_days_a_month_lacks),
        cmocka_unit_test(now_is_a_plausible_wall_clock),
        cmocka_unit_test(mono_clock_does_not_go_backwards),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
