/*
 * Business-hours arithmetic.  Everything works on local days: a local day d
 * (days since 1970-01-01 in the calendar's offset) starts at the UTC instant
 * d * TIME_DAY_MS - offset.  Elapsed time and due times walk days, and skip a
 * whole week at a time (week_ms) when no holiday falls inside it, so a target
 * of months costs a few dozen steps, not one per minute.
 */
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/textout.h"

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* ---- dates ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *out_y, int *out_m, int *out_d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *out_y = (int)(yoe + era * 400 + (m <= 2));
    *out_m = m;
    *out_d = d;
}

static bool digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool calendar_parse_date(const char *s, size_t n, int32_t *out_day)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;
    if (n != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        !digits(s + 8, 2, &d))
        return false;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return false;
    *out_day = (int32_t)days_from_civil(y, m, d);
    return true;
}

/* ---- days and spans ---- */

static int64_t offset_ms(const struct calendar *cal)
{
    return (int64_t)cal->offset_min * CAL_MINUTE_MS;
}

static int64_t day_of(const struct calendar *cal, int64_t t)
{
    return floor_div(t + offset_ms(cal), TIME_DAY_MS);
}

static int64_t day_start(const struct calendar *cal, int64_t d)
{
    return d * TIME_DAY_MS - offset_ms(cal);
}

/* 0 is Monday: 1970-01-01 was a Thursday. */
static int weekday(int64_t d)
{
    return (int)(((d % 7) + 7 + 3) % 7);
}

