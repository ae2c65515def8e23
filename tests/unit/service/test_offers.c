/*
 * src/service/offers.c and case_link.c against a real store: what a
 * proposal, a decision and a withdrawal write (the offer, the audit trail,
 * webhook jobs, the customer's notice), what they refuse and leave
 * untouched, the policy file, and what the customer's case link shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../store/store_fixture.h"
#include "service/case_link.h"
#include "service/offers.h"
#include "store/store_rules.h"
#include "service/surveys.h"
#include "store/store_jobs.h"
#include "util/secret.h"

#define ST(state) (((struct fixture *)*(state))->st)
#define NOW       1800000000000LL

/* The desk every test starts with: a ticket, an agent, a second agent, a
 * lead and an admin. */
struct desk {
    int64_t ticket, agent, other, lead, admin;
};
static struct desk D;

static int64_t seed_role(struct store *st, const char *email, enum role role)
{
    struct agent a = {
        .name = xstrdup(email), .email = xstrdup(email), .role = role, .created_at = 1000};
    assert_int_equal(store_write(st, tx_agent_insert, &a), TERR_OK);
    int64_t id = a.id;
    agent_release(&a);
    return id;
}

static int64_t seed_ticket(struct store *st, enum ticket_status status)
{
    int64_t cid = seed_customer(st, "Cy", NULL);
    struct ticket t = {.subject = xstrdup("Parcel lost"),
                       .status = status,
                       .channel = CHANNEL_EMAIL,
                       .customer_id = cid,
                       .created_at = NOW - 5000,
                       .updated_at = NOW - 5000};
    assert_int_equal(store_write(st, tx_ticket_insert, &t), TERR_OK);
    int64_t id = t.id;
    ticket_release(&t);
    return id;
}

static int setup(void **state)
{
    if (secret_init() || store_setup(state))
        return -1;
    svc_offer_policy_reset();
    struct store *st = ST(state);
    D.agent = seed_role(st, "agent@x.test", ROLE_AGENT);
    D.other = seed_role(st, "other@x.test", ROLE_AGENT);
    D.lead = seed_role(st, "lead@x.test", ROLE_LEAD);
    D.admin = seed_role(st, "admin@x.test", ROLE_ADMIN);
    D.ticket = seed_ticket(st, STATUS_OPEN);
    return 0;
}

static int teardown(void **state)
{
    svc_offer_policy_reset();
    return fixture_teardown(state);
}

static struct actor as(int64_t id, enum role role)
{
    return (struct actor){.kind = ACTOR_AGENT, .id = id, .role = role};
}

/* ---- running the use cases ---- */

enum op { PROPOSE, APPROVE, REJECT, WITHDRAW };

struct op_job {
    enum op op;
    struct actor who;
    int64_t id; /* the ticket (PROPOSE) or the offer */
    struct offer_draft draft;
    const char *note;
    struct offer_record out;
    struct terr_info ei;
};

static enum terr op_tx(struct store_tx *tx, void *arg)
{
    struct op_job *j = arg;
    switch (j->op) {
    case PROPOSE:
        return svc_offer_propose(tx, &j->who, j->id, &j->draft, NOW, &j->out, &j->ei);
    case APPROVE:
    case REJECT:
        return svc_offer_decide(tx, &j->who, j->id, j->op == APPROVE, j->note, NOW + 10, &j->out,
                                &j->ei);
    case WITHDRAW:
        return svc_offer_withdraw(tx, &j->who, j->id, j->note, NOW + 10, &j->out, &j->ei);
    }
    return TERR_INTERNAL;
}

/* Runs one use case; *out (may be NULL) gets the offer on success. */
static enum terr run(struct store *st, struct op_job *j, struct offer_record *out)
{
    enum terr e = store_write(st, op_tx, j);
    if (!e && out)
        *out = j->out;
    else
        offer_record_release(&j->out);
    return e;
}

