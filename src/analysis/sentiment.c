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
 *     idiom scores its valence (negated by a negator among the three words
 *     before it) and its words score nothing;
 *   - the "but" rule scales by position, where VADER's list.index() loop
 *     scales the first of two equal scores twice.
 */
#include "analysis/sentiment.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/lexicon.h"
#include "text/tokenize.h"
#include "util/utf8.h"

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

/* The words VADER's rules name: the rule words of the idioms and checks
 * below, its BOOSTER_DICT (single words; "kind of", "sort of" and "just
 * enough" are matched as word pairs) and its NEGATE list (any word with
 * "n't" in it negates too).  An item is looked up once (vocab_of), and the
 * rules then compare small integers. */
enum word {
    W_OTHER, /* any word the rules do not name */
    W_A, W_ASS, W_AT, W_BACK, W_BAD, W_BALL, W_BEATING, W_BLACK, W_BLOW, W_BLOWING, W_BOMB,
    W_BREAK, W_BROKEN, W_BUS, W_BUT, W_COOKING, W_CUT, W_DEATH, W_DIE, W_DOUBT, W_ENOUGH,
    W_FOR, W_GAS, W_HAND, W_HANDED, W_HEART, W_IN, W_JUST, W_KIND, W_KISS, W_LEAST, W_LEG,
    W_MOUTH, W_MUSTARD, W_NEVER, W_NO, W_NOR, W_OF, W_ON, W_OR, W_RED, W_RIGHT, W_SHIT,
    W_SMOKE, W_SO, W_SORT, W_STOP, W_THE, W_THIS, W_TO, W_UNDER, W_UPPER, W_VERY, W_WEATHER,
    W_WITH, W_WITHOUT, W_YEAH,
};

struct vocab {
    const char *w;
    uint8_t word;   /* enum word */
    double booster; /* B_INCR, B_DECR or 0 */
    uint8_t negates;
};

