/*
 * Insights (insights.h).  One walk over the cohort's tickets and one over the
 * outcomes in the range (resolutions for the SLA, survey answers, heated
 * threads) fill a group for the whole desk and one per value of the `by`
 * dimension; each group keeps its first-response and resolution times to
 * take exact medians.  Trends take their ticket counts from the store's
 * aggregates and their SLA, surveys and de-escalation from the same outcome
 * walk, a group per bucket: one definition of each outcome for every report.
 */
#include "insights.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/emerging.h"
#include "../store/store_reports.h"
#include "../store/store_search.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"

static const char *const by_names[] = {
    [REPORT_BY_NONE] = "none",         [REPORT_BY_AGENT] = "agent", [REPORT_BY_CHANNEL] = "channel",
    [REPORT_BY_CATEGORY] = "category", [REPORT_BY_LEVEL] = "level", [REPORT_BY_DAY] = "day",
    [REPORT_BY_WEEK] = "week",
};

bool report_by_parse(const char *s, enum report_by *out)
{
    for (size_t i = 0; i < sizeof(by_names) / sizeof(by_names[0]); i++)
        if (strcmp(s, by_names[i]) == 0) {
            *out = (enum report_by)i;
            return true;
        }
    return false;
}

const char *report_by_name(enum report_by by)
{
    return by_names[by];
}

bool report_bucket_parse(const char *s, int64_t *out_ms)
{
    if (strcmp(s, "day") != 0 && strcmp(s, "week") != 0)
        return false;
    *out_ms = strcmp(s, "day") == 0 ? TIME_DAY_MS : 7 * TIME_DAY_MS;
    return true;
}

struct times {
    int64_t *v;
    size_t n, cap;
};

struct group {
    int64_t id; /* the agent's id, the channel, level or bucket index */
    char *name; /* the agent's name or the category */
    int64_t tickets, conflicts, escalated, resolved, reopened;
    struct times frt, res;
    int64_t sla_met, sla_breached;
    int64_t csat_n, csat_sum, nps_n, nps_sum, nps_promoters, nps_detractors, ces_n, ces_sum;
    int64_t deesc_threads, deesc_fell;
};

/* The groups of a report.  Channels, levels and buckets are laid out in
 * order up front, a group per value, and found by index; agents and
 * categories are added as met and found through a hash table. */
struct walk {
    enum report_by by;
    int64_t from, to, bucket_ms;
    struct group total;
    struct group *groups;
    size_t n, cap;
    size_t *slots; /* index + 1 into groups, 0 for empty; n_slots a power of 2 */
    size_t n_slots;
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

/* NPS: promoters' share minus detractors', as -100..100; null without answers. */
static json_t *nps_score(int64_t n, int64_t promoters, int64_t detractors)
{
    if (!n)
        return json_null();
    return json_real(round((double)(promoters - detractors) * 1000.0 / (double)n) / 10.0);
}

/* {csat, nps, ces} as the trends report writes them. */
static json_t *surveys_json(const struct group *g)
{
    json_t *nps = score(g->nps_n, g->nps_sum);
    json_object_set_new(nps, "score", nps_score(g->nps_n, g->nps_promoters, g->nps_detractors));
    return json_pack("{s:o,s:o,s:o}", "csat", score(g->csat_n, g->csat_sum), "nps", nps, "ces",
                     score(g->ces_n, g->ces_sum));
}

static void walk_init(struct walk *w, enum report_by by, int64_t from, int64_t to)
{
    memset(w, 0, sizeof(*w));
    w->by = by;
    w->from = from;
    w->to = to;
    w->bucket_ms = by == REPORT_BY_WEEK ? 7 * TIME_DAY_MS : TIME_DAY_MS;
    size_t n = 0;
    if (by == REPORT_BY_CHANNEL)
        n = REPORT_N_CHANNELS;
    else if (by == REPORT_BY_LEVEL)
        n = REPORT_N_LEVELS;
    else if (by == REPORT_BY_DAY || by == REPORT_BY_WEEK)
        n = (size_t)((to - from + w->bucket_ms - 1) / w->bucket_ms);
    if (n) {
        w->groups = xcalloc(n, sizeof(*w->groups));
        w->n = w->cap = n;
        for (size_t i = 0; i < n; i++)
            w->groups[i].id = (int64_t)i;
    }
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
    for (size_t i = 0; i < w->n; i++)
        group_release(&w->groups[i]);
    free(w->groups);
    free(w->slots);
}

static uint64_t key_hash(int64_t id, const char *name)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)id;
    for (const unsigned char *p = (const unsigned char *)name; p && *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    h ^= h >> 29;
    return h * 0xbf58476d1ce4e5b9ULL;
}

