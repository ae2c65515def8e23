/* src/text/fts_query.c: user text to a safe MATCH expression; snippet parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text/fts_query.h"

static void expect_query(const char *q, enum fts_join j, const char *want)
{
    char *got = fts_query_build(q, j);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void quotes_every_term(void **state)
{
    (void)state;
    expect_query("refund late", FTS_ALL, "\"refund\" \"late\"");
    expect_query("refund late", FTS_ANY, "\"refund\" OR \"late\"");
    expect_query("  café   crème ", FTS_ALL, "\"café\" \"crème\"");
}

static void never_passes_fts_syntax(void **state)
{
    (void)state;
    expect_query("title:refund", FTS_ALL, "\"title\" \"refund\"");
    expect_query("a\" OR \"b", FTS_ALL, "\"a\" \"OR\" \"b\"");
    expect_query("NEAR(x y) NOT z", FTS_ALL, "\"NEAR\" \"x\" \"y\" \"NOT\" \"z\"");
    expect_query("-x ^y {z}", FTS_ALL, "\"x\" \"y\" \"z\"");
}

static void trailing_star_keeps_prefix(void **state)
{
    (void)state;
    expect_query("late ref*", FTS_ALL, "\"late\" \"ref\" *");
    expect_query("ref* late", FTS_ALL, "\"ref\" \"late\"");
    expect_query("ref**  ", FTS_ALL, "\"ref\" *");
    expect_query("*", FTS_ALL, NULL);
}

static void any_skips_common_words(void **state)
{
    (void)state;
    expect_query("I want the refund for my broken kettle, please!", FTS_ANY,
                 "\"want\" OR \"refund\" OR \"broken\" OR \"kettle\"");
    expect_query("The and of to", FTS_ANY, NULL);
}

static void no_term_is_null(void **state)
{
    (void)state;
    expect_query("", FTS_ALL, NULL);
    expect_query("?!. ()\"*", FTS_ALL, NULL);
}

static void caps_terms_and_length(void **state)
{
    (void)state;
    char q[600];
    memset(q, 0, sizeof q);
    for (int i = 0; i < 40; i++)
        strcat(q, "ab ");
    char *got = fts_query_build(q, FTS_ALL);
    assert_non_null(got);
    int n = 0;
    for (const char *p = got; (p = strstr(p, "\"ab\"")); p += 4)
        n++;
    assert_int_equal(n, FTS_QUERY_MAX_TERMS);
    free(got);
    memset(q, 'x', 500);
    q[500] = 0;
    got = fts_query_build(q, FTS_ALL);
    assert_int_equal(strlen(got), FTS_QUERY_MAX_TERM + 2);
    free(got);
    /* Not UTF-8 (continuation bytes only): still a term, cut at the byte. */
    memset(q, 0x80, 100);
    q[100] = 0;
    got = fts_query_build(q, FTS_ALL);
    assert_int_equal(strlen(got), FTS_QUERY_MAX_TERM + 2);
    free(got);
}

static void snippet_cut_into_parts(void **state)
{
    (void)state;
    struct snippet_part *p;
    size_t n = snippet_parts("we sent a \x01refund\x02 today \x01<b>\x02", &p);
    assert_int_equal(n, 4);
    assert_string_equal(p[0].text, "we sent a ");
    assert_false(p[0].hit);
    assert_string_equal(p[1].text, "refund");
    assert_true(p[1].hit);
    assert_string_equal(p[2].text, " today ");
    assert_false(p[2].hit);
    assert_string_equal(p[3].text, "<b>");
    assert_true(p[3].hit);
    snippet_parts_free(p, n);
    n = snippet_parts("", &p);
    assert_int_equal(n, 0);
    snippet_parts_free(p, n);
    n = snippet_parts("\x01open", &p);
    assert_int_equal(n, 1);
    assert_true(p[0].hit);
    snippet_parts_free(p, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quotes_every_term),
        cmocka_unit_test(never_passes_fts_syntax),
        cmocka_unit_test(trailing_star_keeps_prefix),
        cmocka_unit_test(any_skips_common_words),
        cmocka_unit_test(no_term_is_null),
        cmocka_unit_test(caps_terms_and_length),
        cmocka_unit_test(snippet_cut_into_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
