/*
 * The customer's case link: /c/<token> shows a ticket as its customer may
 * see it (subject and status, the public messages, the approved offers) and
 * nothing else: no analysis, no coach reviews, no internal notes, no offer
 * that is pending, rejected or withdrawn, no agent's name.
 *
 * The token is a signed link (link_token.h) for the ticket's id under the
 * 'case_key' settings row, made on first use.  It is the customer's
 * credential, so it is never stored and never logged.  A case link neither
 * expires nor wears out (its expiry field is 0): the customer may come back
 * to it as often as they like for the life of the ticket.  Revoking links
 * (one ticket's, or all by replacing the key) can come later; nothing
 * depends on their being permanent.
 */
#ifndef TRUCE_SVC_CASE_LINK_H
#define TRUCE_SVC_CASE_LINK_H

#include "../store/store_offers.h"
#include "link_token.h"
#include "service.h"

#define CASE_LINK_PREFIX  "/c/"
#define CASE_KEY_SETTING  "case_key"
#define CASE_MESSAGES_MAX 1000 /* the most recent public messages a case link shows */

/* Writes the case link token of ticket_id into out.  With create, the key
 * is made if there is none (call in a write transaction); without it,
 * TERR_NOT_FOUND when no key exists yet.  The ticket is not looked at. */
enum terr svc_case_token(struct store_tx *tx, int64_t ticket_id, bool create,
                         char out[LINK_TOKEN_MAX]);

/* What a case link shows. */
struct case_view {
    struct ticket ticket;
    struct message *messages; /* public ones, oldest first */
    size_t n_messages;
    struct offer_record *offers; /* approved ones, oldest first */
    size_t n_offers;
};
/* Accepts NULL and leaves the view zeroed. */
void case_view_release(struct case_view *v);

/* The case a token names, read in tx: TERR_NOT_FOUND for a forged, altered
 * or foreign token, and for a ticket that no longer exists.  On success
 * release *out with case_view_release. */
enum terr svc_case_view(struct store_tx *tx, const char *token, struct case_view *out,
                        struct terr_info *ei);

/* The ticket id a case token names, into *out (the ticket is not read):
 * TERR_NOT_FOUND for a forged, altered or foreign token, or when no case
 * link was ever made on this desk. */
enum terr svc_case_ticket(struct store_tx *tx, const char *token, int64_t *out);

#endif