/* Proposes kind/amount/currency as (id, role) on ticket; returns the result. */
static enum terr propose(struct store *st, int64_t who, enum role role, int64_t ticket,
                         enum offer_kind kind, int64_t amount, const char *currency,
                         struct offer_record *out)
{
    struct op_job j = {
        .op = PROPOSE,
        .who = as(who, role),
        .id = ticket,
        .draft = {.kind = kind, .amount = amount, .currency = currency, .note = "carrier lost it"}};
    return run(st, &j, out);
}

static int64_t propose_ok(struct store *st, enum offer_kind kind, int64_t amount,
                          const char *currency, enum offer_state want)
{
    struct offer_record r;
    assert_int_equal(propose(st, D.agent, ROLE_AGENT, D.ticket, kind, amount, currency, &r),
                     TERR_OK);
    assert_int_equal(r.offer.state, want);
    int64_t id = r.offer.id;
    offer_record_release(&r);
    return id;
}

static enum terr decide(struct store *st, enum op op, int64_t who, enum role role, int64_t offer,
                        struct terr_info *ei)
{
    struct op_job j = {.op = op, .who = as(who, role), .id = offer, .note = "checked"};
    enum terr e = run(st, &j, NULL);
    if (ei)
        *ei = j.ei;
    return e;
}

/* ---- reading what was written ---- */

struct counts {
    size_t offers, events, notices, jobs;
    enum offer_state state; /* of the first offer */
    struct event *ev;
    size_t n_ev;
    struct outbox_msg *out;
    size_t n_out;
    struct offer_record first;
};

static enum terr counts_tx(struct store_tx *tx, void *arg)
{
    struct counts *c = arg;
    struct offer_record *v;
    size_t n;
    struct offer_query q = {.ticket_id = D.ticket};
    enum terr e = store_offer_list(tx, &q, &v, &n);
    if (e)
        return e;
    c->offers = n;
    if (n) {
        c->state = v[0].offer.state;
        c->first = v[0];
        memset(&v[0], 0, sizeof(v[0]));
    }
    offer_records_free(v, n);
    if ((e = store_event_list(tx, D.ticket, &c->ev, &c->n_ev)))
        return e;
    c->events = c->n_ev;
    struct outbox_query oq = {.ticket_id = D.ticket};
    if ((e = store_outbox_list(tx, &oq, &c->out, &c->n_out)))
        return e;
    for (size_t i = 0; i < c->n_out; i++)
        c->notices += c->out[i].kind == OUTBOX_NOTICE;
    struct job *jobs;
    size_t nj;
    if ((e = store_job_list(tx, false, JOB_QUEUED, 0, 0, &jobs, &nj)))
        return e;
    c->jobs = nj;
    jobs_free(jobs, nj);
    return TERR_OK;
}

static struct counts counts(struct store *st)
{
    struct counts c = {0};
    assert_int_equal(store_read(st, counts_tx, &c), TERR_OK);
    return c;
}

static void counts_release(struct counts *c)
{
    events_free(c->ev, c->n_ev);
    outbox_msgs_free(c->out, c->n_out);
    offer_record_release(&c->first);
}

static const struct event *find_event(const struct counts *c, const char *action)
{
    for (size_t i = 0; i < c->n_ev; i++)
        if (strcmp(c->ev[i].action, action) == 0)
            return &c->ev[i];
    return NULL;
}

/* Asserts that nothing was written since `before`, and releases both. */
static void assert_unchanged(struct store *st, struct counts *before)
{
    struct counts now = counts(st);
    assert_int_equal(now.offers, before->offers);
    assert_int_equal(now.events, before->events);
    assert_int_equal(now.notices, before->notices);
    assert_int_equal(now.jobs, before->jobs);
    assert_int_equal(now.state, before->state);
    counts_release(&now);
    counts_release(before);
}

static enum terr subscribe_tx(struct store_tx *tx, void *arg)
{
    (void)arg;
    struct webhook w = {.url = xstrdup("http://127.0.0.1:9/h"),
                        .secret = xstrdup("00"),
                        .active = true,
                        .created_at = NOW};
    strlist_push(&w.events, "*");
    enum terr e = store_webhook_insert(tx, &w);
    webhook_release(&w);
    return e;
}

/* ---- proposals ---- */

