/*
 * Politeness: the probability that a text reads as polite, from a learnt
 * logistic model over interpretable features in the spirit of the Stanford
 * politeness strategies (gratitude, deference, greetings, hedges, apologies,
 * where "please" stands, direct questions, sentences opening with "you",
 * first and second person, positive and negative words) and word features.
 *
 * The model is a small file (about 20 kB) written by politeness_save() after
 * politeness_train() and read by politeness_load(); it carries the word
 * lists it was trained with (data/politeness/strategies.txt), so nothing
 * else is needed to use it.  A team can retrain it on its own labelled
 * replies (truce politeness train).  Loaded models are read-only and shared
 * by threads; politeness_predict() allocates nothing.
 */
#ifndef TRUCE_POLITENESS_H
#define TRUCE_POLITENESS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct tokens;
struct lexicon;
struct politeness_model;

#define POLITENESS_STRATEGIES(X)                                                                \
    X(POL_GRATITUDE, "gratitude")                                                               \
    X(POL_DEFERENCE, "deference")                                                               \
    X(POL_GREETING, "greeting")                                                                 \
    X(POL_POSITIVE, "positive_lexicon")                                                         \
    X(POL_NEGATIVE, "negative_lexicon")                                                         \
    X(POL_APOLOGY, "apologizing")                                                               \
    X(POL_PLEASE, "please")                                                                     \
    X(POL_PLEASE_START, "please_start")                                                         \
    X(POL_INDIRECT_BTW, "indirect_btw")                                                         \
    X(POL_DIRECT_QUESTION, "direct_question")                                                   \
    X(POL_DIRECT_START, "direct_start")                                                         \
    X(POL_COUNTERFACTUAL, "counterfactual_modal")                                               \
    X(POL_INDICATIVE, "indicative_modal")                                                       \
    X(POL_FIRST_PERSON_START, "first_person_start")                                             \
    X(POL_FIRST_PERSON_PLURAL, "first_person_plural")                                           \
    X(POL_FIRST_PERSON, "first_person")                                                         \
    X(POL_SECOND_PERSON, "second_person")                                                       \
    X(POL_SECOND_PERSON_START, "second_person_start")                                           \
    X(POL_HEDGES, "hedges")                                                                     \
    X(POL_FACTUALITY, "factuality")

#define X(e, s) e,
enum politeness_strategy { POLITENESS_STRATEGIES(X) N_POLITENESS_STRATEGIES };
#undef X
const char *politeness_strategy_name(enum politeness_strategy s);

struct politeness_result {
    double probability;                     /* 0..1 that the text reads as polite */
    int present[N_POLITENESS_STRATEGIES];   /* how often each strategy occurs */
    double weight[N_POLITENESS_STRATEGIES]; /* the model's weight of each strategy */
};

/* Maps a model file; NULL with a message naming the path and the problem
 * (missing, not a politeness model, corrupt). */
struct politeness_model *politeness_load(const char *path, char *err, size_t errlen);
void politeness_free(struct politeness_model *m);

/* Scores text[0..len), already tokenized (and negation-marked) in t; lx is
 * the valence lexicon for the positive/negative strategies (may be NULL).
 * Can't fail. */
void politeness_predict(const struct politeness_model *m, const struct tokens *t,
                        const char *text, size_t len, const struct lexicon *lx,
                        struct politeness_result *out);

/* ---- Training (truce politeness train; tests) ------------------------------
 *
 * The strategies' word lists come from a data file (data/politeness/
 * strategies.txt) read by politeness_new(); the model file carries a copy,
 * so a model always scores with the lists its weights were learnt on.  The
 * words also feed 2^log2_buckets hashed unigram and bigram features. */

#define POLITENESS_MIN_LOG2_BUCKETS 8
#define POLITENESS_MAX_LOG2_BUCKETS 20
#define POLITENESS_DEFAULT_LOG2_BUCKETS 12

/* A new model with the lists at lists_path and all weights zero (every text
 * scores 0.5).  NULL with "path:line: why" in err.  Free with
 * politeness_free(). */
struct politeness_model *politeness_new(const char *lists_path, unsigned log2_buckets,
                                        char *err, size_t errlen);

/* Writes m to path (beside it, then renamed).  TERR_IO with the reason. */
enum terr politeness_save(const struct politeness_model *m, const char *path, char *err,
                          size_t errlen);

/* Labelled texts, turned into m's features once so training many times
 * (cross-validation) does not tokenize again.  Caller frees with
 * politeness_set_free() (accepts NULL). */
struct politeness_set;
struct politeness_set *politeness_set_new(void);
void politeness_set_free(struct politeness_set *s);
/* Adds the text tokenized in t with its label; uses m's lists only. */
void politeness_set_add(struct politeness_set *s, const struct politeness_model *m,
                        const struct tokens *t, const struct lexicon *lx, bool polite);
size_t politeness_set_size(const struct politeness_set *s);
bool politeness_set_label(const struct politeness_set *s, size_t i);
/* The probability m gives example i (as politeness_predict would). */
double politeness_set_predict(const struct politeness_model *m, const struct politeness_set *s,
                              size_t i);

struct politeness_train_opts {
    unsigned epochs;
    unsigned seed;   /* the order examples are visited in; same seed, same model */
    double lr;       /* AdaGrad's step */
    double l2;       /* on the strategies' weights */
    double l2_words; /* on the hashed word weights: larger, so that the
                      * strategies, which carry over to other communities,
                      * explain what they can */
};
void politeness_train_defaults(struct politeness_train_opts *o);

/* Learns m's weights (replacing them) from examples rows[0..n_rows) of s, or
 * from all of them when rows is NULL: logistic regression by AdaGrad with
 * L2.  Deterministic for a seed.  Can't fail. */
void politeness_train(struct politeness_model *m, const struct politeness_set *s,
                      const size_t *rows, size_t n_rows, const struct politeness_train_opts *o);

#endif
