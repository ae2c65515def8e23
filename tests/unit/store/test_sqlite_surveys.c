/*
 * Settings, surveys and the outbox through the store
 * (src/store/sqlite/sqlite_surveys.c): what goes in comes back, a setting
 * and an answer are written once, lists filter and page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store_fixture.h"

#define ST(state) (((struct fixture *)*(state))->st)
#define NONE      SURVEY_NO_SCORE

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

/* ---- settings ---- */

struct setting {
    const char *name;
    unsigned char value[64];
    size_t len, cap;
};

static enum terr setting_put_tx(struct store_tx *tx, void *arg)
{
    struct setting *s = arg;
    return store_setting_insert(tx, s->name, s->value, s->len, 5);
}

static enum terr setting_get_tx(struct store_tx *tx, void *arg)
{
    struct setting *s = arg;
    return store_setting_get(tx, s->name, s->value, s->cap, &s->len);
}

static void a_setting_is_set_once_and_read_back(void **state)
{
    struct setting s = {.name = "k", .value = {1, 0, 2, 0xff}, .len = 4};
    assert_int_equal(store_write(ST(state), setting_put_tx, &s), TERR_OK);
    struct setting again = {.name = "k", .value = {9}, .len = 1};
    assert_int_equal(store_write(ST(state), setting_put_tx, &again), TERR_CONFLICT);
    struct setting got = {.name = "k", .cap = sizeof(got.value)};
    assert_int_equal(store_read(ST(state), setting_get_tx, &got), TERR_OK);
    assert_int_equal(got.len, 4);
    assert_memory_equal(got.value, s.value, 4); /* binary, NUL bytes included */
}

static void a_missing_or_oversized_setting_says_so(void **state)
{
    struct setting got = {.name = "absent", .cap = sizeof(got.value)};
    assert_int_equal(store_read(ST(state), setting_get_tx, &got), TERR_NOT_FOUND);
    struct setting s = {.name = "big", .len = 10};
    assert_int_equal(store_write(ST(state), setting_put_tx, &s), TERR_OK);
    struct setting small = {.name = "big", .cap = 9};
    assert_int_equal(store_read(ST(state), setting_get_tx, &small), TERR_TOO_LARGE);
}

/* ---- surveys ---- */

struct survey_io {
    struct survey s;
    unsigned char hash[SURVEY_HASH_LEN];
    struct survey_answer a;
    int64_t now;
    struct survey out;
    struct survey *list;
    size_t n;
};

static enum terr survey_insert_tx(struct store_tx *tx, void *arg)
{
    struct survey_io *io = arg;
    enum terr e = store_survey_insert(tx, &io->s);
    if (!e)
        e = store_survey_set_token(tx, io->s.id, io->hash);
    return e;
}

static enum terr survey_get_tx(struct store_tx *tx, void *arg)
{
    struct survey_io *io = arg;
    return store_survey_get(tx, io->s.id, &io->out);
}

static enum terr survey_answer_tx(struct store_tx *tx, void *arg)
{
    struct survey_io *io = arg;
    return store_survey_answer(tx, io->s.id, &io->a, io->now);
}

static enum terr survey_list_tx(struct store_tx *tx, void *arg)
{
    struct survey_io *io = arg;
    return store_survey_list(tx, io->s.ticket_id, &io->list, &io->n);
}

static void a_survey_round_trips_with_its_hash(void **state)
{
    struct survey_io io = {
        .s = {.ticket_id = seed_ticket(ST(state)), .created_at = 10, .expires_at = 20}};
    memset(io.hash, 0xab, sizeof(io.hash));
    assert_int_equal(store_write(ST(state), survey_insert_tx, &io), TERR_OK);
    assert_true(io.s.id > 0);
    assert_int_equal(store_read(ST(state), survey_get_tx, &io), TERR_OK);
    assert_int_equal(io.out.ticket_id, io.s.ticket_id);
    assert_memory_equal(io.out.token_hash, io.hash, SURVEY_HASH_LEN);
    assert_int_equal(io.out.created_at, 10);
    assert_int_equal(io.out.expires_at, 20);
    assert_int_equal(io.out.answered_at, 0);
    assert_int_equal(io.out.csat, NONE);
    assert_int_equal(io.out.nps, NONE);
    assert_int_equal(io.out.ces, NONE);
    assert_null(io.out.comment);
    survey_release(&io.out);
}

static void an_answer_is_recorded_once(void **state)
{
    struct survey_io io = {.s = {.ticket_id = seed_ticket(ST(state)), .expires_at = 20},
                           .a = {4, 0, NONE, "ok <b>"},
                           .now = 15};
    memset(io.hash, 1, sizeof(io.hash));
    assert_int_equal(store_write(ST(state), survey_insert_tx, &io), TERR_OK);
    assert_int_equal(store_write(ST(state), survey_answer_tx, &io), TERR_OK);
    struct survey_io second = io;
    second.a = (struct survey_answer){1, 1, 1, NULL};
    second.now = 16;
    assert_int_equal(store_write(ST(state), survey_answer_tx, &second), TERR_CONFLICT);
    assert_int_equal(store_read(ST(state), survey_get_tx, &io), TERR_OK);
    assert_int_equal(io.out.answered_at, 15);
    assert_int_equal(io.out.csat, 4);
    assert_int_equal(io.out.nps, 0); /* a real zero, not "none" */
    assert_int_equal(io.out.ces, NONE);
    assert_string_equal(io.out.comment, "ok <b>");
    survey_release(&io.out);
}

