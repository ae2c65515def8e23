/* src/util/utf8.c: RFC 3629 validation and code point counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/utf8.h"

/* Byte strings with their length, so embedded NULs are allowed. */
struct sample {
    const char *s;
    size_t n;
};
#define S(lit)                                                                                     \
    {                                                                                              \
        lit, sizeof(lit) - 1                                                                       \
    }

static void check_all(const struct sample *v, size_t count, bool want)
{
    for (size_t i = 0; i < count; i++) {
        if (utf8_valid(v[i].s, v[i].n) != want)
            fail_msg("sample %zu: expected %s", i, want ? "valid" : "invalid");
    }
}

static void accepts_empty_and_ascii(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S(""), S("a"), S("Hello, world! {\"json\": [1, 2]}"),
        S("\x01\x1f\x7f"), /* control characters are valid UTF-8 */
    };
    check_all(v, sizeof(v) / sizeof(v[0]), true);
}

static void accepts_multibyte(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S("caf\xc3\xa9"),              /* é, 2 bytes */
        S("\xc2\x80"),                 /* U+0080, smallest 2-byte */
        S("\xdf\xbf"),                 /* U+07FF, largest 2-byte */
        S("\xe0\xa0\x80"),             /* U+0800, smallest 3-byte */
        S("\xe2\x82\xac"),             /* € */
        S("\xed\x9f\xbf"),             /* U+D7FF, just below the surrogates */
        S("\xee\x80\x80"),             /* U+E000, just above them */
        S("\xef\xbf\xbf"),             /* U+FFFF */
        S("\xe6\x97\xa5\xe6\x9c\xac"), /* 日本 */
    };
    check_all(v, sizeof(v) / sizeof(v[0]), true);
}

static void accepts_emoji_and_last_code_point(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S("\xf0\x9f\x98\x80"),           /* 😀 U+1F600 */
        S("ok \xf0\x9f\x91\x8d thanks"), /* 👍 inside text */
        S("\xf0\x90\x80\x80"),           /* U+10000 */
        S("\xf4\x8f\xbf\xbf"),           /* U+10FFFF */
    };
    check_all(v, sizeof(v) / sizeof(v[0]), true);
}

static void rejects_overlongs(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S("\xc0\x80"),         /* NUL in 2 bytes */
        S("\xc0\xaf"),         /* '/' in 2 bytes */
        S("\xc1\xbf"),         /* U+007F in 2 bytes */
        S("\xe0\x80\xaf"),     /* '/' in 3 bytes */
        S("\xe0\x9f\xbf"),     /* U+07FF in 3 bytes */
        S("\xf0\x80\x80\xaf"), /* '/' in 4 bytes */
        S("\xf0\x8f\xbf\xbf"), /* U+FFFF in 4 bytes */
    };
    check_all(v, sizeof(v) / sizeof(v[0]), false);
}

static void rejects_surrogates(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S("\xed\xa0\x80"),             /* U+D800 */
        S("\xed\xaf\xbf"),             /* U+DBFF */
        S("\xed\xb0\x80"),             /* U+DC00 */
        S("\xed\xbf\xbf"),             /* U+DFFF */
        S("\xed\xa0\xbd\xed\xb8\x80"), /* CESU-8 pair for U+1F600 */
        S("a\xed\xa0\x80z"),
    };
    check_all(v, sizeof(v) / sizeof(v[0]), false);
}

static void rejects_past_last_code_point(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S("\xf4\x90\x80\x80"), /* U+110000 */
        S("\xf5\x80\x80\x80"),
        S("\xf7\xbf\xbf\xbf"),
        S("\xf8\x88\x80\x80\x80"),     /* old 5-byte form */
        S("\xfc\x84\x80\x80\x80\x80"), /* old 6-byte form */
        S("\xfe"),
        S("\xff"),
    };
    check_all(v, sizeof(v) / sizeof(v[0]), false);
}

static void rejects_truncated_sequences(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S("\xc3"),
        S("caf\xc3"),
        S("\xe2\x82"),
        S("\xf0\x9f\x98"),
        S("\xe2\x82"
          "A"), /* cut short by an ASCII byte */
        S("\xf0\x9f"
          "ab"),
        S("\xc3\xc3\xa9"), /* a lead byte where a continuation belongs */
    };
    check_all(v, sizeof(v) / sizeof(v[0]), false);
}

static void length_argument_bounds_the_check(void **state)
{
    (void)state;
    /* "é" cut at one byte is truncated even though the string goes on. */
    assert_false(utf8_valid("\xc3\xa9", 1));
    assert_true(utf8_valid("\xc3\xa9", 2));
    /* Bytes past n are not looked at. */
    assert_true(utf8_valid("ab\xff", 2));
}

static void rejects_stray_continuation_bytes(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S("\x80"),
        S("\xbf"),
        S("a\x80"
          "b"),
        S("\xc3\xa9\xa9"), /* one continuation too many */
        S("\xe2\x82\xac\x80"),
    };
    check_all(v, sizeof(v) / sizeof(v[0]), false);
}

static void rejects_nul_byte(void **state)
{
    (void)state;
    static const struct sample v[] = {
        S("\0"),
        S("a\0b"),
        S("text\0"),
    };
    check_all(v, sizeof(v) / sizeof(v[0]), false);
}

static void length_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(utf8_length("", 0), 0);
    assert_int_equal(utf8_length("abc", 3), 3);
    assert_int_equal(utf8_length("caf\xc3\xa9", 5), 4);
    assert_int_equal(utf8_length("\xe2\x82\xac", 3), 1);
    assert_int_equal(utf8_length("\xf0\x9f\x98\x80", 4), 1);
    /* "a€😀é" = 1 + 3 + 4 + 2 bytes, 4 code points */
    assert_int_equal(utf8_length("a\xe2\x82\xac\xf0\x9f\x98\x80\xc3\xa9", 10), 4);
    /* Only the first n bytes count. */
    assert_int_equal(utf8_length("abcdef", 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_empty_and_ascii),
        cmocka_unit_test(accepts_multibyte),
        cmocka_unit_test(accepts_emoji_and_last_code_point),
        cmocka_unit_test(rejects_overlongs),
        cmocka_unit_test(rejects_surrogates),
        cmocka_unit_test(rejects_past_last_code_point),
        cmocka_unit_test(rejects_truncated_sequences),
        cmocka_unit_test(length_argument_bounds_the_check),
        cmocka_unit_test(rejects_stray_continuation_bytes),
        cmocka_unit_test(rejects_nul_byte),
        cmocka_unit_test(length_counts_code_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
