/* src/domain/rules.c: escalation rules, their file format, firing and re-arming. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/analysis.h"
#include "domain/rules.h"

#define T0   1700000000000LL
#define MIN  60000LL
#define HOUR (60 * MIN)

/* Parses text as "t.rules" into a fresh set; fails the test on error. */
static struct rule_set parse_ok(const char *text)
{
    struct rule_set s;
    struct terr_info ei = {0};
    rule_set_init(&s);
    enum terr e = rules_parse(text, strlen(text), "t.rules", &s, &ei);
    if (e != TERR_OK)
        fail_msg("parse failed: %s", ei.message);
    return s;
}

/* Parses text, expects the error code, and returns the message. */
static struct terr_info parse_err(const char *text, enum terr want)
{
    struct rule_set s;
    struct terr_info ei = {0};
    rule_set_init(&s);
    assert_int_equal(rules_parse(text, strlen(text), "t.rules", &s, &ei), want);
    assert_int_equal(s.n, 0);
    assert_null(s.v);
    return ei;
}

static struct rule_facts facts(void)
{
    struct rule_facts f;
    memset(&f, 0, sizeof(f));
    f.now = T0;
    f.priority = PRIORITY_NORMAL;
    return f;
}

/* Evaluates s on f with no history; returns the outcome (release it). */
static struct rule_outcome eval(const struct rule_set *s, const struct rule_facts *f,
                                const struct rule_state *st, size_t n)
{
    struct rule_outcome o;
    rules_evaluate(s, f, st, n, &o);
    return o;
}

static bool matches_text(const char *rule_text, const struct rule_facts *f)
{
    struct rule_set s = parse_ok(rule_text);
    assert_int_equal(s.n, 1);
    bool m = rule_matches(&s.v[0], f);
    rule_set_release(&s);
    return m;
}

/* ---- vocabularies ---- */

static void trigger_kinds_are_the_analysis_kinds(void **state)
{
    (void)state;
    assert_int_equal(N_RULE_TRIGGERS, N_TRIGGER_KINDS);
    for (int i = 0; i < N_TRIGGER_KINDS; i++) {
        assert_string_equal(rule_trigger_name((enum rule_trigger)i),
                            trigger_kind_name((enum trigger_kind)i));
        enum rule_trigger t;
        assert_true(rule_trigger_parse(trigger_kind_name((enum trigger_kind)i), &t));
        assert_int_equal(t, i);
    }
    enum rule_trigger t = RULE_TRIGGER_SAFETY;
    assert_false(rule_trigger_parse("legal", &t));
    assert_int_equal(t, RULE_TRIGGER_SAFETY);
}

static void vocabularies_round_trip(void **state)
{
    (void)state;
    enum rule_sla m;
    assert_true(rule_sla_parse("any", &m));
    assert_int_equal(m, RULE_SLA_ANY);
    assert_string_equal(rule_sla_name(RULE_SLA_RESOLUTION), "resolution");
    enum survey_kind k;
    assert_true(survey_parse("nps", &k));
    assert_int_equal(k, SURVEY_NPS);
    assert_int_equal(survey_min(SURVEY_NPS), 0);
    assert_int_equal(survey_max(SURVEY_NPS), 10);
    assert_int_equal(survey_min(SURVEY_CSAT), 1);
    assert_int_equal(survey_max(SURVEY_CSAT), 5);
    assert_int_equal(survey_max(SURVEY_CES), 7);
    enum rule_action_kind a;
    for (int i = 0; i < N_RULE_ACTIONS; i++) {
        assert_true(rule_action_parse(rule_action_name((enum rule_action_kind)i), &a));
        assert_int_equal(a, i);
    }
    enum rule_cond_kind c;
    for (int i = 0; i < N_RULE_CONDS; i++) {
        assert_true(rule_cond_parse(rule_cond_name((enum rule_cond_kind)i), &c));
        assert_int_equal(c, i);
    }
    assert_string_equal(rule_action_name(N_RULE_ACTIONS), "unknown");
}

static void durations_parse_and_format(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t ms;
        const char *back;
    } ok[] = {
        {"30m", 30 * MIN, "30m"},
        {"4h", 4 * HOUR, "4h"},
        {"1h30m", 90 * MIN, "1h30m"},
        {"90m", 90 * MIN, "1h30m"},
        {"500ms", 500, "500ms"},
        {"2d", 48 * HOUR, "2d"},
        {"0s", 0, "0s"},
        {"1m1s1ms", MIN + 1001, "1m1s1ms"},
        {"365d", RULE_WAIT_MAX_MS, "365d"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        int64_t ms = -1;
        char back[32];
        assert_true(rule_duration_parse(ok[i].text, &ms));
        assert_int_equal(ms, ok[i].ms);
        rule_duration_format(ms, back, sizeof(back));
        assert_string_equal(back, ok[i].back);
    }
    static const char *const bad[] = {"",     "-5m", "5",    "m",  "5x",
                                      "1.5h", "4 h", "366d", "h4", "99999999999999999999d"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t ms = 77;
        assert_false(rule_duration_parse(bad[i], &ms));
        assert_int_equal(ms, 77);
    }
}

