/*
 * src/service/surveys.c against a real store: what a resolution queues, and
 * how a link's answer is checked (signature, stored hash, expiry, once) and
 * what a low answer does to the ticket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../store/store_fixture.h"
#include "service/surveys.h"
#include "store/store_jobs.h"
#include "util/timeutil.h"
#include "util/secret.h"

#define ST(state) (((struct fixture *)*(state))->st)
#define NOW       1800000000000LL
#define NONE      SURVEY_NO_SCORE

static int setup(void **state)
{
    if (secret_init())
        return -1;
    svc_survey_setup(NULL);
    return store_setup(state);
}

/* A customer's ticket with this status; returns its id. */
static int64_t seed_ticket(struct store *st, enum ticket_status status)
{
    int64_t cid = seed_customer(st, "Cy", NULL);
    struct ticket t = {.subject = xstrdup("Late parcel"),
                       .status = status,
                       .channel = CHANNEL_CHAT,
                       .customer_id = cid,
                       .created_at = NOW - 5000,
                       .updated_at = NOW - 5000,
                       .resolved_at = status == STATUS_RESOLVED ? NOW - 10 : 0};
    assert_int_equal(store_write(st, tx_ticket_insert, &t), TERR_OK);
    int64_t id = t.id;
    ticket_release(&t);
    return id;
}

struct resolve_job {
    int64_t ticket_id;
    int64_t now;
    struct survey_sent sent;
};

static enum terr resolve_tx(struct store_tx *tx, void *arg)
{
    struct resolve_job *j = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, j->ticket_id, &t);
    struct actor agent = {.kind = ACTOR_AGENT, .id = 0, .role = ROLE_AGENT};
    if (!e)
        e = svc_survey_on_resolve(tx, &agent, &t, j->now, &j->sent, NULL);
    ticket_release(&t);
    return e;
}

static struct survey_sent resolve(struct store *st, int64_t ticket_id)
{
    struct resolve_job j = {.ticket_id = ticket_id, .now = NOW};
    assert_int_equal(store_write(st, resolve_tx, &j), TERR_OK);
    return j.sent;
}

struct answer_job {
    const char *token;
    struct survey_answer a;
    int64_t now;
    struct survey_result out;
    struct terr_info ei;
};

static enum terr answer_tx(struct store_tx *tx, void *arg)
{
    struct answer_job *j = arg;
    return svc_survey_answer(tx, j->token, &j->a, j->now, &j->out, &j->ei);
}

static enum terr answer(struct store *st, const char *token, int csat, int nps, int64_t now,
                        struct survey_result *out)
{
    struct answer_job j = {.token = token, .a = {csat, nps, NONE, NULL}, .now = now};
    enum terr e = store_write(st, answer_tx, &j);
    if (!e && out)
        *out = j.out;
    else
        survey_release(&j.out.survey);
    return e;
}

struct reads {
    int64_t ticket_id;
    struct ticket ticket;
    struct survey *surveys;
    size_t n_surveys;
    struct outbox_msg *outbox;
    size_t n_outbox;
    struct event *events;
    size_t n_events;
};

static enum terr read_tx(struct store_tx *tx, void *arg)
{
    struct reads *r = arg;
    struct outbox_query q = {.ticket_id = r->ticket_id};
    enum terr e = store_ticket_get(tx, r->ticket_id, &r->ticket);
    if (!e)
        e = store_survey_list(tx, r->ticket_id, &r->surveys, &r->n_surveys);
    if (!e)
        e = store_outbox_list(tx, &q, &r->outbox, &r->n_outbox);
    if (!e)
        e = store_event_list(tx, r->ticket_id, &r->events, &r->n_events);
    return e;
}

static struct reads read_all(struct store *st, int64_t ticket_id)
{
    struct reads r = {.ticket_id = ticket_id};
    assert_int_equal(store_read(st, read_tx, &r), TERR_OK);
    return r;
}

static void reads_release(struct reads *r)
{
    ticket_release(&r->ticket);
    surveys_free(r->surveys, r->n_surveys);
    outbox_msgs_free(r->outbox, r->n_outbox);
    events_free(r->events, r->n_events);
}

