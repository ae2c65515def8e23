/* The housekeeping's risk refresh: waiting time shows in the risk of tickets
 * nobody wrote to, and only tickets whose risk moved are written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../store/store_fixture.h"
#include "analysis/analysis.h"
#include "service/conflict.h"
#include "service/tickets.h"

#define HOUR (3600 * 1000LL)
#define NOW 1800000000000LL

static struct analysis_data *data;

static int load_analysis(void **state)
{
    (void)state;
    char err[256];
    data = analysis_data_load("data", NULL, err, sizeof err);
    if (!data) {
        fprintf(stderr, "analysis_data_load: %s\n", err);
        return -1;
    }
    svc_conflict_setup(data);
    return 0;
}

static int unload_analysis(void **state)
{
    (void)state;
    svc_conflict_setup(NULL);
    svc_conflict_thread_done();
    analysis_data_free(data);
    return 0;
}

struct opening {
    const char *body;
    int64_t at;
    int64_t id;
};

static enum terr open_tx(struct store_tx *tx, void *arg)
{
    struct opening *o = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct ticket_open in = {.subject = "Order",
                             .channel = CHANNEL_EMAIL,
                             .customer_email = "aisha@example.org",
                             .body = o->body,
                             .priority = PRIORITY_NORMAL,
                             .created_at = o->at};
    struct ticket_opened out;
    struct terr_info ei;
    enum terr e = svc_ticket_open(tx, &system, &in, &out, &ei);
    if (!e) {
        o->id = out.ticket.id;
        ticket_opened_release(&out);
    }
    return e;
}

struct look {
    int64_t id;
    struct ticket t;
};

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct look *l = arg;
    return store_ticket_get(tx, l->id, &l->t);
}

static struct ticket ticket_of(struct store *st, int64_t id)
{
    struct look l = {.id = id};
    assert_int_equal(store_read(st, get_tx, &l), TERR_OK);
    return l.t;
}

static int64_t open_ticket(struct store *st, const char *body, int64_t at)
{
    struct opening o = {.body = body, .at = at};
    assert_int_equal(store_write(st, open_tx, &o), TERR_OK);
    return o.id;
}

static void waiting_raises_the_risk_of_untouched_tickets(void **state)
{
    struct fixture *f = *state;
    int64_t id = open_ticket(f->st, "My order still hasn't arrived. When will it ship?",
                             NOW - 30 * HOUR);
    struct ticket before = ticket_of(f->st, id);

    int64_t changed = -1;
    assert_int_equal(svc_conflict_refresh(f->st, NOW, &changed), TERR_OK);
    assert_int_equal(changed, 1);
    struct ticket after = ticket_of(f->st, id);
    assert_true(after.risk > before.risk);
    assert_non_null(strstr(after.risk_reasons, "waited 30 h"));
    /* The refresh is not a change by anyone: the ticket keeps its place in
     * "recently updated". */
    assert_int_equal(after.updated_at, before.updated_at);

    /* Nothing more to do at the same moment. */
    assert_int_equal(svc_conflict_refresh(f->st, NOW, &changed), TERR_OK);
    assert_int_equal(changed, 0);
    ticket_release(&before);
    ticket_release(&after);
}

/* More tickets than one page: every waiting ticket is reached, the ones
 * that waited longest included. */
static void every_waiting_ticket_is_refreshed(void **state)
{
    struct fixture *f = *state;
    enum { N = 450 };
    int64_t first = 0;
    for (int i = 0; i < N; i++) {
        int64_t id = open_ticket(f->st, "Where is my refund?", NOW - 40 * HOUR + i * 1000);
        if (i == 0)
            first = id;
    }
    int64_t changed = 0;
    assert_int_equal(svc_conflict_refresh(f->st, NOW, &changed), TERR_OK);
    assert_int_equal(changed, N);
    struct ticket t = ticket_of(f->st, first);
    assert_non_null(strstr(t.risk_reasons, "waited"));
    ticket_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(waiting_raises_the_risk_of_untouched_tickets,
                                        store_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(every_waiting_ticket_is_refreshed, store_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, load_analysis, unload_analysis);
}
