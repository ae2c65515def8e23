/* Escalation rules <-> the API's JSON (rule_json.h). */
#include "rule_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/buf.h"

/* The JSON member that names a condition of this kind. */
static const char *cond_key(const struct rule_cond *c)
{
    switch (c->kind) {
    case RULE_WHEN_TRIGGER:
        return "trigger";
    case RULE_WHEN_LEVEL:
        return "level";
    case RULE_WHEN_WAITING:
        return "waiting";
    case RULE_WHEN_SLA_BREACHED:
        return "sla_breached";
    case RULE_WHEN_SURVEY:
        return survey_name(c->survey);
    case N_RULE_CONDS:
        break;
    }
    return "?";
}

/* The single member of an item object, or false (with the error set). */
static bool single_member(json_t *item, const char *field, const char **key, json_t **val,
                          struct terr_info *ei)
{
    if (!json_is_object(item)) {
        terr_set(ei, TERR_WRONG_TYPE, field, "'%s' must be an object with one member", field);
        return false;
    }
    if (json_object_size(item) != 1) {
        terr_set(ei, TERR_INVALID, field, "'%s' must have exactly one member", field);
        return false;
    }
    void *it = json_object_iter(item);
    *key = json_object_iter_key(it);
    *val = json_object_iter_value(it);
    return true;
}

static enum terr want_string(const json_t *v, const char *field, const char **out,
                             struct terr_info *ei)
{
    if (!json_is_string(v))
        return terr_set(ei, TERR_WRONG_TYPE, field, "'%s' must be a string", field);
    *out = json_string_value(v);
    return TERR_OK;
}

static enum terr read_cond(json_t *item, size_t i, struct rule_cond *c, struct terr_info *ei)
{
    char field[32], sub[112];
    snprintf(field, sizeof(field), "when[%zu]", i);
    const char *key, *s = NULL;
    json_t *v;
    if (!single_member(item, field, &key, &v, ei))
        return ei ? ei->code : TERR_INVALID;
    snprintf(sub, sizeof(sub), "%s.%.40s", field, key);
    memset(c, 0, sizeof(*c));
    enum terr e;
    enum survey_kind sk;
    if (survey_parse(key, &sk)) {
        if (!json_is_integer(v))
            return terr_set(ei, TERR_WRONG_TYPE, sub, "'%s' must be an integer (a score)", sub);
        json_int_t n = json_integer_value(v);
        if (n < survey_min(sk) || n > survey_max(sk))
            return terr_set(ei, TERR_INVALID, sub, "a %s score is %d..%d, not %lld",
                            survey_name(sk), survey_min(sk), survey_max(sk), (long long)n);
        c->kind = RULE_WHEN_SURVEY;
        c->survey = sk;
        c->score = (int)n;
        return TERR_OK;
    }
    if (!rule_cond_parse(key, &c->kind) || c->kind == RULE_WHEN_SURVEY)
        return terr_set(ei, TERR_UNKNOWN_FIELD, field,
                        "unknown condition '%.40s' (trigger, level, waiting, sla_breached, csat, "
                        "nps, ces)",
                        key);
    if ((e = want_string(v, sub, &s, ei)))
        return e;
    switch (c->kind) {
    case RULE_WHEN_TRIGGER:
        if (!rule_trigger_parse(s, &c->trigger))
            return terr_set(ei, TERR_INVALID, sub, "unknown trigger kind '%.60s'", s);
        break;
    case RULE_WHEN_LEVEL:
        if (!level_parse(s, &c->level))
            return terr_set(ei, TERR_INVALID, sub,
                            "unknown level '%.60s' (calm, tense, heated, hostile)", s);
        break;
    case RULE_WHEN_WAITING:
        if (!rule_duration_parse(s, &c->ms))
            return terr_set(ei, TERR_INVALID, sub,
                            "'%.60s' is not a duration (like 45m, 2h or 1h30m; at most 365d)", s);
        break;
    case RULE_WHEN_SLA_BREACHED:
        if (!rule_sla_parse(s, &c->sla))
            return terr_set(ei, TERR_INVALID, sub,
                            "unknown SLA metric '%.60s' (first_response, next_response, "
                            "resolution, any)",
                            s);
        break;
    case RULE_WHEN_SURVEY:
    case N_RULE_CONDS:
        break;
    }
    return TERR_OK;
}

static enum terr copy_label(const char *s, char *out, size_t cap, const char *field,
                            struct terr_info *ei)
{
    if (strlen(s) >= cap)
        return terr_set(ei, TERR_TOO_LONG, field, "'%s' is over %zu bytes", field, cap - 1);
    memcpy(out, s, strlen(s) + 1);
    return TERR_OK;
}

