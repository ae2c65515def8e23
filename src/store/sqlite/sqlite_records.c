/* SQLite backend: customers, agents, API tokens and sessions. */
#include "sqlite_int.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../../util/alloc.h"
#include "../../util/secret.h"
#include "../../util/timeutil.h"

/* ---- customers ---- */

static enum terr load_handles(struct store_conn *c, struct customer *cu)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_HANDLES_OF);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, cu->id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        cu->handles = xrealloc(cu->handles, (cu->n_handles + 1) * sizeof(*cu->handles));
        cu->handles[cu->n_handles].channel = sq_col_text(s, 0);
        cu->handles[cu->n_handles].handle = sq_col_text(s, 1);
        cu->n_handles++;
    }
    return sq_done(c, s, rc);
}

static enum terr read_customer(struct store_conn *c, sqlite3_stmt *s, struct customer *out)
{
    if (!s)
        return TERR_STORAGE;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
    }
    struct customer cu = {0};
    cu.id = sqlite3_column_int64(s, 0);
    cu.name = sq_col_text(s, 1);
    cu.email = sq_col_text(s, 2);
    cu.created_at = sqlite3_column_int64(s, 3);
    sqlite3_reset(s);
    enum terr e = load_handles(c, &cu);
    if (e) {
        customer_release(&cu);
        return e;
    }
    *out = cu;
    return TERR_OK;
}

enum terr sq_customer_insert(struct store_conn *c, struct customer *cu)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_CUSTOMER_INSERT);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, cu->name ? cu->name : "");
    sq_bind_text(s, 2, cu->email);
    sqlite3_bind_int64(s, 3, cu->created_at);
    return sq_insert_id(c, s, &cu->id);
}

enum terr sq_customer_get(struct store_conn *c, int64_t id, struct customer *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_CUSTOMER_GET);
    if (s)
        sqlite3_bind_int64(s, 1, id);
    return read_customer(c, s, out);
}

enum terr sq_customer_find_email(struct store_conn *c, const char *email, struct customer *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_CUSTOMER_FIND_EMAIL);
    if (s)
        sq_bind_text(s, 1, email);
    return read_customer(c, s, out);
}

enum terr sq_customer_update(struct store_conn *c, const struct customer *cu)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_CUSTOMER_UPDATE);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, cu->name ? cu->name : "");
    sq_bind_text(s, 2, cu->email);
    sqlite3_bind_int64(s, 3, cu->id);
    enum terr e = sq_exec(c, s);
    if (!e && sqlite3_changes(c->db) == 0)
        return TERR_NOT_FOUND;
    return e;
}

enum terr sq_customer_handle_add(struct store_conn *c, int64_t customer_id, const char *channel,
                                 const char *handle)
{
    /* Insert first: a new handle (the common case) costs one statement. */
    sqlite3_stmt *s = sq_stmt(c, STMT_HANDLE_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, customer_id);
    sq_bind_text(s, 2, channel);
    sq_bind_text(s, 3, handle);
    enum terr e = sq_exec(c, s);
    if (e != TERR_CONFLICT)
        return e;
    /* Taken: fine if by this customer already. */
    s = sq_stmt(c, STMT_HANDLE_OWNER);
    if (!s)
        return TERR_STORAGE;
    sq_bind_text(s, 1, channel);
    sq_bind_text(s, 2, handle);
    int rc = sqlite3_step(s);
    int64_t owner = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_error(c, rc);
    return owner == customer_id ? TERR_OK : TERR_CONFLICT;
}

/* ---- agents ---- */

static void agent_from_row(sqlite3_stmt *s, struct agent *a)
{
    memset(a, 0, sizeof(*a));
    a->id = sqlite3_column_int64(s, 0);
    a->name = sq_col_text(s, 1);
    a->email = sq_col_text(s, 2);
    const char *role = (const char *)sqlite3_column_text(s, 3);
    if (!role || !role_parse(role, &a->role))
        a->role = ROLE_AGENT; /* the CHECK constraint keeps this from happening */
    sq_strlist_parse((const char *)sqlite3_column_text(s, 4), &a->skills);
    a->created_at = sqlite3_column_int64(s, 5);
    a->away = sqlite3_column_int(s, 7) == 0;
    sq_strlist_parse((const char *)sqlite3_column_text(s, 8), &a->languages);
    sq_strlist_parse((const char *)sqlite3_column_text(s, 9), &a->channels);
    sq_strlist_parse((const char *)sqlite3_column_text(s, 10), &a->teams);
    a->last_assigned_at = sqlite3_column_int64(s, 11);
}