static const struct vocab vocab[] = {
    {"a", W_A, 0, 0}, {"absolutely", W_OTHER, B_INCR, 0}, {"ain't", W_OTHER, 0, 1},
    {"aint", W_OTHER, 0, 1}, {"almost", W_OTHER, B_DECR, 0},
    {"amazingly", W_OTHER, B_INCR, 0}, {"aren't", W_OTHER, 0, 1}, {"arent", W_OTHER, 0, 1},
    {"ass", W_ASS, 0, 0}, {"at", W_AT, 0, 0}, {"awfully", W_OTHER, B_INCR, 0},
    {"back", W_BACK, 0, 0}, {"bad", W_BAD, 0, 0}, {"ball", W_BALL, 0, 0},
    {"barely", W_OTHER, B_DECR, 0}, {"beating", W_BEATING, 0, 0}, {"black", W_BLACK, 0, 0},
    {"blow", W_BLOW, 0, 0}, {"blowing", W_BLOWING, 0, 0}, {"bomb", W_BOMB, 0, 0},
    {"break", W_BREAK, 0, 0}, {"broken", W_BROKEN, 0, 0}, {"bus", W_BUS, 0, 0},
    {"but", W_BUT, 0, 0}, {"can't", W_OTHER, 0, 1}, {"cannot", W_OTHER, 0, 1},
    {"cant", W_OTHER, 0, 1}, {"completely", W_OTHER, B_INCR, 0},
    {"considerable", W_OTHER, B_INCR, 0}, {"considerably", W_OTHER, B_INCR, 0},
    {"cooking", W_COOKING, 0, 0}, {"couldn't", W_OTHER, 0, 1}, {"couldnt", W_OTHER, 0, 1},
    {"cut", W_CUT, 0, 0}, {"daren't", W_OTHER, 0, 1}, {"darent", W_OTHER, 0, 1},
    {"death", W_DEATH, 0, 0}, {"decidedly", W_OTHER, B_INCR, 0},
    {"deeply", W_OTHER, B_INCR, 0}, {"despite", W_OTHER, 0, 1}, {"didn't", W_OTHER, 0, 1},
    {"didnt", W_OTHER, 0, 1}, {"die", W_DIE, 0, 0}, {"doesn't", W_OTHER, 0, 1},
    {"doesnt", W_OTHER, 0, 1}, {"don't", W_OTHER, 0, 1}, {"dont", W_OTHER, 0, 1},
    {"doubt", W_DOUBT, 0, 0}, {"effing", W_OTHER, B_INCR, 0},
    {"enormous", W_OTHER, B_INCR, 0}, {"enormously", W_OTHER, B_INCR, 0},
    {"enough", W_ENOUGH, 0, 0}, {"entirely", W_OTHER, B_INCR, 0},
    {"especially", W_OTHER, B_INCR, 0}, {"exceptional", W_OTHER, B_INCR, 0},
    {"exceptionally", W_OTHER, B_INCR, 0}, {"extreme", W_OTHER, B_INCR, 0},
    {"extremely", W_OTHER, B_INCR, 0}, {"fabulously", W_OTHER, B_INCR, 0},
    {"flippin", W_OTHER, B_INCR, 0}, {"flipping", W_OTHER, B_INCR, 0}, {"for", W_FOR, 0, 0},
    {"frackin", W_OTHER, B_INCR, 0}, {"fracking", W_OTHER, B_INCR, 0},
    {"frickin", W_OTHER, B_INCR, 0}, {"fricking", W_OTHER, B_INCR, 0},
    {"friggin", W_OTHER, B_INCR, 0}, {"frigging", W_OTHER, B_INCR, 0},
    {"fuckin", W_OTHER, B_INCR, 0}, {"fucking", W_OTHER, B_INCR, 0},
    {"fuggin", W_OTHER, B_INCR, 0}, {"fugging", W_OTHER, B_INCR, 0},
    {"fully", W_OTHER, B_INCR, 0}, {"gas", W_GAS, 0, 0}, {"greatly", W_OTHER, B_INCR, 0},
    {"hadn't", W_OTHER, 0, 1}, {"hadnt", W_OTHER, 0, 1}, {"hand", W_HAND, 0, 0},
    {"handed", W_HANDED, 0, 0}, {"hardly", W_OTHER, B_DECR, 0}, {"hasn't", W_OTHER, 0, 1},
    {"hasnt", W_OTHER, 0, 1}, {"haven't", W_OTHER, 0, 1}, {"havent", W_OTHER, 0, 1},
    {"heart", W_HEART, 0, 0}, {"hella", W_OTHER, B_INCR, 0}, {"highly", W_OTHER, B_INCR, 0},
    {"hugely", W_OTHER, B_INCR, 0}, {"in", W_IN, 0, 0}, {"incredible", W_OTHER, B_INCR, 0},
    {"incredibly", W_OTHER, B_INCR, 0}, {"intensely", W_OTHER, B_INCR, 0},
    {"isn't", W_OTHER, 0, 1}, {"isnt", W_OTHER, 0, 1}, {"just", W_JUST, 0, 0},
    {"kind", W_KIND, 0, 0}, {"kind-of", W_OTHER, B_DECR, 0}, {"kinda", W_OTHER, B_DECR, 0},
    {"kindof", W_OTHER, B_DECR, 0}, {"kiss", W_KISS, 0, 0}, {"least", W_LEAST, 0, 0},
    {"leg", W_LEG, 0, 0}, {"less", W_OTHER, B_DECR, 0}, {"little", W_OTHER, B_DECR, 0},
    {"major", W_OTHER, B_INCR, 0}, {"majorly", W_OTHER, B_INCR, 0},
    {"marginal", W_OTHER, B_DECR, 0}, {"marginally", W_OTHER, B_DECR, 0},
    {"mightn't", W_OTHER, 0, 1}, {"mightnt", W_OTHER, 0, 1}, {"more", W_OTHER, B_INCR, 0},
    {"most", W_OTHER, B_INCR, 0}, {"mouth", W_MOUTH, 0, 0}, {"mustard", W_MUSTARD, 0, 0},
    {"mustn't", W_OTHER, 0, 1}, {"mustnt", W_OTHER, 0, 1}, {"needn't", W_OTHER, 0, 1},
    {"neednt", W_OTHER, 0, 1}, {"neither", W_OTHER, 0, 1}, {"never", W_NEVER, 0, 1},
    {"no", W_NO, 0, 0}, {"none", W_OTHER, 0, 1}, {"nope", W_OTHER, 0, 1},
    {"nor", W_NOR, 0, 1}, {"not", W_OTHER, 0, 1}, {"nothing", W_OTHER, 0, 1},
    {"nowhere", W_OTHER, 0, 1}, {"occasional", W_OTHER, B_DECR, 0},
    {"occasionally", W_OTHER, B_DECR, 0}, {"of", W_OF, 0, 0}, {"on", W_ON, 0, 0},
    {"or", W_OR, 0, 0}, {"oughtn't", W_OTHER, 0, 1}, {"oughtnt", W_OTHER, 0, 1},
    {"particularly", W_OTHER, B_INCR, 0}, {"partly", W_OTHER, B_DECR, 0},
    {"purely", W_OTHER, B_INCR, 0}, {"quite", W_OTHER, B_INCR, 0},
    {"rarely", W_OTHER, 0, 1}, {"really", W_OTHER, B_INCR, 0}, {"red", W_RED, 0, 0},
    {"remarkably", W_OTHER, B_INCR, 0}, {"right", W_RIGHT, 0, 0},
    {"scarce", W_OTHER, B_DECR, 0}, {"scarcely", W_OTHER, B_DECR, 0},
    {"seldom", W_OTHER, 0, 1}, {"shan't", W_OTHER, 0, 1}, {"shant", W_OTHER, 0, 1},
    {"shit", W_SHIT, 0, 0}, {"shouldn't", W_OTHER, 0, 1}, {"shouldnt", W_OTHER, 0, 1},
    {"slight", W_OTHER, B_DECR, 0}, {"slightly", W_OTHER, B_DECR, 0},
    {"smoke", W_SMOKE, 0, 0}, {"so", W_SO, B_INCR, 0}, {"somewhat", W_OTHER, B_DECR, 0},
    {"sort", W_SORT, 0, 0}, {"sort-of", W_OTHER, B_DECR, 0}, {"sorta", W_OTHER, B_DECR, 0},
    {"sortof", W_OTHER, B_DECR, 0}, {"stop", W_STOP, 0, 0},
    {"substantially", W_OTHER, B_INCR, 0}, {"the", W_THE, 0, 0}, {"this", W_THIS, 0, 0},
    {"thoroughly", W_OTHER, B_INCR, 0}, {"to", W_TO, 0, 0}, {"total", W_OTHER, B_INCR, 0},
    {"totally", W_OTHER, B_INCR, 0}, {"tremendous", W_OTHER, B_INCR, 0},
    {"tremendously", W_OTHER, B_INCR, 0}, {"uber", W_OTHER, B_INCR, 0},
    {"uh-uh", W_OTHER, 0, 1}, {"uhuh", W_OTHER, 0, 1}, {"unbelievably", W_OTHER, B_INCR, 0},
    {"under", W_UNDER, 0, 0}, {"unusually", W_OTHER, B_INCR, 0}, {"upper", W_UPPER, 0, 0},
    {"utter", W_OTHER, B_INCR, 0}, {"utterly", W_OTHER, B_INCR, 0},
    {"very", W_VERY, B_INCR, 0}, {"wasn't", W_OTHER, 0, 1}, {"wasnt", W_OTHER, 0, 1},
    {"weather", W_WEATHER, 0, 0}, {"weren't", W_OTHER, 0, 1}, {"werent", W_OTHER, 0, 1},
    {"with", W_WITH, 0, 0}, {"without", W_WITHOUT, 0, 1}, {"won't", W_OTHER, 0, 1},
    {"wont", W_OTHER, 0, 1}, {"wouldn't", W_OTHER, 0, 1}, {"wouldnt", W_OTHER, 0, 1},
    {"yeah", W_YEAH, 0, 0},
};

