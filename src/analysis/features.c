/*
 * Feature extraction for the classifier (features.h).
 *
 * Each token gets one "term" hash: its normal form for words, handles, tags,
 * emoji, emoticons and punctuation, a class name for numbers, ids, URLs and
 * e-mail addresses (the particular flight number says nothing; that there
 * is one may).  From the terms:
 *   - unigrams: the term, or for a word in a negation's scope "NOT_"+word
 *     (so "not good" does not count as "good");
 *   - word n-grams up to word_ngrams: consecutive terms, negation or not;
 *   - character n-grams of words, "<word>" with boundary marks, so "refund",
 *     "refunded" and "refundd" share most of their features;
 *   - shape counts: words in capitals, elongated words, "!" and "?" marks;
 *   - lexicon counts: positive, negative and negated lexicon words, and
 *     bins of the summed, the most negative and the most positive valence.
 * Counts are binned (0, 1, 2, 3+) and each bin is one feature.  Each of the
 * three groups (words and word n-grams; character n-grams; counts) is scaled
 * to a fixed L2 norm.
 *
 * Hashes are FNV-1a-64 over bytes, started from the seed and finished with
 * a multiply-xorshift mixer, so the bucket (the top bits) depends on every
 * byte.
 */
#include "analysis/features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/lexicon.h"
#include "text/tokenize.h"
#include "util/alloc.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* VADER scales a negated word's valence by -0.74. */
#define NEGATED_SCALE (-0.74)

void feat_config_default(struct feat_config *c)
{
    c->word_ngrams = 2;
    c->char_min = 3;
    c->char_max = 4;
    c->lexicon = 1;
    c->log2_buckets = 18;
    c->seed = 0x7275ce;
}

const char *feat_config_check(const struct feat_config *c)
{
    if (c->word_ngrams < 1 || c->word_ngrams > FEAT_MAX_WORD_NGRAMS)
        return "word n-gram order must be 1 to 3";
    if (c->char_min > c->char_max || c->char_max > FEAT_MAX_CHAR_NGRAM ||
        (c->char_max && c->char_min < 1))
        return "character n-grams must be MIN-MAX with 1 <= MIN <= MAX <= 8 (or 0-0)";
    if (c->lexicon > 1)
        return "lexicon features are 0 or 1";
    if (c->log2_buckets < FEAT_MIN_LOG2_BUCKETS || c->log2_buckets > FEAT_MAX_LOG2_BUCKETS)
        return "bucket count must be 2^4 to 2^24";
    return NULL;
}

void featvec_init(struct featvec *v)
{
    memset(v, 0, sizeof(*v));
}

void featvec_release(struct featvec *v)
{
    if (!v)
        return;
    free(v->idx);
    free(v->val);
    free(v->hashes);
    featvec_init(v);
}

static inline uint64_t fnv(uint64_t h, const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * FNV_PRIME;
    return h;
}

/* murmur3's 64-bit finaliser: every input bit reaches the top bits. */
static inline uint64_t fmix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t feat_hash(const void *p, size_t len, uint64_t seed)
{
    return fmix(fnv(FNV_OFFSET ^ seed, p, len));
}

static void push(struct featvec *v, uint64_t h, unsigned log2_buckets, float val)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 256;
        v->idx = xrealloc(v->idx, v->cap * sizeof(*v->idx));
        v->val = xrealloc(v->val, v->cap * sizeof(*v->val));
    }
    /* One multiply-xorshift round is enough here: FNV's low bits are the
     * weak ones, and the bucket is taken from the top bits. */
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
    v->idx[v->n] = (uint32_t)(h >> (64 - log2_buckets));
    v->val[v->n++] = val;
}

/* Kinds of feature, hashed first so equal strings of two kinds differ. */
enum { K_TERM = 1, K_NOT, K_NGRAM, K_CHAR, K_EXTRA };

static uint64_t start(const struct feat_config *c, unsigned kind)
{
    return ((uint64_t)FNV_OFFSET ^ c->seed) * FNV_PRIME ^ kind;
}

/* The string a token stands for in unigrams and n-grams. */
static const char *term_of(const struct tokens *t, size_t i, size_t *len)
{
    static const char *const class_name[] = {
        [TOK_NUMBER] = "<num>", [TOK_ID] = "<id>", [TOK_URL] = "<url>", [TOK_EMAIL] = "<email>"};
    static const size_t class_len[] = {[TOK_NUMBER] = 5, [TOK_ID] = 4, [TOK_URL] = 5,
                                       [TOK_EMAIL] = 7};
    unsigned k = t->v[i].kind;
    if (k == TOK_NUMBER || k == TOK_ID || k == TOK_URL || k == TOK_EMAIL) {
        *len = class_len[k];
        return class_name[k];
    }
    *len = t->v[i].norm_len;
    return tok_norm(t, i);
}

/* One feature for "name=bin" where bin is n capped at 3; none for n == 0. */
static void count_feature(const struct feat_config *c, struct featvec *v, const char *name,
                          size_t n)
{
    if (n == 0)
        return;
    char bin[2] = {'=', (char)('0' + (n > 3 ? 3 : n))};
    push(v, fnv(fnv(start(c, K_EXTRA), name, strlen(name)), bin, 2), c->log2_buckets, 1);
}

