#include "utf8.h"

#include <string.h>

/* Length of the well-formed sequence at s (at most n bytes), or 0; its code
 * point in *out. */
static size_t seq_len(const unsigned char *s, size_t n, unsigned *out)
{
    unsigned c = s[0];
    if (c == 0)
        return 0;
    if (c < 0x80) {
        *out = c;
        return 1;
    }
    size_t len;
    unsigned min, cp;
    if ((c & 0xE0) == 0xC0)
        len = 2, min = 0x80, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, min = 0x800, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, min = 0x10000, cp = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    *out = cp;
    return len;
}

void utf8_sanitize(const char *in, char *out, size_t outlen)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = strlen(in), o = 0;
    if (outlen == 0)
        return;
    while (*s) {
        unsigned cp;
        size_t len = seq_len(s, n, &cp);
        const unsigned char *src = len ? s : (const unsigned char *)"?";
        size_t take = len ? len : 1;
        if (o + take >= outlen)
            break;
        memcpy(out + o, src, take);
        o += take;
        s += take;
        n -= take;
    }
    out[o] = '\0';
}

bool utf8_valid(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    while (n > 0) {
        unsigned cp;
        size_t len = seq_len(s, n, &cp);
        if (!len)
            return false;
        s += len;
        n -= len;
    }
    return true;
}

size_t utf8_length(const char *p, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80)
            count++;
    return count;
}

size_t utf8_line_fault(const char *p, size_t n, unsigned *cp_out, const char **what)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t chars = 0;
    while (n > 0) {
        unsigned cp;
        size_t len = seq_len(s, n, &cp);
        if (!len) { /* not UTF-8 (the caller checked) or a NUL: one byte, read as such */
            len = 1;
            cp = s[0];
        }
        chars++;
        const char *bad = NULL;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            bad = "a control character";
        else if (cp == 0x2028 || cp == 0x2029)
            bad = "a line separator";
        else if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            bad = "a bidirectional control";
        if (bad) {
            *cp_out = cp;
            *what = bad;
            return chars;
        }
        s += len;
        n -= len;
    }
    return 0;
}
