/*
 * SQLite backend: connections, transactions, the statement cache and the
 * migrations applied on open.
 *
 * Every connection runs in WAL mode with synchronous=FULL, so a COMMIT that
 * returned is on disk, and with foreign keys on.  Each thread has its own
 * connection (store.c), so connections are opened without SQLite's mutexes.
 */
#include "sqlite_int.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../../util/log.h"
#include "../../util/timeutil.h"
#include "../store_jobs_int.h"
#include "../store_sla_int.h"
#include "../store_offers_int.h"
#include "../store_steps_int.h"
#include "../store_rules_int.h"
#include "../store_reports_int.h"
#include "../store_search_int.h"
#include "../store_kb_int.h"

static const char *const stmt_sql[] = {
#define X(name, sql) sql,
    SQLITE_STMTS(X) SQLITE_JOB_STMTS(X) SQLITE_SLA_STMTS(X) SQLITE_OFFER_STMTS(X)
        SQLITE_STEP_STMTS(X) SQLITE_RULE_STMTS(X) SQLITE_REPORT_STMTS(X) SQLITE_SEARCH_STMTS(X)
            SQLITE_KB_STMTS(X)
#undef X
};

enum terr sq_error(struct store_conn *c, int rc)
{
    int primary = rc & 0xff;
    switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return TERR_BUSY;
    case SQLITE_FULL:
        log_error("sqlite: %s", c ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        return TERR_DISK_FULL;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return TERR_CONFLICT;
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
            return TERR_NOT_FOUND;
        break;
    default:
        break;
    }
    log_error("sqlite: %s (%d)", c ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc), rc);
    return TERR_STORAGE;
}

sqlite3_stmt *sq_stmt(struct store_conn *c, enum sqlite_stmt which)
{
    sqlite3_stmt *s = c->stmts[which];
    if (s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    int rc = sqlite3_prepare_v3(c->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK) {
        log_error("sqlite: cannot prepare statement %d: %s", (int)which, sqlite3_errmsg(c->db));
        return NULL;
    }
    c->stmts[which] = s;
    return s;
}

enum terr sq_exec(struct store_conn *c, sqlite3_stmt *s)
{
    if (!s)
        return TERR_STORAGE;
    int rc = sqlite3_step(s);
    enum terr e = (rc == SQLITE_DONE || rc == SQLITE_ROW) ? TERR_OK : sq_error(c, rc);
    sqlite3_reset(s);
    return e;
}

enum terr sq_done(struct store_conn *c, sqlite3_stmt *s, int rc)
{
    enum terr e = rc == SQLITE_DONE ? TERR_OK : sq_error(c, rc);
    sqlite3_reset(s);
    return e;
}

enum terr sq_insert_id(struct store_conn *c, sqlite3_stmt *s, int64_t *out_id)
{
    if (!s)
        return TERR_STORAGE;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return sq_error(c, rc);
    if (out_id)
        *out_id = sqlite3_last_insert_rowid(c->db);
    return TERR_OK;
}

enum terr sq_delete_where(struct store_conn *c, enum sqlite_stmt which, int64_t v, int64_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, which);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, v);
    enum terr e = sq_exec(c, s);
    if (!e && n_out)
        *n_out = sqlite3_changes(c->db);
    return e;
}

void sq_rows_free(void *v, size_t n)
{
    (void)n;
    free(v);
}

void sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

void sq_bind_id(sqlite3_stmt *s, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

char *sq_col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? xstrndup((const char *)t, (size_t)sqlite3_column_bytes(s, i)) : NULL;
}

char *sq_strlist_json(const struct strlist *l)
{
    if (l->n == 0)
        return xstrdup("[]");
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    if (!text)
        BUG("cannot encode a string list");
    char *copy = xstrdup(text);
    free(text);
    return copy;
}

void sq_strlist_parse(const char *json, struct strlist *out)
{
    memset(out, 0, sizeof(*out));
    if (!json)
        return;
    json_t *a = json_loads(json, 0, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (json_is_string(v))
            strlist_push(out, json_string_value(v));
    }
    json_decref(a);
}

/* ---- connections ---- */

