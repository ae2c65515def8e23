/* src/service/qa.c: reading conversations (JSON, CSV), the caps, and the
 * scorecard's sums: per conversation, per agent and in total. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/analysis.h"
#include "analysis/coach.h"
#include "service/coach.h"
#include "service/conflict.h"
#include "service/qa.h"

static struct analysis_data *adata;
static struct coach_data *cdata;

static int load(void **state)
{
    (void)state;
    char err[256];
    adata = analysis_data_load("data", NULL, err, sizeof err);
    if (!adata) {
        fprintf(stderr, "analysis_data_load: %s\n", err);
        return -1;
    }
    cdata = coach_data_load("data", NULL, adata, err, sizeof err);
    if (!cdata) {
        fprintf(stderr, "coach_data_load: %s\n", err);
        return -1;
    }
    svc_conflict_setup(adata);
    svc_coach_setup(cdata);
    return 0;
}

static int unload(void **state)
{
    (void)state;
    svc_coach_setup(NULL);
    svc_coach_thread_done();
    svc_conflict_setup(NULL);
    svc_conflict_thread_done();
    coach_data_free(cdata);
    analysis_data_free(adata);
    return 0;
}

/* Reads csv text into in; returns the error (ei filled). */
static enum terr add_csv(struct qa_input *in, const char *text, struct terr_info *ei)
{
    FILE *f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
    assert_non_null(f);
    enum terr e = svc_qa_add_csv(in, f, "x.csv", ei);
    fclose(f);
    return e;
}

static void csv_groups_consecutive_rows(void **state)
{
    (void)state;
    struct qa_input in;
    qa_input_init(&in, 100);
    struct terr_info ei = {0};
    assert_int_equal(add_csv(&in,
                             "conversation_id,author,agent,body,customer_name\n"
                             "a,customer,,\"Late, again\",Dana\n"
                             "a,agent,ann,We are on it,\n"
                             "b,customer,,Hello,\n"
                             "b,agent,bob,Hi,\n",
                             &ei),
                     TERR_OK);
    assert_int_equal(in.n, 2);
    assert_string_equal(in.v[0].id, "a");
    assert_string_equal(in.v[0].customer_name, "Dana");
    assert_null(in.v[1].customer_name);
    assert_int_equal(in.v[0].n, 2);
    assert_string_equal(in.v[0].v[0].body, "Late, again");
    assert_null(in.v[0].v[0].agent);
    assert_string_equal(in.v[0].v[1].agent, "ann");
    assert_int_equal(in.n_replies, 2);
    qa_input_release(&in);
}

static void csv_errors_name_the_line(void **state)
{
    (void)state;
    struct qa_input in;
    qa_input_init(&in, 100);
    struct terr_info ei = {0};
    assert_int_equal(add_csv(&in, "a,customer,,hi\na,manager,x,hello\n", &ei), TERR_INVALID);
    assert_non_null(strstr(ei.message, "x.csv:2"));
    qa_input_release(&in);

    qa_input_init(&in, 100);
    assert_int_equal(add_csv(&in, "a,customer,,\"never closed\n", &ei), TERR_INVALID);
    assert_non_null(strstr(ei.message, "x.csv"));
    qa_input_release(&in);

    qa_input_init(&in, 100);
    assert_int_equal(add_csv(&in, "a,customer,,caf\xc3\n", &ei), TERR_BAD_UTF8);
    qa_input_release(&in);
}

static void json_error_names_the_field_and_leaves_input(void **state)
{
    (void)state;
    struct qa_input in;
    qa_input_init(&in, 100);
    struct terr_info ei = {0};
    json_t *ok = json_pack("{s:i, s:[{s:s, s:s, s:s}]}", "id", 7, "messages", "author", "agent",
                           "agent", "ann", "body", "We will send it today.");
    json_t *bad = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:i}]}", "id", "x", "messages", "author",
                            "agent", "body", "Sent today.", "author", "agent", "body", 3);
    assert_int_equal(svc_qa_add_json(&in, ok, "c[0]", &ei), TERR_OK);
    assert_string_equal(in.v[0].id, "7");
    assert_int_equal(svc_qa_add_json(&in, bad, "c[1]", &ei), TERR_WRONG_TYPE);
    assert_string_equal(ei.field, "c[1].messages[1].body");
    assert_int_equal(in.n, 1);
    assert_int_equal(in.n_replies, 1);
    assert_int_equal(in.n_messages, 1);
    json_decref(ok);
    json_decref(bad);
    qa_input_release(&in);
}

