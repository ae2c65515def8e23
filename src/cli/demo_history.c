/*
 * The demo's history: weeks of tickets behind the morning's (demo.json's
 * "history"), so the reports, the suggestions and the emerging problems have
 * something to show.
 *
 * A story is a kind of ticket the desk sees again and again: its subject,
 * channel, agent and steps.  It happens "per_week" times a week, spread
 * evenly over the last "days" days, or on the days listed in "days_ago".
 * Occurrence k of story s takes its customer, order number, opening time
 * and pace from (s, k) alone, so every demo desk is alike; where the story
 * gives a list of strings (a subject, a message, an agent) it takes item k
 * modulo the list's length, and a null item leaves that step out.
 *
 * A step happens "at" minutes after the opening, times the pace: a message
 * of the customer or the agent, an internal note, an offer the agent makes
 * (approved within the agent's authority), a change of status (by truce,
 * with a lesson when given) or the customer's answer to the survey the last
 * resolution sent.  A step that would fall after now has not happened yet:
 * it and the ones after it are left out, so recent tickets are still open.
 * A ticket left resolved is closed "close_after_days" later, if that is past.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/offers.h"
#include "../service/offers.h"
#include "../service/steps.h"
#include "../service/surveys.h"
#include "../service/tickets.h"
#include "../store/store_kb.h"
#include "../store/store_rules.h"
#include "../store/store_search.h"
#include "../util/alloc.h"
#include "../util/buf.h"
#include "../util/timeutil.h"
#include "demo.h"

#define MINUTE_MS 60000LL

/* One occurrence of a story: who, when and how fast. */
struct occurrence {
    const json_t *story;
    size_t k;       /* which of the story's occurrences: picks the variants */
    uint32_t seed;  /* from (story, k): the customer, order number and pace */
    int64_t opened; /* ms */
    int pace;       /* percent: a step at m minutes happens m * pace / 100 after opening */
    const json_t *customer;
    struct actor agent;
    int64_t ticket_id;
};

/* A well-mixed 32-bit number from two small ones (a murmur3 finaliser). */
static uint32_t mix(uint32_t a, uint32_t b)
{
    uint32_t h = a * 2654435761u ^ (b + 0x9e3779b9u) * 40503u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

/* Item k of v (modulo its length) when v is an array, else v itself. */
static const json_t *variant(const json_t *v, size_t k)
{
    if (!json_is_array(v))
        return v;
    size_t n = json_array_size(v);
    return n ? json_array_get(v, k % n) : NULL;
}

static const char *variant_str(const json_t *v, size_t k)
{
    return json_string_value(variant(v, k));
}

/* Text s of occurrence o with {first} (the customer's first name) and
 * {order} filled in; caller frees. */
static char *fill(const char *s, const struct occurrence *o)
{
    const char *name = json_string_value(json_object_get(o->customer, "name"));
    size_t first = strcspn(name, " ");
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    while (*s) {
        if (!strncmp(s, "{first}", 7)) {
            buf_add(&b, name, first);
            s += 7;
        } else if (!strncmp(s, "{order}", 7)) {
            buf_addf(&b, "%u", 31000 + o->seed % 9000);
            s += 7;
        } else {
            size_t n = strcspn(s + 1, "{") + 1;
            buf_add(&b, s, n);
            s += n;
        }
    }
    return buf_detach(&b, NULL);
}

static enum terr malformed(struct terr_info *ei, const char *what)
{
    return terr_set(ei, TERR_INVALID, NULL, "the demo history's %s is malformed", what);
}

static enum terr open_ticket(struct store_tx *tx, struct occurrence *o, const char *body,
                             struct terr_info *ei)
{
    const json_t *st = o->story;
    const char *title = variant_str(json_object_get(st, "subject"), o->k);
    if (!title)
        return malformed(ei, "subject");
    char *subject = fill(title, o);
    struct ticket_open in = {
        .subject = subject,
        .customer_email = json_string_value(json_object_get(o->customer, "email")),
        .customer_name = json_string_value(json_object_get(o->customer, "name")),
        .body = body,
        .category = json_string_value(json_object_get(st, "category")),
        .created_at = o->opened,
    };
    channel_parse(variant_str(json_object_get(st, "channel"), o->k), &in.channel);
    priority_parse(json_string_value(json_object_get(st, "priority")), &in.priority);
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct ticket_opened opened;
    enum terr e = svc_ticket_open(tx, &system, &in, &opened, ei);
    free(subject);
    if (e)
        return e;
    o->ticket_id = opened.ticket.id;
    ticket_opened_release(&opened);
    /* Triaged on arrival: the story's agent holds it, with the story's
     * category (an agent's choice, which the analysis leaves alone) and tags. */
    struct ticket_patch p = {.has_assignee = true,
                             .assignee_id = o->agent.id,
                             .has_category = in.category != NULL,
                             .category = in.category,
                             .at = o->opened};
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(st, "tags"), i, t)
        strlist_push(&p.tags, json_string_value(t));
    p.has_tags = p.tags.n > 0;
    e = svc_ticket_update(tx, &system, o->ticket_id, &p, ei);
    strlist_release(&p.tags);
    return e;
}

