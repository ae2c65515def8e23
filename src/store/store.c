/*
 * Backend-neutral half of the store: choosing the backend, per-thread read
 * connections, and the group-commit writer thread (see store.h).
 */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/log.h"

static void *writer_main(void *arg);

enum terr store_open(const char *path, const struct store_options *opt, struct store **out,
                     struct terr_info *ei)
{
    if (strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0)
        return terr_set(ei, TERR_INVALID, "db", "the PostgreSQL backend is not built yet");

    struct store *st = xcalloc(1, sizeof(*st));
    st->ops = &store_sqlite_ops;
    if (opt)
        st->opt = *opt;
    if (st->opt.busy_timeout_ms <= 0)
        st->opt.busy_timeout_ms = 5000;
    if (st->opt.max_batch <= 0)
        st->opt.max_batch = 256;

    enum terr e = st->ops->open(st, path, ei);
    if (e) {
        free(st);
        return e;
    }
    e = st->ops->conn_open(st, &st->writer_conn);
    if (e) {
        st->ops->close(st);
        free(st);
        return terr_set(ei, e, "db", "unable to open '%s'", path);
    }
    /* Read once, before the writer thread owns writer_conn; it cannot change while open. */
    st->schema_version = st->ops->schema_version(st->writer_conn);
    pthread_key_create(&st->conn_key, NULL);
    pthread_mutex_init(&st->conns_lock, NULL);
    pthread_mutex_init(&st->queue_lock, NULL);
    pthread_cond_init(&st->queue_cond, NULL);
    if (pthread_create(&st->writer, NULL, writer_main, st) != 0)
        BUG("cannot start the store's writer thread");
    *out = st;
    return TERR_OK;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    pthread_mutex_lock(&st->queue_lock);
    st->stopping = true;
    pthread_cond_signal(&st->queue_cond);
    pthread_mutex_unlock(&st->queue_lock);
    pthread_join(st->writer, NULL);

    for (struct conn_slot *s = st->conns, *next; s; s = next) {
        next = s->next;
        st->ops->conn_close(s->conn);
        free(s);
    }
    st->ops->conn_close(st->writer_conn);
    st->ops->close(st);
    pthread_key_delete(st->conn_key);
    pthread_mutex_destroy(&st->conns_lock);
    pthread_mutex_destroy(&st->queue_lock);
    pthread_cond_destroy(&st->queue_cond);
    free(st);
}

int store_schema_version(struct store *st)
{
    return st->schema_version;
}

uint64_t store_generation(struct store *st)
{
    return atomic_load(&st->generation);
}

/* This thread's read connection, opened on first use. */
static enum terr thread_conn(struct store *st, struct store_conn **out)
{
    struct conn_slot *slot = pthread_getspecific(st->conn_key);
    if (!slot) {
        struct store_conn *c;
        enum terr e = st->ops->conn_open(st, &c);
        if (e)
            return e;
        slot = xcalloc(1, sizeof(*slot));
        slot->conn = c;
        pthread_mutex_lock(&st->conns_lock);
        slot->next = st->conns;
        st->conns = slot;
        pthread_mutex_unlock(&st->conns_lock);
        pthread_setspecific(st->conn_key, slot);
    }
    *out = slot->conn;
    return TERR_OK;
}

enum terr store_read(struct store *st, store_tx_fn fn, void *arg)
{
    struct store_tx tx = {st, NULL};
    enum terr e = thread_conn(st, &tx.conn);
    if (e)
        return e;
    if ((e = st->ops->begin(tx.conn, false)))
        return e;
    e = fn(&tx, arg);
    /* A read changes nothing; rollback ends the snapshot whatever happened. */
    st->ops->rollback(tx.conn);
    return e;
}

static void enqueue(struct store *st, store_tx_fn fn, void *fn_arg, store_done_fn done,
                    void *done_arg)
{
    struct write_job *j = xcalloc(1, sizeof(*j));
    j->fn = fn;
    j->fn_arg = fn_arg;
    j->done = done;
    j->done_arg = done_arg;
    pthread_mutex_lock(&st->queue_lock);
    if (st->stopping) {
        pthread_mutex_unlock(&st->queue_lock);
        free(j);
        BUG("write queued on a closing store");
    }
    if (st->tail)
        st->tail->next = j;
    else
        st->head = j;
    st->tail = j;
    pthread_cond_signal(&st->queue_cond);
    pthread_mutex_unlock(&st->queue_lock);
}

void store_write_async(struct store *st, store_tx_fn fn, store_done_fn done, void *arg)
{
    enqueue(st, fn, arg, done, arg);
}

