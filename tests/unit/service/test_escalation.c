/*
 * src/service/escalation.c against a real store: what a rule run reads
 * (the latest customer message's analysis, the wait, surveys), what it
 * changes on the ticket, what it remembers, whom it notifies, and the
 * re-check it queues for a "waiting > T" rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../store/store_fixture.h"
#include "service/escalation.h"
#include "service/notify.h"
#include "store/store_jobs.h"
#include "store/store_rules.h"
#include "util/timeutil.h"
#include "util/utf8.h"

#define ST(state) (((struct fixture *)*(state))->st)
#define MIN       (60LL * 1000)
#define HOUR      (60 * MIN)

static int64_t NOW; /* the real clock at setup: check jobs are queued against it */

static int setup(void **state)
{
    NOW = time_now_ms();
    return store_setup(state);
}

/* ---- writing the scene ---- */

struct load_job {
    const char *text;
    enum terr e;
    struct terr_info ei;
};

static enum terr load_tx(struct store_tx *tx, void *arg)
{
    struct load_job *j = arg;
    struct rule_set s;
    rule_set_init(&s);
    enum terr e = rules_parse(j->text, strlen(j->text), "test", &s, &j->ei);
    struct actor admin = {.kind = ACTOR_AGENT, .role = ROLE_ADMIN};
    if (!e)
        e = svc_rules_replace(tx, &admin, &s, &j->ei);
    rule_set_release(&s);
    return e;
}

static void load_rules(struct store *st, const char *text)
{
    struct load_job j = {.text = text};
    enum terr e = store_write(st, load_tx, &j);
    if (e)
        fail_msg("cannot load rules: %s", j.ei.message);
}

/* As a new desk's seed: the rules' agents need not exist (yet). */
static enum terr seed_tx(struct store_tx *tx, void *arg)
{
    struct load_job *j = arg;
    struct rule_set s;
    rule_set_init(&s);
    enum terr e = rules_parse(j->text, strlen(j->text), "test", &s, &j->ei);
    bool loaded = false;
    if (!e)
        e = svc_rules_seed(tx, &s, &loaded, &j->ei);
    if (!e && !loaded)
        e = terr_set(&j->ei, TERR_INVALID, NULL, "the seed did not load");
    rule_set_release(&s);
    return e;
}

static void seed_rules(struct store *st, const char *text)
{
    struct load_job j = {.text = text};
    if (store_write(st, seed_tx, &j))
        fail_msg("cannot seed rules: %s", j.ei.message);
}

static int64_t seed_ticket(struct store *st, enum priority p, enum level lv)
{
    int64_t cid = seed_customer(st, "Cy", NULL);
    struct ticket t = {.subject = xstrdup("Refund refused"),
                       .status = STATUS_OPEN,
                       .priority = p,
                       .channel = CHANNEL_EMAIL,
                       .customer_id = cid,
                       .level = lv,
                       .created_at = NOW - 5 * HOUR,
                       .updated_at = NOW - 5 * HOUR};
    assert_int_equal(store_write(st, tx_ticket_insert, &t), TERR_OK);
    int64_t id = t.id;
    ticket_release(&t);
    return id;
}

static enum terr tx_message_insert(struct store_tx *tx, void *arg)
{
    return store_message_insert(tx, arg);
}

/* A message on the ticket at `at`; a customer's carries these triggers in its analysis. */
static void add_message(struct store *st, int64_t ticket_id, enum author_kind who, int64_t at,
                        const char *trigger)
{
    char analysis[200];
    snprintf(analysis, sizeof(analysis), "{\"score\":10,\"level\":\"calm\",\"triggers\":[%s%s%s]}",
             trigger ? "{\"kind\":\"" : "", trigger ? trigger : "",
             trigger ? "\",\"start\":0,\"end\":3,\"text\":\"sue\",\"confidence\":0.9}" : "");
    struct message m = {.ticket_id = ticket_id,
                        .author_kind = who,
                        .author_id = who == AUTHOR_CUSTOMER ? 1 : 0,
                        .body = xstrdup("words"),
                        .channel = CHANNEL_EMAIL,
                        .created_at = at,
                        .analysis_json = who == AUTHOR_CUSTOMER ? xstrdup(analysis) : NULL};
    assert_int_equal(store_write(st, tx_message_insert, &m), TERR_OK);
    message_release(&m);
}

