/*
 * Escalation rules: WHEN every condition holds, THEN apply the actions.
 *
 * A rule has a unique name, 1..RULE_CONDS_MAX conditions (all must hold) and
 * 1..RULE_ACTIONS_MAX actions.  Conditions: a trigger kind is present, the
 * level is at least X, the customer has waited longer than T, an SLA target
 * is breached (one metric or any), the latest survey score of a kind is at
 * most N.  Actions: assign to a team or an agent, raise the priority, notify
 * the lead, add a tag, place a legal hold.
 *
 * A rule set comes from a data file (rules_parse; data/rules/default.txt) or
 * is built from structs (rule_set_add, which the API uses), with the same
 * checks.  rules_evaluate() is a pure function of the set, a ticket's facts
 * and the ticket's record of which rules already fired.
 *
 * Firing.  Rules are evaluated in set order.  A rule fires at most once per
 * ticket until it is re-armed.  Re-arming is either explicit (rules_rearm: a
 * lead asks for it) or, for a rule with "rearm auto", automatic: the rule is
 * re-armed when an evaluation sees its condition false after it fired, so it
 * fires again when the condition becomes true again (a customer who waited
 * too long, got a reply, and waits too long again).  A condition that stays
 * true across two occurrences (two low surveys in a row) fires once; the
 * service re-arms explicitly when a new occurrence starts if it wants both.
 *
 * The plan.  The actions of the rules that fire are merged into one plan, in
 * order of first appearance (set order, then action order):
 *   - set_priority: only the highest asked for, and only if it is above the
 *     ticket's priority (escalation raises, it never lowers);
 *   - assign_team / assign_agent: the first rule's assignment wins;
 *   - notify_lead, legal_hold: once;
 *   - add_tag: each tag once.
 * Every firing is reported (with the rule's own actions) for the audit trail.
 *
 * Data file format (UTF-8, one statement per line, blanks between words):
 *
 *     # a comment: '#' at the start of a line or of a word, to the line's end
 *     rule legal-threat              starts a rule: a name of letters, digits,
 *                                    '-', '_', ':' or '.', unique in the file
 *       when trigger legal_threat    churn_threat, legal_threat, public_threat,
 *                                    escalation_request, repeat_contact, shouting,
 *                                    profanity, abuse, urgency, safety
 *       when level >= heated         calm, tense, heated, hostile
 *       when waiting > 4h            a duration: <n>ms, <n>s, <n>m, <n>h, <n>d or a
 *                                    sequence of them ("1h30m"); at most 365d
 *       when sla_breached first_response   first_response, next_response,
 *                                    resolution, or any
 *       when csat <= 2               csat 1..5, nps 0..10, ces 1..7 (low is bad)
 *       then assign_team legal       a team name (a label, as tags)
 *       then assign_agent 12         an agent id
 *       then set_priority urgent     low, normal, high, urgent
 *       then notify_lead
 *       then add_tag legal           a tag
 *       then legal_hold
 *       rearm auto                   optional: auto or manual (the default)
 *
 * Indentation is free; the statements of a rule follow its "rule" line.
 * Errors name the line: "data/rules/default.txt:12: unknown trigger kind
 * 'legl'".  A rule with no condition or no action, a duplicate name, a second
 * priority or assignment in one rule, a repeated tag, notify_lead or
 * legal_hold in one rule, a negative or too long duration and a score out of
 * its survey's range are errors.
 *
 * Pure: no I/O, no clock.  Times are int64 ms since the epoch.
 */
#ifndef TRUCE_RULES_H
#define TRUCE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/err.h"
#include "model.h"
#include "sla.h"
#include "ticket_rules.h"

/* clang-format off */
/* The analysis's trigger kinds, by the same names and in the same order
 * (tests/unit/domain/test_rules.c holds them together). */
#define RULE_TRIGGER_MAP(X) X(CHURN_THREAT, "churn_threat") X(LEGAL_THREAT, "legal_threat") \
    X(PUBLIC_THREAT, "public_threat") X(ESCALATION_REQUEST, "escalation_request")            \
    X(REPEAT_CONTACT, "repeat_contact") X(SHOUTING, "shouting") X(PROFANITY, "profanity")    \
    X(ABUSE, "abuse") X(URGENCY, "urgency") X(SAFETY, "safety")
/* SLA metrics: the SLA policy's own (sla.h), so bit (1u << m) means one
 * metric in both. */
#define RULE_SLA_MAP(X) SLA_METRIC_MAP(X)
/* Survey kinds with their score ranges; a low score is a bad one in each. */
#define SURVEY_MAP(X) X(CSAT, "csat", 1, 5) X(NPS, "nps", 0, 10) X(CES, "ces", 1, 7)
#define RULE_COND_MAP(X) X(TRIGGER, "trigger") X(LEVEL, "level") X(WAITING, "waiting") \
    X(SLA_BREACHED, "sla_breached") X(SURVEY, "survey")
