/* Articles: record helpers and backend dispatch (store_kb.h). */
#include "store_kb_int.h"

#include <stdlib.h>
#include <string.h>

void article_release(struct article *a)
{
    if (!a)
        return;
    free(a->slug);
    free(a->title);
    free(a->body);
    free(a->tags);
    memset(a, 0, sizeof(*a));
}

void articles_free(struct article *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        article_release(&v[i]);
    free(v);
}

void article_version_release(struct article_version *v)
{
    if (!v)
        return;
    free(v->title);
    free(v->body);
    free(v->tags);
    memset(v, 0, sizeof(*v));
}

void article_versions_free(struct article_version *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        article_version_release(&v[i]);
    free(v);
}

const char *article_audience_name(enum article_audience a)
{
    return a == ARTICLE_INTERNAL ? "internal" : "public";
}

const char *article_status_name(enum article_status s)
{
    return s == ARTICLE_PUBLISHED ? "published" : "draft";
}

bool article_audience_parse(const char *name, enum article_audience *out)
{
    if (name && !strcmp(name, "public"))
        *out = ARTICLE_PUBLIC;
    else if (name && !strcmp(name, "internal"))
        *out = ARTICLE_INTERNAL;
    else
        return false;
    return true;
}

bool article_status_parse(const char *name, enum article_status *out)
{
    if (name && !strcmp(name, "draft"))
        *out = ARTICLE_DRAFT;
    else if (name && !strcmp(name, "published"))
        *out = ARTICLE_PUBLISHED;
    else
        return false;
    return true;
}

#define KOPS(tx) ((tx)->st->ops->kb)

enum terr store_article_insert(struct store_tx *tx, struct article *a)
{
    return KOPS(tx)->insert(tx->conn, a);
}

enum terr store_article_get(struct store_tx *tx, int64_t id, struct article *out)
{
    return KOPS(tx)->get(tx->conn, id, NULL, out);
}

enum terr store_article_get_by_slug(struct store_tx *tx, const char *slug, struct article *out)
{
    return KOPS(tx)->get(tx->conn, 0, slug, out);
}

enum terr store_article_update(struct store_tx *tx, const struct article *a, int64_t edited_by)
{
    return KOPS(tx)->update(tx->conn, a, edited_by);
}

enum terr store_article_delete(struct store_tx *tx, int64_t id)
{
    return KOPS(tx)->del(tx->conn, id);
}

enum terr store_article_list(struct store_tx *tx, const struct article_query *q,
                             struct article **out, size_t *n_out)
{
    return KOPS(tx)->list(tx->conn, q, out, n_out);
}

enum terr store_article_versions(struct store_tx *tx, int64_t article_id,
                                 struct article_version **out, size_t *n_out)
{
    return KOPS(tx)->versions(tx->conn, article_id, out, n_out);
}