/* The hashed group of (id, name) — agents by id, categories by name —
 * added when new. */
static struct group *hashed_group(struct walk *w, int64_t id, const char *name)
{
    bool by_name = w->by == REPORT_BY_CATEGORY;
    if ((w->n + 1) * 2 > w->n_slots) {
        size_t n_slots = w->n_slots ? w->n_slots * 2 : 64;
        free(w->slots);
        w->slots = xcalloc(n_slots, sizeof(*w->slots));
        w->n_slots = n_slots;
        for (size_t i = 0; i < w->n; i++) {
            const struct group *g = &w->groups[i];
            size_t k = key_hash(by_name ? 0 : g->id, by_name ? g->name : NULL) & (n_slots - 1);
            while (w->slots[k])
                k = (k + 1) & (n_slots - 1);
            w->slots[k] = i + 1;
        }
    }
    size_t k = key_hash(by_name ? 0 : id, by_name ? name : NULL) & (w->n_slots - 1);
    for (; w->slots[k]; k = (k + 1) & (w->n_slots - 1)) {
        struct group *g = &w->groups[w->slots[k] - 1];
        if (by_name ? strcmp(g->name, name) == 0 : g->id == id) {
            if (!by_name && !*g->name && *name) { /* a name seen late (an outcome row) */
                free(g->name);
                g->name = xstrdup(name);
            }
            return g;
        }
    }
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->groups = xrealloc(w->groups, w->cap * sizeof(*w->groups));
    }
    struct group *g = &w->groups[w->n];
    memset(g, 0, sizeof(*g));
    g->id = by_name ? 0 : id;
    g->name = xstrdup(name);
    w->slots[k] = ++w->n;
    return g;
}

/* The group a row falls in by the walk's dimension; NULL for none (no
 * dimension, or an instant outside the buckets). */
static struct group *group_of(struct walk *w, int64_t at, int64_t agent_id, const char *agent,
                              enum channel ch, const char *category, enum level lv)
{
    switch (w->by) {
    case REPORT_BY_NONE:
        return NULL;
    case REPORT_BY_AGENT:
        return hashed_group(w, agent_id, agent);
    case REPORT_BY_CATEGORY:
        return hashed_group(w, 0, *category ? category : "(none)");
    case REPORT_BY_CHANNEL:
        return &w->groups[ch];
    case REPORT_BY_LEVEL:
        return &w->groups[lv];
    case REPORT_BY_DAY:
    case REPORT_BY_WEEK: {
        int64_t i = (at - w->from) / w->bucket_ms;
        return at >= w->from && (uint64_t)i < w->n ? &w->groups[i] : NULL;
    }
    }
    return NULL;
}

static void add_ticket(struct group *g, const struct report_ticket *t)
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

static void add_outcome(struct group *g, const struct report_outcome *o)
{
    switch (o->kind) {
    case REPORT_SLA:
        g->sla_met += !o->breached;
        g->sla_breached += o->breached;
        break;
    case REPORT_SURVEY:
        if (o->csat >= 0) {
            g->csat_n++;
            g->csat_sum += o->csat;
        }
        if (o->nps >= 0) {
            g->nps_n++;
            g->nps_sum += o->nps;
            g->nps_promoters += o->nps >= 9;
            g->nps_detractors += o->nps <= 6;
        }
        if (o->ces >= 0) {
            g->ces_n++;
            g->ces_sum += o->ces;
        }
        break;
    case REPORT_DEESC:
        g->deesc_threads++;
        g->deesc_fell += o->fell;
        break;
    }
}

static void walk_ticket(struct walk *w, const struct report_ticket *t)
{
    add_ticket(&w->total, t);
    struct group *g =
        group_of(w, t->created_at, t->assignee_id, t->assignee, t->channel, t->category, t->peak);
    if (g)
        add_ticket(g, t);
}

