#include "tickets.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "assign.h"
#include "conflict.h"
#include "notify.h"
#include "webhooks.h"
#include "surveys.h"
#include "steps.h"
#include "workflow.h"

void ticket_opened_release(struct ticket_opened *o)
{
    if (!o)
        return;
    ticket_release(&o->ticket);
    customer_release(&o->customer);
    message_release(&o->message);
}

/* The customer with this email, created if new; a known customer without a
 * name takes the one given now.  Fills *out on success. */
static enum terr customer_for(struct store_tx *tx, const char *email, const char *name, int64_t now,
                              struct customer *out)
{
    struct customer c = {0};
    enum terr e = store_customer_find_email(tx, email, &c);
    if (e == TERR_NOT_FOUND) {
        c.email = xstrdup(email);
        c.name = xstrdup(name ? name : "");
        c.created_at = now;
        e = store_customer_insert(tx, &c);
        if (!e)
            e = store_customer_handle_add(tx, c.id, "email", email);
        if (!e) { /* what was just linked, without reading it back */
            c.handles = xcalloc(1, sizeof(*c.handles));
            c.handles[0].channel = xstrdup("email");
            c.handles[0].handle = xstrdup(email);
            c.n_handles = 1;
        }
    } else if (!e && name && *name && (!c.name || !*c.name)) {
        free(c.name);
        c.name = xstrdup(name);
        e = store_customer_update(tx, &c);
        if (!e) {
            json_t *after = json_pack("{s:o}", "name", json_text(name));
            char *text = json_dumps(after, JSON_COMPACT);
            json_decref(after);
            struct actor system = {.kind = ACTOR_SYSTEM};
            e = svc_audit(tx, &system, "customer.update", "customer", c.id, 0, "{\"name\":\"\"}",
                          text, now);
            free(text);
        }
    }
    if (!e)
        *out = c;
    else
        customer_release(&c);
    return e;
}

/* Emits a webhook event about t: its audited view `after` (and `before`,
 * for an update, with the names of the fields that changed). */
enum terr svc_ticket_emit(struct store_tx *tx, const char *type, const struct ticket *t,
                          const char *before, const char *after, int64_t now)
{
    json_t *a = json_loads(after, 0, NULL);
    json_t *data = json_pack("{s:I, s:I, s:s}", "ticket_id", (json_int_t)t->id, "customer_id",
                             (json_int_t)t->customer_id, "channel", channel_name(t->channel));
    if (!a || !data)
        BUG("cannot encode ticket %lld for a webhook", (long long)t->id);
    if (before) {
        json_t *b = json_loads(before, 0, NULL);
        json_t *changes = json_array();
        const char *k;
        json_t *v;
        json_object_foreach(a, k, v)
        {
            if (!json_equal(v, json_object_get(b, k)))
                json_array_append_new(changes, json_string(k));
        }
        json_object_set_new(data, "changes", changes);
        json_object_set_new(data, "before", b ? b : json_null());
    }
    json_object_set_new(data, before ? "after" : "ticket", a);
    enum terr e = svc_webhook_emit(tx, type, data, t->id, now);
    json_decref(data);
    return e;
}

/* Whether an update changed what integrators follow: status, priority, assignee. */
static bool followed_change(const struct ticket *before, const struct ticket *after)
{
    return before->status != after->status || before->priority != after->priority ||
           before->assignee_id != after->assignee_id;
}

enum terr svc_ticket_open(struct store_tx *tx, const struct actor *who,
                          const struct ticket_open *in, struct ticket_opened *out,
                          struct terr_info *ei)
{
    int64_t now = in->created_at ? in->created_at : time_now_ms();
    if (!email_plausible(in->customer_email))
        return terr_set(ei, TERR_INVALID, "customer.email", "'%s' is not an email address",
                        in->customer_email);
    if (text_blank(in->subject))
        return terr_set(ei, TERR_INVALID, "subject", "the subject is empty");
    if (text_blank(in->body))
        return terr_set(ei, TERR_INVALID, "message.body", "the message is empty");

