/*
 * Hashed features of a tokenized message, for the learnt classifier
 * (model.h).
 *
 * Every feature is a string (a word, "NOT_"+word, a word bigram, a character
 * n-gram of a word with its boundaries, "caps=2", "lex:neg=1", ...) hashed
 * with a seeded 64-bit hash into one of 2^log2_buckets buckets; a feature
 * vector is the list of (bucket, value) pairs, unsorted, a bucket possibly
 * repeated (a repeated word counts twice).  Each group of features (words,
 * character n-grams, counts) is scaled to a fixed L2 norm, so long and short
 * messages weigh alike.
 *
 * The configuration is stored in the model file: a model only makes sense
 * with the features it was trained on.
 */
#ifndef TRUCE_FEATURES_H
#define TRUCE_FEATURES_H

#include <stddef.h>
#include <stdint.h>

struct tokens;
struct lexicon;

#define FEAT_MIN_LOG2_BUCKETS 4
#define FEAT_MAX_LOG2_BUCKETS 24
#define FEAT_MAX_WORD_NGRAMS 3
#define FEAT_MAX_CHAR_NGRAM 8

struct feat_config {
    uint8_t word_ngrams;  /* 1: words, 2: and word bigrams, 3: and trigrams */
    uint8_t char_min;     /* character n-grams of words, char_min..char_max bytes */
    uint8_t char_max;     /* (0 = none) */
    uint8_t lexicon;      /* lexicon features on (1) or off (0) */
    uint8_t log2_buckets; /* 2^log2_buckets hash buckets */
    uint32_t seed;        /* hashing seed */
};

/* The defaults used by `truce model train`: words and bigrams, character
 * 3..4-grams, lexicon features, 2^18 buckets. */
void feat_config_default(struct feat_config *c);
/* NULL when c is usable, else what is wrong with it (a static string). */
const char *feat_config_check(const struct feat_config *c);

/* A reusable buffer of features: idx[i] < 2^log2_buckets, val[i]. */
struct featvec {
    uint32_t *idx;
    float *val;
    size_t n, cap;
    uint64_t *hashes; /* scratch: one hash per token */
    size_t hashes_cap;
};

void featvec_init(struct featvec *v);
/* Frees the storage; accepts NULL. */
void featvec_release(struct featvec *v);

/* The features of the tokenized, negation-marked message t into out
 * (replacing what it held).  lx may be NULL: lexicon features are then
 * absent, as if no word were listed.  Same input, same output.  Can't fail. */
void features_extract(const struct feat_config *c, const struct tokens *t,
                      const struct lexicon *lx, struct featvec *out);

/* The seeded 64-bit hash used for features (exposed for tests). */
uint64_t feat_hash(const void *p, size_t len, uint64_t seed);

#endif
