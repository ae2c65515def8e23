/*
 * The store when the database will not cooperate: another process holding
 * the write lock (TERR_BUSY after busy_timeout_ms) and a disk that fails
 * writes (TERR_DISK_FULL, TERR_STORAGE).  Either way nothing half-done may
 * reach the file, and the store works again once the trouble is gone.
 *
 * The failing disk is a SQLite VFS registered by this file: it wraps the
 * default VFS and, while `fault_rc` is set, fails every xWrite and xSync of
 * the files it opened with that code.  The store is pointed at it with a
 * "file:PATH?vfs=truce-fault" URI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <time.h>

#include "store_fixture.h"

#define FX(state) ((struct fixture *)*(state))
#define ST(state) (FX(state)->st)

/* ---- the failing disk ---- */

#define FAULT_VFS "truce-fault"

static sqlite3_vfs *real_vfs;
static sqlite3_vfs fault_vfs;
static atomic_int fault_rc;     /* 0: writes pass; else the code they fail with */
static atomic_int fault_writes; /* writes and syncs refused so far */

/* Our file, with the default VFS's file right behind it (szOsFile covers both). */
struct fault_file {
    sqlite3_file base;
    sqlite3_file *real;
};

#define REAL(f) (((struct fault_file *)(f))->real)

static int fault_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int fault_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}
static int fault_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    int rc = atomic_load(&fault_rc);
    if (rc) {
        atomic_fetch_add(&fault_writes, 1);
        return rc;
    }
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}
static int fault_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int fault_sync(sqlite3_file *f, int flags)
{
    int rc = atomic_load(&fault_rc);
    if (rc) {
        atomic_fetch_add(&fault_writes, 1);
        return rc == SQLITE_FULL ? SQLITE_FULL : SQLITE_IOERR_FSYNC;
    }
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int fault_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int fault_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}
static int fault_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}
static int fault_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int fault_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int fault_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int fault_device_chars(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
/* WAL needs the shared-memory methods (io_methods version 2 and up); the
 * default unix VFS has version 3, so they are there to forward to. */
static int fault_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, pp);
}
static int fault_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void fault_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int fault_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}
static int fault_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, pp);
}
static int fault_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_io = {
    .iVersion = 3,
    .xClose = fault_close,
    .xRead = fault_read,
    .xWrite = fault_write,
    .xTruncate = fault_truncate,
    .xSync = fault_sync,
    .xFileSize = fault_file_size,
    .xLock = fault_lock,
    .xUnlock = fault_unlock,
    .xCheckReservedLock = fault_check_reserved,
    .xFileControl = fault_file_control,
    .xSectorSize = fault_sector_size,
    .xDeviceCharacteristics = fault_device_chars,
    .xShmMap = fault_shm_map,
    .xShmLock = fault_shm_lock,
    .xShmBarrier = fault_shm_barrier,
    .xShmUnmap = fault_shm_unmap,
    .xFetch = fault_fetch,
    .xUnfetch = fault_unfetch,
};

static int fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                      int *out_flags)
{
    (void)vfs;
    struct fault_file *ff = (struct fault_file *)file;
    ff->real = (sqlite3_file *)(ff + 1);
    int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
    /* SQLite reads pMethods even after a failed open: NULL means "nothing to close". */
    ff->base.pMethods = ff->real->pMethods ? &fault_io : NULL;
    return rc;
}

/* The rest of the VFS is the default one's. */
static int fault_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}
static int fault_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int fault_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static int fault_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, n, out);
}
static int fault_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return real_vfs->xSleep(real_vfs, us);
}
static int fault_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, out);
}
static int fault_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return real_vfs->xGetLastError(real_vfs, n, out);
}
static int fault_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static int register_fault_vfs(void **state)
{
    (void)state;
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs || real_vfs->iVersion < 2)
        return -1;
    fault_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(struct fault_file) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = FAULT_VFS,
        .xOpen = fault_open,
        .xDelete = fault_delete,
        .xAccess = fault_access,
        .xFullPathname = fault_full_pathname,
        /* no xDl*: the store never loads extensions */
        .xRandomness = fault_randomness,
        .xSleep = fault_sleep,
        .xCurrentTime = fault_current_time,
        .xGetLastError = fault_last_error,
        .xCurrentTimeInt64 = fault_current_time64,
    };
    return sqlite3_vfs_register(&fault_vfs, 0) == SQLITE_OK ? 0 : -1;
}

static int unregister_fault_vfs(void **state)
{
    (void)state;
    sqlite3_vfs_unregister(&fault_vfs);
    return 0;
}

static void fault_set(int rc)
{
    atomic_store(&fault_rc, rc);
    atomic_store(&fault_writes, 0);
}

/* ---- fixtures ---- */

