/* src/analysis/risk.c: conversation risk from a thread's trajectory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/risk.h"

#define HOUR (3600 * 1000LL)
#define T0 (1700000000000LL)

/* A customer message's analysis with a score and, optionally, one trigger. */
static struct msg_analysis said(int score)
{
    struct msg_analysis a;
    memset(&a, 0, sizeof a);
    a.score = score;
    a.level = conflict_level_of(score);
    a.sentiment.neu = 1;
    return a;
}

static struct msg_analysis with_trigger(int score, enum trigger_kind k)
{
    struct msg_analysis a = said(score);
    a.triggers[0].kind = k;
    a.triggers[0].start = 0;
    a.triggers[0].end = 4;
    a.triggers[0].confidence = 1.0;
    a.n_triggers = 1;
    return a;
}

static struct thread_msg customer(const struct msg_analysis *a, int64_t at)
{
    return (struct thread_msg){.author = THREAD_CUSTOMER, .at_ms = at, .analysis = a};
}

static struct thread_msg agent(int64_t at)
{
    return (struct thread_msg){.author = THREAD_AGENT, .at_ms = at};
}

static struct thread_msg note(int64_t at)
{
    return (struct thread_msg){.author = THREAD_AGENT, .at_ms = at, .internal = 1};
}

static int assess(const struct thread_msg *m, size_t n, int64_t now, struct thread_risk *r)
{
    risk_assess(m, n, now, r);
    return r->risk;
}

static bool has_reason(const struct thread_risk *r, const char *part)
{
    for (size_t i = 0; i < r->n_reasons; i++)
        if (strstr(r->reasons[i].text, part))
            return true;
    return false;
}

static void empty_thread_is_calm_with_a_reason(void **state)
{
    (void)state;
    struct thread_risk r;
    assert_int_equal(assess(NULL, 0, T0, &r), 0);
    assert_int_equal(r.level, CONFLICT_CALM);
    assert_int_equal(r.trend, 0);
    assert_int_equal(r.n_reasons, 1);
}

static void calm_thread_is_calm(void **state)
{
    (void)state;
    struct msg_analysis a = said(5);
    struct thread_msg m[] = {customer(&a, T0), agent(T0 + HOUR / 4)};
    struct thread_risk r;
    assess(m, 2, T0 + HOUR / 2, &r);
    assert_int_equal(r.level, CONFLICT_CALM);
    assert_true(r.risk < 10);
    assert_true(r.n_reasons >= 1);
}

static void hostile_message_gives_hostile_thread(void **state)
{
    (void)state;
    struct msg_analysis a = with_trigger(85, TRIG_LEGAL);
    struct thread_msg m[] = {customer(&a, T0)};
    struct thread_risk r;
    assess(m, 1, T0 + 1000, &r);
    assert_int_equal(r.level, CONFLICT_HOSTILE);
    assert_true(has_reason(&r, "legal threat in the latest message"));
    assert_true(has_reason(&r, "reads hostile"));
}

static void waiting_raises_risk_and_is_capped(void **state)
{
    (void)state;
    struct msg_analysis a = said(30);
    struct thread_msg m[] = {customer(&a, T0)};
    struct thread_risk fresh, hours, days, years;
    assess(m, 1, T0 + 10 * 60 * 1000, &fresh);
    assess(m, 1, T0 + 5 * HOUR, &hours);
    assess(m, 1, T0 + 72 * HOUR, &days);
    assess(m, 1, T0 + 3 * 365 * 24 * HOUR, &years);
    assert_true(hours.risk > fresh.risk);
    assert_true(days.risk > hours.risk);
    assert_int_equal(years.risk, days.risk); /* capped */
    assert_false(has_reason(&fresh, "waited"));
    assert_true(has_reason(&hours, "customer has waited 5 h since their last message"));
}

static void reply_stops_the_clock(void **state)
{
    (void)state;
    struct msg_analysis a = said(30);
    struct thread_msg waiting[] = {customer(&a, T0)};
    struct thread_msg replied[] = {customer(&a, T0), agent(T0 + HOUR)};
    struct thread_risk w, r;
    assess(waiting, 1, T0 + 10 * HOUR, &w);
    assess(replied, 2, T0 + 10 * HOUR, &r);
    assert_true(r.risk < w.risk);
    assert_false(has_reason(&r, "waited"));
    assert_true(has_reason(&r, "an agent has replied"));
}

static void reply_lowers_even_a_saturated_thread(void **state)
{
    (void)state;
    struct msg_analysis a = with_trigger(100, TRIG_LEGAL);
    struct thread_msg waiting[] = {customer(&a, T0)};
    struct thread_msg replied[] = {customer(&a, T0), agent(T0 + 1)};
    struct thread_risk w, r;
    assess(waiting, 1, T0 + 2, &w);
    assess(replied, 2, T0 + 2, &r);
    assert_int_equal(w.risk, 100);
    assert_true(r.risk < w.risk);
}