static void within_authority_is_approved_at_once_and_told(void **state)
{
    assert_int_equal(store_write(ST(state), subscribe_tx, NULL), TERR_OK);
    propose_ok(ST(state), OFFER_REFUND, 4000, "EUR", OFFER_STATE_APPROVED);
    struct counts c = counts(ST(state));
    assert_int_equal(c.offers, 1);
    assert_int_equal(c.first.offer.decided_by, D.agent);
    assert_int_equal(c.first.offer.decided_at, NOW);
    assert_string_equal(c.first.note, "carrier lost it");
    const struct event *ev = find_event(&c, "offer.propose");
    assert_non_null(ev);
    assert_string_equal(ev->target_kind, "offer");
    assert_int_equal(ev->target_id, c.first.offer.id);
    assert_int_equal(ev->actor_id, D.agent);
    assert_null(ev->before_json);
    assert_non_null(strstr(ev->after_json, "\"automatic\":true"));
    assert_int_equal(c.notices, 1);
    const struct outbox_msg *m = &c.out[0];
    assert_int_equal(m->channel, CHANNEL_EMAIL);
    assert_non_null(strstr(m->body, "a refund of 40.00 EUR"));
    assert_non_null(strstr(m->body, CASE_LINK_PREFIX));
    assert_null(strstr(m->body, "carrier")); /* the note is for the approver */
    assert_int_equal(c.jobs, 2);             /* offer.proposed and offer.approved */
    counts_release(&c);
}

/* What a lead sees in their notifications. */
struct lead_notices {
    struct notification *v;
    size_t n;
};
static enum terr lead_notices_tx(struct store_tx *tx, void *arg)
{
    struct lead_notices *ln = arg;
    struct notification_query q = {.role = ROLE_LEAD, .agent_id = 999999};
    return store_notification_list(tx, &q, &ln->v, &ln->n);
}

static void above_authority_waits_and_tells_only_the_leads(void **state)
{
    assert_int_equal(store_write(ST(state), subscribe_tx, NULL), TERR_OK);
    propose_ok(ST(state), OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING);
    struct counts c = counts(ST(state));
    assert_int_equal(c.first.offer.decided_by, 0);
    assert_int_equal(c.notices, 0); /* the customer hears nothing yet */
    assert_int_equal(c.jobs, 2);    /* offer.proposed, and notification.created for the leads */
    struct lead_notices ln = {0};
    assert_int_equal(store_read(ST(state), lead_notices_tx, &ln), TERR_OK);
    assert_int_equal(ln.n, 1);
    assert_string_equal(ln.v[0].kind, "offer");
    assert_non_null(strstr(ln.v[0].text, "waits for approval"));
    notifications_free(ln.v, ln.n);
    const struct event *ev = find_event(&c, "offer.propose");
    assert_non_null(strstr(ev->after_json, "above agent authority (50.00 EUR)"));
    counts_release(&c);
}

static void bad_proposals_write_nothing(void **state)
{
    struct store *st = ST(state);
    propose_ok(st, OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING);
    struct counts before = counts(st);
    assert_int_equal(propose(st, D.agent, ROLE_AGENT, D.ticket, OFFER_REFUND, -1, "EUR", NULL),
                     TERR_INVALID);
    assert_int_equal(propose(st, D.agent, ROLE_AGENT, D.ticket, OFFER_REFUND, 0, "EUR", NULL),
                     TERR_INVALID);
    assert_int_equal(propose(st, D.agent, ROLE_AGENT, D.ticket, OFFER_REFUND, 100, "eur", NULL),
                     TERR_INVALID);
    assert_int_equal(
        propose(st, D.agent, ROLE_AGENT, D.ticket, (enum offer_kind)99, 100, "EUR", NULL),
        TERR_INVALID);
    assert_int_equal(propose(st, D.agent, ROLE_AGENT, 9999, OFFER_REFUND, 100, "EUR", NULL),
                     TERR_NOT_FOUND);
    struct op_job j = {.op = PROPOSE,
                       .who = {.kind = ACTOR_SYSTEM},
                       .id = D.ticket,
                       .draft = {.kind = OFFER_REFUND, .amount = 100, .currency = "EUR"}};
    assert_int_equal(run(st, &j, NULL), TERR_FORBIDDEN);
    assert_unchanged(st, &before);
}

