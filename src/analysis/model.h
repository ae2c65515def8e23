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
#ifndef TRUCE_MODEL_H
#define TRUCE_MODEL_H

#include <stddef.h>

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

#endif
