/* Problems and the tickets linked to them (problems.h). */
#include "problems.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"

enum terr svc_problem_check(const struct problem_new *in, struct terr_info *ei)
{
    enum terr e =
        text_check(in->title, "title", PROBLEM_TITLE_MAX, TEXT_REQUIRED | TEXT_NOT_BLANK, ei);
    if (!e)
        e = text_check(in->description, "description", PROBLEM_DESCRIPTION_MAX, 0, ei);
    if (!e)
        e = text_check(in->category, "category", LIMIT_CATEGORY, 0, ei);
    return e;
}

static char *problem_audit_json(const struct problem *p)
{
    json_t *o = json_pack("{s:o, s:o, s:o, s:s}", "title", json_text(p->title), "description",
                          json_text(p->description ? p->description : ""), "category",
                          p->category ? json_text(p->category) : json_null(), "status",
                          problem_status_name(p->status));
    if (!o)
        BUG("cannot encode problem %lld for the audit trail", (long long)p->id);
    return json_dump_record(o, "a problem for the audit trail");
}

static char *link_json(int64_t problem_id)
{
    char buf[64];
    if (problem_id)
        snprintf(buf, sizeof(buf), "{\"problem_id\":%lld}", (long long)problem_id);
    else
        snprintf(buf, sizeof(buf), "{\"problem_id\":null}");
    return xstrdup(buf);
}

/* Points t (read by the caller) at problem_id (0: none), stores and audits it. */
static enum terr set_link(struct store_tx *tx, const struct actor *who, struct ticket *t,
                          int64_t problem_id, int64_t now)
{
    int64_t old = t->problem_id;
    t->problem_id = problem_id;
    t->problem_linked_at = problem_id ? now : 0;
    t->updated_at = now;
    enum terr e = store_ticket_update(tx, t);
    if (!e) {
        char *b = link_json(old), *a = link_json(problem_id);
        e = svc_audit(tx, who, problem_id ? "ticket.problem_linked" : "ticket.problem_unlinked",
                      "ticket", t->id, t->id, b, a, now);
        free(b);
        free(a);
    }
    return e;
}

enum terr svc_problem_open(struct store_tx *tx, const struct actor *who,
                           const struct problem_new *in, struct problem *out, struct terr_info *ei)
{
    int64_t now = time_now_ms();
    enum terr e = svc_problem_check(in, ei);
    if (e)
        return e;
    struct ticket t = {0};
    if (in->from_ticket_id) {
        e = store_ticket_get(tx, in->from_ticket_id, &t);
        if (e == TERR_NOT_FOUND)
            return terr_set(ei, TERR_INVALID, "ticket_id", "no ticket has id %lld",
                            (long long)in->from_ticket_id);
        if (e)
            return terr_set(ei, e, NULL, NULL);
    }
    struct problem p = {
        .title = xstrdup(in->title),
        .description = xstrdup(in->description ? in->description : ""),
        .category = in->category && !text_blank(in->category) ? xstrdup(in->category) : NULL,
        .status = PROBLEM_OPEN,
        .opened_from_ticket = in->from_ticket_id,
        .created_by = who->kind == ACTOR_AGENT ? who->id : 0,
        .created_at = now,
        .updated_at = now,
    };
    e = store_problem_insert(tx, &p);
    if (!e) {
        char *after = problem_audit_json(&p);
        e = svc_audit(tx, who, "problem.create", "problem", p.id, in->from_ticket_id, NULL, after,
                      now);
        free(after);
    }
    if (!e && in->from_ticket_id) {
        e = set_link(tx, who, &t, p.id, now);
        p.n_tickets = 1;
    }
    ticket_release(&t);
    if (e) {
        problem_release(&p);
        return terr_set(ei, e, NULL, NULL);
    }
    if (out)
        *out = p;
    else
        problem_release(&p);
    return TERR_OK;
}

enum terr svc_problem_update(struct store_tx *tx, const struct actor *who, int64_t id,
                             const struct problem_patch *pp, struct terr_info *ei)
{
    struct problem_new check = {
        .title = pp->has_title ? pp->title : "-",
        .description = pp->has_description ? pp->description : NULL,
        .category = pp->has_category ? pp->category : NULL,
    };
    enum terr e = svc_problem_check(&check, ei);
    if (e)
        return e;
    struct problem p = {0};
    e = store_problem_get(tx, id, &p);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "problem %lld not found" : NULL,
                        (long long)id);
    int64_t now = time_now_ms();
    char *before = problem_audit_json(&p);
    if (pp->has_title) {
        free(p.title);
        p.title = xstrdup(pp->title);
    }
    if (pp->has_description) {
        free(p.description);
        p.description = xstrdup(pp->description ? pp->description : "");
    }
    if (pp->has_category) {
        free(p.category);
        p.category = pp->category && !text_blank(pp->category) ? xstrdup(pp->category) : NULL;
    }
    if (pp->has_status)
        p.status = pp->status;
    char *after = problem_audit_json(&p);
    if (strcmp(before, after) != 0) {
        p.updated_at = now;
        e = store_problem_update(tx, &p);
        if (!e)
            e = svc_audit(tx, who, "problem.update", "problem", id, 0, before, after, now);
        if (e)
            terr_set(ei, e, NULL, NULL);
    }
    free(before);
    free(after);
    problem_release(&p);
    return e;
}

enum terr svc_problem_link(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                           int64_t problem_id, struct terr_info *ei)
{
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    struct problem p = {0};
    e = problem_id > 0 ? store_problem_get(tx, problem_id, &p) : TERR_NOT_FOUND;
    problem_release(&p);
    if (e == TERR_NOT_FOUND)
        e = terr_set(ei, TERR_INVALID, "problem_id", "no problem has id %lld",
                     (long long)problem_id);
    else if (e)
        terr_set(ei, e, NULL, NULL);
    if (!e && t.problem_id != problem_id && (e = set_link(tx, who, &t, problem_id, time_now_ms())))
        terr_set(ei, e, NULL, NULL);
    ticket_release(&t);
    return e;
}

enum terr svc_problem_unlink(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                             struct terr_info *ei)
{
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    if (t.problem_id && (e = set_link(tx, who, &t, 0, time_now_ms())))
        terr_set(ei, e, NULL, NULL);
    ticket_release(&t);
    return e;
}
