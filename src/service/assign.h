/*
 * Routing wired to the store (issue 5, section 3): who gets a ticket, and
 * who may move it.  The choice itself is domain/routing.h's; this file fills
 * its structs from the store, applies the result to the ticket and audits it.
 *
 * When svc_routing_route routes (the workflow calls it after every change):
 *   - never a resolved or closed ticket;
 *   - an open ticket (new, open, pending) without an assignee: always.  When
 *     a person just unassigned it (the latest assignment on the trail is a
 *     "ticket.update" that cleared it), the agent it was taken from is left
 *     out, so unassigning means "give it to somebody else";
 *   - a ticket whose holder lacks the de-escalation skill while the ticket is
 *     heated or hostile, but only when it became so while held: the level in
 *     the trail's event that gave it to the holder was below heated.  A lead
 *     who deliberately gave a hostile ticket to someone keeps that choice;
 *   - never because the holder went away, or stopped working the ticket's
 *     channel: the ticket stays with them until a lead moves it (an agent on
 *     a break keeps their conversations; "away" only stops new ones).
 *
 * The candidates are the agents of role agent and lead (admins do not take
 * tickets) with their open tickets by level (store_agent_loads).  With
 * t->team set, only the team's members first; when none of them can take
 * it, everyone, and the reason says so.  The customer's language is
 * t->language.  The required skill is the ticket's category when some
 * candidate has a skill of that name ("billing" tickets to "billing"
 * agents); a category nobody has as a skill asks for nothing.
 *
 * Audit, as the system: "ticket.routed" {"assignee_id","reason","load",
 * "outcome","level"} on assignment (before: the previous assignee); when
 * nobody can take it, "ticket.unrouted" {"outcome","reason","level",
 * "assignee_id"} once: again only when the outcome changed, the level rose
 * above the one announced, or an assignment happened in between, so timer
 * re-checks and a level flapping between heated and hostile do not flood
 * the trail (nor the lead, notified on the same passes).
 */
#ifndef TRUCE_SVC_ASSIGN_H
#define TRUCE_SVC_ASSIGN_H

#include "../domain/routing.h"
#include "service.h"

/* What one routing pass did, for the caller. */
struct routing_run_out {
    bool routed;                  /* routing_choose ran (else nothing needed doing) */
    struct routing_result result; /* its result, when routed; reason includes the team fallback */
    /* Nobody could take the ticket and this is news (the pass that audited
     * "ticket.unrouted"): a lead must be told.  The caller notifies. */
    bool notify_lead;
};

/* Routes t as above: updates t->assignee_id in memory (the caller stores
 * t), stamps the new assignee's last_assigned_at, audits, and sets *changed
 * when it changed t.  out (may be NULL) says what happened.  Errors are the
 * store's. */
enum terr svc_routing_route(struct store_tx *tx, struct ticket *t, int64_t now, bool *changed,
                            struct routing_run_out *out, struct terr_info *ei);

/* At most this many waiting tickets of each open status are routed at once
 * by svc_routing_waiting (riskiest first); the rest at their next change. */
#define ROUTING_WAITING_MAX 100

/* Routes the open tickets that wait unassigned (after an agent came back or
 * gained a skill), riskiest first, and stores those it assigned; *n_out
 * (may be NULL) counts them.  Errors are the store's. */
enum terr svc_routing_waiting(struct store_tx *tx, int64_t now, int64_t *n_out,
                              struct terr_info *ei);

/* May `who` move ticket t (as it is now) to agent to_id (0: unassign)?
 * routing_check_assign's rules, with the target read from the store: an
 * unknown agent is TERR_INVALID ("assignee"); the system and customers act
 * with a lead's authority.  TERR_OK when allowed; on refusal ei names
 * "assignee" (the API's field). */
enum terr svc_routing_check_assign(struct store_tx *tx, const struct actor *who,
                                   const struct ticket *t, int64_t to_id, struct terr_info *ei);

/* Fills r from a (strings borrowed from a; channels into chan, which must
 * hold a->channels.n entries) with its open tickets by level from loads
 * (may be NULL).  For the HTTP view of an agent's load as well. */
void svc_routing_agent(const struct agent *a, const struct agent_load *loads, size_t n_loads,
                       enum channel *chan, struct routing_agent *r);

#endif
