/*
 * The store's handle (src/store/store.c with the SQLite backend's open):
 * migrations from an empty file, read and write transactions, the
 * group-commit writer (one failing write rolls back alone, concurrent callers
 * each get their own answer, async callbacks run once) and durability across
 * handles.
 *
 * To put several writes in one group commit on purpose, a test parks the
 * writer thread inside a "gate" write, queues the others behind it, then
 * opens the gate.  Knowing when callers on other threads have queued needs a
 * look at the queue, hence store_int.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "store_fixture.h"
#include "store/store_int.h"

#define FX(state) ((struct fixture *)*(state))
#define ST(state) (FX(state)->st)

static int64_t agent_count(struct store *st);

/* ---- raw SQLite, to look at or tamper with the file behind the store ---- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    return db;
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* ---- migrations ---- */

static void test_open_new_file_is_at_latest_schema(void **state)
{
    struct fixture *f = FX(state);
    assert_true(store_schema_latest() >= 1);
    assert_int_not_equal(access(f->path, F_OK), 0);

    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &f->st, &ei), TERR_OK);
    assert_int_equal(access(f->path, F_OK), 0);
    assert_int_equal(store_schema_version(f->st), store_schema_latest());
    /* the tables are there */
    seed_customer(f->st, "Ada", "ada@example.com");
    seed_agent(f->st, "Grace", "grace@desk.test");
    assert_true(customer_exists(f->st, "ada@example.com"));
}

static void test_open_empty_existing_file_is_migrated(void **state)
{
    struct fixture *f = FX(state);
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fclose(fp);

    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &f->st, &ei), TERR_OK);
    assert_int_equal(store_schema_version(f->st), store_schema_latest());
    seed_customer(f->st, "Ada", "ada@example.com");
}

static void test_reopen_keeps_data_and_does_not_reapply(void **state)
{
    struct fixture *f = FX(state);
    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &f->st, &ei), TERR_OK);
    seed_customer(f->st, "Ada", "ada@example.com");
    store_close(f->st);
    f->st = NULL;

    sqlite3 *db = raw_open(f->path);
    int64_t rows = raw_int(db, "SELECT count(*) FROM schema_version");
    int64_t applied = raw_int(db, "SELECT max(applied_at) FROM schema_version");
    sqlite3_close(db);
    assert_true(rows >= 1);

    assert_int_equal(store_open(f->path, NULL, &f->st, &ei), TERR_OK);
    assert_int_equal(store_schema_version(f->st), store_schema_latest());
    assert_true(customer_exists(f->st, "ada@example.com"));

    db = raw_open(f->path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM schema_version"), rows);
    assert_int_equal(raw_int(db, "SELECT max(applied_at) FROM schema_version"), applied);
    sqlite3_close(db);
}

static void test_open_refuses_newer_schema(void **state)
{
    struct fixture *f = FX(state);
    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &f->st, &ei), TERR_OK);
    seed_customer(f->st, "Ada", "ada@example.com");
    store_close(f->st);
    f->st = NULL;

    sqlite3 *db = raw_open(f->path);
    char sql[128];
    snprintf(sql, sizeof(sql),
             "INSERT INTO schema_version (version, name, applied_at)"
             " VALUES (%d, '9999_from_the_future.sql', 1)",
             store_schema_latest() + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    static char sentinel;
    struct store *st = (struct store *)(void *)&sentinel;
    assert_int_equal(store_open(f->path, NULL, &st, &ei), TERR_CONFLICT);
    assert_ptr_equal(st, &sentinel);
    assert_int_equal(ei.code, TERR_CONFLICT);
    assert_non_null(strstr(ei.message, "newer"));

    /* refused, not damaged: the data and the future version are still there */
    db = raw_open(f->path);
    assert_int_equal(raw_int(db, "SELECT max(version) FROM schema_version"),
                     store_schema_latest() + 1);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM customers"), 1);
    sqlite3_close(db);
}

static void test_open_unopenable_path_is_storage_error(void **state)
{
    struct fixture *f = FX(state);
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%.*s/missing/truce.db", (int)(sizeof(path) - 32), f->dir);
    static char sentinel;
    struct store *st = (struct store *)(void *)&sentinel;
    struct terr_info ei = {0};
    assert_int_equal(store_open(path, NULL, &st, &ei), TERR_STORAGE);
    assert_ptr_equal(st, &sentinel);
    assert_int_equal(ei.code, TERR_STORAGE);
    assert_non_null(strstr(ei.message, "missing/truce.db"));
}

