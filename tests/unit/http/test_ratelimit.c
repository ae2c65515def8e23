/* src/http/ratelimit.c: a token bucket per address, driven by explicit clocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/ratelimit.h"

#define T0 1800000000000LL /* an arbitrary wall-clock start, in ms */

/* Takes n tokens at time now and fails the test if any is refused. */
static void take_n(struct ratelimit *rl, const char *addr, int n, int64_t now)
{
    for (int i = 0; i < n; i++) {
        int retry = -1;
        if (!ratelimit_take(rl, addr, now, &retry))
            fail_msg("take %d of %d for '%s' refused (retry %d)", i + 1, n, addr, retry);
    }
}

static void burst_is_allowed_then_refused(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(5);
    int retry = -1;
    take_n(rl, "192.0.2.1", 5, T0);
    assert_false(ratelimit_take(rl, "192.0.2.1", T0, &retry));
    /* 5 a minute is one token every 12 s: the wait is about that, never 0. */
    assert_in_range(retry, 1, 13);
    /* A millisecond later it is still refused. */
    assert_false(ratelimit_take(rl, "192.0.2.1", T0 + 1, &retry));
    ratelimit_free(rl);
}

static void waiting_retry_after_is_enough(void **state)
{
    (void)state;
    /* 7 a minute refills a token every 8.57 s: the advice must round up, not down. */
    struct ratelimit *rl = ratelimit_new(7);
    int retry = -1;
    take_n(rl, "192.0.2.9", 7, T0);
    assert_false(ratelimit_take(rl, "192.0.2.9", T0, &retry));
    assert_true(retry > 0);
    assert_true(ratelimit_take(rl, "192.0.2.9", T0 + (int64_t)retry * 1000, &retry));
    ratelimit_free(rl);
}

static void tokens_refill_at_the_per_minute_rate(void **state)
{
    (void)state;
    /* 6 a minute: one token every 10 s. */
    struct ratelimit *rl = ratelimit_new(6);
    int retry = 0;
    take_n(rl, "198.51.100.7", 6, T0);
    assert_false(ratelimit_take(rl, "198.51.100.7", T0 + 9000, &retry));
    assert_true(ratelimit_take(rl, "198.51.100.7", T0 + 10500, &retry));
    assert_false(ratelimit_take(rl, "198.51.100.7", T0 + 10500, &retry));
    /* Half a minute later, three more. */
    take_n(rl, "198.51.100.7", 3, T0 + 40500);
    assert_false(ratelimit_take(rl, "198.51.100.7", T0 + 40500, &retry));
    ratelimit_free(rl);
}

static void refill_stops_at_the_burst_size(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(4);
    int retry = 0;
    take_n(rl, "203.0.113.5", 4, T0);
    /* An hour idle gives back one burst, not sixty minutes' worth. */
    take_n(rl, "203.0.113.5", 4, T0 + 3600 * 1000);
    assert_false(ratelimit_take(rl, "203.0.113.5", T0 + 3600 * 1000, &retry));
    ratelimit_free(rl);
}

static void clock_stepping_back_does_not_lock_out(void **state)
{
    (void)state;
    /* 3 a minute: one token every 20 s.  The wall clock then jumps back an hour. */
    struct ratelimit *rl = ratelimit_new(3);
    int64_t back = T0 - 3600 * 1000;
    int retry = -1;
    take_n(rl, "192.0.2.77", 3, T0);
    assert_false(ratelimit_take(rl, "192.0.2.77", back, &retry));
    assert_in_range(retry, 1, 21);
    assert_true(ratelimit_take(rl, "192.0.2.77", back + 20500, &retry));
    ratelimit_free(rl);
}

