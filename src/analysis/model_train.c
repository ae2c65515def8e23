/*
 * Training the softmax model: labelled examples as hashed features (struct
 * trainset), AdaGrad SGD over shuffled epochs, early stopping on a dev set.
 *
 * The trainset keeps all examples' features in two flat arrays (idx, val)
 * with off[i]..off[i+1] the range of example i, so an epoch walks memory
 * once and the only per-example cost is the model's.
 *
 * Determinism: weights start at zero, the only randomness is the shuffle
 * from a splitmix64 generator seeded by train_opts.seed, and the
 * arithmetic is done in one order; the same data and options give the same
 * bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/model.h"
#include "analysis/model_int.h"
#include "util/alloc.h"

struct trainset {
    uint32_t *idx;
    float *val;
    size_t *off; /* n + 1 entries */
    uint32_t *label;
    size_t n, cap, n_feats, cap_feats;
    char **labels;
    size_t n_labels;
};

struct trainset *trainset_new(void)
{
    struct trainset *ts = xcalloc(1, sizeof(*ts));
    ts->off = xmalloc(sizeof(*ts->off));
    ts->off[0] = 0;
    return ts;
}

void trainset_free(struct trainset *ts)
{
    if (!ts)
        return;
    for (size_t i = 0; i < ts->n_labels; i++)
        free(ts->labels[i]);
    free(ts->labels);
    free(ts->idx);
    free(ts->val);
    free(ts->off);
    free(ts->label);
    free(ts);
}

static long find_label(char *const *labels, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(labels[i], name) == 0)
            return (long)i;
    return -1;
}

enum terr trainset_add(struct trainset *ts, const struct featvec *fv, const char *label)
{
    size_t len = strlen(label);
    if (len == 0 || len > MODEL_MAX_LABEL_LEN)
        return TERR_INVALID;
    if (fv->n > MODEL_MAX_FEATURES - ts->n_feats)
        return TERR_TOO_LARGE;
    long li = find_label(ts->labels, ts->n_labels, label);
    if (li < 0) {
        if (ts->n_labels == MODEL_MAX_LABELS)
            return TERR_TOO_LARGE;
        ts->labels = xrealloc(ts->labels, (ts->n_labels + 1) * sizeof(*ts->labels));
        ts->labels[ts->n_labels] = xstrdup(label);
        li = (long)ts->n_labels++;
    }
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 256;
        ts->off = xrealloc(ts->off, (ts->cap + 1) * sizeof(*ts->off));
        ts->label = xrealloc(ts->label, ts->cap * sizeof(*ts->label));
    }
    if (ts->n_feats + fv->n > ts->cap_feats) {
        size_t cap = ts->cap_feats ? ts->cap_feats : 4096;
        while (cap < ts->n_feats + fv->n)
            cap *= 2;
        ts->idx = xrealloc(ts->idx, cap * sizeof(*ts->idx));
        ts->val = xrealloc(ts->val, cap * sizeof(*ts->val));
        ts->cap_feats = cap;
    }
    if (fv->n) {
        memcpy(ts->idx + ts->n_feats, fv->idx, fv->n * sizeof(*fv->idx));
        memcpy(ts->val + ts->n_feats, fv->val, fv->n * sizeof(*fv->val));
    }
    ts->n_feats += fv->n;
    ts->label[ts->n] = (uint32_t)li;
    ts->off[++ts->n] = ts->n_feats;
    return TERR_OK;
}

size_t trainset_size(const struct trainset *ts)
{
    return ts->n;
}

size_t trainset_n_labels(const struct trainset *ts)
{
    return ts->n_labels;
}

const char *trainset_label(const struct trainset *ts, size_t i)
{
    return i < ts->n_labels ? ts->labels[i] : NULL;
}

size_t trainset_example_label(const struct trainset *ts, size_t i)
{
    return ts->label[i];
}

void trainset_example(const struct trainset *ts, size_t i, struct featvec *v)
{
    v->idx = ts->idx + ts->off[i];
    v->val = ts->val + ts->off[i];
    v->n = v->cap = ts->off[i + 1] - ts->off[i];
}

void train_opts_default(struct train_opts *o)
{
    memset(o, 0, sizeof(*o));
    feat_config_default(&o->feat);
    o->epochs = 20;
    o->patience = 3;
    o->lr = 0.1;
    o->l2 = 1e-6;
    o->seed = 1;
}

