#include "coach.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"

/*
 * The shared data is a plain pointer set before threads start.  Each
 * thread's coach hangs off a pthread key whose destructor frees it when the
 * thread exits (libmicrohttpd's pool threads), so a server that stops leaks
 * nothing; the main thread calls svc_coach_thread_done().
 */
static const struct coach_data *g_data;
static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void coach_destroy(void *c)
{
    coach_free(c);
}

static void make_key(void)
{
    if (pthread_key_create(&g_key, coach_destroy) != 0)
        BUG("cannot create the coach's thread key");
}

void svc_coach_setup(const struct coach_data *d)
{
    pthread_once(&g_once, make_key);
    g_data = d;
}

bool svc_coach_enabled(void)
{
    return g_data != NULL;
}

void svc_coach_thread_done(void)
{
    pthread_once(&g_once, make_key);
    struct coach *c = pthread_getspecific(g_key);
    if (c) {
        pthread_setspecific(g_key, NULL);
        coach_free(c);
    }
}

static struct coach *this_thread_coach(void)
{
    struct coach *c = pthread_getspecific(g_key);
    if (!c) {
        c = coach_new(g_data);
        pthread_setspecific(g_key, c);
    }
    return c;
}

void svc_coach_thread_release(struct svc_coach_thread *t)
{
    if (!t)
        return;
    free(t->turns);
    free(t->analyses);
    messages_free(t->msgs, t->n_msgs);
    free(t->customer_name);
    memset(t, 0, sizeof *t);
}

static const char *const item_fields[] = {"author", "body", "at", "internal", NULL};

/* An error about field `name` of item `at`: fmt has one %s, the full path. */
static enum terr item_err(struct terr_info *ei, enum terr code, const char *at, const char *name,
                          const char *fmt)
{
    char path[160];
    snprintf(path, sizeof path, "%s.%s", at, name);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    return terr_set(ei, code, path, fmt, path);
#pragma GCC diagnostic pop
}

static enum terr thread_item(const json_t *o, const char *field, size_t i, struct coach_turn *tu,
                             struct terr_info *ei)
{
    char at[96];
    snprintf(at, sizeof at, "%s[%zu]", field, i);
    if (!json_is_object(o))
        return terr_set(ei, TERR_WRONG_TYPE, at, "'%s' must be an object", at);
    const char *bad = json_unknown_key(o, item_fields);
    if (bad)
        return item_err(ei, TERR_UNKNOWN_FIELD, at, bad, "unknown field '%s'");
    const json_t *author = json_object_get(o, "author");
    const json_t *body = json_object_get(o, "body");
    const json_t *when = json_object_get(o, "at");
    const json_t *internal = json_object_get(o, "internal");
    enum author_kind k;
    if (!author)
        return item_err(ei, TERR_MISSING_FIELD, at, "author", "'%s' is required");
    if (!json_is_string(author) || !author_parse(json_string_value(author), &k))
        return item_err(ei, TERR_INVALID, at, "author", "'%s' must be customer, agent or system");
    if (!body)
        return item_err(ei, TERR_MISSING_FIELD, at, "body", "'%s' is required");
    if (!json_is_string(body))
        return item_err(ei, TERR_WRONG_TYPE, at, "body", "'%s' must be a string");
    if (json_string_length(body) > LIMIT_BODY)
        return item_err(ei, TERR_TOO_LONG, at, "body", "'%s' is over 256 KiB");
    if (when && !json_is_null(when) && !json_is_string(when) && !json_is_integer(when))
        return item_err(ei, TERR_WRONG_TYPE, at, "at",
                        "'%s' must be an RFC 3339 time or milliseconds since the epoch");
    /* The coach does not read the times, but a bad one is the caller's mistake. */
    int64_t ms;
    if (json_is_string(when) && !time_parse_iso(json_string_value(when), &ms))
        return item_err(ei, TERR_INVALID, at, "at", "'%s' must be an RFC 3339 time");
    if (internal && !json_is_boolean(internal))
        return item_err(ei, TERR_WRONG_TYPE, at, "internal", "'%s' must be true or false");
    *tu = (struct coach_turn){
        .author = k == AUTHOR_CUSTOMER ? THREAD_CUSTOMER
                  : k == AUTHOR_AGENT  ? THREAD_AGENT
                                       : THREAD_SYSTEM,
        .body = json_string_value(body),
        .len = json_string_length(body),
        .internal = json_is_true(internal),
    };
    return TERR_OK;
}

enum terr svc_coach_thread_from_json(const json_t *v, const char *field,
                                     struct svc_coach_thread *out, struct terr_info *ei)
{
    const json_t *items = v;
    const char *name = NULL;
    char sub[64];
    snprintf(sub, sizeof sub, "%s", field);
    if (json_is_object(v)) {
        const char *key;
        const json_t *x;
        json_object_foreach((json_t *)(uintptr_t)v, key, x)
        {
            if (strcmp(key, "customer_name") != 0 && strcmp(key, "messages") != 0)
                return terr_set(ei, TERR_UNKNOWN_FIELD, field, "unknown field '%s.%s'", field, key);
        }
        const json_t *cn = json_object_get(v, "customer_name");
        if (cn && !json_is_null(cn) && !json_is_string(cn))
            return terr_set(ei, TERR_WRONG_TYPE, field, "'%s.customer_name' must be a string",
                            field);
        if (json_is_string(cn) && json_string_length(cn) > LIMIT_NAME)
            return terr_set(ei, TERR_TOO_LONG, field, "'%s.customer_name' is over %d bytes", field,
                            LIMIT_NAME);
        name = json_string_value(cn);
        items = json_object_get(v, "messages");
        snprintf(sub, sizeof sub, "%s.messages", field);
        if (!items)
            return terr_set(ei, TERR_MISSING_FIELD, sub, "'%s' is required", sub);
    }
    if (!json_is_array(items))
        return terr_set(ei, TERR_WRONG_TYPE, sub,
                        "'%s' must be an array of messages or an object with \"messages\"", sub);
    size_t n = json_array_size(items);
    if (n > COACH_THREAD_MAX)
        return terr_set(ei, TERR_TOO_LONG, sub, "'%s' has more than %d messages", sub,
                        COACH_THREAD_MAX);
    struct coach_turn *turns = xcalloc(n ? n : 1, sizeof *turns);
    for (size_t i = 0; i < n; i++) {
        enum terr e = thread_item(json_array_get(items, i), sub, i, &turns[i], ei);
        if (e) {
            free(turns);
            return e;
        }
    }
    *out = (struct svc_coach_thread){.turns = turns, .customer_name = xstrdup(name)};
    out->thread =
        (struct coach_thread){.turns = turns, .n = n, .customer_name = out->customer_name};
    return TERR_OK;
}

