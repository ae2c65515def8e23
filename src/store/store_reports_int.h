/* Inside the store: the backend's operations for the reports (store_reports.h). */
#ifndef TRUCE_STORE_REPORTS_INT_H
#define TRUCE_STORE_REPORTS_INT_H

#include "store_int.h"
#include "store_reports.h"

struct store_reports_ops {
    /* Fills the buckets q cuts (their start and end set, counts zero). */
    enum terr (*trends)(struct store_conn *c, const struct trend_query *q,
                        struct trend_bucket *buckets, size_t n_buckets);
    /* The row walks of store_reports.h, [from, to) in ms. */
    enum terr (*tickets)(struct store_conn *c, int64_t from, int64_t to,
                         enum terr (*each)(void *, const struct report_ticket *), void *arg);
    enum terr (*outcomes)(struct store_conn *c, int64_t from, int64_t to,
                          enum terr (*each)(void *, const struct report_outcome *), void *arg);
    enum terr (*messages)(struct store_conn *c, int64_t from, int64_t to,
                          enum terr (*each)(void *, const struct report_message *), void *arg);
};

extern const struct store_reports_ops sqlite_reports_ops;

#endif