static void walk_outcome(struct walk *w, const struct report_outcome *o)
{
    add_outcome(&w->total, o);
    struct group *g = group_of(w, o->at, o->agent_id, o->agent, o->channel, o->category, o->peak);
    if (g)
        add_outcome(g, o);
}

/* The walks of a report: one for the whole range, or one per bucket of
 * bucket_ms from `from` (a row goes to the bucket of its instant). */
struct series {
    struct walk *w;
    size_t n;
    int64_t from, bucket_ms;
    size_t rows;
};

static void series_init(struct series *s, enum report_by by, int64_t from, int64_t to,
                        int64_t bucket_ms)
{
    s->from = from;
    s->bucket_ms = bucket_ms ? bucket_ms : to - from;
    s->n = (size_t)((to - from + s->bucket_ms - 1) / s->bucket_ms);
    s->w = xcalloc(s->n, sizeof(*s->w));
    s->rows = 0;
    for (size_t i = 0; i < s->n; i++) {
        int64_t start = from + (int64_t)i * s->bucket_ms;
        walk_init(&s->w[i], by, start, start + s->bucket_ms < to ? start + s->bucket_ms : to);
    }
}

static void series_release(struct series *s)
{
    for (size_t i = 0; i < s->n; i++)
        walk_release(&s->w[i]);
    free(s->w);
}

static struct walk *series_walk(struct series *s, int64_t at)
{
    int64_t i = (at - s->from) / s->bucket_ms;
    return at >= s->from && (uint64_t)i < s->n ? &s->w[i] : NULL;
}

static enum terr on_ticket(void *arg, const struct report_ticket *t)
{
    struct series *s = arg;
    if (++s->rows > INSIGHTS_MAX_TICKETS)
        return TERR_TOO_LARGE;
    struct walk *w = series_walk(s, t->created_at);
    if (w)
        walk_ticket(w, t);
    return TERR_OK;
}

static enum terr on_outcome(void *arg, const struct report_outcome *o)
{
    struct series *s = arg;
    if (++s->rows > INSIGHTS_MAX_TICKETS * 2)
        return TERR_TOO_LARGE;
    struct walk *w = series_walk(s, o->at);
    if (w)
        walk_outcome(w, o);
    return TERR_OK;
}

/* {met, breached, met_rate}: the SLA of the resolutions counted in g. */
static json_t *sla_json(const struct group *g)
{
    return json_pack("{s:I,s:I,s:o}", "met", (json_int_t)g->sla_met, "breached",
                     (json_int_t)g->sla_breached, "met_rate",
                     share(g->sla_met, g->sla_met + g->sla_breached));
}

/* {threads, fell, rate}: the heated threads counted in g. */
static json_t *deesc_json(const struct group *g)
{
    return json_pack("{s:I,s:I,s:o}", "threads", (json_int_t)g->deesc_threads, "fell",
                     (json_int_t)g->deesc_fell, "rate", share(g->deesc_fell, g->deesc_threads));
}

/* A group's numbers: the overview's fields. */
static json_t *group_json(struct group *g)
{
    return json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:{s:I,s:I,s:o},s:{s:I,s:o},s:o,s:o}", "tickets",
                     (json_int_t)g->tickets, "conflicts", (json_int_t)g->conflicts, "conflict_rate",
                     share(g->conflicts, g->tickets), "first_response", median_json(&g->frt),
                     "resolution", median_json(&g->res), "sla", sla_json(g), "reopen", "resolved",
                     (json_int_t)g->resolved, "reopened", (json_int_t)g->reopened, "rate",
                     share(g->reopened, g->resolved), "escalation", "escalated",
                     (json_int_t)g->escalated, "rate", share(g->escalated, g->tickets),
                     "deescalation", deesc_json(g), "surveys", surveys_json(g));
}

json_t *report_group_fields(void)
{
    struct group g = {0};
    return group_json(&g);
}

static int by_tickets(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->tickets != y->tickets)
        return x->tickets > y->tickets ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* Both row walks over [from, to) into s, each walk's groups then in the
 * order docs/api.md gives. */
