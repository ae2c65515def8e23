/*
 * src/service/steps.c and problems.c against a real store: the six steps'
 * facts gathered from stored messages with their coach reviews, offers,
 * lessons and problem links; agents' marks; and the lesson a conflict's
 * resolution asks for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../store/store_fixture.h"
#include "service/problems.h"
#include "service/steps.h"
#include "service/surveys.h"
#include "service/tickets.h"
#include "util/secret.h"
#include "util/timeutil.h"

#define ST(state)   (((struct fixture *)*(state))->st)
#define PATH(state) (((struct fixture *)*(state))->path)

/* Evidence is dated a minute ago, so a mark made now comes after it. */
static int64_t g_then;
static int64_t g_agent; /* the agent of this test's database; 0 until seeded */

static int setup(void **state)
{
    if (secret_init())
        return -1;
    svc_survey_setup(NULL);
    g_then = time_now_ms() - 60000;
    g_agent = 0;
    return store_setup(state);
}

/* A hostile (or calm) ticket of a fresh customer; returns its id. */
static int64_t seed_ticket(struct store *st, enum level level)
{
    static int n;
    char email[64];
    snprintf(email, sizeof(email), "c%d@example.org", ++n);
    int64_t cid = seed_customer(st, "Cy", email);
    struct ticket t = {.subject = xstrdup("Charged twice"),
                       .status = STATUS_OPEN,
                       .channel = CHANNEL_EMAIL,
                       .customer_id = cid,
                       .created_at = g_then - 1000,
                       .updated_at = g_then - 1000,
                       .level = level,
                       .peak_level = level,
                       .category = xstrdup("billing")};
    assert_int_equal(store_write(st, tx_ticket_insert, &t), TERR_OK);
    int64_t id = t.id;
    ticket_release(&t);
    return id;
}

static int64_t agent_id(struct store *st)
{
    if (!g_agent)
        g_agent = seed_agent(st, "Sam", "sam@desk.example");
    return g_agent;
}

/* A stored coach review, the shape coach_review_to_json writes. */
static char *review(bool upset, bool fault, const char *kinds)
{
    char findings[256] = "";
    size_t used = 0;
    for (const char *k = kinds; k && *k;) {
        const char *end = strchr(k, ',');
        size_t len = end ? (size_t)(end - k) : strlen(k);
        used +=
            (size_t)snprintf(findings + used, sizeof(findings) - used,
                             "%s{\"kind\":\"%.*s\",\"severity\":\"warn\",\"start\":0,\"end\":0}",
                             used ? "," : "", (int)len, k);
        k = end ? end + 1 : NULL;
    }
    char buf[512];
    snprintf(buf, sizeof(buf),
             "{\"findings\":[%s],\"scores\":{},\"politeness\":null,\"level\":\"hostile\","
             "\"first_reply\":false,\"customer_upset\":%s,\"company_fault\":%s,"
             "\"playbook\":null}",
             findings, upset ? "true" : "false", fault ? "true" : "false");
    return xstrdup(buf);
}

static enum terr tx_message_insert(struct store_tx *tx, void *arg)
{
    return store_message_insert(tx, arg);
}

/* Stores a message; coach may be NULL.  Returns its id. */
static int64_t add_message(struct store *st, int64_t ticket, enum author_kind who, bool internal,
                           int64_t at, char *coach)
{
    struct message m = {.ticket_id = ticket,
                        .author_kind = who,
                        .author_id = who == AUTHOR_AGENT ? agent_id(st) : 0,
                        .body = xstrdup("a reply"),
                        .internal = internal,
                        .channel = CHANNEL_EMAIL,
                        .created_at = at,
                        .coach_json = coach};
    assert_int_equal(store_write(st, tx_message_insert, &m), TERR_OK);
    int64_t id = m.id;
    message_release(&m);
    return id;
}

struct report_job {
    int64_t ticket_id;
    struct steps_report r;
};

static enum terr report_tx(struct store_tx *tx, void *arg)
{
    struct report_job *j = arg;
    return svc_steps_report_id(tx, j->ticket_id, &j->r, NULL);
}

static struct steps_report report(struct store *st, int64_t ticket)
{
    struct report_job j = {.ticket_id = ticket};
    assert_int_equal(store_read(st, report_tx, &j), TERR_OK);
    return j.r;
}

