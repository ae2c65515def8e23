/*
 * Full-text search and suggestions (docs/api.md "Search and suggestions"):
 *
 *   GET  /api/v1/search                  agents: articles (internal and drafts
 *                                        too) and tickets (internal notes too)
 *   GET  /api/v1/public/search           anyone: published public articles
 *   GET  /api/v1/public/suggest          the contact form, as the customer types
 *   POST /api/v1/public/deflected        "this answered my question"
 *   GET  /api/v1/tickets/{id}/suggestions  articles and similar resolved tickets
 *
 * (The deflections per day are a report: h_reports.c.)
 *
 * User text becomes an FTS5 expression only through fts_query_build, and
 * snippets go out as parts ({"text", "hit"}), so no markup is ever built
 * from what a user wrote.  The public routes never read tickets.
 */
#include <stdlib.h>
#include <string.h>

#include "../store/store_search.h"
#include "../text/fts_query.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"
#include "bodies.h"
#include "cursor.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "ratelimit.h"
#include "render.h"
#include "server_int.h"

#define SEARCH_PAGE_DEFAULT     20
#define SUGGEST_ARTICLES        5
#define SUGGEST_TICKETS         3

static bool search_rate_ok(struct request *req, struct ratelimit *rl)
{
    int retry;
    if (ratelimit_take(rl, req->ip, time_now_ms(), &retry))
        return true;
    req->retry_after = retry;
    reply_error(req, TERR_RATE_LIMITED, NULL,
                "too many searches from this address; try again in %d s", retry);
    return false;
}

/* ---- rendering ---- */

static json_t *snippet_json(const char *marked)
{
    json_t *a = json_array();
    struct snippet_part *p;
    size_t n = snippet_parts(marked ? marked : "", &p);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:b}", "text", p[i].text, "hit", p[i].hit));
    snippet_parts_free(p, n);
    return a;
}

/* BM25 as a positive number, higher is better, 4 places. */
static json_t *score_json(double s)
{
    long long k = (long long)(-s * 10000.0 + (s < 0 ? 0.5 : -0.5));
    return json_real((double)k / 10000.0);
}

/* public_view leaves out an article's audience and status, as every other
 * public view of an article does (svc_article_json). */
static json_t *hit_json(const struct search_hit *h, bool public_view)
{
    if (h->kind == SEARCH_ARTICLE) {
        json_t *o =
            json_pack("{s:s,s:I,s:s,s:s,s:o,s:o}", "type", "article", "id", (json_int_t)h->id,
                      "title", h->title ? h->title : "", "slug", h->slug ? h->slug : "", "snippet",
                      snippet_json(h->snippet), "score", score_json(h->score));
        if (!public_view) {
            json_object_set_new(o, "audience", json_string(h->audience ? h->audience : ""));
            json_object_set_new(o, "status", json_string(h->status ? h->status : ""));
        }
        return o;
    }
    return json_pack("{s:s,s:I,s:s,s:s,s:o,s:o,s:o}", "type", "ticket", "id", (json_int_t)h->id,
                     "subject", h->title ? h->title : "", "status", h->status ? h->status : "",
                     "message_id", h->message_id ? json_integer(h->message_id) : json_null(),
                     "snippet", snippet_json(h->snippet), "score", score_json(h->score));
}

static json_t *hits_json(const struct search_hit *v, size_t n, bool public_view)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, hit_json(&v[i], public_view));
    return a;
}

/* ---- searching ---- */

struct search_read {
    struct search_query q;
    struct search_hit *hits;
    size_t n_hits;
    bool more;
};

static enum terr search_tx(struct store_tx *tx, void *arg)
{
    struct search_read *r = arg;
    return store_search(tx, &r->q, &r->hits, &r->n_hits, &r->more);
}

/* Reads "q" into *match (NULL: no term, an empty result); replies 400 and
 * returns false when it is missing or over max_len bytes (0: no limit, the
 * first bytes fts_query_build reads are used). */
