/* /api/v1/problems and /api/v1/tickets/{id}/problem: problems and the tickets linked to them. */
#include <stdlib.h>
#include <string.h>

#include "../service/problems.h"
#include "../service/steps.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"

#define PROBLEM_PAGE_DEFAULT 25
#define PROBLEM_PAGE_MAX     100
/* Most tickets GET /api/v1/problems/{id} lists (n_tickets counts them all). */
#define PROBLEM_TICKETS_MAX 500

static json_t *render_problem(const struct problem *p)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:I}", "id", (json_int_t)p->id,
                  "title", p->title, "description", p->description ? p->description : "",
                  "category", p->category ? json_string(p->category) : json_null(), "status",
                  problem_status_name(p->status), "opened_from_ticket",
                  p->opened_from_ticket ? json_integer(p->opened_from_ticket) : json_null(),
                  "created_by", p->created_by ? json_integer(p->created_by) : json_null(),
                  "created_at", render_time(p->created_at), "updated_at",
                  render_time(p->updated_at), "n_tickets", (json_int_t)p->n_tickets);
    if (!o)
        BUG("cannot render problem %lld", (long long)p->id);
    return o;
}

/* ---- create ---- */

struct open_job {
    struct problem_new in; /* borrowed from req->json */
    struct problem out;
};

static void open_job_free(void *arg)
{
    struct open_job *j = arg;
    problem_release(&j->out);
    free(j);
}

static void render_opened(struct request *req)
{
    reply_json(req, 201, render_problem(&((struct open_job *)req->warg)->out));
}

static enum terr open_tx(struct store_tx *tx, struct request *req)
{
    struct open_job *j = req->warg;
    enum terr e = svc_problem_open(tx, &req->actor, &j->in, &j->out, &req->err);
    if (!e)
        reply_later(req, render_opened);
    return e;
}

void h_problems_create(struct request *req)
{
    enum terr e = json_check(req->json, body_problem_create, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct open_job *j = xcalloc(1, sizeof(*j));
    j->in = (struct problem_new){
        .title = json_str(req->json, "title", NULL),
        .description = json_str(req->json, "description", NULL),
        .category = json_str(req->json, "category", NULL),
        .from_ticket_id = json_int(req->json, "ticket_id", 0),
    };
    if ((e = svc_problem_check(&j->in, &req->err))) {
        free(j);
        reply_err_info(req, e);
        return;
    }
    http_write(req, open_tx, j, open_job_free);
}

/* ---- list ---- */

struct problems_page {
    bool has_status;
    enum problem_status status;
    int64_t after_id;
    size_t limit;
    json_t *items;
    json_t *next;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct problems_page *p = arg;
    struct problem *v;
    size_t n;
    enum terr e =
        store_problem_list(tx, p->has_status, p->status, p->after_id, p->limit + 1, &v, &n);
    if (e)
        return e;
    size_t shown = n > p->limit ? p->limit : n;
    p->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(p->items, render_problem(&v[i]));
    p->next = page_next_id(n > shown, shown ? v[shown - 1].id : 0);
    problems_free(v, n);
    return TERR_OK;
}

void h_problems_list(struct request *req)
{
    struct problems_page p = {0};
    if (!query_limit(req, PROBLEM_PAGE_DEFAULT, PROBLEM_PAGE_MAX, &p.limit) ||
        !query_id_cursor(req, &p.after_id))
        return;
    const char *v = req_query(req, "status");
    if (v) {
        if (!problem_status_parse(v, &p.status)) {
            reply_error(req, TERR_INVALID, "status", "'status' must be open or resolved");
            return;
        }
        p.has_status = true;
    }
    enum terr e = store_read(req_store(req), list_tx, &p);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o, s:o}", "items", p.items, "next_cursor", p.next));
}

/* ---- read ---- */

