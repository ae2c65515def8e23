/*
 * Insights (issue 7, section 4): the overview, agents and emerging reports
 * of docs/api.md "Reports", as JSON, computed in the caller's read
 * transaction over [from, to) (ms).
 *
 * Tickets count in the range they were opened in ("the cohort"); medians are
 * exact, over the cohort's wall-clock times (first reply minus opening, last
 * resolution minus opening), read into memory up to INSIGHTS_MAX_TICKETS
 * (TERR_TOO_LARGE beyond: ask for a shorter range).
 */
#ifndef TRUCE_SVC_INSIGHTS_H
#define TRUCE_SVC_INSIGHTS_H

#include <jansson.h>

#include "service.h"

#define INSIGHTS_MAX_TICKETS 1000000
#define INSIGHTS_MAX_MESSAGES                                                                      \
    2000000 /* read for emerging, baseline included;                                               \
             * TERR_TOO_LARGE beyond */
#define EMERGING_BASELINE_PERIODS 4

/* The overview: {tickets, conflicts, conflict_rate, first_response, resolution,
 * sla, reopen, escalation, deescalation, surveys}.  Caller owns *out. */
enum terr svc_report_overview(struct store_tx *tx, int64_t from, int64_t to, json_t **out);
/* The same per assignee: an array of objects with agent_id and name, most
 * tickets first.  Caller owns *out. */
enum terr svc_report_agents(struct store_tx *tx, int64_t from, int64_t to, json_t **out);
/* Emerging categories and phrases of [from, to) against the
 * EMERGING_BASELINE_PERIODS periods of equal length before it: {baseline_from,
 * messages, baseline_messages, truncated, items: [...]}.  Caller owns *out. */
enum terr svc_report_emerging(struct store_tx *tx, int64_t from, int64_t to, json_t **out);

#endif
