/*
 * The trends report, and the outcome rows the insights group, over a small
 * hand-computed data set (src/store/sqlite/sqlite_reports.c): three buckets of 1000 ms from 10000,
 * tickets, resolutions, survey answers and threads placed so that each
 * expected number below can be checked by hand.
 *
 *   T1 opened 10100 email billing, peak tense, resolved 10500 within SLA
 *      thread: customer 80 heated, reply, customer 40: de-escalated
 *   T2 opened 10200 web billing, peak calm, resolved 11200 after a breach
 *      thread: customer 60 heated, reply, nothing after: not measured
 *   T3 opened 11100 email no category, peak hostile, open
 *      thread: customer 90 hostile, internal note, reply, customer 95: not
 *   T4 opened 9000 (before the range), closed 11500 with a breached clock
 *      thread: its first heated reply at 9200 is before the range: not counted
 *   T5 opened 12500 chat shipping, calm; resolved_at set but reopened
 *   T6 opened 13000: the range's end, excluded
 *   Surveys: T1 at 10600 (5, 10, 2), T2 at 10700 (2, 6, -), T4 at 11900
 *   (4, 8, 6), T5 unanswered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/store_reports.h"
#include "store_fixture.h"

#define ST(state) (((struct fixture *)*(state))->st)

struct seed {
    int64_t customer;
    int64_t t[7];
};

static int64_t ticket(struct store_tx *tx, int64_t cid, int64_t at, enum channel ch,
                      const char *cat, enum level peak, enum ticket_status status,
                      int64_t resolved_at, int64_t breached_at, uint32_t bits)
{
    struct ticket t = {.subject = xstrdup("s"),
                       .status = status,
                       .channel = ch,
                       .customer_id = cid,
                       .created_at = at,
                       .updated_at = at,
                       .resolved_at = resolved_at,
                       .level = peak,
                       .peak_level = peak,
                       .category = cat ? xstrdup(cat) : NULL,
                       .breached_at = breached_at,
                       .sla_breached = bits};
    enum terr e = store_ticket_insert(tx, &t);
    int64_t id = e ? 0 : t.id;
    ticket_release(&t);
    return id;
}

static enum terr message(struct store_tx *tx, int64_t tid, enum author_kind who, int64_t at,
                         int score, bool internal)
{
    char an[64];
    static const char *const levels[] = {"calm", "tense", "heated", "hostile"};
    snprintf(an, sizeof an, "{\"score\":%d,\"level\":\"%s\"}", score,
             levels[score < 25   ? 0
                    : score < 50 ? 1
                    : score < 75 ? 2
                                 : 3]);
    struct message m = {.ticket_id = tid,
                        .author_kind = who,
                        .author_id = 1,
                        .body = xstrdup("text"),
                        .internal = internal,
                        .channel = CHANNEL_EMAIL,
                        .created_at = at,
                        .analysis_json = who == AUTHOR_CUSTOMER ? xstrdup(an) : NULL};
    enum terr e = store_message_insert(tx, &m);
    message_release(&m);
    return e;
}

static enum terr survey(struct store_tx *tx, int64_t tid, int64_t at, int csat, int nps, int ces)
{
    struct survey s = {.ticket_id = tid, .created_at = 9000, .expires_at = 99999};
    enum terr e = store_survey_insert(tx, &s);
    struct survey_answer a = {.csat = csat, .nps = nps, .ces = ces};
    if (!e && at)
        e = store_survey_answer(tx, s.id, &a, at);
    return e;
}

#define C AUTHOR_CUSTOMER
#define A AUTHOR_AGENT
#define TRY(x)                                                                                     \
    do {                                                                                           \
        enum terr e_ = (x);                                                                        \
        if (e_)                                                                                    \
            return e_;                                                                             \
    } while (0)

static enum terr seed_tx(struct store_tx *tx, void *arg)
{
    struct seed *s = arg;
    int64_t c = s->customer;
    s->t[1] =
        ticket(tx, c, 10100, CHANNEL_EMAIL, "billing", LEVEL_TENSE, STATUS_RESOLVED, 10500, 0, 0);
    s->t[2] =
        ticket(tx, c, 10200, CHANNEL_WEB, "billing", LEVEL_CALM, STATUS_RESOLVED, 11200, 10900, 0);
    s->t[3] = ticket(tx, c, 11100, CHANNEL_EMAIL, NULL, LEVEL_HOSTILE, STATUS_OPEN, 0, 0, 0);
    s->t[4] = ticket(tx, c, 9000, CHANNEL_API, "billing", LEVEL_HEATED, STATUS_CLOSED, 11500, 0, 1);
    s->t[5] = ticket(tx, c, 12500, CHANNEL_CHAT, "shipping", LEVEL_CALM, STATUS_OPEN, 12600, 0, 0);
    s->t[6] = ticket(tx, c, 13000, CHANNEL_EMAIL, "late", LEVEL_HOSTILE, STATUS_OPEN, 0, 0, 0);
    for (int i = 1; i <= 6; i++)
        if (!s->t[i])
            return TERR_STORAGE;
    TRY(message(tx, s->t[1], C, 10110, 80, false));
    TRY(message(tx, s->t[1], A, 10120, 0, false));
    TRY(message(tx, s->t[1], C, 10130, 40, false));
    TRY(message(tx, s->t[1], A, 10140, 0, false));
    TRY(message(tx, s->t[2], C, 10210, 60, false));
    TRY(message(tx, s->t[2], A, 10220, 0, false));
    TRY(message(tx, s->t[3], C, 11110, 90, false));
    TRY(message(tx, s->t[3], A, 11115, 0, true));
    TRY(message(tx, s->t[3], A, 11120, 0, false));
    TRY(message(tx, s->t[3], C, 11130, 95, false));
    TRY(message(tx, s->t[4], C, 9100, 70, false));
    TRY(message(tx, s->t[4], A, 9200, 0, false));
    TRY(message(tx, s->t[4], C, 9300, 30, false));
    TRY(message(tx, s->t[4], A, 11600, 0, false));
    TRY(message(tx, s->t[4], C, 11700, 10, false));
    TRY(message(tx, s->t[5], C, 12510, 20, false));
    TRY(message(tx, s->t[5], A, 12520, 0, false));
    TRY(message(tx, s->t[5], C, 12530, 10, false));
    TRY(survey(tx, s->t[1], 10600, 5, 10, 2));
    TRY(survey(tx, s->t[2], 10700, 2, 6, SURVEY_NO_SCORE));
    TRY(survey(tx, s->t[4], 11900, 4, 8, 6));
    TRY(survey(tx, s->t[5], 0, 0, 0, 0));
    return TERR_OK;
}

struct trends_job {
    struct trend_query q;
    struct trend_report r;
};

static enum terr trends_tx(struct store_tx *tx, void *arg)
{
    struct trends_job *j = arg;
    return store_report_trends(tx, &j->q, &j->r);
}

static void seed(struct store *st)
{
    struct seed s = {.customer = seed_customer(st, "Cy", NULL)};
    assert_int_equal(store_write(st, seed_tx, &s), TERR_OK);
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

static void sla_counts_resolutions_by_whether_a_clock_breached(void **state)
{
    seed(ST(state));
    struct trends_job j = {.q = {10000, 13000, 1000}};
    assert_int_equal(store_read(ST(state), trends_tx, &j), TERR_OK);
    const struct trend_bucket *b = j.r.buckets;
    assert_int_equal(b[0].sla_met, 1);
    assert_int_equal(b[0].sla_breached, 0);
    assert_int_equal(b[1].sla_met, 0);
    assert_int_equal(b[1].sla_breached, 2);                /* T2 by breached_at, T4 by its bits */
    assert_int_equal(b[2].sla_met + b[2].sla_breached, 0); /* T5 was reopened */
    trend_report_release(&j.r);
}