static void unknown_surveys_are_not_found(void **state)
{
    struct survey_io io = {.s = {.id = 4242}, .a = {3, NONE, NONE, NULL}, .now = 1};
    assert_int_equal(store_read(ST(state), survey_get_tx, &io), TERR_NOT_FOUND);
    assert_int_equal(store_write(ST(state), survey_answer_tx, &io), TERR_NOT_FOUND);
}

static void the_database_refuses_out_of_range_scores(void **state)
{
    /* The schema's CHECKs stand behind the domain's rules. */
    struct survey_io io = {.s = {.ticket_id = seed_ticket(ST(state)), .expires_at = 20},
                           .a = {6, NONE, NONE, NULL},
                           .now = 15};
    memset(io.hash, 2, sizeof(io.hash));
    assert_int_equal(store_write(ST(state), survey_insert_tx, &io), TERR_OK);
    assert_int_not_equal(store_write(ST(state), survey_answer_tx, &io), TERR_OK);
    assert_int_equal(store_read(ST(state), survey_get_tx, &io), TERR_OK);
    assert_int_equal(io.out.answered_at, 0);
    survey_release(&io.out);
}

static void a_tickets_surveys_are_listed_oldest_first(void **state)
{
    int64_t t = seed_ticket(ST(state)), other = seed_ticket(ST(state));
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        struct survey_io io = {.s = {.ticket_id = i == 1 ? other : t, .expires_at = 9}};
        memset(io.hash, 10 + i, sizeof(io.hash));
        assert_int_equal(store_write(ST(state), survey_insert_tx, &io), TERR_OK);
        ids[i] = io.s.id;
    }
    struct survey_io io = {.s = {.ticket_id = t}};
    assert_int_equal(store_read(ST(state), survey_list_tx, &io), TERR_OK);
    assert_int_equal(io.n, 2);
    assert_int_equal(io.list[0].id, ids[0]);
    assert_int_equal(io.list[1].id, ids[2]);
    surveys_free(io.list, io.n);
}

/* ---- outbox ---- */

struct outbox_io {
    struct outbox_msg m;
    struct outbox_query q;
    struct outbox_msg *list;
    size_t n;
};

static enum terr outbox_insert_tx(struct store_tx *tx, void *arg)
{
    return store_outbox_insert(tx, &((struct outbox_io *)arg)->m);
}

static enum terr outbox_list_tx(struct store_tx *tx, void *arg)
{
    struct outbox_io *io = arg;
    return store_outbox_list(tx, &io->q, &io->list, &io->n);
}

static int64_t queue(struct store *st, int64_t ticket_id, int64_t customer_id,
                     enum outbox_kind kind, enum outbox_state state)
{
    struct outbox_io io = {.m = {.ticket_id = ticket_id,
                                 .customer_id = customer_id,
                                 .channel = CHANNEL_WEB,
                                 .kind = kind,
                                 .subject = xstrdup("Hi"),
                                 .body = xstrdup("Body"),
                                 .state = state,
                                 .due_at = 100,
                                 .created_at = 50,
                                 .sent_at = state == OUTBOX_STATE_SENT ? 120 : 0}};
    assert_int_equal(store_write(st, outbox_insert_tx, &io), TERR_OK);
    int64_t id = io.m.id;
    outbox_msg_release(&io.m);
    return id;
}

static void an_outbox_message_round_trips(void **state)
{
    int64_t t = seed_ticket(ST(state));
    int64_t c = seed_customer(ST(state), "D", "d@example.com");
    struct outbox_io io = {.m = {.ticket_id = t,
                                 .customer_id = c,
                                 .channel = CHANNEL_PHONE,
                                 .kind = OUTBOX_FOLLOW_UP,
                                 .subject = xstrdup("Subject"),
                                 .body = xstrdup("Line 1\nLine 2"),
                                 .due_at = 300,
                                 .created_at = 200}};
    assert_int_equal(store_write(ST(state), outbox_insert_tx, &io), TERR_OK);
    assert_true(io.m.id > 0);
    int64_t id = io.m.id;
    outbox_msg_release(&io.m);
    io.q = (struct outbox_query){.ticket_id = t};
    assert_int_equal(store_read(ST(state), outbox_list_tx, &io), TERR_OK);
    assert_int_equal(io.n, 1);
    struct outbox_msg *m = &io.list[0];
    assert_int_equal(m->id, id);
    assert_int_equal(m->customer_id, c);
    assert_int_equal(m->channel, CHANNEL_PHONE);
    assert_int_equal(m->kind, OUTBOX_FOLLOW_UP);
    assert_int_equal(m->state, OUTBOX_STATE_QUEUED);
    assert_string_equal(m->subject, "Subject");
    assert_string_equal(m->body, "Line 1\nLine 2");
    assert_int_equal(m->survey_id, 0);
    assert_int_equal(m->due_at, 300);
    assert_int_equal(m->created_at, 200);
    assert_int_equal(m->sent_at, 0);
    outbox_msgs_free(io.list, io.n);
}

