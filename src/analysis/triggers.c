/*
 * Conflict triggers (triggers.h): phrase lists from data/triggers/ plus the
 * shouting rule.
 *
 * Data structure.  One phrase_set holds every phrase of every kind, matched
 * on stems; a second, unstemmed one holds the few written "=phrase", matched
 * on the words' normal forms ("=manager" must not meet "managed", which
 * shares its stem).  The value of a phrase is its index in entries[] (one
 * index space over both sets), which says the kind, the
 * confidence, whether the line is an exception ("!phrase": hits of its kind
 * that overlap it are dropped) and whether the phrase itself carries a
 * negator or punctuation.  Shouting has no phrases: its thresholds and its
 * acronyms (case-folded, sorted, for bsearch) come from shouting.txt.
 *
 * A hit survives when
 *   - its tokens lie in one sentence and, unless the phrase has punctuation
 *     of its own, hold no punctuation (a "*" never matches a comma);
 *   - not all of its words are quoted (the customer quotes someone else);
 *   - no word of it is negated, or the phrase carries its own negator
 *     ("won't be back"), or the negation sits in a condition ("if this is
 *     not fixed I will cancel": the threat is real);
 *   - no exception of its kind overlaps it.
 * Survivors of one kind that overlap are merged into one span with the
 * highest confidence.  Everything read after loading is read-only, so one
 * set serves every thread.
 *
 * Cost.  Matching is one walk over the tokens; the hits come through a
 * callback and at most HITS_PER_KIND_MAX of a kind are kept, so a message
 * that repeats a phrase costs memory for a few thousand spans.  Exceptions
 * and silencing hits are sorted by first token with a running maximum of
 * their last, so checking a hit against them is two binary searches: the
 * whole is O(n log n) in tokens, whatever the text.  When more spans survive
 * than the caller has room for, the kinds share the room (a flood of one
 * kind does not hide a threat of another).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "analysis/datafile.h"
#include "analysis/triggers.h"
#include "text/phrase.h"
#include "text/stem.h"
#include "text/tokenize.h"
#include "util/alloc.h"
#include "util/utf8.h"

#define DEFAULT_CONFIDENCE 0.9

#define X(e, s) s,
static const char *const kind_file[] = {TRIGGER_KINDS(X)};
#undef X

struct trig_entry {
    uint8_t kind;     /* enum trigger_kind */
    bool except;      /* "!phrase": a hit of kind overlapping it is dropped */
    bool has_negator; /* the phrase carries its own negation */
    bool has_punct;   /* the phrase has punctuation, so its hits may too */
    float confidence;
};

struct trigger_set {
    struct phrase_set *phrases; /* matched on stems */
    struct phrase_set *exact;   /* "=phrase": matched on normal forms */
    struct trig_entry *entries;
    size_t n_entries, cap_entries;
    /* shouting */
    double shout_ratio;
    unsigned shout_words, shout_letters;
    double shout_confidence;
    char **acronyms; /* case-folded, sorted */
    size_t n_acronyms;
};

/* A candidate span over tokens [first, last]. */
struct span {
    uint32_t first, last;
    uint8_t kind;
    float confidence;
};

/* ---- loading ---- */

struct loader {
    struct trigger_set *ts;
    struct tokens tok; /* scratch for tokenizing phrases and acronyms */
    const char *path;
    unsigned line;
    char *err;
    size_t errlen;
};