struct survey_job {
    int64_t ticket_id;
    int csat;
    int64_t at;
};

static enum terr survey_tx(struct store_tx *tx, void *arg)
{
    struct survey_job *j = arg;
    struct survey s = {.ticket_id = j->ticket_id, .created_at = j->at, .expires_at = j->at + HOUR};
    enum terr e = store_survey_insert(tx, &s);
    struct survey_answer a = {j->csat, SURVEY_NO_SCORE, SURVEY_NO_SCORE, NULL};
    if (!e)
        e = store_survey_answer(tx, s.id, &a, j->at);
    survey_release(&s);
    return e;
}

static void answer_survey(struct store *st, int64_t ticket_id, int csat, int64_t at)
{
    struct survey_job j = {ticket_id, csat, at};
    assert_int_equal(store_write(st, survey_tx, &j), TERR_OK);
}

/* ---- running the rules ---- */

struct run_job {
    int64_t ticket_id;
    int64_t now;
    bool changed;
    struct terr_info ei;
};

static enum terr run_tx(struct store_tx *tx, void *arg)
{
    struct run_job *j = arg;
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, j->ticket_id, &t);
    if (!e)
        e = svc_rules_run(tx, &t, j->now, &j->changed, &j->ei);
    if (!e && j->changed)
        e = store_ticket_update(tx, &t);
    ticket_release(&t);
    return e;
}

/* Runs the rules on the ticket at `now`; returns whether the ticket changed. */
static bool run(struct store *st, int64_t ticket_id, int64_t now)
{
    struct run_job j = {.ticket_id = ticket_id, .now = now};
    enum terr e = store_write(st, run_tx, &j);
    if (e)
        fail_msg("svc_rules_run: %s %s", terr_code(e), j.ei.message);
    return j.changed;
}

struct reads {
    int64_t ticket_id;
    struct ticket ticket;
    struct event *events;
    size_t n_events;
    struct rule_state *states;
    size_t n_states;
    struct job *jobs;
    size_t n_jobs;
};

static enum terr read_tx(struct store_tx *tx, void *arg)
{
    struct reads *r = arg;
    enum terr e = store_ticket_get(tx, r->ticket_id, &r->ticket);
    if (!e)
        e = store_event_list(tx, r->ticket_id, &r->events, &r->n_events);
    if (!e)
        e = store_rule_states_get(tx, r->ticket_id, &r->states, &r->n_states);
    if (!e)
        e = store_job_list(tx, false, JOB_QUEUED, 0, 0, &r->jobs, &r->n_jobs);
    return e;
}

static struct reads read_all(struct store *st, int64_t ticket_id)
{
    struct reads r = {.ticket_id = ticket_id};
    assert_int_equal(store_read(st, read_tx, &r), TERR_OK);
    return r;
}

static void reads_release(struct reads *r)
{
    ticket_release(&r->ticket);
    events_free(r->events, r->n_events);
    free(r->states);
    jobs_free(r->jobs, r->n_jobs);
}

/* How many times the audit trail says `action` happened for rule `rule` (NULL: any). */
static size_t count_events(const struct reads *r, const char *action, const char *rule)
{
    char needle[100];
    snprintf(needle, sizeof(needle), "\"rule\":\"%s\"", rule ? rule : "");
    size_t n = 0;
    for (size_t i = 0; i < r->n_events; i++)
        if (strcmp(r->events[i].action, action) == 0 &&
            (!rule || (r->events[i].after_json && strstr(r->events[i].after_json, needle))))
            n++;
    return n;
}

static bool has_tag(const struct ticket *t, const char *tag)
{
    return strlist_contains(&t->tags, tag);
}

