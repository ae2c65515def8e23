/*
 * Insights (issue 7, section 4): the trends, overview, agents and emerging
 * reports of docs/api.md "Reports", as JSON, computed in the caller's read
 * transaction over [from, to) (ms), for the API and `truce report` alike.
 *
 * Tickets count in the range they were opened in ("the cohort"); medians are
 * exact, over the cohort's wall-clock times (first reply minus opening, last
 * resolution minus opening), read into memory up to INSIGHTS_MAX_TICKETS
 * (TERR_TOO_LARGE beyond: ask for a shorter range).
 */
#ifndef TRUCE_SVC_INSIGHTS_H
#define TRUCE_SVC_INSIGHTS_H

#include <jansson.h>
#include <stdbool.h>

#include "service.h"

#define INSIGHTS_MAX_TICKETS 1000000
#define INSIGHTS_MAX_MESSAGES                                                                      \
    2000000 /* read for emerging, baseline included;                                               \
             * TERR_TOO_LARGE beyond */
#define EMERGING_BASELINE_PERIODS 4

/* What the overview is grouped by; a day or week is counted from `from`. */
enum report_by {
    REPORT_BY_NONE,
    REPORT_BY_AGENT,
    REPORT_BY_CHANNEL,
    REPORT_BY_CATEGORY,
    REPORT_BY_LEVEL,
    REPORT_BY_DAY,
    REPORT_BY_WEEK,
};

bool report_by_parse(const char *s, enum report_by *out);
const char *report_by_name(enum report_by by);
/* "day" or "week" as a bucket's length in ms; false for another word. */
bool report_bucket_parse(const char *s, int64_t *out_ms);

enum report_kind {
    REPORT_OVERVIEW,
    REPORT_AGENTS,
    REPORT_EMERGING,
    REPORT_TRENDS,
    REPORT_DEFLECTION,
};

#define REPORT_MAX_DAYS     366 /* the longest range of every report but trends */
#define REPORT_DEFAULT_DAYS 30

struct report_query {
    enum report_kind kind;
    int64_t from, to;  /* ms, [from, to) */
    enum report_by by; /* overview */
    int64_t bucket_ms; /* trends: a day or a week; overview: that, or 0 for none */
    int64_t ticket_id; /* emerging: only the items this ticket is part of; 0 for all */
};

/* Sets q->from and q->to from a query's texts: dates (YYYY-MM-DD, UTC; the
 * `to` day included) or RFC 3339 instants (`to` excluded); without `to` the
 * end of today (now is the time in ms), without `from` REPORT_DEFAULT_DAYS
 * before `to`.  Deflection counts whole UTC days: its range is widened to
 * them.  Checks the range against q's kind, by and bucket: false with
 * *field the query argument at fault and why[] the message. */
bool report_range(struct report_query *q, const char *from, const char *to, int64_t now,
                  const char **field, char why[128]);

/* The fields of one group of the overview or the agents report, every
 * count zero, in the order a group has them: the shape of a report's rows
 * when it has none (the CSV's header).  Caller owns the object. */
json_t *report_group_fields(void);

/* The report q asks for, as docs/api.md "Reports" gives it, {from, to, ...}:
 *   overview  the desk's totals {tickets, conflicts, conflict_rate,
 *             first_response, resolution, sla, reopen, escalation,
 *             deescalation, surveys}; with `by`, {by, total: those, groups:
 *             [{key, ...those}]}; with a bucket, {by, bucket, buckets:
 *             [{start, end, total, groups (when by)}]};
 *   agents    {agents: [{agent_id, name ("" when unassigned), ...}]}, most
 *             tickets first;
 *   emerging  categories and phrases of the range against the
 *             EMERGING_BASELINE_PERIODS ranges of equal length before it:
 *             {baseline_from, baseline_periods, truncated, items: [...]};
 *             with a ticket_id, only its category and the phrases of its
 *             newest customer messages of the range (TERR_NOT_FOUND for no
 *             such ticket);
 *   trends    {bucket, buckets: [...]};
 *   deflection {from, to (days, YYYY-MM-DD, `to` included), total, days:
 *             [{day, deflected}]}, every day of the range.
 * TERR_TOO_LARGE when the range holds more than the limits above.  Caller
 * owns *out. */
enum terr svc_report(struct store_tx *tx, const struct report_query *q, json_t **out);

#endif
