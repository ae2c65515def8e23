/* Inside the store: the backend's operations on offers (store_offers.h). */
#ifndef TRUCE_STORE_OFFERS_INT_H
#define TRUCE_STORE_OFFERS_INT_H

#include "store_int.h"
#include "store_offers.h"

struct store_offers_ops {
    enum terr (*insert)(struct store_conn *c, struct offer_record *r);
    enum terr (*get)(struct store_conn *c, int64_t id, struct offer_record *out);
    enum terr (*decide)(struct store_conn *c, const struct offer_record *r);
    enum terr (*list)(struct store_conn *c, const struct offer_query *q, struct offer_record **out,
                      size_t *n_out);
};

extern const struct store_offers_ops sqlite_offers_ops;

#endif
