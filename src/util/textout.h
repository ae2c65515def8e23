/*
 * Text written into a caller's fixed buffer, piece by piece, remembering
 * whether it overflowed: the formatters that must not allocate (calendar,
 * SLA policy specs) put their pieces and check `full` once at the end.
 */
#ifndef TRUCE_TEXTOUT_H
#define TRUCE_TEXTOUT_H

#include <stdbool.h>
#include <stddef.h>

struct textout {
    char *buf;
    size_t size, len;
    bool full; /* a piece did not fit: buf holds what came before it */
};

/* Appends a printf-formatted piece; once one does not fit, nothing more is
 * added and `full` stays set. */
void textout_put(struct textout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
