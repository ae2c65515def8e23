/* src/domain/sla.c: targets, clocks, pauses, reminders, policies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/sla.h"

#define H   CAL_HOUR_MS
#define MIN CAL_MINUTE_MS

#define FR  SLA_FIRST_RESPONSE
#define NR  SLA_NEXT_RESPONSE
#define RES SLA_RESOLUTION

/* UTC instant of a date and time; the test calendars are UTC.
 * 2026-11-23 is a Monday. */
static int64_t at(const char *date, int hh, int mm)
{
    int32_t day;
    assert_true(calendar_parse_date(date, strlen(date), &day));
    return day * TIME_DAY_MS + hh * H + mm * MIN;
}
#define MON(hh, mm) at("2026-11-23", hh, mm)
#define TUE(hh, mm) at("2026-11-24", hh, mm)
#define WED(hh, mm) at("2026-11-25", hh, mm)
#define THU(hh, mm) at("2026-11-26", hh, mm)

static struct calendar office(void)
{
    struct calendar cal;
    struct terr_info ei = {0};
    assert_int_equal(calendar_parse("mon-fri 09:00-17:00", &cal, &ei), TERR_OK);
    return cal;
}

static struct sla_policy policy(void)
{
    struct sla_policy p;
    struct terr_info ei = {0};
    assert_int_equal(sla_policy_parse("normal first_response=8h next_response=4h resolution=16h;"
                                      "urgent first_response=1h;"
                                      "hostile first_response=30m resolution=8h",
                                      &p, &ei),
                     TERR_OK);
    return p;
}

static struct sla_timeline ticket(int64_t created)
{
    struct sla_timeline tl;
    memset(&tl, 0, sizeof(tl));
    tl.created_at = created;
    tl.priority = PRIORITY_NORMAL;
    tl.level = LEVEL_CALM;
    return tl;
}

static struct sla_status eval(const struct sla_timeline *tl, int64_t now)
{
    struct sla_policy p = policy();
    struct calendar cal = office();
    struct sla_status st;
    struct terr_info ei = {0};
    enum terr e = sla_evaluate(&p, &cal, tl, now, &st, &ei);
    if (e)
        fail_msg("sla_evaluate: %s", ei.message);
    return st;
}

/* ---- targets and policies ---- */

static void the_tighter_of_priority_and_level_applies(void **state)
{
    (void)state;
    struct sla_policy p;
    struct terr_info ei = {0};
    assert_int_equal(sla_policy_parse("normal first_response=8h resolution=40h; hostile "
                                      "first_response=30m; calm resolution=60h",
                                      &p, &ei),
                     TERR_OK);
    assert_int_equal(sla_target(&p, PRIORITY_NORMAL, LEVEL_HOSTILE, FR), 30 * MIN);
    assert_int_equal(sla_target(&p, PRIORITY_NORMAL, LEVEL_CALM, FR), 8 * H);
    assert_int_equal(sla_target(&p, PRIORITY_NORMAL, LEVEL_CALM, RES), 40 * H);
    assert_int_equal(sla_target(&p, PRIORITY_LOW, LEVEL_CALM, RES), 60 * H);
    assert_int_equal(sla_target(&p, PRIORITY_LOW, LEVEL_CALM, FR), SLA_NO_TARGET);
    assert_int_equal(sla_target(&p, PRIORITY_NORMAL, LEVEL_CALM, NR), SLA_NO_TARGET);
}

static void the_default_policy_is_tightest_for_hostile(void **state)
{
    (void)state;
    struct sla_policy p;
    sla_policy_default(&p);
    for (int m = 0; m < SLA_METRIC_COUNT; m++)
        for (int pr = 0; pr < SLA_N_PRIORITIES; pr++) {
            int64_t hostile = sla_target(&p, (enum priority)pr, LEVEL_HOSTILE, (enum sla_metric)m);
            assert_true(hostile >= 0);
            for (int lv = 0; lv < SLA_N_LEVELS; lv++) {
                int64_t t = sla_target(&p, (enum priority)pr, (enum level)lv, (enum sla_metric)m);
                assert_true(t >= 0);
                assert_true(hostile <= t);
            }
        }
    assert_int_equal(sla_target(&p, PRIORITY_LOW, LEVEL_HOSTILE, FR), 30 * MIN);
    assert_int_equal(sla_target(&p, PRIORITY_URGENT, LEVEL_CALM, FR), 1 * H);
}

