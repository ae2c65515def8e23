#include "ratelimit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"

/*
 * Buckets live in a table of RL_SETS sets of RL_WAYS.  The set comes from a
 * keyed hash (SipHash with a key drawn at start), so nobody can aim an
 * address at another's set; within a set, an address never shares a bucket:
 * a newcomer takes a free way, else the one used longest ago (whose owner
 * starts afresh if it returns: that errs towards letting people in, never
 * towards locking a stranger out).
 */
#define RL_SETS 1024
#define RL_WAYS 4

struct bucket {
    char key[64]; /* "" when free */
    double tokens;
    int64_t last_ms;
};

struct ratelimit {
    pthread_mutex_t lock;
    double per_ms;
    double burst;
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
    struct bucket sets[RL_SETS][RL_WAYS];
};

struct ratelimit *ratelimit_new(int per_minute)
{
    struct ratelimit *rl = xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    rl->burst = per_minute;
    rl->per_ms = per_minute / 60000.0;
    randombytes_buf(rl->hash_key, sizeof(rl->hash_key));
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

/* The identity limited: an IPv4 address, or an IPv6 address's /64, since one
 * client usually holds a whole /64. */
static void limit_key(const char *addr, char out[64])
{
    struct in6_addr a6;
    if (strchr(addr, ':') && inet_pton(AF_INET6, addr, &a6) == 1) {
        if (IN6_IS_ADDR_V4MAPPED(&a6)) {
            /* An IPv4 client on a dual-stack socket: limit it as IPv4. */
            char v4[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, a6.s6_addr + 12, v4, sizeof(v4));
            snprintf(out, 64, "%s", v4);
            return;
        }
        memset(a6.s6_addr + 8, 0, 8);
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a6, text, sizeof(text));
        snprintf(out, 64, "%s/64", text);
    } else {
        snprintf(out, 64, "%s", addr);
    }
}

bool ratelimit_take(struct ratelimit *rl, const char *addr, int64_t now_ms, int *retry_after_s)
{
    char key[64];
    unsigned char h[crypto_shorthash_BYTES];
    limit_key(addr, key);
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->hash_key);
    uint64_t set_index;
    memcpy(&set_index, h, sizeof(set_index));

    pthread_mutex_lock(&rl->lock);
    struct bucket *set = rl->sets[set_index % RL_SETS], *b = NULL;
    for (int i = 0; i < RL_WAYS && !b; i++)
        if (strcmp(set[i].key, key) == 0)
            b = &set[i];
    if (!b) {
        /* A free way, else the one used longest ago. */
        b = &set[0];
        for (int i = 0; i < RL_WAYS && b->key[0]; i++)
            if (!set[i].key[0] || set[i].last_ms < b->last_ms)
                b = &set[i];
        snprintf(b->key, sizeof(b->key), "%s", key);
        b->tokens = rl->burst;
        b->last_ms = now_ms;
    }
    /* A wall clock stepped back must not drain the bucket (and lock the address out). */
    if (now_ms > b->last_ms)
        b->tokens += (double)(now_ms - b->last_ms) * rl->per_ms;
    if (b->tokens > rl->burst)
        b->tokens = rl->burst;
    b->last_ms = now_ms;
    bool ok = b->tokens >= 1.0;
    if (ok)
        b->tokens -= 1.0;
    else if (retry_after_s)
        *retry_after_s = (int)((1.0 - b->tokens) / rl->per_ms / 1000.0) + 1;
    pthread_mutex_unlock(&rl->lock);
    return ok;
}
