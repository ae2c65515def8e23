/*
 * GET /api/v1/reports/trends: the desk's numbers per day or week (docs/api.md
 * "Reports"), as JSON or, with Accept: text/csv or ?format=csv, as CSV with
 * one row per bucket.
 *
 * The range is given by from and to: dates (YYYY-MM-DD, UTC, both days
 * included) or RFC 3339 instants (to excluded); without them the last 30
 * days up to the end of today.  The store computes the report in one read
 * transaction; at most REPORT_MAX_BUCKETS buckets are asked for.
 *
 * GET /api/v1/reports/{overview,agents,emerging} (service/insights.h) take
 * the same range, at most INSIGHTS_MAX_DAYS long; their CSV has one row for
 * the overview, per agent, per emerging item, nested fields flattened with
 * '_' ("first_response_median_ms").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/insights.h"
#include "../store/store_reports.h"
#include "../util/buf.h"
#include "../util/timeutil.h"
#include "handlers.h"
#include "render.h"

#define DAY_MS       86400000LL
#define DEFAULT_DAYS 30
#define CSV_MAX      (8 * 1024 * 1024)
#define CSV_TYPE     "text/csv; charset=utf-8"

/* A date or instant query argument; `end` turns a date into the start of the
 * next day (the day is included).  Returns false when malformed. */
static bool parse_when(const char *s, bool end, int64_t *out)
{
    if (strlen(s) == 10) {
        char full[32];
        snprintf(full, sizeof full, "%sT00:00:00Z", s);
        if (!time_parse_iso(full, out))
            return false;
        if (end)
            *out += DAY_MS;
        return true;
    }
    return time_parse_iso(s, out);
}

struct trends_read {
    struct trend_query q;
    struct trend_report r;
};

static enum terr trends_tx(struct store_tx *tx, void *arg)
{
    struct trends_read *t = arg;
    return store_report_trends(tx, &t->q, &t->r);
}

/* num / den rounded to 4 places, or null when den is 0. */
static json_t *share(int64_t num, int64_t den)
{
    return den ? json_real(round((double)num / (double)den * 10000.0) / 10000.0) : json_null();
}

static json_t *score(int64_t n, int64_t sum)
{
    return json_pack("{s:o,s:I}", "avg", share(sum, n), "n", (json_int_t)n);
}

/* NPS: promoters' share minus detractors', as -100..100; null without answers. */
static json_t *nps_score(const struct trend_bucket *b)
{
    if (!b->nps_n)
        return json_null();
    return json_real(
        round((double)(b->nps_promoters - b->nps_detractors) * 1000.0 / (double)b->nps_n) / 10.0);
}

static json_t *bucket_json(const struct trend_bucket *b)
{
    json_t *lv = json_object(), *ch = json_object(), *cat = json_object();
    for (int i = 0; i < REPORT_N_LEVELS; i++)
        json_object_set_new(lv, level_name((enum level)i), json_integer(b->by_level[i]));
    for (int i = 0; i < REPORT_N_CHANNELS; i++)
        json_object_set_new(ch, channel_name((enum channel)i), json_integer(b->by_channel[i]));
    for (size_t i = 0; i < b->n_categories; i++)
        json_object_set_new(cat, b->by_category[i].key, json_integer(b->by_category[i].n));
    json_t *nps = score(b->nps_n, b->nps_sum);
    json_object_set_new(nps, "score", nps_score(b));
    return json_pack(
        "{s:o,s:o,s:I,s:I,s:o,s:o,s:o,s:o,s:{s:I,s:I,s:o},s:{s:o,s:o,s:o},s:{s:I,s:I,s:o}}",
        "start", render_time(b->start), "end", render_time(b->end), "opened", (json_int_t)b->opened,
        "conflicts", (json_int_t)b->conflicts, "conflict_rate", share(b->conflicts, b->opened),
        "by_level", lv, "by_category", cat, "by_channel", ch, "sla", "met", (json_int_t)b->sla_met,
        "breached", (json_int_t)b->sla_breached, "met_rate",
        share(b->sla_met, b->sla_met + b->sla_breached), "surveys", "csat",
        score(b->csat_n, b->csat_sum), "nps", nps, "ces", score(b->ces_n, b->ces_sum),
        "deescalation", "threads", (json_int_t)b->deesc_threads, "fell", (json_int_t)b->deesc_fell,
        "rate", share(b->deesc_fell, b->deesc_threads));
}

