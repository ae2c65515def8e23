/* Escalation rules, wired: the cached set, a run on one ticket, management (escalation.h). */
#include "escalation.h"

#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/buf.h"
#include "../util/jsontext.h"
#include "../util/log.h"
#include "../util/timeutil.h"
#include "notify.h"
#include "rule_json.h"
#include "tickets.h"
#include "workflow.h"

static const struct actor system_actor = {.kind = ACTOR_SYSTEM};

/* ---- the stored set ---- */

/* Parses the rows into out, skipping (and logging) a row that does not parse. */
static void parse_rows(const struct rule_row *v, size_t n, struct rule_set *out)
{
    for (size_t i = 0; i < n; i++) {
        struct terr_info ei = {0};
        struct rule r;
        char origin[RULE_NAME_MAX + 16];
        snprintf(origin, sizeof(origin), "rule %s", v[i].name);
        if (rule_from_spec(v[i].spec, origin, NULL, &r, &ei) || rule_set_add(out, &r, &ei))
            log_error("rules: the stored rule '%s' is left out: %s", v[i].name, ei.message);
    }
}

enum terr svc_rules_current(struct store_tx *tx, struct rule_set *out)
{
    struct rule_row *v;
    size_t n;
    enum terr e = store_rule_list(tx, &v, &n);
    if (e)
        return e;
    parse_rows(v, n, out);
    rule_rows_free(v, n);
    return TERR_OK;
}

/* The parsed set of one rules_version, shared read-only by the runs using it. */
struct snapshot {
    int64_t version;
    struct rule_set set;
    int refs;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *cache; /* the latest set read; holds one reference */

static void snapshot_put(struct snapshot *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&cache_lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&cache_lock);
    if (last) {
        rule_set_release(&s->set);
        free(s);
    }
}

/* The set as committed, from the cache when its version is current. */
static enum terr snapshot_get(struct store_tx *tx, struct snapshot **out)
{
    int64_t version;
    enum terr e = store_rules_version(tx, &version);
    if (e)
        return e;
    pthread_mutex_lock(&cache_lock);
    if (cache && cache->version == version) {
        cache->refs++;
        *out = cache;
        pthread_mutex_unlock(&cache_lock);
        return TERR_OK;
    }
    pthread_mutex_unlock(&cache_lock);
    struct snapshot *s = xcalloc(1, sizeof(*s));
    s->version = version;
    s->refs = 2; /* the caller's and the cache's */
    rule_set_init(&s->set);
    if (version && (e = svc_rules_current(tx, &s->set))) {
        rule_set_release(&s->set);
        free(s);
        return e;
    }
    pthread_mutex_lock(&cache_lock);
    struct snapshot *old = cache;
    cache = s;
    pthread_mutex_unlock(&cache_lock);
    snapshot_put(old);
    *out = s;
    return TERR_OK;
}

/* ---- facts ---- */

/* What the run knows besides struct rule_facts. */
struct seen {
    int64_t survey_at[N_SURVEYS]; /* when the latest answer of each kind came */
};

/* The trigger bits of a stored analysis ("triggers":[{"kind",...}]). */
static uint32_t triggers_of(const char *analysis_json)
{
    uint32_t bits = 0;
    json_t *a = analysis_json ? json_loads(analysis_json, 0, NULL) : NULL;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(a, "triggers"), i, t)
    {
        enum rule_trigger k;
        if (rule_trigger_parse(json_string_value(json_object_get(t, "kind")), &k))
            bits |= 1u << k;
    }
    json_decref(a);
    return bits;
}

/* Messages read first when gathering facts (the newest ones). */
#define THREAD_WINDOW 50

/* From m[0..n) (oldest first; internal notes are skipped): since when the
 * customer waits (their first message after the last public agent reply)
 * and the triggers of their latest message.  True when that is settled: the
 * window reaches back to an agent reply and holds a customer message, or
 * it is the whole thread. */
