/*
 * The store's full-text search (docs/api.md "Search and suggestions") over
 * the FTS5 indexes of 0009_search.sql, and the deflection counts.
 *
 * A query is an FTS5 MATCH expression made by fts_query_build (never user
 * text).  Scores are BM25, lower is better (SQLite's sign); an article's
 * title weighs 10, its tags 3, its body 1; a ticket's subject counts double
 * a message.  A ticket hit names its best message (0: the subject matched)
 * and internal notes match only when q->internal is set.  Snippets come back
 * marked with FTS_HIT_OPEN/FTS_HIT_CLOSE (text/fts_query.h).
 */
#ifndef TRUCE_STORE_SEARCH_H
#define TRUCE_STORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

struct store_tx;

#define SEARCH_MAX_LIMIT  50
#define SEARCH_MAX_OFFSET 500
/* Messages are ranked among the newest SEARCH_MESSAGE_WINDOW that match:
 * BM25 costs each match, and a common word matches a tenth of a million
 * messages (bench/search.sh: p95 154 ms ranking them all, under 50 ms so). */
#define SEARCH_MESSAGE_WINDOW 10000

enum search_kind { SEARCH_ARTICLE, SEARCH_TICKET };

struct search_hit {
    enum search_kind kind;
    int64_t id;
    char *title;   /* an article's title, a ticket's subject */
    char *snippet; /* marked text */
    double score;
    int64_t message_id; /* tickets: the best message, 0 when the subject matched */
    char *slug;         /* articles */
    char *audience;     /* articles: "public" or "internal" */
    char *status;       /* an article's or a ticket's status */
};
/* Frees n hits; accepts NULL. */
void search_hits_free(struct search_hit *v, size_t n);

struct search_query {
    const char *match; /* FTS5 expression (fts_query_build) */
    bool articles, tickets;
    bool public_only;       /* articles: published and public only */
    bool published_only;    /* articles: published only (either audience) */
    bool internal;          /* tickets: internal notes match too */
    bool resolved_only;     /* tickets: resolved or closed only */
    int64_t exclude_ticket; /* tickets: 0 or a ticket left out */
    size_t limit;           /* 1..SEARCH_MAX_LIMIT */
    size_t offset;          /* 0..SEARCH_MAX_OFFSET */
};

/* The hits of q, best first, articles and tickets merged by score, from
 * q->offset on, at most q->limit; *has_more says whether more follow.
 * TERR_INVALID for a bad limit or offset.  Caller frees *out with
 * search_hits_free(); on failure nothing is returned. */
enum terr store_search(struct store_tx *tx, const struct search_query *q, struct search_hit **out,
                       size_t *n_out, bool *has_more);

/* What a suggestion is made from: the ticket's category (NULL: none), subject
 * and latest public customer message (NULL: none).  TERR_NOT_FOUND without
 * the ticket.  Caller frees with search_source_release(). */
struct search_source {
    char *category, *subject, *latest;
};
enum terr store_search_source(struct store_tx *tx, int64_t ticket_id, struct search_source *out);
void search_source_release(struct search_source *s);

/* How a resolved ticket was resolved: its approved offers and latest lesson. */
struct resolution_offer {
    char *kind, *currency, *note;
    int64_t amount;
};
struct resolution {
    struct resolution_offer *offers;
    size_t n_offers;
    bool has_lesson;
    char *cause, *what_went_wrong, *prevention;
};
/* Fills *out for ticket_id (empty when nothing is recorded).  Caller
 * releases with resolution_release(). */
enum terr store_resolution(struct store_tx *tx, int64_t ticket_id, struct resolution *out);
void resolution_release(struct resolution *r);

/* Counts a deflection of article_id at `at` (ms).  TERR_NOT_FOUND unless the
 * article is published and public. */
enum terr store_deflection_add(struct store_tx *tx, int64_t article_id, int64_t at);

struct deflection_day {
    int64_t day; /* ms at the day's start, UTC */
    int64_t n;
};
/* Deflections per UTC day in [from, to) (ms), days without any left out.
 * Caller frees *out. */
enum terr store_deflection_days(struct store_tx *tx, int64_t from, int64_t to,
                                struct deflection_day **out, size_t *n_out);

#endif
