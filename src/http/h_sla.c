/* /api/v1/sla: the desk's SLA configuration; and the "sla" view of a ticket. */
#include <stdlib.h>
#include <string.h>

#include "../service/sla_clock.h"
#include "../util/alloc.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include "handlers.h"
#include "json_in.h"
#include "paging.h"
#include "render.h"

static json_t *target_or_null(int64_t ms)
{
    return ms == SLA_NO_TARGET ? json_null() : json_integer(ms);
}

static json_t *render_targets(const struct sla_targets *t)
{
    json_t *o = json_object();
    for (int m = 0; m < SLA_METRIC_COUNT; m++)
        json_object_set_new(o, sla_metric_name((enum sla_metric)m), target_or_null(t->ms[m]));
    return o;
}

/* The configuration as GET and PUT show it: the specs and the policy's
 * targets in ms (null: none) by priority and by level. */
static json_t *render_config(const struct sla_config *c)
{
    json_t *by_priority = json_object(), *by_level = json_object();
    for (int p = 0; p < SLA_N_PRIORITIES; p++)
        json_object_set_new(by_priority, priority_name((enum priority)p),
                            render_targets(&c->policy.by_priority[p]));
    for (int l = 0; l < SLA_N_LEVELS; l++)
        json_object_set_new(by_level, level_name((enum level)l),
                            render_targets(&c->policy.by_level[l]));
    json_t *o = json_pack("{s:s, s:s, s:b, s:{s:o, s:o}}", "policy", c->policy_spec, "calendar",
                          c->calendar_spec, "urgent_24x7", c->urgent_24x7, "targets", "by_priority",
                          by_priority, "by_level", by_level);
    if (!o)
        BUG("cannot render the SLA configuration");
    return o;
}

/* ---- GET /api/v1/sla ---- */

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    return svc_sla_config_get(tx, arg);
}

void h_sla_get(struct request *req)
{
    struct sla_config *c = xcalloc(1, sizeof(*c));
    enum terr e = store_read(req_store(req), get_tx, c);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, render_config(c));
    free(c);
}

/* ---- PUT /api/v1/sla ---- */

static const struct jfield body_sla_put[] = {
    {"policy", JT_STRING, false, 0, SLA_MAX_SPEC, 0, NULL},
    {"calendar", JT_STRING, false, 0, CAL_MAX_SPEC, 0, NULL},
    {"urgent_24x7", JT_BOOL, false, 0, 0, 0, NULL},
    {0}, /* end */
};

struct put_job {
    struct sla_config_update in; /* strings borrowed from req->json */
    struct sla_config out;
};

static void render_put(struct request *req)
{
    reply_json(req, 200, render_config(&((struct put_job *)req->warg)->out));
}

static enum terr put_tx(struct store_tx *tx, struct request *req)
{
    struct put_job *j = req->warg;
    enum terr e = svc_sla_configure(tx, &req->actor, &j->in, &j->out, &req->err);
    if (!e)
        reply_later(req, render_put);
    return e;
}

void h_sla_put(struct request *req)
{
    enum terr e = json_check(req->json, body_sla_put, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct put_job *j = xcalloc(1, sizeof(*j));
    j->in.policy = json_str(req->json, "policy", NULL);
    j->in.calendar = json_str(req->json, "calendar", NULL);
    j->in.has_urgent_24x7 = json_has(req->json, "urgent_24x7");
    j->in.urgent_24x7 = json_bool(req->json, "urgent_24x7", true);
    /* Checked here too, so a bad spec never reaches the writer. */
    if ((e = svc_sla_config_check(&j->in, &req->err))) {
        free(j);
        reply_err_info(req, e);
        return;
    }
    http_write(req, put_tx, j, free);
}

/* ---- the ticket's "sla" ---- */

static json_t *render_clock(const struct sla_clock *c)
{
    json_t *o = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:I, s:i, s:o, s:o}", "state", sla_state_name(c->state),
        "target_ms", target_or_null(c->target_ms), "started_at", render_time(c->started_at),
        "stopped_at", render_time(c->stopped_at), "due_at", render_time(c->due_at), "elapsed_ms",
        (json_int_t)c->elapsed_ms, "percent", c->percent, "breached_at",
        render_time(c->breached_at), "next_check_at", render_time(c->next_check_at));
    if (!o)
        BUG("cannot render an SLA clock");
    return o;
}

enum terr h_sla_attach(struct store_tx *tx, int64_t ticket_id, json_t *ticket)
{
    struct ticket t;
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    if (e)
        return e;
    int64_t now = time_now_ms();
    struct sla_status st;
    struct terr_info ei = {0};
    e = svc_sla_status(tx, &t, now, &st, &ei);
    json_t *sla = json_pack("{s:o, s:o, s:o}", "due_at", render_time(t.due_at), "breached_at",
                            render_time(t.breached_at), "evaluated_at", render_time(now));
    if (!sla)
        BUG("cannot render ticket %lld's SLA", (long long)ticket_id);
    if (e == TERR_INVALID || e == TERR_TOO_LARGE) {
        /* The ticket shows; its clocks say why they cannot. */
        log_error("sla: cannot evaluate ticket %lld: %s", (long long)ticket_id, ei.message);
        json_object_set_new(sla, "clocks", json_null());
        json_object_set_new(sla, "error", json_string(ei.message));
        e = TERR_OK;
    } else if (!e) {
        json_t *clocks = json_object();
        for (int m = 0; m < SLA_METRIC_COUNT; m++)
            json_object_set_new(clocks, sla_metric_name((enum sla_metric)m),
                                render_clock(&st.clock[m]));
        json_object_set_new(sla, "clocks", clocks);
    }
    if (!e)
        json_object_set_new(ticket, "sla", sla);
    else
        json_decref(sla);
    ticket_release(&t);
    return e;
}
