/* The reports: bucket layout and backend dispatch (store_reports.h). */
#include <stdlib.h>

#include "../util/alloc.h"
#include "store_reports_int.h"

enum terr store_report_trends(struct store_tx *tx, const struct trend_query *q,
                              struct trend_report *out)
{
    if (q->bucket_ms <= 0 || q->to <= q->from)
        return TERR_INVALID;
    int64_t span = q->to - q->from;
    int64_t n = span / q->bucket_ms + (span % q->bucket_ms != 0);
    if (n > REPORT_MAX_BUCKETS)
        return TERR_INVALID;
    struct trend_bucket *b = xcalloc((size_t)n, sizeof(*b));
    for (int64_t i = 0; i < n; i++) {
        b[i].start = q->from + i * q->bucket_ms;
        b[i].end = i + 1 < n ? b[i].start + q->bucket_ms : q->to;
    }
    enum terr e = tx->st->ops->reports->trends(tx->conn, q, b, (size_t)n);
    if (e) {
        struct trend_report r = {b, (size_t)n};
        trend_report_release(&r);
        return e;
    }
    out->buckets = b;
    out->n_buckets = (size_t)n;
    return TERR_OK;
}

void trend_report_release(struct trend_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_buckets; i++) {
        for (size_t k = 0; k < r->buckets[i].n_categories; k++)
            free(r->buckets[i].by_category[k].key);
        free(r->buckets[i].by_category);
    }
    free(r->buckets);
    r->buckets = NULL;
    r->n_buckets = 0;
}

enum terr store_report_tickets(struct store_tx *tx, int64_t from, int64_t to,
                               enum terr (*each)(void *arg, const struct report_ticket *t),
                               void *arg)
{
    return tx->st->ops->reports->tickets(tx->conn, from, to, each, arg);
}

enum terr store_report_outcomes(struct store_tx *tx, int64_t from, int64_t to,
                                enum terr (*each)(void *arg, const struct report_outcome *o),
                                void *arg)
{
    return tx->st->ops->reports->outcomes(tx->conn, from, to, each, arg);
}

enum terr store_report_messages(struct store_tx *tx, int64_t from, int64_t to,
                                enum terr (*each)(void *arg, const struct report_message *m),
                                void *arg)
{
    return tx->st->ops->reports->messages(tx->conn, from, to, each, arg);
}
