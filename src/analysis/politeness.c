/*
 * Politeness (politeness.h): a logistic model over the strategies of
 * Danescu-Niculescu-Mizil et al. (2013) and hashed word n-grams.
 *
 * The strategies are phrases from a word-list file: each phrase is one to
 * POL_MAX_WORDS words (a trailing '*' makes a word a prefix) and a place
 * (anywhere, opening a sentence, or anywhere else).  Phrases sit in an
 * open-addressed table keyed by their first word, exact or prefix, chained
 * through phrase.next; a token looks up its normal form and each of its
 * prefixes whose length some prefix word has (prefix_len_seen[]), so a
 * 100-word text costs a few hundred probes, not one per phrase per token.
 *
 * Features of a text:
 *   - strategy s: 1 when any of its phrases occurs (the paper's binary
 *     features), positive_lexicon/negative_lexicon when a word of the
 *     valence lexicon has |valence| >= 1 (sign flipped in a negation's
 *     scope);
 *   - every token's normal form (numbers, ids, URLs... as their kind) and
 *     every pair of neighbours in a sentence, with a sentence-start mark,
 *     hashed into 2^log2_buckets weights; each occurrence has the value
 *     1/sqrt(n), n the number of n-grams, so long texts do not dominate.
 * z = bias + sum(w_strategy) + sum(w_bucket)/sqrt(n); probability sigmoid(z).
 *
 * Model file (little-endian):
 *   0   8  magic "TRUCEPOL"      8  4  version      12  4  byte-order mark
 *   16  4  N_POLITENESS_STRATEGIES                  20  4  log2_buckets
 *   24  4  lists_len (a multiple of 8)              28  4  number of phrases
 *   32  8  file size            40 24  zero
 *   64     the lists, canonical "strategy where words\n" lines, NUL-padded
 *   then   float32 bias, w_strategy[N], zero-padded to 8 bytes
 *   then   float32 w_bucket[2^log2_buckets], zero-padded to 8 bytes
 *   end-8  checksum of every byte before it (model_file_checksum())
 * The loader checks everything before trusting it: magic, version, the size
 * from the header against the file's, the checksum, the lists (parsed as
 * the training file was), and that every weight is finite and bounded.
 */
#include "analysis/politeness.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/datafile.h"
#include "analysis/lexicon.h"
#include "analysis/model_int.h"
#include "text/tokenize.h"
#include "util/alloc.h"
#include "util/utf8.h"

#define POL_MAGIC "TRUCEPOL"
#define POL_VERSION 1u
#define POL_BYTE_ORDER 0x01020304u
#define POL_HEADER 64u
#define POL_MAX_WORDS 6
#define POL_MAX_WORD_LEN 63
#define POL_MAX_PHRASES 4096
#define POL_MAX_LISTS (256u * 1024u)
#define POL_MAX_WEIGHT 1000.0f
#define POL_LEXICON_MIN 1.0 /* |valence| for the lexicon strategies */

#define X(e, s) s,
static const char *const strategy_names[] = {POLITENESS_STRATEGIES(X)};
#undef X

const char *politeness_strategy_name(enum politeness_strategy s)
{
    return (unsigned)s < N_POLITENESS_STRATEGIES ? strategy_names[s] : "";
}

enum where { WHERE_ANY, WHERE_START, WHERE_INNER };
static const char *const where_names[] = {"any", "start", "inner"};

struct phrase {
    uint32_t word[POL_MAX_WORDS]; /* offsets into model.pool */
    uint8_t len[POL_MAX_WORDS];
    uint8_t prefix;               /* bit k: word k is a prefix */
    uint8_t n_words, strategy, where;
    int32_t next; /* the next phrase with the same first word, or -1 */
};

struct politeness_model {
    char *lists; /* canonical lines, lists_len bytes (NUL-padded) */
    size_t lists_len;
    char *pool; /* the phrases' words, not NUL-terminated */
    size_t pool_len;
    struct phrase *ph;
    size_t n_ph;
    int32_t *slot; /* first-word table: a chain's head phrase, or -1 */
    size_t slot_mask;
    bool prefix_len_seen[POL_MAX_WORD_LEN + 1];
    unsigned log2_buckets;
    float bias;
    float w_strat[N_POLITENESS_STRATEGIES];
    float *w_bucket; /* [1 << log2_buckets] */
};

/* ---- Hashing ---------------------------------------------------------- */

