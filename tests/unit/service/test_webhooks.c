/*
 * Webhook subscriptions and events (src/service/webhooks.c, and the emits in
 * tickets.c): what a subscription accepts, one delivery job per matching
 * active subscription in the emitting write, none when that write rolls
 * back, and the desk's use cases emitting their events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>

#include "../store/store_fixture.h"
#include "service/tickets.h"
#include "service/webhooks.h"
#include "util/secret.h"

#define FX(state) ((struct fixture *)*(state))
#define ST(state) (FX(state)->st)

static enum terr check(const char *url, const char *e1, const char *e2)
{
    const char *events[2] = {e1, e2};
    struct webhook_new in = {.url = url, .events = events, .n_events = e2 ? 2 : e1 ? 1 : 0};
    struct terr_info ei = {0};
    return svc_webhook_check(&in, &ei);
}

static void test_check_takes_http_urls_and_known_events(void **state)
{
    (void)state;
    assert_int_equal(check("https://hooks.example.org/truce?x=1", "ticket.created", NULL), TERR_OK);
    assert_int_equal(check("HTTP://10.0.0.1:8080/", "*", "message.created"), TERR_OK);
    assert_int_equal(check("ftp://example.org/", "*", NULL), TERR_INVALID);
    assert_int_equal(check("file:///etc/passwd", "*", NULL), TERR_INVALID);
    assert_int_equal(check("http://", "*", NULL), TERR_INVALID);
    assert_int_equal(check("http://exa mple.org/", "*", NULL), TERR_INVALID);
    assert_int_equal(check("http://example.org/\n", "*", NULL), TERR_INVALID);
    assert_int_equal(check("", "*", NULL), TERR_MISSING_FIELD);
    assert_int_equal(check("http://example.org/", "ticket.deleted", NULL), TERR_INVALID);
    assert_int_equal(check("http://example.org/", NULL, NULL), TERR_INVALID);
    char long_url[2100];
    memset(long_url, 'a', sizeof(long_url) - 1);
    long_url[sizeof(long_url) - 1] = '\0';
    memcpy(long_url, "http://", 7);
    assert_int_equal(check(long_url, "*", NULL), TERR_TOO_LONG);
}

struct hook {
    const char *events[2];
    size_t n;
    bool active;
    struct webhook out;
};

static enum terr hook_tx(struct store_tx *tx, void *arg)
{
    struct hook *h = arg;
    struct actor admin = {.kind = ACTOR_AGENT, .id = 0, .role = ROLE_ADMIN};
    struct webhook_new in = {
        .url = "http://127.0.0.1:1/h", .events = h->events, .n_events = h->n, .active = h->active};
    struct terr_info ei = {0};
    return svc_webhook_create(tx, &admin, &in, &h->out, &ei);
}

static int64_t add_hook(struct store *st, const char *e1, const char *e2, bool active)
{
    struct hook h = {.events = {e1, e2}, .n = e2 ? 2 : 1, .active = active};
    assert_int_equal(store_write(st, hook_tx, &h), TERR_OK);
    assert_int_equal(strlen(h.out.secret), 64);
    int64_t id = h.out.id;
    webhook_release(&h.out);
    return id;
}

struct emit {
    const char *type;
    enum terr result; /* what the write returns after emitting */
};

static enum terr emit_tx(struct store_tx *tx, void *arg)
{
    struct emit *em = arg;
    json_t *data = json_pack("{s:i}", "ticket_id", 42);
    enum terr e = svc_webhook_emit(tx, em->type, data, 42, 1800000000000LL);
    json_decref(data);
    return e ? e : em->result;
}

struct deliveries {
    struct job *v;
    size_t n;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct deliveries *d = arg;
    return store_job_list(tx, false, JOB_QUEUED, 0, 0, &d->v, &d->n);
}

/* The queued webhook deliveries (the workflow's "ticket.check" timers left out). */
static struct deliveries jobs(struct store *st)
{
    struct deliveries d = {0};
    assert_int_equal(store_read(st, list_tx, &d), TERR_OK);
    size_t kept = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (strcmp(d.v[i].kind, WEBHOOK_JOB_KIND) == 0)
            d.v[kept++] = d.v[i];
        else
            job_release(&d.v[i]);
    }
    d.n = kept;
    return d;
}

