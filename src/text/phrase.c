/*
 * The phrase matcher.
 *
 * Each distinct phrase word (its stem, or its normal form in a set without
 * stemmer) gets a symbol id from the vocabulary, an open-addressing hash
 * table over a string pool; symbol 0 is the wildcard "*".  The phrases form
 * a trie over symbols whose edges live in a second hash table keyed by
 * (parent node, symbol); node 0 is the root.  Every trie node knows its
 * depth, and the terminal nodes list the values of the phrases that end
 * there (values[first_value .. first_value + n_values)).
 *
 * Classic Aho-Corasick keeps one state and follows failure links; a
 * wildcard edge would make that state a set, so matching keeps the set
 * outright: the trie nodes reached by the partial matches that end at the
 * current token (a fixed array of MAX_ACTIVE; each start position adds at
 * most one node per wildcard branch, so in practice it holds a handful).
 * Per token that is one vocabulary probe plus two edge probes per active
 * node, whatever the number of phrases, and no allocation.
 */
#include "phrase.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stem.h"
#include "tokenize.h"
#include "util/alloc.h"

#define MAX_ACTIVE 256
#define SYM_WILD 0u
#define SYM_NONE UINT32_MAX
#define EMPTY UINT32_MAX

struct vslot {
    uint32_t off, len, hash, id; /* id == EMPTY: free slot */
};

struct edge {
    uint32_t parent, sym, child; /* parent == EMPTY: free slot */
};

struct node {
    uint32_t first_value, n_values;
    uint8_t depth;
};

struct phrase_end {
    uint32_t node, value;
};

struct phrase_set {
    struct stemmer *stemmer; /* borrowed; used by phrase_set_add only */
    bool built;
    struct tokens scratch;   /* for tokenizing phrases */

    char *pool;
    size_t pool_len, pool_cap;
    struct vslot *vocab;
    size_t n_vocab, vocab_cap; /* vocab_cap: a power of two */

    struct edge *edges;
    size_t n_edges, edge_cap; /* a power of two */
    struct node *nodes;
    size_t n_nodes, node_cap;

    struct phrase_end *ends; /* one per phrase, in the order added */
    size_t n_ends, ends_cap;
    uint32_t *values;        /* after build: the values grouped by node */
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h ^ (h >> 16);
}

static inline uint32_t hash_edge(uint32_t parent, uint32_t sym)
{
    uint32_t h = parent * 0x9E3779B1u ^ (sym + 0x7F4A7C15u) * 0x85EBCA77u;
    return h ^ (h >> 15);
}

struct phrase_set *phrase_set_new(struct stemmer *s)
{
    struct phrase_set *ps = xcalloc(1, sizeof(*ps));
    ps->stemmer = s;
    tokens_init(&ps->scratch);
    ps->vocab_cap = 64;
    ps->vocab = xmalloc(ps->vocab_cap * sizeof(*ps->vocab));
    for (size_t i = 0; i < ps->vocab_cap; i++)
        ps->vocab[i].id = EMPTY;
    ps->edge_cap = 64;
    ps->edges = xmalloc(ps->edge_cap * sizeof(*ps->edges));
    for (size_t i = 0; i < ps->edge_cap; i++)
        ps->edges[i].parent = EMPTY;
    ps->node_cap = 64;
    ps->nodes = xcalloc(ps->node_cap, sizeof(*ps->nodes));
    ps->n_nodes = 1; /* the root */
    return ps;
}

void phrase_set_free(struct phrase_set *ps)
{
    if (!ps)
        return;
    tokens_release(&ps->scratch);
    free(ps->pool);
    free(ps->vocab);
    free(ps->edges);
    free(ps->nodes);
    free(ps->ends);
    free(ps->values);
    free(ps);
}

size_t phrase_set_size(const struct phrase_set *ps)
{
    return ps->n_ends;
}

/* The symbol of key s[0..n), or SYM_NONE when no phrase has it. */
static uint32_t vocab_find(const struct phrase_set *ps, const char *s, size_t n, uint32_t h)
{
    size_t mask = ps->vocab_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const struct vslot *v = &ps->vocab[i];
        if (v->id == EMPTY)
            return SYM_NONE;
        if (v->hash == h && v->len == n && memcmp(ps->pool + v->off, s, n) == 0)
            return v->id;
    }
}

