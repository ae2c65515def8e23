#include "read_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"

#define STRIPES 16 /* locks, so readers of different tickets rarely meet */

struct entry {
    int64_t id; /* 0: empty */
    uint64_t generation;
    char *body;
    size_t len;
};

struct read_cache {
    pthread_mutex_t locks[STRIPES];
    struct entry slots[READ_CACHE_SLOTS];
};

struct read_cache *read_cache_new(void)
{
    struct read_cache *rc = xcalloc(1, sizeof(*rc));
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&rc->locks[i], NULL);
    return rc;
}

void read_cache_free(struct read_cache *rc)
{
    if (!rc)
        return;
    for (size_t i = 0; i < READ_CACHE_SLOTS; i++)
        free(rc->slots[i].body);
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_destroy(&rc->locks[i]);
    free(rc);
}

char *read_cache_get(struct read_cache *rc, int64_t id, uint64_t generation, size_t *out_len)
{
    size_t i = (uint64_t)id % READ_CACHE_SLOTS;
    char *copy = NULL;
    pthread_mutex_lock(&rc->locks[i % STRIPES]);
    struct entry *e = &rc->slots[i];
    if (e->id == id && e->generation == generation) {
        copy = xmalloc(e->len + 1);
        memcpy(copy, e->body, e->len + 1);
        *out_len = e->len;
    }
    pthread_mutex_unlock(&rc->locks[i % STRIPES]);
    return copy;
}

void read_cache_put(struct read_cache *rc, int64_t id, uint64_t generation, const char *body,
                    size_t len)
{
    if (len > READ_CACHE_ENTRY_MAX)
        return;
    size_t i = (uint64_t)id % READ_CACHE_SLOTS;
    char *copy = xmalloc(len + 1);
    memcpy(copy, body, len);
    copy[len] = '\0';
    pthread_mutex_lock(&rc->locks[i % STRIPES]);
    struct entry *e = &rc->slots[i];
    char *old = e->body;
    *e = (struct entry){.id = id, .generation = generation, .body = copy, .len = len};
    pthread_mutex_unlock(&rc->locks[i % STRIPES]);
    free(old);
}
