/* src/analysis/triggers.c: loading the lists, and what fires on which text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/triggers.h"
#include "text/stem.h"
#include "text/tokenize.h"

#define X(e, s) s,
static const char *const kinds[] = {TRIGGER_KINDS(X)};
#undef X

/* ---- loading, on small lists in a temporary directory ---- */

struct tmpdata {
    char dir[64];
    char sub[96];
};

static void write_file(const struct tmpdata *td, const char *kind, const char *body)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s.txt", td->sub, kind);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(body, f);
    fclose(f);
}

/* A data directory whose lists are one phrase each, then body for kind. */
static void make_data(struct tmpdata *td, const char *kind, const char *body)
{
    snprintf(td->dir, sizeof td->dir, "/tmp/truce-trig-XXXXXX");
    assert_non_null(mkdtemp(td->dir));
    snprintf(td->sub, sizeof td->sub, "%s/triggers", td->dir);
    assert_int_equal(mkdir(td->sub, 0700), 0);
    for (int k = 0; k < N_TRIGGER_KINDS; k++)
        write_file(td, kinds[k], k == TRIG_SHOUTING ? "min_words 3\nUPS\n" : "# a list\nword\n");
    if (kind)
        write_file(td, kind, body);
}

static void remove_data(const struct tmpdata *td)
{
    char path[160];
    for (int k = 0; k < N_TRIGGER_KINDS; k++) {
        snprintf(path, sizeof path, "%s/%s.txt", td->sub, kinds[k]);
        unlink(path);
    }
    rmdir(td->sub);
    rmdir(td->dir);
}

/* Loads td and returns the error ("" when it loaded). */
static const char *load_error(const struct tmpdata *td, char *err, size_t errlen)
{
    struct stemmer *st = stemmer_new("english");
    err[0] = '\0';
    struct trigger_set *ts = triggers_load(td->dir, st, err, errlen);
    if (ts)
        err[0] = '\0';
    triggers_free(ts);
    stemmer_free(st);
    return err;
}

static void expect_load_error(const char *kind, const char *body, const char *want)
{
    struct tmpdata td;
    char err[300];
    make_data(&td, kind, body);
    load_error(&td, err, sizeof err);
    remove_data(&td);
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not contain \"%s\"", err, want);
}

static void loads_a_minimal_set(void **state)
{
    (void)state;
    struct tmpdata td;
    char err[300];
    make_data(&td, "churn_threat", "cancel my account  @0.8\n!cancel my order\n=quit  # comment\n");
    assert_string_equal(load_error(&td, err, sizeof err), "");
    remove_data(&td);
}

static void missing_file_is_an_error(void **state)
{
    (void)state;
    struct tmpdata td;
    char err[300], path[160];
    make_data(&td, NULL, NULL);
    snprintf(path, sizeof path, "%s/safety.txt", td.sub);
    unlink(path);
    load_error(&td, err, sizeof err);
    remove_data(&td);
    assert_non_null(strstr(err, "safety.txt"));
    assert_non_null(strstr(err, "unable to open"));
}

static void errors_name_file_and_line(void **state)
{
    (void)state;
    expect_load_error("legal_threat", "# ok\nsue\nlawyer  @1.5\n",
                      "legal_threat.txt:3: bad confidence '@1.5'");
    expect_load_error("urgency", "asap  @1x\n", "urgency.txt:1: bad confidence");
    expect_load_error("abuse", "!\n", "abuse.txt:1: '!' without a phrase");
    expect_load_error("abuse", "ok\n... ,,,\n", "abuse.txt:2:");
    expect_load_error("profanity", "a b c d e f g h i j k l m n o p q\n", "profanity.txt:1:");
    expect_load_error("safety", "fire\n\xff\xfe\n", "safety.txt:2: the line is not valid UTF-8");
    expect_load_error("shouting", "min_ratio 2\n", "shouting.txt:1: bad value '2' for min_ratio");
    expect_load_error("shouting", "min_words 3\nnot one\n",
                      "shouting.txt:2: unknown setting 'not'");
    expect_load_error("shouting", "AT&T\n", "shouting.txt:1: acronym 'AT&T' is not one word");
}

/* ---- matching, with the shipped lists ---- */

struct fixture {
    struct stemmer *stem;
    struct trigger_set *ts;
    struct tokens tok;
    struct trigger out[ANALYSIS_MAX_TRIGGERS];
    size_t n;
    const char *text;
};

