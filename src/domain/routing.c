/*
 * Routing (routing.h).  routing_choose makes one pass to validate, one to
 * count who passes rules 1-4, then tries the tiers of rule 5 in order and
 * ranks the first non-empty one.  No allocation; each tier is a linear scan,
 * so the cost is O(n * (skills + languages)) per ticket.
 */
#include "routing.h"

#include <stdio.h>
#include <string.h>

#include "../util/alloc.h"

/* clang-format off */
static const char *const outcome_names[] = {
#define X(name, str) str,
    ROUTING_OUTCOME_MAP(X)
#undef X
};
/* clang-format on */

#define N_OUTCOMES (sizeof outcome_names / sizeof outcome_names[0])

const char *routing_outcome_name(enum routing_outcome v)
{
    return (size_t)v < N_OUTCOMES ? outcome_names[v] : "unknown";
}

unsigned routing_level_weight(enum level level)
{
    switch (level) {
    case LEVEL_CALM:
        return ROUTING_WEIGHT_CALM;
    case LEVEL_TENSE:
        return ROUTING_WEIGHT_TENSE;
    case LEVEL_HEATED:
        return ROUTING_WEIGHT_HEATED;
    case LEVEL_HOSTILE:
        return ROUTING_WEIGHT_HOSTILE;
    }
    return ROUTING_WEIGHT_HOSTILE; /* unreachable for a valid level; count it heavy */
}

uint64_t routing_load(const struct routing_agent *a)
{
    uint64_t load = 0;
    for (unsigned l = 0; l < ROUTING_LEVELS; l++)
        load += (uint64_t)a->open_by_level[l] * routing_level_weight((enum level)l);
    return load;
}

bool routing_needs_deescalation(enum level level)
{
    return level == LEVEL_HEATED || level == LEVEL_HOSTILE;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII-case-insensitive equality: other scripts compare byte for byte. */
static bool same_label(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower((unsigned char)*a) != lower((unsigned char)*b))
            return false;
    return *a == *b;
}

/* Primary subtags equal, case-insensitively: "en-GB" ~ "EN" ~ "en_US". */
static bool same_language(const char *a, const char *b)
{
    for (;; a++, b++) {
        bool ea = *a == '\0' || *a == '-' || *a == '_';
        bool eb = *b == '\0' || *b == '-' || *b == '_';
        if (ea || eb)
            return ea && eb;
        if (lower((unsigned char)*a) != lower((unsigned char)*b))
            return false;
    }
}

static bool has_skill(const struct routing_agent *a, const char *skill)
{
    for (size_t i = 0; i < a->n_skills; i++)
        if (a->skills[i] && same_label(a->skills[i], skill))
            return true;
    return false;
}

static bool has_all_skills(const struct routing_agent *a, const struct routing_ticket *t)
{
    for (size_t i = 0; i < t->n_skills; i++)
        if (!has_skill(a, t->skills[i]))
            return false;
    return true;
}

static bool wants_language(const struct routing_ticket *t)
{
    return t->language && t->language[0];
}

static bool speaks(const struct routing_agent *a, const struct routing_ticket *t)
{
    if (!wants_language(t) || a->n_languages == 0)
        return true;
    for (size_t i = 0; i < a->n_languages; i++)
        if (a->languages[i] && same_language(a->languages[i], t->language))
            return true;
    return false;
}

static bool works_channel(const struct routing_agent *a, enum channel c)
{
    if (a->n_channels == 0)
        return true;
    for (size_t i = 0; i < a->n_channels; i++)
        if (a->channels[i] == c)
            return true;
    return false;
}

bool routing_agent_fits(const struct routing_agent *a, const struct routing_ticket *t)
{
    return a->available && works_channel(a, t->channel) &&
           (!routing_needs_deescalation(t->level) || has_skill(a, ROUTING_SKILL_DEESCALATION));
}

_Static_assert(LEVEL_HOSTILE + 1 == ROUTING_LEVELS, "open_by_level[] has one slot per level");

/* clang-format off */
#define ONE(name, str) +1
enum { N_CHANNELS = 0 CHANNEL_MAP(ONE) };
#undef ONE
/* clang-format on */

