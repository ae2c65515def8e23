/* src/http/json_in.c: request body parsing and field-table checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/json_in.h"

/* ---- json_parse_body ---- */

/* Parses a literal body; on failure *out must stay as it was. */
static enum terr parse(const char *body, size_t len, struct terr_info *ei)
{
    json_t *v = NULL;
    enum terr e = json_parse_body(body, len, &v, ei);
    if (e)
        assert_null(v);
    else
        assert_true(json_is_object(v));
    json_decref(v);
    return e;
}
#define PARSE(lit, ei) parse(lit, sizeof(lit) - 1, ei)

static void parse_accepts_an_object(void **state)
{
    (void)state;
    static const char body[] = "{\"subject\": \"caf\xc3\xa9 \xf0\x9f\x98\x80\", \"n\": 2}";
    json_t *v = NULL;
    assert_int_equal(json_parse_body(body, sizeof(body) - 1, &v, NULL), TERR_OK);
    assert_string_equal(json_string_value(json_object_get(v, "subject")),
                        "caf\xc3\xa9 \xf0\x9f\x98\x80");
    assert_int_equal(json_integer_value(json_object_get(v, "n")), 2);
    json_decref(v);
}

static void parse_reads_only_len_bytes(void **state)
{
    (void)state;
    struct terr_info ei = {0};
    assert_int_equal(parse("{}garbage", 2, &ei), TERR_OK);
}

static void parse_rejects_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"a\": \"\xff\"}", "{\"a\": \"\xc0\xaf\"}", /* overlong */
        "{\"a\": \"\xed\xa0\x80\"}",                  /* raw surrogate */
        "{\"\xc3\": 1}",                              /* truncated, in a key */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct terr_info ei = {0};
        assert_int_equal(parse(bad[i], strlen(bad[i]), &ei), TERR_BAD_UTF8);
        assert_int_equal(ei.code, TERR_BAD_UTF8);
    }
}

static void parse_rejects_raw_nul_byte(void **state)
{
    (void)state;
    struct terr_info ei = {0};
    /* U+0000 is valid UTF-8, but JSON text cannot hold it: say where it is. */
    assert_int_equal(PARSE("{\"a\": \"x\0y\"}", &ei), TERR_BAD_JSON);
    assert_string_equal(ei.message, "the body has a NUL byte at byte 9: JSON text cannot hold one");
    /* Bytes that are not UTF-8 before it are the first fault. */
    assert_int_equal(PARSE("{\"a\": \"\xff\0\"}", &ei), TERR_BAD_UTF8);
    assert_int_equal(PARSE("{\"a\": \"\0\xff\"}", &ei), TERR_BAD_JSON);
}

static void parse_skips_a_byte_order_mark(void **state)
{
    (void)state;
    struct terr_info ei = {0};
    assert_int_equal(PARSE("\xEF\xBB\xBF{\"a\": 1}", &ei), TERR_OK);
    /* Only one, and only at the start. */
    assert_int_equal(PARSE("\xEF\xBB\xBF\xEF\xBB\xBF{}", &ei), TERR_BAD_JSON);
    assert_int_equal(PARSE("{}\xEF\xBB\xBF", &ei), TERR_BAD_JSON);
    assert_int_equal(PARSE("\xEF\xBB\xBF", &ei), TERR_BAD_JSON);
    assert_string_equal(ei.message, "the body is empty: a JSON object is expected");
}

static void parse_rejects_malformed_json(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        " ",
        "{",
        "}",
        "{\"a\"}",
        "{\"a\":}",
        "{\"a\": 1,}",
        "{'a': 1}",
        "{a: 1}",
        "{\"a\": tru}",
        "{\"a\": 01}",
        "{\"a\": \"unterminated}",
        "{} {}",
        "{}x",
        "{\"a\": NaN}",
        "{\"a\": \"\\x41\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct terr_info ei = {0};
        enum terr e = parse(bad[i], strlen(bad[i]), &ei);
        if (e != TERR_BAD_JSON)
            fail_msg("'%s' gave %s", bad[i], terr_code(e));
        assert_int_equal(ei.code, TERR_BAD_JSON);
        assert_true(strlen(ei.message) > 0);
    }
}

