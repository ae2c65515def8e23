/*
 * The job queue and webhook records (src/store/sqlite/sqlite_jobs.c):
 * dedupe on enqueue, leases that two stores on one file never share, lease
 * expiry and takeover, completion refused to anyone but the lease holder,
 * retry and give-up, release on stop, cancel, and the webhook matching an
 * event.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store/store_jobs.h"
#include "store_fixture.h"

#define FX(state) ((struct fixture *)*(state))
#define ST(state) (FX(state)->st)
#define NOW       1800000000000LL
#define KINDS     "[\"test\"]"

/* ---- small transactions ---- */

struct enq {
    struct job_new in;
    int64_t id;
    bool created;
};

static enum terr enq_tx(struct store_tx *tx, void *arg)
{
    struct enq *q = arg;
    return store_job_enqueue(tx, &q->in, &q->id, &q->created);
}

static int64_t enqueue(struct store *st, const char *kind, const char *dedupe, int64_t run_at,
                       int max_attempts, bool *created)
{
    struct enq q = {.in = {.kind = kind,
                           .dedupe_key = dedupe,
                           .run_at = run_at,
                           .max_attempts = max_attempts,
                           .created_at = NOW}};
    assert_int_equal(store_write(st, enq_tx, &q), TERR_OK);
    if (created)
        *created = q.created;
    return q.id;
}

struct lease {
    const char *owner;
    int64_t now, lease_ms;
    size_t limit;
    struct job *v;
    size_t n;
};

static enum terr lease_tx(struct store_tx *tx, void *arg)
{
    struct lease *l = arg;
    return store_job_lease(tx, l->owner, KINDS, l->now, l->lease_ms, l->limit, &l->v, &l->n);
}

/* Leases up to limit jobs at `now` for 1000 ms; caller frees with jobs_free. */
static struct lease lease(struct store *st, const char *owner, int64_t now, size_t limit)
{
    struct lease l = {.owner = owner, .now = now, .lease_ms = 1000, .limit = limit};
    assert_int_equal(store_write(st, lease_tx, &l), TERR_OK);
    return l;
}

struct end {
    int what; /* 0 complete, 1 fail, 2 release, 3 cancel */
    int64_t id;
    const char *owner;
    int attempt;
    int64_t retry_at;
};

static enum terr end_tx(struct store_tx *tx, void *arg)
{
    struct end *e = arg;
    switch (e->what) {
    case 0:
        return store_job_complete(tx, e->id, e->owner, e->attempt, NOW + 10);
    case 1:
        return store_job_fail(tx, e->id, e->owner, e->attempt, NOW + 10, "boom", e->retry_at);
    case 2:
        return store_job_release(tx, e->id, e->owner, e->attempt);
    default:
        return store_job_cancel(tx, e->id, NOW + 10);
    }
}

static enum terr end_job(struct store *st, int what, int64_t id, const char *owner, int attempt,
                         int64_t retry_at)
{
    struct end e = {what, id, owner, attempt, retry_at};
    return store_write(st, end_tx, &e);
}

struct get {
    int64_t id;
    struct job j;
};

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct get *g = arg;
    return store_job_get(tx, g->id, &g->j);
}

/* The job as stored; caller releases. */
static struct job get_job(struct store *st, int64_t id)
{
    struct get g = {.id = id};
    assert_int_equal(store_read(st, get_tx, &g), TERR_OK);
    return g.j;
}

static enum job_state state_of(struct store *st, int64_t id)
{
    struct job j = get_job(st, id);
    enum job_state s = j.state;
    job_release(&j);
    return s;
}

/* ---- enqueue ---- */

static void test_same_dedupe_key_enqueues_once(void **state)
{
    bool created;
    int64_t a = enqueue(ST(state), "test", "ticket:1:reminder", NOW, 0, &created);
    assert_true(created);
    int64_t b = enqueue(ST(state), "test", "ticket:1:reminder", NOW + 5000, 0, &created);
    assert_false(created);
    assert_int_equal(a, b);
    /* without a key, never a duplicate */
    int64_t c = enqueue(ST(state), "test", NULL, NOW, 0, &created);
    int64_t d = enqueue(ST(state), "test", NULL, NOW, 0, &created);
    assert_true(created);
    assert_int_not_equal(c, d);
    /* the first job's run_at was not moved by the duplicate */
    struct job j = get_job(ST(state), a);
    assert_int_equal(j.run_at, NOW);
    assert_int_equal(j.max_attempts, 8);
    job_release(&j);
}