/* ---- conditions ---- */

static void trigger_condition_needs_its_kind_present(void **state)
{
    (void)state;
    const char *r = "rule r\n when trigger legal_threat\n then notify_lead\n";
    struct rule_facts f = facts();
    assert_false(matches_text(r, &f));
    f.triggers = 1u << RULE_TRIGGER_CHURN_THREAT;
    assert_false(matches_text(r, &f));
    f.triggers |= 1u << RULE_TRIGGER_LEGAL_THREAT;
    assert_true(matches_text(r, &f));
}

static void level_condition_is_at_least(void **state)
{
    (void)state;
    const char *r = "rule r\n when level >= heated\n then notify_lead\n";
    struct rule_facts f = facts();
    f.level = LEVEL_TENSE;
    assert_false(matches_text(r, &f));
    f.level = LEVEL_HEATED;
    assert_true(matches_text(r, &f));
    f.level = LEVEL_HOSTILE;
    assert_true(matches_text(r, &f));
}

static void waiting_condition_is_strictly_longer(void **state)
{
    (void)state;
    const char *r = "rule r\n when waiting > 2h\n then notify_lead\n";
    struct rule_facts f = facts();
    f.now = T0 + 10 * HOUR;
    assert_false(matches_text(r, &f)); /* not waiting at all */
    f.waiting_since = f.now - 2 * HOUR;
    assert_false(matches_text(r, &f));
    f.waiting_since = f.now - 2 * HOUR - 1;
    assert_true(matches_text(r, &f));
    /* "waiting > 0s": any wait at all. */
    f.waiting_since = f.now - 1;
    assert_true(matches_text("rule r\n when waiting > 0s\n then notify_lead\n", &f));
}

static void sla_condition_on_one_metric_or_any(void **state)
{
    (void)state;
    const char *first = "rule r\n when sla_breached first_response\n then notify_lead\n";
    const char *any = "rule r\n when sla_breached any\n then notify_lead\n";
    struct rule_facts f = facts();
    assert_false(matches_text(first, &f));
    assert_false(matches_text(any, &f));
    f.sla_breached = 1u << RULE_SLA_RESOLUTION;
    assert_false(matches_text(first, &f));
    assert_true(matches_text(any, &f));
    f.sla_breached |= 1u << RULE_SLA_FIRST_RESPONSE;
    assert_true(matches_text(first, &f));
}

static void survey_condition_is_at_most_and_needs_an_answer(void **state)
{
    (void)state;
    const char *csat = "rule r\n when csat <= 2\n then notify_lead\n";
    const char *nps = "rule r\n when nps <= 6\n then notify_lead\n";
    const char *ces = "rule r\n when ces <= 3\n then notify_lead\n";
    struct rule_facts f = facts();
    assert_false(matches_text(csat, &f));
    assert_false(matches_text(nps, &f)); /* a zeroed score is no answer */
    f.survey[SURVEY_CSAT].answered = true;
    f.survey[SURVEY_CSAT].score = 3;
    assert_false(matches_text(csat, &f));
    f.survey[SURVEY_CSAT].score = 2;
    assert_true(matches_text(csat, &f));
    assert_false(matches_text(nps, &f)); /* another kind's answer does not count */
    f.survey[SURVEY_NPS].answered = true;
    f.survey[SURVEY_NPS].score = 0;
    assert_true(matches_text(nps, &f));
    f.survey[SURVEY_CES].answered = true;
    f.survey[SURVEY_CES].score = 4;
    assert_false(matches_text(ces, &f));
    f.survey[SURVEY_CES].score = 3;
    assert_true(matches_text(ces, &f));
}

static void conditions_combine_with_and(void **state)
{
    (void)state;
    const char *r = "rule r\n when trigger churn_threat\n when level >= heated\n"
                    " when waiting > 1h\n then notify_lead\n";
    struct rule_facts f = facts();
    f.triggers = 1u << RULE_TRIGGER_CHURN_THREAT;
    f.level = LEVEL_HEATED;
    f.waiting_since = T0 - 2 * HOUR;
    assert_true(matches_text(r, &f));
    f.level = LEVEL_TENSE;
    assert_false(matches_text(r, &f));
    f.level = LEVEL_HOSTILE;
    f.waiting_since = 0;
    assert_false(matches_text(r, &f));
}

