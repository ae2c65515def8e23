/*
 * Escalation rules.  A rule is a fixed-size struct (no pointers), so a set is
 * one array that copies and frees as a block.  Every check lives in one place
 * (cond_problem, action_problem, action_clash) and is shared by rule_check()
 * and the file parser, so a rule the API refuses is refused in a file too, and
 * the file's messages can name the exact line.
 */
#include "rules.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/utf8.h"

/* ---- vocabularies ---- */

/* clang-format off */
#define NAME_STR(name, str) str,
#define DEFINE_NAMES(type, arr, n, fname, pname)                              \
    const char *fname(enum type v)                                             \
    {                                                                          \
        return (size_t)v < (n) ? arr[v] : "unknown";                           \
    }                                                                          \
    bool pname(const char *s, enum type *out)                                  \
    {                                                                          \
        for (size_t i = 0; s && i < (n); i++) {                                \
            if (strcmp(s, arr[i]) == 0) {                                      \
                *out = (enum type)i;                                           \
                return true;                                                   \
            }                                                                  \
        }                                                                      \
        return false;                                                          \
    }
static const char *const trigger_names[] = {RULE_TRIGGER_MAP(NAME_STR)};
static const char *const sla_names[] = {RULE_SLA_MAP(NAME_STR) "any"};
static const char *const cond_names[] = {RULE_COND_MAP(NAME_STR)};
static const char *const action_names[] = {RULE_ACTION_MAP(NAME_STR)};
static const char *const rearm_names[] = {RULE_REARM_MAP(NAME_STR)};
DEFINE_NAMES(rule_trigger, trigger_names, N_RULE_TRIGGERS, rule_trigger_name, rule_trigger_parse)
DEFINE_NAMES(rule_sla, sla_names, N_RULE_SLAS + 1, rule_sla_name, rule_sla_parse)
DEFINE_NAMES(rule_cond_kind, cond_names, N_RULE_CONDS, rule_cond_name, rule_cond_parse)
DEFINE_NAMES(rule_action_kind, action_names, N_RULE_ACTIONS, rule_action_name, rule_action_parse)
DEFINE_NAMES(rule_rearm, rearm_names, 2, rule_rearm_name, rule_rearm_parse)
#undef NAME_STR

static const struct { const char *name; int lo, hi; } surveys[] = {
#define X(name, str, lo, hi) {str, lo, hi},
    SURVEY_MAP(X)
#undef X
};
/* clang-format on */

const char *survey_name(enum survey_kind v)
{
    return (size_t)v < N_SURVEYS ? surveys[v].name : "unknown";
}

bool survey_parse(const char *s, enum survey_kind *out)
{
    for (size_t i = 0; s && i < N_SURVEYS; i++) {
        if (strcmp(s, surveys[i].name) == 0) {
            *out = (enum survey_kind)i;
            return true;
        }
    }
    return false;
}

int survey_min(enum survey_kind v)
{
    return (size_t)v < N_SURVEYS ? surveys[v].lo : 0;
}

int survey_max(enum survey_kind v)
{
    return (size_t)v < N_SURVEYS ? surveys[v].hi : 0;
}

/* ---- durations ---- */

static const struct {
    const char *unit;
    int64_t ms;
} units[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};

bool rule_duration_parse(const char *s, int64_t *out_ms)
{
    int64_t total = 0;
    if (!s || !*s)
        return false;
    while (*s) {
        if (*s < '0' || *s > '9')
            return false; /* a sign, a blank, a unit without a number */
        int64_t n = 0;
        for (; *s >= '0' && *s <= '9'; s++) {
            n = n * 10 + (*s - '0');
            if (n > RULE_WAIT_MAX_MS)
                return false;
        }
        size_t u = 0, ulen = 0;
        /* "ms" before "m": the longest unit that matches. */
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            size_t l = strlen(units[i].unit);
            if (strncmp(s, units[i].unit, l) == 0 && l > ulen) {
                u = i;
                ulen = l;
            }
        }
        if (ulen == 0)
            return false;
        s += ulen;
        if (n > (RULE_WAIT_MAX_MS - total) / units[u].ms)
            return false;
        total += n * units[u].ms;
    }
    *out_ms = total;
    return true;
}

