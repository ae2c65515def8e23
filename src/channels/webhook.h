/*
 * Outbound webhooks: the "webhook.deliver" job handler.  Each delivery is an
 * HTTP POST of the event's JSON body with
 *   Content-Type: application/json
 *   X-Truce-Event: <event type>
 *   X-Truce-Delivery: <job id>  (the same on every retry: receivers dedupe by it)
 *   X-Truce-Timestamp: <unix seconds>
 *   X-Truce-Signature: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>
 * where the HMAC key is the subscription's secret as shown (its 64 hex
 * characters).  Connect timeout 5 s, total 10 s, redirects never followed;
 * a 2xx answer is delivered, anything else is retried by the scheduler.
 * Every attempt is logged in the subscription's delivery log.
 */
#ifndef TRUCE_CHANNEL_WEBHOOK_H
#define TRUCE_CHANNEL_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"

#define WEBHOOK_SIGNATURE_MAX (7 + 64 + 1) /* "sha256=" + 64 hex + NUL */
#define WEBHOOK_CONNECT_TIMEOUT_MS 5000
#define WEBHOOK_TIMEOUT_MS         10000

/* Writes "sha256=<hex>" of HMAC-SHA256 keyed with `secret` over
 * "<timestamp>.<body>" into out.  This function can't fail. */
void webhook_sign(const char *secret, int64_t timestamp, const char *body, size_t body_len,
                  char out[WEBHOOK_SIGNATURE_MAX]);

/* Initialises libcurl and registers the delivery handler with the scheduler;
 * call once, before any thread starts.  TERR_INTERNAL if libcurl fails. */
enum terr webhook_setup(void);
/* Frees libcurl's global state, after the scheduler stopped. */
void webhook_cleanup(void);

#endif
