/*
 * src/service/insights.c against a real store: the trends report's SLA,
 * surveys and de-escalation per bucket, added up from the store's outcome
 * rows, over the hand-computed data set of tests/unit/store/reports_seed.h
 * (three buckets of 1000 ms from 10000).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../store/reports_seed.h"
#include "service/insights.h"

#define ST(state) (((struct fixture *)*(state))->st)

struct report_job {
    struct report_query q;
    json_t *out;
};

static enum terr report_tx(struct store_tx *tx, void *arg)
{
    struct report_job *j = arg;
    return svc_report(tx, &j->q, &j->out);
}

/* The trends report of [from, to) in buckets of bucket_ms; caller decrefs. */
static json_t *trends(struct store *st, int64_t from, int64_t to, int64_t bucket_ms)
{
    struct report_job j = {
        .q = {.kind = REPORT_TRENDS, .from = from, .to = to, .bucket_ms = bucket_ms}};
    assert_int_equal(store_read(st, report_tx, &j), TERR_OK);
    return j.out;
}

/* A number at a path of bucket i ("sla", "met"; "surveys", "nps", "score";
 * NULL ends it), -1 for a null. */
static double at(json_t *rep, size_t i, const char *a, const char *b, const char *c)
{
    json_t *v = json_object_get(json_array_get(json_object_get(rep, "buckets"), i), a);
    if (b)
        v = json_object_get(v, b);
    if (c)
        v = json_object_get(v, c);
    if (!json_is_number(v)) {
        assert_true(json_is_null(v));
        return -1;
    }
    return json_number_value(v);
}

static void sla_counts_resolutions_by_whether_a_clock_breached(void **state)
{
    seed(ST(state));
    json_t *r = trends(ST(state), 10000, 13000, 1000);
    assert_int_equal(json_array_size(json_object_get(r, "buckets")), 3);
    assert_true(at(r, 0, "sla", "met", NULL) == 1);
    assert_true(at(r, 0, "sla", "breached", NULL) == 0);
    assert_true(at(r, 0, "sla", "met_rate", NULL) == 1);
    assert_true(at(r, 1, "sla", "met", NULL) == 0);
    assert_true(at(r, 1, "sla", "breached", NULL) == 2); /* T2 by breached_at, T4 by its bits */
    assert_true(at(r, 1, "sla", "met_rate", NULL) == 0);
    assert_true(at(r, 2, "sla", "met", NULL) == 0); /* T5 was reopened */
    assert_true(at(r, 2, "sla", "breached", NULL) == 0);
    assert_true(at(r, 2, "sla", "met_rate", NULL) == -1);
    json_decref(r);
}

static void surveys_count_the_scores_given(void **state)
{
    seed(ST(state));
    json_t *r = trends(ST(state), 10000, 13000, 1000);
    assert_true(at(r, 0, "surveys", "csat", "n") == 2);
    assert_true(at(r, 0, "surveys", "csat", "avg") == 3.5); /* 5 + 2 */
    assert_true(at(r, 0, "surveys", "nps", "n") == 2);
    assert_true(at(r, 0, "surveys", "nps", "avg") == 8);   /* 10 + 6 */
    assert_true(at(r, 0, "surveys", "nps", "score") == 0); /* a promoter, a detractor */
    assert_true(at(r, 0, "surveys", "ces", "n") == 1);     /* T2 gave none */
    assert_true(at(r, 0, "surveys", "ces", "avg") == 2);
    assert_true(at(r, 1, "surveys", "csat", "n") == 1);
    assert_true(at(r, 1, "surveys", "csat", "avg") == 4);
    assert_true(at(r, 1, "surveys", "nps", "score") == 0); /* an 8: a passive */
    assert_true(at(r, 1, "surveys", "ces", "avg") == 6);
    assert_true(at(r, 2, "surveys", "csat", "n") == 0); /* T5's survey is unanswered */
    assert_true(at(r, 2, "surveys", "nps", "n") == 0);
    assert_true(at(r, 2, "surveys", "ces", "n") == 0);
    assert_true(at(r, 2, "surveys", "csat", "avg") == -1);
    json_decref(r);
    r = trends(ST(state), 10600, 10800, 100); /* T1's answer, then T2's */
    assert_true(at(r, 0, "surveys", "nps", "score") == 100);
    assert_true(at(r, 1, "surveys", "nps", "score") == -100);
    json_decref(r);
}

static void deescalation_follows_the_first_heated_reply(void **state)
{
    seed(ST(state));
    json_t *r = trends(ST(state), 10000, 13000, 1000);
    assert_true(at(r, 0, "deescalation", "threads", NULL) == 1); /* T1; T2 has no answer yet */
    assert_true(at(r, 0, "deescalation", "fell", NULL) == 1);
    assert_true(at(r, 0, "deescalation", "rate", NULL) == 1);
    assert_true(at(r, 1, "deescalation", "threads", NULL) == 1); /* T3; T4's was before */
    assert_true(at(r, 1, "deescalation", "fell", NULL) == 0);
    assert_true(at(r, 2, "deescalation", "threads", NULL) == 0);
    assert_true(at(r, 2, "deescalation", "rate", NULL) == -1);
    json_decref(r);
}

/* The ticket counts come from the store, the outcomes from the rows: both
 * in the same buckets. */
static void ticket_counts_sit_beside_the_outcomes(void **state)
{
    seed(ST(state));
    json_t *r = trends(ST(state), 10000, 13000, 1000);
    assert_true(at(r, 0, "opened", NULL, NULL) == 2);
    assert_true(at(r, 1, "by_level", "hostile", NULL) == 1);
    assert_true(at(r, 2, "by_category", "shipping", NULL) == 1);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sla_counts_resolutions_by_whether_a_clock_breached,
                                        store_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(surveys_count_the_scores_given, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(deescalation_follows_the_first_heated_reply, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(ticket_counts_sit_beside_the_outcomes, store_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
