/*
 * Escalation rules as the API shows and takes them (docs/api.md, "Escalation
 * rules and notifications"):
 *
 *   {"name": "legal-threat",
 *    "when": [{"trigger": "legal_threat"}, {"level": "heated"}, {"waiting": "2h"},
 *             {"sla_breached": "first_response"}, {"csat": 2}],
 *    "then": [{"set_priority": "urgent"}, {"notify_lead": true}, {"add_tag": "legal"},
 *             {"legal_hold": true}, {"assign_team": "legal"}, {"assign_agent": 12}],
 *    "rearm": "manual"}
 *
 * Each condition and action is an object with exactly one member, named as
 * in the data file; "level" means "at least", "waiting" "longer than" (a
 * duration as in the file), a survey kind "at most".  notify_lead and
 * legal_hold take true.
 */
#ifndef TRUCE_SVC_RULE_JSON_H
#define TRUCE_SVC_RULE_JSON_H

#include <jansson.h>

#include "../domain/rules.h"

/* Reads a rule from o (the fields above; others are refused with their
 * name) and checks it (rule_check).  TERR_INVALID, TERR_WRONG_TYPE,
 * TERR_MISSING_FIELD, TERR_UNKNOWN_FIELD or TERR_TOO_LONG with the field
 * ("when[1].csat", "then[0]", ...).  On error *out is unspecified. */
enum terr rule_from_json(json_t *o, struct rule *out, struct terr_info *ei);

/* New references: the rule's conditions, its actions, or the whole rule
 * ({"name","when","then","rearm"}). */
json_t *rule_when_json(const struct rule *r);
json_t *rule_then_json(const struct rule *r);
json_t *rule_json(const struct rule *r);
json_t *rule_action_json(const struct rule_action *a);

/* One rule in the file format, as a heap string (rules_format of a set of
 * one); caller frees. */
char *rule_spec(const struct rule *r);

/* Parses spec, which must hold exactly one rule, into *out.  origin names
 * the text in messages.  TERR_INVALID with field (e.g. "spec") otherwise. */
enum terr rule_from_spec(const char *spec, const char *origin, const char *field, struct rule *out,
                         struct terr_info *ei);

#endif
