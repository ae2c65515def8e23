/*
 * SQLite backend: escalation rules, the tickets' rule states and staff
 * notifications (store_rules.h).  Every change to the rules table is
 * followed, in the same transaction, by a new 'rules_version' tag.
 */
#include "sqlite_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../../util/timeutil.h"
#include "../store_rules_int.h"

static enum terr bump_version(struct store_conn *c)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULES_BUMP);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, time_now_ms());
    return sq_exec(c, s);
}

/* ---- rules ---- */

static void rule_from_row(sqlite3_stmt *s, struct rule_row *r)
{
    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(s, 0);
    r->name = sq_col_text(s, 1);
    r->position = sqlite3_column_int(s, 2);
    r->spec = sq_col_text(s, 3);
    r->created_at = sqlite3_column_int64(s, 4);
    r->updated_at = sqlite3_column_int64(s, 5);
}

static enum terr insert_one(struct store_conn *c, struct rule_row *r)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULE_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, r->name);
    sqlite3_bind_int(s, 2, r->position);
    sq_bind_text(s, 3, r->spec);
    sqlite3_bind_int64(s, 4, r->created_at);
    sqlite3_bind_int64(s, 5, r->updated_at);
    return sq_insert_id(c, s, &r->id);
}

static enum terr sq_rule_insert(struct store_conn *c, struct rule_row *r)
{
    enum terr e = insert_one(c, r);
    return e ? e : bump_version(c);
}

static enum terr sq_rule_get(struct store_conn *c, int64_t id, struct rule_row *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULE_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        rule_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

static enum terr sq_rule_update(struct store_conn *c, const struct rule_row *r)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULE_UPDATE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, r->id);
    sq_bind_text(s, 2, r->name);
    sqlite3_bind_int(s, 3, r->position);
    sq_bind_text(s, 4, r->spec);
    sqlite3_bind_int64(s, 5, r->updated_at);
    enum terr e = sq_exec(c, s);
    if (!e && sqlite3_changes(c->db) == 0)
        return TERR_NOT_FOUND;
    return e ? e : bump_version(c);
}

static enum terr sq_rule_set_position(struct store_conn *c, int64_t id, int position)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULE_SET_POSITION);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, position);
    enum terr e = sq_exec(c, s);
    if (!e && sqlite3_changes(c->db) == 0)
        return TERR_NOT_FOUND;
    return e ? e : bump_version(c);
}

static enum terr sq_rule_delete(struct store_conn *c, int64_t id)
{
    int64_t n = 0;
    enum terr e = sq_delete_where(c, STMT_RULE_DELETE, id, &n);
    if (!e && n == 0)
        return TERR_NOT_FOUND;
    return e ? e : bump_version(c);
}

static enum terr sq_rule_list(struct store_conn *c, struct rule_row **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULE_LIST);
    if (!s)
        return TERR_STORAGE;
    COLLECT_ROWS(c, s, rule_row, rule_from_row, rule_rows_free, out, n_out);
}

static enum terr sq_rules_replace(struct store_conn *c, struct rule_row *v, size_t n)
{
    enum terr e = sq_delete_where(c, STMT_RULE_DELETE_ALL, 0, NULL);
    for (size_t i = 0; !e && i < n; i++)
        e = insert_one(c, &v[i]);
    return e ? e : bump_version(c);
}

static enum terr sq_rules_version(struct store_conn *c, int64_t *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULES_VERSION);
    if (!s)
        return TERR_STORAGE;
    int rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? TERR_OK : sq_error(c, rc);
}

/* ---- rule states ---- */

static enum terr sq_rule_states_get(struct store_conn *c, int64_t ticket_id,
                                    struct rule_state **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULE_STATES_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    struct rule_state *v = NULL;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        v = xrealloc(v, (n + 1) * sizeof(*v));
        struct rule_state *st = &v[n++];
        memset(st, 0, sizeof(*st));
        const char *name = (const char *)sqlite3_column_text(s, 0);
        snprintf(st->rule, sizeof(st->rule), "%s", name ? name : "");
        st->fired_at = sqlite3_column_int64(s, 1);
        st->times = (uint32_t)sqlite3_column_int64(s, 2);
        st->armed = sqlite3_column_int(s, 3) != 0;
        st->armed_at = sqlite3_column_int64(s, 4);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        free(v);
        return sq_error(c, rc);
    }
    *out = v;
    *n_out = n;
    return TERR_OK;
}

