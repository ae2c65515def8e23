/* /api/v1/customers/{id}: a customer with their latest tickets, newest first (the
 * rest page on at GET /api/v1/tickets?customer=ID&sort=created&cursor=...), and
 * the survey answers on those tickets, newest first. */
#include "../domain/survey.h"
#include "cursor.h"
#include "handlers.h"
#include "paging.h"
#include "render.h"

#define CUSTOMER_TICKETS_MAX 100

struct one_customer {
    int64_t id;
    json_t *body;
};

static json_t *score_or_null(int v)
{
    return v == SURVEY_NO_SCORE ? json_null() : json_integer(v);
}

/* The answered surveys of tickets v[0..n) (newest ticket first) into out. */
static enum terr add_surveys(struct store_tx *tx, const struct ticket *v, size_t n, json_t *out)
{
    for (size_t i = 0; i < n; i++) {
        struct survey *sv;
        size_t ns;
        enum terr e = store_survey_list(tx, v[i].id, &sv, &ns);
        if (e)
            return e;
        for (size_t k = ns; k-- > 0;) {
            const struct survey *s = &sv[k];
            if (!s->answered_at)
                continue;
            json_array_append_new(
                out,
                json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)s->id,
                          "ticket_id", (json_int_t)s->ticket_id, "csat", score_or_null(s->csat),
                          "nps", score_or_null(s->nps), "ces", score_or_null(s->ces), "comment",
                          s->comment ? json_string(s->comment) : json_null(), "answered_at",
                          render_time(s->answered_at)));
        }
        surveys_free(sv, ns);
    }
    return TERR_OK;
}

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct one_customer *o = arg;
    struct customer c;
    enum terr e = store_customer_get(tx, o->id, &c);
    if (e)
        return e;
    json_t *body = render_customer(&c);
    customer_release(&c);

    /* One more than shown tells whether the list goes on. */
    struct ticket_query q = {
        .customer_id = o->id, .sort = SORT_CREATED, .limit = CUSTOMER_TICKETS_MAX + 1};
    struct ticket *v;
    size_t n;
    if ((e = store_ticket_list(tx, &q, &v, &n))) {
        json_decref(body);
        return e;
    }
    size_t shown = n > CUSTOMER_TICKETS_MAX ? CUSTOMER_TICKETS_MAX : n;
    json_t *tickets = json_array();
    for (size_t i = 0; i < shown && !e; i++) {
        json_t *t;
        if ((e = render_ticket(tx, &v[i], false, &t)) == TERR_OK)
            json_array_append_new(tickets, t);
    }
    /* The rest continue at GET /api/v1/tickets?customer=ID&sort=created&cursor=... */
    char next[128] = "";
    if (n > shown)
        cursor_encode(SORT_CREATED, v[shown - 1].id, v[shown - 1].id, next, sizeof(next));
    json_t *surveys = json_array();
    if (!e)
        e = add_surveys(tx, v, shown, surveys);
    tickets_free(v, n);
    json_object_set_new(body, "tickets", tickets);
    json_object_set_new(body, "surveys", surveys);
    json_object_set_new(body, "tickets_next_cursor", next[0] ? json_string(next) : json_null());
    if (e) {
        json_decref(body);
        return e;
    }
    o->body = body;
    return TERR_OK;
}

void h_customer_get(struct request *req)
{
    struct one_customer o = {.id = req->params[0]};
    enum terr e = store_read(req_store(req), get_tx, &o);
    if (e == TERR_NOT_FOUND)
        reply_error(req, e, NULL, "customer %lld not found", (long long)o.id);
    else if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, o.body);
}
