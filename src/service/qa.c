#include "qa.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/csv.h"
#include "../util/jsontext.h"
#include "../util/utf8.h"
#include "coach.h"
#include "conflict.h"

/*
 * Input: conversations in arrays that grow by doubling; every string is the
 * input's own copy.  Run: each conversation's customer messages are
 * analysed once, then each sent reply is reviewed against at most
 * COACH_THREAD_MAX turns before it, and its scores and findings are added to
 * three sums (the conversation's, the agent's, the totals), which become
 * means at the end.
 */

void qa_input_init(struct qa_input *in, size_t max_replies)
{
    *in = (struct qa_input){.max_replies = max_replies, .max_messages = 10 * max_replies};
}

static void conversation_release(struct qa_conversation *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].agent);
        free(c->v[i].body);
    }
    free(c->v);
    free(c->id);
    free(c->customer_name);
    memset(c, 0, sizeof *c);
}

void qa_input_release(struct qa_input *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->n; i++)
        conversation_release(&in->v[i]);
    free(in->v);
    memset(in, 0, sizeof *in);
}

static struct qa_conversation *new_conversation(struct qa_input *in, const char *id,
                                                const char *customer_name)
{
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 16;
        in->v = xrealloc(in->v, in->cap * sizeof *in->v);
    }
    struct qa_conversation *c = &in->v[in->n++];
    *c = (struct qa_conversation){
        .id = xstrdup(id),
        .customer_name = customer_name && *customer_name ? xstrdup(customer_name) : NULL};
    return c;
}

/* Checks the caps for one more message (a sent reply when `reply`). */
static enum terr room_for(const struct qa_input *in, const struct qa_conversation *c, bool reply,
                          const char *where, struct terr_info *ei)
{
    if (c->n >= QA_MAX_MESSAGES)
        return terr_set(ei, TERR_TOO_LARGE, NULL, "%s: conversation '%s' has more than %d messages",
                        where, c->id, QA_MAX_MESSAGES);
    if (reply && in->n_replies >= in->max_replies)
        return terr_set(ei, TERR_TOO_LARGE, NULL, "%s: more than %zu agent replies to score", where,
                        in->max_replies);
    if (in->n_messages >= in->max_messages)
        return terr_set(ei, TERR_TOO_LARGE, NULL, "%s: more than %zu messages", where,
                        in->max_messages);
    return TERR_OK;
}

static void push_message(struct qa_input *in, struct qa_conversation *c, enum thread_author a,
                         bool internal, const char *agent, const char *body)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->v = xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = (struct qa_message){.author = a,
                                       .internal = internal,
                                       .agent = agent && *agent ? xstrdup(agent) : NULL,
                                       .body = xstrdup(body)};
    in->n_messages++;
    in->n_replies += a == THREAD_AGENT && !internal;
}

/* ---- JSON ---- */

static enum terr json_message(struct qa_input *in, struct qa_conversation *c, const json_t *m,
                              const char *at, struct terr_info *ei)
{
    static const char *const fields[] = {"author", "agent", "body", "internal", NULL};
    char path[320];
    const char *bad;
    if (!json_is_object(m))
        return terr_set(ei, TERR_WRONG_TYPE, at, "'%s' must be an object", at);
    if ((bad = json_unknown_key(m, fields))) {
        snprintf(path, sizeof path, "%s.%s", at, bad);
        return terr_set(ei, TERR_UNKNOWN_FIELD, path, "unknown field '%s'", path);
    }
    const char *author = json_string_value(json_object_get(m, "author"));
    const json_t *agent = json_object_get(m, "agent");
    const json_t *body = json_object_get(m, "body");
    const json_t *internal = json_object_get(m, "internal");
    enum thread_author a;
    if (author && strcmp(author, "customer") == 0)
        a = THREAD_CUSTOMER;
    else if (author && strcmp(author, "agent") == 0)
        a = THREAD_AGENT;
    else {
        snprintf(path, sizeof path, "%s.author", at);
        return terr_set(ei, json_object_get(m, "author") ? TERR_INVALID : TERR_MISSING_FIELD, path,
                        "'%s' must be customer or agent", path);
    }
    if (agent && !json_is_null(agent) &&
        (!json_is_string(agent) || json_string_length(agent) > LIMIT_NAME)) {
        snprintf(path, sizeof path, "%s.agent", at);
        return terr_set(ei, TERR_WRONG_TYPE, path, "'%s' must be a name of at most %d bytes", path,
                        LIMIT_NAME);
    }
    if (!json_is_string(body)) {
        snprintf(path, sizeof path, "%s.body", at);
        return terr_set(ei, body ? TERR_WRONG_TYPE : TERR_MISSING_FIELD, path,
                        "'%s' must be a string", path);
    }
    if (json_string_length(body) > LIMIT_BODY ||
        strlen(json_string_value(body)) != json_string_length(body)) {
        snprintf(path, sizeof path, "%s.body", at);
        return terr_set(ei, TERR_TOO_LONG, path, "'%s' is over 256 KiB or holds a NUL", path);
    }
    if (internal && !json_is_boolean(internal)) {
        snprintf(path, sizeof path, "%s.internal", at);
        return terr_set(ei, TERR_WRONG_TYPE, path, "'%s' must be true or false", path);
    }
    bool note = json_is_true(internal);
    enum terr e = room_for(in, c, a == THREAD_AGENT && !note, at, ei);
    if (!e)
        push_message(in, c, a, note, json_string_value(agent), json_string_value(body));
    return e;
}

