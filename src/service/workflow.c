/* The resolution workflow's reaction to a change on a ticket (workflow.h). */
#include "workflow.h"

#include <stdio.h>
#include <string.h>

#include "../util/log.h"
#include "../util/timeutil.h"
#include "assign.h"
#include "escalation.h"
#include "notify.h"
#include "sla_clock.h"

static const struct actor system_actor = {.kind = ACTOR_SYSTEM};

enum terr svc_workflow_after(struct store_tx *tx, const struct actor *who, struct ticket *t,
                             enum workflow_cause cause, int64_t now, bool *out_written,
                             struct terr_info *ei)
{
    (void)who;
    (void)system_actor;
    bool changed = false;
    enum terr e = TERR_OK;
    if (t->level > t->peak_level) {
        t->peak_level = t->level;
        changed = true;
    }
    /* The parts of the workflow, in the order of workflow.h. */
    enum priority priority_before = t->priority;
    /* -- SLA (svc_sla_run) -- */
    if (!e)
        e = svc_sla_run(tx, t, now, &changed, ei);
    /* -- rules (svc_rules_run) -- */
    if (!e)
        e = svc_rules_run(tx, t, now, &changed, ei);
    /* -- routing: nobody could take it, and that is news: a lead must act -- */
    struct routing_run_out routed = {0};
    if (!e)
        e = svc_routing_route(tx, t, now, &changed, &routed, ei);
    if (!e && routed.notify_lead) {
        char text[400];
        snprintf(text, sizeof(text), "ticket %lld (%s) could not be assigned: %s", (long long)t->id,
                 level_name(t->level), routed.result.reason);
        e = svc_notify(tx, 0, ROLE_LEAD, t->id, "routing", text, now);
    }
    /* -- SLA again when the rules changed the priority -- */
    if (!e && t->priority != priority_before)
        e = svc_sla_run(tx, t, now, &changed, ei);
    if (!e && changed) {
        /* What the clock alone brought about (a breach, a timed rule) is not
         * a change by anyone: the ticket keeps its place in "recently updated". */
        if (cause != WORKFLOW_TIMER)
            t->updated_at = t->updated_at > now ? t->updated_at : now;
        e = store_ticket_update(tx, t);
        if (e)
            terr_set(ei, e, NULL, NULL);
    }
    if (out_written)
        *out_written = !e && changed;
    return e;
}

enum terr svc_workflow_check_at(struct store_tx *tx, int64_t ticket_id, int64_t at, int64_t now)
{
    char key[64];
    snprintf(key, sizeof(key), WORKFLOW_JOB_CHECK ":%lld:%lld", (long long)ticket_id,
             (long long)at);
    return svc_job_enqueue(tx, WORKFLOW_JOB_CHECK, ticket_id, NULL, key, at > now ? at - now : 0,
                           NULL);
}

/* The check runs in the transaction that marks the job done, so it happens
 * exactly once (scheduler.h). */
static enum terr check_record(struct store_tx *tx, struct job_run *run, bool ok)
{
    if (!ok)
        return TERR_OK;
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, run->job->ticket_id, &t);
    if (e == TERR_NOT_FOUND)
        return TERR_OK; /* the ticket is gone: nothing to check */
    struct terr_info ei = {0};
    if (!e)
        e = svc_workflow_after(tx, &system_actor, &t, WORKFLOW_TIMER, time_now_ms(), NULL, &ei);
    if (e)
        log_error("workflow: cannot check ticket %lld: %s %s", (long long)run->job->ticket_id,
                  terr_code(e), ei.message);
    ticket_release(&t);
    return e;
}

static enum terr run_check(struct job_run *run)
{
    run->record = check_record;
    return TERR_OK;
}

void svc_workflow_register_jobs(void)
{
    svc_scheduler_register(WORKFLOW_JOB_CHECK, run_check);
}
