/* src/analysis/analysis_json.c: an analysis as the API shows it, and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/analysis.h"

static const char MSG[] = "I will SUE you, see you in court. Where is my refund?";

static struct msg_analysis sample(void)
{
    struct msg_analysis a;
    memset(&a, 0, sizeof a);
    a.sentiment = (struct sentiment){.compound = -0.71234, .pos = 0.0, .neu = 0.6, .neg = 0.4};
    a.emotions[EMO_ANGER] = 0.8;
    a.emotions[EMO_JOY] = 0.05;
    a.triggers[0] = (struct trigger){.kind = TRIG_LEGAL, .start = 7, .end = 10, .confidence = 0.9};
    a.triggers[1] = (struct trigger){.kind = TRIG_SHOUTING, .start = 7, .end = 10,
                                     .confidence = 0.5};
    a.n_triggers = 2;
    memcpy(a.category, "refund", 7);
    a.category_confidence = 0.66;
    a.cause = CAUSE_PRODUCT_SERVICE;
    a.question = 1;
    a.score = 81;
    a.level = CONFLICT_HOSTILE;
    a.reasons[0] = (struct reason){.text = "legal threat: \"SUE\"", .weight = 40};
    a.reasons[1] = (struct reason){.text = "strong negative sentiment", .weight = 30};
    a.n_reasons = 2;
    return a;
}

static char *dump(const struct msg_analysis *a, const char *text)
{
    json_t *o = analysis_to_json(a, text, strlen(text));
    assert_non_null(o);
    char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(o);
    return s;
}

static void json_has_the_api_fields(void **state)
{
    (void)state;
    struct msg_analysis a = sample();
    json_t *o = analysis_to_json(&a, MSG, strlen(MSG));
    assert_int_equal(json_integer_value(json_object_get(o, "score")), 81);
    assert_string_equal(json_string_value(json_object_get(o, "level")), "hostile");
    assert_string_equal(json_string_value(json_object_get(o, "category")), "refund");
    assert_string_equal(json_string_value(json_object_get(o, "cause")), "product_service");
    assert_true(json_is_true(json_object_get(o, "question")));
    json_t *t = json_array_get(json_object_get(o, "triggers"), 0);
    assert_string_equal(json_string_value(json_object_get(t, "kind")), "legal_threat");
    assert_string_equal(json_string_value(json_object_get(t, "text")), "SUE");
    assert_int_equal(json_integer_value(json_object_get(t, "start")), 7);
    json_t *e = json_object_get(o, "emotions");
    assert_true(json_is_number(json_object_get(e, "anger")));
    assert_true(json_is_number(json_object_get(e, "disappointment")));
    json_t *r = json_array_get(json_object_get(o, "reasons"), 0);
    assert_string_equal(json_string_value(json_object_get(r, "text")), "legal threat: \"SUE\"");
    json_decref(o);
}

static void numbers_are_rounded_to_three_decimals(void **state)
{
    (void)state;
    struct msg_analysis a = sample();
    char *s = dump(&a, MSG);
    assert_non_null(strstr(s, "\"compound\":-0.712,"));
    assert_non_null(strstr(s, "\"neu\":0.6,"));
    free(s);
}

static void round_trip_keeps_what_risk_needs(void **state)
{
    (void)state;
    struct msg_analysis a = sample(), b;
    char *s = dump(&a, MSG);
    memset(&b, 0xff, sizeof b);
    assert_int_equal(analysis_from_json(s, &b), TERR_OK);
    free(s);
    assert_int_equal(b.score, 81);
    assert_int_equal(b.level, CONFLICT_HOSTILE);
    assert_int_equal(b.n_triggers, 2);
    assert_int_equal(b.triggers[0].kind, TRIG_LEGAL);
    assert_int_equal(b.triggers[0].start, 7);
    assert_int_equal(b.triggers[0].end, 10);
    assert_float_equal(b.triggers[0].confidence, 0.9, 1e-9);
    assert_int_equal(b.triggers[1].kind, TRIG_SHOUTING);
    assert_string_equal(b.category, "refund");
    assert_float_equal(b.category_confidence, 0.66, 1e-9);
    assert_int_equal(b.cause, CAUSE_PRODUCT_SERVICE);
    assert_int_equal(b.question, 1);
    assert_float_equal(b.sentiment.compound, -0.712, 1e-9);
    assert_float_equal(b.sentiment.neg, 0.4, 1e-9);
    assert_float_equal(b.emotions[EMO_ANGER], 0.8, 1e-9);
    assert_int_equal(b.n_reasons, 2);
    assert_string_equal(b.reasons[1].text, "strong negative sentiment");
    assert_int_equal(b.reasons[1].weight, 30);
}

static void missing_fields_read_as_none(void **state)
{
    (void)state;
    struct msg_analysis b;
    assert_int_equal(analysis_from_json("{\"score\": 60}", &b), TERR_OK);
    assert_int_equal(b.score, 60);
    assert_int_equal(b.level, CONFLICT_HEATED); /* from the score */
    assert_int_equal(b.n_triggers, 0);
    assert_string_equal(b.category, "");
    assert_int_equal(b.cause, CAUSE_NONE);
    assert_int_equal(b.question, 0);
    assert_int_equal(analysis_from_json("{}", &b), TERR_OK);
    assert_int_equal(b.score, 0);
    assert_int_equal(b.level, CONFLICT_CALM);
}

