/*
 * One error enum for the whole desk.  The X-macro keeps the C name, the JSON
 * "code" string, the HTTP status and the default message together so they
 * cannot drift apart (libuv's UV_ERRNO_MAP).  Append new codes; never
 * renumber, since numbers may be logged.
 */
#ifndef TRUCE_ERR_H
#define TRUCE_ERR_H

/* clang-format off */
#define TERR_MAP(X)                                                                      \
    X(OK, "ok", 200, "ok")                                                               \
    X(BAD_JSON, "malformed_json", 400, "the body is not valid JSON")                     \
    X(WRONG_TYPE, "wrong_type", 400, "a field has the wrong type")                       \
    X(MISSING_FIELD, "missing_field", 400, "a required field is missing")                \
    X(UNKNOWN_FIELD, "unknown_field", 400, "the body has a field this route does not know") \
    X(BAD_UTF8, "invalid_utf8", 400, "the body is not valid UTF-8")                      \
    X(TOO_LONG, "too_long", 400, "a value is over its length limit")                     \
    X(INVALID, "invalid_value", 400, "a value is not allowed")                           \
    X(UNAUTHORIZED, "unauthorized", 401, "authentication is required")                   \
    X(FORBIDDEN, "forbidden", 403, "your role does not allow this")                      \
    X(CSRF, "csrf_failed", 403, "a cookie-authenticated write needs its X-CSRF-Token")   \
    X(NOT_FOUND, "not_found", 404, "no such resource")                                   \
    X(METHOD, "method_not_allowed", 405, "this method is not allowed here")              \
    X(CONFLICT, "conflict", 409, "the request conflicts with existing data")             \
    X(IDEMPOTENCY, "idempotency_mismatch", 409,                                          \
      "this Idempotency-Key was used with another request")                              \
    X(TOO_LARGE, "payload_too_large", 413, "the body is over the size limit")            \
    X(MEDIA_TYPE, "unsupported_media_type", 415, "the body must be application/json")    \
    X(RATE_LIMITED, "rate_limited", 429, "too many attempts; wait and try again")        \
    X(BUSY, "busy", 503, "the database is busy; try again")                              \
    X(STORAGE, "storage_error", 500, "the database failed")                              \
    X(DISK_FULL, "disk_full", 507, "the disk is full")                                   \
    X(INTERNAL, "internal", 500, "internal error")                                       \
    X(IO, "io_error", 500, "an input/output error occurred")                            \
    X(GONE, "gone", 410, "this link has expired")
/* clang-format on */

enum terr {
#define X(name, code, status, msg) TERR_##name,
    TERR_MAP(X)
#undef X
        TERR__COUNT
};

/*
 * The detail of one failure: its code, the offending field (may be empty) and a
 * human message (lowercase, no full stop, the subject in quotes).
 */
struct terr_info {
    enum terr code;
    char field[64];
    char message[256];
};

/* Fills ei (if not NULL) and returns code, so callers can "return terr_set(...)". */
enum terr terr_set(struct terr_info *ei, enum terr code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Static strings; never NULL. */
const char *terr_code(enum terr e);
const char *terr_message(enum terr e);
int terr_http_status(enum terr e);

#endif