enum terr svc_qa_add_json(struct qa_input *in, const json_t *conv, const char *field,
                          struct terr_info *ei)
{
    static const char *const fields[] = {"id", "customer_name", "messages", NULL};
    char path[200], id[32];
    const char *bad;
    if (!json_is_object(conv))
        return terr_set(ei, TERR_WRONG_TYPE, field, "'%s' must be an object", field);
    if ((bad = json_unknown_key(conv, fields))) {
        snprintf(path, sizeof path, "%s.%s", field, bad);
        return terr_set(ei, TERR_UNKNOWN_FIELD, path, "unknown field '%s'", path);
    }
    const json_t *idv = json_object_get(conv, "id");
    const json_t *name = json_object_get(conv, "customer_name");
    const json_t *msgs = json_object_get(conv, "messages");
    snprintf(path, sizeof path, "%s.id", field);
    const char *ids;
    if (json_is_integer(idv)) {
        snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT, json_integer_value(idv));
        ids = id;
    } else if (json_is_string(idv) && json_string_length(idv) > 0 &&
               json_string_length(idv) <= 200) {
        ids = json_string_value(idv);
    } else {
        return terr_set(ei, idv ? TERR_WRONG_TYPE : TERR_MISSING_FIELD, path,
                        "'%s' must be a string of 1 to 200 bytes or an integer", path);
    }
    if (name && !json_is_null(name) &&
        (!json_is_string(name) || json_string_length(name) > LIMIT_NAME)) {
        snprintf(path, sizeof path, "%s.customer_name", field);
        return terr_set(ei, TERR_WRONG_TYPE, path, "'%s' must be a name of at most %d bytes", path,
                        LIMIT_NAME);
    }
    snprintf(path, sizeof path, "%s.messages", field);
    if (!json_is_array(msgs))
        return terr_set(ei, msgs ? TERR_WRONG_TYPE : TERR_MISSING_FIELD, path,
                        "'%s' must be an array of messages", path);
    size_t n_replies = in->n_replies, n_messages = in->n_messages;
    struct qa_conversation *c = new_conversation(in, ids, json_string_value(name));
    for (size_t i = 0; i < json_array_size(msgs); i++) {
        char at[240];
        snprintf(at, sizeof at, "%s[%zu]", path, i);
        enum terr e = json_message(in, c, json_array_get(msgs, i), at, ei);
        if (e) {
            conversation_release(c);
            in->n--;
            in->n_replies = n_replies;
            in->n_messages = n_messages;
            return e;
        }
    }
    return TERR_OK;
}

/* ---- CSV ---- */

