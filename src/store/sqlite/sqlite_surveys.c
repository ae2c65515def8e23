/* SQLite backend: settings, surveys and the outbox. */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"

/* ---- settings ---- */

enum terr sq_setting_get(struct store_conn *c, const char *name, unsigned char *out, size_t cap,
                         size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SETTING_GET);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, name);
    int rc = sqlite3_step(s);
    enum terr e = rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
    if (!e) {
        const void *v = sqlite3_column_blob(s, 0);
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        if (n > cap) {
            e = TERR_TOO_LARGE;
        } else {
            if (n)
                memcpy(out, v, n);
            *n_out = n;
        }
    }
    sqlite3_reset(s);
    return e;
}

enum terr sq_setting_insert(struct store_conn *c, const char *name, const unsigned char *value,
                            size_t len, int64_t now)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SETTING_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, name);
    sqlite3_bind_blob(s, 2, value, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, now);
    return sq_exec(c, s);
}

enum terr sq_setting_put(struct store_conn *c, const char *name, const unsigned char *value,
                         size_t len, int64_t now)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SETTING_PUT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, name);
    sqlite3_bind_blob(s, 2, value, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, now);
    return sq_exec(c, s);
}

/* ---- surveys ---- */

static int score_col(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? SURVEY_NO_SCORE : sqlite3_column_int(s, i);
}

static void bind_score(sqlite3_stmt *s, int i, int v)
{
    if (v == SURVEY_NO_SCORE)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int(s, i, v);
}

static void survey_from_row(sqlite3_stmt *s, struct survey *out)
{
    memset(out, 0, sizeof(*out));
    out->id = sqlite3_column_int64(s, 0);
    out->ticket_id = sqlite3_column_int64(s, 1);
    if (sqlite3_column_bytes(s, 2) == SURVEY_HASH_LEN)
        memcpy(out->token_hash, sqlite3_column_blob(s, 2), SURVEY_HASH_LEN);
    out->created_at = sqlite3_column_int64(s, 3);
    out->expires_at = sqlite3_column_int64(s, 4);
    out->answered_at = sqlite3_column_int64(s, 5);
    out->csat = score_col(s, 6);
    out->nps = score_col(s, 7);
    out->ces = score_col(s, 8);
    out->comment = sq_col_text(s, 9);
}

enum terr sq_survey_insert(struct store_conn *c, struct survey *sv)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SURVEY_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, sv->ticket_id);
    sqlite3_bind_int64(s, 2, sv->created_at);
    sqlite3_bind_int64(s, 3, sv->expires_at);
    return sq_insert_id(c, s, &sv->id);
}

enum terr sq_survey_set_token(struct store_conn *c, int64_t id,
                              const unsigned char hash[SURVEY_HASH_LEN])
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SURVEY_SET_TOKEN);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_blob(s, 2, hash, SURVEY_HASH_LEN, SQLITE_TRANSIENT);
    enum terr e = sq_exec(c, s);
    if (!e && sqlite3_changes(c->db) == 0)
        return TERR_NOT_FOUND;
    return e;
}

enum terr sq_survey_get(struct store_conn *c, int64_t id, struct survey *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SURVEY_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        survey_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

enum terr sq_survey_answer(struct store_conn *c, int64_t id, const struct survey_answer *a,
                           int64_t now)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SURVEY_ANSWER);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, now);
    bind_score(s, 3, a->csat);
    bind_score(s, 4, a->nps);
    bind_score(s, 5, a->ces);
    sq_bind_text(s, 6, a->comment);
    enum terr e = sq_exec(c, s);
    if (e || sqlite3_changes(c->db) > 0)
        return e;
    /* Nothing changed: answered already, or no such survey. */
    s = sq_stmt(c, STMT_SURVEY_EXISTS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_CONFLICT : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

enum terr sq_survey_list(struct store_conn *c, int64_t ticket_id, struct survey **out,
                         size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SURVEY_LIST);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    COLLECT_ROWS(c, s, survey, survey_from_row, surveys_free, out, n_out);
}

/* ---- outbox ---- */

static void outbox_from_row(sqlite3_stmt *s, struct outbox_msg *m)
{
    memset(m, 0, sizeof(*m));
    m->id = sqlite3_column_int64(s, 0);
    m->ticket_id = sqlite3_column_int64(s, 1);
    m->customer_id = sqlite3_column_int64(s, 2);
    channel_parse((const char *)sqlite3_column_text(s, 3), &m->channel);
    outbox_kind_parse((const char *)sqlite3_column_text(s, 4), &m->kind);
    m->subject = sq_col_text(s, 5);
    m->body = sq_col_text(s, 6);
    outbox_state_parse((const char *)sqlite3_column_text(s, 7), &m->state);
    m->survey_id = sqlite3_column_int64(s, 8);
    m->due_at = sqlite3_column_int64(s, 9);
    m->created_at = sqlite3_column_int64(s, 10);
    m->sent_at = sqlite3_column_int64(s, 11);
}

enum terr sq_outbox_insert(struct store_conn *c, struct outbox_msg *m)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_OUTBOX_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_id(s, 1, m->ticket_id);
    sqlite3_bind_int64(s, 2, m->customer_id);
    sq_bind_text(s, 3, channel_name(m->channel));
    sq_bind_text(s, 4, outbox_kind_name(m->kind));
    sq_bind_text(s, 5, m->subject ? m->subject : "");
    sq_bind_text(s, 6, m->body ? m->body : "");
    sq_bind_text(s, 7, outbox_state_name(m->state));
    sq_bind_id(s, 8, m->survey_id);
    sqlite3_bind_int64(s, 9, m->due_at);
    sqlite3_bind_int64(s, 10, m->created_at);
    sq_bind_id(s, 11, m->sent_at);
    return sq_insert_id(c, s, &m->id);
}

enum terr sq_outbox_list(struct store_conn *c, const struct outbox_query *q,
                         struct outbox_msg **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_OUTBOX_LIST);
    if (!s)
        return TERR_STORAGE;
    sq_bind_id(s, 1, q->ticket_id);
    if (q->has_state)
        sq_bind_text(s, 2, outbox_state_name(q->state));
    sqlite3_bind_int64(s, 3, q->after_id);
    sqlite3_bind_int64(s, 4, q->limit ? (sqlite3_int64)q->limit : -1);
    sq_bind_id(s, 5, q->due_by);
    COLLECT_ROWS(c, s, outbox_msg, outbox_from_row, outbox_msgs_free, out, n_out);
}

enum terr sq_outbox_mark(struct store_conn *c, int64_t id, enum outbox_state state, int64_t at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_OUTBOX_MARK);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    sq_bind_text(s, 2, outbox_state_name(state));
    sq_bind_id(s, 3, state == OUTBOX_STATE_SENT ? at : 0);
    enum terr e = sq_exec(c, s);
    if (e || sqlite3_changes(c->db) > 0)
        return e;
    /* Nothing changed: not queued any more, or no such message. */
    s = sq_stmt(c, STMT_OUTBOX_EXISTS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_CONFLICT : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}