static void a_policy_formats_and_parses_back(void **state)
{
    (void)state;
    struct sla_policy p, again;
    struct terr_info ei = {0};
    char buf[SLA_MAX_SPEC];
    sla_policy_default(&p);
    assert_int_equal(sla_policy_format(&p, buf, sizeof(buf)), TERR_OK);
    assert_non_null(strstr(buf, "hostile first_response=30m next_response=1h resolution=16h"));
    assert_non_null(strstr(buf, "tense first_response=4h next_response=8h;"));
    assert_null(strstr(buf, "calm"));
    assert_int_equal(sla_policy_parse(buf, &again, &ei), TERR_OK);
    assert_memory_equal(&p, &again, sizeof(p));
    assert_int_equal(sla_policy_parse("high resolution=1h30m5s250ms first_response=0", &p, &ei),
                     TERR_OK);
    assert_int_equal(p.by_priority[PRIORITY_HIGH].ms[RES], H + 30 * MIN + 5250);
    assert_int_equal(sla_policy_format(&p, buf, sizeof(buf)), TERR_OK);
    assert_string_equal(buf, "high first_response=0 resolution=1h30m5s250ms");
    assert_int_equal(sla_policy_format(&p, buf, 10), TERR_TOO_LONG);
}

static void bad_policies_are_refused_naming_the_clause(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        const char *needle;
    } cases[] = {
        {"normal first_response=8h; critical first_response=1h", "'critical' is not a priority"},
        {"normal first_reply=8h", "not 'first_reply=8h'"},
        {"normal first_response 8h", "not 'first_response'"},
        {"normal first_response=8 hours", "'8' is not a duration"},
        {"normal first_response=-1h", "is not a duration"},
        {"normal first_response=30m1h", "is not a duration"},
        {"normal resolution=99999999h", "is not a duration"},
        {"hostile", "no targets"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct sla_policy p;
        memset(&p, 0x5a, sizeof(p));
        struct terr_info ei = {0};
        enum terr e = sla_policy_parse(cases[i].spec, &p, &ei);
        if (e != TERR_INVALID || !strstr(ei.message, cases[i].needle))
            fail_msg("spec '%s': got %d '%s', wanted '%s'", cases[i].spec, e, ei.message,
                     cases[i].needle);
        assert_int_equal(((unsigned char *)&p)[0], 0x5a);
    }
}

/* ---- clocks ---- */

static void a_running_clock_reports_progress_and_its_next_check(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(9, 0));
    struct sla_status st = eval(&tl, MON(11, 0));
    const struct sla_clock *c = &st.clock[FR];
    assert_int_equal(c->state, SLA_STATE_RUNNING);
    assert_string_equal(sla_state_name(c->state), "running");
    assert_int_equal(c->target_ms, 8 * H);
    assert_int_equal(c->started_at, MON(9, 0));
    assert_int_equal(c->elapsed_ms, 2 * H);
    assert_int_equal(c->percent, 25);
    assert_int_equal(c->due_at, MON(17, 0));
    assert_int_equal(c->breached_at, 0);
    assert_int_equal(c->reminders[0].percent, 50);
    assert_false(c->reminders[0].crossed);
    assert_int_equal(c->reminders[0].at, MON(13, 0));
    assert_int_equal(c->reminders[1].percent, 75);
    assert_int_equal(c->reminders[1].at, MON(15, 0));
    assert_int_equal(c->next_check_at, MON(13, 0));
    assert_int_equal(st.clock[RES].due_at, TUE(17, 0));
    assert_int_equal(st.clock[NR].state, SLA_STATE_NONE);
    assert_int_equal(sla_next_check(&st), MON(13, 0));
}

static void a_reminder_is_crossed_at_its_instant(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(9, 0));
    struct sla_status st = eval(&tl, MON(13, 0) - 1);
    assert_false(st.clock[FR].reminders[0].crossed);
    assert_int_equal(st.clock[FR].next_check_at, MON(13, 0));
    st = eval(&tl, MON(13, 0));
    assert_true(st.clock[FR].reminders[0].crossed);
    assert_int_equal(st.clock[FR].reminders[0].at, MON(13, 0));
    assert_false(st.clock[FR].reminders[1].crossed);
    assert_int_equal(st.clock[FR].next_check_at, MON(15, 0));
    st = eval(&tl, MON(16, 0));
    assert_true(st.clock[FR].reminders[1].crossed);
    assert_int_equal(st.clock[FR].next_check_at, MON(17, 0)); /* the breach */
}

