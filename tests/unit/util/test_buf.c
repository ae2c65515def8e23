/* src/util/buf.c: a capped, always NUL-terminated growable buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"

static void add_grows_past_initial_capacity(void **state)
{
    (void)state;
    struct buf b;
    char expect[1000];
    buf_init(&b, BUF_NO_LIMIT);
    /* 100 chunks of 10 bytes: several doublings, the content must survive each. */
    for (int i = 0; i < 100; i++) {
        char chunk[10];
        memset(chunk, 'a' + i % 26, sizeof(chunk));
        memcpy(expect + 10 * i, chunk, sizeof(chunk));
        assert_int_equal(buf_add(&b, chunk, sizeof(chunk)), TERR_OK);
    }
    assert_int_equal(b.len, 1000);
    assert_true(b.cap > b.len);
    assert_memory_equal(b.data, expect, sizeof(expect));
    assert_int_equal(b.data[1000], '\0');
    buf_release(&b);
}

static void adds_appends_text_as_c_string(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    assert_int_equal(buf_adds(&b, "ticket "), TERR_OK);
    assert_int_equal(buf_adds(&b, "42"), TERR_OK);
    assert_string_equal(b.data, "ticket 42");
    assert_int_equal(b.len, 9);
    buf_release(&b);
}

static void empty_add_gives_empty_string(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_add(&b, NULL, 0), TERR_OK);
    assert_non_null(b.data);
    assert_string_equal(b.data, "");
    assert_int_equal(b.len, 0);
    buf_release(&b);
}

static void add_up_to_cap_is_allowed(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_adds(&b, "12345"), TERR_OK);
    assert_int_equal(buf_adds(&b, "678"), TERR_OK);
    assert_string_equal(b.data, "12345678");
    assert_int_equal(b.len, 8);
    buf_release(&b);
}

static void add_past_cap_fails_and_leaves_buffer_unchanged(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_adds(&b, "12345"), TERR_OK);
    char *data = b.data;
    size_t cap = b.cap;
    assert_int_equal(buf_adds(&b, "6789"), TERR_TOO_LARGE);
    assert_ptr_equal(b.data, data);
    assert_int_equal(b.cap, cap);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.data, "12345");
    /* A later add that fits still works. */
    assert_int_equal(buf_adds(&b, "678"), TERR_OK);
    assert_string_equal(b.data, "12345678");
    buf_release(&b);
}

static void add_of_huge_size_fails_without_overflow(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    assert_int_equal(buf_adds(&b, "abc"), TERR_OK);
    /* len + n would wrap around; the cap check must not be fooled. */
    assert_int_equal(buf_add(&b, "x", (size_t)-2), TERR_TOO_LARGE);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "abc");
    buf_release(&b);
}

static void addf_formats_and_appends(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    assert_int_equal(buf_adds(&b, "["), TERR_OK);
    assert_int_equal(buf_addf(&b, "%s %lld %03d", "ticket", 123456789012LL, 7), TERR_OK);
    assert_int_equal(buf_adds(&b, "]"), TERR_OK);
    assert_string_equal(b.data, "[ticket 123456789012 007]");
    assert_int_equal(b.len, strlen("[ticket 123456789012 007]"));
    buf_release(&b);
}

static void addf_longer_than_initial_capacity(void **state)
{
    (void)state;
    struct buf b;
    char big[301];
    memset(big, 'x', 300);
    big[300] = '\0';
    buf_init(&b, BUF_NO_LIMIT);
    assert_int_equal(buf_addf(&b, "<%s>", big), TERR_OK);
    assert_int_equal(b.len, 302);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[300], 'x');
    assert_int_equal(b.data[301], '>');
    assert_int_equal(b.data[302], '\0');
    buf_release(&b);
}

static void addf_past_cap_fails_and_leaves_buffer_unchanged(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_adds(&b, "abc"), TERR_OK);
    assert_int_equal(buf_addf(&b, "%d", 12345678), TERR_TOO_LARGE);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "abc");
    assert_int_equal(buf_addf(&b, "%d", 1234567), TERR_OK);
    assert_string_equal(b.data, "abc1234567");
    buf_release(&b);
}

static void reset_empties_but_keeps_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 16);
    assert_int_equal(buf_adds(&b, "hello"), TERR_OK);
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    /* The cap still applies to the whole content, not on top of the old one. */
    assert_int_equal(buf_adds(&b, "0123456789abcdef"), TERR_OK);
    assert_int_equal(buf_adds(&b, "!"), TERR_TOO_LARGE);
    buf_release(&b);
}

static void detach_hands_over_the_text(void **state)
{
    (void)state;
    struct buf b;
    size_t len = 0;
    buf_init(&b, BUF_NO_LIMIT);
    assert_int_equal(buf_adds(&b, "owned"), TERR_OK);
    char *s = buf_detach(&b, &len);
    assert_string_equal(s, "owned");
    assert_int_equal(len, 5);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    /* The buffer is empty and usable again. */
    assert_int_equal(buf_adds(&b, "again"), TERR_OK);
    assert_string_equal(b.data, "again");
    assert_ptr_not_equal(b.data, s);
    assert_string_equal(s, "owned");
    free(s);
    buf_release(&b);
}

static void detach_of_empty_buffer_gives_empty_string(void **state)
{
    (void)state;
    struct buf b;
    size_t len = 99;
    buf_init(&b, BUF_NO_LIMIT);
    char *s = buf_detach(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);
}

static void release_frees_and_allows_reuse(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 32);
    assert_int_equal(buf_adds(&b, "some text"), TERR_OK);
    buf_release(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    buf_release(&b); /* twice is harmless */
    buf_init(&b, 32);
    assert_int_equal(buf_adds(&b, "more"), TERR_OK);
    assert_string_equal(b.data, "more");
    buf_release(&b);
}

static void release_accepts_null(void **state)
{
    (void)state;
    buf_release(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_grows_past_initial_capacity),
        cmocka_unit_test(adds_appends_text_as_c_string),
        cmocka_unit_test(empty_add_gives_empty_string),
        cmocka_unit_test(add_up_to_cap_is_allowed),
        cmocka_unit_test(add_past_cap_fails_and_leaves_buffer_unchanged),
        cmocka_unit_test(add_of_huge_size_fails_without_overflow),
        cmocka_unit_test(addf_formats_and_appends),
        cmocka_unit_test(addf_longer_than_initial_capacity),
        cmocka_unit_test(addf_past_cap_fails_and_leaves_buffer_unchanged),
        cmocka_unit_test(reset_empties_but_keeps_cap),
        cmocka_unit_test(detach_hands_over_the_text),
        cmocka_unit_test(detach_of_empty_buffer_gives_empty_string),
        cmocka_unit_test(release_frees_and_allows_reuse),
        cmocka_unit_test(release_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
