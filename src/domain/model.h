/*
 * The desk's records and their closed vocabularies.  Pure data: no I/O.
 *
 * Times are int64 milliseconds since the Unix epoch; 0 means "not yet" (a
 * ticket without a first response has first_response_at == 0).  Ids are
 * positive; 0 means "none" (an unassigned ticket has assignee_id == 0).
 * Strings are heap-owned by the record and freed by its _release function.
 */
#ifndef TRUCE_MODEL_H
#define TRUCE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each vocabulary is an X-macro so the enum and its wire names stay in step. */
/* clang-format off */
#define TICKET_STATUS_MAP(X) X(NEW, "new") X(OPEN, "open") X(PENDING, "pending") \
    X(RESOLVED, "resolved") X(CLOSED, "closed")
#define PRIORITY_MAP(X) X(LOW, "low") X(NORMAL, "normal") X(HIGH, "high") X(URGENT, "urgent")
#define LEVEL_MAP(X) X(CALM, "calm") X(TENSE, "tense") X(HEATED, "heated") X(HOSTILE, "hostile")
#define CHANNEL_MAP(X) X(API, "api") X(EMAIL, "email") X(WEB, "web") X(CHAT, "chat") \
    X(PHONE, "phone")
#define ROLE_MAP(X) X(AGENT, "agent") X(LEAD, "lead") X(ADMIN, "admin")
#define AUTHOR_MAP(X) X(CUSTOMER, "customer") X(AGENT, "agent") X(SYSTEM, "system")
/* clang-format on */

enum ticket_status {
#define X(name, str) STATUS_##name,
    TICKET_STATUS_MAP(X)
#undef X
};
enum priority {
#define X(name, str) PRIORITY_##name,
    PRIORITY_MAP(X)
#undef X
};
enum level {
#define X(name, str) LEVEL_##name,
    LEVEL_MAP(X)
#undef X
};
enum channel {
#define X(name, str) CHANNEL_##name,
    CHANNEL_MAP(X)
#undef X
};
/* Ordered: a route's minimum role is compared with <=. */
enum role {
#define X(name, str) ROLE_##name,
    ROLE_MAP(X)
#undef X
};
enum author_kind {
#define X(name, str) AUTHOR_##name,
    AUTHOR_MAP(X)
#undef X
};

/* Wire names (static strings) and their parsers; a parser returns false and
 * leaves *out untouched for a name it does not know. */
const char *status_name(enum ticket_status v);
bool status_parse(const char *s, enum ticket_status *out);
const char *priority_name(enum priority v);
bool priority_parse(const char *s, enum priority *out);
const char *level_name(enum level v);
bool level_parse(const char *s, enum level *out);
const char *channel_name(enum channel v);
bool channel_parse(const char *s, enum channel *out);
const char *role_name(enum role v);
bool role_parse(const char *s, enum role *out);
const char *author_name(enum author_kind v);
bool author_parse(const char *s, enum author_kind *out);

/* A list of owned strings. */
struct strlist {
    char **v;
    size_t n;
};
void strlist_push(struct strlist *l, const char *s);
bool strlist_contains(const struct strlist *l, const char *s);
void strlist_release(struct strlist *l);

struct customer_handle {
    char *channel;
    char *handle;
};

struct customer {
    int64_t id;
    char *name;
    char *email;
    int64_t created_at;
    struct customer_handle *handles;
    size_t n_handles;
};

struct agent {
    int64_t id;
    char *name;
    char *email;
    enum role role;
    struct strlist skills;
    int64_t created_at;
    /* Routing (routing.h): an agent away gets nothing new; empty lists mean
     * every language and every channel; teams are labels rules assign to. */
    bool away;
    struct strlist languages; /* BCP 47 tags */
    struct strlist channels;  /* channel names */
    struct strlist teams;
    int64_t last_assigned_at; /* 0: never */
};

struct ticket {
    int64_t id;
    char *subject;
    enum ticket_status status;
    enum priority priority;
    enum channel channel;
    int64_t customer_id;
    int64_t assignee_id;
    int64_t created_at;
    int64_t updated_at;
    int64_t first_response_at;
    int64_t resolved_at;
    int risk; /* 0..100 */
    enum level level;
    char *category; /* NULL when not yet known */
    struct strlist tags;
    char *risk_reasons;     /* JSON array of {"text","weight"}; NULL until assessed */
    bool category_by_agent; /* an agent set category: the analysis leaves it alone */
    /* The resolution workflow (issue 5). */
    int64_t due_at;        /* earliest due time of a running SLA clock; 0: none */
    int64_t breached_at;   /* earliest SLA breach; 0: none */
    uint32_t sla_breached; /* bit (1u << enum sla_metric) per breached clock */
    enum level peak_level; /* the highest level reached; never falls */
    bool marked_conflict;  /* an agent marked it as a conflict: the six steps apply */
    bool legal_hold;       /* placed by a rule or a lead: nothing may be purged */
    char *team;            /* the team it is routed to; NULL: none */
    char *language;        /* the customer's language (BCP 47); NULL: unknown */
    int64_t problem_id;    /* the problem it is linked to; 0: none */
    int64_t problem_linked_at;
};

struct message {
    int64_t id;
    int64_t ticket_id;
    enum author_kind author_kind;
    int64_t author_id; /* customer or agent id; 0 for system */
    char *body;
    bool internal;
    enum channel channel;
    int64_t created_at;
    char *analysis_json; /* NULL until analysed */
    char *coach_json;    /* an agent reply's coach review; NULL when none */
};

/* One line of the audit trail.  before/after are JSON texts or NULL. */
struct event {
    int64_t id;
    char *actor_kind; /* "agent", "customer", "system" */
    int64_t actor_id;
    char *action;      /* "ticket.create", "ticket.update", ... */
    char *target_kind; /* "ticket", "agent", ... */
    int64_t target_id;
    int64_t ticket_id; /* the ticket this concerns, 0 if none */
    char *before_json;
    char *after_json;
    int64_t created_at;
};

/* Each accepts NULL and leaves the record zeroed. */
void customer_release(struct customer *c);
void agent_release(struct agent *a);
void ticket_release(struct ticket *t);
void message_release(struct message *m);
void event_release(struct event *e);

/* Free an array of n records and the array itself.  Accept NULL. */
void customers_free(struct customer *v, size_t n);
void agents_free(struct agent *v, size_t n);
void tickets_free(struct ticket *v, size_t n);
void messages_free(struct message *v, size_t n);
void events_free(struct event *v, size_t n);

#endif
