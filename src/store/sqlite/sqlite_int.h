/*
 * SQLite backend internals.  Every statement the record operations and
 * transactions run is listed once in SQLITE_STMTS; each connection prepares
 * a statement the first time it is used and keeps it (reset after each use)
 * until the connection closes.  Only opening a database (migrations, which
 * run once) executes SQL text directly.
 */
#ifndef TRUCE_SQLITE_INT_H
#define TRUCE_SQLITE_INT_H

#include <sqlite3.h>

#include "../store_int.h"
#include "sqlite_jobs.h"
#include "sqlite_sla.h"
#include "sqlite_offers.h"
#include "sqlite_steps.h"
#include "sqlite_rules.h"
#include "sqlite_reports.h"
#include "sqlite_search.h"
#include "sqlite_kb.h"

/* clang-format off */
#define TICKET_COLS                                                                            \
    "id, subject, status, priority, channel, customer_id, assignee_id, created_at, updated_at, " \
    "first_response_at, resolved_at, risk, level, category, tags, risk_reasons, category_by_agent, " \
    "due_at, breached_at, sla_breached, peak_level, marked_conflict, legal_hold, team, language, " \
    "problem_id, problem_linked_at"
#define TICKET_FILTER                                                                          \
    " WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR level = ?2)"                        \
    " AND (?3 IS NULL OR (?3 = -1 AND assignee_id IS NULL) OR assignee_id = ?3)"               \
    " AND (?4 IS NULL OR customer_id = ?4) AND (?8 IS NULL OR channel = ?8)"                  \
    " AND (?9 IS NULL OR subject LIKE ?9 ESCAPE '\\' OR customer_id IN"                       \
    " (SELECT c.id FROM customers c WHERE c.name LIKE ?9 ESCAPE '\\'"                          \
    " OR c.email LIKE ?9 ESCAPE '\\'))"
#define AGENT_COLS                                                                             \
    "id, name, email, role, skills, created_at, password_hash, available, languages, channels, " \
    "teams, last_assigned_at"
#define MESSAGE_COLS                                                                           \
    "id, ticket_id, author_kind, author_id, body, internal, channel, created_at, analysis, "    \
    "coach"
#define EVENT_COLS                                                                             \
    "id, actor_kind, actor_id, action, target_kind, target_id, ticket_id, before, after, "     \
    "created_at"

#define SURVEY_COLS                                                                            \
    "id, ticket_id, token_hash, created_at, expires_at, answered_at, csat, nps, ces, comment"
#define OUTBOX_COLS                                                                            \
    "id, ticket_id, customer_id, channel, kind, subject, body, state, survey_id, due_at,"      \
    " created_at, sent_at"
