/*
 * The HTTP server: accepts requests with libmicrohttpd's thread pool,
 * collects bodies under a cap, routes, authenticates, validates and calls the
 * handlers; suspends connections whose write waits for the group commit.
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../util/alloc.h"
#include "../util/log.h"
#include "../util/secret.h"
#include "../util/timeutil.h"
#include "../util/utf8.h"
#include "json_in.h"
#include "render.h"

struct store *req_store(struct request *req)
{
    return req->srv->store;
}

const char *req_query(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* ---- replies ---- */

static void set_reply(struct request *req, int status, char *body)
{
    free(req->resp_body);
    req->status = status;
    req->resp_body = body;
    req->resp_len = strlen(body);
    if (req->state != REQ_WAITING)
        req->state = REQ_DONE;
}

void reply_raw(struct request *req, int status, char *body)
{
    set_reply(req, status, body);
}

void reply_json(struct request *req, int status, json_t *body)
{
    char *text = body ? render_dump(body) : NULL;
    json_decref(body);
    if (!text) {
        /* Only text that is not UTF-8 gets here; the client still gets an answer. */
        log_error("cannot encode the reply to %s %s", req->method, req->path);
        status = 500;
        text = xstrdup(
            "{\"error\":{\"code\":\"internal\",\"message\":\"the reply could not be encoded\"}}");
    }
    /* render_dump allocates with malloc, which libmicrohttpd frees. */
    set_reply(req, status, text);
}

static void reply_envelope(struct request *req, enum terr code, const char *field,
                           const char *message)
{
    /* Messages quote what the client sent and may have been cut mid-character:
     * make them valid UTF-8 before they become JSON. */
    char safe_message[sizeof(req->err.message)], safe_field[sizeof(req->err.field)];
    utf8_sanitize(message, safe_message, sizeof(safe_message));
    utf8_sanitize(field ? field : "", safe_field, sizeof(safe_field));
    json_t *err = json_pack("{s:s, s:s}", "code", terr_code(code), "message", safe_message);
    if (err && safe_field[0])
        json_object_set_new(err, "field", json_string(safe_field));
    reply_json(req, terr_http_status(code), json_pack("{s:o*}", "error", err));
}

void reply_error(struct request *req, enum terr code, const char *field, const char *fmt, ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    reply_envelope(req, code, field, message);
}

void reply_err_info(struct request *req, enum terr code)
{
    if (req->err.code == code && req->err.message[0])
        reply_envelope(req, code, req->err.field, req->err.message);
    else
        reply_envelope(req, code, NULL, terr_message(code));
}

void reply_later(struct request *req, void (*render)(struct request *req))
{
    req->render = render;
}

/* Renders a deferred reply now. */
static void render_now(struct request *req)
{
    void (*render)(struct request *) = req->render;
    req->render = NULL;
    if (render)
        render(req);
}

/* The console's pages (web/): our own scripts and styles only, nothing inline. */
#define WEB_CSP                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "            \
    "object-src 'none'"
/* A page rendered by the server (the survey link, error pages): no script at all. */
#define PAGE_CSP                                                                                   \
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "                          \
    "frame-ancestors 'none'; base-uri 'none'"