struct sync_wait {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool finished;
    enum terr result;
};

static void sync_done(void *arg, enum terr result)
{
    struct sync_wait *w = arg;
    pthread_mutex_lock(&w->lock);
    w->finished = true;
    w->result = result;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

enum terr store_write(struct store *st, store_tx_fn fn, void *arg)
{
    struct sync_wait w = {.finished = false};
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    enqueue(st, fn, arg, sync_done, &w);
    pthread_mutex_lock(&w.lock);
    while (!w.finished)
        pthread_cond_wait(&w.cond, &w.lock);
    pthread_mutex_unlock(&w.lock);
    pthread_mutex_destroy(&w.lock);
    pthread_cond_destroy(&w.cond);
    return w.result;
}

/* Runs one batch: every job in its own savepoint, one commit for all. */
static void run_batch(struct store *st, struct write_job *batch)
{
    const struct store_ops *ops = st->ops;
    struct store_tx tx = {st, st->writer_conn};
    enum terr e = ops->begin(tx.conn, true);
    bool any_kept = false;

    for (struct write_job *j = batch; j; j = j->next) {
        if (e) {
            j->result = e;
            continue;
        }
        enum terr se = ops->savepoint(tx.conn);
        if (se) {
            j->result = se;
            continue;
        }
        j->result = j->fn(&tx, j->fn_arg);
        if (j->result)
            ops->rollback_to(tx.conn);
        se = ops->release(tx.conn);
        if (se) {
            /* The savepoint is gone with the whole transaction (SQLite rolls
             * all of it back after an I/O error or a full disk mid-statement):
             * the writes kept so far are lost, and the rest of the batch gets
             * a fresh transaction rather than running in autocommit. */
            if (!j->result)
                j->result = se;
            for (struct write_job *k = batch; k != j; k = k->next)
                if (!k->result)
                    k->result = se;
            ops->rollback(tx.conn);
            any_kept = false;
            e = ops->begin(tx.conn, true);
            continue;
        }
        if (!j->result)
            any_kept = true;
    }
    if (!e) {
        enum terr ce = any_kept ? ops->commit(tx.conn) : TERR_OK;
        if (!any_kept)
            ops->rollback(tx.conn);
        if (ce) {
            /* Nothing of the batch reached the disk: nobody may hear "done". */
            log_error("store: group commit failed: %s", terr_code(ce));
            ops->rollback(tx.conn);
            for (struct write_job *j = batch; j; j = j->next)
                if (!j->result)
                    j->result = ce;
        }
    }
    /* Before anyone hears "done": a reader who then reads sees the new generation.
     * Counted for every batch, committed or not, which errs on the safe side. */
    atomic_fetch_add(&st->generation, 1);
    for (struct write_job *j = batch, *next; j; j = next) {
        next = j->next;
        if (j->done)
            j->done(j->done_arg, j->result);
        free(j);
    }
}

static void *writer_main(void *arg)
{
    struct store *st = arg;
    for (;;) {
        pthread_mutex_lock(&st->queue_lock);
        while (!st->head && !st->stopping)
            pthread_cond_wait(&st->queue_cond, &st->queue_lock);
        if (!st->head) {
            pthread_mutex_unlock(&st->queue_lock);
            return NULL;
        }
        /* Take up to max_batch jobs; the rest wait for the next commit. */
        struct write_job *batch = st->head, *last = batch;
        int n = 1;
        while (last->next && n < st->opt.max_batch) {
            last = last->next;
            n++;
        }
        st->head = last->next;
        if (!st->head)
            st->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&st->queue_lock);
        run_batch(st, batch);
    }
}

/* ---- record operations: dispatch to the backend ---- */