static void a_reply_before_due_is_met_and_at_due_is_breached(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(9, 0));
    tl.first_response_at = MON(17, 0) - 1;
    struct sla_status st = eval(&tl, WED(9, 0));
    assert_int_equal(st.clock[FR].state, SLA_STATE_MET);
    assert_int_equal(st.clock[FR].stopped_at, MON(17, 0) - 1);
    assert_int_equal(st.clock[FR].elapsed_ms, 8 * H - 1);
    assert_int_equal(st.clock[FR].percent, 99);
    assert_int_equal(st.clock[FR].breached_at, 0);
    assert_int_equal(st.clock[FR].next_check_at, 0);
    assert_true(st.clock[FR].reminders[1].crossed);

    tl.first_response_at = MON(17, 0);
    st = eval(&tl, WED(9, 0));
    assert_int_equal(st.clock[FR].state, SLA_STATE_BREACHED);
    assert_int_equal(st.clock[FR].breached_at, MON(17, 0));
    assert_int_equal(st.clock[FR].percent, 100);

    /* an evening reply is just as late: the closed hours add nothing */
    tl.first_response_at = MON(20, 0);
    st = eval(&tl, WED(9, 0));
    assert_int_equal(st.clock[FR].state, SLA_STATE_BREACHED);
    assert_int_equal(st.clock[FR].elapsed_ms, 8 * H);
}

static void an_unanswered_ticket_breaches_at_its_due_time(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(9, 0));
    struct sla_status st = eval(&tl, TUE(10, 0));
    const struct sla_clock *c = &st.clock[FR];
    assert_int_equal(c->state, SLA_STATE_BREACHED);
    assert_int_equal(c->breached_at, MON(17, 0));
    assert_int_equal(c->elapsed_ms, 9 * H);
    assert_int_equal(c->percent, 112);
    assert_int_equal(c->next_check_at, 0);
    assert_int_equal(st.clock[RES].state, SLA_STATE_RUNNING);
    assert_int_equal(sla_next_check(&st), TUE(13, 0)); /* resolution at 75% */
}

static void an_overnight_ticket_starts_counting_at_opening(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(22, 30));
    struct sla_status st = eval(&tl, TUE(8, 0));
    assert_int_equal(st.clock[FR].state, SLA_STATE_RUNNING);
    assert_int_equal(st.clock[FR].elapsed_ms, 0);
    assert_int_equal(st.clock[FR].due_at, TUE(17, 0));
    assert_int_equal(st.clock[FR].next_check_at, TUE(13, 0));
}

static void a_pause_over_closed_hours_stops_resolution_not_first_response(void **state)
{
    (void)state;
    struct sla_pause pauses[] = {{MON(15, 0), WED(11, 0)}};
    struct sla_timeline tl = ticket(MON(9, 0));
    tl.pauses = pauses;
    tl.n_pauses = 1;
    struct sla_status st = eval(&tl, WED(12, 0));
    const struct sla_clock *r = &st.clock[RES];
    assert_int_equal(r->state, SLA_STATE_RUNNING);
    assert_int_equal(r->elapsed_ms, 7 * H);           /* Mon 9-15, Wed 11-12 */
    assert_int_equal(r->due_at, THU(13, 0));          /* Mon 6h + Wed 6h + Thu 4h */
    assert_int_equal(r->reminders[0].at, WED(13, 0)); /* 8h */
    assert_int_equal(r->next_check_at, WED(13, 0));
    assert_int_equal(st.clock[FR].state, SLA_STATE_BREACHED);
    assert_int_equal(st.clock[FR].elapsed_ms, 19 * H);
}