static enum terr offer(struct store_tx *tx, const struct actor *who, const struct occurrence *o,
                       const json_t *j, int64_t at, struct terr_info *ei)
{
    const char *kind = json_string_value(json_object_get(j, "kind"));
    const char *currency = json_string_value(json_object_get(j, "currency"));
    const char *amount = variant_str(json_object_get(j, "amount"), o->k);
    struct offer_draft d = {.currency = currency,
                            .note = json_string_value(json_object_get(j, "note"))};
    if (!kind || !offer_kind_parse(kind, &d.kind))
        return malformed(ei, "offer");
    enum terr e = amount ? offer_amount_parse(amount, currency, "amount", &d.amount, ei) : TERR_OK;
    struct offer_record r;
    if (!e)
        e = svc_offer_propose(tx, who, o->ticket_id, &d, at, &r, ei);
    if (!e)
        offer_record_release(&r);
    return e;
}

static enum terr set_status(struct store_tx *tx, const struct occurrence *o, const char *status,
                            const json_t *lesson, int64_t at, struct terr_info *ei)
{
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct ticket_patch p = {.has_status = true, .at = at};
    struct lesson_new l = {
        .cause = json_string_value(json_object_get(lesson, "cause")),
        .what_went_wrong = json_string_value(json_object_get(lesson, "what_went_wrong")),
        .prevention = json_string_value(json_object_get(lesson, "prevention")),
    };
    if (!status || !status_parse(status, &p.status))
        return malformed(ei, "status");
    p.lesson = lesson ? &l : NULL;
    return svc_ticket_update(tx, &system, o->ticket_id, &p, ei);
}

static int score(const json_t *answer, const char *name)
{
    const json_t *v = json_object_get(answer, name);
    return json_is_integer(v) ? (int)json_integer_value(v) : SURVEY_NO_SCORE;
}

/* The customer answers the survey the ticket's last resolution sent. */
static enum terr answer_survey(struct store_tx *tx, const struct occurrence *o,
                               const json_t *answer, int64_t at, struct terr_info *ei)
{
    struct survey *v = NULL;
    size_t n = 0;
    enum terr e = store_survey_list(tx, o->ticket_id, &v, &n);
    if (!e && n == 0)
        e = malformed(ei, "survey step (no resolution sent a survey)");
    struct survey_answer a = {
        .csat = score(answer, "csat"),
        .nps = score(answer, "nps"),
        .ces = score(answer, "ces"),
        .comment = json_string_value(json_object_get(answer, "comment")),
    };
    struct survey_result r;
    if (!e)
        e = svc_survey_answer_id(tx, v[n - 1].id, &a, at, &r, ei);
    if (!e)
        survey_release(&r.survey);
    surveys_free(v, n);
    return e;
}

