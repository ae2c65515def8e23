/* The audit trail: every change a use case makes is written as an event. */
#include "service.h"

#include <jansson.h>
#include <stdlib.h>

#include "../util/alloc.h"
#include "../util/jsontext.h"

static const char *actor_kind_name(enum actor_kind k)
{
    switch (k) {
    case ACTOR_AGENT:
        return "agent";
    case ACTOR_CUSTOMER:
        return "customer";
    case ACTOR_SYSTEM:
        break;
    }
    return "system";
}

enum terr svc_audit(struct store_tx *tx, const struct actor *who, const char *action,
                    const char *target_kind, int64_t target_id, int64_t ticket_id,
                    const char *before_json, const char *after_json, int64_t now)
{
    struct event e = {
        .actor_kind = xstrdup(actor_kind_name(who->kind)),
        .actor_id = who->kind == ACTOR_SYSTEM ? 0 : who->id,
        .action = xstrdup(action),
        .target_kind = xstrdup(target_kind),
        .target_id = target_id,
        .ticket_id = ticket_id,
        .before_json = xstrdup(before_json),
        .after_json = xstrdup(after_json),
        .created_at = now,
    };
    enum terr err = store_event_insert(tx, &e);
    event_release(&e);
    return err;
}

char *svc_ticket_audit_json(const struct ticket *t)
{
    json_t *tags = json_array();
    for (size_t i = 0; i < t->tags.n; i++)
        json_array_append_new(tags, json_text(t->tags.v[i]));
    json_t *o =
        json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:i, s:s}", "subject", json_text(t->subject),
                  "status", status_name(t->status), "priority", priority_name(t->priority),
                  "assignee_id", t->assignee_id ? json_integer(t->assignee_id) : json_null(),
                  "category", t->category ? json_text(t->category) : json_null(), "tags", tags,
                  "risk", t->risk, "level", level_name(t->level));
    if (!o)
        BUG("cannot encode ticket %lld for the audit trail", (long long)t->id);
    json_object_set_new(o, "marked_conflict", json_boolean(t->marked_conflict));
    json_object_set_new(o, "category_by_agent", json_boolean(t->category_by_agent));
    return json_dump_record(o, "a ticket for the audit trail");
}
