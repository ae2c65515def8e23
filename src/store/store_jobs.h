/*
 * The store's job queue and webhook records (store.h's section for the
 * scheduler, kept apart so the core header stays about the desk's records).
 *
 * A job is leased, never locked: store_job_lease() marks due jobs 'running'
 * for an owner until lease_until, in one write transaction.  Write
 * transactions take the database's write lock when they begin (SQLite's
 * BEGIN IMMEDIATE; on PostgreSQL, FOR UPDATE SKIP LOCKED), so two processes
 * sharing one database never lease the same job at the same time.  The pair
 * (lease_owner, attempts) names one lease: attempts grows with every lease,
 * so completing, failing or releasing a job is refused (TERR_CONFLICT) once
 * its lease was taken over, even by the same owner.
 */
#ifndef TRUCE_STORE_JOBS_H
#define TRUCE_STORE_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/model.h"
#include "../util/err.h"

struct store_tx;

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED };
const char *job_state_name(enum job_state s);
/* False (and *out untouched) for a name that is not a state. */
bool job_state_parse(const char *name, enum job_state *out);

struct job {
    int64_t id;
    char *kind;
    int64_t ticket_id; /* 0: none */
    char *payload;     /* JSON object text */
    char *dedupe_key;  /* may be NULL */
    enum job_state state;
    int64_t run_at;
    int attempts; /* leases taken so far, this one included while running */
    int max_attempts;
    char *lease_owner; /* NULL unless running */
    int64_t lease_until;
    char *last_error;
    int64_t created_at;
    int64_t done_at;
};
void job_release(struct job *j);
void jobs_free(struct job *v, size_t n);

/* What store_job_enqueue takes; strings are borrowed. */
struct job_new {
    const char *kind;
    int64_t ticket_id;      /* 0: none */
    const char *payload;    /* NULL: "{}" */
    const char *dedupe_key; /* NULL: never a duplicate */
    int64_t run_at;
    int max_attempts; /* 0: 8 */
    int64_t created_at;
};

/* Adds a job.  A job whose dedupe_key is already in the queue (in any state)
 * is not added again: *out_id is then the existing job and *out_created
 * false.  Either out pointer may be NULL. */
enum terr store_job_enqueue(struct store_tx *tx, const struct job_new *in, int64_t *out_id,
                            bool *out_created);
/* Leases at most `limit` jobs of the kinds in kinds_json (a JSON array of
 * strings) that are due at `now` (queued with run_at <= now, or running with
 * an expired lease) to owner until now + lease_ms, counting one attempt
 * each; first fails the running jobs whose lease expired on their last
 * attempt.  *out (caller frees with jobs_free) is in run_at order.  Call in
 * a write transaction. */
enum terr store_job_lease(struct store_tx *tx, const char *owner, const char *kinds_json,
                          int64_t now, int64_t lease_ms, size_t limit, struct job **out,
                          size_t *n_out);
/* When the next job of these kinds falls due (its run_at, or just after its
 * lease expires), in *out_at; 0 when none is waiting.  A read, so a server
 * with nothing due polls without writing. */
enum terr store_job_next_due(struct store_tx *tx, const char *kinds_json, int64_t *out_at);
/* Marks a leased job done.  TERR_CONFLICT unless the job is running under
 * this lease (owner, attempt). */
enum terr store_job_complete(struct store_tx *tx, int64_t id, const char *owner, int attempt,
                             int64_t now);
/* Ends a leased attempt with an error: queued again for retry_at, or failed
 * for good when retry_at is 0.  TERR_CONFLICT as for complete. */
enum terr store_job_fail(struct store_tx *tx, int64_t id, const char *owner, int attempt,
                         int64_t now, const char *error, int64_t retry_at);
/* Gives a lease back unused (a stopping server): queued again, the attempt
 * not counted.  TERR_CONFLICT as for complete. */
enum terr store_job_release(struct store_tx *tx, int64_t id, const char *owner, int attempt);
/* Cancels a queued or running job (a running one's completion is then
 * refused).  TERR_NOT_FOUND, or TERR_CONFLICT when it already ended. */
enum terr store_job_cancel(struct store_tx *tx, int64_t id, int64_t now);
/* Deletes the jobs finished (done, failed, cancelled) before `before`, and
 * webhook delivery records older than it; counts into *jobs, *deliveries. */
enum terr store_job_purge(struct store_tx *tx, int64_t before, int64_t *jobs, int64_t *deliveries);
enum terr store_job_get(struct store_tx *tx, int64_t id, struct job *out);
/* Jobs in id order after after_id, at most limit (0: no limit), only in
 * `state` when has_state.  Caller frees with jobs_free. */
enum terr store_job_list(struct store_tx *tx, bool has_state, enum job_state state,
                         int64_t after_id, size_t limit, struct job **out, size_t *n_out);

/* ---- webhooks ---- */

struct webhook {
    int64_t id;
    char *url;
    struct strlist events; /* event types, or "*" */
    char *secret;          /* hex; signs deliveries */
    bool active;
    int64_t created_by; /* agent id; 0: the CLI */
    int64_t created_at;
};
void webhook_release(struct webhook *w);
void webhooks_free(struct webhook *v, size_t n);

struct webhook_delivery {
    int64_t id;
    int64_t webhook_id;
    int64_t job_id;
    char *event_type;
    int attempt;
    int status; /* HTTP status; 0: no answer */
    char *error;
    int64_t duration_ms;
    int64_t at;
};
void webhook_delivery_release(struct webhook_delivery *d);
void webhook_deliveries_free(struct webhook_delivery *v, size_t n);

enum terr store_webhook_insert(struct store_tx *tx, struct webhook *w); /* sets w->id */
enum terr store_webhook_get(struct store_tx *tx, int64_t id, struct webhook *out);
/* Every subscription, by id.  Caller frees with webhooks_free. */
enum terr store_webhook_list(struct store_tx *tx, struct webhook **out, size_t *n_out);
/* Deletes a subscription and its delivery log; TERR_NOT_FOUND if unknown. */
enum terr store_webhook_delete(struct store_tx *tx, int64_t id);
/* The active subscriptions to event_type (listed, or "*"), by id. */
enum terr store_webhook_matching(struct store_tx *tx, const char *event_type, struct webhook **out,
                                 size_t *n_out);
enum terr store_delivery_insert(struct store_tx *tx, struct webhook_delivery *d); /* sets d->id */
/* A subscription's deliveries in id order after after_id, at most limit. */
enum terr store_delivery_list(struct store_tx *tx, int64_t webhook_id, int64_t after_id,
                              size_t limit, struct webhook_delivery **out, size_t *n_out);

#endif
