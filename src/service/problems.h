/*
 * Problems: groups of tickets that share a systemic cause (issue 5,
 * section 6).  A ticket is linked to at most one problem (ticket.problem_id,
 * with the time of the link in problem_linked_at); linking ticks the ticket's
 * systemic_check step.  Opening a problem from a ticket links that ticket.
 *
 * Audit: "problem.create" and "problem.update" (before/after {"title",
 * "description", "category", "status"}), and on the ticket
 * "ticket.problem_linked" / "ticket.problem_unlinked" (before/after
 * {"problem_id"}).
 */
#ifndef TRUCE_SVC_PROBLEMS_H
#define TRUCE_SVC_PROBLEMS_H

#include "../store/store_steps.h"
#include "service.h"

#define PROBLEM_TITLE_MAX       200  /* bytes */
#define PROBLEM_DESCRIPTION_MAX 4000 /* bytes */

/* A new problem; strings borrowed.  description and category may be NULL. */
struct problem_new {
    const char *title;
    const char *description;
    const char *category;
    int64_t from_ticket_id; /* 0: none; else the ticket it is opened from (linked) */
};

/* Checks the fields without the store: TERR_INVALID / TERR_TOO_LONG /
 * TERR_BAD_UTF8 naming "title", "description" or "category". */
enum terr svc_problem_check(const struct problem_new *in, struct terr_info *ei);

/* Opens a problem (and links from_ticket_id to it).  TERR_INVALID with field
 * "ticket_id" for an unknown ticket.  *out (may be NULL) is the problem as
 * stored (release with problem_release). */
enum terr svc_problem_open(struct store_tx *tx, const struct actor *who,
                           const struct problem_new *in, struct problem *out, struct terr_info *ei);

/* The fields a PATCH may change; has_* says which are present. */
struct problem_patch {
    bool has_title, has_description, has_category, has_status;
    const char *title;
    const char *description; /* NULL: "" */
    const char *category;    /* NULL: clear */
    enum problem_status status;
};

/* Applies the patch and audits when anything changed.  TERR_NOT_FOUND for
 * an unknown problem; the field checks of svc_problem_check. */
enum terr svc_problem_update(struct store_tx *tx, const struct actor *who, int64_t id,
                             const struct problem_patch *p, struct terr_info *ei);

/* Links ticket_id to problem_id (replacing another link).  TERR_NOT_FOUND
 * for an unknown ticket, TERR_INVALID (field "problem_id") for an unknown
 * problem.  Linking the same problem again changes nothing. */
enum terr svc_problem_link(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                           int64_t problem_id, struct terr_info *ei);

/* Unlinks ticket_id from its problem; nothing changes when it has none.
 * TERR_NOT_FOUND for an unknown ticket. */
enum terr svc_problem_unlink(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                             struct terr_info *ei);

#endif
