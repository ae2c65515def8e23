/*
 * Emerging problems: categories and phrases of customer messages whose count
 * in a period is significantly above their baseline (the preceding periods).
 *
 * The caller feeds each customer message and each ticket's category once,
 * saying whether it falls in the current period or the baseline.  Phrases
 * are word n-grams (n = 1..3) of stems (tokenize + the English stemmer),
 * runs broken by stop words, punctuation and sentence ends, and not made only
 * of weak words ("not", "still").  A phrase counts once per ticket and
 * period, so one customer repeating themselves is one voice; a category
 * counts once per ticket.
 *
 * The test: under "no change", an item's current count c out of its total
 * k = c + b is Binomial(k, r) with r = V_cur / (V_cur + V_base), the share of
 * the volume (tickets with customer messages for phrases, tickets for
 * categories) that falls in the current period; the one-sided p-value is P(X >= c).  This is the
 * exact conditional test for two Poisson rates, so it normalises by volume.  Items with c <
 * min_count are not tested; the p-values of the tested ones are adjusted with Benjamini-Hochberg
 * (one family for phrases and categories) and an item is reported when its q-value is at most alpha
 * and its lift (current rate over baseline rate, the baseline count smoothed by +0.5) is at least
 * min_lift.  A reported phrase inside a longer reported one that counts at least 80% as often is
 * left out ("flux" beside "flux capacitor"). Results are ranked by q-value, then lift.
 *
 * Memory is bounded: at most EMERGING_MAX_KEYS distinct phrases are kept;
 * later new phrases are dropped and emerging_truncated() says so.
 */
#ifndef TRUCE_EMERGING_H
#define TRUCE_EMERGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define EMERGING_MAX_KEYS     (1u << 19)
#define EMERGING_MAX_EXAMPLES 3
#define EMERGING_MAX_NGRAM    3

struct emerging;

enum emerging_kind { EMERGING_PHRASE, EMERGING_CATEGORY };

struct emerging_item {
    enum emerging_kind kind;
    char *key;           /* the phrase (stems joined by spaces) or category */
    char *text;          /* the phrase as a customer wrote it (lower-cased; the
                          * current period's first, else the baseline's), or
                          * the category */
    int64_t count, base; /* in the current period, in the baseline */
    double lift, p, q;
    int64_t examples[EMERGING_MAX_EXAMPLES]; /* current-period tickets, first seen */
    size_t n_examples;
};

struct emerging_params {
    int64_t min_count; /* items counted fewer times this period are not tested */
    double alpha;      /* the false discovery rate kept */
    double min_lift;
    size_t max_items; /* at most this many are returned */
};

/* A new accumulator (with its own stemmer: one per thread); caller frees
 * with emerging_free(). */
struct emerging *emerging_new(void);
/* Frees e; accepts NULL. */
void emerging_free(struct emerging *e);

/* Counts the phrases of one customer message of ticket_id.  A ticket's
 * messages of one period must come one after another (as a walk by ticket
 * gives them) for a phrase to count once per ticket and period.
 * TERR_BAD_UTF8 or TERR_TOO_LARGE for text tokenize() refuses (nothing
 * counted). */
enum terr emerging_add_message(struct emerging *e, const char *text, size_t len, int64_t ticket_id,
                               bool current);
/* Counts one ticket of category (NULL or "": counted in the volume only). */
void emerging_add_ticket(struct emerging *e, const char *category, int64_t ticket_id, bool current);
/* True when the key was counted: a phrase of the messages fed, a category
 * of the tickets fed. */
bool emerging_has(const struct emerging *e, enum emerging_kind kind, const char *key);
/* True when some phrases were dropped at EMERGING_MAX_KEYS. */
bool emerging_truncated(const struct emerging *e);

/* The significant items, best first; *out is an array the caller frees with
 * emerging_items_free(*out, *n). */
void emerging_find(const struct emerging *e, const struct emerging_params *p,
                   struct emerging_item **out, size_t *n);
void emerging_items_free(struct emerging_item *v, size_t n);

/* P(X >= c) for X ~ Binomial(k, r): the test's p-value (exposed for tests). */
double emerging_binom_upper(int64_t c, int64_t k, double r);

#endif
