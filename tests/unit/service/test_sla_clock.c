/*
 * src/service/sla_clock.c against a real store: the configuration kept in
 * settings, which targets and calendar a ticket gets, pauses while pending,
 * reminders and breaches announced once, and the next check queued.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../store/store_fixture.h"
#include "service/sla_clock.h"
#include "service/workflow.h"
#include "store/store_jobs.h"
#include "store/store_sla.h"

#define ST(state) (((struct fixture *)*(state))->st)
/* Friday 2027-01-15 08:00 UTC. */
#define NOW    1800000000000LL
#define SEC    1000LL
#define MINUTE (60 * SEC)
#define HOUR   (60 * MINUTE)

static const struct actor admin = {.kind = ACTOR_AGENT, .id = 0, .role = ROLE_ADMIN};

/* ---- helpers: each runs one transaction ---- */

struct config_job {
    struct sla_config_update in;
    struct terr_info ei;
};

static enum terr config_tx(struct store_tx *tx, void *arg)
{
    struct config_job *j = arg;
    return svc_sla_configure(tx, &admin, &j->in, NULL, &j->ei);
}

static void configure(struct store *st, const char *policy, const char *calendar)
{
    struct config_job j = {.in = {.policy = policy, .calendar = calendar}};
    assert_int_equal(store_write(st, config_tx, &j), TERR_OK);
}

/* A ticket opened at NOW by a customer's message. */
static int64_t seed_ticket(struct store *st, enum priority pr, enum level lv)
{
    int64_t cid = seed_customer(st, "Cy", NULL);
    struct ticket t = {.subject = xstrdup("Late parcel"),
                       .status = STATUS_NEW,
                       .priority = pr,
                       .level = lv,
                       .peak_level = lv,
                       .channel = CHANNEL_CHAT,
                       .customer_id = cid,
                       .created_at = NOW,
                       .updated_at = NOW};
    assert_int_equal(store_write(st, tx_ticket_insert, &t), TERR_OK);
    int64_t id = t.id;
    ticket_release(&t);
    return id;
}

struct run_job {
    int64_t id;
    int64_t now;
    bool has_status;
    enum ticket_status status;
    bool changed;
    struct ticket out;
    struct terr_info ei;
};

/* As the workflow does: the SLA part, then the ticket stored. */
static enum terr run_tx(struct store_tx *tx, void *arg)
{
    struct run_job *j = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, j->id, &t);
    if (e)
        return e;
    if (j->has_status)
        t.status = j->status;
    e = svc_sla_run(tx, &t, j->now, &j->changed, &j->ei);
    if (!e)
        e = store_ticket_update(tx, &t);
    if (!e)
        j->out = t;
    else
        ticket_release(&t);
    return e;
}

/* Runs the clocks of ticket id at now (with the status changed first when
 * status >= 0); returns the ticket as stored. */
static struct ticket run_at(struct store *st, int64_t id, int64_t now, int status)
{
    struct run_job j = {.id = id, .now = now, .has_status = status >= 0};
    if (status >= 0)
        j.status = (enum ticket_status)status;
    assert_int_equal(store_write(st, run_tx, &j), TERR_OK);
    return j.out;
}

struct reads {
    int64_t id;
    struct event *events;
    size_t n_events;
    struct job *jobs;
    size_t n_jobs;
    struct sla_pause *pauses;
    size_t n_pauses;
};

static enum terr reads_tx(struct store_tx *tx, void *arg)
{
    struct reads *r = arg;
    enum terr e = store_event_list(tx, r->id, &r->events, &r->n_events);
    if (!e)
        e = store_job_list(tx, true, JOB_QUEUED, 0, 0, &r->jobs, &r->n_jobs);
    if (!e)
        e = store_pause_list(tx, r->id, &r->pauses, &r->n_pauses);
    return e;
}

static struct reads read_all(struct store *st, int64_t id)
{
    struct reads r = {.id = id};
    assert_int_equal(store_read(st, reads_tx, &r), TERR_OK);
    return r;
}

static void reads_release(struct reads *r)
{
    events_free(r->events, r->n_events);
    jobs_free(r->jobs, r->n_jobs);
    free(r->pauses);
}

/* Events of action whose after JSON contains `has` (NULL: any). */
static size_t count_events(const struct reads *r, const char *action, const char *has)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_events; i++)
        if (strcmp(r->events[i].action, action) == 0 &&
            (!has || (r->events[i].after_json && strstr(r->events[i].after_json, has))))
            n++;
    return n;
}