static const uint8_t booster_bigrams[][2] = {
    {W_JUST, W_ENOUGH}, {W_KIND, W_OF}, {W_SORT, W_OF},
};

/* VADER's SPECIAL_CASES of two and three words ("badass", one word, can
 * never match VADER's word-pair test and is left out). */
struct idiom {
    uint8_t w[3]; /* enum word; 0 after the last */
    double v;
};
static const struct idiom special_cases[] = {
    {{W_THE, W_SHIT, 0}, 3},       {{W_THE, W_BOMB, 0}, 3},
    {{W_BAD, W_ASS, 0}, 1.5},      {{W_BUS, W_STOP, 0}, 0.0},
    {{W_YEAH, W_RIGHT, 0}, -2},    {{W_KISS, W_OF, W_DEATH}, -1.5},
    {{W_TO, W_DIE, W_FOR}, 3},        {{W_BEATING, W_HEART, 0}, 3.1},
    {{W_BROKEN, W_HEART, 0}, -2.9},
};

/* VADER's SENTIMENT_LADEN_IDIOMS. */
static const struct idiom laden_idioms[] = {
    {{W_CUT, W_THE, W_MUSTARD}, 2},   {{W_HAND, W_TO, W_MOUTH}, -2},
    {{W_BACK, W_HANDED, 0}, -2},   {{W_BLOW, W_SMOKE, 0}, -2},
    {{W_BLOWING, W_SMOKE, 0}, -2}, {{W_UPPER, W_HAND, 0}, 1},
    {{W_BREAK, W_A, W_LEG}, 2},       {{W_COOKING, W_WITH, W_GAS}, 2},
    {{W_IN, W_THE, W_BLACK}, 2},      {{W_IN, W_THE, W_RED}, -2},
    {{W_ON, W_THE, W_BALL}, 2},       {{W_UNDER, W_THE, W_WEATHER}, -2},
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
    uint8_t word;  /* enum word */
    bool negates;  /* VADER's negated([item]) */
    double valence;
    double booster; /* 0 when not a booster */
    char buf[ITEM_BUF];
};