/* Settings, surveys and the outbox (sqlite_surveys.c). */
#define SQLITE_SURVEY_STMTS(X)                                                                 \
    X(SETTING_GET, "SELECT value FROM settings WHERE name = ?")                               \
    X(SETTING_INSERT, "INSERT INTO settings (name, value, created_at) VALUES (?, ?, ?)")       \
    X(SETTING_PUT, "INSERT INTO settings (name, value, created_at) VALUES (?, ?, ?)"          \
                   " ON CONFLICT (name) DO UPDATE SET value = excluded.value")                 \
    X(SURVEY_INSERT, "INSERT INTO surveys (ticket_id, created_at, expires_at) VALUES (?, ?, ?)") \
    X(SURVEY_SET_TOKEN, "UPDATE surveys SET token_hash = ?2 WHERE id = ?1")                    \
    X(SURVEY_GET, "SELECT " SURVEY_COLS " FROM surveys WHERE id = ?")                         \
    X(SURVEY_ANSWER, "UPDATE surveys SET answered_at = ?2, csat = ?3, nps = ?4, ces = ?5,"    \
                     " comment = ?6 WHERE id = ?1 AND answered_at IS NULL")                    \
    X(SURVEY_EXISTS, "SELECT 1 FROM surveys WHERE id = ?")                                     \
    X(SURVEY_LIST, "SELECT " SURVEY_COLS " FROM surveys WHERE ticket_id = ? ORDER BY id")     \
    X(OUTBOX_INSERT, "INSERT INTO outbox (ticket_id, customer_id, channel, kind, subject,"    \
                     " body, state, survey_id, due_at, created_at, sent_at)"                   \
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")                              \
    X(OUTBOX_LIST, "SELECT " OUTBOX_COLS " FROM outbox WHERE (?1 IS NULL OR ticket_id = ?1)"  \
                   " AND (?2 IS NULL OR state = ?2) AND (?5 IS NULL OR due_at <= ?5)"          \
                   " AND id > ?3 ORDER BY id LIMIT ?4")                                        \
    X(OUTBOX_MARK, "UPDATE outbox SET state = ?2, sent_at = ?3 WHERE id = ?1"                  \
                   " AND state = 'queued'")                                                    \
    X(OUTBOX_EXISTS, "SELECT 1 FROM outbox WHERE id = ?")

#define SQLITE_STMTS(X)                                                                        \
    X(BEGIN_READ, "BEGIN")                                                                     \
    X(BEGIN_WRITE, "BEGIN IMMEDIATE")                                                          \
    X(COMMIT, "COMMIT")                                                                        \
    X(ROLLBACK, "ROLLBACK")                                                                    \
    X(SAVEPOINT, "SAVEPOINT job")                                                              \
    X(RELEASE, "RELEASE job")                                                                  \
    X(ROLLBACK_TO, "ROLLBACK TO job")                                                          \
    X(SCHEMA_VERSION, "SELECT coalesce(max(version), 0) FROM schema_version")                 \
    X(CUSTOMER_INSERT, "INSERT INTO customers (name, email, created_at) VALUES (?, ?, ?)")     \
    X(CUSTOMER_GET, "SELECT id, name, email, created_at FROM customers WHERE id = ?")          \
    X(CUSTOMER_FIND_EMAIL, "SELECT id, name, email, created_at FROM customers WHERE email = ?") \
    X(CUSTOMER_UPDATE, "UPDATE customers SET name = ?, email = ? WHERE id = ?")                \
    X(HANDLES_OF, "SELECT channel, handle FROM customer_handles WHERE customer_id = ?"        \
                  " ORDER BY channel, handle")                                                 \
    X(HANDLE_OWNER, "SELECT customer_id FROM customer_handles WHERE channel = ? AND handle = ?") \
    X(HANDLE_INSERT, "INSERT INTO customer_handles (customer_id, channel, handle)"             \
                     " VALUES (?, ?, ?)")                                                      \
    X(AGENT_INSERT, "INSERT INTO agents (name, email, role, skills, password_hash, created_at," \
                    " available, languages, channels, teams, last_assigned_at)"                \
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")                               \
    X(AGENT_GET, "SELECT " AGENT_COLS " FROM agents WHERE id = ?")                             \
    X(AGENT_FIND_EMAIL, "SELECT " AGENT_COLS " FROM agents WHERE email = ?")                   \
    X(AGENT_LIST, "SELECT " AGENT_COLS " FROM agents ORDER BY id")                             \
    X(AGENT_COUNT, "SELECT count(*) FROM agents")                                              \
    X(AGENT_UPDATE, "UPDATE agents SET name = ?2, role = ?3, skills = ?4, available = ?5,"     \
                    " languages = ?6, channels = ?7, teams = ?8 WHERE id = ?1")                \
    X(AGENT_SET_ASSIGNED, "UPDATE agents SET last_assigned_at = ?2 WHERE id = ?1")             \
    /* Every agent with their open tickets by level: the open tickets are                      \
     * found by the tickets_status index, so closed history costs nothing. */                  \
    X(AGENT_LOADS, "SELECT a.id, coalesce(l.calm, 0), coalesce(l.tense, 0),"                   \
                   " coalesce(l.heated, 0), coalesce(l.hostile, 0) FROM agents a LEFT JOIN"    \
                   " (SELECT assignee_id, count(*) FILTER (WHERE level = 'calm') AS calm,"     \
                   " count(*) FILTER (WHERE level = 'tense') AS tense,"                        \
                   " count(*) FILTER (WHERE level = 'heated') AS heated,"                      \
                   " count(*) FILTER (WHERE level = 'hostile') AS hostile FROM tickets"        \
                   " WHERE status IN ('new', 'open', 'pending') AND assignee_id IS NOT NULL"   \
                   " GROUP BY assignee_id) l ON l.assignee_id = a.id ORDER BY a.id")           \
    X(TOKEN_INSERT, "INSERT INTO api_tokens (agent_id, token_hash, label, created_at)"         \
                    " VALUES (?, ?, ?, ?)")                                                    \
    X(TOKEN_FIND, "SELECT agent_id, token_hash FROM api_tokens"                                \
                  " WHERE token_hash = ? AND revoked_at IS NULL")                              \
    X(TOKEN_REVOKE, "UPDATE api_tokens SET revoked_at = ?2"                                    \
                    " WHERE token_hash = ?1 AND revoked_at IS NULL")                           \
    X(TOKEN_REVOKE_AGENT, "UPDATE api_tokens SET revoked_at = ?2"                              \
                          " WHERE agent_id = ?1 AND revoked_at IS NULL")                       \
    X(SESSION_INSERT, "INSERT INTO sessions (id_hash, agent_id, csrf_token, created_at,"       \
                      " expires_at) VALUES (?, ?, ?, ?, ?)")                                   \
    X(SESSION_FIND, "SELECT agent_id, csrf_token, expires_at FROM sessions"                   \
                    " WHERE id_hash = ?")                                                      \
    X(SESSION_DELETE, "DELETE FROM sessions WHERE id_hash = ?")                                \
    X(SESSION_DELETE_AGENT, "DELETE FROM sessions WHERE agent_id = ?")                         \
    X(SESSION_PURGE, "DELETE FROM sessions WHERE expires_at <= ?")                             \
    X(IDEM_PURGE, "DELETE FROM idempotency_keys WHERE created_at < ?")                         \
    X(TICKET_INSERT, "INSERT INTO tickets (subject, status, priority, channel, customer_id,"   \
                     " assignee_id, created_at, updated_at, first_response_at, resolved_at,"   \
                     " risk, level, category, tags, risk_reasons, category_by_agent, due_at,"  \
                     " breached_at, sla_breached, peak_level, marked_conflict, legal_hold,"    \
                     " team, language, problem_id, problem_linked_at)"                         \
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"    \
                     " ?, ?, ?, ?, ?, ?)")                                                     \
    X(TICKET_GET, "SELECT " TICKET_COLS " FROM tickets WHERE id = ?")                          \
    X(TICKET_UPDATE, "UPDATE tickets SET subject = ?, status = ?, priority = ?, channel = ?,"  \
                     " customer_id = ?, assignee_id = ?, created_at = ?, updated_at = ?,"      \
                     " first_response_at = ?, resolved_at = ?, risk = ?, level = ?,"          \
                     " category = ?, tags = ?, risk_reasons = ?, category_by_agent = ?,"       \
                     " due_at = ?, breached_at = ?, sla_breached = ?, peak_level = ?,"         \
                     " marked_conflict = ?, legal_hold = ?, team = ?, language = ?,"           \
                     " problem_id = ?, problem_linked_at = ? WHERE id = ?")                    \
    X(TICKET_LIST_RISK, "SELECT " TICKET_COLS " FROM tickets" TICKET_FILTER                    \
                        " AND (risk, id) < (?5, ?6) ORDER BY risk DESC, id DESC LIMIT ?7")     \
    X(TICKET_LIST_UPDATED, "SELECT " TICKET_COLS " FROM tickets" TICKET_FILTER                 \
                           " AND (updated_at, id) < (?5, ?6)"                                  \
                           " ORDER BY updated_at DESC, id DESC LIMIT ?7")                      \
    X(TICKET_LIST_CREATED, "SELECT " TICKET_COLS " FROM tickets" TICKET_FILTER                 \
                           " AND (id, id) < (?5, ?6) ORDER BY id DESC LIMIT ?7")        \
    X(TICKET_LIST_DUE, "SELECT " TICKET_COLS " FROM tickets" TICKET_FILTER                     \
                       " AND due_at IS NOT NULL AND (due_at, id) > (?5, ?6)"                   \
                       " ORDER BY due_at, id LIMIT ?7")                                        \
    X(MESSAGE_INSERT, "INSERT INTO messages (ticket_id, author_kind, author_id, body,"        \
                      " internal, channel, created_at, analysis, coach)"                         \
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") \
    X(MESSAGE_LIST, "SELECT " MESSAGE_COLS " FROM messages"                                    \
                    " WHERE ticket_id = ?1 AND (?2 OR internal = 0) AND id > ?3"               \
                    " ORDER BY id LIMIT ?4")                                                   \
    X(MESSAGE_RECENT, "SELECT * FROM (SELECT " MESSAGE_COLS " FROM messages"                   \
                      " WHERE ticket_id = ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id")          \
    X(EVENT_INSERT, "INSERT INTO events (actor_kind, actor_id, action, target_kind, target_id," \
                    " ticket_id, before, after, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") \
    X(EVENT_LIST, "SELECT " EVENT_COLS " FROM events WHERE ticket_id = ?1 AND id > ?2"         \
                  " ORDER BY id LIMIT ?3")                                                     \
    X(IDEM_GET, "SELECT principal, key, request_hash, status, response, created_at"            \
                " FROM idempotency_keys WHERE principal = ? AND key = ?")                      \
    X(IDEM_PUT, "INSERT INTO idempotency_keys (principal, key, request_hash, status,"         \
                " response, created_at) VALUES (?, ?, ?, ?, ?, ?)")                         \
    SQLITE_SURVEY_STMTS(X)
/* clang-format on */

enum sqlite_stmt {
#define X(name, sql) STMT_##name,
    SQLITE_STMTS(X) SQLITE_JOB_STMTS(X) SQLITE_SLA_STMTS(X) SQLITE_OFFER_STMTS(X)
        SQLITE_STEP_STMTS(X) SQLITE_RULE_STMTS(X) SQLITE_REPORT_STMTS(X) SQLITE_SEARCH_STMTS(X)
            SQLITE_KB_STMTS(X)
#undef X
                STMT__COUNT
};

struct sqlite_backend {
    char *path;
    int busy_timeout_ms;
};

struct store_conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[STMT__COUNT];
};

/* The statement, prepared on first use and reset; NULL (logged) on failure. */
sqlite3_stmt *sq_stmt(struct store_conn *c, enum sqlite_stmt which);
/* Maps an SQLite result code to the desk's error, logging the detail. */
enum terr sq_error(struct store_conn *c, int rc);
/* Steps a statement that returns no row; resets it. */
enum terr sq_exec(struct store_conn *c, sqlite3_stmt *s);
/* Ends a walk over s's rows, rc the last sqlite3_step's: resets s; TERR_OK
 * when the rows ran out (SQLITE_DONE), else the error. */
enum terr sq_done(struct store_conn *c, sqlite3_stmt *s, int rc);
/* Steps an INSERT and reports the new rowid in *out_id (may be NULL). */
enum terr sq_insert_id(struct store_conn *c, sqlite3_stmt *s, int64_t *out_id);

/* Reads every row of s with `one`, growing *out; the array is returned whole or not at all. */
#define COLLECT_ROWS(c, s, type, from_row, freefn, out, n_out)                                     \
    do {                                                                                           \
        struct type *v_ = NULL;                                                                    \
        size_t n_ = 0;                                                                             \
        int rc_;                                                                                   \
        while ((rc_ = sqlite3_step(s)) == SQLITE_ROW) {                                            \
            v_ = xrealloc(v_, (n_ + 1) * sizeof(*v_));                                             \
            from_row(s, &v_[n_++]);                                                                \
        }                                                                                          \
        sqlite3_reset(s);                                                                          \
        if (rc_ != SQLITE_DONE) {                                                                  \
            freefn(v_, n_);                                                                        \
            return sq_error(c, rc_);                                                               \
        }                                                                                          \
        *(out) = v_;                                                                               \
        *(n_out) = n_;                                                                             \
        return TERR_OK;                                                                            \
    } while (0)

/* COLLECT_ROWS's freefn for arrays of records that own nothing else. */
void sq_rows_free(void *v, size_t n);

/* Runs a "DELETE ... WHERE column <op> ?1" statement with v as ?1; *n_out (may
 * be NULL) counts the rows deleted. */
enum terr sq_delete_where(struct store_conn *c, enum sqlite_stmt which, int64_t v, int64_t *n_out);

/* Bind helpers: 0 binds NULL for optional ids and times. */
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);
void sq_bind_id(sqlite3_stmt *s, int i, int64_t v);
/* Owned copy of a text column, or NULL. */
char *sq_col_text(sqlite3_stmt *s, int i);
/* JSON array text <-> string list. */
char *sq_strlist_json(const struct strlist *l);
void sq_strlist_parse(const char *json, struct strlist *out);

/* Embedded migrations (generated from data/schema/sqlite by the build). */
struct sqlite_migration {
    int version;
    const char *name;
    const char *sql;
};
extern const struct sqlite_migration sqlite_migrations[];
extern const size_t sqlite_n_migrations;

/* Record operations, in sqlite_records.c and sqlite_tickets.c. */
enum terr sq_customer_insert(struct store_conn *c, struct customer *cu);
enum terr sq_customer_get(struct store_conn *c, int64_t id, struct customer *out);
enum terr sq_customer_find_email(struct store_conn *c, const char *email, struct customer *out);
enum terr sq_customer_update(struct store_conn *c, const struct customer *cu);
enum terr sq_customer_handle_add(struct store_conn *c, int64_t customer_id, const char *channel,
                                 const char *handle);
enum terr sq_agent_insert(struct store_conn *c, struct agent *a, const char *password_hash);
enum terr sq_agent_get(struct store_conn *c, int64_t id, struct agent *out);
enum terr sq_agent_find_email(struct store_conn *c, const char *email, struct agent *out,
                              char **out_hash);
enum terr sq_agent_list(struct store_conn *c, struct agent **out, size_t *n_out);
enum terr sq_agent_count(struct store_conn *c, int64_t *out);
enum terr sq_agent_update(struct store_conn *c, const struct agent *a);
enum terr sq_agent_set_assigned(struct store_conn *c, int64_t id, int64_t at);
enum terr sq_agent_loads(struct store_conn *c, struct agent_load **out, size_t *n_out);
enum terr sq_token_insert(struct store_conn *c, int64_t agent_id,
                          const unsigned char hash[STORE_HASH_LEN], const char *label,
                          int64_t *out_id);
enum terr sq_token_revoke(struct store_conn *c, const unsigned char hash[STORE_HASH_LEN],
                          int64_t now, int64_t *n_out);
enum terr sq_token_revoke_agent(struct store_conn *c, int64_t agent_id, int64_t now,
                                int64_t *n_out);
enum terr sq_token_find(struct store_conn *c, const unsigned char hash[STORE_HASH_LEN],
                        int64_t *out_agent_id);
enum terr sq_session_insert(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN],
                            const struct session *s);
enum terr sq_session_find(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN],
                          struct session *out);