/* ---- leasing ---- */

static void test_lease_takes_due_jobs_of_known_kinds_in_run_at_order(void **state)
{
    int64_t later = enqueue(ST(state), "test", NULL, NOW - 10, 0, NULL);
    int64_t sooner = enqueue(ST(state), "test", NULL, NOW - 20, 0, NULL);
    enqueue(ST(state), "test", NULL, NOW + 60000, 0, NULL); /* not due */
    enqueue(ST(state), "other", NULL, NOW - 30, 0, NULL);   /* a kind we have no handler for */
    struct lease l = lease(ST(state), "A", NOW, 10);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].id, sooner);
    assert_int_equal(l.v[1].id, later);
    assert_int_equal(l.v[0].state, JOB_RUNNING);
    assert_string_equal(l.v[0].lease_owner, "A");
    assert_int_equal(l.v[0].lease_until, NOW + 1000);
    assert_int_equal(l.v[0].attempts, 1);
    jobs_free(l.v, l.n);
    /* leased jobs are not leased again while the lease holds */
    struct lease again = lease(ST(state), "B", NOW + 999, 10);
    assert_int_equal(again.n, 0);
    jobs_free(again.v, again.n);
}

static void test_lease_respects_the_batch_limit(void **state)
{
    for (int i = 0; i < 5; i++)
        enqueue(ST(state), "test", NULL, NOW, 0, NULL);
    struct lease a = lease(ST(state), "A", NOW, 3);
    struct lease b = lease(ST(state), "B", NOW, 3);
    assert_int_equal(a.n, 3);
    assert_int_equal(b.n, 2);
    jobs_free(a.v, a.n);
    jobs_free(b.v, b.n);
}

struct racer {
    struct store *st;
    const char *owner;
    int64_t ids[400];
    size_t n;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    for (int round = 0; round < 200; round++) {
        struct lease l = {.owner = r->owner, .now = NOW, .lease_ms = 60000, .limit = 2};
        if (store_write(r->st, lease_tx, &l) != TERR_OK)
            continue;
        for (size_t i = 0; i < l.n && r->n < 400; i++)
            r->ids[r->n++] = l.v[i].id;
        jobs_free(l.v, l.n);
    }
    return NULL;
}

/* Two stores on one file (each with its own connections and writer, as two
 * servers have), leasing at the same time: every job goes to exactly one. */
static void test_two_stores_never_lease_the_same_job(void **state)
{
    struct fixture *f = FX(state);
    for (int i = 0; i < 120; i++)
        enqueue(f->st, "test", NULL, NOW, 0, NULL);
    struct store *other;
    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &other, &ei), TERR_OK);
    struct racer *a = xcalloc(1, sizeof(*a)), *b = xcalloc(1, sizeof(*b));
    *a = (struct racer){.st = f->st, .owner = "A"};
    *b = (struct racer){.st = other, .owner = "B"};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, race, a);
    pthread_create(&tb, NULL, race, b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    store_close(other);
    assert_int_equal(a->n + b->n, 120);
    int seen[121] = {0};
    for (size_t i = 0; i < a->n; i++)
        seen[a->ids[i]]++;
    for (size_t i = 0; i < b->n; i++)
        seen[b->ids[i]]++;
    for (int id = 1; id <= 120; id++)
        assert_int_equal(seen[id], 1);
    free(a);
    free(b);
}

