/* src/analysis/analyze.c: one message from text to score, level and reasons. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/analysis.h"
#include "models_fixture.h"
#include "text/tokenize.h"

struct fixture {
    struct analysis_data *d;
    struct analyzer *a;
};

/* The shipped data, without models: what the library does on its own. */
static int setup(void **state)
{
    static struct fixture f;
    char err[256];
    f.d = analysis_data_load("data", NULL, err, sizeof err);
    if (!f.d) {
        fprintf(stderr, "analysis_data_load: %s\n", err);
        return -1;
    }
    f.a = analyzer_new(f.d);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    analyzer_free(f->a);
    analysis_data_free(f->d);
    return 0;
}

static struct msg_analysis run(void **state, const char *text)
{
    struct fixture *f = *state;
    struct msg_analysis m;
    assert_int_equal(analyze_message(f->a, text, strlen(text), &m), TERR_OK);
    return m;
}

static bool has_trigger(const struct msg_analysis *m, enum trigger_kind k)
{
    for (size_t i = 0; i < m->n_triggers; i++)
        if (m->triggers[i].kind == k)
            return true;
    return false;
}

static void missing_data_dir_is_an_error_naming_the_file(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(analysis_data_load("no/such/dir", NULL, err, sizeof err));
    assert_non_null(strstr(err, "no/such/dir"));
}

static void a_corrupt_model_stops_loading(void **state)
{
    (void)state;
    char dir[] = "/tmp/truce-test-models-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof dir + 32];
    snprintf(path, sizeof path, "%s/category.model", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("this is not a model", f);
    fclose(f);
    char err[256] = "";
    struct analysis_data *d = analysis_data_load("data", dir, err, sizeof err);
    remove(path);
    rmdir(dir);
    assert_null(d);
    assert_non_null(strstr(err, "category.model"));
}

static void calm_question_is_calm_without_triggers(void **state)
{
    struct msg_analysis m = run(state, "Hi, could you tell me when my order will ship? Thanks!");
    assert_int_equal(m.level, CONFLICT_CALM);
    assert_int_equal(m.n_triggers, 0);
    assert_true(m.question);
    assert_true(m.sentiment.compound > 0);
}

static void legal_and_churn_threats_make_it_hostile_with_reasons(void **state)
{
    struct msg_analysis m = run(state, "Third time I'm writing. Refund me today or I'm cancelling "
                                       "and my lawyer will take you to court.");
    assert_true(m.level >= CONFLICT_HEATED);
    assert_true(has_trigger(&m, TRIG_LEGAL));
    assert_true(has_trigger(&m, TRIG_CHURN));
    assert_true(has_trigger(&m, TRIG_REPEAT));
    assert_true(m.n_reasons >= 3);
    /* The heaviest reason comes first and names the legal threat. */
    assert_non_null(strstr(m.reasons[0].text, "legal threat"));
    for (size_t i = 1; i < m.n_reasons; i++)
        assert_true(m.reasons[i].weight <= m.reasons[i - 1].weight);
}

/* Each reason is its share of the score, so they add up to it (rounding
 * aside, and reasons past the cap aside). */
static void reasons_add_up_to_the_score(void **state)
{
    struct msg_analysis m = run(state, "This is RIDICULOUS. I want to speak to your manager NOW, "
                                       "you people are useless and I will post this everywhere.");
    int sum = 0;
    for (size_t i = 0; i < m.n_reasons; i++)
        sum += m.reasons[i].weight;
    assert_true(m.n_reasons > 0 && m.n_reasons < ANALYSIS_MAX_REASONS);
    assert_in_range(sum, (unsigned)(m.score - (int)m.n_reasons), (unsigned)(m.score + (int)m.n_reasons));
}

static void negated_threat_does_not_count(void **state)
{
    struct msg_analysis m = run(state, "I'm not going to sue anyone, I just want my refund.");
    assert_false(has_trigger(&m, TRIG_LEGAL));
    m = run(state, "If this isn't fixed by Friday I will cancel my subscription.");
    assert_true(has_trigger(&m, TRIG_CHURN));
}

static void questions_are_found_by_mark_or_opening(void **state)
{
    assert_true(run(state, "Can someone actually tell me what is going on?").question);
    assert_true(run(state, "can you check my order").question);
    assert_true(run(state, "When will it ship").question);
    assert_true(run(state, "Is there a refund policy").question);
    assert_false(run(state, "Can't wait to see it.").question);
    assert_false(run(state, "I will call you tomorrow.").question);
    assert_false(run(state, "What a mess. How awful this has been.").question);
}

static void empty_and_blank_text_are_calm(void **state)
{
    struct msg_analysis m = run(state, "");
    assert_int_equal(m.score, 0);
    assert_int_equal(m.level, CONFLICT_CALM);
    assert_int_equal(m.n_triggers, 0);
    assert_int_equal(m.n_reasons, 0);
    m = run(state, "   \n\t ");
    assert_int_equal(m.score, 0);
}

static void bad_utf8_and_oversize_text_are_refused(void **state)
{
    struct fixture *f = *state;
    struct msg_analysis m;
    const char bad[] = "caf\xc3 ok";
    assert_int_equal(analyze_message(f->a, bad, sizeof bad - 1, &m), TERR_BAD_UTF8);
    const char nul[] = "a\0b";
    assert_int_equal(analyze_message(f->a, nul, 3, &m), TERR_BAD_UTF8);
    size_t n = TOKENIZE_MAX_BYTES + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    assert_int_equal(analyze_message(f->a, big, n, &m), TERR_TOO_LARGE);
    free(big);
}

/* A message just under the cap is analysed (and not slowly: no quadratic
 * pass), its spans inside the text. */
static void a_megabyte_of_text_is_analysed(void **state)
{
    struct fixture *f = *state;
    const char *unit = "I will sue you. ";
    size_t ulen = strlen(unit), n = (TOKENIZE_MAX_BYTES / ulen) * ulen;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i < n; i += ulen)
        memcpy(big + i, unit, ulen);
    struct msg_analysis m;
    assert_int_equal(analyze_message(f->a, big, n, &m), TERR_OK);
    assert_int_equal(m.n_triggers, ANALYSIS_MAX_TRIGGERS);
    for (size_t i = 0; i < m.n_triggers; i++)
        assert_true(m.triggers[i].end <= n && m.triggers[i].start < m.triggers[i].end);
    free(big);
}

