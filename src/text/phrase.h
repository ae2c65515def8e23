/*
 * A multi-phrase matcher over tokens (Aho-Corasick on token keys).
 *
 * Phrases are added as text ("speak to a manager", "chargeback"), tokenized
 * and stemmed the same way as messages, so "suing", "sued" and "sue" meet in
 * one entry.  A phrase word "*" matches any one token ("switch to *").
 * Matching walks the message's tokens once, whatever the number of phrases,
 * and reports every phrase occurrence (overlaps included) as a token range.
 *
 * A built set is read-only and can be shared by threads.
 */
#ifndef TRUCE_PHRASE_H
#define TRUCE_PHRASE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct tokens;
struct stemmer;
struct phrase_set;

struct phrase_hit {
    uint32_t first, last; /* token indexes, inclusive */
    uint32_t value;       /* the value given to phrase_set_add */
};

/* An empty set whose phrases will be stemmed with s (NULL: not stemmed).
 * Caller frees with phrase_set_free(). */
struct phrase_set *phrase_set_new(struct stemmer *s);
void phrase_set_free(struct phrase_set *ps);

/* Adds a phrase with a caller's value (an index into the caller's table).
 * TERR_INVALID when the phrase has no tokens or more than 16; TERR_BAD_UTF8
 * for invalid UTF-8.  Only before phrase_set_build(). */
enum terr phrase_set_add(struct phrase_set *ps, const char *phrase, uint32_t value);

/* Builds the automaton; no phrase may be added afterwards. */
void phrase_set_build(struct phrase_set *ps);

/* Number of phrases added. */
size_t phrase_set_size(const struct phrase_set *ps);

/* Finds the phrases in t (tokenized and stemmed) and stores up to max_hits of
 * them in hits, in order of their last token.  Returns the number found,
 * which may exceed max_hits (the rest are dropped). */
size_t phrase_set_match(const struct phrase_set *ps, const struct tokens *t,
                        struct phrase_hit *hits, size_t max_hits);

/* Calls fn(hit, ctx) for each phrase occurrence in t, in the order of
 * phrase_set_match() (the hit is valid during the call only), so a caller
 * can filter or cap hits without a buffer for all of them.  Returns the
 * number of calls. */
size_t phrase_set_each(const struct phrase_set *ps, const struct tokens *t,
                       void (*fn)(const struct phrase_hit *hit, void *ctx), void *ctx);

/* The most tokens of a phrase ("*" included): no hit spans more. */
#define PHRASE_MAX_TOKENS 16

#endif