static void test_expired_lease_is_taken_over_and_the_old_holder_refused(void **state)
{
    int64_t id = enqueue(ST(state), "test", NULL, NOW, 0, NULL);
    struct lease a = lease(ST(state), "A", NOW, 1);
    assert_int_equal(a.n, 1);
    jobs_free(a.v, a.n);
    /* A's lease runs to NOW + 1000; at NOW + 1001 B takes the job over */
    struct lease b = lease(ST(state), "B", NOW + 1001, 1);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.v[0].id, id);
    assert_int_equal(b.v[0].attempts, 2);
    assert_string_equal(b.v[0].lease_owner, "B");
    jobs_free(b.v, b.n);
    /* A wakes up late: it can neither complete nor fail nor release */
    assert_int_equal(end_job(ST(state), 0, id, "A", 1, 0), TERR_CONFLICT);
    assert_int_equal(end_job(ST(state), 1, id, "A", 1, NOW + 5), TERR_CONFLICT);
    assert_int_equal(end_job(ST(state), 2, id, "A", 1, 0), TERR_CONFLICT);
    assert_int_equal(state_of(ST(state), id), JOB_RUNNING);
    assert_int_equal(end_job(ST(state), 0, id, "B", 2, 0), TERR_OK);
    assert_int_equal(state_of(ST(state), id), JOB_DONE);
}

/* The same owner re-leasing its own expired job holds a new lease: the old
 * attempt's completion is refused too. */
static void test_a_lease_is_owner_and_attempt(void **state)
{
    int64_t id = enqueue(ST(state), "test", NULL, NOW, 0, NULL);
    struct lease a = lease(ST(state), "A", NOW, 1);
    jobs_free(a.v, a.n);
    struct lease again = lease(ST(state), "A", NOW + 2000, 1);
    assert_int_equal(again.n, 1);
    jobs_free(again.v, again.n);
    assert_int_equal(end_job(ST(state), 0, id, "A", 1, 0), TERR_CONFLICT);
    assert_int_equal(end_job(ST(state), 0, id, "B", 2, 0), TERR_CONFLICT);
    assert_int_equal(end_job(ST(state), 0, id, "A", 2, 0), TERR_OK);
    /* a done job cannot be completed again */
    assert_int_equal(end_job(ST(state), 0, id, "A", 2, 0), TERR_CONFLICT);
}

static void test_fail_retries_at_the_given_time_then_gives_up(void **state)
{
    int64_t id = enqueue(ST(state), "test", NULL, NOW, 2, NULL);
    struct lease a = lease(ST(state), "A", NOW, 1);
    jobs_free(a.v, a.n);
    assert_int_equal(end_job(ST(state), 1, id, "A", 1, NOW + 30000), TERR_OK);
    struct job j = get_job(ST(state), id);
    assert_int_equal(j.state, JOB_QUEUED);
    assert_int_equal(j.run_at, NOW + 30000);
    assert_string_equal(j.last_error, "boom");
    assert_null(j.lease_owner);
    job_release(&j);
    /* not due before its retry time */
    struct lease early = lease(ST(state), "A", NOW + 29999, 1);
    assert_int_equal(early.n, 0);
    jobs_free(early.v, early.n);
    struct lease b = lease(ST(state), "A", NOW + 30000, 1);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.v[0].attempts, 2);
    jobs_free(b.v, b.n);
    /* retry_at 0: failed for good */
    assert_int_equal(end_job(ST(state), 1, id, "A", 2, 0), TERR_OK);
    j = get_job(ST(state), id);
    assert_int_equal(j.state, JOB_FAILED);
    assert_int_equal(j.done_at, NOW + 10);
    job_release(&j);
    struct lease none = lease(ST(state), "A", NOW + 99999999, 1);
    assert_int_equal(none.n, 0);
    jobs_free(none.v, none.n);
}

static void test_expired_lease_on_the_last_attempt_fails_the_job(void **state)
{
    int64_t id = enqueue(ST(state), "test", NULL, NOW, 1, NULL);
    struct lease a = lease(ST(state), "A", NOW, 1);
    jobs_free(a.v, a.n);
    /* the holder died; no attempt is left, so nobody runs it again */
    struct lease b = lease(ST(state), "B", NOW + 5000, 1);
    assert_int_equal(b.n, 0);
    jobs_free(b.v, b.n);
    struct job j = get_job(ST(state), id);
    assert_int_equal(j.state, JOB_FAILED);
    assert_non_null(j.last_error);
    job_release(&j);
}

