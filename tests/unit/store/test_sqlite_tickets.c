/*
 * Tickets, messages, audit events and idempotency records through the store
 * (src/store/sqlite/sqlite_tickets.c): round trips, every field of an update,
 * the filters and keyset paging of each sort order, internal notes, event
 * order and the first-answer-wins rule of idempotency keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store_fixture.h"

#define ST(state) (((struct fixture *)*(state))->st)

struct get_ticket {
    int64_t id;
    struct ticket out;
};

static enum terr tx_ticket_get(struct store_tx *tx, void *arg)
{
    struct get_ticket *g = arg;
    return store_ticket_get(tx, g->id, &g->out);
}

static enum terr tx_ticket_update(struct store_tx *tx, void *arg)
{
    return store_ticket_update(tx, arg);
}

struct list_tickets {
    struct ticket_query q;
    struct ticket *v;
    size_t n;
};

static enum terr tx_ticket_list(struct store_tx *tx, void *arg)
{
    struct list_tickets *l = arg;
    return store_ticket_list(tx, &l->q, &l->v, &l->n);
}

/* A ticket with every field set; the caller releases it. */
static struct ticket full_ticket(int64_t customer_id, int64_t assignee_id)
{
    struct ticket t = {
        .subject = xstrdup("Refund for order #1234"),
        .status = STATUS_PENDING,
        .priority = PRIORITY_HIGH,
        .channel = CHANNEL_EMAIL,
        .customer_id = customer_id,
        .assignee_id = assignee_id,
        .created_at = 1700000000001,
        .updated_at = 1700000000002,
        .first_response_at = 1700000000003,
        .resolved_at = 1700000000004,
        .risk = 67,
        .level = LEVEL_HEATED,
        .category = xstrdup("billing"),
    };
    strlist_push(&t.tags, "refund");
    strlist_push(&t.tags, "vip");
    return t;
}

static int64_t seed_ticket(struct store *st, struct ticket *t)
{
    assert_int_equal(store_write(st, tx_ticket_insert, t), TERR_OK);
    assert_true(t->id > 0);
    return t->id;
}

static void assert_ticket_equal(const struct ticket *got, const struct ticket *want)
{
    assert_int_equal(got->id, want->id);
    assert_string_equal(got->subject, want->subject);
    assert_int_equal(got->status, want->status);
    assert_int_equal(got->priority, want->priority);
    assert_int_equal(got->channel, want->channel);
    assert_int_equal(got->customer_id, want->customer_id);
    assert_int_equal(got->assignee_id, want->assignee_id);
    assert_int_equal(got->created_at, want->created_at);
    assert_int_equal(got->updated_at, want->updated_at);
    assert_int_equal(got->first_response_at, want->first_response_at);
    assert_int_equal(got->resolved_at, want->resolved_at);
    assert_int_equal(got->risk, want->risk);
    assert_int_equal(got->level, want->level);
    if (want->category)
        assert_string_equal(got->category, want->category);
    else
        assert_null(got->category);
    assert_int_equal(got->tags.n, want->tags.n);
    for (size_t i = 0; i < want->tags.n; i++)
        assert_string_equal(got->tags.v[i], want->tags.v[i]);
}

/* ---- tickets ---- */

static void test_ticket_insert_then_get_round_trips(void **state)
{
    int64_t cu = seed_customer(ST(state), "Ada", "ada@example.com");
    int64_t ag = seed_agent(ST(state), "Grace", "grace@desk.test");
    struct ticket t = full_ticket(cu, ag);
    seed_ticket(ST(state), &t);

    struct get_ticket g = {.id = t.id};
    assert_int_equal(store_read(ST(state), tx_ticket_get, &g), TERR_OK);
    assert_ticket_equal(&g.out, &t);
    ticket_release(&g.out);
    ticket_release(&t);
}

static void test_ticket_unset_fields_come_back_as_none(void **state)
{
    int64_t cu = seed_customer(ST(state), "Ada", "ada@example.com");
    struct ticket t = {.subject = xstrdup("Hello"),
                       .channel = CHANNEL_WEB,
                       .customer_id = cu,
                       .created_at = 5,
                       .updated_at = 5};
    seed_ticket(ST(state), &t);

    struct get_ticket g = {.id = t.id};
    assert_int_equal(store_read(ST(state), tx_ticket_get, &g), TERR_OK);
    assert_ticket_equal(&g.out, &t);
    assert_int_equal(g.out.status, STATUS_NEW);
    assert_int_equal(g.out.assignee_id, 0);
    assert_int_equal(g.out.first_response_at, 0);
    assert_int_equal(g.out.resolved_at, 0);
    assert_null(g.out.category);
    assert_int_equal(g.out.tags.n, 0);
    ticket_release(&g.out);
    ticket_release(&t);
}

