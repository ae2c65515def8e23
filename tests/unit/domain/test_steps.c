/* src/domain/steps.c: the six resolution steps, from evidence and by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/steps.h"
#include "util/utf8.h"

#define T0  1700000000000LL /* the ticket's first customer message */
#define MIN 60000LL

static struct step_facts conflict(void)
{
    struct step_facts f;
    memset(&f, 0, sizeof(f));
    f.peak_level = LEVEL_HEATED;
    return f;
}

static struct steps_report eval(const struct step_facts *f)
{
    struct steps_report r;
    steps_evaluate(f, &r);
    return r;
}

#define STEP(r, s) (&(r).steps[STEP_##s])

/* ---- vocabulary and scope ---- */

static void step_names_round_trip_in_workflow_order(void **state)
{
    (void)state;
    static const char *const want[] = {"identify_cause", "understand_pain",  "take_ownership",
                                       "act_and_inform", "review_and_learn", "systemic_check"};
    assert_int_equal(N_STEPS, 6);
    for (size_t i = 0; i < N_STEPS; i++) {
        enum step s;
        assert_string_equal(step_name((enum step)i), want[i]);
        assert_true(step_parse(want[i], &s));
        assert_int_equal(s, i);
    }
    enum step s = STEP_SYSTEMIC_CHECK;
    assert_false(step_parse("identify-cause", &s));
    assert_false(step_parse("", &s));
    assert_false(step_parse(NULL, &s));
    assert_int_equal(s, STEP_SYSTEMIC_CHECK);
    assert_string_equal(step_name(N_STEPS), "unknown");
}

static void steps_apply_from_tense_or_when_marked(void **state)
{
    (void)state;
    assert_false(steps_apply(LEVEL_CALM, false));
    assert_true(steps_apply(LEVEL_CALM, true));
    assert_true(steps_apply(LEVEL_TENSE, false));
    assert_true(steps_apply(LEVEL_HOSTILE, false));

    struct step_facts f = conflict();
    f.peak_level = LEVEL_CALM;
    struct steps_report r = eval(&f);
    assert_false(r.applies);
    f.marked_conflict = true;
    r = eval(&f);
    assert_true(r.applies);
}

static void a_new_conflict_misses_every_step_and_says_what(void **state)
{
    (void)state;
    struct step_facts f = conflict();
    struct steps_report r = eval(&f);
    assert_true(r.applies);
    assert_int_equal(r.n_done, 0);
    assert_int_equal(r.next, STEP_IDENTIFY_CAUSE);
    for (size_t i = 0; i < N_STEPS; i++) {
        assert_int_equal(r.steps[i].step, i);
        assert_false(r.steps[i].done);
        assert_int_equal(r.steps[i].source, STEP_SOURCE_NONE);
        assert_int_equal(r.steps[i].at, 0);
        assert_string_equal(r.steps[i].evidence, "");
        assert_true(strlen(r.steps[i].missing) > 20);
    }
    assert_string_equal(STEP(r, IDENTIFY_CAUSE)->missing,
                        "no cause yet: an agent should set the category");
    assert_non_null(strstr(STEP(r, REVIEW_AND_LEARN)->missing, "no lesson recorded"));
    assert_non_null(strstr(STEP(r, SYSTEMIC_CHECK)->missing, "problem"));
}

/* ---- evidence, step by step ---- */

static void category_set_by_an_agent_identifies_the_cause(void **state)
{
    (void)state;
    struct step_facts f = conflict();
    f.category = "billing";
    f.category_by_agent = true;
    f.category_at = T0 + 5 * MIN;
    struct steps_report r = eval(&f);
    assert_true(STEP(r, IDENTIFY_CAUSE)->done);
    assert_int_equal(STEP(r, IDENTIFY_CAUSE)->source, STEP_SOURCE_EVIDENCE);
    assert_int_equal(STEP(r, IDENTIFY_CAUSE)->at, T0 + 5 * MIN);
    assert_string_equal(STEP(r, IDENTIFY_CAUSE)->evidence,
                        "an agent set the category to 'billing'");
    assert_string_equal(STEP(r, IDENTIFY_CAUSE)->missing, "");
    assert_int_equal(r.next, STEP_UNDERSTAND_PAIN);
}