static void parse_rejects_non_object(void **state)
{
    (void)state;
    static const char *const bad[] = {"[]", "[{\"a\": 1}]", "1", "\"text\"", "null", "true"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct terr_info ei = {0};
        enum terr e = parse(bad[i], strlen(bad[i]), &ei);
        if (e != TERR_BAD_JSON)
            fail_msg("'%s' gave %s", bad[i], terr_code(e));
    }
    struct terr_info ei = {0};
    PARSE("[1, 2]", &ei);
    assert_string_equal(ei.message, "the body is an array: it must be a JSON object");
    PARSE(" 42 ", &ei);
    assert_string_equal(ei.message, "the body is a number: it must be a JSON object");
}

static void parse_rejects_duplicate_keys(void **state)
{
    (void)state;
    struct terr_info ei = {0};
    assert_int_equal(PARSE("{\"status\": \"open\", \"status\": \"closed\"}", &ei), TERR_BAD_JSON);
    assert_int_equal(PARSE("{\"c\": {\"n\": 1, \"n\": 1}}", &ei), TERR_BAD_JSON);
}

static void parse_rejects_escaped_nul(void **state)
{
    (void)state;
    struct terr_info ei = {0};
    assert_int_equal(PARSE("{\"a\": \"x\\u0000y\"}", &ei), TERR_BAD_JSON);
    assert_int_equal(PARSE("{\"a\\u0000\": 1}", &ei), TERR_BAD_JSON);
    assert_non_null(strstr(ei.message, "holds \\u0000 (line 1 column"));
    assert_null(strstr(ei.message, "JSON_ALLOW_NUL"));
    /* Other escapes are fine. */
    assert_int_equal(PARSE("{\"a\": \"\\u00e9\\n\\\"\"}", &ei), TERR_OK);
}

/* ---- json_check ---- */

static const struct jfield customer_fields[] = {
    {"name", JT_STRING, true, 0, 20, 0, NULL},
    {"email", JT_STRING_NULL, false, 0, 30, 0, NULL},
    {NULL, JT_STRING, false, 0, 0, 0, NULL},
};

static const struct jfield ticket_fields[] = {
    {"subject", JT_STRING, true, 0, 10, 0, NULL},
    {"note", JT_STRING_NULL, false, 0, 10, 0, NULL},
    {"title", JT_LINE, false, 0, 10, 0, NULL},
    {"label", JT_LINE_NULL, false, 0, 10, 0, NULL},
    {"priority", JT_INT, false, 1, 5, 0, NULL},
    {"assignee", JT_INT_NULL, false, 1, 1000, 0, NULL},
    {"urgent", JT_BOOL, false, 0, 0, 0, NULL},
    {"tags", JT_STRINGS, false, 0, 3, 4, NULL},
    {"customer", JT_OBJECT, false, 0, 0, 0, customer_fields},
    {NULL, JT_STRING, false, 0, 0, 0, NULL},
};

/* Checks a JSON text against ticket_fields. */
static enum terr check(const char *text, struct terr_info *ei)
{
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    if (!v)
        fail_msg("test JSON does not parse: %s: %s", text, jerr.text);
    memset(ei, 0, sizeof(*ei));
    enum terr e = json_check(v, ticket_fields, ei);
    json_decref(v);
    return e;
}

/* Expects text to fail with code on field. */
static void expect(const char *text, enum terr code, const char *field)
{
    struct terr_info ei;
    enum terr e = check(text, &ei);
    if (e != code || ei.code != code || strcmp(ei.field, field) != 0)
        fail_msg("%s: got %s on '%s', want %s on '%s'", text, terr_code(e), ei.field,
                 terr_code(code), field);
    assert_true(strlen(ei.message) > 0);
}