static size_t count_events(const struct reads *r, const char *action)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_events; i++)
        n += strcmp(r->events[i].action, action) == 0;
    return n;
}

/* ---- resolution ---- */

static void resolution_queues_a_survey_and_a_follow_up(void **state)
{
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    struct reads r = read_all(ST(state), t);
    assert_int_equal(r.n_surveys, 1);
    assert_int_equal(r.surveys[0].id, sent.survey_id);
    assert_int_equal(r.surveys[0].expires_at, NOW + SURVEY_TTL_MS);
    assert_int_equal(r.n_outbox, 2);
    assert_int_equal(r.outbox[0].kind, OUTBOX_SURVEY);
    assert_int_equal(r.outbox[0].due_at, NOW);
    assert_int_equal(r.outbox[0].channel, CHANNEL_CHAT);
    assert_int_equal(r.outbox[0].customer_id, r.ticket.customer_id);
    assert_int_equal(r.outbox[0].state, OUTBOX_STATE_QUEUED);
    assert_non_null(strstr(r.outbox[0].body, sent.token));
    assert_int_equal(r.outbox[1].kind, OUTBOX_FOLLOW_UP);
    assert_int_equal(r.outbox[1].due_at, NOW + FOLLOW_UP_DAYS_DEFAULT * 24LL * 3600 * 1000);
    assert_int_equal(count_events(&r, "survey.create"), 1);
    reads_release(&r);
}

struct follow_up_jobs {
    struct job *v;
    size_t n;
};

static enum terr jobs_tx(struct store_tx *tx, void *arg)
{
    struct follow_up_jobs *j = arg;
    return store_job_list(tx, false, JOB_QUEUED, 0, 100, &j->v, &j->n);
}

static void resolution_reminds_the_assignee_of_the_follow_up_when_due(void **state)
{
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    int64_t before = time_now_ms();
    struct survey_sent sent = resolve(ST(state), t);
    struct follow_up_jobs j = {0};
    assert_int_equal(store_read(ST(state), jobs_tx, &j), TERR_OK);
    size_t found = 0;
    for (size_t i = 0; i < j.n; i++) {
        if (strcmp(j.v[i].kind, FOLLOW_UP_JOB) != 0)
            continue;
        found++;
        assert_int_equal(j.v[i].ticket_id, t);
        char want[64];
        snprintf(want, sizeof(want), "{\"outbox_id\":%lld}", (long long)sent.follow_up_id);
        assert_string_equal(j.v[i].payload, want);
        /* due with the follow-up message, not before */
        assert_true(j.v[i].run_at >= before + FOLLOW_UP_DAYS_DEFAULT * 24LL * 3600 * 1000);
    }
    assert_int_equal(found, 1);
    jobs_free(j.v, j.n);
}

static void the_follow_up_delay_is_policy(void **state)
{
    struct survey_policy p = {.follow_up_ms = 7 * 24LL * 3600 * 1000, .ttl_ms = 60000};
    svc_survey_setup(&p);
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    resolve(ST(state), t);
    svc_survey_setup(NULL);
    struct reads r = read_all(ST(state), t);
    assert_int_equal(r.outbox[1].due_at, NOW + p.follow_up_ms);
    assert_int_equal(r.surveys[0].expires_at, NOW + 60000);
    reads_release(&r);
}

static enum terr key_tx(struct store_tx *tx, void *arg)
{
    return svc_survey_key(tx, false, arg);
}

static void the_key_is_made_once_and_kept(void **state)
{
    unsigned char k1[LINK_KEY_LEN], k2[LINK_KEY_LEN];
    assert_int_equal(store_read(ST(state), key_tx, k1), TERR_NOT_FOUND);
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent a = resolve(ST(state), t);
    assert_int_equal(store_read(ST(state), key_tx, k1), TERR_OK);
    struct survey_sent b = resolve(ST(state), t);
    assert_int_equal(store_read(ST(state), key_tx, k2), TERR_OK);
    assert_memory_equal(k1, k2, LINK_KEY_LEN);
    /* Links made under the one key both work. */
    assert_int_equal(answer(ST(state), a.token, 5, NONE, NOW + 1, NULL), TERR_OK);
    assert_int_equal(answer(ST(state), b.token, 4, NONE, NOW + 1, NULL), TERR_OK);
}

