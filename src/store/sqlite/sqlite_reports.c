/* SQLite backend: the reports (store_reports.h).  Each statement returns one
 * row per group; the rows are added into the caller's buckets. */
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

static enum terr finish(struct store_conn *c, sqlite3_stmt *s, int rc)
{
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? TERR_OK : sq_error(c, rc);
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
    return finish(c, s, rc);
}

/* Rows come by bucket, most first: past REPORT_MAX_CATEGORIES the rest of a
 * bucket's counts go to one "(other)" entry. */
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
        if (k->n_categories == REPORT_MAX_CATEGORIES) {
            k->by_category[REPORT_MAX_CATEGORIES - 1].n += cnt;
            continue;
        }
        if (!k->by_category)
            k->by_category = xcalloc(REPORT_MAX_CATEGORIES, sizeof(*k->by_category));
        struct report_count *slot = &k->by_category[k->n_categories++];
        if (k->n_categories == REPORT_MAX_CATEGORIES)
            slot->key = xstrdup("(other)");
        else
            slot->key = xstrdup(name && *name ? name : "(none)");
        slot->n = cnt;
    }
    return finish(c, s, rc);
}

static enum terr sla(struct store_conn *c, const struct trend_query *q, struct trend_bucket *b,
                     size_t n)
{
    sqlite3_stmt *s = bound(c, STMT_REP_SLA, q);
    if (!s)
        return TERR_STORAGE;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct trend_bucket *k = bucket_of(s, b, n);
        if (!k)
            continue;
        k->sla_met += sqlite3_column_int64(s, 1);
        k->sla_breached += sqlite3_column_int64(s, 2);
    }
    return finish(c, s, rc);
}

static enum terr surveys(struct store_conn *c, const struct trend_query *q, struct trend_bucket *b,
                         size_t n)
{
    sqlite3_stmt *s = bound(c, STMT_REP_SURVEYS, q);
    if (!s)
        return TERR_STORAGE;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct trend_bucket *k = bucket_of(s, b, n);
        if (!k)
            continue;
        k->csat_n += sqlite3_column_int64(s, 1);
        k->csat_sum += sqlite3_column_int64(s, 2);
        k->nps_n += sqlite3_column_int64(s, 3);
        k->nps_sum += sqlite3_column_int64(s, 4);
        k->nps_promoters += sqlite3_column_int64(s, 5);
        k->nps_detractors += sqlite3_column_int64(s, 6);
        k->ces_n += sqlite3_column_int64(s, 7);
        k->ces_sum += sqlite3_column_int64(s, 8);
    }
    return finish(c, s, rc);
}

static enum terr deesc(struct store_conn *c, const struct trend_query *q, struct trend_bucket *b,
                       size_t n)
{
    sqlite3_stmt *s = bound(c, STMT_REP_DEESC, q);
    if (!s)
        return TERR_STORAGE;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct trend_bucket *k = bucket_of(s, b, n);
        if (!k)
            continue;
        k->deesc_threads += sqlite3_column_int64(s, 1);
        k->deesc_fell += sqlite3_column_int64(s, 2);
    }
    return finish(c, s, rc);
}

static enum terr trends(struct store_conn *c, const struct trend_query *q, struct trend_bucket *b,
                        size_t n)
{
    enum terr e = tickets(c, q, b, n);
    if (!e)
        e = categories(c, q, b, n);
    if (!e)
        e = sla(c, q, b, n);
    if (!e)
        e = surveys(c, q, b, n);
    if (!e)
        e = deesc(c, q, b, n);
    return e;
}

const struct store_reports_ops sqlite_reports_ops = {
    .trends = trends,
};