static void test_release_gives_the_job_back_without_counting_an_attempt(void **state)
{
    int64_t id = enqueue(ST(state), "test", NULL, NOW, 0, NULL);
    struct lease a = lease(ST(state), "A", NOW, 1);
    jobs_free(a.v, a.n);
    assert_int_equal(end_job(ST(state), 2, id, "A", 1, 0), TERR_OK);
    struct job j = get_job(ST(state), id);
    assert_int_equal(j.state, JOB_QUEUED);
    assert_int_equal(j.attempts, 0);
    job_release(&j);
    /* due at once, for anyone */
    struct lease b = lease(ST(state), "B", NOW + 1, 1);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.v[0].attempts, 1);
    jobs_free(b.v, b.n);
}

static void test_cancel_stops_a_job_and_refuses_its_completion(void **state)
{
    int64_t queued = enqueue(ST(state), "test", NULL, NOW + 100000, 0, NULL);
    int64_t running = enqueue(ST(state), "test", NULL, NOW, 0, NULL);
    struct lease a = lease(ST(state), "A", NOW, 1);
    jobs_free(a.v, a.n);
    assert_int_equal(end_job(ST(state), 3, queued, NULL, 0, 0), TERR_OK);
    assert_int_equal(end_job(ST(state), 3, running, NULL, 0, 0), TERR_OK);
    assert_int_equal(state_of(ST(state), queued), JOB_CANCELLED);
    assert_int_equal(end_job(ST(state), 0, running, "A", 1, 0), TERR_CONFLICT);
    assert_int_equal(state_of(ST(state), running), JOB_CANCELLED);
    assert_int_equal(end_job(ST(state), 3, running, NULL, 0, 0), TERR_CONFLICT);
    assert_int_equal(end_job(ST(state), 3, 9999, NULL, 0, 0), TERR_NOT_FOUND);
}

struct due {
    int64_t at;
};

static enum terr due_tx(struct store_tx *tx, void *arg)
{
    return store_job_next_due(tx, KINDS, &((struct due *)arg)->at);
}

static void test_next_due_is_the_soonest_run_at_or_lease_expiry(void **state)
{
    struct due d = {-1};
    assert_int_equal(store_read(ST(state), due_tx, &d), TERR_OK);
    assert_int_equal(d.at, 0);
    enqueue(ST(state), "test", NULL, NOW + 5000, 0, NULL);
    enqueue(ST(state), "other", NULL, NOW - 5000, 0, NULL); /* not ours */
    assert_int_equal(store_read(ST(state), due_tx, &d), TERR_OK);
    assert_int_equal(d.at, NOW + 5000);
    enqueue(ST(state), "test", NULL, NOW, 0, NULL);
    struct lease a = lease(ST(state), "A", NOW, 1); /* runs to NOW + 1000 */
    jobs_free(a.v, a.n);
    assert_int_equal(store_read(ST(state), due_tx, &d), TERR_OK);
    assert_int_equal(d.at, NOW + 1001);
}

/* ---- webhooks ---- */

static enum terr hook_insert_tx(struct store_tx *tx, void *arg)
{
    return store_webhook_insert(tx, arg);
}

static int64_t add_hook(struct store *st, const char *events_csv, bool active)
{
    struct webhook w = {.url = xstrdup("http://127.0.0.1/h"), .secret = xstrdup("s"),
                        .active = active, .created_at = NOW};
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", events_csv);
    for (char *p = buf, *c; p; p = c ? c + 1 : NULL) {
        if ((c = strchr(p, ',')))
            *c = '\0';
        strlist_push(&w.events, p);
    }
    assert_int_equal(store_write(st, hook_insert_tx, &w), TERR_OK);
    int64_t id = w.id;
    webhook_release(&w);
    return id;
}

struct match {
    const char *type;
    struct webhook *v;
    size_t n;
};

static enum terr match_tx(struct store_tx *tx, void *arg)
{
    struct match *m = arg;
    return store_webhook_matching(tx, m->type, &m->v, &m->n);
}