static void test_open_postgres_is_not_built(void **state)
{
    (void)state;
    struct store *st = NULL;
    struct terr_info ei = {0};
    assert_int_equal(store_open("postgres://localhost/truce", NULL, &st, &ei), TERR_INVALID);
    assert_null(st);
    assert_int_equal(ei.code, TERR_INVALID);
}

static void test_close_accepts_null(void **state)
{
    (void)state;
    store_close(NULL);
}

/* ---- read and write transactions ---- */

static enum terr tx_forbidden(struct store_tx *tx, void *arg)
{
    (void)tx;
    (*(int *)arg)++;
    return TERR_FORBIDDEN;
}

static void test_read_returns_callback_result(void **state)
{
    int calls = 0;
    assert_int_equal(store_read(ST(state), tx_forbidden, &calls), TERR_FORBIDDEN);
    assert_int_equal(calls, 1);
    /* the connection is usable afterwards */
    assert_false(customer_exists(ST(state), "ada@example.com"));
}

static void test_write_returns_callback_result(void **state)
{
    int calls = 0;
    assert_int_equal(store_write(ST(state), tx_forbidden, &calls), TERR_FORBIDDEN);
    assert_int_equal(calls, 1);
}

struct insert_then_fail {
    enum terr fail_with;
    enum terr inserted; /* what the inserts returned */
};

/* Inserts a customer and an agent, then gives up. */
static enum terr tx_insert_then_fail(struct store_tx *tx, void *arg)
{
    struct insert_then_fail *a = arg;
    struct customer c = {.name = xstrdup("Ada"), .email = xstrdup("ada@example.com")};
    struct agent ag = {.name = xstrdup("Grace"), .email = xstrdup("grace@desk.test")};
    a->inserted = store_customer_insert(tx, &c);
    if (!a->inserted)
        a->inserted = store_agent_insert(tx, &ag, NULL);
    customer_release(&c);
    agent_release(&ag);
    return a->fail_with;
}

static void test_write_error_rolls_back_everything_it_did(void **state)
{
    struct insert_then_fail a = {.fail_with = TERR_INVALID};
    assert_int_equal(store_write(ST(state), tx_insert_then_fail, &a), TERR_INVALID);
    assert_int_equal(a.inserted, TERR_OK);
    assert_false(customer_exists(ST(state), "ada@example.com"));
    assert_int_equal(agent_count(ST(state)), 0);

    /* the same work, kept this time */
    a.fail_with = TERR_OK;
    assert_int_equal(store_write(ST(state), tx_insert_then_fail, &a), TERR_OK);
    assert_true(customer_exists(ST(state), "ada@example.com"));
    assert_int_equal(agent_count(ST(state)), 1);
}

static void test_read_does_not_keep_writes(void **state)
{
    struct insert_then_fail a = {.fail_with = TERR_OK};
    assert_int_equal(store_read(ST(state), tx_insert_then_fail, &a), TERR_OK);
    assert_false(customer_exists(ST(state), "ada@example.com"));
    assert_int_equal(agent_count(ST(state)), 0);
}

struct snapshot {
    struct store *st;
    bool before, during;
    enum terr write;
};

static enum terr tx_find_ada(struct store_tx *tx, bool *found)
{
    struct customer c;
    enum terr e = store_customer_find_email(tx, "ada@example.com", &c);
    *found = e == TERR_OK;
    if (!e)
        customer_release(&c);
    return e == TERR_NOT_FOUND ? TERR_OK : e;
}

/* Looks for Ada, has her written meanwhile, looks again in the same read. */
static enum terr tx_read_around_a_write(struct store_tx *tx, void *arg)
{
    struct snapshot *s = arg;
    enum terr e = tx_find_ada(tx, &s->before);
    if (e)
        return e;
    struct customer c = {.name = xstrdup("Ada"), .email = xstrdup("ada@example.com")};
    s->write = store_write(s->st, tx_customer_insert, &c);
    customer_release(&c);
    return tx_find_ada(tx, &s->during);
}

