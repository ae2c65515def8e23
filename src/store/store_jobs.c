/* The job queue and webhook records: record helpers and backend dispatch (store_jobs.h). */
#include "store_jobs_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"queued", "running", "done", "failed", "cancelled"};

const char *job_state_name(enum job_state s)
{
    return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "queued";
}

bool job_state_parse(const char *name, enum job_state *out)
{
    for (size_t i = 0; name && i < sizeof(state_names) / sizeof(state_names[0]); i++)
        if (strcmp(name, state_names[i]) == 0) {
            *out = (enum job_state)i;
            return true;
        }
    return false;
}

void job_release(struct job *j)
{
    if (!j)
        return;
    free(j->kind);
    free(j->payload);
    free(j->dedupe_key);
    free(j->lease_owner);
    free(j->last_error);
    memset(j, 0, sizeof(*j));
}

void jobs_free(struct job *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        job_release(&v[i]);
    free(v);
}

void webhook_release(struct webhook *w)
{
    if (!w)
        return;
    free(w->url);
    strlist_release(&w->events);
    free(w->secret);
    memset(w, 0, sizeof(*w));
}

void webhooks_free(struct webhook *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        webhook_release(&v[i]);
    free(v);
}

void webhook_delivery_release(struct webhook_delivery *d)
{
    if (!d)
        return;
    free(d->event_type);
    free(d->error);
    memset(d, 0, sizeof(*d));
}

void webhook_deliveries_free(struct webhook_delivery *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        webhook_delivery_release(&v[i]);
    free(v);
}

#define JOPS(tx) ((tx)->st->ops->jobs)

enum terr store_job_enqueue(struct store_tx *tx, const struct job_new *in, int64_t *out_id,
                            bool *out_created)
{
    return JOPS(tx)->job_enqueue(tx->conn, in, out_id, out_created);
}
enum terr store_job_lease(struct store_tx *tx, const char *owner, const char *kinds_json,
                          int64_t now, int64_t lease_ms, size_t limit, struct job **out,
                          size_t *n_out)
{
    return JOPS(tx)->job_lease(tx->conn, owner, kinds_json, now, lease_ms, limit, out, n_out);
}
enum terr store_job_next_due(struct store_tx *tx, const char *kinds_json, int64_t *out_at)
{
    return JOPS(tx)->job_next_due(tx->conn, kinds_json, out_at);
}
enum terr store_job_complete(struct store_tx *tx, int64_t id, const char *owner, int attempt,
                             int64_t now)
{
    return JOPS(tx)->job_complete(tx->conn, id, owner, attempt, now);
}
enum terr store_job_fail(struct store_tx *tx, int64_t id, const char *owner, int attempt,
                         int64_t now, const char *error, int64_t retry_at)
{
    return JOPS(tx)->job_fail(tx->conn, id, owner, attempt, now, error, retry_at);
}
enum terr store_job_release(struct store_tx *tx, int64_t id, const char *owner, int attempt)
{
    return JOPS(tx)->job_release(tx->conn, id, owner, attempt);
}
enum terr store_job_purge(struct store_tx *tx, int64_t before, int64_t *jobs, int64_t *deliveries)
{
    return JOPS(tx)->job_purge(tx->conn, before, jobs, deliveries);
}

enum terr store_job_cancel(struct store_tx *tx, int64_t id, int64_t now)
{
    return JOPS(tx)->job_cancel(tx->conn, id, now);
}
enum terr store_job_get(struct store_tx *tx, int64_t id, struct job *out)
{
    return JOPS(tx)->job_get(tx->conn, id, out);
}
enum terr store_job_list(struct store_tx *tx, bool has_state, enum job_state state,
                         int64_t after_id, size_t limit, struct job **out, size_t *n_out)
{
    return JOPS(tx)->job_list(tx->conn, has_state, state, after_id, limit, out, n_out);
}
enum terr store_webhook_insert(struct store_tx *tx, struct webhook *w)
{
    return JOPS(tx)->webhook_insert(tx->conn, w);
}
enum terr store_webhook_get(struct store_tx *tx, int64_t id, struct webhook *out)
{
    return JOPS(tx)->webhook_get(tx->conn, id, out);
}
enum terr store_webhook_list(struct store_tx *tx, struct webhook **out, size_t *n_out)
{
    return JOPS(tx)->webhook_list(tx->conn, NULL, out, n_out);
}
enum terr store_webhook_delete(struct store_tx *tx, int64_t id)
{
    return JOPS(tx)->webhook_delete(tx->conn, id);
}
enum terr store_webhook_matching(struct store_tx *tx, const char *event_type, struct webhook **out,
                                 size_t *n_out)
{
    return JOPS(tx)->webhook_list(tx->conn, event_type, out, n_out);
}
enum terr store_delivery_insert(struct store_tx *tx, struct webhook_delivery *d)
{
    return JOPS(tx)->delivery_insert(tx->conn, d);
}
enum terr store_delivery_list(struct store_tx *tx, int64_t webhook_id, int64_t after_id,
                              size_t limit, struct webhook_delivery **out, size_t *n_out)
{
    return JOPS(tx)->delivery_list(tx->conn, webhook_id, after_id, limit, out, n_out);
}