/* ---- actions and the plan ---- */

static void every_action_reaches_the_plan(void **state)
{
    (void)state;
    struct rule_set s = parse_ok("rule all\n"
                                 "  when level >= calm\n"
                                 "  then assign_team billing-eu\n"
                                 "  then set_priority high\n"
                                 "  then notify_lead\n"
                                 "  then add_tag vip\n"
                                 "  then add_tag legal\n"
                                 "  then legal_hold\n"
                                 "rule agent\n"
                                 "  when level >= calm\n"
                                 "  then assign_agent 42\n");
    struct rule_facts f = facts();
    /* Only the second rule: the agent assignment. */
    struct rule_set only_agent = {&s.v[1], 1};
    struct rule_outcome o = eval(&only_agent, &f, NULL, 0);
    assert_int_equal(o.n_plan, 1);
    assert_int_equal(o.plan[0].action.kind, RULE_DO_ASSIGN_AGENT);
    assert_int_equal(o.plan[0].action.agent_id, 42);
    rule_outcome_release(&o);

    o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_fired, 2);
    assert_int_equal(o.n_plan, 6); /* the agent assignment loses to the team */
    assert_int_equal(o.plan[0].action.kind, RULE_DO_ASSIGN_TEAM);
    assert_string_equal(o.plan[0].action.team, "billing-eu");
    assert_int_equal(o.plan[1].action.kind, RULE_DO_SET_PRIORITY);
    assert_int_equal(o.plan[1].action.priority, PRIORITY_HIGH);
    assert_int_equal(o.plan[2].action.kind, RULE_DO_NOTIFY_LEAD);
    assert_int_equal(o.plan[3].action.kind, RULE_DO_ADD_TAG);
    assert_string_equal(o.plan[3].action.tag, "vip");
    assert_string_equal(o.plan[4].action.tag, "legal");
    assert_int_equal(o.plan[5].action.kind, RULE_DO_LEGAL_HOLD);
    for (size_t i = 0; i < o.n_plan; i++)
        assert_int_equal(o.plan[i].rule, 0);
    rule_outcome_release(&o);
    rule_set_release(&s);
}

static void merged_plan_takes_the_highest_priority_and_the_first_assignment(void **state)
{
    (void)state;
    struct rule_set s = parse_ok("rule a\n when level >= tense\n then set_priority high\n"
                                 " then notify_lead\n then add_tag x\n then assign_agent 7\n"
                                 "rule b\n when level >= tense\n then set_priority urgent\n"
                                 " then notify_lead\n then add_tag x\n then add_tag y\n"
                                 " then assign_team legal\n"
                                 "rule c\n when level >= tense\n then set_priority low\n");
    struct rule_facts f = facts();
    f.level = LEVEL_HEATED;
    struct rule_outcome o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_fired, 3);
    assert_int_equal(o.n_plan, 5);
    assert_int_equal(o.plan[0].action.kind, RULE_DO_SET_PRIORITY);
    assert_int_equal(o.plan[0].action.priority, PRIORITY_URGENT);
    assert_int_equal(o.plan[0].rule, 1); /* from rule b */
    assert_int_equal(o.plan[1].action.kind, RULE_DO_NOTIFY_LEAD);
    assert_int_equal(o.plan[1].rule, 0);
    assert_string_equal(o.plan[2].action.tag, "x");
    assert_int_equal(o.plan[3].action.kind, RULE_DO_ASSIGN_AGENT);
    assert_int_equal(o.plan[3].action.agent_id, 7);
    assert_string_equal(o.plan[4].action.tag, "y");
    assert_int_equal(o.plan[4].rule, 1);
    rule_outcome_release(&o);
    rule_set_release(&s);
}

static void priority_is_never_lowered(void **state)
{
    (void)state;
    struct rule_set s = parse_ok("rule a\n when level >= tense\n then set_priority high\n"
                                 " then notify_lead\n");
    struct rule_facts f = facts();
    f.level = LEVEL_TENSE;
    f.priority = PRIORITY_URGENT;
    struct rule_outcome o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_fired, 1); /* it fires, but its priority has nothing to do */
    assert_int_equal(o.n_plan, 1);
    assert_int_equal(o.plan[0].action.kind, RULE_DO_NOTIFY_LEAD);
    rule_outcome_release(&o);
    f.priority = PRIORITY_HIGH;
    o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_plan, 1);
    rule_outcome_release(&o);
    f.priority = PRIORITY_NORMAL;
    o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_plan, 2);
    rule_outcome_release(&o);
    rule_set_release(&s);
}

/* ---- firing once, re-arming ---- */

