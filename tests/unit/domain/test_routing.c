/* src/domain/routing.c: who gets a ticket, and who may move it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/routing.h"
#include "util/utf8.h"

static const char *const S_DEESC[] = {"de-escalation"};
static const char *const S_BILLING[] = {"billing"};
static const char *const S_DEESC_BILLING[] = {"de-escalation", "billing"};
static const char *const L_EN[] = {"en"};
static const char *const L_DE[] = {"de"};
static const enum channel C_PHONE[] = {CHANNEL_PHONE};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* An available agent with no skills, no recorded languages, no open tickets. */
static struct routing_agent agent(int64_t id)
{
    struct routing_agent a;
    memset(&a, 0, sizeof a);
    a.id = id;
    a.role = ROLE_AGENT;
    a.available = true;
    return a;
}

static struct routing_ticket ticket(enum level level)
{
    struct routing_ticket t;
    memset(&t, 0, sizeof t);
    t.level = level;
    t.channel = CHANNEL_EMAIL;
    return t;
}

static struct routing_result choose(const struct routing_ticket *t,
                                    const struct routing_agent *agents, size_t n)
{
    struct routing_result r;
    struct terr_info ei = {0};
    memset(&r, 0x5a, sizeof r);
    assert_int_equal(routing_choose(t, agents, n, &r, &ei), TERR_OK);
    assert_true(utf8_valid(r.reason, strlen(r.reason)));
    assert_true(strlen(r.reason) > 0);
    return r;
}

/* ---- load ---- */

static void load_weights_levels_1_2_3_5(void **state)
{
    (void)state;
    assert_int_equal(routing_level_weight(LEVEL_CALM), 1);
    assert_int_equal(routing_level_weight(LEVEL_TENSE), 2);
    assert_int_equal(routing_level_weight(LEVEL_HEATED), 3);
    assert_int_equal(routing_level_weight(LEVEL_HOSTILE), 5);
    struct routing_agent a = agent(1);
    assert_int_equal(routing_load(&a), 0);
    a.open_by_level[LEVEL_CALM] = 4;
    a.open_by_level[LEVEL_TENSE] = 3;
    a.open_by_level[LEVEL_HEATED] = 2;
    a.open_by_level[LEVEL_HOSTILE] = 1;
    assert_int_equal(routing_load(&a), 4 + 6 + 6 + 5);
    a.open_by_level[LEVEL_HOSTILE] = UINT32_MAX;
    assert_true(routing_load(&a) == 16 + 5ULL * UINT32_MAX);
}

static void least_weighted_load_wins_not_fewest_tickets(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[0].open_by_level[LEVEL_HOSTILE] = 1; /* one ticket, load 5 */
    v[1].open_by_level[LEVEL_CALM] = 3;    /* three tickets, load 3 */
    struct routing_ticket t = ticket(LEVEL_CALM);
    struct routing_result r = choose(&t, v, 2);
    assert_int_equal(r.outcome, ROUTING_ASSIGNED);
    assert_int_equal(r.agent_id, 2);
    assert_int_equal(r.load, 3);
    assert_false(r.notify_lead);
    assert_string_equal(r.reason, "least loaded available agent");
}

/* ---- availability ---- */

static void away_agent_gets_nothing_new(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[0].available = false; /* idle but away */
    v[1].open_by_level[LEVEL_TENSE] = 5;
    struct routing_ticket t = ticket(LEVEL_CALM);
    assert_int_equal(choose(&t, v, 2).agent_id, 2);
}

static void nobody_available_means_no_assignee_and_lead_notified(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[0].available = v[1].available = false;
    struct routing_ticket t = ticket(LEVEL_CALM);
    struct routing_result r = choose(&t, v, 2);
    assert_int_equal(r.outcome, ROUTING_NO_AGENT_AVAILABLE);
    assert_int_equal(r.agent_id, 0);
    assert_true(r.notify_lead);
    assert_non_null(strstr(r.reason, "no agent is available"));
    assert_string_equal(routing_outcome_name(r.outcome), "no_agent_available");
    /* And with no agents at all. */
    r = choose(&t, NULL, 0);
    assert_int_equal(r.outcome, ROUTING_NO_AGENT_AVAILABLE);
}

/* ---- de-escalation ---- */

