/*
 * The webhook delivery handler (webhook.h).  It reads the subscription (its
 * URL and secret may have changed since the event; the body has not: it is
 * stored in the job), POSTs with libcurl on the scheduler's thread, and
 * leaves the attempt's delivery-log row to be written with the job's outcome,
 * under its lease.
 */
#include "webhook.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/scheduler.h"
#include "../service/webhooks.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"

void webhook_sign(const char *secret, int64_t timestamp, const char *body, size_t body_len,
                  char out[WEBHOOK_SIGNATURE_MAX])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char ts[24];
    int n = snprintf(ts, sizeof(ts), "%lld.", (long long)timestamp);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, WEBHOOK_SIGNATURE_MAX - 7, mac, sizeof(mac));
}

/* What one attempt did, for the delivery log. */
struct attempt {
    int64_t webhook_id;
    char event_type[64];
    int status; /* 0: no HTTP answer */
    char error[256];
    int64_t duration_ms;
    int64_t at;
};

static enum terr record_attempt(struct store_tx *tx, struct job_run *run, bool ok)
{
    (void)ok;
    struct attempt *a = run->record_arg;
    struct webhook_delivery d = {
        .webhook_id = a->webhook_id,
        .job_id = run->job->id,
        .event_type = a->event_type,
        .attempt = run->job->attempts,
        .status = a->status,
        .error = a->error[0] ? a->error : NULL,
        .duration_ms = a->duration_ms,
        .at = a->at,
    };
    enum terr e = store_delivery_insert(tx, &d);
    /* The subscription was deleted while we were sending: nothing to log on. */
    return e == TERR_NOT_FOUND ? TERR_OK : e;
}

static size_t discard(char *data, size_t size, size_t nmemb, void *arg)
{
    (void)data;
    (void)arg;
    return size * nmemb;
}

/* Aborts a transfer when the server is stopping. */
static int progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                    curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    const atomic_bool *stopping = arg;
    return stopping && atomic_load(stopping) ? 1 : 0;
}

struct hook_read {
    int64_t id;
    struct webhook w;
};

static enum terr hook_read_tx(struct store_tx *tx, void *arg)
{
    struct hook_read *r = arg;
    return store_webhook_get(tx, r->id, &r->w);
}

/* POSTs body to w; fills a->status and a->error.  TERR_OK on a 2xx. */
static enum terr post(const struct webhook *w, const char *event_type, const char *body,
                      int64_t job_id, const atomic_bool *stopping, struct attempt *a)
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(a->error, sizeof(a->error), "cannot start a transfer");
        return TERR_INTERNAL;
    }
    int64_t ts = time_now_ms() / 1000;
    char sig[WEBHOOK_SIGNATURE_MAX], h[160];
    webhook_sign(w->secret, ts, body, strlen(body), sig);
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    snprintf(h, sizeof(h), "X-Truce-Event: %s", event_type);
    hdr = curl_slist_append(hdr, h);
    snprintf(h, sizeof(h), "X-Truce-Delivery: %lld", (long long)job_id);
    hdr = curl_slist_append(hdr, h);
    snprintf(h, sizeof(h), "X-Truce-Timestamp: %lld", (long long)ts);
    hdr = curl_slist_append(hdr, h);
    snprintf(h, sizeof(h), "X-Truce-Signature: %s", sig);
    hdr = curl_slist_append(hdr, h);
    hdr = curl_slist_append(hdr, "Expect:"); /* no 100-continue round trip */
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, w->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)WEBHOOK_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)WEBHOOK_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "truce-webhooks/1");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)(uintptr_t)stopping);
    int64_t t0 = time_mono_ns();
    CURLcode rc = curl_easy_perform(c);
    a->duration_ms = (time_mono_ns() - t0) / 1000000;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        snprintf(a->error, sizeof(a->error), "stopped: the server is shutting down");
        return TERR_IO;
    }
    if (rc != CURLE_OK) {
        snprintf(a->error, sizeof(a->error), "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return TERR_IO;
    }
    a->status = (int)status;
    if (status < 200 || status > 299) {
        snprintf(a->error, sizeof(a->error), "the receiver answered HTTP %ld", status);
        return TERR_IO;
    }
    return TERR_OK;
}

static enum terr deliver(struct job_run *run)
{
    json_t *p = json_loads(run->job->payload, 0, NULL);
    json_t *hook_id = json_object_get(p, "webhook_id");
    const char *type = json_string_value(json_object_get(p, "event_type"));
    const char *body = json_string_value(json_object_get(p, "body"));
    if (!json_is_integer(hook_id) || !type || !body) {
        json_decref(p);
        snprintf(run->error, sizeof(run->error), "the job's payload is not a webhook delivery");
        run->permanent = true;
        return TERR_INVALID;
    }
    struct hook_read r = {.id = json_integer_value(hook_id)};
    enum terr e = store_read(run->st, hook_read_tx, &r);
    if (e) {
        json_decref(p);
        if (e == TERR_NOT_FOUND) {
            snprintf(run->error, sizeof(run->error), "webhook %lld was removed", (long long)r.id);
            run->permanent = true;
        }
        return e;
    }
    if (!r.w.active) {
        snprintf(run->error, sizeof(run->error), "webhook %lld is inactive", (long long)r.id);
        run->permanent = true;
        webhook_release(&r.w);
        json_decref(p);
        return TERR_CONFLICT;
    }
    struct attempt *a = xcalloc(1, sizeof(*a));
    a->webhook_id = r.id;
    snprintf(a->event_type, sizeof(a->event_type), "%s", type);
    a->at = time_now_ms();
    e = post(&r.w, type, body, run->job->id, run->stopping, a);
    webhook_release(&r.w);
    json_decref(p);
    if (e && run->stopping && atomic_load(run->stopping) && a->status == 0) {
        /* Cut short by the stop: not an attempt, nothing to log. */
        run->abandoned = true;
        free(a);
        return e;
    }
    if (e)
        snprintf(run->error, sizeof(run->error), "%s", a->error);
    run->record = record_attempt;
    run->record_arg = a;
    run->record_free = free;
    return e;
}

enum terr webhook_setup(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return TERR_INTERNAL;
    svc_scheduler_register(WEBHOOK_JOB_KIND, deliver);
    return TERR_OK;
}

void webhook_cleanup(void)
{
    curl_global_cleanup();
}