static void test_read_is_one_snapshot(void **state)
{
    struct snapshot s = {.st = ST(state)};
    assert_int_equal(store_read(ST(state), tx_read_around_a_write, &s), TERR_OK);
    assert_int_equal(s.write, TERR_OK);
    assert_false(s.before);
    assert_false(s.during);
    assert_true(customer_exists(ST(state), "ada@example.com"));
}

static void test_write_is_durable_for_a_new_handle(void **state)
{
    struct fixture *f = FX(state);
    seed_customer(f->st, "Ada", "ada@example.com");

    /* a second, independent handle on the same file, the first still open */
    struct store *other = NULL;
    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &other, &ei), TERR_OK);
    assert_true(customer_exists(other, "ada@example.com"));
    store_close(other);

    /* and a plain SQLite connection, as another process would see it */
    sqlite3 *db = raw_open(f->path);
    assert_int_equal(raw_int(db, "SELECT count(*) FROM customers WHERE email = 'ada@example.com'"),
                     1);
    sqlite3_close(db);
}

/* ---- the group-commit writer ---- */

static enum terr tx_agent_count(struct store_tx *tx, void *arg)
{
    return store_agent_count(tx, arg);
}

static int64_t agent_count(struct store *st)
{
    int64_t n = -1;
    assert_int_equal(store_read(st, tx_agent_count, &n), TERR_OK);
    return n;
}

static size_t queued_writes(struct store *st)
{
    size_t n = 0;
    pthread_mutex_lock(&st->queue_lock);
    for (struct write_job *j = st->head; j; j = j->next)
        n++;
    pthread_mutex_unlock(&st->queue_lock);
    return n;
}

/* Waits (at most 5 s) until n writes wait in the queue; returns how many do.
 * The caller opens the gate before asserting, or a failure would leave the
 * writer parked and store_close waiting for it forever. */
static size_t wait_queued(struct store *st, size_t n)
{
    for (int i = 0; i < 5000 && queued_writes(st) < n; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    return queued_writes(st);
}

/* One write of a batch: what it does and what it was told. */
struct job {
    const char *email;   /* inserts an agent with this email */
    enum terr fail_with; /* then returns this (TERR_OK: keep) */
    struct results *res;
    enum terr result;
    int done_calls;
};

/* What the done callbacks saw, shared by the jobs of a test. */
struct results {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int n_done;
};

static enum terr tx_job(struct store_tx *tx, void *arg)
{
    struct job *j = arg;
    struct agent a = {.name = xstrdup("Agent"), .email = xstrdup(j->email)};
    enum terr e = store_agent_insert(tx, &a, NULL);
    agent_release(&a);
    return e ? e : j->fail_with;
}

static void job_done(void *arg, enum terr result)
{
    struct job *j = arg;
    pthread_mutex_lock(&j->res->lock);
    j->result = result;
    j->done_calls++;
    j->res->n_done++;
    pthread_cond_broadcast(&j->res->cond);
    pthread_mutex_unlock(&j->res->lock);
}

static void results_init(struct results *r)
{
    memset(r, 0, sizeof(*r));
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
}

static void results_wait(struct results *r, int n)
{
    pthread_mutex_lock(&r->lock);
    while (r->n_done < n)
        pthread_cond_wait(&r->cond, &r->lock);
    pthread_mutex_unlock(&r->lock);
}

static void results_destroy(struct results *r)
{
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->cond);
}

struct find_agent {
    const char *email;
    bool found;
};

static enum terr tx_agent_exists(struct store_tx *tx, void *arg)
{
    struct find_agent *fa = arg;
    struct agent a;
    enum terr e = store_agent_find_email(tx, fa->email, &a, NULL);
    fa->found = e == TERR_OK;
    if (!e)
        agent_release(&a);
    return e == TERR_NOT_FOUND ? TERR_OK : e;
}

static bool agent_exists(struct store *st, const char *email)
{
    struct find_agent fa = {.email = email};
    assert_int_equal(store_read(st, tx_agent_exists, &fa), TERR_OK);
    return fa.found;
}

