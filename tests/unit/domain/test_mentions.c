/* src/domain/mentions.c: @name mentions in internal notes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/mentions.h"

static char names[MENTIONS_MAX][MENTION_NAME_MAX + 1];

static size_t parse(const char *text)
{
    memset(names, 0, sizeof(names));
    return mentions_parse(text, names, MENTIONS_MAX);
}

static void finds_names_after_at(void **state)
{
    (void)state;
    assert_int_equal(parse("@priya can you look?"), 1);
    assert_string_equal(names[0], "priya");
    assert_int_equal(parse("cc @sam, @li.wei and (@jo-ann)"), 3);
    assert_string_equal(names[0], "sam");
    assert_string_equal(names[1], "li.wei");
    assert_string_equal(names[2], "jo-ann");
}

static void sentence_punctuation_is_not_part_of_the_name(void **state)
{
    (void)state;
    assert_int_equal(parse("thanks @priya."), 1);
    assert_string_equal(names[0], "priya");
    assert_int_equal(parse("ask @sam... or @lee-"), 2);
    assert_string_equal(names[0], "sam");
    assert_string_equal(names[1], "lee");
}

static void email_addresses_mention_no_one(void **state)
{
    (void)state;
    assert_int_equal(parse("write to bob@priya.example"), 0);
    assert_int_equal(parse("@priya@truce.example wrote"), 0);
    assert_int_equal(parse("@@priya"), 0);
    assert_int_equal(parse("@ priya, @, @.,"), 0);
    assert_int_equal(parse(""), 0);
    assert_int_equal(mentions_parse(NULL, names, MENTIONS_MAX), 0);
}

static void names_are_lowercased_and_listed_once(void **state)
{
    (void)state;
    assert_int_equal(parse("@Priya @PRIYA @priya @Sam"), 2);
    assert_string_equal(names[0], "priya");
    assert_string_equal(names[1], "sam");
}

static void limits_hold(void **state)
{
    (void)state;
    char text[512] = "@";
    memset(text + 1, 'a', MENTION_NAME_MAX + 1);
    strcat(text, " @ok");
    assert_int_equal(parse(text), 1); /* the long one is skipped */
    assert_string_equal(names[0], "ok");
    memset(text, 0, sizeof(text));
    memset(text + 1, 'b', MENTION_NAME_MAX);
    text[0] = '@';
    assert_int_equal(parse(text), 1);
    assert_int_equal(strlen(names[0]), MENTION_NAME_MAX);
    /* At most max names, however many the text holds. */
    char many[1024] = "";
    for (int i = 0; i < 40; i++) {
        char one[16];
        snprintf(one, sizeof(one), "@n%d ", i);
        strcat(many, one);
    }
    assert_int_equal(parse(many), MENTIONS_MAX);
    char two[2][MENTION_NAME_MAX + 1];
    assert_int_equal(mentions_parse(many, two, 2), 2);
    assert_string_equal(two[1], "n1");
}

static void non_ascii_ends_a_name(void **state)
{
    (void)state;
    assert_int_equal(parse("@zoë and «@lee»"), 2);
    assert_string_equal(names[0], "zo");
    assert_string_equal(names[1], "lee");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_names_after_at),
        cmocka_unit_test(sentence_punctuation_is_not_part_of_the_name),
        cmocka_unit_test(email_addresses_mention_no_one),
        cmocka_unit_test(names_are_lowercased_and_listed_once),
        cmocka_unit_test(limits_hold),
        cmocka_unit_test(non_ascii_ends_a_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
