/*
 * Offers (issue 5, section 5) and the customer's case link:
 *   POST /api/v1/tickets/{id}/offers       an agent proposes
 *   GET  /api/v1/tickets/{id}/offers       a ticket's offers, every state
 *   GET  /api/v1/offers?state=pending      the approval queue (leads, admins)
 *   GET  /api/v1/offers/{id}
 *   POST /api/v1/offers/{id}/approve|reject|withdraw
 *   GET  /api/v1/tickets/{id}/case-link    the customer's link to the case
 *   GET  /c/{token}                        the case as the customer sees it
 * Who may decide what is the service's business (service/offers.h), so an
 * agent reaching approve hears why not: 403 with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/case_link.h"
#include "../service/offers.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"
#include "server_int.h"
#include "web_files.h"

#define OFFER_PAGE_DEFAULT 50
#define OFFER_PAGE_MAX     200

/* ---- a ticket's offers: propose ---- */

struct new_offer {
    int64_t ticket_id;
    struct offer_draft draft; /* strings borrowed from req->json */
    struct offer_record out;
};

static void new_offer_free(void *arg)
{
    struct new_offer *n = arg;
    offer_record_release(&n->out);
    free(n);
}

static void render_offer_created(struct request *req)
{
    reply_json(req, 201, svc_offer_json(&((struct new_offer *)req->warg)->out));
}

static enum terr propose_tx(struct store_tx *tx, struct request *req)
{
    struct new_offer *n = req->warg;
    enum terr e = svc_offer_propose(tx, &req->actor, n->ticket_id, &n->draft, time_now_ms(),
                                    &n->out, &req->err);
    if (!e)
        reply_later(req, render_offer_created);
    return e;
}

/* Reads the body into a draft, the domain naming the bad field.  The
 * currency comes first: how many decimals an amount may have depends on it. */
static enum terr read_draft(const json_t *body, struct offer_draft *d, struct terr_info *ei)
{
    const char *kind = json_str(body, "kind", "");
    if (!offer_kind_parse(kind, &d->kind))
        return terr_set(ei, TERR_INVALID, "kind",
                        "unknown offer kind '%.40s'; one of refund, replacement, credit, discount, "
                        "alternative, apology_only",
                        kind);
    d->currency = json_str(body, "currency", NULL);
    if (d->currency && *d->currency && !offer_currency_valid(d->currency))
        return terr_set(ei, TERR_INVALID, "currency",
                        "currency '%.20s' is not three upper-case letters (ISO 4217)", d->currency);
    d->amount = 0;
    char text[64];
    if (json_decimal(body, "amount", text, sizeof(text))) {
        enum terr e = offer_amount_parse(text, d->currency, "amount", &d->amount, ei);
        if (e)
            return e;
    }
    d->note = json_str(body, "note", NULL);
    return offer_validate(d, ei);
}

void h_offers_create(struct request *req)
{
    struct new_offer *n = xcalloc(1, sizeof(*n));
    n->ticket_id = req->params[0];
    enum terr e = json_check(req->json, body_offer_create, &req->err);
    if (!e)
        e = read_draft(req->json, &n->draft, &req->err);
    if (e) {
        new_offer_free(n);
        reply_err_info(req, e);
        return;
    }
    http_write(req, propose_tx, n, new_offer_free);
}

/* ---- lists ---- */

struct offer_page {
    int64_t ticket_id; /* 0: the queue across tickets */
    struct offer_query q;
    json_t *items;
    json_t *next;
};

static enum terr page_tx(struct store_tx *tx, void *arg)
{
    struct offer_page *p = arg;
    enum terr e;
    if (p->ticket_id) {
        struct ticket t;
        if ((e = store_ticket_get(tx, p->ticket_id, &t)))
            return e;
        ticket_release(&t);
    }
    struct offer_query q = p->q;
    q.limit = p->q.limit + 1; /* one more tells whether another page follows */
    struct offer_record *v;
    size_t n;
    if ((e = store_offer_list(tx, &q, &v, &n)))
        return e;
    size_t shown = n > p->q.limit ? p->q.limit : n;
    p->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(p->items, svc_offer_json(&v[i]));
    p->next = page_next_id(n > shown, shown ? v[shown - 1].offer.id : 0);
    offer_records_free(v, n);
    return TERR_OK;
}

/* Reads ?state= into p->q; replies 400 and returns false for an unknown one. */
static bool query_state(struct request *req, struct offer_page *p)
{
    const char *v = req_query(req, "state");
    if (!v)
        return true;
    if (!offer_state_parse(v, &p->q.state)) {
        reply_error(req, TERR_INVALID, "state",
                    "'state' must be one of pending, approved, rejected, withdrawn");
        return false;
    }
    p->q.has_state = true;
    return true;
}

