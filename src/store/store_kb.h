/*
 * The store's knowledge base (issue 7, section 1): articles and their
 * version history.
 *
 * A record is the current version of an article.  Every write that changes
 * it (insert included) also stores the new version in article_versions with
 * the same title, body, tags, audience and status, so the history is
 * complete and version N of an article is always readable.  Versions start
 * at 1 and grow by one per edit; store_article_update refuses
 * (TERR_CONFLICT) when the stored version is not r->version - 1, so two
 * editors racing cannot both write version N.
 */
#ifndef TRUCE_STORE_KB_H
#define TRUCE_STORE_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

struct store_tx;

enum article_audience { ARTICLE_PUBLIC, ARTICLE_INTERNAL };
enum article_status { ARTICLE_DRAFT, ARTICLE_PUBLISHED };

struct article {
    int64_t id;
    char *slug;  /* [a-z0-9-], 1..100 bytes, unique */
    char *title; /* 1..200 bytes */
    char *body;  /* Markdown, <= 200 KiB */
    char *tags;  /* JSON array of labels, e.g. ["refunds","policy"] */
    enum article_audience audience;
    enum article_status status;
    int64_t version;
    int64_t created_by; /* agent id; 0: none (imported) */
    int64_t created_at; /* unix milliseconds */
    int64_t updated_at;
};

/* One row of an article's history (edited_by 0: none). */
struct article_version {
    int64_t article_id;
    int64_t version;
    char *title;
    char *body;
    char *tags;
    enum article_audience audience;
    enum article_status status;
    int64_t edited_by;
    int64_t edited_at;
};

/* Each accepts NULL and leaves the struct zeroed. */
void article_release(struct article *a);
void articles_free(struct article *v, size_t n);
void article_version_release(struct article_version *v);
void article_versions_free(struct article_version *v, size_t n);

const char *article_audience_name(enum article_audience a);
const char *article_status_name(enum article_status s);
/* false when name is not one of the names above. */
bool article_audience_parse(const char *name, enum article_audience *out);
bool article_status_parse(const char *name, enum article_status *out);

/* A page of articles in id order.  Filters are off when NULL/false. */
struct article_query {
    bool has_status;
    enum article_status status;
    bool has_audience;
    enum article_audience audience;
    const char *tag; /* articles whose tags hold this label */
    int64_t after_id;
    size_t limit;   /* 0: no limit */
    bool with_body; /* false: body is left NULL in the list */
};

/* Stores a new article at version 1 (a->id and a->version are ignored and
 * set) and its first version row.  TERR_CONFLICT when the slug is taken. */
enum terr store_article_insert(struct store_tx *tx, struct article *a);
/* An article by id or by slug; TERR_NOT_FOUND when none.  Release *out with
 * article_release. */
enum terr store_article_get(struct store_tx *tx, int64_t id, struct article *out);
enum terr store_article_get_by_slug(struct store_tx *tx, const char *slug, struct article *out);
/* Writes a (slug, title, body, tags, audience, status, updated_at) as version
 * a->version, which must be the stored version + 1 (TERR_CONFLICT
 * otherwise, or when the new slug is taken), and adds the version row with
 * edited_by.  TERR_NOT_FOUND when there is no article a->id. */
enum terr store_article_update(struct store_tx *tx, const struct article *a, int64_t edited_by);
/* Deletes an article and its history; TERR_NOT_FOUND when none. */
enum terr store_article_delete(struct store_tx *tx, int64_t id);
/* Up to q->limit articles after q->after_id; caller frees with articles_free. */
enum terr store_article_list(struct store_tx *tx, const struct article_query *q,
                             struct article **out, size_t *n_out);
/* An article's versions, oldest first; caller frees with article_versions_free. */
enum terr store_article_versions(struct store_tx *tx, int64_t article_id,
                                 struct article_version **out, size_t *n_out);

#endif
