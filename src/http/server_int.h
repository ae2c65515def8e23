/* Inside the HTTP server: state shared by server.c, auth.c and the handlers. */
#ifndef TRUCE_SERVER_INT_H
#define TRUCE_SERVER_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "ratelimit.h"
#include "read_cache.h"
#include "request.h"
#include "token_cache.h"
#include "server.h"

struct http_server {
    struct MHD_Daemon *daemon;
    struct store *store;
    struct http_options opt;
    int port;
    int listen_fd;
    struct ratelimit *login_limit;
    struct ratelimit *survey_limit; /* survey links (/s/...), per address */
    struct ratelimit *public_limit; /* the contact form and case replies, per address */
    struct ratelimit *search_limit; /* public search and suggest (as one types): 3x public */
    struct token_cache *tokens;
    struct read_cache *read_cache; /* NULL when disabled */
    atomic_int writes_in_flight;   /* suspended connections waiting on the writer */
    atomic_bool stopping;          /* set by http_server_stop: writes get 503 */
};

/* Route table (routes.c). */
#define ROUTE_PUBLIC 1u /* no authentication */
#define ROUTE_BODY   2u /* takes a JSON body */

struct route {
    const char *method;
    const char *pattern; /* "{id}" matches a positive integer, "{token}" a
                          * segment of 1..128 base64url characters (not kept:
                          * the handler reads it from the path); "{rest}",
                          * last only, any non-empty rest of the path */
    handler_fn handler;
    enum role min_role;
    unsigned flags;
    /* The query parameters it takes, NULL-ended; the server refuses any
     * other before the handler runs.  NULL: none.  QUERY_ANY: any, unread
     * (pages people open from links that may carry tracking tags). */
    const char *const *query;
};
extern const char *const route_query_any[];
#define QUERY_ANY route_query_any

/* Finds the route for method and path: TERR_OK (params filled),
 * TERR_NOT_FOUND, or TERR_METHOD with *allow listing the methods that fit. */
enum terr route_match(const char *method, const char *path, const struct route **out,
                      int64_t params[HTTP_MAX_PARAMS], char *allow, size_t allow_len);

/* Authenticates req for its route (auth.c): TERR_OK, or the error already replied. */
enum terr auth_request(struct request *req);
/* The client's session cookie value, or NULL. */
const char *auth_session_cookie(struct request *req);

#endif