static void a_rule_fires_once_per_ticket(void **state)
{
    (void)state;
    struct rule_set s = parse_ok("rule legal\n when trigger legal_threat\n then legal_hold\n");
    struct rule_facts f = facts();
    f.triggers = 1u << RULE_TRIGGER_LEGAL_THREAT;
    struct rule_outcome o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_fired, 1);
    assert_int_equal(o.fired[0], 0);
    assert_int_equal(o.n_states, 1);
    struct rule_state st = o.states[0];
    assert_string_equal(st.rule, "legal");
    assert_int_equal(st.fired_at, T0);
    assert_int_equal(st.times, 1);
    assert_false(st.armed);
    rule_outcome_release(&o);

    /* Later events with the condition still true, or false and true again:
     * a manual rule stays spent. */
    for (int i = 1; i <= 3; i++) {
        f.now = T0 + i * MIN;
        f.triggers = i == 2 ? 0 : 1u << RULE_TRIGGER_LEGAL_THREAT;
        o = eval(&s, &f, &st, 1);
        assert_int_equal(o.n_fired, 0);
        assert_int_equal(o.n_plan, 0);
        assert_int_equal(o.n_rearmed, 0);
        assert_int_equal(o.n_states, 0);
        rule_outcome_release(&o);
    }
    rule_set_release(&s);
}

static void an_auto_rule_rearms_when_its_condition_clears(void **state)
{
    (void)state;
    struct rule_set s = parse_ok("rule wait\n when waiting > 2h\n then notify_lead\n rearm auto\n");
    struct rule_facts f = facts();
    f.waiting_since = T0;
    f.now = T0 + 3 * HOUR;
    struct rule_outcome o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_fired, 1);
    struct rule_state st = o.states[0];
    rule_outcome_release(&o);

    /* Still waiting: nothing new. */
    f.now = T0 + 4 * HOUR;
    o = eval(&s, &f, &st, 1);
    assert_int_equal(o.n_fired + o.n_rearmed + o.n_states, 0);
    rule_outcome_release(&o);

    /* The agent replied: the condition is false, the rule re-arms. */
    f.waiting_since = 0;
    f.now = T0 + 5 * HOUR;
    o = eval(&s, &f, &st, 1);
    assert_int_equal(o.n_fired, 0);
    assert_int_equal(o.n_rearmed, 1);
    assert_int_equal(o.rearmed[0], 0);
    assert_int_equal(o.n_states, 1);
    assert_true(o.states[0].armed);
    assert_int_equal(o.states[0].armed_at, T0 + 5 * HOUR);
    assert_int_equal(o.states[0].times, 1);
    st = o.states[0];
    rule_outcome_release(&o);

    /* Re-arming twice changes nothing more. */
    f.now = T0 + 6 * HOUR;
    o = eval(&s, &f, &st, 1);
    assert_int_equal(o.n_rearmed + o.n_states, 0);
    rule_outcome_release(&o);

    /* The customer writes again and waits too long: it fires again. */
    f.waiting_since = T0 + 6 * HOUR;
    f.now = T0 + 9 * HOUR;
    o = eval(&s, &f, &st, 1);
    assert_int_equal(o.n_fired, 1);
    assert_int_equal(o.states[0].times, 2);
    assert_int_equal(o.states[0].fired_at, T0 + 9 * HOUR);
    assert_false(o.states[0].armed);
    assert_int_equal(o.n_plan, 1);
    rule_outcome_release(&o);
    rule_set_release(&s);
}

static void an_explicit_rearm_lets_a_manual_rule_fire_again(void **state)
{
    (void)state;
    struct rule_set s = parse_ok("rule low\n when csat <= 2\n then notify_lead\n");
    struct rule_facts f = facts();
    f.survey[SURVEY_CSAT].answered = true;
    f.survey[SURVEY_CSAT].score = 1;
    struct rule_outcome o = eval(&s, &f, NULL, 0);
    struct rule_state st = o.states[0];
    rule_outcome_release(&o);

    struct rule_state re;
    struct terr_info ei = {0};
    assert_int_equal(rules_rearm(&s, "low", &st, T0 + HOUR, &re, &ei), TERR_OK);
    assert_true(re.armed);
    assert_int_equal(re.armed_at, T0 + HOUR);
    assert_int_equal(re.times, 1);
    assert_int_equal(re.fired_at, T0);

    f.now = T0 + 2 * HOUR;
    o = eval(&s, &f, &re, 1);
    assert_int_equal(o.n_fired, 1);
    assert_int_equal(o.states[0].times, 2);
    rule_outcome_release(&o);

    struct rule_state untouched;
    memset(&untouched, 0x5a, sizeof(untouched));
    struct rule_state copy = untouched;
    assert_int_equal(rules_rearm(&s, "lo", &st, T0, &untouched, &ei), TERR_NOT_FOUND);
    assert_string_equal(ei.field, "rule");
    assert_non_null(strstr(ei.message, "'lo'"));
    assert_memory_equal(&untouched, &copy, sizeof(copy));

    /* A rule that never fired: re-arming is harmless. */
    assert_int_equal(rules_rearm(&s, "low", NULL, T0, &re, NULL), TERR_OK);
    assert_string_equal(re.rule, "low");
    assert_int_equal(re.fired_at, 0);
    rule_set_release(&s);
}

