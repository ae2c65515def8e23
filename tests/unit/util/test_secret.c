/* src/util/secret.c: random tokens, their stored hashes, password hashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/encode.h"
#include "util/secret.h"

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* One Argon2id hash shared by the password tests: each costs tens of ms. */
static char stored_pw[SECRET_PWHASH_MAX];

static int group_setup(void **state)
{
    (void)state;
    if (secret_init() != TERR_OK)
        return -1;
    return secret_password_hash("correct horse battery", stored_pw) == TERR_OK ? 0 : -1;
}

static void token_has_prefix_and_random_part(void **state)
{
    (void)state;
    char tok[SECRET_TOKEN_MAX];
    secret_token_new("trc", tok);
    assert_int_equal(strlen(tok), strlen("trc_") + 43);
    assert_memory_equal(tok, "trc_", 4);
    assert_int_equal(strspn(tok + 4, url_alphabet), 43);
}

static void tokens_are_distinct(void **state)
{
    (void)state;
    char a[SECRET_TOKEN_MAX], b[SECRET_TOKEN_MAX], c[SECRET_TOKEN_MAX];
    secret_token_new("sess", a);
    secret_token_new("sess", b);
    secret_token_new("sess", c);
    assert_string_not_equal(a, b);
    assert_string_not_equal(b, c);
    assert_string_not_equal(a, c);
}

static void hash_is_blake2b_256(void **state)
{
    (void)state;
    /* Stored hashes must stay valid across releases: check the algorithm itself. */
    unsigned char h[SECRET_HASH_LEN];
    char hex[2 * SECRET_HASH_LEN + 1];
    secret_hash("", 0, h);
    hex_encode(h, sizeof(h), hex);
    assert_string_equal(hex, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    secret_hash("abc", 3, h);
    hex_encode(h, sizeof(h), hex);
    assert_string_equal(hex, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

static void hash_writes_exactly_32_bytes(void **state)
{
    (void)state;
    unsigned char h[SECRET_HASH_LEN + 8];
    memset(h, 0xa5, sizeof(h));
    secret_hash("trc_token", 9, h);
    for (size_t i = SECRET_HASH_LEN; i < sizeof(h); i++)
        assert_int_equal(h[i], 0xa5);
}

static void hash_is_deterministic(void **state)
{
    (void)state;
    char tok[SECRET_TOKEN_MAX];
    unsigned char a[SECRET_HASH_LEN], b[SECRET_HASH_LEN];
    secret_token_new("trc", tok);
    secret_hash(tok, strlen(tok), a);
    secret_hash(tok, strlen(tok), b);
    assert_memory_equal(a, b, SECRET_HASH_LEN);
}

static void hash_covers_exactly_len_bytes(void **state)
{
    (void)state;
    unsigned char a[SECRET_HASH_LEN], b[SECRET_HASH_LEN];
    secret_hash("abcdef", 3, a);
    secret_hash("abc", 3, b);
    assert_memory_equal(a, b, SECRET_HASH_LEN);
}

static void hash_differs_for_different_tokens(void **state)
{
    (void)state;
    char t1[SECRET_TOKEN_MAX], t2[SECRET_TOKEN_MAX];
    unsigned char a[SECRET_HASH_LEN], b[SECRET_HASH_LEN], c[SECRET_HASH_LEN];
    secret_token_new("trc", t1);
    secret_token_new("trc", t2);
    secret_hash(t1, strlen(t1), a);
    secret_hash(t2, strlen(t2), b);
    assert_memory_not_equal(a, b, SECRET_HASH_LEN);
    /* One character changed. */
    t1[10] = t1[10] == 'A' ? 'B' : 'A';
    secret_hash(t1, strlen(t1), c);
    assert_memory_not_equal(a, c, SECRET_HASH_LEN);
}

static void hash_equal_compares_every_byte(void **state)
{
    (void)state;
    unsigned char a[SECRET_HASH_LEN], b[SECRET_HASH_LEN];
    secret_hash("trc_x", 5, a);
    memcpy(b, a, sizeof(b));
    assert_true(secret_hash_equal(a, b));
    b[0] ^= 1;
    assert_false(secret_hash_equal(a, b));
    b[0] ^= 1;
    b[SECRET_HASH_LEN - 1] ^= 0x80;
    assert_false(secret_hash_equal(a, b));
}

static void password_hash_is_argon2id(void **state)
{
    (void)state;
    assert_memory_equal(stored_pw, "$argon2id$", 10);
    assert_true(strlen(stored_pw) < SECRET_PWHASH_MAX);
    assert_null(strstr(stored_pw, "correct horse"));
}

static void password_verifies_the_right_password(void **state)
{
    (void)state;
    assert_true(secret_password_verify(stored_pw, "correct horse battery"));
}

static void password_rejects_a_wrong_password(void **state)
{
    (void)state;
    assert_false(secret_password_verify(stored_pw, "correct horse batterY"));
    assert_false(secret_password_verify(stored_pw, "correct horse battery "));
    assert_false(secret_password_verify(stored_pw, ""));
}

static void password_rejects_missing_or_garbage_hash(void **state)
{
    (void)state;
    assert_false(secret_password_verify(NULL, "correct horse battery"));
    assert_false(secret_password_verify("", "correct horse battery"));
    assert_false(secret_password_verify("$argon2id$nonsense", "correct horse battery"));
}

static void password_hash_is_salted(void **state)
{
    (void)state;
    char again[SECRET_PWHASH_MAX];
    assert_int_equal(secret_password_hash("correct horse battery", again), TERR_OK);
    assert_string_not_equal(again, stored_pw);
    assert_true(secret_password_verify(again, "correct horse battery"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(token_has_prefix_and_random_part),
        cmocka_unit_test(tokens_are_distinct),
        cmocka_unit_test(hash_is_blake2b_256),
        cmocka_unit_test(hash_writes_exactly_32_bytes),
        cmocka_unit_test(hash_is_deterministic),
        cmocka_unit_test(hash_covers_exactly_len_bytes),
        cmocka_unit_test(hash_differs_for_different_tokens),
        cmocka_unit_test(hash_equal_compares_every_byte),
        cmocka_unit_test(password_hash_is_argon2id),
        cmocka_unit_test(password_verifies_the_right_password),
        cmocka_unit_test(password_rejects_a_wrong_password),
        cmocka_unit_test(password_rejects_missing_or_garbage_hash),
        cmocka_unit_test(password_hash_is_salted),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
