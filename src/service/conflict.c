#include "conflict.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "webhooks.h"
#include "workflow.h"

/*
 * The shared data is a plain pointer set before threads start.  Each thread's
 * analyzer hangs off a pthread key whose destructor frees it when the thread
 * exits (libmicrohttpd's pool threads, the store's writer), so a server that
 * stops leaks nothing; the main thread calls svc_conflict_thread_done().
 */
static const struct analysis_data *g_data;
static pthread_key_t g_key;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void analyzer_destroy(void *a)
{
    analyzer_free(a);
}

static void make_key(void)
{
    if (pthread_key_create(&g_key, analyzer_destroy) != 0)
        BUG("cannot create the analyzer's thread key");
}

void svc_conflict_setup(const struct analysis_data *d)
{
    pthread_once(&g_once, make_key);
    g_data = d;
}

bool svc_conflict_enabled(void)
{
    return g_data != NULL;
}

void svc_conflict_thread_done(void)
{
    pthread_once(&g_once, make_key);
    struct analyzer *a = pthread_getspecific(g_key);
    if (a) {
        pthread_setspecific(g_key, NULL);
        analyzer_free(a);
    }
}

static struct analyzer *this_thread_analyzer(void)
{
    struct analyzer *a = pthread_getspecific(g_key);
    if (!a) {
        a = analyzer_new(g_data);
        pthread_setspecific(g_key, a);
    }
    return a;
}

enum terr svc_conflict_analyze(const char *text, const char *field, struct msg_analysis *out,
                               char **out_json, struct terr_info *ei)
{
    memset(out, 0, sizeof *out);
    if (out_json)
        *out_json = NULL;
    if (!g_data)
        return TERR_OK;
    size_t len = strlen(text);
    enum terr e = analyze_message(this_thread_analyzer(), text, len, out);
    if (e == TERR_BAD_UTF8)
        return terr_set(ei, e, field, "'%s' is not valid UTF-8", field);
    if (e == TERR_TOO_LARGE)
        return terr_set(ei, e, field, "'%s' is too long to analyse", field);
    if (e)
        return terr_set(ei, e, field, "'%s' could not be analysed", field);
    if (out_json)
        *out_json = analysis_json_text(out, text, len);
    return TERR_OK;
}

#define THREAD_FUTURE_SLACK_MS (24LL * 3600 * 1000)

static const char *const item_fields[] = {"author", "body", "at", "internal", NULL};

/* Reads thread item i into m (and a, for a customer's message); *timed says
 * whether it gave its "at". */
static enum terr thread_item(const json_t *o, size_t i, int64_t now, struct thread_msg *m,
                             struct msg_analysis *a, bool *timed, struct terr_info *ei)
{
    char field[160];
    snprintf(field, sizeof field, "thread[%zu]", i);
    if (!json_is_object(o))
        return terr_set(ei, TERR_WRONG_TYPE, field, "'%s' must be an object", field);
    const char *bad = json_unknown_key(o, item_fields);
    if (bad) {
        snprintf(field, sizeof field, "thread[%zu].%s", i, bad);
        return terr_set(ei, TERR_UNKNOWN_FIELD, field, "unknown field '%s'", field);
    }
    const char *author = json_string_value(json_object_get(o, "author"));
    const json_t *body = json_object_get(o, "body");
    const json_t *at = json_object_get(o, "at");
    const json_t *internal = json_object_get(o, "internal");
    enum author_kind k;
    if (!author || !author_parse(author, &k)) {
        snprintf(field, sizeof field, "thread[%zu].author", i);
        return terr_set(ei, TERR_INVALID, field, "'%s' must be customer, agent or system", field);
    }
    if (!json_is_string(body)) {
        snprintf(field, sizeof field, "thread[%zu].body", i);
        return terr_set(ei, body ? TERR_WRONG_TYPE : TERR_MISSING_FIELD, field,
                        "'%s' must be a string", field);
    }
    m->at_ms = now;
    *timed = json_is_integer(at) || json_is_string(at);
    if (json_is_integer(at)) {
        m->at_ms = json_integer_value(at);
    } else if (at && !json_is_null(at) &&
               (!json_is_string(at) || !time_parse_iso(json_string_value(at), &m->at_ms))) {
        snprintf(field, sizeof field, "thread[%zu].at", i);
        return terr_set(ei, TERR_INVALID, field,
                        "'%s' must be an RFC 3339 time or milliseconds since the epoch", field);
    }
    /* A thread happened between the epoch and now (a day of clock skew
     * allowed). */
    if (m->at_ms < 0 || m->at_ms > now + THREAD_FUTURE_SLACK_MS) {
        snprintf(field, sizeof field, "thread[%zu].at", i);
        return terr_set(ei, TERR_INVALID, field, "'%s' must lie between 1970 and now", field);
    }
    if (internal && !json_is_boolean(internal)) {
        snprintf(field, sizeof field, "thread[%zu].internal", i);
        return terr_set(ei, TERR_WRONG_TYPE, field, "'%s' must be true or false", field);
    }
    m->internal = json_is_true(internal);
    m->author = k == AUTHOR_CUSTOMER ? THREAD_CUSTOMER
                : k == AUTHOR_AGENT  ? THREAD_AGENT
                                     : THREAD_SYSTEM;
    if (k != AUTHOR_CUSTOMER || !g_data)
        return TERR_OK;
    snprintf(field, sizeof field, "thread[%zu].body", i);
    enum terr e = svc_conflict_analyze(json_string_value(body), field, a, NULL, ei);
    if (!e)
        m->analysis = a;
    return e;
}