static bool read_thread(const struct message *m, size_t n, bool whole, struct rule_facts *f)
{
    bool latest = false, bounded = false;
    f->waiting_since = 0;
    f->triggers = 0;
    for (size_t i = n; i-- > 0;) {
        if (m[i].internal)
            continue;
        if (m[i].author_kind == AUTHOR_AGENT) {
            bounded = true; /* the last public reply: the wait starts after it */
            break;
        }
        if (m[i].author_kind != AUTHOR_CUSTOMER)
            continue;
        f->waiting_since = m[i].created_at;
        if (!latest)
            f->triggers = triggers_of(m[i].analysis_json);
        latest = true;
    }
    for (size_t i = n; !latest && i-- > 0;) {
        if (!m[i].internal && m[i].author_kind == AUTHOR_CUSTOMER) {
            f->triggers = triggers_of(m[i].analysis_json);
            latest = true;
        }
    }
    return whole || (bounded && latest);
}

static enum terr gather_facts(struct store_tx *tx, const struct ticket *t, int64_t now,
                              struct rule_facts *f, struct seen *seen)
{
    memset(f, 0, sizeof(*f));
    memset(seen, 0, sizeof(*seen));
    f->now = now;
    f->level = t->level;
    f->priority = t->priority;
    f->sla_breached = t->sla_breached & ((1u << N_RULE_SLAS) - 1);

    /* The recent window settles it unless the customer wrote many times in
     * a row; only then is the whole thread read. */
    struct message *m;
    size_t n;
    enum terr e = store_message_recent(tx, t->id, THREAD_WINDOW, &m, &n);
    if (e)
        return e;
    if (!read_thread(m, n, n < THREAD_WINDOW, f)) {
        messages_free(m, n);
        if ((e = store_message_list(tx, t->id, false, &m, &n)))
            return e;
        read_thread(m, n, true, f);
    }
    messages_free(m, n);
    if (t->status == STATUS_PENDING || t->status == STATUS_RESOLVED || t->status == STATUS_CLOSED)
        f->waiting_since = 0;

    struct survey *sv;
    if ((e = store_survey_list(tx, t->id, &sv, &n)))
        return e;
    for (size_t i = 0; i < n; i++) {
        if (!sv[i].answered_at)
            continue;
        const int score[N_SURVEYS] = {
            [SURVEY_CSAT] = sv[i].csat, [SURVEY_NPS] = sv[i].nps, [SURVEY_CES] = sv[i].ces};
        for (int k = 0; k < N_SURVEYS; k++) {
            if (score[k] == SURVEY_NO_SCORE || sv[i].answered_at < seen->survey_at[k])
                continue;
            f->survey[k].answered = true;
            f->survey[k].score = score[k];
            seen->survey_at[k] = sv[i].answered_at;
        }
    }
    surveys_free(sv, n);
    return TERR_OK;
}

/* The facts a condition looked at, for the audit trail. */
static void add_fact(json_t *facts, const struct rule_cond *c, const struct rule_facts *f)
{
    switch (c->kind) {
    case RULE_WHEN_TRIGGER: {
        json_t *list = json_array();
        for (int k = 0; k < N_RULE_TRIGGERS; k++)
            if (f->triggers & (1u << k))
                json_array_append_new(list, json_string(rule_trigger_name((enum rule_trigger)k)));
        json_object_set_new(facts, "triggers", list);
        break;
    }
    case RULE_WHEN_LEVEL:
        json_object_set_new(facts, "level", json_string(level_name(f->level)));
        break;
    case RULE_WHEN_WAITING: {
        char at[TIME_ISO_LEN];
        json_object_set_new(facts, "waiting_since",
                            f->waiting_since ? json_string(time_format_iso(f->waiting_since, at))
                                             : json_null());
        json_object_set_new(facts, "waited_ms",
                            json_integer(f->waiting_since ? f->now - f->waiting_since : 0));
        break;
    }
    case RULE_WHEN_SLA_BREACHED: {
        json_t *list = json_array();
        for (int k = 0; k < N_RULE_SLAS; k++)
            if (f->sla_breached & (1u << k))
                json_array_append_new(list, json_string(rule_sla_name((enum rule_sla)k)));
        json_object_set_new(facts, "sla_breached", list);
        break;
    }
    case RULE_WHEN_SURVEY:
        json_object_set_new(facts, survey_name(c->survey),
                            f->survey[c->survey].answered ? json_integer(f->survey[c->survey].score)
                                                          : json_null());
        break;
    case N_RULE_CONDS:
        break;
    }
}

