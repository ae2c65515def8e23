#include "agents.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "assign.h"

enum terr svc_agent_create(struct store_tx *tx, const struct actor *who, struct agent *a,
                           const char *password_hash, struct terr_info *ei)
{
    if (!email_plausible(a->email))
        return terr_set(ei, TERR_INVALID, "email", "'%s' is not an email address", a->email);
    /* Blank as PATCH refuses it: an agent shown as "   " cannot be told apart. */
    if (text_blank(a->name))
        return terr_set(ei, TERR_INVALID, "name", "the name is empty or blank");
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

/* A BCP 47-ish tag: ASCII letters, digits and '-', starting with a letter. */
static bool language_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > LIMIT_LANGUAGE || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return false;
    }
    return true;
}

/* Checks one list of the patch; field names it on refusal. */
static enum terr check_list(const struct strlist *l, const char *field, struct terr_info *ei)
{
    size_t max = strcmp(field, "languages") == 0 ? LIMIT_LANGUAGES : LIMIT_SKILLS;
    if (l->n > max)
        return terr_set(ei, TERR_INVALID, field, "at most %zu %s", max, field);
    for (size_t i = 0; i < l->n; i++) {
        const char *v = l->v[i];
        enum channel c;
        bool ok = strcmp(field, "languages") == 0  ? language_valid(v)
                  : strcmp(field, "channels") == 0 ? channel_parse(v, &c)
                                                   : label_valid(v, LIMIT_SKILL);
        if (!ok)
            return terr_set(ei, TERR_INVALID, field, "'%s' is not a valid %s entry", v, field);
    }
    return TERR_OK;
}

static void set_list(struct strlist *dst, const struct strlist *src)
{
    strlist_release(dst);
    for (size_t i = 0; i < src->n; i++)
        if (!strlist_contains(dst, src->v[i]))
            strlist_push(dst, src->v[i]);
}

static json_t *list_json(const struct strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_text(l->v[i]));
    return a;
}

/* The audited view of an agent's editable fields. */
static json_t *agent_view(const struct agent *a)
{
    json_t *o = json_pack("{s:o, s:s, s:o, s:b, s:o, s:o, s:o}", "name", json_text(a->name), "role",
                          role_name(a->role), "skills", list_json(&a->skills), "available",
                          !a->away, "languages", list_json(&a->languages), "channels",
                          list_json(&a->channels), "teams", list_json(&a->teams));
    if (!o)
        BUG("cannot encode agent %lld for the audit trail", (long long)a->id);
    return o;
}

/* Leaves in before/after only the keys whose values differ; true if any. */
static bool keep_changes(json_t *before, json_t *after)
{
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(after, tmp, k, v)
    {
        if (json_equal(v, json_object_get(before, k))) {
            json_object_del(before, k);
            json_object_del(after, k);
        }
    }
    return json_object_size(after) > 0;
}

/* TERR_CONFLICT when agent id is the desk's only admin: nobody could manage it. */
static enum terr keep_an_admin(struct store_tx *tx, int64_t id, struct terr_info *ei)
{
    struct agent *v;
    size_t n, admins = 0;
    enum terr e = store_agent_list(tx, &v, &n);
    if (e)
        return terr_set(ei, e, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        admins += v[i].role == ROLE_ADMIN;
    agents_free(v, n);
    return admins > 1
               ? TERR_OK
               : terr_set(ei, TERR_CONFLICT, "role", "agent %lld is the last admin", (long long)id);
}

enum terr svc_agent_update(struct store_tx *tx, const struct actor *who, int64_t id,
                           const struct agent_patch *p, struct agent *out, struct terr_info *ei)
{
    bool admin = who->kind != ACTOR_AGENT || who->role == ROLE_ADMIN;
    bool only_available = !p->has_name && !p->has_role && !p->has_skills && !p->has_languages &&
                          !p->has_channels && !p->has_teams;
    if (!admin && !(only_available && who->id == id))
        return terr_set(ei, TERR_FORBIDDEN, NULL,
                        only_available ? "only an admin may change another agent"
                                       : "only an admin may change more than your availability");
    enum terr e;
    if (p->has_name && (!p->name || text_blank(p->name) || strlen(p->name) > LIMIT_NAME))
        return terr_set(ei, TERR_INVALID, "name", "the name must be 1 to %d bytes", LIMIT_NAME);
    if ((p->has_skills && (e = check_list(&p->skills, "skills", ei))) ||
        (p->has_languages && (e = check_list(&p->languages, "languages", ei))) ||
        (p->has_channels && (e = check_list(&p->channels, "channels", ei))) ||
        (p->has_teams && (e = check_list(&p->teams, "teams", ei))))
        return e;
    struct agent a = {0};
    e = store_agent_get(tx, id, &a);
    if (e)
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "agent %lld not found" : NULL,
                        (long long)id);
    if (p->has_role && a.role == ROLE_ADMIN && p->role != ROLE_ADMIN &&
        (e = keep_an_admin(tx, id, ei))) {
        agent_release(&a);
        return e;
    }
    json_t *before = agent_view(&a);
    if (p->has_name) {
        free(a.name);
        a.name = xstrdup(p->name);
    }
    if (p->has_role)
        a.role = p->role;
    if (p->has_skills)
        set_list(&a.skills, &p->skills);
    if (p->has_languages)
        set_list(&a.languages, &p->languages);
    if (p->has_channels)
        set_list(&a.channels, &p->channels);
    if (p->has_teams)
        set_list(&a.teams, &p->teams);
    if (p->has_available)
        a.away = !p->available;
    json_t *after = agent_view(&a);
    if (keep_changes(before, after)) {
        e = store_agent_update(tx, &a);
        if (!e) {
            char *b = json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS);
            char *t = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
            e = svc_audit(tx, who, "agent.update", "agent", id, 0, b, t, time_now_ms());
            free(b);
            free(t);
        }
        /* Someone who can take tickets now: the waiting ones may fit them. */
        bool routing_fields = json_object_size(after) > (json_object_get(after, "name") ? 1u : 0u);
        if (!e && routing_fields && !a.away && (a.role == ROLE_AGENT || a.role == ROLE_LEAD))
            e = svc_routing_waiting(tx, time_now_ms(), NULL, ei);
    }
    json_decref(before);
    json_decref(after);
    if (e) {
        agent_release(&a);
        return terr_set(ei, e, NULL, NULL);
    }
    if (out)
        *out = a;
    else
        agent_release(&a);
    return TERR_OK;
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
