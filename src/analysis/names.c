/*
 * The analysis vocabularies' wire names (analysis.h): conflict levels,
 * trigger kinds, emotions and causes.  Static strings, tables indexed by the
 * enums so the names cannot drift from them.
 */
#include <string.h>

#include "analysis/analysis.h"

static const char *const level_names[] = {"calm", "tense", "heated", "hostile"};

const char *conflict_level_name(enum conflict_level l)
{
    return (unsigned)l < sizeof level_names / sizeof level_names[0] ? level_names[l] : "calm";
}

enum conflict_level conflict_level_of(int score)
{
    return score >= 75 ? CONFLICT_HOSTILE
           : score >= 50 ? CONFLICT_HEATED
           : score >= 25 ? CONFLICT_TENSE
                         : CONFLICT_CALM;
}

#define X(e, s) s,
static const char *const kind_names[] = {TRIGGER_KINDS(X)};
static const char *const emotion_names[] = {EMOTIONS(X)};
#undef X

const char *trigger_kind_name(enum trigger_kind k)
{
    return (unsigned)k < N_TRIGGER_KINDS ? kind_names[k] : "unknown";
}

bool trigger_kind_parse(const char *s, enum trigger_kind *out)
{
    for (int k = 0; k < N_TRIGGER_KINDS; k++)
        if (!strcmp(s, kind_names[k])) {
            *out = (enum trigger_kind)k;
            return true;
        }
    return false;
}

const char *emotion_name(enum emotion e)
{
    return (unsigned)e < N_EMOTIONS ? emotion_names[e] : "unknown";
}

const char *cause_name(enum cause c)
{
    switch (c) {
    case CAUSE_COMMUNICATION:
        return "communication";
    case CAUSE_PRODUCT_SERVICE:
        return "product_service";
    case CAUSE_HUMAN_FACTORS:
        return "human_factors";
    case CAUSE_NONE:
        break;
    }
    return NULL;
}
