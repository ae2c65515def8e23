/*
 * VADER's SentimentIntensityAnalyzer (Hutto & Gilbert, ICWSM 2014; version
 * 3.3.2 of github.com/cjhutto/vaderSentiment, MIT, C.J. Hutto) ported to
 * truce's tokens.  The constants, the booster/dampener and negation word
 * lists and the special-case idioms below are VADER's rules, kept as VADER
 * has them, quirks included, so that scores match VADER's published ones.
 *
 * The data: VADER walks "items", the message split on white space with
 * punctuation stripped from both ends.  Our tokenizer separates punctuation
 * instead, which gives the same items once punctuation tokens are skipped;
 * a run of punctuation standing alone between spaces ("-", "(-:") is an
 * item of its own, as in VADER.  Each item's valence depends on the three
 * items before it and the two after it, so the message is scored in one pass
 * over a ring of resolved items (struct item), after a cheap first pass that
 * counts the items, the words in capitals (VADER's "cap differential") and
 * finds the first "but".  Nothing is allocated per call.
 *
 * Where truce differs from VADER, on purpose:
 *   - "soooo" and "goooood" are found ("so", "good"): the tokenizer cuts runs
 *     to two letters, and a word not found so is tried with runs of one;
 *   - "good,bad" is two words (VADER keeps "good,bad" as one unknown item),
 *     and "no," or "ok." are found (VADER keeps short items unstripped);
 *   - @handles, URLs and e-mail addresses are never scored ("@united" is not
 *     praise); '!' and '?' are counted in punctuation only, not inside URLs;
 *   - an emoji is one item carrying the sum of its description's valences
 *     (see lexicon.c), where VADER inserts the description's words;
 *   - VADER's sentiment-laden idioms ("cut the mustard", "hand to mouth"),
 *     listed but not applied by VADER ("future work"), are applied: the
 *     idiom scores its valence and its words score nothing;
 *   - the "but" rule scales by position, where VADER's list.index() loop
 *     scales the first of two equal scores twice.
 */
#include "analysis/sentiment.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/lexicon.h"
#include "text/tokenize.h"

/* VADER's empirically derived constants. */
#define B_INCR 0.293     /* booster word: "very good" */
#define B_DECR (-0.293)  /* dampener: "kind of good" */
#define C_INCR 0.733     /* a word in capitals among words that are not */
#define N_SCALAR (-0.74) /* negation: "not good" */
#define EP_EACH 0.292    /* each '!', up to EP_MAX */
#define EP_MAX 4
#define QM_EACH 0.18     /* each '?' when there are 2 or 3 */
#define QM_MAX 0.96      /* 4 '?' or more */
#define ALPHA 15.0       /* normalisation: compound = s / sqrt(s^2 + ALPHA) */

/* Longest word tried with letter runs cut to one ("soooo" -> "so"). */
#define ITEM_BUF 64

struct word_value {
    const char *w;
    double v;
};

/* VADER's BOOSTER_DICT, single words (sorted for bsearch); its two-word
 * entries ("kind of", "sort of", "just enough") are in booster_bigrams. */
