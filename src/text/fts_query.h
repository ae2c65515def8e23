/*
 * User search text to a safe SQLite FTS5 MATCH expression, and FTS5 snippets
 * to structured parts.
 *
 * The user's text is never passed to FTS5 as syntax: it is cut into terms
 * (runs of letters and digits, any byte >= 0x80 counting as a letter so UTF-8
 * words stay whole), each term is written as an FTS5 string in double quotes,
 * and the terms are joined by spaces (all must match) or by OR.  A '*' right
 * after the last term keeps a prefix search ("ref*" -> "ref" *); every other
 * character (quotes, parentheses, NEAR, column filters, '-', '^') is a
 * separator.  Bare operator words (AND, OR, NOT, NEAR) are quoted like any
 * other term, so they are searched for, not obeyed.
 */
#ifndef TRUCE_FTS_QUERY_H
#define TRUCE_FTS_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#define FTS_QUERY_MAX_LEN   256  /* bytes of user text */
#define FTS_QUERY_MAX_TERMS 16   /* terms beyond are dropped */
#define FTS_QUERY_MAX_TERM  64   /* bytes of one term; longer ones are cut */
#define FTS_QUERY_MAX_TEXT  4096 /* bytes of text read for an FTS_ANY query */

/* Markers around a hit in the snippet() text the store asks FTS5 for. */
#define FTS_HIT_OPEN  "\x01"
#define FTS_HIT_CLOSE "\x02"

/* FTS_ALL: a search box (every term must match; the first
 * FTS_QUERY_MAX_LEN bytes are read).  FTS_ANY: "more like this" from a
 * message (any term may match, BM25 ranks; the first FTS_QUERY_MAX_TEXT
 * bytes are read, and words of under 3 letters and common English stop
 * words are skipped, as they would match nearly everything). */
enum fts_join { FTS_ALL, FTS_ANY };

/* The MATCH expression for user text q, or NULL when q has no term.
 * Caller frees. */
char *fts_query_build(const char *q, enum fts_join join);

struct snippet_part {
    char *text;
    bool hit;
};

/* Cuts snippet text marked with FTS_HIT_OPEN/FTS_HIT_CLOSE into parts (no
 * empty part; markers removed; an unclosed hit runs to the end).  Returns
 * the count; *out is freed by the caller with snippet_parts_free(). */
size_t snippet_parts(const char *marked, struct snippet_part **out);
/* Frees n parts; accepts NULL. */
void snippet_parts_free(struct snippet_part *p, size_t n);

#endif