static uint64_t fnv(const char *s, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

#define FNV_BASIS 0xcbf29ce484222325ULL

static uint64_t key_hash(const char *w, size_t n, bool prefix)
{
    return mix(fnv(w, n, FNV_BASIS) ^ (prefix ? 0x9e3779b97f4a7c15ULL : 0));
}

/* ---- The phrase lists ------------------------------------------------- */

static bool word_eq(const struct politeness_model *m, const struct phrase *p, int k,
                    const char *w, size_t n)
{
    return p->len[k] == n && memcmp(m->pool + p->word[k], w, n) == 0;
}

/* Does normal form w[0..n) match word k of p? */
static bool word_matches(const struct politeness_model *m, const struct phrase *p, int k,
                         const char *w, size_t n)
{
    if (p->prefix >> k & 1)
        return n >= p->len[k] && memcmp(m->pool + p->word[k], w, p->len[k]) == 0;
    return word_eq(m, p, k, w, n);
}

/* The chain head for first word w[0..n) (exact or prefix), or -1. */
static int32_t table_find(const struct politeness_model *m, const char *w, size_t n, bool prefix)
{
    for (size_t i = key_hash(w, n, prefix) & m->slot_mask;; i = (i + 1) & m->slot_mask) {
        int32_t h = m->slot[i];
        if (h < 0)
            return -1;
        const struct phrase *p = &m->ph[h];
        if ((p->prefix & 1) == prefix && word_eq(m, p, 0, w, n))
            return h;
    }
}

/* Puts every phrase in the first-word table (the table is sized here). */
static void table_build(struct politeness_model *m)
{
    size_t cap = 16;
    while (cap < 2 * m->n_ph + 1)
        cap *= 2;
    free(m->slot);
    m->slot = xmalloc(cap * sizeof(*m->slot));
    m->slot_mask = cap - 1;
    for (size_t i = 0; i < cap; i++)
        m->slot[i] = -1;
    memset(m->prefix_len_seen, 0, sizeof m->prefix_len_seen);
    /* Backwards, so each chain lists its phrases in file order. */
    for (size_t j = m->n_ph; j-- > 0;) {
        struct phrase *p = &m->ph[j];
        bool prefix = p->prefix & 1;
        if (prefix)
            m->prefix_len_seen[p->len[0]] = true;
        const char *w = m->pool + p->word[0];
        size_t i = key_hash(w, p->len[0], prefix) & m->slot_mask;
        for (;; i = (i + 1) & m->slot_mask) {
            int32_t h = m->slot[i];
            if (h < 0 || ((m->ph[h].prefix & 1) == prefix && word_eq(m, &m->ph[h], 0, w, p->len[0])))
                break;
        }
        p->next = m->slot[i];
        m->slot[i] = (int32_t)j;
    }
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Parses one list line (comment already cut) into a phrase of m and
 * appends its canonical form to *canon.  NULL, or why not. */
static const char *parse_phrase(struct politeness_model *m, char *line, char **canon,
                                size_t *canon_len, size_t *canon_cap)
{
    char *field[2 + POL_MAX_WORDS];
    size_t n = 0;
    for (char *p = line; *p;) {
        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        if (n == 2 + POL_MAX_WORDS)
            return "too many words (a phrase has at most 6)";
        field[n++] = p;
        while (*p && !is_blank(*p))
            p++;
        if (*p)
            *p++ = '\0';
    }
    if (n < 3)
        return "expected 'STRATEGY WHERE WORD...'";
    int s = -1;
    for (int i = 0; i < N_POLITENESS_STRATEGIES; i++)
        if (strcmp(field[0], strategy_names[i]) == 0)
            s = i;
    if (s < 0)
        return "unknown strategy (see politeness.h for the names)";
    if (s == POL_POSITIVE || s == POL_NEGATIVE)
        return "the lexicon strategies take their words from the valence lexicon";
    int wh = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(field[1], where_names[i]) == 0)
            wh = i;
    if (wh < 0)
        return "where must be any, start or inner";
    if (m->n_ph == POL_MAX_PHRASES)
        return "too many phrases";

    struct phrase ph = {.n_words = (uint8_t)(n - 2), .strategy = (uint8_t)s, .where = (uint8_t)wh};
    for (size_t k = 0; k < n - 2; k++) {
        const char *w = field[2 + k];
        size_t len = strlen(w);
        if (len && w[len - 1] == '*') {
            ph.prefix |= (uint8_t)(1u << k);
            len--;
        }
        if (len == 0)
            return "a word is empty or only '*'";
        if (len > POL_MAX_WORD_LEN)
            return "a word is too long";
        for (size_t i = 0; i < len; i++) {
            if (w[i] >= 'A' && w[i] <= 'Z')
                return "words are matched in their normal form: write them in lower case";
            if (w[i] == '*')
                return "'*' may only end a word";
        }
        m->pool = xrealloc(m->pool, m->pool_len + len);
        memcpy(m->pool + m->pool_len, w, len);
        ph.word[k] = (uint32_t)m->pool_len;
        ph.len[k] = (uint8_t)len;
        m->pool_len += len;
    }
    m->ph = xrealloc(m->ph, (m->n_ph + 1) * sizeof(*m->ph));
    m->ph[m->n_ph++] = ph;

    /* The canonical line: fields joined by one space. */
    size_t need = 0;
    for (size_t i = 0; i < n; i++)
        need += strlen(field[i]) + 1;
    if (*canon_len + need > POL_MAX_LISTS)
        return "the lists are too long";
    if (*canon_len + need > *canon_cap) {
        *canon_cap = (*canon_len + need) * 2;
        *canon = xrealloc(*canon, *canon_cap);
    }
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(field[i]);
        memcpy(*canon + *canon_len, field[i], l);
        *canon_len += l;
        (*canon)[(*canon_len)++] = i + 1 < n ? ' ' : '\n';
    }
    return NULL;
}

