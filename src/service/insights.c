/*
 * Insights (insights.h).  One walk over the cohort's tickets fills a group
 * for the whole desk and one per assignee; each group keeps its first-response
 * and resolution times to take exact medians.  Surveys, SLA and de-escalation
 * come from the store's aggregates (the trends report with one bucket for the
 * overview, store_report_agent_extras per agent).
 */
#include "insights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/emerging.h"
#include "../store/store_reports.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"

struct times {
    int64_t *v;
    size_t n, cap;
};

struct group {
    int64_t agent_id;
    char *name;
    int64_t tickets, conflicts, escalated, resolved, reopened;
    struct times frt, res;
    struct report_agent_extra x;
};

struct walk {
    struct group total;
    struct group *agents;
    size_t n_agents, cap_agents;
    size_t rows;
    size_t last; /* the agent group found last */
};

static void times_add(struct times *t, int64_t v)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    t->v[t->n++] = v;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* {median_ms, n}: the exact median (the mean of the middle two, rounded
 * down, for an even count), null without values.  Sorts t. */
static json_t *median_json(struct times *t)
{
    if (!t->n)
        return json_pack("{s:n,s:i}", "median_ms", "n", 0);
    qsort(t->v, t->n, sizeof(*t->v), cmp_i64);
    int64_t m = t->n % 2 ? t->v[t->n / 2] : (t->v[t->n / 2 - 1] + t->v[t->n / 2]) / 2;
    return json_pack("{s:I,s:I}", "median_ms", (json_int_t)m, "n", (json_int_t)t->n);
}

static json_t *share(int64_t num, int64_t den)
{
    return den ? json_real(round((double)num / (double)den * 10000.0) / 10000.0) : json_null();
}

static json_t *score(int64_t n, int64_t sum)
{
    return json_pack("{s:o,s:I}", "avg", share(sum, n), "n", (json_int_t)n);
}

/* {csat, nps, ces} as the trends report writes them. */
static json_t *surveys_json(const struct report_agent_extra *x)
{
    json_t *nps = score(x->nps_n, x->nps_sum);
    json_object_set_new(nps, "score",
                        x->nps_n ? json_real(round((double)(x->nps_promoters - x->nps_detractors) *
                                                   1000.0 / (double)x->nps_n) /
                                             10.0)
                                 : json_null());
    return json_pack("{s:o,s:o,s:o}", "csat", score(x->csat_n, x->csat_sum), "nps", nps, "ces",
                     score(x->ces_n, x->ces_sum));
}

static void group_release(struct group *g)
{
    free(g->name);
    free(g->frt.v);
    free(g->res.v);
}

static void walk_release(struct walk *w)
{
    group_release(&w->total);
    for (size_t i = 0; i < w->n_agents; i++)
        group_release(&w->agents[i]);
    free(w->agents);
}

/* The group of agent id, added when new.  Agents are few next to tickets;
 * the last one found is tried first, as a run of tickets often shares one. */
static struct group *agent_group(struct walk *w, int64_t id, const char *name)
{
    if (w->last < w->n_agents && w->agents[w->last].agent_id == id)
        return &w->agents[w->last];
    for (size_t i = 0; i < w->n_agents; i++)
        if (w->agents[i].agent_id == id)
            return &w->agents[w->last = i];
    if (w->n_agents == w->cap_agents) {
        w->cap_agents = w->cap_agents ? w->cap_agents * 2 : 16;
        w->agents = xrealloc(w->agents, w->cap_agents * sizeof(*w->agents));
    }
    struct group *g = &w->agents[w->n_agents];
    memset(g, 0, sizeof(*g));
    g->agent_id = id;
    g->name = xstrdup(name);
    w->last = w->n_agents++;
    return g;
}