/* The text of a message step (customer, agent or note) for occurrence o,
 * filled in, into *body (caller frees; NULL when this occurrence leaves the
 * message out, or when the step is no message). */
static enum terr message_of(const json_t *step, const struct occurrence *o, char **body,
                            struct terr_info *ei)
{
    const json_t *v = json_object_get(step, "customer");
    if (!v)
        v = json_object_get(step, "agent");
    if (!v)
        v = json_object_get(step, "note");
    const json_t *item = v ? variant(v, o->k) : NULL;
    *body = NULL;
    if (item && !json_is_null(item) && !json_is_string(item))
        return malformed(ei, "message");
    if (json_is_string(item))
        *body = fill(json_string_value(item), o);
    return TERR_OK;
}

/* Runs a step after the opening at `at`; *resolved_at is when the ticket was
 * last resolved (0: it is not resolved now). */
static enum terr run_step(struct store_tx *tx, const struct occurrence *o, const json_t *step,
                          int64_t at, int64_t *resolved_at, struct terr_info *ei)
{
    /* Another agent may step in ("by": the lead, say). */
    struct actor who = o->agent;
    const char *by = json_string_value(json_object_get(step, "by"));
    char *body = NULL;
    enum terr e = by ? demo_agent(tx, by, &who, ei) : TERR_OK;
    if (!e)
        e = message_of(step, o, &body, ei);
    const json_t *v;
    if (!e && body)
        e = demo_message(tx, &who, o->ticket_id,
                         json_object_get(step, "customer") ? AUTHOR_CUSTOMER : AUTHOR_AGENT, body,
                         json_object_get(step, "note") != NULL, at, ei);
    else if (!e && (v = json_object_get(step, "offer")))
        e = offer(tx, &who, o, v, at, ei);
    else if (!e && (v = json_object_get(step, "status"))) {
        const char *status = json_string_value(v);
        e = set_status(tx, o, status, json_object_get(step, "lesson"), at, ei);
        if (!e)
            *resolved_at = !strcmp(status, "resolved") ? at : 0;
    } else if (!e && (v = json_object_get(step, "survey")) && json_is_object(v = variant(v, o->k)))
        e = answer_survey(tx, o, v, at, ei);
    free(body);
    return e;
}

/* Opens the ticket of occurrence o with its first step, the customer's message. */
static enum terr open_step(struct store_tx *tx, struct occurrence *o, const json_t *step,
                           struct terr_info *ei)
{
    char *body = NULL;
    enum terr e = message_of(step, o, &body, ei);
    if (!e && (!body || !json_object_get(step, "customer")))
        e = malformed(ei, "first step (the customer's opening message)");
    if (!e)
        e = open_ticket(tx, o, body, ei);
    free(body);
    return e;
}

/* Runs the steps of occurrence o that have happened by now. */
static enum terr play(struct store_tx *tx, struct occurrence *o, int64_t now, int64_t close_after,
                      struct terr_info *ei)
{
    size_t i;
    json_t *step;
    enum terr e = TERR_OK;
    int64_t resolved_at = 0, last = o->opened;
    json_array_foreach(json_object_get(o->story, "steps"), i, step)
    {
        int64_t at =
            o->opened + json_integer_value(json_object_get(step, "at")) * o->pace * MINUTE_MS / 100;
        if (at > now)
            break;
        e = i == 0 ? open_step(tx, o, step, ei) : run_step(tx, o, step, at, &resolved_at, ei);
        if (e)
            return e;
        last = at;
    }
    /* Resolved a while ago: closed since. */
    int64_t close_at = resolved_at + close_after;
    if (close_at < last)
        close_at = last + MINUTE_MS;
    if (resolved_at && close_after > 0 && close_at <= now)
        e = set_status(tx, o, "closed", NULL, close_at, ei);
    return e;
}

