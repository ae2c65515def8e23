/*
 * One message, read the way a seasoned team lead would.
 *
 * analyze_message() runs the pipeline: tokenize -> stem -> negation scope ->
 * sentiment (lexicon rules) -> models (emotion, category; when loaded) ->
 * emotions -> triggers -> question -> score, level and reasons.
 *
 * The score is a noisy-OR of independent signals, each a number of points
 * 0..100 that would alone put the message at that score:
 *
 *     score = 100 * (1 - prod(1 - points_i / 100))
 *
 * so signals add up with diminishing returns, the order does not matter, and
 * the score stays inside 0..100 however many triggers a message holds.  Each
 * signal's reason carries its marginal share of the final score, so the
 * reasons of a message add up to its score.
 */
#include "analysis/analysis.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/emotion.h"
#include "analysis/features.h"
#include "analysis/lexicon.h"
#include "analysis/model.h"
#include "analysis/sentiment.h"
#include "analysis/triggers.h"
#include "text/stem.h"
#include "text/tokenize.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/utf8.h"

struct category_cause {
    char *category;
    enum cause cause;
};

struct analysis_data {
    struct lexicon *lexicon;
    struct trigger_set *triggers;
    struct emotion_cues *cues;
    struct category_cause *causes;
    size_t n_causes;
    struct model *category_model; /* NULL: no category */
    struct model *emotion_model;  /* NULL: emotions from cues alone */
    char stem_lang[32];
};

struct analyzer {
    const struct analysis_data *d;
    struct stemmer *stemmer;
    struct tokens tokens;
    struct featvec features;
    struct feat_config features_cfg; /* what features holds, when have_features */
    bool have_features;
    float *probs; /* room for the larger model's labels */
};

static bool cause_parse(const char *s, enum cause *out)
{
    for (int c = CAUSE_COMMUNICATION; c <= CAUSE_HUMAN_FACTORS; c++)
        if (strcmp(s, cause_name((enum cause)c)) == 0) {
            *out = (enum cause)c;
            return true;
        }
    return false;
}

/* ---- loading -------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* data/categories.txt: "<category> <cause>  # comment" per line. */
static bool load_causes(struct analysis_data *d, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "unable to open '%s'", path);
        return false;
    }
    char line[512];
    size_t lineno = 0, cap = 0;
    bool ok = true;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char cat[ANALYSIS_CATEGORY_MAX], cause[32], extra[2];
        int n = sscanf(line, "%127s %31s %1s", cat, cause, extra);
        if (n <= 0)
            continue;
        enum cause c;
        if (n != 2 || !cause_parse(cause, &c)) {
            snprintf(err, errlen,
                     "'%s' line %zu: expected '<category> <communication|product_service|"
                     "human_factors>'",
                     path, lineno);
            ok = false;
            break;
        }
        if (d->n_causes == cap) {
            cap = cap ? cap * 2 : 16;
            d->causes = xrealloc(d->causes, cap * sizeof *d->causes);
        }
        d->causes[d->n_causes].category = xstrdup(cat);
        d->causes[d->n_causes].cause = c;
        d->n_causes++;
    }
    if (ok && ferror(f)) {
        snprintf(err, errlen, "unable to read '%s'", path);
        ok = false;
    }
    fclose(f);
    return ok;
}

/* A model file that is absent is fine (the feature is off); one that is
 * present must load. */
static bool load_optional_model(const char *dir, const char *name, struct model **out,
                                char *err, size_t errlen)
{
    *out = NULL;
    if (!dir)
        return true;
    char *path = path_join(dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        free(path);
        return true;
    }
    fclose(f);
    *out = model_load(path, err, errlen);
    free(path);
    return *out != NULL;
}

