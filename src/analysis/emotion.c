/*
 * Emotion estimates from cues, sentiment and message shape, blended with an
 * emotion model's label probabilities when one is loaded.
 *
 * The cue list is a hash table (open addressing, linear probing) from the
 * stem of a cue's first word to a chain of cues (struct cue, linked by
 * index); a cue's later words are NUL-terminated stems in pool.  The table is
 * at most half full and read-only once loaded, so threads share it.  A
 * message is matched in one walk over its tokens: one lookup per token, and
 * a few string compares for the rare multi-word cue whose first word hits.
 *
 * Evidence for one emotion is combined as independent ("noisy-or"):
 * 1 - (1-a)(1-b)..., so two weak cues make a stronger case than one, and no
 * pile of cues exceeds 1.
 */
#include "analysis/emotion.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/lexicon.h"
#include "analysis/model.h"
#include "text/stem.h"
#include "text/tokenize.h"
#include "util/alloc.h"
#include "util/buf.h"

#define CUES_MAX_FILE (4u << 20)
#define CUE_MAX_WORDS 4
#define CUE_MAX_LINE 1024

struct cue {
    uint32_t rest;    /* offset in pool of the later words' stems, each NUL-ended */
    uint8_t n_words;  /* 1..CUE_MAX_WORDS */
    uint8_t emotion;  /* enum emotion */
    float weight;     /* 0..1 */
    int32_t next;     /* next cue with the same first stem, -1 at the end */
};

struct cue_slot {
    uint32_t hash;
    uint32_t key; /* offset in pool of the first word's stem */
    uint16_t len; /* 0: empty */
    int32_t head; /* first cue of the chain */
};

struct emotion_cues {
    struct cue_slot *slots;
    size_t mask, n_keys;
    struct cue *cues;
    size_t n, cap;
    struct buf pool;
};

#define X(e, s) s,
static const char *const emotion_names[] = {EMOTIONS(X)};
#undef X

/* Other names a cue file may use: GoEmotions' words for the same feelings. */
static const struct {
    const char *name;
    enum emotion e;
} emotion_aliases[] = {
    {"sadness", EMO_SADNESS}, {"fear", EMO_FEAR}, {"joy", EMO_JOY},
};

/* GoEmotions' labels feeding each emotion; other labels (neutral, surprise,
 * curiosity...) feed none. */
static const struct {
    const char *label;
    enum emotion e;
} model_labels[] = {
    {"anger", EMO_ANGER},          {"disgust", EMO_ANGER},
    {"annoyance", EMO_ANNOYANCE},  {"disapproval", EMO_ANNOYANCE},
    {"disappointment", EMO_SADNESS}, {"sadness", EMO_SADNESS},
    {"grief", EMO_SADNESS},        {"remorse", EMO_SADNESS},
    {"fear", EMO_FEAR},            {"nervousness", EMO_FEAR},
    {"gratitude", EMO_JOY},        {"joy", EMO_JOY},
    {"admiration", EMO_JOY},       {"love", EMO_JOY},
    {"relief", EMO_JOY},           {"approval", EMO_JOY},
    {"optimism", EMO_JOY},         {"excitement", EMO_JOY},
    {"amusement", EMO_JOY},
};

#define COUNT(a) (sizeof(a) / sizeof *(a))

static uint32_t hash_str(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static struct cue_slot *find_slot(const struct emotion_cues *c, const char *w, size_t len,
                                  uint32_t h)
{
    size_t i = h & c->mask;
    for (;;) {
        struct cue_slot *sl = &c->slots[i];
        if (sl->len == 0)
            return sl;
        if (sl->hash == h && sl->len == len && memcmp(c->pool.data + sl->key, w, len) == 0)
            return sl;
        i = (i + 1) & c->mask;
    }
}

static void grow_slots(struct emotion_cues *c)
{
    size_t old_cap = c->mask + 1;
    struct cue_slot *old = c->slots;
    c->slots = xcalloc(old_cap * 2, sizeof *c->slots);
    c->mask = old_cap * 2 - 1;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].len == 0)
            continue;
        size_t j = old[i].hash & c->mask;
        while (c->slots[j].len != 0)
            j = (j + 1) & c->mask;
        c->slots[j] = old[i];
    }
    free(old);
}

void emotion_cues_free(struct emotion_cues *c)
{
    if (!c)
        return;
    free(c->slots);
    free(c->cues);
    buf_release(&c->pool);
    free(c);
}

size_t emotion_cues_size(const struct emotion_cues *c)
{
    return c ? c->n : 0;
}

