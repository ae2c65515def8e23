/* SQLite backend: the reports (store_reports.h).  The trends' statements
 * return one row per bucket and group, added into the caller's buckets; the
 * row walks hand each row to the caller's callback. */
#include <string.h>

#include "../../util/alloc.h"
#include "../store_reports_int.h"
#include "sqlite_int.h"

static sqlite3_stmt *bound(struct store_conn *c, enum sqlite_stmt which,
                           const struct trend_query *q)
{
    sqlite3_stmt *s = sq_stmt(c, which);
    if (s) {
        sqlite3_bind_int64(s, 1, q->from);
        sqlite3_bind_int64(s, 2, q->to);
        sqlite3_bind_int64(s, 3, q->bucket_ms);
    }
    return s;
}

/* The bucket of a row's column 0, or NULL when out of range (never, as the
 * statements bound their rows by the range; checked all the same). */
static struct trend_bucket *bucket_of(sqlite3_stmt *s, struct trend_bucket *b, size_t n)
{
    int64_t i = sqlite3_column_int64(s, 0);
    return i >= 0 && (uint64_t)i < n ? &b[i] : NULL;
}

static enum terr tickets(struct store_conn *c, const struct trend_query *q, struct trend_bucket *b,
                         size_t n)
{
    sqlite3_stmt *s = bound(c, STMT_REP_TICKETS, q);
    if (!s)
        return TERR_STORAGE;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct trend_bucket *k = bucket_of(s, b, n);
        enum level lv;
        enum channel ch;
        int64_t cnt = sqlite3_column_int64(s, 3);
        if (!k)
            continue;
        k->opened += cnt;
        if (level_parse((const char *)sqlite3_column_text(s, 1), &lv)) {
            k->by_level[lv] += cnt;
            if (lv >= LEVEL_TENSE)
                k->conflicts += cnt;
        }
        if (channel_parse((const char *)sqlite3_column_text(s, 2), &ch))
            k->by_channel[ch] += cnt;
    }
    return sq_done(c, s, rc);
}

/* Rows come by bucket, most first: a bucket names its first
 * REPORT_MAX_CATEGORIES, and the rest's counts go to one "(other)" entry
 * after them. */
static enum terr categories(struct store_conn *c, const struct trend_query *q,
                            struct trend_bucket *b, size_t n)
{
    sqlite3_stmt *s = bound(c, STMT_REP_CATEGORIES, q);
    if (!s)
        return TERR_STORAGE;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct trend_bucket *k = bucket_of(s, b, n);
        if (!k)
            continue;
        const char *name = (const char *)sqlite3_column_text(s, 1);
        int64_t cnt = sqlite3_column_int64(s, 2);
        if (k->n_categories > REPORT_MAX_CATEGORIES) {
            k->by_category[REPORT_MAX_CATEGORIES].n += cnt;
            continue;
        }
        if (!k->by_category) /* the named ones and "(other)" */
            k->by_category = xcalloc(REPORT_MAX_CATEGORIES + 1, sizeof(*k->by_category));
        struct report_count *slot = &k->by_category[k->n_categories++];
        if (k->n_categories > REPORT_MAX_CATEGORIES)
            slot->key = xstrdup("(other)");
        else
            slot->key = xstrdup(name && *name ? name : "(none)");
        slot->n = cnt;
    }
    return sq_done(c, s, rc);
}

static enum terr trends(struct store_conn *c, const struct trend_query *q, struct trend_bucket *b,
                        size_t n)
{
    enum terr e = tickets(c, q, b, n);
    if (!e)
        e = categories(c, q, b, n);
    return e;
}

/* ---- row walks ---- */

static sqlite3_stmt *ranged(struct store_conn *c, enum sqlite_stmt which, int64_t from, int64_t to)
{
    sqlite3_stmt *s = sq_stmt(c, which);
    if (s) {
        sqlite3_bind_int64(s, 1, from);
        sqlite3_bind_int64(s, 2, to);
    }
    return s;
}

static const char *text_at(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return t ? t : "";
}