/* How many times story s happens and when occurrence k of it opens. */
static size_t occurrences(const json_t *s, int64_t days)
{
    const json_t *list = json_object_get(s, "days_ago");
    if (list)
        return json_array_size(list);
    double n = json_number_value(json_object_get(s, "per_week")) * (double)days / 7.0;
    return n > 0 ? (size_t)(n + 0.5) : 0;
}

static int64_t opened_at(const json_t *s, size_t k, size_t n, uint32_t seed, int64_t days,
                         int64_t now)
{
    const json_t *list = json_object_get(s, "days_ago");
    /* Some time in the day before the given one, at least 20 minutes ago. */
    if (list)
        return now - json_integer_value(json_array_get(list, k)) * TIME_DAY_MS -
               (20 + seed % 600) * MINUTE_MS;
    /* Evenly spread, the k-th in the middle of its share of the days. */
    return now - (int64_t)((double)days * TIME_DAY_MS * ((double)k + 0.5) / (double)n) -
           (int64_t)(seed % 360) * MINUTE_MS;
}

enum terr demo_history_load(struct store_tx *tx, const json_t *history, int64_t now,
                            size_t *n_tickets, struct terr_info *ei)
{
    *n_tickets = 0;
    if (!history)
        return TERR_OK;
    int64_t days = json_integer_value(json_object_get(history, "days"));
    int64_t close_after =
        json_integer_value(json_object_get(history, "close_after_days")) * TIME_DAY_MS;
    const json_t *customers = json_object_get(history, "customers");
    size_t n_customers = json_array_size(customers);
    if (days <= 0 || n_customers == 0)
        return malformed(ei, "days or customers");
    size_t ci;
    json_t *c;
    json_array_foreach(customers, ci, c)
    {
        if (!json_is_string(json_object_get(c, "name")) ||
            !json_is_string(json_object_get(c, "email")))
            return malformed(ei, "customer");
    }
    size_t si;
    json_t *s;
    json_array_foreach(json_object_get(history, "stories"), si, s)
    {
        size_t n = occurrences(s, days);
        for (size_t k = 0; k < n; k++) {
            struct occurrence o = {.story = s, .k = k, .seed = mix((uint32_t)si, (uint32_t)k)};
            o.opened = opened_at(s, k, n, o.seed, days, now);
            o.pace = 50 + (int)(o.seed / 9000 % 120);
            o.customer = json_array_get(customers, mix(o.seed, 7) % n_customers);
            enum terr e = demo_agent(tx, variant_str(json_object_get(s, "agent"), k), &o.agent, ei);
            if (!e)
                e = play(tx, &o, now, close_after, ei);
            if (e)
                return e;
            ++*n_tickets;
        }
    }
    /* What the history notified is old news: a lead opens the demo to
     * today's alerts, not a hundred of the past weeks'. */
    return store_notifications_read_before(tx, now - TIME_DAY_MS, now);
}

enum terr demo_deflections(struct store_tx *tx, int64_t now, int64_t days)
{
    struct article_query q = {.has_status = true,
                              .status = ARTICLE_PUBLISHED,
                              .has_audience = true,
                              .audience = ARTICLE_PUBLIC};
    struct article *v;
    size_t n;
    enum terr e = store_article_list(tx, &q, &v, &n);
    for (size_t i = 0; !e && i < n; i++)
        for (int64_t d = 0; !e && d < days; d++) {
            /* 0..2 a day per article, at a time of day of its own */
            uint32_t h = mix((uint32_t)v[i].id, (uint32_t)d);
            for (uint32_t k = 0; !e && k < h % 3; k++)
                e = store_deflection_add(
                    tx, v[i].id, now - d * TIME_DAY_MS - (int64_t)(h % 600 + k * 37) * 60000);
        }
    articles_free(v, n);
    return e;
}