static void heated_and_hostile_go_to_deescalation_even_when_busier(void **state)
{
    (void)state;
    static const enum level levels[] = {LEVEL_HEATED, LEVEL_HOSTILE};
    for (size_t i = 0; i < COUNT(levels); i++) {
        struct routing_agent v[2] = {agent(1), agent(2)};
        v[1].skills = S_DEESC;
        v[1].n_skills = 1;
        v[1].open_by_level[LEVEL_HOSTILE] = 3; /* load 15 against 0 */
        struct routing_ticket t = ticket(levels[i]);
        struct routing_result r = choose(&t, v, 2);
        assert_int_equal(r.agent_id, 2);
        assert_string_equal(r.reason, "least loaded available agent with de-escalation");
    }
}

static void calm_and_tense_go_to_anyone(void **state)
{
    (void)state;
    static const enum level levels[] = {LEVEL_CALM, LEVEL_TENSE};
    for (size_t i = 0; i < COUNT(levels); i++) {
        struct routing_agent v[2] = {agent(1), agent(2)};
        v[1].skills = S_DEESC;
        v[1].n_skills = 1;
        v[1].open_by_level[LEVEL_CALM] = 1;
        struct routing_ticket t = ticket(levels[i]);
        assert_int_equal(choose(&t, v, 2).agent_id, 1);
    }
}

static void hostile_without_deescalation_agent_is_left_for_the_lead(void **state)
{
    (void)state;
    struct routing_agent v[3] = {agent(1), agent(2), agent(3)};
    v[2].skills = S_DEESC; /* the only one with the skill is away */
    v[2].n_skills = 1;
    v[2].available = false;
    struct routing_ticket t = ticket(LEVEL_HOSTILE);
    struct routing_result r = choose(&t, v, 3);
    assert_int_equal(r.outcome, ROUTING_NO_DEESCALATION_AGENT);
    assert_int_equal(r.agent_id, 0);
    assert_true(r.notify_lead);
    assert_non_null(strstr(r.reason, "de-escalation"));
    assert_non_null(strstr(r.reason, "hostile"));
}

/* ---- skills and language ---- */

static void required_skills_beat_lower_load(void **state)
{
    (void)state;
    struct routing_agent v[3] = {agent(1), agent(2), agent(3)};
    v[0].skills = S_DEESC; /* idle, but no billing */
    v[0].n_skills = 1;
    v[1].skills = S_DEESC_BILLING;
    v[1].n_skills = 2;
    v[1].open_by_level[LEVEL_TENSE] = 2;
    v[2].skills = S_BILLING; /* billing, but no de-escalation */
    v[2].n_skills = 1;
    struct routing_ticket t = ticket(LEVEL_HEATED);
    t.skills = S_BILLING;
    t.n_skills = 1;
    struct routing_result r = choose(&t, v, 3);
    assert_int_equal(r.agent_id, 2);
    assert_false(r.missing_skills);
    assert_string_equal(r.reason, "least loaded available agent with de-escalation and billing");
}

static void skills_compare_without_case(void **state)
{
    (void)state;
    static const char *const upper[] = {"Billing"};
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[1].skills = upper;
    v[1].n_skills = 1;
    v[1].open_by_level[LEVEL_CALM] = 9;
    struct routing_ticket t = ticket(LEVEL_CALM);
    t.skills = S_BILLING;
    t.n_skills = 1;
    assert_int_equal(choose(&t, v, 2).agent_id, 2);
}

static void missing_skill_falls_back_and_says_so(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[0].open_by_level[LEVEL_CALM] = 2;
    struct routing_ticket t = ticket(LEVEL_CALM);
    t.skills = S_BILLING;
    t.n_skills = 1;
    struct routing_result r = choose(&t, v, 2);
    assert_int_equal(r.outcome, ROUTING_ASSIGNED);
    assert_int_equal(r.agent_id, 2);
    assert_true(r.missing_skills);
    assert_false(r.missing_language);
    assert_false(r.notify_lead);
    assert_non_null(strstr(r.reason, "nobody available has every skill (billing)"));
}

static void language_matters_more_than_skills(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[0].skills = S_BILLING; /* billing, speaks English only */
    v[0].n_skills = 1;
    v[0].languages = L_EN;
    v[0].n_languages = 1;
    v[1].languages = L_DE; /* no billing, speaks German, busier */
    v[1].n_languages = 1;
    v[1].open_by_level[LEVEL_TENSE] = 3;
    struct routing_ticket t = ticket(LEVEL_CALM);
    t.skills = S_BILLING;
    t.n_skills = 1;
    t.language = "de-AT";
    struct routing_result r = choose(&t, v, 2);
    assert_int_equal(r.agent_id, 2);
    assert_true(r.missing_skills);
    assert_false(r.missing_language);
    assert_non_null(strstr(r.reason, "speaking de-AT"));
}