static enum terr series_run(struct store_tx *tx, struct series *s, int64_t from, int64_t to)
{
    enum terr e = store_report_tickets(tx, from, to, on_ticket, s);
    if (!e)
        e = store_report_outcomes(tx, from, to, on_outcome, s);
    for (size_t i = 0; !e && i < s->n; i++) {
        struct walk *w = &s->w[i];
        if ((w->by == REPORT_BY_AGENT || w->by == REPORT_BY_CATEGORY) && w->n)
            qsort(w->groups, w->n, sizeof(*w->groups), by_tickets);
    }
    return e;
}

/* A group with the fields that name it first. */
static json_t *keyed_group_json(const struct walk *w, struct group *g)
{
    json_t *o = json_object();
    char at[TIME_ISO_LEN];
    switch (w->by) {
    case REPORT_BY_AGENT:
        json_object_set_new(o, "key", json_string(g->id ? g->name : "(unassigned)"));
        json_object_set_new(o, "agent_id", g->id ? json_integer(g->id) : json_null());
        break;
    case REPORT_BY_CATEGORY:
        json_object_set_new(o, "key", json_string(g->name));
        break;
    case REPORT_BY_CHANNEL:
        json_object_set_new(o, "key", json_string(channel_name((enum channel)g->id)));
        break;
    case REPORT_BY_LEVEL:
        json_object_set_new(o, "key", json_string(level_name((enum level)g->id)));
        break;
    case REPORT_BY_DAY:
    case REPORT_BY_WEEK: {
        int64_t start = w->from + g->id * w->bucket_ms;
        json_object_set_new(o, "key", json_string(time_format_iso(start, at)));
        json_object_set_new(o, "start", json_string(at));
        int64_t end = start + w->bucket_ms < w->to ? start + w->bucket_ms : w->to;
        json_object_set_new(o, "end", json_string(time_format_iso(end, at)));
        break;
    }
    case REPORT_BY_NONE:
        break;
    }
    json_t *fields = group_json(g);
    json_object_update(o, fields);
    json_decref(fields);
    return o;
}

/* A walk's report: the total alone, or {by, total, groups}. */
static json_t *walk_json(struct walk *w)
{
    if (w->by == REPORT_BY_NONE)
        return group_json(&w->total);
    json_t *groups = json_array();
    for (size_t i = 0; i < w->n; i++)
        json_array_append_new(groups, keyed_group_json(w, &w->groups[i]));
    return json_pack("{s:s,s:o,s:o}", "by", report_by_name(w->by), "total", group_json(&w->total),
                     "groups", groups);
}

static enum terr report_overview(struct store_tx *tx, const struct report_query *q, json_t **out)
{
    int64_t day_buckets = (q->to - q->from + TIME_DAY_MS - 1) / TIME_DAY_MS;
    if (q->bucket_ms && (q->by == REPORT_BY_DAY || q->by == REPORT_BY_WEEK))
        return TERR_INVALID;
    if (day_buckets > REPORT_MAX_BUCKETS &&
        (q->by == REPORT_BY_DAY || (q->bucket_ms == TIME_DAY_MS && q->by != REPORT_BY_WEEK)))
        return TERR_INVALID;
    struct series s;
    series_init(&s, q->by, q->from, q->to, q->bucket_ms);
    enum terr e = series_run(tx, &s, q->from, q->to);
    if (e) {
        series_release(&s);
        return e;
    }
    if (!q->bucket_ms) {
        *out = walk_json(&s.w[0]);
    } else {
        json_t *buckets = json_array();
        for (size_t i = 0; i < s.n; i++) {
            char start[TIME_ISO_LEN], end[TIME_ISO_LEN];
            json_t *b = json_pack("{s:s,s:s}", "start", time_format_iso(s.w[i].from, start), "end",
                                  time_format_iso(s.w[i].to, end));
            json_t *body = walk_json(&s.w[i]);
            if (q->by == REPORT_BY_NONE) {
                json_object_set_new(b, "total", body);
            } else {
                json_object_set(b, "total", json_object_get(body, "total"));
                json_object_set(b, "groups", json_object_get(body, "groups"));
                json_decref(body);
            }
            json_array_append_new(buckets, b);
        }
        *out = json_pack("{s:s,s:s,s:o}", "by", report_by_name(q->by), "bucket",
                         q->bucket_ms == TIME_DAY_MS ? "day" : "week", "buckets", buckets);
    }
    series_release(&s);
    return TERR_OK;
}

