/*
 * The store's records for the SLA clocks (store.h's section for
 * src/service/sla_clock.c, kept apart like store_jobs.h): the spans when a
 * ticket waited on the customer, the reminders and breaches already
 * announced, and the few facts of a ticket's messages the clocks need.
 *
 * A ticket has at most one open pause (to == 0) at a time: the service opens
 * one when the ticket starts waiting and closes it when it stops, in the
 * write that changed the status.
 */
#ifndef TRUCE_STORE_SLA_H
#define TRUCE_STORE_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/model.h"
#include "../domain/sla.h"
#include "../util/err.h"

struct store_tx;

/* The ticket's pauses, oldest first; to == 0 for the open one.  Caller frees
 * *out with free(). */
enum terr store_pause_list(struct store_tx *tx, int64_t ticket_id, struct sla_pause **out,
                           size_t *n_out);
/* Opens a pause at `from`.  The caller checks that none is open. */
enum terr store_pause_open(struct store_tx *tx, int64_t ticket_id, int64_t from);
/* Closes the ticket's open pause at `to` (at its start, if to is earlier);
 * nothing happens when none is open. */
enum terr store_pause_close(struct store_tx *tx, int64_t ticket_id, int64_t to);

/* Records that the reminder (percent 50, 75) or breach (100) of the clock
 * (metric, started_at) was announced at `at`; *out_created is false, and
 * nothing is written, when it was recorded before. */
enum terr store_sla_alert_insert(struct store_tx *tx, int64_t ticket_id, enum sla_metric metric,
                                 int64_t started_at, int percent, int64_t at, bool *out_created);

/* The ticket's public messages in the order they were written (created_at,
 * then id), with only author_kind and created_at filled: what the clocks
 * read, without the bodies and analyses.  Caller frees with messages_free(). */
enum terr store_sla_messages(struct store_tx *tx, int64_t ticket_id, struct message **out,
                             size_t *n_out);

#endif