static void internal_note_is_not_a_reply(void **state)
{
    (void)state;
    struct msg_analysis a = said(30);
    struct thread_msg waiting[] = {customer(&a, T0)};
    struct thread_msg noted[] = {customer(&a, T0), note(T0 + HOUR)};
    struct thread_risk w, n;
    assess(waiting, 1, T0 + 10 * HOUR, &w);
    assess(noted, 2, T0 + 10 * HOUR, &n);
    assert_int_equal(n.risk, w.risk);
    assert_true(has_reason(&n, "waited"));
}

static void worse_after_reply_raises_risk(void **state)
{
    (void)state;
    struct msg_analysis before = said(30), after = said(60);
    struct msg_analysis flat = said(60);
    struct thread_msg worse[] = {customer(&before, T0), agent(T0 + 1000),
                                 customer(&after, T0 + 2000)};
    struct thread_msg only[] = {customer(&flat, T0 + 2000)};
    struct thread_risk w, o;
    assess(worse, 3, T0 + 3000, &w);
    assess(only, 1, T0 + 3000, &o);
    assert_int_equal(w.trend, 1);
    assert_true(has_reason(&w, "got worse after the last agent reply"));
    /* Same latest score, but a reply made it worse: riskier than no history. */
    assert_true(w.risk > o.risk);
}

static void calmer_after_reply_lowers_risk(void **state)
{
    (void)state;
    struct msg_analysis before = said(70), after = said(30);
    struct msg_analysis flat = said(70), still = said(70);
    struct thread_msg better[] = {customer(&before, T0), agent(T0 + 1000),
                                  customer(&after, T0 + 2000)};
    struct thread_msg same[] = {customer(&flat, T0), agent(T0 + 1000),
                                customer(&still, T0 + 2000)};
    struct thread_risk b, s;
    assess(better, 3, T0 + 3000, &b);
    assess(same, 3, T0 + 3000, &s);
    assert_int_equal(b.trend, -1);
    assert_int_equal(s.trend, 0);
    assert_true(b.risk < s.risk);
    assert_true(has_reason(&b, "calmer after the last agent reply"));
    /* Negative reasons come last: sorted by weight. */
    assert_true(b.reasons[b.n_reasons - 1].weight < 0);
}

static void unanswered_run_raises_risk(void **state)
{
    (void)state;
    struct msg_analysis a = said(30);
    struct thread_msg one[] = {customer(&a, T0)};
    struct thread_msg three[] = {customer(&a, T0), customer(&a, T0 + 1000),
                                 customer(&a, T0 + 2000)};
    struct thread_risk r1, r3;
    assess(one, 1, T0 + 3000, &r1);
    assess(three, 3, T0 + 3000, &r3);
    assert_true(r3.risk > r1.risk);
    assert_true(has_reason(&r3, "3 messages without an answer"));
}

static void many_contacts_raise_risk_even_when_answered(void **state)
{
    (void)state;
    struct msg_analysis a = said(30);
    struct thread_msg few[] = {customer(&a, T0), agent(T0 + 1)};
    struct thread_msg many[] = {customer(&a, T0),     agent(T0 + 1), customer(&a, T0 + 2),
                                agent(T0 + 3),        customer(&a, T0 + 4), agent(T0 + 5),
                                customer(&a, T0 + 6), agent(T0 + 7)};
    struct thread_risk f, m;
    assess(few, 2, T0 + 10, &f);
    assess(many, 8, T0 + 10, &m);
    assert_true(m.risk > f.risk);
    assert_true(has_reason(&m, "customer has written 4 times"));
}

static void unanswered_question_raises_risk(void **state)
{
    (void)state;
    struct msg_analysis plain = said(20), asks = said(20);
    asks.question = 1;
    struct thread_msg p[] = {customer(&plain, T0)};
    struct thread_msg q[] = {customer(&asks, T0)};
    struct thread_msg answered[] = {customer(&asks, T0), agent(T0 + 1)};
    struct thread_risk rp, rq, ra;
    assess(p, 1, T0 + 10, &rp);
    assess(q, 1, T0 + 10, &rq);
    assess(answered, 2, T0 + 10, &ra);
    assert_true(rq.risk > rp.risk);
    assert_true(has_reason(&rq, "1 question without an answer"));
    assert_false(has_reason(&ra, "question"));
}

static void earlier_trigger_counts_and_repeats_count_once(void **state)
{
    (void)state;
    struct msg_analysis legal = with_trigger(40, TRIG_LEGAL), calm = said(10);
    struct msg_analysis plain = said(40);
    struct thread_msg with[] = {customer(&legal, T0), agent(T0 + 1), customer(&calm, T0 + 2)};
    struct thread_msg without[] = {customer(&plain, T0), agent(T0 + 1), customer(&calm, T0 + 2)};
    struct thread_msg twice[] = {customer(&legal, T0), agent(T0 + 1), customer(&legal, T0 + 2)};
    struct thread_msg once[] = {customer(&plain, T0), agent(T0 + 1), customer(&legal, T0 + 2)};
    struct thread_risk w, wo, t, o;
    assess(with, 3, T0 + 10, &w);
    assess(without, 3, T0 + 10, &wo);
    assess(twice, 3, T0 + 10, &t);
    assess(once, 3, T0 + 10, &o);
    assert_true(w.risk > wo.risk);
    assert_true(has_reason(&w, "legal threat earlier in the thread"));
    assert_int_equal(t.risk, o.risk);
}

