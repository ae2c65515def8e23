/*
 * Emotions of a message, 0..1 each (analysis.h EMOTIONS: anger, annoyance,
 * disappointment, anxiety, gratitude).
 *
 * Two sources, blended when both are there:
 *   - an emotion model trained on GoEmotions (model.h), whose 28 labels are
 *     summed into our five (anger <- anger, disgust; annoyance <- annoyance,
 *     disapproval; ...);
 *   - cues: an editable list of words and phrases with a weight and an
 *     emotion (data/lexicons/emotion_cues.txt), plus what the message's
 *     shape says (strong negative sentiment, shouting, "!!!", a negated
 *     positive word).  A negated cue ("not angry") does not count.
 * Without a model the cues alone give the estimate.
 */
#ifndef TRUCE_EMOTION_H
#define TRUCE_EMOTION_H

#include <stddef.h>

#include "analysis/analysis.h"

struct model;
struct tokens;
struct lexicon;
struct emotion_cues;

/* Loads the cue list at path: one cue a line, "phrase weight emotion"
 * ("let down 0.7 disappointment"), '#' comments; phrases are stemmed in
 * English so that a cue meets its inflections ("thank" meets "thanks").
 * NULL on error with a reason naming the file and line in err.  Free with
 * emotion_cues_free(). */
struct emotion_cues *emotion_cues_load(const char *path, char *err, size_t errlen);
void emotion_cues_free(struct emotion_cues *c);
size_t emotion_cues_size(const struct emotion_cues *c);

/* Fills out[N_EMOTIONS] with values 0..1 for the message tokenized in t,
 * which must be stemmed (tokens_stem, English) and negation-marked
 * (negation_mark), as the analyzer does.  em/em_probs: the emotion model and
 * its probabilities for this message, or NULL/NULL.  cues (may be NULL), lx
 * (may be NULL) and s are borrowed.  Can't fail; allocates nothing. */
void emotions_estimate(const struct emotion_cues *cues, const struct model *em,
                       const float *em_probs, const struct tokens *t,
                       const struct lexicon *lx, const struct sentiment *s,
                       double out[N_EMOTIONS]);

#endif