static bool parse_emotion(const char *s, size_t len, enum emotion *out)
{
    for (size_t i = 0; i < COUNT(emotion_names); i++) {
        if (strlen(emotion_names[i]) == len && memcmp(emotion_names[i], s, len) == 0) {
            *out = (enum emotion)i;
            return true;
        }
    }
    for (size_t i = 0; i < COUNT(emotion_aliases); i++) {
        if (strlen(emotion_aliases[i].name) == len &&
            memcmp(emotion_aliases[i].name, s, len) == 0) {
            *out = emotion_aliases[i].e;
            return true;
        }
    }
    return false;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Adds the cue "phrase" (already split from its weight and emotion). */
static bool add_cue(struct emotion_cues *c, const char *phrase, size_t plen, double weight,
                    enum emotion e, struct tokens *t, struct stemmer *st, const char *where,
                    char *err, size_t errlen)
{
    enum terr te = tokenize(phrase, plen, t);
    if (te == TERR_BAD_UTF8) {
        snprintf(err, errlen, "%s: the phrase is not valid UTF-8", where);
        return false;
    }
    tokens_stem(t, st);
    size_t idx[CUE_MAX_WORDS], n = 0;
    for (size_t i = 0; te == TERR_OK && i < t->n; i++) {
        if (t->v[i].kind == TOK_PUNCT)
            continue;
        if (n == CUE_MAX_WORDS) {
            snprintf(err, errlen, "%s: a phrase has at most %d words", where, CUE_MAX_WORDS);
            return false;
        }
        idx[n++] = i;
    }
    if (n == 0) {
        snprintf(err, errlen, "%s: the phrase has no words", where);
        return false;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->cues = xrealloc(c->cues, c->cap * sizeof *c->cues);
    }
    struct cue *cu = &c->cues[c->n];
    cu->n_words = (uint8_t)n;
    cu->emotion = (uint8_t)e;
    cu->weight = (float)weight;
    cu->rest = (uint32_t)c->pool.len;
    bool ok = true;
    for (size_t k = 1; k < n; k++)
        ok = ok && buf_add(&c->pool, tok_stem(t, idx[k]), t->v[idx[k]].stem_len + 1) == TERR_OK;

    if ((c->n_keys + 1) * 2 > c->mask + 1)
        grow_slots(c);
    const char *w = tok_stem(t, idx[0]);
    size_t len = t->v[idx[0]].stem_len;
    uint32_t h = hash_str(w, len);
    struct cue_slot *sl = find_slot(c, w, len, h);
    if (sl->len == 0) {
        uint32_t key = (uint32_t)c->pool.len;
        ok = ok && buf_add(&c->pool, w, len) == TERR_OK;
        sl->hash = h;
        sl->key = key;
        sl->len = (uint16_t)len;
        sl->head = -1;
        c->n_keys++;
    }
    if (!ok) {
        snprintf(err, errlen, "%s: the cue list is over %u bytes", where, CUES_MAX_FILE);
        return false;
    }
    cu->next = sl->head;
    sl->head = (int32_t)c->n;
    c->n++;
    return true;
}

/* One line "phrase weight emotion" (comments and blank lines already out). */
static bool parse_line(struct emotion_cues *c, const char *line, size_t len, struct tokens *t,
                       struct stemmer *st, const char *path, size_t lineno, char *err,
                       size_t errlen)
{
    char where[300];
    snprintf(where, sizeof where, "'%s' line %zu", path, lineno);
    /* fields from the end: emotion, then weight; the rest is the phrase */
    size_t e_end = len;
    size_t e_start = e_end;
    while (e_start > 0 && !is_space(line[e_start - 1]))
        e_start--;
    size_t w_end = e_start;
    while (w_end > 0 && is_space(line[w_end - 1]))
        w_end--;
    size_t w_start = w_end;
    while (w_start > 0 && !is_space(line[w_start - 1]))
        w_start--;
    size_t p_end = w_start;
    while (p_end > 0 && is_space(line[p_end - 1]))
        p_end--;
    if (p_end == 0 || w_start == w_end) {
        snprintf(err, errlen, "%s: expected 'phrase weight emotion'", where);
        return false;
    }
    enum emotion e;
    if (!parse_emotion(line + e_start, e_end - e_start, &e)) {
        snprintf(err, errlen,
                 "%s: unknown emotion '%.*s' (anger, annoyance, disappointment, anxiety, "
                 "gratitude)",
                 where, (int)(e_end - e_start), line + e_start);
        return false;
    }
    char num[32];
    size_t nlen = w_end - w_start;
    double weight = NAN;
    if (nlen < sizeof num) {
        memcpy(num, line + w_start, nlen);
        num[nlen] = '\0';
        char *stop;
        weight = strtod(num, &stop);
        if (*stop != '\0')
            weight = NAN;
    }
    if (!(weight >= 0.0 && weight <= 1.0)) {
        snprintf(err, errlen, "%s: the weight '%.*s' is not a number in 0..1", where,
                 (int)(nlen < 20 ? nlen : 20), line + w_start);
        return false;
    }
    return add_cue(c, line, p_end, weight, e, t, st, where, err, errlen);
}

struct emotion_cues *emotion_cues_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stemmer *st = stemmer_new("english");
    if (!st) {
        fclose(f);
        snprintf(err, errlen, "loading '%s': libstemmer has no English stemmer", path);
        return NULL;
    }
    struct emotion_cues *c = xcalloc(1, sizeof *c);
    c->slots = xcalloc(256, sizeof *c->slots);
    c->mask = 255;
    buf_init(&c->pool, CUES_MAX_FILE);
    struct tokens t;
    tokens_init(&t);
    char line[CUE_MAX_LINE + 2];
    size_t lineno = 0, total = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        total += len;
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            snprintf(err, errlen, "'%s' line %zu: over %u bytes", path, lineno, CUE_MAX_LINE);
            ok = false;
            break;
        }
        if (total > CUES_MAX_FILE) {
            snprintf(err, errlen, "'%s' is over %u bytes", path, CUES_MAX_FILE);
            ok = false;
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
                           is_space(line[len - 1])))
            len--;
        size_t s = 0;
        while (s < len && is_space(line[s]))
            s++;
        if (s == len || line[s] == '#')
            continue;
        ok = parse_line(c, line + s, len - s, &t, st, path, lineno, err, errlen);
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "cannot read '%s'", path);
        ok = false;
    }
    fclose(f);
    tokens_release(&t);
    stemmer_free(st);
    if (!ok) {
        emotion_cues_free(c);
        return NULL;
    }
    return c;
}

