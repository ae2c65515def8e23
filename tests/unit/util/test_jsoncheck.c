/* src/util/jsoncheck.c: is this text exactly one well-formed JSON object? */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/jsoncheck.h"

static bool valid(const char *s)
{
    return json_object_valid(s, strlen(s));
}

static void objects_jansson_writes_are_valid(void **state)
{
    (void)state;
    assert_true(valid("{}"));
    assert_true(valid(" { \"a\" : [1, -2.5e+3, 0, true, false, null, {\"b\": \"\\u00e9\\n\"}] } "));
    assert_true(valid("{\"e\":\"\\uD83D\\uDE21\"}")); /* a surrogate pair */
    assert_true(valid("{\"score\":48,\"t\":\"caf\xc3\xa9 \\\"q\\\" \\\\\"}"));
    json_t *o = json_pack("{s:i, s:f, s:s, s:[s, b, n]}", "a", 1, "b", 0.125, "c", "x\"y\\z\t",
                          "d", "\xe2\x82\xac", 1);
    char *text = json_dumps(o, JSON_COMPACT);
    assert_true(valid(text));
    free(text);
    json_decref(o);
}

static void broken_or_other_json_is_refused(void **state)
{
    (void)state;
    const char *bad[] = {"", "[]", "42", "\"x\"", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
                         "{\"a\":1 \"b\":2}", "{a:1}", "{\"a\":01}", "{\"a\":1.}",
                         "{\"a\":-}", "{\"a\":tru}", "{\"a\":\"x}", "{\"a\":\"\\x\"}",
                         "{\"a\":\"\\u12\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\t\"}",
                         "{} {}", "{}x", "{\"a\":\xff}", "{\"a\":1e}", "{\"a\":[1,2}",
                         "{\"a\":\"\\uDDDD\"}", "{\"a\":\"\\uD83D\"}",
                         "{\"a\":\"\\uD83Dx\"}", "{\"a\":\"\\uD83D\\u0041\"}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (valid(bad[i]))
            fail_msg("accepted: %s", bad[i]);
    assert_false(json_object_valid("{\"a\":1}\0", 8)); /* a NUL is never text */
    assert_false(json_object_valid(NULL, 0));
}

static void nesting_is_bounded(void **state)
{
    (void)state;
    char deep[2 * JSONCHECK_MAX_DEPTH + 16];
    size_t n = 0;
    deep[n++] = '{';
    memcpy(deep + n, "\"a\":", 4);
    n += 4;
    for (int i = 0; i < JSONCHECK_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i < JSONCHECK_MAX_DEPTH; i++)
        deep[n++] = ']';
    deep[n++] = '}';
    assert_false(json_object_valid(deep, n));
    assert_true(valid("{\"a\":[[[[1]]]]}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(objects_jansson_writes_are_valid),
        cmocka_unit_test(broken_or_other_json_is_refused),
        cmocka_unit_test(nesting_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