/* ---- answers ---- */

static void a_link_answers_once(void **state)
{
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    struct survey_result res;
    assert_int_equal(answer(ST(state), sent.token, 5, 9, NOW + 1, &res), TERR_OK);
    assert_false(res.low);
    assert_int_equal(res.survey.csat, 5);
    survey_release(&res.survey);
    assert_int_equal(answer(ST(state), sent.token, 1, NONE, NOW + 2, NULL), TERR_CONFLICT);
    struct reads r = read_all(ST(state), t);
    assert_int_equal(r.surveys[0].csat, 5);
    assert_int_equal(r.surveys[0].nps, 9);
    assert_int_equal(r.surveys[0].ces, NONE);
    assert_int_equal(r.surveys[0].answered_at, NOW + 1);
    assert_int_equal(r.ticket.status, STATUS_RESOLVED);
    assert_int_equal(count_events(&r, "survey.answered"), 1);
    assert_int_equal(count_events(&r, "survey.low_score"), 0);
    reads_release(&r);
}

static void an_expired_link_is_gone_and_records_nothing(void **state)
{
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    assert_int_equal(answer(ST(state), sent.token, 5, NONE, NOW + SURVEY_TTL_MS, NULL), TERR_GONE);
    /* One millisecond before, it still works. */
    struct reads r = read_all(ST(state), t);
    assert_int_equal(r.surveys[0].answered_at, 0);
    assert_int_equal(count_events(&r, "survey.answered"), 0);
    reads_release(&r);
    assert_int_equal(answer(ST(state), sent.token, 5, NONE, NOW + SURVEY_TTL_MS - 1, NULL),
                     TERR_OK);
}

static void a_tampered_link_is_not_found(void **state)
{
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    sent.token[20] = sent.token[20] == 'x' ? 'y' : 'x';
    assert_int_equal(answer(ST(state), sent.token, 5, NONE, NOW + 1, NULL), TERR_NOT_FOUND);
}

static void a_validly_signed_link_not_on_record_is_not_found(void **state)
{
    /* Signed with the right key for a real survey, but not the link that
     * survey sent: the stored hash refuses it. */
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    unsigned char key[LINK_KEY_LEN];
    assert_int_equal(store_read(ST(state), key_tx, key), TERR_OK);
    char forged[LINK_TOKEN_MAX];
    link_token_make(key, sent.survey_id, NOW + SURVEY_TTL_MS, forged);
    assert_int_equal(answer(ST(state), forged, 5, NONE, NOW + 1, NULL), TERR_NOT_FOUND);
    /* Nor does a link for a survey that does not exist. */
    link_token_make(key, sent.survey_id + 100, NOW + SURVEY_TTL_MS, forged);
    assert_int_equal(answer(ST(state), forged, 5, NONE, NOW + 1, NULL), TERR_NOT_FOUND);
    assert_int_equal(answer(ST(state), sent.token, 5, NONE, NOW + 1, NULL), TERR_OK);
}

static void bad_scores_are_refused_before_anything_is_written(void **state)
{
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    assert_int_equal(answer(ST(state), sent.token, 6, NONE, NOW + 1, NULL), TERR_INVALID);
    assert_int_equal(answer(ST(state), sent.token, NONE, NONE, NOW + 1, NULL), TERR_MISSING_FIELD);
    struct reads r = read_all(ST(state), t);
    assert_int_equal(r.surveys[0].answered_at, 0);
    reads_release(&r);
}