/* Words that make the cue after them stronger ("really worried"). */
static bool is_intensifier(const char *w, size_t len)
{
    static const char *const words[] = {"so",      "very",       "really",  "extremely",
                                        "totally", "absolutely", "super",   "incredibly",
                                        "utterly", "completely", "beyond",  "truly"};
    for (size_t i = 0; i < COUNT(words); i++)
        if (strlen(words[i]) == len && memcmp(words[i], w, len) == 0)
            return true;
    return false;
}

static void evidence(double *keep, double x)
{
    if (x > 0.98)
        x = 0.98;
    if (x > 0)
        *keep *= 1.0 - x;
}

static bool cue_matches(const struct emotion_cues *c, const struct cue *cu,
                        const struct tokens *t, size_t i)
{
    const char *w = c->pool.data + cu->rest;
    for (size_t k = 1; k < cu->n_words; k++) {
        size_t j = i + k;
        if (j >= t->n || t->v[j].kind == TOK_PUNCT)
            return false;
        size_t len = strlen(w);
        if (t->v[j].stem_len != len || memcmp(tok_stem(t, j), w, len) != 0)
            return false;
        w += len + 1;
    }
    return true;
}

/* Walks t once: cue evidence into keep[], negated gratitude cues and
 * negated positive words ("not helpful") into *keep_letdown. */
static void match_cues(const struct emotion_cues *c, const struct tokens *t,
                       const struct lexicon *lx, double keep[N_EMOTIONS], double *keep_letdown)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct token *tk = &t->v[i];
        if (tk->kind == TOK_PUNCT)
            continue;
        bool negated = tk->flags & TOK_NEGATED;
        if (negated && lx && tk->kind == TOK_WORD) {
            double v;
            if (lexicon_get(lx, tok_norm(t, i), tk->norm_len, &v) && v >= 1.5)
                evidence(keep_letdown, 0.12 * v);
        }
        if (!c)
            continue;
        const char *w = tok_stem(t, i);
        size_t len = tk->stem_len;
        const struct cue_slot *sl = find_slot(c, w, len, hash_str(w, len));
        if (sl->len == 0)
            continue;
        /* The longest cue starting here wins: "thanks for nothing" is not
         * also "thanks". */
        size_t longest = 0;
        for (int32_t k = sl->head; k >= 0; k = c->cues[k].next)
            if (c->cues[k].n_words > longest && cue_matches(c, &c->cues[k], t, i))
                longest = c->cues[k].n_words;
        for (int32_t k = sl->head; k >= 0; k = c->cues[k].next) {
            const struct cue *cu = &c->cues[k];
            if (cu->n_words != longest || !cue_matches(c, cu, t, i))
                continue;
            double x = cu->weight;
            if (negated) {
                if (cu->emotion == EMO_JOY) /* "not happy", "not grateful" */
                    evidence(keep_letdown, 0.6 * x);
                continue;
            }
            bool caps = false;
            for (size_t j = i; j < i + cu->n_words; j++)
                caps |= (t->v[j].flags & TOK_ALLCAPS) != 0;
            if (caps)
                x *= 1.25;
            if (i > 0 && t->v[i - 1].kind == TOK_WORD &&
                is_intensifier(tok_norm(t, i - 1), t->v[i - 1].norm_len))
                x *= 1.2;
            evidence(&keep[cu->emotion], x);
        }
    }
}

