/*
 * SQLite backend: the job queue and webhooks (store_jobs.h).
 *
 * Leasing is one UPDATE ... RETURNING inside the store's write transaction,
 * which began with BEGIN IMMEDIATE and so holds the database's write lock:
 * another process's lease waits for this commit and then sees these jobs
 * 'running', so no job is leased twice.
 */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../store_jobs_int.h"

/* SQLite reads a negative LIMIT as "no limit". */
static sqlite3_int64 sql_limit(size_t limit)
{
    return limit ? (sqlite3_int64)limit : -1;
}

/* ---- jobs ---- */

static void job_from_row(sqlite3_stmt *s, struct job *j)
{
    memset(j, 0, sizeof(*j));
    j->id = sqlite3_column_int64(s, 0);
    j->kind = sq_col_text(s, 1);
    j->ticket_id = sqlite3_column_int64(s, 2);
    j->payload = sq_col_text(s, 3);
    j->dedupe_key = sq_col_text(s, 4);
    job_state_parse((const char *)sqlite3_column_text(s, 5), &j->state);
    j->run_at = sqlite3_column_int64(s, 6);
    j->attempts = sqlite3_column_int(s, 7);
    j->max_attempts = sqlite3_column_int(s, 8);
    j->lease_owner = sq_col_text(s, 9);
    j->lease_until = sqlite3_column_int64(s, 10);
    j->last_error = sq_col_text(s, 11);
    j->created_at = sqlite3_column_int64(s, 12);
    j->done_at = sqlite3_column_int64(s, 13);
}

static enum terr sq_job_enqueue(struct store_conn *c, const struct job_new *in, int64_t *out_id,
                                bool *out_created)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, in->kind);
    sq_bind_id(s, 2, in->ticket_id);
    sq_bind_text(s, 3, in->payload ? in->payload : "{}");
    sq_bind_text(s, 4, in->dedupe_key);
    sqlite3_bind_int64(s, 5, in->run_at);
    sqlite3_bind_int(s, 6, in->max_attempts > 0 ? in->max_attempts : 8);
    sqlite3_bind_int64(s, 7, in->created_at);
    enum terr e = sq_exec(c, s);
    if (e)
        return e;
    if (sqlite3_changes(c->db) == 1) {
        if (out_id)
            *out_id = sqlite3_last_insert_rowid(c->db);
        if (out_created)
            *out_created = true;
        return TERR_OK;
    }
    /* The dedupe key is taken: the job is already queued (or was run). */
    s = sq_stmt(c, STMT_JOB_BY_DEDUPE);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, in->dedupe_key);
    int rc = sqlite3_step(s);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? TERR_STORAGE : sq_error(c, rc);
    if (out_id)
        *out_id = id;
    if (out_created)
        *out_created = false;
    return TERR_OK;
}

static int by_run_at(const void *a, const void *b)
{
    const struct job *x = a, *y = b;
    if (x->run_at != y->run_at)
        return x->run_at < y->run_at ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static enum terr sq_job_lease(struct store_conn *c, const char *owner, const char *kinds_json,
                              int64_t now, int64_t lease_ms, size_t limit, struct job **out,
                              size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_EXHAUST);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, now);
    sq_bind_text(s, 2, kinds_json);
    enum terr e = sq_exec(c, s);
    if (e)
        return e;
    s = sq_stmt(c, STMT_JOB_LEASE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, now);
    sq_bind_text(s, 2, kinds_json);
    sq_bind_text(s, 3, owner);
    sqlite3_bind_int64(s, 4, lease_ms);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)limit);
    struct job *v = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        v = xrealloc(v, (n + 1) * sizeof(*v));
        job_from_row(s, &v[n++]);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        jobs_free(v, n);
        return sq_error(c, rc);
    }
    /* RETURNING gives rows in no promised order. */
    if (n > 1)
        qsort(v, n, sizeof(*v), by_run_at);
    *out = v;
    *n_out = n;
    return TERR_OK;
}