static void a_closed_ticket_takes_no_offer(void **state)
{
    int64_t closed = seed_ticket(ST(state), STATUS_CLOSED);
    assert_int_equal(
        propose(ST(state), D.agent, ROLE_AGENT, closed, OFFER_REFUND, 100, "EUR", NULL),
        TERR_CONFLICT);
    int64_t resolved = seed_ticket(ST(state), STATUS_RESOLVED);
    assert_int_equal(
        propose(ST(state), D.agent, ROLE_AGENT, resolved, OFFER_REFUND, 100, "EUR", NULL), TERR_OK);
}

/* ---- decisions ---- */

static void an_agent_cannot_approve_and_changes_nothing(void **state)
{
    int64_t o = propose_ok(ST(state), OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING);
    struct counts before = counts(ST(state));
    struct terr_info ei;
    assert_int_equal(decide(ST(state), APPROVE, D.agent, ROLE_AGENT, o, &ei), TERR_FORBIDDEN);
    assert_non_null(strstr(ei.message, "only a lead or admin"));
    assert_int_equal(decide(ST(state), REJECT, D.other, ROLE_AGENT, o, NULL), TERR_FORBIDDEN);
    assert_unchanged(ST(state), &before);
}

static void a_lead_approves_and_the_customer_is_told(void **state)
{
    int64_t o = propose_ok(ST(state), OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING);
    assert_int_equal(decide(ST(state), APPROVE, D.lead, ROLE_LEAD, o, NULL), TERR_OK);
    struct counts c = counts(ST(state));
    assert_int_equal(c.state, OFFER_STATE_APPROVED);
    assert_int_equal(c.first.offer.decided_by, D.lead);
    assert_int_equal(c.first.offer.decided_at, NOW + 10);
    assert_string_equal(c.first.decision_note, "checked");
    const struct event *ev = find_event(&c, "offer.approve");
    assert_non_null(ev);
    assert_int_equal(ev->actor_id, D.lead);
    assert_int_equal(ev->ticket_id, D.ticket);
    assert_string_equal(ev->before_json, "{\"state\":\"pending\"}");
    assert_non_null(strstr(ev->after_json, "\"state\":\"approved\""));
    assert_int_equal(c.notices, 1);
    assert_non_null(strstr(c.out[0].body, "a refund of 80.00 EUR"));
    counts_release(&c);
    /* Deciding again conflicts and changes nothing. */
    struct counts before = counts(ST(state));
    assert_int_equal(decide(ST(state), APPROVE, D.lead, ROLE_LEAD, o, NULL), TERR_CONFLICT);
    assert_int_equal(decide(ST(state), REJECT, D.admin, ROLE_ADMIN, o, NULL), TERR_CONFLICT);
    assert_int_equal(decide(ST(state), WITHDRAW, D.agent, ROLE_AGENT, o, NULL), TERR_CONFLICT);
    assert_unchanged(ST(state), &before);
}

static void above_the_leads_authority_only_an_admin_decides(void **state)
{
    int64_t o = propose_ok(ST(state), OFFER_REFUND, 80000, "EUR", OFFER_STATE_PENDING);
    struct counts before = counts(ST(state));
    struct terr_info ei;
    assert_int_equal(decide(ST(state), APPROVE, D.lead, ROLE_LEAD, o, &ei), TERR_FORBIDDEN);
    assert_non_null(strstr(ei.message, "above lead authority (500.00 EUR)"));
    assert_unchanged(ST(state), &before);
    assert_int_equal(decide(ST(state), APPROVE, D.admin, ROLE_ADMIN, o, NULL), TERR_OK);
}

