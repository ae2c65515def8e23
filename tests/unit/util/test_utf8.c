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

/* Expects the first fault of s at character pos, code point cp, of kind. */
static void expect_fault(const char *s, size_t pos, unsigned cp, const char *kind)
{
    unsigned got_cp = 0;
    const char *got_kind = NULL;
    size_t at = utf8_line_fault(s, strlen(s), &got_cp, &got_kind);
    if (at != pos || got_cp != cp || !got_kind || strcmp(got_kind, kind) != 0)
        fail_msg("'%s': got %zu U+%04X %s, want %zu U+%04X %s", s, at, got_cp,
                 got_kind ? got_kind : "(none)", pos, cp, kind);
}

static void line_fault_accepts_names_of_any_script(void **state)
{
    (void)state;
    unsigned cp;
    const char *kind;
    static const char *const ok[] =
        {
            "",
            "Ana Mar\xc3\xad"
            "a O'Neil-Smith",
            "\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e", /* 山田 太郎 */
            "\xd7\xa9\xd7\xa8\xd7\x94 \xe2\x80\x8f(\xd7\x9c\xd7\xa7\xd7\x95\xd7\x97)", /* Hebrew
                                                                                          with RLM
                                                                                        */
            "Refund \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 "
            "family", /* ZWJ emoji */
            "caf\xc3\xa9 \xc2\xa0no-break space",
        };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (utf8_line_fault(ok[i], strlen(ok[i]), &cp, &kind))
            fail_msg("sample %zu: refused as %s U+%04X", i, kind, cp);
}

static void line_fault_names_the_first_bad_character(void **state)
{
    (void)state;
    expect_fault("Order 42\nBcc: x@example.com", 9, 0x0A, "a control character");
    expect_fault("a\tb", 2, 0x09, "a control character");
    expect_fault("\r", 1, 0x0D, "a control character");
    expect_fault("bell\x07", 5, 0x07, "a control character");
    expect_fault("del\x7f", 4, 0x7F, "a control character");
    expect_fault("\xc3\xa9\xc2\x85", 2, 0x85, "a control character"); /* é then NEL (C1) */
    expect_fault("x\xe2\x80\xa8y", 2, 0x2028, "a line separator");
    expect_fault("x\xe2\x80\xa9", 2, 0x2029, "a line separator");
    /* "admin" spelt backwards behind a right-to-left override */
    expect_fault("\xe2\x80\xaenimda", 1, 0x202E, "a bidirectional control");
    expect_fault("\xe2\x80\xaa"
                 "embed",
                 1, 0x202A, "a bidirectional control");
    expect_fault("\xe5\xb1\xb1\xe2\x81\xa6x", 2, 0x2066, "a bidirectional control");
    expect_fault("x\xe2\x81\xa9", 2, 0x2069, "a bidirectional control");
    /* The first of two faults is the one named. */
    expect_fault("ab\xe2\x80\xae\n", 3, 0x202E, "a bidirectional control");
}

static void line_fault_counts_only_the_first_n_bytes(void **state)
{
    (void)state;
    unsigned cp;
    const char *kind;
    assert_int_equal(utf8_line_fault("abc\n", 3, &cp, &kind), 0);
    assert_int_equal(utf8_line_fault("abc\n", 4, &cp, &kind), 4);
    assert_int_equal(utf8_line_fault("\0", 1, &cp, &kind), 1); /* a NUL is a control too */
    assert_int_equal(cp, 0);
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
        cmocka_unit_test(line_fault_accepts_names_of_any_script),
        cmocka_unit_test(line_fault_names_the_first_bad_character),
        cmocka_unit_test(line_fault_counts_only_the_first_n_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