static void rules_fire_in_set_order_whatever_the_records_order(void **state)
{
    (void)state;
    struct rule_set s = parse_ok("rule c\n when level >= tense\n then add_tag c\n"
                                 "rule a\n when level >= tense\n then add_tag a\n"
                                 "rule b\n when level >= tense\n then add_tag b\n rearm auto\n");
    struct rule_facts f = facts();
    f.level = LEVEL_HOSTILE;
    /* Records in another order, one for a rule no longer in the set. */
    struct rule_state st[3];
    memset(st, 0, sizeof(st));
    memcpy(st[0].rule, "gone", 5);
    st[0].fired_at = T0 - HOUR;
    memcpy(st[1].rule, "b", 2);
    st[1].fired_at = T0 - HOUR;
    st[1].times = 1;
    st[1].armed = true;
    memcpy(st[2].rule, "a", 2);
    st[2].fired_at = T0 - HOUR;
    st[2].times = 1;
    struct rule_outcome o = eval(&s, &f, st, 3);
    assert_int_equal(o.n_fired, 2);
    assert_int_equal(o.fired[0], 0); /* c */
    assert_int_equal(o.fired[1], 2); /* b, re-armed earlier */
    assert_int_equal(o.n_plan, 2);
    assert_string_equal(o.plan[0].action.tag, "c");
    assert_string_equal(o.plan[1].action.tag, "b");
    assert_int_equal(o.n_states, 2);
    assert_string_equal(o.states[0].rule, "c");
    assert_string_equal(o.states[1].rule, "b");
    assert_int_equal(o.states[1].times, 2);
    rule_outcome_release(&o);
    rule_set_release(&s);
}

/* ---- the file ---- */

static void the_default_rules_parse_and_escalate_a_legal_threat(void **state)
{
    (void)state;
    FILE *fp = fopen("data/rules/default.txt", "rb");
    assert_non_null(fp);
    char *text = malloc(RULES_TEXT_MAX);
    assert_non_null(text);
    size_t len = fread(text, 1, RULES_TEXT_MAX, fp);
    fclose(fp);
    struct rule_set s;
    struct terr_info ei = {0};
    rule_set_init(&s);
    enum terr e = rules_parse(text, len, "data/rules/default.txt", &s, &ei);
    free(text);
    if (e != TERR_OK)
        fail_msg("%s", ei.message);
    assert_true(s.n >= 10);
    for (size_t i = 0; i < s.n; i++)
        assert_int_equal(rule_check(&s.v[i], NULL), TERR_OK);

    /* A hostile message with a legal threat. */
    struct rule_facts f = facts();
    f.level = LEVEL_HOSTILE;
    f.triggers = 1u << RULE_TRIGGER_LEGAL_THREAT;
    struct rule_outcome o = eval(&s, &f, NULL, 0);
    assert_string_equal(s.v[o.fired[0]].name, "legal-threat");
    bool hold = false, lead = false, urgent = false;
    for (size_t i = 0; i < o.n_plan; i++) {
        const struct rule_action *a = &o.plan[i].action;
        hold |= a->kind == RULE_DO_LEGAL_HOLD;
        lead |= a->kind == RULE_DO_NOTIFY_LEAD;
        urgent |= a->kind == RULE_DO_SET_PRIORITY && a->priority == PRIORITY_URGENT;
    }
    assert_true(hold && lead && urgent);
    rule_outcome_release(&o);

    /* A calm, quiet ticket: nothing fires. */
    f = facts();
    o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_fired, 0);
    rule_outcome_release(&o);

    /* Safety alone makes it urgent; hostility alone notifies the lead. */
    f.triggers = 1u << RULE_TRIGGER_SAFETY;
    o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_fired, 1);
    assert_string_equal(s.v[o.fired[0]].name, "safety");
    rule_outcome_release(&o);
    f.triggers = 0;
    f.level = LEVEL_HOSTILE;
    o = eval(&s, &f, NULL, 0);
    assert_int_equal(o.n_fired, 1);
    assert_string_equal(s.v[o.fired[0]].name, "hostile");
    assert_int_equal(o.plan[0].action.kind, RULE_DO_NOTIFY_LEAD);
    rule_outcome_release(&o);
    rule_set_release(&s);
}