static void the_analysis_guess_needs_an_agent_to_confirm(void **state)
{
    (void)state;
    struct step_facts f = conflict();
    f.category = "delivery";
    struct steps_report r = eval(&f);
    assert_false(STEP(r, IDENTIFY_CAUSE)->done);
    assert_non_null(strstr(STEP(r, IDENTIFY_CAUSE)->missing, "'delivery'"));
    assert_non_null(strstr(STEP(r, IDENTIFY_CAUSE)->missing, "confirm"));
}

static void acknowledgement_to_an_upset_customer_understands_the_pain(void **state)
{
    (void)state;
    struct step_reply replies[] = {
        {.message_id = 12, .at = T0 + 10 * MIN, .reviewed = true, .customer_upset = true},
    };
    struct step_facts f = conflict();
    f.replies = replies;
    f.n_replies = 1;
    struct steps_report r = eval(&f);
    assert_true(STEP(r, UNDERSTAND_PAIN)->done);
    assert_int_equal(STEP(r, UNDERSTAND_PAIN)->source, STEP_SOURCE_EVIDENCE);
    assert_string_equal(STEP(r, UNDERSTAND_PAIN)->evidence,
                        "coach saw acknowledgement in message 12");
    assert_int_equal(STEP(r, UNDERSTAND_PAIN)->at, T0 + 10 * MIN);
    /* The coach did not look for an apology: the company was not at fault. */
    assert_false(STEP(r, TAKE_OWNERSHIP)->done);
}

static void a_reply_the_coach_faulted_names_the_message(void **state)
{
    (void)state;
    struct step_reply replies[] = {
        {.message_id = 12,
         .at = T0 + 10 * MIN,
         .reviewed = true,
         .customer_upset = true,
         .company_at_fault = true,
         .no_acknowledgement = true,
         .no_apology = true},
    };
    struct step_facts f = conflict();
    f.replies = replies;
    f.n_replies = 1;
    struct steps_report r = eval(&f);
    assert_false(STEP(r, UNDERSTAND_PAIN)->done);
    assert_non_null(strstr(STEP(r, UNDERSTAND_PAIN)->missing,
                           "message 12 did not acknowledge how the customer feels"));
    assert_false(STEP(r, TAKE_OWNERSHIP)->done);
    assert_non_null(strstr(STEP(r, TAKE_OWNERSHIP)->missing,
                           "message 12 did not apologise for what went wrong"));
}

static void replies_the_coach_did_not_judge_are_no_evidence(void **state)
{
    (void)state;
    struct step_reply replies[] = {
        /* Calm customer: the coach does not look for acknowledgement. */
        {.message_id = 3, .at = T0 + MIN, .reviewed = true},
        /* No review at all. */
        {.message_id = 4, .at = T0 + 2 * MIN, .customer_upset = true, .company_at_fault = true},
    };
    struct step_facts f = conflict();
    f.replies = replies;
    f.n_replies = 2;
    struct steps_report r = eval(&f);
    assert_false(STEP(r, UNDERSTAND_PAIN)->done);
    assert_false(STEP(r, TAKE_OWNERSHIP)->done);
    assert_non_null(strstr(STEP(r, UNDERSTAND_PAIN)->missing, "no reply has acknowledged"));
    /* Nobody judged the company at fault: the agent may tick it by hand. */
    assert_non_null(strstr(STEP(r, TAKE_OWNERSHIP)->missing, "tick the step by hand"));
}

static void an_apology_where_the_company_was_at_fault_takes_ownership(void **state)
{
    (void)state;
    struct step_reply replies[] = {
        {.message_id = 20,
         .at = T0 + 30 * MIN,
         .reviewed = true,
         .customer_upset = true,
         .company_at_fault = true},
        {.message_id = 12,
         .at = T0 + 10 * MIN,
         .reviewed = true,
         .customer_upset = true,
         .company_at_fault = true,
         .no_apology = true},
    };
    struct step_facts f = conflict();
    f.replies = replies;
    f.n_replies = 2;
    struct steps_report r = eval(&f);
    assert_true(STEP(r, TAKE_OWNERSHIP)->done);
    assert_string_equal(STEP(r, TAKE_OWNERSHIP)->evidence, "coach saw an apology in message 20");
    assert_int_equal(STEP(r, TAKE_OWNERSHIP)->at, T0 + 30 * MIN);
    /* Message 12 acknowledged (no finding), message 20 too: the earlier counts. */
    assert_string_equal(STEP(r, UNDERSTAND_PAIN)->evidence,
                        "coach saw acknowledgement in message 12");
}

