/*
 * The reply coach inside the desk: reviewing a draft (POST /api/v1/coach,
 * truce coach), and the review stored with every agent reply the customer
 * sees.
 *
 * The coach data is loaded once at startup and shared read-only; every
 * thread that reviews keeps its own struct coach (thread-local, made on
 * first use, freed when the thread exits or calls svc_coach_thread_done()),
 * as the analyzers of conflict.h are.  A review is CPU work without I/O:
 * HTTP workers do it before handing a write to the single writer thread.
 */
#ifndef TRUCE_SVC_COACH_H
#define TRUCE_SVC_COACH_H

#include <jansson.h>

#include "../analysis/coach.h"
#include "service.h"

/* Most messages of a thread the coach reads: the newest ones. */
#define COACH_THREAD_MAX 200

/* Makes d (borrowed; it must outlive every thread that reviews) the data
 * all threads review with; NULL turns the coach off.  Call before any thread
 * starts. */
void svc_coach_setup(const struct coach_data *d);
bool svc_coach_enabled(void);
/* Frees the calling thread's coach now (a thread's exit does it too). */
void svc_coach_thread_done(void);

/* A thread for the coach with the storage behind it.  Bodies are borrowed
 * from the JSON it was read from (svc_coach_thread_from_json: keep the JSON
 * until the release) or owned (read from the store). */
struct svc_coach_thread {
    struct coach_thread thread; /* what coach_review() reads */
    struct coach_turn *turns;
    struct msg_analysis *analyses; /* stored analyses of customer turns */
    struct message *msgs;          /* from the store */
    size_t n_msgs;
    char *customer_name;
};
/* Accepts a zeroed or released value. */
void svc_coach_thread_release(struct svc_coach_thread *t);

/* Reads a thread given as JSON: an array of at most COACH_THREAD_MAX objects
 * {"author": "customer"|"agent"|"system", "body", "at"?, "internal"?}, oldest
 * first, or an object {"customer_name"?, "messages": [...]} of them.  Errors
 * name the item under `field` ("thread[2].author").  *out is filled only on
 * TERR_OK; release it, then the JSON. */
enum terr svc_coach_thread_from_json(const json_t *v, const char *field,
                                     struct svc_coach_thread *out, struct terr_info *ei);

/* Reads the last COACH_THREAD_TURNS messages of ticket_id (internal notes
 * included: the coach knows the customer never saw them), their stored
 * analyses and the customer's name.  TERR_NOT_FOUND for an unknown ticket. */
enum terr svc_coach_thread_from_ticket(struct store_tx *tx, int64_t ticket_id,
                                       struct svc_coach_thread *out, struct terr_info *ei);

/* Reviews draft[0..len) against thread (NULL: none) with this thread's
 * coach.  TERR_INVALID (empty), TERR_BAD_UTF8 or TERR_TOO_LARGE name `field`
 * in ei; TERR_INTERNAL when the coach is off.  *out is filled on TERR_OK. */
enum terr svc_coach_review(const char *draft, size_t len, const char *field,
                           const struct coach_thread *thread, struct coach_review *out,
                           struct terr_info *ei);

/* The review as stored JSON text (coach_review_to_json); caller frees. */
char *svc_coach_review_json(const struct coach_review *r, const char *draft, size_t len);

/* The review of an agent's reply `body` about to be added to ticket_id,
 * against the thread as stored now: its JSON text (caller frees), or NULL
 * when the coach is off, the ticket unknown or the body not reviewable (a
 * reply is never refused for its review's sake).  Reads only. */
char *svc_coach_reply(struct store *st, int64_t ticket_id, const char *body);
/* The same inside the caller's transaction (imports, the demo). */
char *svc_coach_reply_tx(struct store_tx *tx, int64_t ticket_id, const char *body);

#endif