static void test_ticket_get_unknown_id_is_not_found(void **state)
{
    struct get_ticket g = {.id = 4242};
    assert_int_equal(store_read(ST(state), tx_ticket_get, &g), TERR_NOT_FOUND);
}

static void test_ticket_for_unknown_customer_is_not_found(void **state)
{
    struct ticket t = full_ticket(4242, 0);
    assert_int_equal(store_write(ST(state), tx_ticket_insert, &t), TERR_NOT_FOUND);
    ticket_release(&t);
    struct list_tickets l = {.q = {.limit = 10}};
    assert_int_equal(store_read(ST(state), tx_ticket_list, &l), TERR_OK);
    assert_int_equal(l.n, 0);
    tickets_free(l.v, l.n);
}

static void test_ticket_update_changes_every_field(void **state)
{
    int64_t cu1 = seed_customer(ST(state), "Ada", "ada@example.com");
    int64_t cu2 = seed_customer(ST(state), "Bob", "bob@example.com");
    int64_t ag1 = seed_agent(ST(state), "Grace", "grace@desk.test");
    int64_t ag2 = seed_agent(ST(state), "Linus", "linus@desk.test");
    struct ticket t = full_ticket(cu1, ag1);
    seed_ticket(ST(state), &t);

    struct ticket u = {
        .id = t.id,
        .subject = xstrdup("Refund sent, awaiting confirmation"),
        .status = STATUS_RESOLVED,
        .priority = PRIORITY_URGENT,
        .channel = CHANNEL_CHAT,
        .customer_id = cu2,
        .assignee_id = ag2,
        .created_at = 1800000000001,
        .updated_at = 1800000000002,
        .first_response_at = 1800000000003,
        .resolved_at = 1800000000004,
        .risk = 3,
        .level = LEVEL_HOSTILE,
        .category = xstrdup("shipping"),
    };
    strlist_push(&u.tags, "escalated");
    assert_int_equal(store_write(ST(state), tx_ticket_update, &u), TERR_OK);

    struct get_ticket g = {.id = t.id};
    assert_int_equal(store_read(ST(state), tx_ticket_get, &g), TERR_OK);
    assert_ticket_equal(&g.out, &u);
    ticket_release(&g.out);
    ticket_release(&u);
    ticket_release(&t);
}

static void test_ticket_update_can_unassign_and_clear(void **state)
{
    int64_t cu = seed_customer(ST(state), "Ada", "ada@example.com");
    int64_t ag = seed_agent(ST(state), "Grace", "grace@desk.test");
    struct ticket t = full_ticket(cu, ag);
    seed_ticket(ST(state), &t);

    t.assignee_id = 0;
    t.first_response_at = 0;
    t.resolved_at = 0;
    free(t.category);
    t.category = NULL;
    strlist_release(&t.tags);
    assert_int_equal(store_write(ST(state), tx_ticket_update, &t), TERR_OK);

    struct get_ticket g = {.id = t.id};
    assert_int_equal(store_read(ST(state), tx_ticket_get, &g), TERR_OK);
    assert_ticket_equal(&g.out, &t);
    ticket_release(&g.out);
    ticket_release(&t);
}

static void test_ticket_update_unknown_id_is_not_found(void **state)
{
    int64_t cu = seed_customer(ST(state), "Ada", "ada@example.com");
    struct ticket t = full_ticket(cu, 0);
    t.id = 4242;
    assert_int_equal(store_write(ST(state), tx_ticket_update, &t), TERR_NOT_FOUND);
    ticket_release(&t);
}

static void test_ticket_sort_key_follows_sort_order(void **state)
{
    (void)state;
    struct ticket t = {.id = 17, .risk = 42, .updated_at = 1700000000999};
    assert_int_equal(store_ticket_sort_key(&t, SORT_RISK), 42);
    assert_int_equal(store_ticket_sort_key(&t, SORT_UPDATED), 1700000000999);
    assert_int_equal(store_ticket_sort_key(&t, SORT_CREATED), 17);
}