enum terr svc_qa_add_csv(struct qa_input *in, FILE *f, const char *source, struct terr_info *ei)
{
    struct csv csv;
    csv_init(&csv, f, ',');
    enum terr e = TERR_OK;
    int got;
    bool first = true;
    char where[300];
    struct qa_conversation *c = NULL;
    while (!(e = csv_next(&csv, &got)) && got) {
        snprintf(where, sizeof where, "%s:%zu", source, csv.line);
        if (first && csv.n_fields >= 1 && strcmp(csv_field(&csv, 0), "conversation_id") == 0) {
            first = false;
            continue;
        }
        first = false;
        if (csv.n_fields == 1 && !*csv_field(&csv, 0))
            continue; /* a blank line */
        if (csv.n_fields < 4 || csv.n_fields > 5) {
            e = terr_set(ei, TERR_INVALID, NULL,
                         "%s: want 4 or 5 columns (conversation_id, author, agent, body"
                         "[, customer_name]), not %zu",
                         where, csv.n_fields);
            goto done;
        }
        const char *id = csv_field(&csv, 0), *author = csv_field(&csv, 1);
        const char *agent = csv_field(&csv, 2), *body = csv_field(&csv, 3);
        const char *name = csv.n_fields == 5 ? csv_field(&csv, 4) : NULL;
        bool utf8 = true;
        for (size_t i = 0; i < csv.n_fields && utf8; i++)
            utf8 = utf8_valid(csv_field(&csv, i), strlen(csv_field(&csv, i)));
        if (!utf8) {
            e = terr_set(ei, TERR_BAD_UTF8, NULL, "%s: the row is not valid UTF-8", where);
            goto done;
        }
        enum thread_author a;
        if (strcmp(author, "customer") == 0)
            a = THREAD_CUSTOMER;
        else if (strcmp(author, "agent") == 0)
            a = THREAD_AGENT;
        else {
            e = terr_set(ei, TERR_INVALID, NULL,
                         "%s: author must be customer or agent, not '%.40s'", where, author);
            goto done;
        }
        if (!*id || strlen(id) > 200) {
            e = terr_set(ei, TERR_INVALID, NULL, "%s: conversation_id must have 1 to 200 bytes",
                         where);
            goto done;
        }
        if (strlen(body) > LIMIT_BODY || strlen(agent) > LIMIT_NAME ||
            (name && strlen(name) > LIMIT_NAME)) {
            e = terr_set(ei, TERR_TOO_LONG, NULL,
                         "%s: body over 256 KiB, or agent or customer_name over %d bytes", where,
                         LIMIT_NAME);
            goto done;
        }
        if (!c || strcmp(c->id, id) != 0)
            c = new_conversation(in, id, name);
        else if (!c->customer_name && name && *name)
            c->customer_name = xstrdup(name);
        if ((e = room_for(in, c, a == THREAD_AGENT, where, ei)))
            goto done;
        push_message(in, c, a, false, a == THREAD_AGENT ? agent : NULL, body);
    }
    if (e) /* the reader's own error */
        terr_set(ei, e, NULL, "%s: %s", source, csv.err);
done:
    csv_release(&csv);
    return e;
}

/* ---- a ticket ---- */

enum terr svc_qa_add_ticket(struct store_tx *tx, struct qa_input *in, int64_t ticket_id,
                            struct terr_info *ei)
{
    struct ticket t;
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    if (e)
        return terr_set(ei, e, "ticket_id", e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    struct customer cu = {0};
    e = store_customer_get(tx, t.customer_id, &cu);
    ticket_release(&t);
    if (e && e != TERR_NOT_FOUND)
        return terr_set(ei, e, NULL, NULL);
    struct message *v;
    size_t n;
    if ((e = store_message_list(tx, ticket_id, true, &v, &n))) {
        customer_release(&cu);
        return terr_set(ei, e, NULL, NULL);
    }
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)ticket_id);
    size_t n_replies = in->n_replies, n_messages = in->n_messages;
    struct qa_conversation *c = new_conversation(in, id, cu.name);
    customer_release(&cu);
    /* Agents by id, each read once. */
    int64_t known_id = 0;
    struct agent known = {0};
    for (size_t i = 0; i < n && !e; i++) {
        enum thread_author a = v[i].author_kind == AUTHOR_CUSTOMER ? THREAD_CUSTOMER
                               : v[i].author_kind == AUTHOR_AGENT  ? THREAD_AGENT
                                                                   : THREAD_SYSTEM;
        if (a == THREAD_AGENT && v[i].author_id && v[i].author_id != known_id) {
            agent_release(&known);
            known_id = 0;
            if (store_agent_get(tx, v[i].author_id, &known) == TERR_OK)
                known_id = v[i].author_id;
        }
        const char *agent = a == THREAD_AGENT && known_id == v[i].author_id ? known.email : NULL;
        if (!(e = room_for(in, c, a == THREAD_AGENT && !v[i].internal, "the ticket", ei)))
            push_message(in, c, a, v[i].internal, agent, v[i].body ? v[i].body : "");
    }
    agent_release(&known);
    messages_free(v, n);
    if (e) {
        conversation_release(c);
        in->n--;
        in->n_replies = n_replies;
        in->n_messages = n_messages;
    }
    return e;
}

