/*
 * src/service/assign.c against a real store: whom a ticket goes to (skills,
 * load, round-robin, availability, team), when a held ticket moves, what is
 * audited, and who may move a ticket by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../store/store_fixture.h"
#include "service/agents.h"
#include "service/assign.h"

#define ST(state) (((struct fixture *)*(state))->st)
#define NOW       1800000000000LL

static void push_csv(struct strlist *l, const char *csv)
{
    for (const char *p = csv; p && *p;) {
        size_t n = strcspn(p, ",");
        char *s = xstrndup(p, n);
        strlist_push(l, s);
        free(s);
        p += n + (p[n] == ',');
    }
}

/* An agent with these skills and teams (comma-separated, may be NULL). */
static int64_t seed(struct store *st, const char *name, enum role role, const char *skills,
                    bool away, const char *teams)
{
    char email[64];
    snprintf(email, sizeof(email), "%s@test.example", name);
    struct agent a = {.name = xstrdup(name),
                      .email = xstrdup(email),
                      .role = role,
                      .away = away,
                      .created_at = 1000};
    push_csv(&a.skills, skills);
    push_csv(&a.teams, teams);
    assert_int_equal(store_write(st, tx_agent_insert, &a), TERR_OK);
    int64_t id = a.id;
    agent_release(&a);
    return id;
}

static int64_t customer_id;

static int64_t ticket(struct store *st, enum level level, int64_t assignee, const char *category,
                      const char *team)
{
    if (!customer_id)
        customer_id = seed_customer(st, "Cy", NULL);
    struct ticket t = {.subject = xstrdup("Help"),
                       .status = STATUS_OPEN,
                       .channel = CHANNEL_EMAIL,
                       .customer_id = customer_id,
                       .assignee_id = assignee,
                       .created_at = NOW - 5000,
                       .updated_at = NOW - 5000,
                       .level = level,
                       .peak_level = level,
                       .category = xstrdup(category),
                       .team = xstrdup(team)};
    assert_int_equal(store_write(st, tx_ticket_insert, &t), TERR_OK);
    int64_t id = t.id;
    ticket_release(&t);
    return id;
}

struct route_job {
    int64_t id;
    bool set_level;
    enum level level;
    bool set_status;
    enum ticket_status status;
    int64_t now;
    bool changed;
    int64_t assignee;
    struct routing_run_out out;
    struct terr_info ei;
};

/* Routes ticket j->id as the workflow does: the change stored after. */
static enum terr route_tx(struct store_tx *tx, void *arg)
{
    struct route_job *j = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, j->id, &t);
    if (e)
        return e;
    if (j->set_level)
        t.level = j->level;
    if (j->set_status)
        t.status = j->status;
    e = svc_routing_route(tx, &t, j->now, &j->changed, &j->out, &j->ei);
    if (!e)
        e = store_ticket_update(tx, &t);
    j->assignee = t.assignee_id;
    ticket_release(&t);
    return e;
}

static struct route_job route_at(struct store *st, int64_t id, int64_t now)
{
    struct route_job j = {.id = id, .now = now};
    assert_int_equal(store_write(st, route_tx, &j), TERR_OK);
    return j;
}

static struct route_job route(struct store *st, int64_t id)
{
    return route_at(st, id, NOW);
}

static void set_status(struct store *st, int64_t id, enum ticket_status s)
{
    struct route_job j = {.id = id, .set_status = true, .status = s, .now = NOW};
    /* Routing skips a resolved ticket: this only stores the status. */
    assert_int_equal(store_write(st, route_tx, &j), TERR_OK);
}

struct count_job {
    int64_t ticket_id;
    const char *action;
    int n;
    char last_after[512];
};

static enum terr count_tx(struct store_tx *tx, void *arg)
{
    struct count_job *c = arg;
    struct event *ev;
    size_t n;
    enum terr e = store_event_list(tx, c->ticket_id, &ev, &n);
    if (e)
        return e;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ev[i].action, c->action) == 0) {
            c->n++;
            snprintf(c->last_after, sizeof(c->last_after), "%s", ev[i].after_json);
        }
    events_free(ev, n);
    return TERR_OK;
}

