/* /api/v1/webhooks (admins only): subscriptions, and each one's delivery log. */
#include <stdlib.h>
#include <string.h>

#include "../service/webhooks.h"
#include "../util/alloc.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"

/* A subscription as the API shows it; the secret only when with_secret (at creation). */
static json_t *render_webhook(const struct webhook *w, bool with_secret)
{
    json_t *events = json_array();
    for (size_t i = 0; i < w->events.n; i++)
        json_array_append_new(events, json_string(w->events.v[i]));
    json_t *o = json_pack("{s:I, s:s, s:o, s:b, s:o, s:o}", "id", (json_int_t)w->id, "url",
                          w->url, "events", events, "active", w->active, "created_at",
                          render_time(w->created_at), "created_by",
                          w->created_by ? json_integer(w->created_by) : json_null());
    if (!o)
        BUG("cannot render webhook %lld", (long long)w->id);
    if (with_secret)
        json_object_set_new(o, "secret", json_string(w->secret));
    return o;
}

static json_t *render_delivery(const struct webhook_delivery *d)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:i, s:o, s:o, s:I, s:o}", "id", (json_int_t)d->id,
                          "job_id", (json_int_t)d->job_id, "event_type", d->event_type, "attempt",
                          d->attempt, "status", d->status ? json_integer(d->status) : json_null(),
                          "error", d->error ? json_string(d->error) : json_null(), "duration_ms",
                          (json_int_t)d->duration_ms, "at", render_time(d->at));
    if (!o)
        BUG("cannot render delivery %lld", (long long)d->id);
    return o;
}

/* ---- create ---- */

struct new_hook {
    struct webhook_new in; /* strings borrowed from req->json */
    const char **events;
    struct webhook out;
};

static void new_hook_free(void *arg)
{
    struct new_hook *n = arg;
    free(n->events);
    webhook_release(&n->out);
    free(n);
}

static void render_created(struct request *req)
{
    reply_json(req, 201, render_webhook(&((struct new_hook *)req->warg)->out, true));
}

static enum terr create_tx(struct store_tx *tx, struct request *req)
{
    struct new_hook *n = req->warg;
    enum terr e = svc_webhook_create(tx, &req->actor, &n->in, &n->out, &req->err);
    if (!e)
        reply_later(req, render_created);
    return e;
}

void h_webhooks_create(struct request *req)
{
    enum terr e = json_check(req->json, body_webhook_create, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    json_t *events = json_object_get(req->json, "events");
    struct new_hook *n = xcalloc(1, sizeof(*n));
    n->in.url = json_str(req->json, "url", "");
    n->in.active = json_bool(req->json, "active", true);
    n->in.n_events = json_array_size(events);
    n->events = xcalloc(n->in.n_events ? n->in.n_events : 1, sizeof(*n->events));
    for (size_t i = 0; i < n->in.n_events; i++)
        n->events[i] = json_string_value(json_array_get(events, i));
    n->in.events = n->events;
    /* Checked here too, so bad input never reaches the writer. */
    if ((e = svc_webhook_check(&n->in, &req->err))) {
        new_hook_free(n);
        reply_err_info(req, e);
        return;
    }
    http_write(req, create_tx, n, new_hook_free);
}

/* ---- list and read ---- */

struct hooks {
    int64_t id; /* 0: all */
    json_t *out;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct hooks *h = arg;
    if (h->id) {
        struct webhook w;
        enum terr e = store_webhook_get(tx, h->id, &w);
        if (e)
            return e;
        h->out = render_webhook(&w, false);
        webhook_release(&w);
        return TERR_OK;
    }
    struct webhook *v;
    size_t n;
    enum terr e = store_webhook_list(tx, &v, &n);
    if (e)
        return e;
    h->out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(h->out, render_webhook(&v[i], false));
    webhooks_free(v, n);
    return TERR_OK;
}

void h_webhooks_list(struct request *req)
{
    struct hooks h = {0};
    enum terr e = store_read(req_store(req), list_tx, &h);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o}", "items", h.out));
}

void h_webhook_get(struct request *req)
{
    struct hooks h = {.id = req->params[0]};
    enum terr e = store_read(req_store(req), list_tx, &h);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "webhook %lld not found", (long long)h.id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, h.out);
}

/* ---- delete ---- */

static enum terr delete_tx(struct store_tx *tx, struct request *req)
{
    int64_t id = req->params[0];
    enum terr e = svc_webhook_remove(tx, &req->actor, id, &req->err);
    if (!e)
        reply_json(req, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
    return e;
}

void h_webhook_delete(struct request *req)
{
    http_write(req, delete_tx, NULL, NULL);
}

/* ---- deliveries ---- */

struct deliveries_page {
    int64_t id;
    int64_t after_id;
    size_t limit;
    json_t *items;
    json_t *next;
};

static enum terr deliveries_tx(struct store_tx *tx, void *arg)
{
    struct deliveries_page *p = arg;
    struct webhook w;
    enum terr e = store_webhook_get(tx, p->id, &w);
    if (e)
        return e;
    webhook_release(&w);
    struct webhook_delivery *v;
    size_t n;
    if ((e = store_delivery_list(tx, p->id, p->after_id, p->limit + 1, &v, &n)))
        return e;
    size_t shown = n > p->limit ? p->limit : n;
    p->items = json_array();
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(p->items, render_delivery(&v[i]));
    p->next = page_next_id(n > shown, shown ? v[shown - 1].id : 0);
    webhook_deliveries_free(v, n);
    return TERR_OK;
}

void h_webhook_deliveries(struct request *req)
{
    struct deliveries_page p = {.id = req->params[0]};
    if (!query_limit(req, THREAD_PAGE_DEFAULT, THREAD_PAGE_MAX, &p.limit) ||
        !query_id_cursor(req, &p.after_id))
        return;
    enum terr e = store_read(req_store(req), deliveries_tx, &p);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "webhook %lld not found", (long long)p.id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o, s:o}", "items", p.items, "next_cursor", p.next));
}
