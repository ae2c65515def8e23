/*
 * STAND-IN for analyze.c while the text layer, lexicon, triggers and models
 * are on their branches: a keyword reading good enough to drive the server,
 * the CLI and their tests end to end.  Delete this file when analyze.c lands
 * (the linker will insist: both define analyze_message()).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "analysis/analysis.h"
#include "text/tokenize.h"
#include "util/alloc.h"
#include "util/utf8.h"

struct analysis_data {
    int unused;
};

struct analyzer {
    const struct analysis_data *d;
};

struct analysis_data *analysis_data_load(const char *dir, const char *models_dir, char *err,
                                         size_t errlen)
{
    struct stat st;
    (void)models_dir;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot open the data directory '%s'", dir);
        return NULL;
    }
    return xcalloc(1, sizeof(struct analysis_data));
}

void analysis_data_free(struct analysis_data *d)
{
    free(d);
}

struct analyzer *analyzer_new(const struct analysis_data *d)
{
    struct analyzer *a = xcalloc(1, sizeof(*a));
    a->d = d;
    return a;
}

void analyzer_free(struct analyzer *a)
{
    free(a);
}

static const struct {
    const char *word;
    enum trigger_kind kind;
    int points;
} cues[] = {
    {"sue", TRIG_LEGAL, 45},         {"lawyer", TRIG_LEGAL, 45},
    {"court", TRIG_LEGAL, 45},       {"cancel", TRIG_CHURN, 30},
    {"competitor", TRIG_CHURN, 30},  {"review", TRIG_PUBLIC, 30},
    {"twitter", TRIG_PUBLIC, 30},    {"manager", TRIG_ESCALATION, 20},
    {"again", TRIG_REPEAT, 10},      {"urgent", TRIG_URGENCY, 10},
    {"idiots", TRIG_ABUSE, 35},      {"useless", TRIG_ABUSE, 25},
    {"damn", TRIG_PROFANITY, 15},
};

static const char *const negative[] = {"angry", "furious", "terrible", "awful", "worst",
                                       "ridiculous", "unacceptable", "disappointed", "broken"};

static void add_reason(struct msg_analysis *m, int weight, const char *text)
{
    if (m->n_reasons < ANALYSIS_MAX_REASONS) {
        snprintf(m->reasons[m->n_reasons].text, sizeof m->reasons[0].text, "%s", text);
        m->reasons[m->n_reasons++].weight = weight;
    }
}

enum terr analyze_message(struct analyzer *a, const char *text, size_t len,
                          struct msg_analysis *out)
{
    (void)a;
    if (len > TOKENIZE_MAX_BYTES)
        return TERR_TOO_LARGE;
    if (!utf8_valid(text, len))
        return TERR_BAD_UTF8;
    struct msg_analysis m;
    memset(&m, 0, sizeof m);
    int score = 0, caps = 0, letters = 0, neg = 0;
    bool seen[N_TRIGGER_KINDS] = {false};
    for (size_t i = 0; i < len;) {
        while (i < len && !isalpha((unsigned char)text[i]))
            i++;
        size_t s = i;
        while (i < len && isalpha((unsigned char)text[i])) {
            letters++;
            caps += isupper((unsigned char)text[i]) != 0;
            i++;
        }
        size_t n = i - s;
        if (!n)
            continue;
        for (size_t c = 0; c < sizeof cues / sizeof cues[0]; c++)
            if (strlen(cues[c].word) == n && !strncasecmp(text + s, cues[c].word, n) &&
                !seen[cues[c].kind] && m.n_triggers < ANALYSIS_MAX_TRIGGERS) {
                seen[cues[c].kind] = true;
                m.triggers[m.n_triggers++] = (struct trigger){
                    .kind = cues[c].kind, .start = (unsigned)s, .end = (unsigned)i,
                    .confidence = 0.9};
                score += cues[c].points;
                char r[120];
                snprintf(r, sizeof r, "%s: \"%.*s\"", trigger_kind_name(cues[c].kind), (int)n,
                         text + s);
                add_reason(&m, cues[c].points, r);
            }
        for (size_t w = 0; w < sizeof negative / sizeof negative[0]; w++)
            if (strlen(negative[w]) == n && !strncasecmp(text + s, negative[w], n))
                neg++;
    }
    if (letters >= 12 && caps * 10 >= letters * 7) {
        m.triggers[m.n_triggers++] = (struct trigger){
            .kind = TRIG_SHOUTING, .start = 0, .end = (unsigned)len, .confidence = 0.8};
        score += 15;
        add_reason(&m, 15, "shouting");
    }
    if (neg) {
        score += 15 * neg;
        add_reason(&m, 15 * neg, "negative words");
    }
    m.sentiment.compound = neg ? -0.3 * neg : 0.2;
    if (m.sentiment.compound < -1)
        m.sentiment.compound = -1;
    m.sentiment.neg = neg ? 0.4 : 0;
    m.sentiment.pos = neg ? 0 : 0.2;
    m.sentiment.neu = 1 - m.sentiment.neg - m.sentiment.pos;
    m.emotions[EMO_ANGER] = score > 50 ? 0.8 : score / 100.0;
    m.question = memchr(text, '?', len) != NULL;
    m.score = score > 100 ? 100 : score;
    m.level = conflict_level_of(m.score);
    *out = m;
    return TERR_OK;
}