static enum terr sq_job_next_due(struct store_conn *c, const char *kinds_json, int64_t *out_at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_NEXT_DUE);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 2, kinds_json);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out_at = sqlite3_column_int64(s, 0); /* NULL reads as 0 */
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : sq_error(c, rc);
}

/* Runs a lease-checked UPDATE whose ?1..?3 are id, owner, attempt: TERR_CONFLICT if no row. */
static enum terr leased_update(struct store_conn *c, sqlite3_stmt *s, int64_t id, const char *owner,
                               int attempt)
{
    sqlite3_bind_int64(s, 1, id);
    sq_bind_text(s, 2, owner);
    sqlite3_bind_int(s, 3, attempt);
    enum terr e = sq_exec(c, s);
    if (!e && sqlite3_changes(c->db) == 0)
        return TERR_CONFLICT;
    return e;
}

static enum terr sq_job_complete(struct store_conn *c, int64_t id, const char *owner, int attempt,
                                 int64_t now)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_COMPLETE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 4, now);
    return leased_update(c, s, id, owner, attempt);
}

static enum terr sq_job_fail(struct store_conn *c, int64_t id, const char *owner, int attempt,
                             int64_t now, const char *error, int64_t retry_at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_FAIL);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, retry_at);
    sq_bind_text(s, 6, error);
    return leased_update(c, s, id, owner, attempt);
}

static enum terr sq_job_release(struct store_conn *c, int64_t id, const char *owner, int attempt)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_RELEASE);
    if (!s)
        return TERR_STORAGE;
    return leased_update(c, s, id, owner, attempt);
}

static enum terr sq_job_get(struct store_conn *c, int64_t id, struct job *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        job_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

static enum terr sq_purge(struct store_conn *c, int stmt, int64_t before, int64_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, stmt);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, before);
    enum terr e = sq_exec(c, s);
    if (!e)
        *n_out = sqlite3_changes(c->db);
    return e;
}

static enum terr sq_job_purge(struct store_conn *c, int64_t before, int64_t *jobs,
                              int64_t *deliveries)
{
    enum terr e = sq_purge(c, STMT_JOB_PURGE, before, jobs);
    return e ? e : sq_purge(c, STMT_DELIVERY_PURGE, before, deliveries);
}

static enum terr sq_job_cancel(struct store_conn *c, int64_t id, int64_t now)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_CANCEL);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    enum terr e = sq_exec(c, s);
    if (e || sqlite3_changes(c->db) == 1)
        return e;
    struct job j = {0};
    e = sq_job_get(c, id, &j);
    job_release(&j);
    return e ? e : TERR_CONFLICT;
}

static enum terr sq_job_list(struct store_conn *c, bool has_state, enum job_state state,
                             int64_t after_id, size_t limit, struct job **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_JOB_LIST);
    if (!s)
        return TERR_STORAGE;
    if (has_state)
        sq_bind_text(s, 1, job_state_name(state));
    sqlite3_bind_int64(s, 2, after_id);
    sqlite3_bind_int64(s, 3, sql_limit(limit));
    COLLECT_ROWS(c, s, job, job_from_row, jobs_free, out, n_out);
}

/* ---- webhooks ---- */

static void webhook_from_row(sqlite3_stmt *s, struct webhook *w)
{
    memset(w, 0, sizeof(*w));
    w->id = sqlite3_column_int64(s, 0);
    w->url = sq_col_text(s, 1);
    sq_strlist_parse((const char *)sqlite3_column_text(s, 2), &w->events);
    w->secret = sq_col_text(s, 3);
    w->active = sqlite3_column_int(s, 4) != 0;
    w->created_by = sqlite3_column_int64(s, 5);
    w->created_at = sqlite3_column_int64(s, 6);
}