/* Pads the canonical lists with NULs to a multiple of 8 and keeps them. */
static void keep_lists(struct politeness_model *m, char *canon, size_t len)
{
    size_t padded = (len + 7) / 8 * 8;
    canon = xrealloc(canon, padded ? padded : 8);
    memset(canon + len, 0, padded - len);
    m->lists = canon;
    m->lists_len = padded;
}

static struct politeness_model *model_alloc(unsigned log2_buckets)
{
    struct politeness_model *m = xcalloc(1, sizeof(*m));
    m->log2_buckets = log2_buckets;
    m->w_bucket = xcalloc((size_t)1 << log2_buckets, sizeof(float));
    return m;
}

void politeness_free(struct politeness_model *m)
{
    if (!m)
        return;
    free(m->lists);
    free(m->pool);
    free(m->ph);
    free(m->slot);
    free(m->w_bucket);
    free(m);
}

struct politeness_model *politeness_new(const char *lists_path, unsigned log2_buckets,
                                        char *err, size_t errlen)
{
    if (log2_buckets < POLITENESS_MIN_LOG2_BUCKETS || log2_buckets > POLITENESS_MAX_LOG2_BUCKETS) {
        snprintf(err, errlen, "bucket bits %u out of range %d..%d", log2_buckets,
                 POLITENESS_MIN_LOG2_BUCKETS, POLITENESS_MAX_LOG2_BUCKETS);
        return NULL;
    }
    /* datafile_open wants a directory and a name: "a/b.txt" -> "a", "b.txt";
     * "b.txt" -> ".", "b.txt"; "/b.txt" -> "", "b.txt" (it joins with '/'). */
    char dir[4096];
    const char *slash = strrchr(lists_path, '/');
    const char *name = slash ? slash + 1 : lists_path;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - lists_path), lists_path);
    else
        snprintf(dir, sizeof dir, ".");
    struct datafile df;
    if (!datafile_open(&df, dir, name, err, errlen))
        return NULL;
    struct politeness_model *m = model_alloc(log2_buckets);
    char *canon = NULL;
    size_t canon_len = 0, canon_cap = 0;
    char *line;
    while ((line = datafile_next(&df))) {
        const char *why = parse_phrase(m, line, &canon, &canon_len, &canon_cap);
        if (why) {
            datafile_fail(&df, "%s", why);
            break;
        }
    }
    bool failed = df.failed;
    if (!failed && m->n_ph == 0)
        failed = !datafile_fail(&df, "no phrases");
    datafile_close(&df);
    if (failed) {
        free(canon);
        politeness_free(m);
        return NULL;
    }
    keep_lists(m, canon, canon_len);
    table_build(m);
    return m;
}

/* ---- Features ------------------------------------------------------------ */

