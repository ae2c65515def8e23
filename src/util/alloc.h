/*
 * Memory allocation policy.
 *
 * truce aborts on out-of-memory, the way Redis does: a help desk that cannot
 * allocate a few hundred bytes cannot answer a request correctly either, and
 * threading "no memory" through every caller would hide real errors behind
 * rarely-tested paths.  Every allocation goes through these wrappers, which
 * print the size that failed and abort.  Size overflow is checked here too.
 *
 * Bounded growth (request bodies, buffers) is a different matter: those carry
 * explicit caps and report TERR_TOO_LARGE instead of growing (see buf.h).
 */
#ifndef TRUCE_ALLOC_H
#define TRUCE_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Copies of strings; caller frees with free().  xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A new string from a printf format (git's xstrfmt); caller frees. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Programmer errors only: logs file and line and aborts (git's BUG()). */
#define BUG(...) truce_bug(__FILE__, __LINE__, __VA_ARGS__)
void truce_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#endif