void rule_duration_format(int64_t ms, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && ms > 0; i++) {
        int64_t n = ms / units[i].ms;
        if (n == 0)
            continue;
        ms -= n * units[i].ms;
        int w = snprintf(out + len, cap - len, "%lld%s", (long long)n, units[i].unit);
        if (w < 0 || (size_t)w >= cap - len)
            return;
        len += (size_t)w;
    }
    if (len == 0)
        snprintf(out, cap, "0s");
}

/* ---- checks ---- */

/* Writes "why" into msg (cap bytes) and returns false, for one-line checks. */
static bool fail(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *msg, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
    return false;
}

/* A label (rule, team or tag name) of at most limit bytes of valid UTF-8. */
static bool good_label(const char *s, size_t limit)
{
    size_t n = strnlen(s, limit + 1);
    return n <= limit && utf8_valid(s, n) && label_valid(s, limit);
}

/* True when c is well-formed; otherwise false with why in msg, and the
 * sub-field at fault ("level", "ms", ...) in *sub. */
static bool cond_ok(const struct rule_cond *c, const char **sub, char *msg, size_t cap)
{
    *sub = NULL;
    switch (c->kind) {
    case RULE_WHEN_TRIGGER:
        *sub = "trigger";
        if ((unsigned)c->trigger >= N_RULE_TRIGGERS)
            return fail(msg, cap, "unknown trigger kind");
        return true;
    case RULE_WHEN_LEVEL:
        *sub = "level";
        if ((unsigned)c->level > LEVEL_HOSTILE)
            return fail(msg, cap, "unknown level");
        return true;
    case RULE_WHEN_WAITING:
        *sub = "ms";
        if (c->ms < 0)
            return fail(msg, cap, "a waiting time cannot be negative");
        if (c->ms > RULE_WAIT_MAX_MS)
            return fail(msg, cap, "a waiting time is at most 365 days");
        return true;
    case RULE_WHEN_SLA_BREACHED:
        *sub = "sla";
        if ((unsigned)c->sla > RULE_SLA_ANY)
            return fail(msg, cap, "unknown SLA metric");
        return true;
    case RULE_WHEN_SURVEY:
        *sub = "survey";
        if ((unsigned)c->survey >= N_SURVEYS)
            return fail(msg, cap, "unknown survey kind");
        *sub = "score";
        if (c->score < survey_min(c->survey) || c->score > survey_max(c->survey))
            return fail(msg, cap, "a %s score is %d..%d, not %d", survey_name(c->survey),
                        survey_min(c->survey), survey_max(c->survey), c->score);
        return true;
    case N_RULE_CONDS:
        break;
    }
    *sub = "kind";
    return fail(msg, cap, "unknown condition kind");
}

static bool action_ok(const struct rule_action *a, const char **sub, char *msg, size_t cap)
{
    *sub = NULL;
    switch (a->kind) {
    case RULE_DO_ASSIGN_TEAM:
        *sub = "team";
        if (!good_label(a->team, RULE_TEAM_MAX))
            return fail(msg, cap, "a team name is 1..%d letters, digits, '-', '_', ':' or '.'",
                        RULE_TEAM_MAX);
        return true;
    case RULE_DO_ASSIGN_AGENT:
        *sub = "agent_id";
        if (a->agent_id <= 0)
            return fail(msg, cap, "an agent id is a positive number");
        return true;
    case RULE_DO_SET_PRIORITY:
        *sub = "priority";
        if ((unsigned)a->priority > PRIORITY_URGENT)
            return fail(msg, cap, "unknown priority");
        return true;
    case RULE_DO_ADD_TAG:
        *sub = "tag";
        if (!good_label(a->tag, LIMIT_TAG))
            return fail(msg, cap, "a tag is 1..%d letters, digits, '-', '_', ':' or '.'",
                        LIMIT_TAG);
        return true;
    case RULE_DO_NOTIFY_LEAD:
    case RULE_DO_LEGAL_HOLD:
        return true;
    case N_RULE_ACTIONS:
        break;
    }
    *sub = "kind";
    return fail(msg, cap, "unknown action kind");
}