static int setup(void **state)
{
    static struct fixture fx;
    char err[300];
    fx.stem = stemmer_new("english");
    fx.ts = triggers_load("data", fx.stem, err, sizeof err);
    if (!fx.ts) {
        fprintf(stderr, "triggers_load: %s\n", err);
        return -1;
    }
    tokens_init(&fx.tok);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    tokens_release(&fx->tok);
    triggers_free(fx->ts);
    stemmer_free(fx->stem);
    return 0;
}

static void run(struct fixture *fx, const char *text)
{
    fx->text = text;
    assert_int_equal(tokenize(text, strlen(text), &fx->tok), TERR_OK);
    tokens_stem(&fx->tok, fx->stem);
    negation_mark(&fx->tok);
    fx->n = triggers_find(fx->ts, text, strlen(text), &fx->tok, fx->out, ANALYSIS_MAX_TRIGGERS);
}

/* True when a trigger of kind spans exactly span (its first occurrence). */
static bool has(const struct fixture *fx, enum trigger_kind kind, const char *span)
{
    const char *at = strstr(fx->text, span);
    if (!at)
        return false;
    unsigned start = (unsigned)(at - fx->text), end = start + (unsigned)strlen(span);
    for (size_t i = 0; i < fx->n; i++)
        if (fx->out[i].kind == kind && fx->out[i].start == start && fx->out[i].end == end)
            return true;
    return false;
}

static bool has_kind(const struct fixture *fx, enum trigger_kind kind)
{
    for (size_t i = 0; i < fx->n; i++)
        if (fx->out[i].kind == kind)
            return true;
    return false;
}

static void each_kind_fires(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        enum trigger_kind kind;
        const char *text, *span;
    } v[] = {
        {TRIG_CHURN, "Please close my account, I am done.", "close my account"},
        {TRIG_LEGAL, "I have spoken to my solicitor about this.", "my solicitor"},
        {TRIG_PUBLIC, "This is going all over social media.", "all over social media"},
        {TRIG_ESCALATION, "Put me through to your supervisor.", "supervisor"},
        {TRIG_REPEAT, "I am still waiting for the engineer.", "still waiting"},
        {TRIG_SHOUTING, "WHERE IS MY PARCEL", "WHERE IS MY PARCEL"},
        {TRIG_PROFANITY, "this shit is broken", "shit"},
        {TRIG_ABUSE, "you morons lost it again", "you morons"},
        {TRIG_URGENCY, "I need it by tomorrow.", "need it by tomorrow"},
        {TRIG_SAFETY, "The kettle caught fire.", "caught fire"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        run(fx, v[i].text);
        if (!has(fx, v[i].kind, v[i].span))
            fail_msg("no %s \"%s\" in \"%s\"", kinds[v[i].kind], v[i].span, v[i].text);
    }
}

static void inflections_meet_through_stems(void **state)
{
    struct fixture *fx = *state;
    run(fx, "They sued the shop last year and I am suing you now.");
    assert_true(has(fx, TRIG_LEGAL, "sued"));
    assert_true(has(fx, TRIG_LEGAL, "suing you"));
    run(fx, "I have cancelled my subscriptions.");
    assert_true(has(fx, TRIG_CHURN, "cancelled my subscriptions"));
    run(fx, "The lid is melting and the cable sparked.");
    assert_true(has(fx, TRIG_SAFETY, "sparked"));
}

static void exact_phrases_ignore_stems(void **state)
{
    struct fixture *fx = *state;
    run(fx, "I managed to log in, thanks.");
    assert_false(has_kind(fx, TRIG_ESCALATION));
    run(fx, "Get me a manager.");
    assert_true(has(fx, TRIG_ESCALATION, "Get me a manager"));
}

static void negation_silences_unless_the_phrase_carries_it(void **state)
{
    struct fixture *fx = *state;
    run(fx, "I'm not going to sue, I just want it fixed.");
    assert_int_equal(fx->n, 0);
    run(fx, "We never had any danger from it.");
    assert_false(has_kind(fx, TRIG_SAFETY));
    run(fx, "I won't be back.");
    assert_true(has(fx, TRIG_CHURN, "won't be back"));
    run(fx, "Nobody got back to me.");
    assert_true(has(fx, TRIG_REPEAT, "Nobody got back to me"));
    /* A negated long phrase silences the shorter ones inside it. */
    run(fx, "I have no intention of leaving a bad review.");
    assert_false(has_kind(fx, TRIG_PUBLIC));
}

