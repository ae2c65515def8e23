/*
 * Prediction with a linear softmax model (model_int.h): the score of a label
 * is its bias plus the sum, over the message's features, of value x weight;
 * probabilities are the softmax of the scores.  Also the evaluation counts
 * (struct model_scores) shared by training and `truce model eval`.
 */
#include "analysis/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "analysis/model_int.h"
#include "util/alloc.h"

void model_free(struct model *m)
{
    if (!m)
        return;
    if (m->map)
        munmap(m->map, m->map_len);
    free(m->labels);
    free(m->own_text);
    free(m->own_floats);
    free(m);
}

size_t model_n_labels(const struct model *m)
{
    return m->n_labels;
}

const char *model_label(const struct model *m, size_t i)
{
    return i < m->n_labels ? m->labels[i] : NULL;
}

long model_label_index(const struct model *m, const char *name)
{
    for (size_t i = 0; i < m->n_labels; i++)
        if (strcmp(m->labels[i], name) == 0)
            return (long)i;
    return -1;
}

const struct feat_config *model_features(const struct model *m)
{
    return &m->cfg;
}

size_t model_predict_features(const struct model *m, const struct featvec *fv, float *probs)
{
    size_t L = m->n_labels;
    memcpy(probs, m->bias, L * sizeof(*probs));
    size_t mask = model_n_buckets(m) - 1;
    /* The rows are scattered over megabytes: ask for them ahead of use. */
    for (size_t i = 0; i < fv->n && i < 8; i++)
        __builtin_prefetch(m->w + (fv->idx[i] & mask) * L);
    if (L == 3) { /* the common three-way case, unrolled: scores in registers */
        float s0 = probs[0], s1 = probs[1], s2 = probs[2];
        for (size_t i = 0; i < fv->n; i++) {
            if (i + 8 < fv->n)
                __builtin_prefetch(m->w + (fv->idx[i + 8] & mask) * 3);
            const float *row = m->w + (fv->idx[i] & mask) * 3;
            float v = fv->val[i];
            s0 += v * row[0];
            s1 += v * row[1];
            s2 += v * row[2];
        }
        probs[0] = s0;
        probs[1] = s1;
        probs[2] = s2;
    } else {
        for (size_t i = 0; i < fv->n; i++) {
            if (i + 8 < fv->n)
                __builtin_prefetch(m->w + (fv->idx[i + 8] & mask) * L);
            const float *row = m->w + (fv->idx[i] & mask) * L;
            float v = fv->val[i];
            for (size_t l = 0; l < L; l++)
                probs[l] += v * row[l];
        }
    }
    size_t best = 0;
    for (size_t l = 1; l < L; l++)
        if (probs[l] > probs[best])
            best = l;
    float max = probs[best], sum = 0;
    for (size_t l = 0; l < L; l++) {
        probs[l] = expf(probs[l] - max);
        sum += probs[l];
    }
    for (size_t l = 0; l < L; l++)
        probs[l] /= sum;
    return best;
}

size_t model_predict_tokens(const struct model *m, const struct tokens *t,
                            const struct lexicon *lx, struct featvec *scratch, float *probs)
{
    features_extract(&m->cfg, t, lx, scratch);
    return model_predict_features(m, scratch, probs);
}

void scores_init(struct model_scores *s, size_t n_labels)
{
    s->n_labels = n_labels;
    s->confusion = xcalloc(n_labels ? n_labels * n_labels : 1, sizeof(size_t));
    s->n = s->n_unknown = 0;
}

void scores_release(struct model_scores *s)
{
    if (!s)
        return;
    free(s->confusion);
    s->confusion = NULL;
}

void scores_add(struct model_scores *s, size_t gold, size_t predicted)
{
    s->n++;
    if (gold >= s->n_labels) {
        s->n_unknown++;
        return;
    }
    s->confusion[gold * s->n_labels + predicted]++;
}

double scores_accuracy(const struct model_scores *s)
{
    size_t right = 0;
    for (size_t i = 0; i < s->n_labels; i++)
        right += s->confusion[i * s->n_labels + i];
    return s->n ? (double)right / (double)s->n : 0;
}

/* Gold and predicted totals of label i. */
static void totals(const struct model_scores *s, size_t i, size_t *gold, size_t *pred)
{
    *gold = *pred = 0;
    for (size_t j = 0; j < s->n_labels; j++) {
        *gold += s->confusion[i * s->n_labels + j];
        *pred += s->confusion[j * s->n_labels + i];
    }
}

void scores_class(const struct model_scores *s, size_t i, double *precision, double *recall,
                  double *f1)
{
    size_t gold, pred, tp = s->confusion[i * s->n_labels + i];
    totals(s, i, &gold, &pred);
    *precision = pred ? (double)tp / (double)pred : 0;
    *recall = gold ? (double)tp / (double)gold : 0;
    *f1 = *precision + *recall > 0 ? 2 * *precision * *recall / (*precision + *recall) : 0;
}

double scores_macro_f1(const struct model_scores *s)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->n_labels; i++) {
        size_t gold, pred;
        totals(s, i, &gold, &pred);
        if (!gold && !pred)
            continue;
        double p, r, f;
        scores_class(s, i, &p, &r, &f);
        sum += f;
        n++;
    }
    return n ? sum / (double)n : 0;
}