static void comments_blanks_and_crlf_are_allowed(void **state)
{
    (void)state;
    struct rule_set s = parse_ok("# rules\r\n\r\nrule a # the first\r\n"
                                 "\twhen trigger safety   # danger\r\n"
                                 "    then notify_lead\r\n# end");
    assert_int_equal(s.n, 1);
    assert_string_equal(s.v[0].name, "a");
    assert_int_equal(s.v[0].line, 3);
    assert_int_equal(s.v[0].n_when, 1);
    assert_int_equal(s.v[0].n_then, 1);
    assert_int_equal(s.v[0].rearm, RULE_REARM_MANUAL);
    rule_set_release(&s);
}

static void format_reads_back_to_the_same_rules(void **state)
{
    (void)state;
    const char *text = "rule a\n"
                       "  when trigger public_threat\n"
                       "  when level >= tense\n"
                       "  when waiting > 1h30m\n"
                       "  when sla_breached any\n"
                       "  when nps <= 0\n"
                       "  then assign_team tier-2\n"
                       "  then set_priority urgent\n"
                       "  then notify_lead\n"
                       "  then add_tag public\n"
                       "  then legal_hold\n"
                       "  rearm auto\n"
                       "\n"
                       "rule b\n"
                       "  when sla_breached resolution\n"
                       "  then assign_agent 9\n";
    struct rule_set s = parse_ok(text);
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    assert_int_equal(rules_format(&s, &b), TERR_OK);
    assert_string_equal(b.data, text);
    struct rule_set again = parse_ok(b.data);
    assert_int_equal(again.n, 2);
    assert_int_equal(again.v[0].when[2].ms, 90 * MIN);
    assert_memory_equal(again.v, s.v, 2 * sizeof(s.v[0]));
    buf_release(&b);

    /* A capped buffer reports the cap. */
    buf_init(&b, 16);
    assert_int_equal(rules_format(&s, &b), TERR_TOO_LARGE);
    buf_release(&b);
    rule_set_release(&again);
    rule_set_release(&s);
}

