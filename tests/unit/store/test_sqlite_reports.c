/*
 * src/store/sqlite/sqlite_reports.c: the trends' ticket counts and the
 * outcome rows every report adds up, over reports_seed.h's hand-computed
 * data set.  (Trends' SLA, surveys and de-escalation are those outcomes,
 * added up per bucket by the service: tests/unit/service/test_insights.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "reports_seed.h"
#include "store_fixture.h"

#define ST(state) (((struct fixture *)*(state))->st)

struct trends_job {
    struct trend_query q;
    struct trend_report r;
};

static enum terr trends_tx(struct store_tx *tx, void *arg)
{
    struct trends_job *j = arg;
    return store_report_trends(tx, &j->q, &j->r);
}

static int64_t category(const struct trend_bucket *b, const char *key)
{
    for (size_t i = 0; i < b->n_categories; i++)
        if (strcmp(b->by_category[i].key, key) == 0)
            return b->by_category[i].n;
    return -1;
}

static void tickets_fall_in_the_bucket_they_were_opened_in(void **state)
{
    seed(ST(state));
    struct trends_job j = {.q = {10000, 13000, 1000}};
    assert_int_equal(store_read(ST(state), trends_tx, &j), TERR_OK);
    assert_int_equal(j.r.n_buckets, 3);
    const struct trend_bucket *b = j.r.buckets;
    assert_int_equal(b[0].start, 10000);
    assert_int_equal(b[2].end, 13000);
    assert_int_equal(b[0].opened, 2);
    assert_int_equal(b[0].conflicts, 1);
    assert_int_equal(b[0].by_level[LEVEL_CALM], 1);
    assert_int_equal(b[0].by_level[LEVEL_TENSE], 1);
    assert_int_equal(b[0].by_channel[CHANNEL_EMAIL], 1);
    assert_int_equal(b[0].by_channel[CHANNEL_WEB], 1);
    assert_int_equal(b[0].n_categories, 1);
    assert_int_equal(category(&b[0], "billing"), 2);
    assert_int_equal(b[1].opened, 1);
    assert_int_equal(b[1].conflicts, 1);
    assert_int_equal(b[1].by_level[LEVEL_HOSTILE], 1);
    assert_int_equal(category(&b[1], "(none)"), 1);
    assert_int_equal(b[2].opened, 1); /* T6 at 13000 is past the end */
    assert_int_equal(b[2].conflicts, 0);
    assert_int_equal(b[2].by_channel[CHANNEL_CHAT], 1);
    assert_int_equal(category(&b[2], "shipping"), 1);
    trend_report_release(&j.r);
}

static void week_buckets_and_a_short_last_one(void **state)
{
    seed(ST(state));
    struct trends_job j = {.q = {10000, 12500, 2000}};
    assert_int_equal(store_read(ST(state), trends_tx, &j), TERR_OK);
    assert_int_equal(j.r.n_buckets, 2);
    assert_int_equal(j.r.buckets[0].opened, 3);
    assert_int_equal(j.r.buckets[1].start, 12000);
    assert_int_equal(j.r.buckets[1].end, 12500);
    assert_int_equal(j.r.buckets[1].opened, 0); /* T5 at 12500 is past the end */
    trend_report_release(&j.r);
}

static void too_many_buckets_are_refused(void **state)
{
    struct trends_job j = {.q = {0, (REPORT_MAX_BUCKETS + 1) * 1000LL, 1000}};
    assert_int_equal(store_read(ST(state), trends_tx, &j), TERR_INVALID);
    assert_null(j.r.buckets);
    j.q.to = REPORT_MAX_BUCKETS * 1000LL;
    assert_int_equal(store_read(ST(state), trends_tx, &j), TERR_OK);
    assert_int_equal(j.r.n_buckets, REPORT_MAX_BUCKETS);
    trend_report_release(&j.r);
    struct trends_job bad = {.q = {5000, 5000, 1000}};
    assert_int_equal(store_read(ST(state), trends_tx, &bad), TERR_INVALID);
}

struct many {
    int64_t customer;
    int n; /* categories, one ticket each but c00 with two */
};

static enum terr many_tx(struct store_tx *tx, void *arg)
{
    struct many *m = arg;
    for (int i = 0; i < m->n; i++) {
        char cat[16];
        snprintf(cat, sizeof cat, "c%02d", i);
        for (int k = 0; k < (i == 0 ? 2 : 1); k++)
            if (!ticket(tx, m->customer, 20000 + i, CHANNEL_EMAIL, cat, LEVEL_CALM, STATUS_OPEN, 0,
                        0, 0))
                return TERR_STORAGE;
    }
    return TERR_OK;
}