static void a_rejection_tells_the_customer_nothing(void **state)
{
    int64_t o = propose_ok(ST(state), OFFER_CREDIT, 7550, "EUR", OFFER_STATE_PENDING);
    assert_int_equal(decide(ST(state), REJECT, D.lead, ROLE_LEAD, o, NULL), TERR_OK);
    struct counts c = counts(ST(state));
    assert_int_equal(c.state, OFFER_STATE_REJECTED);
    assert_int_equal(c.notices, 0);
    assert_non_null(find_event(&c, "offer.reject"));
    counts_release(&c);
}

static void an_unknown_offer_is_not_found(void **state)
{
    assert_int_equal(decide(ST(state), APPROVE, D.lead, ROLE_LEAD, 4242, NULL), TERR_NOT_FOUND);
    assert_int_equal(decide(ST(state), WITHDRAW, D.agent, ROLE_AGENT, 4242, NULL), TERR_NOT_FOUND);
}

static void only_the_proposer_withdraws(void **state)
{
    int64_t o = propose_ok(ST(state), OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING);
    struct counts before = counts(ST(state));
    assert_int_equal(decide(ST(state), WITHDRAW, D.other, ROLE_AGENT, o, NULL), TERR_FORBIDDEN);
    assert_int_equal(decide(ST(state), WITHDRAW, D.lead, ROLE_LEAD, o, NULL), TERR_FORBIDDEN);
    assert_unchanged(ST(state), &before);
    assert_int_equal(decide(ST(state), WITHDRAW, D.agent, ROLE_AGENT, o, NULL), TERR_OK);
    struct counts c = counts(ST(state));
    assert_int_equal(c.state, OFFER_STATE_WITHDRAWN);
    assert_int_equal(c.first.offer.decided_by, D.agent);
    assert_int_equal(c.notices, 0);
    assert_non_null(find_event(&c, "offer.withdraw"));
    counts_release(&c);
}

/* Two deciders who both read the offer pending: the store lets one win. */
struct race {
    int64_t id;
    enum terr first, second;
};

static enum terr race_tx(struct store_tx *tx, void *arg)
{
    struct race *r = arg;
    struct offer_record a, b;
    enum terr e = store_offer_get(tx, r->id, &a);
    if (!e)
        e = store_offer_get(tx, r->id, &b);
    if (e)
        return e;
    a.offer.state = OFFER_STATE_APPROVED;
    a.offer.decided_by = D.lead;
    a.offer.decided_at = NOW;
    b.offer.state = OFFER_STATE_REJECTED;
    b.offer.decided_by = D.admin;
    b.offer.decided_at = NOW;
    r->first = store_offer_decide(tx, &a);
    r->second = store_offer_decide(tx, &b);
    offer_record_release(&a);
    offer_record_release(&b);
    return TERR_OK;
}

static void two_racing_decisions_cannot_both_win(void **state)
{
    struct race r = {.id = propose_ok(ST(state), OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING)};
    assert_int_equal(store_write(ST(state), race_tx, &r), TERR_OK);
    assert_int_equal(r.first, TERR_OK);
    assert_int_equal(r.second, TERR_CONFLICT);
    struct counts c = counts(ST(state));
    assert_int_equal(c.state, OFFER_STATE_APPROVED);
    assert_int_equal(c.first.offer.decided_by, D.lead);
    counts_release(&c);
}

/* ---- the policy ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void a_policy_file_replaces_the_default(void **state)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/authority.txt", ((struct fixture *)*state)->dir);
    write_file(path, "agent refund EUR 100.00\n");
    struct terr_info ei;
    assert_int_equal(svc_offer_policy_load(path, &ei), TERR_OK);
    propose_ok(ST(state), OFFER_REFUND, 8000, "EUR", OFFER_STATE_APPROVED);
    /* No rule gives agents credit: it waits. */
    propose_ok(ST(state), OFFER_CREDIT, 100, "EUR", OFFER_STATE_PENDING);
    svc_offer_policy_reset();
    propose_ok(ST(state), OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING);
}

