/*
 * The conflict score of one message.
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
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"

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

void score_message(const char *text, struct msg_analysis *m)
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
