/* src/analysis/emotion.c: emotions from cues, sentiment and message shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/emotion.h"
#include "analysis/lexicon.h"
#include "analysis/sentiment.h"
#include "text/stem.h"
#include "text/tokenize.h"

static struct lexicon *lx;
static struct emotion_cues *cues;
static struct stemmer *st;
static struct tokens toks;

static int setup(void **state)
{
    (void)state;
    char err[256];
    lx = lexicon_load("data/lexicons/vader_lexicon.txt",
                      "data/lexicons/vader_emoji_utf8_lexicon.txt", err, sizeof err);
    cues = lx ? emotion_cues_load("data/lexicons/emotion_cues.txt", err, sizeof err) : NULL;
    if (!cues) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    st = stemmer_new("english");
    tokens_init(&toks);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    emotion_cues_free(cues);
    lexicon_free(lx);
    stemmer_free(st);
    tokens_release(&toks);
    return 0;
}

/* The analyzer's steps, then the estimate without a model. */
static void estimate(const char *text, double out[N_EMOTIONS])
{
    assert_int_equal(tokenize(text, strlen(text), &toks), TERR_OK);
    tokens_stem(&toks, st);
    negation_mark(&toks);
    struct sentiment s;
    sentiment_score(lx, &toks, &s);
    emotions_estimate(cues, NULL, NULL, &toks, lx, &s, out);
}

static enum emotion strongest(const double e[N_EMOTIONS])
{
    size_t best = 0;
    for (size_t i = 1; i < N_EMOTIONS; i++)
        if (e[i] > e[best])
            best = i;
    return (enum emotion)best;
}

static void expect_strongest(const char *text, enum emotion want, double at_least)
{
    double e[N_EMOTIONS];
    estimate(text, e);
    if (strongest(e) != want || e[want] < at_least)
        fail_msg("\"%s\": anger %.2f annoyance %.2f disappointment %.2f anxiety %.2f "
                 "gratitude %.2f",
                 text, e[EMO_ANGER], e[EMO_ANNOYANCE], e[EMO_SADNESS], e[EMO_FEAR], e[EMO_JOY]);
}

static void cue_list_loads(void **state)
{
    (void)state;
    assert_true(emotion_cues_size(cues) > 150);
}

static void fury_and_exclamation_read_as_anger(void **state)
{
    (void)state;
    expect_strongest("I am furious, this is the third time!!!", EMO_ANGER, 0.7);
    expect_strongest("THIS IS UNACCEPTABLE. I WANT MY MONEY BACK NOW!!!", EMO_ANGER, 0.5);
    expect_strongest("\xf0\x9f\x98\xa1\xf0\x9f\x98\xa1 where is my order", EMO_ANGER, 0.5);
}

static void thanks_read_as_gratitude(void **state)
{
    (void)state;
    expect_strongest("Thank you so much, you saved my day", EMO_JOY, 0.7);
    expect_strongest("Thanks, much appreciated!", EMO_JOY, 0.7);
}

static void worry_reads_as_anxiety(void **state)
{
    (void)state;
    expect_strongest("I'm really worried my data is gone", EMO_FEAR, 0.6);
}

static void let_down_reads_as_disappointment(void **state)
{
    (void)state;
    expect_strongest("I'm so disappointed, I expected better", EMO_SADNESS, 0.7);
    expect_strongest("Honestly the new version is not helpful at all", EMO_SADNESS, 0.2);
}

static void repetition_reads_as_annoyance(void **state)
{
    (void)state;
    expect_strongest("Still waiting for a reply, this is so annoying", EMO_ANNOYANCE, 0.6);
}

static void calm_question_is_low_everywhere(void **state)
{
    (void)state;
    double e[N_EMOTIONS];
    estimate("What time do you open?", e);
    for (size_t i = 0; i < N_EMOTIONS; i++)
        assert_true(e[i] < 0.1);
}

static void negated_cue_does_not_count(void **state)
{
    (void)state;
    double plain[N_EMOTIONS], negated[N_EMOTIONS];
    estimate("I am angry about the delay", plain);
    estimate("I am not angry about the delay", negated);
    assert_true(plain[EMO_ANGER] > 0.6);
    assert_true(negated[EMO_ANGER] < 0.3);
    estimate("No worries, take your time", negated);
    assert_true(negated[EMO_FEAR] < 0.1);
}

static void bitter_thanks_are_not_gratitude(void **state)
{
    (void)state;
    double e[N_EMOTIONS];
    estimate("Thanks for nothing, you wasted my whole day, terrible service", e);
    assert_true(e[EMO_JOY] < e[EMO_ANNOYANCE]);
}

static void expect_load_error(const char *text, const char *what)
{
    const char *base = getenv("TMPDIR");
    char path[256], err[256] = "";
    snprintf(path, sizeof path, "%s/truce-cues-XXXXXX", base && *base ? base : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct emotion_cues *c = emotion_cues_load(path, err, sizeof err);
    unlink(path);
    assert_null(c);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "line 3"));
    assert_non_null(strstr(err, what));
}

static void malformed_cue_lines_are_errors(void **state)
{
    (void)state;
    expect_load_error("# comment\nangry 0.8 anger\nfurious 0.9 rage\n", "unknown emotion 'rage'");
    expect_load_error("\nangry 0.8 anger\nfurious 1.5 anger\n", "0..1");
    expect_load_error("angry 0.8 anger\n\nfurious\n", "phrase weight emotion");
    expect_load_error("a 0.1 anger\nb 0.1 anger\none two three four five 0.5 anger\n",
                      "at most 4 words");
    char err[256] = "";
    assert_null(emotion_cues_load("data/lexicons/no-such-cues.txt", err, sizeof err));
    assert_non_null(strstr(err, "'data/lexicons/no-such-cues.txt'"));
    emotion_cues_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cue_list_loads),
        cmocka_unit_test(fury_and_exclamation_read_as_anger),
        cmocka_unit_test(thanks_read_as_gratitude),
        cmocka_unit_test(worry_reads_as_anxiety),
        cmocka_unit_test(let_down_reads_as_disappointment),
        cmocka_unit_test(repetition_reads_as_annoyance),
        cmocka_unit_test(calm_question_is_low_everywhere),
        cmocka_unit_test(negated_cue_does_not_count),
        cmocka_unit_test(bitter_thanks_are_not_gratitude),
        cmocka_unit_test(malformed_cue_lines_are_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