static void the_earliest_evidence_counts_whatever_the_array_order(void **state)
{
    (void)state;
    struct step_reply a = {
        .message_id = 9, .at = T0 + 9 * MIN, .reviewed = true, .customer_upset = true};
    struct step_reply b = {
        .message_id = 5, .at = T0 + 5 * MIN, .reviewed = true, .customer_upset = true};
    struct step_reply same_time = {
        .message_id = 4, .at = T0 + 5 * MIN, .reviewed = true, .customer_upset = true};
    struct step_reply v1[] = {a, b, same_time}, v2[] = {same_time, b, a};
    struct step_facts f = conflict();
    f.replies = v1;
    f.n_replies = 3;
    struct steps_report r1 = eval(&f);
    f.replies = v2;
    struct steps_report r2 = eval(&f);
    assert_string_equal(STEP(r1, UNDERSTAND_PAIN)->evidence,
                        "coach saw acknowledgement in message 4");
    assert_string_equal(STEP(r2, UNDERSTAND_PAIN)->evidence,
                        "coach saw acknowledgement in message 4");
}

static void an_offer_or_a_status_update_acts_and_informs(void **state)
{
    (void)state;
    struct step_item offers[] = {{.id = 5, .at = T0 + 40 * MIN}};
    struct step_item updates[] = {{.id = 14, .at = T0 + 20 * MIN}};
    struct step_facts f = conflict();
    f.offers = offers;
    f.n_offers = 1;
    struct steps_report r = eval(&f);
    assert_true(STEP(r, ACT_AND_INFORM)->done);
    assert_string_equal(STEP(r, ACT_AND_INFORM)->evidence, "offer 5 was made to the customer");

    f.offers = NULL;
    f.n_offers = 0;
    f.updates = updates;
    f.n_updates = 1;
    r = eval(&f);
    assert_string_equal(STEP(r, ACT_AND_INFORM)->evidence,
                        "a status update was sent in message 14");

    /* Both: the earlier one is the evidence. */
    f.offers = offers;
    f.n_offers = 1;
    r = eval(&f);
    assert_string_equal(STEP(r, ACT_AND_INFORM)->evidence,
                        "a status update was sent in message 14");
    assert_int_equal(STEP(r, ACT_AND_INFORM)->at, T0 + 20 * MIN);
}

static void a_lesson_recorded_reviews_and_learns(void **state)
{
    (void)state;
    struct step_item lessons[] = {{.id = 3, .at = T0 + 60 * MIN}};
    struct step_facts f = conflict();
    f.lessons = lessons;
    f.n_lessons = 1;
    struct steps_report r = eval(&f);
    assert_true(STEP(r, REVIEW_AND_LEARN)->done);
    assert_string_equal(STEP(r, REVIEW_AND_LEARN)->evidence, "lesson 3 was recorded");
}

static void a_problem_link_is_the_systemic_check(void **state)
{
    (void)state;
    struct step_facts f = conflict();
    f.problem_id = 4;
    f.problem_at = T0 + 70 * MIN;
    struct steps_report r = eval(&f);
    assert_true(STEP(r, SYSTEMIC_CHECK)->done);
    assert_string_equal(STEP(r, SYSTEMIC_CHECK)->evidence, "linked to known problem 4");
    f.problem_opened_here = true;
    r = eval(&f);
    assert_string_equal(STEP(r, SYSTEMIC_CHECK)->evidence, "problem 4 was opened from this ticket");
}

static void next_is_the_first_missing_step(void **state)
{
    (void)state;
    struct step_item lessons[] = {{.id = 3, .at = T0}};
    struct step_facts f = conflict();
    f.category = "billing";
    f.category_by_agent = true;
    f.category_at = T0;
    f.lessons = lessons;
    f.n_lessons = 1;
    struct steps_report r = eval(&f);
    assert_int_equal(r.n_done, 2);
    assert_int_equal(r.next, STEP_UNDERSTAND_PAIN);
}

static void a_whole_story_ticks_every_step(void **state)
{
    (void)state;
    struct step_reply replies[] = {{.message_id = 12,
                                    .at = T0 + 10 * MIN,
                                    .reviewed = true,
                                    .customer_upset = true,
                                    .company_at_fault = true}};
    struct step_item offers[] = {{.id = 5, .at = T0 + 40 * MIN}};
    struct step_item lessons[] = {{.id = 3, .at = T0 + 60 * MIN}};
    struct step_facts f = conflict();
    f.category = "billing";
    f.category_by_agent = true;
    f.category_at = T0 + MIN;
    f.replies = replies;
    f.n_replies = 1;
    f.offers = offers;
    f.n_offers = 1;
    f.lessons = lessons;
    f.n_lessons = 1;
    f.problem_id = 4;
    f.problem_at = T0 + 70 * MIN;
    struct steps_report r = eval(&f);
    assert_int_equal(r.n_done, N_STEPS);
    assert_int_equal(r.next, N_STEPS);
    for (size_t i = 0; i < N_STEPS; i++) {
        assert_true(r.steps[i].done);
        assert_int_equal(r.steps[i].source, STEP_SOURCE_EVIDENCE);
        assert_string_equal(r.steps[i].missing, "");
        assert_true(r.steps[i].at > 0);
    }
}