/* Tokens that open a sentence's content (punctuation and emoji skipped). */
static bool is_content(const struct token *k)
{
    return k->kind != TOK_PUNCT && k->kind != TOK_EMOJI && k->kind != TOK_EMOTICON;
}

/* Does phrase p occur at token i (start tells whether i opens a sentence)? */
static bool phrase_at(const struct politeness_model *m, const struct phrase *p,
                      const struct tokens *t, size_t i, bool start)
{
    if ((p->where == WHERE_START && !start) || (p->where == WHERE_INNER && start))
        return false;
    if (i + p->n_words > t->n)
        return false;
    for (int k = 1; k < p->n_words; k++) {
        const struct token *tk = &t->v[i + (size_t)k];
        if (tk->kind != TOK_WORD || tk->sentence != t->v[i].sentence ||
            !word_matches(m, p, k, tok_norm(t, i + (size_t)k), tk->norm_len))
            return false;
    }
    return true;
}

static void count_chain(const struct politeness_model *m, int32_t h, const struct tokens *t,
                        size_t i, bool start, int *present)
{
    for (; h >= 0; h = m->ph[h].next)
        if (phrase_at(m, &m->ph[h], t, i, start))
            present[m->ph[h].strategy]++;
}

/* How often each strategy occurs in t. */
static void strategies(const struct politeness_model *m, const struct tokens *t,
                       const struct lexicon *lx, int *present)
{
    memset(present, 0, N_POLITENESS_STRATEGIES * sizeof(*present));
    long sentence = -1;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        bool start = false;
        if (is_content(k) && (long)k->sentence != sentence) {
            sentence = k->sentence;
            start = true;
        }
        const char *w = tok_norm(t, i);
        size_t n = k->norm_len;
        double v;
        if (lx && k->kind != TOK_PUNCT && lexicon_get(lx, w, n, &v)) {
            if (k->flags & TOK_NEGATED)
                v = -v;
            if (v >= POL_LEXICON_MIN)
                present[POL_POSITIVE]++;
            else if (v <= -POL_LEXICON_MIN)
                present[POL_NEGATIVE]++;
        }
        if (k->kind != TOK_WORD)
            continue;
        count_chain(m, table_find(m, w, n, false), t, i, start, present);
        for (size_t l = 1; l <= n && l <= POL_MAX_WORD_LEN; l++)
            if (m->prefix_len_seen[l])
                count_chain(m, table_find(m, w, l, true), t, i, start, present);
    }
}

/* The hash of token i as a unigram: its normal form, or its kind for
 * tokens whose exact spelling says nothing about tone (numbers, ids...). */
static uint64_t token_hash(const struct tokens *t, size_t i)
{
    static const char *const kind_names[] = {"", "<num>", "<id>", "<url>", "<email>", "<handle>"};
    const struct token *k = &t->v[i];
    if (k->kind >= TOK_NUMBER && k->kind <= TOK_HANDLE) {
        const char *s = kind_names[k->kind];
        return fnv(s, strlen(s), FNV_BASIS);
    }
    return fnv(tok_norm(t, i), k->norm_len, FNV_BASIS);
}

/* Calls f(ctx, bucket) for each unigram and bigram of t; returns how many. */
static size_t ngrams(const struct politeness_model *m, const struct tokens *t,
                     void (*f)(void *, uint32_t), void *ctx)
{
    unsigned shift = 64 - m->log2_buckets;
    size_t n = 0;
    uint64_t prev = 0x5eed5eedULL; /* the sentence-start mark */
    long sentence = -1;
    for (size_t i = 0; i < t->n; i++) {
        uint64_t h = token_hash(t, i);
        if ((long)t->v[i].sentence != sentence) {
            sentence = t->v[i].sentence;
            prev = 0x5eed5eedULL;
        }
        f(ctx, (uint32_t)(mix(h) >> shift));
        f(ctx, (uint32_t)(mix(prev * 0x9e3779b97f4a7c15ULL ^ h ^ 0xb16) >> shift));
        prev = h;
        n += 2;
    }
    return n;
}

struct sum_ctx {
    const float *w;
    double sum;
};