struct analysis_data *analysis_data_load(const char *dir, const char *models_dir, char *err,
                                         size_t errlen)
{
    struct analysis_data *d = xcalloc(1, sizeof *d);
    snprintf(d->stem_lang, sizeof d->stem_lang, "english");
    char *lex = path_join(dir, "lexicons/vader_lexicon.txt");
    char *emoji = path_join(dir, "lexicons/vader_emoji_utf8_lexicon.txt");
    char *cues = path_join(dir, "lexicons/emotion_cues.txt");
    char *cats = path_join(dir, "categories.txt");
    struct stemmer *st = stemmer_new(d->stem_lang);
    bool ok = st != NULL;
    if (!ok)
        snprintf(err, errlen, "no stemmer for '%s'", d->stem_lang);
    if (ok)
        ok = (d->lexicon = lexicon_load(lex, emoji, err, errlen)) != NULL;
    if (ok)
        ok = (d->cues = emotion_cues_load(cues, err, errlen)) != NULL;
    if (ok)
        ok = (d->triggers = triggers_load(dir, st, err, errlen)) != NULL;
    if (ok)
        ok = load_causes(d, cats, err, errlen);
    if (ok)
        ok = load_optional_model(models_dir, "category.model", &d->category_model, err, errlen);
    if (ok)
        ok = load_optional_model(models_dir, "emotion.model", &d->emotion_model, err, errlen);
    stemmer_free(st);
    free(lex);
    free(emoji);
    free(cues);
    free(cats);
    if (!ok) {
        analysis_data_free(d);
        return NULL;
    }
    return d;
}

void analysis_data_free(struct analysis_data *d)
{
    if (!d)
        return;
    lexicon_free(d->lexicon);
    triggers_free(d->triggers);
    emotion_cues_free(d->cues);
    for (size_t i = 0; i < d->n_causes; i++)
        free(d->causes[i].category);
    free(d->causes);
    model_free(d->category_model);
    model_free(d->emotion_model);
    free(d);
}

struct analyzer *analyzer_new(const struct analysis_data *d)
{
    struct analyzer *a = xcalloc(1, sizeof *a);
    a->d = d;
    a->stemmer = stemmer_new(d->stem_lang);
    if (!a->stemmer)
        BUG("stemmer '%s' vanished after loading", d->stem_lang);
    tokens_init(&a->tokens);
    featvec_init(&a->features);
    size_t n = 1;
    if (d->category_model && model_n_labels(d->category_model) > n)
        n = model_n_labels(d->category_model);
    if (d->emotion_model && model_n_labels(d->emotion_model) > n)
        n = model_n_labels(d->emotion_model);
    a->probs = xcalloc(n, sizeof *a->probs);
    return a;
}

void analyzer_free(struct analyzer *a)
{
    if (!a)
        return;
    stemmer_free(a->stemmer);
    tokens_release(&a->tokens);
    featvec_release(&a->features);
    free(a->probs);
    free(a);
}

/* ---- scoring ---------------------------------------------------------- */

/* Points a trigger kind alone is worth at confidence 1: how far it moves a
 * case towards hostile in a team lead's eyes.  Threats to act against the
 * company and insults weigh most; swearing alone little (customers swear at
 * their day, not only at us).  These and the weights below were fitted (random
 * search, each weight capped at 80) to the levels of the golden cases in
 * tests/data/analysis, then rounded. */
static const double trigger_points[N_TRIGGER_KINDS] = {
    [TRIG_CHURN] = 58,      [TRIG_LEGAL] = 71,    [TRIG_PUBLIC] = 69,
    [TRIG_ESCALATION] = 43, [TRIG_REPEAT] = 39,   [TRIG_SHOUTING] = 46,
    [TRIG_PROFANITY] = 10,  [TRIG_ABUSE] = 58,    [TRIG_SAFETY] = 55,
    [TRIG_URGENCY] = 30,
};

static const char *const trigger_phrases[N_TRIGGER_KINDS] = {
    [TRIG_CHURN] = "threat to leave",       [TRIG_LEGAL] = "legal threat",
    [TRIG_PUBLIC] = "threat to go public",  [TRIG_ESCALATION] = "asks for a manager",
    [TRIG_REPEAT] = "repeated contact",     [TRIG_SHOUTING] = "shouting",
    [TRIG_PROFANITY] = "profanity",         [TRIG_ABUSE] = "abuse",
    [TRIG_URGENCY] = "urgency",             [TRIG_SAFETY] = "safety concern",
};

struct signal {
    double points;
    char text[120];
};

static void add_signal(struct signal *s, size_t *n, size_t max, double points, const char *fmt,
                       ...) __attribute__((format(printf, 5, 6)));

static void add_signal(struct signal *s, size_t *n, size_t max, double points, const char *fmt,
                       ...)
{
    if (points < 1 || *n == max)
        return;
    if (points > 100)
        points = 100;
    s[*n].points = points;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s[*n].text, sizeof s[*n].text, fmt, ap);
    va_end(ap);
    (*n)++;
}

