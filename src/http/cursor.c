/* Opaque list cursors: "<sort>:<key>:<id>" in base64url. */
#include "cursor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/encode.h"

void cursor_encode(enum ticket_sort sort, int64_t key, int64_t id, char *out, size_t len)
{
    char raw[80];
    int n = snprintf(raw, sizeof(raw), "%d:%lld:%lld", (int)sort, (long long)key, (long long)id);
    if (n < 0 || base64url_len((size_t)n) >= len) {
        out[0] = '\0';
        return;
    }
    base64url_encode((const unsigned char *)raw, (size_t)n, out);
}

/* One decimal integer of the cursor, ending at `stop`; false if malformed or out of range. */
static bool cursor_number(const char **p, char stop, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(*p, &end, 10);
    if (end == *p || *end != stop || errno == ERANGE)
        return false;
    *out = v;
    *p = end + (stop != '\0');
    return true;
}

bool cursor_decode(const char *s, enum ticket_sort sort, int64_t *key, int64_t *id)
{
    unsigned char raw[96];
    size_t n;
    if (strlen(s) > 120 || !base64url_decode(s, strlen(s), raw, sizeof(raw) - 1, &n))
        return false;
    raw[n] = '\0';
    const char *p = (const char *)raw;
    long long srt, k, i;
    if (!cursor_number(&p, ':', &srt) || !cursor_number(&p, ':', &k) ||
        !cursor_number(&p, '\0', &i))
        return false;
    if (srt != (long long)sort || i <= 0)
        return false;
    *key = k;
    *id = i;
    return true;
}

void cursor_encode_id(int64_t id, char *out, size_t len)
{
    char raw[40];
    int n = snprintf(raw, sizeof(raw), "id:%lld", (long long)id);
    if (n < 0 || base64url_len((size_t)n) >= len) {
        out[0] = '\0';
        return;
    }
    base64url_encode((const unsigned char *)raw, (size_t)n, out);
}

bool cursor_decode_id(const char *s, int64_t *id)
{
    unsigned char raw[64];
    size_t n;
    if (strlen(s) > 80 || !base64url_decode(s, strlen(s), raw, sizeof(raw) - 1, &n))
        return false;
    raw[n] = '\0';
    const char *p = (const char *)raw;
    long long v;
    if (strncmp(p, "id:", 3) != 0)
        return false;
    p += 3;
    if (!cursor_number(&p, '\0', &v) || v <= 0)
        return false;
    *id = v;
    return true;
}
