#include "maintenance.h"

#include "../store/store_jobs.h"

enum terr svc_purge_expired(struct store_tx *tx, int64_t now, struct purge_counts *out)
{
    struct purge_counts n = {0, 0, 0, 0};
    enum terr e = store_session_purge(tx, now, &n.sessions);
    if (!e)
        e = store_idem_purge(tx, now - IDEMPOTENCY_TTL_MS, &n.idempotency_keys);
    if (!e)
        e = store_job_purge(tx, now - JOB_HISTORY_TTL_MS, &n.jobs, &n.deliveries);
    if (!e)
        *out = n;
    return e;
}
