/* SQLite backend: tickets, messages, audit events and idempotency records. */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"

/* ---- tickets ---- */

static void ticket_from_row(sqlite3_stmt *s, struct ticket *t)
{
    memset(t, 0, sizeof(*t));
    t->id = sqlite3_column_int64(s, 0);
    t->subject = sq_col_text(s, 1);
    status_parse((const char *)sqlite3_column_text(s, 2), &t->status);
    priority_parse((const char *)sqlite3_column_text(s, 3), &t->priority);
    channel_parse((const char *)sqlite3_column_text(s, 4), &t->channel);
    t->customer_id = sqlite3_column_int64(s, 5);
    t->assignee_id = sqlite3_column_int64(s, 6);
    t->created_at = sqlite3_column_int64(s, 7);
    t->updated_at = sqlite3_column_int64(s, 8);
    t->first_response_at = sqlite3_column_int64(s, 9);
    t->resolved_at = sqlite3_column_int64(s, 10);
    t->risk = sqlite3_column_int(s, 11);
    level_parse((const char *)sqlite3_column_text(s, 12), &t->level);
    t->category = sq_col_text(s, 13);
    sq_strlist_parse((const char *)sqlite3_column_text(s, 14), &t->tags);
    t->risk_reasons = sq_col_text(s, 15);
    t->category_by_agent = sqlite3_column_int(s, 16) != 0;
    t->due_at = sqlite3_column_int64(s, 17);
    t->breached_at = sqlite3_column_int64(s, 18);
    t->sla_breached = (uint32_t)sqlite3_column_int64(s, 19);
    level_parse((const char *)sqlite3_column_text(s, 20), &t->peak_level);
    t->marked_conflict = sqlite3_column_int(s, 21) != 0;
    t->legal_hold = sqlite3_column_int(s, 22) != 0;
    t->team = sq_col_text(s, 23);
    t->language = sq_col_text(s, 24);
    t->problem_id = sqlite3_column_int64(s, 25);
    t->problem_linked_at = sqlite3_column_int64(s, 26);
}

/* Binds the 26 ticket columns in TICKET_INSERT/TICKET_UPDATE order; returns the tags JSON to free.
 */
static char *bind_ticket(sqlite3_stmt *s, const struct ticket *t)
{
    char *tags = sq_strlist_json(&t->tags);
    sq_bind_text(s, 1, t->subject);
    sq_bind_text(s, 2, status_name(t->status));
    sq_bind_text(s, 3, priority_name(t->priority));
    sq_bind_text(s, 4, channel_name(t->channel));
    sqlite3_bind_int64(s, 5, t->customer_id);
    sq_bind_id(s, 6, t->assignee_id);
    sqlite3_bind_int64(s, 7, t->created_at);
    sqlite3_bind_int64(s, 8, t->updated_at);
    sq_bind_id(s, 9, t->first_response_at);
    sq_bind_id(s, 10, t->resolved_at);
    sqlite3_bind_int(s, 11, t->risk);
    sq_bind_text(s, 12, level_name(t->level));
    sq_bind_text(s, 13, t->category);
    sq_bind_text(s, 14, tags);
    sq_bind_text(s, 15, t->risk_reasons);
    sqlite3_bind_int(s, 16, t->category_by_agent ? 1 : 0);
    sq_bind_id(s, 17, t->due_at);
    sq_bind_id(s, 18, t->breached_at);
    sqlite3_bind_int64(s, 19, t->sla_breached);
    sq_bind_text(s, 20, level_name(t->peak_level > t->level ? t->peak_level : t->level));
    sqlite3_bind_int(s, 21, t->marked_conflict ? 1 : 0);
    sqlite3_bind_int(s, 22, t->legal_hold ? 1 : 0);
    sq_bind_text(s, 23, t->team);
    sq_bind_text(s, 24, t->language);
    sq_bind_id(s, 25, t->problem_id);
    sq_bind_id(s, 26, t->problem_linked_at);
    return tags;
}

