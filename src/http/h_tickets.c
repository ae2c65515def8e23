/* /api/v1/tickets: open, list (filters, keyset paging), read, patch, audit trail. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/conflict.h"
#include "../service/steps.h"
#include "../service/tickets.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"
#include "../util/encode.h"
#include "../util/utf8.h"
#include "cursor.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"
#include "server_int.h"

#define PAGE_DEFAULT 25
#define PAGE_MAX     100

/* Parses an optional vocabulary field; replies and returns false when wrong. */
#define PARSE_VOCAB_OR_REPLY(req, obj, name, parse, out, allowed)                                  \
    do {                                                                                           \
        const char *v_ = json_str(obj, name, NULL);                                                \
        if (v_ && !parse(v_, out)) {                                                               \
            reply_error(req, TERR_INVALID, name, "'%s' must be one of %s", name, allowed);         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* ---- create ---- */

struct create_job {
    struct ticket_open in;        /* strings borrowed from req->json */
    struct msg_analysis analysis; /* made here, on the worker, before the write */
    char *analysis_json;
    struct ticket_opened out;
    struct agent assignee; /* whom routing gave it to, read in the write; id 0: nobody */
};

static void create_job_free(void *arg)
{
    struct create_job *j = arg;
    ticket_opened_release(&j->out);
    agent_release(&j->assignee);
    free(j->analysis_json);
    free(j);
}

/* Shown from what was just written: nothing is read back. */
static void render_created(struct request *req)
{
    struct create_job *j = req->warg;
    struct ticket_opened *o = &j->out;
    reply_json(req, 201,
               render_ticket_from(&o->ticket, &o->customer, j->assignee.id ? &j->assignee : NULL,
                                  true, &o->message, 1));
}

static enum terr create_tx(struct store_tx *tx, struct request *req)
{
    struct create_job *j = req->warg;
    enum terr e = svc_ticket_open(tx, &req->actor, &j->in, &j->out, &req->err);
    if (!e && j->out.ticket.assignee_id)
        e = store_agent_get(tx, j->out.ticket.assignee_id, &j->assignee);
    if (!e)
        reply_later(req, render_created);
    return e;
}

void h_tickets_create(struct request *req)
{
    enum terr e = json_check(req->json, body_ticket_create, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    json_t *cust = json_object_get(req->json, "customer");
    json_t *msg = json_object_get(req->json, "message");
    struct create_job *job = xcalloc(1, sizeof(*job));
    struct ticket_open *in = &job->in;
    in->subject = json_str(req->json, "subject", "");
    in->customer_email = json_str(cust, "email", "");
    in->customer_name = json_str(cust, "name", NULL);
    in->body = json_str(msg, "body", "");
    in->channel = CHANNEL_API;
    in->priority = PRIORITY_NORMAL;
    const char *ch = json_str(req->json, "channel", NULL);
    const char *pr = json_str(req->json, "priority", NULL);
    if (ch && !channel_parse(ch, &in->channel)) {
        free(job);
        reply_error(req, TERR_INVALID, "channel",
                    "'channel' must be one of api, email, web, chat, phone");
        return;
    }
    if (pr && !priority_parse(pr, &in->priority)) {
        free(job);
        reply_error(req, TERR_INVALID, "priority",
                    "'priority' must be one of low, normal, high, urgent");
        return;
    }
    /* Analysed here so the single writer thread only writes. */
    if ((e = svc_conflict_analyze(in->body, "message.body", &job->analysis, &job->analysis_json,
                                  &req->err))) {
        free(job);
        reply_err_info(req, e);
        return;
    }
    in->analysis = &job->analysis;
    in->analysis_json = job->analysis_json;
    /* The strings borrow from req->json, which outlives the write. */
    http_write(req, create_tx, job, create_job_free);
}

/* ---- list ---- */

struct list_page {
    struct ticket_query q;
    json_t *items;
    char next[128];
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_page *p = arg;
    struct ticket *v;
    size_t n;
    struct ticket_query q = p->q;
    q.limit = p->q.limit + 1; /* one more tells whether another page exists */
    enum terr e = store_ticket_list(tx, &q, &v, &n);
    if (e)
        return e;
    p->items = json_array();
    size_t shown = n > p->q.limit ? p->q.limit : n;
    for (size_t i = 0; i < shown && !e; i++) {
        json_t *o;
        if ((e = render_ticket(tx, &v[i], false, &o)) == TERR_OK)
            json_array_append_new(p->items, o);
    }
    if (!e && n > p->q.limit) {
        const struct ticket *last = &v[shown - 1];
        cursor_encode(p->q.sort, store_ticket_sort_key(last, p->q.sort), last->id, p->next,
                      sizeof(p->next));
    }
    tickets_free(v, n);
    return e;
}

#define SEARCH_MAX 200 /* bytes of q */

void h_tickets_list(struct request *req)
{
    struct list_page p = {.q = {.sort = SORT_RISK, .limit = PAGE_DEFAULT}};
    if (!query_limit(req, PAGE_DEFAULT, PAGE_MAX, &p.q.limit))
        return;
    const char *v;
    if ((v = req_query(req, "status"))) {
        if (!status_parse(v, &p.q.status)) {
            reply_error(req, TERR_INVALID, "status",
                        "'status' must be one of new, open, pending, resolved, closed");
            return;
        }
        p.q.has_status = true;
    }
    if ((v = req_query(req, "level"))) {
        if (!level_parse(v, &p.q.level)) {
            reply_error(req, TERR_INVALID, "level",
                        "'level' must be one of calm, tense, heated, hostile");
            return;
        }
        p.q.has_level = true;
    }
    if ((v = req_query(req, "assignee"))) {
        char *end;
        long long id = strtoll(v, &end, 10);
        if (strcmp(v, "me") == 0)
            p.q.assignee_id = req->agent.id;
        else if (strcmp(v, "none") == 0)
            p.q.assignee_id = -1;
        else if (*v && *end == '\0' && id > 0)
            p.q.assignee_id = id;
        else {
            reply_error(req, TERR_INVALID, "assignee",
                        "'assignee' must be an agent id, 'me' or 'none'");
            return;
        }
    }
    if ((v = req_query(req, "customer"))) {
        char *end;
        long long id = strtoll(v, &end, 10);
        if (!*v || *end || id <= 0) {
            reply_error(req, TERR_INVALID, "customer", "'customer' must be a customer id");
            return;
        }
        p.q.customer_id = id;
    }
    if ((v = req_query(req, "channel"))) {
        if (!channel_parse(v, &p.q.channel)) {
            reply_error(req, TERR_INVALID, "channel",
                        "'channel' must be one of api, email, web, chat, phone");
            return;
        }
        p.q.has_channel = true;
    }
    if ((v = req_query(req, "q")) && *v) {
        if (strlen(v) > SEARCH_MAX || !utf8_valid(v, strlen(v))) {
            reply_error(req, TERR_INVALID, "q", "'q' must be UTF-8 text of at most %d bytes",
                        SEARCH_MAX);
            return;
        }
        p.q.search = v; /* borrowed from the connection, which outlives the read */
    }
    if ((v = req_query(req, "sort"))) {
        if (strcmp(v, "risk") == 0)
            p.q.sort = SORT_RISK;
        else if (strcmp(v, "updated") == 0)
            p.q.sort = SORT_UPDATED;
        else if (strcmp(v, "created") == 0)
            p.q.sort = SORT_CREATED;
        else if (strcmp(v, "due") == 0)
            p.q.sort = SORT_DUE;
        else {
            reply_error(req, TERR_INVALID, "sort",
                        "'sort' must be one of risk, updated, created, due");
            return;
        }
    }
    if ((v = req_query(req, "cursor"))) {
        if (!cursor_decode(v, p.q.sort, &p.q.after_key, &p.q.after_id)) {
            reply_error(req, TERR_INVALID, "cursor",
                        "'cursor' is not one this list gave (was 'sort' changed?)");
            return;
        }
        p.q.has_after = true;
    }
    enum terr e = store_read(req_store(req), list_tx, &p);
    if (e) {
        json_decref(p.items);
        reply_err_info(req, e);
        return;
    }
    reply_json(req, 200,
               json_pack("{s:o, s:o}", "items", p.items, "next_cursor",
                         p.next[0] ? json_string(p.next) : json_null()));
}

/* ---- read ---- */

struct one_ticket {
    int64_t id;
    json_t *body;
};

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct one_ticket *o = arg;
    enum terr e = render_ticket_by_id(tx, o->id, &o->body);
    /* The clocks (h_sla.c) and the six steps (h_steps.c), read in the same transaction. */
    if (!e)
        e = h_sla_attach(tx, o->id, o->body);
    if (!e)
        e = render_ticket_steps(tx, o->id, o->body);
    if (e) {
        json_decref(o->body);
        o->body = NULL;
    }
    return e;
}

void h_ticket_get(struct request *req)
{
    struct one_ticket o = {.id = req->params[0]};
    struct read_cache *rc = req->srv->read_cache;
    /* The generation is read before the snapshot: see read_cache.h.  The
     * reply also shows the SLA clocks as of now (elapsed, percent), so the
     * current second is part of the key: a cached reply is at most a second
     * behind even on a desk where nothing is written.  Generations stay far
     * below 2^40, so the two never mix. */
    uint64_t gen = store_generation(req_store(req)) ^ ((uint64_t)(time_now_ms() / 1000) << 40);
    size_t len;
    char *text = rc ? read_cache_get(rc, o.id, gen, &len) : NULL;
    if (text) {
        reply_raw(req, 200, text);
        return;
    }
    enum terr e = store_read(req_store(req), get_tx, &o);
    if (e == TERR_NOT_FOUND) {
        reply_error(req, e, NULL, "ticket %lld not found", (long long)o.id);
        return;
    }
    if (e) {
        reply_err_info(req, e);
        return;
    }
    text = render_dump(o.body);
    json_decref(o.body);
    if (!text)
        BUG("cannot encode ticket %lld", (long long)o.id);
    if (rc)
        read_cache_put(rc, o.id, gen, text, strlen(text));
    reply_raw(req, 200, text);
}

/* ---- patch ---- */

struct patch_arg {
    struct ticket_patch p;
    struct lesson_new lesson; /* strings borrowed from req->json */
};

static void patch_free(void *arg)
{
    struct patch_arg *a = arg;
    strlist_release(&a->p.tags);
    free(a);
}

/* The ticket as it stands once the patch is durable (PATCH is never replayed
 * by Idempotency-Key, so its reply may be read after the commit). */
static void render_patched(struct request *req)
{
    struct one_ticket o = {.id = req->params[0]};
    enum terr e = store_read(req_store(req), get_tx, &o);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, o.body);
}

static enum terr patch_tx(struct store_tx *tx, struct request *req)
{
    struct patch_arg *a = req->warg;
    enum terr e = svc_ticket_update(tx, &req->actor, req->params[0], &a->p, &req->err);
    if (!e)
        reply_later(req, render_patched);
    return e;
}

void h_ticket_patch(struct request *req)
{
    enum terr e = json_check(req->json, body_ticket_patch, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct patch_arg a = {{0}, {0}};
    const json_t *j = req->json;
    PARSE_VOCAB_OR_REPLY(req, j, "status", status_parse, &a.p.status,
                         "new, open, pending, resolved, closed");
    PARSE_VOCAB_OR_REPLY(req, j, "priority", priority_parse, &a.p.priority,
                         "low, normal, high, urgent");
    a.p.has_status = json_has(j, "status");
    a.p.has_priority = json_has(j, "priority");
    a.p.has_assignee = json_has(j, "assignee");
    a.p.assignee_id = json_int(j, "assignee", 0);
    a.p.has_category = json_has(j, "category");
    a.p.category = json_str(j, "category", NULL);
    if (a.p.category && text_blank(a.p.category))
        a.p.category = NULL; /* "" clears, like null */
    if (json_has(j, "tags")) {
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(j, "tags"), i, t)
        {
            if (!label_valid(json_string_value(t), LIMIT_TAG)) {
                strlist_release(&a.p.tags);
                reply_error(req, TERR_INVALID, "tags",
                            "tag '%s' must be letters, digits, '-', '_', ':' or '.'",
                            json_string_value(t));
                return;
            }
            strlist_push(&a.p.tags, json_string_value(t));
        }
        a.p.has_tags = true;
    }
    a.p.has_conflict = json_has(j, "conflict");
    a.p.conflict = json_bool(j, "conflict", false);
    const json_t *lesson = json_object_get(j, "lesson");
    a.lesson = (struct lesson_new){json_str(lesson, "cause", NULL),
                                   json_str(lesson, "what_went_wrong", NULL),
                                   json_str(lesson, "prevention", NULL)};
    if (lesson && (e = svc_lesson_check(&a.lesson, "lesson", &req->err))) {
        strlist_release(&a.p.tags);
        reply_err_info(req, e);
        return;
    }
    struct patch_arg *heap = xmalloc(sizeof(*heap));
    *heap = a;
    heap->p.lesson = lesson ? &heap->lesson : NULL;
    http_write(req, patch_tx, heap, patch_free);
}

/* ---- events ---- */

struct events_page {
    int64_t id;
    int64_t after_id;
    size_t limit;
    json_t *items;
    json_t *next;
};

static enum terr events_tx(struct store_tx *tx, void *arg)
{
    struct events_page *p = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, p->id, &t);
    if (e)
        return e;
    ticket_release(&t);
    struct event *v;
    size_t n;
    /* One more than shown tells whether another page follows. */
    if ((e = store_event_page(tx, p->id, p->after_id, p->limit + 1, &v, &n)))
        return e;
    size_t shown = n > p->limit ? p->limit : n;
    p->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(p->items, render_event(&v[i]));
    p->next = page_next_id(n > shown, shown ? v[shown - 1].id : 0);
    events_free(v, n);
    return TERR_OK;
}

void h_ticket_events(struct request *req)
{
    struct events_page p = {.id = req->params[0]};
    if (!query_limit(req, THREAD_PAGE_DEFAULT, THREAD_PAGE_MAX, &p.limit) ||
        !query_id_cursor(req, &p.after_id))
        return;
    enum terr e = store_read(req_store(req), events_tx, &p);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "ticket %lld not found", (long long)p.id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o, s:o}", "items", p.items, "next_cursor", p.next));
}
