/* Housekeeping forgets expired sessions, old idempotency records and old
 * finished jobs, nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../store/store_fixture.h"
#include "service/maintenance.h"
#include "store/store_jobs.h"

#define NOW 1800000000000LL

struct seed {
    int64_t agent_id;
};

static void hash_n(unsigned char h[STORE_HASH_LEN], int n)
{
    memset(h, 0, STORE_HASH_LEN);
    h[0] = (unsigned char)n;
}

static enum terr seed_tx(struct store_tx *tx, void *arg)
{
    struct seed *s = arg;
    unsigned char h[STORE_HASH_LEN];
    struct session se = {.agent_id = s->agent_id, .csrf = "csrf_x"};
    enum terr e = TERR_OK;
    /* sessions 1, 2 expired; 3 still valid */
    for (int i = 1; i <= 3 && !e; i++) {
        hash_n(h, i);
        se.expires_at = i < 3 ? NOW - i : NOW + 1000;
        e = store_session_insert(tx, h, &se);
    }
    /* idempotency records: one a day and a minute old, one an hour old */
    const int64_t ages[] = {IDEMPOTENCY_TTL_MS + 60000, 3600000};
    for (int i = 0; i < 2 && !e; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%d", i);
        struct idem_record r = {.principal = "agent:1",
                                .key = key,
                                .status = 201,
                                .response = "{}",
                                .created_at = NOW - ages[i]};
        e = store_idem_put(tx, &r);
    }
    /* jobs: one cancelled long ago, one cancelled an hour ago, one queued
     * long ago (never finished: kept) */
    const int64_t done_ages[] = {JOB_HISTORY_TTL_MS + 60000, 3600000, -1};
    for (int i = 0; i < 3 && !e; i++) {
        char key[16];
        snprintf(key, sizeof(key), "job%d", i);
        struct job_new j = {.kind = "noop",
                            .payload = "{}",
                            .dedupe_key = key,
                            .run_at = NOW - 2 * JOB_HISTORY_TTL_MS,
                            .created_at = NOW - 2 * JOB_HISTORY_TTL_MS};
        int64_t id;
        e = store_job_enqueue(tx, &j, &id, NULL);
        if (!e && done_ages[i] >= 0)
            e = store_job_cancel(tx, id, NOW - done_ages[i]);
    }
    return e;
}

static enum terr purge_tx(struct store_tx *tx, void *arg)
{
    return svc_purge_expired(tx, NOW, arg);
}

struct probe {
    int sessions_left;
    bool old_key_left, new_key_left;
};

static enum terr probe_tx(struct store_tx *tx, void *arg)
{
    struct probe *p = arg;
    unsigned char h[STORE_HASH_LEN];
    struct session se;
    for (int i = 1; i <= 3; i++) {
        hash_n(h, i);
        if (store_session_find(tx, h, &se) == TERR_OK)
            p->sessions_left++;
    }
    struct idem_record r;
    if ((p->old_key_left = store_idem_get(tx, "agent:1", "k0", &r) == TERR_OK))
        idem_record_release(&r);
    if ((p->new_key_left = store_idem_get(tx, "agent:1", "k1", &r) == TERR_OK))
        idem_record_release(&r);
    return TERR_OK;
}

static void purge_removes_only_what_expired(void **state)
{
    struct fixture *f = *state;
    struct seed s = {seed_agent(f->st, "Ana", "ana@example.com")};
    assert_int_equal(store_write(f->st, seed_tx, &s), TERR_OK);

    struct purge_counts n = {-1, -1, -1, -1};
    assert_int_equal(store_write(f->st, purge_tx, &n), TERR_OK);
    assert_int_equal(n.sessions, 2);
    assert_int_equal(n.idempotency_keys, 1);
    assert_int_equal(n.jobs, 1); /* only the job finished long ago */
    assert_int_equal(n.deliveries, 0);

    struct probe p = {0};
    assert_int_equal(store_read(f->st, probe_tx, &p), TERR_OK);
    assert_int_equal(p.sessions_left, 1);
    assert_false(p.old_key_left);
    assert_true(p.new_key_left);

    /* Running again finds nothing more. */
    assert_int_equal(store_write(f->st, purge_tx, &n), TERR_OK);
    assert_int_equal(n.sessions, 0);
    assert_int_equal(n.idempotency_keys, 0);
    assert_int_equal(n.jobs, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(purge_removes_only_what_expired, store_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
