/* The token cache remembers who holds a token for a short while, by hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/token_cache.h"
#include "util/alloc.h"

static void agent_fill(struct agent *a, int64_t id, enum role role)
{
    memset(a, 0, sizeof(*a));
    a->id = id;
    a->name = xstrdup("Ana");
    a->email = xstrdup("ana@example.com");
    a->role = role;
    strlist_push(&a->skills, "billing");
}

static void hash_of(const char *token, unsigned char out[SECRET_HASH_LEN])
{
    secret_hash(token, strlen(token), out);
}

static void a_put_agent_comes_back_whole(void **state)
{
    (void)state;
    struct token_cache *tc = token_cache_new();
    struct agent a, got;
    unsigned char h[SECRET_HASH_LEN];
    agent_fill(&a, 42, ROLE_LEAD);
    hash_of("trc_one", h);
    token_cache_put(tc, h, &a, 1000);
    assert_true(token_cache_get(tc, h, 1001, &got));
    assert_int_equal(got.id, 42);
    assert_int_equal(got.role, ROLE_LEAD);
    assert_string_equal(got.email, "ana@example.com");
    assert_int_equal(got.skills.n, 1);
    assert_string_equal(got.skills.v[0], "billing");
    agent_release(&got);
    agent_release(&a);
    token_cache_free(tc);
}

static void entries_expire(void **state)
{
    (void)state;
    struct token_cache *tc = token_cache_new();
    struct agent a, got;
    unsigned char h[SECRET_HASH_LEN];
    agent_fill(&a, 1, ROLE_AGENT);
    hash_of("trc_two", h);
    token_cache_put(tc, h, &a, 1000);
    assert_true(token_cache_get(tc, h, 1000 + TOKEN_CACHE_TTL_MS - 1, &got));
    agent_release(&got);
    assert_false(token_cache_get(tc, h, 1000 + TOKEN_CACHE_TTL_MS, &got));
    agent_release(&a);
    token_cache_free(tc);
}

static void another_token_misses(void **state)
{
    (void)state;
    struct token_cache *tc = token_cache_new();
    struct agent a, got;
    unsigned char h1[SECRET_HASH_LEN], h2[SECRET_HASH_LEN];
    agent_fill(&a, 1, ROLE_ADMIN);
    hash_of("trc_three", h1);
    memcpy(h2, h1, sizeof(h2));
    h2[SECRET_HASH_LEN - 1] ^= 1; /* same slot, different token */
    token_cache_put(tc, h1, &a, 0);
    assert_false(token_cache_get(tc, h2, 1, &got));
    agent_release(&a);
    token_cache_free(tc);
}

static void clear_forgets_everything(void **state)
{
    (void)state;
    struct token_cache *tc = token_cache_new();
    struct agent a, got;
    unsigned char h[SECRET_HASH_LEN];
    agent_fill(&a, 1, ROLE_ADMIN);
    hash_of("trc_four", h);
    token_cache_put(tc, h, &a, 0);
    token_cache_clear(tc);
    assert_false(token_cache_get(tc, h, 1, &got));
    agent_release(&a);
    token_cache_free(tc);
    token_cache_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_put_agent_comes_back_whole),
        cmocka_unit_test(entries_expire),
        cmocka_unit_test(another_token_misses),
        cmocka_unit_test(clear_forgets_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