static enum terr report_agents(struct store_tx *tx, int64_t from, int64_t to, json_t **out)
{
    struct series s;
    series_init(&s, REPORT_BY_AGENT, from, to, 0);
    enum terr e = series_run(tx, &s, from, to);
    if (e) {
        series_release(&s);
        return e;
    }
    struct walk *w = &s.w[0];
    json_t *list = json_array();
    for (size_t i = 0; i < w->n; i++) {
        struct group *g = &w->groups[i];
        json_t *o = json_pack("{s:o,s:s}", "agent_id", g->id ? json_integer(g->id) : json_null(),
                              "name", g->name);
        json_t *fields = group_json(g);
        json_object_update(o, fields);
        json_decref(fields);
        json_array_append_new(list, o);
    }
    series_release(&s);
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

#define EMERGING_MAX_ITEMS       50
#define EMERGING_TICKET_MESSAGES 200 /* the newest, read to match one ticket */

/* What one ticket says in [from, to): its category and the phrases of its
 * newest public customer messages written then, to keep the emerging items
 * it is part of. */
static enum terr ticket_phrases(struct store_tx *tx, int64_t id, int64_t from, int64_t to,
                                struct emerging **out)
{
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, id, &t);
    if (e)
        return e;
    struct message *m;
    size_t n;
    e = store_message_recent(tx, id, EMERGING_TICKET_MESSAGES, &m, &n);
    if (e) {
        ticket_release(&t);
        return e;
    }
    struct emerging *mine = emerging_new();
    emerging_add_ticket(mine, t.category, id, true);
    for (size_t i = 0; i < n; i++)
        if (m[i].author_kind == AUTHOR_CUSTOMER && !m[i].internal && m[i].created_at >= from &&
            m[i].created_at < to)
            (void)emerging_add_message(mine, m[i].body, strlen(m[i].body), id, true);
    messages_free(m, n);
    ticket_release(&t);
    *out = mine;
    return TERR_OK;
}

static enum terr report_emerging(struct store_tx *tx, int64_t from, int64_t to, int64_t ticket_id,
                                 json_t **out)
{
    int64_t span = to - from;
    int64_t base_from = from - EMERGING_BASELINE_PERIODS * span;
    struct emerging *mine = NULL;
    enum terr e = ticket_id ? ticket_phrases(tx, ticket_id, from, to, &mine) : TERR_OK;
    if (e)
        return e;
    struct emerging_walk w = {.em = emerging_new(), .from = from};
    e = store_report_tickets(tx, base_from, to, on_emerging_ticket, &w);
    if (!e)
        e = store_report_messages(tx, base_from, to, on_emerging_message, &w);
    if (e) {
        emerging_free(w.em);
        emerging_free(mine);
        return e;
    }
    const struct emerging_params p = {.min_count = 5,
                                      .alpha = 0.01,
                                      .min_lift = 1.5,
                                      .max_items = mine ? SIZE_MAX : EMERGING_MAX_ITEMS};
    struct emerging_item *v;
    size_t n, shown = 0;
    emerging_find(w.em, &p, &v, &n);
    json_t *items = json_array();
    for (size_t i = 0; i < n && shown < EMERGING_MAX_ITEMS; i++) {
        if (mine && !emerging_has(mine, v[i].kind, v[i].key))
            continue;
        shown++;
        json_t *ex = json_array();
        for (size_t k = 0; k < v[i].n_examples; k++)
            json_array_append_new(ex, json_integer(v[i].examples[k]));
        json_array_append_new(
            items,
            json_pack("{s:s,s:s,s:o,s:I,s:I,s:o,s:f,s:f,s:o}", "kind",
                      v[i].kind == EMERGING_CATEGORY ? "category" : "phrase", "key", v[i].key,
                      "text", json_text(v[i].text), "count", (json_int_t)v[i].count, "baseline",
                      (json_int_t)v[i].base, "lift",
                      isfinite(v[i].lift) ? json_real(round(v[i].lift * 100) / 100) : json_null(),
                      "p", v[i].p, "q", v[i].q, "example_tickets", ex));
    }
    char fb[TIME_ISO_LEN];
    *out = json_pack("{s:s,s:I,s:b,s:o}", "baseline_from", time_format_iso(base_from, fb),
                     "baseline_periods", (json_int_t)EMERGING_BASELINE_PERIODS, "truncated",
                     emerging_truncated(w.em), "items", items);
    if (mine)
        json_object_set_new(*out, "ticket_id", json_integer(ticket_id));
    emerging_items_free(v, n);
    emerging_free(w.em);
    emerging_free(mine);
    return TERR_OK;
}

