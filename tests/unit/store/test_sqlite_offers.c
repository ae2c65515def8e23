/*
 * Offers through the store (src/store/sqlite/sqlite_offers.c): what goes in
 * comes back, a decision is written once and only on a pending offer, and
 * the lists filter and page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/store_offers.h"
#include "store_fixture.h"

#define ST(state) (((struct fixture *)*(state))->st)

static int64_t seed_ticket(struct store *st)
{
    int64_t cid = seed_customer(st, "Cy", NULL);
    struct ticket t = {.subject = xstrdup("s"),
                       .channel = CHANNEL_EMAIL,
                       .customer_id = cid,
                       .created_at = 1000,
                       .updated_at = 1000};
    assert_int_equal(store_write(st, tx_ticket_insert, &t), TERR_OK);
    int64_t id = t.id;
    ticket_release(&t);
    return id;
}

static enum terr insert_tx(struct store_tx *tx, void *arg)
{
    return store_offer_insert(tx, arg);
}

static int64_t insert(struct store *st, int64_t ticket, int64_t agent, enum offer_kind kind,
                      int64_t amount, const char *currency, enum offer_state state)
{
    struct offer_record r = {.offer = {.ticket_id = ticket,
                                       .kind = kind,
                                       .amount = amount,
                                       .state = state,
                                       .proposed_by = agent,
                                       .proposer_role = ROLE_AGENT,
                                       .proposed_at = 2000}};
    snprintf(r.offer.currency, sizeof(r.offer.currency), "%s", currency);
    if (state != OFFER_STATE_PENDING) {
        r.offer.decided_by = agent;
        r.offer.decided_at = 2000;
    }
    r.note = xstrdup("why");
    assert_int_equal(store_write(st, insert_tx, &r), TERR_OK);
    int64_t id = r.offer.id;
    offer_record_release(&r);
    return id;
}

struct get_job {
    int64_t id;
    struct offer_record r;
};

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct get_job *j = arg;
    return store_offer_get(tx, j->id, &j->r);
}

static void an_offer_comes_back_as_stored(void **state)
{
    int64_t t = seed_ticket(ST(state)), a = seed_agent(ST(state), "A", "a@x.test");
    struct get_job j = {
        .id = insert(ST(state), t, a, OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING)};
    assert_int_equal(store_read(ST(state), get_tx, &j), TERR_OK);
    assert_int_equal(j.r.offer.ticket_id, t);
    assert_int_equal(j.r.offer.kind, OFFER_REFUND);
    assert_int_equal(j.r.offer.amount, 8000);
    assert_string_equal(j.r.offer.currency, "EUR");
    assert_int_equal(j.r.offer.state, OFFER_STATE_PENDING);
    assert_int_equal(j.r.offer.proposed_by, a);
    assert_int_equal(j.r.offer.proposer_role, ROLE_AGENT);
    assert_int_equal(j.r.offer.decided_by, 0);
    assert_string_equal(j.r.note, "why");
    assert_null(j.r.decision_note);
    offer_record_release(&j.r);
    /* An apology has no currency: stored as '' and read back empty. */
    j.id = insert(ST(state), t, a, OFFER_APOLOGY_ONLY, 0, "", OFFER_STATE_APPROVED);
    assert_int_equal(store_read(ST(state), get_tx, &j), TERR_OK);
    assert_string_equal(j.r.offer.currency, "");
    assert_int_equal(j.r.offer.decided_at, 2000);
    offer_record_release(&j.r);
    j.id = 999;
    assert_int_equal(store_read(ST(state), get_tx, &j), TERR_NOT_FOUND);
}

static void an_offer_needs_its_ticket_and_proposer(void **state)
{
    int64_t t = seed_ticket(ST(state)), a = seed_agent(ST(state), "A", "a@x.test");
    struct offer_record r = {.offer = {.ticket_id = t + 50,
                                       .kind = OFFER_REFUND,
                                       .amount = 1,
                                       .currency = "EUR",
                                       .proposed_by = a}};
    assert_int_equal(store_write(ST(state), insert_tx, &r), TERR_NOT_FOUND);
    r.offer.ticket_id = t;
    r.offer.proposed_by = a + 50;
    assert_int_equal(store_write(ST(state), insert_tx, &r), TERR_NOT_FOUND);
}

static enum terr decide_tx(struct store_tx *tx, void *arg)
{
    return store_offer_decide(tx, arg);
}