static void replies_past_the_cap_are_refused(void **state)
{
    (void)state;
    struct qa_input in;
    qa_input_init(&in, 2);
    struct terr_info ei = {0};
    /* Internal notes and customer messages do not count as replies. */
    json_t *c = json_pack("{s:s, s:[{s:s, s:s}, {s:s, s:s, s:b}, {s:s, s:s}, {s:s, s:s}]}", "id",
                          "x", "messages", "author", "agent", "body", "one", "author", "agent",
                          "body", "note", "internal", 1, "author", "customer", "body", "hm",
                          "author", "agent", "body", "two");
    assert_int_equal(svc_qa_add_json(&in, c, "c", &ei), TERR_OK);
    assert_int_equal(in.n_replies, 2);
    assert_int_equal(svc_qa_add_json(&in, c, "c", &ei), TERR_TOO_LARGE);
    assert_non_null(strstr(ei.message, "more than 2"));
    assert_int_equal(in.n, 1);
    json_decref(c);
    qa_input_release(&in);
}

static double mean_of(const json_t *replies, const char *agent, const char *skill)
{
    double sum = 0;
    size_t n = 0, i;
    const json_t *r;
    json_array_foreach(replies, i, r)
    {
        const char *a = json_string_value(json_object_get(r, "agent"));
        if (agent && (!a || strcmp(a, agent) != 0))
            continue;
        sum += (double)json_integer_value(json_object_get(json_object_get(r, "scores"), skill));
        n++;
    }
    return n ? sum / (double)n : -1;
}

