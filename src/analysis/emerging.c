/*
 * Emerging problems (emerging.h).  Two open-addressing tables of counts, one
 * for phrases and one for categories, keyed by the item's text; each entry
 * remembers the last message that counted it, so a phrase counts once per
 * message, and its first current-period example tickets.
 */
#include "analysis/emerging.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/stem.h"
#include "text/tokenize.h"
#include "util/alloc.h"

struct entry {
    char *key;           /* NULL: an empty slot */
    char *sample;        /* the phrase as a customer wrote it, lower-cased; NULL until seen */
    bool sample_current; /* the sample is from the current period */
    uint64_t hash;
    int64_t cur, base;
    int64_t last_msg;
    int64_t ex[EMERGING_MAX_EXAMPLES];
    size_t n_ex;
};

struct table {
    struct entry *v;
    size_t cap, n; /* cap a power of two; n < cap / 2 */
};

struct emerging {
    struct stemmer *stemmer;
    struct tokens toks;
    struct table phrases, categories;
    int64_t threads_cur, threads_base; /* ticket-periods with customer messages */
    int64_t tickets_cur, tickets_base;
    int64_t seq;         /* numbers the counting units: a ticket-period, a ticket */
    int64_t unit;        /* the ticket-period being read, numbered by seq */
    int64_t unit_ticket; /* its ticket, */
    bool unit_current;   /* its period, */
    bool unit_open;      /* and whether there is one yet */
    bool truncated;
};

/* Words too common to say anything about a problem. */
static const char *const stop_words[] = {
    "a",    "about", "after", "again", "all",    "also",   "am",    "an",   "and",   "any",
    "are",  "as",    "at",    "be",    "been",   "before", "but",   "by",   "can",   "could",
    "did",  "do",    "does",  "for",   "from",   "get",    "got",   "had",  "has",   "have",
    "he",   "her",   "hi",    "hello", "him",    "his",    "how",   "i",    "i'm",   "i've",
    "if",   "in",    "into",  "is",    "it",     "it's",   "its",   "just", "me",    "my",
    "of",   "on",    "or",    "our",   "please", "she",    "so",    "than", "thank", "thanks",
    "that", "the",   "their", "them",  "then",   "there",  "these", "they", "this",  "to",
    "too",  "up",    "us",    "very",  "was",    "we",     "were",  "what", "when",  "which",
    "will", "with",  "would", "you",   "your",   "yours",  "i'd",   "i'll", "am",    "dear",
};

/* Words that shape a phrase ("still not work", "no refund") but name no
 * problem alone: a phrase made only of them is not counted. */
static const char *const weak_words[] = {
    "not",   "no",  "never", "don't", "can't", "won't", "didn't", "doesn't", "isn't",
    "still", "yet", "even",  "now",   "only",  "back",  "out",    "off",     "one",
};

static bool in_list(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], w) == 0)
            return true;
    return false;
}

static bool is_stop(const char *w)
{
    return in_list(stop_words, sizeof stop_words / sizeof stop_words[0], w);
}

static bool is_weak(const char *w)
{
    return in_list(weak_words, sizeof weak_words / sizeof weak_words[0], w);
}

static uint64_t hash_of(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static void table_release(struct table *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        free(t->v[i].key);
        free(t->v[i].sample);
    }
    free(t->v);
}

static struct entry *slot_of(struct table *t, const char *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (t->cap - 1);
    while (t->v[i].key &&
           !(t->v[i].hash == h && strncmp(t->v[i].key, key, len) == 0 && !t->v[i].key[len]))
        i = (i + 1) & (t->cap - 1);
    return &t->v[i];
}

static void grow(struct table *t)
{
    struct table old = *t;
    t->cap = old.cap ? old.cap * 2 : 1024;
    t->v = xcalloc(t->cap, sizeof(*t->v));
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.v[i].key)
            continue;
        struct entry *s = slot_of(t, old.v[i].key, strlen(old.v[i].key), old.v[i].hash);
        *s = old.v[i];
    }
    free(old.v);
}