/* Why a condition holds, in words, appended to b. */
static void say_why(struct buf *b, const struct rule_cond *c, const struct rule_facts *f)
{
    char d[32], w[32];
    switch (c->kind) {
    case RULE_WHEN_TRIGGER:
        buf_addf(b, "the latest customer message has the trigger %s",
                 rule_trigger_name(c->trigger));
        break;
    case RULE_WHEN_LEVEL:
        buf_addf(b, "the level is %s", level_name(f->level));
        break;
    case RULE_WHEN_WAITING:
        rule_duration_format(c->ms, d, sizeof(d));
        rule_duration_format((f->now - f->waiting_since) / 1000 * 1000, w, sizeof(w));
        buf_addf(b, "the customer has waited %s (over %s)", w, d);
        break;
    case RULE_WHEN_SLA_BREACHED:
        if (c->sla == RULE_SLA_ANY)
            buf_adds(b, "an SLA target is breached");
        else
            buf_addf(b, "the %s target is breached", rule_sla_name(c->sla));
        break;
    case RULE_WHEN_SURVEY:
        buf_addf(b, "the customer gave %s %d (at most %d)", survey_name(c->survey),
                 f->survey[c->survey].score, c->score);
        break;
    case N_RULE_CONDS:
        break;
    }
}

static bool has_action(const struct rule *r, enum rule_action_kind k)
{
    for (size_t i = 0; i < r->n_then; i++)
        if (r->then[i].kind == k)
            return true;
    return false;
}

static const struct rule_state *state_in(const struct rule_state *v, size_t n, const char *name)
{
    for (size_t i = 0; v && i < n; i++)
        if (strcmp(v[i].rule, name) == 0)
            return &v[i];
    return NULL;
}

/* ---- applying the plan ---- */

static enum terr audit_rule(struct store_tx *tx, const struct ticket *t, const char *action,
                            json_t *after, int64_t now)
{
    char *text = json_dump_record(after, "an audit record");
    enum terr e = svc_audit(tx, &system_actor, action, "ticket", t->id, t->id, NULL, text, now);
    free(text);
    return e;
}

/* Applies one step of the plan to t; *changed when it did. */
static enum terr apply_step(struct store_tx *tx, struct ticket *t, const struct rule_step *st,
                            const struct rule *r, int64_t now, bool *changed)
{
    const struct rule_action *a = &st->action;
    enum terr e = TERR_OK;
    struct agent ag = {0};
    switch (a->kind) {
    case RULE_DO_SET_PRIORITY:
        if (a->priority > t->priority) {
            t->priority = a->priority;
            *changed = true;
        }
        break;
    case RULE_DO_ASSIGN_AGENT:
        e = store_agent_get(tx, a->agent_id, &ag);
        agent_release(&ag);
        if (e == TERR_NOT_FOUND) /* the rule outlived the agent: say so, go on */
            return audit_rule(tx, t, "rule.assign_failed",
                              json_pack("{s:s, s:I, s:s}", "rule", r->name, "agent_id",
                                        (json_int_t)a->agent_id, "reason", "no such agent"),
                              now);
        if (!e && t->assignee_id != a->agent_id) {
            t->assignee_id = a->agent_id;
            *changed = true;
        }
        break;
    case RULE_DO_ASSIGN_TEAM:
        if (!t->team || strcmp(t->team, a->team) != 0) {
            free(t->team);
            t->team = xstrdup(a->team);
            *changed = true;
        }
        if (t->assignee_id) {
            e = store_agent_get(tx, t->assignee_id, &ag);
            bool outside = e == TERR_NOT_FOUND || (!e && !strlist_contains(&ag.teams, a->team));
            agent_release(&ag);
            if (e == TERR_NOT_FOUND)
                e = TERR_OK;
            if (!e && outside) { /* routing, which runs next, picks within the team */
                t->assignee_id = 0;
                *changed = true;
            }
        }
        break;
    case RULE_DO_ADD_TAG:
        if (!strlist_contains(&t->tags, a->tag) && t->tags.n < LIMIT_TAGS) {
            strlist_push(&t->tags, a->tag);
            *changed = true;
        }
        break;
    case RULE_DO_LEGAL_HOLD:
        if (!t->legal_hold) {
            t->legal_hold = true;
            *changed = true;
        }
        break;
    case RULE_DO_NOTIFY_LEAD: /* once for the whole run, by the caller */
    case N_RULE_ACTIONS:
        break;
    }
    return e;
}