static void the_scorecard_sums_what_it_scored(void **state)
{
    (void)state;
    struct qa_input in;
    qa_input_init(&in, 100);
    struct terr_info ei = {0};
    assert_int_equal(add_csv(&in,
                             "a,customer,,My parcel is two weeks late and nobody answers!,Dana\n"
                             "a,agent,ann,\"Hi Dana, thank you for writing, and I am sorry your "
                             "order is late. I have sent a replacement today.\",\n"
                             "a,customer,,ok,\n"
                             "a,agent,ann,Thanks!,\n"
                             "b,customer,,Where is my refund?,\n"
                             "b,agent,bob,\"You should have read the policy before ordering, "
                             "there is nothing we can do.\",\n"
                             "b,agent,ann,\"I am sorry about that; I have refunded you today.\",\n",
                             &ei),
                     TERR_OK);
    json_t *out = NULL;
    assert_int_equal(svc_qa_run(&in, &out, &ei), TERR_OK);
    const json_t *replies = json_object_get(out, "replies");
    const json_t *skipped = json_object_get(out, "skipped");
    assert_int_equal(json_array_size(replies), 3);
    assert_int_equal(json_integer_value(json_object_get(skipped, "count")), 1);
    const json_t *s0 = json_array_get(json_object_get(skipped, "replies"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "conversation")), "a");
    assert_int_equal(json_integer_value(json_object_get(s0, "index")), 3);
    assert_string_equal(json_string_value(json_object_get(s0, "reason")), "too_short");
    /* A scorecard's findings say what and where, not the coach's advice. */
    size_t fi;
    const json_t *rep, *f;
    json_array_foreach(replies, fi, rep)
    {
        size_t k;
        json_array_foreach(json_object_get(rep, "findings"), k, f)
        {
            assert_non_null(json_object_get(f, "kind"));
            assert_non_null(json_object_get(f, "text"));
            assert_null(json_object_get(f, "message"));
            assert_null(json_object_get(f, "suggestion"));
        }
    }

    /* Per conversation: replies and skipped, findings summed from the replies. */
    const json_t *convs = json_object_get(out, "conversations");
    assert_int_equal(json_array_size(convs), 2);
    const json_t *ca = json_array_get(convs, 0), *cb = json_array_get(convs, 1);
    assert_int_equal(json_integer_value(json_object_get(ca, "replies")), 1);
    assert_int_equal(json_integer_value(json_object_get(ca, "skipped")), 1);
    assert_int_equal(json_integer_value(json_object_get(cb, "replies")), 2);
    size_t findings = 0, i;
    const json_t *r;
    json_array_foreach(replies, i, r)
    {
        findings += json_array_size(json_object_get(r, "findings"));
    }
    const json_t *totals = json_object_get(out, "totals");
    assert_int_equal(json_integer_value(json_object_get(totals, "findings")), (json_int_t)findings);
    assert_int_equal(json_integer_value(json_object_get(ca, "findings")) +
                         json_integer_value(json_object_get(cb, "findings")),
                     (json_int_t)findings);

    /* Per agent: ann has two scored replies (one per conversation) and one
     * skipped; her mean is the mean of her replies, to a tenth. */
    const json_t *agents = json_object_get(out, "agents");
    assert_int_equal(json_array_size(agents), 2);
    const json_t *ann = NULL;
    json_array_foreach(agents, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "agent")), "ann") == 0)
            ann = r;
    }
    assert_non_null(ann);
    assert_int_equal(json_integer_value(json_object_get(ann, "replies")), 2);
    assert_int_equal(json_integer_value(json_object_get(ann, "skipped")), 1);
    for (size_t s = 0; s < N_COACH_SKILLS; s++) {
        const char *skill = coach_skill_name((enum coach_skill)s);
        double got = json_real_value(json_object_get(json_object_get(ann, "scores"), skill));
        assert_true(fabs(got - mean_of(replies, "ann", skill)) <= 0.05);
        got = json_real_value(json_object_get(json_object_get(totals, "scores"), skill));
        assert_true(fabs(got - mean_of(replies, NULL, skill)) <= 0.05);
    }
    /* Findings by kind add up to the agent's findings. */
    json_int_t by_kind = 0;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)(uintptr_t)json_object_get(ann, "kinds"), k, v)
    {
        by_kind += json_integer_value(v);
    }
    assert_int_equal(by_kind, json_integer_value(json_object_get(ann, "findings")));
    json_decref(out);
    qa_input_release(&in);
}

static void a_conversation_without_replies_has_no_scores(void **state)
{
    (void)state;
    struct qa_input in;
    qa_input_init(&in, 10);
    struct terr_info ei = {0};
    assert_int_equal(add_csv(&in, "a,customer,,Hello there,\n", &ei), TERR_OK);
    json_t *out = NULL;
    assert_int_equal(svc_qa_run(&in, &out, &ei), TERR_OK);
    const json_t *c = json_array_get(json_object_get(out, "conversations"), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "replies")), 0);
    assert_true(json_is_null(json_object_get(c, "scores")));
    assert_int_equal(json_array_size(json_object_get(out, "agents")), 0);
    json_decref(out);
    qa_input_release(&in);
}

static void without_the_coach_qa_says_so(void **state)
{
    (void)state;
    struct qa_input in;
    qa_input_init(&in, 10);
    struct terr_info ei = {0};
    svc_coach_setup(NULL);
    json_t *out = NULL;
    assert_int_equal(svc_qa_run(&in, &out, &ei), TERR_INTERNAL);
    assert_null(out);
    svc_coach_setup(cdata);
    qa_input_release(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_groups_consecutive_rows),
        cmocka_unit_test(csv_errors_name_the_line),
        cmocka_unit_test(json_error_names_the_field_and_leaves_input),
        cmocka_unit_test(replies_past_the_cap_are_refused),
        cmocka_unit_test(the_scorecard_sums_what_it_scored),
        cmocka_unit_test(a_conversation_without_replies_has_no_scores),
        cmocka_unit_test(without_the_coach_qa_says_so),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
