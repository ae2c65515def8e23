#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/sla.h"
#include "../util/alloc.h"
#include "../util/buf.h"
#include "../util/jsoncheck.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "request.h"

/*
 * Every text that came from a person goes through json_text, so a stored
 * string that is not UTF-8 (written before input was checked) shows with '?'
 * instead of failing the reply.  The formats below use only "o" for such
 * text; "s" is kept for the desk's own vocabulary.
 */

json_t *render_time(int64_t ms)
{
    char s[TIME_ISO_LEN];
    return ms ? json_string(time_format_iso(ms, s)) : json_null();
}

static json_t *text_or_null(const char *s)
{
    return s ? json_text(s) : json_null();
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *render_strlist(const struct strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_text(l->v[i]));
    return a;
}

/* json_pack fails only on a programming error once every text is json_text. */
static json_t *packed(json_t *v, const char *what)
{
    if (!v)
        BUG("cannot render %s", what);
    return v;
}

json_t *render_agent(const struct agent *a)
{
    return packed(json_pack("{s:I, s:o, s:o, s:s, s:o, s:o, s:b, s:o, s:o, s:o}", "id",
                            (json_int_t)a->id, "name", json_text(a->name), "email",
                            json_text(a->email), "role", role_name(a->role), "skills",
                            render_strlist(&a->skills), "created_at", render_time(a->created_at),
                            "available", !a->away, "languages", render_strlist(&a->languages),
                            "channels", render_strlist(&a->channels), "teams",
                            render_strlist(&a->teams)),
                  "an agent");
}

json_t *render_customer(const struct customer *c)
{
    json_t *handles = json_array();
    for (size_t i = 0; i < c->n_handles; i++)
        json_array_append_new(
            handles, packed(json_pack("{s:o, s:o}", "channel", json_text(c->handles[i].channel),
                                      "handle", json_text(c->handles[i].handle)),
                            "a handle"));
    return packed(json_pack("{s:I, s:o, s:o, s:o, s:o}", "id", (json_int_t)c->id, "name",
                            json_text(c->name), "email", text_or_null(c->email), "handles", handles,
                            "created_at", render_time(c->created_at)),
                  "a customer");
}

/* ---- stored JSON, spliced in as it is ------------------------------------
 *
 * A message's analysis is stored as JSON text that the desk wrote itself.
 * Parsing it into a tree only to print it again cost more than the rest of a
 * message's reply (8 us to parse, 6 to print, against 3 for the message), so
 * render_stored_json() leaves a placeholder in the tree and render_dump()
 * prints the stored text in its place.
 *
 * A placeholder is a string that starts with U+0000 followed by "r" and the
 * index of its text.  No other string of a reply can hold U+0000: every text
 * the API takes is refused with a NUL (utf8_valid), stored texts are C
 * strings, and json_loads refuses "\u0000".  The texts are copied into a
 * list of this thread's, freed by each render_dump(): every request ends in
 * one (reply_json), errors included. */

static _Thread_local struct {
    char **v;
    size_t n, cap;
} stored;

/* Frees the texts and the list itself, so a thread that ends holds nothing. */
static void stored_clear(void)
{
    for (size_t i = 0; i < stored.n; i++)
        free(stored.v[i]);
    free(stored.v);
    stored.v = NULL;
    stored.n = stored.cap = 0;
}

json_t *render_stored_json(const char *text)
{
    /* A row that is not one well-formed object (damaged, or not the desk's)
     * shows as null rather than breaking the reply; checking is a fraction
     * of what parsing would cost. */
    if (!text || !json_object_valid(text, strlen(text)))
        return json_null();
    if (stored.n == stored.cap) {
        stored.cap = stored.cap ? stored.cap * 2 : 16;
        stored.v = xrealloc(stored.v, stored.cap * sizeof(*stored.v));
    }
    char mark[24];
    int n = snprintf(mark, sizeof(mark), "%cr%zu", '\0', stored.n);
    stored.v[stored.n++] = xstrdup(text);
    return json_stringn(mark, (size_t)n);
}

char *render_dump(const json_t *o)
{
    char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(HTTP_REAL_PRECISION));
    if (!text || stored.n == 0) {
        stored_clear();
        return text;
    }
    static const char mark[] = "\"\\u0000r"; /* how json_dumps prints a placeholder */
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    const char *p = text, *hit;
    while ((hit = strstr(p, mark)) != NULL) {
        char *end;
        unsigned long long i = strtoull(hit + sizeof(mark) - 1, &end, 10);
        if (*end != '"' || i >= stored.n)
            BUG("a stored-JSON placeholder without its text");
        buf_add(&b, p, (size_t)(hit - p));
        buf_adds(&b, stored.v[i]);
        p = end + 1;
    }
    buf_adds(&b, p);
    free(text);
    stored_clear();
    return buf_detach(&b, NULL);
}

static json_t *parsed_or_null(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    return v ? v : json_null();
}