/* The entry of key[0..len), added when new; NULL when the table is full. */
static struct entry *lookup(struct table *t, const char *key, size_t len, size_t max)
{
    if (t->n + 1 > t->cap / 2) {
        if (t->n >= max)
            goto probe_only;
        grow(t);
    }
    uint64_t h = hash_of(key, len);
    struct entry *s = slot_of(t, key, len, h);
    if (!s->key) {
        if (t->n >= max)
            return NULL;
        s->key = xmalloc(len + 1);
        memcpy(s->key, key, len);
        s->key[len] = '\0';
        s->hash = h;
        s->last_msg = -1;
        t->n++;
    }
    return s;
probe_only:;
    uint64_t h2 = hash_of(key, len);
    struct entry *s2 = slot_of(t, key, len, h2);
    return s2->key ? s2 : NULL;
}

static void count(struct entry *s, int64_t msg, int64_t ticket_id, bool current)
{
    if (s->last_msg == msg)
        return;
    s->last_msg = msg;
    if (!current) {
        s->base++;
        return;
    }
    s->cur++;
    for (size_t i = 0; i < s->n_ex; i++)
        if (s->ex[i] == ticket_id)
            return;
    if (s->n_ex < EMERGING_MAX_EXAMPLES)
        s->ex[s->n_ex++] = ticket_id;
}

/* Keeps text[0..len) as s's sample: what a reader recognises ("double
 * charged"), where the key is stems ("doubl charg").  Whitespace becomes one
 * space and ASCII letters lower case. */
static void keep_sample(struct entry *s, const char *text, size_t len, bool current)
{
    free(s->sample);
    s->sample = xmalloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (n && s->sample[n - 1] != ' ')
                s->sample[n++] = ' ';
            continue;
        }
        s->sample[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    s->sample[n] = '\0';
    s->sample_current = current;
}

struct emerging *emerging_new(void)
{
    struct emerging *e = xcalloc(1, sizeof(*e));
    e->stemmer = stemmer_new("english");
    tokens_init(&e->toks);
    return e;
}

void emerging_free(struct emerging *e)
{
    if (!e)
        return;
    stemmer_free(e->stemmer);
    tokens_release(&e->toks);
    table_release(&e->phrases);
    table_release(&e->categories);
    free(e);
}

bool emerging_truncated(const struct emerging *e)
{
    return e->truncated;
}

/* A phrase is at most EMERGING_MAX_NGRAM stems of up to 64 bytes each. */
#define STEM_MAX 64

