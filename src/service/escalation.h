/*
 * Escalation rules, wired (issue 5, section 4): the rule set kept in the
 * store, evaluated on every ticket change by the workflow, its plan applied
 * to the ticket, and the rules managed by the API and the CLI.
 *
 * The rule set is parsed once and cached per process, keyed by the store's
 * 'rules_version' tag (store_rules.h), which every change to the rules table
 * renews in the same transaction.  The tag is read inside the caller's
 * transaction, so a server always evaluates the rules as committed, also
 * when another server sharing the database changed them.
 *
 * What a run does (svc_rules_run):
 *   1. gathers the ticket's facts: the triggers of the latest customer
 *      message (from its stored analysis), the level and priority, since when
 *      the customer waits for a public agent reply (not while the ticket is
 *      pending, resolved or closed), the breached SLA metrics and the latest
 *      survey answer of each kind;
 *   2. evaluates the rules against the ticket's records of them (rules.h:
 *      once per ticket until re-armed; "rearm auto" rules re-arm when their
 *      condition is seen false).  A rule on survey scores is also re-armed
 *      by a new survey answer that matches it, so every low answer is heard;
 *   3. applies the merged plan: priority raised (never lowered), an agent
 *      assigned (if that agent exists; otherwise the failure is audited),
 *      a team set (an assignee outside it is unassigned, so routing picks
 *      within the team), tags added, legal hold placed, the leads notified
 *      once with the ticket, the rules and why;
 *   4. audits "rule.fired" for every firing and "rule.rearmed" for automatic
 *      re-arms (system actor), and "ticket.update" for the ticket's changes;
 *   5. queues a "ticket.check" for when a "waiting > T" rule would come true
 *      (waiting_since + T + 1 ms), so it fires on time with no new event;
 *      only when the rule's other conditions hold already (they change with
 *      events, which run the rules again).
 */
#ifndef TRUCE_SVC_ESCALATION_H
#define TRUCE_SVC_ESCALATION_H

#include "../domain/rules.h"
#include "../store/store_rules.h"
#include "service.h"

/* The workflow's rules step (workflow.h): updates t in memory and sets
 * *changed when it changed t; writes notifications, rule states, audit
 * events and check jobs in tx; does not store t. */
enum terr svc_rules_run(struct store_tx *tx, struct ticket *t, int64_t now, bool *changed,
                        struct terr_info *ei);

/* The stored rules, parsed, in evaluation order, into out (initialised and
 * empty; release with rule_set_release).  A row that no longer parses is
 * left out and logged. */
enum terr svc_rules_current(struct store_tx *tx, struct rule_set *out);

/* Adds rule r (checked here) at position (1-based; 0 or past the end: last),
 * audited "rule.create".  TERR_CONFLICT (field "name") for a name in use;
 * TERR_INVALID for an assign_agent to an agent who does not exist (as for
 * svc_rule_update and svc_rules_replace; svc_rules_seed does not ask).
 * *out (may be NULL) is the stored row (release with rule_row_release). */
enum terr svc_rule_create(struct store_tx *tx, const struct actor *who, const struct rule *r,
                          int position, struct rule_row *out, struct terr_info *ei);
/* Replaces rule id by r (a rename keeps the tickets' records of it) and moves
 * it to position (0: where it is), audited "rule.update".  TERR_NOT_FOUND,
 * TERR_CONFLICT for a name another rule has. */
enum terr svc_rule_update(struct store_tx *tx, const struct actor *who, int64_t id,
                          const struct rule *r, int position, struct rule_row *out,
                          struct terr_info *ei);
/* Deletes rule id (or, with svc_rule_delete_named, the rule of that name),
 * audited "rule.delete".  The tickets keep their records of it. */
enum terr svc_rule_delete(struct store_tx *tx, const struct actor *who, int64_t id,
                          struct terr_info *ei);
enum terr svc_rule_delete_named(struct store_tx *tx, const struct actor *who, const char *name,
                                struct terr_info *ei);
/* Replaces the whole set by s (already checked: a parsed file), audited
 * "rules.replace".  Rules keep their tickets' records by name. */
enum terr svc_rules_replace(struct store_tx *tx, const struct actor *who, const struct rule_set *s,
                            struct terr_info *ei);
/* Loads s (when not empty) if the rules table was never written (a new
 * database); sets *out_loaded (may be NULL) to whether it did. */
enum terr svc_rules_seed(struct store_tx *tx, const struct rule_set *s, bool *out_loaded,
                         struct terr_info *ei);

/* A lead's explicit re-arm of rule `name` on ticket_id, audited
 * "rule.rearm": the rule may fire again on the ticket's next change.
 * TERR_NOT_FOUND (field "rule" for an unknown rule).  *out (may be NULL) is
 * the ticket's record of the rule afterwards. */
enum terr svc_rule_rearm(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                         const char *name, struct rule_state *out, struct terr_info *ei);

#endif
