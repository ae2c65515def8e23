/* src/util/err.c: the error table and terr_set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/err.h"

static void every_code_has_code_string_and_message(void **state)
{
    (void)state;
    for (int e = 0; e < TERR__COUNT; e++) {
        const char *code = terr_code((enum terr)e);
        const char *msg = terr_message((enum terr)e);
        if (!code || !*code || !msg || !*msg)
            fail_msg("error %d has an empty code or message", e);
        /* The JSON "code" is a snake_case identifier clients switch on. */
        for (const char *p = code; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                fail_msg("error %d: code '%s' is not snake_case", e, code);
    }
}

static void every_code_has_an_http_status(void **state)
{
    (void)state;
    for (int e = 0; e < TERR__COUNT; e++) {
        int status = terr_http_status((enum terr)e);
        if (status < 200 || status > 599)
            fail_msg("error %d ('%s') has status %d", e, terr_code((enum terr)e), status);
        /* Only success is a 2xx. */
        if ((e == TERR_OK) != (status < 300))
            fail_msg("error %d ('%s') has status %d", e, terr_code((enum terr)e), status);
    }
}

static void code_strings_are_unique(void **state)
{
    (void)state;
    for (int a = 0; a < TERR__COUNT; a++)
        for (int b = a + 1; b < TERR__COUNT; b++)
            if (strcmp(terr_code((enum terr)a), terr_code((enum terr)b)) == 0)
                fail_msg("errors %d and %d share code '%s'", a, b, terr_code((enum terr)a));
}

static void well_known_codes_map_to_their_status(void **state)
{
    (void)state;
    assert_string_equal(terr_code(TERR_OK), "ok");
    assert_int_equal(terr_http_status(TERR_OK), 200);
    assert_int_equal(terr_http_status(TERR_BAD_JSON), 400);
    assert_int_equal(terr_http_status(TERR_UNAUTHORIZED), 401);
    assert_int_equal(terr_http_status(TERR_FORBIDDEN), 403);
    assert_string_equal(terr_code(TERR_NOT_FOUND), "not_found");
    assert_int_equal(terr_http_status(TERR_NOT_FOUND), 404);
    assert_int_equal(terr_http_status(TERR_METHOD), 405);
    assert_int_equal(terr_http_status(TERR_CONFLICT), 409);
    assert_int_equal(terr_http_status(TERR_TOO_LARGE), 413);
    assert_int_equal(terr_http_status(TERR_RATE_LIMITED), 429);
    assert_int_equal(terr_http_status(TERR_BUSY), 503);
}

static void out_of_range_code_is_internal(void **state)
{
    (void)state;
    assert_string_equal(terr_code(TERR__COUNT), "internal");
    assert_string_equal(terr_code((enum terr) - 1), "internal");
    assert_int_equal(terr_http_status(TERR__COUNT), 500);
    assert_non_null(terr_message(TERR__COUNT));
    assert_true(strlen(terr_message((enum terr)1000)) > 0);
}

static void set_fills_code_field_and_message(void **state)
{
    (void)state;
    struct terr_info ei;
    memset(&ei, 0x55, sizeof(ei));
    enum terr r = terr_set(&ei, TERR_NOT_FOUND, "ticket_id", "ticket %lld not found", 42LL);
    assert_int_equal(r, TERR_NOT_FOUND);
    assert_int_equal(ei.code, TERR_NOT_FOUND);
    assert_string_equal(ei.field, "ticket_id");
    assert_string_equal(ei.message, "ticket 42 not found");
}

static void set_with_null_field_leaves_it_empty(void **state)
{
    (void)state;
    struct terr_info ei;
    memset(&ei, 0x55, sizeof(ei));
    assert_int_equal(terr_set(&ei, TERR_CONFLICT, NULL, "already %s", "closed"), TERR_CONFLICT);
    assert_string_equal(ei.field, "");
    assert_string_equal(ei.message, "already closed");
}

static void set_without_format_uses_default_message(void **state)
{
    (void)state;
    struct terr_info ei;
    const char *no_fmt = NULL; /* a variable, so the format checker lets it through */
    memset(&ei, 0x55, sizeof(ei));
    assert_int_equal(terr_set(&ei, TERR_BUSY, "x", no_fmt), TERR_BUSY);
    assert_string_equal(ei.message, terr_message(TERR_BUSY));
}

static void set_with_null_info_returns_code(void **state)
{
    (void)state;
    assert_int_equal(terr_set(NULL, TERR_FORBIDDEN, "role", "role '%s' too low", "agent"),
                     TERR_FORBIDDEN);
    assert_int_equal(terr_set(NULL, TERR_OK, NULL, "fine"), TERR_OK);
}

static void set_truncates_long_field_and_message(void **state)
{
    (void)state;
    struct terr_info ei;
    char field[200], text[600];
    memset(field, 'f', sizeof(field) - 1);
    field[sizeof(field) - 1] = '\0';
    memset(text, 'm', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    terr_set(&ei, TERR_INVALID, field, "%s", text);
    assert_int_equal(strlen(ei.field), sizeof(ei.field) - 1);
    assert_int_equal(strlen(ei.message), sizeof(ei.message) - 1);
    assert_int_equal(ei.field[0], 'f');
    assert_int_equal(ei.message[0], 'm');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_code_has_code_string_and_message),
        cmocka_unit_test(every_code_has_an_http_status),
        cmocka_unit_test(code_strings_are_unique),
        cmocka_unit_test(well_known_codes_map_to_their_status),
        cmocka_unit_test(out_of_range_code_is_internal),
        cmocka_unit_test(set_fills_code_field_and_message),
        cmocka_unit_test(set_with_null_field_leaves_it_empty),
        cmocka_unit_test(set_without_format_uses_default_message),
        cmocka_unit_test(set_with_null_info_returns_code),
        cmocka_unit_test(set_truncates_long_field_and_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
