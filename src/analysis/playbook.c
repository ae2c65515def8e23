/*
 * De-escalation playbooks (playbook.h).  PLACEHOLDER until the playbook
 * helper's branch lands: loads nothing, chooses nothing.
 */
#include "analysis/playbook.h"

#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

struct playbooks {
    int unused;
};

const char *playbook_style_name(enum playbook_style s)
{
    static const char *const names[] = {"standard", "empathetic", "direct"};
    return (unsigned)s < 3 ? names[s] : "standard";
}

struct playbooks *playbooks_load(const char *dir, char *err, size_t errlen)
{
    (void)dir, (void)err, (void)errlen;
    return xcalloc(1, sizeof(struct playbooks));
}

void playbooks_free(struct playbooks *p)
{
    free(p);
}

void playbook_choose(const struct playbooks *p, const struct playbook_situation *s,
                     struct playbook_choice *out)
{
    (void)p, (void)s;
    memset(out, 0, sizeof *out);
}

json_t *playbook_choice_to_json(const struct playbook_choice *c)
{
    (void)c;
    return json_null();
}
