/* SQLite backend: full-text search and deflection (store_search.h). */
#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../store_search_int.h"
#include "sqlite_int.h"

/* The snippet of row `id` of the index `which` queries, or NULL. */
static enum terr snippet(struct store_conn *c, enum sqlite_stmt which, const char *match,
                         int64_t id, char **out)
{
    sqlite3_stmt *s = sq_stmt(c, which);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *out = sq_col_text(s, 0);
        rc = SQLITE_DONE;
    }
    return sq_done(c, s, rc);
}

static enum terr articles(struct store_conn *c, const struct search_query *q, size_t want,
                          struct search_hit **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SEARCH_ARTICLES);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_text(s, 1, q->match, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, q->public_only);
    sqlite3_bind_int64(s, 3, (int64_t)want);
    sqlite3_bind_int(s, 4, q->published_only);
    struct search_hit *v = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        v = xrealloc(v, (n + 1) * sizeof(*v));
        struct search_hit *h = &v[n++];
        memset(h, 0, sizeof(*h));
        h->kind = SEARCH_ARTICLE;
        h->id = sqlite3_column_int64(s, 0);
        h->title = sq_col_text(s, 1);
        h->score = sqlite3_column_double(s, 2);
        h->slug = sq_col_text(s, 3);
        h->audience = sq_col_text(s, 4);
        h->status = sq_col_text(s, 5);
    }
    enum terr e = sq_done(c, s, rc);
    /* Snippets for the rows kept only (SNIPPET_ARTICLE takes three). */
    for (size_t i = 0; !e && i < n; i++)
        e = snippet(c, STMT_SNIPPET_ARTICLE, q->match, v[i].id, &v[i].snippet);
    if (e) {
        search_hits_free(v, n);
        return e;
    }
    *out = v;
    *n_out = n;
    return TERR_OK;
}

static enum terr tickets(struct store_conn *c, const struct search_query *q, size_t want,
                         struct search_hit **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SEARCH_TICKETS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_text(s, 1, q->match, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, q->internal);
    sqlite3_bind_int(s, 3, q->resolved_only);
    sqlite3_bind_int64(s, 4, q->exclude_ticket);
    sqlite3_bind_int64(s, 5, (int64_t)want);
    sqlite3_bind_int64(s, 6, SEARCH_MESSAGE_WINDOW);
    struct search_hit *v = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        v = xrealloc(v, (n + 1) * sizeof(*v));
        struct search_hit *h = &v[n++];
        memset(h, 0, sizeof(*h));
        h->kind = SEARCH_TICKET;
        h->id = sqlite3_column_int64(s, 0);
        h->title = sq_col_text(s, 1);
        h->status = sq_col_text(s, 2);
        h->message_id = sqlite3_column_int64(s, 3);
        h->score = sqlite3_column_double(s, 4);
    }
    enum terr e = sq_done(c, s, rc);
    /* Snippets for the rows kept only: one rowid lookup each. */
    for (size_t i = 0; !e && i < n; i++)
        e = v[i].message_id
                ? snippet(c, STMT_SNIPPET_MESSAGE, q->match, v[i].message_id, &v[i].snippet)
                : snippet(c, STMT_SNIPPET_SUBJECT, q->match, v[i].id, &v[i].snippet);
    if (e) {
        search_hits_free(v, n);
        return e;
    }
    *out = v;
    *n_out = n;
    return TERR_OK;
}

static enum terr source(struct store_conn *c, int64_t ticket_id, struct search_source *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SEARCH_SOURCE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        out->category = sq_col_text(s, 0);
        out->subject = sq_col_text(s, 1);
        out->latest = sq_col_text(s, 2);
        sqlite3_reset(s);
        return TERR_OK;
    }
    enum terr e = sq_done(c, s, rc);
    return e ? e : TERR_NOT_FOUND;
}

static enum terr resolution(struct store_conn *c, int64_t ticket_id, struct resolution *out)
{
    struct resolution r = {0};
    sqlite3_stmt *s = sq_stmt(c, STMT_RESOLUTION_OFFERS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        r.offers = xrealloc(r.offers, (r.n_offers + 1) * sizeof(*r.offers));
        struct resolution_offer *o = &r.offers[r.n_offers++];
        o->kind = sq_col_text(s, 0);
        o->amount = sqlite3_column_int64(s, 1);
        o->currency = sq_col_text(s, 2);
        o->note = sq_col_text(s, 3);
    }
    enum terr e = sq_done(c, s, rc);
    if (!e && (s = sq_stmt(c, STMT_RESOLUTION_LESSON)) == NULL)
        e = TERR_STORAGE;
    if (!e) {
        sqlite3_bind_int64(s, 1, ticket_id);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            r.has_lesson = true;
            r.cause = sq_col_text(s, 0);
            r.what_went_wrong = sq_col_text(s, 1);
            r.prevention = sq_col_text(s, 2);
            rc = SQLITE_DONE;
        }
        e = sq_done(c, s, rc);
    }
    if (e) {
        resolution_release(&r);
        return e;
    }
    *out = r;
    return TERR_OK;
}

static enum terr deflection_add(struct store_conn *c, int64_t article_id, int64_t at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_DEFLECTION_ADD);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, article_id);
    sqlite3_bind_int64(s, 2, at);
    enum terr e = sq_exec(c, s);
    if (!e && sqlite3_changes(c->db) == 0)
        return TERR_NOT_FOUND;
    return e;
}

static enum terr deflection_days(struct store_conn *c, int64_t from, int64_t to,
                                 struct deflection_day **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_DEFLECTION_DAYS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    struct deflection_day *v = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        v = xrealloc(v, (n + 1) * sizeof(*v));
        v[n].day = sqlite3_column_int64(s, 0);
        v[n++].n = sqlite3_column_int64(s, 1);
    }
    enum terr e = sq_done(c, s, rc);
    if (e) {
        free(v);
        return e;
    }
    *out = v;
    *n_out = n;
    return TERR_OK;
}

const struct store_search_ops sqlite_search_ops = {
    .articles = articles,
    .tickets = tickets,
    .source = source,
    .resolution = resolution,
    .deflection_add = deflection_add,
    .deflection_days = deflection_days,
};
