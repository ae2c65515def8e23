/*
 * SQLite backend: articles (store_kb.h).  An article's row and its version
 * row are written by the same call inside the store's write transaction,
 * so the history never misses a version; an update is guarded on the
 * stored version (... AND version = N - 1).
 */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../store_kb_int.h"

static void article_from_row(sqlite3_stmt *s, struct article *a)
{
    memset(a, 0, sizeof(*a));
    a->id = sqlite3_column_int64(s, 0);
    a->slug = sq_col_text(s, 1);
    a->title = sq_col_text(s, 2);
    a->body = sq_col_text(s, 3);
    a->tags = sq_col_text(s, 4);
    article_audience_parse((const char *)sqlite3_column_text(s, 5), &a->audience);
    article_status_parse((const char *)sqlite3_column_text(s, 6), &a->status);
    a->version = sqlite3_column_int64(s, 7);
    a->created_by = sqlite3_column_int64(s, 8);
    a->created_at = sqlite3_column_int64(s, 9);
    a->updated_at = sqlite3_column_int64(s, 10);
}

static void version_from_row(sqlite3_stmt *s, struct article_version *v)
{
    memset(v, 0, sizeof(*v));
    v->article_id = sqlite3_column_int64(s, 0);
    v->version = sqlite3_column_int64(s, 1);
    v->title = sq_col_text(s, 2);
    v->body = sq_col_text(s, 3);
    v->tags = sq_col_text(s, 4);
    article_audience_parse((const char *)sqlite3_column_text(s, 5), &v->audience);
    article_status_parse((const char *)sqlite3_column_text(s, 6), &v->status);
    v->edited_by = sqlite3_column_int64(s, 7);
    v->edited_at = sqlite3_column_int64(s, 8);
}

static enum terr version_insert(struct store_conn *c, const struct article *a, int64_t edited_by,
                                int64_t at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_ARTICLE_VERSION_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, a->id);
    sqlite3_bind_int64(s, 2, a->version);
    sq_bind_text(s, 3, a->title);
    sq_bind_text(s, 4, a->body);
    sq_bind_text(s, 5, a->tags ? a->tags : "[]");
    sq_bind_text(s, 6, article_audience_name(a->audience));
    sq_bind_text(s, 7, article_status_name(a->status));
    sq_bind_id(s, 8, edited_by);
    sqlite3_bind_int64(s, 9, at);
    return sq_exec(c, s);
}

static enum terr sq_article_insert(struct store_conn *c, struct article *a)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_ARTICLE_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, a->slug);
    sq_bind_text(s, 2, a->title);
    sq_bind_text(s, 3, a->body);
    sq_bind_text(s, 4, a->tags ? a->tags : "[]");
    sq_bind_text(s, 5, article_audience_name(a->audience));
    sq_bind_text(s, 6, article_status_name(a->status));
    sq_bind_id(s, 7, a->created_by);
    sqlite3_bind_int64(s, 8, a->created_at);
    sqlite3_bind_int64(s, 9, a->updated_at);
    int64_t id = 0;
    enum terr e = sq_insert_id(c, s, &id);
    if (e)
        return e;
    a->id = id;
    a->version = 1;
    return version_insert(c, a, a->created_by, a->created_at);
}

static enum terr sq_article_get(struct store_conn *c, int64_t id, const char *slug,
                                struct article *out)
{
    sqlite3_stmt *s = sq_stmt(c, slug ? STMT_ARTICLE_GET_SLUG : STMT_ARTICLE_GET);
    if (!s)
        return TERR_STORAGE;
    if (slug)
        sq_bind_text(s, 1, slug);
    else
        sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        article_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

static enum terr sq_article_update(struct store_conn *c, const struct article *a, int64_t edited_by)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_ARTICLE_UPDATE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, a->id);
    sq_bind_text(s, 2, a->slug);
    sq_bind_text(s, 3, a->title);
    sq_bind_text(s, 4, a->body);
    sq_bind_text(s, 5, a->tags ? a->tags : "[]");
    sq_bind_text(s, 6, article_audience_name(a->audience));
    sq_bind_text(s, 7, article_status_name(a->status));
    sqlite3_bind_int64(s, 8, a->version);
    sqlite3_bind_int64(s, 9, a->updated_at);
    enum terr e = sq_exec(c, s);
    if (e)
        return e;
    if (sqlite3_changes(c->db) != 1) {
        /* Nothing changed: edited meanwhile, or no such article. */
        if (!(s = sq_stmt(c, STMT_ARTICLE_EXISTS)))
            return TERR_STORAGE;
        sqlite3_bind_int64(s, 1, a->id);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        return rc == SQLITE_ROW    ? TERR_CONFLICT
               : rc == SQLITE_DONE ? TERR_NOT_FOUND
                                   : sq_error(c, rc);
    }
    return version_insert(c, a, edited_by, a->updated_at);
}

static enum terr sq_article_delete(struct store_conn *c, int64_t id)
{
    enum terr e = sq_delete_where(c, STMT_ARTICLE_VERSIONS_DELETE, id, NULL);
    int64_t n = 0;
    if (!e)
        e = sq_delete_where(c, STMT_ARTICLE_DELETE, id, &n);
    return e ? e : n ? TERR_OK : TERR_NOT_FOUND;
}

static enum terr sq_article_list(struct store_conn *c, const struct article_query *q,
                                 struct article **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_ARTICLE_LIST);
    if (!s)
        return TERR_STORAGE;
    if (q->has_status)
        sq_bind_text(s, 1, article_status_name(q->status));
    if (q->has_audience)
        sq_bind_text(s, 2, article_audience_name(q->audience));
    if (q->tag)
        sq_bind_text(s, 3, q->tag);
    sqlite3_bind_int64(s, 4, q->after_id);
    sqlite3_bind_int64(s, 5, q->limit ? (sqlite3_int64)q->limit : -1);
    sqlite3_bind_int(s, 7, q->with_body);
    COLLECT_ROWS(c, s, article, article_from_row, articles_free, out, n_out);
}

static enum terr sq_article_versions(struct store_conn *c, int64_t article_id,
                                     struct article_version **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_ARTICLE_VERSIONS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, article_id);
    COLLECT_ROWS(c, s, article_version, version_from_row, article_versions_free, out, n_out);
}

const struct store_kb_ops sqlite_kb_ops = {
    .insert = sq_article_insert,
    .get = sq_article_get,
    .update = sq_article_update,
    .del = sq_article_delete,
    .list = sq_article_list,
    .versions = sq_article_versions,
};