static void vocab_put(struct vslot *tab, size_t cap, struct vslot v)
{
    size_t mask = cap - 1, i = v.hash & mask;
    while (tab[i].id != EMPTY)
        i = (i + 1) & mask;
    tab[i] = v;
}

/* The symbol of key s[0..n), added to the vocabulary when new. */
static uint32_t vocab_intern(struct phrase_set *ps, const char *s, size_t n)
{
    uint32_t h = hash_bytes(s, n);
    uint32_t id = vocab_find(ps, s, n, h);
    if (id != SYM_NONE)
        return id;
    if (2 * (ps->n_vocab + 1) > ps->vocab_cap) {
        size_t cap = ps->vocab_cap * 2;
        struct vslot *tab = xmalloc(cap * sizeof(*tab));
        for (size_t i = 0; i < cap; i++)
            tab[i].id = EMPTY;
        for (size_t i = 0; i < ps->vocab_cap; i++) {
            if (ps->vocab[i].id != EMPTY)
                vocab_put(tab, cap, ps->vocab[i]);
        }
        free(ps->vocab);
        ps->vocab = tab;
        ps->vocab_cap = cap;
    }
    if (ps->pool_cap - ps->pool_len < n + 1) {
        size_t cap = ps->pool_cap ? ps->pool_cap : 1024;
        while (cap - ps->pool_len < n + 1)
            cap *= 2;
        ps->pool = xrealloc(ps->pool, cap);
        ps->pool_cap = cap;
    }
    memcpy(ps->pool + ps->pool_len, s, n);
    ps->pool[ps->pool_len + n] = '\0';
    struct vslot v = {(uint32_t)ps->pool_len, (uint32_t)n, h, (uint32_t)ps->n_vocab + 1};
    ps->pool_len += n + 1;
    ps->n_vocab++;
    vocab_put(ps->vocab, ps->vocab_cap, v);
    return v.id;
}

/* The child of parent by sym, or EMPTY. */
static inline uint32_t edge_find(const struct phrase_set *ps, uint32_t parent, uint32_t sym)
{
    size_t mask = ps->edge_cap - 1;
    for (size_t i = hash_edge(parent, sym) & mask;; i = (i + 1) & mask) {
        const struct edge *e = &ps->edges[i];
        if (e->parent == EMPTY)
            return EMPTY;
        if (e->parent == parent && e->sym == sym)
            return e->child;
    }
}

static void edge_put(struct edge *tab, size_t cap, struct edge e)
{
    size_t mask = cap - 1, i = hash_edge(e.parent, e.sym) & mask;
    while (tab[i].parent != EMPTY)
        i = (i + 1) & mask;
    tab[i] = e;
}

/* The child of parent by sym, created when missing. */
static uint32_t trie_child(struct phrase_set *ps, uint32_t parent, uint32_t sym)
{
    uint32_t c = edge_find(ps, parent, sym);
    if (c != EMPTY)
        return c;
    if (2 * (ps->n_edges + 1) > ps->edge_cap) {
        size_t cap = ps->edge_cap * 2;
        struct edge *tab = xmalloc(cap * sizeof(*tab));
        for (size_t i = 0; i < cap; i++)
            tab[i].parent = EMPTY;
        for (size_t i = 0; i < ps->edge_cap; i++) {
            if (ps->edges[i].parent != EMPTY)
                edge_put(tab, cap, ps->edges[i]);
        }
        free(ps->edges);
        ps->edges = tab;
        ps->edge_cap = cap;
    }
    if (ps->n_nodes == ps->node_cap) {
        ps->node_cap *= 2;
        ps->nodes = xrealloc(ps->nodes, ps->node_cap * sizeof(*ps->nodes));
    }
    c = (uint32_t)ps->n_nodes++;
    ps->nodes[c] = (struct node){0, 0, (uint8_t)(ps->nodes[parent].depth + 1)};
    edge_put(ps->edges, ps->edge_cap, (struct edge){parent, sym, c});
    ps->n_edges++;
    return c;
}

static bool is_wildcard(const struct tokens *t, size_t i)
{
    return t->v[i].kind == TOK_PUNCT && t->v[i].norm_len == 1 && tok_norm(t, i)[0] == '*';
}