static void group_add(struct group *g, const struct report_ticket *t)
{
    g->tickets++;
    g->conflicts += t->peak >= LEVEL_TENSE;
    g->escalated += t->escalated;
    g->resolved += t->resolved;
    g->reopened += t->reopened;
    if (t->first_response_at >= t->created_at && t->first_response_at)
        times_add(&g->frt, t->first_response_at - t->created_at);
    if (t->resolved && t->resolved_at >= t->created_at && t->resolved_at)
        times_add(&g->res, t->resolved_at - t->created_at);
}

static enum terr on_ticket(void *arg, const struct report_ticket *t)
{
    struct walk *w = arg;
    if (++w->rows > INSIGHTS_MAX_TICKETS)
        return TERR_TOO_LARGE;
    group_add(&w->total, t);
    group_add(agent_group(w, t->assignee_id, t->assignee), t);
    return TERR_OK;
}

static enum terr on_extra(void *arg, const struct report_agent_extra *x)
{
    struct walk *w = arg;
    struct group *g = agent_group(w, x->agent_id, "");
    g->x.csat_n += x->csat_n;
    g->x.csat_sum += x->csat_sum;
    g->x.nps_n += x->nps_n;
    g->x.nps_sum += x->nps_sum;
    g->x.nps_promoters += x->nps_promoters;
    g->x.nps_detractors += x->nps_detractors;
    g->x.ces_n += x->ces_n;
    g->x.ces_sum += x->ces_sum;
    g->x.deesc_threads += x->deesc_threads;
    g->x.deesc_fell += x->deesc_fell;
    return TERR_OK;
}

/* The fields a group shares with the overview. */
static json_t *group_json(struct group *g)
{
    return json_pack("{s:I,s:I,s:o,s:o,s:o,s:{s:I,s:I,s:o},s:{s:I,s:o}}", "tickets",
                     (json_int_t)g->tickets, "conflicts", (json_int_t)g->conflicts, "conflict_rate",
                     share(g->conflicts, g->tickets), "first_response", median_json(&g->frt),
                     "resolution", median_json(&g->res), "reopen", "resolved",
                     (json_int_t)g->resolved, "reopened", (json_int_t)g->reopened, "rate",
                     share(g->reopened, g->resolved), "escalation", "escalated",
                     (json_int_t)g->escalated, "rate", share(g->escalated, g->tickets));
}

static json_t *deesc_json(int64_t threads, int64_t fell)
{
    return json_pack("{s:I,s:I,s:o}", "threads", (json_int_t)threads, "fell", (json_int_t)fell,
                     "rate", share(fell, threads));
}

enum terr svc_report_overview(struct store_tx *tx, int64_t from, int64_t to, json_t **out)
{
    struct walk w = {0};
    enum terr e = store_report_tickets(tx, from, to, on_ticket, &w);
    struct trend_query q = {.from = from, .to = to, .bucket_ms = to - from};
    struct trend_report r = {0};
    if (!e)
        e = store_report_trends(tx, &q, &r);
    if (e) {
        walk_release(&w);
        return e;
    }
    const struct trend_bucket *b = &r.buckets[0];
    struct report_agent_extra x = {
        .csat_n = b->csat_n,
        .csat_sum = b->csat_sum,
        .nps_n = b->nps_n,
        .nps_sum = b->nps_sum,
        .nps_promoters = b->nps_promoters,
        .nps_detractors = b->nps_detractors,
        .ces_n = b->ces_n,
        .ces_sum = b->ces_sum,
    };
    json_t *o = group_json(&w.total);
    json_object_set_new(o, "sla",
                        json_pack("{s:I,s:I,s:o}", "met", (json_int_t)b->sla_met, "breached",
                                  (json_int_t)b->sla_breached, "met_rate",
                                  share(b->sla_met, b->sla_met + b->sla_breached)));
    json_object_set_new(o, "deescalation", deesc_json(b->deesc_threads, b->deesc_fell));
    json_object_set_new(o, "surveys", surveys_json(&x));
    trend_report_release(&r);
    walk_release(&w);
    *out = o;
    return TERR_OK;
}

static int by_tickets(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->tickets != y->tickets)
        return x->tickets > y->tickets ? -1 : 1;
    return x->agent_id < y->agent_id ? -1 : x->agent_id > y->agent_id;
}