struct notes_job {
    int64_t agent_id;
    enum role role;
    struct notification *v;
    size_t n;
};

static enum terr notes_tx(struct store_tx *tx, void *arg)
{
    struct notes_job *j = arg;
    struct notification_query q = {.agent_id = j->agent_id, .role = j->role};
    return store_notification_list(tx, &q, &j->v, &j->n);
}

/* The notifications agent (id, role) sees; the caller frees with notifications_free. */
static struct notes_job notes_for(struct store *st, int64_t agent_id, enum role role)
{
    struct notes_job j = {.agent_id = agent_id, .role = role};
    assert_int_equal(store_read(st, notes_tx, &j), TERR_OK);
    return j;
}

static const char LEGAL_RULES[] = "rule legal-threat\n"
                                  "  when trigger legal_threat\n"
                                  "  then legal_hold\n"
                                  "  then notify_lead\n"
                                  "  then set_priority urgent\n"
                                  "  then add_tag legal\n";

/* ---- tests ---- */

static void a_legal_threat_fires_its_rule_once(void **state)
{
    struct store *st = ST(state);
    load_rules(st, LEGAL_RULES);
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HOSTILE);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - MIN, "legal_threat");
    assert_true(run(st, id, NOW));
    struct reads r = read_all(st, id);
    assert_int_equal(r.ticket.priority, PRIORITY_URGENT);
    assert_true(has_tag(&r.ticket, "legal"));
    assert_true(r.ticket.legal_hold);
    assert_int_equal(count_events(&r, "rule.fired", "legal-threat"), 1);
    assert_int_equal(r.n_states, 1);
    assert_int_equal(r.states[0].times, 1);
    assert_false(r.states[0].armed);
    reads_release(&r);

    /* The customer threatens again: nothing fires. */
    add_message(st, id, AUTHOR_CUSTOMER, NOW + MIN, "legal_threat");
    run(st, id, NOW + 2 * MIN);
    r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.fired", "legal-threat"), 1);
    assert_int_equal(r.states[0].times, 1);
    reads_release(&r);
    struct notes_job leads = notes_for(st, 999, ROLE_LEAD);
    assert_int_equal(leads.n, 1);
    notifications_free(leads.v, leads.n);
}

static void only_the_latest_customer_message_counts(void **state)
{
    struct store *st = ST(state);
    load_rules(st, LEGAL_RULES);
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_TENSE);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - 2 * MIN, "legal_threat");
    add_message(st, id, AUTHOR_CUSTOMER, NOW - MIN, NULL); /* calmer since */
    assert_false(run(st, id, NOW));
    struct reads r = read_all(st, id);
    assert_int_equal(r.ticket.priority, PRIORITY_NORMAL);
    assert_int_equal(count_events(&r, "rule.fired", NULL), 0);
    reads_release(&r);
}

struct rearm_job {
    int64_t ticket_id;
    const char *rule;
    struct rule_state out;
    struct terr_info ei;
};

static enum terr rearm_tx(struct store_tx *tx, void *arg)
{
    struct rearm_job *j = arg;
    struct actor lead = {.kind = ACTOR_AGENT, .id = 7, .role = ROLE_LEAD};
    return svc_rule_rearm(tx, &lead, j->ticket_id, j->rule, &j->out, &j->ei);
}