/* Quotes at most 40 bytes of a span, cut on a character boundary, with
 * quotes and backslashes left as they are (the JSON layer escapes). */
static void quote_span(const char *text, const struct trigger *t, char *out, size_t outlen)
{
    size_t n = t->end - t->start;
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)text[t->start + n] & 0xC0) == 0x80)
            n--;
    }
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, text + t->start, n);
    out[n] = '\0';
}

static int by_points_desc(const void *a, const void *b)
{
    double x = ((const struct signal *)a)->points, y = ((const struct signal *)b)->points;
    return (x < y) - (x > y);
}

static void score_message(const char *text, struct msg_analysis *m)
{
    struct signal sig[N_TRIGGER_KINDS + 4];
    size_t n = 0, max = sizeof sig / sizeof sig[0];

    /* Triggers: the strongest occurrence of each kind counts; a second
     * occurrence of a kind adds a little (repeated threats are firmer). */
    for (int k = 0; k < N_TRIGGER_KINDS; k++) {
        const struct trigger *best = NULL;
        int count = 0;
        for (size_t i = 0; i < m->n_triggers; i++)
            if ((int)m->triggers[i].kind == k) {
                count++;
                if (!best || m->triggers[i].confidence > best->confidence)
                    best = &m->triggers[i];
            }
        if (!best)
            continue;
        double pts = trigger_points[k] * best->confidence * (count > 1 ? 1.15 : 1.0);
        char span[48];
        quote_span(text, best, span, sizeof span);
        add_signal(sig, &n, max, pts, "%s: \"%s\"", trigger_phrases[k], span);
    }

    /* Sentiment: only negativity raises conflict, and alone it makes a case
     * tense at most: words of disappointment are not yet a fight. */
    double c = m->sentiment.compound;
    if (c < -0.05) {
        double pts = 18 * pow(-c, 1.1);
        add_signal(sig, &n, max, pts, "%s negative sentiment (%.2f)",
                   c <= -0.6 ? "strongly" : c <= -0.3 ? "clearly" : "mildly", c);
    }

    /* Emotions: anger and annoyance count; disappointment and anxiety a
     * little (they call for care more than they signal a fight). */
    double anger = m->emotions[EMO_ANGER], annoy = m->emotions[EMO_ANNOYANCE];
    if (anger >= 0.2 || annoy >= 0.3) {
        if (anger * 38 >= annoy * 42)
            add_signal(sig, &n, max, anger * 38, "anger (%.2f)", anger);
        else
            add_signal(sig, &n, max, annoy * 42, "annoyance (%.2f)", annoy);
    }
    double sad = m->emotions[EMO_SADNESS], fear = m->emotions[EMO_FEAR];
    if (sad >= 0.4)
        add_signal(sig, &n, max, sad * 11, "disappointment (%.2f)", sad);
    if (fear >= 0.4)
        add_signal(sig, &n, max, fear * 10, "anxiety (%.2f)", fear);

    /* Noisy-OR, and each signal's marginal share in order of strength. */
    qsort(sig, n, sizeof sig[0], by_points_desc);
    double calm = 1.0;
    m->n_reasons = 0;
    for (size_t i = 0; i < n; i++) {
        double before = 100 * (1 - calm);
        calm *= 1 - sig[i].points / 100;
        double share = 100 * (1 - calm) - before;
        if (m->n_reasons < ANALYSIS_MAX_REASONS && share >= 0.5) {
            struct reason *r = &m->reasons[m->n_reasons++];
            snprintf(r->text, sizeof r->text, "%s", sig[i].text);
            r->weight = (int)lround(share);
        }
    }
    int score = (int)lround(100 * (1 - calm));
    m->score = score < 0 ? 0 : score > 100 ? 100 : score;
    m->level = conflict_level_of(m->score);
}

/* Words that open a question: wh-words alone ("when will it ship"), verbs
 * only before a pronoun ("can you", "is there", "do I"), since "can someone
 * tell me" asks and "Can't wait" does not (an apostrophe form is its own
 * token). */