static const struct word_value boosters[] = {
    {"absolutely", B_INCR}, {"almost", B_DECR}, {"amazingly", B_INCR},
    {"awfully", B_INCR}, {"barely", B_DECR}, {"completely", B_INCR},
    {"considerable", B_INCR}, {"considerably", B_INCR}, {"decidedly", B_INCR},
    {"deeply", B_INCR}, {"effing", B_INCR}, {"enormous", B_INCR},
    {"enormously", B_INCR}, {"entirely", B_INCR}, {"especially", B_INCR},
    {"exceptional", B_INCR}, {"exceptionally", B_INCR}, {"extreme", B_INCR},
    {"extremely", B_INCR}, {"fabulously", B_INCR}, {"flippin", B_INCR},
    {"flipping", B_INCR}, {"frackin", B_INCR}, {"fracking", B_INCR},
    {"frickin", B_INCR}, {"fricking", B_INCR}, {"friggin", B_INCR},
    {"frigging", B_INCR}, {"fuckin", B_INCR}, {"fucking", B_INCR},
    {"fuggin", B_INCR}, {"fugging", B_INCR}, {"fully", B_INCR},
    {"greatly", B_INCR}, {"hardly", B_DECR}, {"hella", B_INCR},
    {"highly", B_INCR}, {"hugely", B_INCR}, {"incredible", B_INCR},
    {"incredibly", B_INCR}, {"intensely", B_INCR}, {"kind-of", B_DECR},
    {"kinda", B_DECR}, {"kindof", B_DECR}, {"less", B_DECR},
    {"little", B_DECR}, {"major", B_INCR}, {"majorly", B_INCR},
    {"marginal", B_DECR}, {"marginally", B_DECR}, {"more", B_INCR},
    {"most", B_INCR}, {"occasional", B_DECR}, {"occasionally", B_DECR},
    {"particularly", B_INCR}, {"partly", B_DECR}, {"purely", B_INCR},
    {"quite", B_INCR}, {"really", B_INCR}, {"remarkably", B_INCR},
    {"scarce", B_DECR}, {"scarcely", B_DECR}, {"slight", B_DECR},
    {"slightly", B_DECR}, {"so", B_INCR}, {"somewhat", B_DECR},
    {"sort-of", B_DECR}, {"sorta", B_DECR}, {"sortof", B_DECR},
    {"substantially", B_INCR}, {"thoroughly", B_INCR}, {"total", B_INCR},
    {"totally", B_INCR}, {"tremendous", B_INCR}, {"tremendously", B_INCR},
    {"uber", B_INCR}, {"unbelievably", B_INCR}, {"unusually", B_INCR},
    {"utter", B_INCR}, {"utterly", B_INCR}, {"very", B_INCR},
};

static const char *const booster_bigrams[][2] = {
    {"just", "enough"}, {"kind", "of"}, {"sort", "of"},
};

/* VADER's NEGATE list (sorted for bsearch); any word containing "n't"
 * negates too. */
static const char *const negators[] = {
    "ain't",    "aint",    "aren't",  "arent",    "can't",    "cannot",   "cant",
    "couldn't", "couldnt", "daren't", "darent",   "despite",  "didn't",   "didnt",
    "doesn't",  "doesnt",  "don't",   "dont",     "hadn't",   "hadnt",    "hasn't",
    "hasnt",    "haven't", "havent",  "isn't",    "isnt",     "mightn't", "mightnt",
    "mustn't",  "mustnt",  "needn't", "neednt",   "neither",  "never",    "none",
    "nope",     "nor",     "not",     "nothing",  "nowhere",  "oughtn't", "oughtnt",
    "rarely",   "seldom",  "shan't",  "shant",    "shouldn't", "shouldnt", "uh-uh",
    "uhuh",     "wasn't",  "wasnt",   "weren't",  "werent",   "without",  "won't",
    "wont",     "wouldn't", "wouldnt",
};

/* VADER's SPECIAL_CASES of two and three words ("badass", one word, can
 * never match VADER's word-pair test and is left out). */
struct idiom {
    const char *w[3];
    double v;
};
static const struct idiom special_cases[] = {
    {{"the", "shit", NULL}, 3},       {{"the", "bomb", NULL}, 3},
    {{"bad", "ass", NULL}, 1.5},      {{"bus", "stop", NULL}, 0.0},
    {{"yeah", "right", NULL}, -2},    {{"kiss", "of", "death"}, -1.5},
    {{"to", "die", "for"}, 3},        {{"beating", "heart", NULL}, 3.1},
    {{"broken", "heart", NULL}, -2.9},
};

/* VADER's SENTIMENT_LADEN_IDIOMS. */
static const struct idiom laden_idioms[] = {
    {{"cut", "the", "mustard"}, 2},   {{"hand", "to", "mouth"}, -2},
    {{"back", "handed", NULL}, -2},   {{"blow", "smoke", NULL}, -2},
    {{"blowing", "smoke", NULL}, -2}, {{"upper", "hand", NULL}, 1},
    {{"break", "a", "leg"}, 2},       {{"cooking", "with", "gas"}, 2},
    {{"in", "the", "black"}, 2},      {{"in", "the", "red"}, -2},
    {{"on", "the", "ball"}, 2},       {{"under", "the", "weather"}, -2},
};

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* One VADER item, resolved once. */
struct item {
    const char *w; /* the form compared with VADER's lists: normal form (or the
                    * runs-of-one form, or a punctuation run) */
    size_t len;
    bool in_lex;   /* VADER's "item.lower() in self.lexicon" */
    bool upper;    /* VADER's item.isupper() */
    bool scored;   /* looked up at all (not a handle, URL, e-mail) */
    bool in_idiom; /* a later word of a sentiment-laden idiom: scores 0 */
    double valence;
    double booster; /* 0 when not a booster */
    char buf[ITEM_BUF];
};