static void an_ongoing_pause_holds_the_clock(void **state)
{
    (void)state;
    struct sla_pause pauses[] = {{MON(15, 0), 0}, {MON(14, 0), MON(15, 30)}};
    struct sla_timeline tl = ticket(MON(9, 0));
    tl.pauses = pauses;
    tl.n_pauses = 2;
    struct sla_status st = eval(&tl, TUE(10, 0));
    const struct sla_clock *r = &st.clock[RES];
    assert_int_equal(r->state, SLA_STATE_PAUSED);
    assert_string_equal(sla_state_name(r->state), "paused");
    assert_int_equal(r->elapsed_ms, 5 * H); /* overlapping pauses from 14:00 */
    assert_int_equal(r->due_at, 0);
    assert_int_equal(r->next_check_at, 0);
    assert_false(r->reminders[0].crossed);
    assert_int_equal(r->reminders[0].at, 0);
}

static void a_clock_breached_before_the_pause_stays_breached(void **state)
{
    (void)state;
    struct sla_pause pauses[] = {{TUE(12, 0), 0}};
    struct sla_timeline tl = ticket(MON(9, 0));
    tl.level = LEVEL_HOSTILE; /* resolution 8h */
    tl.pauses = pauses;
    tl.n_pauses = 1;
    struct sla_status st = eval(&tl, WED(9, 0));
    assert_int_equal(st.clock[RES].state, SLA_STATE_BREACHED);
    assert_int_equal(st.clock[RES].breached_at, MON(17, 0));
}

static void a_rising_level_tightens_the_clock(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(9, 0));
    struct sla_status st = eval(&tl, MON(10, 0));
    assert_int_equal(st.clock[FR].state, SLA_STATE_RUNNING);
    assert_int_equal(st.clock[FR].due_at, MON(17, 0));
    tl.level = LEVEL_HOSTILE;
    st = eval(&tl, MON(10, 0));
    assert_int_equal(st.clock[FR].target_ms, 30 * MIN);
    assert_int_equal(st.clock[FR].state, SLA_STATE_BREACHED);
    assert_int_equal(st.clock[FR].breached_at, MON(9, 30));
    assert_int_equal(st.clock[RES].due_at, MON(17, 0));
    /* urgent priority is tighter than normal but looser than hostile */
    tl.level = LEVEL_TENSE; /* no level targets in this policy */
    tl.priority = PRIORITY_URGENT;
    st = eval(&tl, MON(9, 45));
    assert_int_equal(st.clock[FR].due_at, MON(10, 0));
    assert_int_equal(st.clock[FR].state, SLA_STATE_RUNNING);
}

static void a_zero_target_is_breached_at_once(void **state)
{
    (void)state;
    struct sla_policy p;
    struct calendar cal = office();
    struct terr_info ei = {0};
    struct sla_status st;
    assert_int_equal(sla_policy_parse("normal first_response=0", &p, &ei), TERR_OK);
    struct sla_timeline tl = ticket(MON(10, 0));
    assert_int_equal(sla_evaluate(&p, &cal, &tl, MON(10, 0), &st, &ei), TERR_OK);
    const struct sla_clock *c = &st.clock[FR];
    assert_int_equal(c->state, SLA_STATE_BREACHED);
    assert_int_equal(c->due_at, MON(10, 0));
    assert_int_equal(c->breached_at, MON(10, 0));
    assert_int_equal(c->percent, 100);
    assert_true(c->reminders[0].crossed);
    assert_int_equal(c->reminders[1].at, MON(10, 0));
    assert_int_equal(st.clock[RES].state, SLA_STATE_NONE);
    assert_int_equal(st.clock[RES].target_ms, SLA_NO_TARGET);
}

