/* /api/v1/outbox: the messages truce has queued for customers (surveys,
 * follow-ups, notices), in id order with a cursor.  Read-only: nothing sends
 * them yet, so every row stays 'queued' until a channel delivers it. */
#include <stdlib.h>
#include <string.h>

#include "../domain/survey.h"
#include "../util/alloc.h"
#include "handlers.h"
#include "paging.h"
#include "render.h"

#define OUTBOX_PAGE_DEFAULT 50
#define OUTBOX_PAGE_MAX     200

/* A copy of body with every survey link's token hidden: the link is the
 * customer's credential, and the agents it rates must not be able to answer
 * for the customer.  Caller frees. */
static char *hide_links(const char *body)
{
    char *out = xstrdup(body);
    for (char *p = strstr(out, "/s/"); p; p = strstr(p, "/s/")) {
        p += 3;
        size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
        if (n >= 8) {
            memset(p, '*', 8); /* eight stars, whatever the token's length */
            memmove(p + 8, p + n, strlen(p + n) + 1);
            p += 8;
        }
    }
    return out;
}

static json_t *render_outbox(const struct outbox_msg *m, bool reveal)
{
    char *hidden = reveal || !m->body ? NULL : hide_links(m->body);
    json_t *o = json_pack(
        "{s:I, s:o, s:I, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)m->id,
        "ticket_id", m->ticket_id ? json_integer(m->ticket_id) : json_null(), "customer_id",
        (json_int_t)m->customer_id, "channel", channel_name(m->channel), "kind",
        outbox_kind_name(m->kind), "subject", json_string(m->subject ? m->subject : ""), "body",
        json_string(hidden    ? hidden
                    : m->body ? m->body
                              : ""),
        "state", outbox_state_name(m->state), "survey_id",
        m->survey_id ? json_integer(m->survey_id) : json_null(), "due_at", render_time(m->due_at),
        "created_at", render_time(m->created_at), "sent_at", render_time(m->sent_at));
    free(hidden);
    if (!o)
        BUG("cannot render outbox message %lld", (long long)m->id);
    return o;
}

struct outbox_page {
    struct outbox_query q;
    bool reveal; /* an admin sees survey links whole */
    json_t *items;
    json_t *next;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct outbox_page *p = arg;
    struct outbox_query q = p->q;
    q.limit = p->q.limit + 1; /* one more tells whether another page follows */
    struct outbox_msg *v;
    size_t n;
    enum terr e = store_outbox_list(tx, &q, &v, &n);
    if (e)
        return e;
    size_t shown = n > p->q.limit ? p->q.limit : n;
    p->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(p->items, render_outbox(&v[i], p->reveal));
    p->next = page_next_id(n > shown, shown ? v[shown - 1].id : 0);
    outbox_msgs_free(v, n);
    return TERR_OK;
}

void h_outbox_list(struct request *req)
{
    struct outbox_page p = {.items = NULL, .reveal = req->actor.role == ROLE_ADMIN};
    if (!query_limit(req, OUTBOX_PAGE_DEFAULT, OUTBOX_PAGE_MAX, &p.q.limit) ||
        !query_id_cursor(req, &p.q.after_id))
        return;
    const char *v;
    if ((v = req_query(req, "ticket_id"))) {
        char *end;
        long long id = strtoll(v, &end, 10);
        if (!*v || *end || id <= 0) {
            reply_error(req, TERR_INVALID, "ticket_id", "'ticket_id' must be a ticket id");
            return;
        }
        p.q.ticket_id = id;
    }
    if ((v = req_query(req, "state"))) {
        if (!outbox_state_parse(v, &p.q.state)) {
            reply_error(req, TERR_INVALID, "state", "'state' must be one of queued, sent, failed");
            return;
        }
        p.q.has_state = true;
    }
    enum terr e = store_read(req_store(req), list_tx, &p);
    if (e) {
        json_decref(p.items);
        reply_err_info(req, e);
        return;
    }
    reply_json(req, 200, json_pack("{s:o, s:o}", "items", p.items, "next_cursor", p.next));
}
