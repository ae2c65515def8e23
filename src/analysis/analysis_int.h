/*
 * The analysis library's private parts: the loaded data, a thread's
 * analyzer, and the steps analyze_message() runs that live in their own
 * files (analysis_data.c, score.c, question.c).
 */
#ifndef TRUCE_ANALYSIS_INT_H
#define TRUCE_ANALYSIS_INT_H

#include <stdbool.h>

#include "analysis/analysis.h"
#include "analysis/features.h"
#include "text/tokenize.h"

struct category_cause {
    char *category;
    enum cause cause;
};

struct analysis_data {
    struct lexicon *lexicon;
    struct trigger_set *triggers;
    struct emotion_cues *cues;
    struct category_cause *causes;
    size_t n_causes;
    struct model *category_model; /* NULL: no category */
    struct model *emotion_model;  /* NULL: emotions from cues alone */
    char stem_lang[32];
};

struct analyzer {
    const struct analysis_data *d;
    struct stemmer *stemmer;
    struct tokens tokens;
    struct featvec features;
    struct feat_config features_cfg; /* what features holds, when have_features */
    bool have_features;
    float *probs; /* room for the larger model's labels */
};

/* Fills m's score, level and reasons from its sentiment, emotions and
 * triggers (spans into text).  Can't fail. */
void score_message(const char *text, struct msg_analysis *m);

/* True when the tokenized message asks something: a '?' anywhere, or a
 * sentence that opens like a question. */
bool text_asks_question(const struct tokens *t);

#endif
