#include "agents.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"

enum terr svc_agent_create(struct store_tx *tx, const struct actor *who, struct agent *a,
                           const char *password_hash, struct terr_info *ei)
{
    if (!email_plausible(a->email))
        return terr_set(ei, TERR_INVALID, "email", "'%s' is not an email address", a->email);
    if (!*a->name)
        return terr_set(ei, TERR_INVALID, "name", "the name is empty");
    a->created_at = time_now_ms();
    enum terr e = store_agent_insert(tx, a, password_hash);
    if (e == TERR_CONFLICT)
        return terr_set(ei, e, "email", "an agent with email '%s' exists", a->email);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    json_t *o = json_pack("{s:o, s:o, s:s}", "email", json_text(a->email), "name",
                          json_text(a->name), "role", role_name(a->role));
    char *after = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    e = svc_audit(tx, who, "agent.create", "agent", a->id, 0, NULL, after, a->created_at);
    free(after);
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}

enum terr svc_token_create(struct store_tx *tx, const struct actor *who, int64_t agent_id,
                           const char *label, char out[SECRET_TOKEN_MAX], struct terr_info *ei)
{
    char token[SECRET_TOKEN_MAX];
    unsigned char hash[SECRET_HASH_LEN];
    secret_token_new("trc", token);
    secret_hash(token, strlen(token), hash);
    int64_t id;
    enum terr e = store_token_insert(tx, agent_id, hash, label, &id);
    if (e == TERR_NOT_FOUND)
        return terr_set(ei, e, "agent", "agent %lld not found", (long long)agent_id);
    if (!e) {
        char after[96];
        snprintf(after, sizeof(after), "{\"agent_id\":%lld}", (long long)agent_id);
        e = svc_audit(tx, who, "token.create", "token", id, 0, NULL, after, time_now_ms());
    }
    if (e)
        return terr_set(ei, e, NULL, NULL);
    memcpy(out, token, SECRET_TOKEN_MAX);
    return TERR_OK;
}

enum terr svc_token_revoke(struct store_tx *tx, const struct actor *who, const char *token,
                           int64_t agent_id, int64_t *n_out, struct terr_info *ei)
{
    int64_t now = time_now_ms(), n = 0, sessions = 0;
    enum terr e;
    if (token) {
        unsigned char hash[SECRET_HASH_LEN];
        secret_hash(token, strlen(token), hash);
        e = store_token_find(tx, hash, &agent_id); /* whose it is, for the audit trail */
        if (e == TERR_NOT_FOUND) {
            *n_out = 0;
            return TERR_OK;
        }
        if (!e)
            e = store_token_revoke(tx, hash, now, &n);
    } else {
        /* Everything that speaks for the agent: tokens and browser sessions. */
        e = store_token_revoke_agent(tx, agent_id, now, &n);
        if (!e)
            e = store_session_delete_agent(tx, agent_id, &sessions);
    }
    if (!e && (n > 0 || sessions > 0)) {
        char after[96];
        snprintf(after, sizeof(after), "{\"tokens\":%lld,\"sessions\":%lld}", (long long)n,
                 (long long)sessions);
        e = svc_audit(tx, who, "token.revoke", "agent", agent_id, 0, NULL, after, now);
    }
    if (e)
        return terr_set(ei, e, NULL, NULL);
    *n_out = n;
    return TERR_OK;
}

enum terr svc_session_create(struct store_tx *tx, int64_t agent_id, char cookie[SECRET_TOKEN_MAX],
                             char csrf[SECRET_TOKEN_MAX], struct terr_info *ei)
{
    char id[SECRET_TOKEN_MAX];
    unsigned char hash[SECRET_HASH_LEN];
    struct session s = {.agent_id = agent_id, .expires_at = time_now_ms() + SESSION_TTL_MS};
    secret_token_new("ses", id);
    secret_hash(id, strlen(id), hash);
    char token[SECRET_TOKEN_MAX];
    secret_token_new("csrf", token);
    snprintf(s.csrf, sizeof(s.csrf), "%s", token);
    enum terr e = store_session_insert(tx, hash, &s);
    if (!e) {
        struct actor who = {.kind = ACTOR_AGENT, .id = agent_id};
        e = svc_audit(tx, &who, "session.create", "agent", agent_id, 0, NULL, NULL, time_now_ms());
    }
    if (e)
        return terr_set(ei, e, NULL, NULL);
    memcpy(cookie, id, SECRET_TOKEN_MAX);
    snprintf(csrf, SECRET_TOKEN_MAX, "%s", s.csrf);
    return TERR_OK;
}

enum terr svc_session_delete(struct store_tx *tx, const struct actor *who, const char *cookie)
{
    unsigned char hash[SECRET_HASH_LEN];
    secret_hash(cookie, strlen(cookie), hash);
    enum terr e = store_session_delete(tx, hash);
    if (!e)
        e = svc_audit(tx, who, "session.delete", "agent", who->id, 0, NULL, NULL, time_now_ms());
    return e;
}

enum terr svc_auth_token(struct store_tx *tx, const unsigned char hash[SECRET_HASH_LEN],
                         struct agent *out)
{
    int64_t agent_id;
    enum terr e = store_token_find(tx, hash, &agent_id);
    if (!e)
        e = store_agent_get(tx, agent_id, out);
    return e == TERR_NOT_FOUND ? TERR_UNAUTHORIZED : e;
}

enum terr svc_auth_session(struct store_tx *tx, const char *cookie, struct agent *out,
                           char csrf[STORE_CSRF_MAX])
{
    unsigned char hash[SECRET_HASH_LEN];
    struct session s;
    secret_hash(cookie, strlen(cookie), hash);
    enum terr e = store_session_find(tx, hash, &s);
    if (!e && s.expires_at <= time_now_ms())
        e = TERR_NOT_FOUND;
    if (!e)
        e = store_agent_get(tx, s.agent_id, out);
    if (!e)
        memcpy(csrf, s.csrf, STORE_CSRF_MAX);
    return e == TERR_NOT_FOUND ? TERR_UNAUTHORIZED : e;
}
