/* Housekeeping: forgetting what has expired, run now and then by the server. */
#ifndef TRUCE_SVC_MAINTENANCE_H
#define TRUCE_SVC_MAINTENANCE_H

#include "service.h"

/* How long a POST's answer is kept for replays under its Idempotency-Key. */
#define IDEMPOTENCY_TTL_MS (24LL * 3600 * 1000)

/* Finished jobs and webhook delivery records are kept this long (their
 * payloads hold customer text, which should not outlive its use). */
#define JOB_HISTORY_TTL_MS (14LL * 24 * 3600 * 1000)

struct purge_counts {
    int64_t sessions;
    int64_t idempotency_keys;
    int64_t jobs;
    int64_t deliveries;
};

/* Deletes sessions expired at `now`, idempotency records older than
 * IDEMPOTENCY_TTL_MS, and finished jobs and delivery records older than
 * JOB_HISTORY_TTL_MS; fills *out with how many went. */
enum terr svc_purge_expired(struct store_tx *tx, int64_t now, struct purge_counts *out);

#endif