/*
 * The listing desk: eight tickets over two customers and two agents, with
 * ties in risk and in updated_at so the id tie-break shows.
 *
 *  #  risk updated status   level    assignee customer
 *  1   50  1000   new      calm     a1       c1
 *  2   90  3000   open     hostile  -        c2
 *  3   50  2000   open     tense    a2       c1
 *  4   10  3000   pending  calm     a1       c2
 *  5   90   500   new      heated   -        c1
 *  6   50  3000   resolved tense    a1       c1
 *  7    0  4000   closed   calm     -        c2
 *  8   75  1500   open     hostile  a2       c2
 */
struct desk {
    int64_t c[2], a[2];
    int64_t t[9]; /* t[1]..t[8]: ticket ids by row number */
};

static void seed_desk(struct store *st, struct desk *d)
{
    static const struct {
        int risk;
        int64_t updated;
        enum ticket_status status;
        enum level level;
        int assignee; /* 0: none, 1: a1, 2: a2 */
        int customer; /* 1: c1, 2: c2 */
    } rows[] = {
        {50, 1000, STATUS_NEW, LEVEL_CALM, 1, 1},   {90, 3000, STATUS_OPEN, LEVEL_HOSTILE, 0, 2},
        {50, 2000, STATUS_OPEN, LEVEL_TENSE, 2, 1}, {10, 3000, STATUS_PENDING, LEVEL_CALM, 1, 2},
        {90, 500, STATUS_NEW, LEVEL_HEATED, 0, 1},  {50, 3000, STATUS_RESOLVED, LEVEL_TENSE, 1, 1},
        {0, 4000, STATUS_CLOSED, LEVEL_CALM, 0, 2}, {75, 1500, STATUS_OPEN, LEVEL_HOSTILE, 2, 2},
    };
    d->c[0] = seed_customer(st, "C1", "c1@example.com");
    d->c[1] = seed_customer(st, "C2", "c2@example.com");
    d->a[0] = seed_agent(st, "A1", "a1@desk.test");
    d->a[1] = seed_agent(st, "A2", "a2@desk.test");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char subject[32];
        snprintf(subject, sizeof(subject), "ticket %zu", i + 1);
        struct ticket t = {
            .subject = xstrdup(subject),
            .status = rows[i].status,
            .channel = CHANNEL_EMAIL,
            .customer_id = d->c[rows[i].customer - 1],
            .assignee_id = rows[i].assignee ? d->a[rows[i].assignee - 1] : 0,
            .created_at = 100 + (int64_t)i,
            .updated_at = rows[i].updated,
            .risk = rows[i].risk,
            .level = rows[i].level,
        };
        d->t[i + 1] = seed_ticket(st, &t);
        ticket_release(&t);
    }
}

/* Lists with q, page by page (limit `page`), and checks the rows are the desk
 * tickets `want` (row numbers, 0-terminated) in that order. */
static void assert_listing(struct store *st, const struct desk *d, struct ticket_query q,
                           size_t page, const int *want)
{
    size_t n_want = 0;
    while (want[n_want])
        n_want++;
    size_t seen = 0, pages = 0;
    q.limit = page;
    q.has_after = false;
    for (;;) {
        struct list_tickets l = {.q = q};
        assert_int_equal(store_read(st, tx_ticket_list, &l), TERR_OK);
        assert_true(l.n <= page);
        for (size_t i = 0; i < l.n; i++) {
            assert_true(seen < n_want);
            assert_int_equal(l.v[i].id, d->t[want[seen]]);
            seen++;
        }
        pages++;
        bool last = l.n < page;
        if (l.n) {
            q.has_after = true;
            q.after_key = store_ticket_sort_key(&l.v[l.n - 1], q.sort);
            q.after_id = l.v[l.n - 1].id;
        }
        tickets_free(l.v, l.n);
        if (last)
            break;
        assert_true(pages <= n_want + 1); /* a cursor that never advances */
    }
    assert_int_equal(seen, n_want);
    assert_int_equal(pages, n_want / page + 1);
}

static void test_ticket_list_by_risk_breaks_ties_by_newest(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    struct list_tickets l = {.q = {.sort = SORT_RISK, .limit = 100}};
    assert_int_equal(store_read(ST(state), tx_ticket_list, &l), TERR_OK);
    static const int want[] = {5, 2, 8, 6, 3, 1, 4, 7};
    assert_int_equal(l.n, 8);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(l.v[i].id, d.t[want[i]]);
    /* rows come back whole */
    assert_string_equal(l.v[0].subject, "ticket 5");
    assert_int_equal(l.v[0].risk, 90);
    assert_int_equal(l.v[0].level, LEVEL_HEATED);
    tickets_free(l.v, l.n);
}