/* The vocabulary as a hash table of indexes into vocab[] (+1; 0 is empty),
 * built once by the first call (pthread_once) into static storage: a lookup
 * is one hash and usually one compare, where a bsearch took eight. */
#define VOCAB_SLOTS 512 /* a power of two, over twice COUNT(vocab) */
static uint16_t vocab_slots[VOCAB_SLOTS];
static pthread_once_t vocab_once = PTHREAD_ONCE_INIT;

static uint32_t hash_word(const char *w, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)w[i];
        h *= 16777619u;
    }
    return h;
}

static void vocab_build(void)
{
    for (size_t i = 0; i < COUNT(vocab); i++) {
        size_t j = hash_word(vocab[i].w, strlen(vocab[i].w)) & (VOCAB_SLOTS - 1);
        while (vocab_slots[j])
            j = (j + 1) & (VOCAB_SLOTS - 1);
        vocab_slots[j] = (uint16_t)(i + 1);
    }
}

/* The vocabulary entry of the word w[0..len), or NULL. */
static const struct vocab *vocab_of(const char *w, size_t len)
{
    if (len == 0 || len > 13) /* "substantially" is the longest */
        return NULL;
    size_t j = hash_word(w, len) & (VOCAB_SLOTS - 1);
    while (vocab_slots[j]) {
        const struct vocab *v = &vocab[vocab_slots[j] - 1];
        if (strncmp(v->w, w, len) == 0 && v->w[len] == '\0')
            return v;
        j = (j + 1) & (VOCAB_SLOTS - 1);
    }
    return NULL;
}

static bool has_nt(const char *w, size_t len)
{
    for (size_t i = 0; i + 2 < len; i++)
        if (w[i] == 'n' && w[i + 1] == '\'' && w[i + 2] == 't')
            return true;
    return false;
}

/* A token that VADER would see as part of a white-space separated item with
 * other text: punctuation touching a word ("good," "(-:" excepted). */
static bool touches(const struct tokens *t, size_t a, size_t b)
{
    return t->v[a].end == t->v[b].start;
}

/* Concatenates the normal forms of tokens first..first+n-1 into out
 * (ITEM_BUF bytes); false when they do not fit. */
static bool concat_norms(const struct tokens *t, size_t first, size_t n, char *out,
                         size_t *out_len)
{
    size_t len = 0;
    for (size_t k = first; k < first + n; k++) {
        size_t l = t->v[k].norm_len;
        if (len + l + 1 > ITEM_BUF)
            return false;
        memcpy(out + len, tok_norm(t, k), l);
        len += l;
    }
    out[len] = '\0';
    *out_len = len;
    return true;
}

static bool is_punct_tok(const struct tokens *t, size_t i)
{
    return t->v[i].kind == TOK_PUNCT;
}