static void a_lead_rearms_and_the_rule_fires_on_the_next_match(void **state)
{
    struct store *st = ST(state);
    load_rules(st, LEGAL_RULES);
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HOSTILE);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - MIN, "legal_threat");
    run(st, id, NOW);

    struct rearm_job bad = {.ticket_id = id, .rule = "no-such-rule"};
    assert_int_equal(store_write(st, rearm_tx, &bad), TERR_NOT_FOUND);
    assert_string_equal(bad.ei.field, "rule");
    struct rearm_job j = {.ticket_id = id, .rule = "legal-threat"};
    assert_int_equal(store_write(st, rearm_tx, &j), TERR_OK);
    assert_true(j.out.armed);
    assert_int_equal(j.out.times, 1);

    add_message(st, id, AUTHOR_CUSTOMER, NOW + MIN, "legal_threat");
    run(st, id, NOW + 2 * MIN);
    struct reads r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.fired", "legal-threat"), 2);
    assert_int_equal(count_events(&r, "rule.rearm", "legal-threat"), 1);
    assert_int_equal(r.states[0].times, 2);
    assert_false(r.states[0].armed);
    reads_release(&r);
    struct notes_job leads = notes_for(st, 999, ROLE_LEAD);
    assert_int_equal(leads.n, 2);
    notifications_free(leads.v, leads.n);
}

static void a_rearm_auto_rule_fires_again_after_its_condition_went_false(void **state)
{
    struct store *st = ST(state);
    load_rules(st, "rule shouting\n"
                   "  when trigger shouting\n"
                   "  then add_tag shouted\n"
                   "  then notify_lead\n"
                   "  rearm auto\n");
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_TENSE);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - 3 * MIN, "shouting");
    run(st, id, NOW - 3 * MIN);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - 2 * MIN, NULL);
    run(st, id, NOW - 2 * MIN);
    struct reads r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.fired", "shouting"), 1);
    assert_int_equal(count_events(&r, "rule.rearmed", "shouting"), 1);
    assert_true(r.states[0].armed);
    reads_release(&r);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - MIN, "shouting");
    run(st, id, NOW - MIN);
    r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.fired", "shouting"), 2);
    assert_int_equal(r.states[0].times, 2);
    reads_release(&r);
}

static void a_low_survey_fires_and_a_later_low_answer_fires_again(void **state)
{
    struct store *st = ST(state);
    load_rules(st, "rule low-csat\n"
                   "  when csat <= 2\n"
                   "  then set_priority high\n"
                   "  then notify_lead\n"
                   "  then add_tag low-csat\n");
    int64_t id = seed_ticket(st, PRIORITY_LOW, LEVEL_CALM);
    answer_survey(st, id, 4, NOW - 3 * HOUR);
    assert_false(run(st, id, NOW - 3 * HOUR));
    answer_survey(st, id, 1, NOW - 2 * HOUR);
    assert_true(run(st, id, NOW - 2 * HOUR));
    struct reads r = read_all(st, id);
    assert_int_equal(r.ticket.priority, PRIORITY_HIGH);
    assert_true(has_tag(&r.ticket, "low-csat"));
    assert_int_equal(count_events(&r, "rule.fired", "low-csat"), 1);
    reads_release(&r);
    /* Another event with the same answer: still once. */
    run(st, id, NOW - HOUR);
    r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.fired", "low-csat"), 1);
    reads_release(&r);
    /* A new low answer (after a later resolution) is heard too. */
    answer_survey(st, id, 2, NOW - 30 * MIN);
    run(st, id, NOW - 30 * MIN);
    r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.fired", "low-csat"), 2);
    assert_int_equal(count_events(&r, "rule.rearmed", "low-csat"), 1);
    reads_release(&r);
    struct notes_job leads = notes_for(st, 5, ROLE_LEAD);
    assert_int_equal(leads.n, 2);
    assert_non_null(strstr(leads.v[0].text, "csat 2"));
    notifications_free(leads.v, leads.n);
}

static const char WAIT_RULES[] = "rule upset-and-waiting\n"
                                 "  when level >= heated\n"
                                 "  when waiting > 2h\n"
                                 "  then add_tag waited\n"
                                 "  rearm auto\n";

