#include "ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"

#define RL_SLOTS 4096

struct slot {
    char addr[64];
    double tokens;
    int64_t last_ms;
};

struct ratelimit {
    pthread_mutex_t lock;
    double per_ms;
    double burst;
    struct slot slots[RL_SLOTS];
};

struct ratelimit *ratelimit_new(int per_minute)
{
    struct ratelimit *rl = xcalloc(1, sizeof(*rl));
    pthread_mutex_init(&rl->lock, NULL);
    rl->burst = per_minute;
    rl->per_ms = per_minute / 60000.0;
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

static uint32_t hash_addr(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

bool ratelimit_take(struct ratelimit *rl, const char *addr, int64_t now_ms, int *retry_after_s)
{
    struct slot *s = &rl->slots[hash_addr(addr) % RL_SLOTS];
    bool ok;
    pthread_mutex_lock(&rl->lock);
    if (strcmp(s->addr, addr) != 0 && (s->addr[0] == '\0' || s->tokens >= rl->burst - 1e-9 ||
                                       now_ms - s->last_ms > 60000)) {
        /* A free or fully recovered slot changes hands. */
        snprintf(s->addr, sizeof(s->addr), "%s", addr);
        s->tokens = rl->burst;
        s->last_ms = now_ms;
    }
    /* A wall clock stepped back must not drain the bucket (and lock the address out). */
    if (now_ms > s->last_ms)
        s->tokens += (double)(now_ms - s->last_ms) * rl->per_ms;
    if (s->tokens > rl->burst)
        s->tokens = rl->burst;
    s->last_ms = now_ms;
    ok = s->tokens >= 1.0;
    if (ok)
        s->tokens -= 1.0;
    else if (retry_after_s)
        *retry_after_s = (int)((1.0 - s->tokens) / rl->per_ms / 1000.0) + 1;
    pthread_mutex_unlock(&rl->lock);
    return ok;
}
