/*
 * Negation scope (negation_mark, declared in tokenize.h).
 *
 * A negator marked by the tokenizer governs the words after it: at most
 * NEGATION_SCOPE of them, and never past punctuation (emoticons and emoji
 * count as punctuation), "but", or the end of its sentence.  A negator
 * inside a scope starts its own scope and is not itself marked.  "not only"
 * opens no scope: "not only late but rude" negates nothing.
 *
 * Phrases that carry their own negation ("never again", "no longer") are
 * matched as phrases by their users; this pass only marks scope.
 */
#include <stdbool.h>
#include <string.h>

#include "tokenize.h"

static inline bool norm_is(const struct tokens *t, size_t i, const char *w, size_t n)
{
    return t->v[i].norm_len == n && memcmp(tok_norm(t, i), w, n) == 0;
}
#define NORM_IS(t, i, lit) norm_is(t, i, lit, sizeof(lit) - 1)

static bool ends_scope(const struct tokens *t, size_t i)
{
    switch (t->v[i].kind) {
    case TOK_PUNCT:
    case TOK_EMOTICON:
    case TOK_EMOJI:
        return true;
    case TOK_WORD:
        return NORM_IS(t, i, "but");
    default:
        return false;
    }
}

void negation_mark(struct tokens *t)
{
    size_t left = 0;  /* words still in the current scope */
    unsigned sentence = 0;
    for (size_t i = 0; i < t->n; i++) {
        struct token *k = &t->v[i];
        k->flags &= (uint8_t)~TOK_NEGATED;
        if (left && (k->sentence != sentence || ends_scope(t, i)))
            left = 0;
        if (k->flags & TOK_NEGATOR) {
            bool not_only = i + 1 < t->n && NORM_IS(t, i, "not") && NORM_IS(t, i + 1, "only");
            left = not_only ? 0 : NEGATION_SCOPE;
            sentence = k->sentence;
            continue;
        }
        if (left) {
            k->flags |= TOK_NEGATED;
            left--;
        }
    }
}