enum terr emerging_add_message(struct emerging *e, const char *text, size_t len, int64_t ticket_id,
                               bool current)
{
    enum terr err = tokenize(text, len, &e->toks);
    if (err)
        return err;
    if (e->stemmer)
        tokens_stem(&e->toks, e->stemmer);
    /* a phrase counts once per ticket and period: a new unit when either
     * changes (the caller feeds a ticket's messages together) */
    if (!e->unit_open || e->unit_ticket != ticket_id || e->unit_current != current) {
        e->unit = e->seq++;
        e->unit_ticket = ticket_id;
        e->unit_current = current;
        e->unit_open = true;
        if (current)
            e->threads_cur++;
        else
            e->threads_base++;
    }
    int64_t msg = e->unit;
    const struct tokens *t = &e->toks;
    /* run[]: the stems of the current run of content words, last 3 kept */
    const char *run[EMERGING_MAX_NGRAM];
    uint32_t run_at[EMERGING_MAX_NGRAM]; /* where each word starts in text */
    bool weak[EMERGING_MAX_NGRAM];
    size_t n_run = 0;
    unsigned prev_sentence = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        bool word = k->kind == TOK_WORD && k->stem_len >= 2 && k->stem_len <= STEM_MAX &&
                    !is_stop(tok_norm(t, i));
        if (!word || k->sentence != prev_sentence) {
            n_run = 0;
            prev_sentence = k->sentence;
            if (!word)
                continue;
        }
        if (n_run == EMERGING_MAX_NGRAM) {
            memmove(run, run + 1, (EMERGING_MAX_NGRAM - 1) * sizeof(run[0]));
            memmove(weak, weak + 1, (EMERGING_MAX_NGRAM - 1) * sizeof(weak[0]));
            memmove(run_at, run_at + 1, (EMERGING_MAX_NGRAM - 1) * sizeof(run_at[0]));
            n_run--;
        }
        weak[n_run] = is_weak(tok_norm(t, i));
        run_at[n_run] = k->start;
        run[n_run++] = tok_stem(t, i);
        /* the n-grams ending at this word */
        char key[EMERGING_MAX_NGRAM * (STEM_MAX + 1)];
        bool all_weak = true;
        for (size_t n = 1; n <= n_run; n++) {
            all_weak = all_weak && weak[n_run - n];
            if (all_weak)
                continue;
            size_t off = 0;
            for (size_t j = n_run - n; j < n_run; j++) {
                size_t l = strlen(run[j]);
                if (off)
                    key[off++] = ' ';
                memcpy(key + off, run[j], l);
                off += l;
            }
            struct entry *s = lookup(&e->phrases, key, off, EMERGING_MAX_KEYS);
            if (!s) {
                e->truncated = true;
                continue;
            }
            count(s, msg, ticket_id, current);
            if (!s->sample || (current && !s->sample_current))
                keep_sample(s, text + run_at[n_run - n], k->end - run_at[n_run - n], current);
        }
    }
    return TERR_OK;
}

void emerging_add_ticket(struct emerging *e, const char *category, int64_t ticket_id, bool current)
{
    int64_t msg = e->seq++;
    if (current)
        e->tickets_cur++;
    else
        e->tickets_base++;
    if (!category || !*category)
        return;
    struct entry *s = lookup(&e->categories, category, strlen(category), EMERGING_MAX_KEYS);
    if (s)
        count(s, msg, ticket_id, current);
}

double emerging_binom_upper(int64_t c, int64_t k, double r)
{
    if (c <= 0)
        return 1.0;
    if (c > k || r <= 0.0)
        return 0.0;
    if (r >= 1.0)
        return 1.0;
    /* Sum the terms i = c..k in log space; they fall once past the mode, so
     * stop when they no longer matter. */
    double lr = log(r), l1r = log1p(-r), sum = 0.0;
    double lk = lgamma((double)k + 1.0);
    for (int64_t i = c; i <= k; i++) {
        double lt = lk - lgamma((double)i + 1.0) - lgamma((double)(k - i) + 1.0) + (double)i * lr +
                    (double)(k - i) * l1r;
        double term = exp(lt);
        sum += term;
        if ((double)i > (double)k * r && term < sum * 1e-12)
            break;
    }
    return sum > 1.0 ? 1.0 : sum;
}

static int by_p(const void *a, const void *b)
{
    const struct emerging_item *x = a, *y = b;
    return x->p < y->p ? -1 : x->p > y->p;
}