static bool is_assign(enum rule_action_kind k)
{
    return k == RULE_DO_ASSIGN_TEAM || k == RULE_DO_ASSIGN_AGENT;
}

/* False when a clashes with one of the rule's earlier actions v[0..n). */
static bool action_fits(const struct rule_action *v, size_t n, const struct rule_action *a,
                        char *msg, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        if (is_assign(a->kind) && is_assign(v[i].kind))
            return fail(msg, cap, "a rule assigns to one team or agent only");
        if (a->kind != v[i].kind)
            continue;
        if (a->kind == RULE_DO_SET_PRIORITY)
            return fail(msg, cap, "a rule sets the priority once");
        if (a->kind == RULE_DO_ADD_TAG && strcmp(a->tag, v[i].tag) != 0)
            continue;
        if (a->kind == RULE_DO_ADD_TAG)
            return fail(msg, cap, "the tag '%s' is added twice", a->tag);
        return fail(msg, cap, "%s appears twice", rule_action_name(a->kind));
    }
    return true;
}

enum terr rule_check(const struct rule *r, struct terr_info *ei)
{
    char msg[200], field[64];
    const char *sub;
    if (!good_label(r->name, RULE_NAME_MAX))
        return terr_set(ei, TERR_INVALID, "name",
                        "a rule name is 1..%d letters, digits, '-', '_', ':' or '.'",
                        RULE_NAME_MAX);
    if ((unsigned)r->rearm > RULE_REARM_AUTO)
        return terr_set(ei, TERR_INVALID, "rearm", "rearm is 'manual' or 'auto'");
    if (r->n_when == 0)
        return terr_set(ei, TERR_INVALID, "when", "rule '%s' has no condition", r->name);
    if (r->n_when > RULE_CONDS_MAX)
        return terr_set(ei, TERR_TOO_LONG, "when", "rule '%s' has over %d conditions", r->name,
                        RULE_CONDS_MAX);
    if (r->n_then == 0)
        return terr_set(ei, TERR_INVALID, "then", "rule '%s' has no action", r->name);
    if (r->n_then > RULE_ACTIONS_MAX)
        return terr_set(ei, TERR_TOO_LONG, "then", "rule '%s' has over %d actions", r->name,
                        RULE_ACTIONS_MAX);
    for (size_t i = 0; i < r->n_when; i++) {
        if (!cond_ok(&r->when[i], &sub, msg, sizeof(msg))) {
            snprintf(field, sizeof(field), "when[%zu].%s", i, sub);
            return terr_set(ei, TERR_INVALID, field, "rule '%s': %s", r->name, msg);
        }
    }
    for (size_t i = 0; i < r->n_then; i++) {
        if (!action_ok(&r->then[i], &sub, msg, sizeof(msg))) {
            snprintf(field, sizeof(field), "then[%zu].%s", i, sub);
            return terr_set(ei, TERR_INVALID, field, "rule '%s': %s", r->name, msg);
        }
        if (!action_fits(r->then, i, &r->then[i], msg, sizeof(msg))) {
            snprintf(field, sizeof(field), "then[%zu]", i);
            return terr_set(ei, TERR_INVALID, field, "rule '%s': %s", r->name, msg);
        }
    }
    return TERR_OK;
}

/* ---- sets ---- */

void rule_set_init(struct rule_set *s)
{
    s->v = NULL;
    s->n = 0;
}

void rule_set_release(struct rule_set *s)
{
    if (!s)
        return;
    free(s->v);
    rule_set_init(s);
}

