/*
 * libFuzzer target for request bodies (src/http/json_in.c).
 *
 * The input is a request body.  When json_parse_body takes it, it is checked
 * against every field table the API uses (src/http/bodies.c), and the
 * accessors are run on it.  Invariants: a parsed body is an object
 * whose strings are valid NUL-free UTF-8; TERR_OK from json_check means every
 * required field is there with its declared type and limits and no other
 * field is; any other code comes with its field named and a message.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "domain/ticket_rules.h"
#include "http/bodies.h"
#include "http/json_in.h"
#include "util/utf8.h"

/* Every string in v, at any depth, is valid UTF-8 without NUL bytes. */
static void assert_clean_strings(const json_t *v)
{
    if (json_is_string(v)) {
        FUZZ_ASSERT(utf8_valid(json_string_value(v), json_string_length(v)));
        FUZZ_ASSERT(strlen(json_string_value(v)) == json_string_length(v));
    } else if (json_is_array(v)) {
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item) assert_clean_strings(item);
    } else if (json_is_object(v)) {
        const char *key;
        const json_t *item;
        json_object_foreach((json_t *)(uintptr_t)v, key, item)
        {
            FUZZ_ASSERT(utf8_valid(key, strlen(key)));
            assert_clean_strings(item);
        }
    }
}

/* The checked object obj matches fields exactly: no undeclared key, every
 * required one present, every present one of its type and within limits. */
static void assert_conforms(const json_t *obj, const struct jfield *fields)
{
    FUZZ_ASSERT(json_is_object(obj));
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)(uintptr_t)obj, key, v)
    {
        const struct jfield *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        FUZZ_ASSERT(f->name != NULL);
    }
    unsigned cp;
    const char *kind;
    for (const struct jfield *f = fields; f->name; f++) {
        v = json_object_get(obj, f->name);
        FUZZ_ASSERT(v || !f->required);
        FUZZ_ASSERT(json_has(obj, f->name) == (v != NULL));
        if (!v)
            continue;
        switch (f->type) {
        case JT_STRING_NULL:
        case JT_LINE_NULL:
            if (json_is_null(v)) {
                FUZZ_ASSERT(json_str(obj, f->name, "dflt")[0] == 'd');
                break;
            }
            /* fall through */
        case JT_STRING:
        case JT_LINE:
            FUZZ_ASSERT(json_is_string(v));
            FUZZ_ASSERT(!f->max || json_string_length(v) <= (size_t)f->max);
            FUZZ_ASSERT(json_str(obj, f->name, NULL) == json_string_value(v));
            FUZZ_ASSERT(f->type == JT_STRING || f->type == JT_STRING_NULL ||
                        !utf8_line_fault(json_string_value(v), json_string_length(v), &cp, &kind));
            break;
        case JT_INT_NULL:
            if (json_is_null(v)) {
                FUZZ_ASSERT(json_int(obj, f->name, -7) == -7);
                break;
            }
            /* fall through */
        case JT_INT:
            FUZZ_ASSERT(json_is_integer(v));
            FUZZ_ASSERT(json_integer_value(v) >= f->min && json_integer_value(v) <= f->max);
            FUZZ_ASSERT(json_int(obj, f->name, 0) == json_integer_value(v));
            break;
        case JT_BOOL:
            FUZZ_ASSERT(json_is_boolean(v));
            FUZZ_ASSERT(json_bool(obj, f->name, false) == json_is_true(v));
            FUZZ_ASSERT(json_bool(obj, f->name, true) == json_is_true(v));
            break;
        case JT_STRINGS: {
            FUZZ_ASSERT(json_is_array(v));
            FUZZ_ASSERT(!f->max || json_array_size(v) <= (size_t)f->max);
            size_t i;
            const json_t *item;
            json_array_foreach(v, i, item)
            {
                FUZZ_ASSERT(json_is_string(item));
                FUZZ_ASSERT(!f->item_max || json_string_length(item) <= f->item_max);
                FUZZ_ASSERT(!utf8_line_fault(json_string_value(item), json_string_length(item), &cp,
                                             &kind));
            }
            break;
        }
        case JT_OBJECT:
            assert_conforms(v, f->sub);
            break;
        case JT_OBJECTS: {
            FUZZ_ASSERT(json_is_array(v));
            FUZZ_ASSERT(!f->max || json_array_size(v) <= (size_t)f->max);
            size_t i;
            const json_t *item;
            json_array_foreach(v, i, item)
            {
                FUZZ_ASSERT(json_is_object(item));
                if (f->sub)
                    assert_conforms(item, f->sub);
            }
            break;
        }
        case JT_DECIMAL: {
            FUZZ_ASSERT(json_is_number(v) || json_is_string(v));
            FUZZ_ASSERT(!json_is_string(v) || !f->max || json_string_length(v) <= (size_t)f->max);
            char text[64];
            FUZZ_ASSERT(json_decimal(obj, f->name, text, sizeof(text)) ||
                        json_string_length(v) >= sizeof(text));
            break;
        }
        }
    }
}