enum terr svc_thread_risk(const json_t *thread, int64_t now, struct thread_risk *out,
                          struct terr_info *ei)
{
    if (!json_is_array(thread))
        return terr_set(ei, TERR_WRONG_TYPE, "thread", "'thread' must be an array of messages");
    size_t n = json_array_size(thread);
    if (n > RISK_WINDOW)
        return terr_set(ei, TERR_TOO_LONG, "thread", "'thread' has more than %d messages",
                        RISK_WINDOW);
    struct thread_msg *m = xcalloc(n ? n : 1, sizeof(*m));
    struct msg_analysis *a = xcalloc(n ? n : 1, sizeof(*a));
    enum terr e = TERR_OK;
    /* The risk reads the items in the order given: times that go backwards
     * say the caller sent them in another order.  Items without "at" (now)
     * are not compared. */
    size_t last_timed = n;
    for (size_t i = 0; i < n && !e; i++) {
        bool timed = false;
        e = thread_item(json_array_get(thread, i), i, now, &m[i], &a[i], &timed, ei);
        if (e || !timed)
            continue;
        if (last_timed < n && m[i].at_ms < m[last_timed].at_ms) {
            char field[64];
            snprintf(field, sizeof field, "thread[%zu].at", i);
            e = terr_set(ei, TERR_INVALID, field,
                         "'%s' is earlier than thread[%zu].at; give the messages oldest first",
                         field, last_timed);
        }
        last_timed = i;
    }
    if (!e)
        risk_assess(m, n, now, out);
    free(m);
    free(a);
    return e;
}

char *svc_risk_reasons_json(const struct thread_risk *r)
{
    json_t *o = risk_to_json(r);
    char *s = json_dumps(json_object_get(o, "reasons"), JSON_COMPACT);
    json_decref(o);
    if (!s)
        BUG("cannot encode risk reasons");
    char *copy = xstrdup(s);
    free(s);
    return copy;
}

static enum level level_from(enum conflict_level l)
{
    enum level out = LEVEL_CALM;
    level_parse(conflict_level_name(l), &out);
    return out;
}

enum terr svc_conflict_audit_level(struct store_tx *tx, const struct ticket *t, enum level from,
                                   int from_risk, int64_t at)
{
    const char *reasons = t->risk_reasons ? t->risk_reasons : "[]";
    json_t *before = json_pack("{s:s, s:i}", "level", level_name(from), "risk", from_risk);
    json_t *reasons_v = json_loads(reasons, 0, NULL);
    json_t *after = json_pack("{s:s, s:i, s:o}", "level", level_name(t->level), "risk", t->risk,
                              "reasons", reasons_v ? reasons_v : json_array());
    char *b = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
    char *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(before);
    json_decref(after);
    if (!a || !b)
        BUG("cannot encode a level change");
    struct actor system = {.kind = ACTOR_SYSTEM};
    enum terr e = svc_audit(tx, &system, "ticket.level_changed", "ticket", t->id, t->id, b, a, at);
    if (!e) {
        json_t *why = json_loads(reasons, 0, NULL);
        json_t *data = json_pack("{s:I, s:s, s:s, s:i, s:i, s:o}", "ticket_id", (json_int_t)t->id,
                                 "from", level_name(from), "to", level_name(t->level), "from_risk",
                                 from_risk, "risk", t->risk, "reasons", why ? why : json_array());
        e = svc_webhook_emit(tx, "ticket.level_changed", data, t->id, at);
        json_decref(data);
    }
    free(a);
    free(b);
    return e;
}