/* Runs a SQL statement on the database file, as another part of the desk would. */
static void exec_sql(void **state, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(PATH(state), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

static int64_t count_sql(void **state, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(PATH(state), &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

/* ---- facts ---- */

static void a_calm_ticket_carries_no_steps(void **state)
{
    int64_t t = seed_ticket(ST(state), LEVEL_CALM);
    struct steps_report r = report(ST(state), t);
    assert_false(r.applies);
    r = report(ST(state), seed_ticket(ST(state), LEVEL_TENSE));
    assert_true(r.applies);
    assert_int_equal(r.n_done, 0);
    assert_int_equal(r.next, STEP_IDENTIFY_CAUSE);
    assert_non_null(strstr(r.steps[STEP_IDENTIFY_CAUSE].missing, "analysis's guess"));
}

static void an_apology_where_the_company_was_at_fault_ticks_ownership(void **state)
{
    struct store *st = ST(state);
    int64_t t = seed_ticket(st, LEVEL_HOSTILE);
    add_message(st, t, AUTHOR_CUSTOMER, false, g_then, NULL);
    int64_t m1 =
        add_message(st, t, AUTHOR_AGENT, false, g_then + 1, review(true, true, "no_apology"));
    struct steps_report r = report(st, t);
    assert_false(r.steps[STEP_TAKE_OWNERSHIP].done);
    char want[64];
    snprintf(want, sizeof(want), "message %lld did not apologise", (long long)m1);
    assert_non_null(strstr(r.steps[STEP_TAKE_OWNERSHIP].missing, want));
    /* The customer was upset and the review found acknowledgement. */
    assert_true(r.steps[STEP_UNDERSTAND_PAIN].done);
    assert_int_equal(r.steps[STEP_UNDERSTAND_PAIN].source, STEP_SOURCE_EVIDENCE);

    /* An internal note's review does not count: the customer never read it. */
    add_message(st, t, AUTHOR_AGENT, true, g_then + 2, review(true, true, ""));
    r = report(st, t);
    assert_false(r.steps[STEP_TAKE_OWNERSHIP].done);

    int64_t m2 = add_message(st, t, AUTHOR_AGENT, false, g_then + 3, review(true, true, ""));
    r = report(st, t);
    assert_true(r.steps[STEP_TAKE_OWNERSHIP].done);
    assert_int_equal(r.steps[STEP_TAKE_OWNERSHIP].at, g_then + 3);
    snprintf(want, sizeof(want), "coach saw an apology in message %lld", (long long)m2);
    assert_string_equal(r.steps[STEP_TAKE_OWNERSHIP].evidence, want);
}

static void a_reply_without_a_review_proves_nothing(void **state)
{
    struct store *st = ST(state);
    int64_t t = seed_ticket(st, LEVEL_HEATED);
    add_message(st, t, AUTHOR_AGENT, false, g_then, NULL);
    add_message(st, t, AUTHOR_AGENT, false, g_then + 1, xstrdup("not json"));
    struct steps_report r = report(st, t);
    assert_false(r.steps[STEP_UNDERSTAND_PAIN].done);
    assert_false(r.steps[STEP_TAKE_OWNERSHIP].done);
    assert_false(r.steps[STEP_ACT_AND_INFORM].done);
}

static void a_later_reply_with_a_next_step_is_a_status_update(void **state)
{
    struct store *st = ST(state);
    int64_t t = seed_ticket(st, LEVEL_HOSTILE);
    /* The first reply answers; it is not an update even with a next step. */
    add_message(st, t, AUTHOR_AGENT, false, g_then, review(true, false, ""));
    add_message(st, t, AUTHOR_AGENT, false, g_then + 1, review(true, false, "no_next_step"));
    struct steps_report r = report(st, t);
    assert_false(r.steps[STEP_ACT_AND_INFORM].done);
    int64_t m3 = add_message(st, t, AUTHOR_AGENT, false, g_then + 2, review(true, false, ""));
    r = report(st, t);
    assert_true(r.steps[STEP_ACT_AND_INFORM].done);
    char want[64];
    snprintf(want, sizeof(want), "a status update was sent in message %lld", (long long)m3);
    assert_string_equal(r.steps[STEP_ACT_AND_INFORM].evidence, want);
}

static void an_approved_offer_ticks_act_and_inform(void **state)
{
    struct store *st = ST(state);
    int64_t t = seed_ticket(st, LEVEL_HOSTILE);
    int64_t a = agent_id(st);
    char sql[512];
    snprintf(sql, sizeof(sql),
             "INSERT INTO offers (ticket_id, kind, amount, currency, state, proposed_by,"
             " proposer_role, proposed_at) VALUES (%lld, 'refund', 8000, 'EUR', 'pending', %lld,"
             " 'agent', %lld)",
             (long long)t, (long long)a, (long long)g_then);
    exec_sql(state, sql);
    struct steps_report r = report(st, t);
    assert_false(r.steps[STEP_ACT_AND_INFORM].done); /* pending: the customer cannot see it */
    snprintf(sql, sizeof(sql),
             "UPDATE offers SET state = 'approved', decided_by = %lld, decided_at = %lld"
             " WHERE ticket_id = %lld",
             (long long)a, (long long)(g_then + 5), (long long)t);
    exec_sql(state, sql);
    r = report(st, t);
    assert_true(r.steps[STEP_ACT_AND_INFORM].done);
    assert_int_equal(r.steps[STEP_ACT_AND_INFORM].at, g_then + 5);
    assert_non_null(strstr(r.steps[STEP_ACT_AND_INFORM].evidence, "was made to the customer"));
}

struct lesson_job {
    int64_t ticket_id;
    struct lesson_new in;
    struct terr_info ei;
};

static enum terr lesson_tx(struct store_tx *tx, void *arg)
{
    struct lesson_job *j = arg;
    struct actor who = {.kind = ACTOR_AGENT, .id = g_agent, .role = ROLE_AGENT};
    return svc_lesson_add(tx, &who, j->ticket_id, &j->in, NULL, &j->ei);
}

static void a_lesson_ticks_review_and_learn(void **state)
{
    struct store *st = ST(state);
    int64_t t = seed_ticket(st, LEVEL_TENSE);
    agent_id(st);
    struct lesson_job j = {.ticket_id = t, .in = {"billing ran twice", "   ", "idempotent runs"}};
    assert_int_equal(store_write(st, lesson_tx, &j), TERR_INVALID);
    assert_string_equal(j.ei.field, "what_went_wrong");
    assert_false(report(st, t).steps[STEP_REVIEW_AND_LEARN].done);
    j.in.what_went_wrong = "we charged the card twice";
    assert_int_equal(store_write(st, lesson_tx, &j), TERR_OK);
    struct steps_report r = report(st, t);
    assert_true(r.steps[STEP_REVIEW_AND_LEARN].done);
    assert_non_null(strstr(r.steps[STEP_REVIEW_AND_LEARN].evidence, "was recorded"));
    char sql[128];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM events WHERE ticket_id = %lld AND action = 'lesson.create'",
             (long long)t);
    assert_int_equal(count_sql(state, sql), 1);
}

struct problem_job {
    struct problem_new in;
    int64_t link_ticket, problem_id;
    struct terr_info ei;
};

static enum terr problem_tx(struct store_tx *tx, void *arg)
{
    struct problem_job *j = arg;
    struct actor who = {.kind = ACTOR_AGENT, .id = g_agent, .role = ROLE_AGENT};
    if (j->link_ticket)
        return svc_problem_link(tx, &who, j->link_ticket, j->problem_id, &j->ei);
    struct problem p;
    enum terr e = svc_problem_open(tx, &who, &j->in, &p, &j->ei);
    if (!e) {
        j->problem_id = p.id;
        problem_release(&p);
    }
    return e;
}

static void a_problem_link_ticks_systemic_check(void **state)
{
    struct store *st = ST(state);
    agent_id(st);
    int64_t t1 = seed_ticket(st, LEVEL_HOSTILE), t2 = seed_ticket(st, LEVEL_HEATED);
    struct problem_job j = {.in = {.title = "Double charges", .from_ticket_id = t1}};
    assert_int_equal(store_write(st, problem_tx, &j), TERR_OK);
    struct steps_report r = report(st, t1);
    assert_true(r.steps[STEP_SYSTEMIC_CHECK].done);
    assert_non_null(strstr(r.steps[STEP_SYSTEMIC_CHECK].evidence, "opened from this ticket"));
    assert_false(report(st, t2).steps[STEP_SYSTEMIC_CHECK].done);

    struct problem_job link = {.link_ticket = t2, .problem_id = j.problem_id + 100};
    assert_int_equal(store_write(st, problem_tx, &link), TERR_INVALID);
    assert_string_equal(link.ei.field, "problem_id");
    link.problem_id = j.problem_id;
    assert_int_equal(store_write(st, problem_tx, &link), TERR_OK);
    r = report(st, t2);
    assert_true(r.steps[STEP_SYSTEMIC_CHECK].done);
    char want[64];
    snprintf(want, sizeof(want), "linked to known problem %lld", (long long)j.problem_id);
    assert_string_equal(r.steps[STEP_SYSTEMIC_CHECK].evidence, want);
}

/* ---- marks ---- */

struct mark_job {
    int64_t ticket_id;
    const char *step, *reason;
    bool done;
    struct steps_report r;
    struct terr_info ei;
};

static enum terr mark_tx(struct store_tx *tx, void *arg)
{
    struct mark_job *j = arg;
    struct actor who = {.kind = ACTOR_AGENT, .id = g_agent, .role = ROLE_AGENT};
    return svc_step_mark(tx, &who, j->ticket_id, j->step, j->done, j->reason, &j->r, &j->ei);
}

static int64_t marks_of(void **state, int64_t t)
{
    char sql[160];
    snprintf(
        sql, sizeof(sql),
        "SELECT (SELECT count(*) FROM step_marks WHERE ticket_id = %lld) * 1000 +"
        " (SELECT count(*) FROM events WHERE ticket_id = %lld AND action LIKE 'ticket.step_%%')",
        (long long)t, (long long)t);
    return count_sql(state, sql);
}

static void marks_override_the_evidence_and_are_audited(void **state)
{
    struct store *st = ST(state);
    int64_t t = seed_ticket(st, LEVEL_HOSTILE);
    add_message(st, t, AUTHOR_AGENT, false, g_then, review(true, true, ""));
    assert_true(report(st, t).steps[STEP_UNDERSTAND_PAIN].done);

    struct mark_job j = {.ticket_id = t, .step = "understand_pain", .reason = "hollow words"};
    assert_int_equal(store_write(st, mark_tx, &j), TERR_OK);
    assert_false(j.r.steps[STEP_UNDERSTAND_PAIN].done);
    assert_int_equal(j.r.steps[STEP_UNDERSTAND_PAIN].source, STEP_SOURCE_HAND);
    assert_non_null(strstr(j.r.steps[STEP_UNDERSTAND_PAIN].missing, "hollow words"));

    j = (struct mark_job){
        .ticket_id = t, .step = "identify_cause", .reason = "billing, confirmed", .done = true};
    assert_int_equal(store_write(st, mark_tx, &j), TERR_OK);
    struct steps_report r = report(st, t);
    assert_true(r.steps[STEP_IDENTIFY_CAUSE].done);
    assert_int_equal(r.steps[STEP_IDENTIFY_CAUSE].agent_id, g_agent);
    assert_int_equal(marks_of(state, t), 2002);

    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM events WHERE ticket_id = %lld AND action = "
             "'ticket.step_unticked' AND json_extract(before, '$.done') = 1 AND "
             "json_extract(before, '$.source') = 'evidence' AND "
             "json_extract(after, '$.reason') = 'hollow words'",
             (long long)t);
    assert_int_equal(count_sql(state, sql), 1);

    /* Bad marks change nothing. */
    j = (struct mark_job){.ticket_id = t, .step = "find_blame", .reason = "x", .done = true};
    assert_int_equal(store_write(st, mark_tx, &j), TERR_INVALID);
    assert_string_equal(j.ei.field, "step");
    j = (struct mark_job){.ticket_id = t, .step = "identify_cause", .reason = " \n", .done = true};
    assert_int_equal(store_write(st, mark_tx, &j), TERR_INVALID);
    assert_string_equal(j.ei.field, "reason");
    j = (struct mark_job){.ticket_id = t + 1000, .step = "identify_cause", .reason = "x"};
    assert_int_equal(store_write(st, mark_tx, &j), TERR_NOT_FOUND);
    assert_int_equal(marks_of(state, t), 2002);
}

static void a_calm_ticket_cannot_be_marked(void **state)
{
    struct store *st = ST(state);
    agent_id(st);
    int64_t t = seed_ticket(st, LEVEL_CALM);
    struct mark_job j = {.ticket_id = t, .step = "identify_cause", .reason = "x", .done = true};
    assert_int_equal(store_write(st, mark_tx, &j), TERR_CONFLICT);
    assert_non_null(strstr(j.ei.message, "mark it as a conflict first"));
    assert_int_equal(marks_of(state, t), 0);
}

/* ---- resolving a conflict asks for a lesson ---- */

struct update_job {
    int64_t ticket_id;
    struct ticket_patch p;
    struct terr_info ei;
};

static enum terr update_tx(struct store_tx *tx, void *arg)
{
    struct update_job *j = arg;
    struct actor who = {.kind = ACTOR_AGENT, .id = g_agent, .role = ROLE_AGENT};
    return svc_ticket_update(tx, &who, j->ticket_id, &j->p, &j->ei);
}

struct get_job {
    int64_t id;
    struct ticket t;
};

static enum terr get_tx(struct store_tx *tx, void *arg)
{
    struct get_job *g = arg;
    return store_ticket_get(tx, g->id, &g->t);
}

static enum ticket_status status_of(struct store *st, int64_t id)
{
    struct get_job g = {.id = id};
    assert_int_equal(store_read(st, get_tx, &g), TERR_OK);
    enum ticket_status s = g.t.status;
    ticket_release(&g.t);
    return s;
}

static void resolving_a_conflict_needs_a_lesson(void **state)
{
    struct store *st = ST(state);
    agent_id(st);
    int64_t t = seed_ticket(st, LEVEL_HEATED);
    struct update_job u = {.ticket_id = t, .p = {.has_status = true, .status = STATUS_RESOLVED}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_INVALID);
    assert_string_equal(u.ei.field, "lesson");
    assert_non_null(strstr(u.ei.message, "what_went_wrong"));
    assert_int_equal(status_of(st, t), STATUS_OPEN);

    struct lesson_new bad = {"cause", "", "prevention"};
    u = (struct update_job){.ticket_id = t,
                            .p = {.has_status = true, .status = STATUS_RESOLVED, .lesson = &bad}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_INVALID);
    assert_string_equal(u.ei.field, "lesson.what_went_wrong");
    assert_int_equal(status_of(st, t), STATUS_OPEN);

    struct lesson_new l = {"billing ran twice", "charged twice", "idempotent billing"};
    u = (struct update_job){.ticket_id = t,
                            .p = {.has_status = true, .status = STATUS_RESOLVED, .lesson = &l}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_OK);
    assert_int_equal(status_of(st, t), STATUS_RESOLVED);
    assert_true(report(st, t).steps[STEP_REVIEW_AND_LEARN].done);

    /* Reopened and resolved again: the lesson is on record already. */
    u = (struct update_job){.ticket_id = t, .p = {.has_status = true, .status = STATUS_OPEN}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_OK);
    u = (struct update_job){.ticket_id = t, .p = {.has_status = true, .status = STATUS_RESOLVED}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_OK);

    /* A calm ticket resolves as before; marking it a conflict changes that. */
    int64_t calm = seed_ticket(st, LEVEL_CALM);
    u = (struct update_job){.ticket_id = calm, .p = {.has_conflict = true, .conflict = true}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_OK);
    assert_true(report(st, calm).applies);
    u = (struct update_job){.ticket_id = calm,
                            .p = {.has_status = true, .status = STATUS_RESOLVED}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_INVALID);
    u = (struct update_job){.ticket_id = calm, .p = {.has_conflict = true, .conflict = false}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_OK);
    u = (struct update_job){.ticket_id = calm,
                            .p = {.has_status = true, .status = STATUS_RESOLVED}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_OK);
}

static void an_agent_confirming_the_category_identifies_the_cause(void **state)
{
    struct store *st = ST(state);
    agent_id(st);
    int64_t t = seed_ticket(st, LEVEL_HOSTILE);
    assert_false(report(st, t).steps[STEP_IDENTIFY_CAUSE].done);
    /* The same category the analysis chose: a confirmation, audited. */
    int64_t before = time_now_ms();
    struct update_job u = {.ticket_id = t, .p = {.has_category = true, .category = "billing"}};
    assert_int_equal(store_write(st, update_tx, &u), TERR_OK);
    struct steps_report r = report(st, t);
    assert_true(r.steps[STEP_IDENTIFY_CAUSE].done);
    assert_true(r.steps[STEP_IDENTIFY_CAUSE].at >= before);
    assert_string_equal(r.steps[STEP_IDENTIFY_CAUSE].evidence,
                        "an agent set the category to 'billing'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_calm_ticket_carries_no_steps, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(an_apology_where_the_company_was_at_fault_ticks_ownership,
                                        setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_reply_without_a_review_proves_nothing, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_later_reply_with_a_next_step_is_a_status_update, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(an_approved_offer_ticks_act_and_inform, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_lesson_ticks_review_and_learn, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_problem_link_ticks_systemic_check, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(marks_override_the_evidence_and_are_audited, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_calm_ticket_cannot_be_marked, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(resolving_a_conflict_needs_a_lesson, setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(an_agent_confirming_the_category_identifies_the_cause,
                                        setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
