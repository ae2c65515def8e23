/*
 * Politeness: the probability that a text reads as polite, from a learnt
 * logistic model over interpretable features in the spirit of the Stanford
 * politeness strategies (gratitude, deference, greetings, hedges, apologies,
 * where "please" stands, direct questions, sentences opening with "you",
 * first and second person, positive and negative words) and word features.
 *
 * The model is a small file written by politeness_train() and read by
 * politeness_load(); a team can retrain it on its own labelled replies.
 * Loaded models are read-only and shared by threads.
 */
#ifndef TRUCE_POLITENESS_H
#define TRUCE_POLITENESS_H

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

#endif
