/*
 * A small hand-computed data set for the reports (tests/unit/store/
 * test_sqlite_reports.c, tests/unit/service/test_insights.c): three buckets
 * of 1000 ms from 10000, tickets, resolutions, survey answers and threads
 * placed so that each expected number can be checked by hand.  Include after
 * <cmocka.h>.
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
#ifndef TRUCE_TEST_REPORTS_SEED_H
#define TRUCE_TEST_REPORTS_SEED_H

#include "store/store.h"
#include "store/store_reports.h"
#include "store_fixture.h"

struct seed {
    int64_t customer;
    int64_t t[7];
};

static inline int64_t ticket(struct store_tx *tx, int64_t cid, int64_t at, enum channel ch,
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

static inline enum terr message(struct store_tx *tx, int64_t tid, enum author_kind who, int64_t at,
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

static inline enum terr survey(struct store_tx *tx, int64_t tid, int64_t at, int csat, int nps,
                               int ces)
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

static inline enum terr seed_tx(struct store_tx *tx, void *arg)
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

#undef C
#undef A
#undef TRY

static inline void seed(struct store *st)
{
    struct seed s = {.customer = seed_customer(st, "Cy", NULL)};
    assert_int_equal(store_write(st, seed_tx, &s), TERR_OK);
}

#endif