static void legal_weighs_more_than_shouting(void **state)
{
    (void)state;
    struct msg_analysis legal = with_trigger(30, TRIG_LEGAL);
    struct msg_analysis caps = with_trigger(30, TRIG_SHOUTING);
    struct thread_msg l[] = {customer(&legal, T0)};
    struct thread_msg s[] = {customer(&caps, T0)};
    struct thread_risk rl, rs;
    assess(l, 1, T0 + 10, &rl);
    assess(s, 1, T0 + 10, &rs);
    assert_true(rl.risk > rs.risk);
}

static void risk_is_clamped_and_reasons_sorted(void **state)
{
    (void)state;
    struct msg_analysis a = said(100);
    for (int k = 0; k < N_TRIGGER_KINDS; k++) {
        a.triggers[k].kind = (enum trigger_kind)k;
        a.triggers[k].confidence = 1;
    }
    a.n_triggers = N_TRIGGER_KINDS;
    a.question = 1;
    struct thread_msg m[] = {customer(&a, T0), customer(&a, T0 + 1), customer(&a, T0 + 2),
                             customer(&a, T0 + 3), customer(&a, T0 + 4)};
    struct thread_risk r;
    assess(m, 5, T0 + 100 * HOUR, &r);
    assert_int_equal(r.risk, 100);
    assert_int_equal(r.level, CONFLICT_HOSTILE);
    assert_int_equal(r.n_reasons, RISK_MAX_REASONS);
    for (size_t i = 1; i < r.n_reasons; i++)
        assert_true(r.reasons[i - 1].weight >= r.reasons[i].weight);
}

static void message_without_analysis_counts_as_contact(void **state)
{
    (void)state;
    struct thread_msg m[] = {customer(NULL, T0), customer(NULL, T0 + 1), customer(NULL, T0 + 2)};
    struct thread_risk r;
    assess(m, 3, T0 + 10, &r);
    assert_true(r.risk > 0);
    assert_true(has_reason(&r, "3 messages without an answer"));
}

static void json_has_level_trend_and_reasons(void **state)
{
    (void)state;
    struct msg_analysis before = said(30), after = said(70);
    struct thread_msg m[] = {customer(&before, T0), agent(T0 + 1), customer(&after, T0 + 2)};
    struct thread_risk r;
    assess(m, 3, T0 + 10, &r);
    json_t *o = risk_to_json(&r);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "risk")), r.risk);
    assert_string_equal(json_string_value(json_object_get(o, "level")),
                        conflict_level_name(r.level));
    assert_string_equal(json_string_value(json_object_get(o, "trend")), "worse");
    json_t *reasons = json_object_get(o, "reasons");
    assert_int_equal(json_array_size(reasons), r.n_reasons);
    assert_string_equal(json_string_value(json_object_get(json_array_get(reasons, 0), "text")),
                        r.reasons[0].text);
    json_decref(o);
}

/* Times from a caller (a thread posted to the API) may be anything: the
 * wait is computed without overflow and described in sane units. */
static void extreme_times_do_not_overflow(void **state)
{
    (void)state;
    struct msg_analysis a = said(10);
    struct thread_msg m[] = {customer(&a, INT64_MIN)};
    struct thread_risk r;
    risk_assess(m, 1, INT64_MAX, &r);
    assert_in_range(r.risk, 0, 100);
    for (size_t i = 0; i < r.n_reasons; i++)
        assert_null(strchr(r.reasons[i].text, '-'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(extreme_times_do_not_overflow),
        cmocka_unit_test(empty_thread_is_calm_with_a_reason),
        cmocka_unit_test(calm_thread_is_calm),
        cmocka_unit_test(hostile_message_gives_hostile_thread),
        cmocka_unit_test(waiting_raises_risk_and_is_capped),
        cmocka_unit_test(reply_stops_the_clock),
        cmocka_unit_test(reply_lowers_even_a_saturated_thread),
        cmocka_unit_test(internal_note_is_not_a_reply),
        cmocka_unit_test(worse_after_reply_raises_risk),
        cmocka_unit_test(calmer_after_reply_lowers_risk),
        cmocka_unit_test(unanswered_run_raises_risk),
        cmocka_unit_test(many_contacts_raise_risk_even_when_answered),
        cmocka_unit_test(unanswered_question_raises_risk),
        cmocka_unit_test(earlier_trigger_counts_and_repeats_count_once),
        cmocka_unit_test(legal_weighs_more_than_shouting),
        cmocka_unit_test(risk_is_clamped_and_reasons_sorted),
        cmocka_unit_test(message_without_analysis_counts_as_contact),
        cmocka_unit_test(json_has_level_trend_and_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
