/* src/analysis/politeness.c: the strategies, the model, its file. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/lexicon.h"
#include "analysis/politeness.h"
#include "text/tokenize.h"
#include "util/csv.h"

#define LISTS "data/politeness/strategies.txt"
#define LEXICON "data/lexicons/vader_lexicon.txt"
#define WIKI "../shared/data/politeness/wikipedia.annotated.csv"

static struct politeness_model *fresh_model(void)
{
    char err[300] = "";
    struct politeness_model *m = politeness_new(LISTS, POLITENESS_DEFAULT_LOG2_BUCKETS, err,
                                                sizeof err);
    if (!m)
        fail_msg("%s", err);
    return m;
}

static void tok(const char *text, struct tokens *t)
{
    assert_int_equal(tokenize(text, strlen(text), t), TERR_OK);
    negation_mark(t);
}

/* The strategies found in text by a model with the shipped lists. */
static void strategies_of(const char *text, const struct lexicon *lx,
                          struct politeness_result *r)
{
    struct politeness_model *m = fresh_model();
    struct tokens t;
    tokens_init(&t);
    tok(text, &t);
    politeness_predict(m, &t, text, strlen(text), lx, r);
    tokens_release(&t);
    politeness_free(m);
}

static void counterfactual_and_inner_please(void **state)
{
    (void)state;
    struct politeness_result r;
    strategies_of("Could you please send me the invoice?", NULL, &r);
    assert_int_equal(r.present[POL_COUNTERFACTUAL], 1);
    assert_int_equal(r.present[POL_PLEASE], 1);
    assert_int_equal(r.present[POL_PLEASE_START], 0);
    assert_int_equal(r.present[POL_INDICATIVE], 0);
    assert_int_equal(r.present[POL_FIRST_PERSON], 1); /* "me" */
}

static void please_at_the_start(void **state)
{
    (void)state;
    struct politeness_result r;
    strategies_of("Thanks. Please send the invoice.", NULL, &r);
    assert_int_equal(r.present[POL_PLEASE_START], 1);
    assert_int_equal(r.present[POL_PLEASE], 0);
    assert_int_equal(r.present[POL_GRATITUDE], 1);
}

static void direct_question_and_second_person(void **state)
{
    (void)state;
    struct politeness_result r;
    strategies_of("Why did you close my ticket? You need to reopen it.", NULL, &r);
    assert_int_equal(r.present[POL_DIRECT_QUESTION], 1);
    assert_int_equal(r.present[POL_SECOND_PERSON], 1);       /* "did you" */
    assert_int_equal(r.present[POL_SECOND_PERSON_START], 1); /* "You need" */
    assert_int_equal(r.present[POL_FIRST_PERSON], 1);        /* "my" */
    /* "why" inside a sentence is no direct question */
    strategies_of("I don't know why it failed.", NULL, &r);
    assert_int_equal(r.present[POL_DIRECT_QUESTION], 0);
    assert_int_equal(r.present[POL_FIRST_PERSON_START], 1);
}

static void btw_indicative_hedges_factuality(void **state)
{
    (void)state;
    struct politeness_result r;
    strategies_of("Hi Sam, by the way, can you check it? I think it might be late. "
                  "In fact we sent it.",
                  NULL, &r);
    assert_int_equal(r.present[POL_GREETING], 1);
    assert_int_equal(r.present[POL_INDIRECT_BTW], 1);
    assert_int_equal(r.present[POL_INDICATIVE], 1);
    assert_int_equal(r.present[POL_HEDGES], 2);
    assert_int_equal(r.present[POL_FACTUALITY], 1);
    assert_int_equal(r.present[POL_FIRST_PERSON_PLURAL], 1);
    assert_int_equal(r.present[POL_COUNTERFACTUAL], 0);
}

static void prefixes_and_direct_start(void **state)
{
    (void)state;
    struct politeness_result r;
    /* "appreciate*" and "apolog*" match their inflections */
    strategies_of("We really appreciated it. Apologies for the wait. So what now?", NULL, &r);
    assert_int_equal(r.present[POL_GRATITUDE], 1);
    assert_int_equal(r.present[POL_APOLOGY], 1);
    assert_int_equal(r.present[POL_DIRECT_START], 1);
    assert_int_equal(r.present[POL_DIRECT_QUESTION], 0); /* "what" is not first */
    /* a prefix word does not match a shorter word */
    strategies_of("Than ever.", NULL, &r);
    assert_int_equal(r.present[POL_GRATITUDE], 0);
}