static void addresses_are_independent(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(3);
    int retry = 0;
    take_n(rl, "10.0.0.1", 3, T0);
    assert_false(ratelimit_take(rl, "10.0.0.1", T0, &retry));
    /* Another address still has its full burst... */
    take_n(rl, "10.0.0.2", 3, T0);
    take_n(rl, "2001:db8::1", 3, T0);
    assert_false(ratelimit_take(rl, "10.0.0.2", T0, &retry));
    /* ...and using it did not give the first one anything back. */
    assert_false(ratelimit_take(rl, "10.0.0.1", T0 + 1, &retry));
    ratelimit_free(rl);
}

/* However many clients are throttled, a stranger's first attempt is never refused. */
static void no_client_is_locked_out_by_others(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(2);
    char addr[64];
    int retry = 0;
    for (int i = 0; i < 20000; i++) {
        snprintf(addr, sizeof(addr), "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
        take_n(rl, addr, 2, T0);
        assert_false(ratelimit_take(rl, addr, T0, &retry));
    }
    for (int i = 0; i < 2000; i++) {
        snprintf(addr, sizeof(addr), "172.16.%d.%d", i >> 8 & 255, i & 255);
        if (!ratelimit_take(rl, addr, T0, &retry))
            fail_msg("'%s' was refused on its first attempt", addr);
    }
    ratelimit_free(rl);
}

/* One IPv6 client usually holds a /64: addresses within it share a limit. */
static void ipv6_is_limited_per_64(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(2);
    int retry = 0;
    assert_true(ratelimit_take(rl, "2001:db8:1:2::1", T0, &retry));
    assert_true(ratelimit_take(rl, "2001:db8:1:2:ffff::9", T0, &retry));
    assert_false(ratelimit_take(rl, "2001:db8:1:2::abcd", T0, &retry));
    assert_true(ratelimit_take(rl, "2001:db8:1:3::1", T0, &retry)); /* another /64 */
    ratelimit_free(rl);
}

/* IPv4 clients seen through a dual-stack socket keep their own limits. */
static void ipv4_mapped_addresses_are_ipv4(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(1);
    int retry = 0;
    assert_true(ratelimit_take(rl, "::ffff:192.0.2.1", T0, &retry));
    assert_false(ratelimit_take(rl, "192.0.2.1", T0, &retry)); /* the same client */
    assert_true(ratelimit_take(rl, "::ffff:192.0.2.2", T0, &retry));
    assert_true(ratelimit_take(rl, "::1", T0, &retry));
    ratelimit_free(rl);
}

static void limiters_are_independent(void **state)
{
    (void)state;
    struct ratelimit *a = ratelimit_new(2), *b = ratelimit_new(2);
    int retry = 0;
    take_n(a, "10.1.1.1", 2, T0);
    assert_false(ratelimit_take(a, "10.1.1.1", T0, &retry));
    take_n(b, "10.1.1.1", 2, T0);
    ratelimit_free(a);
    ratelimit_free(b);
}

static void retry_after_may_be_null(void **state)
{
    (void)state;
    struct ratelimit *rl = ratelimit_new(1);
    assert_true(ratelimit_take(rl, "10.9.9.9", T0, NULL));
    assert_false(ratelimit_take(rl, "10.9.9.9", T0, NULL));
    ratelimit_free(rl);
}

static void free_accepts_null(void **state)
{
    (void)state;
    ratelimit_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(burst_is_allowed_then_refused),
        cmocka_unit_test(no_client_is_locked_out_by_others),
        cmocka_unit_test(ipv6_is_limited_per_64),
        cmocka_unit_test(ipv4_mapped_addresses_are_ipv4),
        cmocka_unit_test(waiting_retry_after_is_enough),
        cmocka_unit_test(tokens_refill_at_the_per_minute_rate),
        cmocka_unit_test(refill_stops_at_the_burst_size),
        cmocka_unit_test(clock_stepping_back_does_not_lock_out),
        cmocka_unit_test(addresses_are_independent),
        cmocka_unit_test(limiters_are_independent),
        cmocka_unit_test(retry_after_may_be_null),
        cmocka_unit_test(free_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