/* Trends of [20000, 21000) over n categories, in one bucket. */
static void many_categories(struct store *st, int n, struct trends_job *j)
{
    struct many m = {.customer = seed_customer(st, "Cy", NULL), .n = n};
    assert_int_equal(store_write(st, many_tx, &m), TERR_OK);
    *j = (struct trends_job){.q = {20000, 21000, 1000}};
    assert_int_equal(store_read(st, trends_tx, j), TERR_OK);
    assert_int_equal(j->r.n_buckets, 1);
}

static void a_bucket_names_64_categories_then_counts_the_rest_as_other(void **state)
{
    struct trends_job j;
    many_categories(ST(state), REPORT_MAX_CATEGORIES + 3, &j);
    const struct trend_bucket *b = j.r.buckets;
    assert_int_equal(b->n_categories, REPORT_MAX_CATEGORIES + 1);
    assert_string_equal(b->by_category[0].key, "c00"); /* most first */
    assert_int_equal(b->by_category[0].n, 2);
    assert_string_equal(b->by_category[REPORT_MAX_CATEGORIES - 1].key, "c63");
    assert_string_equal(b->by_category[REPORT_MAX_CATEGORIES].key, "(other)");
    assert_int_equal(b->by_category[REPORT_MAX_CATEGORIES].n, 3); /* c64, c65, c66 */
    trend_report_release(&j.r);
}

static void exactly_64_categories_are_all_named(void **state)
{
    struct trends_job j;
    many_categories(ST(state), REPORT_MAX_CATEGORIES, &j);
    const struct trend_bucket *b = j.r.buckets;
    assert_int_equal(b->n_categories, REPORT_MAX_CATEGORIES);
    assert_string_equal(b->by_category[REPORT_MAX_CATEGORIES - 1].key, "c63");
    assert_int_equal(category(b, "(other)"), -1);
    trend_report_release(&j.r);
}

/* The outcomes' rows, copied out of the walk. */
struct outcomes {
    struct report_outcome o[16];
    char category[16][16];
    size_t n;
};

static enum terr on_outcome(void *arg, const struct report_outcome *o)
{
    struct outcomes *all = arg;
    if (all->n == 16)
        return TERR_TOO_LARGE;
    all->o[all->n] = *o;
    snprintf(all->category[all->n], sizeof all->category[0], "%s", o->category);
    all->o[all->n].category = all->category[all->n];
    all->o[all->n].agent = "";
    all->n++;
    return TERR_OK;
}

static enum terr outcomes_tx(struct store_tx *tx, void *arg)
{
    return store_report_outcomes(tx, 10000, 13000, on_outcome, arg);
}

/* The outcome of kind k at time at, or fail. */
static const struct report_outcome *outcome_at(const struct outcomes *all,
                                               enum report_outcome_kind k, int64_t at)
{
    for (size_t i = 0; i < all->n; i++)
        if (all->o[i].kind == k && all->o[i].at == at)
            return &all->o[i];
    fail_msg("no outcome of kind %d at %lld", (int)k, (long long)at);
    return NULL;
}

static void outcomes_carry_the_ticket_dimensions(void **state)
{
    seed(ST(state));
    struct outcomes all = {0};
    assert_int_equal(store_read(ST(state), outcomes_tx, &all), TERR_OK);
    assert_int_equal(all.n, 3 + 3 + 2); /* as trends counts: SLA, surveys, threads */
    const struct report_outcome *o = outcome_at(&all, REPORT_SLA, 10500);
    assert_false(o->breached);
    assert_int_equal(o->channel, CHANNEL_EMAIL);
    assert_string_equal(o->category, "billing");
    assert_int_equal(o->peak, LEVEL_TENSE);
    o = outcome_at(&all, REPORT_SLA, 11200);
    assert_true(o->breached);
    assert_int_equal(o->channel, CHANNEL_WEB);
    o = outcome_at(&all, REPORT_SLA, 11500);
    assert_true(o->breached); /* by its bits */
    assert_int_equal(o->peak, LEVEL_HEATED);
    o = outcome_at(&all, REPORT_SURVEY, 10700);
    assert_int_equal(o->csat, 2);
    assert_int_equal(o->nps, 6);
    assert_int_equal(o->ces, -1); /* not given */
    o = outcome_at(&all, REPORT_DEESC, 10120);
    assert_true(o->fell);
    assert_int_equal(o->agent_id, 1); /* who replied */
    o = outcome_at(&all, REPORT_DEESC, 11120);
    assert_false(o->fell);
    assert_string_equal(o->category, "");
    assert_int_equal(o->peak, LEVEL_HOSTILE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(tickets_fall_in_the_bucket_they_were_opened_in, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(week_buckets_and_a_short_last_one, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(too_many_buckets_are_refused, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_bucket_names_64_categories_then_counts_the_rest_as_other,
                                        store_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(exactly_64_categories_are_all_named, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(outcomes_carry_the_ticket_dimensions, store_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