static void check_accepts_a_full_body(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check("{\"subject\": \"refund\", \"note\": \"n\", \"priority\": 3,"
                           " \"assignee\": 12, \"urgent\": true, \"tags\": [\"a\", \"bb\"],"
                           " \"customer\": {\"name\": \"Ada\", \"email\": \"a@b.co\"}}",
                           &ei),
                     TERR_OK);
}

static void check_accepts_only_required_fields(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check("{\"subject\": \"hi\"}", &ei), TERR_OK);
    assert_int_equal(check("{\"subject\": \"hi\", \"customer\": {\"name\": \"x\"}}", &ei), TERR_OK);
}

static void check_names_unknown_field(void **state)
{
    (void)state;
    expect("{\"subject\": \"hi\", \"colour\": \"red\"}", TERR_UNKNOWN_FIELD, "colour");
}

static void check_names_unknown_nested_field_by_path(void **state)
{
    (void)state;
    expect("{\"subject\": \"hi\", \"customer\": {\"name\": \"x\", \"phone\": \"1\"}}",
           TERR_UNKNOWN_FIELD, "customer.phone");
}

static void check_reports_typo_as_unknown_not_missing(void **state)
{
    (void)state;
    expect("{\"subjet\": \"hi\"}", TERR_UNKNOWN_FIELD, "subjet");
}

static void check_names_missing_required_field(void **state)
{
    (void)state;
    expect("{}", TERR_MISSING_FIELD, "subject");
    expect("{\"subject\": \"hi\", \"customer\": {}}", TERR_MISSING_FIELD, "customer.name");
}

static void check_rejects_wrong_type_for_each_type(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *field;
    } cases[] = {
        {"{\"subject\": 1}", "subject"},
        {"{\"subject\": null}", "subject"}, /* JT_STRING does not take null */
        {"{\"subject\": [\"a\"]}", "subject"},
        {"{\"subject\": \"s\", \"note\": 5}", "note"},
        {"{\"subject\": \"s\", \"note\": false}", "note"},
        {"{\"subject\": \"s\", \"priority\": \"3\"}", "priority"},
        {"{\"subject\": \"s\", \"priority\": 2.0}", "priority"},
        {"{\"subject\": \"s\", \"priority\": null}", "priority"},
        {"{\"subject\": \"s\", \"assignee\": \"12\"}", "assignee"},
        {"{\"subject\": \"s\", \"assignee\": 1.5}", "assignee"},
        {"{\"subject\": \"s\", \"urgent\": \"true\"}", "urgent"},
        {"{\"subject\": \"s\", \"urgent\": 1}", "urgent"},
        {"{\"subject\": \"s\", \"urgent\": null}", "urgent"},
        {"{\"subject\": \"s\", \"tags\": \"a\"}", "tags"},
        {"{\"subject\": \"s\", \"tags\": {}}", "tags"},
        {"{\"subject\": \"s\", \"customer\": \"Ada\"}", "customer"},
        {"{\"subject\": \"s\", \"customer\": null}", "customer"},
        {"{\"subject\": \"s\", \"customer\": [1]}", "customer"},
        {"{\"subject\": \"s\", \"customer\": {\"name\": 5}}", "customer.name"},
        {"{\"subject\": \"s\", \"customer\": {\"name\": \"x\", \"email\": 1}}", "customer.email"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect(cases[i].text, TERR_WRONG_TYPE, cases[i].field);
}

static void check_rejects_over_long_string(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check("{\"subject\": \"0123456789\"}", &ei), TERR_OK);
    expect("{\"subject\": \"0123456789a\"}", TERR_TOO_LONG, "subject");
    expect("{\"subject\": \"s\", \"note\": \"0123456789a\"}", TERR_TOO_LONG, "note");
    expect("{\"subject\": \"s\", \"customer\": {\"name\": \"012345678901234567890\"}}",
           TERR_TOO_LONG, "customer.name");
}