static void a_bad_policy_file_names_its_line_and_changes_nothing(void **state)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/bad.txt", ((struct fixture *)*state)->dir);
    write_file(path, "# fine\nagent refund EUR 100.00\nagent refund EUR lots\n");
    struct terr_info ei;
    assert_int_equal(svc_offer_policy_load(path, &ei), TERR_INVALID);
    char want[PATH_MAX + 8];
    snprintf(want, sizeof(want), "%s:3:", path);
    assert_non_null(strstr(ei.message, want));
    propose_ok(ST(state), OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING);
    snprintf(path, sizeof(path), "%s/missing.txt", ((struct fixture *)*state)->dir);
    assert_int_equal(svc_offer_policy_load(path, &ei), TERR_IO);
}

/* ---- the case link ---- */

struct case_job {
    int64_t ticket;
    char token[LINK_TOKEN_MAX];
    const char *open; /* the token to open; NULL: token */
    struct case_view view;
};

static enum terr case_token_tx(struct store_tx *tx, void *arg)
{
    struct case_job *j = arg;
    return svc_case_token(tx, j->ticket, true, j->token);
}

static enum terr case_view_tx(struct store_tx *tx, void *arg)
{
    struct case_job *j = arg;
    return svc_case_view(tx, j->open ? j->open : j->token, &j->view, NULL);
}

static enum terr add_message_tx(struct store_tx *tx, void *arg)
{
    return store_message_insert(tx, arg);
}

static void add_message(struct store *st, enum author_kind who, const char *body, bool internal)
{
    struct message m = {.ticket_id = D.ticket,
                        .author_kind = who,
                        .body = xstrdup(body),
                        .internal = internal,
                        .created_at = NOW,
                        .analysis_json = xstrdup("{\"risk\":90}")};
    assert_int_equal(store_write(st, add_message_tx, &m), TERR_OK);
    message_release(&m);
}

static void the_case_link_shows_approved_offers_and_public_messages_only(void **state)
{
    struct store *st = ST(state);
    add_message(st, AUTHOR_CUSTOMER, "Where is my parcel?", false);
    add_message(st, AUTHOR_AGENT, "customer sounds furious", true);
    add_message(st, AUTHOR_AGENT, "We are on it.", false);
    int64_t approved = propose_ok(st, OFFER_DISCOUNT, 1000, "EUR", OFFER_STATE_APPROVED);
    int64_t pending = propose_ok(st, OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING);
    int64_t rejected = propose_ok(st, OFFER_CREDIT, 9000, "EUR", OFFER_STATE_PENDING);
    assert_int_equal(decide(st, REJECT, D.lead, ROLE_LEAD, rejected, NULL), TERR_OK);
    struct case_job j = {.ticket = D.ticket};
    assert_int_equal(store_write(st, case_token_tx, &j), TERR_OK);
    assert_int_equal(store_read(st, case_view_tx, &j), TERR_OK);
    assert_int_equal(j.view.ticket.id, D.ticket);
    assert_int_equal(j.view.n_messages, 2);
    assert_string_equal(j.view.messages[0].body, "Where is my parcel?");
    assert_string_equal(j.view.messages[1].body, "We are on it.");
    assert_int_equal(j.view.n_offers, 1);
    assert_int_equal(j.view.offers[0].offer.id, approved);
    case_view_release(&j.view);
    /* Once the lead approves the pending one, it shows too. */
    assert_int_equal(decide(st, APPROVE, D.lead, ROLE_LEAD, pending, NULL), TERR_OK);
    assert_int_equal(store_read(st, case_view_tx, &j), TERR_OK);
    assert_int_equal(j.view.n_offers, 2);
    assert_int_equal(j.view.offers[1].offer.id, pending);
    case_view_release(&j.view);
}

