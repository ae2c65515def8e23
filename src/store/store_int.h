/*
 * Inside the store: the backend ops table and the shared handle.
 *
 * A backend provides connections (struct store_conn, its own type), the
 * transaction verbs the group-commit writer needs, and one function per record
 * operation.  store.c owns threads and queues and is backend-neutral.
 */
#ifndef TRUCE_STORE_INT_H
#define TRUCE_STORE_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "store.h"

struct store_conn;
struct store_jobs_ops; /* the job queue and webhooks: store_jobs_int.h */
struct store_sla_ops;  /* the SLA clocks' records: store_sla_int.h */
struct store_reports_ops; /* the reports: store_reports_int.h */
struct store_search_ops;  /* full-text search: store_search_int.h */
struct store_offers_ops; /* offers: store_offers_int.h */
struct store_kb_ops;     /* articles: store_kb_int.h */
/* Steps, lessons and problems: store_steps_int.h. */
struct store_steps_ops;
struct store_rules_ops; /* rules and notifications: store_rules_int.h */

struct store_ops {
    const char *name;
    /* Prepare the database at path (create, migrate); sets st->backend. */
    enum terr (*open)(struct store *st, const char *path, struct terr_info *ei);
    void (*close)(struct store *st);
    enum terr (*conn_open)(struct store *st, struct store_conn **out);
    void (*conn_close)(struct store_conn *c);
    enum terr (*begin)(struct store_conn *c, bool write);
    enum terr (*commit)(struct store_conn *c);
    void (*rollback)(struct store_conn *c);
    enum terr (*savepoint)(struct store_conn *c);
    enum terr (*release)(struct store_conn *c);
    void (*rollback_to)(struct store_conn *c);
    int (*schema_version)(struct store_conn *c);

