/*
 * Shared fixture for the store's unit tests: each test gets its own temporary
 * directory (mkdtemp under $TMPDIR or /tmp) holding a fresh database file, and
 * loses both afterwards.  Include after <cmocka.h>.
 *
 * Write callbacks run on the store's writer thread, where a cmocka assertion
 * would longjmp into another thread's stack; so callbacks only record what
 * they saw, and the test asserts on its own thread.  Everything here is
 * static inline so each test binary (one per file) takes only what it uses.
 */
#ifndef TRUCE_TEST_STORE_FIXTURE_H
#define TRUCE_TEST_STORE_FIXTURE_H

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/alloc.h"

struct fixture {
    char dir[PATH_MAX - 32]; /* room left for "/truce.db" and its -wal, -shm */
    char path[PATH_MAX];     /* dir/truce.db */
    struct store *st;        /* NULL when the test opens its own */
};

static inline void fixture_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            unlinkat(dirfd(d), de->d_name, 0);
    }
    closedir(d);
    rmdir(dir);
}

/* A fixture with its directory made and path set, but no store open. */
static inline int dir_setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(f->dir, sizeof(f->dir), "%s/truce-store-XXXXXX", base);
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/truce.db", f->dir);
    *state = f;
    return 0;
}

/* A fixture with a fresh store open on f->path. */
static inline int store_setup(void **state)
{
    if (dir_setup(state))
        return -1;
    struct fixture *f = *state;
    struct terr_info ei = {0};
    if (store_open(f->path, NULL, &f->st, &ei) != TERR_OK) {
        fprintf(stderr, "store_open: %s\n", ei.message);
        fixture_rmdir(f->dir);
        free(f);
        return -1;
    }
    return 0;
}

static inline int fixture_teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->st);
    fixture_rmdir(f->dir);
    free(f);
    return 0;
}

/* ---- small transactions shared by the test files ---- */

static inline enum terr tx_customer_insert(struct store_tx *tx, void *arg)
{
    return store_customer_insert(tx, arg);
}

static inline enum terr tx_agent_insert(struct store_tx *tx, void *arg)
{
    return store_agent_insert(tx, arg, NULL);
}

static inline enum terr tx_ticket_insert(struct store_tx *tx, void *arg)
{
    return store_ticket_insert(tx, arg);
}

struct find_customer {
    const char *email;
    struct customer out;
};

static inline enum terr tx_customer_find_email(struct store_tx *tx, void *arg)
{
    struct find_customer *fc = arg;
    return store_customer_find_email(tx, fc->email, &fc->out);
}

/* Inserts a customer (email may be NULL) and returns its id. */
static inline int64_t seed_customer(struct store *st, const char *name, const char *email)
{
    struct customer c = {.name = xstrdup(name), .email = xstrdup(email), .created_at = 1000};
    assert_int_equal(store_write(st, tx_customer_insert, &c), TERR_OK);
    assert_true(c.id > 0);
    int64_t id = c.id;
    customer_release(&c);
    return id;
}

/* Inserts an agent with role "agent" and no password and returns its id. */
static inline int64_t seed_agent(struct store *st, const char *name, const char *email)
{
    struct agent a = {
        .name = xstrdup(name), .email = xstrdup(email), .role = ROLE_AGENT, .created_at = 1000};
    assert_int_equal(store_write(st, tx_agent_insert, &a), TERR_OK);
    assert_true(a.id > 0);
    int64_t id = a.id;
    agent_release(&a);
    return id;
}

/* Whether a customer with this email is visible to a new read transaction. */
static inline bool customer_exists(struct store *st, const char *email)
{
    struct find_customer fc = {.email = email};
    enum terr e = store_read(st, tx_customer_find_email, &fc);
    if (e == TERR_NOT_FOUND)
        return false;
    assert_int_equal(e, TERR_OK);
    customer_release(&fc.out);
    return true;
}

/* ---- holding the writer thread, to queue writes into one group commit ---- */

/* Holds the writer thread inside a write until opened. */
struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool entered, open, finished;
};

static inline enum terr tx_wait_at_gate(struct store_tx *tx, void *arg)
{
    (void)tx;
    struct gate *g = arg;
    pthread_mutex_lock(&g->lock);
    g->entered = true;
    pthread_cond_broadcast(&g->cond);
    while (!g->open)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
    return TERR_OK;
}

static inline void gate_done(void *arg, enum terr result)
{
    (void)result;
    struct gate *g = arg;
    pthread_mutex_lock(&g->lock);
    g->finished = true;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

/* Returns once the writer thread is parked in the gate. */
static inline void gate_hold_writer(struct store *st, struct gate *g)
{
    memset(g, 0, sizeof(*g));
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->cond, NULL);
    store_write_async(st, tx_wait_at_gate, gate_done, g);
    pthread_mutex_lock(&g->lock);
    while (!g->entered)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

/* Lets the writer go and waits until the gate's write is over. */
static inline void gate_open(struct gate *g)
{
    pthread_mutex_lock(&g->lock);
    g->open = true;
    pthread_cond_broadcast(&g->cond);
    while (!g->finished)
        pthread_cond_wait(&g->cond, &g->lock);
    pthread_mutex_unlock(&g->lock);
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->cond);
}

#endif