/*
 * Item boundaries.  A "chunk" is a run of touching tokens, what VADER would
 * see between two spaces.  Most items are single non-punctuation tokens,
 * their punctuation skipped (VADER strips it).  A chunk is one item whole
 * when VADER keeps it unstripped: when it is all punctuation ("-", "(-:"),
 * or when stripping its punctuation leaves one word of two characters or
 * fewer ("no,", "ok.", "D:", ":c", "&gt;"), as VADER's _strip_punc_if_word
 * does to spare emoticons; an emoticon with a mark after it is one item when
 * the lexicon lists the whole (":o)").  next_item() returns the first token
 * of the next item at or after *pos and the number of its tokens, advancing
 * *pos past it; false at the end.
 */
static bool next_item(const struct lexicon *lx, const struct tokens *t, size_t *pos,
                      size_t *first, size_t *n)
{
    size_t i = *pos;
    while (i < t->n) {
        bool starts_chunk = i == 0 || !touches(t, i - 1, i);
        size_t j = i;
        if (starts_chunk)
            while (j + 1 < t->n && touches(t, j, j + 1))
                j++;
        if (starts_chunk && (j > i || is_punct_tok(t, i))) {
            size_t a = i, b = j;
            while (a <= j && is_punct_tok(t, a))
                a++;
            bool whole = a > j; /* all punctuation */
            if (!whole) {
                while (is_punct_tok(t, b))
                    b--;
                uint8_t kind = t->v[a].kind;
                if (a == b && kind != TOK_EMOTICON && kind != TOK_EMOJI)
                    whole = utf8_length(tok_norm(t, a), t->v[a].norm_len) <= 2;
                else if (a == b) {
                    char buf[ITEM_BUF];
                    size_t len;
                    double v;
                    whole = concat_norms(t, i, j - i + 1, buf, &len) &&
                            lexicon_get(lx, buf, len, &v);
                }
            }
            if (whole) {
                *first = i;
                *n = j - i + 1;
                *pos = j + 1;
                return true;
            }
        }
        if (!is_punct_tok(t, i)) {
            *first = i;
            *n = 1;
            *pos = i + 1;
            return true;
        }
        i++;
    }
    *pos = i;
    return false;
}

/* VADER's str.isupper() of an item: a word in capitals, or an item whose
 * word is ("NO.", "D:"); a one-letter capital ("I", "A") counts, as in
 * Python. */
static bool is_upper_item(const struct tokens *t, size_t first, size_t n)
{
    for (size_t i = first; i < first + n; i++) {
        const struct token *tk = &t->v[i];
        if (tk->flags & TOK_ALLCAPS)
            return true;
        if (tk->kind == TOK_WORD && (tk->flags & TOK_CAPITALISED) && tk->norm_len == 1)
            return true;
    }
    return false;
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
    it->upper = is_upper_item(t, first, n);
    it->scored = true;
    if (n > 1) { /* a punctuation run or an emoticon in several tokens */
        size_t len;
        if (!concat_norms(t, first, n, it->buf, &len))
            it->scored = false;
        it->w = it->buf;
        it->len = it->scored ? len : 0;
        it->buf[it->len] = '\0';
    }
    switch (n > 1 ? TOK_PUNCT : tk->kind) {
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
        if (found || vocab_of(it->buf, len1)) {
            it->w = it->buf;
            it->len = len1;
            it->in_lex = found;
            if (found)
                it->valence = v;
        }
    }
    const struct vocab *vo = vocab_of(it->w, it->len);
    it->word = vo ? vo->word : W_OTHER;
    it->booster = vo ? vo->booster : 0;
    it->negates = (vo && vo->negates) || has_nt(it->w, it->len);
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
    return it->word == W_SO || it->word == W_THIS;
}