static void the_next_response_wait_comes_from_the_messages(void **state)
{
    (void)state;
    static const struct {
        enum author_kind who;
        bool internal;
        int minute;
    } thread[] = {
        {AUTHOR_CUSTOMER, false, 0}, {AUTHOR_AGENT, false, 10},  {AUTHOR_CUSTOMER, false, 20},
        {AUTHOR_AGENT, true, 25},    {AUTHOR_SYSTEM, false, 26}, {AUTHOR_CUSTOMER, false, 30},
        {AUTHOR_AGENT, false, 40},   {AUTHOR_AGENT, false, 45},  {AUTHOR_CUSTOMER, false, 50},
    };
    struct message msgs[9];
    memset(msgs, 0, sizeof(msgs));
    for (size_t i = 0; i < 9; i++) {
        msgs[i].id = (int64_t)i + 1;
        msgs[i].author_kind = thread[i].who;
        msgs[i].internal = thread[i].internal;
        msgs[i].created_at = MON(9, thread[i].minute);
    }
    struct sla_timeline tl = ticket(MON(9, 0));
    struct terr_info ei = {0};
    assert_int_equal(sla_timeline_from_messages(msgs, 8, &tl, &ei), TERR_OK);
    assert_int_equal(tl.first_response_at, MON(9, 10));
    assert_int_equal(tl.next_wait_since, MON(9, 20)); /* not reset by the second message */
    assert_int_equal(tl.next_replied_at, MON(9, 40));
    assert_int_equal(sla_timeline_from_messages(msgs, 9, &tl, &ei), TERR_OK);
    assert_int_equal(tl.next_wait_since, MON(9, 50));
    assert_int_equal(tl.next_replied_at, 0);
    assert_int_equal(sla_timeline_from_messages(msgs, 1, &tl, &ei), TERR_OK);
    assert_int_equal(tl.first_response_at, 0);
    assert_int_equal(tl.next_wait_since, 0);

    tl.first_response_at = 77;
    msgs[3].created_at = MON(8, 0);
    assert_int_equal(sla_timeline_from_messages(msgs, 9, &tl, &ei), TERR_INVALID);
    assert_string_equal(ei.message, "message 4 is older than the one before it");
    assert_int_equal(tl.first_response_at, 77);
}

static void the_next_response_clock_runs_from_the_wait(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(9, 0));
    tl.first_response_at = MON(10, 0);
    tl.next_wait_since = MON(14, 0);
    struct sla_status st = eval(&tl, MON(16, 0));
    const struct sla_clock *c = &st.clock[NR];
    assert_int_equal(c->state, SLA_STATE_RUNNING);
    assert_int_equal(c->started_at, MON(14, 0));
    assert_int_equal(c->elapsed_ms, 2 * H);
    assert_int_equal(c->due_at, TUE(10, 0));
    assert_true(c->reminders[0].crossed);
    assert_int_equal(c->next_check_at, MON(17, 0)); /* 75% = 3h */
    assert_int_equal(st.clock[FR].state, SLA_STATE_MET);
    tl.next_replied_at = MON(16, 30);
    st = eval(&tl, TUE(16, 0));
    assert_int_equal(st.clock[NR].state, SLA_STATE_MET);
    assert_int_equal(st.clock[NR].elapsed_ms, 2 * H + 30 * MIN);
}

static void resolving_stops_every_clock(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(9, 0));
    tl.resolved_at = MON(10, 0);
    struct sla_status st = eval(&tl, at("2026-11-27", 12, 0));
    assert_int_equal(st.clock[FR].state, SLA_STATE_MET);
    assert_int_equal(st.clock[FR].stopped_at, MON(10, 0));
    assert_int_equal(st.clock[RES].state, SLA_STATE_MET);
    assert_int_equal(st.clock[RES].elapsed_ms, H);
    assert_false(st.clock[RES].reminders[0].crossed);
    assert_int_equal(st.clock[RES].reminders[0].at, 0);
    assert_int_equal(st.clock[NR].state, SLA_STATE_NONE);
    assert_int_equal(sla_next_check(&st), 0);
}

static void the_ticket_shows_the_earliest_running_due_and_first_breach(void **state)
{
    (void)state;
    struct sla_timeline tl = ticket(MON(9, 0));
    tl.first_response_at = MON(17, 30); /* late */
    tl.next_wait_since = TUE(9, 0);
    int64_t due = 1, breached = 1;
    struct sla_status st = eval(&tl, TUE(10, 0));
    sla_ticket_times(&st, &due, &breached);
    assert_int_equal(due, TUE(13, 0)); /* next response 4h; resolution is due Tue 17:00 */
    assert_int_equal(breached, MON(17, 0));
    tl = ticket(MON(9, 0));
    tl.resolved_at = MON(9, 5);
    st = eval(&tl, MON(10, 0));
    sla_ticket_times(&st, &due, &breached);
    assert_int_equal(due, 0);
    assert_int_equal(breached, 0);
}

