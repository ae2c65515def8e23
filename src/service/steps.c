/* The six steps and lessons: facts gathered from the store, marks and lessons recorded (steps.h).
 */
#include "steps.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/survey.h"
#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"

/* ---- facts ---- */

/* Everything svc_steps_report reads, owned until facts_release. */
struct gathered {
    struct step_facts f;
    struct step_reply *replies;
    struct step_item *updates;
    struct step_item *offers;
    struct step_item *lessons;
    struct step_mark *marks;
};

static void gathered_release(struct gathered *g)
{
    free(g->replies);
    free(g->updates);
    free(g->offers);
    free(g->lessons);
    free(g->marks);
}

/* The replies and the status updates among them, then the outbox notices. */
static enum terr gather_messages(struct store_tx *tx, const struct ticket *t, struct gathered *g)
{
    struct step_review *v = NULL;
    size_t n = 0;
    enum terr e = store_step_replies(tx, t->id, &v, &n);
    if (e)
        return e;
    struct outbox_msg *ob = NULL;
    size_t n_ob = 0;
    struct outbox_query q = {.ticket_id = t->id};
    if ((e = store_outbox_list(tx, &q, &ob, &n_ob))) {
        free(v);
        return e;
    }
    g->replies = xcalloc(n ? n : 1, sizeof(*g->replies));
    g->updates = xcalloc(n + n_ob ? n + n_ob : 1, sizeof(*g->updates));
    size_t n_up = 0;
    for (size_t i = 0; i < n; i++) {
        const struct step_reply *r = &v[i].reply;
        /* The first reply answers; a later one that says what happens next informs. */
        if (i > 0 && r->reviewed && !v[i].no_next_step)
            g->updates[n_up++] = (struct step_item){.id = r->message_id, .at = r->at};
        g->replies[i] = *r;
    }
    for (size_t i = 0; i < n_ob; i++)
        if (ob[i].kind == OUTBOX_NOTICE && ob[i].state != OUTBOX_STATE_FAILED)
            g->updates[n_up++] = (struct step_item){.id = ob[i].id, .at = ob[i].created_at};
    free(v);
    outbox_msgs_free(ob, n_ob);
    g->f.replies = g->replies;
    g->f.n_replies = n;
    g->f.updates = g->updates;
    g->f.n_updates = n_up;
    return TERR_OK;
}

static enum terr gather(struct store_tx *tx, const struct ticket *t, struct gathered *g)
{
    memset(g, 0, sizeof(*g));
    struct step_facts *f = &g->f;
    f->peak_level = t->level > t->peak_level ? t->level : t->peak_level;
    f->marked_conflict = t->marked_conflict;
    f->category = t->category;
    f->category_by_agent = t->category_by_agent;
    enum terr e = TERR_OK;
    if (t->category_by_agent && t->category) {
        e = store_step_category_at(tx, t->id, &f->category_at);
        if (!e && f->category_at == 0)
            f->category_at = t->updated_at; /* set by truce itself: no agent event */
    }
    if (!e)
        e = gather_messages(tx, t, g);
    if (!e)
        e = store_step_offers(tx, t->id, &g->offers, &f->n_offers);
    f->offers = g->offers;
    struct lesson *ls = NULL;
    size_t n_ls = 0;
    if (!e)
        e = store_lesson_list(tx, t->id, 0, 0, &ls, &n_ls);
    if (!e) {
        g->lessons = xcalloc(n_ls ? n_ls : 1, sizeof(*g->lessons));
        for (size_t i = 0; i < n_ls; i++)
            g->lessons[i] = (struct step_item){.id = ls[i].id, .at = ls[i].created_at};
        f->lessons = g->lessons;
        f->n_lessons = n_ls;
    }
    lessons_free(ls, n_ls);
    if (!e && t->problem_id) {
        struct problem p = {0};
        e = store_problem_get(tx, t->problem_id, &p);
        if (!e) {
            f->problem_id = t->problem_id;
            f->problem_at = t->problem_linked_at;
            f->problem_opened_here = p.opened_from_ticket == t->id;
        } else if (e == TERR_NOT_FOUND) {
            e = TERR_OK; /* a dangling link proves nothing */
        }
        problem_release(&p);
    }
    if (!e)
        e = store_step_mark_list(tx, t->id, &g->marks, &f->n_marks);
    f->marks = g->marks;
    if (e)
        gathered_release(g);
    return e;
}

enum terr svc_steps_report(struct store_tx *tx, const struct ticket *t, struct steps_report *out)
{
    struct gathered g;
    enum terr e = gather(tx, t, &g);
    if (e)
        return e;
    steps_evaluate(&g.f, out);
    gathered_release(&g);
    return TERR_OK;
}

enum terr svc_steps_report_id(struct store_tx *tx, int64_t ticket_id, struct steps_report *out,
                              struct terr_info *ei)
{
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    e = svc_steps_report(tx, &t, out);
    ticket_release(&t);
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}

/* ---- marks ---- */

/* {"step","done","source"[,"reason"]} of one step, for the audit trail; caller frees. */
static char *mark_json(enum step step, bool done, enum step_source source, const char *reason)
{
    json_t *o = json_pack("{s:s, s:b, s:s}", "step", step_name(step), "done", done, "source",
                          step_source_name(source));
    if (o && reason)
        json_object_set_new(o, "reason", json_text(reason));
    if (!o)
        BUG("cannot encode a step mark");
    return json_dump_record(o, "a step mark");
}