static int by_rank(const void *a, const void *b)
{
    const struct emerging_item *x = a, *y = b;
    if (x->q != y->q)
        return x->q < y->q ? -1 : 1;
    if (x->lift != y->lift)
        return x->lift > y->lift ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Adds the tested entries of t to v (growing it); returns the new count. */
static size_t gather(const struct table *t, enum emerging_kind kind, int64_t vol_cur,
                     int64_t vol_base, const struct emerging_params *p, struct emerging_item **v,
                     size_t n, size_t *cap)
{
    if (vol_cur <= 0)
        return n;
    double r = (double)vol_cur / (double)(vol_cur + vol_base);
    for (size_t i = 0; i < t->cap; i++) {
        const struct entry *s = &t->v[i];
        if (!s->key || s->cur < p->min_count)
            continue;
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            *v = xrealloc(*v, *cap * sizeof(**v));
        }
        struct emerging_item *it = &(*v)[n++];
        memset(it, 0, sizeof(*it));
        it->kind = kind;
        it->key = s->key; /* borrowed until the survivors are copied */
        it->text = s->sample ? s->sample : s->key;
        it->count = s->cur;
        it->base = s->base;
        double rate_cur = (double)s->cur / (double)vol_cur;
        double rate_base = vol_base > 0 ? ((double)s->base + 0.5) / (double)vol_base : 0.0;
        it->lift = rate_base > 0 ? rate_cur / rate_base : INFINITY;
        it->p = emerging_binom_upper(s->cur, s->cur + s->base, r);
        memcpy(it->examples, s->ex, sizeof(it->examples));
        it->n_examples = s->n_ex;
    }
    return n;
}

/* True when phrase `in` is whole words of phrase `outer` (and shorter). */
static bool part_of(const char *in, const char *outer)
{
    size_t n = strlen(in);
    if (n >= strlen(outer))
        return false;
    for (const char *p = strstr(outer, in); p; p = strstr(p + 1, in))
        if ((p == outer || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return true;
    return false;
}

/* Drops a phrase that a longer reported phrase explains: one holding it
 * whose count is at least EXPLAINED of its own ("flux" beside "flux
 * capacitor" in as many tickets).  Keeps the order; returns the new count. */
#define EXPLAINED 0.8
static size_t drop_explained(struct emerging_item *v, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        bool explained = false;
        for (size_t j = 0; j < n && !explained && v[i].kind == EMERGING_PHRASE; j++)
            explained = j != i && v[j].kind == EMERGING_PHRASE &&
                        (double)v[j].count >= EXPLAINED * (double)v[i].count &&
                        part_of(v[i].key, v[j].key);
        if (!explained)
            v[kept++] = v[i];
    }
    return kept;
}

bool emerging_has(const struct emerging *e, enum emerging_kind kind, const char *key)
{
    const struct table *t = kind == EMERGING_PHRASE ? &e->phrases : &e->categories;
    if (!t->cap)
        return false;
    size_t len = strlen(key);
    uint64_t h = hash_of(key, len);
    for (size_t i = (size_t)h & (t->cap - 1); t->v[i].key; i = (i + 1) & (t->cap - 1))
        if (t->v[i].hash == h && strcmp(t->v[i].key, key) == 0)
            return true;
    return false;
}

void emerging_find(const struct emerging *e, const struct emerging_params *p,
                   struct emerging_item **out, size_t *n_out)
{
    struct emerging_item *v = NULL;
    size_t n = 0, cap = 0;
    n = gather(&e->phrases, EMERGING_PHRASE, e->threads_cur, e->threads_base, p, &v, n, &cap);
    n = gather(&e->categories, EMERGING_CATEGORY, e->tickets_cur, e->tickets_base, p, &v, n, &cap);
    /* Benjamini-Hochberg: q(i) = min over j >= i of p(j) * m / j. */
    if (n)
        qsort(v, n, sizeof(*v), by_p);
    double qmin = 1.0;
    for (size_t i = n; i-- > 0;) {
        double q = v[i].p * (double)n / (double)(i + 1);
        if (q < qmin)
            qmin = q;
        v[i].q = qmin;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].q <= p->alpha && v[i].lift >= p->min_lift)
            v[kept++] = v[i];
    kept = drop_explained(v, kept);
    if (kept)
        qsort(v, kept, sizeof(*v), by_rank);
    if (kept > p->max_items)
        kept = p->max_items;
    for (size_t i = 0; i < kept; i++) {
        v[i].key = xstrdup(v[i].key);
        v[i].text = xstrdup(v[i].text);
    }
    if (!kept) {
        free(v);
        v = NULL;
    }
    *out = v;
    *n_out = kept;
}

void emerging_items_free(struct emerging_item *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].text);
    }
    free(v);
}