static enum terr read_agent(struct store_conn *c, sqlite3_stmt *s, struct agent *out,
                            char **out_hash)
{
    if (!s)
        return TERR_STORAGE;
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return rc == SQLITE_DONE ? TERR_NOT_FOUND : sq_error(c, rc);
    }
    agent_from_row(s, out);
    if (out_hash)
        *out_hash = sq_col_text(s, 6);
    sqlite3_reset(s);
    return TERR_OK;
}

enum terr sq_agent_insert(struct store_conn *c, struct agent *a, const char *password_hash)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_AGENT_INSERT);
    if (!s)
        return TERR_STORAGE;
    char *skills = sq_strlist_json(&a->skills);
    sq_bind_text(s, 1, a->name);
    sq_bind_text(s, 2, a->email);
    sq_bind_text(s, 3, role_name(a->role));
    sq_bind_text(s, 4, skills);
    sq_bind_text(s, 5, password_hash);
    sqlite3_bind_int64(s, 6, a->created_at);
    char *languages = sq_strlist_json(&a->languages);
    char *channels = sq_strlist_json(&a->channels);
    char *teams = sq_strlist_json(&a->teams);
    sqlite3_bind_int(s, 7, a->away ? 0 : 1);
    sq_bind_text(s, 8, languages);
    sq_bind_text(s, 9, channels);
    sq_bind_text(s, 10, teams);
    sqlite3_bind_int64(s, 11, a->last_assigned_at);
    enum terr e = sq_insert_id(c, s, &a->id);
    free(skills);
    free(languages);
    free(channels);
    free(teams);
    return e;
}

enum terr sq_agent_get(struct store_conn *c, int64_t id, struct agent *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_AGENT_GET);
    if (s)
        sqlite3_bind_int64(s, 1, id);
    return read_agent(c, s, out, NULL);
}

enum terr sq_agent_find_email(struct store_conn *c, const char *email, struct agent *out,
                              char **out_hash)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_AGENT_FIND_EMAIL);
    if (s)
        sq_bind_text(s, 1, email);
    return read_agent(c, s, out, out_hash);
}

enum terr sq_agent_list(struct store_conn *c, struct agent **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_AGENT_LIST);
    if (!s)
        return TERR_STORAGE;
    COLLECT_ROWS(c, s, agent, agent_from_row, agents_free, out, n_out);
}

enum terr sq_agent_count(struct store_conn *c, int64_t *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_AGENT_COUNT);
    if (!s)
        return TERR_STORAGE;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? TERR_OK : sq_error(c, rc);
}

enum terr sq_agent_update(struct store_conn *c, const struct agent *a)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_AGENT_UPDATE);
    if (!s)
        return TERR_STORAGE;
    char *skills = sq_strlist_json(&a->skills);
    char *languages = sq_strlist_json(&a->languages);
    char *channels = sq_strlist_json(&a->channels);
    char *teams = sq_strlist_json(&a->teams);
    sqlite3_bind_int64(s, 1, a->id);
    sq_bind_text(s, 2, a->name);
    sq_bind_text(s, 3, role_name(a->role));
    sq_bind_text(s, 4, skills);
    sqlite3_bind_int(s, 5, a->away ? 0 : 1);
    sq_bind_text(s, 6, languages);
    sq_bind_text(s, 7, channels);
    sq_bind_text(s, 8, teams);
    enum terr e = sq_exec(c, s);
    free(skills);
    free(languages);
    free(channels);
    free(teams);
    if (!e && sqlite3_changes(c->db) == 0)
        e = TERR_NOT_FOUND;
    return e;
}

enum terr sq_agent_set_assigned(struct store_conn *c, int64_t id, int64_t at)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_AGENT_SET_ASSIGNED);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, at);
    enum terr e = sq_exec(c, s);
    if (!e && sqlite3_changes(c->db) == 0)
        e = TERR_NOT_FOUND;
    return e;
}

static void load_from_row(sqlite3_stmt *s, struct agent_load *l)
{
    memset(l, 0, sizeof(*l));
    l->agent_id = sqlite3_column_int64(s, 0);
    for (int i = 0; i < 4; i++)
        l->open_by_level[i] = (uint32_t)sqlite3_column_int64(s, 1 + i);
}