static void test_failing_write_in_a_batch_rolls_back_alone(void **state)
{
    struct store *st = ST(state);
    struct results res;
    results_init(&res);
    struct job jobs[] = {
        {.email = "one@desk.test"},
        {.email = "one@desk.test"}, /* sees one's uncommitted row: conflict */
        {.email = "two@desk.test", .fail_with = TERR_INVALID},
        {.email = "three@desk.test"},
        {.email = "four@desk.test", .fail_with = TERR_FORBIDDEN},
        {.email = "five@desk.test"},
    };
    size_t n = sizeof(jobs) / sizeof(jobs[0]);

    struct gate g;
    gate_hold_writer(st, &g);
    for (size_t i = 0; i < n; i++) {
        jobs[i].res = &res;
        store_write_async(st, tx_job, job_done, &jobs[i]);
    }
    size_t n_queued = queued_writes(st);
    gate_open(&g);
    results_wait(&res, (int)n);
    assert_int_equal(n_queued, n); /* all were in one group commit */

    assert_int_equal(jobs[0].result, TERR_OK);
    assert_int_equal(jobs[1].result, TERR_CONFLICT);
    assert_int_equal(jobs[2].result, TERR_INVALID);
    assert_int_equal(jobs[3].result, TERR_OK);
    assert_int_equal(jobs[4].result, TERR_FORBIDDEN);
    assert_int_equal(jobs[5].result, TERR_OK);
    assert_true(agent_exists(st, "one@desk.test"));
    assert_false(agent_exists(st, "two@desk.test"));
    assert_true(agent_exists(st, "three@desk.test"));
    assert_false(agent_exists(st, "four@desk.test"));
    assert_true(agent_exists(st, "five@desk.test"));
    assert_int_equal(agent_count(st), 3);
    results_destroy(&res);
}

struct writer_thread {
    pthread_t thread;
    struct store *st;
    char email[32];
    int tag; /* many_writes_main: names this thread's emails */
    enum terr fail_with;
    enum terr result;
};

static enum terr tx_thread_job(struct store_tx *tx, void *arg)
{
    struct writer_thread *w = arg;
    struct agent a = {.name = xstrdup("Agent"), .email = xstrdup(w->email)};
    enum terr e = store_agent_insert(tx, &a, NULL);
    agent_release(&a);
    return e ? e : w->fail_with;
}

static void *writer_thread_main(void *arg)
{
    struct writer_thread *w = arg;
    w->result = store_write(w->st, tx_thread_job, w);
    return NULL;
}

static void test_concurrent_writers_keep_only_successful_writes(void **state)
{
    enum { N = 12 };
    struct store *st = ST(state);
    seed_agent(st, "Taken", "taken@desk.test");
    struct writer_thread w[N];
    memset(w, 0, sizeof(w));

    struct gate g;
    gate_hold_writer(st, &g);
    for (int i = 0; i < N; i++) {
        w[i].st = st;
        /* by i % 3: 0 keeps its write, 1 fails by itself, 2 conflicts on a taken email */
        w[i].fail_with = i % 3 == 1 ? TERR_INVALID : TERR_OK;
        if (i % 3 == 2)
            snprintf(w[i].email, sizeof(w[i].email), "taken@desk.test");
        else
            snprintf(w[i].email, sizeof(w[i].email), "w%d@desk.test", i);
        w[i].result = TERR__COUNT;
        assert_int_equal(pthread_create(&w[i].thread, NULL, writer_thread_main, &w[i]), 0);
    }
    size_t n_queued = wait_queued(st, N);
    gate_open(&g);
    for (int i = 0; i < N; i++)
        pthread_join(w[i].thread, NULL);
    assert_int_equal(n_queued, N); /* every caller waited on the same group commit */

    for (int i = 0; i < N; i++) {
        enum terr want = i % 3 == 0 ? TERR_OK : i % 3 == 1 ? TERR_INVALID : TERR_CONFLICT;
        assert_int_equal(w[i].result, want);
        if (i % 3 != 2)
            assert_int_equal(agent_exists(st, w[i].email), i % 3 == 0);
    }
    assert_int_equal(agent_count(st), 1 + N / 3);
}

static void *many_writes_main(void *arg)
{
    struct writer_thread *w = arg;
    w->result = TERR_OK;
    for (int i = 0; i < 25; i++) {
        struct writer_thread one = {.st = w->st, .fail_with = i % 2 ? TERR_INVALID : TERR_OK};
        snprintf(one.email, sizeof(one.email), "t%c-%d@desk.test", w->tag, i);
        enum terr e = store_write(w->st, tx_thread_job, &one);
        if (e != one.fail_with)
            w->result = TERR_INTERNAL; /* asserted on the main thread */
    }
    return NULL;
}

