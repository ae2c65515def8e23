/*
 * The six resolution steps and lessons inside the desk (issue 5, sections 1
 * and 6).  src/domain/steps.h decides; this file gathers its facts from the
 * store, records agents' marks and lessons, and audits them.
 *
 * Where each fact comes from:
 *   peak level, marked   the ticket (its peak, or its level when higher: the
 *                        workflow raises the peak after the change that
 *                        raised the level)
 *   category             the ticket; when an agent set or confirmed it
 *                        (category_by_agent), category_at is the time of the
 *                        latest agent "ticket.update" event that did, from the
 *                        audit trail; the ticket's updated_at when the trail
 *                        shows none (a ticket written by truce itself)
 *   replies              the public agent messages with their stored coach
 *                        review (messages.coach): "customer_upset",
 *                        "company_fault", and the findings' kinds
 *                        no_acknowledgement / no_apology.  A reply without a
 *                        review (the coach was off) proves nothing.
 *   status updates       a public agent reply after the ticket's first one
 *                        whose review has no no_next_step finding (it tells
 *                        the customer what happens next), or a 'notice' in
 *                        the outbox for the customer that has not failed
 *   offers               the ticket's approved offers, at their decision
 *   lessons              the lessons table
 *   problem              ticket.problem_id / problem_linked_at, and whether
 *                        the problem was opened from this ticket
 *   marks                the step_marks table
 *
 * Marking a step on a ticket the steps do not apply to (calm and never
 * marked as a conflict) is refused with TERR_CONFLICT: mark the ticket as a
 * conflict first (PATCH {"conflict": true}), so a step's mark always sits on
 * a ticket that shows the steps.
 *
 * Resolving (or closing) a ticket the steps apply to asks for a lesson: an
 * agent's change of status to resolved or closed, from a status that was
 * neither, is refused with TERR_INVALID (field "lesson") unless the ticket
 * has a lesson or the same change brings one.  Changes made by truce itself
 * (the demo loader, rules) are not stopped.
 */
#ifndef TRUCE_SVC_STEPS_H
#define TRUCE_SVC_STEPS_H

#include "../domain/steps.h"
#include "../store/store_steps.h"
#include "service.h"

/* Bytes of UTF-8 in each of a lesson's three texts. */
#define LESSON_TEXT_MAX 2000

/* A lesson as given; strings borrowed. */
struct lesson_new {
    const char *cause;
    const char *what_went_wrong;
    const char *prevention;
};

/* Gathers the facts about ticket t (as stored, or as the caller is about to
 * store it) and evaluates its steps into *out (caller owns). */
enum terr svc_steps_report(struct store_tx *tx, const struct ticket *t, struct steps_report *out);

/* Reads ticket id and reports its steps: TERR_NOT_FOUND (message in ei). */
enum terr svc_steps_report_id(struct store_tx *tx, int64_t ticket_id, struct steps_report *out,
                              struct terr_info *ei);

/* An agent ticks (done) or unticks step_name on ticket_id with a reason:
 * stores the mark and audits "ticket.step_ticked" / "ticket.step_unticked"
 * with the step's state before and after.  TERR_NOT_FOUND for an unknown
 * ticket; steps_mark's errors (field "step", "reason"); TERR_FORBIDDEN when
 * who is not an agent; TERR_CONFLICT when the steps do not apply.  *out (may
 * be NULL) is the report after the mark. */
enum terr svc_step_mark(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                        const char *step_name, bool done, const char *reason,
                        struct steps_report *out, struct terr_info *ei);

/* Checks a lesson's texts: each present, not blank, valid UTF-8, at most
 * LESSON_TEXT_MAX bytes.  Errors name "<prefix>.cause" etc. (prefix may be
 * NULL: the bare name). */
enum terr svc_lesson_check(const struct lesson_new *in, const char *prefix, struct terr_info *ei);

/* Records a lesson on ticket_id and audits "lesson.create".  TERR_NOT_FOUND
 * for an unknown ticket; svc_lesson_check's errors.  *out (may be NULL) is
 * the stored lesson (release with lesson_release). */
enum terr svc_lesson_add(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                         const struct lesson_new *in, struct lesson *out, struct terr_info *ei);

/* For svc_ticket_update, after the patch is applied to t in memory: records
 * `lesson` when given (prefix "lesson"), and refuses an agent's resolution
 * of a conflict ticket without one (see above).  from is the status before. */
enum terr svc_steps_on_update(struct store_tx *tx, const struct actor *who, enum ticket_status from,
                              const struct ticket *t, const struct lesson_new *lesson, int64_t now,
                              struct terr_info *ei);

#endif
