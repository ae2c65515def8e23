/* Offers: record helpers and backend dispatch (store_offers.h). */
#include "store_offers_int.h"

#include <stdlib.h>
#include <string.h>

void offer_record_release(struct offer_record *r)
{
    if (!r)
        return;
    free(r->note);
    free(r->decision_note);
    memset(r, 0, sizeof(*r));
}

void offer_records_free(struct offer_record *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        offer_record_release(&v[i]);
    free(v);
}

#define OOPS(tx) ((tx)->st->ops->offers)

enum terr store_offer_insert(struct store_tx *tx, struct offer_record *r)
{
    return OOPS(tx)->insert(tx->conn, r);
}

enum terr store_offer_get(struct store_tx *tx, int64_t id, struct offer_record *out)
{
    return OOPS(tx)->get(tx->conn, id, out);
}

enum terr store_offer_decide(struct store_tx *tx, const struct offer_record *r)
{
    return OOPS(tx)->decide(tx->conn, r);
}

enum terr store_offer_list(struct store_tx *tx, const struct offer_query *q,
                           struct offer_record **out, size_t *n_out)
{
    return OOPS(tx)->list(tx->conn, q, out, n_out);
}