static void a_decision_lands_once_and_only_on_a_pending_offer(void **state)
{
    int64_t t = seed_ticket(ST(state)), a = seed_agent(ST(state), "A", "a@x.test");
    struct get_job j = {
        .id = insert(ST(state), t, a, OFFER_REFUND, 8000, "EUR", OFFER_STATE_PENDING)};
    assert_int_equal(store_read(ST(state), get_tx, &j), TERR_OK);
    struct offer_record stale = j.r; /* a second decider's copy, read pending too */
    stale.note = NULL;
    j.r.offer.state = OFFER_STATE_APPROVED;
    j.r.offer.decided_by = a;
    j.r.offer.decided_at = 3000;
    j.r.decision_note = xstrdup("ok");
    assert_int_equal(store_write(ST(state), decide_tx, &j.r), TERR_OK);
    stale.offer.state = OFFER_STATE_REJECTED;
    stale.offer.decided_by = a;
    stale.offer.decided_at = 3001;
    assert_int_equal(store_write(ST(state), decide_tx, &stale), TERR_CONFLICT);
    offer_record_release(&j.r);
    assert_int_equal(store_read(ST(state), get_tx, &j), TERR_OK);
    assert_int_equal(j.r.offer.state, OFFER_STATE_APPROVED);
    assert_int_equal(j.r.offer.decided_at, 3000);
    assert_string_equal(j.r.decision_note, "ok");
    j.r.offer.id = 999;
    assert_int_equal(store_write(ST(state), decide_tx, &j.r), TERR_NOT_FOUND);
    offer_record_release(&j.r);
}

struct list_job {
    struct offer_query q;
    struct offer_record *v;
    size_t n;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    return store_offer_list(tx, &j->q, &j->v, &j->n);
}

/* The ids of a list, "1,2,3". */
static void ids(struct store *st, const struct offer_query *q, char *out, size_t n)
{
    struct list_job j = {.q = *q};
    assert_int_equal(store_read(st, list_tx, &j), TERR_OK);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < j.n; i++)
        used += (size_t)snprintf(out + used, n - used, "%s%lld", i ? "," : "",
                                 (long long)j.v[i].offer.id);
    offer_records_free(j.v, j.n);
}

static void lists_filter_by_ticket_and_state_and_page(void **state)
{
    struct store *st = ST(state);
    int64_t t1 = seed_ticket(st), t2 = seed_ticket(st), a = seed_agent(st, "A", "a@x.test");
    insert(st, t1, a, OFFER_REFUND, 100, "EUR", OFFER_STATE_PENDING);  /* 1 */
    insert(st, t1, a, OFFER_CREDIT, 100, "EUR", OFFER_STATE_APPROVED); /* 2 */
    insert(st, t2, a, OFFER_REFUND, 100, "EUR", OFFER_STATE_PENDING);  /* 3 */
    insert(st, t2, a, OFFER_REFUND, 100, "EUR", OFFER_STATE_REJECTED); /* 4 */
    insert(st, t1, a, OFFER_REFUND, 100, "EUR", OFFER_STATE_PENDING);  /* 5 */
    char got[64];
    ids(st, &(struct offer_query){.has_state = true, .state = OFFER_STATE_PENDING}, got,
        sizeof(got));
    assert_string_equal(got, "1,3,5");
    ids(st,
        &(struct offer_query){
            .has_state = true, .state = OFFER_STATE_PENDING, .after_id = 1, .limit = 1},
        got, sizeof(got));
    assert_string_equal(got, "3");
    ids(st, &(struct offer_query){.ticket_id = t1}, got, sizeof(got));
    assert_string_equal(got, "1,2,5");
    ids(st,
        &(struct offer_query){.ticket_id = t2, .has_state = true, .state = OFFER_STATE_REJECTED},
        got, sizeof(got));
    assert_string_equal(got, "4");
    ids(st, &(struct offer_query){.after_id = 2, .limit = 2}, got, sizeof(got));
    assert_string_equal(got, "3,4");
    ids(st, &(struct offer_query){.has_state = true, .state = OFFER_STATE_APPROVED}, got,
        sizeof(got));
    assert_string_equal(got, "2");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, store_setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(an_offer_comes_back_as_stored),
        T(an_offer_needs_its_ticket_and_proposer),
        T(a_decision_lands_once_and_only_on_a_pending_offer),
        T(lists_filter_by_ticket_and_state_and_page),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