static int cmp_word_value(const void *key, const void *elem)
{
    return strcmp(key, ((const struct word_value *)elem)->w);
}

static int cmp_str(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static bool eq(const struct item *it, const char *w)
{
    size_t n = strlen(w);
    return it->len == n && memcmp(it->w, w, n) == 0;
}

static double booster_of(const char *w, size_t len)
{
    if (len == 0 || len > 15 || w[len] != '\0')
        return 0;
    const struct word_value *b =
        bsearch(w, boosters, COUNT(boosters), sizeof *boosters, cmp_word_value);
    return b ? b->v : 0;
}

/* VADER's negated([word]). */
static bool negates(const struct item *it)
{
    if (it->len == 0 || it->len > 15 || it->w[it->len] != '\0')
        return false;
    if (bsearch(it->w, negators, COUNT(negators), sizeof *negators, cmp_str))
        return true;
    for (size_t i = 0; i + 2 < it->len; i++)
        if (it->w[i] == 'n' && it->w[i + 1] == '\'' && it->w[i + 2] == 't')
            return true;
    return false;
}

/* A token that VADER would see as part of a white-space separated item with
 * other text: punctuation touching a word ("good," "(-:" excepted). */
static bool touches(const struct tokens *t, size_t a, size_t b)
{
    return t->v[a].end == t->v[b].start;
}

/*
 * Item boundaries.  Items are the non-punctuation tokens, plus each run of
 * touching punctuation tokens that touches no other token (a punctuation
 * item).  next_item() returns the first token of the next item at or after
 * *pos and the number of its tokens, advancing *pos past it; false at the end.
 */
static bool next_item(const struct tokens *t, size_t *pos, size_t *first, size_t *n)
{
    size_t i = *pos;
    while (i < t->n) {
        if (t->v[i].kind != TOK_PUNCT) {
            *first = i;
            *n = 1;
            *pos = i + 1;
            return true;
        }
        size_t j = i;
        while (j + 1 < t->n && t->v[j + 1].kind == TOK_PUNCT && touches(t, j, j + 1))
            j++;
        bool alone = (i == 0 || !touches(t, i - 1, i)) && (j + 1 == t->n || !touches(t, j, j + 1));
        if (alone) {
            *first = i;
            *n = j - i + 1;
            *pos = j + 1;
            return true;
        }
        i = j + 1;
    }
    *pos = i;
    return false;
}

/* VADER's str.isupper(): a word in capitals; a one-letter capital ("I",
 * "A") counts, as in Python. */
static bool is_upper_token(const struct tokens *t, size_t i)
{
    const struct token *tk = &t->v[i];
    if (tk->flags & TOK_ALLCAPS)
        return true;
    return tk->kind == TOK_WORD && (tk->flags & TOK_CAPITALISED) && tk->norm_len == 1;
}

/* Copies w[0..len) into out with every run of a repeated letter cut to one;
 * false when it does not fit or nothing changes. */
static bool runs_of_one(const char *w, size_t len, char *out, size_t *out_len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (n > 0 && out[n - 1] == w[i] && ((w[i] >= 'a' && w[i] <= 'z')))
            continue;
        if (n + 1 >= ITEM_BUF)
            return false;
        out[n++] = w[i];
    }
    out[n] = '\0';
    *out_len = n;
    return n != len;
}

/* The summed valence of the code points of an emoji cluster that is not
 * listed whole (VADER replaces each code point it knows by its description). */
static bool emoji_by_code_points(const struct lexicon *lx, const char *w, size_t len, double *v)
{
    double sum = 0;
    bool any = false;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)w[i];
        size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        if (i + n > len)
            break;
        double x;
        if (lexicon_get(lx, w + i, n, &x)) {
            sum += x;
            any = true;
        }
        i += n;
    }
    *v = sum;
    return any;
}