enum terr phrase_set_add(struct phrase_set *ps, const char *phrase, uint32_t value)
{
    if (ps->built)
        return TERR_INVALID;
    struct tokens *t = &ps->scratch;
    enum terr e = tokenize(phrase, strlen(phrase), t);
    if (e == TERR_TOO_LARGE)
        return TERR_INVALID;
    if (e)
        return e;
    if (t->n == 0 || t->n > PHRASE_MAX_TOKENS)
        return TERR_INVALID;
    size_t words = 0;
    for (size_t i = 0; i < t->n; i++)
        words += !is_wildcard(t, i);
    if (words == 0)
        return TERR_INVALID; /* "*" alone would match every token */
    if (ps->stemmer)
        tokens_stem(t, ps->stemmer);

    uint32_t node = 0;
    for (size_t i = 0; i < t->n; i++) {
        uint32_t sym = is_wildcard(t, i)
                           ? SYM_WILD
                           : vocab_intern(ps, tok_stem(t, i), t->v[i].stem_len);
        node = trie_child(ps, node, sym);
    }
    if (ps->n_ends == ps->ends_cap) {
        ps->ends_cap = ps->ends_cap ? ps->ends_cap * 2 : 64;
        ps->ends = xrealloc(ps->ends, ps->ends_cap * sizeof(*ps->ends));
    }
    ps->ends[ps->n_ends++] = (struct phrase_end){node, value};
    return TERR_OK;
}

void phrase_set_build(struct phrase_set *ps)
{
    if (ps->built)
        return;
    /* Counting sort of the phrase ends by node. */
    for (size_t i = 0; i < ps->n_ends; i++)
        ps->nodes[ps->ends[i].node].n_values++;
    uint32_t at = 0;
    for (size_t n = 0; n < ps->n_nodes; n++) {
        ps->nodes[n].first_value = at;
        at += ps->nodes[n].n_values;
        ps->nodes[n].n_values = 0;
    }
    ps->values = xmalloc((ps->n_ends ? ps->n_ends : 1) * sizeof(*ps->values));
    for (size_t i = 0; i < ps->n_ends; i++) {
        struct node *nd = &ps->nodes[ps->ends[i].node];
        ps->values[nd->first_value + nd->n_values++] = ps->ends[i].value;
    }
    tokens_release(&ps->scratch);
    ps->built = true;
}

size_t phrase_set_each(const struct phrase_set *ps, const struct tokens *t,
                       void (*fn)(const struct phrase_hit *hit, void *ctx), void *ctx)
{
    if (!ps->built || ps->n_ends == 0)
        return 0;
    uint32_t a[2][MAX_ACTIVE];
    size_t n_act = 0, found = 0;
    int cur = 0;
    for (size_t i = 0; i < t->n; i++) {
        const char *key = ps->stemmer ? tok_stem(t, i) : tok_norm(t, i);
        size_t klen = ps->stemmer ? t->v[i].stem_len : t->v[i].norm_len;
        uint32_t sym = vocab_find(ps, key, klen, hash_bytes(key, klen));
        const uint32_t *act = a[cur];
        uint32_t *next = a[cur ^ 1];
        size_t n_next = 0;
        /* from the root (a match starting here), then from each partial match */
        for (size_t k = 0; k <= n_act; k++) {
            uint32_t from = k == n_act ? 0 : act[k];
            for (int w = 0; w < 2; w++) {
                uint32_t s = w ? SYM_WILD : sym;
                if (s == SYM_NONE)
                    continue;
                uint32_t c = edge_find(ps, from, s);
                if (c == EMPTY || n_next == MAX_ACTIVE)
                    continue;
                next[n_next++] = c;
                const struct node *nd = &ps->nodes[c];
                for (uint32_t v = 0; v < nd->n_values; v++, found++) {
                    struct phrase_hit h = {(uint32_t)(i + 1 - nd->depth), (uint32_t)i,
                                           ps->values[nd->first_value + v]};
                    fn(&h, ctx);
                }
            }
        }
        n_act = n_next;
        cur ^= 1;
    }
    return found;
}

struct match_into {
    struct phrase_hit *hits;
    size_t n, max;
};

static void store_hit(const struct phrase_hit *h, void *ctx)
{
    struct match_into *m = ctx;
    if (m->n < m->max)
        m->hits[m->n] = *h;
    m->n++;
}

size_t phrase_set_match(const struct phrase_set *ps, const struct tokens *t,
                        struct phrase_hit *hits, size_t max_hits)
{
    struct match_into m = {hits, 0, max_hits};
    phrase_set_each(ps, t, store_hit, &m);
    return m.n;
}
