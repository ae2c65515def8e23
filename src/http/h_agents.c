/*
 * /api/v1/agents: the team (leads and admins read it, with each agent's load,
 * since leads reassign), adding to it (admins), and changing an agent
 * (admins any field; an agent their own availability).
 */
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/agents.h"
#include "../service/assign.h"
#include "../util/alloc.h"
#include "../util/secret.h"
#include "bodies.h"
#include "handlers.h"
#include "paging.h"
#include "json_in.h"
#include "render.h"
#include "server_int.h"
#include "token_cache.h"

struct new_agent {
    struct agent a;
    char hash[SECRET_PWHASH_MAX];
    bool has_hash;
};

static void new_agent_free(void *arg)
{
    struct new_agent *n = arg;
    agent_release(&n->a);
    free(n);
}

static void render_created(struct request *req)
{
    reply_json(req, 201, render_agent(&((struct new_agent *)req->warg)->a));
}

static enum terr create_tx(struct store_tx *tx, struct request *req)
{
    struct new_agent *n = req->warg;
    enum terr e = svc_agent_create(tx, &req->actor, &n->a, n->has_hash ? n->hash : NULL, &req->err);
    if (!e)
        reply_later(req, render_created);
    return e;
}

void h_agents_create(struct request *req)
{
    enum terr e = json_check(req->json, body_agent_create, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct new_agent *n = xcalloc(1, sizeof(*n));
    const char *role = json_str(req->json, "role", "");
    const char *password = json_str(req->json, "password", NULL);
    if (!role_parse(role, &n->a.role)) {
        free(n);
        reply_error(req, TERR_INVALID, "role", "'role' must be one of agent, lead, admin");
        return;
    }
    if (password && strlen(password) < PASSWORD_MIN) {
        free(n);
        reply_error(req, TERR_INVALID, "password", "the password needs at least %d characters",
                    PASSWORD_MIN);
        return;
    }
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(req->json, "skills"), i, s)
    {
        if (!label_valid(json_string_value(s), LIMIT_SKILL)) {
            new_agent_free(n);
            reply_error(req, TERR_INVALID, "skills",
                        "skill '%s' must be letters, digits, '-', '_', ':' or '.'",
                        json_string_value(s));
            return;
        }
        if (!strlist_contains(&n->a.skills, json_string_value(s)))
            strlist_push(&n->a.skills, json_string_value(s));
    }
    n->a.email = xstrdup(json_str(req->json, "email", ""));
    n->a.name = xstrdup(json_str(req->json, "name", ""));
    /* Hash here, on a worker thread, never on the writer. */
    if (password) {
        if (secret_password_hash(password, n->hash)) {
            new_agent_free(n);
            reply_error(req, TERR_INTERNAL, NULL, "cannot hash the password");
            return;
        }
        n->has_hash = true;
    }
    http_write(req, create_tx, n, new_agent_free);
}

/* An agent with their load: open tickets by level and weighted (routing.h). */
static json_t *render_agent_load(const struct agent *a, const struct agent_load *loads,
                                 size_t n_loads)
{
    struct routing_agent r;
    enum channel chan[1];
    struct agent bare = *a;
    bare.channels = (struct strlist){0}; /* the load needs no channels */
    svc_routing_agent(&bare, loads, n_loads, chan, &r);
    json_t *o = render_agent(a);
    json_t *by = json_object();
    for (unsigned l = 0; l < ROUTING_LEVELS; l++)
        json_object_set_new(by, level_name((enum level)l), json_integer(r.open_by_level[l]));
    json_object_set_new(o, "open_by_level", by);
    json_object_set_new(o, "load", json_integer((json_int_t)routing_load(&r)));
    json_object_set_new(o, "last_assigned_at", render_time(a->last_assigned_at));
    return o;
}

