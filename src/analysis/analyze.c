/*
 * One message, read the way a seasoned team lead would.
 *
 * analyze_message() runs the pipeline: tokenize -> stem -> negation scope ->
 * sentiment (lexicon rules) -> models (emotion, category; when loaded) ->
 * emotions -> triggers -> question -> score, level and reasons (score.c).
 */
#include <stdio.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/emotion.h"
#include "analysis/model.h"
#include "analysis/sentiment.h"
#include "analysis/triggers.h"
#include "text/stem.h"

/* Model m's probabilities for the current message into a->probs.  Models
 * trained with the same feature configuration (the shipped ones are) share
 * one extraction. */
static size_t predict(struct analyzer *a, const struct model *m)
{
    const struct feat_config *c = model_features(m);
    if (!a->have_features || memcmp(c, &a->features_cfg, sizeof *c) != 0) {
        features_extract(c, &a->tokens, a->d->lexicon, &a->features);
        a->features_cfg = *c;
        a->have_features = true;
    }
    return model_predict_features(m, &a->features, a->probs);
}

static void categorise(struct analyzer *a, struct msg_analysis *m)
{
    const struct analysis_data *d = a->d;
    m->category[0] = '\0';
    m->category_confidence = 0;
    m->cause = CAUSE_NONE;
    if (!d->category_model)
        return;
    size_t best = predict(a, d->category_model);
    const char *label = model_label(d->category_model, best);
    snprintf(m->category, sizeof m->category, "%s", label);
    m->category_confidence = a->probs[best];
    for (size_t i = 0; i < d->n_causes; i++)
        if (strcmp(d->causes[i].category, label) == 0) {
            m->cause = d->causes[i].cause;
            break;
        }
}

enum terr analyze_message(struct analyzer *a, const char *text, size_t len,
                          struct msg_analysis *out)
{
    const struct analysis_data *d = a->d;
    enum terr e = tokenize(text, len, &a->tokens);
    if (e != TERR_OK)
        return e;
    tokens_stem(&a->tokens, a->stemmer);
    negation_mark(&a->tokens);
    a->have_features = false;

    struct msg_analysis *m = out;
    memset(m, 0, sizeof *m);
    sentiment_score(d->lexicon, &a->tokens, &m->sentiment);

    const float *eprobs = NULL;
    if (d->emotion_model) {
        predict(a, d->emotion_model);
        eprobs = a->probs;
    }
    emotions_estimate(d->cues, d->emotion_model, eprobs, &a->tokens, d->lexicon, &m->sentiment,
                      m->emotions);
    categorise(a, m);
    m->n_triggers = triggers_find(d->triggers, text, len, &a->tokens, m->triggers,
                                  ANALYSIS_MAX_TRIGGERS);
    m->question = text_asks_question(&a->tokens);
    score_message(text, m);
    return TERR_OK;
}