enum terr store_customer_insert(struct store_tx *tx, struct customer *c)
{
    return tx->st->ops->customer_insert(tx->conn, c);
}
enum terr store_customer_get(struct store_tx *tx, int64_t id, struct customer *out)
{
    return tx->st->ops->customer_get(tx->conn, id, out);
}
enum terr store_customer_find_email(struct store_tx *tx, const char *email, struct customer *out)
{
    return tx->st->ops->customer_find_email(tx->conn, email, out);
}
enum terr store_customer_update(struct store_tx *tx, const struct customer *c)
{
    return tx->st->ops->customer_update(tx->conn, c);
}
enum terr store_customer_handle_add(struct store_tx *tx, int64_t customer_id, const char *channel,
                                    const char *handle)
{
    return tx->st->ops->customer_handle_add(tx->conn, customer_id, channel, handle);
}
enum terr store_agent_insert(struct store_tx *tx, struct agent *a, const char *password_hash)
{
    return tx->st->ops->agent_insert(tx->conn, a, password_hash);
}
enum terr store_agent_get(struct store_tx *tx, int64_t id, struct agent *out)
{
    return tx->st->ops->agent_get(tx->conn, id, out);
}
enum terr store_agent_find_email(struct store_tx *tx, const char *email, struct agent *out,
                                 char **out_hash)
{
    return tx->st->ops->agent_find_email(tx->conn, email, out, out_hash);
}
enum terr store_agent_list(struct store_tx *tx, struct agent **out, size_t *n_out)
{
    return tx->st->ops->agent_list(tx->conn, out, n_out);
}
enum terr store_agent_count(struct store_tx *tx, int64_t *out)
{
    return tx->st->ops->agent_count(tx->conn, out);
}
enum terr store_agent_update(struct store_tx *tx, const struct agent *a)
{
    return tx->st->ops->agent_update(tx->conn, a);
}
enum terr store_agent_set_assigned(struct store_tx *tx, int64_t id, int64_t at)
{
    return tx->st->ops->agent_set_assigned(tx->conn, id, at);
}
enum terr store_agent_loads(struct store_tx *tx, struct agent_load **out, size_t *n_out)
{
    return tx->st->ops->agent_loads(tx->conn, out, n_out);
}
enum terr store_token_insert(struct store_tx *tx, int64_t agent_id,
                             const unsigned char hash[STORE_HASH_LEN], const char *label,
                             int64_t *out_id)
{
    return tx->st->ops->token_insert(tx->conn, agent_id, hash, label, out_id);
}
enum terr store_token_revoke(struct store_tx *tx, const unsigned char hash[STORE_HASH_LEN],
                             int64_t now, int64_t *n_out)
{
    return tx->st->ops->token_revoke(tx->conn, hash, now, n_out);
}
enum terr store_token_revoke_agent(struct store_tx *tx, int64_t agent_id, int64_t now,
                                   int64_t *n_out)
{
    return tx->st->ops->token_revoke_agent(tx->conn, agent_id, now, n_out);
}
enum terr store_token_find(struct store_tx *tx, const unsigned char hash[STORE_HASH_LEN],
                           int64_t *out_agent_id)
{
    return tx->st->ops->token_find(tx->conn, hash, out_agent_id);
}
enum terr store_session_insert(struct store_tx *tx, const unsigned char id_hash[STORE_HASH_LEN],
                               const struct session *s)
{
    return tx->st->ops->session_insert(tx->conn, id_hash, s);
}
enum terr store_session_find(struct store_tx *tx, const unsigned char id_hash[STORE_HASH_LEN],
                             struct session *out)
{
    return tx->st->ops->session_find(tx->conn, id_hash, out);
}
enum terr store_session_delete(struct store_tx *tx, const unsigned char id_hash[STORE_HASH_LEN])
{
    return tx->st->ops->session_delete(tx->conn, id_hash);
}
enum terr store_session_delete_agent(struct store_tx *tx, int64_t agent_id, int64_t *n_out)
{
    return tx->st->ops->session_delete_agent(tx->conn, agent_id, n_out);
}
enum terr store_session_purge(struct store_tx *tx, int64_t now, int64_t *n_out)
{
    return tx->st->ops->session_purge(tx->conn, now, n_out);
}
enum terr store_idem_purge(struct store_tx *tx, int64_t before, int64_t *n_out)
{
    return tx->st->ops->idem_purge(tx->conn, before, n_out);
}
enum terr store_ticket_insert(struct store_tx *tx, struct ticket *t)
{
    return tx->st->ops->ticket_insert(tx->conn, t);
}
enum terr store_ticket_get(struct store_tx *tx, int64_t id, struct ticket *out)
{
    return tx->st->ops->ticket_get(tx->conn, id, out);
}
enum terr store_ticket_update(struct store_tx *tx, const struct ticket *t)
{
    return tx->st->ops->ticket_update(tx->conn, t);
}
enum terr store_ticket_list(struct store_tx *tx, const struct ticket_query *q, struct ticket **out,
                            size_t *n_out)
{
    return tx->st->ops->ticket_list(tx->conn, q, out, n_out);
}
enum terr store_message_insert(struct store_tx *tx, struct message *m)
{
    return tx->st->ops->message_insert(tx->conn, m);
}
enum terr store_message_list(struct store_tx *tx, int64_t ticket_id, bool with_internal,
                             struct message **out, size_t *n_out)
{
    return tx->st->ops->message_list(tx->conn, ticket_id, with_internal, 0, 0, out, n_out);
}
enum terr store_message_page(struct store_tx *tx, int64_t ticket_id, bool with_internal,
                             int64_t after_id, size_t limit, struct message **out, size_t *n_out)
{
    return tx->st->ops->message_list(tx->conn, ticket_id, with_internal, after_id, limit, out,
                                     n_out);
}
enum terr store_message_recent(struct store_tx *tx, int64_t ticket_id, size_t limit,
                               struct message **out, size_t *n_out)
{
    return tx->st->ops->message_recent(tx->conn, ticket_id, limit, out, n_out);
}
enum terr store_event_insert(struct store_tx *tx, struct event *e)
{
    return tx->st->ops->event_insert(tx->conn, e);
}
enum terr store_event_list(struct store_tx *tx, int64_t ticket_id, struct event **out,
                           size_t *n_out)
{
    return tx->st->ops->event_list(tx->conn, ticket_id, 0, 0, out, n_out);
}
enum terr store_event_page(struct store_tx *tx, int64_t ticket_id, int64_t after_id, size_t limit,
                           struct event **out, size_t *n_out)
{
    return tx->st->ops->event_list(tx->conn, ticket_id, after_id, limit, out, n_out);
}
enum terr store_idem_get(struct store_tx *tx, const char *principal, const char *key,
                         struct idem_record *out)
{
    return tx->st->ops->idem_get(tx->conn, principal, key, out);
}
enum terr store_idem_put(struct store_tx *tx, const struct idem_record *r)
{
    return tx->st->ops->idem_put(tx->conn, r);
}