    struct ticket t = {
        .subject = xstrdup(in->subject),
        .status = STATUS_NEW,
        .priority = in->priority,
        .channel = in->channel,
        .created_at = now,
        .updated_at = now,
        .level = LEVEL_CALM,
        .category = xstrdup(in->category),
    };
    char *analysis = NULL;
    struct msg_analysis own;
    const struct msg_analysis *a = in->analysis_json ? in->analysis : NULL;
    if (!in->analysis_json) {
        enum terr ae = svc_conflict_analyze(in->body, "message.body", &own, &analysis, ei);
        if (ae) {
            ticket_release(&t);
            return ae;
        }
        a = analysis ? &own : NULL;
    }
    /* The thread is this one message: its risk needs no read. */
    svc_conflict_opening(&t, a, now);
    struct customer c = {0};
    struct message m = {0};
    enum terr e = customer_for(tx, in->customer_email, in->customer_name, now, &c);
    t.customer_id = c.id;
    if (!e)
        e = store_ticket_insert(tx, &t);
    if (!e) {
        m = (struct message){
            .ticket_id = t.id,
            .author_kind = AUTHOR_CUSTOMER,
            .author_id = t.customer_id,
            .body = xstrdup(in->body),
            .channel = in->channel,
            .created_at = now,
            .analysis_json = analysis ? analysis : xstrdup(in->analysis_json),
        };
        analysis = NULL;
        e = store_message_insert(tx, &m);
    }
    if (!e) {
        char *after = svc_ticket_audit_json(&t);
        e = svc_audit(tx, who, "ticket.create", "ticket", t.id, t.id, NULL, after, now);
        if (!e)
            e = svc_ticket_emit(tx, "ticket.created", &t, NULL, after, now);
        free(after);
    }
    if (!e && t.level != LEVEL_CALM)
        e = svc_conflict_audit_level(tx, &t, LEVEL_CALM, 0, now);
    if (!e)
        e = svc_workflow_after(tx, who, &t, WORKFLOW_OPENED, now, NULL, ei);
    free(analysis);
    if (e) {
        ticket_release(&t);
        customer_release(&c);
        message_release(&m);
        return terr_set(ei, e, NULL, NULL);
    }
    *out = (struct ticket_opened){.ticket = t, .customer = c, .message = m};
    return TERR_OK;
}

static bool same_tags(const struct strlist *a, const struct strlist *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return false;
    return true;
}

/* Applies p to t; the ticket in memory only. */
static enum terr apply_patch(struct store_tx *tx, const struct actor *who, struct ticket *t,
                             const struct ticket_patch *p, int64_t now, struct terr_info *ei)
{
    enum terr e;
    if (p->has_status && (e = ticket_set_status(t, p->status, now, ei)))
        return e;
    if (p->has_priority)
        t->priority = p->priority;
    if (p->has_assignee && p->assignee_id != t->assignee_id) {
        /* Who may move it to whom (assign.h): an unknown agent is refused there too. */
        if ((e = svc_routing_check_assign(tx, who, t, p->assignee_id, ei)))
            return e;
        t->assignee_id = p->assignee_id;
    }
    if (p->has_tags && !same_tags(&t->tags, &p->tags)) {
        strlist_release(&t->tags);
        for (size_t i = 0; i < p->tags.n; i++)
            if (!strlist_contains(&t->tags, p->tags.v[i]))
                strlist_push(&t->tags, p->tags.v[i]);
    }
    if (p->has_category) {
        free(t->category);
        t->category = xstrdup(p->category);
        /* An agent's choice stays; clearing hands the field back to the analysis. */
        t->category_by_agent = p->category != NULL;
    }
    if (p->has_conflict)
        t->marked_conflict = p->conflict;
    return TERR_OK;
}

enum terr svc_ticket_update(struct store_tx *tx, const struct actor *who, int64_t id,
                            const struct ticket_patch *p, struct terr_info *ei)
{
    int64_t now = p->at ? p->at : time_now_ms();
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, id, &t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)id);
    char *before = svc_ticket_audit_json(&t);
    bool was_closed = t.status == STATUS_CLOSED;
    struct ticket old = {.status = t.status, .priority = t.priority, .assignee_id = t.assignee_id};
    bool was_resolved = t.status == STATUS_RESOLVED;
    e = apply_patch(tx, who, &t, p, now, ei);
    /* A conflict ticket's resolution asks for a lesson (steps.h). */
    if (!e)
        e = svc_steps_on_update(tx, who, old.status, &t, p->lesson, now, ei);
    char *after = e ? NULL : svc_ticket_audit_json(&t);
    if (!e && was_closed && strcmp(before, after) != 0)
        e = terr_set(ei, TERR_CONFLICT, NULL, "ticket %lld is closed", (long long)id);
    if (!e && strcmp(before, after) != 0) {
        t.updated_at = now;
        e = store_ticket_update(tx, &t);
        if (!e)
            e = svc_audit(tx, who, "ticket.update", "ticket", id, id, before, after, now);
        if (!e && followed_change(&old, &t))
            e = svc_ticket_emit(tx, "ticket.updated", &t, before, after, now);
        /* Resolution sends the survey and schedules the follow-up (surveys.h). */
        if (!e && !was_resolved && t.status == STATUS_RESOLVED)
            e = svc_survey_on_resolve(tx, who, &t, now, NULL, ei);
        if (!e)
            e = svc_workflow_after(tx, who, &t, WORKFLOW_UPDATED, now, NULL, ei);
        if (e)
            terr_set(ei, e, NULL, NULL);
    }
    free(before);
    free(after);
    ticket_release(&t);
    return e;
}

