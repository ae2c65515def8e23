/*
 * One HTTP request on its way through the server.
 *
 * Life of a request: server.c creates it when the headers arrive, collects
 * the body (up to HTTP_BODY_MAX), routes and authenticates it, and calls the
 * route's handler.  A handler either replies at once (reply_json,
 * reply_error) or hands a unit of work to the store's writer with
 * http_write(): the connection is then suspended, and resumed with the reply
 * once the write is durable.  Everything the request owns is freed when
 * libmicrohttpd reports it complete.
 */
#ifndef TRUCE_REQUEST_H
#define TRUCE_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../domain/model.h"
#include "../service/service.h"
#include "../store/store.h"
#include "../util/buf.h"
#include "../util/err.h"

#define HTTP_BODY_MAX   (1024 * 1024) /* default request body cap */
#define HTTP_MAX_PARAMS 2
/* Real numbers in replies: enough digits for the analysis's 3 decimals,
 * without the binary noise of the default 17 (0.3, not 0.29999999999999999). */
#define HTTP_REAL_PRECISION 10

struct http_server;
struct route;
struct request;

typedef void (*handler_fn)(struct request *req);
/* A write's work, run on the writer thread inside the transaction.  On
 * success it sets the reply (reply_json); on failure it returns the error
 * with details in req->err, and everything it wrote is rolled back. */
typedef enum terr (*write_fn)(struct store_tx *tx, struct request *req);

enum req_state { REQ_READING, REQ_WAITING, REQ_DONE };

struct request {
    struct http_server *srv;
    struct MHD_Connection *conn;
    char method[16];
    char *path;
    char ip[64];
    int64_t started_ns;
    enum req_state state;

    struct buf body;
    bool too_large;
    json_t *json; /* the parsed body, for handlers that take one */

    const struct route *route;
    int64_t params[HTTP_MAX_PARAMS]; /* numeric path parameters, in order */

    /* Who is asking (after auth). */
    struct agent agent;
    struct actor actor;
    bool via_cookie;
    char csrf[STORE_CSRF_MAX]; /* the session's CSRF token, when via_cookie */

    /* The reply. */
    int status;
    char *resp_body;
    size_t resp_len;
    char *set_cookie;
    const char *allow; /* for 405: points into allow_buf */
    char allow_buf[64];
    int retry_after; /* for 429, seconds */
    bool queued;     /* the reply has been handed to libmicrohttpd */
    bool handed_off; /* given to the writer (set by the worker only) */
    struct terr_info err;

    const char *content_type; /* a static string; NULL: JSON */
    /* A file of the web directory (web_files.h): its bytes are sent as they
     * are, borrowed from the loaded set, instead of resp_body. */
    const void *static_body;
    size_t static_len;
    const char *etag;     /* borrowed; sent as ETag */
    const char *location; /* a static string; sent as Location (302) */
    bool web_page;        /* a page of web/: the console's CSP and caching */
    /* Renders a failed write's error instead of the JSON envelope (for the
     * HTML pages of survey links).  Called on the writer thread: it must not
     * read the connection (headers, arguments), only what the request holds. */
    void (*render_error)(struct request *req, enum terr code);

    /* A reply rendered after the write is durable (reply_later). */
    void (*render)(struct request *req);

    /* An asynchronous write in flight. */
    write_fn wfn;
    void *warg;
    void (*warg_free)(void *);
    bool has_idem;
    char idem_key[256];
    unsigned char idem_hash[32];
    bool replayed;
};

struct store *req_store(struct request *req);

/* Replies with a JSON value (stolen) and the status. */
void reply_json(struct request *req, int status, json_t *body);
/* Replies with JSON text already encoded (malloc'd; the request takes it). */
void reply_raw(struct request *req, int status, char *body);
/* Replies with the error envelope {"error":{"code","message","field"}}. */
void reply_error(struct request *req, enum terr code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Replies with req->err (falling back on code's default message). */
void reply_err_info(struct request *req, enum terr code);
/* From a write_fn: the reply is render(req), called once the write is
 * durable, on the worker thread, so the single writer thread spends its time
 * writing.  render calls reply_json (or reply_error).  A POST's render may
 * run inside the transaction instead, on the writer, when an Idempotency-Key
 * needs the body stored with the write: POST renders therefore use only what
 * the request holds (req->warg, req->agent); other methods' may store_read. */
void reply_later(struct request *req, void (*render)(struct request *req));

/* Runs fn on the store's writer (see write_fn), honouring Idempotency-Key.
 * arg is kept in req->warg and freed with free_arg (may be NULL) at the end. */
void http_write(struct request *req, write_fn fn, void *arg, void (*free_arg)(void *));

/* True when the client is a browser asking for a page: its Accept names
 * text/html and not application/json. */
bool req_wants_html(struct request *req);
/* 404 for a path nothing answers: the JSON envelope, or a small page for a browser. */
void reply_not_found(struct request *req);

/* A query-string argument, or NULL. */
const char *req_query(struct request *req, const char *name);
/* A header, or NULL. */
const char *req_header(struct request *req, const char *name);
/* True when the body's Content-Type is the media type `type` (any case),
 * alone or followed by parameters ("application/json; charset=utf-8"), not
 * a longer name that starts with it. */
bool req_content_type_is(struct request *req, const char *type);

#endif
