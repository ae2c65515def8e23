/*
 * Webhooks: admins subscribe URLs to event types; an event emitted inside a
 * write transaction enqueues one delivery job per matching active
 * subscription in that same transaction, so an event is never lost and never
 * sent for a write that rolled back.  The jobs are delivered by the
 * "webhook.deliver" handler (src/channels/webhook.c) with the body stored in
 * the job, so every retry sends the same bytes.
 */
#ifndef TRUCE_SVC_WEBHOOKS_H
#define TRUCE_SVC_WEBHOOKS_H

#include <jansson.h>

#include "../store/store_jobs.h"
#include "service.h"

#define WEBHOOK_JOB_KIND     "webhook.deliver"
#define WEBHOOK_URL_MAX      2000
#define WEBHOOK_EVENTS_MAX   32
#define WEBHOOK_SECRET_BYTES 32 /* shown as 64 hex characters */
#define WEBHOOK_SECRET_HEX   (2 * WEBHOOK_SECRET_BYTES + 1)
#define WEBHOOK_MAX_ATTEMPTS 8

/* The event types a subscription may name (besides "*"), NULL-terminated. */
extern const char *const svc_webhook_event_types[];
/* True for a known event type or "*". */
bool svc_webhook_event_known(const char *type);

/* A new subscription; strings borrowed. */
struct webhook_new {
    const char *url;
    const char *const *events; /* n_events names; "*" for all */
    size_t n_events;
    bool active;
};

/* Checks a subscription without storing it: an http(s) URL of at most
 * WEBHOOK_URL_MAX bytes with a host, and 1..WEBHOOK_EVENTS_MAX known event
 * types.  TERR_INVALID (or TERR_TOO_LONG) naming "url" or "events". */
enum terr svc_webhook_check(const struct webhook_new *in, struct terr_info *ei);

/* Checks and stores a subscription with a new random secret, audited
 * (without the secret).  On success *out is the stored record, secret
 * included (release with webhook_release). */
enum terr svc_webhook_create(struct store_tx *tx, const struct actor *who,
                             const struct webhook_new *in, struct webhook *out,
                             struct terr_info *ei);
/* Deletes a subscription and its delivery log, audited; TERR_NOT_FOUND if unknown.
 * Deliveries still queued for it end as failed when their turn comes. */
enum terr svc_webhook_remove(struct store_tx *tx, const struct actor *who, int64_t id,
                             struct terr_info *ei);

/* Emits an event inside the caller's write: for every active subscription to
 * event_type, enqueues a delivery of {"id","type","created_at","data"} with
 * `data` (borrowed).  ticket_id (0: none) is kept on the jobs. */
enum terr svc_webhook_emit(struct store_tx *tx, const char *event_type, json_t *data,
                           int64_t ticket_id, int64_t now);

#endif
