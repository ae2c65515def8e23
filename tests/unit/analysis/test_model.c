/* src/analysis/model*.c and features.c: the learnt classifier, its features
 * and its file. */
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

#include "analysis/features.h"
#include "analysis/model.h"
#include "analysis/model_int.h"
#include "text/tokenize.h"

static const struct {
    const char *text, *label;
} tiny[] = {
    {"I want my money back for this order", "billing"},
    {"please refund the double charge on my card", "billing"},
    {"you charged me twice, refund it", "billing"},
    {"the invoice amount is wrong", "billing"},
    {"the app crashes when I open it", "bug"},
    {"login page shows an error and freezes", "bug"},
    {"the button does nothing, it is broken", "bug"},
    {"error 500 every time I save", "bug"},
    {"thank you so much, great service", "praise"},
    {"love the new update, well done", "praise"},
    {"your agent was wonderful and kind", "praise"},
    {"great job, thanks for the quick help", "praise"},
};
#define N_TINY (sizeof(tiny) / sizeof(tiny[0]))

static struct feat_config small_config(void)
{
    struct feat_config c;
    feat_config_default(&c);
    c.log2_buckets = 12;
    c.lexicon = 0;
    return c;
}

static void featurize(const struct feat_config *c, const char *text, struct tokens *t,
                      struct featvec *v)
{
    assert_int_equal(tokenize(text, strlen(text), t), TERR_OK);
    negation_mark(t);
    features_extract(c, t, NULL, v);
}

static struct model *train_tiny(uint64_t seed)
{
    struct train_opts o;
    train_opts_default(&o);
    o.feat = small_config();
    o.epochs = 30;
    o.seed = seed;
    struct trainset *ts = trainset_new();
    struct tokens t;
    struct featvec v;
    tokens_init(&t);
    featvec_init(&v);
    for (size_t i = 0; i < N_TINY; i++) {
        featurize(&o.feat, tiny[i].text, &t, &v);
        assert_int_equal(trainset_add(ts, &v, tiny[i].label), TERR_OK);
    }
    char err[200];
    struct model *m = model_train(&o, ts, NULL, err, sizeof(err));
    assert_non_null(m);
    assert_int_equal(o.best_epoch, 30);
    trainset_free(ts);
    tokens_release(&t);
    featvec_release(&v);
    return m;
}

static const char *predict(const struct model *m, const char *text, float *probs)
{
    struct tokens t;
    struct featvec v;
    tokens_init(&t);
    featvec_init(&v);
    assert_int_equal(tokenize(text, strlen(text), &t), TERR_OK);
    negation_mark(&t);
    size_t best = model_predict_tokens(m, &t, NULL, &v, probs);
    tokens_release(&t);
    featvec_release(&v);
    return model_label(m, best);
}

static void temp_path(char *path, size_t len)
{
    const char *base = getenv("TMPDIR");
    snprintf(path, len, "%s/truce-model-XXXXXX", base && *base ? base : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
}

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(*len ? *len : 1);
    assert_int_equal(fread(p, 1, *len, f), *len);
    fclose(f);
    return p;
}

static void spit(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, len, f), len);
    fclose(f);
}

static void tiny_set_learnt_perfectly(void **state)
{
    (void)state;
    struct model *m = train_tiny(1);
    assert_int_equal(model_n_labels(m), 3);
    float probs[3];
    for (size_t i = 0; i < N_TINY; i++)
        assert_string_equal(predict(m, tiny[i].text, probs), tiny[i].label);
    /* Unseen wording with the same telling words. */
    assert_string_equal(predict(m, "refund my card please", probs), "billing");
    assert_string_equal(predict(m, "it crashes with an error", probs), "bug");
    assert_string_equal(predict(m, "thanks, great help", probs), "praise");
    assert_true(probs[model_label_index(m, "praise")] > 0.5f);
    model_free(m);
}