static void resolve(const struct lexicon *lx, const struct tokens *t, size_t first, size_t n,
                    struct item *it)
{
    const struct token *tk = &t->v[first];
    it->w = tok_norm(t, first);
    it->len = tk->norm_len;
    it->in_lex = false;
    it->in_idiom = false;
    it->valence = 0;
    it->upper = is_upper_token(t, first);
    it->scored = true;
    switch (tk->kind) {
    case TOK_HANDLE:
    case TOK_URL:
    case TOK_EMAIL:
        it->scored = false;
        break;
    case TOK_HASHTAG: /* VADER strips the '#': "#love" is "love" */
        if (it->len > 1 && it->w[0] == '#') {
            it->w++;
            it->len--;
        }
        break;
    case TOK_PUNCT: /* a run standing alone: maybe an emoticon "(-:" */
        if (n > 1) {
            size_t len = 0;
            bool fits = true;
            for (size_t k = first; k < first + n && fits; k++) {
                size_t l = t->v[k].norm_len;
                if (len + l + 1 > ITEM_BUF)
                    fits = false;
                else {
                    memcpy(it->buf + len, tok_norm(t, k), l);
                    len += l;
                }
            }
            if (!fits) {
                it->scored = false;
                break;
            }
            it->buf[len] = '\0';
            it->w = it->buf;
            it->len = len;
        }
        break;
    default:
        break;
    }
    if (it->scored && lx) {
        it->in_lex = lexicon_get(lx, it->w, it->len, &it->valence);
        if (!it->in_lex && tk->kind == TOK_EMOJI)
            it->in_lex = emoji_by_code_points(lx, it->w, it->len, &it->valence);
    }
    size_t len1;
    if (!it->in_lex && (tk->flags & TOK_ELONGATED) && it->w != it->buf &&
        runs_of_one(it->w, it->len, it->buf, &len1)) {
        double v;
        bool found = lx && lexicon_get(lx, it->buf, len1, &v);
        if (found || booster_of(it->buf, len1) != 0 || strcmp(it->buf, "but") == 0) {
            it->w = it->buf;
            it->len = len1;
            it->in_lex = found;
            if (found)
                it->valence = v;
        }
    }
    it->booster = booster_of(it->w, it->len);
}

/* VADER's scalar_inc_dec(): the push a preceding booster gives valence v. */
static double scalar_inc_dec(const struct item *b, double v, bool cap_diff)
{
    double s = b->booster;
    if (s == 0)
        return 0;
    if (v < 0)
        s = -s;
    if (b->upper && cap_diff)
        s += v > 0 ? C_INCR : -C_INCR;
    return s;
}

static bool so_or_this(const struct item *it)
{
    return eq(it, "so") || eq(it, "this");
}

/* VADER's _negation_check() for the word start_i + 1 places before it. */
static double negation_check(double v, const struct item *const *w, int start_i)
{
    /* w[-1], w[-2], w[-3] are the items before the scored one. */
    if (start_i == 0) {
        if (negates(w[-1]))
            v *= N_SCALAR;
    } else if (start_i == 1) {
        if (eq(w[-2], "never") && so_or_this(w[-1]))
            v *= 1.25;
        else if (eq(w[-2], "without") && eq(w[-1], "doubt"))
            ;
        else if (negates(w[-2]))
            v *= N_SCALAR;
    } else {
        /* VADER's "A and B or C": "so"/"this" right before the word
         * counts without "never" too. */
        if ((eq(w[-3], "never") && so_or_this(w[-2])) || so_or_this(w[-1]))
            v *= 1.25;
        else if (eq(w[-3], "without") && (eq(w[-2], "doubt") || eq(w[-1], "doubt")))
            ;
        else if (negates(w[-3]))
            v *= N_SCALAR;
    }
    return v;
}

static bool idiom_at(const struct idiom *id, const struct item *const *w, int from, int avail_hi)
{
    for (int k = 0; k < 3 && id->w[k]; k++) {
        if (from + k > avail_hi || !w[from + k] || !eq(w[from + k], id->w[k]))
            return false;
    }
    return true;
}

static int idiom_len(const struct idiom *id)
{
    return id->w[2] ? 3 : 2;
}

/* Whether some special case is exactly the items w[from..to]. */
static bool special_seq(const struct item *const *w, int from, int to)
{
    int n = to - from + 1;
    for (size_t k = 0; k < COUNT(special_cases); k++) {
        if (idiom_len(&special_cases[k]) == n && idiom_at(&special_cases[k], w, from, to))
            return true;
    }
    return false;
}