/* A store on the failing disk (which is healthy to begin with). */
static int fault_setup(void **state)
{
    fault_set(0);
    if (dir_setup(state))
        return -1;
    struct fixture *f = *state;
    char uri[PATH_MAX + 64];
    snprintf(uri, sizeof(uri), "file:%s?vfs=" FAULT_VFS, f->path);
    struct terr_info ei = {0};
    if (store_open(uri, NULL, &f->st, &ei) != TERR_OK) {
        fprintf(stderr, "store_open: %s\n", ei.message);
        fixture_teardown(state);
        return -1;
    }
    return 0;
}

static int fault_teardown(void **state)
{
    fault_set(0);
    return fixture_teardown(state);
}

/* A store that waits only 200 ms for another process's lock. */
static int busy_setup(void **state)
{
    if (dir_setup(state))
        return -1;
    struct fixture *f = *state;
    struct store_options opt = {.busy_timeout_ms = 200};
    struct terr_info ei = {0};
    if (store_open(f->path, &opt, &f->st, &ei) != TERR_OK) {
        fprintf(stderr, "store_open: %s\n", ei.message);
        fixture_teardown(state);
        return -1;
    }
    return 0;
}

/* Closes the test's store and opens the same file afresh, on the plain disk. */
static void reopen(struct fixture *f)
{
    store_close(f->st);
    f->st = NULL;
    struct terr_info ei = {0};
    assert_int_equal(store_open(f->path, NULL, &f->st, &ei), TERR_OK);
}

/* ---- small transactions ---- */

struct counted_insert {
    const char *email;
    int calls;
};

/* Inserts a customer with this email, counting the calls. */
static enum terr tx_counted_insert(struct store_tx *tx, void *arg)
{
    struct counted_insert *ci = arg;
    ci->calls++;
    struct customer c = {.name = xstrdup("Customer"), .email = xstrdup(ci->email), .created_at = 1};
    enum terr e = store_customer_insert(tx, &c);
    customer_release(&c);
    return e;
}

static enum terr insert_customer(struct store *st, const char *email)
{
    struct counted_insert ci = {.email = email};
    return store_write(st, tx_counted_insert, &ci);
}

static int64_t elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* ---- busy ---- */

