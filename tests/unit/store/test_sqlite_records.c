/*
 * Customers, agents, API tokens and sessions through the store
 * (src/store/sqlite/sqlite_records.c): what goes in comes back, unknown ids
 * are TERR_NOT_FOUND and uniqueness rules are TERR_CONFLICT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store_fixture.h"

#define ST(state) (((struct fixture *)*(state))->st)

/* ---- customers ---- */

struct get_customer {
    int64_t id;
    struct customer out;
};

static enum terr tx_customer_get(struct store_tx *tx, void *arg)
{
    struct get_customer *g = arg;
    return store_customer_get(tx, g->id, &g->out);
}

static enum terr tx_customer_update(struct store_tx *tx, void *arg)
{
    return store_customer_update(tx, arg);
}

struct add_handle {
    int64_t customer_id;
    const char *channel;
    const char *handle;
};

static enum terr tx_handle_add(struct store_tx *tx, void *arg)
{
    struct add_handle *h = arg;
    return store_customer_handle_add(tx, h->customer_id, h->channel, h->handle);
}

static enum terr add_handle(struct store *st, int64_t customer_id, const char *channel,
                            const char *handle)
{
    struct add_handle h = {customer_id, channel, handle};
    return store_write(st, tx_handle_add, &h);
}

static void test_customer_insert_then_get_round_trips(void **state)
{
    struct customer c = {.name = xstrdup("Ada Lovelace"),
                         .email = xstrdup("ada@example.com"),
                         .created_at = 1700000000123};
    assert_int_equal(store_write(ST(state), tx_customer_insert, &c), TERR_OK);
    assert_true(c.id > 0);

    struct get_customer g = {.id = c.id};
    assert_int_equal(store_read(ST(state), tx_customer_get, &g), TERR_OK);
    assert_int_equal(g.out.id, c.id);
    assert_string_equal(g.out.name, "Ada Lovelace");
    assert_string_equal(g.out.email, "ada@example.com");
    assert_int_equal(g.out.created_at, 1700000000123);
    assert_int_equal(g.out.n_handles, 0);
    customer_release(&g.out);
    customer_release(&c);
}

static void test_customer_ids_are_distinct(void **state)
{
    int64_t a = seed_customer(ST(state), "A", "a@example.com");
    int64_t b = seed_customer(ST(state), "B", "b@example.com");
    assert_true(a != b);
}

static void test_customer_get_unknown_id_is_not_found(void **state)
{
    seed_customer(ST(state), "Ada", "ada@example.com");
    struct get_customer g = {.id = 4242};
    assert_int_equal(store_read(ST(state), tx_customer_get, &g), TERR_NOT_FOUND);
}

static void test_customer_find_email_ignores_case(void **state)
{
    int64_t id = seed_customer(ST(state), "Ada", "ada@example.com");
    struct find_customer fc = {.email = "ADA@Example.COM"};
    assert_int_equal(store_read(ST(state), tx_customer_find_email, &fc), TERR_OK);
    assert_int_equal(fc.out.id, id);
    assert_string_equal(fc.out.name, "Ada");
    customer_release(&fc.out);
}

static void test_customer_find_unknown_email_is_not_found(void **state)
{
    seed_customer(ST(state), "Ada", "ada@example.com");
    struct find_customer fc = {.email = "bob@example.com"};
    assert_int_equal(store_read(ST(state), tx_customer_find_email, &fc), TERR_NOT_FOUND);
}

static void test_customer_duplicate_email_is_conflict(void **state)
{
    seed_customer(ST(state), "Ada", "ada@example.com");
    struct customer c = {
        .name = xstrdup("Impostor"), .email = xstrdup("Ada@Example.com"), .created_at = 2000};
    assert_int_equal(store_write(ST(state), tx_customer_insert, &c), TERR_CONFLICT);
    customer_release(&c);

    struct find_customer fc = {.email = "ada@example.com"};
    assert_int_equal(store_read(ST(state), tx_customer_find_email, &fc), TERR_OK);
    assert_string_equal(fc.out.name, "Ada");
    customer_release(&fc.out);
}

static void test_customers_without_email_may_repeat(void **state)
{
    int64_t a = seed_customer(ST(state), "Walk-in", NULL);
    int64_t b = seed_customer(ST(state), "Walk-in", NULL);
    assert_true(a != b);
    struct get_customer g = {.id = b};
    assert_int_equal(store_read(ST(state), tx_customer_get, &g), TERR_OK);
    assert_null(g.out.email);
    customer_release(&g.out);
}