enum terr sq_ticket_insert(struct store_conn *c, struct ticket *t)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_TICKET_INSERT);
    if (!s)
        return TERR_STORAGE;
    char *tags = bind_ticket(s, t);
    enum terr e = sq_insert_id(c, s, &t->id);
    free(tags);
    return e;
}

enum terr sq_ticket_get(struct store_conn *c, int64_t id, struct ticket *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_TICKET_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        ticket_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

enum terr sq_ticket_update(struct store_conn *c, const struct ticket *t)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_TICKET_UPDATE);
    if (!s)
        return TERR_STORAGE;
    char *tags = bind_ticket(s, t);
    sqlite3_bind_int64(s, 27, t->id);
    enum terr e = sq_exec(c, s);
    free(tags);
    if (!e && sqlite3_changes(c->db) == 0)
        return TERR_NOT_FOUND;
    return e;
}

/* "%text%" for LIKE with '\\' as the escape, so %, _ and \\ in text match
 * themselves.  Caller frees. */
static char *like_pattern(const char *text)
{
    size_t n = strlen(text);
    char *p = xmalloc(2 * n + 3), *o = p;
    *o++ = '%';
    for (; *text; text++) {
        if (*text == '%' || *text == '_' || *text == '\\')
            *o++ = '\\';
        *o++ = *text;
    }
    *o++ = '%';
    *o = '\0';
    return p;
}

enum terr sq_ticket_list(struct store_conn *c, const struct ticket_query *q, struct ticket **out,
                         size_t *n_out)
{
    enum sqlite_stmt which = q->sort == SORT_RISK      ? STMT_TICKET_LIST_RISK
                             : q->sort == SORT_UPDATED ? STMT_TICKET_LIST_UPDATED
                             : q->sort == SORT_DUE     ? STMT_TICKET_LIST_DUE
                                                       : STMT_TICKET_LIST_CREATED;
    sqlite3_stmt *s = sq_stmt(c, which);
    if (!s)
        return TERR_STORAGE;
    if (q->has_status)
        sq_bind_text(s, 1, status_name(q->status));
    if (q->has_level)
        sq_bind_text(s, 2, level_name(q->level));
    sq_bind_id(s, 3, q->assignee_id);
    sq_bind_id(s, 4, q->customer_id);
    /* Without a cursor, start above every real position (below, for the
     * one ascending order). */
    int64_t start = q->sort == SORT_DUE ? INT64_MIN : INT64_MAX;
    sqlite3_bind_int64(s, 5, q->has_after ? q->after_key : start);
    sqlite3_bind_int64(s, 6, q->has_after ? q->after_id : start);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)q->limit);
    if (q->has_channel)
        sq_bind_text(s, 8, channel_name(q->channel));
    char *like = q->search ? like_pattern(q->search) : NULL;
    if (like)
        sqlite3_bind_text(s, 9, like, -1, free);
    COLLECT_ROWS(c, s, ticket, ticket_from_row, tickets_free, out, n_out);
}

/* ---- messages ---- */

static void message_from_row(sqlite3_stmt *s, struct message *m)
{
    memset(m, 0, sizeof(*m));
    m->id = sqlite3_column_int64(s, 0);
    m->ticket_id = sqlite3_column_int64(s, 1);
    author_parse((const char *)sqlite3_column_text(s, 2), &m->author_kind);
    m->author_id = sqlite3_column_int64(s, 3);
    m->body = sq_col_text(s, 4);
    m->internal = sqlite3_column_int(s, 5) != 0;
    channel_parse((const char *)sqlite3_column_text(s, 6), &m->channel);
    m->created_at = sqlite3_column_int64(s, 7);
    m->analysis_json = sq_col_text(s, 8);
    m->coach_json = sq_col_text(s, 9);
}

enum terr sq_message_insert(struct store_conn *c, struct message *m)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_MESSAGE_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, m->ticket_id);
    sq_bind_text(s, 2, author_name(m->author_kind));
    sq_bind_id(s, 3, m->author_id);
    sq_bind_text(s, 4, m->body);
    sqlite3_bind_int(s, 5, m->internal ? 1 : 0);
    sq_bind_text(s, 6, channel_name(m->channel));
    sqlite3_bind_int64(s, 7, m->created_at);
    sq_bind_text(s, 8, m->analysis_json);
    sq_bind_text(s, 9, m->coach_json);
    return sq_insert_id(c, s, &m->id);
}