const struct rule *rule_set_find(const struct rule_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].name, name) == 0)
            return &s->v[i];
    return NULL;
}

bool rule_set_remove(struct rule_set *s, const char *name)
{
    const struct rule *r = rule_set_find(s, name);
    if (!r)
        return false;
    size_t i = (size_t)(r - s->v);
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(s->v[0]));
    s->n--;
    return true;
}

/* Appends without checks (the callers checked). */
static void push(struct rule_set *s, const struct rule *r)
{
    s->v = xrealloc(s->v, (s->n + 1) * sizeof(s->v[0]));
    s->v[s->n++] = *r;
}

enum terr rule_set_add(struct rule_set *s, const struct rule *r, struct terr_info *ei)
{
    enum terr e = rule_check(r, ei);
    if (e != TERR_OK)
        return e;
    if (rule_set_find(s, r->name))
        return terr_set(ei, TERR_CONFLICT, "name", "a rule named '%s' exists", r->name);
    if (s->n >= RULES_MAX)
        return terr_set(ei, TERR_TOO_LARGE, "rules", "a rule set holds at most %d rules",
                        RULES_MAX);
    push(s, r);
    return TERR_OK;
}

/* ---- the file format ---- */

struct parser {
    const char *origin;
    unsigned line;
    struct rule_set *out;
    struct rule cur;
    bool in_rule;
    struct terr_info *ei;
};

static enum terr perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static enum terr perr(struct parser *p, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return terr_set(p->ei, TERR_INVALID, "rules", "%s:%u: %s", p->origin, p->line, what);
}