static void parse_errors_name_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want; /* the start of the message */
    } cases[] = {
        {"rule a\n when level >= angry\n then notify_lead\n", "t.rules:2: unknown level 'angry'"},
        {"rule a\n when waiting > -5m\n then notify_lead\n",
         "t.rules:2: a waiting time cannot be negative"},
        {"rule a\n when waiting > 5 hours\n then notify_lead\n",
         "t.rules:2: expected 'when waiting > <duration>'"},
        {"rule a\n when waiting > 400d\n then notify_lead\n", "t.rules:2: bad duration '400d'"},
        {"rule a\n when trigger legl\n then notify_lead\n",
         "t.rules:2: unknown trigger kind 'legl' (one of: churn_threat,"},
        {"# x\nrule a\n when trigger safety\n then notify_lead\n\nrule b\n when trigger abuse\n",
         "t.rules:6: rule 'b' has no action"},
        {"rule a\n when trigger safety\nrule b\n then notify_lead\n",
         "t.rules:1: rule 'a' has no action"},
        {"rule a\n then notify_lead\n", "t.rules:1: rule 'a' has no condition"},
        {"rule a\n when trigger safety\n then notify_lead\n\nrule a\n",
         "t.rules:5: a rule named 'a' is already defined on line 1"},
        {"when trigger safety\n", "t.rules:1: 'when' before the first 'rule' line"},
        {"rule a\n if trigger safety\n", "t.rules:2: unknown statement 'if'"},
        {"rule a\n when mood angry\n", "t.rules:2: unknown condition 'mood'"},
        {"rule a\n when csat <= 6\n then notify_lead\n", "t.rules:2: a csat score is 1..5"},
        {"rule a\n when nps <= -1\n then notify_lead\n", "t.rules:2: a nps score is 0..10"},
        {"rule a\n when ces < 3\n then notify_lead\n", "t.rules:2: expected 'when ces <= <score>'"},
        {"rule a\n when level > tense\n", "t.rules:2: expected 'when level >= <level>'"},
        {"rule a\n when sla_breached late\n", "t.rules:2: unknown SLA metric 'late'"},
        {"rule a\n when level >= tense\n then set_priority high\n then set_priority urgent\n",
         "t.rules:4: a rule sets the priority once"},
        {"rule a\n when level >= tense\n then add_tag x\n then add_tag x\n",
         "t.rules:4: the tag 'x' is added twice"},
        {"rule a\n when level >= tense\n then notify_lead\n then notify_lead\n",
         "t.rules:4: notify_lead appears twice"},
        {"rule a\n when level >= tense\n then assign_team t\n then assign_agent 4\n",
         "t.rules:4: a rule assigns to one team or agent only"},
        {"rule a\n when level >= tense\n then escalate\n", "t.rules:3: unknown action 'escalate'"},
        {"rule a\n when level >= tense\n then set_priority asap\n",
         "t.rules:3: unknown priority 'asap'"},
        {"rule a\n when level >= tense\n then assign_agent 0\n",
         "t.rules:3: an agent id is a positive number"},
        {"rule a\n when level >= tense\n then add_tag two\\words\n", "t.rules:3: a tag is 1..64"},
        {"rule a\n when level >= tense\n then notify_lead now\n",
         "t.rules:3: expected 'then notify_lead' alone"},
        {"rule a\n when level >= tense\n then add_tag\n",
         "t.rules:3: expected 'then add_tag <value>'"},
        {"rule a\n when level >= tense\n then notify_lead\n rearm sometimes\n",
         "t.rules:4: expected 'rearm auto' or 'rearm manual'"},
        {"rule a b\n", "t.rules:1: expected 'rule <name>'"},
        {"rule a/b\n", "t.rules:1: bad rule name 'a/b'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct terr_info ei = parse_err(cases[i].text, TERR_INVALID);
        if (strncmp(ei.message, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s...\"", i, ei.message, cases[i].want);
        assert_string_equal(ei.field, "rules");
    }
}

static void bad_bytes_and_sizes_are_refused(void **state)
{
    (void)state;
    struct terr_info ei = parse_err("rule a\n when trigger saf\xc3\n", TERR_BAD_UTF8);
    assert_non_null(strstr(ei.message, "t.rules:2:"));

    char nul[] = "rule a\n when trigger safety\n then notify_lead\0\n";
    struct rule_set s;
    rule_set_init(&s);
    assert_int_equal(rules_parse(nul, sizeof(nul) - 1, "t.rules", &s, &ei), TERR_BAD_UTF8);
    assert_non_null(strstr(ei.message, "t.rules:3:"));

    char *big = malloc(RULES_LINE_MAX + 64);
    assert_non_null(big);
    memset(big, ' ', RULES_LINE_MAX + 63);
    memcpy(big, "rule a", 6);
    big[RULES_LINE_MAX + 63] = '\0';
    ei = parse_err(big, TERR_INVALID);
    assert_non_null(strstr(ei.message, "t.rules:1: a line is at most"));
    free(big);

    assert_int_equal(rules_parse("", (size_t)RULES_TEXT_MAX + 1, "t.rules", &s, &ei),
                     TERR_TOO_LARGE);
    assert_int_equal(s.n, 0);

    /* An empty file is an empty set. */
    assert_int_equal(rules_parse("", 0, "t.rules", &s, &ei), TERR_OK);
    assert_int_equal(s.n, 0);
}

/* ---- built from structs ---- */

static struct rule good_rule(const char *name)
{
    struct rule r;
    memset(&r, 0, sizeof(r));
    snprintf(r.name, sizeof(r.name), "%s", name);
    r.n_when = 1;
    r.when[0].kind = RULE_WHEN_LEVEL;
    r.when[0].level = LEVEL_HEATED;
    r.n_then = 2;
    r.then[0].kind = RULE_DO_NOTIFY_LEAD;
    r.then[1].kind = RULE_DO_ADD_TAG;
    memcpy(r.then[1].tag, "heated", 7);
    return r;
}

static void rules_built_from_structs_are_checked_with_the_field(void **state)
{
    (void)state;
    struct {
        struct rule r;
        enum terr want;
        const char *field;
    } cases[12];
    size_t n = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cases[i].r = good_rule("r");
        cases[i].want = TERR_INVALID;
    }
    cases[n].r.name[0] = '\0';
    cases[n++].field = "name";
    memcpy(cases[n].r.name, "has space", 10);
    cases[n++].field = "name";
    cases[n].r.n_when = 0;
    cases[n++].field = "when";
    cases[n].r.n_then = 0;
    cases[n++].field = "then";
    cases[n].r.when[0].kind = RULE_WHEN_WAITING;
    cases[n].r.when[0].ms = -1;
    cases[n++].field = "when[0].ms";
    cases[n].r.when[0].kind = RULE_WHEN_SURVEY;
    cases[n].r.when[0].survey = SURVEY_CES;
    cases[n].r.when[0].score = 8;
    cases[n++].field = "when[0].score";
    cases[n].r.when[0].level = (enum level)9;
    cases[n++].field = "when[0].level";
    cases[n].r.when[0].kind = RULE_WHEN_TRIGGER;
    cases[n].r.when[0].trigger = N_RULE_TRIGGERS;
    cases[n++].field = "when[0].trigger";
    cases[n].r.then[1].tag[0] = '\0';
    cases[n++].field = "then[1].tag";
    cases[n].r.then[1].kind = RULE_DO_NOTIFY_LEAD;
    cases[n++].field = "then[1]";
    cases[n].r.n_then = RULE_ACTIONS_MAX + 1;
    cases[n].want = TERR_TOO_LONG;
    cases[n++].field = "then";
    cases[n].r.then[0].kind = RULE_DO_ASSIGN_AGENT;
    cases[n].r.then[0].agent_id = -4;
    cases[n++].field = "then[0].agent_id";
    assert_int_equal(n, sizeof(cases) / sizeof(cases[0]));

    for (size_t i = 0; i < n; i++) {
        struct terr_info ei = {0};
        struct rule_set s;
        rule_set_init(&s);
        assert_int_equal(rule_check(&cases[i].r, &ei), cases[i].want);
        assert_string_equal(ei.field, cases[i].field);
        assert_true(strlen(ei.message) > 0);
        assert_int_equal(rule_set_add(&s, &cases[i].r, NULL), cases[i].want);
        assert_int_equal(s.n, 0);
    }
}