static enum MHD_Result queue_reply(struct request *req)
{
    if (req->queued)
        return MHD_YES; /* answered early (413); the rest of the upload is discarded */
    req->queued = true;
    render_now(req);
    if (!req->resp_body && !req->static_body)
        reply_error(req, TERR_INTERNAL, NULL, "the handler gave no reply");
    struct MHD_Response *r;
    if (req->static_body) {
        /* A loaded web file: it lives as long as the server, so it is not copied. */
        r = MHD_create_response_from_buffer(req->static_len, (void *)(uintptr_t)req->static_body,
                                            MHD_RESPMEM_PERSISTENT);
    } else {
        r = MHD_create_response_from_buffer(req->resp_len, req->resp_body, MHD_RESPMEM_MUST_FREE);
        req->resp_body = NULL; /* libmicrohttpd owns it now */
    }
    if (req->status != 304)
        MHD_add_response_header(r, "Content-Type",
                                req->content_type ? req->content_type
                                                  : "application/json; charset=utf-8");
    /* Every page, ours or the console's: no framing, no referrer (a case or
     * survey link's token is in the URL), no script from elsewhere. */
    const char *ct = req->content_type ? req->content_type : "";
    bool html = strncmp(ct, "text/html", 9) == 0;
    if (html || strncmp(ct, "image/svg+xml", 13) == 0) {
        MHD_add_response_header(r, "Content-Security-Policy", req->web_page ? WEB_CSP : PAGE_CSP);
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
    }
    if (html)
        MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    /* Web files may be kept, but are checked each time (ETag); API answers never. */
    MHD_add_response_header(r, "Cache-Control", req->web_page ? "no-cache" : "no-store");
    if (req->etag)
        MHD_add_response_header(r, "ETag", req->etag);
    if (req->location)
        MHD_add_response_header(r, "Location", req->location);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (req->set_cookie)
        MHD_add_response_header(r, "Set-Cookie", req->set_cookie);
    if (req->allow)
        MHD_add_response_header(r, "Allow", req->allow);
    if (req->replayed)
        MHD_add_response_header(r, "Idempotent-Replayed", "true");
    if (req->status == 401)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"truce\"");
    if (req->retry_after > 0) {
        char s[16];
        snprintf(s, sizeof(s), "%d", req->retry_after);
        MHD_add_response_header(r, "Retry-After", s);
    }
    enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)req->status, r);
    MHD_destroy_response(r);
    return ret;
}

bool req_wants_html(struct request *req)
{
    const char *accept = req_header(req, "Accept");
    return accept && strstr(accept, "text/html") && !strstr(accept, "application/json");
}

void reply_not_found(struct request *req)
{
    if (!req_wants_html(req)) {
        reply_error(req, TERR_NOT_FOUND, NULL, "no route for '%s'", req->path);
        return;
    }
    static const char page[] =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Not found</title></head><body>\n<h1>Not found</h1>\n"
        "<p>There is no page at this address. <a href=\"/help\">Help center</a> &middot; "
        "<a href=\"/app/\">Agent console</a></p>\n</body></html>\n";
    req->content_type = "text/html; charset=utf-8";
    reply_raw(req, 404, xstrdup(page));
}

/* ---- asynchronous writes ---- */

static void principal_of(const struct request *req, char *out, size_t len)
{
    snprintf(out, len, "agent:%lld", (long long)req->agent.id);
}

static enum terr write_tx(struct store_tx *tx, void *arg)
{
    struct request *req = arg;
    char principal[48];
    enum terr e;
    if (req->has_idem) {
        struct idem_record rec;
        principal_of(req, principal, sizeof(principal));
        e = store_idem_get(tx, principal, req->idem_key, &rec);
        if (!e) {
            bool same = secret_hash_equal(rec.request_hash, req->idem_hash);
            if (same) {
                set_reply(req, rec.status, rec.response);
                rec.response = NULL;
                req->replayed = true;
            }
            idem_record_release(&rec);
            return same ? TERR_OK
                        : terr_set(&req->err, TERR_IDEMPOTENCY, "Idempotency-Key",
                                   "Idempotency-Key '%s' was used with another request",
                                   req->idem_key);
        }
        if (e != TERR_NOT_FOUND)
            return e;
    }
    e = req->wfn(tx, req);
    if (e)
        return e;
    if (req->has_idem)
        render_now(req); /* the record keeps the exact body */
    if (req->has_idem && req->status < 300) {
        struct idem_record rec = {
            .principal = principal,
            .key = req->idem_key,
            .status = req->status,
            .response = req->resp_body,
            .created_at = time_now_ms(),
        };
        memcpy(rec.request_hash, req->idem_hash, sizeof(rec.request_hash));
        e = store_idem_put(tx, &rec); /* rec borrows; not released */
    }
    return e;
}

static void write_done(void *arg, enum terr result)
{
    struct request *req = arg;
    if (result) {
        free(req->resp_body);
        req->resp_body = NULL;
        free(req->set_cookie); /* a login that did not commit sets no cookie */
        req->set_cookie = NULL;
        req->render = NULL;
        req->replayed = false;
        if (req->render_error)
            req->render_error(req, result);
        else
            reply_err_info(req, result);
    }
    req->state = REQ_DONE;
    /* After the resume the request may be freed at any moment: read srv first. */
    struct http_server *srv = req->srv;
    MHD_resume_connection(req->conn);
    atomic_fetch_sub(&srv->writes_in_flight, 1);
}