/* ---- by hand ---- */

static struct step_mark mark(enum step s, bool done, int64_t at, const char *reason)
{
    struct step_mark m;
    memset(&m, 0, sizeof(m));
    m.step = s;
    m.done = done;
    m.agent_id = 3;
    m.at = at;
    memcpy(m.reason, reason, strlen(reason) + 1);
    return m;
}

static void a_tick_by_hand_overrides_missing_evidence(void **state)
{
    (void)state;
    struct step_mark marks[] = {
        mark(STEP_TAKE_OWNERSHIP, true, T0 + 50 * MIN, "the customer misread the terms")};
    struct step_facts f = conflict();
    f.marks = marks;
    f.n_marks = 1;
    struct steps_report r = eval(&f);
    const struct step_status *s = STEP(r, TAKE_OWNERSHIP);
    assert_true(s->done);
    assert_int_equal(s->source, STEP_SOURCE_HAND);
    assert_int_equal(s->agent_id, 3);
    assert_int_equal(s->at, T0 + 50 * MIN);
    assert_string_equal(s->evidence, "ticked by agent 3: the customer misread the terms");
    assert_string_equal(s->missing, "");
    assert_int_equal(r.n_done, 1);
}

static void an_untick_overrides_earlier_evidence(void **state)
{
    (void)state;
    struct step_reply replies[] = {{.message_id = 12,
                                    .at = T0 + 10 * MIN,
                                    .reviewed = true,
                                    .customer_upset = true,
                                    .company_at_fault = true}};
    struct step_mark marks[] = {
        mark(STEP_TAKE_OWNERSHIP, false, T0 + 15 * MIN, "the apology was sarcastic")};
    struct step_facts f = conflict();
    f.replies = replies;
    f.n_replies = 1;
    f.marks = marks;
    f.n_marks = 1;
    struct steps_report r = eval(&f);
    const struct step_status *s = STEP(r, TAKE_OWNERSHIP);
    assert_false(s->done);
    assert_int_equal(s->source, STEP_SOURCE_HAND);
    assert_int_equal(s->agent_id, 3);
    assert_string_equal(s->evidence, "");
    assert_non_null(strstr(s->missing, "unticked by agent 3: the apology was sarcastic"));
    assert_non_null(strstr(s->missing, "since the step was unticked"));
    /* The other step fed by the same reply is not touched. */
    assert_true(STEP(r, UNDERSTAND_PAIN)->done);
}

static void evidence_after_an_untick_ticks_the_step_again(void **state)
{
    (void)state;
    struct step_reply replies[] = {
        {.message_id = 12, .at = T0 + 10 * MIN, .reviewed = true, .company_at_fault = true},
        {.message_id = 15, .at = T0 + 15 * MIN, .reviewed = true, .company_at_fault = true},
        {.message_id = 30, .at = T0 + 30 * MIN, .reviewed = true, .company_at_fault = true},
    };
    /* The untick at the very time of message 15: the agent had seen it. */
    struct step_mark marks[] = {mark(STEP_TAKE_OWNERSHIP, false, T0 + 15 * MIN, "hollow")};
    struct step_facts f = conflict();
    f.replies = replies;
    f.n_replies = 3;
    f.marks = marks;
    f.n_marks = 1;
    struct steps_report r = eval(&f);
    const struct step_status *s = STEP(r, TAKE_OWNERSHIP);
    assert_true(s->done);
    assert_int_equal(s->source, STEP_SOURCE_EVIDENCE);
    assert_string_equal(s->evidence, "coach saw an apology in message 30");

    f.n_replies = 2; /* without message 30 */
    r = eval(&f);
    assert_false(STEP(r, TAKE_OWNERSHIP)->done);
}