static void test_customer_update_changes_name_and_email(void **state)
{
    int64_t id = seed_customer(ST(state), "Ada", "ada@example.com");
    struct customer c = {
        .id = id, .name = xstrdup("Ada King"), .email = xstrdup("king@example.com")};
    assert_int_equal(store_write(ST(state), tx_customer_update, &c), TERR_OK);
    customer_release(&c);

    struct get_customer g = {.id = id};
    assert_int_equal(store_read(ST(state), tx_customer_get, &g), TERR_OK);
    assert_string_equal(g.out.name, "Ada King");
    assert_string_equal(g.out.email, "king@example.com");
    assert_int_equal(g.out.created_at, 1000); /* not part of an update */
    customer_release(&g.out);
    assert_false(customer_exists(ST(state), "ada@example.com"));
    assert_true(customer_exists(ST(state), "king@example.com"));
}

static void test_customer_update_unknown_id_is_not_found(void **state)
{
    struct customer c = {.id = 4242, .name = xstrdup("Nobody")};
    assert_int_equal(store_write(ST(state), tx_customer_update, &c), TERR_NOT_FOUND);
    customer_release(&c);
}

static void test_customer_update_to_taken_email_is_conflict(void **state)
{
    seed_customer(ST(state), "Ada", "ada@example.com");
    int64_t bob = seed_customer(ST(state), "Bob", "bob@example.com");
    struct customer c = {.id = bob, .name = xstrdup("Bob"), .email = xstrdup("ADA@example.com")};
    assert_int_equal(store_write(ST(state), tx_customer_update, &c), TERR_CONFLICT);
    customer_release(&c);

    struct get_customer g = {.id = bob};
    assert_int_equal(store_read(ST(state), tx_customer_get, &g), TERR_OK);
    assert_string_equal(g.out.email, "bob@example.com");
    customer_release(&g.out);
}

static void test_customer_handles_come_back_sorted(void **state)
{
    int64_t id = seed_customer(ST(state), "Ada", "ada@example.com");
    assert_int_equal(add_handle(ST(state), id, "phone", "+441234"), TERR_OK);
    assert_int_equal(add_handle(ST(state), id, "chat", "ada#2"), TERR_OK);
    assert_int_equal(add_handle(ST(state), id, "chat", "ada#1"), TERR_OK);

    struct get_customer g = {.id = id};
    assert_int_equal(store_read(ST(state), tx_customer_get, &g), TERR_OK);
    assert_int_equal(g.out.n_handles, 3);
    assert_string_equal(g.out.handles[0].channel, "chat");
    assert_string_equal(g.out.handles[0].handle, "ada#1");
    assert_string_equal(g.out.handles[1].channel, "chat");
    assert_string_equal(g.out.handles[1].handle, "ada#2");
    assert_string_equal(g.out.handles[2].channel, "phone");
    assert_string_equal(g.out.handles[2].handle, "+441234");
    customer_release(&g.out);

    /* find_email loads the handles too */
    struct find_customer fc = {.email = "ada@example.com"};
    assert_int_equal(store_read(ST(state), tx_customer_find_email, &fc), TERR_OK);
    assert_int_equal(fc.out.n_handles, 3);
    customer_release(&fc.out);
}

static void test_customer_handle_added_twice_is_kept_once(void **state)
{
    int64_t id = seed_customer(ST(state), "Ada", "ada@example.com");
    assert_int_equal(add_handle(ST(state), id, "chat", "ada"), TERR_OK);
    assert_int_equal(add_handle(ST(state), id, "chat", "ada"), TERR_OK);
    struct get_customer g = {.id = id};
    assert_int_equal(store_read(ST(state), tx_customer_get, &g), TERR_OK);
    assert_int_equal(g.out.n_handles, 1);
    customer_release(&g.out);
}