enum terr svc_coach_thread_from_ticket(struct store_tx *tx, int64_t ticket_id,
                                       struct svc_coach_thread *out, struct terr_info *ei)
{
    struct ticket t;
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    struct customer c = {0};
    e = store_customer_get(tx, t.customer_id, &c);
    ticket_release(&t);
    if (e == TERR_NOT_FOUND)
        e = TERR_OK; /* a thread without a known name */
    struct message *v = NULL;
    size_t n = 0;
    /* The coach reads no more than its newest COACH_THREAD_TURNS turns. */
    if (!e)
        e = store_message_recent(tx, ticket_id, COACH_THREAD_TURNS, &v, &n);
    if (e) {
        customer_release(&c);
        return terr_set(ei, e, NULL, NULL);
    }
    struct svc_coach_thread th = {
        .turns = xcalloc(n ? n : 1, sizeof(struct coach_turn)),
        .analyses = xcalloc(n ? n : 1, sizeof(struct msg_analysis)),
        .msgs = v,
        .n_msgs = n,
        .customer_name = c.name,
    };
    c.name = NULL;
    customer_release(&c);
    for (size_t i = 0; i < n; i++) {
        struct coach_turn *tu = &th.turns[i];
        tu->author = v[i].author_kind == AUTHOR_CUSTOMER ? THREAD_CUSTOMER
                     : v[i].author_kind == AUTHOR_AGENT  ? THREAD_AGENT
                                                         : THREAD_SYSTEM;
        tu->body = v[i].body ? v[i].body : "";
        tu->len = strlen(tu->body);
        tu->internal = v[i].internal;
        /* A row without an analysis this version can read is analysed by
         * the coach itself. */
        if (v[i].author_kind == AUTHOR_CUSTOMER && v[i].analysis_json &&
            analysis_from_json(v[i].analysis_json, &th.analyses[i]) == TERR_OK)
            tu->analysis = &th.analyses[i];
    }
    th.thread = (struct coach_thread){.turns = th.turns, .n = n, .customer_name = th.customer_name};
    *out = th;
    return TERR_OK;
}

enum terr svc_coach_review(const char *draft, size_t len, const char *field,
                           const struct coach_thread *thread, struct coach_review *out,
                           struct terr_info *ei)
{
    if (!g_data)
        return terr_set(ei, TERR_INTERNAL, NULL, "this server runs without the coach's data");
    enum terr e = coach_review(this_thread_coach(), draft, len, thread, out);
    switch (e) {
    case TERR_OK:
        return TERR_OK;
    case TERR_INVALID:
        return terr_set(ei, e, field, "'%s' is empty", field);
    case TERR_BAD_UTF8:
        return terr_set(ei, e, field, "'%s' is not valid UTF-8", field);
    case TERR_TOO_LARGE:
        return terr_set(ei, e, field, "'%s' is over %u bytes, the most the coach reviews", field,
                        COACH_MAX_DRAFT);
    default:
        return terr_set(ei, e, field, "'%s' could not be reviewed", field);
    }
}

char *svc_coach_review_json(const struct coach_review *r, const char *draft, size_t len)
{
    json_t *o = coach_review_to_json(r, draft, len);
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    if (!s)
        BUG("cannot encode a coach review");
    char *copy = xstrdup(s);
    free(s);
    return copy;
}

char *svc_coach_reply_tx(struct store_tx *tx, int64_t ticket_id, const char *body)
{
    if (!g_data)
        return NULL;
    struct svc_coach_thread th;
    if (svc_coach_thread_from_ticket(tx, ticket_id, &th, NULL) != TERR_OK)
        return NULL;
    struct coach_review rev;
    size_t len = strlen(body);
    char *out = NULL;
    if (svc_coach_review(body, len, "body", &th.thread, &rev, NULL) == TERR_OK)
        out = svc_coach_review_json(&rev, body, len);
    svc_coach_thread_release(&th);
    return out;
}

struct reply_read {
    int64_t ticket_id;
    const char *body;
    char *out;
};

static enum terr reply_read_tx(struct store_tx *tx, void *arg)
{
    struct reply_read *r = arg;
    r->out = svc_coach_reply_tx(tx, r->ticket_id, r->body);
    return TERR_OK;
}

char *svc_coach_reply(struct store *st, int64_t ticket_id, const char *body)
{
    if (!g_data)
        return NULL;
    struct reply_read r = {.ticket_id = ticket_id, .body = body};
    if (store_read(st, reply_read_tx, &r) != TERR_OK) {
        free(r.out);
        return NULL;
    }
    return r.out;
}
