/*
 * The resolution workflow's reaction to a change on a ticket (issue 5).
 *
 * Every use case that changes a ticket (opening it, a message, a PATCH, a
 * survey answer) and the scheduler's timer ("ticket.check" jobs) ends by
 * calling svc_workflow_after() in the same write transaction, so what the
 * workflow decides commits with the change that caused it or not at all:
 *
 *   1. the peak level follows the level (the six steps apply from tense);
 *   2. SLA: the clocks are evaluated, due_at / breached_at / sla_breached
 *      set, reminders and breaches announced once, and a "ticket.check" job
 *      queued for the next instant something will happen by itself;
 *   3. escalation rules are evaluated against the ticket's facts and their
 *      plan applied (priority, assignment, tags, legal hold, lead notified);
 *   4. routing: an open ticket without an assignee (or whose assignee no
 *      longer fits, e.g. it became hostile) is given one;
 *   5. SLA again when the rules changed the priority (the targets follow it).
 *
 * Each part audits what it changes.  The ticket is written back once, at the
 * end, when anything changed.
 */
#ifndef TRUCE_SVC_WORKFLOW_H
#define TRUCE_SVC_WORKFLOW_H

#include "scheduler.h"
#include "service.h"

/* What happened to the ticket. */
enum workflow_cause {
    WORKFLOW_OPENED,           /* a new ticket with its first customer message */
    WORKFLOW_CUSTOMER_MESSAGE, /* the customer wrote again */
    WORKFLOW_AGENT_REPLY,      /* an agent replied (or wrote an internal note) */
    WORKFLOW_UPDATED,          /* a PATCH: status, priority, assignee, tags, category */
    WORKFLOW_SURVEY,           /* the customer answered a survey */
    WORKFLOW_TIMER,            /* a "ticket.check" job came due */
};

/* The job kind the workflow's timers use; its payload is "{}", its
 * ticket_id the ticket to check. */
#define WORKFLOW_JOB_CHECK "ticket.check"

/* Runs the workflow on t, which holds the ticket as the caller just wrote it
 * (or is about to: the caller need not store its own changes first, t is
 * written here when anything changed, by either side).  t is updated in
 * memory.  who is the actor of the change; the workflow's own changes are
 * audited as the system's. */
enum terr svc_workflow_after(struct store_tx *tx, const struct actor *who, struct ticket *t,
                             enum workflow_cause cause, int64_t now, bool *out_written,
                             struct terr_info *ei);

/* Queues a "ticket.check" of ticket_id at `at` (once per ticket and instant). */
enum terr svc_workflow_check_at(struct store_tx *tx, int64_t ticket_id, int64_t at, int64_t now);

/* Registers the "ticket.check" job handler with the scheduler. */
void svc_workflow_register_jobs(void);

#endif