struct one_problem {
    int64_t id;
    json_t *body;
};

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct one_problem *o = arg;
    struct problem p;
    enum terr e = store_problem_get(tx, o->id, &p);
    if (e)
        return e;
    int64_t *ids = NULL;
    size_t n = 0;
    e = store_problem_tickets(tx, o->id, 0, PROBLEM_TICKETS_MAX, &ids, &n);
    json_t *tickets = json_array();
    for (size_t i = 0; !e && i < n; i++) {
        struct ticket t;
        if ((e = store_ticket_get(tx, ids[i], &t)))
            break;
        json_t *x = json_pack("{s:I, s:o, s:s, s:s, s:s, s:o}", "id", (json_int_t)t.id, "subject",
                              json_text(t.subject), "status", status_name(t.status), "level",
                              level_name(t.level), "peak_level", level_name(t.peak_level),
                              "linked_at", render_time(t.problem_linked_at));
        ticket_release(&t);
        if (!x)
            BUG("cannot render ticket %lld of problem %lld", (long long)ids[i], (long long)o->id);
        json_array_append_new(tickets, x);
    }
    free(ids);
    if (!e) {
        o->body = render_problem(&p);
        json_object_set_new(o->body, "tickets", tickets);
    } else {
        json_decref(tickets);
    }
    problem_release(&p);
    return e;
}

static void reply_problem(struct request *req, int64_t id)
{
    struct one_problem o = {.id = id};
    enum terr e = store_read(req_store(req), get_tx, &o);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "problem %lld not found", (long long)id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, o.body);
}

void h_problem_get(struct request *req)
{
    reply_problem(req, req->params[0]);
}

/* ---- patch ---- */

static void render_patched(struct request *req)
{
    reply_problem(req, req->params[0]);
}

static enum terr patch_tx(struct store_tx *tx, struct request *req)
{
    enum terr e = svc_problem_update(tx, &req->actor, req->params[0], req->warg, &req->err);
    if (!e)
        reply_later(req, render_patched);
    return e;
}

void h_problem_patch(struct request *req)
{
    enum terr e = json_check(req->json, body_problem_patch, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    const json_t *j = req->json;
    struct problem_patch *p = xcalloc(1, sizeof(*p));
    p->has_title = json_has(j, "title");
    p->title = json_str(j, "title", NULL);
    p->has_description = json_has(j, "description");
    p->description = json_str(j, "description", NULL);
    p->has_category = json_has(j, "category");
    p->category = json_str(j, "category", NULL);
    p->has_status = json_has(j, "status");
    if (p->has_status && !problem_status_parse(json_str(j, "status", ""), &p->status)) {
        free(p);
        reply_error(req, TERR_INVALID, "status", "'status' must be open or resolved");
        return;
    }
    http_write(req, patch_tx, p, free);
}

/* ---- a ticket's link ---- */

struct link_job {
    int64_t problem_id; /* 0: unlink */
    struct steps_report report;
};

static void render_link(struct request *req)
{
    struct link_job *j = req->warg;
    reply_json(req, 200,
               json_pack("{s:I, s:o, s:o}", "ticket_id", (json_int_t)req->params[0], "problem_id",
                         j->problem_id ? json_integer(j->problem_id) : json_null(), "steps",
                         render_steps(&j->report)));
}

static enum terr link_tx(struct store_tx *tx, struct request *req)
{
    struct link_job *j = req->warg;
    int64_t id = req->params[0];
    enum terr e = j->problem_id ? svc_problem_link(tx, &req->actor, id, j->problem_id, &req->err)
                                : svc_problem_unlink(tx, &req->actor, id, &req->err);
    if (!e)
        e = svc_steps_report_id(tx, id, &j->report, &req->err);
    if (!e)
        reply_later(req, render_link);
    return e;
}

void h_ticket_problem_link(struct request *req)
{
    enum terr e = json_check(req->json, body_problem_link, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct link_job *j = xcalloc(1, sizeof(*j));
    j->problem_id = json_int(req->json, "problem_id", 0);
    http_write(req, link_tx, j, free);
}

void h_ticket_problem_unlink(struct request *req)
{
    http_write(req, link_tx, xcalloc(1, sizeof(struct link_job)), free);
}
