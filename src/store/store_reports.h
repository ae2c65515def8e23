/*
 * The store's reports (store.h's section for GET /api/v1/reports/..., kept
 * apart like store_jobs.h): the trends' ticket counts, aggregated in the
 * database over a time range cut into equal buckets; and rows of a range
 * (tickets, outcomes, messages) handed one by one to the caller, who adds
 * them up (each outcome has one definition, here, for every report).
 *
 * A range is [from, to) in milliseconds, cut into buckets of bucket_ms from
 * `from` (the last one may be shorter); a record falls in the bucket of the
 * instant that puts it there (a ticket's opening, a resolution, a survey's
 * answer, an agent's reply), and records outside the range are not read.
 */
#ifndef TRUCE_STORE_REPORTS_H
#define TRUCE_STORE_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/model.h"
#include "../util/err.h"

struct store_tx;

#define REPORT_MAX_BUCKETS    366
#define REPORT_MAX_CATEGORIES 64 /* named per bucket; the rest count as one "(other)" */
#define REPORT_N_LEVELS       (LEVEL_HOSTILE + 1)
#define REPORT_N_CHANNELS     (CHANNEL_PHONE + 1)

struct report_count {
    char *key; /* a category; "" for tickets without one */
    int64_t n;
};

/* One bucket of the trends report's ticket counts (docs/api.md "Reports"
 * defines each); its SLA, surveys and de-escalation are the outcome rows
 * below, added up by the caller. */
struct trend_bucket {
    int64_t start, end; /* [start, end) in ms */
    int64_t opened;     /* tickets opened in the bucket */
    int64_t conflicts;  /* of those, the ones whose peak level reached tense or more */
    int64_t by_level[REPORT_N_LEVELS];     /* opened, by peak level */
    int64_t by_channel[REPORT_N_CHANNELS]; /* opened, by channel */
    struct report_count *by_category;      /* opened, by category, most first then by name;
                                            * past REPORT_MAX_CATEGORIES, "(other)" last */
    size_t n_categories;
};

struct trend_query {
    int64_t from, to; /* ms, from < to */
    int64_t bucket_ms;
};

struct trend_report {
    struct trend_bucket *buckets;
    size_t n_buckets;
};

/* The trends report of q: ceil((to - from) / bucket_ms) buckets, at most
 * REPORT_MAX_BUCKETS (TERR_INVALID otherwise, nothing read).  On success the
 * caller releases *out with trend_report_release(); on failure *out is
 * untouched. */
enum terr store_report_trends(struct store_tx *tx, const struct trend_query *q,
                              struct trend_report *out);
/* Frees what the report holds; accepts a zeroed report. */
void trend_report_release(struct trend_report *r);

/* ---- Rows for the overview, agents and emerging reports ----
 * These hand each row of a range to a callback (strings borrowed for the
 * call); a callback's error stops the walk and is returned. */

/* A ticket opened in the range, with what the insights need of its history. */
struct report_ticket {
    int64_t id;
    int64_t assignee_id;  /* 0: unassigned */
    const char *assignee; /* the agent's name, "" when unassigned */
    const char *category; /* "" when none */
    enum channel channel;
    int64_t created_at, first_response_at, resolved_at; /* 0: not yet */
    enum level peak;
    bool resolved;  /* resolved or closed now, or ever (the audit trail) */
    bool reopened;  /* went from resolved/closed back to an open status */
    bool escalated; /* peak heated or more, or an escalation rule fired */
};

enum terr store_report_tickets(struct store_tx *tx, int64_t from, int64_t to,
                               enum terr (*each)(void *arg, const struct report_ticket *t),
                               void *arg);

/* What a report counts outside the cohort walk, one row each, with the
 * ticket's dimensions so a report can group it by any of them:
 *   REPORT_SLA     a ticket resolved or closed in the range (at: resolved_at);
 *   REPORT_SURVEY  a survey answered in the range (at: answered_at);
 *   REPORT_DEESC   a heated thread whose first heated reply is in the range
 *                  and whose customer wrote after it (at: the reply; agent:
 *                  who replied), as trends counts de-escalation. */
enum report_outcome_kind { REPORT_SLA, REPORT_SURVEY, REPORT_DEESC };

struct report_outcome {
    enum report_outcome_kind kind;
    int64_t at;
    int64_t agent_id;     /* the ticket's assignee (DEESC: the replier); 0: none */
    const char *agent;    /* the agent's name, "" when none */
    enum channel channel; /* the ticket's */
    const char *category; /* the ticket's, "" when none */
    enum level peak;      /* the ticket's peak level */
    bool breached;        /* SLA: any SLA clock of the ticket breached */
    int csat, nps, ces;   /* SURVEY: the scores given, -1 when not */
    bool fell;            /* DEESC: the next customer message scored lower */
};

enum terr store_report_outcomes(struct store_tx *tx, int64_t from, int64_t to,
                                enum terr (*each)(void *arg, const struct report_outcome *o),
                                void *arg);

/* A public customer message written in the range; a ticket's messages come
 * together, oldest first (emerging counts a phrase once per ticket). */
struct report_message {
    int64_t ticket_id, created_at;
    const char *body;
};

enum terr store_report_messages(struct store_tx *tx, int64_t from, int64_t to,
                                enum terr (*each)(void *arg, const struct report_message *m),
                                void *arg);

#endif