json_t *render_message(const struct message *m)
{
    json_t *o = packed(json_pack("{s:I, s:I, s:s, s:o, s:o, s:b, s:s, s:o, s:o}", "id",
                                 (json_int_t)m->id, "ticket_id", (json_int_t)m->ticket_id, "author",
                                 author_name(m->author_kind), "author_id", id_or_null(m->author_id),
                                 "body", json_text(m->body), "internal", m->internal, "channel",
                                 channel_name(m->channel), "created_at", render_time(m->created_at),
                                 "analysis", render_stored_json(m->analysis_json)),
                       "a message");
    /* An agent's reply carries the coach's review made when it was sent
     * (null for replies sent before the coach, or without its data). */
    if (m->author_kind == AUTHOR_AGENT)
        json_object_set_new(o, "coach", render_stored_json(m->coach_json));
    return o;
}

json_t *render_event(const struct event *e)
{
    return packed(json_pack("{s:I, s:{s:o, s:o}, s:o, s:{s:o, s:o}, s:o, s:o, s:o, s:o}", "id",
                            (json_int_t)e->id, "actor", "kind", json_text(e->actor_kind), "id",
                            id_or_null(e->actor_id), "action", json_text(e->action), "target",
                            "kind", json_text(e->target_kind), "id", id_or_null(e->target_id),
                            "ticket_id", id_or_null(e->ticket_id), "before",
                            parsed_or_null(e->before_json), "after", parsed_or_null(e->after_json),
                            "created_at", render_time(e->created_at)),
                  "an event");
}

json_t *render_ticket_from(const struct ticket *t, const struct customer *c,
                           const struct agent *assignee, bool with_messages,
                           const struct message *messages, size_t n_messages)
{
    json_t *who =
        assignee ? packed(json_pack("{s:I, s:o, s:o}", "id", (json_int_t)assignee->id, "name",
                                    json_text(assignee->name), "email", json_text(assignee->email)),
                          "an assignee")
                 : json_null();
    json_t *o = packed(
        json_pack("{s:I, s:o, s:s, s:s, s:s, s:i, s:s, s:o, s:o, s:{s:I, s:o, s:o}, s:o, s:o, "
                  "s:o, s:o, s:o}",
                  "id", (json_int_t)t->id, "subject", json_text(t->subject), "status",
                  status_name(t->status), "priority", priority_name(t->priority), "channel",
                  channel_name(t->channel), "risk", t->risk, "level", level_name(t->level),
                  "category", text_or_null(t->category), "tags", render_strlist(&t->tags),
                  "customer", "id", (json_int_t)c->id, "name", json_text(c->name), "email",
                  text_or_null(c->email), "assignee", who, "created_at", render_time(t->created_at),
                  "updated_at", render_time(t->updated_at), "first_response_at",
                  render_time(t->first_response_at), "resolved_at", render_time(t->resolved_at)),
        "a ticket");
    json_t *reasons = t->risk_reasons ? json_loads(t->risk_reasons, 0, NULL) : NULL;
    json_object_set_new(o, "risk_reasons", json_is_array(reasons) ? reasons : json_array());
    if (reasons && !json_is_array(reasons))
        json_decref(reasons);
    json_t *breached = json_array();
    for (int m = 0; m < SLA_METRIC_COUNT; m++)
        if (t->sla_breached & (1u << m))
            json_array_append_new(breached, json_string(sla_metric_name((enum sla_metric)m)));
    json_object_update_new(
        o,
        packed(json_pack("{s:o, s:o, s:o, s:s, s:b, s:b, s:o, s:o, s:o}", "due_at",
                         render_time(t->due_at), "breached_at", render_time(t->breached_at),
                         "sla_breached", breached, "peak_level", level_name(t->peak_level),
                         "marked_conflict", t->marked_conflict, "legal_hold", t->legal_hold, "team",
                         text_or_null(t->team), "language", text_or_null(t->language), "problem_id",
                         t->problem_id ? json_integer(t->problem_id) : json_null()),
               "a ticket's workflow"));
    if (with_messages) {
        json_t *list = json_array();
        for (size_t i = 0; i < n_messages; i++)
            json_array_append_new(list, render_message(&messages[i]));
        json_object_set_new(o, "messages", list);
    }
    return o;
}

enum terr render_ticket(struct store_tx *tx, const struct ticket *t, bool with_messages,
                        json_t **out)
{
    struct customer c = {0};
    struct agent a = {0};
    struct message *msgs = NULL;
    size_t n = 0;
    enum terr e = store_customer_get(tx, t->customer_id, &c);
    if (e == TERR_NOT_FOUND)
        e = TERR_STORAGE; /* a foreign key guarantees it */
    if (!e && t->assignee_id)
        e = store_agent_get(tx, t->assignee_id, &a);
    if (!e && with_messages)
        e = store_message_list(tx, t->id, true, &msgs, &n);
    if (!e)
        *out = render_ticket_from(t, &c, t->assignee_id ? &a : NULL, with_messages, msgs, n);
    customer_release(&c);
    agent_release(&a);
    messages_free(msgs, n);
    return e;
}

enum terr render_ticket_by_id(struct store_tx *tx, int64_t id, json_t **out)
{
    struct ticket t;
    enum terr e = store_ticket_get(tx, id, &t);
    if (e)
        return e;
    e = render_ticket(tx, &t, true, out);
    ticket_release(&t);
    return e;
}