static void check_counts_string_length_in_bytes(void **state)
{
    (void)state;
    struct terr_info ei;
    /* Five "é" are 10 bytes (fits); six are 12 (too long) though only 6 characters. */
    assert_int_equal(check("{\"subject\": \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", &ei),
                     TERR_OK);
    expect("{\"subject\": \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", TERR_TOO_LONG,
           "subject");
}

static void check_enforces_int_range(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check("{\"subject\": \"s\", \"priority\": 1}", &ei), TERR_OK);
    assert_int_equal(check("{\"subject\": \"s\", \"priority\": 5}", &ei), TERR_OK);
    expect("{\"subject\": \"s\", \"priority\": 0}", TERR_INVALID, "priority");
    expect("{\"subject\": \"s\", \"priority\": 6}", TERR_INVALID, "priority");
    expect("{\"subject\": \"s\", \"priority\": -9223372036854775807}", TERR_INVALID, "priority");
    expect("{\"subject\": \"s\", \"assignee\": 0}", TERR_INVALID, "assignee");
    expect("{\"subject\": \"s\", \"assignee\": 1001}", TERR_INVALID, "assignee");
}

static void check_limits_string_array_items(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check("{\"subject\": \"s\", \"tags\": []}", &ei), TERR_OK);
    assert_int_equal(check("{\"subject\": \"s\", \"tags\": [\"aaaa\", \"b\", \"c\"]}", &ei),
                     TERR_OK);
    expect("{\"subject\": \"s\", \"tags\": [\"a\", \"b\", \"c\", \"d\"]}", TERR_TOO_LONG, "tags");
    expect("{\"subject\": \"s\", \"tags\": [\"a\", \"bbbbb\"]}", TERR_TOO_LONG, "tags");
}

static void check_rejects_non_string_array_items(void **state)
{
    (void)state;
    expect("{\"subject\": \"s\", \"tags\": [\"a\", 1]}", TERR_WRONG_TYPE, "tags");
    expect("{\"subject\": \"s\", \"tags\": [null]}", TERR_WRONG_TYPE, "tags");
    expect("{\"subject\": \"s\", \"tags\": [[\"a\"]]}", TERR_WRONG_TYPE, "tags");
}

static void check_lines_refuse_breaks_controls_and_overrides(void **state)
{
    (void)state;
    struct terr_info ei;
    /* A text field keeps its line breaks; a line field may not hold one. */
    assert_int_equal(check("{\"subject\": \"s\", \"note\": \"a\\nb\\tc\"}", &ei), TERR_OK);
    assert_int_equal(check("{\"subject\": \"s\", \"title\": \"\u00e9 \u05e9\u200f\"}", &ei),
                     TERR_OK);
    expect("{\"subject\": \"s\", \"title\": \"a\\nb\"}", TERR_INVALID, "title");
    struct terr_info got;
    assert_int_equal(check("{\"subject\": \"s\", \"title\": \"\u00e9\\u202eab\"}", &got),
                     TERR_INVALID);
    assert_string_equal(got.message, "'title' must be one line of text: it has a bidirectional "
                                     "control (U+202E) at character 2");
    expect("{\"subject\": \"s\", \"label\": \"x\\u0085\"}", TERR_INVALID, "label");
    expect("{\"subject\": \"s\", \"label\": \"x\\u2028\"}", TERR_INVALID, "label");
    assert_int_equal(check("{\"subject\": \"s\", \"label\": null}", &ei), TERR_OK);
    /* Items of a string array are one-line too. */
    assert_int_equal(check("{\"subject\": \"s\", \"tags\": [\"a\", \"b\\rc\"]}", &got),
                     TERR_INVALID);
    assert_string_equal(got.field, "tags");
    assert_string_equal(got.message, "an item of 'tags' must be one line of text: it has a "
                                     "control character (U+000D) at character 2");
    /* Over-long is still named first, as for any string. */
    expect("{\"subject\": \"s\", \"title\": \"\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\"}", TERR_TOO_LONG,
           "title");
}

