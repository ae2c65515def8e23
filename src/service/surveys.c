#include "surveys.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/secret.h"
#include "../util/timeutil.h"
#include "notify.h"
#include "outbox.h"
#include "scheduler.h"
#include "tickets.h"
#include "workflow.h"

#define SURVEY_KEY_SETTING "survey_key"

static struct survey_policy policy = {SURVEY_TTL_MS, FOLLOW_UP_DAYS_DEFAULT *TIME_DAY_MS};

void svc_survey_setup(const struct survey_policy *p)
{
    policy.ttl_ms = p && p->ttl_ms > 0 ? p->ttl_ms : SURVEY_TTL_MS;
    policy.follow_up_ms =
        p && p->follow_up_ms > 0 ? p->follow_up_ms : FOLLOW_UP_DAYS_DEFAULT * TIME_DAY_MS;
}

enum terr svc_survey_key(struct store_tx *tx, bool create, unsigned char key[LINK_KEY_LEN])
{
    return link_key_load(tx, SURVEY_KEY_SETTING, create, key);
}

enum terr svc_survey_on_resolve(struct store_tx *tx, const struct actor *who,
                                const struct ticket *t, int64_t now, struct survey_sent *out,
                                struct terr_info *ei)
{
    struct survey_sent sent = {0};
    unsigned char key[LINK_KEY_LEN];
    enum terr e = svc_survey_key(tx, true, key);
    struct survey s = {
        .ticket_id = t->id,
        .created_at = now,
        .expires_at = now + policy.ttl_ms,
    };
    if (!e)
        e = store_survey_insert(tx, &s);
    if (!e) {
        unsigned char hash[SECRET_HASH_LEN];
        link_token_make(key, s.id, s.expires_at, sent.token);
        secret_hash(sent.token, strlen(sent.token), hash);
        e = store_survey_set_token(tx, s.id, hash);
        sent.survey_id = s.id;
    }
    char until[TIME_ISO_LEN];
    time_format_iso(s.expires_at, until);
    until[10] = '\0'; /* the date is enough for a person */
    long long days = policy.follow_up_ms / TIME_DAY_MS;
    if (!e)
        e = svc_outbox_queue(tx, t, OUTBOX_SURVEY, s.id, now, now,
                             xstrfmt("How did we do? (request #%lld)", (long long)t->id),
                             xstrfmt("Your request \"%s\" is resolved.\n\n"
                                     "Would you tell us how we did? It takes a minute:\n%s%s\n\n"
                                     "The link works once, until %s.",
                                     t->subject, SURVEY_LINK_PREFIX, sent.token, until),
                             &sent.message_id);
    if (!e)
        e = svc_outbox_queue(
            tx, t, OUTBOX_FOLLOW_UP, s.id, now + policy.follow_up_ms, now,
            xstrfmt("Is everything working? (request #%lld)", (long long)t->id),
            days > 0
                ? xstrfmt(
                      "We resolved your request \"%s\" %lld day%s ago. Is everything working as "
                      "it should? If not, reply to this message and we will pick it up again.\n\n"
                      "If you have not yet, tell us how we did:\n%s%s",
                      t->subject, days, days == 1 ? "" : "s", SURVEY_LINK_PREFIX, sent.token)
                : xstrfmt("We resolved your request \"%s\". Is everything working as it should? If "
                          "not, reply to this message and we will pick it up again.\n\n"
                          "If you have not yet, tell us how we did:\n%s%s",
                          t->subject, SURVEY_LINK_PREFIX, sent.token),
            &sent.follow_up_id);
    if (!e) {
        char *after = json_dump_record(
            json_pack("{s:I, s:I, s:I, s:o}", "survey_id", (json_int_t)s.id, "message_id",
                      (json_int_t)sent.message_id, "follow_up_id", (json_int_t)sent.follow_up_id,
                      "expires_at", json_text(until)),
            "an audit record");
        e = svc_audit(tx, who, "survey.create", "survey", s.id, t->id, NULL, after, now);
        free(after);
    }
    /* The follow-up is also the agent's task: remind them when it is due. */
    if (!e) {
        char dedupe[64], payload[64];
        snprintf(dedupe, sizeof(dedupe), FOLLOW_UP_JOB ":%lld", (long long)sent.follow_up_id);
        snprintf(payload, sizeof(payload), "{\"outbox_id\":%lld}", (long long)sent.follow_up_id);
        e = svc_job_enqueue(tx, FOLLOW_UP_JOB, t->id, payload, dedupe, policy.follow_up_ms, NULL);
    }
    sodium_memzero(key, sizeof(key));
    survey_release(&s);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    if (out)
        *out = sent;
    return TERR_OK;
}