static struct count_job events_of(struct store *st, int64_t ticket_id, const char *action)
{
    struct count_job c = {.ticket_id = ticket_id, .action = action};
    assert_int_equal(store_read(st, count_tx, &c), TERR_OK);
    return c;
}

struct move_job {
    int64_t ticket_id;
    int64_t from, to; /* to 0: unassign */
    const char *level;
};

/* A lead moves the ticket as svc_ticket_update does: stored, then audited. */
static enum terr move_tx(struct store_tx *tx, void *arg)
{
    struct move_job *j = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, j->ticket_id, &t);
    if (e)
        return e;
    t.assignee_id = j->to;
    e = store_ticket_update(tx, &t);
    ticket_release(&t);
    char before[96], after[96];
    snprintf(before, sizeof(before), "{\"assignee_id\":%lld,\"level\":\"%s\"}", (long long)j->from,
             j->level);
    if (j->to)
        snprintf(after, sizeof(after), "{\"assignee_id\":%lld,\"level\":\"%s\"}", (long long)j->to,
                 j->level);
    else
        snprintf(after, sizeof(after), "{\"assignee_id\":null,\"level\":\"%s\"}", j->level);
    struct actor lead = {.kind = ACTOR_AGENT, .id = 99, .role = ROLE_LEAD};
    if (!e)
        e = svc_audit(tx, &lead, "ticket.update", "ticket", j->ticket_id, j->ticket_id, before,
                      after, NOW);
    return e;
}

static void hostile_goes_to_deescalation(void **state)
{
    struct store *st = ST(state);
    int64_t plain = seed(st, "plain", ROLE_AGENT, NULL, false, NULL);
    int64_t calmer = seed(st, "calmer", ROLE_AGENT, "de-escalation", false, NULL);
    ticket(st, LEVEL_CALM, calmer, NULL, NULL); /* the de-escalation agent is busier */
    ticket(st, LEVEL_CALM, calmer, NULL, NULL);
    int64_t hot = ticket(st, LEVEL_HOSTILE, 0, NULL, NULL);
    struct route_job r = route(st, hot);
    assert_true(r.changed);
    assert_int_equal(r.assignee, calmer);
    assert_int_equal(r.out.result.outcome, ROUTING_ASSIGNED);
    assert_false(r.out.notify_lead);
    assert_non_null(strstr(r.out.result.reason, "de-escalation"));
    struct count_job c = events_of(st, hot, "ticket.routed");
    assert_int_equal(c.n, 1);
    assert_non_null(strstr(c.last_after, "\"assignee_id\":"));
    assert_non_null(strstr(c.last_after, "\"outcome\":\"assigned\""));
    assert_non_null(strstr(c.last_after, "\"load\":2"));
    (void)plain;
}

static void calm_goes_to_least_loaded(void **state)
{
    struct store *st = ST(state);
    int64_t busy = seed(st, "busy", ROLE_AGENT, NULL, false, NULL);
    int64_t idle = seed(st, "idle", ROLE_LEAD, NULL, false, NULL);
    seed(st, "boss", ROLE_ADMIN, NULL, false, NULL);         /* admins take no tickets */
    ticket(st, LEVEL_TENSE, busy, NULL, NULL);               /* load 2 */
    int64_t held = ticket(st, LEVEL_CALM, idle, NULL, NULL); /* load 1 */
    int64_t t = ticket(st, LEVEL_CALM, 0, NULL, NULL);
    assert_int_equal(route(st, t).assignee, idle);
    /* idle now holds two calm (2); a resolved ticket weighs nothing, so 1. */
    set_status(st, held, STATUS_RESOLVED);
    int64_t t2 = ticket(st, LEVEL_CALM, 0, NULL, NULL);
    assert_int_equal(route(st, t2).assignee, idle);
    int64_t t3 = ticket(st, LEVEL_CALM, 0, NULL, NULL);
    assert_int_equal(route(st, t3).assignee, busy); /* equal loads: busy's turn is older */
}