static enum terr ticket_rows(struct store_conn *c, int64_t from, int64_t to,
                             enum terr (*each)(void *, const struct report_ticket *), void *arg)
{
    sqlite3_stmt *s = ranged(c, STMT_REP_TICKET_ROWS, from, to);
    if (!s)
        return TERR_STORAGE;
    int rc;
    enum terr e = TERR_OK;
    while (!e && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct report_ticket t = {
            .id = sqlite3_column_int64(s, 0),
            .assignee_id = sqlite3_column_int64(s, 1),
            .assignee = text_at(s, 2),
            .category = text_at(s, 3),
            .created_at = sqlite3_column_int64(s, 4),
            .first_response_at = sqlite3_column_int64(s, 5),
            .resolved_at = sqlite3_column_int64(s, 6),
            .resolved = sqlite3_column_int(s, 8) != 0,
            .reopened = sqlite3_column_int(s, 9) != 0,
            .escalated = sqlite3_column_int(s, 10) != 0,
        };
        if (!channel_parse(text_at(s, 11), &t.channel))
            t.channel = CHANNEL_API;
        if (!level_parse(text_at(s, 7), &t.peak))
            t.peak = LEVEL_CALM;
        e = each(arg, &t);
    }
    if (e) {
        sqlite3_reset(s);
        return e;
    }
    return sq_done(c, s, rc);
}

/* Columns from 1 of a REP_DIMS row into o. */
static void dims(sqlite3_stmt *s, struct report_outcome *o)
{
    o->agent_id = sqlite3_column_int64(s, 1);
    o->agent = text_at(s, 2);
    if (!channel_parse(text_at(s, 3), &o->channel))
        o->channel = CHANNEL_API;
    o->category = text_at(s, 4);
    if (!level_parse(text_at(s, 5), &o->peak))
        o->peak = LEVEL_CALM;
}

/* One statement's rows as outcomes of kind k; its columns past the
 * dimensions are the kind's fields. */
static enum terr outcome_rows(struct store_conn *c, enum sqlite_stmt which,
                              enum report_outcome_kind k, int64_t from, int64_t to,
                              enum terr (*each)(void *, const struct report_outcome *), void *arg)
{
    sqlite3_stmt *s = ranged(c, which, from, to);
    if (!s)
        return TERR_STORAGE;
    int rc;
    enum terr e = TERR_OK;
    while (!e && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct report_outcome o = {
            .kind = k, .at = sqlite3_column_int64(s, 0), .csat = -1, .nps = -1, .ces = -1};
        dims(s, &o);
        if (k == REPORT_SLA) {
            o.breached = sqlite3_column_int(s, 6) != 0;
        } else if (k == REPORT_SURVEY) {
            o.csat = sqlite3_column_int(s, 6);
            o.nps = sqlite3_column_int(s, 7);
            o.ces = sqlite3_column_int(s, 8);
        } else {
            o.fell = sqlite3_column_int(s, 6) != 0;
        }
        e = each(arg, &o);
    }
    if (e) {
        sqlite3_reset(s);
        return e;
    }
    return sq_done(c, s, rc);
}

static enum terr outcomes(struct store_conn *c, int64_t from, int64_t to,
                          enum terr (*each)(void *, const struct report_outcome *), void *arg)
{
    enum terr e = outcome_rows(c, STMT_REP_SLA_ROWS, REPORT_SLA, from, to, each, arg);
    if (!e)
        e = outcome_rows(c, STMT_REP_SURVEY_ROWS, REPORT_SURVEY, from, to, each, arg);
    if (!e)
        e = outcome_rows(c, STMT_REP_DEESC_ROWS, REPORT_DEESC, from, to, each, arg);
    return e;
}

static enum terr message_rows(struct store_conn *c, int64_t from, int64_t to,
                              enum terr (*each)(void *, const struct report_message *), void *arg)
{
    sqlite3_stmt *s = ranged(c, STMT_REP_MESSAGE_ROWS, from, to);
    if (!s)
        return TERR_STORAGE;
    int rc;
    enum terr e = TERR_OK;
    while (!e && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct report_message m = {
            .ticket_id = sqlite3_column_int64(s, 0),
            .created_at = sqlite3_column_int64(s, 1),
            .body = text_at(s, 2),
        };
        e = each(arg, &m);
    }
    if (e) {
        sqlite3_reset(s);
        return e;
    }
    return sq_done(c, s, rc);
}

const struct store_reports_ops sqlite_reports_ops = {
    .trends = trends,
    .tickets = ticket_rows,
    .outcomes = outcomes,
    .messages = message_rows,
};
