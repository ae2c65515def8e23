/* The read cache serves a reply only for the generation it was made at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/read_cache.h"

static void hit_at_the_same_generation(void **state)
{
    (void)state;
    struct read_cache *rc = read_cache_new();
    read_cache_put(rc, 7, 3, "{\"id\":7}", 8);
    size_t len = 0;
    char *got = read_cache_get(rc, 7, 3, &len);
    assert_non_null(got);
    assert_int_equal(len, 8);
    assert_string_equal(got, "{\"id\":7}");
    free(got);
    read_cache_free(rc);
}

static void stale_after_any_write(void **state)
{
    (void)state;
    struct read_cache *rc = read_cache_new();
    read_cache_put(rc, 7, 3, "{\"id\":7}", 8);
    size_t len;
    assert_null(read_cache_get(rc, 7, 4, &len));
    assert_null(read_cache_get(rc, 7, 2, &len));
    read_cache_free(rc);
}

static void other_ids_miss_even_in_the_same_slot(void **state)
{
    (void)state;
    struct read_cache *rc = read_cache_new();
    read_cache_put(rc, 5, 1, "five", 4);
    size_t len;
    assert_null(read_cache_get(rc, 5 + READ_CACHE_SLOTS, 1, &len));
    assert_null(read_cache_get(rc, 6, 1, &len));
    read_cache_put(rc, 5 + READ_CACHE_SLOTS, 1, "other", 5);
    assert_null(read_cache_get(rc, 5, 1, &len)); /* evicted, never confused */
    char *got = read_cache_get(rc, 5 + READ_CACHE_SLOTS, 1, &len);
    assert_string_equal(got, "other");
    free(got);
    read_cache_free(rc);
}

static void large_replies_are_not_kept(void **state)
{
    (void)state;
    struct read_cache *rc = read_cache_new();
    size_t n = READ_CACHE_ENTRY_MAX + 1;
    char *big = malloc(n);
    memset(big, 'x', n);
    read_cache_put(rc, 1, 1, big, n);
    size_t len;
    assert_null(read_cache_get(rc, 1, 1, &len));
    free(big);
    read_cache_free(rc);
}

static void the_caller_owns_the_copy(void **state)
{
    (void)state;
    struct read_cache *rc = read_cache_new();
    read_cache_put(rc, 9, 1, "abc", 3);
    size_t len;
    char *a = read_cache_get(rc, 9, 1, &len);
    a[0] = 'X';
    char *b = read_cache_get(rc, 9, 1, &len);
    assert_string_equal(b, "abc");
    free(a);
    free(b);
    read_cache_free(rc);
    read_cache_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hit_at_the_same_generation),
        cmocka_unit_test(stale_after_any_write),
        cmocka_unit_test(other_ids_miss_even_in_the_same_slot),
        cmocka_unit_test(large_replies_are_not_kept),
        cmocka_unit_test(the_caller_owns_the_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