/* One notification to the leads naming the ticket and every rule that asked for it. */
static enum terr notify_leads(struct store_tx *tx, const struct ticket *t, const struct rule_set *s,
                              const struct rule_outcome *o, const struct rule_facts *f, int64_t now)
{
    struct buf b;
    buf_init(&b, NOTIFY_TEXT_MAX * 2);
    char subject[120];
    snprintf(subject, sizeof(subject), "%s", t->subject ? t->subject : "");
    if (t->subject && strlen(t->subject) >= sizeof(subject)) {
        size_t k = sizeof(subject) - 4;
        while (k > 0 && ((unsigned char)subject[k] & 0xC0) == 0x80)
            k--;
        memcpy(subject + k, "...", 4);
    }
    buf_addf(&b, "Ticket #%lld \"%s\" needs a lead:", (long long)t->id, subject);
    size_t n = 0;
    for (size_t i = 0; i < o->n_fired; i++) {
        const struct rule *r = &s->v[o->fired[i]];
        if (!has_action(r, RULE_DO_NOTIFY_LEAD))
            continue;
        buf_addf(&b, "%s rule '%s' fired because ", n++ ? ";" : "", r->name);
        for (size_t k = 0; k < r->n_when; k++) {
            if (k)
                buf_adds(&b, k + 1 == r->n_when ? " and " : ", ");
            say_why(&b, &r->when[k], f);
        }
    }
    buf_adds(&b, ".");
    enum terr e = svc_notify(tx, 0, ROLE_LEAD, t->id, "rule", b.data, now);
    buf_release(&b);
    return e;
}

/* True when every condition of r but its waits holds for f. */
static bool all_but_waits_hold(const struct rule *r, const struct rule_facts *f)
{
    struct rule one = {.n_when = 1};
    for (size_t k = 0; k < r->n_when; k++) {
        if (r->when[k].kind == RULE_WHEN_WAITING)
            continue;
        one.when[0] = r->when[k];
        if (!rule_matches(&one, f))
            return false;
    }
    return true;
}

/* Queues a check for when a "waiting > T" rule that may still fire comes
 * true.  Only when its other conditions hold now: those change with an
 * event (a message, a PATCH, an SLA timer), which runs the rules again and
 * queues the check then, so a calm ticket does not schedule a check for a
 * rule about heated ones. */
static enum terr queue_waits(struct store_tx *tx, const struct ticket *t, const struct rule_set *s,
                             const struct rule_facts *f, const struct rule_state *states,
                             size_t n_states, const struct rule_outcome *o, int64_t now)
{
    if (!f->waiting_since)
        return TERR_OK;
    for (size_t i = 0; i < s->n; i++) {
        const struct rule *r = &s->v[i];
        const struct rule_state *st = state_in(o->states, o->n_states, r->name);
        if (!st)
            st = state_in(states, n_states, r->name);
        if (st && st->fired_at > 0 && !st->armed)
            continue; /* it cannot fire again until re-armed */
        if (!all_but_waits_hold(r, f))
            continue;
        for (size_t k = 0; k < r->n_when; k++) {
            if (r->when[k].kind != RULE_WHEN_WAITING)
                continue;
            int64_t at = f->waiting_since + r->when[k].ms + 1;
            if (at > now) {
                enum terr e = svc_workflow_check_at(tx, t->id, at, now);
                if (e)
                    return e;
            }
        }
    }
    return TERR_OK;
}