/* Sums the model's probabilities into our five emotions. */
static void model_groups(const struct model *em, const float *probs, double g[N_EMOTIONS])
{
    for (size_t e = 0; e < N_EMOTIONS; e++)
        g[e] = 0;
    size_t n = model_n_labels(em);
    for (size_t i = 0; i < n; i++) {
        const char *name = model_label(em, i);
        if (!name)
            continue;
        for (size_t k = 0; k < COUNT(model_labels); k++) {
            if (model_labels[k].label[0] == name[0] && strcmp(model_labels[k].label, name) == 0) {
                g[model_labels[k].e] += probs[i];
                break;
            }
        }
    }
    for (size_t e = 0; e < N_EMOTIONS; e++)
        g[e] = g[e] < 0 ? 0 : g[e] > 1 ? 1 : g[e];
}

void emotions_estimate(const struct emotion_cues *cues, const struct model *em,
                       const float *em_probs, const struct tokens *t,
                       const struct lexicon *lx, const struct sentiment *s,
                       double out[N_EMOTIONS])
{
    double keep[N_EMOTIONS], keep_letdown = 1.0;
    for (size_t e = 0; e < N_EMOTIONS; e++)
        keep[e] = 1.0;
    match_cues(cues, t, lx, keep, &keep_letdown);

    /* The message's shape: capitals, exclamation marks, repeated '?'. */
    size_t n_words = 0, n_caps = 0, n_excl = 0, max_excl = 0, max_quest = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *tk = &t->v[i];
        if (tk->kind == TOK_WORD) {
            n_words++;
            n_caps += (tk->flags & TOK_ALLCAPS) != 0;
        } else if (tk->kind == TOK_PUNCT) {
            const char *p = tok_norm(t, i);
            if (p[0] == '!') {
                n_excl += tk->norm_len;
                max_excl = tk->norm_len > max_excl ? tk->norm_len : max_excl;
            } else if (p[0] == '?') {
                max_quest = tk->norm_len > max_quest ? tk->norm_len : max_quest;
            }
        }
    }
    /* Shouting: most words in capitals, or several of them. */
    double shout = 0;
    if (n_words > 0 && (n_caps >= 3 || (n_caps >= 2 && 2 * n_caps >= n_words) ||
                        (n_caps >= 1 && n_caps == n_words))) {
        shout = (double)n_caps / (double)n_words;
        shout = shout < 0.4 ? 0.4 : shout;
    }
    double neg = s && s->compound < 0 ? -s->compound : 0;
    double pos = s && s->compound > 0 ? s->compound : 0;
    bool negative = neg > 0.05;

    /* Strong negative sentiment, shouting and "!!!" in a negative message
     * point to anger; milder negativity and "??" to annoyance. */
    evidence(&keep[EMO_ANGER], 0.35 * neg * neg);
    evidence(&keep[EMO_ANGER], 0.45 * shout * (negative ? 1.0 : 0.4));
    evidence(&keep[EMO_ANGER], (max_excl >= 2 ? 0.25 : n_excl > 0 ? 0.08 : 0) *
                                   (negative ? 1.0 : 0.2));
    evidence(&keep[EMO_ANNOYANCE], 0.4 * neg);
    evidence(&keep[EMO_ANNOYANCE], 0.15 * shout);
    evidence(&keep[EMO_ANNOYANCE], max_quest >= 2 ? 0.2 : 0);
    evidence(&keep[EMO_SADNESS], 0.15 * neg);
    evidence(&keep[EMO_JOY], 0.3 * pos);

    double cue[N_EMOTIONS];
    for (size_t e = 0; e < N_EMOTIONS; e++)
        cue[e] = 1.0 - keep[e];
    /* A let-down ("not helpful", "not happy") is disappointment, and thanks
     * in a bitter message are rarely gratitude ("thanks for wasting my
     * time"). */
    cue[EMO_SADNESS] = 1.0 - (1.0 - cue[EMO_SADNESS]) * keep_letdown;
    cue[EMO_JOY] *= 1.0 - 0.6 * neg;

    if (em && em_probs) {
        /* The model knows context the cues miss; the cues know our domain's
         * words.  Both count, the cues somewhat less. */
        double g[N_EMOTIONS];
        model_groups(em, em_probs, g);
        for (size_t e = 0; e < N_EMOTIONS; e++)
            out[e] = 1.0 - (1.0 - g[e]) * (1.0 - 0.7 * cue[e]);
    } else {
        for (size_t e = 0; e < N_EMOTIONS; e++)
            out[e] = cue[e];
    }
    for (size_t e = 0; e < N_EMOTIONS; e++)
        out[e] = out[e] < 0 ? 0 : out[e] > 1 ? 1 : out[e];
}