static enum terr check_ticket(const struct routing_ticket *t, struct terr_info *ei)
{
    if ((unsigned)t->level >= ROUTING_LEVELS)
        return terr_set(ei, TERR_INVALID, "level", "unknown level %d", (int)t->level);
    if ((unsigned)t->channel >= N_CHANNELS)
        return terr_set(ei, TERR_INVALID, "channel", "unknown channel %d", (int)t->channel);
    if (t->n_skills && !t->skills)
        return terr_set(ei, TERR_INVALID, "skills", "%zu required skills but no list", t->n_skills);
    for (size_t i = 0; i < t->n_skills; i++)
        if (!t->skills[i] || !t->skills[i][0])
            return terr_set(ei, TERR_INVALID, "skills", "required skill %zu is empty", i);
    if (t->exclude_id < 0)
        return terr_set(ei, TERR_INVALID, "exclude_id", "negative agent id %lld",
                        (long long)t->exclude_id);
    return TERR_OK;
}

static enum terr check_agents(const struct routing_agent *agents, size_t n, struct terr_info *ei)
{
    if (n && !agents)
        return terr_set(ei, TERR_INVALID, "agents", "%zu agents but no list", n);
    for (size_t i = 0; i < n; i++) {
        const struct routing_agent *a = &agents[i];
        if (a->id <= 0)
            return terr_set(ei, TERR_INVALID, "agents", "agent %zu has id %lld", i,
                            (long long)a->id);
        if ((a->n_skills && !a->skills) || (a->n_languages && !a->languages) ||
            (a->n_channels && !a->channels))
            return terr_set(ei, TERR_INVALID, "agents", "agent %lld has a count without a list",
                            (long long)a->id);
        /* Quadratic, but a desk has tens of agents, not thousands. */
        for (size_t j = 0; j < i; j++)
            if (agents[j].id == a->id)
                return terr_set(ei, TERR_INVALID, "agents", "agent %lld is listed twice",
                                (long long)a->id);
    }
    return TERR_OK;
}