static void same_seed_same_bytes(void **state)
{
    (void)state;
    char p1[64], p2[64], p3[64], err[200];
    temp_path(p1, sizeof(p1));
    temp_path(p2, sizeof(p2));
    temp_path(p3, sizeof(p3));
    struct model *a = train_tiny(7), *b = train_tiny(7), *c = train_tiny(8);
    assert_int_equal(model_save(a, p1, err, sizeof(err)), TERR_OK);
    assert_int_equal(model_save(b, p2, err, sizeof(err)), TERR_OK);
    assert_int_equal(model_save(c, p3, err, sizeof(err)), TERR_OK);
    size_t n1, n2, n3;
    void *f1 = slurp(p1, &n1), *f2 = slurp(p2, &n2), *f3 = slurp(p3, &n3);
    assert_int_equal(n1, n2);
    assert_memory_equal(f1, f2, n1);
    /* Another seed shuffles differently: the test would notice a seed ignored. */
    assert_int_equal(n1, n3);
    assert_true(memcmp(f1, f3, n1) != 0);
    free(f1);
    free(f2);
    free(f3);
    model_free(a);
    model_free(b);
    model_free(c);
    unlink(p1);
    unlink(p2);
    unlink(p3);
}

static void save_load_same_probabilities(void **state)
{
    (void)state;
    char path[64], err[200];
    temp_path(path, sizeof(path));
    struct model *m = train_tiny(3);
    assert_int_equal(model_save(m, path, err, sizeof(err)), TERR_OK);
    struct model *l = model_load(path, err, sizeof(err));
    if (!l)
        fail_msg("load: %s", err);
    assert_int_equal(model_n_labels(l), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(model_label(l, i), model_label(m, i));
    const struct feat_config *fl = model_features(l), *fm = model_features(m);
    assert_int_equal(fl->word_ngrams, fm->word_ngrams);
    assert_int_equal(fl->char_min, fm->char_min);
    assert_int_equal(fl->char_max, fm->char_max);
    assert_int_equal(fl->lexicon, fm->lexicon);
    assert_int_equal(fl->log2_buckets, fm->log2_buckets);
    assert_int_equal(fl->seed, fm->seed);
    const char *texts[] = {"my card was charged twice", "", "NOT happy at all!!! :(",
                           "the app is great"};
    for (size_t i = 0; i < 4; i++) {
        float pm[3], pl[3];
        assert_string_equal(predict(m, texts[i], pm), predict(l, texts[i], pl));
        assert_memory_equal(pm, pl, sizeof(pm));
    }
    model_free(l);
    model_free(m);
    unlink(path);
}

/* Saves the tiny model, lets edit change its bytes, and expects load to
 * refuse it with a message containing want and the path. */
static void expect_refused(void (*edit)(unsigned char *p, size_t *len), const char *want)
{
    char path[64], err[200];
    temp_path(path, sizeof(path));
    struct model *m = train_tiny(1);
    assert_int_equal(model_save(m, path, err, sizeof(err)), TERR_OK);
    model_free(m);
    size_t len;
    unsigned char *p = slurp(path, &len);
    edit(p, &len);
    spit(path, p, len);
    free(p);
    err[0] = '\0';
    assert_null(model_load(path, err, sizeof(err)));
    if (!strstr(err, want) || !strstr(err, path))
        fail_msg("message '%s' lacks '%s' or the path", err, want);
    unlink(path);
}

static void flip_weight_byte(unsigned char *p, size_t *len)
{
    p[*len / 2] ^= 0x10;
}

static void flip_label_byte(unsigned char *p, size_t *len)
{
    (void)len;
    p[64] ^= 0x01;
}

static void cut_in_half(unsigned char *p, size_t *len)
{
    (void)p;
    *len /= 2;
}

static void cut_checksum(unsigned char *p, size_t *len)
{
    (void)p;
    *len -= 3;
}

static void make_foreign(unsigned char *p, size_t *len)
{
    memcpy(p, "PK\003\004", 4); /* a zip file, say */
    (void)len;
}

static void bump_version(unsigned char *p, size_t *len)
{
    (void)len;
    p[8]++;
}

static void absurd_labels(unsigned char *p, size_t *len)
{
    (void)len;
    uint32_t n = 0x7fffffff;
    memcpy(p + 28, &n, 4);
}

static void corrupt_byte_refused(void **state)
{
    (void)state;
    expect_refused(flip_weight_byte, "checksum mismatch");
    expect_refused(flip_label_byte, "checksum mismatch");
}

static void truncated_refused(void **state)
{
    (void)state;
    expect_refused(cut_in_half, "truncated");
    expect_refused(cut_checksum, "truncated");
}

static void foreign_file_refused(void **state)
{
    (void)state;
    expect_refused(make_foreign, "not a truce model");
    expect_refused(bump_version, "another format version");
    expect_refused(absurd_labels, "impossible header");
    char err[200];
    assert_null(model_load("tests/unit/analysis/test_model.c", err, sizeof(err)));
    assert_non_null(strstr(err, "not a truce model"));
    assert_null(model_load("no/such/file.model", err, sizeof(err)));
    assert_non_null(strstr(err, "no/such/file.model"));
}

/* A file whose checksum is right but whose weights are not numbers (or are
 * too large to sum safely) was not made by truce: refused, not predicted
 * with. */
static void expect_weight_refused(size_t at, float value)
{
    char path[64], err[200];
    temp_path(path, sizeof(path));
    struct model *m = train_tiny(1);
    m->own_floats[at] = value;
    assert_int_equal(model_save(m, path, err, sizeof(err)), TERR_OK);
    model_free(m);
    err[0] = '\0';
    assert_null(model_load(path, err, sizeof(err)));
    if (!strstr(err, "weights out of range") || !strstr(err, path))
        fail_msg("message '%s' lacks 'weights out of range' or the path", err);
    unlink(path);
}

static void non_finite_weights_refused(void **state)
{
    (void)state;
    expect_weight_refused(0, NAN);               /* a bias */
    expect_weight_refused(5, INFINITY);          /* a weight */
    expect_weight_refused(7, -1e30f);
}

static void same_text_same_features(void **state)
{
    (void)state;
    struct feat_config c = small_config();
    struct tokens t;
    struct featvec a, b;
    tokens_init(&t);
    featvec_init(&a);
    featvec_init(&b);
    const char *text = "Flight 1234 delayed AGAIN!!! Not happy :( https://x.example";
    featurize(&c, text, &t, &a);
    featurize(&c, "something else entirely", &t, &b);
    featurize(&c, text, &t, &b);
    assert_true(a.n > 20);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.idx, b.idx, a.n * sizeof(*a.idx));
    assert_memory_equal(a.val, b.val, a.n * sizeof(*a.val));
    /* Another hashing seed, other buckets. */
    c.seed++;
    featurize(&c, text, &t, &b);
    assert_true(memcmp(a.idx, b.idx, a.n * sizeof(*a.idx)) != 0);
    tokens_release(&t);
    featvec_release(&a);
    featvec_release(&b);
}