static void round_robin_among_equals(void **state)
{
    struct store *st = ST(state);
    int64_t a = seed(st, "a", ROLE_AGENT, NULL, false, NULL);
    int64_t b = seed(st, "b", ROLE_AGENT, NULL, false, NULL);
    int64_t c = seed(st, "c", ROLE_AGENT, NULL, false, NULL);
    int64_t got[6];
    for (int i = 0; i < 6; i++) {
        int64_t t = ticket(st, LEVEL_CALM, 0, NULL, NULL);
        got[i] = route_at(st, t, NOW + i).assignee;
        set_status(st, t, STATUS_RESOLVED); /* loads stay equal: only turns differ */
    }
    assert_int_equal(got[0], a); /* never assigned, lowest id */
    assert_int_equal(got[1], b);
    assert_int_equal(got[2], c);
    assert_int_equal(got[3], a);
    assert_int_equal(got[4], b);
    assert_int_equal(got[5], c);
}

static void away_agent_gets_nothing(void **state)
{
    struct store *st = ST(state);
    seed(st, "away", ROLE_AGENT, "de-escalation", true, NULL);
    int64_t here = seed(st, "here", ROLE_AGENT, NULL, false, NULL);
    ticket(st, LEVEL_HOSTILE, here, NULL, NULL); /* here is loaded; away is not */
    for (int i = 0; i < 3; i++) {
        int64_t t = ticket(st, LEVEL_CALM, 0, NULL, NULL);
        assert_int_equal(route(st, t).assignee, here);
    }
}

static void team_first_then_everyone(void **state)
{
    struct store *st = ST(state);
    int64_t other = seed(st, "other", ROLE_AGENT, NULL, false, NULL);
    int64_t legal = seed(st, "legal", ROLE_AGENT, NULL, false, "Legal");
    ticket(st, LEVEL_TENSE, legal, NULL, NULL); /* legal is busier, yet the team's */
    int64_t t = ticket(st, LEVEL_CALM, 0, NULL, "legal");
    assert_int_equal(route(st, t).assignee, legal);
    /* A team whose members cannot take it: everyone, and the reason says so. */
    int64_t t2 = ticket(st, LEVEL_CALM, 0, NULL, "sales");
    struct route_job r = route(st, t2);
    assert_int_equal(r.assignee, other);
    assert_non_null(strstr(r.out.result.reason, "team 'sales'"));
}

static void category_is_a_wished_skill(void **state)
{
    struct store *st = ST(state);
    seed(st, "general", ROLE_AGENT, NULL, false, NULL);
    int64_t billing = seed(st, "billing", ROLE_AGENT, "Billing", false, NULL);
    ticket(st, LEVEL_CALM, billing, NULL, NULL); /* busier, but has the skill */
    int64_t t = ticket(st, LEVEL_CALM, 0, "billing", NULL);
    struct route_job r = route(st, t);
    assert_int_equal(r.assignee, billing);
    assert_false(r.out.result.missing_skills);
    /* A category nobody has as a skill asks for nothing: the least loaded. */
    int64_t t2 = ticket(st, LEVEL_CALM, 0, "shipping", NULL);
    r = route(st, t2);
    assert_int_not_equal(r.assignee, billing);
    assert_null(strstr(r.out.result.reason, "shipping"));
}

static void held_ticket_turning_hostile_moves(void **state)
{
    struct store *st = ST(state);
    int64_t plain = seed(st, "plain", ROLE_AGENT, NULL, false, NULL);
    int64_t calmer = seed(st, "calmer", ROLE_AGENT, "de-escalation", false, NULL);
    ticket(st, LEVEL_TENSE, calmer, NULL, NULL);
    int64_t t = ticket(st, LEVEL_CALM, 0, NULL, NULL);
    assert_int_equal(route(st, t).assignee, plain);
    /* Nothing moves while it stays calm or tense. */
    struct route_job same = {.id = t, .set_level = true, .level = LEVEL_TENSE, .now = NOW};
    assert_int_equal(store_write(st, route_tx, &same), TERR_OK);
    assert_false(same.changed);
    assert_int_equal(same.assignee, plain);
    struct route_job hot = {.id = t, .set_level = true, .level = LEVEL_HOSTILE, .now = NOW + 1};
    assert_int_equal(store_write(st, route_tx, &hot), TERR_OK);
    assert_true(hot.changed);
    assert_int_equal(hot.assignee, calmer);
    assert_int_equal(events_of(st, t, "ticket.routed").n, 2);
    /* The holder with the skill keeps it from then on. */
    assert_false(route_at(st, t, NOW + 2).changed);
}