static void add_weight(void *ctx, uint32_t b)
{
    struct sum_ctx *c = ctx;
    c->sum += c->w[b];
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

void politeness_predict(const struct politeness_model *m, const struct tokens *t,
                        const char *text, size_t len, const struct lexicon *lx,
                        struct politeness_result *out)
{
    (void)text, (void)len; /* the tokens' normal forms are all it reads */
    strategies(m, t, lx, out->present);
    double z = m->bias;
    for (int s = 0; s < N_POLITENESS_STRATEGIES; s++) {
        out->weight[s] = m->w_strat[s];
        if (out->present[s])
            z += m->w_strat[s];
    }
    struct sum_ctx c = {m->w_bucket, 0};
    size_t n = ngrams(m, t, add_weight, &c);
    if (n)
        z += c.sum / sqrt((double)n);
    out->probability = sigmoid(z);
}

/* ---- Training ------------------------------------------------------------ */

struct example {
    uint32_t strat; /* bit s: strategy s present */
    uint32_t first, n; /* buckets[first .. first + n) */
    bool polite;
};

struct politeness_set {
    struct example *ex;
    size_t n, cap;
    uint32_t *buckets;
    size_t n_buckets, cap_buckets;
};

struct politeness_set *politeness_set_new(void)
{
    return xcalloc(1, sizeof(struct politeness_set));
}

void politeness_set_free(struct politeness_set *s)
{
    if (!s)
        return;
    free(s->ex);
    free(s->buckets);
    free(s);
}

static void push_bucket(void *ctx, uint32_t b)
{
    struct politeness_set *s = ctx;
    if (s->n_buckets == s->cap_buckets) {
        s->cap_buckets = s->cap_buckets ? 2 * s->cap_buckets : 4096;
        s->buckets = xrealloc(s->buckets, s->cap_buckets * sizeof(*s->buckets));
    }
    s->buckets[s->n_buckets++] = b;
}

void politeness_set_add(struct politeness_set *s, const struct politeness_model *m,
                        const struct tokens *t, const struct lexicon *lx, bool polite)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->ex = xrealloc(s->ex, s->cap * sizeof(*s->ex));
    }
    int present[N_POLITENESS_STRATEGIES];
    strategies(m, t, lx, present);
    struct example e = {.first = (uint32_t)s->n_buckets, .polite = polite};
    for (int i = 0; i < N_POLITENESS_STRATEGIES; i++)
        if (present[i])
            e.strat |= 1u << i;
    e.n = (uint32_t)ngrams(m, t, push_bucket, s);
    s->ex[s->n++] = e;
}

size_t politeness_set_size(const struct politeness_set *s)
{
    return s->n;
}

bool politeness_set_label(const struct politeness_set *s, size_t i)
{
    return s->ex[i].polite;
}

static double example_z(const struct politeness_model *m, const struct politeness_set *s,
                        const struct example *e)
{
    double z = m->bias;
    for (int i = 0; i < N_POLITENESS_STRATEGIES; i++)
        if (e->strat >> i & 1)
            z += m->w_strat[i];
    if (e->n) {
        double sum = 0;
        for (uint32_t j = 0; j < e->n; j++)
            sum += m->w_bucket[s->buckets[e->first + j]];
        z += sum / sqrt((double)e->n);
    }
    return z;
}

double politeness_set_predict(const struct politeness_model *m, const struct politeness_set *s,
                              size_t i)
{
    return sigmoid(example_z(m, s, &s->ex[i]));
}

void politeness_train_defaults(struct politeness_train_opts *o)
{
    *o = (struct politeness_train_opts){
        .epochs = 15, .seed = 1, .lr = 0.1, .l2 = 1e-4, .l2_words = 1e-3};
}

static uint64_t xorshift(uint64_t *st)
{
    uint64_t x = *st;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *st = x;
}

/* One AdaGrad step on weight *w with gradient g and squared sum *G. */
static void step(float *w, double *G, double g, double lr)
{
    *G += g * g;
    double nw = *w - lr * g / sqrt(*G + 1e-8);
    /* The loader refuses weights past the bound; training never nears it. */
    if (nw > POL_MAX_WEIGHT)
        nw = POL_MAX_WEIGHT;
    if (nw < -POL_MAX_WEIGHT)
        nw = -POL_MAX_WEIGHT;
    *w = (float)nw;
}

