/*
 * libFuzzer target for the text layer (src/text): tokenize, tokens_stem,
 * negation_mark and phrase_set_match over arbitrary bytes, and text_fold.
 *
 * Invariants: tokenize accepts exactly the valid UTF-8 of at most
 * TOKENIZE_MAX_BYTES and otherwise leaves no tokens; token spans are
 * non-empty, increasing, inside the input and at most 1024 bytes; normal
 * forms and stems are valid UTF-8 of their stated length inside tokens.text;
 * sentence numbers never decrease and stay below n_sentences; negators are
 * never themselves negated; phrase hits are in order of their last token and
 * span at most 16 tokens.  text_fold gives valid UTF-8 exactly for valid
 * input, and folding its output again changes nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text/normalize.h"
#include "text/phrase.h"
#include "text/stem.h"
#include "text/tokenize.h"
#include "util/utf8.h"

static struct stemmer *stem;
static struct phrase_set *phrases;
static struct tokens toks;

static void init(void)
{
    static const char *const list[] = {
        "speak to a manager", "sue", "switch to *", "* again", "never again", "!!!",
        "cancel my * subscription", ":(", "refund", "not * at all", "caf\xc3\xa9",
    };
    stem = stemmer_new("english");
    phrases = phrase_set_new(stem);
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
        FUZZ_ASSERT(phrase_set_add(phrases, list[i], (uint32_t)i) == TERR_OK);
    phrase_set_build(phrases);
    tokens_init(&toks);
}

static void check_form(const struct tokens *t, uint32_t off, uint16_t len)
{
    FUZZ_ASSERT((size_t)off + len < t->text_len);
    FUZZ_ASSERT(t->text[off + len] == '\0');
    FUZZ_ASSERT(strlen(t->text + off) == len);
    FUZZ_ASSERT(utf8_valid(t->text + off, len));
}

static void check_tokens(const uint8_t *data, size_t size)
{
    struct tokens *t = &toks;
    enum terr e = tokenize((const char *)data, size, t);
    bool valid = utf8_valid((const char *)data, size);
    FUZZ_ASSERT((e == TERR_OK) == valid);
    if (e != TERR_OK) {
        FUZZ_ASSERT(e == TERR_BAD_UTF8);
        FUZZ_ASSERT(t->n == 0 && t->n_sentences == 0);
        return;
    }
    tokens_stem(t, stem);
    negation_mark(t);
    FUZZ_ASSERT(t->n_sentences == 0 || t->n > 0);
    uint32_t prev_end = 0, prev_sentence = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        FUZZ_ASSERT(k->start < k->end && k->end <= size);
        FUZZ_ASSERT(k->start >= prev_end);
        FUZZ_ASSERT(k->end - k->start <= 1024);
        FUZZ_ASSERT(utf8_valid((const char *)data + k->start, k->end - k->start));
        FUZZ_ASSERT(k->kind <= TOK_PUNCT);
        FUZZ_ASSERT(k->sentence >= prev_sentence && k->sentence < t->n_sentences);
        FUZZ_ASSERT(!((k->flags & TOK_NEGATOR) && (k->flags & TOK_NEGATED)));
        FUZZ_ASSERT(k->norm_len > 0);
        check_form(t, k->norm, k->norm_len);
        check_form(t, k->stem, k->stem_len);
        if (k->kind != TOK_WORD)
            FUZZ_ASSERT(k->stem == k->norm);
        prev_end = k->end;
        prev_sentence = k->sentence;
    }
    if (t->n)
        FUZZ_ASSERT(t->n_sentences == (size_t)t->v[t->n - 1].sentence + 1);

    struct phrase_hit hits[8];
    size_t n = phrase_set_match(phrases, t, hits, 8);
    uint32_t last = 0;
    for (size_t h = 0; h < n && h < 8; h++) {
        FUZZ_ASSERT(hits[h].first <= hits[h].last && hits[h].last < t->n);
        FUZZ_ASSERT(hits[h].last - hits[h].first < 16);
        FUZZ_ASSERT(hits[h].last >= last);
        FUZZ_ASSERT(hits[h].value < phrase_set_size(phrases));
        last = hits[h].last;
    }
}

static void check_fold(const uint8_t *data, size_t size)
{
    struct buf a, b;
    buf_init(&a, 1u << 16);
    buf_init(&b, 1u << 16);
    enum terr e = text_fold((const char *)data, size, &a);
    bool valid = utf8_valid((const char *)data, size);
    if (!valid) {
        FUZZ_ASSERT(e == TERR_BAD_UTF8 && a.len == 0);
    } else if (e == TERR_OK) {
        FUZZ_ASSERT(utf8_valid(a.data, a.len));
        FUZZ_ASSERT(text_fold(a.data, a.len, &b) == TERR_OK);
        FUZZ_ASSERT(b.len == a.len && memcmp(a.data, b.data, a.len) == 0);
    } else {
        FUZZ_ASSERT(e == TERR_TOO_LARGE && a.len == 0);
    }
    buf_release(&a);
    buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!stem)
        init();
    check_tokens(data, size);
    check_fold(data, size);
    return 0;
}