static int has_bucket(const struct featvec *v, uint32_t idx)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->idx[i] == idx)
            return 1;
    return 0;
}

static void negated_words_are_marked(void **state)
{
    (void)state;
    struct feat_config c = small_config();
    c.char_min = c.char_max = 0;
    c.word_ngrams = 1;
    c.log2_buckets = 24; /* no collisions between the few features here */
    struct tokens t;
    struct featvec good, not_good, not_good2;
    tokens_init(&t);
    featvec_init(&good);
    featvec_init(&not_good);
    featvec_init(&not_good2);
    featurize(&c, "good", &t, &good);
    featurize(&c, "not good", &t, &not_good);
    featurize(&c, "never good", &t, &not_good2);
    assert_int_equal(good.n, 1);
    /* "good" in a negation's scope is another feature than "good"... */
    assert_false(has_bucket(&not_good, good.idx[0]));
    /* ...and the same one whichever negator put it there. */
    size_t shared = 0;
    for (size_t i = 0; i < not_good.n; i++)
        shared += (size_t)has_bucket(&not_good2, not_good.idx[i]);
    assert_int_equal(shared, 1);
    tokens_release(&t);
    featvec_release(&good);
    featvec_release(&not_good);
    featvec_release(&not_good2);
}

static void buckets_stay_in_bounds(void **state)
{
    (void)state;
    struct feat_config c = small_config();
    c.log2_buckets = FEAT_MIN_LOG2_BUCKETS;
    c.word_ngrams = 3;
    c.char_min = 1;
    c.char_max = FEAT_MAX_CHAR_NGRAM;
    struct tokens t;
    struct featvec v;
    tokens_init(&t);
    featvec_init(&v);
    featurize(&c, "Ünïcödé wörds, 😡😡 emoji, ALL CAPS, sooooo looong!!! @handle #tag 3.5%", &t,
              &v);
    assert_true(v.n > 100);
    for (size_t i = 0; i < v.n; i++)
        assert_true(v.idx[i] < (1u << FEAT_MIN_LOG2_BUCKETS));
    featurize(&c, "", &t, &v);
    assert_int_equal(v.n, 0);
    tokens_release(&t);
    featvec_release(&v);
    featvec_release(NULL);
}