/* Re-arms a fired rule on survey scores that a newer answer matches. */
static void rearm_for_new_answers(const struct rule_set *s, const struct rule_facts *f,
                                  const struct seen *seen, struct rule_state *states,
                                  size_t n_states, int64_t now, bool *rearmed)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct rule *r = &s->v[i];
        int64_t latest = 0;
        for (size_t k = 0; k < r->n_when; k++)
            if (r->when[k].kind == RULE_WHEN_SURVEY && seen->survey_at[r->when[k].survey] > latest)
                latest = seen->survey_at[r->when[k].survey];
        struct rule_state *st = NULL;
        for (size_t k = 0; k < n_states && !st; k++)
            if (strcmp(states[k].rule, r->name) == 0)
                st = &states[k];
        if (!latest || !st || !st->fired_at || st->armed || latest <= st->fired_at ||
            !rule_matches(r, f))
            continue;
        st->armed = true;
        st->armed_at = now;
        rearmed[i] = true;
    }
}

static json_t *fired_json(const struct rule *r, const struct rule_facts *f,
                          const struct rule_state *st)
{
    json_t *facts = json_object();
    for (size_t k = 0; k < r->n_when; k++)
        add_fact(facts, &r->when[k], f);
    return json_pack("{s:s, s:o, s:o, s:o, s:i}", "rule", r->name, "when", rule_when_json(r),
                     "then", rule_then_json(r), "facts", facts, "times", st ? (int)st->times : 1);
}

enum terr svc_rules_run(struct store_tx *tx, struct ticket *t, int64_t now, bool *changed,
                        struct terr_info *ei)
{
    struct snapshot *snap;
    enum terr e = snapshot_get(tx, &snap);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    const struct rule_set *s = &snap->set;
    if (s->n == 0) {
        snapshot_put(snap);
        return TERR_OK;
    }
    struct rule_facts f;
    struct seen seen;
    struct rule_state *states = NULL;
    size_t n_states = 0;
    struct rule_outcome o = {0};
    bool *survey_rearmed = xcalloc(s->n, sizeof(bool));
    char *before = NULL;
    struct ticket old = {.priority = t->priority, .assignee_id = t->assignee_id};
    e = gather_facts(tx, t, now, &f, &seen);
    if (!e)
        e = store_rule_states_get(tx, t->id, &states, &n_states);
    if (!e) {
        rearm_for_new_answers(s, &f, &seen, states, n_states, now, survey_rearmed);
        rules_evaluate(s, &f, states, n_states, &o);
    }
    /* The audit trail first says why, then what changed. */
    for (size_t i = 0; !e && i < s->n; i++)
        if (survey_rearmed[i])
            e = audit_rule(tx, t, "rule.rearmed",
                           json_pack("{s:s, s:s}", "rule", s->v[i].name, "reason",
                                     "a new survey answer matches it"),
                           now);
    for (size_t i = 0; !e && i < o.n_rearmed; i++)
        e = audit_rule(tx, t, "rule.rearmed",
                       json_pack("{s:s, s:s}", "rule", s->v[o.rearmed[i]].name, "reason",
                                 "its condition no longer holds (rearm auto)"),
                       now);
    for (size_t i = 0; !e && i < o.n_fired; i++) {
        const struct rule *r = &s->v[o.fired[i]];
        e = audit_rule(tx, t, "rule.fired",
                       fired_json(r, &f, state_in(o.states, o.n_states, r->name)), now);
    }
    bool mine = false, notify = false;
    if (o.n_plan)
        before = svc_ticket_audit_json(t);
    for (size_t i = 0; !e && i < o.n_plan; i++) {
        notify |= o.plan[i].action.kind == RULE_DO_NOTIFY_LEAD;
        e = apply_step(tx, t, &o.plan[i], &s->v[o.plan[i].rule], now, &mine);
    }
    if (!e && notify)
        e = notify_leads(tx, t, s, &o, &f, now);
    for (size_t i = 0; !e && i < o.n_states; i++)
        e = store_rule_state_put(tx, t->id, &o.states[i]);
    if (!e)
        e = queue_waits(tx, t, s, &f, states, n_states, &o, now);
    if (!e && mine) {
        char *after = svc_ticket_audit_json(t);
        if (strcmp(before, after) != 0)
            e = svc_audit(tx, &system_actor, "ticket.update", "ticket", t->id, t->id, before, after,
                          now);
        if (!e && (old.priority != t->priority || old.assignee_id != t->assignee_id))
            e = svc_ticket_emit(tx, "ticket.updated", t, before, after, now);
        free(after);
    }
    if (!e && mine)
        *changed = true;
    free(before);
    free(survey_rearmed);
    free(states);
    rule_outcome_release(&o);
    snapshot_put(snap);
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}

