/*
 * The job scheduler (src/service/scheduler.c): the backoff schedule, and a
 * real scheduler thread on a temporary database running registered kinds:
 * done, retried after a failure, failed for good, its `record` writes kept
 * with the outcome, leases given back on stop, and woken early by an enqueue.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <time.h>

#include "../store/store_fixture.h"
#include "service/scheduler.h"
#include "util/secret.h"
#include "util/timeutil.h"

#define FX(state) ((struct fixture *)*(state))
#define ST(state) (FX(state)->st)

/* ---- backoff ---- */

static void test_backoff_doubles_from_the_base_up_to_the_cap(void **state)
{
    (void)state;
    assert_int_equal(svc_job_backoff_ms(1, 30000, 3600000, 0), 30000);
    assert_int_equal(svc_job_backoff_ms(2, 30000, 3600000, 0), 60000);
    assert_int_equal(svc_job_backoff_ms(3, 30000, 3600000, 0), 120000);
    assert_int_equal(svc_job_backoff_ms(7, 30000, 3600000, 0), 1920000);
    assert_int_equal(svc_job_backoff_ms(8, 30000, 3600000, 0), 3600000);
    assert_int_equal(svc_job_backoff_ms(60, 30000, 3600000, 0), 3600000);
}

static void test_backoff_jitter_adds_at_most_a_quarter(void **state)
{
    (void)state;
    assert_int_equal(svc_job_backoff_ms(1, 30000, 3600000, 10000), 37500);
    int64_t lo = INT64_MAX, hi = 0;
    for (uint32_t r = 0; r < 200000; r += 997) {
        int64_t d = svc_job_backoff_ms(2, 30000, 3600000, r);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_true(lo >= 60000 && hi <= 75000);
    assert_true(hi - lo > 10000); /* spread, not constant */
}

/* ---- a running scheduler ---- */

static atomic_int runs, fails_left;
static atomic_bool block_until_stop, handler_entered;

static enum terr run_counting(struct job_run *run)
{
    atomic_store(&handler_entered, true);
    if (atomic_load(&block_until_stop)) {
        while (!atomic_load(run->stopping)) {
            struct timespec ts = {0, 5000000L};
            nanosleep(&ts, NULL);
        }
        run->abandoned = true;
        return TERR_IO;
    }
    atomic_fetch_add(&runs, 1);
    if (atomic_fetch_sub(&fails_left, 1) > 0) {
        snprintf(run->error, sizeof(run->error), "receiver down");
        return TERR_IO;
    }
    return TERR_OK;
}

static enum terr run_permanent(struct job_run *run)
{
    atomic_fetch_add(&runs, 1);
    snprintf(run->error, sizeof(run->error), "bad payload");
    run->permanent = true;
    return TERR_INVALID;
}

/* Records the outcome as a marker job ("marker:<job>:<attempt>:<ok>"). */
static enum terr record_marker(struct store_tx *tx, struct job_run *run, bool ok)
{
    char key[64];
    snprintf(key, sizeof(key), "marker:%lld:%d:%d", (long long)run->job->id, run->job->attempts,
             ok);
    struct job_new m = {.kind = "marker", .dedupe_key = key, .run_at = INT64_MAX / 2};
    return store_job_enqueue(tx, &m, NULL, NULL);
}

static enum terr run_recording(struct job_run *run)
{
    enum terr e = run_counting(run);
    run->record = record_marker;
    return e;
}

static int sched_setup(void **state)
{
    atomic_store(&runs, 0);
    atomic_store(&fails_left, 0);
    atomic_store(&block_until_stop, false);
    atomic_store(&handler_entered, false);
    svc_scheduler_unregister_all();
    svc_scheduler_register("count", run_counting);
    svc_scheduler_register("permanent", run_permanent);
    svc_scheduler_register("recording", run_recording);
    return store_setup(state);
}

struct enq {
    const char *kind;
    int64_t id;
};

static enum terr enq_tx(struct store_tx *tx, void *arg)
{
    struct enq *q = arg;
    return svc_job_enqueue(tx, q->kind, 0, NULL, NULL, 0, &q->id);
}

static int64_t enqueue(struct store *st, const char *kind)
{
    struct enq q = {.kind = kind};
    assert_int_equal(store_write(st, enq_tx, &q), TERR_OK);
    return q.id;
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

/* Waits up to 10 s for job id to reach `want`; returns the job (caller releases). */
static struct job wait_state(struct store *st, int64_t id, enum job_state want)
{
    struct get g = {.id = id};
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(store_read(st, get_tx, &g), TERR_OK);
        if (g.j.state == want)
            return g.j;
        job_release(&g.j);
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    fail_msg("job %lld never reached state %s", (long long)id, job_state_name(want));
    return g.j;
}

static struct scheduler *start(struct store *st, int64_t poll_ms)
{
    struct scheduler_options o = {.poll_ms = poll_ms, .backoff_base_ms = 20, .lease_ms = 60000};
    struct scheduler *s = NULL;
    struct terr_info ei = {0};
    assert_int_equal(svc_scheduler_start(st, &o, &s, &ei), TERR_OK);
    return s;
}

static void test_a_due_job_runs_once_and_is_done(void **state)
{
    struct scheduler *s = start(ST(state), 20);
    int64_t id = enqueue(ST(state), "count");
    struct job j = wait_state(ST(state), id, JOB_DONE);
    svc_scheduler_stop(s);
    assert_int_equal(atomic_load(&runs), 1);
    assert_int_equal(j.attempts, 1);
    assert_null(j.lease_owner);
    job_release(&j);
}

static void test_a_failed_run_is_retried_after_the_backoff(void **state)
{
    atomic_store(&fails_left, 2);
    struct scheduler *s = start(ST(state), 20);
    int64_t id = enqueue(ST(state), "count");
    struct job j = wait_state(ST(state), id, JOB_DONE);
    svc_scheduler_stop(s);
    assert_int_equal(atomic_load(&runs), 3);
    assert_int_equal(j.attempts, 3);
    assert_string_equal(j.last_error, "receiver down"); /* the last failure stays visible */
    job_release(&j);
}

static void test_a_permanent_error_fails_at_once(void **state)
{
    struct scheduler *s = start(ST(state), 20);
    int64_t id = enqueue(ST(state), "permanent");
    struct job j = wait_state(ST(state), id, JOB_FAILED);
    svc_scheduler_stop(s);
    assert_int_equal(atomic_load(&runs), 1);
    assert_string_equal(j.last_error, "bad payload");
    job_release(&j);
}

struct count_kind {
    const char *kind;
    int64_t n;
};

static enum terr count_tx(struct store_tx *tx, void *arg)
{
    struct count_kind *c = arg;
    struct job *v;
    size_t n;
    enum terr e = store_job_list(tx, false, JOB_QUEUED, 0, 0, &v, &n);
    c->n = 0;
    for (size_t i = 0; !e && i < n; i++)
        c->n += strcmp(v[i].kind, c->kind) == 0;
    jobs_free(v, n);
    return e;
}

static void test_record_writes_commit_with_each_outcome(void **state)
{
    atomic_store(&fails_left, 1);
    struct scheduler *s = start(ST(state), 20);
    int64_t id = enqueue(ST(state), "recording");
    struct job j = wait_state(ST(state), id, JOB_DONE);
    svc_scheduler_stop(s);
    job_release(&j);
    struct count_kind c = {.kind = "marker"};
    assert_int_equal(store_read(ST(state), count_tx, &c), TERR_OK);
    assert_int_equal(c.n, 2); /* attempt 1 failed, attempt 2 done */
}

static void test_stop_gives_a_running_job_back(void **state)
{
    atomic_store(&block_until_stop, true);
    struct scheduler *s = start(ST(state), 20);
    int64_t id = enqueue(ST(state), "count");
    for (int i = 0; i < 1000 && !atomic_load(&handler_entered); i++) {
        struct timespec ts = {0, 10000000L};
        nanosleep(&ts, NULL);
    }
    assert_true(atomic_load(&handler_entered));
    svc_scheduler_stop(s);
    struct get g = {.id = id};
    assert_int_equal(store_read(ST(state), get_tx, &g), TERR_OK);
    assert_int_equal(g.j.state, JOB_QUEUED);
    assert_int_equal(g.j.attempts, 0); /* not counted: it never ran to an end */
    assert_null(g.j.lease_owner);
    job_release(&g.j);
}

static void test_an_enqueue_wakes_the_scheduler(void **state)
{
    struct scheduler *s = start(ST(state), 60000); /* would otherwise sleep a minute */
    struct timespec settle = {0, 100000000L};
    nanosleep(&settle, NULL); /* let it fall asleep */
    int64_t t0 = time_now_ms();
    int64_t id = enqueue(ST(state), "count");
    struct job j = wait_state(ST(state), id, JOB_DONE);
    int64_t took = time_now_ms() - t0;
    svc_scheduler_stop(s);
    job_release(&j);
    assert_true(took < 5000);
}

static void test_only_one_scheduler_per_process(void **state)
{
    struct scheduler *s = start(ST(state), 20), *other = NULL;
    struct terr_info ei = {0};
    assert_int_equal(svc_scheduler_start(ST(state), NULL, &other, &ei), TERR_CONFLICT);
    assert_null(other);
    assert_true(strlen(svc_scheduler_owner(s)) > 8);
    svc_scheduler_stop(s);
    svc_scheduler_stop(NULL);
}

int main(void)
{
    if (secret_init())
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_doubles_from_the_base_up_to_the_cap),
        cmocka_unit_test(test_backoff_jitter_adds_at_most_a_quarter),
#define T(f) cmocka_unit_test_setup_teardown(f, sched_setup, fixture_teardown)
        T(test_a_due_job_runs_once_and_is_done),
        T(test_a_failed_run_is_retried_after_the_backoff),
        T(test_a_permanent_error_fails_at_once),
        T(test_record_writes_commit_with_each_outcome),
        T(test_stop_gives_a_running_job_back),
        T(test_an_enqueue_wakes_the_scheduler),
        T(test_only_one_scheduler_per_process),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