/* The names of a vocabulary, "a, b, c", for "unknown ...; one of ..." messages. */
static const char *list_names(const char *const *names, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && len < cap; i++) {
        int w = snprintf(out + len, cap - len, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return out;
}

static enum terr parse_when(struct parser *p, char **w, size_t n)
{
    struct rule_cond c;
    char names[300];
    memset(&c, 0, sizeof(c));
    enum survey_kind sk;
    if (n >= 1 && strcmp(w[0], "trigger") == 0) {
        if (n != 2)
            return perr(p, "expected 'when trigger <kind>'");
        c.kind = RULE_WHEN_TRIGGER;
        if (!rule_trigger_parse(w[1], &c.trigger))
            return perr(p, "unknown trigger kind '%s' (one of: %s)", w[1],
                        list_names(trigger_names, N_RULE_TRIGGERS, names, sizeof(names)));
    } else if (n >= 1 && strcmp(w[0], "level") == 0) {
        if (n != 3 || strcmp(w[1], ">=") != 0)
            return perr(p, "expected 'when level >= <level>'");
        c.kind = RULE_WHEN_LEVEL;
        if (!level_parse(w[2], &c.level))
            return perr(p, "unknown level '%s' (one of: calm, tense, heated, hostile)", w[2]);
    } else if (n >= 1 && strcmp(w[0], "waiting") == 0) {
        if (n != 3 || strcmp(w[1], ">") != 0)
            return perr(p, "expected 'when waiting > <duration>'");
        c.kind = RULE_WHEN_WAITING;
        if (w[2][0] == '-')
            return perr(p, "a waiting time cannot be negative: '%s'", w[2]);
        if (!rule_duration_parse(w[2], &c.ms))
            return perr(p, "bad duration '%s' (like 30m, 4h, 1h30m, 2d; at most 365d)", w[2]);
    } else if (n >= 1 && strcmp(w[0], "sla_breached") == 0) {
        if (n != 2)
            return perr(p, "expected 'when sla_breached <metric>'");
        c.kind = RULE_WHEN_SLA_BREACHED;
        if (!rule_sla_parse(w[1], &c.sla))
            return perr(p, "unknown SLA metric '%s' (one of: %s)", w[1],
                        list_names(sla_names, N_RULE_SLAS + 1, names, sizeof(names)));
    } else if (n >= 1 && survey_parse(w[0], &sk)) {
        if (n != 3 || strcmp(w[1], "<=") != 0)
            return perr(p, "expected 'when %s <= <score>'", w[0]);
        c.kind = RULE_WHEN_SURVEY;
        c.survey = sk;
        char *end;
        errno = 0;
        long v = strtol(w[2], &end, 10);
        if (errno || end == w[2] || *end || v < survey_min(sk) || v > survey_max(sk))
            return perr(p, "a %s score is %d..%d, not '%s'", w[0], survey_min(sk), survey_max(sk),
                        w[2]);
        c.score = (int)v;
    } else {
        return perr(p,
                    "unknown condition '%s' (one of: trigger, level, waiting, sla_breached, "
                    "csat, nps, ces)",
                    n ? w[0] : "");
    }
    if (p->cur.n_when >= RULE_CONDS_MAX)
        return perr(p, "rule '%s' has over %d conditions", p->cur.name, RULE_CONDS_MAX);
    p->cur.when[p->cur.n_when++] = c;
    return TERR_OK;
}

static enum terr parse_then(struct parser *p, char **w, size_t n)
{
    struct rule_action a;
    char names[300], msg[200];
    const char *sub;
    memset(&a, 0, sizeof(a));
    if (n == 0 || !rule_action_parse(w[0], &a.kind))
        return perr(p, "unknown action '%s' (one of: %s)", n ? w[0] : "",
                    list_names(action_names, N_RULE_ACTIONS, names, sizeof(names)));
    bool takes_arg = a.kind != RULE_DO_NOTIFY_LEAD && a.kind != RULE_DO_LEGAL_HOLD;
    if (n != (takes_arg ? 2u : 1u))
        return perr(p, takes_arg ? "expected 'then %s <value>'" : "expected 'then %s' alone", w[0]);
    switch (a.kind) {
    case RULE_DO_ASSIGN_TEAM:
        if (strlen(w[1]) > RULE_TEAM_MAX)
            return perr(p, "a team name is at most %d bytes", RULE_TEAM_MAX);
        memcpy(a.team, w[1], strlen(w[1]) + 1);
        break;
    case RULE_DO_ASSIGN_AGENT: {
        char *end;
        errno = 0;
        long long v = strtoll(w[1], &end, 10);
        if (errno || end == w[1] || *end || v <= 0)
            return perr(p, "an agent id is a positive number, not '%s'", w[1]);
        a.agent_id = v;
        break;
    }
    case RULE_DO_SET_PRIORITY:
        if (!priority_parse(w[1], &a.priority))
            return perr(p, "unknown priority '%s' (one of: low, normal, high, urgent)", w[1]);
        break;
    case RULE_DO_ADD_TAG:
        if (strlen(w[1]) > LIMIT_TAG)
            return perr(p, "a tag is at most %d bytes", LIMIT_TAG);
        memcpy(a.tag, w[1], strlen(w[1]) + 1);
        break;
    case RULE_DO_NOTIFY_LEAD:
    case RULE_DO_LEGAL_HOLD:
    case N_RULE_ACTIONS:
        break;
    }
    if (!action_ok(&a, &sub, msg, sizeof(msg)) ||
        !action_fits(p->cur.then, p->cur.n_then, &a, msg, sizeof(msg)))
        return perr(p, "%s", msg);
    if (p->cur.n_then >= RULE_ACTIONS_MAX)
        return perr(p, "rule '%s' has over %d actions", p->cur.name, RULE_ACTIONS_MAX);
    p->cur.then[p->cur.n_then++] = a;
    return TERR_OK;
}

/* Closes the current rule: checks it as a whole and appends it. */
static enum terr end_rule(struct parser *p)
{
    if (!p->in_rule)
        return TERR_OK;
    p->in_rule = false;
    unsigned line = p->line;
    p->line = p->cur.line; /* whole-rule errors point at the "rule" line */
    enum terr e = TERR_OK;
    if (p->cur.n_when == 0)
        e = perr(p, "rule '%s' has no condition ('when ...')", p->cur.name);
    else if (p->cur.n_then == 0)
        e = perr(p, "rule '%s' has no action ('then ...')", p->cur.name);
    else if (p->out->n >= RULES_MAX)
        e = perr(p, "over %d rules", RULES_MAX);
    if (e == TERR_OK) {
        /* The lines were checked one by one; this keeps the file and the API
         * to the very same rules should a check be added to one only. */
        struct terr_info why = {0};
        if (rule_check(&p->cur, &why) != TERR_OK)
            e = perr(p, "%s", why.message);
    }
    p->line = line;
    if (e == TERR_OK)
        push(p->out, &p->cur);
    return e;
}

/* Splits line into blank-separated words, in place; a word starting with '#'
 * ends the line.  Returns how many (at most max; more is reported as max+1). */
static size_t split(char *line, char **w, size_t max)
{
    size_t n = 0;
    char *s = line;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        if (!*s || *s == '#')
            return n;
        if (n == max)
            return max + 1;
        w[n++] = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\r')
            s++;
        if (*s)
            *s++ = '\0';
    }
}