static void test_customer_handle_of_another_customer_is_conflict(void **state)
{
    int64_t ada = seed_customer(ST(state), "Ada", "ada@example.com");
    int64_t bob = seed_customer(ST(state), "Bob", "bob@example.com");
    assert_int_equal(add_handle(ST(state), ada, "chat", "shared"), TERR_OK);
    assert_int_equal(add_handle(ST(state), bob, "chat", "shared"), TERR_CONFLICT);
    /* the same handle on another channel is a different handle */
    assert_int_equal(add_handle(ST(state), bob, "phone", "shared"), TERR_OK);

    struct get_customer g = {.id = bob};
    assert_int_equal(store_read(ST(state), tx_customer_get, &g), TERR_OK);
    assert_int_equal(g.out.n_handles, 1);
    assert_string_equal(g.out.handles[0].channel, "phone");
    customer_release(&g.out);
}

static void test_customer_handle_for_unknown_customer_is_not_found(void **state)
{
    assert_int_equal(add_handle(ST(state), 4242, "chat", "ghost"), TERR_NOT_FOUND);
}

/* ---- agents ---- */

struct get_agent {
    int64_t id;
    const char *email;
    bool want_hash;
    struct agent out;
    char *hash;
};

static enum terr tx_agent_get(struct store_tx *tx, void *arg)
{
    struct get_agent *g = arg;
    return store_agent_get(tx, g->id, &g->out);
}

static enum terr tx_agent_find_email(struct store_tx *tx, void *arg)
{
    struct get_agent *g = arg;
    return store_agent_find_email(tx, g->email, &g->out, g->want_hash ? &g->hash : NULL);
}

struct agent_with_hash {
    struct agent a;
    const char *hash;
};

static enum terr tx_agent_insert_hash(struct store_tx *tx, void *arg)
{
    struct agent_with_hash *ah = arg;
    return store_agent_insert(tx, &ah->a, ah->hash);
}

struct list_agents {
    struct agent *v;
    size_t n;
    int64_t count;
};

static enum terr tx_agent_list_count(struct store_tx *tx, void *arg)
{
    struct list_agents *l = arg;
    enum terr e = store_agent_count(tx, &l->count);
    return e ? e : store_agent_list(tx, &l->v, &l->n);
}

static void test_agent_insert_then_get_round_trips(void **state)
{
    struct agent a = {.name = xstrdup("Grace"),
                      .email = xstrdup("grace@desk.test"),
                      .role = ROLE_LEAD,
                      .created_at = 1700000000456};
    strlist_push(&a.skills, "billing");
    strlist_push(&a.skills, "de");
    assert_int_equal(store_write(ST(state), tx_agent_insert, &a), TERR_OK);
    assert_true(a.id > 0);

    struct get_agent g = {.id = a.id};
    assert_int_equal(store_read(ST(state), tx_agent_get, &g), TERR_OK);
    assert_int_equal(g.out.id, a.id);
    assert_string_equal(g.out.name, "Grace");
    assert_string_equal(g.out.email, "grace@desk.test");
    assert_int_equal(g.out.role, ROLE_LEAD);
    assert_int_equal(g.out.created_at, 1700000000456);
    assert_int_equal(g.out.skills.n, 2);
    assert_string_equal(g.out.skills.v[0], "billing");
    assert_string_equal(g.out.skills.v[1], "de");
    agent_release(&g.out);
    agent_release(&a);
}