/* ---- management ---- */

static json_t *row_json(const struct rule_row *r)
{
    return json_pack("{s:I, s:s, s:i, s:s}", "id", (json_int_t)r->id, "name", r->name, "position",
                     r->position, "spec", r->spec);
}

static enum terr audit_rules(struct store_tx *tx, const struct actor *who, const char *action,
                             int64_t id, json_t *before, json_t *after, int64_t now)
{
    char *b = before ? json_dump_record(before, "an audit record") : NULL;
    char *a = after ? json_dump_record(after, "an audit record") : NULL;
    enum terr e = svc_audit(tx, who, action, "rule", id, 0, b, a, now);
    free(b);
    free(a);
    return e;
}

/* Moves rule id to position (1-based; 0: keeps its place; past the end:
 * last) and numbers every rule 1..n in order. */
static enum terr place(struct store_tx *tx, int64_t id, int position)
{
    struct rule_row *v;
    size_t n;
    enum terr e = store_rule_list(tx, &v, &n);
    if (e)
        return e;
    size_t *order = xcalloc(n ? n : 1, sizeof(*order)), at = n;
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        if (v[i].id == id)
            at = i;
    }
    if (at < n && position > 0) {
        size_t to = (size_t)position - 1 < n ? (size_t)position - 1 : n - 1;
        size_t moved = order[at];
        memmove(&order[at], &order[at + 1], (n - at - 1) * sizeof(*order));
        memmove(&order[to + 1], &order[to], (n - to - 1) * sizeof(*order));
        order[to] = moved;
    }
    for (size_t i = 0; !e && i < n; i++)
        if (v[order[i]].position != (int)i + 1)
            e = store_rule_set_position(tx, v[order[i]].id, (int)i + 1);
    free(order);
    rule_rows_free(v, n);
    return e;
}

/* The row named name, if any, into *out (*found says). */
static enum terr find_named(struct store_tx *tx, const char *name, struct rule_row *out,
                            bool *found, size_t *count)
{
    struct rule_row *v;
    size_t n;
    enum terr e = store_rule_list(tx, &v, &n);
    if (e)
        return e;
    *found = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].name, name) == 0) {
            *out = v[i];
            memset(&v[i], 0, sizeof(v[i]));
            *found = true;
            break;
        }
    }
    if (count)
        *count = n;
    rule_rows_free(v, n);
    return TERR_OK;
}

/* TERR_OK when every assign_agent of r names an agent who exists; otherwise
 * invalid_value naming the action (`field`: "then[i].assign_agent", or the
 * given field when the rule came as text).  A rule that outlives its agent
 * is handled where it fires (apply_step); a new one is refused. */
static enum terr check_agents(struct store_tx *tx, const struct rule *r, const char *field,
                              struct terr_info *ei)
{
    for (size_t i = 0; i < r->n_then; i++) {
        if (r->then[i].kind != RULE_DO_ASSIGN_AGENT)
            continue;
        struct agent ag = {0};
        enum terr e = store_agent_get(tx, r->then[i].agent_id, &ag);
        agent_release(&ag);
        if (e == TERR_NOT_FOUND) {
            char at[48];
            snprintf(at, sizeof(at), "then[%zu].assign_agent", i);
            return terr_set(ei, TERR_INVALID, field ? field : at, "rule '%s': no agent has id %lld",
                            r->name, (long long)r->then[i].agent_id);
        }
        if (e)
            return terr_set(ei, e, NULL, NULL);
    }
    return TERR_OK;
}

/* rule_check, then (when known_agents) check_agents: what every write of a
 * rule asks. */
static enum terr rule_valid(struct store_tx *tx, const struct rule *r, bool known_agents,
                            const char *field, struct terr_info *ei)
{
    enum terr e = rule_check(r, ei);
    if (!e && known_agents)
        e = check_agents(tx, r, field, ei);
    return e;
}