static void unknown_trigger_kind_is_skipped(void **state)
{
    (void)state;
    struct msg_analysis b;
    assert_int_equal(analysis_from_json("{\"triggers\":[{\"kind\":\"telepathy\",\"start\":0,"
                                        "\"end\":1},{\"kind\":\"churn_threat\",\"start\":2,"
                                        "\"end\":5,\"confidence\":1}]}",
                                        &b),
                     TERR_OK);
    assert_int_equal(b.n_triggers, 1);
    assert_int_equal(b.triggers[0].kind, TRIG_CHURN);
}

static void garbage_is_invalid_and_leaves_out_alone(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "not json",
        "[1,2]",
        "\"text\"",
        "{\"score\": \"high\"}",
        "{\"score\": 1000}",
        "{\"triggers\": {}}",
        "{\"triggers\": [{\"kind\": \"legal_threat\", \"start\": -1}]}",
        "{\"sentiment\": {\"compound\": \"bad\"}}",
        "{\"question\": \"yes\"}",
        "{\"reasons\": [3]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct msg_analysis b;
        memset(&b, 0x5a, sizeof b);
        assert_int_equal(analysis_from_json(bad[i], &b), TERR_INVALID);
        assert_int_equal(b.score, 0x5a5a5a5a);
    }
    assert_int_equal(analysis_from_json(NULL, &(struct msg_analysis){0}), TERR_INVALID);
}

static void trigger_text_never_cuts_a_character(void **state)
{
    (void)state;
    /* "é" is two bytes: a span ending inside it, and one past the text. */
    static const char text[] = "caf\xc3\xa9!";
    struct msg_analysis a;
    memset(&a, 0, sizeof a);
    a.triggers[0] = (struct trigger){.kind = TRIG_URGENCY, .start = 0, .end = 4};
    a.triggers[1] = (struct trigger){.kind = TRIG_URGENCY, .start = 2, .end = 99};
    a.n_triggers = 2;
    json_t *o = analysis_to_json(&a, text, strlen(text));
    json_t *list = json_object_get(o, "triggers");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "text")),
                        "caf?");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "text")), "");
    json_decref(o);
}

/* The stored text is JSON that says what the analysis holds, for real
 * analyses of awkward text: quotes, backslashes, control characters, emoji,
 * capitals. */
static void text_says_what_the_analysis_holds(void **state)
{
    (void)state;
    static const char *const msgs[] = {
        "I will SUE you, see you in court. Where is my refund?",
        "He said \"we'll \\cancel\\ it\" and hung up!!! \x01\t still waiting 😡😡",
        "THIS IS RIDICULOUS, I WANT MY MONEY BACK NOW",
        "Thanks a lot, all sorted :)",
        "",
        "Ты меня слышишь? I want to speak to a manager. Café crème, s'il vous plaît.",
    };
    char err[256];
    const char *models = getenv("TRUCE_MODELS");
    struct analysis_data *d =
        analysis_data_load("data", models && *models ? models : NULL, err, sizeof err);
    if (!d)
        fail_msg("analysis_data_load: %s", err);
    struct analyzer *an = analyzer_new(d);
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        struct msg_analysis m;
        size_t len = strlen(msgs[i]);
        assert_int_equal(analyze_message(an, msgs[i], len, &m), TERR_OK);
        char *text = analysis_json_text(&m, msgs[i], len);
        json_error_t je;
        json_t *parsed = json_loads(text, 0, &je);
        if (!parsed)
            fail_msg("not JSON (%s): %s", je.text, text);
        /* What the text says is what the analysis holds: read back field by
         * field, and each trigger's text is the message's bytes. */
        struct msg_analysis back;
        assert_int_equal(analysis_from_json(text, &back), TERR_OK);
        assert_int_equal(back.score, m.score);
        assert_int_equal(back.level, m.level);
        assert_int_equal(back.question, m.question);
        assert_int_equal(back.n_triggers, m.n_triggers);
        assert_int_equal(back.n_reasons, m.n_reasons);
        assert_string_equal(back.category, m.category);
        json_t *trig = json_object_get(parsed, "triggers");
        for (size_t k = 0; k < m.n_triggers; k++) {
            const json_t *t = json_array_get(trig, k);
            assert_int_equal(json_integer_value(json_object_get(t, "start")), m.triggers[k].start);
            const char *span = json_string_value(json_object_get(t, "text"));
            assert_int_equal(strlen(span), m.triggers[k].end - m.triggers[k].start);
            assert_memory_equal(span, msgs[i] + m.triggers[k].start, strlen(span));
        }
        json_decref(parsed);
        free(text);
    }
    /* Reals print as jansson prints them. */
    struct msg_analysis m = sample();
    m.sentiment.compound = -0.5;
    m.sentiment.pos = 1;
    m.sentiment.neu = 0;
    m.sentiment.neg = 0.1234;
    char *text = analysis_json_text(&m, MSG, sizeof MSG - 1);
    assert_non_null(strstr(text, "\"sentiment\":{\"compound\":-0.5,\"pos\":1.0,\"neu\":0.0,"
                                 "\"neg\":0.123}"));
    free(text);
    analyzer_free(an);
    analysis_data_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_has_the_api_fields),
        cmocka_unit_test(numbers_are_rounded_to_three_decimals),
        cmocka_unit_test(round_trip_keeps_what_risk_needs),
        cmocka_unit_test(missing_fields_read_as_none),
        cmocka_unit_test(unknown_trigger_kind_is_skipped),
        cmocka_unit_test(garbage_is_invalid_and_leaves_out_alone),
        cmocka_unit_test(trigger_text_never_cuts_a_character),
        cmocka_unit_test(text_says_what_the_analysis_holds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
