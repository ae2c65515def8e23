/* Housekeeping: forgetting what has expired, run now and then by the server. */
#ifndef TRUCE_SVC_MAINTENANCE_H
#define TRUCE_SVC_MAINTENANCE_H

#include "service.h"

/* How long a POST's answer is kept for replays under its Idempotency-Key. */
#define IDEMPOTENCY_TTL_MS (24LL * 3600 * 1000)

struct purge_counts {
    int64_t sessions;
    int64_t idempotency_keys;
};

/* Deletes sessions expired at `now` and idempotency records older than
 * IDEMPOTENCY_TTL_MS; fills *out with how many went. */
enum terr svc_purge_expired(struct store_tx *tx, int64_t now, struct purge_counts *out);

#endif
