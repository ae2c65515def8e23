/*
 * /api/v1/notifications: the caller's notices (theirs, their role's, and
 * for an admin the leads'), newest first, and marking one read.
 */
#include <stdlib.h>
#include <string.h>

#include "../service/notify.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "handlers.h"
#include "paging.h"
#include "render.h"

#define NOTIFICATIONS_DEFAULT 50
#define NOTIFICATIONS_MAX     500

static json_t *render_notification(const struct notification *n)
{
    /* json_text: a row stored before svc_notify kept texts valid UTF-8 still renders. */
    json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:b}", "id", (json_int_t)n->id,
                          "agent_id", n->agent_id ? json_integer(n->agent_id) : json_null(), "role",
                          n->agent_id ? json_null() : json_string(role_name(n->role)), "ticket_id",
                          n->ticket_id ? json_integer(n->ticket_id) : json_null(), "kind", n->kind,
                          "text", json_text(n->text), "created_at", render_time(n->created_at),
                          "read_at", render_time(n->read_at), "read", n->read_at != 0);
    if (!o)
        BUG("cannot render notification %lld", (long long)n->id);
    return o;
}

struct page {
    struct notification_query q;
    json_t *items;
    json_t *next;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct page *p = arg;
    size_t limit = p->q.limit;
    p->q.limit = limit + 1;
    struct notification *v;
    size_t n;
    enum terr e = store_notification_list(tx, &p->q, &v, &n);
    if (e)
        return e;
    size_t shown = n > limit ? limit : n;
    p->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(p->items, render_notification(&v[i]));
    p->next = page_next_id(n > shown, shown ? v[shown - 1].id : 0);
    notifications_free(v, n);
    return TERR_OK;
}

void h_notifications_list(struct request *req)
{
    struct page p = {.q = {.agent_id = req->actor.id, .role = req->actor.role}};
    /* The cursor is the last id shown; the next page holds older ones. */
    if (!query_limit(req, NOTIFICATIONS_DEFAULT, NOTIFICATIONS_MAX, &p.q.limit) ||
        !query_id_cursor(req, &p.q.before_id))
        return;
    const char *unread = req_query(req, "unread");
    if (unread) {
        if (strcmp(unread, "1") == 0 || strcmp(unread, "true") == 0)
            p.q.unread_only = true;
        else if (strcmp(unread, "0") != 0 && strcmp(unread, "false") != 0) {
            reply_error(req, TERR_INVALID, "unread", "'unread' is 1, 0, true or false");
            return;
        }
    }
    enum terr e = store_read(req_store(req), list_tx, &p);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o, s:o}", "items", p.items, "next_cursor", p.next));
}

static void notification_free(void *arg)
{
    notification_release(arg);
    free(arg);
}

static void render_read(struct request *req)
{
    reply_json(req, 200, render_notification(req->warg));
}

static enum terr read_tx(struct store_tx *tx, struct request *req)
{
    enum terr e =
        svc_notification_read(tx, &req->actor, req->params[0], time_now_ms(), req->warg, &req->err);
    if (!e)
        reply_later(req, render_read);
    return e;
}

void h_notification_read(struct request *req)
{
    http_write(req, read_tx, xcalloc(1, sizeof(struct notification)), notification_free);
}