static void test_ticket_list_pages_by_risk(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    static const int want[] = {5, 2, 8, 6, 3, 1, 4, 7, 0};
    for (size_t page = 1; page <= 9; page++)
        assert_listing(ST(state), &d, (struct ticket_query){.sort = SORT_RISK}, page, want);
}

static void test_ticket_list_pages_by_updated(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    static const int want[] = {7, 6, 4, 2, 3, 8, 1, 5, 0};
    for (size_t page = 1; page <= 9; page++)
        assert_listing(ST(state), &d, (struct ticket_query){.sort = SORT_UPDATED}, page, want);
}

static void test_ticket_list_pages_by_created(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    static const int want[] = {8, 7, 6, 5, 4, 3, 2, 1, 0};
    for (size_t page = 1; page <= 9; page++)
        assert_listing(ST(state), &d, (struct ticket_query){.sort = SORT_CREATED}, page, want);
}

static void test_ticket_list_filters_by_status(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    assert_listing(
        ST(state), &d,
        (struct ticket_query){.has_status = true, .status = STATUS_OPEN, .sort = SORT_CREATED}, 2,
        (const int[]){8, 3, 2, 0});
    /* STATUS_NEW is enum value 0: has_status, not the value, turns the filter on */
    assert_listing(
        ST(state), &d,
        (struct ticket_query){.has_status = true, .status = STATUS_NEW, .sort = SORT_CREATED}, 2,
        (const int[]){5, 1, 0});
}

static void test_ticket_list_filters_by_level(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    assert_listing(
        ST(state), &d,
        (struct ticket_query){.has_level = true, .level = LEVEL_CALM, .sort = SORT_CREATED}, 2,
        (const int[]){7, 4, 1, 0});
    assert_listing(
        ST(state), &d,
        (struct ticket_query){.has_level = true, .level = LEVEL_HOSTILE, .sort = SORT_RISK}, 1,
        (const int[]){2, 8, 0});
}

static void test_ticket_list_filters_by_assignee(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    assert_listing(ST(state), &d,
                   (struct ticket_query){.assignee_id = d.a[0], .sort = SORT_CREATED}, 2,
                   (const int[]){6, 4, 1, 0});
    assert_listing(ST(state), &d,
                   (struct ticket_query){.assignee_id = d.a[1], .sort = SORT_UPDATED}, 5,
                   (const int[]){3, 8, 0});
}

static void test_ticket_list_filters_unassigned(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    assert_listing(ST(state), &d, (struct ticket_query){.assignee_id = -1, .sort = SORT_CREATED}, 2,
                   (const int[]){7, 5, 2, 0});
    assert_listing(ST(state), &d, (struct ticket_query){.assignee_id = -1, .sort = SORT_RISK}, 2,
                   (const int[]){5, 2, 7, 0});
}

static void test_ticket_list_filters_by_customer(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    assert_listing(ST(state), &d,
                   (struct ticket_query){.customer_id = d.c[1], .sort = SORT_CREATED}, 3,
                   (const int[]){8, 7, 4, 2, 0});
    assert_listing(ST(state), &d, (struct ticket_query){.customer_id = d.c[1], .sort = SORT_RISK},
                   1, (const int[]){2, 8, 4, 7, 0});
}

static void test_ticket_list_combines_filters(void **state)
{
    struct desk d;
    seed_desk(ST(state), &d);
    assert_listing(
        ST(state), &d,
        (struct ticket_query){
            .customer_id = d.c[0], .has_status = true, .status = STATUS_NEW, .sort = SORT_RISK},
        1, (const int[]){5, 1, 0});
    assert_listing(
        ST(state), &d,
        (struct ticket_query){
            .has_level = true, .level = LEVEL_TENSE, .assignee_id = d.a[1], .sort = SORT_CREATED},
        3, (const int[]){3, 0});
    assert_listing(
        ST(state), &d,
        (struct ticket_query){.customer_id = d.c[1], .assignee_id = -1, .sort = SORT_UPDATED}, 1,
        (const int[]){7, 2, 0});
    /* a combination nothing matches */
    assert_listing(ST(state), &d,
                   (struct ticket_query){.customer_id = d.c[0],
                                         .has_status = true,
                                         .status = STATUS_CLOSED,
                                         .sort = SORT_CREATED},
                   3, (const int[]){0});
}

/* ---- messages ---- */

struct list_messages {
    int64_t ticket_id;
    bool with_internal;
    struct message *v;
    size_t n;
};

