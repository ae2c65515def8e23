#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"

/* clang-format off */
#define DEFINE_VOCAB(type, prefix, map, fname, pname)                          \
    static const char *const prefix##_names[] = {map(NAME_STR)};              \
    const char *fname(enum type v)                                             \
    {                                                                          \
        size_t n = sizeof(prefix##_names) / sizeof(prefix##_names[0]);         \
        return (size_t)v < n ? prefix##_names[v] : "unknown";                  \
    }                                                                          \
    bool pname(const char *s, enum type *out)                                  \
    {                                                                          \
        size_t n = sizeof(prefix##_names) / sizeof(prefix##_names[0]);         \
        for (size_t i = 0; s && i < n; i++) {                                  \
            if (strcmp(s, prefix##_names[i]) == 0) {                           \
                *out = (enum type)i;                                           \
                return true;                                                   \
            }                                                                  \
        }                                                                      \
        return false;                                                          \
    }

#define NAME_STR(name, str) str,
DEFINE_VOCAB(ticket_status, status, TICKET_STATUS_MAP, status_name, status_parse)
DEFINE_VOCAB(priority, priority, PRIORITY_MAP, priority_name, priority_parse)
DEFINE_VOCAB(level, level, LEVEL_MAP, level_name, level_parse)
DEFINE_VOCAB(channel, channel, CHANNEL_MAP, channel_name, channel_parse)
DEFINE_VOCAB(role, role, ROLE_MAP, role_name, role_parse)
DEFINE_VOCAB(author_kind, author, AUTHOR_MAP, author_name, author_parse)
#undef NAME_STR
/* clang-format on */

void strlist_push(struct strlist *l, const char *s)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n++] = xstrdup(s);
}

bool strlist_contains(const struct strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

void strlist_release(struct strlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void customer_release(struct customer *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->email);
    for (size_t i = 0; i < c->n_handles; i++) {
        free(c->handles[i].channel);
        free(c->handles[i].handle);
    }
    free(c->handles);
    memset(c, 0, sizeof(*c));
}

void agent_release(struct agent *a)
{
    if (!a)
        return;
    free(a->name);
    free(a->email);
    strlist_release(&a->skills);
    strlist_release(&a->languages);
    strlist_release(&a->channels);
    strlist_release(&a->teams);
    memset(a, 0, sizeof(*a));
}

void ticket_release(struct ticket *t)
{
    if (!t)
        return;
    free(t->subject);
    free(t->category);
    free(t->risk_reasons);
    free(t->team);
    free(t->language);
    strlist_release(&t->tags);
    memset(t, 0, sizeof(*t));
}

void message_release(struct message *m)
{
    if (!m)
        return;
    free(m->body);
    free(m->analysis_json);
    free(m->coach_json);
    memset(m, 0, sizeof(*m));
}

void event_release(struct event *e)
{
    if (!e)
        return;
    free(e->actor_kind);
    free(e->action);
    free(e->target_kind);
    free(e->before_json);
    free(e->after_json);
    memset(e, 0, sizeof(*e));
}

/* clang-format off */
#define DEFINE_FREE_ARRAY(fname, type, release)                                \
    void fname(struct type *v, size_t n)                                       \
    {                                                                          \
        for (size_t i = 0; v && i < n; i++)                                    \
            release(&v[i]);                                                    \
        free(v);                                                               \
    }
DEFINE_FREE_ARRAY(customers_free, customer, customer_release)
DEFINE_FREE_ARRAY(agents_free, agent, agent_release)
DEFINE_FREE_ARRAY(tickets_free, ticket, ticket_release)
DEFINE_FREE_ARRAY(messages_free, message, message_release)
DEFINE_FREE_ARRAY(events_free, event, event_release)
/* clang-format on */