/* The risk of ticket_id's thread as of `at`, from its last RISK_WINDOW
 * messages; *category (may stay NULL) is the latest customer message's
 * category, copied into cat[ANALYSIS_CATEGORY_MAX].  Reads only. */
static enum terr assess(struct store_tx *tx, int64_t ticket_id, int64_t at, struct thread_risk *r,
                        char cat[ANALYSIS_CATEGORY_MAX], const char **category)
{
    struct message *v;
    size_t n;
    *category = NULL;
    enum terr e = store_message_recent(tx, ticket_id, RISK_WINDOW, &v, &n);
    if (e)
        return e;
    struct thread_msg *thread = xcalloc(n ? n : 1, sizeof(*thread));
    struct msg_analysis *an = xcalloc(n ? n : 1, sizeof(*an));
    for (size_t i = 0; i < n; i++) {
        thread[i].author = v[i].author_kind == AUTHOR_CUSTOMER ? THREAD_CUSTOMER
                           : v[i].author_kind == AUTHOR_AGENT  ? THREAD_AGENT
                                                               : THREAD_SYSTEM;
        thread[i].at_ms = v[i].created_at;
        thread[i].internal = v[i].internal;
        /* A row without an analysis, or one this version cannot read, still
         * counts as a contact. */
        if (v[i].author_kind == AUTHOR_CUSTOMER && v[i].analysis_json &&
            analysis_from_json(v[i].analysis_json, &an[i]) == TERR_OK) {
            thread[i].analysis = &an[i];
            if (an[i].category[0]) {
                snprintf(cat, ANALYSIS_CATEGORY_MAX, "%s", an[i].category);
                *category = cat;
            }
        }
    }
    risk_assess(thread, n, at, r);
    free(thread);
    free(an);
    messages_free(v, n);
    return TERR_OK;
}

/* Puts r (and the thread's category, unless an agent chose one) on t and
 * audits a level change at `at`.  The caller writes t. */
static enum terr apply(struct store_tx *tx, struct ticket *t, const struct thread_risk *r,
                       const char *category, int64_t at)
{
    enum level from = t->level;
    int from_risk = t->risk;
    t->risk = r->risk;
    t->level = level_from(r->level);
    free(t->risk_reasons);
    t->risk_reasons = svc_risk_reasons_json(r);
    if (category && !t->category_by_agent && (!t->category || strcmp(t->category, category))) {
        free(t->category);
        t->category = xstrdup(category);
    }
    return t->level != from ? svc_conflict_audit_level(tx, t, from, from_risk, at) : TERR_OK;
}

void svc_conflict_opening(struct ticket *t, const struct msg_analysis *a, int64_t at)
{
    struct thread_msg m = {.author = THREAD_CUSTOMER, .at_ms = at, .analysis = a};
    struct thread_risk r;
    risk_assess(&m, 1, at, &r);
    t->risk = r.risk;
    t->level = level_from(r.level);
    free(t->risk_reasons);
    t->risk_reasons = svc_risk_reasons_json(&r);
    if (a && a->category[0] && !t->category_by_agent) {
        free(t->category);
        t->category = xstrdup(a->category);
    }
}

enum terr svc_conflict_reassess(struct store_tx *tx, struct ticket *t, int64_t at,
                                struct thread_risk *out)
{
    /* As of `at`: the moment of the write (or, for imports of history, of the
     * message), so a thread's past reads as it was; svc_conflict_refresh()
     * brings waiting time up to date later. */
    struct thread_risk r;
    char cat[ANALYSIS_CATEGORY_MAX];
    const char *category;
    enum terr e = assess(tx, t->id, at, &r, cat, &category);
    if (!e)
        e = apply(tx, t, &r, category, at);
    if (!e && out)
        *out = r;
    return e;
}