enum terr svc_step_mark(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                        const char *name, bool done, const char *reason, struct steps_report *out,
                        struct terr_info *ei)
{
    int64_t now = time_now_ms();
    if (who->kind != ACTOR_AGENT)
        return terr_set(ei, TERR_FORBIDDEN, NULL, "only an agent marks a step");
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    struct steps_report before;
    struct step_mark mark;
    struct step_audit audit;
    e = svc_steps_report(tx, &t, &before);
    if (e)
        terr_set(ei, e, NULL, NULL);
    else
        e = steps_mark(name, done, reason, who->id, now, &before, &mark, &audit, ei);
    if (!e && !before.applies)
        e = terr_set(ei, TERR_CONFLICT, NULL,
                     "the six steps do not apply to ticket %lld; mark it as a conflict first "
                     "(PATCH {\"conflict\": true})",
                     (long long)ticket_id);
    int64_t mark_id = 0;
    if (!e)
        e = store_step_mark_insert(tx, ticket_id, &mark, &mark_id);
    if (!e) {
        char *b = mark_json(audit.step, audit.before_done, audit.before_source, NULL);
        char *a = mark_json(audit.step, audit.after_done, STEP_SOURCE_HAND, audit.reason);
        e = svc_audit(tx, who, audit.action, "ticket", ticket_id, ticket_id, b, a, now);
        free(b);
        free(a);
    }
    if (!e && out)
        e = svc_steps_report(tx, &t, out);
    ticket_release(&t);
    if (e && ei && !ei->message[0])
        terr_set(ei, e, NULL, NULL);
    return e;
}

/* ---- lessons ---- */

/* A lesson's text field, named under prefix ("lesson.cause") when there is one. */
static enum terr check_text(const char *s, const char *prefix, const char *name,
                            struct terr_info *ei)
{
    char field[64];
    snprintf(field, sizeof(field), "%s%s%s", prefix ? prefix : "", prefix ? "." : "", name);
    return text_check(s, field, LESSON_TEXT_MAX, TEXT_REQUIRED | TEXT_NOT_BLANK, ei);
}

enum terr svc_lesson_check(const struct lesson_new *in, const char *prefix, struct terr_info *ei)
{
    enum terr e = check_text(in->cause, prefix, "cause", ei);
    if (!e)
        e = check_text(in->what_went_wrong, prefix, "what_went_wrong", ei);
    if (!e)
        e = check_text(in->prevention, prefix, "prevention", ei);
    return e;
}

static enum terr lesson_insert(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                               const struct lesson_new *in, int64_t now, struct lesson *out,
                               struct terr_info *ei)
{
    struct lesson l = {
        .ticket_id = ticket_id,
        .agent_id = who->kind == ACTOR_AGENT ? who->id : 0,
        .cause = xstrdup(in->cause),
        .what_went_wrong = xstrdup(in->what_went_wrong),
        .prevention = xstrdup(in->prevention),
        .created_at = now,
    };
    enum terr e = store_lesson_insert(tx, &l);
    if (!e) {
        json_t *o = json_pack("{s:I, s:o, s:o, s:o}", "lesson_id", (json_int_t)l.id, "cause",
                              json_text(l.cause), "what_went_wrong", json_text(l.what_went_wrong),
                              "prevention", json_text(l.prevention));
        if (!o)
            BUG("cannot encode lesson %lld", (long long)l.id);
        char *after = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(o);
        e = svc_audit(tx, who, "lesson.create", "lesson", l.id, ticket_id, NULL, after, now);
        free(after);
    }
    if (e) {
        lesson_release(&l);
        return terr_set(ei, e, NULL, NULL);
    }
    if (out)
        *out = l;
    else
        lesson_release(&l);
    return TERR_OK;
}

enum terr svc_lesson_add(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                         const struct lesson_new *in, struct lesson *out, struct terr_info *ei)
{
    enum terr e = svc_lesson_check(in, NULL, ei);
    if (e)
        return e;
    struct ticket t = {0};
    e = store_ticket_get(tx, ticket_id, &t);
    ticket_release(&t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    return lesson_insert(tx, who, ticket_id, in, time_now_ms(), out, ei);
}

static bool finished(enum ticket_status s)
{
    return s == STATUS_RESOLVED || s == STATUS_CLOSED;
}

enum terr svc_steps_on_update(struct store_tx *tx, const struct actor *who, enum ticket_status from,
                              const struct ticket *t, const struct lesson_new *lesson, int64_t now,
                              struct terr_info *ei)
{
    if (lesson) {
        enum terr e = svc_lesson_check(lesson, "lesson", ei);
        if (!e)
            e = lesson_insert(tx, who, t->id, lesson, now, NULL, ei);
        return e;
    }
    enum level peak = t->level > t->peak_level ? t->level : t->peak_level;
    if (who->kind != ACTOR_AGENT || finished(from) || !finished(t->status) ||
        !steps_apply(peak, t->marked_conflict))
        return TERR_OK;
    struct lesson *v = NULL;
    size_t n = 0;
    enum terr e = store_lesson_list(tx, t->id, 0, 1, &v, &n);
    lessons_free(v, n);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    if (n == 0)
        return terr_set(ei, TERR_INVALID, "lesson",
                        "ticket %lld is a conflict: resolving it needs a lesson; send \"lesson\": "
                        "{\"cause\", \"what_went_wrong\", \"prevention\"} with the status",
                        (long long)t->id);
    return TERR_OK;
}
