/*
 * Offers within authority (issue 5, section 5): the use cases around the
 * rules of domain/offers.h, in the caller's write transaction.
 *
 * An agent proposes an offer on an open ticket; within the proposer's
 * authority it is approved at once, above it it waits (pending) for a lead
 * or admin whose authority covers it; the proposer may withdraw a pending
 * offer.  Every transition is audited (target "offer", with the ticket),
 * announced to webhook subscribers ("offer.proposed", "offer.approved",
 * "offer.rejected", "offer.withdrawn"; an offer approved on proposal sends
 * both "offer.proposed" and "offer.approved") and, when an offer becomes
 * approved, told to the customer in plain words through the outbox (a
 * "notice" with the ticket's case link, case_link.h).  The customer sees
 * approved offers only.
 *
 * The authority policy is one per process: the built-in default
 * (data/policy/authority.txt) unless svc_offer_policy_load installed a file's.
 */
#ifndef TRUCE_SVC_OFFERS_H
#define TRUCE_SVC_OFFERS_H

#include <jansson.h>

#include "../domain/offers.h"
#include "../store/store_offers.h"
#include "service.h"

/* Largest policy file read, in bytes: the rule and line caps of offers.h
 * with room for comments. */
#define OFFER_POLICY_FILE_MAX (2 * AUTHORITY_RULES_MAX * AUTHORITY_LINE_MAX)

/* Reads and parses the policy file at path and makes it the process's
 * policy.  TERR_IO when it cannot be read, TERR_TOO_LARGE over
 * OFFER_POLICY_FILE_MAX, else authority_policy_parse's errors with
 * "path:line: what" in ei->message; the policy in force is unchanged then.
 * Call before serving: the policy is read without a lock. */
enum terr svc_offer_policy_load(const char *path, struct terr_info *ei);
/* Goes back to the built-in policy, freeing a loaded one. */
void svc_offer_policy_reset(void);
/* The policy in force; borrowed, never NULL. */
const struct authority_policy *svc_offer_policy(void);

/* The offer in plain words for a customer, into out (always terminated):
 * "a refund of 80.00 EUR", "a replacement", "our apology". */
void svc_offer_words(const struct offer *o, char *out, size_t n);

/* The offer as the API and webhooks show it (agents' view: notes included).
 * Returns a new reference. */
json_t *svc_offer_json(const struct offer_record *r);

/* Proposes draft d on ticket ticket_id as the acting agent (who must be an
 * agent: else TERR_FORBIDDEN).  Errors: offer_validate's (checked first),
 * TERR_NOT_FOUND for an unknown ticket, TERR_CONFLICT for a closed one.  On
 * success *out (release with offer_record_release) is the stored offer,
 * approved or pending. */
enum terr svc_offer_propose(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                            const struct offer_draft *d, int64_t now, struct offer_record *out,
                            struct terr_info *ei);

/* Approves (approve true) or rejects offer_id with an optional note, by
 * offer_decide's rules: TERR_NOT_FOUND for an unknown offer, TERR_FORBIDDEN
 * for an agent or above the decider's authority, TERR_CONFLICT when it is
 * not pending (also when another decision won a race).  *out as above. */
enum terr svc_offer_decide(struct store_tx *tx, const struct actor *who, int64_t offer_id,
                           bool approve, const char *note, int64_t now, struct offer_record *out,
                           struct terr_info *ei);

/* Withdraws a pending offer_id (its proposer only: else TERR_FORBIDDEN) with
 * an optional note.  TERR_NOT_FOUND, TERR_CONFLICT as above. */
enum terr svc_offer_withdraw(struct store_tx *tx, const struct actor *who, int64_t offer_id,
                             const char *note, int64_t now, struct offer_record *out,
                             struct terr_info *ei);

#endif
