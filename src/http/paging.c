#include "paging.h"

#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"
#include "cursor.h"

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
    for (size_t i = 0; pc->allowed[i]; i++) {
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

bool query_only(struct request *req, const char *const allowed[])
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

bool query_limit(struct request *req, size_t dflt, size_t max, size_t *limit)
{
    const char *v = req_query(req, "limit");
    if (!v) {
        *limit = dflt;
        return true;
    }
    char *end;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || n < 1 || (unsigned long long)n > max) {
        reply_error(req, TERR_INVALID, "limit", "'limit' must be between 1 and %zu", max);
        return false;
    }
    *limit = (size_t)n;
    return true;
}

bool query_id_cursor(struct request *req, int64_t *after_id)
{
    const char *v = req_query(req, "cursor");
    *after_id = 0;
    if (v && !cursor_decode_id(v, after_id)) {
        reply_error(req, TERR_INVALID, "cursor", "'cursor' is not one this list gave");
        return false;
    }
    return true;
}

json_t *page_next_id(bool more, int64_t last_id)
{
    char c[64];
    if (!more)
        return json_null();
    cursor_encode_id(last_id, c, sizeof(c));
    return json_string(c);
}