/* ---- trends ---- */

/* A bucket of trends: its ticket counts from the store, its SLA, surveys
 * and de-escalation from the outcomes walked into g. */
static json_t *bucket_json(const struct trend_bucket *b, const struct group *g)
{
    json_t *lv = json_object(), *ch = json_object(), *cat = json_object();
    for (int i = 0; i < REPORT_N_LEVELS; i++)
        json_object_set_new(lv, level_name((enum level)i), json_integer(b->by_level[i]));
    for (int i = 0; i < REPORT_N_CHANNELS; i++)
        json_object_set_new(ch, channel_name((enum channel)i), json_integer(b->by_channel[i]));
    for (size_t i = 0; i < b->n_categories; i++)
        json_object_set_new(cat, b->by_category[i].key, json_integer(b->by_category[i].n));
    char start[TIME_ISO_LEN], end[TIME_ISO_LEN];
    return json_pack("{s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "start",
                     time_format_iso(b->start, start), "end", time_format_iso(b->end, end),
                     "opened", (json_int_t)b->opened, "conflicts", (json_int_t)b->conflicts,
                     "conflict_rate", share(b->conflicts, b->opened), "by_level", lv, "by_category",
                     cat, "by_channel", ch, "sla", sla_json(g), "surveys", surveys_json(g),
                     "deescalation", deesc_json(g));
}

/* Trends read every outcome of their range: they keep no rows, so no cap. */
static enum terr on_trend_outcome(void *arg, const struct report_outcome *o)
{
    struct walk *w = series_walk(arg, o->at);
    if (w)
        walk_outcome(w, o);
    return TERR_OK;
}

static enum terr report_trends(struct store_tx *tx, int64_t from, int64_t to, int64_t bucket_ms,
                               json_t **out)
{
    struct trend_query q = {.from = from, .to = to, .bucket_ms = bucket_ms};
    struct trend_report r = {0};
    enum terr e = store_report_trends(tx, &q, &r);
    if (e)
        return e;
    struct series s; /* the same buckets as r's */
    series_init(&s, REPORT_BY_NONE, from, to, bucket_ms);
    e = store_report_outcomes(tx, from, to, on_trend_outcome, &s);
    if (!e) {
        json_t *list = json_array();
        for (size_t i = 0; i < r.n_buckets && i < s.n; i++)
            json_array_append_new(list, bucket_json(&r.buckets[i], &s.w[i].total));
        *out = json_pack("{s:s,s:o}", "bucket", bucket_ms == TIME_DAY_MS ? "day" : "week",
                         "buckets", list);
    }
    series_release(&s);
    trend_report_release(&r);
    return e;
}

/* ---- deflection ---- */

/* A day's start as YYYY-MM-DD. */
static json_t *day_json(int64_t day)
{
    char iso[TIME_ISO_LEN];
    time_format_iso(day, iso);
    iso[10] = 0;
    return json_string(iso);
}

/* Deflections per day of [from, to) (whole UTC days), zeros included. */
static enum terr report_deflection(struct store_tx *tx, int64_t from, int64_t to, json_t **out)
{
    struct deflection_day *v;
    size_t n;
    enum terr e = store_deflection_days(tx, from, to, &v, &n);
    if (e)
        return e;
    json_t *days = json_array();
    int64_t total = 0;
    size_t k = 0;
    for (int64_t day = from; day < to; day += TIME_DAY_MS) {
        int64_t count = k < n && v[k].day == day ? v[k++].n : 0;
        total += count;
        json_array_append_new(
            days, json_pack("{s:o,s:I}", "day", day_json(day), "deflected", (json_int_t)count));
    }
    free(v);
    *out = json_pack("{s:o,s:o,s:I,s:o}", "from", day_json(from), "to", day_json(to - TIME_DAY_MS),
                     "total", (json_int_t)total, "days", days);
    return TERR_OK;
}

/* ---- the reports' front door ---- */

/* A date or instant; `end` turns a date into the start of the next day.  An
 * offset's '+' sent unencoded in a URL arrives as a space (form decoding):
 * it is read as the '+' it was. */