static void a_low_answer_reopens_a_resolved_ticket(void **state)
{
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    struct survey_result res;
    assert_int_equal(answer(ST(state), sent.token, 2, NONE, NOW + 1, &res), TERR_OK);
    assert_true(res.low);
    assert_true(res.reopened);
    survey_release(&res.survey);
    struct reads r = read_all(ST(state), t);
    assert_int_equal(r.ticket.status, STATUS_OPEN);
    assert_int_equal(r.ticket.resolved_at, 0);
    assert_int_equal(count_events(&r, "survey.low_score"), 1);
    assert_int_equal(count_events(&r, "survey.answered"), 1);
    assert_int_equal(count_events(&r, "ticket.update"), 1);
    for (size_t i = 0; i < r.n_events; i++)
        if (strcmp(r.events[i].action, "survey.low_score") == 0) {
            assert_string_equal(r.events[i].actor_kind, "customer");
            assert_int_equal(r.events[i].actor_id, r.ticket.customer_id);
            assert_non_null(strstr(r.events[i].after_json, "\"reopened\":true"));
        }
    reads_release(&r);
}

static enum terr ticket_update_tx(struct store_tx *tx, void *arg)
{
    return store_ticket_update(tx, arg);
}

static void a_low_answer_on_a_ticket_open_again_only_records(void **state)
{
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    /* The customer wrote again meanwhile: the ticket is open already. */
    struct reads r = read_all(ST(state), t);
    r.ticket.status = STATUS_OPEN;
    r.ticket.resolved_at = 0;
    assert_int_equal(store_write(ST(state), ticket_update_tx, &r.ticket), TERR_OK);
    reads_release(&r);
    struct survey_result res;
    assert_int_equal(answer(ST(state), sent.token, NONE, 3, NOW + 1, &res), TERR_OK);
    assert_true(res.low);
    assert_false(res.reopened);
    survey_release(&res.survey);
    r = read_all(ST(state), t);
    assert_int_equal(r.ticket.status, STATUS_OPEN);
    assert_int_equal(count_events(&r, "ticket.update"), 0);
    assert_int_equal(count_events(&r, "survey.low_score"), 1);
    reads_release(&r);
}

struct answer_id_job {
    int64_t id;
    struct survey_answer a;
    struct survey_result out;
    struct terr_info ei;
};

static enum terr answer_id_tx(struct store_tx *tx, void *arg)
{
    struct answer_id_job *j = arg;
    return svc_survey_answer_id(tx, j->id, &j->a, NOW + 60000, &j->out, &j->ei);
}

static void an_answer_by_id_is_an_answer_like_a_links(void **state)
{
    /* truce's own loaders (the demo) answer by id, at a time they choose,
     * with everything a link's answer does: once, and a low one reopens. */
    int64_t t = seed_ticket(ST(state), STATUS_RESOLVED);
    struct survey_sent sent = resolve(ST(state), t);
    struct answer_id_job j = {.id = sent.survey_id, .a = {2, 4, 3, "it broke again"}};
    assert_int_equal(store_write(ST(state), answer_id_tx, &j), TERR_OK);
    assert_true(j.out.reopened);
    survey_release(&j.out.survey);
    struct reads r = read_all(ST(state), t);
    assert_int_equal(r.surveys[0].answered_at, NOW + 60000);
    assert_int_equal(r.surveys[0].ces, 3);
    assert_int_equal(r.ticket.status, STATUS_OPEN);
    assert_int_equal(count_events(&r, "survey.answered"), 1);
    reads_release(&r);
    struct answer_id_job again = {.id = sent.survey_id, .a = {5, NONE, NONE, NULL}};
    assert_int_equal(store_write(ST(state), answer_id_tx, &again), TERR_CONFLICT);
    struct answer_id_job unknown = {.id = sent.survey_id + 100, .a = {5, NONE, NONE, NULL}};
    assert_int_equal(store_write(ST(state), answer_id_tx, &unknown), TERR_NOT_FOUND);
    assert_string_equal(unknown.ei.message, "survey 101 not found");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(resolution_queues_a_survey_and_a_follow_up, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(resolution_reminds_the_assignee_of_the_follow_up_when_due,
                                        setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(the_follow_up_delay_is_policy, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(the_key_is_made_once_and_kept, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_link_answers_once, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(an_expired_link_is_gone_and_records_nothing, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_tampered_link_is_not_found, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_validly_signed_link_not_on_record_is_not_found, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(bad_scores_are_refused_before_anything_is_written, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_low_answer_reopens_a_resolved_ticket, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(an_answer_by_id_is_an_answer_like_a_links, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_low_answer_on_a_ticket_open_again_only_records, setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