static void test_agent_find_email_returns_password_hash(void **state)
{
    struct agent_with_hash ah = {.a = {.name = xstrdup("Grace"),
                                       .email = xstrdup("grace@desk.test"),
                                       .role = ROLE_ADMIN,
                                       .created_at = 1000},
                                 .hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA"};
    assert_int_equal(store_write(ST(state), tx_agent_insert_hash, &ah), TERR_OK);

    struct get_agent g = {.email = "GRACE@desk.test", .want_hash = true};
    assert_int_equal(store_read(ST(state), tx_agent_find_email, &g), TERR_OK);
    assert_int_equal(g.out.id, ah.a.id);
    assert_int_equal(g.out.role, ROLE_ADMIN);
    assert_non_null(g.hash);
    assert_string_equal(g.hash, ah.hash);
    free(g.hash);
    agent_release(&g.out);

    /* the hash is optional for the caller */
    struct get_agent g2 = {.email = "grace@desk.test"};
    assert_int_equal(store_read(ST(state), tx_agent_find_email, &g2), TERR_OK);
    assert_null(g2.hash);
    agent_release(&g2.out);
    agent_release(&ah.a);
}

static void test_agent_without_password_has_no_hash(void **state)
{
    seed_agent(ST(state), "Bot", "bot@desk.test");
    struct get_agent g = {.email = "bot@desk.test", .want_hash = true};
    g.hash = xstrdup("sentinel");
    char *sentinel = g.hash;
    assert_int_equal(store_read(ST(state), tx_agent_find_email, &g), TERR_OK);
    assert_null(g.hash);
    free(sentinel);
    agent_release(&g.out);
}

static void test_agent_unknown_is_not_found(void **state)
{
    seed_agent(ST(state), "Grace", "grace@desk.test");
    struct get_agent g = {.id = 4242};
    assert_int_equal(store_read(ST(state), tx_agent_get, &g), TERR_NOT_FOUND);
    struct get_agent g2 = {.email = "nobody@desk.test", .want_hash = true};
    assert_int_equal(store_read(ST(state), tx_agent_find_email, &g2), TERR_NOT_FOUND);
    assert_null(g2.hash);
}

static void test_agent_duplicate_email_is_conflict(void **state)
{
    seed_agent(ST(state), "Grace", "grace@desk.test");
    struct agent a = {.name = xstrdup("Other Grace"),
                      .email = xstrdup("Grace@Desk.test"),
                      .role = ROLE_AGENT,
                      .created_at = 2000};
    assert_int_equal(store_write(ST(state), tx_agent_insert, &a), TERR_CONFLICT);
    agent_release(&a);

    struct list_agents l = {0};
    assert_int_equal(store_read(ST(state), tx_agent_list_count, &l), TERR_OK);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].name, "Grace");
    agents_free(l.v, l.n);
}

static void test_agent_list_and_count_on_empty_desk(void **state)
{
    struct list_agents l = {.count = -1};
    assert_int_equal(store_read(ST(state), tx_agent_list_count, &l), TERR_OK);
    assert_int_equal(l.count, 0);
    assert_int_equal(l.n, 0);
    agents_free(l.v, l.n);
}

static void test_agent_list_returns_all_by_id(void **state)
{
    int64_t ids[3];
    ids[0] = seed_agent(ST(state), "Zed", "zed@desk.test");
    ids[1] = seed_agent(ST(state), "Amy", "amy@desk.test");
    ids[2] = seed_agent(ST(state), "Max", "max@desk.test");

    struct list_agents l = {0};
    assert_int_equal(store_read(ST(state), tx_agent_list_count, &l), TERR_OK);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.v[0].id, ids[0]);
    assert_string_equal(l.v[0].name, "Zed");
    assert_int_equal(l.v[1].id, ids[1]);
    assert_string_equal(l.v[1].email, "amy@desk.test");
    assert_int_equal(l.v[2].id, ids[2]);
    assert_int_equal(l.v[2].role, ROLE_AGENT);
    agents_free(l.v, l.n);
}

/* ---- API tokens ---- */

struct token_op {
    int64_t agent_id;
    unsigned char hash[STORE_HASH_LEN];
    const char *label;
    int64_t out_id;
    int64_t out_agent_id;
};

static enum terr tx_token_insert(struct store_tx *tx, void *arg)
{
    struct token_op *t = arg;
    return store_token_insert(tx, t->agent_id, t->hash, t->label, &t->out_id);
}

static enum terr tx_token_find(struct store_tx *tx, void *arg)
{
    struct token_op *t = arg;
    return store_token_find(tx, t->hash, &t->out_agent_id);
}

static void test_token_insert_then_find_returns_agent(void **state)
{
    seed_agent(ST(state), "Grace", "grace@desk.test");
    int64_t bot = seed_agent(ST(state), "Bot", "bot@desk.test");
    struct token_op t = {.agent_id = bot, .label = "ci"};
    memset(t.hash, 0xab, sizeof(t.hash));
    assert_int_equal(store_write(ST(state), tx_token_insert, &t), TERR_OK);
    assert_true(t.out_id > 0);

    struct token_op f = {0};
    memcpy(f.hash, t.hash, sizeof(f.hash));
    assert_int_equal(store_read(ST(state), tx_token_find, &f), TERR_OK);
    assert_int_equal(f.out_agent_id, bot);
}

