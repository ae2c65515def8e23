/*
 * GET /api/v1/reports/{trends,overview,agents,emerging,deflection}: the
 * desk's numbers (service/insights.h, docs/api.md "Reports") as JSON or,
 * with Accept: text/csv or ?format=csv, as CSV (service/report_csv.h).
 * Every report takes the range from `from` and `to`; trends `bucket`, the
 * overview `by` and `bucket`.  The service computes it in one read
 * transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "../service/insights.h"
#include "../service/report_csv.h"
#include "../util/timeutil.h"
#include "handlers.h"
#include "paging.h"
#include "render.h"

#define CSV_TYPE "text/csv; charset=utf-8"

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

struct report_read {
    struct report_query q;
    json_t *out;
};

static enum terr report_tx(struct store_tx *tx, void *arg)
{
    struct report_read *r = arg;
    return svc_report(tx, &r->q, &r->out);
}

static void report(struct request *req, enum report_kind kind)
{
    struct report_read r = {
        .q = {.kind = kind, .bucket_ms = kind == REPORT_TRENDS ? TIME_DAY_MS : 0}};
    const char *bucket = req_query(req, "bucket"), *by = req_query(req, "by");
    const char *field;
    char why[128];
    bool csv;
    if (!wants_csv(req, &csv))
        return;
    /* bucket and by get here only for the reports that take them (the route table) */
    if (bucket && !report_bucket_parse(bucket, &r.q.bucket_ms)) {
        reply_error(req, TERR_INVALID, "bucket", "bucket must be 'day' or 'week'");
        return;
    }
    if (by && !report_by_parse(by, &r.q.by)) {
        reply_error(req, TERR_INVALID, "by",
                    "by must be agent, channel, category, level, day or week");
        return;
    }
    const char *ticket = req_query(req, "ticket");
    if (ticket) { /* emerging only (the route table) */
        char *end;
        long long id = strtoll(ticket, &end, 10);
        if (!*ticket || *end || id <= 0) {
            reply_error(req, TERR_INVALID, "ticket", "'ticket' must be a ticket id");
            return;
        }
        r.q.ticket_id = id;
    }
    if (!report_range(&r.q, req_query(req, "from"), req_query(req, "to"), time_now_ms(), &field,
                      why)) {
        reply_error(req, TERR_INVALID, field, "%s", why);
        return;
    }
    enum terr e = store_read(req_store(req), report_tx, &r);
    if (e == TERR_TOO_LARGE) {
        reply_error(req, TERR_INVALID, "from", "the range holds too much to read: shorten it");
        return;
    }
    if (e == TERR_NOT_FOUND) {
        reply_error(req, e, "ticket", "ticket %lld not found", (long long)r.q.ticket_id);
        return;
    }
    if (e) {
        reply_error(req, e, NULL, "cannot read the report");
        return;
    }
    if (!csv) {
        reply_json(req, 200, r.out);
        return;
    }
    char *text = report_csv(r.out, kind, ',');
    json_decref(r.out);
    req->content_type = CSV_TYPE;
    reply_raw(req, 200, text);
}

void h_report_trends(struct request *req)
{
    report(req, REPORT_TRENDS);
}

void h_report_overview(struct request *req)
{
    report(req, REPORT_OVERVIEW);
}

void h_report_agents(struct request *req)
{
    report(req, REPORT_AGENTS);
}

void h_report_emerging(struct request *req)
{
    report(req, REPORT_EMERGING);
}

void h_report_deflection(struct request *req)
{
    report(req, REPORT_DEFLECTION);
}