static void a_wait_queues_a_check_when_the_rule_would_come_true(void **state)
{
    struct store *st = ST(state);
    load_rules(st, WAIT_RULES);
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HEATED);
    int64_t first = NOW - 30 * MIN;
    add_message(st, id, AUTHOR_AGENT, NOW - HOUR, NULL);
    add_message(st, id, AUTHOR_CUSTOMER, first, NULL);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - 10 * MIN, NULL); /* still the first wait */
    assert_false(run(st, id, NOW));
    struct reads r = read_all(st, id);
    assert_int_equal(r.n_jobs, 1);
    char key[80];
    snprintf(key, sizeof(key), "ticket.check:%lld:%lld", (long long)id,
             (long long)(first + 2 * HOUR + 1));
    assert_string_equal(r.jobs[0].kind, "ticket.check");
    assert_string_equal(r.jobs[0].dedupe_key, key);
    assert_int_equal(r.jobs[0].ticket_id, id);
    /* Due about 1.5 hours from now (the queue runs on the real clock). */
    assert_true(r.jobs[0].run_at > NOW + 89 * MIN && r.jobs[0].run_at < NOW + 91 * MIN + 60000);
    reads_release(&r);

    /* The check comes due: the rule fires on time. */
    assert_true(run(st, id, first + 2 * HOUR + 1));
    r = read_all(st, id);
    assert_true(has_tag(&r.ticket, "waited"));
    assert_int_equal(count_events(&r, "rule.fired", "upset-and-waiting"), 1);
    reads_release(&r);

    /* An agent answers: the wait ends and the rule re-arms itself. */
    add_message(st, id, AUTHOR_AGENT, first + 2 * HOUR + 2, NULL);
    run(st, id, first + 2 * HOUR + 3);
    r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.rearmed", "upset-and-waiting"), 1);
    reads_release(&r);
}

static void a_calm_ticket_queues_no_check_for_a_rule_about_heated_ones(void **state)
{
    struct store *st = ST(state);
    load_rules(st, WAIT_RULES);
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_TENSE);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - 30 * MIN, NULL);
    assert_false(run(st, id, NOW));
    struct reads r = read_all(st, id);
    assert_int_equal(r.n_jobs, 0);
    reads_release(&r);
}

static void a_long_run_of_customer_messages_still_waits_from_the_first(void **state)
{
    /* More messages in a row than the window the run reads first. */
    struct store *st = ST(state);
    load_rules(st, WAIT_RULES);
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HEATED);
    int64_t first = NOW - 90 * MIN;
    add_message(st, id, AUTHOR_AGENT, first - MIN, NULL);
    for (int k = 0; k < 60; k++)
        add_message(st, id, AUTHOR_CUSTOMER, first + k * 1000, k == 59 ? "legal_threat" : NULL);
    run(st, id, NOW);
    struct reads r = read_all(st, id);
    assert_int_equal(r.n_jobs, 1);
    char key[80];
    snprintf(key, sizeof(key), "ticket.check:%lld:%lld", (long long)id,
             (long long)(first + 2 * HOUR + 1));
    assert_string_equal(r.jobs[0].dedupe_key, key);
    reads_release(&r);
}

static enum terr pend_tx(struct store_tx *tx, void *arg)
{
    struct ticket t;
    enum terr e = store_ticket_get(tx, *(int64_t *)arg, &t);
    t.status = STATUS_PENDING;
    if (!e)
        e = store_ticket_update(tx, &t);
    ticket_release(&t);
    return e;
}

static void no_wait_while_the_ticket_is_pending_or_answered(void **state)
{
    struct store *st = ST(state);
    load_rules(st, WAIT_RULES);
    /* Answered: the last public message is the agent's. */
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HEATED);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - 5 * HOUR, NULL);
    add_message(st, id, AUTHOR_AGENT, NOW - 4 * HOUR, NULL);
    assert_false(run(st, id, NOW));
    struct reads r = read_all(st, id);
    assert_int_equal(r.n_jobs, 0);
    assert_int_equal(count_events(&r, "rule.fired", NULL), 0);
    reads_release(&r);
    /* Pending: the desk waits on the customer, whatever the thread says. */
    int64_t pend = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HEATED);
    add_message(st, pend, AUTHOR_CUSTOMER, NOW - 5 * HOUR, NULL);
    assert_int_equal(store_write(st, pend_tx, &pend), TERR_OK);
    assert_false(run(st, pend, NOW));
    r = read_all(st, pend);
    assert_int_equal(r.n_jobs, 0);
    assert_int_equal(count_events(&r, "rule.fired", NULL), 0);
    reads_release(&r);
}