/* Sets the error "path:line: what" and returns false. */
static bool failf(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool failf(struct loader *ld, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(ld->err, ld->errlen, "%s:%u: %s", ld->path, ld->line, what);
    return false;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Splits a trailing " @0.6" off s (in place) into *conf.  False, with the
 * error set, when it is there but not a number in 0..1. */
static bool take_confidence(struct loader *ld, char *s, double *conf)
{
    *conf = DEFAULT_CONFIDENCE;
    char *at = strrchr(s, '@');
    if (!at || (at != s && !is_blank(at[-1])) || !(at[1] == '.' || (at[1] >= '0' && at[1] <= '9')))
        return true; /* no suffix, or an @handle inside the phrase */
    errno = 0;
    char *end;
    double v = strtod(at + 1, &end);
    if (errno || *end != '\0' || !(v >= 0.0 && v <= 1.0))
        return failf(ld, "bad confidence '%s' (a number from 0 to 1)", at);
    *at = '\0';
    datafile_strip(s);
    if (!*s)
        return failf(ld, "confidence '%s' without a phrase", at + 1);
    *conf = v;
    return true;
}

static bool add_entry(struct loader *ld, enum trigger_kind kind, const char *phrase, bool except,
                      bool exact, double conf)
{
    struct trigger_set *ts = ld->ts;
    if (!utf8_valid(phrase, strlen(phrase)))
        return failf(ld, "%s", "the phrase is not valid UTF-8");
    enum terr e = tokenize(phrase, strlen(phrase), &ld->tok);
    if (e != TERR_OK || ld->tok.n == 0)
        return failf(ld, "phrase '%s' has no words", phrase);
    struct trig_entry en = {.kind = (uint8_t)kind, .except = except, .confidence = (float)conf};
    size_t words = 0;
    for (size_t i = 0; i < ld->tok.n; i++) {
        words += ld->tok.v[i].kind != TOK_PUNCT;
        if (ld->tok.v[i].flags & TOK_NEGATOR)
            en.has_negator = true;
        if (ld->tok.v[i].kind == TOK_PUNCT && strcmp(tok_norm(&ld->tok, i), "*") != 0)
            en.has_punct = true;
    }
    if (!words)
        return failf(ld, "phrase '%s' has no words", phrase);
    if (ts->n_entries >= UINT32_MAX)
        return failf(ld, "too many phrases at '%s'", phrase);
    e = phrase_set_add(exact ? ts->exact : ts->phrases, phrase, (uint32_t)ts->n_entries);
    if (e != TERR_OK)
        return failf(ld, "phrase '%s' has no words or more than 16", phrase);
    if (ts->n_entries == ts->cap_entries) {
        ts->cap_entries = ts->cap_entries ? 2 * ts->cap_entries : 256;
        ts->entries = xrealloc(ts->entries, ts->cap_entries * sizeof ts->entries[0]);
    }
    ts->entries[ts->n_entries++] = en;
    return true;
}

/* One line of a phrase file (comment already stripped, not empty). */
static bool phrase_line(struct loader *ld, enum trigger_kind kind, char *s)
{
    bool except = s[0] == '!';
    if (except) {
        s = datafile_strip(s + 1);
        if (!*s)
            return failf(ld, "%s", "'!' without a phrase");
    }
    bool exact = s[0] == '=';
    if (exact) {
        s = datafile_strip(s + 1);
        if (!*s)
            return failf(ld, "%s", "'=' without a phrase");
    }
    double conf;
    if (!take_confidence(ld, s, &conf))
        return false;
    return add_entry(ld, kind, s, except, exact, conf);
}

static bool shout_number(struct loader *ld, const char *key, const char *val, double lo, double hi,
                         double *out)
{
    errno = 0;
    char *end;
    double v = strtod(val, &end);
    if (errno || end == val || *end != '\0' || !(v >= lo && v <= hi))
        return failf(ld, "bad value '%s' for %s (%g to %g)", val, key, lo, hi);
    *out = v;
    return true;
}

/* One line of shouting.txt: a threshold ("min_ratio 0.6") or an acronym. */
static bool shouting_line(struct loader *ld, char *s)
{
    struct trigger_set *ts = ld->ts;
    char *sp = s;
    while (*sp && !is_blank(*sp))
        sp++;
    if (*sp) {
        *sp = '\0';
        char *val = datafile_strip(sp + 1);
        double v = 0;
        if (!strcmp(s, "min_ratio")) {
            if (!shout_number(ld, s, val, 0.0, 1.0, &v))
                return false;
            ts->shout_ratio = v;
        } else if (!strcmp(s, "min_words")) {
            if (!shout_number(ld, s, val, 1, 1000, &v))
                return false;
            ts->shout_words = (unsigned)v;
        } else if (!strcmp(s, "min_letters")) {
            if (!shout_number(ld, s, val, 1, 100000, &v))
                return false;
            ts->shout_letters = (unsigned)v;
        } else if (!strcmp(s, "confidence")) {
            if (!shout_number(ld, s, val, 0.0, 1.0, &v))
                return false;
            ts->shout_confidence = v;
        } else {
            return failf(ld, "unknown setting '%s' (an acronym is one word)", s);
        }
        return true;
    }
    enum terr e = tokenize(s, strlen(s), &ld->tok);
    bool one_word = e == TERR_OK && ld->tok.n == 1 &&
                    (ld->tok.v[0].kind == TOK_WORD || ld->tok.v[0].kind == TOK_ID);
    if (!one_word)
        return failf(ld, "acronym '%s' is not one word", s);
    ts->acronyms = xrealloc(ts->acronyms, (ts->n_acronyms + 1) * sizeof ts->acronyms[0]);
    ts->acronyms[ts->n_acronyms++] = xstrdup(tok_norm(&ld->tok, 0));
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool load_file(struct loader *ld, const char *dir, enum trigger_kind kind)
{
    char name[64];
    snprintf(name, sizeof name, "triggers/%s.txt", kind_file[kind]);
    struct datafile df;
    if (!datafile_open(&df, dir, name, ld->err, ld->errlen))
        return false;
    ld->path = df.path;
    char *s;
    bool ok = true;
    while (ok && (s = datafile_next(&df))) {
        ld->line = df.line;
        ok = kind == TRIG_SHOUTING ? shouting_line(ld, s) : phrase_line(ld, kind, s);
    }
    ok = ok && !df.failed;
    datafile_close(&df);
    ld->path = NULL;
    return ok;
}

struct trigger_set *triggers_load(const char *dir, struct stemmer *s, char *err, size_t errlen)
{
    struct trigger_set *ts = xcalloc(1, sizeof *ts);
    ts->phrases = phrase_set_new(s);
    ts->exact = phrase_set_new(NULL);
    ts->shout_ratio = 0.6;
    ts->shout_words = 3;
    ts->shout_letters = 12;
    ts->shout_confidence = 0.8;
    struct loader ld = {.ts = ts, .err = err, .errlen = errlen};
    tokens_init(&ld.tok);
    bool ok = true;
    for (int k = 0; ok && k < N_TRIGGER_KINDS; k++)
        ok = load_file(&ld, dir, (enum trigger_kind)k);
    tokens_release(&ld.tok);
    if (!ok) {
        triggers_free(ts);
        return NULL;
    }
    qsort(ts->acronyms, ts->n_acronyms, sizeof ts->acronyms[0], cmp_str);
    phrase_set_build(ts->phrases);
    phrase_set_build(ts->exact);
    return ts;
}

void triggers_free(struct trigger_set *ts)
{
    if (!ts)
        return;
    phrase_set_free(ts->phrases);
    phrase_set_free(ts->exact);
    free(ts->entries);
    for (size_t i = 0; i < ts->n_acronyms; i++)
        free(ts->acronyms[i]);
    free(ts->acronyms);
    free(ts);
}

/* ---- matching ---- */

static bool word_is(const struct tokens *t, size_t i, const char *w)
{
    return t->v[i].kind == TOK_WORD && strcmp(tok_norm(t, i), w) == 0;
}

/* True when the negation over token i sits in a condition: the nearest
 * negator before i (same sentence) is itself preceded, in that sentence, by
 * "if", "unless" or "until".  "If this is not fixed I will cancel" threatens;
 * "I'm not going to cancel" does not. */
static bool negation_is_conditional(const struct tokens *t, size_t i)
{
    unsigned sentence = t->v[i].sentence;
    size_t neg = i;
    while (neg > 0 && t->v[neg - 1].sentence == sentence) {
        neg--;
        if (t->v[neg].flags & TOK_NEGATOR)
            break;
    }
    if (!(t->v[neg].flags & TOK_NEGATOR))
        return false;
    for (size_t k = neg, seen = 0; k > 0 && seen < 10 && t->v[k - 1].sentence == sentence; seen++) {
        k--;
        if (word_is(t, k, "if") || word_is(t, k, "unless") || word_is(t, k, "until") ||
            word_is(t, k, "till"))
            return true;
    }
    return false;
}

/* What becomes of one hit under the rules of the module comment. */
enum hit_fate {
    HIT_STANDS,
    HIT_BROKEN,   /* across punctuation or sentences: no phrase at all */
    HIT_SILENCED, /* negated or quoted: it also silences the shorter hits inside it */
};

static enum hit_fate hit_fate(const struct tokens *t, const struct trig_entry *en, uint32_t first,
                              uint32_t last)
{
    bool negated = false, all_quoted = true, any_word = false;
    for (uint32_t i = first; i <= last; i++) {
        const struct token *k = &t->v[i];
        if (k->sentence != t->v[first].sentence)
            return HIT_BROKEN;
        if (k->kind == TOK_PUNCT && !en->has_punct)
            return HIT_BROKEN;
        if (k->kind == TOK_PUNCT || k->kind == TOK_EMOJI || k->kind == TOK_EMOTICON)
            continue;
        any_word = true;
        if (!(k->flags & TOK_QUOTED))
            all_quoted = false;
        if (k->flags & TOK_NEGATED)
            negated = true;
    }
    if (any_word && all_quoted)
        return HIT_SILENCED;
    if (negated && !en->has_negator && !negation_is_conditional(t, first))
        return HIT_SILENCED;
    return HIT_STANDS;
}

static int cmp_span(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return (x->last > y->last) - (x->last < y->last);
}

/* A growable array of spans; a few hundred live on the caller's stack. */
struct spans {
    struct span *v;
    size_t n, cap;
    bool heap;
};

static void spans_push(struct spans *s, struct span sp)
{
    if (s->n == s->cap) {
        size_t cap = 2 * s->cap;
        struct span *v = xmalloc(cap * sizeof *v);
        memcpy(v, s->v, s->n * sizeof *v);
        if (s->heap)
            free(s->v);
        s->v = v;
        s->cap = cap;
        s->heap = true;
    }
    s->v[s->n++] = sp;
}

static bool is_acronym(const struct trigger_set *ts, const struct tokens *t, size_t i)
{
    const char *w = tok_norm(t, i);
    return bsearch(&w, ts->acronyms, ts->n_acronyms, sizeof ts->acronyms[0], cmp_str) != NULL;
}

/* Letters and upper-case letters of token i in the original text. */
static void count_letters(const char *text, const struct token *k, unsigned *letters,
                          unsigned *upper)
{
    *letters = *upper = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text + k->start;
    utf8proc_ssize_t left = (utf8proc_ssize_t)(k->end - k->start);
    while (left > 0) {
        if (*p < 0x80) { /* ASCII: no table lookup */
            if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') {
                (*letters)++;
                *upper += *p <= 'Z';
            }
            p++;
            left--;
            continue;
        }
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
        if (n <= 0)
            break;
        utf8proc_category_t cat = utf8proc_category(c);
        if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
            (*letters)++;
            if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
                (*upper)++;
        }
        p += n;
        left -= n;
    }
}

/* How a word token counts for shouting. */
enum shout_role { SR_NEUTRAL, SR_CAPS, SR_LOWER, SR_BREAK };

static enum shout_role shout_role(const struct trigger_set *ts, const char *text,
                                  const struct tokens *t, size_t i, unsigned *letters,
                                  unsigned *upper)
{
    const struct token *k = &t->v[i];
    *letters = *upper = 0;
    if (k->kind != TOK_WORD)
        return SR_NEUTRAL;
    count_letters(text, k, letters, upper);
    if (*letters < 2)
        return *upper ? SR_NEUTRAL : SR_BREAK; /* "I", "A" sit inside a shout; "a" ends it */
    if (*upper != *letters)
        return SR_LOWER;
    return is_acronym(ts, t, i) ? SR_NEUTRAL : SR_CAPS;
}

/* Extends a shouting span left over a one-letter capital ("I WANT ..."). */
static uint32_t shout_start(const char *text, const struct tokens *t, uint32_t first)
{
    if (first > 0 && t->v[first - 1].kind == TOK_WORD) {
        unsigned letters, upper;
        count_letters(text, &t->v[first - 1], &letters, &upper);
        if (letters == 1 && upper == 1)
            return first - 1;
    }
    return first;
}

static void find_shouting(const struct trigger_set *ts, const char *text, const struct tokens *t,
                          struct spans *out)
{
    unsigned total = 0, upper_total = 0, caps_words = 0, caps_letters = 0;
    size_t first_caps = SIZE_MAX, last_caps = 0;
    for (size_t i = 0; i < t->n; i++) {
        unsigned letters, upper;
        enum shout_role r = shout_role(ts, text, t, i, &letters, &upper);
        if (r != SR_CAPS && r != SR_LOWER)
            continue;
        total += letters;
        upper_total += upper;
        if (r == SR_CAPS) {
            caps_words++;
            caps_letters += letters;
            if (first_caps == SIZE_MAX)
                first_caps = i;
            last_caps = i;
        }
    }
    if (!caps_words)
        return;
    float conf = (float)ts->shout_confidence;
    if ((double)upper_total >= ts->shout_ratio * total &&
        (caps_words >= ts->shout_words || caps_letters >= ts->shout_letters)) {
        spans_push(out, (struct span){shout_start(text, t, (uint32_t)first_caps),
                                      (uint32_t)last_caps, TRIG_SHOUTING, conf});
        return;
    }
    /* Runs of capitals inside calmer text. */
    size_t run_first = SIZE_MAX, run_last = 0;
    unsigned run_words = 0, run_letters = 0;
    for (size_t i = 0; i <= t->n; i++) {
        unsigned letters = 0, upper = 0;
        enum shout_role r = i < t->n ? shout_role(ts, text, t, i, &letters, &upper) : SR_BREAK;
        if (r == SR_CAPS) {
            if (run_first == SIZE_MAX)
                run_first = i;
            run_last = i;
            run_words++;
            run_letters += letters;
        } else if (r == SR_LOWER || r == SR_BREAK) {
            if (run_first != SIZE_MAX &&
                (run_words >= ts->shout_words || run_letters >= ts->shout_letters))
                spans_push(out, (struct span){shout_start(text, t, (uint32_t)run_first),
                                              (uint32_t)run_last, TRIG_SHOUTING, conf});
            run_first = SIZE_MAX;
            run_words = run_letters = 0;
        }
    }
}

/* Within a kind: the most confident first, then by position. */
static int cmp_span_conf(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->confidence != y->confidence)
        return x->confidence > y->confidence ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return (x->last > y->last) - (x->last < y->last);
}