/* ---- Refreshing waiting tickets ------------------------------------------
 *
 * Waiting time grows without any write, so the housekeeping reassesses every
 * ticket that waits on the desk (new, open).  Reading and assessing is done in
 * read transactions, a page at a time; only the tickets whose risk or level
 * moved are written, in one short write per page, and only if nothing wrote
 * them in between (updated_at unchanged): the single writer is never held
 * for the scan. */

#define REFRESH_PAGE 200

struct refresh_item {
    int64_t id, updated_at;
    struct thread_risk r;
};

struct refresh_page {
    enum ticket_status status;
    int64_t now;
    bool has_after;
    int64_t after_key, after_id;
    size_t n_seen;
    struct refresh_item *items;
    size_t n_items;
    int64_t n_changed;
};

static enum terr refresh_scan(struct store_tx *tx, void *arg)
{
    struct refresh_page *pg = arg;
    struct ticket_query q = {.has_status = true,
                             .status = pg->status,
                             .sort = SORT_UPDATED,
                             .has_after = pg->has_after,
                             .after_key = pg->after_key,
                             .after_id = pg->after_id,
                             .limit = REFRESH_PAGE};
    struct ticket *v;
    size_t n;
    enum terr e = store_ticket_list(tx, &q, &v, &n);
    if (e)
        return e;
    pg->n_seen = n;
    pg->n_items = 0;
    for (size_t i = 0; i < n && !e; i++) {
        struct thread_risk r;
        char cat[ANALYSIS_CATEGORY_MAX];
        const char *category;
        e = assess(tx, v[i].id, pg->now, &r, cat, &category);
        if (!e && (r.risk != v[i].risk || level_from(r.level) != v[i].level))
            pg->items[pg->n_items++] =
                (struct refresh_item){.id = v[i].id, .updated_at = v[i].updated_at, .r = r};
    }
    if (n) {
        pg->has_after = true;
        pg->after_key = store_ticket_sort_key(&v[n - 1], SORT_UPDATED);
        pg->after_id = v[n - 1].id;
    }
    tickets_free(v, n);
    return e;
}

static const struct actor housekeeping = {.kind = ACTOR_SYSTEM};

static enum terr refresh_write(struct store_tx *tx, void *arg)
{
    struct refresh_page *pg = arg;
    pg->n_changed = 0;
    for (size_t i = 0; i < pg->n_items; i++) {
        struct ticket t;
        enum terr e = store_ticket_get(tx, pg->items[i].id, &t);
        if (e == TERR_NOT_FOUND)
            continue;
        if (e)
            return e;
        /* Written since the scan: that write assessed it already. */
        if (t.updated_at == pg->items[i].updated_at) {
            enum level was = t.level;
            e = apply(tx, &t, &pg->items[i].r, NULL, pg->now);
            if (!e)
                e = store_ticket_update(tx, &t);
            /* A level that rose with the wait is news to the workflow: rules
             * on the level, the SLA targets, de-escalation routing. */
            if (!e && t.level != was)
                e = svc_workflow_after(tx, &housekeeping, &t, WORKFLOW_TIMER, pg->now, NULL, NULL);
            if (!e)
                pg->n_changed++;
        }
        ticket_release(&t);
        if (e)
            return e;
    }
    return TERR_OK;
}

enum terr svc_conflict_refresh(struct store *st, int64_t now, int64_t *n_changed)
{
    static const enum ticket_status waiting[] = {STATUS_NEW, STATUS_OPEN};
    struct refresh_item *items = xcalloc(REFRESH_PAGE, sizeof(*items));
    enum terr e = TERR_OK;
    *n_changed = 0;
    for (size_t s = 0; s < sizeof waiting / sizeof waiting[0] && !e; s++) {
        struct refresh_page pg = {.status = waiting[s], .now = now, .items = items};
        do {
            e = store_read(st, refresh_scan, &pg);
            if (!e && pg.n_items)
                e = store_write(st, refresh_write, &pg);
            if (!e)
                *n_changed += pg.n_changed;
            pg.n_changed = 0;
        } while (!e && pg.n_seen == REFRESH_PAGE);
    }
    free(items);
    return e;
}