static void forged_and_foreign_case_tokens_are_not_found(void **state)
{
    struct store *st = ST(state);
    struct case_job j = {.ticket = D.ticket};
    /* No key yet: nothing opens. */
    j.open =
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_int_equal(store_read(st, case_view_tx, &j), TERR_NOT_FOUND);
    j.open = NULL;
    assert_int_equal(store_write(st, case_token_tx, &j), TERR_OK);
    char altered[LINK_TOKEN_MAX];
    memcpy(altered, j.token, sizeof(altered));
    altered[30] = altered[30] == 'x' ? 'y' : 'x';
    j.open = altered;
    assert_int_equal(store_read(st, case_view_tx, &j), TERR_NOT_FOUND);
    /* Signed with the survey key, for the same id: another kind of link. */
    unsigned char key[LINK_KEY_LEN];
    link_key_new(key);
    char foreign[LINK_TOKEN_MAX];
    link_token_make(key, D.ticket, 0, foreign);
    j.open = foreign;
    assert_int_equal(store_read(st, case_view_tx, &j), TERR_NOT_FOUND);
    /* A token for a ticket that does not exist. */
    struct case_job gone = {.ticket = 9999};
    assert_int_equal(store_write(st, case_token_tx, &gone), TERR_OK);
    assert_int_equal(store_read(st, case_view_tx, &gone), TERR_NOT_FOUND);
    /* The genuine one opens, again and again. */
    j.open = NULL;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(store_read(st, case_view_tx, &j), TERR_OK);
        case_view_release(&j.view);
    }
}

static enum terr many_messages_tx(struct store_tx *tx, void *arg)
{
    int n = *(int *)arg;
    enum terr e = TERR_OK;
    for (int i = 0; i < n && !e; i++) {
        char body[32];
        snprintf(body, sizeof(body), "message %d", i);
        struct message m = {.ticket_id = D.ticket,
                            .author_kind = AUTHOR_CUSTOMER,
                            .body = xstrdup(body),
                            .created_at = NOW + i};
        e = store_message_insert(tx, &m);
        message_release(&m);
    }
    return e;
}

static void a_long_thread_shows_its_newest_messages(void **state)
{
    int n = CASE_MESSAGES_MAX + 2;
    assert_int_equal(store_write(ST(state), many_messages_tx, &n), TERR_OK);
    struct case_job j = {.ticket = D.ticket};
    assert_int_equal(store_write(ST(state), case_token_tx, &j), TERR_OK);
    assert_int_equal(store_read(ST(state), case_view_tx, &j), TERR_OK);
    assert_int_equal(j.view.n_messages, CASE_MESSAGES_MAX);
    assert_string_equal(j.view.messages[0].body, "message 2");
    char last[32];
    snprintf(last, sizeof(last), "message %d", n - 1);
    assert_string_equal(j.view.messages[CASE_MESSAGES_MAX - 1].body, last);
    case_view_release(&j.view);
}

static void offers_in_plain_words(void **state)
{
    (void)state;
    struct offer o = {.kind = OFFER_REFUND, .amount = 8000, .currency = "EUR"};
    char w[160];
    svc_offer_words(&o, w, sizeof(w));
    assert_string_equal(w, "a refund of 80.00 EUR");
    o = (struct offer){.kind = OFFER_CREDIT, .amount = 500, .currency = "JPY"};
    svc_offer_words(&o, w, sizeof(w));
    assert_string_equal(w, "a credit of 500 JPY on your account");
    o = (struct offer){.kind = OFFER_REPLACEMENT};
    svc_offer_words(&o, w, sizeof(w));
    assert_string_equal(w, "a replacement");
    o = (struct offer){.kind = OFFER_APOLOGY_ONLY};
    svc_offer_words(&o, w, sizeof(w));
    assert_string_equal(w, "our apology");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(within_authority_is_approved_at_once_and_told),
        T(above_authority_waits_and_tells_only_the_leads),
        T(bad_proposals_write_nothing),
        T(a_closed_ticket_takes_no_offer),
        T(an_agent_cannot_approve_and_changes_nothing),
        T(a_lead_approves_and_the_customer_is_told),
        T(above_the_leads_authority_only_an_admin_decides),
        T(a_rejection_tells_the_customer_nothing),
        T(an_unknown_offer_is_not_found),
        T(only_the_proposer_withdraws),
        T(two_racing_decisions_cannot_both_win),
        T(a_policy_file_replaces_the_default),
        T(a_bad_policy_file_names_its_line_and_changes_nothing),
        T(the_case_link_shows_approved_offers_and_public_messages_only),
        T(forged_and_foreign_case_tokens_are_not_found),
        T(a_long_thread_shows_its_newest_messages),
        T(offers_in_plain_words),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
