/*
 * The coach's rules (coach_int.h).  First cut: no rules yet.
 */
#include <stdlib.h>

#include "analysis/coach_int.h"
#include "util/alloc.h"

struct coach_rules {
    int unused;
};

struct coach_rules *coach_rules_load(const char *dir, struct stemmer *s, char *err,
                                     size_t errlen)
{
    (void)dir, (void)s, (void)err, (void)errlen;
    return xcalloc(1, sizeof(struct coach_rules));
}

void coach_rules_free(struct coach_rules *r)
{
    free(r);
}

void coach_rules_read_customer(struct coach *c, const char *text, size_t len,
                               const struct tokens *t)
{
    (void)c, (void)text, (void)len, (void)t;
}

void coach_rules_run(struct coach *c, const char *draft, size_t len, struct coach_review *out)
{
    (void)c, (void)draft, (void)len, (void)out;
}
