/*
 * /api/v1/session: log in with email and password (a session cookie and a
 * CSRF token come back), see who is logged in, log out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/ticket_rules.h"
#include "../service/agents.h"
#include "../util/alloc.h"
#include "../util/timeutil.h"
#include "bodies.h"
#include "handlers.h"
#include "paging.h"
#include "json_in.h"
#include "render.h"
#include "server_int.h"

struct login {
    const char *email;
    struct agent agent;
    char *hash;
};

static enum terr find_agent(struct store_tx *tx, void *arg)
{
    struct login *l = arg;
    return store_agent_find_email(tx, l->email, &l->agent, &l->hash);
}

static void render_session(struct request *req)
{
    reply_json(
        req, 200,
        json_pack("{s:o, s:s}", "agent", render_agent(&req->agent), "csrf_token", req->csrf));
}

static enum terr open_session(struct store_tx *tx, struct request *req)
{
    char cookie[SECRET_TOKEN_MAX], csrf[SECRET_TOKEN_MAX];
    enum terr e = svc_session_create(tx, req->agent.id, cookie, csrf, &req->err);
    if (e)
        return e;
    char header[256];
    snprintf(header, sizeof(header),
             "truce_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld%s", cookie,
             SESSION_TTL_MS / 1000, req->srv->opt.secure_cookies ? "; Secure" : "");
    req->set_cookie = xstrdup(header);
    snprintf(req->csrf, sizeof(req->csrf), "%s", csrf);
    reply_later(req, render_session);
    return TERR_OK;
}

void h_session_create(struct request *req)
{
    int retry;
    req->has_idem = false; /* a login is never replayed */
    if (!ratelimit_take(req->srv->login_limit, req->ip, time_now_ms(), &retry)) {
        req->retry_after = retry;
        reply_error(req, TERR_RATE_LIMITED, NULL,
                    "too many login attempts from this address; try again in %d s", retry);
        return;
    }
    enum terr e = json_check(req->json, body_login, &req->err);
    if (e) {
        reply_err_info(req, e);
        return;
    }
    struct login l = {.email = json_str(req->json, "email", "")};
    const char *password = json_str(req->json, "password", "");
    e = store_read(req_store(req), find_agent, &l);
    if (e && e != TERR_NOT_FOUND) {
        reply_err_info(req, e);
        return;
    }
    /* Verify here, on a worker thread: Argon2id is slow by design. */
    bool ok;
    if (e == TERR_NOT_FOUND || !l.hash) {
        secret_password_dummy_verify(password);
        ok = false;
    } else {
        ok = secret_password_verify(l.hash, password);
    }
    free(l.hash);
    if (!ok) {
        agent_release(&l.agent);
        reply_error(req, TERR_UNAUTHORIZED, NULL, "wrong email or password");
        return;
    }
    req->agent = l.agent;
    req->actor = (struct actor){.kind = ACTOR_AGENT, .id = l.agent.id, .role = l.agent.role};
    http_write(req, open_session, NULL, NULL);
}

void h_session_get(struct request *req)
{
    json_t *o = json_pack("{s:o, s:s}", "agent", render_agent(&req->agent), "via",
                          req->via_cookie ? "session" : "token");
    if (req->via_cookie)
        json_object_set_new(o, "csrf_token", json_string(req->csrf));
    reply_json(req, 200, o);
}

static enum terr close_session(struct store_tx *tx, struct request *req)
{
    const char *cookie = req->warg; /* read by the worker: the writer leaves the connection alone */
    enum terr e = cookie ? svc_session_delete(tx, &req->actor, cookie) : TERR_OK;
    if (e)
        return e;
    req->set_cookie =
        xstrdup(req->srv->opt.secure_cookies
                    ? "truce_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure"
                    : "truce_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    reply_json(req, 200, json_pack("{s:b}", "logged_out", 1));
    return TERR_OK;
}

void h_session_delete(struct request *req)
{
    const char *cookie = auth_session_cookie(req);
    http_write(req, close_session, cookie ? xstrdup(cookie) : NULL, free);
}