static void lexicon_strategies_follow_negation(void **state)
{
    (void)state;
    char err[300];
    struct lexicon *lx = lexicon_load(LEXICON, NULL, err, sizeof err);
    if (!lx)
        fail_msg("%s", err);
    struct politeness_result r;
    strategies_of("This is wonderful.", lx, &r);
    assert_int_equal(r.present[POL_POSITIVE], 1);
    assert_int_equal(r.present[POL_NEGATIVE], 0);
    strategies_of("This is not wonderful.", lx, &r);
    assert_int_equal(r.present[POL_POSITIVE], 0);
    assert_int_equal(r.present[POL_NEGATIVE], 1);
    lexicon_free(lx);
}

static void empty_text_is_even(void **state)
{
    (void)state;
    struct politeness_result r;
    strategies_of("", NULL, &r);
    assert_true(fabs(r.probability - 0.5) < 1e-9); /* an untrained model */
    for (int i = 0; i < N_POLITENESS_STRATEGIES; i++)
        assert_int_equal(r.present[i], 0);
    assert_string_equal(politeness_strategy_name(POL_PLEASE_START), "please_start");
    assert_string_equal(politeness_strategy_name(N_POLITENESS_STRATEGIES), "");
}

static const struct {
    const char *text;
    bool polite;
} tiny[] = {
    {"Thank you so much for your help, I really appreciate it.", true},
    {"Could you please check my order when you have a moment? Thanks!", true},
    {"Sorry for the delay, we have sent the replacement today.", true},
    {"Hi Ana, would you mind resending the file? Thank you.", true},
    {"Thanks for your patience, the refund is on its way.", true},
    {"I'm sorry about the mix-up. Could you confirm your address?", true},
    {"Why haven't you sent it yet? This is ridiculous.", false},
    {"You need to read the policy. We don't do refunds.", false},
    {"Send me the logs now.", false},
    {"So are you going to fix it or not?", false},
    {"What is wrong with you people?", false},
    {"You should have checked before ordering. Not our problem.", false},
};
#define N_TINY (sizeof tiny / sizeof tiny[0])

static struct politeness_model *train_tiny(unsigned seed)
{
    struct politeness_model *m = fresh_model();
    struct politeness_set *s = politeness_set_new();
    struct tokens t;
    tokens_init(&t);
    for (size_t i = 0; i < N_TINY; i++) {
        tok(tiny[i].text, &t);
        politeness_set_add(s, m, &t, NULL, tiny[i].polite);
    }
    struct politeness_train_opts o;
    politeness_train_defaults(&o);
    o.epochs = 30;
    o.seed = seed;
    politeness_train(m, s, NULL, 0, &o);
    assert_int_equal(politeness_set_size(s), N_TINY);
    for (size_t i = 0; i < N_TINY; i++)
        assert_int_equal(politeness_set_predict(m, s, i) > 0.5, politeness_set_label(s, i));
    tokens_release(&t);
    politeness_set_free(s);
    return m;
}

static double prob(const struct politeness_model *m, const char *text,
                   struct politeness_result *r)
{
    struct tokens t;
    tokens_init(&t);
    tok(text, &t);
    politeness_predict(m, &t, text, strlen(text), NULL, r);
    tokens_release(&t);
    return r->probability;
}

static void trained_model_ranks_polite_above_rude(void **state)
{
    (void)state;
    struct politeness_model *m = train_tiny(1);
    struct politeness_result r;
    /* texts not in the training set */
    double nice = prob(m, "Thanks a lot, and sorry again. Could you send the receipt?", &r);
    assert_true(r.weight[POL_GRATITUDE] > 0);
    double rude = prob(m, "Why is this still broken? You need to fix it.", &r);
    assert_true(nice > 0.5);
    assert_true(rude < 0.5);
    assert_true(r.weight[POL_DIRECT_QUESTION] < 0 || r.weight[POL_SECOND_PERSON_START] < 0);
    politeness_free(m);
}

static char *tmp_path(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "/tmp/truce-test-polite-%ld-%s", (long)getpid(), name);
    return buf;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc(*n);
    assert_int_equal(fread(p, 1, *n, f), *n);
    fclose(f);
    return p;
}