/* ---- CSV ---- */

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_text(struct buf *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_adds(o, s);
        return;
    }
    buf_adds(o, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_adds(o, "\"");
        buf_add(o, p, 1);
    }
    buf_adds(o, "\"");
}

/* A number cell from the JSON report (empty for null). */
static void csv_value(struct buf *o, const json_t *v)
{
    buf_adds(o, ",");
    if (json_is_integer(v))
        buf_addf(o, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        buf_addf(o, "%.10g", json_real_value(v));
    else if (json_is_string(v))
        csv_text(o, json_string_value(v));
}

/* The columns after start and end: a name and the path to its value. */
static const struct {
    const char *name, *obj, *key;
} csv_cols[] = {
    {"opened", NULL, "opened"},
    {"conflicts", NULL, "conflicts"},
    {"conflict_rate", NULL, "conflict_rate"},
    {"level_calm", "by_level", "calm"},
    {"level_tense", "by_level", "tense"},
    {"level_heated", "by_level", "heated"},
    {"level_hostile", "by_level", "hostile"},
    {"channel_api", "by_channel", "api"},
    {"channel_email", "by_channel", "email"},
    {"channel_web", "by_channel", "web"},
    {"channel_chat", "by_channel", "chat"},
    {"channel_phone", "by_channel", "phone"},
    {"sla_met", "sla", "met"},
    {"sla_breached", "sla", "breached"},
    {"sla_met_rate", "sla", "met_rate"},
    {"deesc_threads", "deescalation", "threads"},
    {"deesc_fell", "deescalation", "fell"},
    {"deesc_rate", "deescalation", "rate"},
};

static const char *const survey_kinds[] = {"csat", "nps", "ces"};

/* The report as CSV: one row per bucket; a column per category seen in any
 * bucket (in order of first appearance), 0 where a bucket has none. */
static char *trends_csv(const json_t *rep)
{
    const json_t *buckets = json_object_get(rep, "buckets");
    json_t *cats = json_object(); /* the union of categories, as a set */
    size_t i;
    const json_t *b;
    json_array_foreach(buckets, i, b)
    {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)json_object_get(b, "by_category"), k, v)
            json_object_set_new(cats, k, json_true());
    }
    struct buf o;
    buf_init(&o, CSV_MAX);
    buf_adds(&o, "start,end");
    for (size_t c = 0; c < sizeof(csv_cols) / sizeof(csv_cols[0]); c++)
        buf_addf(&o, ",%s", csv_cols[c].name);
    for (size_t c = 0; c < 3; c++)
        buf_addf(&o, ",%s_avg,%s_n", survey_kinds[c], survey_kinds[c]);
    buf_adds(&o, ",nps_score");
    const char *k;
    const json_t *v;
    json_object_foreach(cats, k, v)
    {
        char name[300];
        snprintf(name, sizeof name, "category:%s", k);
        buf_adds(&o, ",");
        csv_text(&o, name);
    }
    buf_adds(&o, "\r\n");
    json_array_foreach(buckets, i, b)
    {
        buf_adds(&o, json_string_value(json_object_get(b, "start")));
        csv_value(&o, json_object_get(b, "end"));
        for (size_t c = 0; c < sizeof(csv_cols) / sizeof(csv_cols[0]); c++) {
            const json_t *in = csv_cols[c].obj ? json_object_get(b, csv_cols[c].obj) : b;
            csv_value(&o, json_object_get(in, csv_cols[c].key));
        }
        const json_t *sv = json_object_get(b, "surveys");
        for (size_t c = 0; c < 3; c++) {
            const json_t *one = json_object_get(sv, survey_kinds[c]);
            csv_value(&o, json_object_get(one, "avg"));
            csv_value(&o, json_object_get(one, "n"));
        }
        csv_value(&o, json_object_get(json_object_get(sv, "nps"), "score"));
        const json_t *bc = json_object_get(b, "by_category");
        json_object_foreach(cats, k, v)
        {
            const json_t *n = json_object_get(bc, k);
            if (n)
                csv_value(&o, n);
            else
                buf_adds(&o, ",0");
        }
        buf_adds(&o, "\r\n");
    }
    json_decref(cats);
    return buf_detach(&o, NULL);
}

/* CSV when ?format=csv, or when Accept names text/csv (and format is not
 * json); false with a 400 sent for another format. */