static void reply_page(struct request *req, struct offer_page *p)
{
    enum terr e = store_read(req_store(req), page_tx, p);
    if (e == TERR_NOT_FOUND) {
        reply_error(req, e, NULL, "ticket %lld not found", (long long)p->ticket_id);
    } else if (e) {
        json_decref(p->items);
        reply_err_info(req, e);
    } else {
        reply_json(req, 200, json_pack("{s:o, s:o}", "items", p->items, "next_cursor", p->next));
    }
}

void h_ticket_offers(struct request *req)
{
    struct offer_page p = {.ticket_id = req->params[0]};
    p.q.ticket_id = p.ticket_id;
    if (!query_limit(req, OFFER_PAGE_DEFAULT, OFFER_PAGE_MAX, &p.q.limit) ||
        !query_id_cursor(req, &p.q.after_id) || !query_state(req, &p))
        return;
    reply_page(req, &p);
}

void h_offers_list(struct request *req)
{
    /* The approval queue unless another state is asked for. */
    struct offer_page p = {.q = {.has_state = true, .state = OFFER_STATE_PENDING}};
    if (!query_limit(req, OFFER_PAGE_DEFAULT, OFFER_PAGE_MAX, &p.q.limit) ||
        !query_id_cursor(req, &p.q.after_id) || !query_state(req, &p))
        return;
    reply_page(req, &p);
}

/* ---- one offer ---- */

struct one_offer {
    int64_t id;
    struct offer_record r;
};

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct one_offer *o = arg;
    return store_offer_get(tx, o->id, &o->r);
}

void h_offer_get(struct request *req)
{
    struct one_offer o = {.id = req->params[0]};
    enum terr e = store_read(req_store(req), get_tx, &o);
    if (e == TERR_NOT_FOUND) {
        reply_error(req, e, NULL, "offer %lld not found", (long long)o.id);
        return;
    }
    if (e) {
        reply_err_info(req, e);
        return;
    }
    reply_json(req, 200, svc_offer_json(&o.r));
    offer_record_release(&o.r);
}

/* ---- decisions ---- */

enum decision { DECIDE_APPROVE, DECIDE_REJECT, DECIDE_WITHDRAW };

struct decision_job {
    enum decision what;
    int64_t id;
    const char *note; /* borrowed from req->json */
    struct offer_record out;
};

static void decision_job_free(void *arg)
{
    struct decision_job *j = arg;
    offer_record_release(&j->out);
    free(j);
}

static void render_decided(struct request *req)
{
    reply_json(req, 200, svc_offer_json(&((struct decision_job *)req->warg)->out));
}

static enum terr decide_tx(struct store_tx *tx, struct request *req)
{
    struct decision_job *j = req->warg;
    int64_t now = time_now_ms();
    enum terr e = j->what == DECIDE_WITHDRAW
                      ? svc_offer_withdraw(tx, &req->actor, j->id, j->note, now, &j->out, &req->err)
                      : svc_offer_decide(tx, &req->actor, j->id, j->what == DECIDE_APPROVE, j->note,
                                         now, &j->out, &req->err);
    if (!e)
        reply_later(req, render_decided);
    return e;
}

/* The optional body of a decision: nothing, or {"note": ...} as JSON.
 * Replies and returns false when it is wrong. */
static bool decision_body(struct request *req, const char **note)
{
    *note = NULL;
    if (req->body.len == 0)
        return true;
    if (!req_content_type_is(req, "application/json")) {
        reply_error(req, TERR_MEDIA_TYPE, NULL, "the body must be sent as application/json");
        return false;
    }
    enum terr e = json_parse_body(req->body.data, req->body.len, &req->json, &req->err);
    if (!e)
        e = json_check(req->json, body_offer_decide, &req->err);
    if (e) {
        reply_err_info(req, e);
        return false;
    }
    *note = json_str(req->json, "note", NULL);
    return true;
}

static void decide(struct request *req, enum decision what)
{
    const char *note;
    if (!decision_body(req, &note))
        return;
    struct decision_job *j = xcalloc(1, sizeof(*j));
    *j = (struct decision_job){.what = what, .id = req->params[0], .note = note};
    http_write(req, decide_tx, j, decision_job_free);
}

void h_offer_approve(struct request *req)
{
    decide(req, DECIDE_APPROVE);
}

void h_offer_reject(struct request *req)
{
    decide(req, DECIDE_REJECT);
}

void h_offer_withdraw(struct request *req)
{
    decide(req, DECIDE_WITHDRAW);
}

/* ---- the case link ---- */

struct case_link {
    int64_t ticket_id;
    bool need_key; /* no case key yet: made by a write */
    char token[LINK_TOKEN_MAX];
};

static enum terr case_link_tx(struct store_tx *tx, struct case_link *c, bool create)
{
    struct ticket t;
    enum terr e = store_ticket_get(tx, c->ticket_id, &t);
    if (e)
        return e;
    ticket_release(&t);
    e = svc_case_token(tx, c->ticket_id, create, c->token);
    if (e == TERR_NOT_FOUND && !create) {
        c->need_key = true;
        return TERR_OK;
    }
    return e;
}

