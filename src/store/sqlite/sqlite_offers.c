/*
 * SQLite backend: offers (store_offers.h).  A decision is one guarded
 * UPDATE (... AND state = 'pending') in the store's write transaction, which
 * holds the database's write lock from its BEGIN IMMEDIATE: a second
 * decision, from this process or another, finds the offer decided and
 * changes nothing.
 */
#include "sqlite_int.h"

#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../store_offers_int.h"

/* SQLite reads a negative LIMIT as "no limit". */
static sqlite3_int64 sql_limit(size_t limit)
{
    return limit ? (sqlite3_int64)limit : -1;
}

static void offer_from_row(sqlite3_stmt *s, struct offer_record *r)
{
    memset(r, 0, sizeof(*r));
    struct offer *o = &r->offer;
    o->id = sqlite3_column_int64(s, 0);
    o->ticket_id = sqlite3_column_int64(s, 1);
    offer_kind_parse((const char *)sqlite3_column_text(s, 2), &o->kind);
    o->amount = sqlite3_column_int64(s, 3);
    const char *cur = (const char *)sqlite3_column_text(s, 4);
    if (cur && offer_currency_valid(cur))
        memcpy(o->currency, cur, 4);
    offer_state_parse((const char *)sqlite3_column_text(s, 5), &o->state);
    r->note = sq_col_text(s, 6);
    r->decision_note = sq_col_text(s, 7);
    o->proposed_by = sqlite3_column_int64(s, 8);
    role_parse((const char *)sqlite3_column_text(s, 9), &o->proposer_role);
    o->proposed_at = sqlite3_column_int64(s, 10);
    o->decided_by = sqlite3_column_int64(s, 11); /* NULL reads as 0 */
    o->decided_at = sqlite3_column_int64(s, 12);
}

static enum terr sq_offer_insert(struct store_conn *c, struct offer_record *r)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_OFFER_INSERT);
    if (!s)
        return TERR_STORAGE;
    const struct offer *o = &r->offer;
    sqlite3_bind_int64(s, 1, o->ticket_id);
    sq_bind_text(s, 2, offer_kind_name(o->kind));
    sqlite3_bind_int64(s, 3, o->amount);
    sq_bind_text(s, 4, o->currency); /* "" for an offer without money */
    sq_bind_text(s, 5, offer_state_name(o->state));
    sq_bind_text(s, 6, r->note);
    sq_bind_text(s, 7, r->decision_note);
    sqlite3_bind_int64(s, 8, o->proposed_by);
    sq_bind_text(s, 9, role_name(o->proposer_role));
    sqlite3_bind_int64(s, 10, o->proposed_at);
    sq_bind_id(s, 11, o->decided_by);
    sq_bind_id(s, 12, o->decided_at);
    return sq_insert_id(c, s, &r->offer.id);
}

static enum terr sq_offer_get(struct store_conn *c, int64_t id, struct offer_record *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_OFFER_GET);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        offer_from_row(s, out);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

static enum terr sq_offer_decide(struct store_conn *c, const struct offer_record *r)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_OFFER_DECIDE);
    if (!s)
        return TERR_STORAGE;
    const struct offer *o = &r->offer;
    sqlite3_bind_int64(s, 1, o->id);
    sq_bind_text(s, 2, offer_state_name(o->state));
    sq_bind_id(s, 3, o->decided_by);
    sq_bind_id(s, 4, o->decided_at);
    sq_bind_text(s, 5, r->decision_note);
    enum terr e = sq_exec(c, s);
    if (e || sqlite3_changes(c->db) == 1)
        return e;
    /* Nothing changed: decided already, or no such offer. */
    s = sq_stmt(c, STMT_OFFER_EXISTS);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, o->id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_CONFLICT : rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
}

static enum terr sq_offer_list(struct store_conn *c, const struct offer_query *q,
                               struct offer_record **out, size_t *n_out)
{
    sqlite3_stmt *s;
    if (q->ticket_id) {
        if (!(s = sq_stmt(c, STMT_OFFER_LIST_TICKET)))
            return TERR_STORAGE;
        sqlite3_bind_int64(s, 1, q->ticket_id);
        if (q->has_state)
            sq_bind_text(s, 2, offer_state_name(q->state));
        sqlite3_bind_int64(s, 3, q->after_id);
        sqlite3_bind_int64(s, 4, sql_limit(q->limit));
    } else if (q->has_state && q->state == OFFER_STATE_PENDING) {
        if (!(s = sq_stmt(c, STMT_OFFER_LIST_PENDING)))
            return TERR_STORAGE;
        sqlite3_bind_int64(s, 1, q->after_id);
        sqlite3_bind_int64(s, 2, sql_limit(q->limit));
    } else {
        if (!(s = sq_stmt(c, STMT_OFFER_LIST)))
            return TERR_STORAGE;
        if (q->has_state)
            sq_bind_text(s, 1, offer_state_name(q->state));
        sqlite3_bind_int64(s, 2, q->after_id);
        sqlite3_bind_int64(s, 3, sql_limit(q->limit));
    }
    COLLECT_ROWS(c, s, offer_record, offer_from_row, offer_records_free, out, n_out);
}

const struct store_offers_ops sqlite_offers_ops = {
    .insert = sq_offer_insert,
    .get = sq_offer_get,
    .decide = sq_offer_decide,
    .list = sq_offer_list,
};
