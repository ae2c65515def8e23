/*
 * Rendered replies of ticket reads, kept while nothing has been written.
 *
 * Each entry is tagged with the store generation read before its snapshot
 * was taken (store_generation); it is served only while the generation is
 * unchanged, so any write by this server makes every entry stale at once and
 * a cached reply is never older than what this server wrote.  Writes by
 * another process (the CLI; later, other nodes sharing a PostgreSQL) are not
 * seen by the generation: such setups run with --no-read-cache, or accept
 * that those changes show at this server's next write.  Direct-mapped by
 * ticket id and capped per entry, so memory stays bounded.  Thread-safe.
 */
#ifndef TRUCE_READ_CACHE_H
#define TRUCE_READ_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define READ_CACHE_SLOTS     1024
#define READ_CACHE_ENTRY_MAX (64 * 1024) /* larger replies are not kept */

struct read_cache;

struct read_cache *read_cache_new(void);
void read_cache_free(struct read_cache *rc);
/* A malloc'd copy of the reply cached for (id, generation), or NULL. */
char *read_cache_get(struct read_cache *rc, int64_t id, uint64_t generation, size_t *out_len);
/* Keeps a copy of body for (id, generation). */
void read_cache_put(struct read_cache *rc, int64_t id, uint64_t generation, const char *body,
                    size_t len);

#endif