/* Appends s to r->reason, cutting at a character boundary when full. */
static void reason_add(struct routing_result *r, const char *s)
{
    size_t have = strlen(r->reason), room = sizeof r->reason - 1 - have, n = strlen(s);
    if (n > room) {
        n = room;
        /* Step back over continuation bytes so no character is cut in two. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(r->reason + have, s, n);
    r->reason[have + n] = '\0';
}

/* "least loaded agent with de-escalation and billing speaking de", then what
 * was relaxed, then how a tie was broken. */
static void explain(struct routing_result *r, const struct routing_ticket *t, bool deesc,
                    bool skills_met, bool language_met, bool tie_by_time, bool tie_by_id)
{
    r->reason[0] = '\0';
    reason_add(r, "least loaded available agent");
    size_t n_with = (deesc ? 1 : 0) + (skills_met ? t->n_skills : 0), k = 0;
    if (n_with)
        reason_add(r, " with ");
    if (deesc) {
        reason_add(r, ROUTING_SKILL_DEESCALATION);
        k++;
    }
    for (size_t i = 0; skills_met && i < t->n_skills; i++, k++) {
        if (k)
            reason_add(r, k + 1 == n_with ? " and " : ", ");
        reason_add(r, t->skills[i]);
    }
    if (wants_language(t) && language_met) {
        reason_add(r, " speaking ");
        reason_add(r, t->language);
    }
    if (!skills_met) {
        reason_add(r, "; nobody available has every skill (");
        for (size_t i = 0; i < t->n_skills; i++) {
            if (i)
                reason_add(r, ", ");
            reason_add(r, t->skills[i]);
        }
        reason_add(r, ")");
    }
    if (!language_met) {
        reason_add(r, "; nobody available speaks ");
        reason_add(r, t->language);
    }
    if (tie_by_time)
        reason_add(r, "; equal load, least recently assigned");
    else if (tie_by_id)
        reason_add(r, "; equal load and turn, lowest id");
}

/* Whether a may take t (rules 1-4) and belongs to the tier of rule 5. */
static bool in_tier(const struct routing_agent *a, const struct routing_ticket *t, bool need_skills,
                    bool need_language)
{
    return a->id != t->exclude_id && routing_agent_fits(a, t) &&
           (!need_skills || has_all_skills(a, t)) && (!need_language || speaks(a, t));
}

/* The better of two candidates by rule 6: less load, older turn, lower id. */
static bool better(const struct routing_agent *a, uint64_t la, const struct routing_agent *b,
                   uint64_t lb)
{
    if (la != lb)
        return la < lb;
    if (a->last_assigned_at != b->last_assigned_at)
        return a->last_assigned_at < b->last_assigned_at;
    return a->id < b->id;
}

enum terr routing_choose(const struct routing_ticket *t, const struct routing_agent *agents,
                         size_t n, struct routing_result *out, struct terr_info *ei)
{
    enum terr e = check_ticket(t, ei);
    if (e == TERR_OK)
        e = check_agents(agents, n, ei);
    if (e != TERR_OK)
        return e;

    struct routing_result r;
    memset(&r, 0, sizeof r);
    bool deesc = routing_needs_deescalation(t->level);

    /* Rules 1-4 decide who may take it at all. */
    size_t n_present = 0, n_fit = 0;
    for (size_t i = 0; i < n; i++) {
        const struct routing_agent *a = &agents[i];
        if (!a->available || a->id == t->exclude_id || !works_channel(a, t->channel))
            continue;
        n_present++;
        if (routing_agent_fits(a, t))
            n_fit++;
    }
    if (n_present == 0) {
        r.outcome = ROUTING_NO_AGENT_AVAILABLE;
        r.notify_lead = true;
        snprintf(r.reason, sizeof r.reason, "no agent is available for the %s channel",
                 channel_name(t->channel));
        *out = r;
        return TERR_OK;
    }
    if (n_fit == 0) {
        r.outcome = ROUTING_NO_DEESCALATION_AGENT;
        r.notify_lead = true;
        snprintf(r.reason, sizeof r.reason, "no available agent has the %s skill for a %s ticket",
                 ROUTING_SKILL_DEESCALATION, level_name(t->level));
        *out = r;
        return TERR_OK;
    }

    /* Rule 5: the tiers, best first.  Each is (needs skills, needs language). */
    static const bool tiers[4][2] = {{true, true}, {false, true}, {true, false}, {false, false}};
    for (size_t k = 0; k < 4; k++) {
        bool need_skills = tiers[k][0], need_language = tiers[k][1];
        const struct routing_agent *best = NULL;
        uint64_t best_load = 0;
        for (size_t i = 0; i < n; i++) {
            const struct routing_agent *a = &agents[i];
            if (!in_tier(a, t, need_skills, need_language))
                continue;
            uint64_t load = routing_load(a);
            if (!best || better(a, load, best, best_load)) {
                best = a;
                best_load = load;
            }
        }
        if (!best)
            continue;
        /* How the tie, if any, was broken: for the reason only. */
        bool tie_by_time = false, tie_by_id = false;
        for (size_t i = 0; i < n; i++) {
            const struct routing_agent *a = &agents[i];
            if (a == best || !in_tier(a, t, need_skills, need_language) ||
                routing_load(a) != best_load)
                continue;
            if (a->last_assigned_at != best->last_assigned_at)
                tie_by_time = true;
            else
                tie_by_id = true;
        }
        r.outcome = ROUTING_ASSIGNED;
        r.agent_id = best->id;
        r.load = best_load;
        /* A tier that did not ask for the skills may still have found them. */
        bool skills_met = has_all_skills(best, t), language_met = speaks(best, t);
        r.missing_skills = !skills_met;
        r.missing_language = !language_met;
        explain(&r, t, deesc, skills_met, language_met, tie_by_time, tie_by_id && !tie_by_time);
        *out = r;
        return TERR_OK;
    }
    /* The last tier asks nothing more of a fitting agent, and n_fit > 0. */
    BUG("routing found no candidate in its last tier");
}

enum terr routing_check_assign(const struct routing_actor *actor, int64_t current_id,
                               enum level level, const struct routing_agent *to,
                               struct terr_info *ei)
{
    bool lead = actor->role == ROLE_LEAD || actor->role == ROLE_ADMIN;
    if (!lead && current_id != 0 && current_id != actor->id)
        return terr_set(ei, TERR_FORBIDDEN, "assignee_id",
                        "an agent cannot reassign agent %lld's ticket", (long long)current_id);
    if (!to)
        return TERR_OK; /* a lead, or an agent with their own (or no) ticket */
    if (!to->available)
        return terr_set(ei, TERR_CONFLICT, "assignee_id", "agent %lld is away", (long long)to->id);
    if (!lead && routing_needs_deescalation(level) && !has_skill(to, ROUTING_SKILL_DEESCALATION))
        return terr_set(ei, TERR_INVALID, "assignee_id",
                        "a %s ticket goes only to an agent with the '%s' skill", level_name(level),
                        ROUTING_SKILL_DEESCALATION);
    return TERR_OK;
}
