#include "maintenance.h"

enum terr svc_purge_expired(struct store_tx *tx, int64_t now, struct purge_counts *out)
{
    struct purge_counts n = {0, 0};
    enum terr e = store_session_purge(tx, now, &n.sessions);
    if (!e)
        e = store_idem_purge(tx, now - IDEMPOTENCY_TTL_MS, &n.idempotency_keys);
    if (!e)
        *out = n;
    return e;
}
