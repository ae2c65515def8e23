/* UTF-8 validation (RFC 3629): no overlongs, no surrogates, nothing past U+10FFFF. */
#ifndef TRUCE_UTF8_H
#define TRUCE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when p[0..n) is well-formed UTF-8.  NUL bytes are reported as invalid
 * too, since no text field of the desk may carry one. */
bool utf8_valid(const char *p, size_t n);

/* Copies s into out (outlen bytes, NUL-terminated), replacing each byte that
 * does not start a well-formed sequence with '?' and never cutting a
 * character in two.  The result is always valid UTF-8. */
void utf8_sanitize(const char *s, char *out, size_t outlen);

/* What one line of text may not hold: a control character (C0 with tab and
 * line breaks, DEL, C1), a line or paragraph separator, or a bidirectional
 * embedding, override or isolate, which can make a name or a subject read
 * as another.  The 1-based character position of the first such character
 * in the valid UTF-8 p[0..n), with its code point in *cp and what it is in
 * *what ("a control character", ...); 0 when there is none. */
size_t utf8_line_fault(const char *p, size_t n, unsigned *cp, const char **what);

/* Number of code points in a valid UTF-8 string of n bytes. */
size_t utf8_length(const char *p, size_t n);

#endif