static void a_tick_survives_later_evidence_and_an_untick_wins_over_an_older_tick(void **state)
{
    (void)state;
    struct step_item lessons[] = {{.id = 8, .at = T0 + 90 * MIN}};
    /* Out of time order in the array: the latest by time counts. */
    struct step_mark marks[] = {
        mark(STEP_REVIEW_AND_LEARN, false, T0 + 20 * MIN, "lesson was empty"),
        mark(STEP_REVIEW_AND_LEARN, true, T0 + 10 * MIN, "discussed in the team meeting"),
    };
    struct step_facts f = conflict();
    f.marks = marks;
    f.n_marks = 2;
    struct steps_report r = eval(&f);
    assert_false(STEP(r, REVIEW_AND_LEARN)->done);
    assert_non_null(strstr(STEP(r, REVIEW_AND_LEARN)->missing, "lesson was empty"));

    f.lessons = lessons;
    f.n_lessons = 1;
    r = eval(&f);
    assert_true(STEP(r, REVIEW_AND_LEARN)->done);
    assert_int_equal(STEP(r, REVIEW_AND_LEARN)->source, STEP_SOURCE_EVIDENCE);

    struct step_mark tick[] = {mark(STEP_REVIEW_AND_LEARN, true, T0 + 5 * MIN, "done offline")};
    f.marks = tick;
    f.n_marks = 1;
    r = eval(&f);
    assert_int_equal(STEP(r, REVIEW_AND_LEARN)->source, STEP_SOURCE_HAND);
}

static void long_texts_stay_valid_utf8(void **state)
{
    (void)state;
    /* A category and a reason at their limits, in two-byte characters. */
    char category[900], reason[STEP_REASON_MAX + 1];
    size_t n = 0;
    while (n + 2 < sizeof(category)) {
        memcpy(category + n, "\xc3\xa9", 2);
        n += 2;
    }
    category[n] = '\0';
    for (n = 0; n + 2 <= STEP_REASON_MAX; n += 2)
        memcpy(reason + n, "\xc3\xa9", 2);
    reason[n] = '\0';
    struct step_mark marks[] = {mark(STEP_IDENTIFY_CAUSE, false, T0, reason)};
    struct step_facts f = conflict();
    f.category = category;
    struct steps_report r = eval(&f);
    assert_true(
        utf8_valid(STEP(r, IDENTIFY_CAUSE)->missing, strlen(STEP(r, IDENTIFY_CAUSE)->missing)));
    f.category_by_agent = true;
    r = eval(&f);
    assert_true(
        utf8_valid(STEP(r, IDENTIFY_CAUSE)->evidence, strlen(STEP(r, IDENTIFY_CAUSE)->evidence)));
    assert_true(strlen(STEP(r, IDENTIFY_CAUSE)->evidence) > STEP_TEXT_MAX - 5);
    f.marks = marks;
    f.n_marks = 1;
    f.category_by_agent = false;
    r = eval(&f);
    const char *m = STEP(r, IDENTIFY_CAUSE)->missing;
    assert_true(utf8_valid(m, strlen(m)));
}

/* ---- steps_mark ---- */

static void marking_returns_the_mark_and_the_audit(void **state)
{
    (void)state;
    struct step_reply replies[] = {
        {.message_id = 12, .at = T0, .reviewed = true, .customer_upset = true}};
    struct step_facts f = conflict();
    f.replies = replies;
    f.n_replies = 1;
    struct steps_report before = eval(&f);
    struct step_mark m;
    struct step_audit a;
    struct terr_info ei = {0};
    assert_int_equal(steps_mark("understand_pain", false, "  acknowledged the wrong thing ", 3,
                                T0 + MIN, &before, &m, &a, &ei),
                     TERR_OK);
    assert_int_equal(m.step, STEP_UNDERSTAND_PAIN);
    assert_false(m.done);
    assert_int_equal(m.agent_id, 3);
    assert_int_equal(m.at, T0 + MIN);
    assert_string_equal(m.reason, "  acknowledged the wrong thing ");
    assert_string_equal(a.action, "ticket.step_unticked");
    assert_int_equal(a.step, STEP_UNDERSTAND_PAIN);
    assert_true(a.before_done);
    assert_int_equal(a.before_source, STEP_SOURCE_EVIDENCE);
    assert_false(a.after_done);
    assert_int_equal(a.agent_id, 3);
    assert_int_equal(a.at, T0 + MIN);
    assert_string_equal(a.reason, m.reason);

    /* The stored mark feeds the next evaluation. */
    f.marks = &m;
    f.n_marks = 1;
    struct steps_report after = eval(&f);
    assert_false(STEP(after, UNDERSTAND_PAIN)->done);

    assert_int_equal(
        steps_mark("systemic_check", true, "no pattern", 4, T0 + 2 * MIN, NULL, &m, &a, NULL),
        TERR_OK);
    assert_string_equal(a.action, "ticket.step_ticked");
    assert_false(a.before_done);
    assert_int_equal(a.before_source, STEP_SOURCE_NONE);
    assert_true(a.after_done);
}