static void spill(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

static void save_load_same_scores_same_seed_same_bytes(void **state)
{
    (void)state;
    struct politeness_model *a = train_tiny(7), *b = train_tiny(7);
    char err[300];
    char pa[256], pb[256];
    snprintf(pa, sizeof pa, "%s", tmp_path("a.model"));
    snprintf(pb, sizeof pb, "%s", tmp_path("b.model"));
    assert_int_equal(politeness_save(a, pa, err, sizeof err), TERR_OK);
    assert_int_equal(politeness_save(b, pb, err, sizeof err), TERR_OK);
    size_t na, nb;
    unsigned char *ba = slurp(pa, &na), *bb = slurp(pb, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(ba, bb, na);
    free(ba);
    free(bb);

    struct politeness_model *l = politeness_load(pa, err, sizeof err);
    if (!l)
        fail_msg("%s", err);
    struct politeness_result r1, r2;
    for (size_t i = 0; i < N_TINY; i++) {
        double p1 = prob(a, tiny[i].text, &r1), p2 = prob(l, tiny[i].text, &r2);
        assert_true(fabs(p1 - p2) < 1e-6);
        assert_memory_equal(r1.present, r2.present, sizeof r1.present);
    }
    unlink(pa);
    unlink(pb);
    politeness_free(a);
    politeness_free(b);
    politeness_free(l);
    politeness_free(NULL);
}

/* Saves a trained model, lets damage() change its bytes, and expects the
 * loader to refuse it with why in the message. */
static void expect_refused(void (*damage)(unsigned char *, size_t *), const char *why)
{
    struct politeness_model *m = train_tiny(1);
    char err[300];
    const char *path = tmp_path("bad.model");
    assert_int_equal(politeness_save(m, path, err, sizeof err), TERR_OK);
    politeness_free(m);
    size_t n;
    unsigned char *p = slurp(path, &n);
    damage(p, &n);
    spill(path, p, n);
    free(p);
    err[0] = '\0';
    assert_null(politeness_load(path, err, sizeof err));
    if (!strstr(err, why) || !strstr(err, path))
        fail_msg("expected '%s' naming the file, got '%s'", why, err);
    unlink(path);
}

static void flip_weight(unsigned char *p, size_t *n)
{
    p[*n - 100] ^= 0x10;
}
static void flip_list(unsigned char *p, size_t *n)
{
    (void)n;
    p[70] ^= 0x01;
}
static void cut_half(unsigned char *p, size_t *n)
{
    (void)p;
    *n /= 2;
}
static void cut_tail(unsigned char *p, size_t *n)
{
    (void)p;
    *n -= 3;
}
static void foreign(unsigned char *p, size_t *n)
{
    memcpy(p, "TRUCEMDL", 8); /* the classifier's magic */
    (void)n;
}
static void bump_version(unsigned char *p, size_t *n)
{
    (void)n;
    p[8]++;
}
static void other_strategies(unsigned char *p, size_t *n)
{
    (void)n;
    p[16]--;
}

static void damaged_files_refused(void **state)
{
    (void)state;
    expect_refused(flip_weight, "checksum mismatch");
    expect_refused(flip_list, "checksum mismatch");
    expect_refused(cut_half, "truncated");
    expect_refused(cut_tail, "truncated");
    expect_refused(foreign, "not a truce politeness model");
    expect_refused(bump_version, "another format version");
    expect_refused(other_strategies, "another set of strategies");
    char err[300];
    assert_null(politeness_load("tests/unit/analysis/test_politeness.c", err, sizeof err));
    assert_non_null(strstr(err, "not a truce politeness model"));
    assert_null(politeness_load("no/such/politeness.model", err, sizeof err));
    assert_non_null(strstr(err, "no/such/politeness.model"));
}

static void bad_lists_named_by_line(void **state)
{
    (void)state;
    static const struct {
        const char *text, *why;
    } bad[] = {
        {"gratitude any thank*\n# fine\ngratitude any Thanks\n", ":3: words are matched"},
        {"gratitude anywhere thanks\n", ":1: where must be"},
        {"kindness any thanks\n", ":1: unknown strategy"},
        {"positive_lexicon any good\n", ":1: the lexicon strategies"},
        {"hedges any a b c d e f g\n", ":1: too many words"},
        {"hedges any\n", ":1: expected"},
        {"hedges any *\n", ":1: a word is empty"},
        {"# nothing\n", "no phrases"},
    };
    const char *path = tmp_path("lists.txt");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        spill(path, (const unsigned char *)bad[i].text, strlen(bad[i].text));
        char err[300] = "";
        assert_null(politeness_new(path, 12, err, sizeof err));
        if (!strstr(err, bad[i].why) || !strstr(err, path))
            fail_msg("case %zu: expected '%s', got '%s'", i, bad[i].why, err);
    }
    unlink(path);
    char err[300];
    assert_null(politeness_new(LISTS, 4, err, sizeof err));
    assert_non_null(strstr(err, "out of range"));
}

/* Rows of path with label or quartile: polite 1, impolite 0, -1 skipped.
 * Returns the number read, 0 when the file is absent. */
struct row {
    char *text;
    double score;
};

static size_t read_csv(const char *path, const char *text_col, const char *score_col,
                       struct row **out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    struct csv c;
    csv_init(&c, f, ',');
    int got;
    assert_int_equal(csv_next(&c, &got), TERR_OK);
    int tc = csv_column(&c, text_col), sc = csv_column(&c, score_col);
    assert_true(tc >= 0 && sc >= 0);
    size_t n = 0, cap = 0;
    struct row *r = NULL;
    while (csv_next(&c, &got) == TERR_OK && got) {
        if (n == cap) {
            cap = cap ? 2 * cap : 512;
            r = realloc(r, cap * sizeof *r);
        }
        const char *s = csv_field(&c, (size_t)sc);
        r[n].text = strdup(csv_field(&c, (size_t)tc));
        r[n++].score = strcmp(s, "polite") == 0 ? 1 : strcmp(s, "impolite") == 0 ? 0 : strtod(s, NULL);
    }
    csv_release(&c);
    fclose(f);
    *out = r;
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Trained on our own set, the model must read Wikipedia editors' requests
 * (the paper's quartile task) well: the cross-domain check of issue 4. */
static void own_set_transfers_to_wikipedia(void **state)
{
    (void)state;
    struct row *wiki = NULL, *own = NULL;
    size_t nw = read_csv(WIKI, "Request", "Normalized Score", &wiki);
    if (!nw) {
        print_message("skipped: %s is absent\n", WIKI);
        skip();
    }
    size_t no = read_csv("data/training/politeness.csv", "text", "label", &own);
    assert_true(no >= 400);
    char err[300];
    struct lexicon *lx = lexicon_load(LEXICON, NULL, err, sizeof err);
    assert_non_null(lx);
    struct politeness_model *m = fresh_model();
    struct politeness_set *s = politeness_set_new();
    struct tokens t;
    tokens_init(&t);
    for (size_t i = 0; i < no; i++) {
        tok(own[i].text, &t);
        politeness_set_add(s, m, &t, lx, own[i].score > 0.5);
    }
    struct politeness_train_opts o;
    politeness_train_defaults(&o);
    politeness_train(m, s, NULL, 0, &o);

    double *sorted = malloc(nw * sizeof *sorted);
    for (size_t i = 0; i < nw; i++)
        sorted[i] = wiki[i].score;
    qsort(sorted, nw, sizeof *sorted, cmp_double);
    double lo = sorted[nw / 4 - 1], hi = sorted[nw - nw / 4];
    size_t n = 0, right = 0;
    struct politeness_result r;
    for (size_t i = 0; i < nw; i++) {
        if (wiki[i].score > lo && wiki[i].score < hi)
            continue;
        tok(wiki[i].text, &t);
        politeness_predict(m, &t, wiki[i].text, strlen(wiki[i].text), lx, &r);
        n++;
        right += (r.probability >= 0.5) == (wiki[i].score >= hi);
    }
    double acc = (double)right / (double)n;
    print_message("own set -> Wikipedia: accuracy %.3f on %zu requests\n", acc, n);
    assert_true(n > 2000);
    assert_true(acc > 0.72);

    for (size_t i = 0; i < nw; i++)
        free(wiki[i].text);
    for (size_t i = 0; i < no; i++)
        free(own[i].text);
    free(wiki);
    free(own);
    free(sorted);
    tokens_release(&t);
    politeness_set_free(s);
    politeness_free(m);
    lexicon_free(lx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counterfactual_and_inner_please),
        cmocka_unit_test(please_at_the_start),
        cmocka_unit_test(direct_question_and_second_person),
        cmocka_unit_test(btw_indicative_hedges_factuality),
        cmocka_unit_test(prefixes_and_direct_start),
        cmocka_unit_test(lexicon_strategies_follow_negation),
        cmocka_unit_test(empty_text_is_even),
        cmocka_unit_test(trained_model_ranks_polite_above_rude),
        cmocka_unit_test(save_load_same_scores_same_seed_same_bytes),
        cmocka_unit_test(damaged_files_refused),
        cmocka_unit_test(bad_lists_named_by_line),
        cmocka_unit_test(own_set_transfers_to_wikipedia),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
