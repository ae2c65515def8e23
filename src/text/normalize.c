/*
 * Unicode normalisation with utf8proc.
 *
 * utf8proc_map() allocates its result, and the tokenizer normalises every
 * non-ASCII token, so the pipeline is spelled out here instead: decompose
 * (with case folding and the apostrophe mapping as a custom step) into a
 * code point array on the stack, recompose in place (NFC), optionally cut
 * letter runs, and encode back to UTF-8 over the same array.  The array
 * lives on the heap only for tokens longer than STACK_CPS code points.
 */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>

#include <utf8proc.h>

#include "text_int.h"
#include "util/alloc.h"
#include "util/utf8.h"

#define STACK_CPS 256

static utf8proc_int32_t map_apostrophe(utf8proc_int32_t c, void *data)
{
    (void)data;
    if (c == 0x2018 || c == 0x2019 || c == 0x02BC)
        return '\'';
    return c;
}

/* Latin letters whose stroke or bar is part of the letter, not a mark, so
 * no decomposition drops it: Ø ø Đ đ Ð ð Ł ł ı to their plain letters. */
static utf8proc_int32_t map_stroke(utf8proc_int32_t c, void *data)
{
    (void)data;
    switch (c) {
    case 0xD8:
        return 'O';
    case 0xF8:
        return 'o';
    case 0x110:
    case 0xD0:
        return 'D';
    case 0x111:
    case 0xF0:
        return 'd';
    case 0x141:
        return 'L';
    case 0x142:
        return 'l';
    case 0x131:
        return 'i';
    default:
        return c;
    }
}

static bool is_letter(utf8proc_int32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    utf8proc_category_t k = utf8proc_category(c);
    return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO;
}

/* Keeps at most two of each run of one letter; returns the new length. */
static utf8proc_ssize_t cut_runs(utf8proc_int32_t *cp, utf8proc_ssize_t n, bool *cut)
{
    utf8proc_ssize_t w = 0;
    for (utf8proc_ssize_t r = 0; r < n; r++) {
        if (w >= 2 && cp[r] == cp[w - 1] && cp[r] == cp[w - 2] && is_letter(cp[r])) {
            *cut = true;
            continue;
        }
        cp[w++] = cp[r];
    }
    return w;
}

enum terr text_norm_valid(const char *s, size_t len, unsigned flags, struct buf *out,
                          bool *elongated)
{
    utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    if (flags & NORM_FOLD)
        opts |= UTF8PROC_CASEFOLD;
    if (flags & NORM_STRIP)
        opts |= UTF8PROC_COMPAT | UTF8PROC_STRIPMARK;
    utf8proc_custom_func custom = (flags & NORM_APOS)    ? map_apostrophe
                                  : (flags & NORM_STRIP) ? map_stroke
                                                         : NULL;
    const utf8proc_uint8_t *in = (const utf8proc_uint8_t *)s;

    utf8proc_int32_t stack[STACK_CPS];
    utf8proc_int32_t *cp = stack;
    utf8proc_ssize_t n =
        utf8proc_decompose_custom(in, (utf8proc_ssize_t)len, cp, STACK_CPS, opts, custom, NULL);
    if (n < 0)
        return TERR_BAD_UTF8;
    if (n > STACK_CPS) {
        cp = xmalloc((size_t)n * sizeof(*cp));
        utf8proc_ssize_t m =
            utf8proc_decompose_custom(in, (utf8proc_ssize_t)len, cp, n, opts, custom, NULL);
        if (m != n) {
            free(cp);
            return TERR_BAD_UTF8;
        }
    }
    n = utf8proc_normalize_utf32(cp, n, opts);
    bool cut = false;
    if (n > 0 && (flags & NORM_ELONG))
        n = cut_runs(cp, n, &cut);

    /* Encode in place: code point i sits at byte 4i, and the bytes written
     * before it number at most 4i, so no unread code point is overwritten. */
    uint8_t *bytes = (uint8_t *)cp;
    size_t w = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        utf8proc_int32_t c = cp[i];
        w += (size_t)utf8proc_encode_char(c, bytes + w);
    }
    enum terr e = n < 0 ? TERR_BAD_UTF8 : buf_add(out, bytes, w);
    if (cp != stack)
        free(cp);
    if (e == TERR_OK && elongated)
        *elongated = cut;
    return e;
}

enum terr text_fold(const char *s, size_t len, struct buf *out)
{
    if (!utf8_valid(s, len))
        return TERR_BAD_UTF8;
    return text_norm_valid(s, len, NORM_FOLD, out, NULL);
}

enum terr text_nfc(const char *s, size_t len, struct buf *out)
{
    if (!utf8_valid(s, len))
        return TERR_BAD_UTF8;
    return text_norm_valid(s, len, 0, out, NULL);
}

enum terr text_unaccent(const char *s, size_t len, struct buf *out)
{
    if (!utf8_valid(s, len))
        return TERR_BAD_UTF8;
    return text_norm_valid(s, len, NORM_FOLD | NORM_STRIP, out, NULL);
}
