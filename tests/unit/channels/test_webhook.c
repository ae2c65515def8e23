/* Webhook signatures (src/channels/webhook.c): the header a receiver checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "channels/webhook.h"
#include "util/secret.h"

/* Reference values from Python: hmac.new(key, b"<ts>.<body>", hashlib.sha256). */
static void test_signature_is_hmac_sha256_of_timestamp_dot_body(void **state)
{
    (void)state;
    const char *secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const char *body = "{\"type\":\"ticket.created\"}";
    char sig[WEBHOOK_SIGNATURE_MAX];
    webhook_sign(secret, 1700000000, body, strlen(body), sig);
    assert_string_equal(sig,
                        "sha256=853493a162c2f1263101ba1c8e70bb8a84669ed03c3875b091559f530c1e641e");
    /* an empty body still signs the timestamp and the dot */
    webhook_sign("key", 1, "", 0, sig);
    assert_string_equal(sig,
                        "sha256=53123bc365c2fe4bee48bc5cc6cd6c19699147d43513154ed34277c7c063e80f");
}

static void test_signature_changes_with_body_timestamp_and_secret(void **state)
{
    (void)state;
    char a[WEBHOOK_SIGNATURE_MAX], b[WEBHOOK_SIGNATURE_MAX];
    webhook_sign("s1", 100, "{}", 2, a);
    webhook_sign("s1", 101, "{}", 2, b);
    assert_string_not_equal(a, b);
    webhook_sign("s2", 100, "{}", 2, b);
    assert_string_not_equal(a, b);
    webhook_sign("s1", 100, "{ }", 3, b);
    assert_string_not_equal(a, b);
    webhook_sign("s1", 100, "{}", 2, b);
    assert_string_equal(a, b);
}

int main(void)
{
    if (secret_init())
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature_is_hmac_sha256_of_timestamp_dot_body),
        cmocka_unit_test(test_signature_changes_with_body_timestamp_and_secret),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
