/*
 * libFuzzer target for the analysis pipeline (src/analysis): analyze_message
 * over arbitrary bytes with the shipped data (data/, loaded once; `make fuzz`
 * runs from the repository root), then analysis_to_json and back.
 *
 * Invariants: the result is TERR_OK for valid UTF-8 and TERR_BAD_UTF8 or
 * TERR_TOO_LARGE otherwise.  On TERR_OK the score is 0..100 and its level is
 * conflict_level_of(score); every trigger has a known kind, a finite
 * confidence in 0..1 and a span start < end <= len cut on UTF-8 character
 * boundaries, and the triggers are in order of start; sentiment and emotions
 * are finite and in range (shares sum to 1, or are all 0); reasons are in
 * order of weight.  The JSON form reads back with the same score, level and
 * number of triggers.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analysis/analysis.h"
#include "fuzz.h"
#include "util/utf8.h"

static struct analysis_data *data;
static struct analyzer *an;

static void init(void)
{
    char err[512];
    data = analysis_data_load("data", NULL, err, sizeof err);
    if (!data) {
        fprintf(stderr, "fuzz_analyze: %s (run from the repository root)\n", err);
        abort();
    }
    an = analyzer_new(data);
}

static int in_range(double x, double lo, double hi)
{
    return isfinite(x) && x >= lo && x <= hi;
}

static int char_boundary(const uint8_t *data_, size_t len, size_t at)
{
    return at == len || (data_[at] & 0xC0) != 0x80;
}

static void check(const uint8_t *d, size_t len, const struct msg_analysis *m)
{
    FUZZ_ASSERT(m->score >= 0 && m->score <= 100);
    FUZZ_ASSERT(m->level == conflict_level_of(m->score));
    FUZZ_ASSERT(m->question == 0 || m->question == 1);

    FUZZ_ASSERT(m->n_triggers <= ANALYSIS_MAX_TRIGGERS);
    for (size_t i = 0; i < m->n_triggers; i++) {
        const struct trigger *t = &m->triggers[i];
        FUZZ_ASSERT((int)t->kind >= 0 && t->kind < N_TRIGGER_KINDS);
        FUZZ_ASSERT(in_range(t->confidence, 0, 1));
        FUZZ_ASSERT(t->start < t->end && t->end <= len);
        FUZZ_ASSERT(char_boundary(d, len, t->start) && char_boundary(d, len, t->end));
        if (i)
            FUZZ_ASSERT(m->triggers[i - 1].start <= t->start);
    }

    const struct sentiment *s = &m->sentiment;
    FUZZ_ASSERT(in_range(s->compound, -1, 1));
    FUZZ_ASSERT(in_range(s->pos, 0, 1) && in_range(s->neu, 0, 1) && in_range(s->neg, 0, 1));
    double shares = s->pos + s->neu + s->neg;
    FUZZ_ASSERT(shares == 0 || fabs(shares - 1) < 1e-6);
    for (int e = 0; e < N_EMOTIONS; e++)
        FUZZ_ASSERT(in_range(m->emotions[e], 0, 1));

    FUZZ_ASSERT(m->n_reasons <= ANALYSIS_MAX_REASONS);
    for (size_t i = 0; i < m->n_reasons; i++) {
        FUZZ_ASSERT(m->reasons[i].weight >= 0 && m->reasons[i].weight <= 100);
        FUZZ_ASSERT(memchr(m->reasons[i].text, '\0', sizeof m->reasons[i].text) != NULL);
        if (i)
            FUZZ_ASSERT(m->reasons[i - 1].weight >= m->reasons[i].weight);
    }
}

static void round_trip(const uint8_t *d, size_t len, const struct msg_analysis *m)
{
    json_t *j = analysis_to_json(m, (const char *)d, len);
    FUZZ_ASSERT(j != NULL);
    char *text = json_dumps(j, JSON_COMPACT);
    FUZZ_ASSERT(text != NULL);
    struct msg_analysis back;
    FUZZ_ASSERT(analysis_from_json(text, &back) == TERR_OK);
    FUZZ_ASSERT(back.score == m->score);
    FUZZ_ASSERT(back.level == m->level);
    FUZZ_ASSERT(back.n_triggers == m->n_triggers);
    for (size_t i = 0; i < m->n_triggers; i++) {
        FUZZ_ASSERT(back.triggers[i].kind == m->triggers[i].kind);
        FUZZ_ASSERT(back.triggers[i].start == m->triggers[i].start);
        FUZZ_ASSERT(back.triggers[i].end == m->triggers[i].end);
    }
    free(text);
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t len)
{
    if (!data)
        init();
    struct msg_analysis m;
    enum terr e = analyze_message(an, (const char *)d, len, &m);
    if (e != TERR_OK) {
        FUZZ_ASSERT(e == TERR_BAD_UTF8 || e == TERR_TOO_LARGE);
        FUZZ_ASSERT(e == TERR_TOO_LARGE || !utf8_valid((const char *)d, len));
        return 0;
    }
    FUZZ_ASSERT(utf8_valid((const char *)d, len));
    check(d, len, &m);
    round_trip(d, len, &m);
    return 0;
}