static void a_set_keeps_names_unique_order_and_its_cap(void **state)
{
    (void)state;
    struct rule_set s;
    struct terr_info ei = {0};
    rule_set_init(&s);
    struct rule a = good_rule("a"), b = good_rule("b"), c = good_rule("c");
    assert_int_equal(rule_set_add(&s, &a, &ei), TERR_OK);
    assert_int_equal(rule_set_add(&s, &b, &ei), TERR_OK);
    assert_int_equal(rule_set_add(&s, &c, &ei), TERR_OK);
    assert_int_equal(rule_set_add(&s, &b, &ei), TERR_CONFLICT);
    assert_string_equal(ei.field, "name");
    assert_int_equal(s.n, 3);
    assert_non_null(rule_set_find(&s, "b"));
    assert_true(rule_set_remove(&s, "b"));
    assert_false(rule_set_remove(&s, "b"));
    assert_null(rule_set_find(&s, "b"));
    assert_int_equal(s.n, 2);
    assert_string_equal(s.v[0].name, "a");
    assert_string_equal(s.v[1].name, "c");

    for (int i = 0; s.n < RULES_MAX; i++) {
        char name[16];
        snprintf(name, sizeof(name), "r%d", i);
        struct rule r = good_rule(name);
        assert_int_equal(rule_set_add(&s, &r, NULL), TERR_OK);
    }
    struct rule one_more = good_rule("one-more");
    assert_int_equal(rule_set_add(&s, &one_more, &ei), TERR_TOO_LARGE);
    assert_int_equal(s.n, RULES_MAX);
    rule_set_release(&s);
    rule_set_release(&s);
    rule_set_release(NULL);
    rule_outcome_release(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trigger_kinds_are_the_analysis_kinds),
        cmocka_unit_test(vocabularies_round_trip),
        cmocka_unit_test(durations_parse_and_format),
        cmocka_unit_test(trigger_condition_needs_its_kind_present),
        cmocka_unit_test(level_condition_is_at_least),
        cmocka_unit_test(waiting_condition_is_strictly_longer),
        cmocka_unit_test(sla_condition_on_one_metric_or_any),
        cmocka_unit_test(survey_condition_is_at_most_and_needs_an_answer),
        cmocka_unit_test(conditions_combine_with_and),
        cmocka_unit_test(every_action_reaches_the_plan),
        cmocka_unit_test(merged_plan_takes_the_highest_priority_and_the_first_assignment),
        cmocka_unit_test(priority_is_never_lowered),
        cmocka_unit_test(a_rule_fires_once_per_ticket),
        cmocka_unit_test(an_auto_rule_rearms_when_its_condition_clears),
        cmocka_unit_test(an_explicit_rearm_lets_a_manual_rule_fire_again),
        cmocka_unit_test(rules_fire_in_set_order_whatever_the_records_order),
        cmocka_unit_test(the_default_rules_parse_and_escalate_a_legal_threat),
        cmocka_unit_test(comments_blanks_and_crlf_are_allowed),
        cmocka_unit_test(format_reads_back_to_the_same_rules),
        cmocka_unit_test(parse_errors_name_the_line),
        cmocka_unit_test(bad_bytes_and_sizes_are_refused),
        cmocka_unit_test(rules_built_from_structs_are_checked_with_the_field),
        cmocka_unit_test(a_set_keeps_names_unique_order_and_its_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
