/*
 * The six resolution steps of a conflict ticket, ticked from evidence.
 *
 * A conflict handled well follows a path: find the cause, understand the
 * customer's pain, own the mistake, act and keep the customer informed,
 * record the lesson, look for the systemic cause.  A ticket carries the steps
 * once its level has reached tense or above, or an agent marked it as a
 * conflict (steps_apply).  The service gathers the facts (struct step_facts:
 * the category, the agent replies with what their coach review found, offers,
 * status updates, lessons, the problem link) and steps_evaluate() decides,
 * for each step, whether it is done, by what evidence, and what is missing.
 *
 * Evidence, step by step:
 *   identify_cause    an agent set the category, or confirmed the analysis's
 *   understand_pain   a reply written while the customer was upset whose
 *                     coach review has no no_acknowledgement finding
 *   take_ownership    a reply written where the company was at fault whose
 *                     review has no no_apology finding
 *   act_and_inform    an offer the customer can see, or a status update sent
 *   review_and_learn  a lesson recorded
 *   systemic_check    the ticket linked to a known problem or a new one opened
 * The coach only looks for acknowledgement when the customer is upset and for
 * an apology when the company is at fault; the absence of its finding is
 * evidence only under that condition, so the reply facts carry it.
 *
 * An agent may tick or untick a step by hand, with a reason (steps_mark).  The
 * agent's latest mark on a step overrides the evidence: a tick makes it done;
 * an untick makes it not done, until evidence dated after the untick arrives
 * (an agent who unticks a hollow apology should not have to tick the real one
 * by hand later).  Every mark is audited (struct step_audit).
 *
 * Pure functions over caller-owned structs: no I/O, no clock, no allocation.
 * Times are int64 ms since the epoch; ids are positive, 0 means none.
 */
#ifndef TRUCE_STEPS_H
#define TRUCE_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "model.h"

/* clang-format off */
#define STEP_MAP(X) X(IDENTIFY_CAUSE, "identify_cause") X(UNDERSTAND_PAIN, "understand_pain") \
    X(TAKE_OWNERSHIP, "take_ownership") X(ACT_AND_INFORM, "act_and_inform")                 \
    X(REVIEW_AND_LEARN, "review_and_learn") X(SYSTEMIC_CHECK, "systemic_check")
/* clang-format on */

/* In the order a conflict is worked through; "next" is the first not done. */
enum step {
#define X(name, str) STEP_##name,
    STEP_MAP(X)
#undef X
        N_STEPS
};

/* The wire name (static string; "unknown" out of range), and its parser: false
 * and *out untouched for a name it does not know. */
const char *step_name(enum step s);
bool step_parse(const char *s, enum step *out);

/* Bytes of UTF-8 in a mark's reason, and in the texts of a step's status. */
#define STEP_REASON_MAX 500
#define STEP_TEXT_MAX   (STEP_REASON_MAX + 300)

/* How a step came to its state. */
enum step_source {
    STEP_SOURCE_NONE,     /* not done, no mark: nothing has happened yet */
    STEP_SOURCE_EVIDENCE, /* done by evidence */
    STEP_SOURCE_HAND,     /* ticked or unticked by an agent */
};
const char *step_source_name(enum step_source s); /* "none", "evidence", "hand" */

/* One public agent reply, as its coach review saw it.  Internal notes are
 * not replies: the customer never read them. */
struct step_reply {
    int64_t message_id;
    int64_t at;              /* the message's created_at */
    bool reviewed;           /* it has a coach review; without one nothing is known */
    bool customer_upset;     /* the review judged the customer upset (its level >= tense) */
    bool company_at_fault;   /* the review judged that the company got something wrong */
    bool no_acknowledgement; /* the review has a no_acknowledgement finding */
    bool no_apology;         /* the review has a no_apology finding */
};

/* Something recorded on the ticket: an offer, a status update, a lesson. */
struct step_item {
    int64_t id; /* offer id, message id (status update) or lesson id */
    int64_t at;
};

