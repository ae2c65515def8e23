/* The parts of `truce demo`: the desk and its morning (cmd_demo.c) and the
 * weeks of history behind it (demo_history.c), in one write transaction. */
#ifndef TRUCE_CLI_DEMO_H
#define TRUCE_CLI_DEMO_H

#include <jansson.h>

#include "../service/service.h"

/* The demo agent with this email as the acting agent into *out (its id and
 * role); TERR_INVALID when there is none (the demo set is malformed). */
enum terr demo_agent(struct store_tx *tx, const char *email, struct actor *out,
                     struct terr_info *ei);

/* Adds a message at `at` as the server would: a customer's is analysed by
 * the service, an agent's public reply carries the coach's review.  who is
 * the agent for an agent's message and is ignored for a customer's. */
enum terr demo_message(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                       enum author_kind author, const char *body, bool internal, int64_t at,
                       struct terr_info *ei);

/* Loads the history (demo.json's "history": its "_about" says how it is
 * read) as it would have happened up to now, and counts its tickets into
 * *n_tickets.  The agents must exist. */
enum terr demo_history_load(struct store_tx *tx, const json_t *history, int64_t now,
                            size_t *n_tickets, struct terr_info *ei);

/* The help center's deflections over the `days` before now: a few a day for
 * each published public article (imported after the history), so the
 * dashboard's Deflected tile has a history too. */
enum terr demo_deflections(struct store_tx *tx, int64_t now, int64_t days);

#endif