enum terr svc_rule_create(struct store_tx *tx, const struct actor *who, const struct rule *r,
                          int position, struct rule_row *out, struct terr_info *ei)
{
    enum terr e = rule_valid(tx, r, true, NULL, ei);
    if (e)
        return e;
    int64_t now = time_now_ms();
    struct rule_row same = {0};
    bool found;
    size_t count;
    if ((e = find_named(tx, r->name, &same, &found, &count)))
        return terr_set(ei, e, NULL, NULL);
    rule_row_release(&same);
    if (found)
        return terr_set(ei, TERR_CONFLICT, "name", "a rule named '%s' exists", r->name);
    if (count >= RULES_MAX)
        return terr_set(ei, TERR_INVALID, NULL, "a desk has at most %d rules", RULES_MAX);
    struct rule_row row = {.name = xstrdup(r->name),
                           .position = count > INT_MAX - 2 ? INT_MAX : (int)count + 1,
                           .spec = rule_spec(r),
                           .created_at = now,
                           .updated_at = now};
    e = store_rule_insert(tx, &row);
    if (!e && position > 0)
        e = place(tx, row.id, position);
    struct rule_row stored = {0};
    if (!e)
        e = store_rule_get(tx, row.id, &stored);
    if (!e)
        e = audit_rules(tx, who, "rule.create", row.id, NULL, row_json(&stored), now);
    rule_row_release(&row);
    if (e) {
        rule_row_release(&stored);
        return terr_set(ei, e, e == TERR_CONFLICT ? "name" : NULL, NULL);
    }
    if (out)
        *out = stored;
    else
        rule_row_release(&stored);
    return TERR_OK;
}

enum terr svc_rule_update(struct store_tx *tx, const struct actor *who, int64_t id,
                          const struct rule *r, int position, struct rule_row *out,
                          struct terr_info *ei)
{
    enum terr e = rule_valid(tx, r, true, NULL, ei);
    if (e)
        return e;
    int64_t now = time_now_ms();
    struct rule_row cur = {0}, same = {0};
    if ((e = store_rule_get(tx, id, &cur)))
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "rule %lld not found" : NULL,
                        (long long)id);
    bool found;
    e = find_named(tx, r->name, &same, &found, NULL);
    if (!e && found && same.id != id)
        e = terr_set(ei, TERR_CONFLICT, "name", "a rule named '%s' exists", r->name);
    rule_row_release(&same);
    struct rule_row row = {.id = id,
                           .name = xstrdup(r->name),
                           .position = cur.position,
                           .spec = rule_spec(r),
                           .created_at = cur.created_at,
                           .updated_at = now};
    if (!e)
        e = store_rule_update(tx, &row);
    if (!e && strcmp(cur.name, row.name) != 0)
        e = store_rule_states_rename(tx, cur.name, row.name);
    if (!e && position > 0)
        e = place(tx, id, position);
    struct rule_row stored = {0};
    if (!e)
        e = store_rule_get(tx, id, &stored);
    if (!e)
        e = audit_rules(tx, who, "rule.update", id, row_json(&cur), row_json(&stored), now);
    rule_row_release(&row);
    rule_row_release(&cur);
    if (e) {
        rule_row_release(&stored);
        if (ei && ei->code == e && ei->message[0])
            return e;
        return terr_set(ei, e, e == TERR_CONFLICT ? "name" : NULL, NULL);
    }
    if (out)
        *out = stored;
    else
        rule_row_release(&stored);
    return TERR_OK;
}

enum terr svc_rule_delete(struct store_tx *tx, const struct actor *who, int64_t id,
                          struct terr_info *ei)
{
    struct rule_row cur = {0};
    enum terr e = store_rule_get(tx, id, &cur);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "rule %lld not found" : NULL,
                        (long long)id);
    int64_t now = time_now_ms();
    e = store_rule_delete(tx, id);
    if (!e)
        e = place(tx, 0, 0);
    if (!e)
        e = audit_rules(tx, who, "rule.delete", id, row_json(&cur), NULL, now);
    rule_row_release(&cur);
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}

