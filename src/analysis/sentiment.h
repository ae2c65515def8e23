/*
 * VADER-style sentiment (Hutto & Gilbert, 2014) over truce's tokens: the
 * valence of each lexicon word, adjusted by boosters ("very", "kind of"),
 * negation ("not good"), "but" (what follows weighs more), capitals for
 * emphasis, "least", idioms, exclamation and question marks, and emoji;
 * summed and normalised into compound -1..1 and pos/neu/neg shares.
 */
#ifndef TRUCE_SENTIMENT_H
#define TRUCE_SENTIMENT_H

#include "analysis/analysis.h"

struct lexicon;
struct tokens;

/* Scores the tokenized message t.  Can't fail. */
void sentiment_score(const struct lexicon *lx, const struct tokens *t, struct sentiment *out);

#endif