enum terr svc_survey_find(struct store_tx *tx, const char *token, struct survey *out,
                          struct terr_info *ei)
{
    unsigned char key[LINK_KEY_LEN];
    int64_t id, expires_at;
    enum terr e = svc_survey_key(tx, false, key);
    if (!e)
        e = link_token_open(key, token, &id, &expires_at);
    sodium_memzero(key, sizeof(key));
    struct survey s = {0};
    if (!e)
        e = store_survey_get(tx, id, &s);
    if (!e) {
        /* The signature holds; the row must still name this very link. */
        unsigned char hash[SECRET_HASH_LEN];
        secret_hash(token, strlen(token), hash);
        if (!secret_hash_equal(hash, s.token_hash) || s.expires_at != expires_at)
            e = TERR_NOT_FOUND;
    }
    if (e) {
        survey_release(&s);
        if (e == TERR_NOT_FOUND)
            return terr_set(ei, e, NULL, "no survey has this link");
        return terr_set(ei, e, NULL, NULL);
    }
    *out = s;
    return TERR_OK;
}

static json_t *score_json(int v)
{
    return v == SURVEY_NO_SCORE ? json_null() : json_integer(v);
}

/* Reopens t (resolved) after a low answer; audits the change. */
static enum terr reopen(struct store_tx *tx, const struct actor *who, struct ticket *t, int64_t now,
                        struct terr_info *ei)
{
    char *before = svc_ticket_audit_json(t);
    enum terr e = ticket_set_status(t, STATUS_OPEN, now, ei);
    if (!e)
        e = store_ticket_update(tx, t);
    if (!e) {
        char *after = svc_ticket_audit_json(t);
        e = svc_audit(tx, who, "ticket.update", "ticket", t->id, t->id, before, after, now);
        if (!e) /* subscribers hear of a reopening like of any other update */
            e = svc_ticket_emit(tx, "ticket.updated", t, before, after, now);
        free(after);
    }
    free(before);
    return e;
}

/* Records answer a to survey *s, found by the caller, as svc_survey_answer
 * does; *s is taken over (moved into *out, or released on error). */