enum terr sq_session_delete(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN]);
enum terr sq_session_delete_agent(struct store_conn *c, int64_t agent_id, int64_t *n_out);
enum terr sq_session_purge(struct store_conn *c, int64_t now, int64_t *n_out);
enum terr sq_idem_purge(struct store_conn *c, int64_t before, int64_t *n_out);
enum terr sq_ticket_insert(struct store_conn *c, struct ticket *t);
enum terr sq_ticket_get(struct store_conn *c, int64_t id, struct ticket *out);
enum terr sq_ticket_update(struct store_conn *c, const struct ticket *t);
enum terr sq_ticket_list(struct store_conn *c, const struct ticket_query *q, struct ticket **out,
                         size_t *n_out);
enum terr sq_message_insert(struct store_conn *c, struct message *m);
enum terr sq_message_list(struct store_conn *c, int64_t ticket_id, bool with_internal,
                          int64_t after_id, size_t limit, struct message **out, size_t *n_out);
enum terr sq_message_recent(struct store_conn *c, int64_t ticket_id, size_t limit,
                            struct message **out, size_t *n_out);
enum terr sq_event_insert(struct store_conn *c, struct event *e);
enum terr sq_event_list(struct store_conn *c, int64_t ticket_id, int64_t after_id, size_t limit,
                        struct event **out, size_t *n_out);
