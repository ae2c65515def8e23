/*
 * Per-address rate limits: a token bucket for each IPv4 address or IPv6 /64,
 * in a fixed table that never makes two clients share a bucket (see
 * ratelimit.c).  Thread-safe.
 */
#ifndef TRUCE_RATELIMIT_H
#define TRUCE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

/* Allows `per_minute` events per address, in bursts of up to that many. */
struct ratelimit *ratelimit_new(int per_minute);
void ratelimit_free(struct ratelimit *rl);
/* Takes one token for addr at time now_ms; false (and *retry_after_s set) when none is left. */
bool ratelimit_take(struct ratelimit *rl, const char *addr, int64_t now_ms, int *retry_after_s);

#endif