static enum terr tx_message_insert(struct store_tx *tx, void *arg)
{
    return store_message_insert(tx, arg);
}

static enum terr tx_message_list(struct store_tx *tx, void *arg)
{
    struct list_messages *l = arg;
    return store_message_list(tx, l->ticket_id, l->with_internal, &l->v, &l->n);
}

static int64_t seed_message(struct store *st, int64_t ticket_id, enum author_kind kind,
                            int64_t author_id, const char *body, bool internal)
{
    struct message m = {.ticket_id = ticket_id,
                        .author_kind = kind,
                        .author_id = author_id,
                        .body = xstrdup(body),
                        .internal = internal,
                        .channel = CHANNEL_EMAIL,
                        .created_at = 2000};
    assert_int_equal(store_write(st, tx_message_insert, &m), TERR_OK);
    assert_true(m.id > 0);
    int64_t id = m.id;
    message_release(&m);
    return id;
}

/* A customer, an agent and one ticket, for the message and event tests. */
struct thread_of {
    int64_t customer, agent, ticket, other_ticket;
};

static void seed_thread(struct store *st, struct thread_of *th)
{
    th->customer = seed_customer(st, "Ada", "ada@example.com");
    th->agent = seed_agent(st, "Grace", "grace@desk.test");
    struct ticket t = full_ticket(th->customer, th->agent);
    th->ticket = seed_ticket(st, &t);
    ticket_release(&t);
    t = full_ticket(th->customer, 0);
    th->other_ticket = seed_ticket(st, &t);
    ticket_release(&t);
}

static void test_message_insert_then_list_round_trips(void **state)
{
    struct thread_of th;
    seed_thread(ST(state), &th);
    struct message m = {.ticket_id = th.ticket,
                        .author_kind = AUTHOR_CUSTOMER,
                        .author_id = th.customer,
                        .body = xstrdup("Where is my refund?"),
                        .channel = CHANNEL_CHAT,
                        .created_at = 1700000000777,
                        .analysis_json = xstrdup("{\"level\":\"tense\"}")};
    assert_int_equal(store_write(ST(state), tx_message_insert, &m), TERR_OK);
    assert_true(m.id > 0);

    struct list_messages l = {.ticket_id = th.ticket};
    assert_int_equal(store_read(ST(state), tx_message_list, &l), TERR_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].id, m.id);
    assert_int_equal(l.v[0].ticket_id, th.ticket);
    assert_int_equal(l.v[0].author_kind, AUTHOR_CUSTOMER);
    assert_int_equal(l.v[0].author_id, th.customer);
    assert_string_equal(l.v[0].body, "Where is my refund?");
    assert_false(l.v[0].internal);
    assert_int_equal(l.v[0].channel, CHANNEL_CHAT);
    assert_int_equal(l.v[0].created_at, 1700000000777);
    assert_string_equal(l.v[0].analysis_json, "{\"level\":\"tense\"}");
    assert_null(l.v[0].coach_json);
    messages_free(l.v, l.n);
    message_release(&m);
}

static void test_message_keeps_its_coach_review(void **state)
{
    struct thread_of th;
    seed_thread(ST(state), &th);
    struct message m = {.ticket_id = th.ticket,
                        .author_kind = AUTHOR_AGENT,
                        .author_id = th.agent,
                        .body = xstrdup("Refunded today."),
                        .channel = CHANNEL_EMAIL,
                        .created_at = 1700000000888,
                        .coach_json = xstrdup("{\"findings\":[]}")};
    assert_int_equal(store_write(ST(state), tx_message_insert, &m), TERR_OK);
    struct list_messages l = {.ticket_id = th.ticket};
    assert_int_equal(store_read(ST(state), tx_message_list, &l), TERR_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].coach_json, "{\"findings\":[]}");
    assert_null(l.v[0].analysis_json);
    messages_free(l.v, l.n);
    message_release(&m);
}