/* ---- the run ---- */

struct sums {
    size_t replies, skipped, findings, warnings;
    double score[N_COACH_SKILLS];
    size_t kinds[N_COACH_KINDS];
};

static void sums_add(struct sums *s, const struct coach_review *r)
{
    s->replies++;
    for (size_t k = 0; k < N_COACH_SKILLS; k++)
        s->score[k] += r->scores[k];
    for (size_t i = 0; i < r->n_findings; i++) {
        s->findings++;
        s->warnings += r->findings[i].severity != COACH_INFO;
        s->kinds[r->findings[i].kind]++;
    }
}

static json_t *mean_scores(const struct sums *s)
{
    if (!s->replies)
        return json_null();
    json_t *o = json_object();
    for (size_t k = 0; k < N_COACH_SKILLS; k++)
        json_object_set_new(o, coach_skill_name((enum coach_skill)k),
                            json_real(round(s->score[k] / (double)s->replies * 10) / 10));
    return o;
}

static json_t *sums_json(const struct sums *s)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:o}", "replies", (json_int_t)s->replies, "skipped",
                     (json_int_t)s->skipped, "findings", (json_int_t)s->findings, "warnings",
                     (json_int_t)s->warnings, "scores", mean_scores(s));
}

struct agent_sums {
    const char *name; /* borrowed from the input; NULL: unknown */
    struct sums s;
};

struct agents {
    struct agent_sums *v;
    size_t n, cap, last;
};

static struct sums *agent_sums(struct agents *a, const char *name)
{
    if (a->last < a->n) {
        const char *l = a->v[a->last].name;
        if ((!l && !name) || (l && name && strcmp(l, name) == 0))
            return &a->v[a->last].s;
    }
    for (size_t i = 0; i < a->n; i++) {
        const char *l = a->v[i].name;
        if ((!l && !name) || (l && name && strcmp(l, name) == 0)) {
            a->last = i;
            return &a->v[i].s;
        }
    }
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n] = (struct agent_sums){.name = name};
    a->last = a->n;
    return &a->v[a->n++].s;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Words of a reply, roughly: runs of letters and digits (what the coach
 * counts, without tokenizing). */
static size_t rough_words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; *s; s++) {
        bool w = ((unsigned char)*s >= 0x80) || (*s >= 'a' && *s <= 'z') ||
                 (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '\'';
        n += w && !in;
        in = w;
    }
    return n;
}