static enum terr answer(struct store_tx *tx, struct survey *s, const struct survey_answer *a,
                        int64_t now, struct survey_result *out, struct terr_info *ei)
{
    enum survey_state state = survey_state_at(s, now);
    if (state == SURVEY_ANSWERED) {
        survey_release(s);
        return terr_set(ei, TERR_CONFLICT, NULL, "this survey was already answered");
    }
    if (state == SURVEY_EXPIRED) {
        survey_release(s);
        return terr_set(ei, TERR_GONE, NULL, "this survey link has expired");
    }
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, s->ticket_id, &t);
    if (!e)
        e = store_survey_answer(tx, s->id, a, now);
    struct actor customer = {.kind = ACTOR_CUSTOMER, .id = t.customer_id};
    if (!e) {
        char *after =
            json_dump_record(json_pack("{s:o, s:o, s:o, s:b}", "csat", score_json(a->csat), "nps",
                                       score_json(a->nps), "ces", score_json(a->ces), "comment",
                                       a->comment && *a->comment),
                             "an audit record");
        e = svc_audit(tx, &customer, "survey.answered", "survey", s->id, s->ticket_id, NULL, after,
                      now);
        free(after);
    }
    bool low = survey_answer_low(a), reopened = false;
    if (!e && low) {
        if (t.status == STATUS_RESOLVED) {
            e = reopen(tx, &customer, &t, now, ei);
            reopened = !e;
        }
        if (!e) {
            char *after = json_dump_record(
                json_pack("{s:I, s:o, s:o, s:b}", "survey_id", (json_int_t)s->id, "csat",
                          score_json(a->csat), "nps", score_json(a->nps), "reopened", reopened),
                "an audit record");
            e = svc_audit(tx, &customer, "survey.low_score", "ticket", t.id, t.id, NULL, after,
                          now);
            free(after);
        }
    }
    /* Rules on survey scores see the answer (workflow.h). */
    if (!e)
        e = svc_workflow_after(tx, &customer, &t, WORKFLOW_SURVEY, now, NULL, ei);
    ticket_release(&t);
    if (e) {
        survey_release(s);
        if (ei && ei->code == e && ei->message[0])
            return e;
        return terr_set(ei, e, NULL,
                        e == TERR_CONFLICT ? "this survey was already answered" : NULL);
    }
    s->answered_at = now;
    s->csat = a->csat;
    s->nps = a->nps;
    s->ces = a->ces;
    free(s->comment);
    s->comment = xstrdup(a->comment);
    *out = (struct survey_result){.survey = *s, .low = low, .reopened = reopened};
    return TERR_OK;
}

enum terr svc_survey_answer(struct store_tx *tx, const char *token, const struct survey_answer *a,
                            int64_t now, struct survey_result *out, struct terr_info *ei)
{
    enum terr e = survey_answer_check(a, ei);
    if (e)
        return e;
    struct survey s;
    if ((e = svc_survey_find(tx, token, &s, ei)))
        return e;
    return answer(tx, &s, a, now, out, ei);
}

enum terr svc_survey_answer_id(struct store_tx *tx, int64_t id, const struct survey_answer *a,
                               int64_t now, struct survey_result *out, struct terr_info *ei)
{
    enum terr e = survey_answer_check(a, ei);
    if (e)
        return e;
    struct survey s;
    if ((e = store_survey_get(tx, id, &s)))
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "survey %lld not found" : NULL,
                        (long long)id);
    return answer(tx, &s, a, now, out, ei);
}

/* The follow-up's due time came: if the ticket is still resolved (a reopened
 * one is being worked on anyway), its assignee, or the leads when nobody
 * holds it, are reminded to check in with the customer.  In the transaction
 * that marks the job done, so the reminder is written once. */
static enum terr follow_up_record(struct store_tx *tx, struct job_run *run, bool ok)
{
    if (!ok)
        return TERR_OK;
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, run->job->ticket_id, &t);
    if (e == TERR_NOT_FOUND)
        return TERR_OK;
    int64_t now = time_now_ms();
    if (!e && t.status == STATUS_RESOLVED) {
        char text[400];
        snprintf(text, sizeof(text),
                 "follow up on ticket %lld (\"%.200s\"): resolved, and the customer was asked "
                 "whether everything works",
                 (long long)t.id, t.subject);
        e = svc_notify(tx, t.assignee_id, t.assignee_id ? ROLE_AGENT : ROLE_LEAD, t.id, "follow_up",
                       text, now);
        if (!e)
            e = svc_audit(tx, &(struct actor){.kind = ACTOR_SYSTEM}, "ticket.follow_up_due",
                          "ticket", t.id, t.id, NULL, run->job->payload, now);
    }
    ticket_release(&t);
    return e;
}

static enum terr run_follow_up(struct job_run *run)
{
    run->record = follow_up_record;
    return TERR_OK;
}

void svc_survey_register_jobs(void)
{
    svc_scheduler_register(FOLLOW_UP_JOB, run_follow_up);
}
