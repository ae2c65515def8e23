/*
 * A learnt text classifier: hashed features (features.h) into a linear
 * model, softmax over the labels, trained with AdaGrad SGD on a team's own
 * labelled history (model_train.c), saved as a versioned, checksummed binary
 * file and loaded with mmap (model_file.c).  A loaded model is read-only and
 * shared by threads.
 *
 * The part the rest of truce uses is below; training and saving have their
 * own declarations further down.
 */
#ifndef TRUCE_ANALYSIS_MODEL_H
#define TRUCE_ANALYSIS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/features.h"
#include "util/err.h"

struct model;
struct tokens;
struct lexicon;
struct featvec; /* features.h: a reusable buffer of hashed features */

/* Loads (mmaps) the model file at path.  A file that is not a truce model, of
 * another version, truncated or whose checksum fails is refused: NULL with a
 * one-line reason naming the file in err.  Free with model_free(). */
struct model *model_load(const char *path, char *err, size_t errlen);
void model_free(struct model *m);

size_t model_n_labels(const struct model *m);
const char *model_label(const struct model *m, size_t i);

/* Class probabilities probs[0..model_n_labels) for the message tokenized
 * (and stemmed and negation-marked) in t.  lx supplies the lexicon features
 * (NULL: those features are zero).  scratch is the caller's, reused between
 * calls.  Returns the index of the most likely label.  Can't fail. */
size_t model_predict_tokens(const struct model *m, const struct tokens *t,
                            const struct lexicon *lx, struct featvec *scratch, float *probs);

/* Class probabilities for features already extracted with the model's own
 * configuration (model_features); returns the most likely label.  Can't fail. */
size_t model_predict_features(const struct model *m, const struct featvec *fv, float *probs);
/* The feature configuration the model was trained with. */
const struct feat_config *model_features(const struct model *m);
/* The label named name, or -1 when the model has none. */
long model_label_index(const struct model *m, const char *name);

/* ---- Training ---------------------------------------------------------- */

#define MODEL_MAX_LABELS 1000
#define MODEL_MAX_LABEL_LEN 127     /* bytes */
#define MODEL_MAX_WEIGHT 1e6f       /* |weight| a loaded model may hold */
#define MODEL_MAX_FEATURES (1u << 30) /* in a training set, all examples together */

/* Labelled examples as hashed features; label names interned in the order
 * first seen. */
struct trainset;

struct trainset *trainset_new(void);
void trainset_free(struct trainset *ts);
/* Adds one example (features copied).  TERR_INVALID for an empty label or
 * one longer than MODEL_MAX_LABEL_LEN, TERR_TOO_LARGE past MODEL_MAX_LABELS
 * or MODEL_MAX_FEATURES; ts is unchanged then. */
enum terr trainset_add(struct trainset *ts, const struct featvec *fv, const char *label);
size_t trainset_size(const struct trainset *ts);
size_t trainset_n_labels(const struct trainset *ts);
const char *trainset_label(const struct trainset *ts, size_t i);
/* Label index of example i. */
size_t trainset_example_label(const struct trainset *ts, size_t i);
/* Example i's features, borrowed from ts, into v (whose idx/val then point
 * into ts: do not release v afterwards). */
void trainset_example(const struct trainset *ts, size_t i, struct featvec *v);

/* Counts of gold label x predicted label, and what follows from them. */
struct model_scores {
    size_t n_labels;
    size_t *confusion; /* [gold * n_labels + predicted] */
    size_t n;          /* examples counted, unknown gold labels included */
    size_t n_unknown;  /* examples whose gold label the model does not know */
};

void scores_init(struct model_scores *s, size_t n_labels);
void scores_release(struct model_scores *s);
/* Counts one example; gold == (size_t)-1 for a label the model does not know. */
void scores_add(struct model_scores *s, size_t gold, size_t predicted);
double scores_accuracy(const struct model_scores *s);
/* Precision, recall and F1 of label i (0 where undefined). */
void scores_class(const struct model_scores *s, size_t i, double *precision, double *recall,
                  double *f1);
/* Mean F1 over the labels that occur in gold or in predictions. */
double scores_macro_f1(const struct model_scores *s);

struct train_opts {
    struct feat_config feat; /* how the examples' features were made (stored) */
    unsigned epochs;         /* at most this many passes */
    unsigned patience;       /* stop after this many epochs without a better dev score */
    double lr;               /* AdaGrad step */
    double l2;               /* L2 penalty on the weights touched by an example */
    uint64_t seed;           /* shuffling; same seed and data, same model */
    bool balanced;           /* weigh classes by inverse frequency (damped) */
    /* Called with progress within an epoch (may be NULL). */
    void (*progress)(void *arg, unsigned epoch, size_t done, size_t total);
    /* Called after each epoch with the mean training loss and, with a dev
     * set, the dev scores (else NULL); may be NULL. */
    void (*epoch_done)(void *arg, unsigned epoch, double loss, const struct model_scores *dev);
    void *arg;
    unsigned best_epoch; /* out: the epoch whose weights were kept (1-based) */
};

/* Defaults: 20 epochs, patience 3, lr 0.1, l2 1e-6, seed 1, unbalanced. */
void train_opts_default(struct train_opts *o);

/* Trains a softmax model on train with AdaGrad, shuffling each epoch with a
 * PRNG seeded by o->seed.  With dev (labels matched by name), keeps the
 * weights of the epoch with the best dev score (mean of accuracy and
 * macro-F1) and stops early; without, keeps the last epoch.  NULL with a
 * reason in err when train is empty or has fewer than two labels.  The
 * model is in memory (model_save writes it); free with model_free(). */
struct model *model_train(struct train_opts *o, const struct trainset *train,
                          const struct trainset *dev, char *err, size_t errlen);

/* Writes m to path (through a temporary file renamed into place).  The same
 * model gives the same bytes.  TERR_IO with the reason in err. */
enum terr model_save(const struct model *m, const char *path, char *err, size_t errlen);

/* The largest log2 bucket count whose weights for n_labels stay within
 * max_bytes (at least FEAT_MIN_LOG2_BUCKETS, at most 20). */
unsigned model_auto_log2_buckets(size_t n_labels, size_t max_bytes);

#define MODEL_MAX_FILE_BYTES (20u << 20)

#endif
