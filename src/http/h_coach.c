/* POST /api/v1/coach: how an agent's draft will land, before it is sent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../service/coach.h"
#include "../util/alloc.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"

/*
 * Nothing is stored: the review runs on the worker thread and the reply is
 * made at once.  The thread the draft answers is either given ("thread",
 * with "customer_name") or, with "ticket_id", the ticket's as stored: its
 * last messages with their analyses and the customer's name.
 */

struct coach_read {
    int64_t ticket_id;
    struct svc_coach_thread th;
    struct terr_info *ei;
};

static enum terr coach_read_tx(struct store_tx *tx, void *arg)
{
    struct coach_read *r = arg;
    return svc_coach_thread_from_ticket(tx, r->ticket_id, &r->th, r->ei);
}

void h_coach(struct request *req)
{
    enum terr e = json_check(req->json, body_coach, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    const json_t *thread = json_object_get(req->json, "thread");
    const char *name = json_str(req->json, "customer_name", NULL);
    bool by_ticket = json_has(req->json, "ticket_id");
    if (by_ticket && (thread || name)) {
        reply_error(req, TERR_INVALID, "ticket_id",
                    "give either 'ticket_id' or 'thread' (with 'customer_name'), not both");
        return;
    }
    if (!svc_coach_enabled()) {
        reply_error(req, TERR_INTERNAL, NULL, "this server runs without the coach's data");
        return;
    }
    struct coach_read r = {.ticket_id = json_int(req->json, "ticket_id", 0), .ei = &req->err};
    if (by_ticket)
        e = store_read(req_store(req), coach_read_tx, &r);
    else if (thread)
        e = svc_coach_thread_from_json(thread, "thread", &r.th, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    if (!by_ticket && name) {
        free(r.th.customer_name);
        r.th.customer_name = xstrdup(name);
        r.th.thread.customer_name = r.th.customer_name;
    }
    const char *draft = json_str(req->json, "draft", "");
    size_t len = strlen(draft);
    struct coach_review rev;
    e = svc_coach_review(draft, len, "draft", by_ticket || thread || name ? &r.th.thread : NULL,
                         &rev, &req->err);
    svc_coach_thread_release(&r.th);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    reply_json(req, 200, coach_review_to_json(&rev, draft, len));
}
