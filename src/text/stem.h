/*
 * Stemming with libstemmer (Snowball).  English first; any language that
 * libstemmer knows can be asked for by name ("english", "french", ...).
 *
 * A libstemmer stemmer keeps state between calls, so a struct stemmer must
 * not be shared between threads: each analysis context has its own.
 */
#ifndef TRUCE_STEM_H
#define TRUCE_STEM_H

#include <stddef.h>

struct stemmer;

/* A stemmer for lang ("english"), or NULL when libstemmer does not know the
 * language.  Caller frees with stemmer_free(). */
struct stemmer *stemmer_new(const char *lang);
void stemmer_free(struct stemmer *s);

/* Stems the normalised (case-folded) word w[0..len).  Returns a pointer
 * valid until the next call on s, and its length in *out_len.  Never fails:
 * a word libstemmer cannot handle comes back unchanged. */
const char *stemmer_stem(struct stemmer *s, const char *w, size_t len, size_t *out_len);

/* Fills every word token's stem (tokens.v[i].stem/stem_len); other kinds keep
 * their normal form as stem. */
struct tokens;
void tokens_stem(struct tokens *t, struct stemmer *s);

#endif