/* Reviews conversation c into the lists and sums. */
static void run_conversation(const struct qa_conversation *c, json_t *replies, json_t *skipped,
                             struct sums *conv, struct agents *agents, struct sums *total)
{
    struct coach_turn *turns = xcalloc(c->n ? c->n : 1, sizeof *turns);
    struct msg_analysis *an = xcalloc(c->n ? c->n : 1, sizeof *an);
    for (size_t i = 0; i < c->n; i++) {
        turns[i] = (struct coach_turn){.author = c->v[i].author,
                                       .body = c->v[i].body,
                                       .len = strlen(c->v[i].body),
                                       .internal = c->v[i].internal};
        /* Analysed once here rather than by the coach for every later reply. */
        if (c->v[i].author == THREAD_CUSTOMER && svc_conflict_enabled() &&
            svc_conflict_analyze(c->v[i].body, "body", &an[i], NULL, NULL) == TERR_OK)
            turns[i].analysis = &an[i];
    }
    for (size_t i = 0; i < c->n; i++) {
        const struct qa_message *m = &c->v[i];
        if (m->author != THREAD_AGENT || m->internal)
            continue;
        size_t from = i > COACH_THREAD_MAX ? i - COACH_THREAD_MAX : 0;
        struct coach_thread th = {
            .turns = turns + from, .n = i - from, .customer_name = c->customer_name};
        struct coach_review r;
        size_t len = strlen(m->body), words = rough_words(m->body);
        /* Too short to judge is known without a review: skip it cheaply. */
        enum terr e = len > COACH_MAX_DRAFT       ? TERR_TOO_LARGE
                      : !utf8_valid(m->body, len) ? TERR_BAD_UTF8
                      : words == 0                ? TERR_INVALID
                      : words < QA_MIN_WORDS
                          ? TERR_OK
                          : svc_coach_review(m->body, len, "body", &th, &r, NULL);
        struct sums *ag = agent_sums(agents, m->agent);
        const char *reason = e == TERR_INVALID                                ? "empty"
                             : e == TERR_TOO_LARGE                            ? "too_long"
                             : e == TERR_BAD_UTF8                             ? "invalid_utf8"
                             : e                                              ? "not_reviewable"
                             : words < QA_MIN_WORDS || r.words < QA_MIN_WORDS ? "too_short"
                                                                              : NULL;
        if (reason) {
            json_array_append_new(skipped, json_pack("{s:s, s:I, s:o, s:s, s:I}", "conversation",
                                                     c->id, "index", (json_int_t)i, "agent",
                                                     str_or_null(m->agent), "reason", reason,
                                                     "words", (json_int_t)(e ? 0 : words)));
            conv->skipped++;
            ag->skipped++;
            total->skipped++;
            continue;
        }
        json_t *full = coach_review_to_json(&r, m->body, len);
        /* A scorecard lists what was found where; the per-kind message and
         * suggestion are the coach's own words, the same for every reply,
         * and would make the answer many times its request. */
        size_t k;
        json_t *f;
        json_array_foreach(json_object_get(full, "findings"), k, f)
        {
            json_object_del(f, "message");
            json_object_del(f, "suggestion");
        }
        json_array_append_new(replies,
                              json_pack("{s:s, s:I, s:o, s:O, s:O}", "conversation", c->id, "index",
                                        (json_int_t)i, "agent", str_or_null(m->agent), "scores",
                                        json_object_get(full, "scores"), "findings",
                                        json_object_get(full, "findings")));
        json_decref(full);
        sums_add(conv, &r);
        sums_add(ag, &r);
        sums_add(total, &r);
    }
    free(turns);
    free(an);
}

enum terr svc_qa_run(const struct qa_input *in, json_t **out, struct terr_info *ei)
{
    if (!svc_coach_enabled())
        return terr_set(ei, TERR_INTERNAL, NULL, "this server runs without the coach's data");
    json_t *replies = json_array(), *convs = json_array(), *skipped = json_array();
    struct agents agents = {0};
    struct sums total = {0};
    for (size_t i = 0; i < in->n; i++) {
        struct sums conv = {0};
        run_conversation(&in->v[i], replies, skipped, &conv, &agents, &total);
        json_t *o = sums_json(&conv);
        json_object_set_new(o, "id", json_string(in->v[i].id));
        json_array_append_new(convs, o);
    }
    json_t *ags = json_array();
    for (size_t i = 0; i < agents.n; i++) {
        json_t *o = sums_json(&agents.v[i].s);
        json_t *kinds = json_object();
        for (size_t k = 0; k < N_COACH_KINDS; k++)
            if (agents.v[i].s.kinds[k])
                json_object_set_new(kinds, coach_kind_name((enum coach_kind)k),
                                    json_integer((json_int_t)agents.v[i].s.kinds[k]));
        json_object_set_new(o, "agent", str_or_null(agents.v[i].name));
        json_object_set_new(o, "kinds", kinds);
        json_array_append_new(ags, o);
    }
    free(agents.v);
    json_t *totals = sums_json(&total);
    json_object_set_new(totals, "conversations", json_integer((json_int_t)in->n));
    *out = json_pack("{s:o, s:o, s:o, s:{s:I, s:o}, s:o}", "replies", replies, "conversations",
                     convs, "agents", ags, "skipped", "count", (json_int_t)total.skipped, "replies",
                     skipped, "totals", totals);
    if (!*out)
        BUG("cannot build a QA scorecard");
    return TERR_OK;
}