static void test_message_list_is_oldest_first_with_internal_notes(void **state)
{
    struct thread_of th;
    seed_thread(ST(state), &th);
    int64_t m1 = seed_message(ST(state), th.ticket, AUTHOR_CUSTOMER, th.customer, "one", false);
    int64_t m2 = seed_message(ST(state), th.ticket, AUTHOR_AGENT, th.agent, "note", true);
    seed_message(ST(state), th.other_ticket, AUTHOR_CUSTOMER, th.customer, "elsewhere", false);
    int64_t m3 = seed_message(ST(state), th.ticket, AUTHOR_SYSTEM, 0, "three", false);

    struct list_messages l = {.ticket_id = th.ticket, .with_internal = true};
    assert_int_equal(store_read(ST(state), tx_message_list, &l), TERR_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[0].id, m1);
    assert_int_equal(l.v[1].id, m2);
    assert_true(l.v[1].internal);
    assert_string_equal(l.v[1].body, "note");
    assert_int_equal(l.v[2].id, m3);
    assert_int_equal(l.v[2].author_kind, AUTHOR_SYSTEM);
    assert_int_equal(l.v[2].author_id, 0);
    assert_null(l.v[2].analysis_json);
    messages_free(l.v, l.n);
}

static void test_message_list_hides_internal_notes(void **state)
{
    struct thread_of th;
    seed_thread(ST(state), &th);
    int64_t m1 = seed_message(ST(state), th.ticket, AUTHOR_CUSTOMER, th.customer, "one", false);
    seed_message(ST(state), th.ticket, AUTHOR_AGENT, th.agent, "note", true);
    int64_t m3 = seed_message(ST(state), th.ticket, AUTHOR_AGENT, th.agent, "reply", false);

    struct list_messages l = {.ticket_id = th.ticket, .with_internal = false};
    assert_int_equal(store_read(ST(state), tx_message_list, &l), TERR_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].id, m1);
    assert_int_equal(l.v[1].id, m3);
    assert_false(l.v[0].internal);
    assert_false(l.v[1].internal);
    messages_free(l.v, l.n);
}

static void test_message_list_of_quiet_ticket_is_empty(void **state)
{
    struct thread_of th;
    seed_thread(ST(state), &th);
    seed_message(ST(state), th.ticket, AUTHOR_CUSTOMER, th.customer, "one", false);
    struct list_messages l = {.ticket_id = th.other_ticket, .with_internal = true};
    assert_int_equal(store_read(ST(state), tx_message_list, &l), TERR_OK);
    assert_int_equal(l.n, 0);
    messages_free(l.v, l.n);
}

static void test_message_on_unknown_ticket_is_not_found(void **state)
{
    struct message m = {.ticket_id = 4242,
                        .author_kind = AUTHOR_SYSTEM,
                        .body = xstrdup("x"),
                        .channel = CHANNEL_API,
                        .created_at = 1};
    assert_int_equal(store_write(ST(state), tx_message_insert, &m), TERR_NOT_FOUND);
    message_release(&m);
}

/* ---- events ---- */

struct list_events {
    int64_t ticket_id;
    struct event *v;
    size_t n;
};

static enum terr tx_event_insert(struct store_tx *tx, void *arg)
{
    return store_event_insert(tx, arg);
}

static enum terr tx_event_list(struct store_tx *tx, void *arg)
{
    struct list_events *l = arg;
    return store_event_list(tx, l->ticket_id, &l->v, &l->n);
}

static int64_t seed_event(struct store *st, int64_t ticket_id, const char *action)
{
    struct event e = {.actor_kind = xstrdup("system"),
                      .action = xstrdup(action),
                      .target_kind = xstrdup("ticket"),
                      .target_id = ticket_id,
                      .ticket_id = ticket_id,
                      .created_at = 3000};
    assert_int_equal(store_write(st, tx_event_insert, &e), TERR_OK);
    assert_true(e.id > 0);
    int64_t id = e.id;
    event_release(&e);
    return id;
}

static void test_event_insert_then_list_round_trips(void **state)
{
    struct thread_of th;
    seed_thread(ST(state), &th);
    struct event e = {.actor_kind = xstrdup("agent"),
                      .actor_id = th.agent,
                      .action = xstrdup("ticket.update"),
                      .target_kind = xstrdup("ticket"),
                      .target_id = th.ticket,
                      .ticket_id = th.ticket,
                      .before_json = xstrdup("{\"status\":\"new\"}"),
                      .after_json = xstrdup("{\"status\":\"open\"}"),
                      .created_at = 1700000000888};
    assert_int_equal(store_write(ST(state), tx_event_insert, &e), TERR_OK);
    assert_true(e.id > 0);

    struct list_events l = {.ticket_id = th.ticket};
    assert_int_equal(store_read(ST(state), tx_event_list, &l), TERR_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].id, e.id);
    assert_string_equal(l.v[0].actor_kind, "agent");
    assert_int_equal(l.v[0].actor_id, th.agent);
    assert_string_equal(l.v[0].action, "ticket.update");
    assert_string_equal(l.v[0].target_kind, "ticket");
    assert_int_equal(l.v[0].target_id, th.ticket);
    assert_int_equal(l.v[0].ticket_id, th.ticket);
    assert_string_equal(l.v[0].before_json, "{\"status\":\"new\"}");
    assert_string_equal(l.v[0].after_json, "{\"status\":\"open\"}");
    assert_int_equal(l.v[0].created_at, 1700000000888);
    events_free(l.v, l.n);
    event_release(&e);
}

