/* src/service/link_token.c: signed links (survey and case links), made and checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "service/link_token.h"
#include "util/secret.h"

static const unsigned char KEY[LINK_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const unsigned char OTHER_KEY[LINK_KEY_LEN] = "fedcba9876543210fedcba9876543210";

static int init(void **state)
{
    (void)state;
    return secret_init() == TERR_OK ? 0 : -1;
}

static void a_token_opens_to_its_id_and_expiry(void **state)
{
    (void)state;
    char tok[LINK_TOKEN_MAX];
    link_token_make(KEY, 42, 1800000000123LL, tok);
    assert_int_equal(strlen(tok), LINK_TOKEN_LEN);
    int64_t id = 0, exp = 0;
    assert_int_equal(link_token_open(KEY, tok, &id, &exp), TERR_OK);
    assert_int_equal(id, 42);
    assert_int_equal(exp, 1800000000123LL);
}

static void a_token_is_url_safe(void **state)
{
    (void)state;
    char tok[LINK_TOKEN_MAX];
    link_token_make(KEY, 7, 1, tok);
    for (const char *p = tok; *p; p++)
        assert_non_null(
            strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
}

static void two_tokens_for_one_survey_differ(void **state)
{
    (void)state;
    char a[LINK_TOKEN_MAX], b[LINK_TOKEN_MAX];
    link_token_make(KEY, 7, 1000, a);
    link_token_make(KEY, 7, 1000, b);
    assert_string_not_equal(a, b);
}

static void every_altered_character_is_refused(void **state)
{
    (void)state;
    char tok[LINK_TOKEN_MAX];
    link_token_make(KEY, 99, 5000, tok);
    int64_t id = -1, exp = -1;
    for (size_t i = 0; i < LINK_TOKEN_LEN; i++) {
        char bad[LINK_TOKEN_MAX];
        memcpy(bad, tok, sizeof(bad));
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        if (link_token_open(KEY, bad, &id, &exp) != TERR_NOT_FOUND)
            fail_msg("a token altered at %zu was accepted", i);
    }
    /* Refused tokens leave the outputs alone. */
    assert_int_equal(id, -1);
    assert_int_equal(exp, -1);
}

static void a_token_signed_with_another_key_is_refused(void **state)
{
    (void)state;
    char tok[LINK_TOKEN_MAX];
    link_token_make(OTHER_KEY, 3, 5000, tok);
    int64_t id, exp;
    assert_int_equal(link_token_open(KEY, tok, &id, &exp), TERR_NOT_FOUND);
    assert_int_equal(link_token_open(OTHER_KEY, tok, &id, &exp), TERR_OK);
}

static void malformed_tokens_are_refused(void **state)
{
    (void)state;
    char tok[LINK_TOKEN_MAX], buf[2 * LINK_TOKEN_MAX];
    link_token_make(KEY, 3, 5000, tok);
    int64_t id, exp;
    assert_int_equal(link_token_open(KEY, "", &id, &exp), TERR_NOT_FOUND);
    assert_int_equal(link_token_open(KEY, "abc", &id, &exp), TERR_NOT_FOUND);
    /* One character short, one too many. */
    snprintf(buf, sizeof(buf), "%.*s", LINK_TOKEN_LEN - 1, tok);
    assert_int_equal(link_token_open(KEY, buf, &id, &exp), TERR_NOT_FOUND);
    snprintf(buf, sizeof(buf), "%sA", tok);
    assert_int_equal(link_token_open(KEY, buf, &id, &exp), TERR_NOT_FOUND);
    /* A character outside base64url. */
    snprintf(buf, sizeof(buf), "%s", tok);
    buf[10] = '+';
    assert_int_equal(link_token_open(KEY, buf, &id, &exp), TERR_NOT_FOUND);
}

static void only_the_canonical_spelling_opens(void **state)
{
    (void)state;
    /* The last character holds 2 spare bits; another letter that decodes to
     * the same bytes is a second spelling, and refused. */
    char tok[LINK_TOKEN_MAX];
    link_token_make(KEY, 3, 5000, tok);
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const char *at = strchr(b64, tok[LINK_TOKEN_LEN - 1]);
    int v = (int)(at - b64);
    char alt[LINK_TOKEN_MAX];
    memcpy(alt, tok, sizeof(alt));
    alt[LINK_TOKEN_LEN - 1] = b64[v ^ 1]; /* flips a spare bit */
    int64_t id, exp;
    assert_int_equal(link_token_open(KEY, alt, &id, &exp), TERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_token_opens_to_its_id_and_expiry),
        cmocka_unit_test(a_token_is_url_safe),
        cmocka_unit_test(two_tokens_for_one_survey_differ),
        cmocka_unit_test(every_altered_character_is_refused),
        cmocka_unit_test(a_token_signed_with_another_key_is_refused),
        cmocka_unit_test(malformed_tokens_are_refused),
        cmocka_unit_test(only_the_canonical_spelling_opens),
    };
    return cmocka_run_group_tests(tests, init, NULL);
}
