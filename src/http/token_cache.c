#include "token_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"

#define TC_SLOTS 1024 /* direct-mapped: a colliding token just evicts the other */

struct slot {
    unsigned char hash[SECRET_HASH_LEN];
    int64_t expires_ms; /* 0: empty */
    struct agent agent;
};

struct token_cache {
    pthread_mutex_t lock;
    struct slot slots[TC_SLOTS];
};

static void agent_copy(struct agent *dst, const struct agent *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->id = src->id;
    dst->name = xstrdup(src->name);
    dst->email = xstrdup(src->email);
    dst->role = src->role;
    dst->created_at = src->created_at;
    for (size_t i = 0; i < src->skills.n; i++)
        strlist_push(&dst->skills, src->skills.v[i]);
}

struct token_cache *token_cache_new(void)
{
    struct token_cache *tc = xcalloc(1, sizeof(*tc));
    pthread_mutex_init(&tc->lock, NULL);
    return tc;
}

void token_cache_clear(struct token_cache *tc)
{
    pthread_mutex_lock(&tc->lock);
    for (size_t i = 0; i < TC_SLOTS; i++) {
        agent_release(&tc->slots[i].agent);
        tc->slots[i].expires_ms = 0;
    }
    pthread_mutex_unlock(&tc->lock);
}

void token_cache_free(struct token_cache *tc)
{
    if (!tc)
        return;
    token_cache_clear(tc);
    pthread_mutex_destroy(&tc->lock);
    free(tc);
}

static struct slot *slot_for(struct token_cache *tc, const unsigned char hash[SECRET_HASH_LEN])
{
    /* The hash is already uniformly random: its first bytes index the table. */
    unsigned idx = ((unsigned)hash[0] | (unsigned)hash[1] << 8) % TC_SLOTS;
    return &tc->slots[idx];
}

bool token_cache_get(struct token_cache *tc, const unsigned char hash[SECRET_HASH_LEN],
                     int64_t now_ms, struct agent *out)
{
    bool hit = false;
    pthread_mutex_lock(&tc->lock);
    struct slot *s = slot_for(tc, hash);
    if (s->expires_ms > now_ms && secret_hash_equal(s->hash, hash)) {
        agent_copy(out, &s->agent);
        hit = true;
    }
    pthread_mutex_unlock(&tc->lock);
    return hit;
}

void token_cache_put(struct token_cache *tc, const unsigned char hash[SECRET_HASH_LEN],
                     const struct agent *a, int64_t now_ms)
{
    pthread_mutex_lock(&tc->lock);
    struct slot *s = slot_for(tc, hash);
    agent_release(&s->agent);
    agent_copy(&s->agent, a);
    memcpy(s->hash, hash, SECRET_HASH_LEN);
    s->expires_ms = now_ms + TOKEN_CACHE_TTL_MS;
    pthread_mutex_unlock(&tc->lock);
}