/* Another process's connection holding the write lock. */
static sqlite3 *lock_db(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "BEGIN EXCLUSIVE;"
                                  " INSERT INTO customers (name, email, created_at)"
                                  " VALUES ('Raw', 'raw@example.com', 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

static void unlock_db(sqlite3 *db, bool commit)
{
    assert_int_equal(sqlite3_exec(db, commit ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_write_while_locked_is_busy_and_writes_nothing(void **state)
{
    struct fixture *f = FX(state);
    assert_int_equal(insert_customer(f->st, "before@example.com"), TERR_OK);
    sqlite3 *db = lock_db(f->path);

    struct counted_insert ci = {.email = "blocked@example.com"};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    enum terr e = store_write(f->st, tx_counted_insert, &ci);
    int64_t waited = elapsed_ms(&t0);
    unlock_db(db, false);

    assert_int_equal(e, TERR_BUSY);
    assert_int_equal(ci.calls, 0); /* never ran: there was no transaction to run in */
    /* it waited for the lock, as long as it was told to and not the default 5 s */
    assert_true(waited >= 150);
    assert_true(waited < 3000);
    assert_false(customer_exists(f->st, "blocked@example.com"));
    assert_true(customer_exists(f->st, "before@example.com"));
}

static void test_writes_work_again_once_lock_is_released(void **state)
{
    struct fixture *f = FX(state);
    sqlite3 *db = lock_db(f->path);
    enum terr e = insert_customer(f->st, "blocked@example.com");
    unlock_db(db, true);
    assert_int_equal(e, TERR_BUSY);

    assert_int_equal(insert_customer(f->st, "after@example.com"), TERR_OK);
    assert_true(customer_exists(f->st, "after@example.com"));
    assert_true(customer_exists(f->st, "raw@example.com")); /* the other process's commit */
    assert_false(customer_exists(f->st, "blocked@example.com"));
}

static void test_read_is_not_blocked_by_a_write_lock(void **state)
{
    struct fixture *f = FX(state);
    assert_int_equal(insert_customer(f->st, "before@example.com"), TERR_OK);
    sqlite3 *db = lock_db(f->path);
    bool before = customer_exists(f->st, "before@example.com");
    bool uncommitted = customer_exists(f->st, "raw@example.com");
    unlock_db(db, false);
    assert_true(before);
    assert_false(uncommitted);
}

/* ---- failing disk ---- */

static void test_write_on_full_disk_is_disk_full_and_commits_nothing(void **state)
{
    struct fixture *f = FX(state);
    assert_int_equal(insert_customer(f->st, "before@example.com"), TERR_OK);

    fault_set(SQLITE_FULL);
    enum terr e = insert_customer(f->st, "lost@example.com");
    int refused = atomic_load(&fault_writes);
    fault_set(0);

    assert_int_equal(e, TERR_DISK_FULL);
    assert_true(refused > 0);
    assert_false(customer_exists(f->st, "lost@example.com"));
    reopen(f);
    assert_false(customer_exists(f->st, "lost@example.com"));
    assert_true(customer_exists(f->st, "before@example.com"));
}

static void test_store_keeps_working_after_disk_full(void **state)
{
    struct fixture *f = FX(state);
    fault_set(SQLITE_FULL);
    enum terr e = insert_customer(f->st, "lost@example.com");
    fault_set(0);
    assert_int_equal(e, TERR_DISK_FULL);

    /* the same store, the disk healthy again */
    assert_int_equal(insert_customer(f->st, "after@example.com"), TERR_OK);
    assert_int_equal(insert_customer(f->st, "lost@example.com"), TERR_OK); /* a retry */
    assert_true(customer_exists(f->st, "after@example.com"));
    reopen(f);
    assert_true(customer_exists(f->st, "after@example.com"));
    assert_true(customer_exists(f->st, "lost@example.com"));
}

static void test_write_on_io_error_is_storage_error_and_commits_nothing(void **state)
{
    struct fixture *f = FX(state);
    fault_set(SQLITE_IOERR_WRITE);
    enum terr e = insert_customer(f->st, "lost@example.com");
    fault_set(0);
    assert_int_equal(e, TERR_STORAGE);
    assert_false(customer_exists(f->st, "lost@example.com"));

    assert_int_equal(insert_customer(f->st, "after@example.com"), TERR_OK);
    reopen(f);
    assert_false(customer_exists(f->st, "lost@example.com"));
    assert_true(customer_exists(f->st, "after@example.com"));
}

struct batch_job {
    const char *email;
    bool fail_disk; /* fill the disk while this job runs, with a write big enough to spill */
    int disk_rc;    /* the fault to inject */
    enum terr result;
    int calls;
    struct results *res;
};

struct results {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int n_done;
};

static enum terr tx_batch_job(struct store_tx *tx, void *arg)
{
    struct batch_job *j = arg;
    struct customer c = {.name = xstrdup("Customer"), .email = xstrdup(j->email), .created_at = 1};
    if (j->fail_disk) {
        /* Bigger than the page cache, so SQLite writes pages out during the
         * statement rather than at commit. */
        size_t n = 8u << 20;
        free(c.name);
        c.name = xmalloc(n + 1);
        memset(c.name, 'x', n);
        c.name[n] = '\0';
        fault_set(j->disk_rc);
    }
    enum terr e = store_customer_insert(tx, &c);
    if (j->fail_disk)
        fault_set(0);
    customer_release(&c);
    return e;
}

static void batch_done(void *arg, enum terr result)
{
    struct batch_job *j = arg;
    pthread_mutex_lock(&j->res->lock);
    j->result = result;
    j->calls++;
    j->res->n_done++;
    pthread_cond_broadcast(&j->res->cond);
    pthread_mutex_unlock(&j->res->lock);
}

/* Runs the jobs as one group commit; the state is on the heap so that a
 * failing assertion cannot leave the writer thread with dangling pointers. */
struct batch {
    struct gate gate;
    struct results res;
    struct batch_job jobs[8];
    size_t n;
};

static void run_one_batch(struct store *st, struct batch *b)
{
    pthread_mutex_init(&b->res.lock, NULL);
    pthread_cond_init(&b->res.cond, NULL);
    gate_hold_writer(st, &b->gate);

    for (size_t i = 0; i < b->n; i++) {
        b->jobs[i].res = &b->res;
        store_write_async(st, tx_batch_job, batch_done, &b->jobs[i]);
    }
    gate_open(&b->gate);

    pthread_mutex_lock(&b->res.lock);
    while (b->res.n_done < (int)b->n)
        pthread_cond_wait(&b->res.cond, &b->res.lock);
    pthread_mutex_unlock(&b->res.lock);
}

static void batch_free(struct batch *b)
{
    pthread_mutex_destroy(&b->res.lock);
    pthread_cond_destroy(&b->res.cond);
    free(b);
}

static void test_full_disk_at_commit_fails_the_whole_batch(void **state)
{
    struct fixture *f = FX(state);
    struct batch *b = xcalloc(1, sizeof(*b));
    b->n = 3;
    b->jobs[0].email = "a@example.com";
    b->jobs[1].email = "b@example.com";
    b->jobs[2].email = "a@example.com"; /* conflict: fails on its own */

    /* The gate's write changes nothing, so its commit writes nothing either. */
    fault_set(SQLITE_FULL);
    run_one_batch(f->st, b);
    fault_set(0);

    assert_int_equal(b->jobs[0].result, TERR_DISK_FULL);
    assert_int_equal(b->jobs[1].result, TERR_DISK_FULL);
    assert_int_equal(b->jobs[2].result, TERR_CONFLICT);
    for (size_t i = 0; i < b->n; i++)
        assert_int_equal(b->jobs[i].calls, 1);
    reopen(f);
    assert_false(customer_exists(f->st, "a@example.com"));
    assert_false(customer_exists(f->st, "b@example.com"));
    batch_free(b);
}

/*
 * A write that fails the disk in the middle of its statement (SQLite spills
 * pages before commit) in a batch between two good writes: whatever each
 * caller is told must be what the file holds.  SQLite answers an I/O error
 * inside a statement by rolling back the whole transaction, the neighbours'
 * savepoints included.
 */
static void check_mid_batch_fault(struct fixture *f, int disk_rc, enum terr want)
{
    struct batch *b = xcalloc(1, sizeof(*b));
    b->n = 3;
    b->jobs[0].email = "first@example.com";
    b->jobs[1].email = "big@example.com";
    b->jobs[1].fail_disk = true;
    b->jobs[1].disk_rc = disk_rc;
    b->jobs[2].email = "third@example.com";
    run_one_batch(f->st, b);

    assert_int_equal(b->jobs[1].result, want);
    /* the write after the failure is not taken down with it */
    assert_int_equal(b->jobs[2].result, TERR_OK);
    for (size_t i = 0; i < b->n; i++)
        assert_int_equal(b->jobs[i].calls, 1);
    reopen(f);
    for (size_t i = 0; i < b->n; i++) {
        bool told_ok = b->jobs[i].result == TERR_OK;
        if (customer_exists(f->st, b->jobs[i].email) != told_ok)
            fail_msg("'%s' was told %s but is %s on disk", b->jobs[i].email,
                     terr_code(b->jobs[i].result), told_ok ? "missing" : "present");
    }
    /* and the store goes on */
    assert_int_equal(insert_customer(f->st, "later@example.com"), TERR_OK);
    assert_true(customer_exists(f->st, "later@example.com"));
    batch_free(b);
}

static void test_io_error_mid_batch_tells_each_writer_the_truth(void **state)
{
    check_mid_batch_fault(FX(state), SQLITE_IOERR_WRITE, TERR_STORAGE);
}

static void test_full_disk_mid_batch_tells_each_writer_the_truth(void **state)
{
    check_mid_batch_fault(FX(state), SQLITE_FULL, TERR_DISK_FULL);
}

static void test_open_on_failing_disk_fails_cleanly(void **state)
{
    struct fixture *f = FX(state);
    char uri[PATH_MAX + 64];
    snprintf(uri, sizeof(uri), "file:%s?vfs=" FAULT_VFS, f->path);
    static char sentinel;
    struct store *st = (struct store *)(void *)&sentinel;
    struct terr_info ei = {0};

    fault_set(SQLITE_FULL);
    enum terr e = store_open(uri, NULL, &st, &ei);
    fault_set(0);
    assert_int_not_equal(e, TERR_OK);
    assert_ptr_equal(st, &sentinel);
    assert_int_equal(ei.code, e);

    /* the same file opens and migrates once the disk is back */
    assert_int_equal(store_open(uri, NULL, &f->st, &ei), TERR_OK);
    assert_int_equal(store_schema_version(f->st), store_schema_latest());
    assert_int_equal(insert_customer(f->st, "after@example.com"), TERR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_while_locked_is_busy_and_writes_nothing,
                                        busy_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_writes_work_again_once_lock_is_released, busy_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_read_is_not_blocked_by_a_write_lock, busy_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_write_on_full_disk_is_disk_full_and_commits_nothing,
                                        fault_setup, fault_teardown),
        cmocka_unit_test_setup_teardown(test_store_keeps_working_after_disk_full, fault_setup,
                                        fault_teardown),
        cmocka_unit_test_setup_teardown(test_write_on_io_error_is_storage_error_and_commits_nothing,
                                        fault_setup, fault_teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_at_commit_fails_the_whole_batch, fault_setup,
                                        fault_teardown),
        cmocka_unit_test_setup_teardown(test_io_error_mid_batch_tells_each_writer_the_truth,
                                        fault_setup, fault_teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_mid_batch_tells_each_writer_the_truth,
                                        fault_setup, fault_teardown),
        cmocka_unit_test_setup_teardown(test_open_on_failing_disk_fails_cleanly, dir_setup,
                                        fault_teardown),
    };
    return cmocka_run_group_tests_name("store/sqlite_faults", tests, register_fault_vfs,
                                       unregister_fault_vfs);
}