static void test_token_find_unknown_hash_is_not_found(void **state)
{
    int64_t agent = seed_agent(ST(state), "Grace", "grace@desk.test");
    struct token_op t = {.agent_id = agent};
    memset(t.hash, 0x01, sizeof(t.hash));
    assert_int_equal(store_write(ST(state), tx_token_insert, &t), TERR_OK);

    /* differs from the stored hash in its last byte only */
    struct token_op f = {.out_agent_id = -7};
    memset(f.hash, 0x01, sizeof(f.hash));
    f.hash[STORE_HASH_LEN - 1] = 0x02;
    assert_int_equal(store_read(ST(state), tx_token_find, &f), TERR_NOT_FOUND);
    assert_int_equal(f.out_agent_id, -7);
}

static void test_token_duplicate_hash_is_conflict(void **state)
{
    int64_t a = seed_agent(ST(state), "Grace", "grace@desk.test");
    int64_t b = seed_agent(ST(state), "Bot", "bot@desk.test");
    struct token_op t = {.agent_id = a, .label = "first"};
    memset(t.hash, 0x5a, sizeof(t.hash));
    assert_int_equal(store_write(ST(state), tx_token_insert, &t), TERR_OK);
    t.agent_id = b;
    t.label = "second";
    assert_int_equal(store_write(ST(state), tx_token_insert, &t), TERR_CONFLICT);

    assert_int_equal(store_read(ST(state), tx_token_find, &t), TERR_OK);
    assert_int_equal(t.out_agent_id, a);
}

static void test_token_for_unknown_agent_is_not_found(void **state)
{
    struct token_op t = {.agent_id = 4242};
    memset(t.hash, 0x33, sizeof(t.hash));
    assert_int_equal(store_write(ST(state), tx_token_insert, &t), TERR_NOT_FOUND);
    assert_int_equal(store_read(ST(state), tx_token_find, &t), TERR_NOT_FOUND);
}

/* ---- sessions ---- */

struct session_op {
    unsigned char id_hash[STORE_HASH_LEN];
    struct session s;
    struct session out;
};

static enum terr tx_session_insert(struct store_tx *tx, void *arg)
{
    struct session_op *o = arg;
    return store_session_insert(tx, o->id_hash, &o->s);
}

static enum terr tx_session_find(struct store_tx *tx, void *arg)
{
    struct session_op *o = arg;
    return store_session_find(tx, o->id_hash, &o->out);
}

static enum terr tx_session_delete(struct store_tx *tx, void *arg)
{
    struct session_op *o = arg;
    return store_session_delete(tx, o->id_hash);
}

static void session_init(struct session_op *o, unsigned char fill, int64_t agent_id)
{
    memset(o, 0, sizeof(*o));
    memset(o->id_hash, fill, sizeof(o->id_hash));
    o->s.agent_id = agent_id;
    snprintf(o->s.csrf, sizeof(o->s.csrf), "csrf-%02x-token", fill);
    o->s.expires_at = 1700000000000 + fill;
}

static void test_session_insert_then_find_round_trips(void **state)
{
    int64_t agent = seed_agent(ST(state), "Grace", "grace@desk.test");
    struct session_op o;
    session_init(&o, 0x11, agent);
    assert_int_equal(store_write(ST(state), tx_session_insert, &o), TERR_OK);
    assert_int_equal(store_read(ST(state), tx_session_find, &o), TERR_OK);
    assert_int_equal(o.out.agent_id, agent);
    assert_string_equal(o.out.csrf, "csrf-11-token");
    assert_int_equal(o.out.expires_at, 1700000000000 + 0x11);
}

static void test_session_find_unknown_is_not_found(void **state)
{
    int64_t agent = seed_agent(ST(state), "Grace", "grace@desk.test");
    struct session_op o;
    session_init(&o, 0x11, agent);
    assert_int_equal(store_write(ST(state), tx_session_insert, &o), TERR_OK);
    struct session_op other;
    session_init(&other, 0x22, agent);
    assert_int_equal(store_read(ST(state), tx_session_find, &other), TERR_NOT_FOUND);
}

static void test_session_delete_removes_only_that_session(void **state)
{
    int64_t agent = seed_agent(ST(state), "Grace", "grace@desk.test");
    struct session_op a, b;
    session_init(&a, 0x11, agent);
    session_init(&b, 0x22, agent);
    assert_int_equal(store_write(ST(state), tx_session_insert, &a), TERR_OK);
    assert_int_equal(store_write(ST(state), tx_session_insert, &b), TERR_OK);

    assert_int_equal(store_write(ST(state), tx_session_delete, &a), TERR_OK);
    assert_int_equal(store_read(ST(state), tx_session_find, &a), TERR_NOT_FOUND);
    assert_int_equal(store_read(ST(state), tx_session_find, &b), TERR_OK);
    assert_string_equal(b.out.csrf, "csrf-22-token");
    /* logging out twice is not an error */
    assert_int_equal(store_write(ST(state), tx_session_delete, &a), TERR_OK);
}

