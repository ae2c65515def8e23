/*
 * The valence lexicon: word (or emoji, or emoticon) -> mean valence -4..4,
 * from VADER's lexicon files (data/lexicons/, MIT).  Keys are stored in
 * their normal form (NFC, case-folded), so tokens' normal forms look them up
 * directly.  Loaded once, read-only, shared by threads.
 */
#ifndef TRUCE_LEXICON_H
#define TRUCE_LEXICON_H

#include <stdbool.h>
#include <stddef.h>

struct lexicon;

/* Loads the word lexicon at path (token<TAB>mean<TAB>...) and, when
 * emoji_path is not NULL, the emoji lexicon (emoji<TAB>description), whose
 * emoji take the valence of their description's words.  NULL on error with
 * a reason naming the file and line in err.  Free with lexicon_free(). */
struct lexicon *lexicon_load(const char *path, const char *emoji_path, char *err,
                             size_t errlen);
void lexicon_free(struct lexicon *lx);

/* The valence of the normalised word w[0..len), true when it is listed. */
bool lexicon_get(const struct lexicon *lx, const char *w, size_t len, double *valence);

size_t lexicon_size(const struct lexicon *lx);

#endif