static void test_emit_queues_one_delivery_per_matching_active_hook(void **state)
{
    int64_t created = add_hook(ST(state), "ticket.created", NULL, true);
    int64_t all = add_hook(ST(state), "*", NULL, true);
    add_hook(ST(state), "message.created", NULL, true);
    add_hook(ST(state), "ticket.created", NULL, false);
    struct emit em = {.type = "ticket.created"};
    assert_int_equal(store_write(ST(state), emit_tx, &em), TERR_OK);
    struct deliveries d = jobs(ST(state));
    assert_int_equal(d.n, 2);
    const char *first_body = NULL;
    for (size_t i = 0; i < d.n; i++) {
        assert_string_equal(d.v[i].kind, WEBHOOK_JOB_KIND);
        assert_int_equal(d.v[i].ticket_id, 42);
        assert_int_equal(d.v[i].max_attempts, WEBHOOK_MAX_ATTEMPTS);
        json_t *p = json_loads(d.v[i].payload, 0, NULL);
        assert_non_null(p);
        assert_int_equal(json_integer_value(json_object_get(p, "webhook_id")),
                         i == 0 ? created : all);
        json_t *body = json_loads(json_string_value(json_object_get(p, "body")), 0, NULL);
        assert_string_equal(json_string_value(json_object_get(body, "type")), "ticket.created");
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(body, "data"), "ticket_id")), 42);
        assert_non_null(json_string_value(json_object_get(body, "created_at")));
        /* one event: the same id in every delivery */
        const char *id = json_string_value(json_object_get(body, "id"));
        if (i == 0)
            first_body = d.v[0].payload;
        else
            assert_non_null(strstr(first_body, id));
        json_decref(body);
        json_decref(p);
    }
    jobs_free(d.v, d.n);
}

static void test_a_rolled_back_write_sends_nothing(void **state)
{
    add_hook(ST(state), "*", NULL, true);
    struct emit em = {.type = "ticket.updated", .result = TERR_INVALID};
    assert_int_equal(store_write(ST(state), emit_tx, &em), TERR_INVALID);
    struct deliveries d = jobs(ST(state));
    assert_int_equal(d.n, 0);
    jobs_free(d.v, d.n);
}

static enum terr open_tx(struct store_tx *tx, void *arg)
{
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct ticket_open in = {.subject = "Parcel",
                             .channel = CHANNEL_EMAIL,
                             .customer_email = "lin@example.org",
                             .body = "Where is my parcel?",
                             .priority = PRIORITY_NORMAL};
    struct ticket_opened out;
    struct terr_info ei;
    enum terr e = svc_ticket_open(tx, &system, &in, &out, &ei);
    if (!e) {
        *(int64_t *)arg = out.ticket.id;
        ticket_opened_release(&out);
    }
    return e;
}

static enum terr patch_tx(struct store_tx *tx, void *arg)
{
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct ticket_patch p = {.has_priority = true, .priority = PRIORITY_URGENT};
    struct terr_info ei;
    return svc_ticket_update(tx, &system, *(int64_t *)arg, &p, &ei);
}

static enum terr tags_tx(struct store_tx *tx, void *arg)
{
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct ticket_patch p = {.has_tags = true};
    strlist_push(&p.tags, "vip");
    struct terr_info ei;
    enum terr e = svc_ticket_update(tx, &system, *(int64_t *)arg, &p, &ei);
    strlist_release(&p.tags);
    return e;
}

static enum terr message_tx(struct store_tx *tx, void *arg)
{
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct message_new in = {.author = AUTHOR_CUSTOMER, .body = "Still waiting"};
    struct message m;
    struct terr_info ei;
    enum terr e = svc_message_add(tx, &system, *(int64_t *)arg, &in, &m, &ei);
    if (!e)
        message_release(&m);
    return e;
}

/* The event type of each queued delivery, in order, comma-separated. */
static void event_types(struct store *st, char *out, size_t len)
{
    struct deliveries d = jobs(st);
    out[0] = '\0';
    for (size_t i = 0; i < d.n; i++) {
        json_t *p = json_loads(d.v[i].payload, 0, NULL);
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s", i ? "," : "",
                 json_string_value(json_object_get(p, "event_type")));
        json_decref(p);
    }
    jobs_free(d.v, d.n);
}

static void test_ticket_use_cases_emit_their_events(void **state)
{
    add_hook(ST(state), "*", NULL, true);
    int64_t id = 0;
    char types[256];
    assert_int_equal(store_write(ST(state), open_tx, &id), TERR_OK);
    assert_int_equal(store_write(ST(state), patch_tx, &id), TERR_OK);
    /* a tags-only change is audited but not a ticket.updated event */
    assert_int_equal(store_write(ST(state), tags_tx, &id), TERR_OK);
    assert_int_equal(store_write(ST(state), message_tx, &id), TERR_OK);
    event_types(ST(state), types, sizeof(types));
    /* No agent can take the new ticket, so the leads hear of it
     * (notification.created) in the same write. */
    assert_string_equal(types,
                        "ticket.created,notification.created,ticket.updated,message.created");

    struct deliveries d = jobs(ST(state));
    json_t *p = json_loads(d.v[2].payload, 0, NULL);
    json_t *body = json_loads(json_string_value(json_object_get(p, "body")), 0, NULL);
    json_t *data = json_object_get(body, "data");
    assert_string_equal(json_string_value(json_array_get(json_object_get(data, "changes"), 0)),
                        "priority");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(data, "after"), "priority")), "urgent");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(data, "before"), "priority")), "normal");
    json_decref(body);
    json_decref(p);
    jobs_free(d.v, d.n);
}

int main(void)
{
    if (secret_init())
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_takes_http_urls_and_known_events),
#define T(f) cmocka_unit_test_setup_teardown(f, store_setup, fixture_teardown)
        T(test_emit_queues_one_delivery_per_matching_active_hook),
        T(test_a_rolled_back_write_sends_nothing),
        T(test_ticket_use_cases_emit_their_events),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
