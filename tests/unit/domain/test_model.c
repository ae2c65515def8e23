/* src/domain/model.c: vocabularies, string lists and record release. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/model.h"
#include "util/alloc.h"

/*
 * The wire names are a public contract (JSON, the database), so they are
 * spelled out here rather than taken from the X-macros under test.  Each
 * table lists the names in enum order.
 */
static const char *const status_names[] = {"new", "open", "pending", "resolved", "closed"};
static const char *const priority_names[] = {"low", "normal", "high", "urgent"};
static const char *const level_names[] = {"calm", "tense", "heated", "hostile"};
static const char *const channel_names[] = {"api", "email", "web", "chat", "phone"};
static const char *const role_names[] = {"agent", "lead", "admin"};
static const char *const author_names[] = {"customer", "agent", "system"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Names never accepted by any vocabulary. */
static const char *const unknown[] = {"",      "unknown", "NEW",           "Open", " low",
                                      "calm ", "emails",  "administrator", "cust"};

/*
 * One round trip per vocabulary: value -> name -> value, the name as expected,
 * unknown names rejected with *out left untouched, an out-of-range value named
 * "unknown".  A macro, because each vocabulary has its own enum type.
 */
#define CHECK_VOCAB(type, names, name_fn, parse_fn)                                                \
    do {                                                                                           \
        for (size_t i = 0; i < COUNT(names); i++) {                                                \
            enum type v = (enum type)99;                                                           \
            assert_string_equal(name_fn((enum type)i), names[i]);                                  \
            assert_true(parse_fn(names[i], &v));                                                   \
            assert_int_equal(v, i);                                                                \
        }                                                                                          \
        for (size_t i = 0; i < COUNT(unknown); i++) {                                              \
            enum type v = (enum type)1;                                                            \
            if (parse_fn(unknown[i], &v))                                                          \
                fail_msg(#parse_fn " accepted '%s'", unknown[i]);                                  \
            assert_int_equal(v, 1);                                                                \
        }                                                                                          \
        enum type untouched = (enum type)1;                                                        \
        assert_false(parse_fn(NULL, &untouched));                                                  \
        assert_int_equal(untouched, 1);                                                            \
        assert_string_equal(name_fn((enum type)COUNT(names)), "unknown");                          \
    } while (0)

static void status_names_round_trip(void **state)
{
    (void)state;
    CHECK_VOCAB(ticket_status, status_names, status_name, status_parse);
}

static void priority_names_round_trip(void **state)
{
    (void)state;
    CHECK_VOCAB(priority, priority_names, priority_name, priority_parse);
}

static void level_names_round_trip(void **state)
{
    (void)state;
    CHECK_VOCAB(level, level_names, level_name, level_parse);
}

static void channel_names_round_trip(void **state)
{
    (void)state;
    CHECK_VOCAB(channel, channel_names, channel_name, channel_parse);
}

static void role_names_round_trip(void **state)
{
    (void)state;
    CHECK_VOCAB(role, role_names, role_name, role_parse);
}

static void author_names_round_trip(void **state)
{
    (void)state;
    CHECK_VOCAB(author_kind, author_names, author_name, author_parse);
}

static void roles_are_ordered_by_power(void **state)
{
    (void)state;
    /* Routes compare a minimum role with <=. */
    assert_true(ROLE_AGENT < ROLE_LEAD);
    assert_true(ROLE_LEAD < ROLE_ADMIN);
}

static void strlist_push_copies_in_order(void **state)
{
    (void)state;
    struct strlist l = {0};
    char word[8] = "alpha";
    strlist_push(&l, word);
    strlist_push(&l, "beta");
    strlist_push(&l, "");
    /* The list owns copies: changing the caller's text does not change it. */
    memcpy(word, "omega", 6);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.v[0], "alpha");
    assert_string_equal(l.v[1], "beta");
    assert_string_equal(l.v[2], "");
    assert_ptr_not_equal(l.v[0], word);
    strlist_release(&l);
}

static void strlist_contains_exact_matches_only(void **state)
{
    (void)state;
    struct strlist l = {0};
    assert_false(strlist_contains(&l, "vip"));
    strlist_push(&l, "vip");
    strlist_push(&l, "billing");
    assert_true(strlist_contains(&l, "vip"));
    assert_true(strlist_contains(&l, "billing"));
    assert_false(strlist_contains(&l, "VIP"));
    assert_false(strlist_contains(&l, "vi"));
    assert_false(strlist_contains(&l, "vips"));
    assert_false(strlist_contains(&l, ""));
    strlist_release(&l);
}

static void strlist_release_empties_and_allows_reuse(void **state)
{
    (void)state;
    struct strlist l = {0};
    for (int i = 0; i < 100; i++)
        strlist_push(&l, "tag");
    strlist_release(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
    assert_false(strlist_contains(&l, "tag"));
    strlist_push(&l, "again");
    assert_int_equal(l.n, 1);
    strlist_release(&l);
    strlist_release(&l); /* releasing an empty list is harmless */
    strlist_release(NULL);
}

static void release_of_zeroed_records(void **state)
{
    (void)state;
    struct customer c = {0};
    struct agent a = {0};
    struct ticket t = {0};
    struct message m = {0};
    struct event e = {0};
    customer_release(&c);
    agent_release(&a);
    ticket_release(&t);
    message_release(&m);
    event_release(&e);
    assert_null(c.name);
    assert_null(t.subject);
}

static void release_accepts_null(void **state)
{
    (void)state;
    customer_release(NULL);
    agent_release(NULL);
    ticket_release(NULL);
    message_release(NULL);
    event_release(NULL);
}

/* Filled records: LeakSanitizer fails the run if a string is not freed. */
static void fill_customer(struct customer *c)
{
    memset(c, 0, sizeof(*c));
    c->id = 1;
    c->name = xstrdup("Ada");
    c->email = xstrdup("ada@example.org");
    c->n_handles = 2;
    c->handles = xcalloc(2, sizeof(*c->handles));
    c->handles[0].channel = xstrdup("chat");
    c->handles[0].handle = xstrdup("ada42");
    c->handles[1].channel = xstrdup("phone");
    c->handles[1].handle = xstrdup("+44 20 0000");
}

static void fill_agent(struct agent *a)
{
    memset(a, 0, sizeof(*a));
    a->id = 2;
    a->name = xstrdup("Bo");
    a->email = xstrdup("bo@example.org");
    strlist_push(&a->skills, "billing");
    strlist_push(&a->skills, "de");
}

static void fill_ticket(struct ticket *t)
{
    memset(t, 0, sizeof(*t));
    t->id = 3;
    t->subject = xstrdup("refund please");
    t->category = xstrdup("billing");
    strlist_push(&t->tags, "vip");
}

static void fill_message(struct message *m)
{
    memset(m, 0, sizeof(*m));
    m->id = 4;
    m->body = xstrdup("hello");
    m->analysis_json = xstrdup("{}");
}

static void fill_event(struct event *e)
{
    memset(e, 0, sizeof(*e));
    e->id = 5;
    e->actor_kind = xstrdup("agent");
    e->action = xstrdup("ticket.update");
    e->target_kind = xstrdup("ticket");
    e->before_json = xstrdup("{\"status\":\"new\"}");
    e->after_json = xstrdup("{\"status\":\"open\"}");
}

static void release_frees_and_zeroes_filled_records(void **state)
{
    (void)state;
    struct customer c;
    struct agent a;
    struct ticket t;
    struct message m;
    struct event e;
    fill_customer(&c);
    fill_agent(&a);
    fill_ticket(&t);
    fill_message(&m);
    fill_event(&e);
    customer_release(&c);
    agent_release(&a);
    ticket_release(&t);
    message_release(&m);
    event_release(&e);
    assert_int_equal(c.id, 0);
    assert_null(c.handles);
    assert_int_equal(c.n_handles, 0);
    assert_null(a.name);
    assert_int_equal(a.skills.n, 0);
    assert_null(t.subject);
    assert_null(t.category);
    assert_int_equal(t.tags.n, 0);
    assert_null(m.body);
    assert_null(m.analysis_json);
    assert_null(e.action);
    assert_null(e.after_json);
    /* Released records can be released again. */
    customer_release(&c);
    ticket_release(&t);
}

static void array_free_accepts_null(void **state)
{
    (void)state;
    customers_free(NULL, 0);
    agents_free(NULL, 0);
    tickets_free(NULL, 0);
    messages_free(NULL, 0);
    events_free(NULL, 0);
    /* A NULL array with a stale count must not be walked. */
    customers_free(NULL, 3);
    agents_free(NULL, 3);
    tickets_free(NULL, 3);
    messages_free(NULL, 3);
    events_free(NULL, 3);
}

static void array_free_releases_every_record(void **state)
{
    (void)state;
    struct customer *cv = xcalloc(3, sizeof(*cv));
    struct agent *av = xcalloc(2, sizeof(*av));
    struct ticket *tv = xcalloc(2, sizeof(*tv));
    struct message *mv = xcalloc(2, sizeof(*mv));
    struct event *ev = xcalloc(2, sizeof(*ev));
    fill_customer(&cv[0]);
    fill_customer(&cv[2]); /* cv[1] stays zeroed */
    fill_agent(&av[0]);
    fill_agent(&av[1]);
    fill_ticket(&tv[0]);
    fill_ticket(&tv[1]);
    fill_message(&mv[0]);
    fill_message(&mv[1]);
    fill_event(&ev[0]);
    fill_event(&ev[1]);
    customers_free(cv, 3);
    agents_free(av, 2);
    tickets_free(tv, 2);
    messages_free(mv, 2);
    events_free(ev, 2);
    /* Empty arrays with storage are freed too. */
    tickets_free(xcalloc(1, sizeof(struct ticket)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_names_round_trip),
        cmocka_unit_test(priority_names_round_trip),
        cmocka_unit_test(level_names_round_trip),
        cmocka_unit_test(channel_names_round_trip),
        cmocka_unit_test(role_names_round_trip),
        cmocka_unit_test(author_names_round_trip),
        cmocka_unit_test(roles_are_ordered_by_power),
        cmocka_unit_test(strlist_push_copies_in_order),
        cmocka_unit_test(strlist_contains_exact_matches_only),
        cmocka_unit_test(strlist_release_empties_and_allows_reuse),
        cmocka_unit_test(release_of_zeroed_records),
        cmocka_unit_test(release_accepts_null),
        cmocka_unit_test(release_frees_and_zeroes_filled_records),
        cmocka_unit_test(array_free_accepts_null),
        cmocka_unit_test(array_free_releases_every_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