static bool wants_csv(struct request *req, bool *out)
{
    const char *f = req_query(req, "format");
    if (f && strcmp(f, "csv") != 0 && strcmp(f, "json") != 0) {
        reply_error(req, TERR_INVALID, "format", "format must be 'json' or 'csv'");
        return false;
    }
    const char *accept = req_header(req, "Accept");
    *out = f ? strcmp(f, "csv") == 0 : accept && strstr(accept, "text/csv") != NULL;
    return true;
}

void h_report_trends(struct request *req)
{
    const char *from = req_query(req, "from"), *to = req_query(req, "to");
    const char *bucket = req_query(req, "bucket");
    struct trends_read t = {.q.bucket_ms = DAY_MS};
    bool csv;
    if (!wants_csv(req, &csv))
        return;
    if (bucket && strcmp(bucket, "week") == 0)
        t.q.bucket_ms = 7 * DAY_MS;
    else if (bucket && strcmp(bucket, "day") != 0) {
        reply_error(req, TERR_INVALID, "bucket", "bucket must be 'day' or 'week'");
        return;
    }
    if (to) {
        if (!parse_when(to, true, &t.q.to)) {
            reply_error(req, TERR_INVALID, "to", "'to' must be a date (YYYY-MM-DD) or a time");
            return;
        }
    } else {
        int64_t now = time_now_ms();
        t.q.to = now - now % DAY_MS + DAY_MS;
    }
    if (from) {
        if (!parse_when(from, false, &t.q.from)) {
            reply_error(req, TERR_INVALID, "from", "'from' must be a date (YYYY-MM-DD) or a time");
            return;
        }
    } else {
        t.q.from = t.q.to - DEFAULT_DAYS * DAY_MS;
    }
    if (t.q.from >= t.q.to) {
        reply_error(req, TERR_INVALID, "from", "'from' must be before 'to'");
        return;
    }
    int64_t span = t.q.to - t.q.from;
    if (span / t.q.bucket_ms + (span % t.q.bucket_ms != 0) > REPORT_MAX_BUCKETS) {
        reply_error(req, TERR_INVALID, "to", "the range is over %d %ss", REPORT_MAX_BUCKETS,
                    t.q.bucket_ms == DAY_MS ? "day" : "week");
        return;
    }
    enum terr e = store_read(req_store(req), trends_tx, &t);
    if (e) {
        reply_error(req, e, NULL, "cannot read the report");
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; i < t.r.n_buckets; i++)
        json_array_append_new(list, bucket_json(&t.r.buckets[i]));
    trend_report_release(&t.r);
    json_t *rep =
        json_pack("{s:o,s:o,s:s,s:o}", "from", render_time(t.q.from), "to", render_time(t.q.to),
                  "bucket", t.q.bucket_ms == DAY_MS ? "day" : "week", "buckets", list);
    if (!csv) {
        reply_json(req, 200, rep);
        return;
    }
    char *text = trends_csv(rep);
    json_decref(rep);
    req->content_type = CSV_TYPE;
    reply_raw(req, 200, text);
}

/* ---- overview, agents, emerging (service/insights.h) ---- */

#define INSIGHTS_MAX_DAYS 366

/* The range of ?from and ?to as trends reads it (the last 30 days by
 * default), at most INSIGHTS_MAX_DAYS long; false with a 400 sent. */
static bool range_or_reply(struct request *req, int64_t *from, int64_t *to)
{
    const char *f = req_query(req, "from"), *t = req_query(req, "to");
    if (t) {
        if (!parse_when(t, true, to)) {
            reply_error(req, TERR_INVALID, "to", "'to' must be a date (YYYY-MM-DD) or a time");
            return false;
        }
    } else {
        int64_t now = time_now_ms();
        *to = now - now % DAY_MS + DAY_MS;
    }
    if (f) {
        if (!parse_when(f, false, from)) {
            reply_error(req, TERR_INVALID, "from", "'from' must be a date (YYYY-MM-DD) or a time");
            return false;
        }
    } else {
        *from = *to - DEFAULT_DAYS * DAY_MS;
    }
    if (*from >= *to) {
        reply_error(req, TERR_INVALID, "from", "'from' must be before 'to'");
        return false;
    }
    if (*to - *from > INSIGHTS_MAX_DAYS * DAY_MS) {
        reply_error(req, TERR_INVALID, "to", "the range is over %d days", INSIGHTS_MAX_DAYS);
        return false;
    }
    return true;
}

