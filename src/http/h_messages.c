/* /api/v1/tickets/{id}/messages: the thread of a ticket, and adding to it. */
#include <stdlib.h>

#include "../domain/ticket_rules.h"
#include "../service/coach.h"
#include "../service/conflict.h"
#include "../service/tickets.h"
#include "../util/alloc.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"

struct create_job {
    struct message_new in; /* the body is borrowed from req->json */
    char *analysis_json;   /* a customer message's, made before the write */
    char *coach_json;      /* an agent reply's review, made before the write */
    struct message out;
};

static void create_job_free(void *arg)
{
    struct create_job *j = arg;
    message_release(&j->out);
    free(j->analysis_json);
    free(j->coach_json);
    free(j);
}

static void render_created(struct request *req)
{
    reply_json(req, 201, render_message(&((struct create_job *)req->warg)->out));
}

static enum terr create_tx(struct store_tx *tx, struct request *req)
{
    struct create_job *j = req->warg;
    enum terr e = svc_message_add(tx, &req->actor, req->params[0], &j->in, &j->out, &req->err);
    if (!e)
        reply_later(req, render_created);
    return e;
}

void h_messages_create(struct request *req)
{
    enum terr e = json_check(req->json, body_message_create, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct message_new in = {.author = AUTHOR_AGENT};
    const char *author = json_str(req->json, "author", NULL);
    if (author && (!author_parse(author, &in.author) || in.author == AUTHOR_SYSTEM)) {
        reply_error(req, TERR_INVALID, "author", "'author' must be 'customer' or 'agent'");
        return;
    }
    in.body = json_str(req->json, "body", "");
    in.internal = json_bool(req->json, "internal", false);
    struct create_job *job = xcalloc(1, sizeof(*job));
    job->in = in;
    /* Analysed here so the single writer thread only writes. */
    if (in.author == AUTHOR_CUSTOMER && !text_blank(in.body)) {
        struct msg_analysis a;
        enum terr ae = svc_conflict_analyze(in.body, "body", &a, &job->analysis_json, &req->err);
        if (ae) {
            free(job);
            reply_err_info(req, ae);
            return;
        }
        job->in.analysis_json = job->analysis_json;
    }
    /* An agent's reply to the customer is reviewed against the thread as
     * stored now, and the review kept with it; a note stays private. */
    if (in.author == AUTHOR_AGENT && !in.internal && !text_blank(in.body)) {
        job->coach_json = svc_coach_reply(req_store(req), req->params[0], in.body);
        job->in.coach_json = job->coach_json;
    }
    http_write(req, create_tx, job, create_job_free);
}

struct thread {
    int64_t id;
    int64_t after_id;
    size_t limit;
    json_t *items;
    json_t *next;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct thread *t = arg;
    struct ticket tk;
    enum terr e = store_ticket_get(tx, t->id, &tk);
    if (e)
        return e;
    ticket_release(&tk);
    struct message *v;
    size_t n;
    /* One more than shown tells whether another page follows. */
    if ((e = store_message_page(tx, t->id, true, t->after_id, t->limit + 1, &v, &n)))
        return e;
    size_t shown = n > t->limit ? t->limit : n;
    t->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(t->items, render_message(&v[i]));
    t->next = page_next_id(n > shown, shown ? v[shown - 1].id : 0);
    messages_free(v, n);
    return TERR_OK;
}

void h_messages_list(struct request *req)
{
    struct thread t = {.id = req->params[0]};
    if (!query_limit(req, THREAD_PAGE_DEFAULT, THREAD_PAGE_MAX, &t.limit) ||
        !query_id_cursor(req, &t.after_id))
        return;
    enum terr e = store_read(req_store(req), list_tx, &t);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "ticket %lld not found", (long long)t.id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o, s:o}", "items", t.items, "next_cursor", t.next));
}