/* Index of the first holiday >= d (n_holidays when none). */
static size_t holiday_from(const struct calendar *cal, int64_t d)
{
    size_t lo = 0, hi = cal->n_holidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->holidays[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool is_holiday(const struct calendar *cal, int64_t d)
{
    size_t i = holiday_from(cal, d);
    return i < cal->n_holidays && cal->holidays[i] == d;
}

/* True when no holiday falls on days [d, d + 7). */
static bool week_clear(const struct calendar *cal, int64_t d)
{
    size_t i = holiday_from(cal, d);
    return i == cal->n_holidays || cal->holidays[i] >= d + 7;
}

static int64_t weekday_ms(const struct calendar *cal, int wd)
{
    int64_t ms = 0;
    for (int i = 0; i < cal->n_spans[wd]; i++)
        ms += (cal->spans[wd][i].to_min - cal->spans[wd][i].from_min) * CAL_MINUTE_MS;
    return ms;
}

/* Open ms of local day d within [lo, hi). */
static int64_t open_in_day(const struct calendar *cal, int64_t d, int64_t lo, int64_t hi)
{
    if (is_holiday(cal, d))
        return 0;
    int wd = weekday(d);
    int64_t base = day_start(cal, d), ms = 0;
    for (int i = 0; i < cal->n_spans[wd]; i++) {
        int64_t a = base + cal->spans[wd][i].from_min * CAL_MINUTE_MS;
        int64_t b = base + cal->spans[wd][i].to_min * CAL_MINUTE_MS;
        if (a < lo)
            a = lo;
        if (b > hi)
            b = hi;
        if (b > a)
            ms += b - a;
    }
    return ms;
}

static bool time_ok(int64_t t)
{
    return t >= 0 && t <= CAL_TIME_MAX;
}

/* ---- queries ---- */

void calendar_init_24x7(struct calendar *cal)
{
    memset(cal, 0, sizeof(*cal));
    for (int wd = 0; wd < 7; wd++) {
        cal->spans[wd][0].from_min = 0;
        cal->spans[wd][0].to_min = 1440;
        cal->n_spans[wd] = 1;
    }
    cal->week_ms = 7 * TIME_DAY_MS;
}

enum terr calendar_elapsed(const struct calendar *cal, int64_t from_ms, int64_t to_ms,
                           int64_t *out_ms, struct terr_info *ei)
{
    if (!time_ok(from_ms) || !time_ok(to_ms))
        return terr_set(ei, TERR_INVALID, "time", "time %lld..%lld is out of range",
                        (long long)from_ms, (long long)to_ms);
    if (to_ms <= from_ms) {
        *out_ms = 0;
        return TERR_OK;
    }
    int64_t d = day_of(cal, from_ms), last = day_of(cal, to_ms - 1);
    if (d == last) {
        *out_ms = open_in_day(cal, d, from_ms, to_ms);
        return TERR_OK;
    }
    int64_t total = open_in_day(cal, d, from_ms, to_ms);
    for (d++; d < last;) {
        if (last - d >= 7 && week_clear(cal, d)) {
            total += cal->week_ms;
            d += 7;
        } else {
            total += open_in_day(cal, d, from_ms, to_ms);
            d++;
        }
    }
    *out_ms = total + open_in_day(cal, last, from_ms, to_ms);
    return TERR_OK;
}

enum terr calendar_add(const struct calendar *cal, int64_t start_ms, int64_t business_ms,
                       int64_t *out_due, struct terr_info *ei)
{
    if (!time_ok(start_ms))
        return terr_set(ei, TERR_INVALID, "time", "time %lld is out of range", (long long)start_ms);
    if (business_ms < 0)
        return terr_set(ei, TERR_INVALID, "business_ms", "a business duration cannot be negative");
    if (business_ms == 0) {
        *out_due = start_ms;
        return TERR_OK;
    }
    if (cal->week_ms <= 0)
        return terr_set(ei, TERR_INVALID, "calendar", "the calendar has no open hours");
    int64_t first = day_of(cal, start_ms), rem = business_ms;
    for (int64_t d = first;;) {
        int64_t base = day_start(cal, d);
        if (base - start_ms > CAL_MAX_SPAN_MS || base > CAL_TIME_MAX)
            return terr_set(ei, TERR_TOO_LARGE, "business_ms",
                            "%lld business ms fall due more than ten years after the start",
                            (long long)business_ms);
        if (d > first && rem > cal->week_ms && week_clear(cal, d)) {
            rem -= cal->week_ms;
            d += 7;
            continue;
        }
        if (!is_holiday(cal, d)) {
            int wd = weekday(d);
            for (int i = 0; i < cal->n_spans[wd]; i++) {
                int64_t a = base + cal->spans[wd][i].from_min * CAL_MINUTE_MS;
                int64_t b = base + cal->spans[wd][i].to_min * CAL_MINUTE_MS;
                if (a < start_ms)
                    a = start_ms;
                if (b <= a)
                    continue;
                if (b - a >= rem) {
                    if (a + rem - start_ms > CAL_MAX_SPAN_MS)
                        break; /* refused on the next turn */
                    *out_due = a + rem;
                    return TERR_OK;
                }
                rem -= b - a;
            }
        }
        d++;
    }
}

bool calendar_is_open(const struct calendar *cal, int64_t t)
{
    int64_t d = day_of(cal, t);
    return open_in_day(cal, d, t, t + 1) == 1;
}

/* ---- parsing ---- */

struct cur {
    const char *p, *end;
};

static void skip_ws(struct cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool eat(struct cur *c, char ch)
{
    skip_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static bool alnum(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* The next run of letters and digits, after spaces; its length (0 if none). */
static size_t word(struct cur *c, const char **out)
{
    skip_ws(c);
    *out = c->p;
    while (c->p < c->end && alnum(*c->p))
        c->p++;
    return (size_t)(c->p - *out);
}

static bool word_is(const char *w, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = w[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != lit[i])
            return false;
    }
    return true;
}

static int day_index(const char *w, size_t n)
{
    for (int i = 0; i < 7; i++)
        if (word_is(w, n, day_names[i]))
            return i;
    return -1;
}

/* "H:MM" or "HH:MM", 00:00..24:00, as minutes; -1 when malformed. */
static int parse_time(struct cur *c)
{
    skip_ws(c);
    const char *s = c->p;
    size_t nh = 0;
    while (s + nh < c->end && nh < 3 && s[nh] >= '0' && s[nh] <= '9')
        nh++;
    int h, m;
    if (nh < 1 || nh > 2 || s + nh + 3 > c->end || s[nh] != ':' || !digits(s, nh, &h) ||
        !digits(s + nh + 1, 2, &m))
        return -1;
    if (s + nh + 3 < c->end && s[nh + 3] >= '0' && s[nh + 3] <= '9')
        return -1;
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    c->p = s + nh + 3;
    return h * 60 + m;
}

/* The clause being parsed, for error messages. */
struct clause {
    const char *s;
    int n;
};

#define CLAUSE_FMT     "in calendar clause '%.*s': "
#define CLAUSE_ARG(cl) ((cl)->n > 60 ? 60 : (cl)->n), (cl)->s

static enum terr add_span(struct calendar *cal, int wd, int from, int to, const struct clause *cl,
                          struct terr_info *ei)
{
    for (int i = 0; i < cal->n_spans[wd]; i++) {
        const struct cal_span *x = &cal->spans[wd][i];
        if (from < x->to_min && x->from_min < to)
            return terr_set(ei, TERR_INVALID, "calendar",
                            CLAUSE_FMT "%s %02d:%02d-%02d:%02d overlaps %02d:%02d-%02d:%02d",
                            CLAUSE_ARG(cl), day_names[wd], from / 60, from % 60, to / 60, to % 60,
                            x->from_min / 60, x->from_min % 60, x->to_min / 60, x->to_min % 60);
    }
    if (cal->n_spans[wd] >= CAL_MAX_SPANS)
        return terr_set(ei, TERR_TOO_LARGE, "calendar", CLAUSE_FMT "more than %d spans on %s",
                        CLAUSE_ARG(cl), CAL_MAX_SPANS, day_names[wd]);
    cal->spans[wd][cal->n_spans[wd]].from_min = (uint16_t)from;
    cal->spans[wd][cal->n_spans[wd]].to_min = (uint16_t)to;
    cal->n_spans[wd]++;
    return TERR_OK;
}

static enum terr parse_days_clause(struct calendar *cal, struct cur *c, const struct clause *cl,
                                   struct terr_info *ei)
{
    bool days[7] = {false};
    do {
        const char *w;
        size_t n = word(c, &w);
        int a = day_index(w, n);
        if (a < 0)
            return terr_set(ei, TERR_INVALID, "calendar",
                            CLAUSE_FMT "'%.*s' is not a day (mon, tue, wed, thu, fri, sat, sun), "
                                       "24x7, offset or holidays",
                            CLAUSE_ARG(cl), n ? (int)n : (c->end > w ? 1 : 0), w);
        int b = a;
        if (eat(c, '-')) {
            n = word(c, &w);
            b = day_index(w, n);
            if (b < 0)
                return terr_set(ei, TERR_INVALID, "calendar", CLAUSE_FMT "'%.*s' is not a day",
                                CLAUSE_ARG(cl), (int)n, w);
        }
        for (int i = a;; i = (i + 1) % 7) {
            days[i] = true;
            if (i == b)
                break;
        }
    } while (eat(c, ','));
    int n_spans = 0;
    do {
        int from = parse_time(c);
        int to = -1;
        if (from >= 0 && eat(c, '-'))
            to = parse_time(c);
        if (from < 0 || to < 0)
            return terr_set(ei, TERR_INVALID, "calendar",
                            CLAUSE_FMT "expected hours like 09:00-17:00 (00:00 to 24:00)",
                            CLAUSE_ARG(cl));
        if (to <= from)
            return terr_set(ei, TERR_INVALID, "calendar",
                            CLAUSE_FMT "%02d:%02d-%02d:%02d ends before it starts; split "
                                       "overnight hours into two days",
                            CLAUSE_ARG(cl), from / 60, from % 60, to / 60, to % 60);
        for (int wd = 0; wd < 7; wd++) {
            if (!days[wd])
                continue;
            enum terr e = add_span(cal, wd, from, to, cl, ei);
            if (e)
                return e;
        }
        n_spans++;
    } while (eat(c, ','));
    skip_ws(c);
    if (c->p != c->end)
        return terr_set(ei, TERR_INVALID, "calendar", CLAUSE_FMT "unexpected '%.*s'",
                        CLAUSE_ARG(cl), (int)(c->end - c->p > 20 ? 20 : c->end - c->p), c->p);
    return TERR_OK;
}

static enum terr parse_offset(struct calendar *cal, struct cur *c, const struct clause *cl,
                              struct terr_info *ei)
{
    skip_ws(c);
    int sign = 0, h = 0, m = 0;
    const char *s = c->p;
    if (c->end - s == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' && digits(s + 1, 2, &h) &&
        digits(s + 4, 2, &m) && m < 60)
        sign = s[0] == '-' ? -1 : 1;
    if (!sign || h * 60 + m > CAL_MAX_OFFSET)
        return terr_set(ei, TERR_INVALID, "calendar",
                        CLAUSE_FMT "expected an offset like +01:00 or -05:30, at most 14:00",
                        CLAUSE_ARG(cl));
    cal->offset_min = sign * (h * 60 + m);
    return TERR_OK;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static enum terr parse_holidays(struct calendar *cal, struct cur *c, const struct clause *cl,
                                struct terr_info *ei)
{
    do {
        skip_ws(c);
        const char *s = c->p;
        while (c->p < c->end && *c->p != ',' && *c->p != ' ' && *c->p != '\t')
            c->p++;
        int32_t day;
        if (!calendar_parse_date(s, (size_t)(c->p - s), &day))
            return terr_set(ei, TERR_INVALID, "calendar",
                            CLAUSE_FMT "'%.*s' is not a date like 2026-12-25", CLAUSE_ARG(cl),
                            (int)(c->p - s > 20 ? 20 : c->p - s), s);
        if (cal->n_holidays >= CAL_MAX_HOLIDAYS)
            return terr_set(ei, TERR_TOO_LARGE, "calendar", "more than %d holidays",
                            CAL_MAX_HOLIDAYS);
        cal->holidays[cal->n_holidays++] = day;
    } while (eat(c, ','));
    skip_ws(c);
    if (c->p != c->end)
        return terr_set(ei, TERR_INVALID, "calendar", CLAUSE_FMT "unexpected '%.*s'",
                        CLAUSE_ARG(cl), (int)(c->end - c->p > 20 ? 20 : c->end - c->p), c->p);
    return TERR_OK;
}

static int cmp_span(const void *a, const void *b)
{
    const struct cal_span *x = a, *y = b;
    return (x->from_min > y->from_min) - (x->from_min < y->from_min);
}

/* Sorts spans and merges touching ones; sorts and dedups holidays; sums week_ms.
 * Unused slots are zeroed, so equal calendars compare equal with memcmp. */
static void normalise(struct calendar *cal)
{
    cal->week_ms = 0;
    for (int wd = 0; wd < 7; wd++) {
        struct cal_span *v = cal->spans[wd];
        qsort(v, cal->n_spans[wd], sizeof(v[0]), cmp_span);
        int n = 0;
        for (int i = 0; i < cal->n_spans[wd]; i++) {
            if (n > 0 && v[n - 1].to_min == v[i].from_min)
                v[n - 1].to_min = v[i].to_min;
            else
                v[n++] = v[i];
        }
        memset(v + n, 0, (CAL_MAX_SPANS - (size_t)n) * sizeof(v[0]));
        cal->n_spans[wd] = (uint8_t)n;
        cal->week_ms += weekday_ms(cal, wd);
    }
    qsort(cal->holidays, cal->n_holidays, sizeof(cal->holidays[0]), cmp_i32);
    size_t n = 0;
    for (size_t i = 0; i < cal->n_holidays; i++)
        if (n == 0 || cal->holidays[n - 1] != cal->holidays[i])
            cal->holidays[n++] = cal->holidays[i];
    memset(cal->holidays + n, 0, (CAL_MAX_HOLIDAYS - n) * sizeof(cal->holidays[0]));
    cal->n_holidays = n;
}

enum terr calendar_parse(const char *spec, struct calendar *out, struct terr_info *ei)
{
    size_t len = strlen(spec);
    if (len > CAL_MAX_SPEC)
        return terr_set(ei, TERR_TOO_LONG, "calendar", "the calendar spec is over %d bytes",
                        CAL_MAX_SPEC);
    struct calendar cal;
    memset(&cal, 0, sizeof(cal));
    bool have_offset = false;
    const char *end = spec + len;
    for (const char *s = spec; s <= end;) {
        const char *e = memchr(s, ';', (size_t)(end - s));
        if (!e)
            e = end;
        struct cur c = {s, e};
        skip_ws(&c);
        while (c.end > c.p &&
               (c.end[-1] == ' ' || c.end[-1] == '\t' || c.end[-1] == '\n' || c.end[-1] == '\r'))
            c.end--;
        struct clause cl = {c.p, (int)(c.end - c.p)};
        s = e + 1;
        if (c.p == c.end)
            continue;
        struct cur probe = c;
        const char *w;
        size_t n = word(&probe, &w);
        enum terr err;
        if (word_is(w, n, "24x7")) {
            skip_ws(&probe);
            if (probe.p != probe.end)
                return terr_set(ei, TERR_INVALID, "calendar", CLAUSE_FMT "24x7 takes no hours",
                                CLAUSE_ARG(&cl));
            err = TERR_OK;
            for (int wd = 0; wd < 7 && !err; wd++)
                err = add_span(&cal, wd, 0, 1440, &cl, ei);
        } else if (word_is(w, n, "offset")) {
            if (have_offset)
                return terr_set(ei, TERR_INVALID, "calendar", CLAUSE_FMT "a second offset",
                                CLAUSE_ARG(&cl));
            have_offset = true;
            err = parse_offset(&cal, &probe, &cl, ei);
        } else if (word_is(w, n, "holidays")) {
            err = parse_holidays(&cal, &probe, &cl, ei);
        } else {
            err = parse_days_clause(&cal, &c, &cl, ei);
        }
        if (err)
            return err;
    }
    normalise(&cal);
    if (cal.week_ms == 0)
        return terr_set(ei, TERR_INVALID, "calendar", "the calendar has no open hours");
    *out = cal;
    return TERR_OK;
}

/* ---- formatting ---- */

static bool same_spans(const struct calendar *cal, int a, int b)
{
    return cal->n_spans[a] == cal->n_spans[b] &&
           memcmp(cal->spans[a], cal->spans[b], cal->n_spans[a] * sizeof(struct cal_span)) == 0;
}

enum terr calendar_format(const struct calendar *cal, char *buf, size_t size)
{
    if (size == 0)
        return TERR_TOO_LONG;
    struct textout o = {buf, size, 0, false};
    buf[0] = '\0';
    bool all_day = true;
    for (int wd = 0; wd < 7; wd++)
        all_day = all_day && cal->n_spans[wd] == 1 && cal->spans[wd][0].from_min == 0 &&
                  cal->spans[wd][0].to_min == 1440;
    const char *sep = "";
    if (all_day) {
        textout_put(&o, "24x7");
        sep = "; ";
    } else {
        for (int wd = 0; wd < 7;) {
            if (!cal->n_spans[wd]) {
                wd++;
                continue;
            }
            int last = wd;
            while (last + 1 < 7 && same_spans(cal, wd, last + 1))
                last++;
            textout_put(&o, "%s%s", sep, day_names[wd]);
            if (last > wd)
                textout_put(&o, "-%s", day_names[last]);
            for (int i = 0; i < cal->n_spans[wd]; i++) {
                const struct cal_span *x = &cal->spans[wd][i];
                textout_put(&o, "%s%02d:%02d-%02d:%02d", i ? "," : " ", x->from_min / 60,
                            x->from_min % 60, x->to_min / 60, x->to_min % 60);
            }
            sep = "; ";
            wd = last + 1;
        }
    }
    if (cal->offset_min) {
        int a = cal->offset_min < 0 ? -cal->offset_min : cal->offset_min;
        textout_put(&o, "%soffset %c%02d:%02d", sep, cal->offset_min < 0 ? '-' : '+', a / 60,
                    a % 60);
        sep = "; ";
    }
    for (size_t i = 0; i < cal->n_holidays; i++) {
        int y, m, d;
        civil_from_days(cal->holidays[i], &y, &m, &d);
        textout_put(&o, "%s%04d-%02d-%02d", i ? "," : (*sep ? "; holidays " : "holidays "), y, m,
                    d);
    }
    return o.full ? TERR_TOO_LONG : TERR_OK;
}
