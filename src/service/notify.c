/* Notifications to staff (notify.h). */
#include "notify.h"

#include <jansson.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "../util/utf8.h"
#include "webhooks.h"

enum terr svc_notify(struct store_tx *tx, int64_t agent_id, enum role role, int64_t ticket_id,
                     const char *kind, const char *text, int64_t now)
{
    /* Valid UTF-8 whatever the caller cut ("%.200s" of a subject may split a
     * character), at most NOTIFY_TEXT_MAX bytes cut on a character: the
     * list renders the text as a JSON string. */
    struct notification n = {
        .agent_id = agent_id,
        .role = role,
        .ticket_id = ticket_id,
        .kind = xstrdup(kind),
        .text = xmalloc(NOTIFY_TEXT_MAX + 1),
        .created_at = now,
    };
    utf8_sanitize(text ? text : "", n.text, NOTIFY_TEXT_MAX + 1);
    enum terr e = store_notification_insert(tx, &n);
    if (!e) {
        char at[TIME_ISO_LEN];
        json_t *data =
            json_pack("{s:I, s:o, s:o, s:o, s:s, s:o, s:s}", "id", (json_int_t)n.id, "agent_id",
                      agent_id ? json_integer(agent_id) : json_null(), "role",
                      agent_id ? json_null() : json_string(role_name(role)), "ticket_id",
                      ticket_id ? json_integer(ticket_id) : json_null(), "kind", n.kind, "text",
                      json_text(n.text), "created_at", time_format_iso(now, at));
        if (!data)
            BUG("cannot encode notification %lld for a webhook", (long long)n.id);
        e = svc_webhook_emit(tx, "notification.created", data, ticket_id, now);
        json_decref(data);
    }
    notification_release(&n);
    return e;
}

bool svc_notification_visible(const struct notification *n, int64_t agent_id, enum role role)
{
    if (n->agent_id)
        return n->agent_id == agent_id;
    return n->role == role || (role == ROLE_ADMIN && n->role == ROLE_LEAD);
}

enum terr svc_notification_read(struct store_tx *tx, const struct actor *who, int64_t id,
                                int64_t now, struct notification *out, struct terr_info *ei)
{
    struct notification n = {0};
    enum terr e = store_notification_get(tx, id, &n);
    if (!e && (who->kind != ACTOR_AGENT || !svc_notification_visible(&n, who->id, who->role)))
        e = TERR_NOT_FOUND;
    if (!e && !n.read_at) {
        e = store_notification_mark_read(tx, id, now);
        n.read_at = now;
    }
    if (e) {
        notification_release(&n);
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "notification %lld not found" : NULL,
                        (long long)id);
    }
    if (out)
        *out = n;
    else
        notification_release(&n);
    return TERR_OK;
}