/* One feature for the bin of x among edges (ascending), named name. */
static void bin_feature(const struct feat_config *c, struct featvec *v, const char *name,
                        double x, const double *edges, size_t n_edges)
{
    size_t b = 0;
    while (b < n_edges && x > edges[b])
        b++;
    char bin[2] = {'#', (char)('0' + b)};
    push(v, fnv(fnv(start(c, K_EXTRA), name, strlen(name)), bin, 2), c->log2_buckets, 1);
}

static void char_ngrams(const struct feat_config *c, struct featvec *v, const char *w,
                        size_t len)
{
    /* "<" word ">" in a small buffer; a very long "word" (a hash, a run of
     * letters) gives the n-grams of its first 64 bytes only. */
    char buf[66];
    size_t n = len > 64 ? 64 : len;
    buf[0] = '<';
    memcpy(buf + 1, w, n);
    buf[n + 1] = '>';
    n += 2;
    uint64_t h0 = start(c, K_CHAR);
    for (size_t i = 0; i + c->char_min <= n; i++) {
        uint64_t h = h0;
        size_t j = i;
        for (; j < i + c->char_min - 1; j++)
            h = (h ^ (unsigned char)buf[j]) * FNV_PRIME;
        for (; j < n && j < i + c->char_max; j++) {
            h = (h ^ (unsigned char)buf[j]) * FNV_PRIME;
            push(v, h, c->log2_buckets, 1);
        }
    }
}

/* Scales the values v[from..to) to L2 norm weight. */
static void scale_group(struct featvec *v, size_t from, size_t to, float weight)
{
    if (to <= from)
        return;
    float scale = weight / sqrtf((float)(to - from));
    for (size_t i = from; i < to; i++)
        v->val[i] *= scale;
}

void features_extract(const struct feat_config *c, const struct tokens *t,
                      const struct lexicon *lx, struct featvec *out)
{
    out->n = 0;
    if (out->hashes_cap < t->n) {
        out->hashes_cap = t->n + 64;
        free(out->hashes);
        out->hashes = xmalloc(out->hashes_cap * sizeof(*out->hashes));
    }
    uint64_t *term = out->hashes;
    size_t caps = 0, elongated = 0, excl = 0, quest = 0;
    size_t lpos = 0, lneg = 0, lnegated = 0;
    double lsum = 0, lmin = 0, lmax = 0;
    const uint64_t h_term = start(c, K_TERM), h_not = start(c, K_NOT);
    const unsigned lb = c->log2_buckets;

    for (size_t i = 0; i < t->n; i++) {
        const struct token *tk = &t->v[i];
        size_t len;
        const char *s = term_of(t, i, &len);
        term[i] = fnv(h_term, s, len);
        int negated = tk->kind == TOK_WORD && (tk->flags & TOK_NEGATED);
        push(out, negated ? fnv(h_not, s, len) : term[i], lb, 1);

        caps += (tk->flags & TOK_ALLCAPS) != 0;
        elongated += (tk->flags & TOK_ELONGATED) != 0;
        if (tk->kind == TOK_PUNCT) {
            excl += (size_t)(memchr(s, '!', len) != NULL) * len;
            quest += (size_t)(memchr(s, '?', len) != NULL) * len;
        }
        double val;
        if (c->lexicon && lx &&
            (tk->kind == TOK_WORD || tk->kind == TOK_EMOJI || tk->kind == TOK_EMOTICON) &&
            lexicon_get(lx, s, len, &val)) {
            if (tk->flags & TOK_NEGATED) {
                val *= NEGATED_SCALE;
                lnegated++;
            }
            lpos += val > 0;
            lneg += val < 0;
            lsum += val;
            lmin = val < lmin ? val : lmin;
            lmax = val > lmax ? val : lmax;
        }
    }
    for (unsigned order = 2; order <= c->word_ngrams; order++)
        for (size_t i = order - 1; i < t->n; i++) {
            uint64_t h = start(c, K_NGRAM) ^ order;
            for (size_t k = i + 1 - order; k <= i; k++)
                h = (h ^ term[k]) * FNV_PRIME;
            push(out, h, lb, 1);
        }

    size_t words_end = out->n;
    if (c->char_max)
        for (size_t i = 0; i < t->n; i++)
            if (t->v[i].kind == TOK_WORD)
                char_ngrams(c, out, tok_norm(t, i), t->v[i].norm_len);
    size_t chars_end = out->n;

    count_feature(c, out, "caps", caps);
    count_feature(c, out, "elong", elongated);
    count_feature(c, out, "excl", excl);
    count_feature(c, out, "quest", quest);
    if (c->lexicon) {
        static const double sum_edges[] = {-4, -2, -0.5, 0.5, 2, 4};
        static const double min_edges[] = {-3, -2, -1, -0.01};
        static const double max_edges[] = {0.01, 1, 2, 3};
        count_feature(c, out, "lpos", lpos);
        count_feature(c, out, "lneg", lneg);
        count_feature(c, out, "lnegated", lnegated);
        bin_feature(c, out, "lsum", lsum, sum_edges, 6);
        bin_feature(c, out, "lmin", lmin, min_edges, 4);
        bin_feature(c, out, "lmax", lmax, max_edges, 4);
    }

    /* Each group (words and n-grams, character n-grams, counts) is scaled to
     * its own norm: a long message does not shout louder than a short one, and
     * the many character n-grams do not drown the words.  The weights (1, 0.4,
     * 0.5) were chosen by 5-fold cross-validation on the airline train set. */
    scale_group(out, 0, words_end, 1.0f);
    scale_group(out, words_end, chars_end, 0.4f);
    scale_group(out, chars_end, out->n, 0.5f);
}
