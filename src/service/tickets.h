/* Use cases on tickets and their messages. */
#ifndef TRUCE_SVC_TICKETS_H
#define TRUCE_SVC_TICKETS_H

#include "service.h"

struct lesson_new;

/* A new ticket from a customer's first message. */
struct ticket_open {
    const char *subject;
    enum channel channel;
    const char *customer_email;
    const char *customer_name; /* may be NULL */
    const char *body;
    enum priority priority;
    const char *category; /* may be NULL; the analysis replaces it when it finds one */
    int64_t created_at;   /* 0: now */
    /* The body's analysis (svc_conflict_analyze) and its JSON, made by the
     * caller off the writer thread; NULL: analysed here, when analysis is on. */
    const struct msg_analysis *analysis;
    const char *analysis_json;
};

/* What opening a ticket wrote, so callers can show it without reading it back. */
struct ticket_opened {
    struct ticket ticket;
    struct customer customer;
    struct message message;
};
void ticket_opened_release(struct ticket_opened *o);

/* Finds or creates the customer by email, then writes the ticket, its first
 * message with its analysis, the audit event, and the ticket's risk, level
 * and category from the analysis (svc_conflict_reassess).  On success *out holds the records
 * (release with ticket_opened_release); on failure it is untouched. */
enum terr svc_ticket_open(struct store_tx *tx, const struct actor *who,
                          const struct ticket_open *in, struct ticket_opened *out,
                          struct terr_info *ei);

/* The fields a PATCH may change; has_* says which are present. */
struct ticket_patch {
    bool has_status, has_priority, has_assignee, has_tags, has_category;
    enum ticket_status status;
    enum priority priority;
    int64_t assignee_id;  /* 0: unassign */
    struct strlist tags;  /* borrowed */
    const char *category; /* NULL: clear */
    /* The six steps (steps.h): mark the ticket as a conflict (or not), and
     * the lesson a resolution of a conflict ticket asks for (NULL: none). */
    bool has_conflict;
    bool conflict;
    const struct lesson_new *lesson;
    /* When the change is made: 0 is now; truce's own loaders (the demo's
     * history) set a past time, as ticket_open.created_at does. */
    int64_t at;
};

/* Applies the patch by the domain's rules and audits before/after.
 * TERR_NOT_FOUND for an unknown ticket, TERR_INVALID for an unknown assignee
 * or a conflict ticket resolved without a lesson (field "lesson", steps.h),
 * TERR_CONFLICT for a closed ticket. */
enum terr svc_ticket_update(struct store_tx *tx, const struct actor *who, int64_t id,
                            const struct ticket_patch *p, struct terr_info *ei);

struct message_new {
    enum author_kind author;
    const char *body;
    bool internal;
    int64_t created_at; /* 0: now */
    /* A customer message's analysis, as for ticket_open; ignored for agents. */
    const char *analysis_json;
    /* An agent reply's coach review (svc_coach_review_json), made by the
     * caller off the writer thread; NULL: none.  Kept only on an agent's
     * message the customer sees (not on internal notes). */
    const char *coach_json;
};

/* Adds a message: the customer's (author_id = the ticket's customer) or the
 * acting agent's.  Updates the ticket (first response, reopen; risk, level
 * and category after a customer message or a public reply) and audits.
 * On success *out is the stored message (release with message_release). */
enum terr svc_message_add(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                          const struct message_new *in, struct message *out, struct terr_info *ei);

/* Emits webhook event type for ticket t: "ticket.created" with after only,
 * "ticket.updated" with the audit JSON before and after (the changed fields
 * named).  Inside the write that made the change. */
enum terr svc_ticket_emit(struct store_tx *tx, const char *type, const struct ticket *t,
                          const char *before, const char *after, int64_t now);

#endif
