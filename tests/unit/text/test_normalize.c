/* src/text/normalize.c: NFC and case folding into a capped buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text/normalize.h"

static void folds_composed_and_decomposed_alike(void **state)
{
    (void)state;
    struct buf a, b, c;
    buf_init(&a, 64);
    buf_init(&b, 64);
    buf_init(&c, 64);
    assert_int_equal(text_fold("CAF\xc3\x89", 5, &a), TERR_OK);  /* CAFÉ */
    assert_int_equal(text_fold("cafe\xcc\x81", 6, &b), TERR_OK); /* e + U+0301 */
    assert_int_equal(text_fold("Caf\xc3\xa9", 5, &c), TERR_OK);
    assert_string_equal(a.data, "caf\xc3\xa9");
    assert_string_equal(b.data, "caf\xc3\xa9");
    assert_string_equal(c.data, "caf\xc3\xa9");
    assert_int_equal(b.len, 5);
    buf_release(&a);
    buf_release(&b);
    buf_release(&c);
}

static void fold_appends_and_expands(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 64);
    assert_int_equal(buf_adds(&b, "x:"), TERR_OK);
    assert_int_equal(text_fold("STRA\xc3\x9f"
                               "E \xce\xa3\xce\x9f\xce\xa6",
                               14, &b),
                     TERR_OK);
    assert_string_equal(b.data, "x:strasse \xcf\x83\xce\xbf\xcf\x86");
    buf_release(&b);
}

static void nfc_keeps_case(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 64);
    assert_int_equal(text_nfc("CAFE\xcc\x81 Ok", 9, &b), TERR_OK);
    assert_string_equal(b.data, "CAF\xc3\x89 Ok");
    buf_release(&b);
}

static void unaccent_drops_marks(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Cr\xc3\xa8me Br\xc3\xbbl\xc3\xa9"
         "e",
         "creme brulee"},
        {"S\xc3\xb8ren \xc5\x81\xc3\xb3"
         "d\xc5\xba",
         "soren lodz"},
        /* The fi ligature unfolds; Greek keeps its letters, less the accent. */
        {"\xef\xac\x81 \xce\x9a\xce\xb1\xcf\x86\xce\xad\xcf\x82",
         "fi \xce\xba\xce\xb1\xcf\x86\xce\xb5\xcf\x83"},
    };
    struct buf b;
    buf_init(&b, 128);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        buf_reset(&b);
        assert_int_equal(text_unaccent(cases[i].in, strlen(cases[i].in), &b), TERR_OK);
        assert_string_equal(b.data, cases[i].out);
    }
    assert_int_equal(text_unaccent("a\xff", 2, &b), TERR_BAD_UTF8);
    buf_release(&b);
}

static void rejects_invalid_utf8_untouched(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 64);
    assert_int_equal(buf_adds(&b, "keep"), TERR_OK);
    assert_int_equal(text_fold("a\xff", 2, &b), TERR_BAD_UTF8);
    assert_int_equal(text_nfc("\xed\xa0\x80", 3, &b), TERR_BAD_UTF8); /* a surrogate */
    assert_int_equal(text_fold("a\0b", 3, &b), TERR_BAD_UTF8);
    assert_string_equal(b.data, "keep");
    assert_int_equal(b.len, 4);
    buf_release(&b);
}

static void respects_the_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 6);
    assert_int_equal(text_fold("ABC", 3, &b), TERR_OK);
    /* "ß" folds to "ss": 4 bytes would make 7 */
    assert_int_equal(text_fold("\xc3\x9f\xc3\x9f", 4, &b), TERR_TOO_LARGE);
    assert_string_equal(b.data, "abc");
    assert_int_equal(text_fold("d\xc3\x9f", 3, &b), TERR_OK);
    assert_string_equal(b.data, "abcdss");
    buf_release(&b);
}

static void long_text_takes_the_heap_path(void **state)
{
    (void)state;
    char in[3000];
    for (size_t i = 0; i < sizeof(in); i += 2)
        memcpy(in + i, "\xc3\x89", 2); /* É */
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    assert_int_equal(text_fold(in, sizeof(in), &b), TERR_OK);
    assert_int_equal(b.len, sizeof(in));
    for (size_t i = 0; i < b.len; i += 2)
        assert_memory_equal(b.data + i, "\xc3\xa9", 2);
    buf_release(&b);
}

static void empty_input(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 16);
    assert_int_equal(text_fold("", 0, &b), TERR_OK);
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_composed_and_decomposed_alike),
        cmocka_unit_test(fold_appends_and_expands),
        cmocka_unit_test(nfc_keeps_case),
        cmocka_unit_test(unaccent_drops_marks),
        cmocka_unit_test(rejects_invalid_utf8_untouched),
        cmocka_unit_test(respects_the_cap),
        cmocka_unit_test(long_text_takes_the_heap_path),
        cmocka_unit_test(empty_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