enum terr store_setting_get(struct store_tx *tx, const char *name, unsigned char *out, size_t cap,
                            size_t *n_out)
{
    return tx->st->ops->setting_get(tx->conn, name, out, cap, n_out);
}
enum terr store_setting_insert(struct store_tx *tx, const char *name, const unsigned char *value,
                               size_t len, int64_t now)
{
    return tx->st->ops->setting_insert(tx->conn, name, value, len, now);
}
enum terr store_setting_put(struct store_tx *tx, const char *name, const unsigned char *value,
                            size_t len, int64_t now)
{
    return tx->st->ops->setting_put(tx->conn, name, value, len, now);
}
enum terr store_survey_insert(struct store_tx *tx, struct survey *s)
{
    return tx->st->ops->survey_insert(tx->conn, s);
}
enum terr store_survey_set_token(struct store_tx *tx, int64_t id,
                                 const unsigned char hash[SURVEY_HASH_LEN])
{
    return tx->st->ops->survey_set_token(tx->conn, id, hash);
}
enum terr store_survey_get(struct store_tx *tx, int64_t id, struct survey *out)
{
    return tx->st->ops->survey_get(tx->conn, id, out);
}
enum terr store_survey_answer(struct store_tx *tx, int64_t id, const struct survey_answer *a,
                              int64_t now)
{
    return tx->st->ops->survey_answer(tx->conn, id, a, now);
}
enum terr store_survey_list(struct store_tx *tx, int64_t ticket_id, struct survey **out,
                            size_t *n_out)
{
    return tx->st->ops->survey_list(tx->conn, ticket_id, out, n_out);
}
enum terr store_outbox_insert(struct store_tx *tx, struct outbox_msg *m)
{
    return tx->st->ops->outbox_insert(tx->conn, m);
}
enum terr store_outbox_list(struct store_tx *tx, const struct outbox_query *q,
                            struct outbox_msg **out, size_t *n_out)
{
    return tx->st->ops->outbox_list(tx->conn, q, out, n_out);
}
enum terr store_outbox_mark(struct store_tx *tx, int64_t id, enum outbox_state state, int64_t at)
{
    return tx->st->ops->outbox_mark(tx->conn, id, state, at);
}

int64_t store_ticket_sort_key(const struct ticket *t, enum ticket_sort sort)
{
    switch (sort) {
    case SORT_RISK:
        return t->risk;
    case SORT_UPDATED:
        return t->updated_at;
    case SORT_CREATED:
        return t->id; /* ids grow with creation time and never collide */
    case SORT_DUE:
        return t->due_at;
    }
    return t->id;
}

void idem_record_release(struct idem_record *r)
{
    if (!r)
        return;
    free(r->principal);
    free(r->key);
    free(r->response);
    memset(r, 0, sizeof(*r));
}
