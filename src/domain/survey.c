#include "survey.h"

#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"

static const char *const kind_names[] = {
#define X(name, str) str,
    OUTBOX_KIND_MAP(X)
#undef X
};
static const char *const state_names[] = {
#define X(name, str) str,
    OUTBOX_STATE_MAP(X)
#undef X
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool parse_name(const char *const *names, size_t n, const char *s, int *out)
{
    for (size_t i = 0; s && i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

const char *outbox_kind_name(enum outbox_kind v)
{
    return (size_t)v < N_OF(kind_names) ? kind_names[v] : "unknown";
}

bool outbox_kind_parse(const char *s, enum outbox_kind *out)
{
    int v;
    if (!parse_name(kind_names, N_OF(kind_names), s, &v))
        return false;
    *out = (enum outbox_kind)v;
    return true;
}

const char *outbox_state_name(enum outbox_state v)
{
    return (size_t)v < N_OF(state_names) ? state_names[v] : "unknown";
}

bool outbox_state_parse(const char *s, enum outbox_state *out)
{
    int v;
    if (!parse_name(state_names, N_OF(state_names), s, &v))
        return false;
    *out = (enum outbox_state)v;
    return true;
}

void survey_release(struct survey *s)
{
    if (!s)
        return;
    free(s->comment);
    memset(s, 0, sizeof(*s));
}

void outbox_msg_release(struct outbox_msg *m)
{
    if (!m)
        return;
    free(m->subject);
    free(m->body);
    memset(m, 0, sizeof(*m));
}

void surveys_free(struct survey *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        survey_release(&v[i]);
    free(v);
}

void outbox_msgs_free(struct outbox_msg *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        outbox_msg_release(&v[i]);
    free(v);
}

static enum terr check_score(int v, int lo, int hi, const char *field, struct terr_info *ei)
{
    if (v == SURVEY_NO_SCORE || (v >= lo && v <= hi))
        return TERR_OK;
    return terr_set(ei, TERR_INVALID, field, "'%s' must be from %d to %d", field, lo, hi);
}

enum terr survey_answer_check(const struct survey_answer *a, struct terr_info *ei)
{
    enum terr e;
    if ((e = check_score(a->csat, 1, 5, "csat", ei)) ||
        (e = check_score(a->nps, 0, 10, "nps", ei)) || (e = check_score(a->ces, 1, 7, "ces", ei)))
        return e;
    if (a->csat == SURVEY_NO_SCORE && a->nps == SURVEY_NO_SCORE && a->ces == SURVEY_NO_SCORE)
        return terr_set(ei, TERR_MISSING_FIELD, "csat",
                        "an answer needs at least one of 'csat', 'nps' or 'ces'");
    if (a->comment) {
        size_t n = strlen(a->comment);
        if (!utf8_valid(a->comment, n))
            return terr_set(ei, TERR_BAD_UTF8, "comment", "'comment' is not valid UTF-8");
        if (utf8_length(a->comment, n) > SURVEY_COMMENT_MAX)
            return terr_set(ei, TERR_TOO_LONG, "comment", "'comment' is over %d characters",
                            SURVEY_COMMENT_MAX);
    }
    return TERR_OK;
}

bool survey_answer_low(const struct survey_answer *a)
{
    return (a->csat != SURVEY_NO_SCORE && a->csat <= SURVEY_LOW_CSAT) ||
           (a->nps != SURVEY_NO_SCORE && a->nps <= SURVEY_LOW_NPS);
}

enum survey_state survey_state_at(const struct survey *s, int64_t now)
{
    if (s->answered_at)
        return SURVEY_ANSWERED;
    return now >= s->expires_at ? SURVEY_EXPIRED : SURVEY_PENDING;
}

const char *survey_state_name(enum survey_state v)
{
    switch (v) {
    case SURVEY_PENDING:
        return "pending";
    case SURVEY_ANSWERED:
        return "answered";
    case SURVEY_EXPIRED:
        return "expired";
    }
    return "unknown";
}