static void negation_in_a_condition_keeps_the_threat(void **state)
{
    struct fixture *fx = *state;
    run(fx, "If this is not fixed I will cancel my account.");
    assert_true(has(fx, TRIG_CHURN, "I will cancel my account"));
    run(fx, "If I don't hear back by Friday I will sue.");
    assert_true(has(fx, TRIG_URGENCY, "by Friday"));
    assert_true(has(fx, TRIG_LEGAL, "sue"));
    run(fx, "I don't think I will cancel.");
    assert_false(has_kind(fx, TRIG_CHURN));
}

static void quotes_silence(void **state)
{
    struct fixture *fx = *state;
    run(fx, "Your agent said \"we will escalate to a manager\" and hung up.");
    assert_false(has_kind(fx, TRIG_ESCALATION));
    run(fx, "Your agent said \xe2\x80\x9cI will cancel it\xe2\x80\x9d then nothing.");
    assert_false(has_kind(fx, TRIG_CHURN));
    /* Scare quotes on one word of the phrase do not hide it. */
    run(fx, "Your \"support\" is a joke.");
    assert_true(has(fx, TRIG_ABUSE, "is a joke"));
}

static void exceptions_drop_overlapping_hits(void **state)
{
    struct fixture *fx = *state;
    run(fx, "Please cancel my order, wrong colour.");
    assert_int_equal(fx->n, 0);
    run(fx, "Stop by tomorrow if you like.");
    assert_int_equal(fx->n, 0);
    run(fx, "My password manager is broken.");
    assert_int_equal(fx->n, 0);
}

static void offsets_are_bytes_into_the_message(void **state)
{
    struct fixture *fx = *state;
    const char *text = "Caf\xc3\xa9 \xf0\x9f\x98\xa1 I will sue.";
    run(fx, text);
    assert_int_equal(fx->n, 1);
    assert_int_equal(fx->out[0].kind, TRIG_LEGAL);
    assert_int_equal(fx->out[0].start, 18);
    assert_int_equal(fx->out[0].end, 21);
    assert_memory_equal(text + fx->out[0].start, "sue", 3);
}

static void overlaps_merge_per_kind_and_order_by_start(void **state)
{
    struct fixture *fx = *state;
    /* "i will cancel", "cancel my subscription", "cancel my *" overlap. */
    run(fx, "Fine, I will cancel my subscription today. Still waiting, still no reply.");
    assert_true(has(fx, TRIG_CHURN, "I will cancel my subscription"));
    size_t churn = 0;
    for (size_t i = 0; i < fx->n; i++) {
        churn += fx->out[i].kind == TRIG_CHURN;
        if (i)
            assert_true(fx->out[i - 1].start <= fx->out[i].start);
    }
    assert_int_equal(churn, 1);
    assert_true(has(fx, TRIG_REPEAT, "Still waiting"));
    assert_true(has(fx, TRIG_REPEAT, "still no reply"));
    /* The merged span keeps the highest confidence of its parts. */
    run(fx, "Speak to the manager.");
    assert_int_equal(fx->n, 1);
    assert_true(fx->out[0].confidence > 0.85);
}

static void max_caps_the_output(void **state)
{
    struct fixture *fx = *state;
    const char *text = "still waiting. still waiting. still waiting.";
    run(fx, text);
    assert_int_equal(fx->n, 3);
    struct trigger two[2];
    size_t n = triggers_find(fx->ts, text, strlen(text), &fx->tok, two, 2);
    assert_int_equal(n, 2);
    assert_int_equal(two[0].start, 0);
}

static void shouting_thresholds(void **state)
{
    struct fixture *fx = *state;
    run(fx, "CALL ME");           /* two words, six letters */
    assert_false(has_kind(fx, TRIG_SHOUTING));
    run(fx, "CALL ME NOW");       /* three words */
    assert_true(has(fx, TRIG_SHOUTING, "CALL ME NOW"));
    run(fx, "UNACCEPTABLE!");     /* one word of twelve letters */
    assert_true(has(fx, TRIG_SHOUTING, "UNACCEPTABLE"));
    run(fx, "It broke. I WANT MY MONEY BACK and an apology.");
    assert_true(has(fx, TRIG_SHOUTING, "I WANT MY MONEY BACK"));
    /* Mostly capitals: a lower-case word does not split the span. */
    run(fx, "THIS IS the WORST SERVICE EVER");
    assert_true(has(fx, TRIG_SHOUTING, "THIS IS the WORST SERVICE EVER"));
    run(fx, "This is the WORST service ever");
    assert_false(has_kind(fx, TRIG_SHOUTING));
}