static double special_value(const struct item *const *w, int from, int to)
{
    int n = to - from + 1;
    for (size_t k = 0; k < COUNT(special_cases); k++)
        if (idiom_len(&special_cases[k]) == n && idiom_at(&special_cases[k], w, from, to))
            return special_cases[k].v;
    return 0;
}

/* VADER's _special_idioms_check(); w[-3..hi] are valid. */
static double special_idioms_check(double v, const struct item *const *w, int hi)
{
    /* onezero, twoonezero, twoone, threetwoone, threetwo: the first wins */
    static const int seqs[5][2] = {{-1, 0}, {-2, 0}, {-2, -1}, {-3, -1}, {-3, -2}};
    for (int k = 0; k < 5; k++) {
        if (special_seq(w, seqs[k][0], seqs[k][1])) {
            v = special_value(w, seqs[k][0], seqs[k][1]);
            break;
        }
    }
    if (hi >= 1 && special_seq(w, 0, 1))
        v = special_value(w, 0, 1);
    if (hi >= 2 && special_seq(w, 0, 2))
        v = special_value(w, 0, 2);
    /* booster bigrams before the word ("kind of good"): threetwo, twoone */
    for (size_t k = 0; k < COUNT(booster_bigrams); k++) {
        if (eq(w[-3], booster_bigrams[k][0]) && eq(w[-2], booster_bigrams[k][1]))
            v += B_DECR;
        if (eq(w[-2], booster_bigrams[k][0]) && eq(w[-1], booster_bigrams[k][1]))
            v += B_DECR;
    }
    return v;
}

/* VADER's sentiment_valence() for item w[0]: w[-i] exists for i <= i_item,
 * w[k] for k <= hi. */
static double item_valence(const struct item *const *w, size_t i_item, int hi, bool cap_diff)
{
    const struct item *it = w[0];
    if (!it->in_lex)
        return 0;
    double v = it->valence;
    if (eq(it, "no") && hi >= 1 && w[1]->in_lex)
        v = 0.0;
    if ((i_item > 0 && eq(w[-1], "no")) || (i_item > 1 && eq(w[-2], "no")) ||
        (i_item > 2 && eq(w[-3], "no") && (eq(w[-1], "or") || eq(w[-1], "nor"))))
        v = it->valence * N_SCALAR;
    if (it->upper && cap_diff)
        v += v > 0 ? C_INCR : -C_INCR;
    for (int start_i = 0; start_i < 3; start_i++) {
        if (i_item > (size_t)start_i && !w[-(start_i + 1)]->in_lex) {
            double s = scalar_inc_dec(w[-(start_i + 1)], v, cap_diff);
            if (start_i == 1)
                s *= 0.95;
            if (start_i == 2)
                s *= 0.9;
            v += s;
            v = negation_check(v, w, start_i);
            if (start_i == 2)
                v = special_idioms_check(v, w, hi);
        }
    }
    /* VADER's _least_check(): "least good" negates, "at least" does not */
    if (i_item > 1 && !w[-1]->in_lex && eq(w[-1], "least")) {
        if (!eq(w[-2], "at") && !eq(w[-2], "very"))
            v *= N_SCALAR;
    } else if (i_item > 0 && !w[-1]->in_lex && eq(w[-1], "least")) {
        v *= N_SCALAR;
    }
    return v;
}

/* Sums for the pos/neu/neg shares, before and after the first "but". */
struct sums {
    double total;         /* sum of scores */
    double pos, neg;      /* sums of positive and negative scores */
    size_t n_pos, n_neg, n_neu;
};

static void add_score(struct sums *s, double x)
{
    s->total += x;
    if (x > 0) {
        s->pos += x;
        s->n_pos++;
    } else if (x < 0) {
        s->neg += x;
        s->n_neg++;
    } else {
        s->n_neu++;
    }
}

#define RING 8 /* power of two > 3 behind + 1 + 2 ahead */