static void test_event_list_is_the_tickets_events_in_order(void **state)
{
    struct thread_of th;
    seed_thread(ST(state), &th);
    int64_t e1 = seed_event(ST(state), th.ticket, "ticket.create");
    seed_event(ST(state), th.other_ticket, "ticket.create");
    int64_t e2 = seed_event(ST(state), th.ticket, "ticket.assign");
    /* an event about no ticket (an agent created) belongs to no ticket's trail */
    struct event a = {.actor_kind = xstrdup("agent"),
                      .actor_id = th.agent,
                      .action = xstrdup("agent.create"),
                      .target_kind = xstrdup("agent"),
                      .target_id = th.agent,
                      .created_at = 3000};
    assert_int_equal(store_write(ST(state), tx_event_insert, &a), TERR_OK);
    event_release(&a);
    int64_t e3 = seed_event(ST(state), th.ticket, "ticket.resolve");

    struct list_events l = {.ticket_id = th.ticket};
    assert_int_equal(store_read(ST(state), tx_event_list, &l), TERR_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[0].id, e1);
    assert_string_equal(l.v[0].action, "ticket.create");
    assert_int_equal(l.v[1].id, e2);
    assert_string_equal(l.v[1].action, "ticket.assign");
    assert_int_equal(l.v[2].id, e3);
    assert_string_equal(l.v[2].action, "ticket.resolve");
    assert_null(l.v[2].before_json);
    assert_null(l.v[2].after_json);
    events_free(l.v, l.n);
}

static void test_event_list_of_quiet_ticket_is_empty(void **state)
{
    struct thread_of th;
    seed_thread(ST(state), &th);
    seed_event(ST(state), th.ticket, "ticket.create");
    struct list_events l = {.ticket_id = th.other_ticket};
    assert_int_equal(store_read(ST(state), tx_event_list, &l), TERR_OK);
    assert_int_equal(l.n, 0);
    events_free(l.v, l.n);
}

/* ---- idempotency keys ---- */

struct idem_op {
    const char *principal;
    const char *key;
    struct idem_record in;
    struct idem_record out;
};

static enum terr tx_idem_put(struct store_tx *tx, void *arg)
{
    struct idem_op *o = arg;
    return store_idem_put(tx, &o->in);
}

static enum terr tx_idem_get(struct store_tx *tx, void *arg)
{
    struct idem_op *o = arg;
    return store_idem_get(tx, o->principal, o->key, &o->out);
}

static void idem_init(struct idem_op *o, const char *principal, const char *key, unsigned char fill,
                      int status, const char *response)
{
    memset(o, 0, sizeof(*o));
    o->principal = principal;
    o->key = key;
    o->in.principal = xstrdup(principal);
    o->in.key = xstrdup(key);
    memset(o->in.request_hash, fill, sizeof(o->in.request_hash));
    o->in.status = status;
    o->in.response = xstrdup(response);
    o->in.created_at = 1700000000999;
}

static void test_idem_put_then_get_round_trips(void **state)
{
    struct idem_op o;
    idem_init(&o, "agent:1", "key-1", 0x7e, 201, "{\"id\":9}");
    assert_int_equal(store_write(ST(state), tx_idem_put, &o), TERR_OK);
    assert_int_equal(store_read(ST(state), tx_idem_get, &o), TERR_OK);
    assert_string_equal(o.out.principal, "agent:1");
    assert_string_equal(o.out.key, "key-1");
    assert_memory_equal(o.out.request_hash, o.in.request_hash, STORE_HASH_LEN);
    assert_int_equal(o.out.status, 201);
    assert_string_equal(o.out.response, "{\"id\":9}");
    assert_int_equal(o.out.created_at, 1700000000999);
    idem_record_release(&o.out);
    idem_record_release(&o.in);
}