static void skills_and_language_together_come_first(void **state)
{
    (void)state;
    struct routing_agent v[3] = {agent(1), agent(2), agent(3)};
    v[0].languages = L_DE;
    v[0].n_languages = 1;
    v[1].skills = S_BILLING;
    v[1].n_skills = 1;
    v[1].languages = L_EN;
    v[1].n_languages = 1;
    v[2].skills = S_BILLING;
    v[2].n_skills = 1;
    v[2].languages = L_DE;
    v[2].n_languages = 1;
    v[2].open_by_level[LEVEL_HOSTILE] = 2;
    struct routing_ticket t = ticket(LEVEL_CALM);
    t.skills = S_BILLING;
    t.n_skills = 1;
    t.language = "DE";
    struct routing_result r = choose(&t, v, 3);
    assert_int_equal(r.agent_id, 3);
    assert_string_equal(r.reason, "least loaded available agent with billing speaking DE");
}

static void nobody_speaking_the_language_falls_back_to_skills(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[0].languages = L_EN;
    v[0].n_languages = 1;
    v[1].languages = L_EN;
    v[1].n_languages = 1;
    v[1].skills = S_BILLING;
    v[1].n_skills = 1;
    v[1].open_by_level[LEVEL_CALM] = 4;
    struct routing_ticket t = ticket(LEVEL_CALM);
    t.skills = S_BILLING;
    t.n_skills = 1;
    t.language = "fi";
    struct routing_result r = choose(&t, v, 2);
    assert_int_equal(r.agent_id, 2);
    assert_true(r.missing_language);
    assert_false(r.missing_skills);
    assert_non_null(strstr(r.reason, "nobody available speaks fi"));
}

static void agent_without_recorded_languages_speaks_any(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[0].languages = L_EN;
    v[0].n_languages = 1;
    v[1].open_by_level[LEVEL_CALM] = 1;
    struct routing_ticket t = ticket(LEVEL_CALM);
    t.language = "de";
    struct routing_result r = choose(&t, v, 2);
    assert_int_equal(r.agent_id, 2);
    assert_false(r.missing_language);
    /* Languages must match on the whole primary subtag: "e" is not "en". */
    t.language = "e";
    v[1].languages = L_EN;
    v[1].n_languages = 1;
    r = choose(&t, v, 2);
    assert_true(r.missing_language);
}

static void agent_limited_to_channels_gets_only_those(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[0].channels = C_PHONE;
    v[0].n_channels = 1;
    v[1].open_by_level[LEVEL_HOSTILE] = 1;
    struct routing_ticket t = ticket(LEVEL_CALM);
    t.channel = CHANNEL_EMAIL;
    assert_int_equal(choose(&t, v, 2).agent_id, 2);
    t.channel = CHANNEL_PHONE;
    assert_int_equal(choose(&t, v, 2).agent_id, 1);
    /* Only phone agents, an email ticket: nobody. */
    t.channel = CHANNEL_EMAIL;
    struct routing_result r = choose(&t, v, 1);
    assert_int_equal(r.outcome, ROUTING_NO_AGENT_AVAILABLE);
    assert_non_null(strstr(r.reason, "email"));
}

/* ---- ties and determinism ---- */

static void equal_load_goes_to_least_recently_assigned(void **state)
{
    (void)state;
    struct routing_agent v[3] = {agent(1), agent(2), agent(3)};
    v[0].last_assigned_at = 3000;
    v[1].last_assigned_at = 1000;
    v[2].last_assigned_at = 2000;
    struct routing_ticket t = ticket(LEVEL_CALM);
    struct routing_result r = choose(&t, v, 3);
    assert_int_equal(r.agent_id, 2);
    assert_non_null(strstr(r.reason, "least recently assigned"));
    /* Never assigned comes before anyone. */
    v[2].last_assigned_at = 0;
    assert_int_equal(choose(&t, v, 3).agent_id, 3);
}

static void round_robin_cycles_through_equals(void **state)
{
    (void)state;
    /* Each assignment stamps the winner, as the service will. */
    struct routing_agent v[3] = {agent(10), agent(20), agent(30)};
    struct routing_ticket t = ticket(LEVEL_CALM);
    int64_t seen[6];
    for (int i = 0; i < 6; i++) {
        struct routing_result r = choose(&t, v, 3);
        seen[i] = r.agent_id;
        for (size_t k = 0; k < 3; k++)
            if (v[k].id == r.agent_id)
                v[k].last_assigned_at = 1000 + i;
    }
    static const int64_t want[6] = {10, 20, 30, 10, 20, 30};
    for (int i = 0; i < 6; i++)
        assert_int_equal(seen[i], want[i]);
}

