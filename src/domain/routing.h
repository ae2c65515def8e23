/*
 * Routing: who gets a new or re-routed ticket, and who may move a ticket to
 * whom.  Pure functions over plain structs the caller fills from the store;
 * nothing here allocates, and every input is borrowed for the call only.
 *
 * The choice, in this order (the first rule that leaves nobody ends it):
 *   1. Only available agents; an agent away gets nothing new.  None left:
 *      no assignee, ROUTING_NO_AGENT_AVAILABLE.
 *   2. The agent named in exclude_id (the one a ticket is taken from) is left
 *      out.
 *   3. An agent with a non-empty channel list takes only those channels.
 *   4. Heated and hostile tickets only to agents with the "de-escalation"
 *      skill.  None left: no assignee, ROUTING_NO_DEESCALATION_AGENT; never
 *      relaxed, because a hostile customer met by an untrained agent is the
 *      conflict this desk exists to prevent.  The service notifies the lead.
 *   5. Required skills and language are wishes with a fallback order: first
 *      agents with every required skill who speak the language; failing that,
 *      agents who speak the language (a reply the customer can read matters
 *      more than a specialist); failing that, agents with every skill; failing
 *      that, any agent left.  A fallback sets missing_skills/missing_language
 *      and says so in the reason.
 *   6. Among those, the least load (routing_load), then the least recent last
 *      assignment (0, never assigned, is the least recent: round-robin), then
 *      the lowest id.  Deterministic: the same input gives the same choice.
 *
 * Skills compare ASCII-case-insensitively ("Billing" is "billing").  A
 * language is a BCP 47 tag; two tags match when their primary subtags do,
 * case-insensitively ("en-GB" matches "en").  An agent whose language list is
 * empty is taken to speak every language (the desk has not recorded any).
 */
#ifndef TRUCE_ROUTING_H
#define TRUCE_ROUTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "model.h"

#define ROUTING_SKILL_DEESCALATION "de-escalation"

/* Number of levels, for open_by_level[] below. */
#define ROUTING_LEVELS 4

/* Load weight of one open ticket at each level: calm 1, tense 2, heated 3,
 * hostile 5.  A hostile case takes more than twice a tense one's attention
 * (reading carefully, involving the lead, follow-up), hence 5, not 4. */
#define ROUTING_WEIGHT_CALM    1
#define ROUTING_WEIGHT_TENSE   2
#define ROUTING_WEIGHT_HEATED  3
#define ROUTING_WEIGHT_HOSTILE 5

/* The ticket to place.  Strings are borrowed. */
struct routing_ticket {
    enum level level;
    enum channel channel;
    const char *const *skills; /* required skills, e.g. "billing"; may be NULL when n_skills 0 */
    size_t n_skills;
    const char *language; /* BCP 47 tag of the customer's language; NULL or "" for any */
    int64_t exclude_id;   /* agent who must not get it (re-routing away from them); 0 for none */
};

/* One candidate, as the store knows them now.  Strings are borrowed. */
struct routing_agent {
    int64_t id;     /* > 0 */
    enum role role; /* not weighed: pass only the people who take new tickets */
    bool available; /* false: away, gets nothing new */
    const char *const *skills;
    size_t n_skills;
    const char *const *languages; /* BCP 47 tags; empty: any language */
    size_t n_languages;
    const enum channel *channels; /* channels the agent works; empty: all */
    size_t n_channels;
    uint32_t open_by_level[ROUTING_LEVELS]; /* open tickets at each level, indexed by enum level */
    int64_t last_assigned_at;               /* ms since the epoch; 0: never assigned */
};

/* clang-format off */
#define ROUTING_OUTCOME_MAP(X)                                  \
    X(ASSIGNED, "assigned")                                     \
    X(NO_AGENT_AVAILABLE, "no_agent_available")                 \
    X(NO_DEESCALATION_AGENT, "no_deescalation_agent")
/* clang-format on */

enum routing_outcome {
#define X(name, str) ROUTING_##name,
    ROUTING_OUTCOME_MAP(X)
#undef X
};

/* Static wire name of an outcome ("assigned", ...). */
const char *routing_outcome_name(enum routing_outcome v);

struct routing_result {
    enum routing_outcome outcome;
    int64_t agent_id;      /* the assignee; 0 when outcome is not ROUTING_ASSIGNED */
    uint64_t load;         /* the assignee's load before this ticket */
    bool notify_lead;      /* nobody could take it: a lead must act */
    bool missing_skills;   /* assigned by fallback without every required skill */
    bool missing_language; /* assigned by fallback to an agent not speaking the language */
    char reason[256];      /* e.g. "least loaded agent with de-escalation and billing"; UTF-8 */
};

/* The weight of one open ticket at `level` (ROUTING_WEIGHT_*). */
unsigned routing_level_weight(enum level level);

/* An agent's load: open tickets weighted by level.  Cannot overflow (at most
 * 4 * 2^32 * 5). */
uint64_t routing_load(const struct routing_agent *a);

/* True when a ticket at this level may go only to de-escalation agents
 * (heated and hostile). */
bool routing_needs_deescalation(enum level level);

/* True when agent a may keep or take ticket t under rules 1, 3 and 4 (available,
 * works the channel, de-escalation when needed).  The service asks this when a
 * ticket's level rises or its assignee goes away, to decide whether to re-route. */
bool routing_agent_fits(const struct routing_agent *a, const struct routing_ticket *t);

/* Chooses the assignee of t among agents[0..n) by the rules above and fills
 * *out.  Finding nobody is not an error: TERR_OK with outcome saying why.
 * TERR_INVALID (field named) for bad input: an id <= 0, two agents with one
 * id, an unknown level or channel, a NULL list with a count; *out untouched. */
enum terr routing_choose(const struct routing_ticket *t, const struct routing_agent *agents,
                         size_t n, struct routing_result *out, struct terr_info *ei);

/* Who is acting on the ticket. */
struct routing_actor {
    enum role role;
    int64_t id;
};

/* May `actor` move a ticket assigned to current_id (0: unassigned) at `level`
 * to agent `to` (NULL: unassign)?
 *   - a lead or admin: yes, to any available agent (rules 3-5 do not bind a lead);
 *   - an agent: only a ticket that is unassigned or their own (TERR_FORBIDDEN
 *     otherwise), only to an available agent, and a heated or hostile ticket
 *     only to an agent with the de-escalation skill (TERR_INVALID, "assignee_id").
 * The target away is TERR_CONFLICT ("assignee_id").  Unassigning is moving to
 * nobody: allowed to a lead, and to an agent for their own ticket.  TERR_OK when
 * allowed; the message names what was refused. */
enum terr routing_check_assign(const struct routing_actor *actor, int64_t current_id,
                               enum level level, const struct routing_agent *to,
                               struct terr_info *ei);

#endif