void politeness_train(struct politeness_model *m, const struct politeness_set *s,
                      const size_t *rows, size_t n_rows, const struct politeness_train_opts *o)
{
    size_t nb = (size_t)1 << m->log2_buckets;
    if (!rows)
        n_rows = s->n;
    size_t *order = xmalloc((n_rows ? n_rows : 1) * sizeof(*order));
    for (size_t i = 0; i < n_rows; i++)
        order[i] = rows ? rows[i] : i;
    double *G = xcalloc(1 + N_POLITENESS_STRATEGIES + nb, sizeof(*G));
    double *Gs = G + 1, *Gb = G + 1 + N_POLITENESS_STRATEGIES;
    m->bias = 0;
    memset(m->w_strat, 0, sizeof m->w_strat);
    memset(m->w_bucket, 0, nb * sizeof(float));
    uint64_t rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)o->seed * 0x100000001b3ULL);
    if (!rng)
        rng = 1;
    for (unsigned ep = 0; ep < o->epochs; ep++) {
        for (size_t i = n_rows; i > 1; i--) {
            size_t j = (size_t)(xorshift(&rng) % i);
            size_t tmp = order[i - 1];
            order[i - 1] = order[j];
            order[j] = tmp;
        }
        for (size_t r = 0; r < n_rows; r++) {
            const struct example *e = &s->ex[order[r]];
            double g = sigmoid(example_z(m, s, e)) - (e->polite ? 1.0 : 0.0);
            step(&m->bias, &G[0], g, o->lr);
            for (int k = 0; k < N_POLITENESS_STRATEGIES; k++)
                if (e->strat >> k & 1)
                    step(&m->w_strat[k], &Gs[k], g + o->l2 * m->w_strat[k], o->lr);
            if (e->n) {
                double v = 1.0 / sqrt((double)e->n);
                for (uint32_t j = 0; j < e->n; j++) {
                    uint32_t b = s->buckets[e->first + j];
                    step(&m->w_bucket[b], &Gb[b], g * v + o->l2_words * m->w_bucket[b], o->lr);
                }
            }
        }
    }
    free(G);
    free(order);
}

/* ---- The file ------------------------------------------------------------ */

static size_t floats_bytes(size_t n)
{
    return (n * sizeof(float) + 7) / 8 * 8;
}

static size_t file_size(size_t lists_len, unsigned log2_buckets)
{
    return POL_HEADER + lists_len + floats_bytes(1 + N_POLITENESS_STRATEGIES) +
           floats_bytes((size_t)1 << log2_buckets) + 8;
}

enum terr politeness_save(const struct politeness_model *m, const char *path, char *err,
                          size_t errlen)
{
    size_t nb = (size_t)1 << m->log2_buckets;
    size_t size = file_size(m->lists_len, m->log2_buckets);
    unsigned char *p = xcalloc(1, size);
    memcpy(p, POL_MAGIC, 8);
    put32(p + 8, POL_VERSION);
    put32(p + 12, POL_BYTE_ORDER);
    put32(p + 16, N_POLITENESS_STRATEGIES);
    put32(p + 20, m->log2_buckets);
    put32(p + 24, (uint32_t)m->lists_len);
    put32(p + 28, (uint32_t)m->n_ph);
    uint64_t size64 = size;
    memcpy(p + 32, &size64, 8);
    size_t at = POL_HEADER;
    memcpy(p + at, m->lists, m->lists_len);
    at += m->lists_len;
    memcpy(p + at, &m->bias, sizeof(float));
    memcpy(p + at + sizeof(float), m->w_strat, sizeof m->w_strat);
    at += floats_bytes(1 + N_POLITENESS_STRATEGIES);
    memcpy(p + at, m->w_bucket, nb * sizeof(float));
    at += floats_bytes(nb);
    uint64_t sum = model_file_checksum(p, at);
    memcpy(p + at, &sum, 8);

    /* Written beside the target and renamed, so a reader never sees half a file. */
    size_t tlen = strlen(path) + 32;
    char *tmp = xmalloc(tlen);
    snprintf(tmp, tlen, "%s.tmp%ld", path, (long)getpid());
    enum terr e = TERR_OK;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        e = TERR_IO;
    } else {
        int bad = fwrite(p, 1, size, f) != size;
        bad |= fclose(f) != 0;
        if (bad || rename(tmp, path) != 0) {
            snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            unlink(tmp);
            e = TERR_IO;
        }
    }
    free(tmp);
    free(p);
    return e;
}

static bool floats_ok(const float *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(f[i] >= -POL_MAX_WEIGHT && f[i] <= POL_MAX_WEIGHT)) /* NaN fails too */
            return false;
    return true;
}