enum terr sq_idem_get(struct store_conn *c, const char *principal, const char *key,
                      struct idem_record *out);
enum terr sq_idem_put(struct store_conn *c, const struct idem_record *r);
/* In sqlite_surveys.c. */
enum terr sq_setting_get(struct store_conn *c, const char *name, unsigned char *out, size_t cap,
                         size_t *n_out);
enum terr sq_setting_insert(struct store_conn *c, const char *name, const unsigned char *value,
                            size_t len, int64_t now);
enum terr sq_setting_put(struct store_conn *c, const char *name, const unsigned char *value,
                         size_t len, int64_t now);
enum terr sq_survey_insert(struct store_conn *c, struct survey *s);
enum terr sq_survey_set_token(struct store_conn *c, int64_t id,
                              const unsigned char hash[SURVEY_HASH_LEN]);
enum terr sq_survey_get(struct store_conn *c, int64_t id, struct survey *out);
enum terr sq_survey_answer(struct store_conn *c, int64_t id, const struct survey_answer *a,
                           int64_t now);
enum terr sq_survey_list(struct store_conn *c, int64_t ticket_id, struct survey **out,
                         size_t *n_out);
enum terr sq_outbox_insert(struct store_conn *c, struct outbox_msg *m);
enum terr sq_outbox_list(struct store_conn *c, const struct outbox_query *q,
                         struct outbox_msg **out, size_t *n_out);
enum terr sq_outbox_mark(struct store_conn *c, int64_t id, enum outbox_state state, int64_t at);

#endif
