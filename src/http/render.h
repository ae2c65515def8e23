/* The JSON views of the desk's records, as the API shows them. */
#ifndef TRUCE_RENDER_H
#define TRUCE_RENDER_H

#include <jansson.h>

#include "../domain/model.h"
#include "../store/store.h"

/* A placeholder for JSON text the desk stored itself (a message's analysis):
 * render_dump() prints the text in its place.  NULL, or text that is not a
 * JSON object, gives null.  Returns a new reference. */
json_t *render_stored_json(const char *text);
/* The reply's text: json_dumps of o with the stored texts spliced in.  Call
 * on the thread that rendered o.  Caller frees; NULL if o cannot be encoded. */
char *render_dump(const json_t *o);

/* Each returns a new reference. */
json_t *render_time(int64_t ms); /* RFC 3339 string, or null for 0 */
json_t *render_agent(const struct agent *a);
json_t *render_customer(const struct customer *c);
json_t *render_message(const struct message *m);
json_t *render_event(const struct event *e);
/* The ticket from records in hand: customer, assignee (NULL: none) and,
 * when with_messages, its thread. */
json_t *render_ticket_from(const struct ticket *t, const struct customer *c,
                           const struct agent *assignee, bool with_messages,
                           const struct message *messages, size_t n_messages);
/* The ticket with its customer and assignee (and messages, when asked),
 * read in the caller's transaction. */
enum terr render_ticket(struct store_tx *tx, const struct ticket *t, bool with_messages,
                        json_t **out);
/* Reads ticket id and renders it with its messages. */
enum terr render_ticket_by_id(struct store_tx *tx, int64_t id, json_t **out);

#endif