enum terr sq_agent_loads(struct store_conn *c, struct agent_load **out, size_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_AGENT_LOADS);
    if (!s)
        return TERR_STORAGE;
    COLLECT_ROWS(c, s, agent_load, load_from_row, sq_rows_free, out, n_out);
}

/* ---- tokens and sessions ---- */

enum terr sq_token_insert(struct store_conn *c, int64_t agent_id,
                          const unsigned char hash[STORE_HASH_LEN], const char *label,
                          int64_t *out_id)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_TOKEN_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, agent_id);
    sqlite3_bind_blob(s, 2, hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
    sq_bind_text(s, 3, label ? label : "");
    sqlite3_bind_int64(s, 4, time_now_ms());
    return sq_insert_id(c, s, out_id);
}

/* Runs an UPDATE whose ?1 is bound by the caller and ?2 is now; counts rows. */
static enum terr revoke(struct store_conn *c, sqlite3_stmt *s, int64_t now, int64_t *n_out)
{
    sqlite3_bind_int64(s, 2, now);
    enum terr e = sq_exec(c, s);
    if (!e && n_out)
        *n_out = sqlite3_changes(c->db);
    return e;
}

enum terr sq_token_revoke(struct store_conn *c, const unsigned char hash[STORE_HASH_LEN],
                          int64_t now, int64_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_TOKEN_REVOKE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
    return revoke(c, s, now, n_out);
}

enum terr sq_token_revoke_agent(struct store_conn *c, int64_t agent_id, int64_t now, int64_t *n_out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_TOKEN_REVOKE_AGENT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_int64(s, 1, agent_id);
    return revoke(c, s, now, n_out);
}

enum terr sq_token_find(struct store_conn *c, const unsigned char hash[STORE_HASH_LEN],
                        int64_t *out_agent_id)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_TOKEN_FIND);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_blob(s, 1, hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    enum terr e = rc == SQLITE_DONE ? TERR_NOT_FOUND : rc == SQLITE_ROW ? TERR_OK : sq_error(c, rc);
    if (!e) {
        /* The index found the row; the hashes are still compared in constant
         * time, so no answer depends on how much of a guess matched. */
        const void *stored = sqlite3_column_blob(s, 1);
        if (sqlite3_column_bytes(s, 1) != STORE_HASH_LEN || !secret_hash_equal(stored, hash))
            e = TERR_NOT_FOUND;
        else
            *out_agent_id = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    return e;
}

enum terr sq_session_insert(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN],
                            const struct session *se)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SESSION_INSERT);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_blob(s, 1, id_hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, se->agent_id);
    sq_bind_text(s, 3, se->csrf);
    sqlite3_bind_int64(s, 4, time_now_ms());
    sqlite3_bind_int64(s, 5, se->expires_at);
    return sq_exec(c, s);
}

enum terr sq_session_find(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN],
                          struct session *out)
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SESSION_FIND);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_blob(s, 1, id_hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    enum terr e = rc == SQLITE_DONE ? TERR_NOT_FOUND : rc == SQLITE_ROW ? TERR_OK : sq_error(c, rc);
    if (!e) {
        memset(out, 0, sizeof(*out));
        out->agent_id = sqlite3_column_int64(s, 0);
        const char *csrf = (const char *)sqlite3_column_text(s, 1);
        snprintf(out->csrf, sizeof(out->csrf), "%s", csrf ? csrf : "");
        out->expires_at = sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    return e;
}

enum terr sq_session_delete(struct store_conn *c, const unsigned char id_hash[STORE_HASH_LEN])
{
    sqlite3_stmt *s = sq_stmt(c, STMT_SESSION_DELETE);
    if (!s)
        return TERR_STORAGE;
    sqlite3_bind_blob(s, 1, id_hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
    return sq_exec(c, s);
}

enum terr sq_session_delete_agent(struct store_conn *c, int64_t agent_id, int64_t *n_out)
{
    return sq_delete_where(c, STMT_SESSION_DELETE_AGENT, agent_id, n_out);
}

enum terr sq_session_purge(struct store_conn *c, int64_t now, int64_t *n_out)
{
    return sq_delete_where(c, STMT_SESSION_PURGE, now, n_out);
}
