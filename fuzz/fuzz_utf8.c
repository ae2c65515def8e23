/*
 * libFuzzer target for text codecs: UTF-8 (src/util/utf8.c) and base64url
 * (src/util/encode.c).
 *
 * utf8_sanitize runs on the input up to its first NUL, into heap blocks of
 * exactly the size given so ASan sees any write past them.  Invariants: the
 * output is valid UTF-8 and shorter than the buffer; with room for all of it,
 * it has the input's length (one '?' per bad byte) and equals the input when
 * that was valid; a smaller buffer gives a prefix of the full output that
 * never ends inside a character.  base64url: encoding any bytes decodes back
 * to them; decoding any text that is accepted re-encodes to text that
 * decodes to the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/encode.h"
#include "util/utf8.h"

/* Sanitizes s into exactly outlen bytes; returns the output (caller frees) or NULL for 0. */
static char *sanitize(const char *s, size_t outlen)
{
    char *out = malloc(outlen ? outlen : 1);
    if (outlen == 0) {
        out[0] = 'x';
        utf8_sanitize(s, out, 0); /* must not write */
        FUZZ_ASSERT(out[0] == 'x');
        free(out);
        return NULL;
    }
    utf8_sanitize(s, out, outlen);
    size_t n = strnlen(out, outlen);
    FUZZ_ASSERT(n < outlen);
    FUZZ_ASSERT(utf8_valid(out, n));
    FUZZ_ASSERT(utf8_length(out, n) <= n);
    return out;
}

/* Sanitizes s (n bytes) into outlen <= n bytes: a prefix of full, the whole
 * output, that drops only the character that did not fit. */
static void check_truncated(const char *s, size_t n, const char *full, size_t outlen)
{
    char *part = sanitize(s, outlen);
    size_t m = strlen(part);
    FUZZ_ASSERT(m < n && memcmp(part, full, m) == 0);
    FUZZ_ASSERT(outlen - 1 - m < 4);
    free(part);
}

static void check_utf8(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    size_t n = strlen(s);
    bool valid = utf8_valid(s, n);
    /* NUL is never valid, so a body with one is refused as a whole. */
    if (n < size)
        FUZZ_ASSERT(!utf8_valid((const char *)data, size));

    char *full = sanitize(s, n + 1);
    FUZZ_ASSERT(strlen(full) == n);
    if (valid)
        FUZZ_ASSERT(strcmp(full, s) == 0);
    else
        FUZZ_ASSERT(strcmp(full, s) != 0);

    sanitize(s, 0);
    /* Buffers too small for the whole output: 1..8 bytes, powers of two, and
     * one size chosen by the input. */
    size_t cut = size ? data[0] % (n + 1) : 0;
    for (size_t outlen = 1; outlen <= n; outlen = outlen < 8 ? outlen + 1 : outlen * 2)
        check_truncated(s, n, full, outlen);
    if (cut)
        check_truncated(s, n, full, cut);
    free(full);
    free(s);
}

static void check_base64(const uint8_t *data, size_t size)
{
    /* bytes -> text -> bytes */
    size_t tlen = base64url_len(size);
    char *text = malloc(tlen + 1);
    base64url_encode(data, size, text);
    FUZZ_ASSERT(strlen(text) == tlen);
    unsigned char *back = malloc(size ? size : 1);
    size_t blen = (size_t)-1;
    FUZZ_ASSERT(base64url_decode(text, tlen, back, size, &blen));
    FUZZ_ASSERT(blen == size && memcmp(back, data, size) == 0);
    if (size > 0) {
        size_t untouched = 7;
        FUZZ_ASSERT(!base64url_decode(text, tlen, back, size - 1, &untouched));
        FUZZ_ASSERT(untouched == 7);
    }
    free(back);
    free(text);

    /* text -> bytes -> text -> bytes */
    size_t cap = size * 3 / 4;
    unsigned char *bytes = malloc(cap + 1);
    size_t n = (size_t)-1;
    if (base64url_decode((const char *)data, size, bytes, cap, &n)) {
        FUZZ_ASSERT(size % 4 != 1);
        FUZZ_ASSERT(n == cap);
        FUZZ_ASSERT(base64url_len(n) == size);
        char *again = malloc(size + 1);
        base64url_encode(bytes, n, again);
        unsigned char *bytes2 = malloc(cap + 1);
        size_t n2 = 0;
        FUZZ_ASSERT(base64url_decode(again, size, bytes2, cap, &n2));
        FUZZ_ASSERT(n2 == n && memcmp(bytes, bytes2, n) == 0);
        free(bytes2);
        free(again);
    } else {
        FUZZ_ASSERT(n == (size_t)-1);
    }
    free(bytes);

    /* hex: two digits per byte */
    char *hex = malloc(2 * size + 1);
    hex_encode(data, size, hex);
    FUZZ_ASSERT(strlen(hex) == 2 * size && strspn(hex, "0123456789abcdef") == 2 * size);
    free(hex);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_utf8(data, size);
    check_base64(data, size);
    return 0;
}