/* CSV columns of a flattened object: nested keys joined with '_'. */
static void flat_header(struct buf *o, json_t *obj, const char *prefix, bool *first)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        char name[256];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "_" : "", k);
        if (json_is_object(v)) {
            flat_header(o, v, name, first);
            continue;
        }
        if (!*first)
            buf_adds(o, ",");
        *first = false;
        csv_text(o, name);
    }
}

/* The values in flat_header's order; an array is its items joined by spaces. */
static void flat_values(struct buf *o, json_t *obj)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        if (json_is_object(v)) {
            flat_values(o, v);
            continue;
        }
        if (json_is_array(v)) {
            struct buf a;
            buf_init(&a, CSV_MAX);
            size_t i;
            const json_t *x;
            json_array_foreach(v, i, x)
            {
                if (i)
                    buf_adds(&a, " ");
                if (json_is_integer(x))
                    buf_addf(&a, "%lld", (long long)json_integer_value(x));
                else if (json_is_string(x))
                    buf_adds(&a, json_string_value(x));
            }
            char *s = buf_detach(&a, NULL);
            json_t *text = json_string(s ? s : "");
            free(s);
            csv_value(o, text);
            json_decref(text);
        } else {
            csv_value(o, v);
        }
    }
}

/* Rows of objects as CSV, the first row's keys as the header. */
static char *rows_csv(json_t *rows)
{
    struct buf o;
    buf_init(&o, CSV_MAX);
    if (json_array_size(rows)) {
        bool first = true;
        flat_header(&o, json_array_get(rows, 0), "", &first);
        buf_adds(&o, "\r\n");
    }
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        struct buf line;
        buf_init(&line, CSV_MAX);
        flat_values(&line, r);
        char *s = buf_detach(&line, NULL);
        buf_adds(&o, s && *s == ',' ? s + 1 : ""); /* csv_value leads with a comma */
        free(s);
        buf_adds(&o, "\r\n");
    }
    return buf_detach(&o, NULL);
}

enum insight_kind { INSIGHT_OVERVIEW, INSIGHT_AGENTS, INSIGHT_EMERGING };

struct insight_read {
    enum insight_kind kind;
    int64_t from, to;
    json_t *out;
};

static enum terr insight_tx(struct store_tx *tx, void *arg)
{
    struct insight_read *r = arg;
    switch (r->kind) {
    case INSIGHT_OVERVIEW:
        return svc_report_overview(tx, r->from, r->to, &r->out);
    case INSIGHT_AGENTS:
        return svc_report_agents(tx, r->from, r->to, &r->out);
    case INSIGHT_EMERGING:
        return svc_report_emerging(tx, r->from, r->to, &r->out);
    }
    return TERR_INTERNAL;
}

static void insight(struct request *req, enum insight_kind kind)
{
    struct insight_read r = {.kind = kind};
    bool csv;
    if (!wants_csv(req, &csv) || !range_or_reply(req, &r.from, &r.to))
        return;
    enum terr e = store_read(req_store(req), insight_tx, &r);
    if (e == TERR_TOO_LARGE) {
        reply_error(req, TERR_INVALID, "from", "the range holds too much to read: shorten it");
        return;
    }
    if (e) {
        reply_error(req, e, NULL, "cannot read the report");
        return;
    }
    json_t *rows; /* what the CSV has a row for */
    json_t *rep = json_pack("{s:o,s:o}", "from", render_time(r.from), "to", render_time(r.to));
    if (kind == INSIGHT_AGENTS) {
        json_object_set(rep, "agents", r.out);
        rows = json_incref(r.out);
    } else {
        json_object_update(rep, r.out);
        rows = kind == INSIGHT_OVERVIEW ? json_pack("[O]", rep)
                                        : json_incref(json_object_get(r.out, "items"));
    }
    json_decref(r.out);
    if (!csv) {
        json_decref(rows);
        reply_json(req, 200, rep);
        return;
    }
    char *text = rows_csv(rows);
    json_decref(rows);
    json_decref(rep);
    req->content_type = CSV_TYPE;
    reply_raw(req, 200, text);
}

void h_report_overview(struct request *req)
{
    insight(req, INSIGHT_OVERVIEW);
}

void h_report_agents(struct request *req)
{
    insight(req, INSIGHT_AGENTS);
}

void h_report_emerging(struct request *req)
{
    insight(req, INSIGHT_EMERGING);
}