enum terr svc_message_add(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                          const struct message_new *in, struct message *out, struct terr_info *ei)
{
    int64_t now = in->created_at ? in->created_at : time_now_ms();
    if (text_blank(in->body))
        return terr_set(ei, TERR_INVALID, "body", "the message is empty");
    if (in->author == AUTHOR_AGENT && who->kind != ACTOR_AGENT)
        return terr_set(ei, TERR_INVALID, "author", "only an agent can write as an agent");
    if (in->author == AUTHOR_SYSTEM)
        return terr_set(ei, TERR_INVALID, "author", "'system' messages are written by truce");

    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    /* A customer message that reopens the ticket is audited as the status
     * change it is (ticket.update, like a low survey answer's reopening), so
     * the trail and the reopen rate see it.  `after` is taken before the
     * reassessment below: the event records the status change alone. */
    char *before = in->author == AUTHOR_CUSTOMER ? svc_ticket_audit_json(&t) : NULL;
    char *reopened = NULL;
    enum ticket_status was = t.status;
    e = ticket_note_message(&t, in->author, in->internal, now, ei);
    if (!e && in->author == AUTHOR_CUSTOMER && t.status != was)
        reopened = svc_ticket_audit_json(&t);
    char *analysis = NULL;
    if (!e && in->author == AUTHOR_CUSTOMER && !in->analysis_json) {
        struct msg_analysis a;
        e = svc_conflict_analyze(in->body, "body", &a, &analysis, ei);
    }
    if (!e) {
        struct message m = {
            .ticket_id = ticket_id,
            .author_kind = in->author,
            .author_id = in->author == AUTHOR_CUSTOMER ? t.customer_id : who->id,
            .body = xstrdup(in->body),
            .internal = in->internal,
            .channel = t.channel,
            .created_at = now,
        };
        if (in->author == AUTHOR_CUSTOMER)
            m.analysis_json = analysis ? analysis : xstrdup(in->analysis_json);
        else if (!in->internal)
            m.coach_json = xstrdup(in->coach_json);
        analysis = NULL;
        e = store_message_insert(tx, &m);
        /* An internal note changes nothing the customer sees: no new risk. */
        if (!e && !m.internal)
            e = svc_conflict_reassess(tx, &t, now, NULL);
        if (!e)
            e = store_ticket_update(tx, &t);
        if (!e)
            e = svc_workflow_after(tx, who, &t,
                                   in->author == AUTHOR_CUSTOMER ? WORKFLOW_CUSTOMER_MESSAGE
                                                                 : WORKFLOW_AGENT_REPLY,
                                   now, NULL, ei);
        if (!e) {
            char after[160];
            snprintf(after, sizeof(after),
                     "{\"message_id\":%lld,\"author\":\"%s\",\"internal\":%s}", (long long)m.id,
                     author_name(m.author_kind), m.internal ? "true" : "false");
            e = svc_audit(tx, who, "message.create", "message", m.id, ticket_id, NULL, after, now);
        }
        if (!e && reopened)
            e = svc_audit(tx, who, "ticket.update", "ticket", ticket_id, ticket_id, before,
                          reopened, now);
        if (!e && reopened)
            e = svc_ticket_emit(tx, "ticket.updated", &t, before, reopened, now);
        /* "@priya" in a note tells Priya (notify.h). */
        if (!e && m.internal && m.author_kind == AUTHOR_AGENT && who->kind == ACTOR_AGENT)
            e = svc_notify_mentions(tx, who, &t, m.body, now);
        if (!e) {
            char at[TIME_ISO_LEN];
            json_t *data = json_pack(
                "{s:I, s:I, s:s, s:b, s:o, s:s}", "ticket_id", (json_int_t)ticket_id, "message_id",
                (json_int_t)m.id, "author", author_name(m.author_kind), "internal", m.internal,
                "body", json_text(m.body), "created_at", time_format_iso(now, at));
            if (!data)
                BUG("cannot encode message %lld for a webhook", (long long)m.id);
            e = svc_webhook_emit(tx, "message.created", data, ticket_id, now);
            json_decref(data);
        }
        if (!e)
            *out = m;
        else {
            terr_set(ei, e, NULL, NULL);
            message_release(&m);
        }
    }
    free(analysis);
    free(before);
    free(reopened);
    ticket_release(&t);
    return e;
}