static void test_webhooks_match_their_events_or_star_when_active(void **state)
{
    int64_t created = add_hook(ST(state), "ticket.created,message.created", true);
    int64_t all = add_hook(ST(state), "*", true);
    add_hook(ST(state), "ticket.created", false); /* inactive */
    struct match m = {.type = "ticket.created"};
    assert_int_equal(store_read(ST(state), match_tx, &m), TERR_OK);
    assert_int_equal(m.n, 2);
    assert_int_equal(m.v[0].id, created);
    assert_int_equal(m.v[1].id, all);
    assert_int_equal(m.v[0].events.n, 2);
    webhooks_free(m.v, m.n);
    m = (struct match){.type = "ticket.updated"};
    assert_int_equal(store_read(ST(state), match_tx, &m), TERR_OK);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.v[0].id, all);
    webhooks_free(m.v, m.n);
}

static enum terr delivery_tx(struct store_tx *tx, void *arg)
{
    return store_delivery_insert(tx, arg);
}

struct dlist {
    int64_t hook, after;
    struct webhook_delivery *v;
    size_t n;
};

static enum terr dlist_tx(struct store_tx *tx, void *arg)
{
    struct dlist *l = arg;
    return store_delivery_list(tx, l->hook, l->after, 10, &l->v, &l->n);
}

static enum terr hook_delete_tx(struct store_tx *tx, void *arg)
{
    return store_webhook_delete(tx, *(int64_t *)arg);
}

static void test_delivery_log_lists_attempts_and_goes_with_its_webhook(void **state)
{
    int64_t hook = add_hook(ST(state), "*", true);
    struct webhook_delivery d1 = {.webhook_id = hook, .job_id = 7, .event_type = "ticket.created",
                                  .attempt = 1, .status = 500, .error = "http 500",
                                  .duration_ms = 12, .at = NOW};
    struct webhook_delivery d2 = {.webhook_id = hook, .job_id = 7, .event_type = "ticket.created",
                                  .attempt = 2, .status = 0, .error = "timeout", .at = NOW + 1};
    assert_int_equal(store_write(ST(state), delivery_tx, &d1), TERR_OK);
    assert_int_equal(store_write(ST(state), delivery_tx, &d2), TERR_OK);
    struct dlist l = {.hook = hook};
    assert_int_equal(store_read(ST(state), dlist_tx, &l), TERR_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].status, 500);
    assert_int_equal(l.v[1].status, 0); /* no answer */
    assert_string_equal(l.v[1].error, "timeout");
    webhook_deliveries_free(l.v, l.n);
    /* a page after the first */
    l = (struct dlist){.hook = hook, .after = d1.id};
    assert_int_equal(store_read(ST(state), dlist_tx, &l), TERR_OK);
    assert_int_equal(l.n, 1);
    webhook_deliveries_free(l.v, l.n);
    assert_int_equal(store_write(ST(state), hook_delete_tx, &hook), TERR_OK);
    assert_int_equal(store_write(ST(state), hook_delete_tx, &hook), TERR_NOT_FOUND);
    l = (struct dlist){.hook = hook};
    assert_int_equal(store_read(ST(state), dlist_tx, &l), TERR_OK);
    assert_int_equal(l.n, 0);
    webhook_deliveries_free(l.v, l.n);
    /* a log row for a deleted webhook is refused, not orphaned */
    assert_int_equal(store_write(ST(state), delivery_tx, &d1), TERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, store_setup, fixture_teardown)
        T(test_same_dedupe_key_enqueues_once),
        T(test_lease_takes_due_jobs_of_known_kinds_in_run_at_order),
        T(test_lease_respects_the_batch_limit),
        T(test_two_stores_never_lease_the_same_job),
        T(test_expired_lease_is_taken_over_and_the_old_holder_refused),
        T(test_a_lease_is_owner_and_attempt),
        T(test_fail_retries_at_the_given_time_then_gives_up),
        T(test_expired_lease_on_the_last_attempt_fails_the_job),
        T(test_release_gives_the_job_back_without_counting_an_attempt),
        T(test_cancel_stops_a_job_and_refuses_its_completion),
        T(test_next_due_is_the_soonest_run_at_or_lease_expiry),
        T(test_webhooks_match_their_events_or_star_when_active),
        T(test_delivery_log_lists_attempts_and_goes_with_its_webhook),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