static void test_many_threads_writing_at_once_lose_nothing(void **state)
{
    enum { N = 6 };
    struct store *st = ST(state);
    struct writer_thread w[N];
    memset(w, 0, sizeof(w));
    for (int i = 0; i < N; i++) {
        w[i].st = st;
        w[i].tag = 'a' + i;
        assert_int_equal(pthread_create(&w[i].thread, NULL, many_writes_main, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(w[i].thread, NULL);
        assert_int_equal(w[i].result, TERR_OK);
    }
    assert_int_equal(agent_count(st), N * 13); /* i = 0, 2, ..., 24 of each */
    assert_true(agent_exists(st, "tc-24@desk.test"));
    assert_false(agent_exists(st, "tc-23@desk.test"));
}

static void test_write_async_calls_done_once_with_its_result(void **state)
{
    struct fixture *f = FX(state);
    struct results res;
    results_init(&res);
    struct job jobs[] = {
        {.email = "one@desk.test"},
        {.email = "one@desk.test"},
        {.email = "two@desk.test", .fail_with = TERR_BUSY},
        {.email = "three@desk.test"},
    };
    size_t n = sizeof(jobs) / sizeof(jobs[0]);
    for (size_t i = 0; i < n; i++) {
        jobs[i].res = &res;
        jobs[i].result = TERR__COUNT;
        store_write_async(f->st, tx_job, job_done, &jobs[i]);
    }
    results_wait(&res, (int)n);
    /* by the time done ran, the write was committed */
    assert_true(agent_exists(f->st, "one@desk.test"));
    assert_true(agent_exists(f->st, "three@desk.test"));
    assert_false(agent_exists(f->st, "two@desk.test"));

    /* after close nothing can call back any more: count the calls */
    store_close(f->st);
    f->st = NULL;
    assert_int_equal(res.n_done, (int)n);
    assert_int_equal(jobs[0].result, TERR_OK);
    assert_int_equal(jobs[1].result, TERR_CONFLICT);
    assert_int_equal(jobs[2].result, TERR_BUSY);
    assert_int_equal(jobs[3].result, TERR_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(jobs[i].done_calls, 1);
    results_destroy(&res);
}

struct seen_at_done {
    struct store *st;
    const char *email;
    bool visible;
    int calls;
};

static enum terr tx_insert_agent_email(struct store_tx *tx, void *arg)
{
    struct seen_at_done *s = arg;
    struct agent a = {.name = xstrdup("Agent"), .email = xstrdup(s->email)};
    enum terr e = store_agent_insert(tx, &a, NULL);
    agent_release(&a);
    return e;
}

/* Runs on the writer thread: looks with a read transaction of its own. */
static void done_look(void *arg, enum terr result)
{
    struct seen_at_done *s = arg;
    struct find_agent fa = {.email = s->email};
    s->visible =
        result == TERR_OK && store_read(s->st, tx_agent_exists, &fa) == TERR_OK && fa.found;
    s->calls++;
}

static void test_write_async_done_runs_after_commit(void **state)
{
    struct fixture *f = FX(state);
    struct seen_at_done s = {.st = f->st, .email = "late@desk.test"};
    store_write_async(f->st, tx_insert_agent_email, done_look, &s);
    store_close(f->st); /* waits for the queued write */
    f->st = NULL;
    assert_int_equal(s.calls, 1);
    assert_true(s.visible);
}

static void test_close_finishes_queued_writes(void **state)
{
    struct fixture *f = FX(state);
    enum { N = 20 };
    struct results res;
    results_init(&res);
    struct job jobs[N];
    char emails[N][32];
    memset(jobs, 0, sizeof(jobs));
    for (int i = 0; i < N; i++) {
        snprintf(emails[i], sizeof(emails[i]), "q%d@desk.test", i);
        jobs[i].email = emails[i];
        jobs[i].res = &res;
        store_write_async(f->st, tx_job, job_done, &jobs[i]);
    }
    store_close(f->st);
    f->st = NULL;
    assert_int_equal(res.n_done, N);
    for (int i = 0; i < N; i++)
        assert_int_equal(jobs[i].result, TERR_OK);

    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &f->st, &ei), TERR_OK);
    assert_int_equal(agent_count(f->st), N);
    results_destroy(&res);
}

static void test_small_max_batch_still_commits_everything(void **state)
{
    struct fixture *f = FX(state);
    store_close(f->st);
    f->st = NULL;
    struct store_options opt = {.max_batch = 2};
    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, &opt, &f->st, &ei), TERR_OK);

    enum { N = 7 };
    struct results res;
    results_init(&res);
    struct job jobs[N];
    char emails[N][32];
    memset(jobs, 0, sizeof(jobs));
    struct gate g;
    gate_hold_writer(f->st, &g);
    for (int i = 0; i < N; i++) {
        snprintf(emails[i], sizeof(emails[i]), "b%d@desk.test", i);
        jobs[i].email = emails[i];
        jobs[i].fail_with = i == 3 ? TERR_INVALID : TERR_OK;
        jobs[i].res = &res;
        store_write_async(f->st, tx_job, job_done, &jobs[i]);
    }
    gate_open(&g);
    results_wait(&res, N);
    for (int i = 0; i < N; i++)
        assert_int_equal(jobs[i].result, i == 3 ? TERR_INVALID : TERR_OK);
    assert_int_equal(agent_count(f->st), N - 1);
    assert_false(agent_exists(f->st, "b3@desk.test"));
    results_destroy(&res);
}