enum terr svc_rule_delete_named(struct store_tx *tx, const struct actor *who, const char *name,
                                struct terr_info *ei)
{
    struct rule_row row = {0};
    bool found;
    enum terr e = find_named(tx, name, &row, &found, NULL);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    if (!found)
        return terr_set(ei, TERR_NOT_FOUND, "rule", "no rule named '%s'", name);
    e = svc_rule_delete(tx, who, row.id, ei);
    rule_row_release(&row);
    return e;
}

static json_t *names_json(const struct rule_row *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i].name));
    return a;
}

/* svc_rules_replace; `known_agents` also refuses an assign_agent to an
 * agent who does not exist (a new desk's seed comes before its agents). */
static enum terr replace_set(struct store_tx *tx, const struct actor *who, const struct rule_set *s,
                             bool known_agents, struct terr_info *ei)
{
    if (s->n > RULES_MAX)
        return terr_set(ei, TERR_INVALID, "rules", "a desk has at most %d rules", RULES_MAX);
    for (size_t i = 0; i < s->n; i++) {
        enum terr e = rule_valid(tx, &s->v[i], known_agents, "rules", ei);
        if (e)
            return e;
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->v[k].name, s->v[i].name) == 0)
                return terr_set(ei, TERR_CONFLICT, "rules", "two rules are named '%s'",
                                s->v[i].name);
    }
    int64_t now = time_now_ms();
    struct rule_row *old;
    size_t n_old;
    enum terr e = store_rule_list(tx, &old, &n_old);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    struct rule_row *v = xcalloc(s->n ? s->n : 1, sizeof(*v));
    for (size_t i = 0; i < s->n; i++)
        v[i] = (struct rule_row){.name = xstrdup(s->v[i].name),
                                 .position = (int)i + 1,
                                 .spec = rule_spec(&s->v[i]),
                                 .created_at = now,
                                 .updated_at = now};
    e = store_rules_replace(tx, v, s->n);
    if (!e)
        e = audit_rules(tx, who, "rules.replace", 0,
                        json_pack("{s:o}", "rules", names_json(old, n_old)),
                        json_pack("{s:o}", "rules", names_json(v, s->n)), now);
    rule_rows_free(v, s->n);
    rule_rows_free(old, n_old);
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}

enum terr svc_rules_replace(struct store_tx *tx, const struct actor *who, const struct rule_set *s,
                            struct terr_info *ei)
{
    return replace_set(tx, who, s, true, ei);
}

enum terr svc_rules_seed(struct store_tx *tx, const struct rule_set *s, bool *out_loaded,
                         struct terr_info *ei)
{
    int64_t version;
    enum terr e = store_rules_version(tx, &version);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    bool load = version == 0 && s->n > 0; /* never written: a new database */
    if (load)
        e = replace_set(tx, &system_actor, s, false, ei);
    if (!e && out_loaded)
        *out_loaded = load;
    return e;
}

enum terr svc_rule_rearm(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                         const char *name, struct rule_state *out, struct terr_info *ei)
{
    struct ticket t = {0};
    enum terr e = store_ticket_get(tx, ticket_id, &t);
    ticket_release(&t);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    struct snapshot *snap;
    if ((e = snapshot_get(tx, &snap)))
        return terr_set(ei, e, NULL, NULL);
    struct rule_state *states = NULL, st;
    size_t n = 0;
    int64_t now = time_now_ms();
    e = store_rule_states_get(tx, ticket_id, &states, &n);
    if (!e)
        e = rules_rearm(&snap->set, name, state_in(states, n, name ? name : ""), now, &st, ei);
    if (!e)
        e = store_rule_state_put(tx, ticket_id, &st);
    if (!e) {
        char *after = json_dump_record(
            json_pack("{s:s, s:b, s:i}", "rule", st.rule, "armed", 1, "times", (int)st.times),
            "an audit record");
        e = svc_audit(tx, who, "rule.rearm", "ticket", ticket_id, ticket_id, NULL, after, now);
        free(after);
    }
    free(states);
    snapshot_put(snap);
    if (e) {
        if (ei && ei->code == e && ei->message[0])
            return e;
        return terr_set(ei, e, NULL, NULL);
    }
    if (out)
        *out = st;
    return TERR_OK;
}