static void deliberate_placement_stands(void **state)
{
    struct store *st = ST(state);
    int64_t plain = seed(st, "plain", ROLE_AGENT, NULL, false, NULL);
    seed(st, "calmer", ROLE_AGENT, "de-escalation", false, NULL);
    /* Given to plain while already hostile, with no trail of routing: kept. */
    int64_t t = ticket(st, LEVEL_HOSTILE, plain, NULL, NULL);
    struct route_job r = route(st, t);
    assert_false(r.changed);
    assert_int_equal(r.assignee, plain);
    assert_false(r.out.routed);
    /* A lead gives a hostile ticket to plain: it stays, message after message. */
    int64_t t3 = ticket(st, LEVEL_HOSTILE, 0, NULL, NULL);
    int64_t first = route(st, t3).assignee;
    assert_int_not_equal(first, plain);
    struct move_job m = {.ticket_id = t3, .from = first, .to = plain, .level = "hostile"};
    assert_int_equal(store_write(st, move_tx, &m), TERR_OK);
    r = route_at(st, t3, NOW + 1);
    assert_false(r.changed);
    assert_int_equal(r.assignee, plain);
    /* Given to plain while tense, then hostile: that one moves. */
    int64_t t4 = ticket(st, LEVEL_TENSE, 0, NULL, NULL);
    route(st, t4);
    struct move_job m2 = {.ticket_id = t4, .from = first, .to = plain, .level = "tense"};
    assert_int_equal(store_write(st, move_tx, &m2), TERR_OK);
    struct route_job up = {.id = t4, .set_level = true, .level = LEVEL_HOSTILE, .now = NOW + 2};
    assert_int_equal(store_write(st, route_tx, &up), TERR_OK);
    assert_int_equal(up.assignee, first);
    /* An away holder keeps their tickets too. */
    int64_t away = seed(st, "away", ROLE_AGENT, NULL, true, NULL);
    int64_t t2 = ticket(st, LEVEL_CALM, away, NULL, NULL);
    assert_int_equal(route(st, t2).assignee, away);
}

static void nobody_leaves_it_unassigned_and_audits_once(void **state)
{
    struct store *st = ST(state);
    seed(st, "plain", ROLE_AGENT, NULL, false, NULL);
    int64_t t = ticket(st, LEVEL_HOSTILE, 0, NULL, NULL);
    struct route_job r = route(st, t);
    assert_false(r.changed);
    assert_int_equal(r.assignee, 0);
    assert_true(r.out.routed);
    assert_int_equal(r.out.result.outcome, ROUTING_NO_DEESCALATION_AGENT);
    assert_true(r.out.notify_lead);
    struct count_job c = events_of(st, t, "ticket.unrouted");
    assert_int_equal(c.n, 1);
    assert_non_null(strstr(c.last_after, "no_deescalation_agent"));
    /* Timer re-checks: nothing new to say. */
    for (int i = 1; i <= 3; i++) {
        r = route_at(st, t, NOW + i);
        assert_false(r.out.notify_lead);
    }
    assert_int_equal(events_of(st, t, "ticket.unrouted").n, 1);
    /* Down to heated and up again: still the same news. */
    struct route_job down = {.id = t, .set_level = true, .level = LEVEL_HEATED, .now = NOW + 5};
    assert_int_equal(store_write(st, route_tx, &down), TERR_OK);
    assert_false(down.out.notify_lead);
    struct route_job up = {.id = t, .set_level = true, .level = LEVEL_HOSTILE, .now = NOW + 6};
    assert_int_equal(store_write(st, route_tx, &up), TERR_OK);
    assert_false(up.out.notify_lead);
    assert_int_equal(events_of(st, t, "ticket.unrouted").n, 1);
}

static void closed_and_resolved_are_left_alone(void **state)
{
    struct store *st = ST(state);
    seed(st, "plain", ROLE_AGENT, NULL, false, NULL);
    int64_t t = ticket(st, LEVEL_CALM, 0, NULL, NULL);
    set_status(st, t, STATUS_RESOLVED);
    struct route_job r = route(st, t);
    assert_false(r.changed);
    assert_false(r.out.routed);
    assert_int_equal(r.assignee, 0);
    assert_int_equal(events_of(st, t, "ticket.unrouted").n, 0);
}

