#include "jsoncheck.h"

#include <string.h>

#include "utf8.h"

/*
 * Recursive descent over a cursor; each function returns false at the first
 * byte that cannot continue a JSON text.  Depth is bounded, so the stack is.
 */
struct cur {
    const char *p, *end;
};

static void skip_ws(struct cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* The 4 hex digits at c->p as a number, or -1 when they are not there. */
static long hex4(const struct cur *c)
{
    if (c->end - c->p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = c->p[i];
        if (!is_hex(ch))
            return -1;
        v = v * 16 + (ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
    }
    return v;
}

/* After "\u": a code unit other than U+0000, and a surrogate only as a
 * high-low pair (as jansson and most parsers require). */
static bool unicode_escape(struct cur *c)
{
    long u = hex4(c);
    if (u <= 0 || (u >= 0xDC00 && u <= 0xDFFF))
        return false;
    c->p += 4;
    if (u < 0xD800 || u > 0xDBFF)
        return true;
    if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
        return false;
    c->p += 2;
    long lo = hex4(c);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return false;
    c->p += 4;
    return true;
}

static bool string(struct cur *c)
{
    c->p++; /* the opening quote */
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p++;
        if (ch == '"')
            return true;
        if (ch < 0x20)
            return false;
        if (ch != '\\')
            continue;
        if (c->p >= c->end)
            return false;
        char e = *c->p++;
        if (e == 'u') {
            if (!unicode_escape(c))
                return false;
        } else if (!strchr("\"\\/bfnrt", e) || e == '\0') {
            return false;
        }
    }
    return false;
}

static bool digits(struct cur *c)
{
    const char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > start;
}

static bool number(struct cur *c)
{
    if (*c->p == '-')
        c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (!digits(c))
        return false;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!digits(c))
            return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        if (!digits(c))
            return false;
    }
    return true;
}

static bool word(struct cur *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool value(struct cur *c, int depth);

/* An object or an array: open, items separated by commas, close. */
static bool container(struct cur *c, int depth, char close, bool keyed)
{
    if (depth >= JSONCHECK_MAX_DEPTH)
        return false;
    c->p++; /* '{' or '[' */
    skip_ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return true;
    }
    for (;;) {
        if (keyed) {
            skip_ws(c);
            if (c->p >= c->end || *c->p != '"' || !string(c))
                return false;
            skip_ws(c);
            if (c->p >= c->end || *c->p++ != ':')
                return false;
        }
        if (!value(c, depth + 1))
            return false;
        skip_ws(c);
        if (c->p >= c->end)
            return false;
        char ch = *c->p++;
        if (ch == close)
            return true;
        if (ch != ',')
            return false;
    }
}

static bool value(struct cur *c, int depth)
{
    skip_ws(c);
    if (c->p >= c->end)
        return false;
    switch (*c->p) {
    case '{': return container(c, depth, '}', true);
    case '[': return container(c, depth, ']', false);
    case '"': return string(c);
    case 't': return word(c, "true");
    case 'f': return word(c, "false");
    case 'n': return word(c, "null");
    default: return (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) && number(c);
    }
}

bool json_object_valid(const char *s, size_t n)
{
    if (!s || !utf8_valid(s, n))
        return false;
    struct cur c = {s, s + n};
    skip_ws(&c);
    if (c.p >= c.end || *c.p != '{' || !value(&c, 0))
        return false;
    skip_ws(&c);
    return c.p == c.end;
}