static void test_session_duplicate_id_is_conflict(void **state)
{
    int64_t agent = seed_agent(ST(state), "Grace", "grace@desk.test");
    struct session_op o;
    session_init(&o, 0x11, agent);
    assert_int_equal(store_write(ST(state), tx_session_insert, &o), TERR_OK);
    snprintf(o.s.csrf, sizeof(o.s.csrf), "other");
    assert_int_equal(store_write(ST(state), tx_session_insert, &o), TERR_CONFLICT);
    assert_int_equal(store_read(ST(state), tx_session_find, &o), TERR_OK);
    assert_string_equal(o.out.csrf, "csrf-11-token");
}

static void test_session_for_unknown_agent_is_not_found(void **state)
{
    struct session_op o;
    session_init(&o, 0x11, 4242);
    assert_int_equal(store_write(ST(state), tx_session_insert, &o), TERR_NOT_FOUND);
    assert_int_equal(store_read(ST(state), tx_session_find, &o), TERR_NOT_FOUND);
}

/* ---- agents: routing fields, last assignment, loads ---- */

static enum terr tx_agent_update(struct store_tx *tx, void *arg)
{
    return store_agent_update(tx, arg);
}

static void test_agent_update_round_trips_routing_fields(void **state)
{
    int64_t id = seed_agent(ST(state), "Ivy", "ivy@desk.test");
    struct agent a = {.id = id, .name = xstrdup("Ivy K."), .role = ROLE_LEAD, .away = true};
    strlist_push(&a.skills, "de-escalation");
    strlist_push(&a.languages, "pt-BR");
    strlist_push(&a.channels, "chat");
    strlist_push(&a.teams, "legal");
    assert_int_equal(store_write(ST(state), tx_agent_update, &a), TERR_OK);
    struct get_agent o = {.id = id};
    assert_int_equal(store_read(ST(state), tx_agent_get, &o), TERR_OK);
    assert_string_equal(o.out.name, "Ivy K.");
    assert_string_equal(o.out.email, "ivy@desk.test"); /* not touched */
    assert_int_equal(o.out.role, ROLE_LEAD);
    assert_true(o.out.away);
    assert_string_equal(o.out.skills.v[0], "de-escalation");
    assert_string_equal(o.out.languages.v[0], "pt-BR");
    assert_string_equal(o.out.channels.v[0], "chat");
    assert_string_equal(o.out.teams.v[0], "legal");
    agent_release(&o.out);
    a.id = 4242;
    assert_int_equal(store_write(ST(state), tx_agent_update, &a), TERR_NOT_FOUND);
    agent_release(&a);
}

struct assigned_op {
    int64_t id, at;
};

static enum terr tx_agent_set_assigned(struct store_tx *tx, void *arg)
{
    struct assigned_op *o = arg;
    return store_agent_set_assigned(tx, o->id, o->at);
}

static void test_agent_set_assigned_stamps_the_agent(void **state)
{
    int64_t id = seed_agent(ST(state), "Jo", "jo@desk.test");
    struct assigned_op s = {.id = id, .at = 777};
    assert_int_equal(store_write(ST(state), tx_agent_set_assigned, &s), TERR_OK);
    struct get_agent o = {.id = id};
    assert_int_equal(store_read(ST(state), tx_agent_get, &o), TERR_OK);
    assert_int_equal(o.out.last_assigned_at, 777);
    agent_release(&o.out);
    s.id = 4242;
    assert_int_equal(store_write(ST(state), tx_agent_set_assigned, &s), TERR_NOT_FOUND);
}

struct loads_op {
    struct agent_load *v;
    size_t n;
};

static enum terr tx_agent_loads(struct store_tx *tx, void *arg)
{
    struct loads_op *o = arg;
    return store_agent_loads(tx, &o->v, &o->n);
}

