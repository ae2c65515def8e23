#include "paging.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

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
