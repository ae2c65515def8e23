/*
 * The store's records for the six steps, lessons and problems (issue 5,
 * sections 1 and 6), kept apart so the core header stays about the desk's
 * records.
 *
 *  - A step mark is an agent's tick or untick of one step of a ticket, with a
 *    reason (struct step_mark, src/domain/steps.h); marks are only added,
 *    never changed: the latest per step counts.
 *  - A lesson is what a resolved conflict taught: its cause, what went wrong,
 *    what would prevent it.  Only added.
 *  - A problem groups tickets that share a systemic cause; a ticket points at
 *    its problem (ticket.problem_id), so a ticket is in at most one.
 *
 * The steps also read facts other parts own: the ticket's approved offers
 * (store_step_offers) and when an agent last set or confirmed its category
 * (store_step_category_at, from the audit trail).
 */
#ifndef TRUCE_STORE_STEPS_H
#define TRUCE_STORE_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/steps.h"
#include "../util/err.h"

struct store_tx;

/* ---- step marks ---- */

/* Adds an agent's mark of a step of ticket_id; *out_id (may be NULL) is its id. */
enum terr store_step_mark_insert(struct store_tx *tx, int64_t ticket_id, const struct step_mark *m,
                                 int64_t *out_id);
/* Every mark of a ticket, oldest first.  Caller frees *out with free(). */
enum terr store_step_mark_list(struct store_tx *tx, int64_t ticket_id, struct step_mark **out,
                               size_t *n_out);

/* ---- facts owned by other parts ---- */

/* A public agent reply as its stored coach review (the JSON of
 * coach_review_to_json, analysis/coach.h) judged it. */
struct step_review {
    struct step_reply reply; /* message id, time, and the facts steps.h reads */
    bool no_next_step;       /* the review has a no_next_step finding */
};
/* The ticket's public agent replies, oldest first, read without their
 * bodies.  A reply whose review is missing or not JSON has reviewed false.
 * Caller frees *out with free(). */
enum terr store_step_replies(struct store_tx *tx, int64_t ticket_id, struct step_review **out,
                             size_t *n_out);

/* The ticket's approved offers as (offer id, decided_at), by id.  Caller
 * frees *out with free(). */
enum terr store_step_offers(struct store_tx *tx, int64_t ticket_id, struct step_item **out,
                            size_t *n_out);
/* When an agent last set the ticket's category or confirmed the analysis's
 * (the latest agent "ticket.update" event that did), in *out_at; 0 when the
 * audit trail shows none. */
enum terr store_step_category_at(struct store_tx *tx, int64_t ticket_id, int64_t *out_at);

/* ---- lessons ---- */

struct lesson {
    int64_t id;
    int64_t ticket_id;
    int64_t agent_id; /* 0: recorded by truce itself */
    char *cause;
    char *what_went_wrong;
    char *prevention;
    int64_t created_at;
};
void lesson_release(struct lesson *l);
void lessons_free(struct lesson *v, size_t n);

enum terr store_lesson_insert(struct store_tx *tx, struct lesson *l); /* sets l->id */
/* Lessons of ticket_id (0: of every ticket) with ids above after_id, at most
 * limit (0: no limit), oldest first.  Caller frees with lessons_free. */
enum terr store_lesson_list(struct store_tx *tx, int64_t ticket_id, int64_t after_id, size_t limit,
                            struct lesson **out, size_t *n_out);

/* ---- problems ---- */

enum problem_status { PROBLEM_OPEN, PROBLEM_RESOLVED };
const char *problem_status_name(enum problem_status s); /* "open", "resolved" */
/* False (and *out untouched) for a name that is not a status. */
bool problem_status_parse(const char *name, enum problem_status *out);

struct problem {
    int64_t id;
    char *title;
    char *description; /* "" when none */
    char *category;    /* NULL when none */
    enum problem_status status;
    int64_t opened_from_ticket; /* 0: none */
    int64_t created_by;         /* agent id; 0: none */
    int64_t created_at;
    int64_t updated_at;
    int64_t n_tickets; /* tickets linked now (read only: counted on every read) */
};
void problem_release(struct problem *p);
void problems_free(struct problem *v, size_t n);

enum terr store_problem_insert(struct store_tx *tx, struct problem *p); /* sets p->id */
enum terr store_problem_get(struct store_tx *tx, int64_t id, struct problem *out);
/* Writes title, description, category, status and updated_at; TERR_NOT_FOUND if unknown. */
enum terr store_problem_update(struct store_tx *tx, const struct problem *p);
/* Problems by id after after_id, at most limit (0: no limit), only in
 * `status` when has_status.  Caller frees with problems_free. */
enum terr store_problem_list(struct store_tx *tx, bool has_status, enum problem_status status,
                             int64_t after_id, size_t limit, struct problem **out, size_t *n_out);
/* The ids of the tickets linked to a problem, by id after after_id, at most
 * limit (0: no limit).  Caller frees *out with free(). */
enum terr store_problem_tickets(struct store_tx *tx, int64_t problem_id, int64_t after_id,
                                size_t limit, int64_t **out, size_t *n_out);

#endif
