/*
 * A growable byte buffer with a hard cap (curl's dynbuf).  data is always
 * NUL-terminated after a successful add, so text can be used as a C string.
 * Growth past max fails with TERR_TOO_LARGE and leaves the buffer unchanged.
 */
#ifndef TRUCE_BUF_H
#define TRUCE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "err.h"

struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

#define BUF_NO_LIMIT ((size_t)-1)

void buf_init(struct buf *b, size_t max);
/* Frees the storage; the buffer can be reused after buf_init. Accepts NULL. */
void buf_release(struct buf *b);
enum terr buf_add(struct buf *b, const void *p, size_t n);
enum terr buf_adds(struct buf *b, const char *s);
enum terr buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum terr buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
/* Hands over the storage (never NULL); you now own it and free() it. */
char *buf_detach(struct buf *b, size_t *out_len);

#endif