static void full_tie_goes_to_lowest_id_whatever_the_order(void **state)
{
    (void)state;
    struct routing_agent v[3] = {agent(9), agent(4), agent(7)};
    struct routing_ticket t = ticket(LEVEL_CALM);
    for (int rot = 0; rot < 3; rot++) {
        struct routing_result r = choose(&t, v, 3);
        assert_int_equal(r.agent_id, 4);
        assert_non_null(strstr(r.reason, "lowest id"));
        struct routing_agent first = v[0];
        v[0] = v[1];
        v[1] = v[2];
        v[2] = first;
    }
}

static void excluded_agent_is_passed_over(void **state)
{
    (void)state;
    struct routing_agent v[2] = {agent(1), agent(2)};
    v[1].open_by_level[LEVEL_HEATED] = 4;
    struct routing_ticket t = ticket(LEVEL_CALM);
    t.exclude_id = 1;
    assert_int_equal(choose(&t, v, 2).agent_id, 2);
    struct routing_result r = choose(&t, v, 1);
    assert_int_equal(r.outcome, ROUTING_NO_AGENT_AVAILABLE);
}

static void long_reason_is_cut_between_characters(void **state)
{
    (void)state;
    /* Four 64-byte skills of two-byte letters overflow the reason; with and
     * without "de-escalation, " (15 bytes, odd) the cut falls on both halves of
     * a letter, and choose() checks the reason is still valid UTF-8. */
    char skill[4][65];
    const char *skills[5] = {"de-escalation"};
    for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 32; k++)
            memcpy(skill[i] + 2 * k, "\xc3\xa9", 2); /* é */
        skill[i][64] = '\0';
        skills[i + 1] = skill[i];
    }
    struct routing_agent v[1] = {agent(1)};
    v[0].skills = skills;
    v[0].n_skills = 5;
    static const enum level levels[] = {LEVEL_CALM, LEVEL_HOSTILE};
    for (size_t i = 0; i < COUNT(levels); i++) {
        struct routing_ticket t = ticket(levels[i]);
        t.skills = skills + 1;
        t.n_skills = 4;
        struct routing_result r = choose(&t, v, 1);
        assert_int_equal(r.agent_id, 1);
        assert_true(strlen(r.reason) >= sizeof r.reason - 2);
    }
}

/* ---- bad input ---- */