static void set_priority_never_lowers(void **state)
{
    struct store *st = ST(state);
    load_rules(st, "rule hostile\n"
                   "  when level >= hostile\n"
                   "  then set_priority high\n"
                   "  then add_tag hostile\n");
    int64_t id = seed_ticket(st, PRIORITY_URGENT, LEVEL_HOSTILE);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - MIN, NULL);
    run(st, id, NOW);
    struct reads r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.fired", "hostile"), 1);
    assert_int_equal(r.ticket.priority, PRIORITY_URGENT);
    assert_true(has_tag(&r.ticket, "hostile"));
    reads_release(&r);
}

static void notify_lead_is_seen_by_leads_and_admins_not_agents(void **state)
{
    struct store *st = ST(state);
    load_rules(st, LEGAL_RULES);
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HOSTILE);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - MIN, "legal_threat");
    run(st, id, NOW);
    struct notes_job lead = notes_for(st, 2, ROLE_LEAD);
    struct notes_job admin = notes_for(st, 3, ROLE_ADMIN);
    struct notes_job agent = notes_for(st, 4, ROLE_AGENT);
    assert_int_equal(lead.n, 1);
    assert_int_equal(admin.n, 1);
    assert_int_equal(agent.n, 0);
    assert_int_equal(lead.v[0].ticket_id, id);
    assert_string_equal(lead.v[0].kind, "rule");
    char want[40];
    snprintf(want, sizeof(want), "Ticket #%lld", (long long)id);
    assert_non_null(strstr(lead.v[0].text, want));
    assert_non_null(strstr(lead.v[0].text, "'legal-threat'"));
    assert_non_null(strstr(lead.v[0].text, "the trigger legal_threat"));
    assert_true(svc_notification_visible(&lead.v[0], 3, ROLE_ADMIN));
    assert_false(svc_notification_visible(&lead.v[0], 4, ROLE_AGENT));
    notifications_free(lead.v, lead.n);
    notifications_free(admin.v, admin.n);
    notifications_free(agent.v, agent.n);
}

struct notify_job {
    int64_t agent_id;
    struct actor reader;
    int64_t id;
    enum terr read;
};

static enum terr notify_tx(struct store_tx *tx, void *arg)
{
    struct notify_job *j = arg;
    enum terr e = svc_notify(tx, j->agent_id, ROLE_AGENT, 0, "sla", "Ticket #1 is due soon.", NOW);
    struct notification_query q = {.agent_id = j->agent_id, .role = ROLE_AGENT};
    struct notification *v;
    size_t n;
    if (!e)
        e = store_notification_list(tx, &q, &v, &n);
    if (!e) {
        j->id = n ? v[0].id : 0;
        notifications_free(v, n);
        struct notification out = {0};
        j->read = svc_notification_read(tx, &j->reader, j->id, NOW + 1, &out, NULL);
        notification_release(&out);
    }
    return e;
}

static void a_notification_to_one_agent_is_theirs_alone(void **state)
{
    struct store *st = ST(state);
    int64_t mia = seed_agent(st, "Mia", "mia@x.org"), ned = seed_agent(st, "Ned", "ned@x.org");
    struct notify_job j = {.agent_id = mia,
                           .reader = {.kind = ACTOR_AGENT, .id = ned, .role = ROLE_AGENT}};
    assert_int_equal(store_write(st, notify_tx, &j), TERR_OK);
    assert_true(j.id > 0);
    assert_int_equal(j.read, TERR_NOT_FOUND); /* Ned may not read Mia's */
    struct notes_job mine = notes_for(st, mia, ROLE_AGENT);
    struct notes_job other = notes_for(st, ned, ROLE_AGENT);
    struct notes_job lead = notes_for(st, 99, ROLE_LEAD);
    assert_int_equal(mine.n, 1);
    assert_int_equal(mine.v[0].read_at, 0);
    assert_int_equal(other.n, 0);
    assert_int_equal(lead.n, 0);
    notifications_free(mine.v, mine.n);
    notifications_free(other.v, other.n);
    notifications_free(lead.v, lead.n);
}