static enum terr sq_rule_state_put(struct store_conn *c, int64_t ticket_id,
                                   const struct rule_state *st)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULE_STATE_PUT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    sq_bind_text(s, 2, st->rule);
    sqlite3_bind_int64(s, 3, st->fired_at);
    sqlite3_bind_int64(s, 4, st->times);
    sqlite3_bind_int(s, 5, st->armed ? 1 : 0);
    sqlite3_bind_int64(s, 6, st->armed_at);
    return sq_exec(c, s);
}

static enum terr sq_rule_states_rename(struct store_conn *c, const char *from, const char *to)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_RULE_STATES_RENAME);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, from);
    sq_bind_text(s, 2, to);
    return sq_exec(c, s);
}

/* ---- notifications ---- */

static void notification_from_row(sqlite3_stmt *s, struct notification *n)
{
    memset(n, 0, sizeof(*n));
    n->id = sqlite3_column_int64(s, 0);
    n->agent_id = sqlite3_column_int64(s, 1);
    role_parse((const char *)sqlite3_column_text(s, 2), &n->role);
    n->ticket_id = sqlite3_column_int64(s, 3);
    n->kind = sq_col_text(s, 4);
    n->text = sq_col_text(s, 5);
    n->created_at = sqlite3_column_int64(s, 6);
    n->read_at = sqlite3_column_int64(s, 7);
}

static enum terr sq_notification_insert(struct store_conn *c, struct notification *n)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_NOTIFICATION_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_id(s, 1, n->agent_id);
    sq_bind_text(s, 2, n->agent_id ? NULL : role_name(n->role));
    sq_bind_id(s, 3, n->ticket_id);
    sq_bind_text(s, 4, n->kind);
    sq_bind_text(s, 5, n->text);
    sqlite3_bind_int64(s, 6, n->created_at);
    return sq_insert_id(c, s, &n->id);
}

static enum terr sq_notification_get(struct store_conn *c, int64_t id, struct notification *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_NOTIFICATION_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        notification_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

static enum terr sq_notification_list(struct store_conn *c, const struct notification_query *q,
                                      struct notification **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_NOTIFICATION_LIST);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, q->agent_id);
    sq_bind_text(s, 2, role_name(q->role));
    sqlite3_bind_int(s, 3, q->unread_only ? 1 : 0);
    sqlite3_bind_int64(s, 4, q->before_id);
    sqlite3_bind_int64(s, 5, q->limit ? (sqlite3_int64)q->limit : -1);
    COLLECT_ROWS(c, s, notification, notification_from_row, notifications_free, out, n_out);
}

static enum terr sq_notifications_read_before(struct store_conn *c, int64_t before, int64_t at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_NOTIFICATIONS_READ_BEFORE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, before);
    sqlite3_bind_int64(s, 2, at);
    return sq_exec(c, s);
}

static enum terr sq_notification_mark_read(struct store_conn *c, int64_t id, int64_t at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_NOTIFICATION_MARK_READ);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, at);
    enum terr e = sq_exec(c, s);
    if (e || sqlite3_changes(c->db) == 1)
        return e;
    struct notification n = {0};
    e = sq_notification_get(c, id, &n); /* unknown, or read already (fine) */
    notification_release(&n);
    return e;
}

const struct store_rules_ops sqlite_rules_ops = {
    .rule_insert = sq_rule_insert,
    .rule_get = sq_rule_get,
    .rule_update = sq_rule_update,
    .rule_set_position = sq_rule_set_position,
    .rule_delete = sq_rule_delete,
    .rule_list = sq_rule_list,
    .rules_replace = sq_rules_replace,
    .rules_version = sq_rules_version,
    .rule_states_get = sq_rule_states_get,
    .rule_state_put = sq_rule_state_put,
    .rule_states_rename = sq_rule_states_rename,
    .notification_insert = sq_notification_insert,
    .notification_get = sq_notification_get,
    .notification_list = sq_notification_list,
    .notification_mark_read = sq_notification_mark_read,
    .notifications_read_before = sq_notifications_read_before,
};