/* Order of output: by first token (so by start), then kind. */
static int cmp_span_pos(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return (x->kind > y->kind) - (x->kind < y->kind);
}

/* Raw phrase hits taken per kind and message.  The output holds
 * ANALYSIS_MAX_TRIGGERS spans at most, so a message that repeats one phrase
 * thousands of times ("scam scam scam ...") gains nothing from the rest;
 * the cap is per kind so such a flood cannot push out a threat of another
 * kind further on. */
#define HITS_PER_KIND_MAX 4096

/* Collects the hits of one message (phrase_set_each's callback). */
struct collect {
    const struct trigger_set *ts;
    const struct tokens *t;
    struct spans kept, exc, silenced;
    uint32_t taken[N_TRIGGER_KINDS];
    /* Once a kind has taken HITS_PER_KIND_MAX hits: the last token of the
     * last one.  Its later hits are ignored, but for exceptions and silencing
     * hits that start at or before it (they may still drop a kept hit);
     * hits arrive in order of last token and span at most PHRASE_MAX_TOKENS,
     * so those are few. */
    uint32_t stop[N_TRIGGER_KINDS];
};

static void collect_hit(const struct phrase_hit *h, void *ctx)
{
    struct collect *c = ctx;
    const struct trig_entry *en = &c->ts->entries[h->value];
    uint8_t k = en->kind;
    bool full = c->taken[k] >= HITS_PER_KIND_MAX;
    if (full && h->first > c->stop[k])
        return;
    if (!full && ++c->taken[k] == HITS_PER_KIND_MAX)
        c->stop[k] = h->last;
    struct span sp = {h->first, h->last, k, en->confidence};
    if (en->except) {
        spans_push(&c->exc, sp);
        return;
    }
    switch (hit_fate(c->t, en, sp.first, sp.last)) {
    case HIT_STANDS:
        if (!full || h->last <= c->stop[k])
            spans_push(&c->kept, sp);
        break;
    case HIT_SILENCED:
        spans_push(&c->silenced, sp);
        break;
    case HIT_BROKEN:
        break;
    }
}

