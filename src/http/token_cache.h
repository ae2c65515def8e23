/*
 * A short-lived cache of who holds which API token, so that a busy
 * integration does not pay a database read for its credentials on every
 * request.  Keyed by the token's hash (never the token); entries live
 * TOKEN_CACHE_TTL_MS, which bounds how long a changed agent keeps their old
 * role.  Anything in this server that revokes tokens or changes roles must
 * call token_cache_clear; changes made by another process (the CLI) show
 * within TOKEN_CACHE_TTL_MS.  Thread-safe.
 */
#ifndef TRUCE_TOKEN_CACHE_H
#define TRUCE_TOKEN_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "../domain/model.h"
#include "../util/secret.h"

#define TOKEN_CACHE_TTL_MS 10000

struct token_cache;

struct token_cache *token_cache_new(void);
void token_cache_free(struct token_cache *tc);
/* Times are milliseconds of a monotonic clock.
 * Copies the cached agent for this hash into *out (release with agent_release). */
bool token_cache_get(struct token_cache *tc, const unsigned char hash[SECRET_HASH_LEN],
                     int64_t now_ms, struct agent *out);
void token_cache_put(struct token_cache *tc, const unsigned char hash[SECRET_HASH_LEN],
                     const struct agent *a, int64_t now_ms);
void token_cache_clear(struct token_cache *tc);

#endif