static void surveys_count_the_scores_given(void **state)
{
    seed(ST(state));
    struct trends_job j = {.q = {10000, 13000, 1000}};
    assert_int_equal(store_read(ST(state), trends_tx, &j), TERR_OK);
    const struct trend_bucket *b = j.r.buckets;
    assert_int_equal(b[0].csat_n, 2);
    assert_int_equal(b[0].csat_sum, 7);
    assert_int_equal(b[0].nps_n, 2);
    assert_int_equal(b[0].nps_sum, 16);
    assert_int_equal(b[0].nps_promoters, 1);
    assert_int_equal(b[0].nps_detractors, 1);
    assert_int_equal(b[0].ces_n, 1);
    assert_int_equal(b[0].ces_sum, 2);
    assert_int_equal(b[1].csat_n, 1);
    assert_int_equal(b[1].csat_sum, 4);
    assert_int_equal(b[1].nps_promoters + b[1].nps_detractors, 0);
    assert_int_equal(b[1].ces_sum, 6);
    assert_int_equal(b[2].csat_n + b[2].nps_n + b[2].ces_n, 0);
    trend_report_release(&j.r);
}

static void deescalation_follows_the_first_heated_reply(void **state)
{
    seed(ST(state));
    struct trends_job j = {.q = {10000, 13000, 1000}};
    assert_int_equal(store_read(ST(state), trends_tx, &j), TERR_OK);
    const struct trend_bucket *b = j.r.buckets;
    assert_int_equal(b[0].deesc_threads, 1); /* T1; T2 has no answer yet */
    assert_int_equal(b[0].deesc_fell, 1);
    assert_int_equal(b[1].deesc_threads, 1); /* T3; T4's was before the range */
    assert_int_equal(b[1].deesc_fell, 0);
    assert_int_equal(b[2].deesc_threads, 0);
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
        cmocka_unit_test_setup_teardown(sla_counts_resolutions_by_whether_a_clock_breached,
                                        store_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(surveys_count_the_scores_given, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(deescalation_follows_the_first_heated_reply, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(week_buckets_and_a_short_last_one, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(too_many_buckets_are_refused, store_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(outcomes_carry_the_ticket_dimensions, store_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