/* Sorts s by kind and first token, then turns each span's last into the
 * largest last of its kind up to it, so that the spans of a kind starting
 * at or before a token reach at most as far as the last of them. */
static void spans_index(struct spans *s)
{
    qsort(s->v, s->n, sizeof s->v[0], cmp_span);
    for (size_t i = 1; i < s->n; i++)
        if (s->v[i].kind == s->v[i - 1].kind && s->v[i - 1].last > s->v[i].last)
            s->v[i].last = s->v[i - 1].last;
}

/* How far the spans of kind that start at or before token first reach (an
 * index made by spans_index); -1 when none does. */
static int64_t spans_reach(const struct spans *s, uint8_t kind, uint32_t first)
{
    size_t lo = 0, hi = s->n; /* the first span after (kind, first) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct span *m = &s->v[mid];
        if (m->kind < kind || (m->kind == kind && m->first <= first))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || s->v[lo - 1].kind != kind)
        return -1;
    return s->v[lo - 1].last;
}

/* Keeps at most max of the merged spans (sorted by kind and first), shared
 * fairly between kinds: each kind gets as many as the others, up to what it
 * has; within a kind the most confident, then the earliest, stay. */
static void spans_cap(struct spans *s, size_t max)
{
    if (s->n <= max)
        return;
    size_t count[N_TRIGGER_KINDS] = {0}, quota[N_TRIGGER_KINDS] = {0}, given = 0;
    for (size_t i = 0; i < s->n; i++)
        count[s->v[i].kind]++;
    while (given < max)
        for (int k = 0; k < N_TRIGGER_KINDS && given < max; k++)
            if (quota[k] < count[k]) {
                quota[k]++;
                given++;
            }
    size_t w = 0;
    for (size_t i = 0; i < s->n;) {
        uint8_t k = s->v[i].kind;
        if (quota[k] < count[k])
            qsort(s->v + i, count[k], sizeof s->v[0], cmp_span_conf);
        memmove(s->v + w, s->v + i, quota[k] * sizeof s->v[0]);
        w += quota[k];
        i += count[k];
    }
    s->n = w;
}

size_t triggers_find(const struct trigger_set *ts, const char *text, size_t len,
                     const struct tokens *t, struct trigger *out, size_t max)
{
    (void)len;
    if (!t->n)
        return 0;
    struct span stack_spans[256], stack_exc[64], stack_silenced[64];
    struct collect c = {
        .ts = ts,
        .t = t,
        .kept = {stack_spans, 0, 256, false},
        .exc = {stack_exc, 0, 64, false},
        .silenced = {stack_silenced, 0, 64, false},
    };
    phrase_set_each(ts->phrases, t, collect_hit, &c);
    phrase_set_each(ts->exact, t, collect_hit, &c);
    struct spans kept = c.kept;

    /* Exceptions drop the hits of their kind that overlap them; a silenced
     * hit drops those wholly inside it ("no intention of leaving a bad
     * review" silences "bad review" too).  Both are indexed by first token,
     * so each kept hit costs two binary searches. */
    spans_index(&c.exc);
    spans_index(&c.silenced);
    size_t w = 0;
    for (size_t i = 0; i < kept.n; i++) {
        const struct span *k = &kept.v[i];
        /* The exact set's hits come after the stemmed set's: a kind that
         * filled up during either keeps only the hits up to its stop. */
        bool dropped = (c.taken[k->kind] >= HITS_PER_KIND_MAX && k->last > c.stop[k->kind]) ||
                       spans_reach(&c.exc, k->kind, k->last) >= (int64_t)k->first ||
                       spans_reach(&c.silenced, k->kind, k->first) >= (int64_t)k->last;
        if (!dropped)
            kept.v[w++] = *k;
    }
    kept.n = w;
    find_shouting(ts, text, t, &kept);

    /* Merge overlapping spans of one kind. */
    qsort(kept.v, kept.n, sizeof kept.v[0], cmp_span);
    w = 0;
    for (size_t i = 0; i < kept.n; i++) {
        struct span *prev = w ? &kept.v[w - 1] : NULL;
        if (prev && prev->kind == kept.v[i].kind && kept.v[i].first <= prev->last) {
            if (kept.v[i].last > prev->last)
                prev->last = kept.v[i].last;
            if (kept.v[i].confidence > prev->confidence)
                prev->confidence = kept.v[i].confidence;
        } else {
            kept.v[w++] = kept.v[i];
        }
    }
    kept.n = w;
    spans_cap(&kept, max);

    qsort(kept.v, kept.n, sizeof kept.v[0], cmp_span_pos);
    size_t n_out = 0;
    for (size_t i = 0; i < kept.n && n_out < max; i++) {
        const struct span *sp = &kept.v[i];
        out[n_out++] = (struct trigger){.kind = (enum trigger_kind)sp->kind,
                                        .start = t->v[sp->first].start,
                                        .end = t->v[sp->last].end,
                                        .confidence = sp->confidence};
    }
    if (kept.heap)
        free(kept.v);
    if (c.exc.heap)
        free(c.exc.v);
    if (c.silenced.heap)
        free(c.silenced.v);
    return n_out;
}
