/* Notifications to staff (notify.h). */
#include "notify.h"

#include <jansson.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "../util/utf8.h"
#include "../domain/mentions.h"
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

/* Whether email's local part (before the last "@") is name, ignoring ASCII case. */
static bool local_part_is(const char *email, const char *name)
{
    const char *at = email ? strrchr(email, '@') : NULL;
    size_t len = strlen(name);
    if (!at || (size_t)(at - email) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = email[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != name[i])
            return false;
    }
    return true;
}

enum terr svc_notify_mentions(struct store_tx *tx, const struct actor *who, const struct ticket *t,
                              const char *body, int64_t now)
{
    char names[MENTIONS_MAX][MENTION_NAME_MAX + 1];
    size_t n = mentions_parse(body, names, MENTIONS_MAX);
    if (n == 0)
        return TERR_OK;
    struct agent *v;
    size_t na;
    enum terr e = store_agent_list(tx, &v, &na);
    if (e)
        return e;
    const char *writer = "a colleague";
    for (size_t i = 0; i < na; i++)
        if (v[i].id == who->id && v[i].name && v[i].name[0])
            writer = v[i].name;
    char text[NOTIFY_TEXT_MAX];
    snprintf(text, sizeof(text), "%s mentioned you in a note on ticket #%lld: %s", writer,
             (long long)t->id, t->subject ? t->subject : "");
    for (size_t i = 0; i < na && !e; i++) {
        if (v[i].id == who->id)
            continue; /* a note to oneself tells no one */
        bool named = false;
        for (size_t k = 0; k < n && !named; k++)
            named = local_part_is(v[i].email, names[k]);
        if (named)
            e = svc_notify(tx, v[i].id, v[i].role, t->id, "mention", text, now);
    }
    agents_free(v, na);
    return e;
}
