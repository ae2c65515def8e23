/*
 * Cursors for keyset paging of ticket lists.  A cursor names a position in one
 * sort order (the sort key and the id of the last item shown); it is opaque
 * to clients and refused when it was made for another sort order.
 */
#ifndef TRUCE_CURSOR_H
#define TRUCE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"

/* Writes the cursor for (key, id) under sort into out (len bytes; 128 is
 * ample); out is "" if it does not fit. */
void cursor_encode(enum ticket_sort sort, int64_t key, int64_t id, char *out, size_t len);
/* Reads a cursor made for `sort`; false for anything else (malformed, forged,
 * another sort order, numbers out of range). */
bool cursor_decode(const char *s, enum ticket_sort sort, int64_t *key, int64_t *id);

/* Cursors for lists in id order (a thread, an audit trail): the last id shown. */
void cursor_encode_id(int64_t id, char *out, size_t len);
bool cursor_decode_id(const char *s, int64_t *id);

#endif