static void acronyms_do_not_shout(void **state)
{
    struct fixture *fx = *state;
    run(fx, "UPS lost it, the BBB and FCC know, ASAP please");
    assert_false(has_kind(fx, TRIG_SHOUTING));
    run(fx, "USA UK EU");
    assert_false(has_kind(fx, TRIG_SHOUTING));
}

static void calm_text_is_silent(void **state)
{
    struct fixture *fx = *state;
    static const char *const calm[] = {
        "Thanks again, the new one works perfectly!",
        "I reviewed my order and it all looks fine.",
        "I ordered today, no rush at all.",
        "Can you tell me how to switch off notifications?",
        "My manager asked me to order ten more.",
        "",
        "   ",
        "\xf0\x9f\x99\x82\xf0\x9f\x99\x82",
    };
    for (size_t i = 0; i < sizeof calm / sizeof calm[0]; i++) {
        run(fx, calm[i]);
        if (fx->n)
            fail_msg("\"%s\" fired %s", calm[i], kinds[fx->out[0].kind]);
    }
}

/* A flood of one kind fills the output, but a threat of another kind
 * after it still shows, and the strongest of the flood's kind stays. */
static void a_flood_does_not_push_out_other_kinds(void **state)
{
    struct fixture *fx = *state;
    size_t reps = 20000, n = 0;
    char *text = malloc(reps * 5 + 64);
    assert_non_null(text);
    for (size_t i = 0; i < reps; i++, n += 5)
        memcpy(text + n, "scam ", 5);
    snprintf(text + n, 64, "I will sue you.");
    run(fx, text);
    assert_int_equal(fx->n, ANALYSIS_MAX_TRIGGERS);
    assert_true(has_kind(fx, TRIG_ABUSE));
    assert_true(has(fx, TRIG_LEGAL, "sue you"));
    for (size_t i = 1; i < fx->n; i++)
        assert_true(fx->out[i - 1].start <= fx->out[i].start);
    free(text);
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 MB messages that repeat what used to cost time per pair of hits:
 * exceptions ("scam email"), silencing negations, hits of every kind, and
 * wildcard phrases.  Each takes well under a second, sanitizers included
 * (it took 8 s when every hit was checked against every exception). */
static void floods_take_linear_time(void **state)
{
    struct fixture *fx = *state;
    static const char *const unit[] = {
        "scam email scam ",
        "no intention of leaving a bad review ",
        "I will sue you, you morons, cancel my account now. STILL WAITING! ",
        "cancel my cancel my never never again ",
    };
    size_t len = TOKENIZE_MAX_BYTES;
    char *text = malloc(len + 1);
    assert_non_null(text);
    for (size_t u = 0; u < sizeof unit / sizeof unit[0]; u++) {
        size_t ul = strlen(unit[u]);
        for (size_t i = 0; i < len; i++)
            text[i] = unit[u][i % ul];
        text[len] = '\0';
        double t0 = cpu_seconds();
        run(fx, text);
        double took = cpu_seconds() - t0;
        if (took > 1.0)
            fail_msg("%.2f s of CPU for 1 MB of \"%s\"", took, unit[u]);
        assert_true(fx->n > 0 || u == 1);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_a_minimal_set),
        cmocka_unit_test(missing_file_is_an_error),
        cmocka_unit_test(errors_name_file_and_line),
        cmocka_unit_test(each_kind_fires),
        cmocka_unit_test(inflections_meet_through_stems),
        cmocka_unit_test(exact_phrases_ignore_stems),
        cmocka_unit_test(negation_silences_unless_the_phrase_carries_it),
        cmocka_unit_test(negation_in_a_condition_keeps_the_threat),
        cmocka_unit_test(quotes_silence),
        cmocka_unit_test(exceptions_drop_overlapping_hits),
        cmocka_unit_test(offsets_are_bytes_into_the_message),
        cmocka_unit_test(overlaps_merge_per_kind_and_order_by_start),
        cmocka_unit_test(max_caps_the_output),
        cmocka_unit_test(shouting_thresholds),
        cmocka_unit_test(acronyms_do_not_shout),
        cmocka_unit_test(calm_text_is_silent),
        cmocka_unit_test(a_flood_does_not_push_out_other_kinds),
        cmocka_unit_test(floods_take_linear_time),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
