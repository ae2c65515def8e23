/* The HTTP server: libmicrohttpd with a thread pool in front of the store. */
#ifndef TRUCE_SERVER_H
#define TRUCE_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "../store/store.h"
#include "../util/err.h"

struct http_server;
struct web_files;

struct http_options {
    const char *host;     /* "127.0.0.1", "::1", "0.0.0.0" */
    int port;             /* 0: any free port */
    int threads;          /* worker threads; 0: the number of CPUs */
    size_t body_max;      /* request body cap; 0: HTTP_BODY_MAX */
    bool quiet;           /* no per-request log line */
    int login_per_minute; /* login attempts per address; 0: 10 */
    int survey_per_minute; /* survey link requests per address; 0: 30 */
    bool no_read_cache;   /* render every ticket read afresh (see read_cache.h) */
    bool secure_cookies;  /* mark the session cookie Secure (served over HTTPS by a proxy) */
    int public_per_minute; /* contact form and case replies per address; 0: 20 */
    /* The web directory in memory (web_files.h), borrowed: it must outlive
     * the server.  NULL: no pages, only the API. */
    const struct web_files *web;
};

/* Binds, listens and starts serving; *out is the running server. */
enum terr http_server_start(const struct http_options *opt, struct store *st,
                            struct http_server **out, struct terr_info *ei);
/* The port actually bound (useful with port 0). */
int http_server_port(const struct http_server *srv);
/* Stops accepting, finishes in-flight requests and frees the server. Accepts NULL. */
void http_server_stop(struct http_server *srv);

#endif