static void bad_input_is_refused_and_result_untouched(void **state)
{
    (void)state;
    struct routing_ticket t = ticket(LEVEL_CALM);
    struct routing_result r, before;
    memset(&r, 0x5a, sizeof r);
    before = r;
    struct terr_info ei = {0};

    struct routing_agent dup[2] = {agent(3), agent(3)};
    assert_int_equal(routing_choose(&t, dup, 2, &r, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "agents");
    assert_non_null(strstr(ei.message, "3"));

    struct routing_agent zero[1] = {agent(0)};
    assert_int_equal(routing_choose(&t, zero, 1, &r, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "agents");

    struct routing_agent ok[1] = {agent(1)};
    t.level = (enum level)9;
    assert_int_equal(routing_choose(&t, ok, 1, &r, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "level");

    t = ticket(LEVEL_CALM);
    t.n_skills = 2; /* and no list */
    assert_int_equal(routing_choose(&t, ok, 1, &r, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "skills");

    t = ticket(LEVEL_CALM);
    t.channel = (enum channel)40;
    assert_int_equal(routing_choose(&t, ok, 1, &r, NULL), TERR_INVALID);
    assert_memory_equal(&r, &before, sizeof r);
}

static void fits_says_whether_to_reroute(void **state)
{
    (void)state;
    struct routing_agent a = agent(1);
    struct routing_ticket t = ticket(LEVEL_TENSE);
    assert_true(routing_agent_fits(&a, &t));
    t.level = LEVEL_HEATED; /* the level rose: the assignee lacks the skill */
    assert_false(routing_agent_fits(&a, &t));
    a.skills = S_DEESC;
    a.n_skills = 1;
    assert_true(routing_agent_fits(&a, &t));
    a.available = false; /* went away */
    assert_false(routing_agent_fits(&a, &t));
    assert_true(routing_needs_deescalation(LEVEL_HOSTILE));
    assert_false(routing_needs_deescalation(LEVEL_TENSE));
}

/* ---- who may move a ticket ---- */

static void lead_may_reassign_to_any_available_agent(void **state)
{
    (void)state;
    static const enum role leads[] = {ROLE_LEAD, ROLE_ADMIN};
    for (size_t i = 0; i < COUNT(leads); i++) {
        struct routing_actor lead = {leads[i], 50};
        struct routing_agent to = agent(2); /* no de-escalation skill */
        struct terr_info ei = {0};
        assert_int_equal(routing_check_assign(&lead, 7, LEVEL_HOSTILE, &to, &ei), TERR_OK);
        assert_int_equal(routing_check_assign(&lead, 0, LEVEL_CALM, &to, &ei), TERR_OK);
        assert_int_equal(routing_check_assign(&lead, 7, LEVEL_CALM, NULL, &ei), TERR_OK);
        to.available = false;
        assert_int_equal(routing_check_assign(&lead, 7, LEVEL_CALM, &to, &ei), TERR_CONFLICT);
        assert_string_equal(ei.field, "assignee_id");
        assert_non_null(strstr(ei.message, "away"));
    }
}

static void agent_cannot_reassign_others_tickets(void **state)
{
    (void)state;
    struct routing_actor me = {ROLE_AGENT, 5};
    struct routing_agent to = agent(5);
    struct terr_info ei = {0};
    assert_int_equal(routing_check_assign(&me, 7, LEVEL_CALM, &to, &ei), TERR_FORBIDDEN);
    assert_string_equal(ei.field, "assignee_id");
    assert_non_null(strstr(ei.message, "7"));
    assert_int_equal(routing_check_assign(&me, 7, LEVEL_CALM, NULL, &ei), TERR_FORBIDDEN);
}

static void agent_may_claim_or_hand_over_own_ticket(void **state)
{
    (void)state;
    struct routing_actor me = {ROLE_AGENT, 5};
    struct routing_agent self = agent(5), colleague = agent(6);
    assert_int_equal(routing_check_assign(&me, 0, LEVEL_CALM, &self, NULL), TERR_OK);
    assert_int_equal(routing_check_assign(&me, 5, LEVEL_CALM, &colleague, NULL), TERR_OK);
    assert_int_equal(routing_check_assign(&me, 5, LEVEL_CALM, NULL, NULL), TERR_OK);
    colleague.available = false;
    assert_int_equal(routing_check_assign(&me, 5, LEVEL_CALM, &colleague, NULL), TERR_CONFLICT);
}

static void agent_hands_heated_ticket_only_to_deescalation(void **state)
{
    (void)state;
    struct routing_actor me = {ROLE_AGENT, 5};
    struct routing_agent colleague = agent(6);
    struct terr_info ei = {0};
    assert_int_equal(routing_check_assign(&me, 5, LEVEL_HEATED, &colleague, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "assignee_id");
    assert_non_null(strstr(ei.message, "de-escalation"));
    colleague.skills = S_DEESC;
    colleague.n_skills = 1;
    assert_int_equal(routing_check_assign(&me, 5, LEVEL_HEATED, &colleague, &ei), TERR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_weights_levels_1_2_3_5),
        cmocka_unit_test(least_weighted_load_wins_not_fewest_tickets),
        cmocka_unit_test(away_agent_gets_nothing_new),
        cmocka_unit_test(nobody_available_means_no_assignee_and_lead_notified),
        cmocka_unit_test(heated_and_hostile_go_to_deescalation_even_when_busier),
        cmocka_unit_test(calm_and_tense_go_to_anyone),
        cmocka_unit_test(hostile_without_deescalation_agent_is_left_for_the_lead),
        cmocka_unit_test(required_skills_beat_lower_load),
        cmocka_unit_test(skills_compare_without_case),
        cmocka_unit_test(missing_skill_falls_back_and_says_so),
        cmocka_unit_test(language_matters_more_than_skills),
        cmocka_unit_test(skills_and_language_together_come_first),
        cmocka_unit_test(nobody_speaking_the_language_falls_back_to_skills),
        cmocka_unit_test(agent_without_recorded_languages_speaks_any),
        cmocka_unit_test(agent_limited_to_channels_gets_only_those),
        cmocka_unit_test(equal_load_goes_to_least_recently_assigned),
        cmocka_unit_test(round_robin_cycles_through_equals),
        cmocka_unit_test(full_tie_goes_to_lowest_id_whatever_the_order),
        cmocka_unit_test(excluded_agent_is_passed_over),
        cmocka_unit_test(long_reason_is_cut_between_characters),
        cmocka_unit_test(bad_input_is_refused_and_result_untouched),
        cmocka_unit_test(fits_says_whether_to_reroute),
        cmocka_unit_test(lead_may_reassign_to_any_available_agent),
        cmocka_unit_test(agent_cannot_reassign_others_tickets),
        cmocka_unit_test(agent_may_claim_or_hand_over_own_ticket),
        cmocka_unit_test(agent_hands_heated_ticket_only_to_deescalation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