struct text_job {
    const char *text;
};

static enum terr text_tx(struct store_tx *tx, void *arg)
{
    struct text_job *j = arg;
    return svc_notify(tx, 0, ROLE_LEAD, 0, "follow_up", j->text, NOW);
}

/* A text cut by a caller's "%.200s" inside a character, or longer than the
 * limit, is stored as valid UTF-8: the list renders it (it aborted). */
static void a_notification_text_is_stored_as_valid_utf8(void **state)
{
    struct store *st = ST(state);
    char cut[] = "ticket 1 (\"a\xc3\xa9\xc3\")";
    char *long_text = xmalloc(2 * NOTIFY_TEXT_MAX + 2);
    long_text[0] = 'a';
    for (size_t i = 0; i < NOTIFY_TEXT_MAX; i++)
        memcpy(long_text + 1 + 2 * i, "\xc3\xa9", 2);
    long_text[2 * NOTIFY_TEXT_MAX + 1] = '\0';
    struct text_job a = {.text = cut}, b = {.text = long_text};
    assert_int_equal(store_write(st, text_tx, &a), TERR_OK);
    assert_int_equal(store_write(st, text_tx, &b), TERR_OK);
    free(long_text);
    struct notes_job leads = notes_for(st, 999, ROLE_LEAD);
    assert_int_equal(leads.n, 2);
    for (size_t i = 0; i < leads.n; i++) {
        size_t n = strlen(leads.v[i].text);
        assert_true(n > 0 && n <= NOTIFY_TEXT_MAX);
        assert_true(utf8_valid(leads.v[i].text, n));
    }
    notifications_free(leads.v, leads.n);
}

static void an_assignment_to_a_missing_agent_is_audited_and_skipped(void **state)
{
    struct store *st = ST(state);
    seed_rules(st, "rule to-ghost\n"
                   "  when level >= heated\n"
                   "  then assign_agent 4242\n"
                   "  then add_tag seen\n");
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HEATED);
    run(st, id, NOW);
    struct reads r = read_all(st, id);
    assert_int_equal(r.ticket.assignee_id, 0);
    assert_true(has_tag(&r.ticket, "seen"));
    assert_int_equal(count_events(&r, "rule.assign_failed", "to-ghost"), 1);
    reads_release(&r);
}

static void a_set_assigning_a_missing_agent_is_refused(void **state)
{
    struct store *st = ST(state);
    load_rules(st, "rule first\n  when level >= heated\n  then add_tag first\n");
    struct load_job j = {.text = "rule to-ghost\n"
                                 "  when level >= heated\n"
                                 "  then assign_agent 4242\n"};
    assert_int_equal(store_write(st, load_tx, &j), TERR_INVALID);
    assert_string_equal(j.ei.field, "rules");
    assert_non_null(strstr(j.ei.message, "no agent has id 4242"));
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HEATED);
    run(st, id, NOW);
    struct reads r = read_all(st, id);
    assert_true(has_tag(&r.ticket, "first")); /* the old set still runs */
    reads_release(&r);
}

static enum terr teams_tx(struct store_tx *tx, void *arg)
{
    struct agent *a = arg;
    return store_agent_insert(tx, a, NULL);
}

static enum terr assign_tx(struct store_tx *tx, void *arg)
{
    int64_t *ids = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, ids[0], &t);
    t.assignee_id = ids[1];
    if (!e)
        e = store_ticket_update(tx, &t);
    ticket_release(&t);
    return e;
}

