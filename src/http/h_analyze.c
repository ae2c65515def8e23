/* POST /api/v1/analyze: the analysis of one text, and a thread's risk, for integrations. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/conflict.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"

/*
 * Nothing is stored: the analysis runs on the worker thread and the reply is
 * made at once.  With "thread", the text is read as the customer's newest
 * message after it, written now, and the reply adds that thread's risk.
 */
void h_analyze(struct request *req)
{
    enum terr e = json_check(req->json, body_analyze, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    const char *text = json_str(req->json, "text", "");
    if (text_blank(text)) {
        reply_error(req, TERR_INVALID, "text", "'text' is empty");
        return;
    }
    if (!svc_conflict_enabled()) {
        reply_error(req, TERR_INTERNAL, NULL, "this server runs without analysis data");
        return;
    }
    struct msg_analysis a;
    if ((e = svc_conflict_analyze(text, "text", &a, NULL, &req->err))) {
        reply_err_info(req, e);
        return;
    }
    json_t *out = analysis_to_json(&a, text, strlen(text));
    const json_t *thread = json_object_get(req->json, "thread");
    if (thread) {
        int64_t now = time_now_ms();
        json_t *all = json_copy((json_t *)(uintptr_t)thread); /* shallow: items shared */
        /* No "at": the text is written now, and a thread item a little in
         * the future (clock skew) is not "out of order" before it. */
        json_array_append_new(all, json_pack("{s:s, s:s}", "author", "customer", "body", text));
        struct thread_risk r;
        e = svc_thread_risk(all, now, &r, &req->err);
        json_decref(all);
        if (e) {
            json_decref(out);
            reply_err_info(req, e);
            return;
        }
        json_object_set_new(out, "thread_risk", risk_to_json(&r));
    }
    reply_json(req, 200, out);
}
