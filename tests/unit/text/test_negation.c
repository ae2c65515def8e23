/* src/text/negation.c: which words a negator governs. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text/tokenize.h"

static struct tokens t;

/* The message with each negated word in [brackets], e.g. "not [going]". */
static const char *marked(const char *msg)
{
    static char out[512];
    assert_int_equal(tokenize(msg, strlen(msg), &t), TERR_OK);
    negation_mark(&t);
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < t.n; i++) {
        bool neg = t.v[i].flags & TOK_NEGATED;
        int n = snprintf(out + w, sizeof(out) - w, "%s%s%.*s%s", i ? " " : "", neg ? "[" : "",
                         (int)(t.v[i].end - t.v[i].start), msg + t.v[i].start, neg ? "]" : "");
        w += (size_t)n;
    }
    return out;
}

static void scope_reaches_four_words(void **state)
{
    (void)state;
    assert_string_equal(marked("I'm not going to sue you over this"),
                        "I'm not [going] [to] [sue] [you] over this");
}

static void scope_stops_at_but_and_punctuation(void **state)
{
    (void)state;
    assert_string_equal(marked("I don't like it but ok"), "I don't [like] [it] but ok");
    assert_string_equal(marked("never again, thanks"), "never [again] , thanks");
    assert_string_equal(marked("no refund :( at all"), "no [refund] :( at all");
}

static void scope_stops_at_the_end_of_the_sentence(void **state)
{
    (void)state;
    assert_string_equal(marked("It wasnt\nfair at all"), "It wasnt fair at all");
}

static void not_only_opens_no_scope(void **state)
{
    (void)state;
    assert_string_equal(marked("not only late but rude"), "not only late but rude");
    assert_string_equal(marked("not bad at all"), "not [bad] [at] [all]");
    assert_string_equal(marked("no problem"), "no [problem]");
}

static void a_negator_starts_its_own_scope(void **state)
{
    (void)state;
    assert_string_equal(marked("I can't say I would never come back here again"),
                        "I can't [say] [I] [would] never [come] [back] [here] [again]");
}

static void marking_twice_is_the_same(void **state)
{
    (void)state;
    const char *m = marked("without any help");
    assert_string_equal(m, "without [any] [help]");
    negation_mark(&t);
    assert_true(t.v[1].flags & TOK_NEGATED);
    assert_true(t.v[0].flags & TOK_NEGATOR);
    assert_false(t.v[0].flags & TOK_NEGATED);
}

static int teardown(void **state)
{
    (void)state;
    tokens_release(&t);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scope_reaches_four_words),
        cmocka_unit_test(scope_stops_at_but_and_punctuation),
        cmocka_unit_test(scope_stops_at_the_end_of_the_sentence),
        cmocka_unit_test(not_only_opens_no_scope),
        cmocka_unit_test(a_negator_starts_its_own_scope),
        cmocka_unit_test(marking_twice_is_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
