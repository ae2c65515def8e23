/* SQLite backend: the SLA clocks' pauses, alerts and message times (store_sla.h). */
#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../store_sla_int.h"
#include "sqlite_int.h"

static void pause_from_row(sqlite3_stmt *s, struct sla_pause *p)
{
    p->from = sqlite3_column_int64(s, 0);
    p->to = sqlite3_column_int64(s, 1); /* NULL reads as 0: still going on */
}

static enum terr pause_list(struct store_conn *c, int64_t ticket_id, struct sla_pause **out,
                            size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_PAUSE_LIST);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    COLLECT_ROWS(c, s, sla_pause, pause_from_row, sq_rows_free, out, n_out);
}

static enum terr pause_open(struct store_conn *c, int64_t ticket_id, int64_t from)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_PAUSE_OPEN);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, from);
    return sq_exec(c, s);
}

static enum terr pause_close(struct store_conn *c, int64_t ticket_id, int64_t to)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_PAUSE_CLOSE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    sqlite3_bind_int64(s, 2, to);
    return sq_exec(c, s);
}

static enum terr alert_insert(struct store_conn *c, int64_t ticket_id, enum sla_metric metric,
                              int64_t started_at, int percent, int64_t at, bool *out_created)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SLA_ALERT_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    sq_bind_text(s, 2, sla_metric_name(metric));
    sqlite3_bind_int64(s, 3, started_at);
    sqlite3_bind_int(s, 4, percent);
    sqlite3_bind_int64(s, 5, at);
    enum terr e = sq_exec(c, s);
    if (!e)
        *out_created = sqlite3_changes(c->db) > 0;
    return e;
}

static void time_from_row(sqlite3_stmt *s, struct message *m)
{
    memset(m, 0, sizeof(*m));
    author_parse((const char *)sqlite3_column_text(s, 0), &m->author_kind);
    m->created_at = sqlite3_column_int64(s, 1);
}

static enum terr messages(struct store_conn *c, int64_t ticket_id, struct message **out,
                          size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SLA_MESSAGES);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, ticket_id);
    COLLECT_ROWS(c, s, message, time_from_row, messages_free, out, n_out);
}

const struct store_sla_ops sqlite_sla_ops = {
    .pause_list = pause_list,
    .pause_open = pause_open,
    .pause_close = pause_close,
    .alert_insert = alert_insert,
    .messages = messages,
};
