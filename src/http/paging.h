/* Query strings of the list routes: limits and cursors. */
#ifndef TRUCE_PAGING_H
#define TRUCE_PAGING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request.h"

/* Threads and audit trails: a page's default and largest size. */
#define THREAD_PAGE_DEFAULT 100
#define THREAD_PAGE_MAX     500

/* Reads "limit" (1..max, default dflt) into *limit; replies 400 and returns
 * false when it is not a number in range. */
bool query_limit(struct request *req, size_t dflt, size_t max, size_t *limit);

/* Reads an id-order "cursor" into *after_id (0 without one); replies 400 and
 * returns false for a cursor this server did not give. */
bool query_id_cursor(struct request *req, int64_t *after_id);

/* The next_cursor of an id-ordered page: a string after last_id when more
 * items follow, else null. */
json_t *page_next_id(bool more, int64_t last_id);

#endif