/* ---- tests ---- */

static void test_defaults_when_nothing_is_set(void **state)
{
    /* A desk that set nothing: the shipped policy on 24x7. */
    int64_t id = seed_ticket(ST(state), PRIORITY_NORMAL, LEVEL_CALM);
    struct ticket t = run_at(ST(state), id, NOW + SEC, -1);
    assert_int_equal(t.due_at, NOW + 8 * HOUR); /* normal first response: 8 business hours */
    assert_int_equal(t.breached_at, 0);
    ticket_release(&t);
}

static void test_hostile_ticket_gets_hostile_targets(void **state)
{
    configure(ST(state), "normal first_response=1h; hostile first_response=10m", "24x7");
    int64_t calm = seed_ticket(ST(state), PRIORITY_NORMAL, LEVEL_CALM);
    int64_t hostile = seed_ticket(ST(state), PRIORITY_NORMAL, LEVEL_HOSTILE);
    struct ticket a = run_at(ST(state), calm, NOW + SEC, -1);
    struct ticket b = run_at(ST(state), hostile, NOW + SEC, -1);
    assert_int_equal(a.due_at, NOW + HOUR);
    assert_int_equal(b.due_at, NOW + 10 * MINUTE);
    ticket_release(&a);
    ticket_release(&b);
}

static void test_urgent_24x7_overrides_business_hours(void **state)
{
    /* Business hours from 09:00; the ticket comes on Friday at 08:00. */
    configure(ST(state), "normal first_response=1h; hostile first_response=1h",
              "mon-fri 09:00-17:00");
    int64_t calm = seed_ticket(ST(state), PRIORITY_NORMAL, LEVEL_CALM);
    int64_t hostile = seed_ticket(ST(state), PRIORITY_NORMAL, LEVEL_HOSTILE);
    /* Created Friday 08:00; the calm clock counts from 09:00: due 10:00. */
    struct ticket a = run_at(ST(state), calm, NOW + SEC, -1);
    struct ticket b = run_at(ST(state), hostile, NOW + SEC, -1);
    assert_int_equal(a.due_at, NOW + 2 * HOUR);
    assert_int_equal(b.due_at, NOW + HOUR); /* round the clock */
    ticket_release(&a);
    ticket_release(&b);

    struct config_job off = {.in = {.has_urgent_24x7 = true, .urgent_24x7 = false}};
    assert_int_equal(store_write(ST(state), config_tx, &off), TERR_OK);
    b = run_at(ST(state), hostile, NOW + 2 * SEC, -1);
    assert_int_equal(b.due_at, NOW + 2 * HOUR); /* now on the calendar too */
    ticket_release(&b);
}

static void test_pending_pauses_resolution(void **state)
{
    configure(ST(state), "normal resolution=1h", "24x7");
    int64_t id = seed_ticket(ST(state), PRIORITY_NORMAL, LEVEL_CALM);
    struct ticket t = run_at(ST(state), id, NOW + 10 * MINUTE, STATUS_PENDING);
    assert_int_equal(t.due_at, 0); /* paused: no running clock */
    ticket_release(&t);
    struct reads r = read_all(ST(state), id);
    assert_int_equal(r.n_pauses, 1);
    assert_int_equal(r.pauses[0].from, NOW + 10 * MINUTE);
    assert_int_equal(r.pauses[0].to, 0);
    reads_release(&r);

    /* Still pending later: no second pause. */
    t = run_at(ST(state), id, NOW + 20 * MINUTE, -1);
    ticket_release(&t);
    /* Back to open after 30 minutes waiting: the due time moves 30 minutes. */
    t = run_at(ST(state), id, NOW + 40 * MINUTE, STATUS_OPEN);
    assert_int_equal(t.due_at, NOW + HOUR + 30 * MINUTE);
    ticket_release(&t);
    r = read_all(ST(state), id);
    assert_int_equal(r.n_pauses, 1);
    assert_int_equal(r.pauses[0].to, NOW + 40 * MINUTE);
    reads_release(&r);
}