void http_write(struct request *req, write_fn fn, void *arg, void (*free_arg)(void *))
{
    req->wfn = fn;
    req->warg = arg;
    req->warg_free = free_arg;
    if (req->has_idem) {
        crypto_generichash_state h;
        crypto_generichash_init(&h, NULL, 0, sizeof(req->idem_hash));
        crypto_generichash_update(&h, (const unsigned char *)req->method, strlen(req->method) + 1);
        crypto_generichash_update(&h, (const unsigned char *)req->path, strlen(req->path) + 1);
        crypto_generichash_update(&h, (const unsigned char *)req->body.data, req->body.len);
        crypto_generichash_final(&h, req->idem_hash, sizeof(req->idem_hash));
    }
    /* Counted before the check, so http_server_stop either sees this write
     * in flight or this write sees it stopping (both are sequentially consistent). */
    struct http_server *srv = req->srv;
    atomic_fetch_add(&srv->writes_in_flight, 1);
    if (atomic_load(&srv->stopping)) {
        atomic_fetch_sub(&srv->writes_in_flight, 1);
        reply_error(req, TERR_BUSY, NULL, "the server is stopping; try again shortly");
        return;
    }
    req->state = REQ_WAITING;
    req->handed_off = true;
    MHD_suspend_connection(req->conn);
    /* From here the writer owns req until it resumes the connection. */
    store_write_async(srv->store, write_tx, write_done, req);
}

/* ---- dispatch ---- */

bool req_content_type_is(struct request *req, const char *type)
{
    const char *ct = req_header(req, "Content-Type");
    size_t n = strlen(type);
    if (!ct || strncasecmp(ct, type, n) != 0)
        return false;
    ct += n;
    while (*ct == ' ')
        ct++;
    return *ct == '\0' || *ct == ';';
}

struct param_check {
    const char *const *allowed;
    const char *bad;
    bool bad_value; /* bad is known, its value is not text */
    bool twice;     /* bad is known and given again */
    uint64_t seen;  /* bit i: allowed[i] was given (the lists are short) */
};

static enum MHD_Result check_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    struct param_check *pc = cls;
    (void)kind;
    (void)key_size;
    for (size_t i = 0; pc->allowed && pc->allowed[i]; i++) {
        if (strcmp(pc->allowed[i], key) != 0)
            continue;
        /* The handler reads the first of "?status=open&status=closed";
         * taking one silently would answer a question not asked. */
        uint64_t bit = i < 64 ? UINT64_C(1) << i : 0;
        if (pc->seen & bit) {
            pc->twice = true;
            break;
        }
        pc->seen |= bit;
        /* A %00 would silently end the value where the handler reads it. */
        if (!value || (strlen(value) == value_size && utf8_valid(value, value_size)))
            return MHD_YES;
        pc->bad_value = true;
        break;
    }
    pc->bad = key;
    return MHD_NO;
}

/* True when every query parameter is one of `allowed` (NULL-ended; NULL for
 * none), given once, and its value UTF-8 without NUL; otherwise replies 400
 * naming it, unknown_field (not allowed) or invalid_value (not text, or given
 * twice), and returns false. */
static bool query_only(struct request *req, const char *const allowed[])
{
    struct param_check pc = {allowed, NULL, false, false, 0};
    MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, check_param, &pc);
    if (pc.twice)
        reply_error(req, TERR_INVALID, pc.bad, "'%s' is given more than once", pc.bad);
    else if (pc.bad_value)
        reply_error(req, TERR_INVALID, pc.bad, "'%s' must be UTF-8 text", pc.bad);
    else if (pc.bad)
        reply_error(req, TERR_UNKNOWN_FIELD, pc.bad, "unknown query parameter '%s'", pc.bad);
    return !pc.bad;
}

static bool idem_key_valid(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 255)
        return false;
    for (; *k; k++)
        if (*k < 0x21 || *k > 0x7e)
            return false;
    return true;
}