static bool query_text(struct request *req, enum fts_join join, size_t max_len, char **match)
{
    const char *q = req_query(req, "q");
    if (!q) {
        reply_error(req, TERR_MISSING_FIELD, "q", "'q' is required");
        return false;
    }
    /* Tab and line ends are a message's; other controls are no search text
     * (the server's query check refused NUL and what is not UTF-8 the same way). */
    for (const unsigned char *c = (const unsigned char *)q; *c; c++)
        if ((*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r') || *c == 0x7F) {
            reply_error(req, TERR_INVALID, "q",
                        "'q' must be UTF-8 text without control characters");
            return false;
        }
    if (max_len && strlen(q) > max_len) {
        reply_error(req, TERR_TOO_LONG, "q", "'q' is over %zu bytes", max_len);
        return false;
    }
    *match = fts_query_build(q, join);
    return true;
}

/* Runs r and replies with its page, or the error. */
static void reply_search(struct request *req, struct search_read *r, char *match)
{
    if (!match) {
        reply_json(req, 200, json_pack("{s:[],s:n}", "items", "next_cursor"));
        return;
    }
    r->q.match = match;
    enum terr e = store_read(req_store(req), search_tx, r);
    free(match);
    if (e) {
        reply_error(req, e, NULL, "cannot search");
        return;
    }
    json_t *items = hits_json(r->hits, r->n_hits, r->q.public_only);
    search_hits_free(r->hits, r->n_hits);
    json_t *next = json_null();
    if (r->more) {
        char cur[64];
        cursor_encode_id((int64_t)(r->q.offset + r->n_hits), cur, sizeof cur);
        next = json_string(cur);
    }
    reply_json(req, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next));
}

void h_search(struct request *req)
{
    struct search_read r = {.q = {.articles = true, .tickets = true, .internal = true}};
    int64_t offset;
    char *match;
    if (!query_limit(req, SEARCH_PAGE_DEFAULT, SEARCH_MAX_LIMIT, &r.q.limit) ||
        !query_id_cursor(req, &offset))
        return;
    if (offset > SEARCH_MAX_OFFSET) {
        reply_error(req, TERR_INVALID, "cursor", "search pages stop after %d results",
                    SEARCH_MAX_OFFSET);
        return;
    }
    r.q.offset = (size_t)offset;
    const char *type = req_query(req, "type");
    if (type && strcmp(type, "article") == 0)
        r.q.tickets = false;
    else if (type && strcmp(type, "ticket") == 0)
        r.q.articles = false;
    else if (type) {
        reply_error(req, TERR_INVALID, "type", "'type' must be 'article' or 'ticket'");
        return;
    }
    if (!query_text(req, FTS_ALL, FTS_QUERY_MAX_LEN, &match))
        return;
    reply_search(req, &r, match);
}

void h_public_search(struct request *req)
{
    struct search_read r = {.q = {.articles = true, .public_only = true}};
    int64_t offset;
    char *match;
    if (!search_rate_ok(req, req->srv->search_limit) ||
        !query_limit(req, SEARCH_PAGE_DEFAULT, SEARCH_MAX_LIMIT, &r.q.limit) ||
        !query_id_cursor(req, &offset))
        return;
    if (offset > SEARCH_MAX_OFFSET) {
        reply_error(req, TERR_INVALID, "cursor", "search pages stop after %d results",
                    SEARCH_MAX_OFFSET);
        return;
    }
    r.q.offset = (size_t)offset;
    if (!query_text(req, FTS_ALL, FTS_QUERY_MAX_LEN, &match))
        return;
    reply_search(req, &r, match);
}

void h_public_suggest(struct request *req)
{
    struct search_read r = {
        .q = {.articles = true, .public_only = true, .limit = SUGGEST_ARTICLES}};
    char *match;
    /* q is a whole message: its first FTS_QUERY_MAX_TEXT bytes are read (cut
     * on a character boundary), so a long one is no error. */
    if (!search_rate_ok(req, req->srv->search_limit) || !query_text(req, FTS_ANY, 0, &match))
        return;
    reply_search(req, &r, match);
}

/* ---- a ticket's suggestions ---- */

struct suggest_read {
    int64_t ticket_id;
    struct search_hit *articles;
    size_t n_articles;
    struct search_hit *tickets;
    struct resolution *res;
    size_t n_tickets;
};

