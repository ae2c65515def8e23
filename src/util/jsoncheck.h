/*
 * A JSON syntax check without building anything (RFC 8259): for text that is
 * printed as it is, such as an analysis the desk stored, so a damaged row can
 * never make a reply that is not JSON.
 */
#ifndef TRUCE_JSONCHECK_H
#define TRUCE_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>

/* Nesting deeper than this is refused (the desk's own JSON is shallow). */
#define JSONCHECK_MAX_DEPTH 32

/* True when s[0..n) is exactly one JSON object, well-formed UTF-8 without
 * NUL, without the escape \u0000 and with \u surrogates only in pairs.
 * Can't fail; allocates nothing. */
bool json_object_valid(const char *s, size_t n);

#endif
