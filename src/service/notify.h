/*
 * Notifications to staff: a lead told that a rule fired, an assignee
 * reminded of a deadline.  A notification goes to one agent or to everyone of
 * a role (admins also see the leads'); it is stored in the caller's write
 * and announced to webhook subscribers as "notification.created" in that
 * same write.  One read mark per notification: for a role's notification the
 * first reader marks it read for the whole role (a shared inbox).
 */
#ifndef TRUCE_SVC_NOTIFY_H
#define TRUCE_SVC_NOTIFY_H

#include "../store/store_rules.h"
#include "service.h"

#define NOTIFY_TEXT_MAX 2000 /* bytes; longer texts are cut on a character */

/* Stores a notification for agent_id (0: for everyone of role; role is
 * ignored otherwise) about ticket_id (0: none) and emits
 * "notification.created" in the same write.  kind is a short label ("rule",
 * "sla", "offer"); text is the sentence a person reads (cut to
 * NOTIFY_TEXT_MAX bytes).  Strings are borrowed. */
enum terr svc_notify(struct store_tx *tx, int64_t agent_id, enum role role, int64_t ticket_id,
                     const char *kind, const char *text, int64_t now);

/* Notifies every agent that the internal note body (written by the agent
 * who on ticket t) @mentions (domain/mentions.h: "@priya" is the agent whose
 * email is priya@...), except the writer: kind "mention", a text naming the
 * ticket and the writer.  Unknown names are ignored.  In the note's write. */
enum terr svc_notify_mentions(struct store_tx *tx, const struct actor *who, const struct ticket *t,
                              const char *body, int64_t now);

/* True when the agent (id, role) sees n: theirs, their role's, or (for an
 * admin) the leads'. */
bool svc_notification_visible(const struct notification *n, int64_t agent_id, enum role role);

/* Marks notification id read for the acting agent: TERR_NOT_FOUND when it
 * does not exist or is not theirs to see.  *out (may be NULL) is the
 * notification as stored afterwards (release it).  Reading twice is fine. */
enum terr svc_notification_read(struct store_tx *tx, const struct actor *who, int64_t id,
                                int64_t now, struct notification *out, struct terr_info *ei);

#endif