static enum terr suggest_tx(struct store_tx *tx, void *arg)
{
    struct suggest_read *s = arg;
    struct search_source src = {0};
    enum terr e = store_search_source(tx, s->ticket_id, &src);
    if (e)
        return e;
    /* The latest customer message says most; the category and subject add
     * what it leaves implicit. */
    char *text = xstrfmt("%s %s %s", src.category ? src.category : "", src.latest ? src.latest : "",
                         src.subject ? src.subject : "");
    search_source_release(&src);
    char *match = fts_query_build(text, FTS_ANY);
    free(text);
    if (!match)
        return TERR_OK;
    bool more;
    struct search_query aq = {
        .match = match, .articles = true, .published_only = true, .limit = SUGGEST_ARTICLES};
    e = store_search(tx, &aq, &s->articles, &s->n_articles, &more);
    struct search_query tq = {.match = match,
                              .tickets = true,
                              .internal = true,
                              .resolved_only = true,
                              .exclude_ticket = s->ticket_id,
                              .limit = SUGGEST_TICKETS};
    if (!e)
        e = store_search(tx, &tq, &s->tickets, &s->n_tickets, &more);
    free(match);
    if (!e && s->n_tickets)
        s->res = xcalloc(s->n_tickets, sizeof(*s->res));
    for (size_t i = 0; !e && i < s->n_tickets; i++)
        e = store_resolution(tx, s->tickets[i].id, &s->res[i]);
    return e;
}

static void suggest_release(struct suggest_read *s)
{
    search_hits_free(s->articles, s->n_articles);
    if (s->res)
        for (size_t i = 0; i < s->n_tickets; i++)
            resolution_release(&s->res[i]);
    free(s->res);
    search_hits_free(s->tickets, s->n_tickets);
}

static json_t *resolution_json(const struct resolution *r)
{
    json_t *offers = json_array();
    for (size_t i = 0; i < r->n_offers; i++) {
        const struct resolution_offer *o = &r->offers[i];
        json_array_append_new(offers, json_pack("{s:s,s:I,s:s,s:s?}", "kind", o->kind, "amount",
                                                (json_int_t)o->amount, "currency",
                                                o->currency ? o->currency : "", "note", o->note));
    }
    json_t *lesson = r->has_lesson
                         ? json_pack("{s:s,s:s,s:s}", "cause", r->cause, "what_went_wrong",
                                     r->what_went_wrong, "prevention", r->prevention)
                         : json_null();
    return json_pack("{s:o,s:o}", "offers", offers, "lesson", lesson);
}

void h_ticket_suggestions(struct request *req)
{
    struct suggest_read s = {.ticket_id = req->params[0]};
    enum terr e = store_read(req_store(req), suggest_tx, &s);
    if (e) {
        suggest_release(&s);
        if (e == TERR_NOT_FOUND)
            reply_error(req, e, NULL, "ticket %lld not found", (long long)s.ticket_id);
        else
            reply_error(req, e, NULL, "cannot read the suggestions");
        return;
    }
    json_t *similar = json_array();
    for (size_t i = 0; i < s.n_tickets; i++) {
        json_t *t = hit_json(&s.tickets[i], false);
        json_object_set_new(t, "resolution", resolution_json(&s.res[i]));
        json_array_append_new(similar, t);
    }
    reply_json(req, 200,
               json_pack("{s:o,s:o}", "articles", hits_json(s.articles, s.n_articles, false),
                         "similar", similar));
    suggest_release(&s);
}

/* ---- deflection ---- */

static enum terr deflected_tx(struct store_tx *tx, struct request *req)
{
    int64_t id = json_int(req->json, "article_id", 0);
    enum terr e = store_deflection_add(tx, id, time_now_ms());
    if (e == TERR_NOT_FOUND)
        return terr_set(&req->err, e, "article_id", "no published public article %lld",
                        (long long)id);
    if (!e)
        reply_json(req, 201, json_pack("{s:I}", "article_id", (json_int_t)id));
    return e;
}

void h_public_deflected(struct request *req)
{
    req->has_idem = false; /* one principal for all customers: never replayed */
    if (!search_rate_ok(req, req->srv->public_limit))
        return;
    enum terr e = json_check(req->json, body_public_deflected, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    http_write(req, deflected_tx, NULL, NULL);
}