enum terr svc_report_agents(struct store_tx *tx, int64_t from, int64_t to, json_t **out)
{
    struct walk w = {0};
    enum terr e = store_report_tickets(tx, from, to, on_ticket, &w);
    if (!e)
        e = store_report_agent_extras(tx, from, to, on_extra, &w);
    if (e) {
        walk_release(&w);
        return e;
    }
    if (w.n_agents)
        qsort(w.agents, w.n_agents, sizeof(*w.agents), by_tickets);
    json_t *list = json_array();
    for (size_t i = 0; i < w.n_agents; i++) {
        struct group *g = &w.agents[i];
        json_t *o = group_json(g);
        json_object_set_new(o, "agent_id", g->agent_id ? json_integer(g->agent_id) : json_null());
        json_object_set_new(o, "name", json_string(g->name ? g->name : ""));
        json_object_set_new(o, "deescalation", deesc_json(g->x.deesc_threads, g->x.deesc_fell));
        json_object_set_new(o, "surveys", surveys_json(&g->x));
        json_array_append_new(list, o);
    }
    walk_release(&w);
    *out = list;
    return TERR_OK;
}

/* ---- emerging ---- */

struct emerging_walk {
    struct emerging *em;
    int64_t from; /* the current period's start */
    size_t messages;
};

static enum terr on_emerging_ticket(void *arg, const struct report_ticket *t)
{
    struct emerging_walk *w = arg;
    emerging_add_ticket(w->em, t->category, t->id, t->created_at >= w->from);
    return TERR_OK;
}

static enum terr on_emerging_message(void *arg, const struct report_message *m)
{
    struct emerging_walk *w = arg;
    if (++w->messages > INSIGHTS_MAX_MESSAGES)
        return TERR_TOO_LARGE;
    /* a message tokenize() refuses is left out of the counts */
    (void)emerging_add_message(w->em, m->body, strlen(m->body), m->ticket_id,
                               m->created_at >= w->from);
    return TERR_OK;
}

enum terr svc_report_emerging(struct store_tx *tx, int64_t from, int64_t to, json_t **out)
{
    int64_t span = to - from;
    int64_t base_from = from - EMERGING_BASELINE_PERIODS * span;
    struct emerging_walk w = {.em = emerging_new(), .from = from};
    enum terr e = store_report_tickets(tx, base_from, to, on_emerging_ticket, &w);
    if (!e)
        e = store_report_messages(tx, base_from, to, on_emerging_message, &w);
    if (e) {
        emerging_free(w.em);
        return e;
    }
    static const struct emerging_params p = {
        .min_count = 5, .alpha = 0.01, .min_lift = 1.5, .max_items = 50};
    struct emerging_item *v;
    size_t n;
    emerging_find(w.em, &p, &v, &n);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *ex = json_array();
        for (size_t k = 0; k < v[i].n_examples; k++)
            json_array_append_new(ex, json_integer(v[i].examples[k]));
        json_array_append_new(
            items,
            json_pack("{s:s,s:s,s:I,s:I,s:o,s:f,s:f,s:o}", "kind",
                      v[i].kind == EMERGING_CATEGORY ? "category" : "phrase", "key", v[i].key,
                      "count", (json_int_t)v[i].count, "baseline", (json_int_t)v[i].base, "lift",
                      isfinite(v[i].lift) ? json_real(round(v[i].lift * 100) / 100) : json_null(),
                      "p", v[i].p, "q", v[i].q, "example_tickets", ex));
    }
    char fb[TIME_ISO_LEN];
    *out = json_pack("{s:s,s:I,s:b,s:o}", "baseline_from", time_format_iso(base_from, fb),
                     "baseline_periods", (json_int_t)EMERGING_BASELINE_PERIODS, "truncated",
                     emerging_truncated(w.em), "items", items);
    emerging_items_free(v, n);
    emerging_free(w.em);
    return TERR_OK;
}