static enum terr raw_open(const char *path, int busy_ms, sqlite3 **out)
{
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        log_error("sqlite: cannot open '%s': %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return TERR_STORAGE;
    }
    sqlite3_busy_timeout(db, busy_ms);
    sqlite3_extended_result_codes(db, 1);
    /* WAL persists in the file; the others are per connection. */
    rc = sqlite3_exec(db,
                      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                      " PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        log_error("sqlite: cannot configure '%s': %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return (rc & 0xff) == SQLITE_BUSY ? TERR_BUSY : TERR_STORAGE;
    }
    *out = db;
    return TERR_OK;
}

static enum terr conn_open(struct store *st, struct store_conn **out)
{
    struct sqlite_backend *b = st->backend;
    sqlite3 *db;
    enum terr e = raw_open(b->path, b->busy_timeout_ms, &db);
    if (e)
        return e;
    struct store_conn *c = xcalloc(1, sizeof(*c));
    c->db = db;
    *out = c;
    return TERR_OK;
}

static void conn_close(struct store_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < STMT__COUNT; i++)
        sqlite3_finalize(c->stmts[i]);
    sqlite3_close(c->db);
    free(c);
}

static enum terr tx_verb(struct store_conn *c, enum sqlite_stmt which)
{
    return sq_exec(c, sq_stmt(c, which));
}

static enum terr tx_begin(struct store_conn *c, bool write)
{
    return tx_verb(c, write ? STMT_BEGIN_WRITE : STMT_BEGIN_READ);
}

static enum terr tx_commit(struct store_conn *c)
{
    return tx_verb(c, STMT_COMMIT);
}

static void tx_rollback(struct store_conn *c)
{
    /* SQLite may already have rolled back (after SQLITE_FULL, say). */
    if (!sqlite3_get_autocommit(c->db))
        tx_verb(c, STMT_ROLLBACK);
}

static enum terr tx_savepoint(struct store_conn *c)
{
    return tx_verb(c, STMT_SAVEPOINT);
}

static enum terr tx_release(struct store_conn *c)
{
    return tx_verb(c, STMT_RELEASE);
}

static void tx_rollback_to(struct store_conn *c)
{
    if (!sqlite3_get_autocommit(c->db))
        tx_verb(c, STMT_ROLLBACK_TO);
}

static int schema_version(struct store_conn *c)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SCHEMA_VERSION);
    int v = (s && sqlite3_step(s) == SQLITE_ROW) ? sqlite3_column_int(s, 0) : -1;
    if (s)
        sqlite3_reset(s);
    return v;
}

int store_schema_latest(void)
{
    return sqlite_n_migrations ? sqlite_migrations[sqlite_n_migrations - 1].version : 0;
}

/* ---- open and migrate ---- */

static int current_version(sqlite3 *db)
{
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_version", -1, &s,
                           NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return v;
}

