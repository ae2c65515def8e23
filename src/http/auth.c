/*
 * Who is asking: an API token (Authorization: Bearer) or a session cookie.
 * Cookie-authenticated writes must echo the session's CSRF token in
 * X-CSRF-Token, since a browser attaches cookies to cross-site requests too.
 */
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "../service/agents.h"
#include "../util/timeutil.h"
#include "server_int.h"

#define SESSION_COOKIE "truce_session"

struct auth_lookup {
    const char *credential;
    unsigned char hash[SECRET_HASH_LEN]; /* of a token credential */
    struct agent agent;
    char csrf[STORE_CSRF_MAX];
};

static enum terr read_token(struct store_tx *tx, void *arg)
{
    struct auth_lookup *a = arg;
    return svc_auth_token(tx, a->hash, &a->agent);
}

static enum terr read_session(struct store_tx *tx, void *arg)
{
    struct auth_lookup *a = arg;
    return svc_auth_session(tx, a->credential, &a->agent, a->csrf);
}

const char *auth_session_cookie(struct request *req)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static bool strings_equal_ct(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

enum terr auth_request(struct request *req)
{
    struct auth_lookup look = {0};
    const char *header = req_header(req, "Authorization");
    const char *cookie = auth_session_cookie(req);
    enum terr e;

    if (header) {
        if (strncasecmp(header, "Bearer ", 7) != 0 || header[7] == '\0') {
            reply_error(req, TERR_UNAUTHORIZED, NULL,
                        "the Authorization header must be 'Bearer <token>'");
            return TERR_UNAUTHORIZED;
        }
        look.credential = header + 7;
        /* Monotonic: a wall clock stepped back must not extend cache entries. */
        int64_t now = time_mono_ns() / 1000000;
        secret_hash(look.credential, strlen(look.credential), look.hash);
        if (token_cache_get(req->srv->tokens, look.hash, now, &look.agent)) {
            e = TERR_OK;
        } else {
            e = store_read(req_store(req), read_token, &look);
            if (!e)
                token_cache_put(req->srv->tokens, look.hash, &look.agent, now);
        }
        if (e == TERR_UNAUTHORIZED) {
            reply_error(req, e, NULL, "the token is not valid");
            return e;
        }
    } else if (cookie) {
        look.credential = cookie;
        e = store_read(req_store(req), read_session, &look);
        if (e == TERR_UNAUTHORIZED) {
            reply_error(req, e, NULL, "the session is unknown or has expired; log in again");
            return e;
        }
        req->via_cookie = true;
        memcpy(req->csrf, look.csrf, sizeof(req->csrf));
    } else {
        reply_error(req, TERR_UNAUTHORIZED, NULL, "send 'Authorization: Bearer <token>' or log in");
        return TERR_UNAUTHORIZED;
    }
    if (e) {
        reply_err_info(req, e);
        return e;
    }
    req->agent = look.agent;
    req->actor = (struct actor){.kind = ACTOR_AGENT, .id = look.agent.id, .role = look.agent.role};

    if (req->via_cookie && is_write(req->method)) {
        const char *sent = req_header(req, "X-CSRF-Token");
        if (!sent || !strings_equal_ct(sent, look.csrf)) {
            reply_error(req, TERR_CSRF, "X-CSRF-Token",
                        "this write needs the X-CSRF-Token given at login");
            return TERR_CSRF;
        }
    }
    if (req->agent.role < req->route->min_role) {
        reply_error(req, TERR_FORBIDDEN, NULL, "this needs the '%s' role; you are '%s'",
                    role_name(req->route->min_role), role_name(req->agent.role));
        return TERR_FORBIDDEN;
    }
    return TERR_OK;
}