static void the_same_text_gives_the_same_analysis(void **state)
{
    const char *t = "Still waiting on my refund!!! This is the worst airline ever 😡";
    struct msg_analysis a = run(state, t);
    run(state, "Thanks a lot, all sorted now.");
    struct msg_analysis b = run(state, t);
    assert_int_equal(a.score, b.score);
    assert_int_equal(a.n_triggers, b.n_triggers);
    assert_true(a.sentiment.compound == b.sentiment.compound);
    for (int e = 0; e < N_EMOTIONS; e++)
        assert_true(a.emotions[e] == b.emotions[e]);
}

static void without_models_there_is_no_category(void **state)
{
    struct msg_analysis m = run(state, "I was charged twice for my subscription this month.");
    assert_string_equal(m.category, "");
    assert_int_equal(m.cause, CAUSE_NONE);
}

/* With the models make trains, a category and its coarse cause. */
static void with_models_a_category_and_its_cause(void **state)
{
    (void)state;
    struct analysis_data *d = load_with_models();
    struct analyzer *a = analyzer_new(d);
    const char *t = "I was charged twice for my subscription this month and want the money back.";
    struct msg_analysis m;
    assert_int_equal(analyze_message(a, t, strlen(t), &m), TERR_OK);
    assert_string_equal(m.category, "billing");
    assert_int_equal(m.cause, CAUSE_PRODUCT_SERVICE);
    assert_true(m.category_confidence > 0 && m.category_confidence <= 1);
    t = "The agent was rude to me and hung up in the middle of the call.";
    assert_int_equal(analyze_message(a, t, strlen(t), &m), TERR_OK);
    assert_int_equal(m.cause, CAUSE_HUMAN_FACTORS);
    analyzer_free(a);
    analysis_data_free(d);
}

static void levels_follow_the_score(void **state)
{
    (void)state;
    assert_int_equal(conflict_level_of(0), CONFLICT_CALM);
    assert_int_equal(conflict_level_of(24), CONFLICT_CALM);
    assert_int_equal(conflict_level_of(25), CONFLICT_TENSE);
    assert_int_equal(conflict_level_of(50), CONFLICT_HEATED);
    assert_int_equal(conflict_level_of(75), CONFLICT_HOSTILE);
    assert_int_equal(conflict_level_of(100), CONFLICT_HOSTILE);
    assert_string_equal(conflict_level_name(CONFLICT_HEATED), "heated");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_data_dir_is_an_error_naming_the_file),
        cmocka_unit_test(a_corrupt_model_stops_loading),
        cmocka_unit_test(calm_question_is_calm_without_triggers),
        cmocka_unit_test(legal_and_churn_threats_make_it_hostile_with_reasons),
        cmocka_unit_test(reasons_add_up_to_the_score),
        cmocka_unit_test(negated_threat_does_not_count),
        cmocka_unit_test(questions_are_found_by_mark_or_opening),
        cmocka_unit_test(empty_and_blank_text_are_calm),
        cmocka_unit_test(bad_utf8_and_oversize_text_are_refused),
        cmocka_unit_test(a_megabyte_of_text_is_analysed),
        cmocka_unit_test(the_same_text_gives_the_same_analysis),
        cmocka_unit_test(without_models_there_is_no_category),
        cmocka_unit_test(with_models_a_category_and_its_cause),
        cmocka_unit_test(levels_follow_the_score),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
