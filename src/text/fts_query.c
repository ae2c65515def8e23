/* User text to FTS5 MATCH expressions; snippet text to parts (fts_query.h). */
#include "fts_query.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/buf.h"

static bool is_word(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* The length of s's prefix of at most max bytes that does not end inside a
 * UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k > 0 ? k : max; /* not UTF-8: cut at the byte */
}

/* Words too common to tell messages apart (FTS_ANY only), sorted. */
static const char *const stop_words[] = {
    "about", "again", "all",   "and",  "any",  "are",   "but",   "can",  "could",  "did",  "does",
    "for",   "from",  "get",   "got",  "had",  "has",   "have",  "her",  "him",    "his",  "how",
    "into",  "its",   "just",  "not",  "now",  "one",   "our",   "out",  "please", "she",  "still",
    "that",  "the",   "their", "them", "then", "there", "they",  "this", "was",    "were", "what",
    "when",  "which", "who",   "why",  "will", "with",  "would", "you",  "your",
};

static int cmp_word(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static bool skipped(const char *w, size_t n)
{
    if (n < 3)
        return true;
    if (n > 6)
        return false;
    char low[8];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
    low[n] = 0;
    return bsearch(low, stop_words, sizeof(stop_words) / sizeof(*stop_words), sizeof(*stop_words),
                   cmp_word) != NULL;
}

char *fts_query_build(const char *q, enum fts_join join)
{
    size_t cap = join == FTS_ANY ? FTS_QUERY_MAX_TEXT : FTS_QUERY_MAX_LEN;
    size_t len = strnlen(q, cap + 1);
    if (len > cap)
        len = utf8_cut(q, len, cap);
    struct buf b;
    buf_init(&b, FTS_QUERY_MAX_TERMS * (FTS_QUERY_MAX_TERM + 8) + 8);
    int n_terms = 0;
    size_t i = 0;
    while (i < len && n_terms < FTS_QUERY_MAX_TERMS) {
        while (i < len && !is_word((unsigned char)q[i]))
            i++;
        size_t start = i;
        while (i < len && is_word((unsigned char)q[i]))
            i++;
        if (i == start)
            break;
        size_t tlen = utf8_cut(q + start, i - start, FTS_QUERY_MAX_TERM);
        if (join == FTS_ANY && skipped(q + start, i - start))
            continue;
        if (n_terms)
            buf_adds(&b, join == FTS_ANY ? " OR " : " ");
        buf_add(&b, "\"", 1);
        buf_add(&b, q + start, tlen); /* no '"' in a term: it is a separator */
        buf_add(&b, "\"", 1);
        n_terms++;
        /* A '*' right after the last term: a prefix search ("as you type"). */
        size_t j = i;
        while (j < len && q[j] == '*')
            j++;
        bool last = true;
        for (size_t k = j; k < len; k++)
            if (is_word((unsigned char)q[k])) {
                last = false;
                break;
            }
        if (j > i && last)
            buf_adds(&b, " *");
    }
    if (!n_terms) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static void add_part(struct snippet_part **v, size_t *n, const char *s, size_t len, bool hit)
{
    if (!len)
        return;
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[*n].text = xstrndup(s, len);
    (*v)[*n].hit = hit;
    (*n)++;
}

size_t snippet_parts(const char *marked, struct snippet_part **out)
{
    struct snippet_part *v = NULL;
    size_t n = 0;
    bool hit = false;
    const char *s = marked;
    for (;;) {
        size_t k = strcspn(s, FTS_HIT_OPEN FTS_HIT_CLOSE);
        add_part(&v, &n, s, k, hit);
        if (!s[k])
            break;
        hit = s[k] == FTS_HIT_OPEN[0];
        s += k + 1;
    }
    *out = v;
    return n;
}

void snippet_parts_free(struct snippet_part *p, size_t n)
{
    if (!p)
        return;
    for (size_t i = 0; i < n; i++)
        free(p[i].text);
    free(p);
}