static enum terr parse_line(struct parser *p, char *line)
{
    char *w[8];
    size_t n = split(line, w, 6);
    if (n == 0)
        return TERR_OK;
    if (n > 6)
        return perr(p, "too many words");
    if (strcmp(w[0], "rule") == 0) {
        enum terr e = end_rule(p);
        if (e != TERR_OK)
            return e;
        if (n != 2)
            return perr(p, "expected 'rule <name>'");
        if (strlen(w[1]) > RULE_NAME_MAX || !label_valid(w[1], RULE_NAME_MAX))
            return perr(p, "bad rule name '%s': 1..%d letters, digits, '-', '_', ':' or '.'", w[1],
                        RULE_NAME_MAX);
        const struct rule *dup = rule_set_find(p->out, w[1]);
        if (dup)
            return perr(p, "a rule named '%s' is already defined on line %u", w[1], dup->line);
        memset(&p->cur, 0, sizeof(p->cur));
        memcpy(p->cur.name, w[1], strlen(w[1]) + 1);
        p->cur.line = p->line;
        p->in_rule = true;
        return TERR_OK;
    }
    bool when = strcmp(w[0], "when") == 0, then = strcmp(w[0], "then") == 0,
         rearm = strcmp(w[0], "rearm") == 0;
    if (!when && !then && !rearm)
        return perr(p, "unknown statement '%s' (rule, when, then or rearm)", w[0]);
    if (!p->in_rule)
        return perr(p, "'%s' before the first 'rule' line", w[0]);
    if (when)
        return parse_when(p, w + 1, n - 1);
    if (then)
        return parse_then(p, w + 1, n - 1);
    if (n != 2 || !rule_rearm_parse(w[1], &p->cur.rearm))
        return perr(p, "expected 'rearm auto' or 'rearm manual'");
    return TERR_OK;
}

enum terr rules_parse(const char *text, size_t len, const char *origin, struct rule_set *out,
                      struct terr_info *ei)
{
    if (len > RULES_TEXT_MAX)
        return terr_set(ei, TERR_TOO_LARGE, "rules", "%s: over %d bytes", origin, RULES_TEXT_MAX);
    struct parser p = {.origin = origin, .out = out, .ei = ei};
    char line[RULES_LINE_MAX + 1];
    enum terr e = TERR_OK;
    for (size_t at = 0; at < len && e == TERR_OK;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        p.line++;
        if (!utf8_valid(text + at, n))
            e = terr_set(ei, TERR_BAD_UTF8, "rules", "%s:%u: not valid UTF-8 (or a NUL byte)",
                         origin, p.line);
        else if (n > RULES_LINE_MAX)
            e = perr(&p, "a line is at most %d bytes", RULES_LINE_MAX);
        else {
            memcpy(line, text + at, n);
            line[n] = '\0';
            e = parse_line(&p, line);
        }
        at += n + 1;
    }
    if (e == TERR_OK)
        e = end_rule(&p);
    if (e != TERR_OK)
        rule_set_release(out);
    return e;
}

