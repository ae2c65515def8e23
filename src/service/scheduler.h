/*
 * The job scheduler: one background thread per `truce serve` that leases
 * due jobs from the store (store_jobs.h) and runs each with the handler
 * registered for its kind, outside any write transaction; the outcome (done,
 * retry at a backoff, failed, or the lease given back on stop) is written
 * afterwards under the lease, so a server whose lease was taken over cannot
 * record anything.
 *
 * Guarantee.  A job's effects inside the database (written by the handler's
 * `record` callback, in the transaction that marks it done) happen exactly
 * once.  Effects outside it (an HTTP POST, a line in a file) happen at least
 * once: exactly once unless the server dies between the effect and the
 * commit of its completion, that commit fails, the server stops while the
 * handler runs, or the handler outlives its lease; a webhook
 * receiver dedupes by X-Truce-Delivery.  A server only leases the kinds it
 * has handlers for, so servers of different versions can share a database.
 */
#ifndef TRUCE_SVC_SCHEDULER_H
#define TRUCE_SVC_SCHEDULER_H

#include <stdatomic.h>

#include "../store/store_jobs.h"
#include "service.h"

/* One run of one leased job, handed to its handler. */
struct job_run {
    struct store *st;
    const struct job *job;        /* borrowed; job->attempts counts this run */
    const atomic_bool *stopping;  /* becomes true when the server stops: give up soon */
    /* Set by the handler when it returns an error: */
    char error[256]; /* why, recorded on the job */
    bool permanent;  /* no retry: the job fails now */
    bool abandoned;  /* stopped before any effect: the lease is given back, no attempt counted */
    int64_t retry_at; /* 0: the backoff schedule */
    /* Optional: runs in the transaction that records the outcome, only while
     * the lease is held (ok: the handler succeeded); its writes commit with
     * the outcome or not at all.  record_free(record_arg) runs afterwards. */
    enum terr (*record)(struct store_tx *tx, struct job_run *run, bool ok);
    void *record_arg;
    void (*record_free)(void *arg);
};

/* Returns TERR_OK when the job is done; any error retries it (see job_run). */
typedef enum terr (*job_handler_fn)(struct job_run *run);

#define SCHED_KIND_MAX 32

/* Registers the handler of a kind (up to SCHED_KIND_MAX kinds); call before
 * svc_scheduler_start.  A kind registered again gets the new handler. */
void svc_scheduler_register(const char *kind, job_handler_fn fn);
/* Forgets every registration (tests). */
void svc_scheduler_unregister_all(void);

/* Registers the built-in kinds: "noop" (does nothing) and, when
 * test_kinds, "test.append": after payload "sleep_ms", appends one line
 * "job <id> owner <lease owner> attempt <n>" to payload "file" (tests of the
 * scheduler only: `truce serve` registers it when TRUCE_TEST_JOBS=1). */
void svc_scheduler_register_builtin(bool test_kinds);

struct scheduler_options {
    int64_t poll_ms;         /* 0: 200 */
    int64_t lease_ms;        /* 0: 120 000 */
    int64_t backoff_base_ms; /* 0: 30 000 */
    int64_t backoff_max_ms;  /* 0: one hour */
    size_t batch;            /* jobs leased at once; 0: 8 */
};

struct scheduler;

/* Starts the scheduler's thread on st; *out until svc_scheduler_stop.  At
 * most one runs per process. */
enum terr svc_scheduler_start(struct store *st, const struct scheduler_options *opt,
                              struct scheduler **out, struct terr_info *ei);
/* Stops the thread: a running handler is told to stop and finishes, leases
 * not yet run are given back.  Call before store_close.  Accepts NULL. */
void svc_scheduler_stop(struct scheduler *s);
/* This process's lease owner id (unique per process), or "" when not running. */
const char *svc_scheduler_owner(const struct scheduler *s);
/* Wakes the running scheduler (if any) to look for due jobs now; called by
 * svc_job_enqueue.  Safe from any thread, even inside a write. */
void svc_scheduler_wake(void);

/* The delay before retrying after `attempts` failed runs: base * 2^(attempts-1),
 * at most max, plus up to a quarter more from `random` (jitter, so retries
 * of many jobs spread out). */
int64_t svc_job_backoff_ms(int attempts, int64_t base_ms, int64_t max_ms, uint32_t random);

/* Enqueues a job for now + delay_ms and wakes this process's scheduler;
 * see store_job_enqueue for dedupe_key.  *out_id may be NULL. */
enum terr svc_job_enqueue(struct store_tx *tx, const char *kind, int64_t ticket_id,
                          const char *payload, const char *dedupe_key, int64_t delay_ms,
                          int64_t *out_id);

#endif