/* VADER's _negation_check() for the word start_i + 1 places before it. */
static double negation_check(double v, const struct item *const *w, int start_i)
{
    /* w[-1], w[-2], w[-3] are the items before the scored one. */
    if (start_i == 0) {
        if (w[-1]->negates)
            v *= N_SCALAR;
    } else if (start_i == 1) {
        if (w[-2]->word == W_NEVER && so_or_this(w[-1]))
            v *= 1.25;
        else if (w[-2]->word == W_WITHOUT && w[-1]->word == W_DOUBT)
            ;
        else if (w[-2]->negates)
            v *= N_SCALAR;
    } else {
        /* VADER's "A and B or C": "so"/"this" right before the word
         * counts without "never" too. */
        if ((w[-3]->word == W_NEVER && so_or_this(w[-2])) || so_or_this(w[-1]))
            v *= 1.25;
        else if (w[-3]->word == W_WITHOUT && (w[-2]->word == W_DOUBT || w[-1]->word == W_DOUBT))
            ;
        else if (w[-3]->negates)
            v *= N_SCALAR;
    }
    return v;
}

static bool idiom_at(const struct idiom *id, const struct item *const *w, int from, int avail_hi)
{
    for (int k = 0; k < 3 && id->w[k]; k++) {
        if (from + k > avail_hi || !w[from + k] || w[from + k]->word != id->w[k])
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
    /* Every special case and booster pair starts with a rule word. */
    if (w[-3]->word == W_OTHER && w[-2]->word == W_OTHER && w[-1]->word == W_OTHER &&
        w[0]->word == W_OTHER)
        return v;
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
        if (w[-3]->word == booster_bigrams[k][0] && w[-2]->word == booster_bigrams[k][1])
            v += B_DECR;
        if (w[-2]->word == booster_bigrams[k][0] && w[-1]->word == booster_bigrams[k][1])
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
    if (it->word == W_NO && hi >= 1 && w[1]->in_lex)
        v = 0.0;
    if ((i_item > 0 && w[-1]->word == W_NO) || (i_item > 1 && w[-2]->word == W_NO) ||
        (i_item > 2 && w[-3]->word == W_NO && (w[-1]->word == W_OR || w[-1]->word == W_NOR)))
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
    if (i_item > 1 && !w[-1]->in_lex && w[-1]->word == W_LEAST) {
        if (w[-2]->word != W_AT && w[-2]->word != W_VERY)
            v *= N_SCALAR;
    } else if (i_item > 0 && !w[-1]->in_lex && w[-1]->word == W_LEAST) {
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
#define ITEMS_KEPT 256

void sentiment_score(const struct lexicon *lx, const struct tokens *t, struct sentiment *out)
{
    memset(out, 0, sizeof *out);
    pthread_once(&vocab_once, vocab_build);

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
    /* Item bounds are kept for the second pass, for the usual short message. */
    struct {
        uint32_t first, n;
    } bounds[ITEMS_KEPT];
    size_t pos = 0, first, n;
    while (next_item(lx, t, &pos, &first, &n)) {
        if (n_items < ITEMS_KEPT) {
            bounds[n_items].first = (uint32_t)first;
            bounds[n_items].n = (uint32_t)n;
        }
        bool word = false;
        for (size_t k = first; k < first + n; k++)
            word |= t->v[k].kind != TOK_PUNCT;
        if (!word && n > 1) { /* "(-:" */
            char buf[ITEM_BUF];
            size_t len;
            double v;
            word = concat_norms(t, first, n, buf, &len) && lexicon_get(lx, buf, len, &v);
        }
        n_words += word;
        if (is_upper_item(t, first, n))
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
    /* next_item() leaves pos after the item's last token: resume there
     * past the kept bounds. */
    pos = n_items > ITEMS_KEPT ? bounds[ITEMS_KEPT - 1].first + bounds[ITEMS_KEPT - 1].n : 0;
    struct sums before = {0}, after = {0};
    size_t idiom_left = 0; /* later words of a sentiment-laden idiom still to skip */
    for (size_t i = 0; i < n_items; i++) {
        while (produced < n_items && produced < i + 3) {
            if (produced < ITEMS_KEPT) {
                first = bounds[produced].first;
                n = bounds[produced].n;
            } else if (!next_item(lx, t, &pos, &first, &n)) {
                break;
            }
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
                    /* negated as a word would be ("doesn't cut the mustard") */
                    for (size_t b = 1; b <= 3 && b <= i; b++) {
                        if (w[-(long)b]->negates) {
                            s *= N_SCALAR;
                            break;
                        }
                    }
                    laden = true;
                    break;
                }
            }
            if (!laden && it->booster == 0 &&
                !(it->word == W_KIND && hi >= 1 && w[1]->word == W_OF))
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
