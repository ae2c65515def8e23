/*
 * Conflict analysis inside the desk: each customer message is analysed once,
 * on arrival, and the ticket's risk, level, reasons and category follow the
 * thread.
 *
 * The analysis data is loaded once at startup and shared read-only; every
 * thread that analyses keeps its own analyzer (thread-local, made on first
 * use, freed when the thread exits or calls svc_conflict_thread_done()).
 * Analysis is CPU work without I/O, so HTTP workers do it before handing
 * their write to the single writer thread; only the risk, which needs the
 * thread as committed, is assessed inside the write.
 */
#ifndef TRUCE_SVC_CONFLICT_H
#define TRUCE_SVC_CONFLICT_H

#include "../analysis/analysis.h"
#include "../analysis/risk.h"
#include "service.h"

/* The last messages of a thread the risk looks at. */
#define RISK_WINDOW 200

/* Makes d (borrowed; it must outlive every thread that analyses) the data all
 * threads analyse with; NULL turns analysis off (messages are stored without
 * one, and the risk then rests on waiting time and contacts alone).  Call
 * before any thread starts. */
void svc_conflict_setup(const struct analysis_data *d);
bool svc_conflict_enabled(void);
/* Frees the calling thread's analyzer now (a thread's exit does it too). */
void svc_conflict_thread_done(void);

/* Analyses text with this thread's analyzer.  On TERR_OK *out is the analysis
 * and *out_json (may be NULL when not wanted) its stored JSON, which the
 * caller frees; with analysis off both are zero/NULL.  TERR_BAD_UTF8 or
 * TERR_TOO_LARGE name `field` in ei. */
enum terr svc_conflict_analyze(const char *text, const char *field, struct msg_analysis *out,
                               char **out_json, struct terr_info *ei);

/* Assesses the risk of ticket t (in tx) from its last RISK_WINDOW messages as
 * of now, and updates t in memory: risk, level, risk_reasons and, unless an
 * agent chose it, category (from the latest customer message that has one).
 * Audits "ticket.level_changed" (from/to and the reasons) when the level
 * moves, at time `at`.  The caller writes t.  *out (may be NULL) gets the
 * assessment. */
enum terr svc_conflict_reassess(struct store_tx *tx, struct ticket *t, int64_t at,
                                struct thread_risk *out);

/* The risk, level, reasons and category of a ticket about to be opened,
 * whose thread is its first message, analysed as a (NULL: no analysis), at
 * `at`; sets them on t without reading anything. */
void svc_conflict_opening(struct ticket *t, const struct msg_analysis *a, int64_t at);

/* Audits "ticket.level_changed" of t (as it is now) from level `from` and
 * risk from_risk, at `at`, with t's risk reasons. */
enum terr svc_conflict_audit_level(struct store_tx *tx, const struct ticket *t, enum level from,
                                   int from_risk, int64_t at);

/* Reassesses every ticket waiting on the desk (new, open) as of now, so a
 * customer's waiting time shows in the risk between messages: pages of
 * tickets are assessed in read transactions, and only the ones whose risk or
 * level moved are written, unless a write touched them meanwhile.
 * *n_changed counts the tickets written. */
enum terr svc_conflict_refresh(struct store *st, int64_t now, int64_t *n_changed);

/* The risk of a thread given as JSON: an array of at most RISK_WINDOW objects
 * {"author": "customer"|"agent"|"system", "body", "at"?, "internal"?}, oldest
 * first, "at" an RFC 3339 time or milliseconds since the epoch (absent: now).
 * Customer bodies are analysed here.  Errors name the item, e.g.
 * "thread[2].at": an unknown field, or a time earlier than the last item's
 * that gave one.  *out is filled only on TERR_OK. */
enum terr svc_thread_risk(const json_t *thread, int64_t now, struct thread_risk *out,
                          struct terr_info *ei);

/* The reasons of r as a JSON array text; caller frees. */
char *svc_risk_reasons_json(const struct thread_risk *r);

#endif