enum terr rules_format(const struct rule_set *s, struct buf *out)
{
    enum terr e = TERR_OK;
    char d[32];
    for (size_t i = 0; i < s->n && e == TERR_OK; i++) {
        const struct rule *r = &s->v[i];
        e = buf_addf(out, "%srule %s\n", i ? "\n" : "", r->name);
        for (size_t k = 0; k < r->n_when && e == TERR_OK; k++) {
            const struct rule_cond *c = &r->when[k];
            switch (c->kind) {
            case RULE_WHEN_TRIGGER:
                e = buf_addf(out, "  when trigger %s\n", rule_trigger_name(c->trigger));
                break;
            case RULE_WHEN_LEVEL:
                e = buf_addf(out, "  when level >= %s\n", level_name(c->level));
                break;
            case RULE_WHEN_WAITING:
                rule_duration_format(c->ms, d, sizeof(d));
                e = buf_addf(out, "  when waiting > %s\n", d);
                break;
            case RULE_WHEN_SLA_BREACHED:
                e = buf_addf(out, "  when sla_breached %s\n", rule_sla_name(c->sla));
                break;
            case RULE_WHEN_SURVEY:
                e = buf_addf(out, "  when %s <= %d\n", survey_name(c->survey), c->score);
                break;
            case N_RULE_CONDS:
                break;
            }
        }
        for (size_t k = 0; k < r->n_then && e == TERR_OK; k++) {
            const struct rule_action *a = &r->then[k];
            const char *name = rule_action_name(a->kind);
            switch (a->kind) {
            case RULE_DO_ASSIGN_TEAM:
                e = buf_addf(out, "  then %s %s\n", name, a->team);
                break;
            case RULE_DO_ASSIGN_AGENT:
                e = buf_addf(out, "  then %s %lld\n", name, (long long)a->agent_id);
                break;
            case RULE_DO_SET_PRIORITY:
                e = buf_addf(out, "  then %s %s\n", name, priority_name(a->priority));
                break;
            case RULE_DO_ADD_TAG:
                e = buf_addf(out, "  then %s %s\n", name, a->tag);
                break;
            case RULE_DO_NOTIFY_LEAD:
            case RULE_DO_LEGAL_HOLD:
            case N_RULE_ACTIONS:
                e = buf_addf(out, "  then %s\n", name);
                break;
            }
        }
        if (e == TERR_OK && r->rearm == RULE_REARM_AUTO)
            e = buf_adds(out, "  rearm auto\n");
    }
    return e;
}

/* ---- evaluation ---- */

static bool cond_holds(const struct rule_cond *c, const struct rule_facts *f)
{
    switch (c->kind) {
    case RULE_WHEN_TRIGGER:
        return (unsigned)c->trigger < 32 && (f->triggers & (1u << c->trigger));
    case RULE_WHEN_LEVEL:
        return f->level >= c->level;
    case RULE_WHEN_WAITING:
        return f->waiting_since > 0 && f->now - f->waiting_since > c->ms;
    case RULE_WHEN_SLA_BREACHED:
        if (c->sla == RULE_SLA_ANY)
            return (f->sla_breached & ((1u << N_RULE_SLAS) - 1)) != 0;
        return (unsigned)c->sla < N_RULE_SLAS && (f->sla_breached & (1u << c->sla));
    case RULE_WHEN_SURVEY:
        return (unsigned)c->survey < N_SURVEYS && f->survey[c->survey].answered &&
               f->survey[c->survey].score <= c->score;
    case N_RULE_CONDS:
        break;
    }
    return false;
}

bool rule_matches(const struct rule *r, const struct rule_facts *f)
{
    if (r->n_when == 0)
        return false; /* never true for nothing: rule_check refuses such rules */
    for (size_t i = 0; i < r->n_when; i++)
        if (!cond_holds(&r->when[i], f))
            return false;
    return true;
}