static enum terr read_action(json_t *item, size_t i, struct rule_action *a, struct terr_info *ei)
{
    char field[32], sub[112];
    snprintf(field, sizeof(field), "then[%zu]", i);
    const char *key, *s = NULL;
    json_t *v;
    if (!single_member(item, field, &key, &v, ei))
        return ei ? ei->code : TERR_INVALID;
    snprintf(sub, sizeof(sub), "%s.%.40s", field, key);
    memset(a, 0, sizeof(*a));
    if (!rule_action_parse(key, &a->kind))
        return terr_set(ei, TERR_UNKNOWN_FIELD, field,
                        "unknown action '%.40s' (assign_team, assign_agent, set_priority, "
                        "notify_lead, add_tag, legal_hold)",
                        key);
    enum terr e;
    switch (a->kind) {
    case RULE_DO_ASSIGN_TEAM:
        if ((e = want_string(v, sub, &s, ei)))
            return e;
        return copy_label(s, a->team, sizeof(a->team), sub, ei);
    case RULE_DO_ADD_TAG:
        if ((e = want_string(v, sub, &s, ei)))
            return e;
        return copy_label(s, a->tag, sizeof(a->tag), sub, ei);
    case RULE_DO_ASSIGN_AGENT:
        if (!json_is_integer(v))
            return terr_set(ei, TERR_WRONG_TYPE, sub, "'%s' must be an agent id", sub);
        a->agent_id = json_integer_value(v);
        return TERR_OK;
    case RULE_DO_SET_PRIORITY:
        if ((e = want_string(v, sub, &s, ei)))
            return e;
        if (!priority_parse(s, &a->priority))
            return terr_set(ei, TERR_INVALID, sub,
                            "unknown priority '%.60s' (low, normal, high, urgent)", s);
        return TERR_OK;
    case RULE_DO_NOTIFY_LEAD:
    case RULE_DO_LEGAL_HOLD:
        if (!json_is_true(v))
            return terr_set(ei, TERR_INVALID, sub, "'%s' takes true", sub);
        return TERR_OK;
    case N_RULE_ACTIONS:
        break;
    }
    return TERR_OK;
}

/* rule_check names the struct's fields ("when[1].score"); say the JSON's. */
static void json_field(const struct rule *r, struct terr_info *ei)
{
    size_t i;
    char rest[64];
    if (!ei)
        return;
    if (sscanf(ei->field, "when[%zu].%63s", &i, rest) == 2 && i < r->n_when)
        snprintf(ei->field, sizeof(ei->field), "when[%zu].%s", i, cond_key(&r->when[i]));
    else if (sscanf(ei->field, "then[%zu].%63s", &i, rest) == 2 && i < r->n_then)
        snprintf(ei->field, sizeof(ei->field), "then[%zu].%s", i,
                 rule_action_name(r->then[i].kind));
}

enum terr rule_from_json(json_t *o, struct rule *out, struct terr_info *ei)
{
    if (!json_is_object(o))
        return terr_set(ei, TERR_WRONG_TYPE, NULL, "a rule is a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (strcmp(key, "name") && strcmp(key, "when") && strcmp(key, "then") &&
            strcmp(key, "rearm"))
            return terr_set(ei, TERR_UNKNOWN_FIELD, key, "unknown field '%.40s'", key);
    }
    memset(out, 0, sizeof(*out));
    json_t *name = json_object_get(o, "name"), *when = json_object_get(o, "when"),
           *then = json_object_get(o, "then"), *rearm = json_object_get(o, "rearm");
    if (!name)
        return terr_set(ei, TERR_MISSING_FIELD, "name", "a rule needs a name");
    if (!json_is_string(name))
        return terr_set(ei, TERR_WRONG_TYPE, "name", "'name' must be a string");
    enum terr e = copy_label(json_string_value(name), out->name, sizeof(out->name), "name", ei);
    if (e)
        return e;
    if (!when)
        return terr_set(ei, TERR_MISSING_FIELD, "when", "a rule needs 'when' (its conditions)");
    if (!json_is_array(when))
        return terr_set(ei, TERR_WRONG_TYPE, "when", "'when' must be an array");
    if (json_array_size(when) > RULE_CONDS_MAX)
        return terr_set(ei, TERR_TOO_LONG, "when", "a rule has at most %d conditions",
                        RULE_CONDS_MAX);
    if (!then)
        return terr_set(ei, TERR_MISSING_FIELD, "then", "a rule needs 'then' (its actions)");
    if (!json_is_array(then))
        return terr_set(ei, TERR_WRONG_TYPE, "then", "'then' must be an array");
    if (json_array_size(then) > RULE_ACTIONS_MAX)
        return terr_set(ei, TERR_TOO_LONG, "then", "a rule has at most %d actions",
                        RULE_ACTIONS_MAX);
    if (rearm && !json_is_string(rearm))
        return terr_set(ei, TERR_WRONG_TYPE, "rearm", "'rearm' must be a string");
    if (rearm && !rule_rearm_parse(json_string_value(rearm), &out->rearm))
        return terr_set(ei, TERR_INVALID, "rearm", "rearm is 'manual' or 'auto'");
    size_t i;
    json_t *item;
    json_array_foreach(when, i, item)
    {
        if ((e = read_cond(item, i, &out->when[i], ei)))
            return e;
        out->n_when = i + 1;
    }
    json_array_foreach(then, i, item)
    {
        if ((e = read_action(item, i, &out->then[i], ei)))
            return e;
        out->n_then = i + 1;
    }
    if ((e = rule_check(out, ei)))
        json_field(out, ei);
    return e;
}

