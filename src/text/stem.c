/*
 * Stemming with libstemmer, behind a cache.
 *
 * Stemming is on the hot path (every word of every message), and customer
 * text repeats a small vocabulary, so each stemmer keeps a direct-mapped
 * cache of CACHE_SLOTS entries indexed by a hash of the word.  An entry holds
 * the word and its stem inline; words longer than CACHE_WORD bytes skip the
 * cache.  A slot is simply overwritten on collision.  The cache is part of
 * the stemmer, which is per thread, so no locking.
 */
#include "stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "tokenize.h"
#include "util/alloc.h"

#define CACHE_SLOTS 8192 /* a power of two; 8192 * 48 bytes = 384 KiB */
#define CACHE_WORD 23    /* longest word cached, in bytes */

struct cache_entry {
    uint8_t word_len; /* 0: empty slot */
    uint8_t stem_len;
    char word[CACHE_WORD];
    char stem[CACHE_WORD];
};

struct stemmer {
    struct sb_stemmer *sb;
    struct cache_entry *cache; /* CACHE_SLOTS entries */
    char fixed[CACHE_WORD + 2]; /* a stem repaired by fix_final_e() */
};

struct stemmer *stemmer_new(const char *lang)
{
    struct sb_stemmer *sb = sb_stemmer_new(lang, "UTF_8");
    if (!sb)
        return NULL;
    struct stemmer *s = xmalloc(sizeof(*s));
    s->sb = sb;
    s->cache = xcalloc(CACHE_SLOTS, sizeof(*s->cache));
    return s;
}

void stemmer_free(struct stemmer *s)
{
    if (!s)
        return;
    sb_stemmer_delete(s->sb);
    free(s->cache);
    free(s);
}

/* FNV-1a: a few cycles per byte, and words are short. */
static uint32_t hash_word(const char *w, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h ^ (h >> 15);
}

/* Snowball's English stemmer takes "sued" and "suing" to "su" but leaves
 * "sue" alone, so a list entry "sue" would miss them.  When a stripped stem
 * ends in 'u' and that stem plus 'e' is a word the stemmer keeps as it is
 * ("sue", "glue"; not "argue" -> "argu"), the 'e' is put back. */
static const char *fix_final_e(struct stemmer *s, size_t wlen, const char *st, size_t *n)
{
    size_t m = *n;
    if (m == 0 || m >= CACHE_WORD || m >= wlen || st[m - 1] != 'u')
        return st;
    /* st lives in libstemmer's buffer, which the next call overwrites */
    memcpy(s->fixed, st, m);
    s->fixed[m] = 'e';
    const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)s->fixed, (int)m + 1);
    if (r && sb_stemmer_length(s->sb) == (int)m + 1 && memcmp(r, s->fixed, m + 1) == 0)
        *n = m + 1;
    return s->fixed;
}

const char *stemmer_stem(struct stemmer *s, const char *w, size_t len, size_t *out_len)
{
    struct cache_entry *e = NULL;
    if (len > 0 && len <= CACHE_WORD) {
        e = &s->cache[hash_word(w, len) & (CACHE_SLOTS - 1)];
        if (e->word_len == len && memcmp(e->word, w, len) == 0) {
            *out_len = e->stem_len;
            return e->stem;
        }
    }
    const char *r = NULL;
    int n = 0;
    if (len > 0 && len < INT32_MAX) {
        r = (const char *)sb_stemmer_stem(s->sb, (const sb_symbol *)w, (int)len);
        n = r ? sb_stemmer_length(s->sb) : 0;
    }
    if (!r || n <= 0) {
        /* out of memory in libstemmer, or an empty word: as it came */
        *out_len = len;
        return w;
    }
    size_t sn = (size_t)n;
    r = fix_final_e(s, len, r, &sn);
    n = (int)sn;
    if (e && (size_t)n <= CACHE_WORD) {
        e->word_len = (uint8_t)len;
        memcpy(e->word, w, len);
        e->stem_len = (uint8_t)n;
        memcpy(e->stem, r, (size_t)n);
    }
    *out_len = (size_t)n;
    return r;
}

void tokens_stem(struct tokens *t, struct stemmer *s)
{
    for (size_t i = 0; i < t->n; i++) {
        struct token *k = &t->v[i];
        k->stem = k->norm;
        k->stem_len = k->norm_len;
        if (k->kind != TOK_WORD || !s)
            continue;
        size_t n;
        const char *st = stemmer_stem(s, t->text + k->norm, k->norm_len, &n);
        if (n == k->norm_len && memcmp(st, t->text + k->norm, n) == 0)
            continue;
        if (t->text_cap - t->text_len <= n) {
            size_t cap = t->text_cap ? t->text_cap : 1024;
            while (cap - t->text_len <= n)
                cap *= 2;
            /* st points into the stemmer or its cache, never into t->text */
            t->text = xrealloc(t->text, cap);
            t->text_cap = cap;
        }
        memcpy(t->text + t->text_len, st, n);
        t->text[t->text_len + n] = '\0';
        k->stem = (uint32_t)t->text_len;
        k->stem_len = (uint16_t)n;
        t->text_len += n + 1;
    }
}
