/*
 * Routing wired to the store (assign.h).  One pass reads every agent and
 * their loads (two queries, tens of rows), and, only when it must decide
 * whether a holder keeps a ticket or whether "ticket.unrouted" is news, the
 * ticket's audit trail, newest first.
 */
#include "assign.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/alloc.h"
#include "../util/jsontext.h"

static const struct actor system_actor = {.kind = ACTOR_SYSTEM};

void svc_routing_agent(const struct agent *a, const struct agent_load *loads, size_t n_loads,
                       enum channel *chan, struct routing_agent *r)
{
    memset(r, 0, sizeof(*r));
    r->id = a->id;
    r->role = a->role;
    r->available = !a->away;
    /* Adding const through a cast: the lists are only read. */
    r->skills = (const char *const *)a->skills.v;
    r->n_skills = a->skills.n;
    r->languages = (const char *const *)a->languages.v;
    r->n_languages = a->languages.n;
    size_t n = 0;
    for (size_t i = 0; i < a->channels.n; i++)
        if (channel_parse(a->channels.v[i], &chan[n]))
            n++; /* a name this build does not know works nothing */
    r->channels = n ? chan : NULL;
    r->n_channels = n;
    for (size_t i = 0; loads && i < n_loads; i++)
        if (loads[i].agent_id == a->id)
            memcpy(r->open_by_level, loads[i].open_by_level, sizeof(r->open_by_level));
    r->last_assigned_at = a->last_assigned_at;
}

/* Every agent, their routing view and their loads, read once per pass. */
struct pool {
    struct agent *agents;
    size_t n_agents;
    struct agent_load *loads;
    size_t n_loads;
    enum channel *chans;       /* one block, sliced per agent */
    struct routing_agent *all; /* views of every agent, in agents[] order */
};

static void pool_release(struct pool *p)
{
    agents_free(p->agents, p->n_agents);
    free(p->loads);
    free(p->chans);
    free(p->all);
    memset(p, 0, sizeof(*p));
}

static enum terr pool_read(struct store_tx *tx, struct pool *p)
{
    memset(p, 0, sizeof(*p));
    enum terr e = store_agent_list(tx, &p->agents, &p->n_agents);
    if (!e)
        e = store_agent_loads(tx, &p->loads, &p->n_loads);
    if (e) {
        pool_release(p);
        return e;
    }
    size_t n_chans = 0;
    for (size_t i = 0; i < p->n_agents; i++)
        n_chans += p->agents[i].channels.n;
    p->chans = xcalloc(n_chans ? n_chans : 1, sizeof(*p->chans));
    p->all = xcalloc(p->n_agents ? p->n_agents : 1, sizeof(*p->all));
    for (size_t i = 0, off = 0; i < p->n_agents; i++) {
        svc_routing_agent(&p->agents[i], p->loads, p->n_loads, p->chans + off, &p->all[i]);
        off += p->agents[i].channels.n;
    }
    return TERR_OK;
}

static const struct routing_agent *pool_find(const struct pool *p, int64_t id)
{
    for (size_t i = 0; i < p->n_agents; i++)
        if (p->all[i].id == id)
            return &p->all[i];
    return NULL;
}

static bool takes_tickets(enum role r)
{
    return r == ROLE_AGENT || r == ROLE_LEAD;
}

static bool has_label(const struct strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->v[i], s) == 0)
            return true;
    return false;
}

/* What the ticket's audit trail says about its assignment (newest first). */
struct trail {
    bool has_assign;       /* found the event that made the current assignment */
    int64_t assign_to;     /* its assignee (0: it cleared the assignee) */
    int64_t assign_from;   /* the assignee before it */
    bool assign_by_person; /* a "ticket.update" (a person), not routing */
    enum level assign_level;
    bool unrouted_last; /* the newest of assignments and "ticket.unrouted" is the latter */
    char unrouted_outcome[32];
    enum level unrouted_level;
};

