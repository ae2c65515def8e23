/* /api/v1/agents (admins only): the team, and adding to it. */
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/agents.h"
#include "../util/alloc.h"
#include "../util/secret.h"
#include "bodies.h"
#include "handlers.h"
#include "json_in.h"
#include "render.h"

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

struct team {
    json_t *items;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct team *t = arg;
    struct agent *v;
    size_t n;
    enum terr e = store_agent_list(tx, &v, &n);
    if (e)
        return e;
    t->items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(t->items, render_agent(&v[i]));
    agents_free(v, n);
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
