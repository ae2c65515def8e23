/*
 * The reports (insights.h) as text: RFC 4180 CSV for the API's and the CLI's
 * --csv, or with a tab as separator the CLI's terminal table (cells never
 * quoted, tabs and line breaks in them turned to spaces, a null as "-").
 */
#ifndef TRUCE_SVC_REPORT_CSV_H
#define TRUCE_SVC_REPORT_CSV_H

#include <jansson.h>

#include "insights.h"

/* The trends report: one row per bucket, columns of docs/api.md "Reports",
 * then one "category:NAME" column per category seen in any bucket (0 where
 * a bucket has none).  Caller frees. */
char *report_csv_trends(json_t *rep, char sep);

/* Objects as rows under a header of the first one's keys, nested keys joined
 * with '_' ("first_response_median_ms"); an array is its items joined by
 * spaces.  Without rows the header is shape's keys (an object of a row's
 * shape; NULL: no header).  Caller frees. */
char *report_csv_rows(json_t *rows, json_t *shape, char sep);

/* The rows of a report of svc_report as text: trends by bucket; the
 * overview as one row (its groups, a row each, when grouped; per bucket, a
 * row per bucket and group led by start and end); agents, emerging items
 * and deflection's days a row each.  Always a header, even over no rows.  Caller frees. */
char *report_csv(json_t *rep, enum report_kind kind, char sep);

#endif
