/*
 * The store's offers (issue 5, section 5; the rules are domain/offers.h).
 *
 * A record is the domain's struct offer plus the two notes it does not
 * carry: the proposer's (what is offered and why, for the approver) and the
 * decider's.  An offer changes state once: store_offer_decide moves a
 * pending offer and refuses (TERR_CONFLICT) any other, inside the UPDATE
 * itself, so two approvals racing (two servers, one database) cannot both
 * win even when both read it pending.
 */
#ifndef TRUCE_STORE_OFFERS_H
#define TRUCE_STORE_OFFERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/offers.h"
#include "../util/err.h"

struct store_tx;

struct offer_record {
    struct offer offer;
    char *note;          /* the proposer's; NULL: none */
    char *decision_note; /* the approver's or withdrawer's; NULL: none */
};
/* Each accepts NULL and leaves the record zeroed. */
void offer_record_release(struct offer_record *r);
void offer_records_free(struct offer_record *v, size_t n);

/* A page of offers in id order.  Filters are off when 0/false. */
struct offer_query {
    int64_t ticket_id; /* 0: every ticket */
    bool has_state;
    enum offer_state state;
    int64_t after_id;
    size_t limit; /* 0: no limit */
};

/* Stores a new offer (r->offer.id is ignored) and sets r->offer.id.
 * TERR_NOT_FOUND when its ticket or proposer does not exist. */
enum terr store_offer_insert(struct store_tx *tx, struct offer_record *r);
/* An offer by id; release *out with offer_record_release. */
enum terr store_offer_get(struct store_tx *tx, int64_t id, struct offer_record *out);
/* Writes the decision on r (its state, decided_by, decided_at and
 * decision_note) to offer r->offer.id, if and only if that offer is still
 * pending: TERR_CONFLICT when it is not (any more), TERR_NOT_FOUND when there
 * is no such offer. */
enum terr store_offer_decide(struct store_tx *tx, const struct offer_record *r);
/* Up to q->limit offers after q->after_id; caller frees with offer_records_free. */
enum terr store_offer_list(struct store_tx *tx, const struct offer_query *q,
                           struct offer_record **out, size_t *n_out);

#endif
