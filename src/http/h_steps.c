/* /api/v1/tickets/{id}/steps and lessons: the six steps, agents' marks, and lessons. */
#include <stdlib.h>
#include <string.h>

#include "../service/steps.h"
#include "../util/alloc.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *render_steps(const struct steps_report *r)
{
    json_t *list = json_array();
    for (size_t i = 0; i < N_STEPS; i++) {
        const struct step_status *s = &r->steps[i];
        json_t *o =
            json_pack("{s:s, s:b, s:s, s:o, s:o, s:o, s:o}", "step", step_name(s->step), "done",
                      s->done, "source", step_source_name(s->source), "at", render_time(s->at),
                      "agent_id", s->agent_id ? json_integer(s->agent_id) : json_null(), "evidence",
                      s->done ? text_or_null(s->evidence) : json_null(), "missing",
                      s->done ? json_null() : text_or_null(s->missing));
        if (!o)
            BUG("cannot render step %s", step_name(s->step));
        json_array_append_new(list, o);
    }
    json_t *o = json_pack("{s:b, s:o, s:I, s:o}", "applies", r->applies, "next",
                          r->next < N_STEPS ? json_string(step_name(r->next)) : json_null(), "done",
                          (json_int_t)r->n_done, "steps", list);
    if (!o)
        BUG("cannot render the steps");
    return o;
}

enum terr render_ticket_steps(struct store_tx *tx, int64_t ticket_id, json_t *ticket)
{
    struct steps_report *r = xmalloc(sizeof(*r));
    enum terr e = svc_steps_report_id(tx, ticket_id, r, NULL);
    if (!e)
        json_object_set_new(ticket, "steps", render_steps(r));
    free(r);
    return e;
}

/* ---- GET steps ---- */

struct steps_read {
    int64_t id;
    struct steps_report report;
    struct terr_info ei;
};

static enum terr steps_tx(struct store_tx *tx, void *arg)
{
    struct steps_read *s = arg;
    return svc_steps_report_id(tx, s->id, &s->report, &s->ei);
}

void h_ticket_steps_get(struct request *req)
{
    struct steps_read *s = xcalloc(1, sizeof(*s));
    s->id = req->params[0];
    enum terr e = store_read(req_store(req), steps_tx, s);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "ticket %lld not found", (long long)s->id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, render_steps(&s->report));
    free(s);
}

/* ---- POST steps: tick or untick ---- */

struct mark_job {
    const char *step; /* borrowed from req->json */
    bool done;
    const char *reason;
    struct steps_report report;
};

static void render_marked(struct request *req)
{
    reply_json(req, 200, render_steps(&((struct mark_job *)req->warg)->report));
}

static enum terr mark_tx(struct store_tx *tx, struct request *req)
{
    struct mark_job *j = req->warg;
    enum terr e = svc_step_mark(tx, &req->actor, req->params[0], j->step, j->done, j->reason,
                                &j->report, &req->err);
    if (!e)
        reply_later(req, render_marked);
    return e;
}