static void dispatch(struct request *req)
{
    char allow[64];
    enum terr e =
        route_match(req->method, req->path, &req->route, req->params, allow, sizeof(allow));
    if (e == TERR_NOT_FOUND) {
        reply_not_found(req);
        return;
    }
    if (e == TERR_METHOD) {
        snprintf(req->allow_buf, sizeof(req->allow_buf), "%s", allow);
        req->allow = req->allow_buf;
        reply_error(req, e, NULL, "'%s' allows %s", req->path, allow);
        return;
    }
    if (req->too_large) {
        reply_error(req, TERR_TOO_LARGE, NULL, "the body is over %zu bytes",
                    req->srv->opt.body_max);
        return;
    }
    if (!(req->route->flags & ROUTE_PUBLIC) && auth_request(req))
        return;
    if (req->route->flags & ROUTE_BODY) {
        if (!req_content_type_is(req, "application/json")) {
            reply_error(req, TERR_MEDIA_TYPE, NULL, "the body must be sent as application/json");
            return;
        }
        if ((e = json_parse_body(req->body.data ? req->body.data : "", req->body.len, &req->json,
                                 &req->err))) {
            reply_err_info(req, e);
            return;
        }
    }
    /* Every route says which query parameters it takes: a typo, or a
     * parameter sent to a route that reads none, is refused, not ignored. */
    if (req->route->query != QUERY_ANY && !query_only(req, req->route->query))
        return;
    const char *key = req_header(req, "Idempotency-Key");
    if (key && strcmp(req->method, "POST") == 0) {
        if (!idem_key_valid(key)) {
            reply_error(req, TERR_INVALID, "Idempotency-Key",
                        "Idempotency-Key must be 1 to 255 visible ASCII characters");
            return;
        }
        snprintf(req->idem_key, sizeof(req->idem_key), "%s", key);
        req->has_idem = true;
    }
    req->route->handler(req);
}

/* ---- request lifecycle ---- */