static void bad_marks_are_refused_and_change_nothing(void **state)
{
    (void)state;
    char too_long[STEP_REASON_MAX + 2];
    memset(too_long, 'x', sizeof(too_long) - 1);
    too_long[sizeof(too_long) - 1] = '\0';
    static const struct {
        const char *step, *reason;
        int64_t agent;
        enum terr want;
        const char *field;
    } cases[] = {
        {"understand-pain", "why", 3, TERR_INVALID, "step"},
        {"", "why", 3, TERR_INVALID, "step"},
        {NULL, "why", 3, TERR_INVALID, "step"},
        {"take_ownership", "", 3, TERR_INVALID, "reason"},
        {"take_ownership", " \t\n", 3, TERR_INVALID, "reason"},
        {"take_ownership", NULL, 3, TERR_INVALID, "reason"},
        {"take_ownership", "why", 0, TERR_INVALID, "agent_id"},
        {"take_ownership", "bad \xff byte", 3, TERR_BAD_UTF8, "reason"},
        {"take_ownership", NULL /* too_long */, 3, TERR_TOO_LONG, "reason"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct step_mark m, m0;
        struct step_audit a, a0;
        memset(&m, 0x5a, sizeof(m));
        memset(&a, 0x5a, sizeof(a));
        m0 = m;
        a0 = a;
        const char *reason = cases[i].reason;
        if (i == sizeof(cases) / sizeof(cases[0]) - 1)
            reason = too_long;
        struct terr_info ei = {0};
        enum terr e =
            steps_mark(cases[i].step, true, reason, cases[i].agent, T0, NULL, &m, &a, &ei);
        assert_int_equal(e, cases[i].want);
        assert_int_equal(ei.code, cases[i].want);
        assert_string_equal(ei.field, cases[i].field);
        assert_true(strlen(ei.message) > 0);
        assert_memory_equal(&m, &m0, sizeof(m));
        assert_memory_equal(&a, &a0, sizeof(a));
    }
    /* The limit itself is allowed. */
    too_long[STEP_REASON_MAX] = '\0';
    struct step_mark m;
    struct step_audit a;
    assert_int_equal(steps_mark("take_ownership", true, too_long, 3, T0, NULL, &m, &a, NULL),
                     TERR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(step_names_round_trip_in_workflow_order),
        cmocka_unit_test(steps_apply_from_tense_or_when_marked),
        cmocka_unit_test(a_new_conflict_misses_every_step_and_says_what),
        cmocka_unit_test(category_set_by_an_agent_identifies_the_cause),
        cmocka_unit_test(the_analysis_guess_needs_an_agent_to_confirm),
        cmocka_unit_test(acknowledgement_to_an_upset_customer_understands_the_pain),
        cmocka_unit_test(a_reply_the_coach_faulted_names_the_message),
        cmocka_unit_test(replies_the_coach_did_not_judge_are_no_evidence),
        cmocka_unit_test(an_apology_where_the_company_was_at_fault_takes_ownership),
        cmocka_unit_test(the_earliest_evidence_counts_whatever_the_array_order),
        cmocka_unit_test(an_offer_or_a_status_update_acts_and_informs),
        cmocka_unit_test(a_lesson_recorded_reviews_and_learns),
        cmocka_unit_test(a_problem_link_is_the_systemic_check),
        cmocka_unit_test(next_is_the_first_missing_step),
        cmocka_unit_test(a_whole_story_ticks_every_step),
        cmocka_unit_test(a_tick_by_hand_overrides_missing_evidence),
        cmocka_unit_test(an_untick_overrides_earlier_evidence),
        cmocka_unit_test(evidence_after_an_untick_ticks_the_step_again),
        cmocka_unit_test(a_tick_survives_later_evidence_and_an_untick_wins_over_an_older_tick),
        cmocka_unit_test(long_texts_stay_valid_utf8),
        cmocka_unit_test(marking_returns_the_mark_and_the_audit),
        cmocka_unit_test(bad_marks_are_refused_and_change_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
