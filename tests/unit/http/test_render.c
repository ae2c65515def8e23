/* src/http/render.c: stored analysis JSON is printed in replies as stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/render.h"

static const char ANALYSIS[] =
    "{\"score\":48,\"level\":\"tense\",\"sentiment\":{\"compound\":-0.25,\"pos\":0.0},"
    "\"triggers\":[{\"kind\":\"repeat_contact\",\"text\":\"third \\\"time\\\"\"}],"
    "\"reasons\":[]}";

static struct message msg(int64_t id, const char *body, const char *analysis)
{
    return (struct message){.id = id,
                            .ticket_id = 1,
                            .author_kind = AUTHOR_CUSTOMER,
                            .body = (char *)(uintptr_t)body,
                            .channel = CHANNEL_EMAIL,
                            .created_at = 1700000000000LL,
                            .analysis_json = (char *)(uintptr_t)analysis};
}

/* Renders and prints v (stealing it), parses the text back. */
static json_t *round_trip(json_t *v)
{
    char *text = render_dump(v);
    json_decref(v);
    assert_non_null(text);
    json_error_t je;
    json_t *back = json_loads(text, 0, &je);
    if (!back)
        fail_msg("not JSON (%s): %s", je.text, text);
    free(text);
    return back;
}

static void stored_analysis_is_printed_in_place(void **state)
{
    (void)state;
    struct message m = msg(7, "Third time I write", ANALYSIS);
    json_t *back = round_trip(render_message(&m));
    json_t *want = json_loads(ANALYSIS, 0, NULL);
    assert_true(json_equal(json_object_get(back, "analysis"), want));
    assert_string_equal(json_string_value(json_object_get(back, "body")), "Third time I write");
    assert_int_equal(json_integer_value(json_object_get(back, "id")), 7);
    json_decref(want);
    json_decref(back);
}

static void each_message_gets_its_own_analysis(void **state)
{
    (void)state;
    const char *a1 = "{\"score\":1}", *a2 = "{\"score\":2}", *a3 = "{\"score\":3}";
    struct message v[] = {msg(1, "one", a1), msg(2, "two", NULL), msg(3, "three", a2),
                          msg(4, "four", a3)};
    json_t *arr = json_array();
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(arr, render_message(&v[i]));
    json_t *back = round_trip(arr);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(json_array_get(back, 0), "analysis"),
                                           "score")),
        1);
    assert_true(json_is_null(json_object_get(json_array_get(back, 1), "analysis")));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(json_array_get(back, 2), "analysis"),
                                           "score")),
        2);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(json_array_get(back, 3), "analysis"),
                                           "score")),
        3);
    json_decref(back);
}

/* What is not an object the desk wrote shows as null, never as broken JSON. */
static void text_that_is_not_an_object_is_null(void **state)
{
    (void)state;
    const char *bad[] = {"", "[1,2]", "42", "{\"unterminated\": \"x", "{\xff}", "{\"a\": }",
                         "{\"a\":1} trailing"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct message m = msg(1, "x", bad[i]);
        json_t *back = round_trip(render_message(&m));
        assert_true(json_is_null(json_object_get(back, "analysis")));
        json_decref(back);
    }
}

/* A customer who writes what a placeholder looks like gets their text back. */
static void text_like_a_placeholder_stays_text(void **state)
{
    (void)state;
    const char *body = "\\u0000r0 and \"\\u0000r0\"";
    struct message m = msg(1, body, ANALYSIS);
    json_t *back = round_trip(render_message(&m));
    assert_string_equal(json_string_value(json_object_get(back, "body")), body);
    json_decref(back);
}

/* A render that was never printed (an error reply instead) leaves nothing
 * behind for the next reply of the thread. */
static void an_abandoned_render_does_not_leak_into_the_next(void **state)
{
    (void)state;
    struct message m = msg(1, "x", "{\"score\":99}");
    json_decref(render_message(&m)); /* never printed */
    json_t *err = json_pack("{s:s}", "error", "not found");
    json_t *back = round_trip(err);
    assert_string_equal(json_string_value(json_object_get(back, "error")), "not found");
    json_decref(back);
    struct message m2 = msg(2, "y", "{\"score\":5}");
    back = round_trip(render_message(&m2));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(back, "analysis"), "score")),
                     5);
    json_decref(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stored_analysis_is_printed_in_place),
        cmocka_unit_test(each_message_gets_its_own_analysis),
        cmocka_unit_test(text_that_is_not_an_object_is_null),
        cmocka_unit_test(text_like_a_placeholder_stays_text),
        cmocka_unit_test(an_abandoned_render_does_not_leak_into_the_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
