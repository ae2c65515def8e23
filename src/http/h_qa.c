/* POST /api/v1/qa: QA scorecards of sent agent replies, a ticket's or given. */
#include <stdio.h>

#include "../service/qa.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"

/*
 * Nothing is stored: the ticket (if any) is read on the worker, the replies
 * are reviewed there and the reply made at once.  A request scores at most
 * QA_API_MAX_REPLIES agent replies; past that it is refused (413), so a
 * worker is never held for long.
 */

struct qa_read {
    int64_t ticket_id;
    struct qa_input *in;
    struct terr_info *ei;
};

static enum terr qa_read_tx(struct store_tx *tx, void *arg)
{
    struct qa_read *r = arg;
    return svc_qa_add_ticket(tx, r->in, r->ticket_id, r->ei);
}

void h_qa(struct request *req)
{
    enum terr e = json_check(req->json, body_qa, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    const json_t *convs = json_object_get(req->json, "conversations");
    bool by_ticket = json_has(req->json, "ticket_id");
    if (by_ticket == (convs != NULL)) {
        reply_error(req, TERR_INVALID, by_ticket ? "ticket_id" : "conversations",
                    "give either 'ticket_id' or 'conversations'");
        return;
    }
    struct qa_input in;
    qa_input_init(&in, QA_API_MAX_REPLIES);
    if (by_ticket) {
        struct qa_read r = {.ticket_id = json_int(req->json, "ticket_id", 0), .in = &in,
                            .ei = &req->err};
        e = store_read(req_store(req), qa_read_tx, &r);
    } else {
        for (size_t i = 0; i < json_array_size(convs) && !e; i++) {
            char field[48];
            snprintf(field, sizeof field, "conversations[%zu]", i);
            e = svc_qa_add_json(&in, json_array_get(convs, i), field, &req->err);
        }
    }
    json_t *out = NULL;
    if (!e)
        e = svc_qa_run(&in, &out, &req->err);
    qa_input_release(&in);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, out);
}