/* Fills m from the file's bytes p[0..n), or says why not. */
static const char *parse_file(const unsigned char *p, size_t n, struct politeness_model **out,
                              char *detail, size_t dlen)
{
    if (n < 8 || memcmp(p, POL_MAGIC, 8) != 0)
        return "not a truce politeness model";
    if (n < POL_HEADER)
        return "truncated politeness model";
    if (get32(p + 12) != POL_BYTE_ORDER)
        return "politeness model of another byte order";
    if (get32(p + 8) != POL_VERSION)
        return "politeness model of another format version";
    if (get32(p + 16) != N_POLITENESS_STRATEGIES)
        return "politeness model with another set of strategies";
    unsigned log2 = get32(p + 20);
    size_t lists_len = get32(p + 24), n_ph = get32(p + 28);
    uint64_t size;
    memcpy(&size, p + 32, 8);
    if (log2 < POLITENESS_MIN_LOG2_BUCKETS || log2 > POLITENESS_MAX_LOG2_BUCKETS ||
        lists_len % 8 || lists_len == 0 || lists_len > POL_MAX_LISTS ||
        size != file_size(lists_len, log2))
        return "politeness model with an impossible header";
    if (n < size)
        return "truncated politeness model";
    if (n > size)
        return "politeness model with trailing bytes";
    uint64_t sum;
    memcpy(&sum, p + n - 8, 8);
    if (model_file_checksum(p, n - 8) != sum)
        return "corrupt politeness model (checksum mismatch)";

    size_t nb = (size_t)1 << log2;
    struct politeness_model *m = model_alloc(log2);
    const unsigned char *f = p + POL_HEADER + lists_len;
    memcpy(&m->bias, f, sizeof(float));
    memcpy(m->w_strat, f + sizeof(float), sizeof m->w_strat);
    memcpy(m->w_bucket, f + floats_bytes(1 + N_POLITENESS_STRATEGIES), nb * sizeof(float));
    if (!floats_ok(&m->bias, 1) || !floats_ok(m->w_strat, N_POLITENESS_STRATEGIES) ||
        !floats_ok(m->w_bucket, nb)) {
        politeness_free(m);
        return "politeness model with weights out of range";
    }

    /* The lists: lines as the training file's, NUL padding after the last. */
    const char *lists = (const char *)p + POL_HEADER;
    size_t text_len = strnlen(lists, lists_len);
    for (size_t i = text_len; i < lists_len; i++)
        if (lists[i]) {
            politeness_free(m);
            return "politeness model with broken word lists";
        }
    char *copy = xstrndup(lists, text_len);
    char *canon = NULL;
    size_t canon_len = 0, canon_cap = 0;
    const char *why = utf8_valid(copy, text_len) ? NULL : "invalid UTF-8";
    unsigned line = 0;
    for (char *s = copy; !why && *s; line++) {
        char *nl = strchr(s, '\n');
        if (!nl) {
            why = "unterminated line";
            break;
        }
        *nl = '\0';
        why = parse_phrase(m, s, &canon, &canon_len, &canon_cap);
        s = nl + 1;
    }
    free(copy);
    if (!why && m->n_ph != n_ph)
        why = "phrase count differs from the header";
    if (why) {
        snprintf(detail, dlen, "politeness model with broken word lists (line %u: %s)", line,
                 why);
        free(canon);
        politeness_free(m);
        return detail;
    }
    keep_lists(m, canon, canon_len);
    table_build(m);
    *out = m;
    return NULL;
}

struct politeness_model *politeness_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st = {0};
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
        (uint64_t)st.st_size > file_size(POL_MAX_LISTS, POLITENESS_MAX_LOG2_BUCKETS)) {
        snprintf(err, errlen, "'%s': not a truce politeness model (%s)", path,
                 !S_ISREG(st.st_mode) ? "not a regular file" : st.st_size ? "too large" : "empty");
        fclose(f);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    unsigned char *p = xmalloc(n);
    size_t got = fread(p, 1, n, f);
    fclose(f);
    if (got != n) {
        snprintf(err, errlen, "cannot read '%s'", path);
        free(p);
        return NULL;
    }
    struct politeness_model *m = NULL;
    char detail[200];
    const char *why = parse_file(p, n, &m, detail, sizeof detail);
    free(p);
    if (why) {
        snprintf(err, errlen, "'%s': %s", path, why);
        return NULL;
    }
    return m;
}