#define RULE_ACTION_MAP(X) X(ASSIGN_TEAM, "assign_team") X(ASSIGN_AGENT, "assign_agent") \
    X(SET_PRIORITY, "set_priority") X(NOTIFY_LEAD, "notify_lead") X(ADD_TAG, "add_tag")   \
    X(LEGAL_HOLD, "legal_hold")
#define RULE_REARM_MAP(X) X(MANUAL, "manual") X(AUTO, "auto")
/* clang-format on */

enum rule_trigger {
#define X(name, str) RULE_TRIGGER_##name,
    RULE_TRIGGER_MAP(X)
#undef X
        N_RULE_TRIGGERS
};
enum rule_sla {
#define X(name, str) RULE_SLA_##name,
    RULE_SLA_MAP(X)
#undef X
        N_RULE_SLAS,
    RULE_SLA_ANY = N_RULE_SLAS /* a condition on any metric; wire name "any" */
};
enum survey_kind {
#define X(name, str, lo, hi) SURVEY_##name,
    SURVEY_MAP(X)
#undef X
        N_SURVEYS
};
enum rule_cond_kind {
#define X(name, str) RULE_WHEN_##name,
    RULE_COND_MAP(X)
#undef X
        N_RULE_CONDS
};
enum rule_action_kind {
#define X(name, str) RULE_DO_##name,
    RULE_ACTION_MAP(X)
#undef X
        N_RULE_ACTIONS
};
enum rule_rearm {
#define X(name, str) RULE_REARM_##name,
    RULE_REARM_MAP(X)
#undef X
};

/* Wire names (static strings; "unknown" out of range) and parsers (false and
 * *out untouched for a name they do not know). */
const char *rule_trigger_name(enum rule_trigger v);
bool rule_trigger_parse(const char *s, enum rule_trigger *out);
const char *rule_sla_name(enum rule_sla v); /* RULE_SLA_ANY: "any" */
bool rule_sla_parse(const char *s, enum rule_sla *out);
const char *survey_name(enum survey_kind v);
bool survey_parse(const char *s, enum survey_kind *out);
int survey_min(enum survey_kind v);
int survey_max(enum survey_kind v);
const char *rule_cond_name(enum rule_cond_kind v);
bool rule_cond_parse(const char *s, enum rule_cond_kind *out);
const char *rule_action_name(enum rule_action_kind v);
bool rule_action_parse(const char *s, enum rule_action_kind *out);
const char *rule_rearm_name(enum rule_rearm v);
bool rule_rearm_parse(const char *s, enum rule_rearm *out);

#define RULE_NAME_MAX    64                         /* bytes */
#define RULE_TEAM_MAX    LIMIT_TAG                  /* bytes */
#define RULE_CONDS_MAX   8                          /* per rule */
#define RULE_ACTIONS_MAX 8                          /* per rule */
#define RULES_MAX        256                        /* per set */
#define RULE_WAIT_MAX_MS (365LL * 24 * 3600 * 1000) /* longest "waiting >" */
#define RULES_TEXT_MAX   (1024 * 1024)              /* bytes of a rules file */
#define RULES_LINE_MAX   1024                       /* bytes of one line */

/* One condition; only the fields of its kind are read. */
struct rule_cond {
    enum rule_cond_kind kind;
    enum rule_trigger trigger; /* TRIGGER: this kind is present */
    enum level level;          /* LEVEL: the ticket's level >= this */
    int64_t ms;                /* WAITING: the customer has waited more than ms (>= 0) */
    enum rule_sla sla;         /* SLA_BREACHED: this metric, or RULE_SLA_ANY */
    enum survey_kind survey;   /* SURVEY: the latest score of this kind ... */
    int score;                 /* ... is <= score (within the kind's range) */
};

/* One action; only the fields of its kind are read. */
struct rule_action {
    enum rule_action_kind kind;
    char team[RULE_TEAM_MAX + 1]; /* ASSIGN_TEAM: a label */
    int64_t agent_id;             /* ASSIGN_AGENT: > 0 */
    enum priority priority;       /* SET_PRIORITY */
    char tag[LIMIT_TAG + 1];      /* ADD_TAG: a label */
};

struct rule {
    char name[RULE_NAME_MAX + 1]; /* a label, unique in its set */
    enum rule_rearm rearm;
    struct rule_cond when[RULE_CONDS_MAX];
    size_t n_when;
    struct rule_action then[RULE_ACTIONS_MAX];
    size_t n_then;
    unsigned line; /* the line of its "rule" statement; 0 when built from structs */
};

/* The rules in evaluation order.  Owns v; rule_set_release() frees it. */
struct rule_set {
    struct rule *v;
    size_t n;
};

void rule_set_init(struct rule_set *s);
/* Frees the rules and leaves s empty.  Accepts NULL. */
void rule_set_release(struct rule_set *s);

