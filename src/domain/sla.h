/*
 * SLA clocks: how long a ticket may wait for its first response, for each
 * next response and for its resolution, counted in business time
 * (calendar.h), and where each clock stands now.  Pure: the caller passes the
 * ticket's timeline and `now`; nothing here reads a clock or the store.
 *
 * Targets.  A policy gives, per metric, a target in business milliseconds for
 * each priority (low..urgent) and for each conflict level (calm..hostile).
 * The target that applies is the TIGHTER (smaller) of the two; SLA_NO_TARGET
 * on one side leaves the other, on both sides the metric has no clock.  So a
 * hostile low-priority ticket gets the hostile targets, and an urgent calm
 * one the urgent targets.  Targets follow the ticket's CURRENT priority and
 * level, measured from the clock's start: when a conversation heats up, due
 * times move earlier, and may fall in the past (the clock is then breached).
 * A target of 0 means "due at once": the clock is breached as soon as it
 * starts.  The service picks the calendar (e.g. 24x7 for urgent tickets).
 *
 * The three clocks, each a start and a stop (0 = not stopped):
 *   first_response  created_at            -> first public agent reply
 *   next_response   first customer message after the last agent reply, once
 *                   the ticket had its first response -> the agent reply to it
 *   resolution      created_at            -> resolved_at
 * Resolving a ticket stops every clock still running (a resolved ticket owes
 * no reply).  Pauses (the ticket was pending: waiting on the customer) do not
 * count towards next_response and resolution; they do count towards
 * first_response, so that setting "pending" without answering cannot stop the
 * customer's first wait.  To leave out a resolved-then-reopened span, pass it
 * as a pause too.
 *
 * Boundaries.  A clock is breached once its elapsed business time reaches the
 * target: due_at is the first instant at which it has, so a reply at exactly
 * due_at is late, one ms earlier is in time.  A reminder at p% is crossed once
 * elapsed >= target * p / 100 (integer ms), at the first such instant.
 */
#ifndef TRUCE_SLA_H
#define TRUCE_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "calendar.h"
#include "model.h"

/* clang-format off */
#define SLA_METRIC_MAP(X) X(FIRST_RESPONSE, "first_response") X(NEXT_RESPONSE, "next_response") \
    X(RESOLUTION, "resolution")
/* running: counting; paused: stopped by a pause that is still going on;
 * met: stopped before its due time; breached: reached its due time, stopped
 * or not; none: no clock (no target, or nothing started it). */
#define SLA_STATE_MAP(X) X(NONE, "none") X(RUNNING, "running") X(PAUSED, "paused") \
    X(MET, "met") X(BREACHED, "breached")
/* clang-format on */

enum sla_metric {
#define X(name, str) SLA_##name,
    SLA_METRIC_MAP(X)
#undef X
        SLA_METRIC_COUNT
};
enum sla_state {
#define X(name, str) SLA_STATE_##name,
    SLA_STATE_MAP(X)
#undef X
};

#define SLA_NO_TARGET    (-1LL)
#define SLA_N_PRIORITIES 4 /* enum priority */
#define SLA_N_LEVELS     4 /* enum level */
#define SLA_MAX_PAUSES   1000
#define SLA_MAX_SPEC     4096
/* Reminders fire when this share of a target is used up. */
#define SLA_N_REMINDERS 2
extern const int sla_reminder_percent[SLA_N_REMINDERS]; /* {50, 75} */

/* Wire names (static strings) and their parsers; a parser returns false and
 * leaves *out untouched for a name it does not know. */
const char *sla_metric_name(enum sla_metric v);
bool sla_metric_parse(const char *s, enum sla_metric *out);
const char *sla_state_name(enum sla_state v);
bool sla_state_parse(const char *s, enum sla_state *out);

/* Business ms per metric, indexed by enum sla_metric; SLA_NO_TARGET = none. */
struct sla_targets {
    int64_t ms[SLA_METRIC_COUNT];
};

struct sla_policy {
    struct sla_targets by_priority[SLA_N_PRIORITIES]; /* indexed by enum priority */
    struct sla_targets by_level[SLA_N_LEVELS];        /* indexed by enum level */
};

/* The shipped policy, in business hours: by priority, first/next/resolution
 * low 16/24/80, normal 8/16/40, high 4/8/24, urgent 1/2/8; by level, calm
 * none, tense 4/8/none, heated 1/4/24, hostile 0.5/1/16.  Cannot fail. */
void sla_policy_default(struct sla_policy *p);

/* A policy with no targets at all (every metric SLA_NO_TARGET). */
void sla_policy_init_empty(struct sla_policy *p);