static void check_null_types_accept_null(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check("{\"subject\": \"s\", \"note\": null, \"assignee\": null,"
                           " \"customer\": {\"name\": \"x\", \"email\": null}}",
                           &ei),
                     TERR_OK);
}

static void check_works_without_error_info(void **state)
{
    (void)state;
    json_t *v = json_loads("{\"bogus\": 1}", 0, NULL);
    assert_non_null(v);
    assert_int_equal(json_check(v, ticket_fields, NULL), TERR_UNKNOWN_FIELD);
    json_decref(v);
}

/* Objects without a sub-table are left to the handler: any object passes,
 * anything else is named. */
static void check_objects_without_sub_table_only_need_objects(void **state)
{
    (void)state;
    static const struct jfield open_items[] = {
        {"items", JT_OBJECTS, true, 0, 2, 0, NULL},
        {0},
    };
    struct terr_info ei;
    json_t *v = json_loads("{\"items\": [{\"any\": 1}, {}]}", 0, NULL);
    assert_int_equal(json_check(v, open_items, &ei), TERR_OK);
    json_decref(v);
    v = json_loads("{\"items\": [{}, 3]}", 0, NULL);
    assert_int_equal(json_check(v, open_items, &ei), TERR_WRONG_TYPE);
    assert_string_equal(ei.field, "items[1]");
    json_decref(v);
    v = json_loads("{\"items\": [{}, {}, {}]}", 0, NULL);
    assert_int_equal(json_check(v, open_items, &ei), TERR_TOO_LONG);
    json_decref(v);
}

/* ---- accessors ---- */

static void accessors_give_values_or_defaults(void **state)
{
    (void)state;
    json_t *v = json_loads("{\"s\": \"x\", \"i\": 7, \"b\": false, \"n\": null}", 0, NULL);
    assert_non_null(v);
    assert_string_equal(json_str(v, "s", "d"), "x");
    assert_string_equal(json_str(v, "absent", "d"), "d");
    assert_string_equal(json_str(v, "n", "d"), "d");
    assert_int_equal(json_int(v, "i", -1), 7);
    assert_int_equal(json_int(v, "s", -1), -1);
    assert_int_equal(json_int(v, "n", 5), 5);
    assert_false(json_bool(v, "b", true));
    assert_true(json_bool(v, "absent", true));
    assert_true(json_has(v, "n"));
    assert_false(json_has(v, "absent"));
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_accepts_an_object),
        cmocka_unit_test(check_lines_refuse_breaks_controls_and_overrides),
        cmocka_unit_test(parse_reads_only_len_bytes),
        cmocka_unit_test(parse_rejects_invalid_utf8),
        cmocka_unit_test(parse_rejects_raw_nul_byte),
        cmocka_unit_test(parse_skips_a_byte_order_mark),
        cmocka_unit_test(parse_rejects_malformed_json),
        cmocka_unit_test(parse_rejects_non_object),
        cmocka_unit_test(parse_rejects_duplicate_keys),
        cmocka_unit_test(parse_rejects_escaped_nul),
        cmocka_unit_test(check_accepts_a_full_body),
        cmocka_unit_test(check_accepts_only_required_fields),
        cmocka_unit_test(check_names_unknown_field),
        cmocka_unit_test(check_names_unknown_nested_field_by_path),
        cmocka_unit_test(check_reports_typo_as_unknown_not_missing),
        cmocka_unit_test(check_names_missing_required_field),
        cmocka_unit_test(check_rejects_wrong_type_for_each_type),
        cmocka_unit_test(check_rejects_over_long_string),
        cmocka_unit_test(check_counts_string_length_in_bytes),
        cmocka_unit_test(check_enforces_int_range),
        cmocka_unit_test(check_limits_string_array_items),
        cmocka_unit_test(check_rejects_non_string_array_items),
        cmocka_unit_test(check_null_types_accept_null),
        cmocka_unit_test(check_works_without_error_info),
        cmocka_unit_test(check_objects_without_sub_table_only_need_objects),
        cmocka_unit_test(accessors_give_values_or_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