static int64_t json_id(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static enum level json_level(const json_t *o, enum level dflt)
{
    enum level l = dflt;
    const char *s = json_string_value(json_object_get(o, "level"));
    if (s)
        level_parse(s, &l);
    return l;
}

static enum terr trail_read(struct store_tx *tx, int64_t ticket_id, struct trail *out)
{
    struct event *ev;
    size_t n;
    memset(out, 0, sizeof(*out));
    enum terr e = store_event_list(tx, ticket_id, &ev, &n);
    if (e)
        return e;
    bool marker = false;
    for (size_t k = n; k-- > 0 && !out->has_assign;) {
        const struct event *x = &ev[k];
        bool routed = strcmp(x->action, "ticket.routed") == 0;
        bool unrouted = strcmp(x->action, "ticket.unrouted") == 0;
        bool update = strcmp(x->action, "ticket.update") == 0;
        if (!routed && !unrouted && !update)
            continue;
        json_t *before = x->before_json ? json_loads(x->before_json, 0, NULL) : NULL;
        json_t *after = x->after_json ? json_loads(x->after_json, 0, NULL) : NULL;
        int64_t from = json_id(before, "assignee_id"), to = json_id(after, "assignee_id");
        if (unrouted && !marker) {
            marker = true;
            out->unrouted_last = true;
            const char *o = json_string_value(json_object_get(after, "outcome"));
            snprintf(out->unrouted_outcome, sizeof(out->unrouted_outcome), "%s", o ? o : "");
            out->unrouted_level = json_level(after, LEVEL_CALM);
        } else if (routed || (update && from != to)) {
            marker = true;
            out->has_assign = true;
            out->assign_to = to;
            out->assign_from = from;
            out->assign_by_person = update;
            out->assign_level = json_level(after, LEVEL_CALM);
        }
        json_decref(before);
        json_decref(after);
    }
    events_free(ev, n);
    return TERR_OK;
}

/* The category as a wished skill when some candidate has a skill by that name. */
static const char *wished_skill(const struct ticket *t, const struct pool *p)
{
    if (!t->category || !t->category[0])
        return NULL;
    for (size_t i = 0; i < p->n_agents; i++)
        if (takes_tickets(p->agents[i].role) && has_label(&p->agents[i].skills, t->category))
            return t->category;
    return NULL;
}

/* Chooses among the candidates (the team's members when team_only). */
static enum terr choose(const struct pool *p, const struct routing_ticket *rt, const char *team,
                        struct routing_result *out, struct terr_info *ei)
{
    struct routing_agent *c = xcalloc(p->n_agents ? p->n_agents : 1, sizeof(*c));
    size_t n = 0;
    for (size_t i = 0; i < p->n_agents; i++)
        if (takes_tickets(p->agents[i].role) && (!team || has_label(&p->agents[i].teams, team)))
            c[n++] = p->all[i];
    enum terr e = routing_choose(rt, c, n, out, ei);
    free(c);
    return e;
}

static enum terr audit_routed(struct store_tx *tx, const struct ticket *t, int64_t from,
                              const struct routing_result *r, int64_t now)
{
    json_t *after =
        json_pack("{s:I, s:o, s:I, s:s, s:s}", "assignee_id", (json_int_t)r->agent_id, "reason",
                  json_text(r->reason), "load", (json_int_t)r->load, "outcome",
                  routing_outcome_name(r->outcome), "level", level_name(t->level));
    json_t *before = json_pack("{s:o}", "assignee_id", from ? json_integer(from) : json_null());
    if (!after || !before)
        BUG("cannot encode the routing of ticket %lld", (long long)t->id);
    char *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    char *b = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    json_decref(before);
    enum terr e = svc_audit(tx, &system_actor, "ticket.routed", "ticket", t->id, t->id, b, a, now);
    free(a);
    free(b);
    return e;
}

static enum terr audit_unrouted(struct store_tx *tx, const struct ticket *t,
                                const struct routing_result *r, int64_t now)
{
    json_t *after =
        json_pack("{s:s, s:o, s:s, s:o}", "outcome", routing_outcome_name(r->outcome), "reason",
                  json_text(r->reason), "level", level_name(t->level), "assignee_id",
                  t->assignee_id ? json_integer(t->assignee_id) : json_null());
    if (!after)
        BUG("cannot encode the routing of ticket %lld", (long long)t->id);
    char *a = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    enum terr e =
        svc_audit(tx, &system_actor, "ticket.unrouted", "ticket", t->id, t->id, NULL, a, now);
    free(a);
    return e;
}

/* Puts the team fallback before the reason, cutting on a character boundary. */
static void reason_prefix(struct routing_result *r, const char *team)
{
    char buf[sizeof(r->reason)];
    int w = snprintf(buf, sizeof(buf), "no member of team '%s' could take it; %s", team, r->reason);
    if (w >= (int)sizeof(buf)) {
        size_t n = sizeof(buf) - 1;
        while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
            n--;
        buf[n] = '\0';
    }
    memcpy(r->reason, buf, sizeof(buf));
}

enum terr svc_routing_route(struct store_tx *tx, struct ticket *t, int64_t now, bool *changed,
                            struct routing_run_out *out, struct terr_info *ei)
{
    struct routing_run_out res;
    memset(&res, 0, sizeof(res));
    if (out)
        *out = res;
    if (t->status == STATUS_RESOLVED || t->status == STATUS_CLOSED)
        return TERR_OK;
    /* The common case, a held ticket below heated, costs no read. */
    if (t->assignee_id && !routing_needs_deescalation(t->level))
        return TERR_OK;
    struct pool p;
    enum terr e = pool_read(tx, &p);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    struct trail tr = {0};
    int64_t exclude = 0;
    if (t->assignee_id) {
        const struct routing_agent *h = pool_find(&p, t->assignee_id);
        if (!h) {
            pool_release(&p);
            return TERR_OK;
        }
        /* Only the skill matters here: away or off-channel holders keep it. */
        struct routing_agent skill_only = *h;
        skill_only.available = true;
        skill_only.n_channels = 0;
        struct routing_ticket probe = {.level = t->level, .channel = t->channel};
        if (routing_agent_fits(&skill_only, &probe)) {
            pool_release(&p);
            return TERR_OK;
        }
        e = trail_read(tx, t->id, &tr);
        /* Unknown placement, or given to them already heated: someone chose it. */
        if (e || !tr.has_assign || tr.assign_to != t->assignee_id ||
            routing_needs_deescalation(tr.assign_level)) {
            pool_release(&p);
            return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
        }
        exclude = t->assignee_id;
    } else {
        e = trail_read(tx, t->id, &tr);
        if (e) {
            pool_release(&p);
            return terr_set(ei, e, NULL, NULL);
        }
        if (tr.has_assign && tr.assign_by_person && tr.assign_to == 0)
            exclude = tr.assign_from;
    }

    const char *skill = wished_skill(t, &p);
    struct routing_ticket rt = {
        .level = t->level,
        .channel = t->channel,
        .skills = skill ? &skill : NULL,
        .n_skills = skill ? 1 : 0,
        .language = t->language,
        .exclude_id = exclude,
    };
    struct routing_result r;
    bool by_team = t->team && t->team[0];
    e = choose(&p, &rt, by_team ? t->team : NULL, &r, ei);
    if (!e && by_team && r.outcome != ROUTING_ASSIGNED) {
        e = choose(&p, &rt, NULL, &r, ei);
        if (!e)
            reason_prefix(&r, t->team);
    }
    pool_release(&p);
    if (e)
        return e;
    res.routed = true;
    if (r.outcome == ROUTING_ASSIGNED) {
        int64_t from = t->assignee_id;
        e = store_agent_set_assigned(tx, r.agent_id, now);
        if (!e)
            e = audit_routed(tx, t, from, &r, now);
        if (e)
            return terr_set(ei, e, NULL, NULL);
        t->assignee_id = r.agent_id;
        *changed = true;
    } else {
        /* The holder (if any) keeps it; announce once per situation. */
        bool news = !tr.unrouted_last || t->level > tr.unrouted_level ||
                    strcmp(tr.unrouted_outcome, routing_outcome_name(r.outcome)) != 0;
        if (news && (e = audit_unrouted(tx, t, &r, now)))
            return terr_set(ei, e, NULL, NULL);
        res.notify_lead = news;
    }
    res.result = r;
    if (out)
        *out = res;
    return TERR_OK;
}

enum terr svc_routing_waiting(struct store_tx *tx, int64_t now, int64_t *n_out,
                              struct terr_info *ei)
{
    static const enum ticket_status open_states[] = {STATUS_NEW, STATUS_OPEN, STATUS_PENDING};
    int64_t n_routed = 0;
    enum terr e = TERR_OK;
    for (size_t k = 0; k < sizeof(open_states) / sizeof(open_states[0]) && !e; k++) {
        struct ticket_query q = {.has_status = true,
                                 .status = open_states[k],
                                 .assignee_id = -1,
                                 .sort = SORT_RISK,
                                 .limit = ROUTING_WAITING_MAX};
        struct ticket *v;
        size_t n;
        if ((e = store_ticket_list(tx, &q, &v, &n)))
            break;
        for (size_t i = 0; i < n && !e; i++) {
            bool changed = false;
            e = svc_routing_route(tx, &v[i], now, &changed, NULL, ei);
            if (!e && changed) {
                v[i].updated_at = v[i].updated_at > now ? v[i].updated_at : now;
                e = store_ticket_update(tx, &v[i]);
                n_routed++;
            }
        }
        tickets_free(v, n);
    }
    if (e)
        return terr_set(ei, e, NULL, NULL);
    if (n_out)
        *n_out = n_routed;
    return TERR_OK;
}

enum terr svc_routing_check_assign(struct store_tx *tx, const struct actor *who,
                                   const struct ticket *t, int64_t to_id, struct terr_info *ei)
{
    struct routing_actor actor = {.role = ROLE_LEAD, .id = 0};
    if (who->kind == ACTOR_AGENT) {
        actor.role = who->role;
        actor.id = who->id;
    }
    struct agent a = {0};
    struct routing_agent to;
    enum channel chan[8]; /* unused: channels do not bind a manual move */
    if (to_id) {
        enum terr e = store_agent_get(tx, to_id, &a);
        if (e == TERR_NOT_FOUND)
            return terr_set(ei, TERR_INVALID, "assignee", "no agent has id %lld", (long long)to_id);
        if (e)
            return terr_set(ei, e, NULL, NULL);
        /* Channels play no part in routing_check_assign: leave them out. */
        struct strlist keep = a.channels;
        a.channels = (struct strlist){0};
        svc_routing_agent(&a, NULL, 0, chan, &to);
        a.channels = keep;
    }
    enum terr e = routing_check_assign(&actor, t->assignee_id, t->level, to_id ? &to : NULL, ei);
    agent_release(&a);
    if (e && ei)
        snprintf(ei->field, sizeof(ei->field), "assignee");
    return e;
}