static bool parse_when(const char *s, bool end, int64_t *out)
{
    size_t n = strlen(s);
    char full[40];
    if (n == 10) {
        snprintf(full, sizeof full, "%sT00:00:00Z", s);
        if (!time_parse_iso(full, out))
            return false;
        if (end)
            *out += TIME_DAY_MS;
        return true;
    }
    if (n >= 25 && n < sizeof full && s[n - 6] == ' ') {
        memcpy(full, s, n + 1);
        full[n - 6] = '+';
        return time_parse_iso(full, out);
    }
    return time_parse_iso(s, out);
}

bool report_range(struct report_query *q, const char *from, const char *to, int64_t now,
                  const char **field, char why[128])
{
    *field = "to";
    if (to && !parse_when(to, true, &q->to)) {
        snprintf(why, 128, "'to' must be a date (YYYY-MM-DD) or a time");
        return false;
    }
    if (!to)
        q->to = now - now % TIME_DAY_MS + TIME_DAY_MS;
    *field = "from";
    if (from && !parse_when(from, false, &q->from)) {
        snprintf(why, 128, "'from' must be a date (YYYY-MM-DD) or a time");
        return false;
    }
    if (!from)
        q->from = q->to - REPORT_DEFAULT_DAYS * TIME_DAY_MS;
    if (q->kind == REPORT_DEFLECTION) { /* counted per UTC day: an instant stands for its day */
        q->from -= (q->from % TIME_DAY_MS + TIME_DAY_MS) % TIME_DAY_MS;
        q->to += (TIME_DAY_MS - (q->to % TIME_DAY_MS + TIME_DAY_MS) % TIME_DAY_MS) % TIME_DAY_MS;
    }
    if (q->from >= q->to) {
        snprintf(why, 128, "'from' must be before 'to'");
        return false;
    }
    *field = "to";
    int64_t span = q->to - q->from;
    int64_t bucket = q->bucket_ms              ? q->bucket_ms
                     : q->by == REPORT_BY_WEEK ? 7 * TIME_DAY_MS
                                               : TIME_DAY_MS;
    if (q->bucket_ms && (q->by == REPORT_BY_DAY || q->by == REPORT_BY_WEEK)) {
        *field = "bucket";
        snprintf(why, 128, "bucket cannot be combined with by=%s", report_by_name(q->by));
        return false;
    }
    if (q->bucket_ms || q->by == REPORT_BY_DAY || q->by == REPORT_BY_WEEK) {
        if (span / bucket + (span % bucket != 0) > REPORT_MAX_BUCKETS) {
            snprintf(why, 128, "the range is over %d %ss", REPORT_MAX_BUCKETS,
                     bucket == TIME_DAY_MS ? "day" : "week");
            return false;
        }
    }
    if (q->kind != REPORT_TRENDS && span > REPORT_MAX_DAYS * TIME_DAY_MS) {
        snprintf(why, 128, "the range is over %d days", REPORT_MAX_DAYS);
        return false;
    }
    return true;
}

enum terr svc_report(struct store_tx *tx, const struct report_query *q, json_t **out)
{
    json_t *body = NULL;
    enum terr e = TERR_INTERNAL;
    switch (q->kind) {
    case REPORT_OVERVIEW:
        e = report_overview(tx, q, &body);
        break;
    case REPORT_AGENTS:
        e = report_agents(tx, q->from, q->to, &body);
        if (!e)
            body = json_pack("{s:o}", "agents", body);
        break;
    case REPORT_EMERGING:
        e = report_emerging(tx, q->from, q->to, q->ticket_id, &body);
        break;
    case REPORT_TRENDS:
        e = report_trends(tx, q->from, q->to, q->bucket_ms, &body);
        break;
    case REPORT_DEFLECTION: /* its from and to are days (below, they replace the instants) */
        e = report_deflection(tx, q->from, q->to, &body);
        break;
    }
    if (e)
        return e;
    char f[TIME_ISO_LEN], t[TIME_ISO_LEN];
    json_t *rep = json_pack("{s:s,s:s}", "from", time_format_iso(q->from, f), "to",
                            time_format_iso(q->to, t));
    json_object_update(rep, body);
    json_decref(body);
    *out = rep;
    return TERR_OK;
}