static json_t *cond_json(const struct rule_cond *c)
{
    char d[32];
    switch (c->kind) {
    case RULE_WHEN_TRIGGER:
        return json_pack("{s:s}", "trigger", rule_trigger_name(c->trigger));
    case RULE_WHEN_LEVEL:
        return json_pack("{s:s}", "level", level_name(c->level));
    case RULE_WHEN_WAITING:
        rule_duration_format(c->ms, d, sizeof(d));
        return json_pack("{s:s}", "waiting", d);
    case RULE_WHEN_SLA_BREACHED:
        return json_pack("{s:s}", "sla_breached", rule_sla_name(c->sla));
    case RULE_WHEN_SURVEY:
        return json_pack("{s:i}", survey_name(c->survey), c->score);
    case N_RULE_CONDS:
        break;
    }
    return json_object();
}

json_t *rule_action_json(const struct rule_action *a)
{
    const char *k = rule_action_name(a->kind);
    switch (a->kind) {
    case RULE_DO_ASSIGN_TEAM:
        return json_pack("{s:s}", k, a->team);
    case RULE_DO_ASSIGN_AGENT:
        return json_pack("{s:I}", k, (json_int_t)a->agent_id);
    case RULE_DO_SET_PRIORITY:
        return json_pack("{s:s}", k, priority_name(a->priority));
    case RULE_DO_ADD_TAG:
        return json_pack("{s:s}", k, a->tag);
    case RULE_DO_NOTIFY_LEAD:
    case RULE_DO_LEGAL_HOLD:
        return json_pack("{s:b}", k, 1);
    case N_RULE_ACTIONS:
        break;
    }
    return json_object();
}

json_t *rule_when_json(const struct rule *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n_when; i++)
        json_array_append_new(a, cond_json(&r->when[i]));
    return a;
}

json_t *rule_then_json(const struct rule *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n_then; i++)
        json_array_append_new(a, rule_action_json(&r->then[i]));
    return a;
}

json_t *rule_json(const struct rule *r)
{
    json_t *o = json_pack("{s:s, s:o, s:o, s:s}", "name", r->name, "when", rule_when_json(r),
                          "then", rule_then_json(r), "rearm", rule_rearm_name(r->rearm));
    if (!o)
        BUG("cannot encode rule '%s'", r->name);
    return o;
}

char *rule_spec(const struct rule *r)
{
    struct rule copy = *r;
    struct rule_set one = {.v = &copy, .n = 1};
    struct buf b;
    buf_init(&b, RULES_TEXT_MAX);
    if (rules_format(&one, &b))
        BUG("rule '%s' does not fit a rules file", r->name);
    return buf_detach(&b, NULL);
}

enum terr rule_from_spec(const char *spec, const char *origin, const char *field, struct rule *out,
                         struct terr_info *ei)
{
    struct rule_set s;
    rule_set_init(&s);
    enum terr e = rules_parse(spec, strlen(spec), origin, &s, ei);
    if (e) {
        if (ei && field)
            snprintf(ei->field, sizeof(ei->field), "%s", field);
        return e;
    }
    if (s.n != 1) {
        rule_set_release(&s);
        return terr_set(ei, TERR_INVALID, field, "%s: holds %zu rules; one was expected", origin,
                        s.n);
    }
    *out = s.v[0];
    out->line = 0;
    rule_set_release(&s);
    return TERR_OK;
}
