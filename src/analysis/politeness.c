/*
 * Politeness (politeness.h).  PLACEHOLDER until the politeness helper's
 * branch lands: no model loads.
 */
#include "analysis/politeness.h"

#include <stdio.h>
#include <string.h>

#define X(e, s) s,
static const char *const strategy_names[] = {POLITENESS_STRATEGIES(X)};
#undef X

const char *politeness_strategy_name(enum politeness_strategy s)
{
    return (unsigned)s < N_POLITENESS_STRATEGIES ? strategy_names[s] : "";
}

struct politeness_model *politeness_load(const char *path, char *err, size_t errlen)
{
    snprintf(err, errlen, "'%s': politeness models are not supported yet", path);
    return NULL;
}

void politeness_free(struct politeness_model *m)
{
    (void)m;
}

void politeness_predict(const struct politeness_model *m, const struct tokens *t,
                        const char *text, size_t len, const struct lexicon *lx,
                        struct politeness_result *out)
{
    (void)m, (void)t, (void)text, (void)len, (void)lx;
    memset(out, 0, sizeof *out);
    out->probability = 0.5;
}
