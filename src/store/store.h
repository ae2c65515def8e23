/*
 * The store: the only place that knows how records are kept.  Callers see an
 * opaque handle and functions on records; no SQL leaves this folder.
 *
 * Concurrency model.  One `struct store` is shared by every thread.
 *  - Reads run on the calling thread's own connection (one per thread,
 *    opened on first use), inside one read transaction: store_read().
 *  - Writes are handed to a single writer thread that batches the writes
 *    waiting at the same moment into one transaction (group commit): each
 *    write runs inside its own savepoint, so one failing write rolls back
 *    alone, and all of them become durable with one fsync.  store_write()
 *    returns, and store_write_async() calls back, only after the commit is
 *    on disk; a write whose function fails is rolled back and never seen.
 * A backend (SQLite now, PostgreSQL later) fills `struct store_ops`
 * (store_int.h); this file is the same for both.
 */
#ifndef TRUCE_STORE_H
#define TRUCE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../domain/model.h"
#include "../domain/survey.h"
#include "../util/err.h"

struct store;
struct store_tx;

struct store_options {
    int busy_timeout_ms; /* how long to wait for another process's lock; 0: 5000 */
    int max_batch;       /* most writes in one group commit; 0: 256 */
};

/* Opens (creating if needed) and migrates the database at `path`, which may
 * be a "file:" URI.  On failure *out is untouched and ei says why. */
enum terr store_open(const char *path, const struct store_options *opt, struct store **out,
                     struct terr_info *ei);
/* Waits for queued writes, stops the writer and closes every connection. Accepts NULL. */
void store_close(struct store *st);

/* The schema version now applied (the highest migration number). */
int store_schema_version(struct store *st);
/* The highest migration this build knows. */
int store_schema_latest(void);

/* A number that grows with every write batch this store runs, raised before
 * the batch's writers hear back.  Equal readings mean this process wrote
 * nothing in between, so a view computed at the first is still current:
 * the basis for read caches.  Writes by other processes are not counted. */
uint64_t store_generation(struct store *st);

/* A unit of work.  It returns TERR_OK to keep its writes or any error to
 * roll them back; it may fill its own error detail through `arg`. */
typedef enum terr (*store_tx_fn)(struct store_tx *tx, void *arg);
typedef void (*store_done_fn)(void *arg, enum terr result);

/* Runs fn in a read transaction on this thread's connection. */
enum terr store_read(struct store *st, store_tx_fn fn, void *arg);
/* Runs fn on the writer thread; returns fn's result once durable (or rolled back). */
enum terr store_write(struct store *st, store_tx_fn fn, void *arg);
/* As store_write, but returns at once; done(arg, result) runs on the writer
 * thread after the commit (or rollback).  done must not block. */
void store_write_async(struct store *st, store_tx_fn fn, store_done_fn done, void *arg);

/* ---- records.  All take a transaction and return TERR_OK, TERR_NOT_FOUND,
 * TERR_CONFLICT (a uniqueness rule), or a storage error.  Output records are
 * filled only on success and owned by the caller (release with *_release). */

enum terr store_customer_insert(struct store_tx *tx, struct customer *c); /* sets c->id */
enum terr store_customer_get(struct store_tx *tx, int64_t id, struct customer *out);
enum terr store_customer_find_email(struct store_tx *tx, const char *email, struct customer *out);
enum terr store_customer_update(struct store_tx *tx, const struct customer *c);
/* Links (channel, handle) to a customer; TERR_CONFLICT if another customer has it. */
enum terr store_customer_handle_add(struct store_tx *tx, int64_t customer_id, const char *channel,
                                    const char *handle);

/* password_hash may be NULL (token-only agent).  Sets a->id. */
enum terr store_agent_insert(struct store_tx *tx, struct agent *a, const char *password_hash);
enum terr store_agent_get(struct store_tx *tx, int64_t id, struct agent *out);
/* *out_hash (may be NULL when not wanted) is the stored Argon2id string or NULL; caller frees. */
enum terr store_agent_find_email(struct store_tx *tx, const char *email, struct agent *out,
                                 char **out_hash);
/* All agents by id; caller frees with agents_free(). */
enum terr store_agent_list(struct store_tx *tx, struct agent **out, size_t *n_out);
enum terr store_agent_count(struct store_tx *tx, int64_t *out);
/* Writes a's name, role, skills, availability (away), languages, channels
 * and teams; not its email, password or last_assigned_at.  TERR_NOT_FOUND
 * for an unknown id. */