static const char *const wh_words[] = {"how", "what", "when", "where", "why", "who", "which"};
static const char *const verb_openers[] = {"can",  "could", "would", "will", "is",  "are",
                                           "do",   "does",  "did",   "should", "shall",
                                           "have", "has",   "may"};
static const char *const question_subjects[] = {"you", "there", "it", "i", "we", "someone",
                                                "anyone", "somebody", "anybody", "this",
                                                "that", "my", "your"};

static bool in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return true;
    return false;
}

#define IN(w, list) in_list((w), (list), sizeof(list) / sizeof((list)[0]))

/* After "what"/"how": "a", "an" or an adjective-like lexicon word opens an
 * exclamation ("what a mess", "how awful"). */
static bool exclamative(const struct tokens *t, size_t i)
{
    const char *w = tok_norm(t, i);
    return strcmp(w, "a") == 0 || strcmp(w, "an") == 0 || strcmp(w, "awful") == 0 ||
           strcmp(w, "terrible") == 0 || strcmp(w, "ridiculous") == 0 ||
           strcmp(w, "great") == 0 || strcmp(w, "nice") == 0 || strcmp(w, "kind") == 0;
}

/* A question: a '?' anywhere, or a sentence that opens like one. */
static int has_question(const struct tokens *t)
{
    int sentence = -1;
    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        if (k->kind == TOK_PUNCT && memchr(t->text + k->norm, '?', k->norm_len))
            return 1;
        if (k->kind != TOK_WORD || (int)k->sentence == sentence)
            continue;
        sentence = k->sentence; /* the first word of a sentence */
        const char *w = tok_norm(t, i);
        bool next_word = i + 1 < t->n && t->v[i + 1].kind == TOK_WORD &&
                         t->v[i + 1].sentence == k->sentence;
        /* "What a mess", "how awful": exclamations, not questions. */
        if (next_word && IN(w, wh_words) && !exclamative(t, i + 1))
            return 1;
        if (next_word && IN(w, verb_openers) && IN(tok_norm(t, i + 1), question_subjects))
            return 1;
    }
    return 0;
}

/* Model m's probabilities for the current message into a->probs.  Models
 * trained with the same feature configuration (the shipped ones are) share
 * one extraction. */
static size_t predict(struct analyzer *a, const struct model *m)
{
    const struct feat_config *c = model_features(m);
    if (!a->have_features || memcmp(c, &a->features_cfg, sizeof *c) != 0) {
        features_extract(c, &a->tokens, a->d->lexicon, &a->features);
        a->features_cfg = *c;
        a->have_features = true;
    }
    return model_predict_features(m, &a->features, a->probs);
}

static void categorise(struct analyzer *a, struct msg_analysis *m)
{
    const struct analysis_data *d = a->d;
    m->category[0] = '\0';
    m->category_confidence = 0;
    m->cause = CAUSE_NONE;
    if (!d->category_model)
        return;
    size_t best = predict(a, d->category_model);
    const char *label = model_label(d->category_model, best);
    snprintf(m->category, sizeof m->category, "%s", label);
    m->category_confidence = a->probs[best];
    for (size_t i = 0; i < d->n_causes; i++)
        if (strcmp(d->causes[i].category, label) == 0) {
            m->cause = d->causes[i].cause;
            break;
        }
}

enum terr analyze_message(struct analyzer *a, const char *text, size_t len,
                          struct msg_analysis *out)
{
    const struct analysis_data *d = a->d;
    enum terr e = tokenize(text, len, &a->tokens);
    if (e != TERR_OK)
        return e;
    tokens_stem(&a->tokens, a->stemmer);
    negation_mark(&a->tokens);
    a->have_features = false;

    struct msg_analysis *m = out;
    memset(m, 0, sizeof *m);
    sentiment_score(d->lexicon, &a->tokens, &m->sentiment);

    const float *eprobs = NULL;
    if (d->emotion_model) {
        predict(a, d->emotion_model);
        eprobs = a->probs;
    }
    emotions_estimate(d->cues, d->emotion_model, eprobs, &a->tokens, d->lexicon, &m->sentiment,
                      m->emotions);
    categorise(a, m);
    m->n_triggers = triggers_find(d->triggers, text, len, &a->tokens, m->triggers,
                                  ANALYSIS_MAX_TRIGGERS);
    m->question = has_question(&a->tokens);
    score_message(text, m);
    return TERR_OK;
}