static void test_alerts_once_and_breach(void **state)
{
    configure(ST(state), "normal first_response=10s", "24x7");
    int64_t id = seed_ticket(ST(state), PRIORITY_NORMAL, LEVEL_CALM);
    /* 8 s in: the 50% and 75% reminders are due, the breach is not. */
    struct ticket t = run_at(ST(state), id, NOW + 8 * SEC, -1);
    assert_int_equal(t.breached_at, 0);
    assert_int_equal(t.sla_breached, 0);
    ticket_release(&t);
    t = run_at(ST(state), id, NOW + 9 * SEC, -1); /* again: nothing new */
    ticket_release(&t);
    struct reads r = read_all(ST(state), id);
    assert_int_equal(count_events(&r, "sla.reminder", NULL), 2);
    assert_int_equal(count_events(&r, "sla.reminder", "\"percent\":50"), 1);
    assert_int_equal(count_events(&r, "sla.reminder", "\"percent\":75"), 1);
    assert_int_equal(count_events(&r, "sla.breached", NULL), 0);
    reads_release(&r);

    t = run_at(ST(state), id, NOW + 11 * SEC, -1);
    assert_int_equal(t.breached_at, NOW + 10 * SEC);
    assert_int_equal(t.sla_breached, 1u << SLA_FIRST_RESPONSE);
    assert_int_equal(t.due_at, 0); /* the only clock is breached */
    ticket_release(&t);
    t = run_at(ST(state), id, NOW + 12 * SEC, -1);
    ticket_release(&t);
    r = read_all(ST(state), id);
    assert_int_equal(count_events(&r, "sla.breached", "\"metric\":\"first_response\""), 1);
    assert_int_equal(count_events(&r, "sla.reminder", NULL), 2);
    reads_release(&r);
}

static void test_next_check_queued(void **state)
{
    configure(ST(state), "normal first_response=10s", "24x7");
    int64_t id = seed_ticket(ST(state), PRIORITY_NORMAL, LEVEL_CALM);
    struct ticket t = run_at(ST(state), id, NOW + SEC, -1);
    ticket_release(&t);
    struct reads r = read_all(ST(state), id);
    size_t checks = 0;
    for (size_t i = 0; i < r.n_jobs; i++)
        if (strcmp(r.jobs[i].kind, WORKFLOW_JOB_CHECK) == 0 && r.jobs[i].ticket_id == id) {
            checks++;
            /* The 50% reminder, 4 s after the run (the queue counts from its own clock). */
            char key[64];
            snprintf(key, sizeof(key), WORKFLOW_JOB_CHECK ":%lld:%lld", (long long)id,
                     NOW + 5 * SEC);
            assert_string_equal(r.jobs[i].dedupe_key, key);
            assert_int_equal(r.jobs[i].run_at - r.jobs[i].created_at, 4 * SEC);
        }
    assert_int_equal(checks, 1);
    reads_release(&r);

    /* Resolved: the clocks stop and nothing more is queued. */
    t = run_at(ST(state), id, NOW + 2 * SEC, STATUS_RESOLVED);
    ticket_release(&t);
    r = read_all(ST(state), id);
    checks = 0;
    for (size_t i = 0; i < r.n_jobs; i++)
        if (strcmp(r.jobs[i].kind, WORKFLOW_JOB_CHECK) == 0 && r.jobs[i].ticket_id == id)
            checks++;
    assert_int_equal(checks, 1); /* only the one queued before */
    reads_release(&r);
}

static enum terr config_get_tx(struct store_tx *tx, void *arg)
{
    return svc_sla_config_get(tx, arg);
}

static void test_bad_spec_changes_nothing(void **state)
{
    configure(ST(state), "normal first_response=10s", NULL);
    struct config_job j = {.in = {.policy = "urgent first_response=1h", .calendar = "mon-xyz"}};
    assert_int_equal(store_write(ST(state), config_tx, &j), TERR_INVALID);
    assert_string_equal(j.ei.field, "calendar");
    struct sla_config *c = xcalloc(1, sizeof(*c));
    assert_int_equal(store_read(ST(state), config_get_tx, c), TERR_OK);
    assert_string_equal(c->policy_spec, "normal first_response=10s");
    assert_string_equal(c->calendar_spec, "24x7");
    assert_true(c->urgent_24x7);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults_when_nothing_is_set, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_ticket_gets_hostile_targets, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_urgent_24x7_overrides_business_hours, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_pending_pauses_resolution, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_alerts_once_and_breach, store_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_next_check_queued, store_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bad_spec_changes_nothing, store_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
