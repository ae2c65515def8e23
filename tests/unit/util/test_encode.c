/* src/util/encode.c: hex and unpadded base64url (RFC 4648 §5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/encode.h"

static void hex_encodes_lowercase_pairs(void **state)
{
    (void)state;
    static const unsigned char in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
    char out[2 * sizeof(in) + 1];
    hex_encode(in, sizeof(in), out);
    assert_string_equal(out, "00017f80abff");
}

static void hex_of_nothing_is_empty(void **state)
{
    (void)state;
    char out[1] = {'x'};
    hex_encode((const unsigned char *)"", 0, out);
    assert_string_equal(out, "");
}

static void base64url_len_has_no_padding(void **state)
{
    (void)state;
    static const size_t want[] = {0, 2, 3, 4, 6, 7, 8, 10};
    for (size_t n = 0; n < sizeof(want) / sizeof(want[0]); n++)
        assert_int_equal(base64url_len(n), want[n]);
    assert_int_equal(base64url_len(32), 43); /* a token's random part */
}

/* RFC 4648 §10 vectors, with the padding dropped. */
static const struct {
    const char *raw;
    const char *text;
} rfc_vectors[] = {
    {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

static void base64url_encodes_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
        char out[16];
        base64url_encode((const unsigned char *)rfc_vectors[i].raw, strlen(rfc_vectors[i].raw),
                         out);
        assert_string_equal(out, rfc_vectors[i].text);
    }
}

static void base64url_decodes_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]); i++) {
        unsigned char out[16];
        size_t len = 99;
        const char *t = rfc_vectors[i].text;
        assert_true(base64url_decode(t, strlen(t), out, sizeof(out), &len));
        assert_int_equal(len, strlen(rfc_vectors[i].raw));
        assert_memory_equal(out, rfc_vectors[i].raw, len);
    }
}

static void base64url_uses_url_alphabet(void **state)
{
    (void)state;
    /* Standard base64 would give "+/8" and "////"; the url alphabet "-_8" and "____". */
    static const unsigned char a[] = {0xfb, 0xff};
    static const unsigned char b[] = {0xff, 0xff, 0xff};
    static const unsigned char c[] = {0xfb, 0xef, 0xbe};
    char out[8];
    base64url_encode(a, sizeof(a), out);
    assert_string_equal(out, "-_8");
    base64url_encode(b, sizeof(b), out);
    assert_string_equal(out, "____");
    base64url_encode(c, sizeof(c), out);
    assert_string_equal(out, "----");

    unsigned char raw[4];
    size_t len = 0;
    assert_true(base64url_decode("-_8", 3, raw, sizeof(raw), &len));
    assert_int_equal(len, 2);
    assert_memory_equal(raw, a, 2);
}

static void base64url_round_trips_lengths_0_to_40(void **state)
{
    (void)state;
    unsigned char in[40];
    uint32_t x = 12345;
    for (size_t n = 0; n <= sizeof(in); n++) {
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            in[i] = (unsigned char)(x >> 16);
        }
        if (n > 0)
            in[0] = (unsigned char)(n * 37); /* vary the first byte through all values */
        char text[64];
        memset(text, '#', sizeof(text));
        base64url_encode(in, n, text);
        assert_int_equal(strlen(text), base64url_len(n));
        for (size_t i = 0; text[i]; i++)
            assert_non_null(strchr(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", text[i]));

        unsigned char back[40];
        size_t len = 999;
        assert_true(base64url_decode(text, strlen(text), back, n, &len));
        assert_int_equal(len, n);
        assert_memory_equal(back, in, n);
    }
}

static void base64url_rejects_bad_characters(void **state)
{
    (void)state;
    /* Each has a possible length, so only the character can be the reason. */
    static const char *const bad[] = {
        "Zm9v+A",         /* standard alphabet */
        "Zm9v/A", "Zg==", /* padding */
        "Zm 9",   "Zm9\n", "Zm\xc3\xa9", "Zm.v",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unsigned char out[16];
        size_t len = 0;
        if (base64url_decode(bad[i], strlen(bad[i]), out, sizeof(out), &len))
            fail_msg("'%s' decoded", bad[i]);
    }
}

static void base64url_rejects_embedded_nul(void **state)
{
    (void)state;
    unsigned char out[8];
    size_t len = 0;
    assert_false(base64url_decode("Zm\0v", 4, out, sizeof(out), &len));
}

static void base64url_rejects_impossible_lengths(void **state)
{
    (void)state;
    /* A single leftover character carries only 6 bits: no byte can end there. */
    static const char *const bad[] = {"Z", "Zm9vY", "Zm9vYmFyZ"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unsigned char out[16];
        size_t len = 0;
        if (base64url_decode(bad[i], strlen(bad[i]), out, sizeof(out), &len))
            fail_msg("'%s' decoded", bad[i]);
    }
}

static void base64url_decode_respects_output_cap(void **state)
{
    (void)state;
    unsigned char out[8];
    size_t len = 77;
    memset(out, 0xee, sizeof(out));
    /* "foobar" is 6 bytes: a cap of 5 must fail without writing the 6th. */
    assert_false(base64url_decode("Zm9vYmFy", 8, out, 5, &len));
    assert_int_equal(out[5], 0xee);
    assert_int_equal(len, 77);
    assert_true(base64url_decode("Zm9vYmFy", 8, out, 6, &len));
    assert_int_equal(len, 6);
    assert_memory_equal(out, "foobar", 6);
    assert_int_equal(out[6], 0xee);
}

static void base64url_decode_reads_only_n_chars(void **state)
{
    (void)state;
    unsigned char out[8];
    size_t len = 0;
    assert_true(base64url_decode("Zm9v!!!!", 4, out, sizeof(out), &len));
    assert_int_equal(len, 3);
    assert_memory_equal(out, "foo", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_encodes_lowercase_pairs),
        cmocka_unit_test(hex_of_nothing_is_empty),
        cmocka_unit_test(base64url_len_has_no_padding),
        cmocka_unit_test(base64url_encodes_rfc4648_vectors),
        cmocka_unit_test(base64url_decodes_rfc4648_vectors),
        cmocka_unit_test(base64url_uses_url_alphabet),
        cmocka_unit_test(base64url_round_trips_lengths_0_to_40),
        cmocka_unit_test(base64url_rejects_bad_characters),
        cmocka_unit_test(base64url_rejects_embedded_nul),
        cmocka_unit_test(base64url_rejects_impossible_lengths),
        cmocka_unit_test(base64url_decode_respects_output_cap),
        cmocka_unit_test(base64url_decode_reads_only_n_chars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