struct team {
    int64_t id; /* 0: everyone */
    json_t *items;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct team *t = arg;
    struct agent *v;
    size_t n;
    struct agent_load *loads = NULL;
    size_t n_loads = 0;
    enum terr e = store_agent_list(tx, &v, &n);
    if (e)
        return e;
    if ((e = store_agent_loads(tx, &loads, &n_loads))) {
        agents_free(v, n);
        return e;
    }
    t->items = json_array();
    for (size_t i = 0; i < n; i++)
        if (!t->id || v[i].id == t->id)
            json_array_append_new(t->items, render_agent_load(&v[i], loads, n_loads));
    agents_free(v, n);
    free(loads);
    return TERR_OK;
}

void h_agents_list(struct request *req)
{
    struct team t = {0};
    enum terr e = store_read(req_store(req), list_tx, &t);
    if (e)
        reply_err_info(req, e);
    else
        reply_json(req, 200, json_pack("{s:o}", "items", t.items));
}

void h_agent_get(struct request *req)
{
    int64_t id = req->params[0];
    if (req->actor.role < ROLE_LEAD && id != req->actor.id) {
        reply_error(req, TERR_FORBIDDEN, NULL, "an agent may read only their own record");
        return;
    }
    struct team t = {.id = id};
    enum terr e = store_read(req_store(req), list_tx, &t);
    if (!e && json_array_size(t.items) == 0)
        e = terr_set(&req->err, TERR_NOT_FOUND, NULL, "agent %lld not found", (long long)id);
    if (e) {
        json_decref(t.items);
        reply_err_info(req, e);
        return;
    }
    json_t *one = json_incref(json_array_get(t.items, 0));
    json_decref(t.items);
    reply_json(req, 200, one);
}

/* ---- patch ---- */

struct agent_edit {
    struct agent_patch p;
};

static void agent_edit_free(void *arg)
{
    struct agent_edit *a = arg;
    strlist_release(&a->p.skills);
    strlist_release(&a->p.languages);
    strlist_release(&a->p.channels);
    strlist_release(&a->p.teams);
    free(a);
}

/* The agent as stored once the change is durable (PATCH is not replayed).
 * A changed role applies to the next request: the token cache forgets
 * (token_cache.h: whatever changes roles must clear it). */
static void render_patched(struct request *req)
{
    if (((struct agent_edit *)req->warg)->p.has_role)
        token_cache_clear(req->srv->tokens);
    h_agent_get(req);
}

static enum terr patch_tx(struct store_tx *tx, struct request *req)
{
    struct agent_edit *a = req->warg;
    enum terr e = svc_agent_update(tx, &req->actor, req->params[0], &a->p, NULL, &req->err);
    if (!e)
        reply_later(req, render_patched);
    return e;
}

/* Copies the strings of array `name` (checked by the field table) into l. */
static bool take_list(const json_t *j, const char *name, struct strlist *l)
{
    if (!json_has(j, name))
        return false;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, name), i, v) strlist_push(l, json_string_value(v));
    return true;
}

void h_agent_patch(struct request *req)
{
    enum terr e = json_check(req->json, body_agent_patch, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    const json_t *j = req->json;
    struct agent_edit *a = xcalloc(1, sizeof(*a));
    a->p.has_role = json_has(j, "role");
    if (a->p.has_role && !role_parse(json_str(j, "role", ""), &a->p.role)) {
        free(a);
        reply_error(req, TERR_INVALID, "role", "'role' must be one of agent, lead, admin");
        return;
    }
    a->p.has_name = json_has(j, "name");
    a->p.name = json_str(j, "name", NULL);
    a->p.has_available = json_has(j, "available");
    a->p.available = json_bool(j, "available", true);
    a->p.has_skills = take_list(j, "skills", &a->p.skills);
    a->p.has_languages = take_list(j, "languages", &a->p.languages);
    a->p.has_channels = take_list(j, "channels", &a->p.channels);
    a->p.has_teams = take_list(j, "teams", &a->p.teams);
    http_write(req, patch_tx, a, agent_edit_free);
}