/* Checks r as the API would build it: TERR_INVALID (or TERR_TOO_LONG) with
 * the field ("name", "when", "when[1].score", "then[0].tag", "rearm", ...)
 * and a message.  The same checks as the file parser's. */
enum terr rule_check(const struct rule *r, struct terr_info *ei);

/* Checks r and appends a copy to s.  TERR_CONFLICT (field "name") when s has a
 * rule of that name, TERR_TOO_LARGE past RULES_MAX.  On error s is unchanged. */
enum terr rule_set_add(struct rule_set *s, const struct rule *r, struct terr_info *ei);

/* The rule named name in s, or NULL.  Borrowed from s. */
const struct rule *rule_set_find(const struct rule_set *s, const char *name);

/* Removes the rule named name, keeping the others' order; false when none. */
bool rule_set_remove(struct rule_set *s, const char *name);

/* Parses text[0..len) (the file format above) into out, which must be an
 * initialised, empty set.  origin names the text in messages (a path:
 * "data/rules/default.txt").  TERR_INVALID with "origin:line: what" in ei and
 * field "rules"; TERR_BAD_UTF8 for invalid UTF-8 or a NUL byte; TERR_TOO_LARGE
 * past RULES_TEXT_MAX.  On error out is left empty. */
enum terr rules_parse(const char *text, size_t len, const char *origin, struct rule_set *out,
                      struct terr_info *ei);

/* Appends s to out in the file format; rules_parse() reads it back to the
 * same rules (lines aside).  TERR_TOO_LARGE when out's cap is reached. */
enum terr rules_format(const struct rule_set *s, struct buf *out);

/* Durations as written in the file: "1h30m", "45s", "0s".  Parse: false for
 * anything else, a negative value or one over RULE_WAIT_MAX_MS. */
bool rule_duration_parse(const char *s, int64_t *out_ms);
/* Writes ms (>= 0) to out (cap bytes, 32 is plenty), in the largest exact units. */
void rule_duration_format(int64_t ms, char *out, size_t cap);

/* A ticket's facts, as the service gathers them when something happens.  A
 * zeroed struct is a calm, low-priority ticket where nothing is present.
 * "Present" triggers are best those of the latest customer message: a calmer
 * message then clears them, which is what lets a "rearm auto" rule re-arm. */
struct rule_facts {
    int64_t now;
    uint32_t triggers; /* bit (1u << RULE_TRIGGER_x) for each trigger kind present */
    enum level level;
    enum priority priority;
    int64_t waiting_since; /* the customer has waited for a reply since; 0: not waiting */
    uint32_t sla_breached; /* bit (1u << RULE_SLA_x) for each breached metric */
    struct {
        bool answered;
        int score;
    } survey[N_SURVEYS]; /* the latest answer of each kind */
};

/* True when every condition of r holds for f. */
bool rule_matches(const struct rule *r, const struct rule_facts *f);

/* What a ticket remembers of one rule.  No record: the rule never fired. */
struct rule_state {
    char rule[RULE_NAME_MAX + 1];
    int64_t fired_at; /* the last firing; 0: never fired */
    uint32_t times;   /* how often it fired on this ticket */
    bool armed;       /* re-armed since it last fired: it may fire again */
    int64_t armed_at; /* when it was last re-armed; 0 when never */
};

/* One action of the plan, and the rule (index in the set) it comes from. */
struct rule_step {
    struct rule_action action;
    size_t rule;
};

/* The result of one evaluation.  Owns its arrays: rule_outcome_release(). */
struct rule_outcome {
    size_t *fired; /* indices of the rules that fire, in set order */
    size_t n_fired;
    size_t *rearmed; /* indices of the rules re-armed automatically by this evaluation */
    size_t n_rearmed;
    struct rule_step *plan; /* the merged actions to apply, in order */
    size_t n_plan;
    struct rule_state *states; /* the changed records, to store by rule name */
    size_t n_states;
};

/* Evaluates s against f with the ticket's records states[0..n_states) (any
 * order; records of rules not in s are ignored) and fills out (its previous
 * content is not freed: pass a zeroed or released outcome).  This function
 * can't fail. */
void rules_evaluate(const struct rule_set *s, const struct rule_facts *f,
                    const struct rule_state *states, size_t n_states, struct rule_outcome *out);

/* Frees the arrays and zeroes o.  Accepts NULL. */
void rule_outcome_release(struct rule_outcome *o);

/* An explicit re-arm of the rule named name on one ticket: fills *out from
 * current (the ticket's record, NULL when it has none) with armed set.
 * TERR_NOT_FOUND (field "rule") when s has no such rule; *out untouched. */
enum terr rules_rearm(const struct rule_set *s, const char *name, const struct rule_state *current,
                      int64_t now, struct rule_state *out, struct terr_info *ei);

#endif