static void seed_held(struct store *st, int64_t customer, int64_t agent, enum ticket_status s,
                      enum level l)
{
    struct ticket t = {.subject = xstrdup("s"),
                       .status = s,
                       .channel = CHANNEL_EMAIL,
                       .customer_id = customer,
                       .assignee_id = agent,
                       .created_at = 1,
                       .updated_at = 1,
                       .level = l};
    assert_int_equal(store_write(st, tx_ticket_insert, &t), TERR_OK);
    ticket_release(&t);
}

static void test_agent_loads_count_open_tickets_by_level(void **state)
{
    struct store *st = ST(state);
    int64_t kay = seed_agent(st, "Kay", "kay@desk.test");
    int64_t lu = seed_agent(st, "Lu", "lu@desk.test");
    int64_t idle = seed_agent(st, "Mo", "mo@desk.test");
    int64_t c = seed_customer(st, "Cy", NULL);
    seed_held(st, c, kay, STATUS_NEW, LEVEL_CALM);
    seed_held(st, c, kay, STATUS_OPEN, LEVEL_CALM);
    seed_held(st, c, kay, STATUS_PENDING, LEVEL_HOSTILE);
    seed_held(st, c, kay, STATUS_RESOLVED, LEVEL_HOSTILE); /* not open: not counted */
    seed_held(st, c, kay, STATUS_CLOSED, LEVEL_TENSE);
    seed_held(st, c, lu, STATUS_OPEN, LEVEL_HEATED);
    seed_held(st, c, 0, STATUS_OPEN, LEVEL_TENSE); /* unassigned: nobody's */
    struct loads_op o = {0};
    assert_int_equal(store_read(st, tx_agent_loads, &o), TERR_OK);
    assert_int_equal(o.n, 3); /* every agent, by id */
    assert_int_equal(o.v[0].agent_id, kay);
    assert_int_equal(o.v[0].open_by_level[LEVEL_CALM], 2);
    assert_int_equal(o.v[0].open_by_level[LEVEL_TENSE], 0);
    assert_int_equal(o.v[0].open_by_level[LEVEL_HEATED], 0);
    assert_int_equal(o.v[0].open_by_level[LEVEL_HOSTILE], 1);
    assert_int_equal(o.v[1].agent_id, lu);
    assert_int_equal(o.v[1].open_by_level[LEVEL_HEATED], 1);
    assert_int_equal(o.v[2].agent_id, idle);
    for (int l = 0; l < 4; l++)
        assert_int_equal(o.v[2].open_by_level[l], 0);
    free(o.v);
}

#define T(name) cmocka_unit_test_setup_teardown(name, store_setup, fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_customer_insert_then_get_round_trips),
        T(test_customer_ids_are_distinct),
        T(test_customer_get_unknown_id_is_not_found),
        T(test_customer_find_email_ignores_case),
        T(test_customer_find_unknown_email_is_not_found),
        T(test_customer_duplicate_email_is_conflict),
        T(test_customers_without_email_may_repeat),
        T(test_customer_update_changes_name_and_email),
        T(test_customer_update_unknown_id_is_not_found),
        T(test_customer_update_to_taken_email_is_conflict),
        T(test_customer_handles_come_back_sorted),
        T(test_customer_handle_added_twice_is_kept_once),
        T(test_customer_handle_of_another_customer_is_conflict),
        T(test_customer_handle_for_unknown_customer_is_not_found),
        T(test_agent_insert_then_get_round_trips),
        T(test_agent_find_email_returns_password_hash),
        T(test_agent_without_password_has_no_hash),
        T(test_agent_unknown_is_not_found),
        T(test_agent_duplicate_email_is_conflict),
        T(test_agent_list_and_count_on_empty_desk),
        T(test_agent_list_returns_all_by_id),
        T(test_token_insert_then_find_returns_agent),
        T(test_token_find_unknown_hash_is_not_found),
        T(test_token_duplicate_hash_is_conflict),
        T(test_token_for_unknown_agent_is_not_found),
        T(test_session_insert_then_find_round_trips),
        T(test_session_find_unknown_is_not_found),
        T(test_session_delete_removes_only_that_session),
        T(test_session_duplicate_id_is_conflict),
        T(test_session_for_unknown_agent_is_not_found),
        T(test_agent_update_round_trips_routing_fields),
        T(test_agent_set_assigned_stamps_the_agent),
        T(test_agent_loads_count_open_tickets_by_level),
    };
    return cmocka_run_group_tests_name("store/sqlite_records", tests, NULL, NULL);
}