static const struct rule_state *state_of(const struct rule_state *v, size_t n, const char *name)
{
    for (size_t i = 0; v && i < n; i++)
        if (strcmp(v[i].rule, name) == 0)
            return &v[i];
    return NULL;
}

/* Adds the action a of rule ri to the plan, merging as the header says. */
static void plan_add(struct rule_outcome *o, const struct rule_action *a, size_t ri,
                     const struct rule_facts *f)
{
    for (size_t i = 0; i < o->n_plan; i++) {
        struct rule_step *p = &o->plan[i];
        if (is_assign(a->kind) && is_assign(p->action.kind))
            return; /* the first assignment wins */
        if (p->action.kind != a->kind)
            continue;
        if (a->kind == RULE_DO_SET_PRIORITY) {
            if (a->priority > p->action.priority) {
                p->action.priority = a->priority;
                p->rule = ri;
            }
            return;
        }
        if (a->kind == RULE_DO_ADD_TAG && strcmp(a->tag, p->action.tag) != 0)
            continue;
        return; /* notify_lead, legal_hold, the same tag: once */
    }
    if (a->kind == RULE_DO_SET_PRIORITY && a->priority <= f->priority)
        return;
    o->plan = xrealloc(o->plan, (o->n_plan + 1) * sizeof(o->plan[0]));
    o->plan[o->n_plan++] = (struct rule_step){*a, ri};
}

static void push_index(size_t **v, size_t *n, size_t i)
{
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = i;
}

static void push_state(struct rule_outcome *o, const struct rule_state *st)
{
    o->states = xrealloc(o->states, (o->n_states + 1) * sizeof(o->states[0]));
    o->states[o->n_states++] = *st;
}

void rules_evaluate(const struct rule_set *s, const struct rule_facts *f,
                    const struct rule_state *states, size_t n_states, struct rule_outcome *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < s->n; i++) {
        const struct rule *r = &s->v[i];
        const struct rule_state *old = state_of(states, n_states, r->name);
        bool fired_before = old && old->fired_at > 0;
        bool may_fire = !fired_before || old->armed;
        bool holds = rule_matches(r, f);
        struct rule_state st;
        memset(&st, 0, sizeof(st));
        if (old)
            st = *old;
        memcpy(st.rule, r->name, sizeof(st.rule));
        if (holds && may_fire) {
            st.fired_at = f->now;
            st.times++;
            st.armed = false;
            push_index(&out->fired, &out->n_fired, i);
            push_state(out, &st);
            /* A priority in the plan is the highest asked; resolve the
             * plan's "first wins" in set order by adding as we go. */
            for (size_t k = 0; k < r->n_then; k++)
                plan_add(out, &r->then[k], i, f);
        } else if (!holds && !may_fire && r->rearm == RULE_REARM_AUTO) {
            st.armed = true;
            st.armed_at = f->now;
            push_index(&out->rearmed, &out->n_rearmed, i);
            push_state(out, &st);
        }
    }
}

void rule_outcome_release(struct rule_outcome *o)
{
    if (!o)
        return;
    free(o->fired);
    free(o->rearmed);
    free(o->plan);
    free(o->states);
    memset(o, 0, sizeof(*o));
}

enum terr rules_rearm(const struct rule_set *s, const char *name, const struct rule_state *current,
                      int64_t now, struct rule_state *out, struct terr_info *ei)
{
    const struct rule *r = name ? rule_set_find(s, name) : NULL;
    if (!r)
        return terr_set(ei, TERR_NOT_FOUND, "rule", "no rule named '%s'", name ? name : "");
    struct rule_state st;
    memset(&st, 0, sizeof(st));
    if (current)
        st = *current;
    memcpy(st.rule, r->name, sizeof(st.rule));
    st.armed = true;
    st.armed_at = now;
    *out = st;
    return TERR_OK;
}