static void scores_from_confusion(void **state)
{
    (void)state;
    struct model_scores s;
    scores_init(&s, 2);
    /* gold 0: 3 right, 1 wrong; gold 1: 1 right; one unknown label. */
    scores_add(&s, 0, 0);
    scores_add(&s, 0, 0);
    scores_add(&s, 0, 0);
    scores_add(&s, 0, 1);
    scores_add(&s, 1, 1);
    scores_add(&s, (size_t)-1, 0);
    assert_int_equal(s.n, 6);
    assert_int_equal(s.n_unknown, 1);
    assert_float_equal(scores_accuracy(&s), 4.0 / 6, 1e-9);
    double p, r, f;
    scores_class(&s, 1, &p, &r, &f);
    assert_float_equal(p, 0.5, 1e-9);
    assert_float_equal(r, 1.0, 1e-9);
    assert_float_equal(f, 2 * 0.5 / 1.5, 1e-9);
    double f0 = 2 * 1.0 * 0.75 / 1.75;
    assert_float_equal(scores_macro_f1(&s), (f0 + 2 * 0.5 / 1.5) / 2, 1e-9);
    scores_release(&s);
    scores_release(NULL);
}

static void training_needs_two_labels(void **state)
{
    (void)state;
    struct train_opts o;
    train_opts_default(&o);
    o.feat = small_config();
    struct trainset *ts = trainset_new();
    struct featvec v;
    featvec_init(&v);
    assert_int_equal(trainset_add(ts, &v, "only"), TERR_OK);
    assert_int_equal(trainset_add(ts, &v, ""), TERR_INVALID);
    assert_int_equal(trainset_size(ts), 1);
    char err[200];
    assert_null(model_train(&o, ts, NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "two labels"));
    trainset_free(ts);
    trainset_free(NULL);
    model_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiny_set_learnt_perfectly),
        cmocka_unit_test(same_seed_same_bytes),
        cmocka_unit_test(save_load_same_probabilities),
        cmocka_unit_test(corrupt_byte_refused),
        cmocka_unit_test(truncated_refused),
        cmocka_unit_test(foreign_file_refused),
        cmocka_unit_test(non_finite_weights_refused),
        cmocka_unit_test(same_text_same_features),
        cmocka_unit_test(negated_words_are_marked),
        cmocka_unit_test(buckets_stay_in_bounds),
        cmocka_unit_test(scores_from_confusion),
        cmocka_unit_test(training_needs_two_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