static void test_idem_get_unknown_key_is_not_found(void **state)
{
    struct idem_op o;
    idem_init(&o, "agent:1", "key-1", 0x7e, 201, "{}");
    assert_int_equal(store_write(ST(state), tx_idem_put, &o), TERR_OK);
    o.key = "key-2";
    assert_int_equal(store_read(ST(state), tx_idem_get, &o), TERR_NOT_FOUND);
    idem_record_release(&o.in);
}

static void test_idem_duplicate_key_is_conflict_and_first_answer_kept(void **state)
{
    struct idem_op first, second;
    idem_init(&first, "agent:1", "key-1", 0x01, 201, "{\"id\":1}");
    idem_init(&second, "agent:1", "key-1", 0x02, 201, "{\"id\":2}");
    assert_int_equal(store_write(ST(state), tx_idem_put, &first), TERR_OK);
    assert_int_equal(store_write(ST(state), tx_idem_put, &second), TERR_CONFLICT);
    assert_int_equal(store_read(ST(state), tx_idem_get, &second), TERR_OK);
    assert_string_equal(second.out.response, "{\"id\":1}");
    assert_memory_equal(second.out.request_hash, first.in.request_hash, STORE_HASH_LEN);
    idem_record_release(&second.out);
    idem_record_release(&first.in);
    idem_record_release(&second.in);
}

static void test_idem_same_key_of_other_principal_is_separate(void **state)
{
    struct idem_op a, b;
    idem_init(&a, "agent:1", "key-1", 0x01, 201, "{\"id\":1}");
    idem_init(&b, "agent:2", "key-1", 0x02, 200, "{\"id\":2}");
    assert_int_equal(store_write(ST(state), tx_idem_put, &a), TERR_OK);
    assert_int_equal(store_write(ST(state), tx_idem_put, &b), TERR_OK);
    assert_int_equal(store_read(ST(state), tx_idem_get, &a), TERR_OK);
    assert_int_equal(store_read(ST(state), tx_idem_get, &b), TERR_OK);
    assert_string_equal(a.out.response, "{\"id\":1}");
    assert_string_equal(b.out.response, "{\"id\":2}");
    assert_int_equal(b.out.status, 200);
    idem_record_release(&a.out);
    idem_record_release(&b.out);
    idem_record_release(&a.in);
    idem_record_release(&b.in);
}

static void test_idem_record_release_accepts_null(void **state)
{
    (void)state;
    idem_record_release(NULL);
    struct idem_record r = {.principal = xstrdup("p"), .key = xstrdup("k"), .status = 1};
    idem_record_release(&r);
    assert_null(r.principal);
    assert_null(r.key);
    assert_null(r.response);
    assert_int_equal(r.status, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, store_setup, fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_ticket_insert_then_get_round_trips),
        T(test_ticket_unset_fields_come_back_as_none),
        T(test_ticket_get_unknown_id_is_not_found),
        T(test_ticket_for_unknown_customer_is_not_found),
        T(test_ticket_update_changes_every_field),
        T(test_ticket_update_can_unassign_and_clear),
        T(test_ticket_update_unknown_id_is_not_found),
        cmocka_unit_test(test_ticket_sort_key_follows_sort_order),
        T(test_ticket_list_by_risk_breaks_ties_by_newest),
        T(test_ticket_list_pages_by_risk),
        T(test_ticket_list_pages_by_updated),
        T(test_ticket_list_pages_by_created),
        T(test_ticket_list_filters_by_status),
        T(test_ticket_list_filters_by_level),
        T(test_ticket_list_filters_by_assignee),
        T(test_ticket_list_filters_unassigned),
        T(test_ticket_list_filters_by_customer),
        T(test_ticket_list_combines_filters),
        T(test_message_insert_then_list_round_trips),
        T(test_message_keeps_its_coach_review),
        T(test_message_list_is_oldest_first_with_internal_notes),
        T(test_message_list_hides_internal_notes),
        T(test_message_list_of_quiet_ticket_is_empty),
        T(test_message_on_unknown_ticket_is_not_found),
        T(test_event_insert_then_list_round_trips),
        T(test_event_list_is_the_tickets_events_in_order),
        T(test_event_list_of_quiet_ticket_is_empty),
        T(test_idem_put_then_get_round_trips),
        T(test_idem_get_unknown_key_is_not_found),
        T(test_idem_duplicate_key_is_conflict_and_first_answer_kept),
        T(test_idem_same_key_of_other_principal_is_separate),
        cmocka_unit_test(test_idem_record_release_accepts_null),
    };
    return cmocka_run_group_tests_name("store/sqlite_tickets", tests, NULL, NULL);
}
