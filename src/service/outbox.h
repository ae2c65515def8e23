/*
 * Messages to customers go to the outbox (issue 5): a row per message, in
 * the write that decided to send it, addressed to the ticket's customer on
 * the channel the ticket came in by, and left queued for the channel that
 * delivers it.  Nothing here sends anything.
 */
#ifndef TRUCE_SVC_OUTBOX_H
#define TRUCE_SVC_OUTBOX_H

#include "../domain/survey.h"
#include "service.h"

/* Queues a message of `kind` about ticket t for its customer, due at due_at
 * (now: at once); survey_id may be 0.  Takes subject and body (heap strings:
 * freed here, whatever the outcome).  Sets *out_id (may be NULL) to the new
 * row's id. */
enum terr svc_outbox_queue(struct store_tx *tx, const struct ticket *t, enum outbox_kind kind,
                           int64_t survey_id, int64_t due_at, int64_t now, char *subject,
                           char *body, int64_t *out_id);

#endif