static void check_against(const json_t *obj, const struct jfield *fields)
{
    struct terr_info ei;
    memset(&ei, 0x55, sizeof(ei)); /* stale bytes must not leak into the answer */
    enum terr e = json_check(obj, fields, &ei);
    if (e == TERR_OK) {
        assert_conforms(obj, fields);
        return;
    }
    FUZZ_ASSERT(e == TERR_UNKNOWN_FIELD || e == TERR_MISSING_FIELD || e == TERR_WRONG_TYPE ||
                e == TERR_TOO_LONG || e == TERR_INVALID);
    FUZZ_ASSERT(ei.code == e);
    FUZZ_ASSERT(memchr(ei.field, '\0', sizeof(ei.field)) != NULL);
    FUZZ_ASSERT(memchr(ei.message, '\0', sizeof(ei.message)) != NULL);
    FUZZ_ASSERT(ei.message[0] != '\0');
    /* Only an undeclared key can be the empty name. */
    FUZZ_ASSERT(ei.field[0] != '\0' || e == TERR_UNKNOWN_FIELD);
    /* Without an error buffer the answer is the same. */
    FUZZ_ASSERT(json_check(obj, fields, NULL) == e);
}

/* The accessors agree with jansson on every key, present or not. */
static void run_accessors(const json_t *obj)
{
    static const char *const names[] = {"subject", "customer", "assignee", "internal",
                                        "tags",    "category", "",         "nope"};
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)(uintptr_t)obj, key, v)
    {
        const char *s = json_str(obj, key, NULL);
        FUZZ_ASSERT(json_is_string(v) ? s == json_string_value(v) : s == NULL);
        FUZZ_ASSERT(json_int(obj, key, 42) == (json_is_integer(v) ? json_integer_value(v) : 42));
        FUZZ_ASSERT(json_bool(obj, key, true) == (json_is_boolean(v) ? json_is_true(v) : true));
        FUZZ_ASSERT(json_has(obj, key));
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        bool has = json_has(obj, names[i]);
        FUZZ_ASSERT(has == (json_object_get(obj, names[i]) != NULL));
        if (!has) {
            FUZZ_ASSERT(json_str(obj, names[i], NULL) == NULL);
            FUZZ_ASSERT(json_int(obj, names[i], -1) == -1);
            FUZZ_ASSERT(json_bool(obj, names[i], false) == false);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *obj = NULL;
    struct terr_info ei;
    enum terr e = json_parse_body((const char *)data, size, &obj, &ei);
    if (e != TERR_OK) {
        FUZZ_ASSERT(e == TERR_BAD_UTF8 || e == TERR_BAD_JSON);
        FUZZ_ASSERT(obj == NULL); /* the output is untouched on failure */
        FUZZ_ASSERT(e != TERR_BAD_UTF8 || !utf8_valid((const char *)data, size));
        return 0;
    }
    FUZZ_ASSERT(obj != NULL && json_is_object(obj));
    FUZZ_ASSERT(utf8_valid((const char *)data, size));
    assert_clean_strings(obj);

    check_against(obj, body_ticket_create);
    check_against(obj, body_ticket_patch);
    check_against(obj, body_message_create);
    check_against(obj, body_login);
    check_against(obj, body_agent_create);
    check_against(obj, body_agent_patch);
    check_against(obj, body_coach);
    check_against(obj, body_qa);
    check_against(obj, body_offer_create);
    check_against(obj, body_offer_decide);
    check_against(obj, body_step_mark);
    check_against(obj, body_lesson_create);
    check_against(obj, body_problem_create);
    check_against(obj, body_problem_patch);
    check_against(obj, body_problem_link);
    check_against(obj, body_article_create);
    check_against(obj, body_article_patch);
    check_against(obj, body_public_contact);
    check_against(obj, body_case_reply);
    check_against(obj, body_public_deflected);
    run_accessors(obj);
    json_t *customer = json_object_get(obj, "customer");
    if (json_is_object(customer))
        run_accessors(customer);

    json_decref(obj);
    return 0;
}