    enum terr (*customer_insert)(struct store_conn *c, struct customer *cu);
    enum terr (*customer_get)(struct store_conn *c, int64_t id, struct customer *out);
    enum terr (*customer_find_email)(struct store_conn *c, const char *email, struct customer *out);
    enum terr (*customer_update)(struct store_conn *c, const struct customer *cu);
    enum terr (*customer_handle_add)(struct store_conn *c, int64_t customer_id, const char *channel,
                                     const char *handle);
    enum terr (*agent_insert)(struct store_conn *c, struct agent *a, const char *password_hash);
    enum terr (*agent_get)(struct store_conn *c, int64_t id, struct agent *out);
    enum terr (*agent_find_email)(struct store_conn *c, const char *email, struct agent *out,
                                  char **out_hash);
    enum terr (*agent_list)(struct store_conn *c, struct agent **out, size_t *n_out);
    enum terr (*agent_count)(struct store_conn *c, int64_t *out);
    enum terr (*agent_update)(struct store_conn *c, const struct agent *a);
    enum terr (*agent_set_assigned)(struct store_conn *c, int64_t id, int64_t at);
    enum terr (*agent_loads)(struct store_conn *c, struct agent_load **out, size_t *n_out);
    enum terr (*token_insert)(struct store_conn *c, int64_t agent_id,
                              const unsigned char hash[STORE_HASH_LEN], const char *label,
                              int64_t *out_id);
    enum terr (*token_revoke)(struct store_conn *c, const unsigned char hash[STORE_HASH_LEN],
                              int64_t now, int64_t *n_out);
    enum terr (*token_revoke_agent)(struct store_conn *c, int64_t agent_id, int64_t now,
                                    int64_t *n_out);
    enum terr (*token_find)(struct store_conn *c, const unsigned char hash[STORE_HASH_LEN],
                            int64_t *out_agent_id);
    enum terr (*session_insert)(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN],
                                const struct session *s);
    enum terr (*session_find)(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN],
                              struct session *out);
    enum terr (*session_delete)(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN]);
    enum terr (*session_delete_agent)(struct store_conn *c, int64_t agent_id, int64_t *n_out);
    enum terr (*session_purge)(struct store_conn *c, int64_t now, int64_t *n_out);
    enum terr (*idem_purge)(struct store_conn *c, int64_t before, int64_t *n_out);
    enum terr (*ticket_insert)(struct store_conn *c, struct ticket *t);
    enum terr (*ticket_get)(struct store_conn *c, int64_t id, struct ticket *out);
    enum terr (*ticket_update)(struct store_conn *c, const struct ticket *t);
    enum terr (*ticket_list)(struct store_conn *c, const struct ticket_query *q,
                             struct ticket **out, size_t *n_out);
    enum terr (*message_insert)(struct store_conn *c, struct message *m);
    enum terr (*message_list)(struct store_conn *c, int64_t ticket_id, bool with_internal,
                              int64_t after_id, size_t limit, struct message **out, size_t *n_out);
    enum terr (*message_recent)(struct store_conn *c, int64_t ticket_id, size_t limit,
                                struct message **out, size_t *n_out);
    enum terr (*event_insert)(struct store_conn *c, struct event *e);
    enum terr (*event_list)(struct store_conn *c, int64_t ticket_id, int64_t after_id, size_t limit,
                            struct event **out, size_t *n_out);
    enum terr (*idem_get)(struct store_conn *c, const char *principal, const char *key,
                          struct idem_record *out);
    enum terr (*idem_put)(struct store_conn *c, const struct idem_record *r);
    const struct store_jobs_ops *jobs;
    const struct store_rules_ops *rules;
    enum terr (*setting_get)(struct store_conn *c, const char *name, unsigned char *out, size_t cap,
                             size_t *n_out);
    enum terr (*setting_insert)(struct store_conn *c, const char *name, const unsigned char *value,
                                size_t len, int64_t now);
    enum terr (*setting_put)(struct store_conn *c, const char *name, const unsigned char *value,
                             size_t len, int64_t now);
    enum terr (*survey_insert)(struct store_conn *c, struct survey *s);
    enum terr (*survey_set_token)(struct store_conn *c, int64_t id,
                                  const unsigned char hash[SURVEY_HASH_LEN]);
    enum terr (*survey_get)(struct store_conn *c, int64_t id, struct survey *out);
    enum terr (*survey_answer)(struct store_conn *c, int64_t id, const struct survey_answer *a,
                               int64_t now);
    enum terr (*survey_list)(struct store_conn *c, int64_t ticket_id, struct survey **out,
                             size_t *n_out);
    enum terr (*outbox_insert)(struct store_conn *c, struct outbox_msg *m);
    enum terr (*outbox_list)(struct store_conn *c, const struct outbox_query *q,
                             struct outbox_msg **out, size_t *n_out);
    enum terr (*outbox_mark)(struct store_conn *c, int64_t id, enum outbox_state state,
                             int64_t at);
    const struct store_sla_ops *sla;
    const struct store_offers_ops *offers;
    const struct store_steps_ops *steps;
    const struct store_reports_ops *reports;
    const struct store_search_ops *search;
    const struct store_kb_ops *kb;
};

struct write_job {
    store_tx_fn fn;
    void *fn_arg;
    store_done_fn done;
    void *done_arg;
    enum terr result;
    struct write_job *next;
};

/* A connection some thread opened, kept so store_close can close it. */
struct conn_slot {
    struct store_conn *conn;
    struct conn_slot *next;
};

struct store {
    const struct store_ops *ops;
    void *backend;
    struct store_options opt;
    int schema_version;          /* as migrated by open */
    _Atomic uint64_t generation; /* write batches run so far (store_generation) */

    pthread_key_t conn_key; /* this thread's read connection (a conn_slot) */
    pthread_mutex_t conns_lock;
    struct conn_slot *conns;

    pthread_mutex_t queue_lock;
    pthread_cond_t queue_cond;
    struct write_job *head, *tail;
    bool stopping;
    pthread_t writer;
    struct store_conn *writer_conn;
};

struct store_tx {
    struct store *st;
    struct store_conn *conn;
};

extern const struct store_ops store_sqlite_ops;

#endif