static enum terr sq_webhook_insert(struct store_conn *c, struct webhook *w)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_WEBHOOK_INSERT);
    if (!s)
        return TERR_STORAGE;
    char *events = sq_strlist_json(&w->events);
    sq_bind_text(s, 1, w->url);
    sq_bind_text(s, 2, events);
    sq_bind_text(s, 3, w->secret);
    sqlite3_bind_int(s, 4, w->active ? 1 : 0);
    sq_bind_id(s, 5, w->created_by);
    sqlite3_bind_int64(s, 6, w->created_at);
    free(events);
    return sq_insert_id(c, s, &w->id);
}

static enum terr sq_webhook_get(struct store_conn *c, int64_t id, struct webhook *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_WEBHOOK_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        webhook_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

static enum terr sq_webhook_list(struct store_conn *c, const char *event_type, struct webhook **out,
                                 size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, event_type ? STMT_WEBHOOK_MATCHING : STMT_WEBHOOK_LIST);
    if (!s)
        return TERR_STORAGE;
    if (event_type)
        sq_bind_text(s, 1, event_type);
    COLLECT_ROWS(c, s, webhook, webhook_from_row, webhooks_free, out, n_out);
}

static enum terr sq_webhook_delete(struct store_conn *c, int64_t id)
{
    int64_t n = 0;
    enum terr e = sq_delete_where(c, STMT_WEBHOOK_DELETE, id, &n);
    return !e && n == 0 ? TERR_NOT_FOUND : e;
}

static void delivery_from_row(sqlite3_stmt *s, struct webhook_delivery *d)
{
    memset(d, 0, sizeof(*d));
    d->id = sqlite3_column_int64(s, 0);
    d->webhook_id = sqlite3_column_int64(s, 1);
    d->job_id = sqlite3_column_int64(s, 2);
    d->event_type = sq_col_text(s, 3);
    d->attempt = sqlite3_column_int(s, 4);
    d->status = sqlite3_column_int(s, 5);
    d->error = sq_col_text(s, 6);
    d->duration_ms = sqlite3_column_int64(s, 7);
    d->at = sqlite3_column_int64(s, 8);
}

static enum terr sq_delivery_insert(struct store_conn *c, struct webhook_delivery *d)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_DELIVERY_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, d->webhook_id);
    sqlite3_bind_int64(s, 2, d->job_id);
    sq_bind_text(s, 3, d->event_type);
    sqlite3_bind_int(s, 4, d->attempt);
    sq_bind_id(s, 5, d->status);
    sq_bind_text(s, 6, d->error);
    sqlite3_bind_int64(s, 7, d->duration_ms);
    sqlite3_bind_int64(s, 8, d->at);
    return sq_insert_id(c, s, &d->id);
}

static enum terr sq_delivery_list(struct store_conn *c, int64_t webhook_id, int64_t after_id,
                                  size_t limit, struct webhook_delivery **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_DELIVERY_LIST);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, webhook_id);
    sqlite3_bind_int64(s, 2, after_id);
    sqlite3_bind_int64(s, 3, sql_limit(limit));
    COLLECT_ROWS(c, s, webhook_delivery, delivery_from_row, webhook_deliveries_free, out, n_out);
}

const struct store_jobs_ops sqlite_jobs_ops = {
    .job_enqueue = sq_job_enqueue,
    .job_lease = sq_job_lease,
    .job_next_due = sq_job_next_due,
    .job_complete = sq_job_complete,
    .job_fail = sq_job_fail,
    .job_release = sq_job_release,
    .job_cancel = sq_job_cancel,
    .job_purge = sq_job_purge,
    .job_get = sq_job_get,
    .job_list = sq_job_list,
    .webhook_insert = sq_webhook_insert,
    .webhook_get = sq_webhook_get,
    .webhook_list = sq_webhook_list,
    .webhook_delete = sq_webhook_delete,
    .delivery_insert = sq_delivery_insert,
    .delivery_list = sq_delivery_list,
};