static void a_24x7_calendar_counts_the_wall_clock(void **state)
{
    (void)state;
    struct sla_policy p = policy();
    struct calendar cal;
    calendar_init_24x7(&cal);
    struct sla_status st;
    struct terr_info ei = {0};
    struct sla_timeline tl = ticket(at("2026-11-28", 3, 0)); /* a Saturday night */
    assert_int_equal(sla_evaluate(&p, &cal, &tl, at("2026-11-28", 5, 0), &st, &ei), TERR_OK);
    assert_int_equal(st.clock[FR].due_at, at("2026-11-28", 11, 0));
    assert_int_equal(st.clock[FR].elapsed_ms, 2 * H);
    assert_int_equal(st.clock[RES].due_at, at("2026-11-28", 19, 0));
}

static void bad_timelines_are_refused_and_leave_out_untouched(void **state)
{
    (void)state;
    struct sla_policy p = policy();
    struct calendar cal = office();
    struct sla_status st;
    memset(&st, 0x5a, sizeof(st));
    struct terr_info ei = {0};
    struct sla_timeline tl = ticket(MON(9, 0));
    struct sla_pause backwards[] = {{MON(12, 0), MON(11, 0)}};
    tl.pauses = backwards;
    tl.n_pauses = 1;
    assert_int_equal(sla_evaluate(&p, &cal, &tl, MON(13, 0), &st, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "pauses");
    tl.n_pauses = SLA_MAX_PAUSES + 1;
    assert_int_equal(sla_evaluate(&p, &cal, &tl, MON(13, 0), &st, &ei), TERR_TOO_LARGE);
    tl.n_pauses = 0;
    tl.created_at = 0;
    assert_int_equal(sla_evaluate(&p, &cal, &tl, MON(13, 0), &st, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "created_at");
    tl.created_at = MON(9, 0);
    tl.resolved_at = -4;
    assert_int_equal(sla_evaluate(&p, &cal, &tl, MON(13, 0), &st, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "resolved_at");
    assert_int_equal(((unsigned char *)&st)[0], 0x5a);
}

static void a_due_time_too_far_away_is_an_error_not_a_hang(void **state)
{
    (void)state;
    struct sla_policy p;
    struct calendar cal;
    struct sla_status st;
    struct terr_info ei = {0};
    assert_int_equal(calendar_parse("mon 09:00-09:01", &cal, &ei), TERR_OK);
    assert_int_equal(sla_policy_parse("normal resolution=1000m", &p, &ei), TERR_OK);
    struct sla_timeline tl = ticket(MON(9, 0));
    assert_int_equal(sla_evaluate(&p, &cal, &tl, MON(10, 0), &st, &ei), TERR_TOO_LARGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_tighter_of_priority_and_level_applies),
        cmocka_unit_test(the_default_policy_is_tightest_for_hostile),
        cmocka_unit_test(a_policy_formats_and_parses_back),
        cmocka_unit_test(bad_policies_are_refused_naming_the_clause),
        cmocka_unit_test(a_running_clock_reports_progress_and_its_next_check),
        cmocka_unit_test(a_reminder_is_crossed_at_its_instant),
        cmocka_unit_test(a_reply_before_due_is_met_and_at_due_is_breached),
        cmocka_unit_test(an_unanswered_ticket_breaches_at_its_due_time),
        cmocka_unit_test(an_overnight_ticket_starts_counting_at_opening),
        cmocka_unit_test(a_pause_over_closed_hours_stops_resolution_not_first_response),
        cmocka_unit_test(an_ongoing_pause_holds_the_clock),
        cmocka_unit_test(a_clock_breached_before_the_pause_stays_breached),
        cmocka_unit_test(a_rising_level_tightens_the_clock),
        cmocka_unit_test(a_zero_target_is_breached_at_once),
        cmocka_unit_test(the_next_response_wait_comes_from_the_messages),
        cmocka_unit_test(the_next_response_clock_runs_from_the_wait),
        cmocka_unit_test(resolving_stops_every_clock),
        cmocka_unit_test(the_ticket_shows_the_earliest_running_due_and_first_breach),
        cmocka_unit_test(a_24x7_calendar_counts_the_wall_clock),
        cmocka_unit_test(bad_timelines_are_refused_and_leave_out_untouched),
        cmocka_unit_test(a_due_time_too_far_away_is_an_error_not_a_hang),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