enum terr store_agent_update(struct store_tx *tx, const struct agent *a);
/* Stamps when agent id was last given a ticket (routing's round-robin).
 * TERR_NOT_FOUND for an unknown id. */
enum terr store_agent_set_assigned(struct store_tx *tx, int64_t id, int64_t at);

/* An agent's open tickets (status new, open or pending) at each level. */
struct agent_load {
    int64_t agent_id;
    uint32_t open_by_level[4]; /* indexed by enum level */
};
/* One row for every agent, by id (zeros for an agent holding nothing);
 * caller frees *out with free(). */
enum terr store_agent_loads(struct store_tx *tx, struct agent_load **out, size_t *n_out);

#define STORE_HASH_LEN 32
enum terr store_token_insert(struct store_tx *tx, int64_t agent_id,
                             const unsigned char hash[STORE_HASH_LEN], const char *label,
                             int64_t *out_id);
/* Revokes the token with this hash (or, with store_token_revoke_agent, every
 * token of an agent); *n_out (may be NULL) counts the tokens newly revoked. */
enum terr store_token_revoke(struct store_tx *tx, const unsigned char hash[STORE_HASH_LEN],
                             int64_t now, int64_t *n_out);
enum terr store_token_revoke_agent(struct store_tx *tx, int64_t agent_id, int64_t now,
                                   int64_t *n_out);
/* The agent owning an unrevoked token with this hash. */
enum terr store_token_find(struct store_tx *tx, const unsigned char hash[STORE_HASH_LEN],
                           int64_t *out_agent_id);

#define STORE_CSRF_MAX 96
struct session {
    int64_t agent_id;
    char csrf[STORE_CSRF_MAX];
    int64_t expires_at;
};
enum terr store_session_insert(struct store_tx *tx, const unsigned char id_hash[STORE_HASH_LEN],
                               const struct session *s);
enum terr store_session_find(struct store_tx *tx, const unsigned char id_hash[STORE_HASH_LEN],
                             struct session *out);
enum terr store_session_delete(struct store_tx *tx, const unsigned char id_hash[STORE_HASH_LEN]);
/* Deletes every session of an agent; *n_out (may be NULL) counts them. */
enum terr store_session_delete_agent(struct store_tx *tx, int64_t agent_id, int64_t *n_out);
/* Deletes sessions that expired before `now`; *n_out (may be NULL) counts them. */
enum terr store_session_purge(struct store_tx *tx, int64_t now, int64_t *n_out);

/* SORT_DUE lists only tickets with a running SLA clock, soonest due first. */
enum ticket_sort { SORT_RISK, SORT_UPDATED, SORT_CREATED, SORT_DUE };

/* A page of tickets.  Filters are off when 0/false.  The page starts after
 * the (after_key, after_id) position of the sort order, when has_after. */
struct ticket_query {
    bool has_status;
    enum ticket_status status;
    bool has_level;
    enum level level;
    int64_t assignee_id; /* 0: any; -1: unassigned */
    int64_t customer_id; /* 0: any */
    bool has_channel;
    enum channel channel;
    /* NULL: any; else a case-insensitive (ASCII) substring of the subject,
     * the customer's name or the customer's email (borrowed). */
    const char *search;
    enum ticket_sort sort;
    bool has_after;
    int64_t after_key;
    int64_t after_id;
    size_t limit;
};
enum terr store_ticket_insert(struct store_tx *tx, struct ticket *t); /* sets t->id */
enum terr store_ticket_get(struct store_tx *tx, int64_t id, struct ticket *out);
enum terr store_ticket_update(struct store_tx *tx, const struct ticket *t);
/* Up to q->limit tickets; caller frees with tickets_free(). */
enum terr store_ticket_list(struct store_tx *tx, const struct ticket_query *q, struct ticket **out,
                            size_t *n_out);
/* The sort key of t under `sort` (what a cursor carries). */
int64_t store_ticket_sort_key(const struct ticket *t, enum ticket_sort sort);

enum terr store_message_insert(struct store_tx *tx, struct message *m); /* sets m->id */
/* Messages of a ticket, oldest first; internal notes only if with_internal. */
enum terr store_message_list(struct store_tx *tx, int64_t ticket_id, bool with_internal,
                             struct message **out, size_t *n_out);