static void the_outbox_filters_and_pages_in_id_order(void **state)
{
    int64_t t1 = seed_ticket(ST(state)), t2 = seed_ticket(ST(state));
    int64_t c = seed_customer(ST(state), "E", "e@example.com");
    int64_t a = queue(ST(state), t1, c, OUTBOX_SURVEY, OUTBOX_STATE_QUEUED);
    int64_t b = queue(ST(state), t2, c, OUTBOX_NOTICE, OUTBOX_STATE_SENT);
    int64_t d = queue(ST(state), t1, c, OUTBOX_FOLLOW_UP, OUTBOX_STATE_QUEUED);
    struct outbox_io io = {.q = {.ticket_id = t1}};
    assert_int_equal(store_read(ST(state), outbox_list_tx, &io), TERR_OK);
    assert_int_equal(io.n, 2);
    assert_true(a > 0 && d > a);
    assert_int_equal(io.list[0].id, a);
    assert_int_equal(io.list[1].id, d);
    outbox_msgs_free(io.list, io.n);

    io.q = (struct outbox_query){.has_state = true, .state = OUTBOX_STATE_SENT};
    assert_int_equal(store_read(ST(state), outbox_list_tx, &io), TERR_OK);
    assert_int_equal(io.n, 1);
    assert_int_equal(io.list[0].kind, OUTBOX_NOTICE);
    assert_int_equal(io.list[0].sent_at, 120);
    outbox_msgs_free(io.list, io.n);

    io.q = (struct outbox_query){.after_id = a, .limit = 1};
    assert_int_equal(store_read(ST(state), outbox_list_tx, &io), TERR_OK);
    assert_int_equal(io.n, 1);
    assert_int_equal(io.list[0].id, b);
    outbox_msgs_free(io.list, io.n);
}

struct mark_io {
    int64_t id;
    enum outbox_state state;
    int64_t at;
};

static enum terr outbox_mark_tx(struct store_tx *tx, void *arg)
{
    struct mark_io *m = arg;
    return store_outbox_mark(tx, m->id, m->state, m->at);
}

static void due_messages_are_listed_and_marked_once(void **state)
{
    int64_t t = seed_ticket(ST(state));
    int64_t c = seed_customer(ST(state), "F", "f@example.com");
    int64_t a = queue(ST(state), t, c, OUTBOX_SURVEY, OUTBOX_STATE_QUEUED); /* due at 100 */
    struct outbox_io io = {.q = {.has_state = true, .state = OUTBOX_STATE_QUEUED, .due_by = 99}};
    assert_int_equal(store_read(ST(state), outbox_list_tx, &io), TERR_OK);
    assert_int_equal(io.n, 0);
    outbox_msgs_free(io.list, io.n);
    io.q.due_by = 100;
    assert_int_equal(store_read(ST(state), outbox_list_tx, &io), TERR_OK);
    assert_int_equal(io.n, 1);
    outbox_msgs_free(io.list, io.n);

    struct mark_io m = {a, OUTBOX_STATE_SENT, 150};
    assert_int_equal(store_write(ST(state), outbox_mark_tx, &m), TERR_OK);
    /* A second sender finds it taken. */
    assert_int_equal(store_write(ST(state), outbox_mark_tx, &m), TERR_CONFLICT);
    m.id = a + 1000;
    assert_int_equal(store_write(ST(state), outbox_mark_tx, &m), TERR_NOT_FOUND);
    io.q = (struct outbox_query){.ticket_id = t};
    assert_int_equal(store_read(ST(state), outbox_list_tx, &io), TERR_OK);
    assert_int_equal(io.n, 1);
    assert_int_equal(io.list[0].state, OUTBOX_STATE_SENT);
    assert_int_equal(io.list[0].sent_at, 150);
    outbox_msgs_free(io.list, io.n);
}

static void an_outbox_message_for_an_unknown_customer_is_refused(void **state)
{
    struct outbox_io io = {
        .m = {.customer_id = 999, .kind = OUTBOX_NOTICE, .due_at = 1, .created_at = 1}};
    assert_int_equal(store_write(ST(state), outbox_insert_tx, &io), TERR_NOT_FOUND);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, store_setup, fixture_teardown)
    const struct CMUnitTest tests[] = {
        T(a_setting_is_set_once_and_read_back),
        T(a_missing_or_oversized_setting_says_so),
        T(a_survey_round_trips_with_its_hash),
        T(an_answer_is_recorded_once),
        T(unknown_surveys_are_not_found),
        T(the_database_refuses_out_of_range_scores),
        T(a_tickets_surveys_are_listed_oldest_first),
        T(an_outbox_message_round_trips),
        T(the_outbox_filters_and_pages_in_id_order),
        T(due_messages_are_listed_and_marked_once),
        T(an_outbox_message_for_an_unknown_customer_is_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
