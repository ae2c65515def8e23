/* List cursors round-trip, and nothing but a cursor of the same sort order is accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/cursor.h"
#include "util/encode.h"

static void round_trips_for_every_sort(void **state)
{
    (void)state;
    const enum ticket_sort sorts[] = {SORT_RISK, SORT_UPDATED, SORT_CREATED, SORT_DUE};
    const int64_t keys[] = {0, 100, 1795371457123, INT64_MAX, -5};
    for (size_t s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++) {
        for (size_t k = 0; k < 5; k++) {
            char c[128];
            int64_t key = -1, id = -1;
            cursor_encode(sorts[s], keys[k], 42, c, sizeof(c));
            assert_true(strlen(c) > 0);
            assert_true(cursor_decode(c, sorts[s], &key, &id));
            assert_int_equal(key, keys[k]);
            assert_int_equal(id, 42);
        }
    }
}

static void another_sort_is_refused(void **state)
{
    (void)state;
    char c[128];
    int64_t key, id;
    cursor_encode(SORT_CREATED, 5, 5, c, sizeof(c));
    assert_false(cursor_decode(c, SORT_RISK, &key, &id));
    assert_false(cursor_decode(c, SORT_UPDATED, &key, &id));
}

static bool decodes_raw(const char *raw)
{
    char c[256];
    int64_t key, id;
    base64url_encode((const unsigned char *)raw, strlen(raw), c);
    return cursor_decode(c, SORT_RISK, &key, &id);
}

static void forged_cursors_are_refused(void **state)
{
    (void)state;
    int64_t key, id;
    assert_true(decodes_raw("0:50:7"));
    assert_false(decodes_raw("0:50:0")); /* ids are positive */
    assert_false(decodes_raw("0:50:-7"));
    assert_false(decodes_raw("0:50"));     /* a part missing */
    assert_false(decodes_raw("0:50:7:9")); /* one too many */
    assert_false(decodes_raw("0:50:7x"));  /* trailing junk */
    assert_false(decodes_raw("0::7"));
    assert_false(decodes_raw("0:99999999999999999999:7")); /* out of range */
    assert_false(decodes_raw("x:50:7"));
    assert_false(cursor_decode("not base64!", SORT_RISK, &key, &id));
    assert_false(cursor_decode("", SORT_RISK, &key, &id));
    char longest[200];
    memset(longest, 'A', sizeof(longest) - 1);
    longest[sizeof(longest) - 1] = '\0';
    assert_false(cursor_decode(longest, SORT_RISK, &key, &id));
}

static void a_small_buffer_gives_an_empty_cursor(void **state)
{
    (void)state;
    char c[8] = "xxxxxxx";
    cursor_encode(SORT_RISK, 1795371457123, 123456, c, sizeof(c));
    assert_string_equal(c, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips_for_every_sort),
        cmocka_unit_test(another_sort_is_refused),
        cmocka_unit_test(forged_cursors_are_refused),
        cmocka_unit_test(a_small_buffer_gives_an_empty_cursor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
