/* Search: limits, the merge of articles and tickets, dispatch (store_search.h). */
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "store_search_int.h"

static void hit_release(struct search_hit *h)
{
    free(h->title);
    free(h->snippet);
    free(h->slug);
    free(h->audience);
    free(h->status);
}

void search_hits_free(struct search_hit *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        hit_release(&v[i]);
    free(v);
}

enum terr store_search(struct store_tx *tx, const struct search_query *q, struct search_hit **out,
                       size_t *n_out, bool *has_more)
{
    if (q->limit < 1 || q->limit > SEARCH_MAX_LIMIT || q->offset > SEARCH_MAX_OFFSET)
        return TERR_INVALID;
    const struct store_search_ops *ops = tx->st->ops->search;
    /* Each kind's best offset + limit + 1 are enough to cut the merged page
     * and to know whether another follows. */
    size_t want = q->offset + q->limit + 1;
    struct search_hit *a = NULL, *t = NULL;
    size_t na = 0, nt = 0;
    enum terr e = TERR_OK;
    if (q->articles)
        e = ops->articles(tx->conn, q, want, &a, &na);
    if (!e && q->tickets && !q->public_only)
        e = ops->tickets(tx->conn, q, want, &t, &nt);
    if (e) {
        search_hits_free(a, na);
        search_hits_free(t, nt);
        return e;
    }
    struct search_hit *v = xcalloc(na + nt + 1, sizeof(*v));
    size_t n = 0, i = 0, k = 0;
    while (i < na || k < nt) {
        bool take_a = k >= nt || (i < na && a[i].score <= t[k].score);
        v[n++] = take_a ? a[i++] : t[k++];
    }
    free(a);
    free(t);
    size_t from = q->offset < n ? q->offset : n;
    size_t cnt = n - from > q->limit ? q->limit : n - from;
    *has_more = n > from + cnt;
    struct search_hit *page = xcalloc(cnt + 1, sizeof(*page));
    memcpy(page, v + from, cnt * sizeof(*page));
    for (size_t j = 0; j < n; j++)
        if (j < from || j >= from + cnt)
            hit_release(&v[j]);
    free(v);
    *out = page;
    *n_out = cnt;
    return TERR_OK;
}

enum terr store_search_source(struct store_tx *tx, int64_t ticket_id, struct search_source *out)
{
    return tx->st->ops->search->source(tx->conn, ticket_id, out);
}

void search_source_release(struct search_source *s)
{
    if (!s)
        return;
    free(s->category);
    free(s->subject);
    free(s->latest);
    memset(s, 0, sizeof(*s));
}

enum terr store_resolution(struct store_tx *tx, int64_t ticket_id, struct resolution *out)
{
    return tx->st->ops->search->resolution(tx->conn, ticket_id, out);
}

void resolution_release(struct resolution *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_offers; i++) {
        free(r->offers[i].kind);
        free(r->offers[i].currency);
        free(r->offers[i].note);
    }
    free(r->offers);
    free(r->cause);
    free(r->what_went_wrong);
    free(r->prevention);
    memset(r, 0, sizeof(*r));
}

enum terr store_deflection_add(struct store_tx *tx, int64_t article_id, int64_t at)
{
    return tx->st->ops->search->deflection_add(tx->conn, article_id, at);
}

enum terr store_deflection_days(struct store_tx *tx, int64_t from, int64_t to,
                                struct deflection_day **out, size_t *n_out)
{
    if (to <= from)
        return TERR_INVALID;
    return tx->st->ops->search->deflection_days(tx->conn, from, to, out, n_out);
}