unsigned model_auto_log2_buckets(size_t n_labels, size_t max_bytes)
{
    unsigned b = 20;
    while (b > FEAT_MIN_LOG2_BUCKETS &&
           ((size_t)1 << b) * (n_labels ? n_labels : 1) * sizeof(float) + 65536 > max_bytes)
        b--;
    return b;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Fisher-Yates with a multiply-shift draw (bias below 2^-32 for our sizes). */
static void shuffle(size_t *order, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(((splitmix64(rng) >> 32) * (uint64_t)i) >> 32);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

/* A model whose weights live in w (owned by the caller while training). */
static struct model *model_shell(const struct train_opts *o, const struct trainset *train)
{
    struct model *m = xcalloc(1, sizeof(*m));
    m->cfg = o->feat;
    m->n_labels = train->n_labels;
    size_t text = 0;
    for (size_t i = 0; i < train->n_labels; i++)
        text += strlen(train->labels[i]) + 1;
    m->own_text = xmalloc(text);
    m->labels = xmalloc(train->n_labels * sizeof(*m->labels));
    size_t at = 0;
    for (size_t i = 0; i < train->n_labels; i++) {
        size_t n = strlen(train->labels[i]) + 1;
        memcpy(m->own_text + at, train->labels[i], n);
        m->labels[i] = m->own_text + at;
        at += n;
    }
    size_t n_floats = m->n_labels * (1 + model_n_buckets(m));
    m->own_floats = xcalloc(n_floats, sizeof(float));
    m->bias = m->own_floats;
    m->w = m->own_floats + m->n_labels;
    return m;
}

/* Scores of m on dev, whose labels are matched to m's by name. */
static void evaluate(const struct model *m, const struct trainset *dev, struct model_scores *s,
                     float *probs)
{
    size_t *map = xmalloc((dev->n_labels ? dev->n_labels : 1) * sizeof(*map));
    for (size_t i = 0; i < dev->n_labels; i++) {
        long k = model_label_index(m, dev->labels[i]);
        map[i] = k < 0 ? (size_t)-1 : (size_t)k;
    }
    scores_init(s, m->n_labels);
    struct featvec v;
    for (size_t i = 0; i < dev->n; i++) {
        trainset_example(dev, i, &v);
        scores_add(s, map[dev->label[i]], model_predict_features(m, &v, probs));
    }
    free(map);
}

struct model *model_train(struct train_opts *o, const struct trainset *train,
                          const struct trainset *dev, char *err, size_t errlen)
{
    const char *bad = feat_config_check(&o->feat);
    if (bad) {
        snprintf(err, errlen, "%s", bad);
        return NULL;
    }
    if (train->n == 0 || train->n_labels < 2) {
        snprintf(err, errlen, "training needs examples of at least two labels (got %zu of %zu)",
                 train->n, train->n_labels);
        return NULL;
    }
    struct model *m = model_shell(o, train);
    size_t L = m->n_labels, nb = model_n_buckets(m), mask = nb - 1;
    float *bias = m->own_floats, *w = m->own_floats + L;
    size_t n_floats = L * (1 + nb);
    float *g2 = xcalloc(n_floats, sizeof(float)); /* AdaGrad: summed squared gradients */
    float *best = dev ? xmalloc(n_floats * sizeof(float)) : NULL;
    float *probs = xmalloc(L * sizeof(float));
    float *cw = xmalloc(L * sizeof(float)); /* class weights */
    size_t *order = xmalloc(train->n * sizeof(*order));
    for (size_t i = 0; i < train->n; i++)
        order[i] = i;

    /* Balanced weights n / (L * count), square-rooted: the rare classes count
     * more without letting a handful of examples dominate. */
    size_t *count = xcalloc(L, sizeof(*count));
    for (size_t i = 0; i < train->n; i++)
        count[train->label[i]]++;
    for (size_t l = 0; l < L; l++)
        cw[l] = o->balanced ? (float)sqrt((double)train->n / ((double)L * (double)count[l])) : 1;
    free(count);

    uint64_t rng = o->seed;
    const float lr = (float)o->lr, l2 = (float)o->l2, eps = 1e-8f;
    double best_score = -1;
    unsigned since_best = 0;
    o->best_epoch = 0;
    for (unsigned epoch = 1; epoch <= o->epochs; epoch++) {
        shuffle(order, train->n, &rng);
        double loss = 0;
        struct featvec v;
        for (size_t k = 0; k < train->n; k++) {
            size_t i = order[k], y = train->label[i];
            trainset_example(train, i, &v);
            model_predict_features(m, &v, probs);
            loss -= log(probs[y] > 1e-30f ? probs[y] : 1e-30f);
            /* The softmax gradient p - onehot(y), weighted by y's class. */
            for (size_t l = 0; l < L; l++)
                probs[l] = (probs[l] - (l == y ? 1.0f : 0.0f)) * cw[y];
            for (size_t l = 0; l < L; l++) {
                float g = probs[l];
                g2[l] += g * g;
                bias[l] -= lr * g / (sqrtf(g2[l]) + eps);
            }
            for (size_t j = 0; j < v.n; j++) {
                size_t row = L + (v.idx[j] & mask) * L;
                float x = v.val[j];
                float *wr = w + (row - L), *gr = g2 + row;
                for (size_t l = 0; l < L; l++) {
                    float g = probs[l] * x + l2 * wr[l];
                    gr[l] += g * g;
                    wr[l] -= lr * g / (sqrtf(gr[l]) + eps);
                }
            }
            if (o->progress && (k & 1023) == 0)
                o->progress(o->arg, epoch, k, train->n);
        }
        if (o->progress)
            o->progress(o->arg, epoch, train->n, train->n);
        loss /= (double)train->n;
        if (!dev) {
            o->best_epoch = epoch;
            if (o->epoch_done)
                o->epoch_done(o->arg, epoch, loss, NULL);
            continue;
        }
        struct model_scores s;
        evaluate(m, dev, &s, probs);
        double score = (scores_accuracy(&s) + scores_macro_f1(&s)) / 2;
        if (o->epoch_done)
            o->epoch_done(o->arg, epoch, loss, &s);
        scores_release(&s);
        if (score > best_score) {
            best_score = score;
            o->best_epoch = epoch;
            since_best = 0;
            memcpy(best, m->own_floats, n_floats * sizeof(float));
        } else if (++since_best >= o->patience) {
            break;
        }
    }
    if (best)
        memcpy(m->own_floats, best, n_floats * sizeof(float));
    free(best);
    free(g2);
    free(probs);
    free(cw);
    free(order);
    return m;
}