/* At most limit of them (0: no limit) with ids above after_id, oldest first. */
enum terr store_message_page(struct store_tx *tx, int64_t ticket_id, bool with_internal,
                             int64_t after_id, size_t limit, struct message **out, size_t *n_out);

/* The last limit messages of a ticket (internal notes included), oldest
 * first: the window the conversation risk is assessed on. */
enum terr store_message_recent(struct store_tx *tx, int64_t ticket_id, size_t limit,
                               struct message **out, size_t *n_out);

enum terr store_event_insert(struct store_tx *tx, struct event *e); /* sets e->id */
/* Events of a ticket, oldest first. */
enum terr store_event_list(struct store_tx *tx, int64_t ticket_id, struct event **out,
                           size_t *n_out);
/* At most limit of them (0: no limit) with ids above after_id, oldest first. */
enum terr store_event_page(struct store_tx *tx, int64_t ticket_id, int64_t after_id, size_t limit,
                           struct event **out, size_t *n_out);

/* The first answer given to a POST with an Idempotency-Key. */
struct idem_record {
    char *principal;
    char *key;
    unsigned char request_hash[STORE_HASH_LEN];
    int status;
    char *response;
    int64_t created_at;
};
void idem_record_release(struct idem_record *r);
enum terr store_idem_get(struct store_tx *tx, const char *principal, const char *key,
                         struct idem_record *out);
enum terr store_idem_put(struct store_tx *tx, const struct idem_record *r);
/* Forgets idempotency records created before `before`; *n_out (may be NULL) counts them. */
enum terr store_idem_purge(struct store_tx *tx, int64_t before, int64_t *n_out);

/* ---- settings, surveys and the outbox ---- */

/* A server setting's value into out (cap bytes), its length in *n_out.
 * TERR_NOT_FOUND when unset; TERR_TOO_LARGE when longer than cap. */
enum terr store_setting_get(struct store_tx *tx, const char *name, unsigned char *out, size_t cap,
                            size_t *n_out);
/* Creates a setting; TERR_CONFLICT when it exists (settings are set once). */
enum terr store_setting_insert(struct store_tx *tx, const char *name, const unsigned char *value,
                               size_t len, int64_t now);
/* Creates or replaces a setting (the first creation time is kept). */
enum terr store_setting_put(struct store_tx *tx, const char *name, const unsigned char *value,
                            size_t len, int64_t now);

/* Inserts a survey without its token hash (s->token_hash is ignored) and
 * sets s->id; store_survey_set_token then stores the hash of the link made
 * from that id, in the same transaction. */
enum terr store_survey_insert(struct store_tx *tx, struct survey *s);
enum terr store_survey_set_token(struct store_tx *tx, int64_t id,
                                 const unsigned char hash[SURVEY_HASH_LEN]);
/* A survey by id (release with survey_release); a survey whose token was
 * never set has an all-zero token_hash. */
enum terr store_survey_get(struct store_tx *tx, int64_t id, struct survey *out);
/* Records the answer at `now`, once: TERR_CONFLICT if already answered. */
enum terr store_survey_answer(struct store_tx *tx, int64_t id, const struct survey_answer *a,
                              int64_t now);
/* A ticket's surveys, oldest first; caller frees with surveys_free(). */
enum terr store_survey_list(struct store_tx *tx, int64_t ticket_id, struct survey **out,
                            size_t *n_out);

/* A page of the outbox in id order.  Filters are off when 0/false. */
struct outbox_query {
    int64_t ticket_id;
    bool has_state;
    enum outbox_state state;
    int64_t due_by; /* 0: any; else only messages with due_at <= due_by */
    int64_t after_id;
    size_t limit; /* 0: no limit */
};
enum terr store_outbox_insert(struct store_tx *tx, struct outbox_msg *m); /* sets m->id */
/* Caller frees with outbox_msgs_free(). */
enum terr store_outbox_list(struct store_tx *tx, const struct outbox_query *q,
                            struct outbox_msg **out, size_t *n_out);
/* For the channel that delivers: moves a queued message to `state` (sent
 * stamps sent_at = at).  TERR_NOT_FOUND for an unknown id, TERR_CONFLICT
 * when the message is no longer queued (another sender got there first). */
enum terr store_outbox_mark(struct store_tx *tx, int64_t id, enum outbox_state state,
                            int64_t at);

#endif