static void a_team_assignment_unassigns_an_agent_outside_the_team(void **state)
{
    struct store *st = ST(state);
    load_rules(st, "rule legal-team\n"
                   "  when trigger legal_threat\n"
                   "  then assign_team legal\n");
    struct agent in = {.name = xstrdup("Lee"), .email = xstrdup("lee@x.org"), .role = ROLE_AGENT};
    strlist_push(&in.teams, "legal");
    struct agent out = {.name = xstrdup("Bo"), .email = xstrdup("bo@x.org"), .role = ROLE_AGENT};
    assert_int_equal(store_write(st, teams_tx, &in), TERR_OK);
    assert_int_equal(store_write(st, teams_tx, &out), TERR_OK);
    for (int k = 0; k < 2; k++) {
        int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HEATED);
        int64_t ids[2] = {id, k == 0 ? in.id : out.id};
        assert_int_equal(store_write(st, assign_tx, ids), TERR_OK);
        add_message(st, id, AUTHOR_CUSTOMER, NOW - MIN, "legal_threat");
        run(st, id, NOW);
        struct reads r = read_all(st, id);
        assert_string_equal(r.ticket.team, "legal");
        assert_int_equal(r.ticket.assignee_id, k == 0 ? in.id : 0);
        reads_release(&r);
    }
    agent_release(&in);
    agent_release(&out);
}

static void a_change_through_another_handle_is_seen(void **state)
{
    /* Two stores on one file stand for two servers sharing a database:
     * the rules cached in this process follow the other's change. */
    struct fixture *f = *state;
    load_rules(f->st, LEGAL_RULES);
    int64_t id = seed_ticket(f->st, PRIORITY_NORMAL, LEVEL_HOSTILE);
    add_message(f->st, id, AUTHOR_CUSTOMER, NOW - MIN, "safety");
    assert_false(run(f->st, id, NOW)); /* caches the legal-only set */
    struct store *other;
    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &other, &ei), TERR_OK);
    load_rules(other, "rule safety\n  when trigger safety\n  then add_tag safety\n");
    store_close(other);
    assert_true(run(f->st, id, NOW + 1));
    struct reads r = read_all(f->st, id);
    assert_true(has_tag(&r.ticket, "safety"));
    reads_release(&r);
}

static void a_rule_set_replace_keeps_records_by_name(void **state)
{
    struct store *st = ST(state);
    load_rules(st, LEGAL_RULES);
    int64_t id = seed_ticket(st, PRIORITY_NORMAL, LEVEL_HOSTILE);
    add_message(st, id, AUTHOR_CUSTOMER, NOW - MIN, "legal_threat");
    run(st, id, NOW);
    load_rules(st, LEGAL_RULES); /* reloading the same file */
    run(st, id, NOW + 1);
    struct reads r = read_all(st, id);
    assert_int_equal(count_events(&r, "rule.fired", "legal-threat"), 1);
    reads_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fixture_teardown)
        T(a_legal_threat_fires_its_rule_once),
        T(only_the_latest_customer_message_counts),
        T(a_lead_rearms_and_the_rule_fires_on_the_next_match),
        T(a_rearm_auto_rule_fires_again_after_its_condition_went_false),
        T(a_low_survey_fires_and_a_later_low_answer_fires_again),
        T(a_wait_queues_a_check_when_the_rule_would_come_true),
        T(a_calm_ticket_queues_no_check_for_a_rule_about_heated_ones),
        T(a_long_run_of_customer_messages_still_waits_from_the_first),
        T(no_wait_while_the_ticket_is_pending_or_answered),
        T(set_priority_never_lowers),
        T(notify_lead_is_seen_by_leads_and_admins_not_agents),
        T(a_notification_to_one_agent_is_theirs_alone),
        T(a_notification_text_is_stored_as_valid_utf8),
        T(an_assignment_to_a_missing_agent_is_audited_and_skipped),
        T(a_set_assigning_a_missing_agent_is_refused),
        T(a_team_assignment_unassigns_an_agent_outside_the_team),
        T(a_change_through_another_handle_is_seen),
        T(a_rule_set_replace_keeps_records_by_name),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