static enum terr case_link_read(struct store_tx *tx, void *arg)
{
    return case_link_tx(tx, arg, false);
}

static void reply_case_link(struct request *req, const struct case_link *c)
{
    char url[sizeof(CASE_LINK_PREFIX) + LINK_TOKEN_MAX];
    snprintf(url, sizeof(url), "%s%s", CASE_LINK_PREFIX, c->token);
    reply_json(req, 200,
               json_pack("{s:I, s:s}", "ticket_id", (json_int_t)c->ticket_id, "url", url));
}

static enum terr case_link_write(struct store_tx *tx, struct request *req)
{
    struct case_link *c = req->warg;
    enum terr e = case_link_tx(tx, c, true);
    if (e == TERR_NOT_FOUND)
        return terr_set(&req->err, e, NULL, "ticket %lld not found", (long long)c->ticket_id);
    if (!e)
        reply_case_link(req, c);
    return e;
}

void h_case_link(struct request *req)
{
    struct case_link c = {.ticket_id = req->params[0]};
    enum terr e = store_read(req_store(req), case_link_read, &c);
    if (e == TERR_NOT_FOUND) {
        reply_error(req, e, NULL, "ticket %lld not found", (long long)c.ticket_id);
    } else if (e) {
        reply_err_info(req, e);
    } else if (c.need_key) {
        /* The first link of this desk: the key is made once, in a write. */
        struct case_link *w = xmalloc(sizeof(*w));
        *w = c;
        http_write(req, case_link_write, w, free);
    } else {
        reply_case_link(req, &c);
    }
}

/* An approved offer as its customer sees it: what, how much, since when. */
static json_t *render_customer_offer(const struct offer_record *r)
{
    const struct offer *o = &r->offer;
    char words[160], both[64];
    svc_offer_words(o, words, sizeof(words));
    offer_amount_format(o->amount, o->currency, both, sizeof(both));
    char *space = strchr(both, ' ');
    if (space)
        *space = '\0';
    json_t *j = json_pack("{s:I, s:s, s:o, s:I, s:o, s:s, s:o}", "id", (json_int_t)o->id, "kind",
                          offer_kind_name(o->kind), "amount",
                          o->currency[0] ? json_string(both) : json_null(), "amount_minor",
                          (json_int_t)o->amount, "currency",
                          o->currency[0] ? json_string(o->currency) : json_null(), "description",
                          words, "approved_at", render_time(o->decided_at));
    if (!j)
        BUG("cannot render offer %lld for its customer", (long long)o->id);
    return j;
}

struct case_show {
    const char *token;
    struct case_view view;
};

static enum terr case_show_tx(struct store_tx *tx, void *arg)
{
    struct case_show *s = arg;
    return svc_case_view(tx, s->token, &s->view, NULL);
}

void h_case_show(struct request *req)
{
    struct case_show s = {.token = req->path + strlen(CASE_LINK_PREFIX)};
    enum terr e = store_read(req_store(req), case_show_tx, &s);
    if (e == TERR_NOT_FOUND) {
        /* A browser gets the case page all the same, with 404: its script
         * asks for the case as JSON and says kindly that the link is not valid. */
        const struct web_file *page = web_files_find(req->srv->opt.web, "case/index.html");
        if (page && req_wants_html(req)) {
            reply_web_file(req, page);
            req->static_body = page->data;
            req->static_len = page->len;
            req->status = 404;
        } else if (req_wants_html(req))
            reply_not_found(req);
        else
            reply_error(req, e, NULL, "no case has this link");
        return;
    }
    if (e) {
        reply_err_info(req, e);
        return;
    }
    /* A browser gets the case page, which asks for this same URL as JSON. */
    const struct web_file *page = web_files_find(req->srv->opt.web, "case/index.html");
    if (page && req_wants_html(req)) {
        case_view_release(&s.view);
        reply_web_file(req, page);
        return;
    }
    const struct ticket *t = &s.view.ticket;
    json_t *messages = json_array();
    for (size_t i = 0; i < s.view.n_messages; i++) {
        const struct message *m = &s.view.messages[i];
        json_array_append_new(
            messages, json_pack("{s:s, s:o, s:o}", "author", author_name(m->author_kind), "body",
                                json_text(m->body), "created_at", render_time(m->created_at)));
    }
    json_t *offers = json_array();
    for (size_t i = 0; i < s.view.n_offers; i++)
        json_array_append_new(offers, render_customer_offer(&s.view.offers[i]));
    reply_json(req, 200,
               json_pack("{s:{s:I, s:o, s:s}, s:o, s:o}", "ticket", "id", (json_int_t)t->id,
                         "subject", json_text(t->subject), "status", status_name(t->status),
                         "messages", messages, "offers", offers));
    case_view_release(&s.view);
}