/* store_schema_version may be asked (GET /health) while writes run on the
 * writer thread.  The state the writer touches is on the heap so that, should
 * this thread crash inside SQLite (cmocka turns that into a failure), the
 * writer can still finish and the teardown does not hang. */
struct version_race {
    struct results res;
    struct job jobs[200];
    char emails[200][32];
};

static void test_schema_version_while_writing(void **state)
{
    struct store *st = ST(state);
    struct version_race *r = xcalloc(1, sizeof(*r));
    int n = (int)(sizeof(r->jobs) / sizeof(r->jobs[0]));
    results_init(&r->res);
    for (int i = 0; i < n; i++) {
        snprintf(r->emails[i], sizeof(r->emails[i]), "v%d@desk.test", i);
        r->jobs[i].email = r->emails[i];
        r->jobs[i].res = &r->res;
        store_write_async(st, tx_job, job_done, &r->jobs[i]);
    }
    int wrong = 0;
    for (int i = 0; i < 2000; i++)
        if (store_schema_version(st) != store_schema_latest())
            wrong++;
    results_wait(&r->res, n);
    assert_int_equal(wrong, 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(r->jobs[i].result, TERR_OK);
    assert_int_equal(agent_count(st), n);
    results_destroy(&r->res);
    free(r);
}

#define T(name)     cmocka_unit_test_setup_teardown(name, store_setup, fixture_teardown)
#define T_DIR(name) cmocka_unit_test_setup_teardown(name, dir_setup, fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T_DIR(test_open_new_file_is_at_latest_schema),
        T_DIR(test_open_empty_existing_file_is_migrated),
        T_DIR(test_reopen_keeps_data_and_does_not_reapply),
        T_DIR(test_open_refuses_newer_schema),
        T_DIR(test_open_unopenable_path_is_storage_error),
        cmocka_unit_test(test_open_postgres_is_not_built),
        cmocka_unit_test(test_close_accepts_null),
        T(test_read_returns_callback_result),
        T(test_write_returns_callback_result),
        T(test_write_error_rolls_back_everything_it_did),
        T(test_read_does_not_keep_writes),
        T(test_read_is_one_snapshot),
        T(test_write_is_durable_for_a_new_handle),
        T(test_failing_write_in_a_batch_rolls_back_alone),
        T(test_concurrent_writers_keep_only_successful_writes),
        T(test_many_threads_writing_at_once_lose_nothing),
        T(test_write_async_calls_done_once_with_its_result),
        T(test_write_async_done_runs_after_commit),
        T(test_close_finishes_queued_writes),
        T(test_small_max_batch_still_commits_everything),
        T(test_schema_version_while_writing),
    };
    return cmocka_run_group_tests_name("store/store", tests, NULL, NULL);
}