/* An agent's tick (done) or untick (!done) of one step.  Built by
 * steps_mark(), stored by the service, handed back in step_facts. */
struct step_mark {
    enum step step;
    bool done;
    int64_t agent_id;
    int64_t at;
    char reason[STEP_REASON_MAX + 1]; /* valid UTF-8, not blank */
};

/* The facts the service gathered about one ticket.  Every pointer is borrowed
 * for the call; arrays may be in any order. */
struct step_facts {
    enum level peak_level; /* the highest level the ticket ever reached */
    bool marked_conflict;  /* an agent marked it as a conflict */
    /* identify_cause */
    const char *category;   /* NULL when none */
    bool category_by_agent; /* an agent set or confirmed it (ticket.category_by_agent) */
    int64_t category_at;    /* when the agent did; 0 when unknown */
    /* understand_pain, take_ownership */
    const struct step_reply *replies;
    size_t n_replies;
    /* act_and_inform: offers the customer can see (approved), status updates
     * sent to the customer (message ids) */
    const struct step_item *offers;
    size_t n_offers;
    const struct step_item *updates;
    size_t n_updates;
    /* review_and_learn */
    const struct step_item *lessons;
    size_t n_lessons;
    /* systemic_check: the problem the ticket is linked to (0: none) */
    int64_t problem_id;
    bool problem_opened_here; /* the problem was opened from this ticket */
    int64_t problem_at;       /* when the link was made */
    /* the agents' marks; the latest per step counts (ties: the later in the array) */
    const struct step_mark *marks;
    size_t n_marks;
};

/* One step's state. */
struct step_status {
    enum step step;
    bool done;
    enum step_source source;
    int64_t at;       /* when it was done (the evidence's or the mark's time); 0 if not */
    int64_t agent_id; /* who ticked or unticked it by hand; 0 otherwise */
    char evidence[STEP_TEXT_MAX]; /* when done: "coach saw an apology in message 12" */
    char missing[STEP_TEXT_MAX];  /* when not done: what is missing, in plain words */
};

struct steps_report {
    bool applies; /* the ticket carries the steps (steps_apply) */
    struct step_status steps[N_STEPS];
    size_t n_done;
    enum step next; /* the first step not done; N_STEPS when all are done */
};

/* True when a ticket carries the steps: its level reached tense or above, or
 * an agent marked it as a conflict.  Once true it stays true, since the peak
 * never falls. */
bool steps_apply(enum level peak_level, bool marked_conflict);

/* Decides every step from f and fills out (which the caller owns).  A ticket
 * the steps do not apply to is still evaluated, with applies false.  This
 * function can't fail. */
void steps_evaluate(const struct step_facts *f, struct steps_report *out);

/* What a tick or untick changes, for the audit trail (action
 * "ticket.step_ticked" or "ticket.step_unticked"). */
struct step_audit {
    const char *action; /* static string */
    enum step step;
    bool before_done;
    enum step_source before_source;
    bool after_done;
    int64_t agent_id;
    int64_t at;
    char reason[STEP_REASON_MAX + 1];
};

/* Checks an agent's tick (done) or untick of the step named step_name, with
 * reason, and fills *out_mark (to store) and *out_audit (to audit).  before is
 * the ticket's report before the mark (for the audit's before state; NULL when
 * unknown: recorded as not done, source none).  TERR_INVALID with field "step"
 * for an unknown name, "reason" for a blank one, "agent_id" for an id <= 0;
 * TERR_BAD_UTF8 / TERR_TOO_LONG (field "reason").  On error nothing is written
 * to the outputs. */
enum terr steps_mark(const char *step_name, bool done, const char *reason, int64_t agent_id,
                     int64_t now, const struct steps_report *before, struct step_mark *out_mark,
                     struct step_audit *out_audit, struct terr_info *ei);

#endif
