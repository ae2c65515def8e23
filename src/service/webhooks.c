/* Webhook subscriptions and events (webhooks.h). */
#include "webhooks.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "scheduler.h"

const char *const svc_webhook_event_types[] = {
    "ticket.created",      "ticket.updated",      "ticket.level_changed", "message.created",
    "ticket.sla_reminder", "ticket.sla_breached", "offer.proposed",       "offer.approved",
    "offer.rejected",      "offer.withdrawn",     "notification.created", NULL,
};

bool svc_webhook_event_known(const char *type)
{
    if (!type)
        return false;
    if (strcmp(type, "*") == 0)
        return true;
    for (size_t i = 0; svc_webhook_event_types[i]; i++)
        if (strcmp(type, svc_webhook_event_types[i]) == 0)
            return true;
    return false;
}

/* An http or https URL with a host and only printable ASCII. */
static bool url_ok(const char *url)
{
    size_t skip;
    if (strncasecmp(url, "http://", 7) == 0)
        skip = 7;
    else if (strncasecmp(url, "https://", 8) == 0)
        skip = 8;
    else
        return false;
    const char *host = url + skip;
    if (!*host || *host == '/' || *host == ':' || *host == '?' || *host == '#')
        return false;
    for (const char *p = url; *p; p++)
        if (*p <= ' ' || *p >= 127)
            return false;
    return true;
}

enum terr svc_webhook_check(const struct webhook_new *in, struct terr_info *ei)
{
    if (!in->url || !*in->url)
        return terr_set(ei, TERR_MISSING_FIELD, "url", "'url' is required");
    if (strlen(in->url) > WEBHOOK_URL_MAX)
        return terr_set(ei, TERR_TOO_LONG, "url", "'url' is longer than %d bytes", WEBHOOK_URL_MAX);
    if (!url_ok(in->url))
        return terr_set(ei, TERR_INVALID, "url",
                        "'url' must be an http:// or https:// URL with a host, without spaces");
    if (in->n_events == 0)
        return terr_set(ei, TERR_INVALID, "events", "'events' needs at least one event type");
    if (in->n_events > WEBHOOK_EVENTS_MAX)
        return terr_set(ei, TERR_INVALID, "events", "'events' has more than %d items",
                        WEBHOOK_EVENTS_MAX);
    for (size_t i = 0; i < in->n_events; i++)
        if (!svc_webhook_event_known(in->events[i])) {
            char known[512];
            size_t used = 0;
            for (size_t k = 0; svc_webhook_event_types[k] && used < sizeof(known); k++) {
                int w = snprintf(known + used, sizeof(known) - used, "%s, ",
                                 svc_webhook_event_types[k]);
                used += w > 0 ? (size_t)w : 0;
            }
            return terr_set(ei, TERR_INVALID, "events", "'%.64s' is not an event type (%.*sor *)",
                            in->events[i] ? in->events[i] : "", (int)sizeof(known), known);
        }
    return TERR_OK;
}

static json_t *events_json(const struct strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

enum terr svc_webhook_create(struct store_tx *tx, const struct actor *who,
                             const struct webhook_new *in, struct webhook *out,
                             struct terr_info *ei)
{
    enum terr e = svc_webhook_check(in, ei);
    if (e)
        return e;
    unsigned char raw[WEBHOOK_SECRET_BYTES];
    char hex[WEBHOOK_SECRET_HEX];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
    struct webhook w = {
        .url = xstrdup(in->url),
        .secret = xstrdup(hex),
        .active = in->active,
        .created_by = who->kind == ACTOR_AGENT ? who->id : 0,
        .created_at = time_now_ms(),
    };
    sodium_memzero(hex, sizeof(hex));
    for (size_t i = 0; i < in->n_events; i++)
        if (!strlist_contains(&w.events, in->events[i]))
            strlist_push(&w.events, in->events[i]);
    e = store_webhook_insert(tx, &w);
    if (!e) {
        char *after = json_dump_record(json_pack("{s:s, s:o, s:b}", "url", w.url, "events",
                                                 events_json(&w.events), "active", w.active),
                                       "a webhook record");
        e = svc_audit(tx, who, "webhook.create", "webhook", w.id, 0, NULL, after, w.created_at);
        free(after);
    }
    if (e) {
        webhook_release(&w);
        return terr_set(ei, e, NULL, NULL);
    }
    *out = w;
    return TERR_OK;
}

enum terr svc_webhook_remove(struct store_tx *tx, const struct actor *who, int64_t id,
                             struct terr_info *ei)
{
    struct webhook w;
    enum terr e = store_webhook_get(tx, id, &w);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "webhook %lld not found" : NULL,
                        (long long)id);
    char *before = json_dump_record(json_pack("{s:s, s:o, s:b}", "url", w.url, "events",
                                              events_json(&w.events), "active", w.active),
                                    "a webhook record");
    webhook_release(&w);
    e = store_webhook_delete(tx, id);
    if (!e)
        e = svc_audit(tx, who, "webhook.delete", "webhook", id, 0, before, NULL, time_now_ms());
    free(before);
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}

enum terr svc_webhook_emit(struct store_tx *tx, const char *event_type, json_t *data,
                           int64_t ticket_id, int64_t now)
{
    struct webhook *v;
    size_t n;
    enum terr e = store_webhook_matching(tx, event_type, &v, &n);
    if (e || n == 0)
        return e;
    /* One id per event, shared by its deliveries; the job id tells deliveries apart. */
    unsigned char raw[16];
    char id[4 + 2 * sizeof(raw) + 1] = "evt_";
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(id + 4, sizeof(id) - 4, raw, sizeof(raw));
    char at[TIME_ISO_LEN];
    char *body = json_dump_record(json_pack("{s:s, s:s, s:s, s:O}", "id", id, "type", event_type,
                                            "created_at", time_format_iso(now, at), "data", data),
                                  "a webhook record");
    for (size_t i = 0; i < n && !e; i++) {
        char *payload =
            json_dump_record(json_pack("{s:I, s:s, s:s}", "webhook_id", (json_int_t)v[i].id,
                                       "event_type", event_type, "body", body),
                             "a webhook record");
        char key[96];
        snprintf(key, sizeof(key), "webhook:%lld:%s", (long long)v[i].id, id);
        e = svc_job_enqueue(tx, WEBHOOK_JOB_KIND, ticket_id, payload, key, 0, NULL);
        free(payload);
    }
    free(body);
    webhooks_free(v, n);
    return e;
}