static enum terr migrate(sqlite3 *db, const char *path, struct terr_info *ei)
{
    char *err = NULL;
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS schema_version ("
                     " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                     " applied_at INTEGER NOT NULL)",
                     NULL, NULL, &err) != SQLITE_OK) {
        enum terr e = terr_set(ei, TERR_STORAGE, "db", "unable to prepare '%s': %s", path,
                               err ? err : "unknown error");
        sqlite3_free(err);
        return e;
    }
    int have = current_version(db);
    if (have > store_schema_latest())
        return terr_set(ei, TERR_CONFLICT, "db",
                        "'%s' has schema %d, newer than this truce knows (%d)", path, have,
                        store_schema_latest());
    for (size_t i = 0; i < sqlite_n_migrations; i++) {
        const struct sqlite_migration *m = &sqlite_migrations[i];
        if (m->version <= have)
            continue;
        /* Each migration and its record commit together, or not at all. */
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK ||
            sqlite3_exec(db, m->sql, NULL, NULL, &err) != SQLITE_OK) {
            enum terr e = terr_set(ei, TERR_STORAGE, "db", "migration '%s' failed on '%s': %s",
                                   m->name, path, err ? err : "unknown error");
            sqlite3_free(err);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return e;
        }
        sqlite3_stmt *s;
        int rc = sqlite3_prepare_v2(
            db, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)", -1, &s,
            NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int(s, 1, m->version);
            sqlite3_bind_text(s, 2, m->name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 3, time_now_ms());
            rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
            sqlite3_finalize(s);
        }
        if (rc != SQLITE_OK || sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
            enum terr e = terr_set(ei, TERR_STORAGE, "db", "cannot record migration '%s': %s",
                                   m->name, err ? err : sqlite3_errmsg(db));
            sqlite3_free(err);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return e;
        }
    }
    return TERR_OK;
}

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void sqlite_global_setup(void)
{
    /* Memory statistics take one process-wide lock on every allocation; the
     * desk never reads them.  Must precede sqlite3_initialize (else MISUSE,
     * which leaves the default in place and is harmless). */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

static enum terr backend_open(struct store *st, const char *path, struct terr_info *ei)
{
    sqlite3 *db;
    pthread_once(&sqlite_once, sqlite_global_setup);
    if (raw_open(path, st->opt.busy_timeout_ms, &db))
        return terr_set(ei, TERR_STORAGE, "db", "unable to open '%s'", path);
    enum terr e = migrate(db, path, ei);
    sqlite3_close(db);
    if (e)
        return e;
    struct sqlite_backend *b = xcalloc(1, sizeof(*b));
    b->path = xstrdup(path);
    b->busy_timeout_ms = st->opt.busy_timeout_ms;
    st->backend = b;
    return TERR_OK;
}

static void backend_close(struct store *st)
{
    struct sqlite_backend *b = st->backend;
    if (!b)
        return;
    free(b->path);
    free(b);
    st->backend = NULL;
}

const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .open = backend_open,
    .close = backend_close,
    .conn_open = conn_open,
    .conn_close = conn_close,
    .begin = tx_begin,
    .commit = tx_commit,
    .rollback = tx_rollback,
    .savepoint = tx_savepoint,
    .release = tx_release,
    .rollback_to = tx_rollback_to,
    .schema_version = schema_version,
    .customer_insert = sq_customer_insert,
    .customer_get = sq_customer_get,
    .customer_find_email = sq_customer_find_email,
    .customer_update = sq_customer_update,
    .customer_handle_add = sq_customer_handle_add,
    .agent_insert = sq_agent_insert,
    .agent_get = sq_agent_get,
    .agent_find_email = sq_agent_find_email,
    .agent_list = sq_agent_list,
    .agent_count = sq_agent_count,
    .agent_update = sq_agent_update,
    .agent_set_assigned = sq_agent_set_assigned,
    .agent_loads = sq_agent_loads,
    .token_insert = sq_token_insert,
    .token_revoke = sq_token_revoke,
    .token_revoke_agent = sq_token_revoke_agent,
    .token_find = sq_token_find,
    .session_insert = sq_session_insert,
    .session_find = sq_session_find,
    .session_delete = sq_session_delete,
    .session_delete_agent = sq_session_delete_agent,
    .session_purge = sq_session_purge,
    .idem_purge = sq_idem_purge,
    .ticket_insert = sq_ticket_insert,
    .ticket_get = sq_ticket_get,
    .ticket_update = sq_ticket_update,
    .ticket_list = sq_ticket_list,
    .message_insert = sq_message_insert,
    .message_list = sq_message_list,
    .message_recent = sq_message_recent,
    .event_insert = sq_event_insert,
    .event_list = sq_event_list,
    .idem_get = sq_idem_get,
    .idem_put = sq_idem_put,
    .jobs = &sqlite_jobs_ops,
    .rules = &sqlite_rules_ops,
    .setting_get = sq_setting_get,
    .setting_insert = sq_setting_insert,
    .setting_put = sq_setting_put,
    .survey_insert = sq_survey_insert,
    .survey_set_token = sq_survey_set_token,
    .survey_get = sq_survey_get,
    .survey_answer = sq_survey_answer,
    .survey_list = sq_survey_list,
    .outbox_insert = sq_outbox_insert,
    .outbox_list = sq_outbox_list,
    .outbox_mark = sq_outbox_mark,
    .sla = &sqlite_sla_ops,
    .offers = &sqlite_offers_ops,
    .steps = &sqlite_steps_ops,
    .reports = &sqlite_reports_ops,
    .search = &sqlite_search_ops,
    .kb = &sqlite_kb_ops,
};