/* SQLite reads a negative LIMIT as "no limit". */
static sqlite3_int64 sql_limit(size_t limit)
{
    return limit ? (sqlite3_int64)limit : -1;
}

enum terr sq_message_list(struct store_conn *c, int64_t ticket_id, bool with_internal,
                          int64_t after_id, size_t limit, struct message **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_MESSAGE_LIST);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int(s, 2, with_internal ? 1 : 0);
    sqlite3_bind_int64(s, 3, after_id);
    sqlite3_bind_int64(s, 4, sql_limit(limit));
    COLLECT_ROWS(c, s, message, message_from_row, messages_free, out, n_out);
}

enum terr sq_message_recent(struct store_conn *c, int64_t ticket_id, size_t limit,
                            struct message **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_MESSAGE_RECENT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, sql_limit(limit));
    COLLECT_ROWS(c, s, message, message_from_row, messages_free, out, n_out);
}

/* ---- events ---- */

static void event_from_row(sqlite3_stmt *s, struct event *e)
{
    memset(e, 0, sizeof(*e));
    e->id = sqlite3_column_int64(s, 0);
    e->actor_kind = sq_col_text(s, 1);
    e->actor_id = sqlite3_column_int64(s, 2);
    e->action = sq_col_text(s, 3);
    e->target_kind = sq_col_text(s, 4);
    e->target_id = sqlite3_column_int64(s, 5);
    e->ticket_id = sqlite3_column_int64(s, 6);
    e->before_json = sq_col_text(s, 7);
    e->after_json = sq_col_text(s, 8);
    e->created_at = sqlite3_column_int64(s, 9);
}

enum terr sq_event_insert(struct store_conn *c, struct event *e)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_EVENT_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, e->actor_kind);
    sq_bind_id(s, 2, e->actor_id);
    sq_bind_text(s, 3, e->action);
    sq_bind_text(s, 4, e->target_kind);
    sq_bind_id(s, 5, e->target_id);
    sq_bind_id(s, 6, e->ticket_id);
    sq_bind_text(s, 7, e->before_json);
    sq_bind_text(s, 8, e->after_json);
    sqlite3_bind_int64(s, 9, e->created_at);
    return sq_insert_id(c, s, &e->id);
}

enum terr sq_event_list(struct store_conn *c, int64_t ticket_id, int64_t after_id, size_t limit,
                        struct event **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_EVENT_LIST);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, after_id);
    sqlite3_bind_int64(s, 3, sql_limit(limit));
    COLLECT_ROWS(c, s, event, event_from_row, events_free, out, n_out);
}

/* ---- idempotency ---- */

enum terr sq_idem_get(struct store_conn *c, const char *principal, const char *key,
                      struct idem_record *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_IDEM_GET);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, principal);
    sq_bind_text(s, 2, key);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof(*out));
        out->principal = sq_col_text(s, 0);
        out->key = sq_col_text(s, 1);
        const void *h = sqlite3_column_blob(s, 2);
        if (h && sqlite3_column_bytes(s, 2) == STORE_HASH_LEN)
            memcpy(out->request_hash, h, STORE_HASH_LEN);
        out->status = sqlite3_column_int(s, 3);
        out->response = sq_col_text(s, 4);
        out->created_at = sqlite3_column_int64(s, 5);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

enum terr sq_idem_put(struct store_conn *c, const struct idem_record *r)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_IDEM_PUT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, r->principal);
    sq_bind_text(s, 2, r->key);
    sqlite3_bind_blob(s, 3, r->request_hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 4, r->status);
    sq_bind_text(s, 5, r->response);
    sqlite3_bind_int64(s, 6, r->created_at);
    return sq_exec(c, s);
}

enum terr sq_idem_purge(struct store_conn *c, int64_t before, int64_t *n_out)
{
    return sq_delete_where(c, STMT_IDEM_PURGE, before, n_out);
}
