/*
 * A tokenizer for real customer text.
 *
 * tokenize() splits valid UTF-8 into tokens that remember where they came
 * from: start/end are byte offsets into the caller's text, so every span the
 * analysis reports can be shown (highlighted) in the original message.  Each
 * token also has a normalised form, stored NUL-terminated in tokens.text:
 *
 *   - NFC and Unicode case folding (utf8proc; ASCII takes a fast path);
 *   - typographic apostrophes (U+2019 ...) become "'";
 *   - a letter repeated three or more times is cut to two ("sooooo" -> "soo",
 *     flag TOK_ELONGATED), so lexicons see one spelling.
 *
 * Kinds: words (contractions such as "don't" and "I'm" stay one word),
 * numbers ("12", "3.5", "$40", "40%"), ids (letters and digits mixed,
 * "UA1234", "#10482", "AB-12-C"), URLs, e-mail addresses, @handles, #tags,
 * emoji (one token per grapheme cluster), emoticons (":)", ":-(", "<3",
 * ":'("), and punctuation (a run of the same mark is one token, "!!!").
 *
 * Sentences are numbered while tokenizing: a sentence ends after . ! ? (and
 * their runs) followed by a space or the end, or at a line break; not inside
 * numbers, URLs, or after common abbreviations ("Mr.", "e.g.").
 *
 * The tokens structure is reused between calls without freeing, so one per
 * thread keeps the steady state allocation-free.
 */
#ifndef TRUCE_TOKENIZE_H
#define TRUCE_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum tok_kind {
    TOK_WORD,
    TOK_NUMBER,
    TOK_ID,
    TOK_URL,
    TOK_EMAIL,
    TOK_HANDLE,
    TOK_HASHTAG,
    TOK_EMOJI,
    TOK_EMOTICON,
    TOK_PUNCT,
};

/* token.flags */
#define TOK_ALLCAPS 0x01u   /* a word of two or more letters, all upper case */
#define TOK_ELONGATED 0x02u /* a letter run was shortened in the normal form */
#define TOK_NEGATOR 0x04u   /* "not", "never", "no", "don't", "without", ... */
#define TOK_NEGATED 0x08u   /* inside a negation's scope (negation_mark) */
#define TOK_QUOTED 0x10u    /* between quotation marks: the customer quotes someone */
#define TOK_CAPITALISED 0x20u /* first letter upper case, the rest not */

struct token {
    uint32_t start, end; /* byte offsets into the tokenized text: [start, end) */
    uint32_t norm;       /* offset of the normal form in tokens.text */
    uint32_t stem;       /* offset of the stem in tokens.text (== norm until stemmed) */
    uint16_t norm_len, stem_len;
    uint16_t sentence; /* 0-based sentence number */
    uint8_t kind;      /* enum tok_kind */
    uint8_t flags;     /* TOK_* */
};

struct tokens {
    struct token *v;
    size_t n, cap;
    char *text; /* normal forms and stems, each NUL-terminated */
    size_t text_len, text_cap;
    size_t n_sentences;
};

/* Largest input tokenize() accepts, in bytes (TERR_TOO_LARGE beyond). */
#define TOKENIZE_MAX_BYTES (1u << 20)

void tokens_init(struct tokens *t);
/* Frees the storage; accepts NULL. */
void tokens_release(struct tokens *t);

/* Tokenizes text[0..len) into t, replacing what t held.  The text must be
 * valid UTF-8 (TERR_BAD_UTF8 otherwise) and at most TOKENIZE_MAX_BYTES long
 * (TERR_TOO_LARGE); on error t is left empty.  Empty text gives no tokens. */
enum terr tokenize(const char *text, size_t len, struct tokens *t);

/* The normal form and the stem of token i, NUL-terminated, borrowed from t. */
static inline const char *tok_norm(const struct tokens *t, size_t i)
{
    return t->text + t->v[i].norm;
}
static inline const char *tok_stem(const struct tokens *t, size_t i)
{
    return t->text + t->v[i].stem;
}

/* Marks TOK_NEGATED on the words that a negator governs: up to the next
 * punctuation, "but", the end of the sentence, or NEGATION_SCOPE words.
 * A word right after "no"/"not" and before a phrase like "only" is still in
 * scope; "not only" opens no scope.  Called by the analysis after tokenize. */
#define NEGATION_SCOPE 4
void negation_mark(struct tokens *t);

#endif