void h_ticket_steps_mark(struct request *req)
{
    enum terr e = json_check(req->json, body_step_mark, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct mark_job *j = xcalloc(1, sizeof(*j));
    j->step = json_str(req->json, "step", "");
    j->done = json_bool(req->json, "done", false);
    j->reason = json_str(req->json, "reason", "");
    /* Bad input is refused here, before the writer sees it. */
    struct step_mark m;
    struct step_audit a;
    if ((e = steps_mark(j->step, j->done, j->reason, req->agent.id, 0, NULL, &m, &a, &req->err))) {
        free(j);
        reply_err_info(req, e);
        return;
    }
    http_write(req, mark_tx, j, free);
}

/* ---- lessons ---- */

json_t *render_lesson(const struct lesson *l)
{
    json_t *o = json_pack("{s:I, s:I, s:o, s:s, s:s, s:s, s:o}", "id", (json_int_t)l->id,
                          "ticket_id", (json_int_t)l->ticket_id, "agent_id",
                          l->agent_id ? json_integer(l->agent_id) : json_null(), "cause", l->cause,
                          "what_went_wrong", l->what_went_wrong, "prevention", l->prevention,
                          "created_at", render_time(l->created_at));
    if (!o)
        BUG("cannot render lesson %lld", (long long)l->id);
    return o;
}

struct lesson_job {
    struct lesson_new in; /* borrowed from req->json */
    struct lesson out;
};

static void lesson_job_free(void *arg)
{
    struct lesson_job *j = arg;
    lesson_release(&j->out);
    free(j);
}

static void render_lesson_created(struct request *req)
{
    reply_json(req, 201, render_lesson(&((struct lesson_job *)req->warg)->out));
}

static enum terr lesson_tx(struct store_tx *tx, struct request *req)
{
    struct lesson_job *j = req->warg;
    enum terr e = svc_lesson_add(tx, &req->actor, req->params[0], &j->in, &j->out, &req->err);
    if (!e)
        reply_later(req, render_lesson_created);
    return e;
}

void h_ticket_lessons_create(struct request *req)
{
    enum terr e = json_check(req->json, body_lesson_create, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct lesson_job *j = xcalloc(1, sizeof(*j));
    j->in = (struct lesson_new){
        .cause = json_str(req->json, "cause", NULL),
        .what_went_wrong = json_str(req->json, "what_went_wrong", NULL),
        .prevention = json_str(req->json, "prevention", NULL),
    };
    if ((e = svc_lesson_check(&j->in, NULL, &req->err))) {
        free(j);
        reply_err_info(req, e);
        return;
    }
    http_write(req, lesson_tx, j, lesson_job_free);
}

struct lessons_page {
    int64_t ticket_id; /* 0: every ticket */
    bool ticket_must_exist;
    int64_t after_id;
    size_t limit;
    json_t *items;
    json_t *next;
};

static enum terr lessons_tx(struct store_tx *tx, void *arg)
{
    struct lessons_page *p = arg;
    enum terr e;
    if (p->ticket_must_exist) {
        struct ticket t;
        if ((e = store_ticket_get(tx, p->ticket_id, &t)))
            return e;
        ticket_release(&t);
    }
    struct lesson *v;
    size_t n;
    /* One more than shown tells whether another page follows. */
    if ((e = store_lesson_list(tx, p->ticket_id, p->after_id, p->limit + 1, &v, &n)))
        return e;
    size_t shown = n > p->limit ? p->limit : n;
    p->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(p->items, render_lesson(&v[i]));
    p->next = page_next_id(n > shown, shown ? v[shown - 1].id : 0);
    lessons_free(v, n);
    return TERR_OK;
}

static void reply_lessons(struct request *req, struct lessons_page *p)
{
    enum terr e = store_read(req_store(req), lessons_tx, p);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "ticket %lld not found", (long long)p->ticket_id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o, s:o}", "items", p->items, "next_cursor", p->next));
}

void h_ticket_lessons_list(struct request *req)
{
    struct lessons_page p = {.ticket_id = req->params[0], .ticket_must_exist = true};
    if (!query_limit(req, THREAD_PAGE_DEFAULT, THREAD_PAGE_MAX, &p.limit) ||
        !query_id_cursor(req, &p.after_id))
        return;
    reply_lessons(req, &p);
}

void h_lessons_list(struct request *req)
{
    struct lessons_page p = {0};
    if (!query_limit(req, THREAD_PAGE_DEFAULT, THREAD_PAGE_MAX, &p.limit) ||
        !query_id_cursor(req, &p.after_id))
        return;
    const char *v = req_query(req, "ticket");
    if (v) {
        char *end;
        long long id = strtoll(v, &end, 10);
        if (!*v || *end || id <= 0) {
            reply_error(req, TERR_INVALID, "ticket", "'ticket' must be a ticket id");
            return;
        }
        p.ticket_id = id;
        p.ticket_must_exist = true;
    }
    reply_lessons(req, &p);
}