/*
 * Parses a policy spec: clauses separated by ';', each a priority or level
 * name followed by metric=duration pairs, e.g.
 *     "urgent first_response=1h next_response=2h resolution=8h;
 *      hostile first_response=30m next_response=1h"
 * A duration is a sum of <n>h, <n>m, <n>s ("1h30m"), "0" or "none"; anything
 * not named has no target.  On error returns TERR_INVALID (TERR_TOO_LONG over
 * SLA_MAX_SPEC bytes) naming the clause in ei, *out untouched.
 */
enum terr sla_policy_parse(const char *spec, struct sla_policy *out, struct terr_info *ei);

/* Writes the canonical spec of p (only the targets that are set) into buf;
 * TERR_TOO_LONG when size is too small (SLA_MAX_SPEC always fits). */
enum terr sla_policy_format(const struct sla_policy *p, char *buf, size_t size);

/* The target for one metric: the tighter of the priority's and the level's,
 * SLA_NO_TARGET when neither has one. */
int64_t sla_target(const struct sla_policy *p, enum priority pr, enum level lv, enum sla_metric m);

/* A span when the ticket waited on the customer: [from, to); to == 0 while it
 * lasts.  Pauses may come in any order and overlap; one that starts after
 * `now` is ignored, one that ends after `now` counts as still going on. */
struct sla_pause {
    int64_t from;
    int64_t to;
};

/* Everything the clocks need about a ticket.  Times are ms since the epoch,
 * 0 = not yet.  pauses is borrowed for the call. */
struct sla_timeline {
    int64_t created_at;
    int64_t first_response_at; /* first public agent reply */
    int64_t next_wait_since; /* current (or last) next-response wait: its first customer message */
    int64_t next_replied_at; /* the agent reply that ended that wait; 0 while waiting */
    int64_t resolved_at;
    const struct sla_pause *pauses;
    size_t n_pauses;
    enum priority priority;
    enum level level;
};

/*
 * Fills first_response_at, next_wait_since and next_replied_at of tl from a
 * ticket's messages in the order they were written (created_at not
 * decreasing); internal notes and system messages do not count.  Other fields
 * of tl are left alone.  TERR_INVALID when the messages are out of order (tl
 * untouched).
 */
enum terr sla_timeline_from_messages(const struct message *msgs, size_t n, struct sla_timeline *tl,
                                     struct terr_info *ei);

struct sla_reminder {
    int percent;  /* from sla_reminder_percent */
    bool crossed; /* reached by now (or by the stop) */
    int64_t at;   /* when it is (or was) reached; 0 if never (stopped before, paused, no clock) */
};

/* One metric's clock. */
struct sla_clock {
    enum sla_state state;
    int64_t target_ms;   /* business ms; SLA_NO_TARGET when none */
    int64_t started_at;  /* 0 when state is NONE */
    int64_t stopped_at;  /* the reply or resolution that stopped it; 0 if running */
    int64_t due_at;      /* when elapsed reaches the target; 0 if unknown (paused, none) */
    int64_t elapsed_ms;  /* business ms counted up to the stop or now, pauses left out */
    int percent;         /* elapsed_ms * 100 / target_ms, rounded down, at most 1000;
                            100 for a zero target */
    int64_t breached_at; /* == due_at when BREACHED, else 0 */
    struct sla_reminder reminders[SLA_N_REMINDERS];
    int64_t next_check_at; /* next instant after now when a reminder is crossed or
                              the clock breaches; 0 when nothing will happen by itself */
};

struct sla_status {
    struct sla_clock clock[SLA_METRIC_COUNT]; /* indexed by enum sla_metric */
};

/*
 * Evaluates the three clocks of a ticket at instant now under policy p and
 * calendar cal.  A stop earlier than its start counts as at the start.
 * Returns TERR_INVALID for a bad time (created_at or now not positive, a pause
 * that ends before it starts, anything out of calendar range), TERR_TOO_LARGE
 * for more than SLA_MAX_PAUSES pauses or a due time over ten years away.  *out
 * is written only on success.  Cost: a few calendar walks per metric.
 */
enum terr sla_evaluate(const struct sla_policy *p, const struct calendar *cal,
                       const struct sla_timeline *tl, int64_t now, struct sla_status *out,
                       struct terr_info *ei);

/* The earliest next_check_at of the three clocks (0 when none): when a
 * scheduler should evaluate the ticket again if nothing else happens. */
int64_t sla_next_check(const struct sla_status *st);

/* What the ticket row shows: *out_due_at, the earliest due time of a clock
 * still RUNNING (0 when none), and *out_breached_at, the earliest breach of
 * any clock, answered since or not (0 when none).  Cannot fail. */
void sla_ticket_times(const struct sla_status *st, int64_t *out_due_at, int64_t *out_breached_at);

#endif