struct check_job {
    struct actor who;
    int64_t ticket_id;
    int64_t to;
    struct terr_info ei;
};

static enum terr check_tx(struct store_tx *tx, void *arg)
{
    struct check_job *j = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, j->ticket_id, &t);
    if (e)
        return e;
    e = svc_routing_check_assign(tx, &j->who, &t, j->to, &j->ei);
    ticket_release(&t);
    return e;
}

static enum terr check(struct store *st, struct actor who, int64_t ticket_id, int64_t to,
                       struct terr_info *ei)
{
    struct check_job j = {.who = who, .ticket_id = ticket_id, .to = to};
    enum terr e = store_read(st, check_tx, &j);
    if (ei)
        *ei = j.ei;
    return e;
}

static void manual_moves(void **state)
{
    struct store *st = ST(state);
    int64_t ann = seed(st, "ann", ROLE_AGENT, NULL, false, NULL);
    int64_t bob = seed(st, "bob", ROLE_AGENT, NULL, false, NULL);
    int64_t dee = seed(st, "dee", ROLE_AGENT, "de-escalation", false, NULL);
    int64_t gone = seed(st, "gone", ROLE_AGENT, "de-escalation", true, NULL);
    int64_t lead = seed(st, "lead", ROLE_LEAD, NULL, false, NULL);
    struct actor as_ann = {.kind = ACTOR_AGENT, .id = ann, .role = ROLE_AGENT};
    struct actor as_lead = {.kind = ACTOR_AGENT, .id = lead, .role = ROLE_LEAD};
    struct actor system = {.kind = ACTOR_SYSTEM};
    int64_t bobs = ticket(st, LEVEL_CALM, bob, NULL, NULL);
    int64_t hot = ticket(st, LEVEL_HOSTILE, ann, NULL, NULL);
    struct terr_info ei;
    assert_int_equal(check(st, as_ann, bobs, ann, &ei), TERR_FORBIDDEN);
    assert_string_equal(ei.field, "assignee");
    assert_int_equal(check(st, as_lead, bobs, ann, NULL), TERR_OK);
    assert_int_equal(check(st, as_ann, hot, bob, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "assignee");
    assert_int_equal(check(st, as_ann, hot, dee, NULL), TERR_OK);
    assert_int_equal(check(st, as_ann, hot, gone, NULL), TERR_CONFLICT);
    assert_int_equal(check(st, as_lead, hot, gone, NULL), TERR_CONFLICT);
    assert_int_equal(check(st, as_lead, hot, bob, NULL), TERR_OK);
    assert_int_equal(check(st, system, hot, bob, NULL), TERR_OK);
    assert_int_equal(check(st, as_ann, hot, 0, NULL), TERR_OK); /* giving up their own */
    assert_int_equal(check(st, as_lead, hot, 424242, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "assignee");
}

static void unassigning_hands_it_to_someone_else(void **state)
{
    struct store *st = ST(state);
    int64_t ann = seed(st, "ann", ROLE_AGENT, NULL, false, NULL);
    int64_t bob = seed(st, "bob", ROLE_AGENT, NULL, false, NULL);
    ticket(st, LEVEL_TENSE, bob, NULL, NULL); /* bob busier: ann would be chosen */
    int64_t t = ticket(st, LEVEL_CALM, 0, NULL, NULL);
    assert_int_equal(route(st, t).assignee, ann);
    struct move_job u = {.ticket_id = t, .from = ann, .to = 0, .level = "calm"};
    assert_int_equal(store_write(st, move_tx, &u), TERR_OK);
    struct route_job r = route_at(st, t, NOW + 1);
    assert_true(r.changed);
    assert_int_equal(r.assignee, bob);
}

struct away_job {
    int64_t id;
    bool away;
};

static enum terr away_tx(struct store_tx *tx, void *arg)
{
    struct away_job *j = arg;
    struct agent a;
    enum terr e = store_agent_get(tx, j->id, &a);
    if (e)
        return e;
    a.away = j->away;
    e = store_agent_update(tx, &a);
    agent_release(&a);
    return e;
}

static void a_new_outcome_is_news(void **state)
{
    struct store *st = ST(state);
    int64_t plain = seed(st, "plain", ROLE_AGENT, NULL, false, NULL);
    int64_t t = ticket(st, LEVEL_HOSTILE, 0, NULL, NULL);
    assert_true(route(st, t).out.notify_lead);
    struct away_job away = {.id = plain, .away = true};
    assert_int_equal(store_write(st, away_tx, &away), TERR_OK);
    struct route_job r = route_at(st, t, NOW + 1);
    assert_int_equal(r.out.result.outcome, ROUTING_NO_AGENT_AVAILABLE);
    assert_true(r.out.notify_lead);
    assert_int_equal(events_of(st, t, "ticket.unrouted").n, 2);
    assert_false(route_at(st, t, NOW + 2).out.notify_lead);
    assert_int_equal(events_of(st, t, "ticket.unrouted").n, 2);
}

struct update_job {
    int64_t id;
    struct agent_patch p;
    struct actor who;
    struct terr_info ei;
};

static enum terr update_tx(struct store_tx *tx, void *arg)
{
    struct update_job *j = arg;
    return svc_agent_update(tx, &j->who, j->id, &j->p, NULL, &j->ei);
}

struct get_job {
    int64_t id;
    struct ticket t;
};

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct get_job *j = arg;
    return store_ticket_get(tx, j->id, &j->t);
}

static int64_t assignee_of(struct store *st, int64_t id)
{
    struct get_job j = {.id = id};
    assert_int_equal(store_read(st, get_tx, &j), TERR_OK);
    int64_t a = j.t.assignee_id;
    ticket_release(&j.t);
    return a;
}

static void coming_back_takes_the_waiting_tickets(void **state)
{
    struct store *st = ST(state);
    int64_t ann = seed(st, "ann", ROLE_AGENT, "de-escalation", true, NULL);
    int64_t hot = ticket(st, LEVEL_HOSTILE, 0, NULL, NULL);
    int64_t calm = ticket(st, LEVEL_CALM, 0, NULL, NULL);
    int64_t done = ticket(st, LEVEL_CALM, 0, NULL, NULL);
    set_status(st, done, STATUS_RESOLVED);
    route(st, hot);
    route(st, calm);
    assert_int_equal(assignee_of(st, hot), 0);
    /* Renaming an away agent routes nothing; coming back routes the waiting ones. */
    struct update_job rename = {
        .id = ann, .p = {.has_name = true, .name = "Ann B."}, .who = {.kind = ACTOR_SYSTEM}};
    assert_int_equal(store_write(st, update_tx, &rename), TERR_OK);
    assert_int_equal(assignee_of(st, calm), 0);
    struct update_job back = {.id = ann,
                              .p = {.has_available = true, .available = true},
                              .who = {.kind = ACTOR_AGENT, .id = ann, .role = ROLE_AGENT}};
    assert_int_equal(store_write(st, update_tx, &back), TERR_OK);
    assert_int_equal(assignee_of(st, hot), ann);
    assert_int_equal(assignee_of(st, calm), ann);
    assert_int_equal(assignee_of(st, done), 0); /* resolved: left alone */
    /* An agent may not change another's availability, nor their own skills. */
    struct update_job other = {.id = ann,
                               .p = {.has_available = true, .available = false},
                               .who = {.kind = ACTOR_AGENT, .id = ann + 1, .role = ROLE_LEAD}};
    assert_int_equal(store_write(st, update_tx, &other), TERR_FORBIDDEN);
    struct update_job skills = {.id = ann,
                                .p = {.has_skills = true},
                                .who = {.kind = ACTOR_AGENT, .id = ann, .role = ROLE_AGENT}};
    assert_int_equal(store_write(st, update_tx, &skills), TERR_FORBIDDEN);
}

static int setup(void **state)
{
    customer_id = 0;
    return store_setup(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hostile_goes_to_deescalation, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(calm_goes_to_least_loaded, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(round_robin_among_equals, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(away_agent_gets_nothing, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(team_first_then_everyone, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(category_is_a_wished_skill, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(held_ticket_turning_hostile_moves, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(deliberate_placement_stands, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(nobody_leaves_it_unassigned_and_audits_once, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(closed_and_resolved_are_left_alone, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(manual_moves, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(unassigning_hands_it_to_someone_else, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_new_outcome_is_news, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(coming_back_takes_the_waiting_tickets, setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