static struct request *request_new(struct http_server *srv, struct MHD_Connection *conn,
                                   const char *method, const char *url)
{
    struct request *req = xcalloc(1, sizeof(*req));
    req->srv = srv;
    req->conn = conn;
    req->started_ns = time_mono_ns();
    snprintf(req->method, sizeof(req->method), "%s", method);
    req->path = xstrdup(url);
    buf_init(&req->body, srv->opt.body_max);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr ||
        getnameinfo(ci->client_addr,
                    ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                           : sizeof(struct sockaddr_in),
                    req->ip, sizeof(req->ip), NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(req->ip, sizeof(req->ip), "unknown");
    return req;
}

static void request_free(struct request *req)
{
    if (!req)
        return;
    if (req->warg_free)
        req->warg_free(req->warg);
    json_decref(req->json);
    buf_release(&req->body);
    agent_release(&req->agent);
    free(req->resp_body);
    free(req->set_cookie);
    free(req->path);
    free(req);
}

struct header_count {
    const char *name;
    int n;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    struct header_count *hc = cls;
    (void)kind;
    (void)value;
    if (strcasecmp(key, hc->name) == 0)
        hc->n++;
    return MHD_YES;
}

/* How many times the request gives header `name`. */
static int header_count(struct MHD_Connection *conn, const char *name)
{
    struct header_count hc = {name, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &hc);
    return hc.n;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct request *req = *con_cls;
    (void)version;
    if (!req) {
        req = request_new(srv, conn, method, url);
        *con_cls = req;
        if (header_count(conn, "Content-Length") > 1) {
            /* libmicrohttpd reads the first; a proxy in front may have read
             * the last, and taken the rest of this body for another request. */
            reply_error(req, TERR_INVALID, "Content-Length",
                        "Content-Length is given more than once");
            req->too_large = true; /* the body, if any, is not kept */
            return queue_reply(req);
        }
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (*end == '\0' && n > srv->opt.body_max) {
                /* Answer before reading the body, so a client that sent
                 * "Expect: 100-continue" does not upload it at all. */
                req->too_large = true;
                dispatch(req);
                return queue_reply(req);
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!req->too_large && buf_add(&req->body, upload, *upload_size)) {
            req->too_large = true;
            buf_release(&req->body);
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (req->state == REQ_READING) {
        dispatch(req);
        /* Suspended until the write is durable; the writer may be filling in
         * the reply right now, so nothing of req is read here. */
        if (req->handed_off)
            return MHD_YES;
    }
    return queue_reply(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct request *req = *con_cls;
    (void)conn;
    if (!req)
        return;
    if (!srv->opt.quiet) {
        double ms = (double)(time_mono_ns() - req->started_ns) / 1e6;
        char path[256];
        /* A survey or case link's token is the customer's credential: never logged. */
        const char *shown = strncmp(req->path, "/s/", 3) == 0   ? "/s/[token]"
                            : strncmp(req->path, "/c/", 3) == 0 ? "/c/[token]"
                                                                : req->path;
        log_printable(shown, path, sizeof(path)); /* no forged log lines from "%0A" */
        log_info("%s %s %s %d %.3fms%s", req->ip, req->method, path, req->status, ms,
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    }
    request_free(req);
    *con_cls = NULL;
}

/* ---- start and stop ---- */

/* Decodes the %HH escapes of the path and the query as libmicrohttpd does,
 * except that %00 becomes 0xFF: a NUL would end the C string early, so that
 * "PATCH /api/v1/tickets/1%00/x" acted on ticket 1.  0xFF is never UTF-8, so
 * such a path matches no route and such a query value is refused by name. */
static size_t unescape_no_nul(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    size_t n = MHD_http_unescape(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0')
            s[i] = (char)0xFF;
    return n;
}

static enum terr bind_listen(const char *host, int port, int *out_fd, int *out_port,
                             struct terr_info *ei)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    int rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0)
        return terr_set(ei, TERR_INVALID, "listen", "cannot resolve '%s': %s", host,
                        gai_strerror(rc));
    int fd = -1;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 1024) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return terr_set(ei, TERR_IO, "listen", "cannot listen on %s:%d: %m", host, port);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *out_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                               : ((struct sockaddr_in *)&ss)->sin_port);
    *out_fd = fd;
    return TERR_OK;
}

enum terr http_server_start(const struct http_options *opt, struct store *st,
                            struct http_server **out, struct terr_info *ei)
{
    struct http_server *srv = xcalloc(1, sizeof(*srv));
    srv->opt = *opt;
    srv->store = st;
    if (!srv->opt.body_max)
        srv->opt.body_max = HTTP_BODY_MAX;
    if (srv->opt.threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        srv->opt.threads = n > 0 ? (int)n : 2;
    }
    srv->login_limit = ratelimit_new(opt->login_per_minute > 0 ? opt->login_per_minute : 10);
    srv->survey_limit = ratelimit_new(opt->survey_per_minute > 0 ? opt->survey_per_minute : 30);
    srv->public_limit = ratelimit_new(opt->public_per_minute > 0 ? opt->public_per_minute : 20);
    srv->search_limit =
        ratelimit_new(3 * (opt->public_per_minute > 0 ? opt->public_per_minute : 20));
    srv->tokens = token_cache_new();
    srv->read_cache = opt->no_read_cache ? NULL : read_cache_new();
    enum terr e = bind_listen(opt->host, opt->port, &srv->listen_fd, &srv->port, ei);
    if (e) {
        ratelimit_free(srv->login_limit);
        ratelimit_free(srv->survey_limit);
        ratelimit_free(srv->public_limit);
        ratelimit_free(srv->search_limit);
        token_cache_free(srv->tokens);
        read_cache_free(srv->read_cache);
        free(srv);
        return e;
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET, srv->listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->opt.threads, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape_no_nul, NULL, MHD_OPTION_END);
    if (!srv->daemon) {
        close(srv->listen_fd);
        ratelimit_free(srv->login_limit);
        ratelimit_free(srv->survey_limit);
        ratelimit_free(srv->public_limit);
        ratelimit_free(srv->search_limit);
        token_cache_free(srv->tokens);
        read_cache_free(srv->read_cache);
        free(srv);
        return terr_set(ei, TERR_IO, "listen", "libmicrohttpd failed to start");
    }
    *out = srv;
    return TERR_OK;
}

int http_server_port(const struct http_server *srv)
{
    return srv->port;
}

void http_server_stop(struct http_server *srv)
{
    if (!srv)
        return;
    /* Stop accepting, then let suspended writes finish: libmicrohttpd must
     * not be stopped with a connection still suspended. */
    atomic_store(&srv->stopping, true);
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    while (atomic_load(&srv->writes_in_flight) > 0)
        usleep(1000);
    MHD_stop_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    ratelimit_free(srv->login_limit);
    ratelimit_free(srv->survey_limit);
    ratelimit_free(srv->public_limit);
    ratelimit_free(srv->search_limit);
    token_cache_free(srv->tokens);
    read_cache_free(srv->read_cache);
    free(srv);
}
