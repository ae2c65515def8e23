/* The outbox: queuing a message for a ticket's customer (outbox.h). */
#include "outbox.h"

enum terr svc_outbox_queue(struct store_tx *tx, const struct ticket *t, enum outbox_kind kind,
                           int64_t survey_id, int64_t due_at, int64_t now, char *subject,
                           char *body, int64_t *out_id)
{
    struct outbox_msg m = {
        .ticket_id = t->id,
        .customer_id = t->customer_id,
        .channel = t->channel,
        .kind = kind,
        .subject = subject,
        .body = body,
        .state = OUTBOX_STATE_QUEUED,
        .survey_id = survey_id,
        .due_at = due_at,
        .created_at = now,
    };
    enum terr e = store_outbox_insert(tx, &m);
    if (!e && out_id)
        *out_id = m.id;
    outbox_msg_release(&m);
    return e;
}