void sentiment_score(const struct lexicon *lx, const struct tokens *t, struct sentiment *out)
{
    memset(out, 0, sizeof *out);

    /* First pass: items, capitals, words, the first "but", '!' and '?'. */
    size_t n_items = 0, n_upper = 0, n_words = 0, but_at = SIZE_MAX;
    size_t n_excl = 0, n_quest = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *tk = &t->v[i];
        if (tk->kind == TOK_PUNCT) {
            const char *p = tok_norm(t, i);
            for (size_t k = 0; k < tk->norm_len; k++) {
                n_excl += p[k] == '!';
                n_quest += p[k] == '?';
            }
        }
    }
    size_t pos = 0, first, n;
    while (next_item(t, &pos, &first, &n)) {
        if (t->v[first].kind != TOK_PUNCT)
            n_words++;
        if (is_upper_token(t, first))
            n_upper++;
        if (but_at == SIZE_MAX && t->v[first].kind == TOK_WORD) {
            const char *w = tok_norm(t, first);
            size_t len = t->v[first].norm_len;
            char one[ITEM_BUF];
            size_t len1;
            if ((len == 3 && memcmp(w, "but", 3) == 0) ||
                ((t->v[first].flags & TOK_ELONGATED) && runs_of_one(w, len, one, &len1) &&
                 strcmp(one, "but") == 0))
                but_at = n_items;
        }
        n_items++;
    }
    if (n_words == 0)
        return;
    bool cap_diff = n_upper > 0 && n_upper < n_items;

    /* Second pass: each item scored with three items behind, two ahead. */
    struct item ring[RING];
    size_t produced = 0;
    pos = 0;
    struct sums before = {0}, after = {0};
    size_t idiom_left = 0; /* later words of a sentiment-laden idiom still to skip */
    for (size_t i = 0; i < n_items; i++) {
        while (produced < n_items && produced < i + 3) {
            if (!next_item(t, &pos, &first, &n))
                break;
            resolve(lx, t, first, n, &ring[produced & (RING - 1)]);
            produced++;
        }
        const struct item *win[6]; /* win[3] is item i */
        for (int k = -3; k <= 2; k++) {
            long j = (long)i + k;
            win[k + 3] = j >= 0 && (size_t)j < produced ? &ring[(size_t)j & (RING - 1)] : NULL;
        }
        const struct item *const *w = win + 3;
        int hi = (int)(produced - 1 - i);
        if (hi > 2)
            hi = 2;

        double s = 0;
        const struct item *it = w[0];
        if (idiom_left > 0) {
            idiom_left--;
        } else {
            bool laden = false;
            for (size_t k = 0; k < COUNT(laden_idioms); k++) {
                int len = idiom_len(&laden_idioms[k]);
                if (len - 1 <= hi && idiom_at(&laden_idioms[k], w, 0, hi)) {
                    s = laden_idioms[k].v;
                    idiom_left = (size_t)len - 1;
                    laden = true;
                    break;
                }
            }
            if (!laden && it->booster == 0 &&
                !(eq(it, "kind") && hi >= 1 && eq(w[1], "of")))
                s = item_valence(w, i, hi, cap_diff);
        }
        add_score(but_at != SIZE_MAX && i > but_at ? &after : &before, s);
    }

    /* The "but" rule: what comes before weighs half, what follows 1.5 times. */
    double fb = 1.0, fa = 1.0;
    if (but_at != SIZE_MAX) {
        fb = 0.5;
        fa = 1.5;
    }
    double sum = fb * before.total + fa * after.total;
    size_t ne = n_excl > EP_MAX ? EP_MAX : n_excl;
    double punct = (double)ne * EP_EACH;
    if (n_quest > 1)
        punct += n_quest <= 3 ? (double)n_quest * QM_EACH : QM_MAX;
    if (sum > 0)
        sum += punct;
    else if (sum < 0)
        sum -= punct;
    double compound = sum / sqrt(sum * sum + ALPHA);
    if (compound < -1.0)
        compound = -1.0;
    if (compound > 1.0)
        compound = 1.0;

    /* VADER's _sift_sentiment_scores(): a scored word counts 1 more than its
     * score, as a neutral one counts 1. */
    double pos_sum = fb * before.pos + fa * after.pos + (double)(before.n_pos + after.n_pos);
    double neg_sum = fb * before.neg + fa * after.neg - (double)(before.n_neg + after.n_neg);
    double neu = (double)(before.n_neu + after.n_neu);
    if (pos_sum > fabs(neg_sum))
        pos_sum += punct;
    else if (pos_sum < fabs(neg_sum))
        neg_sum -= punct;
    double total = pos_sum + fabs(neg_sum) + neu;
    out->compound = compound;
    if (total > 0) {
        out->pos = fabs(pos_sum / total);
        out->neg = fabs(neg_sum / total);
        out->neu = fabs(neu / total);
    }
}
