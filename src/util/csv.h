/*
 * An RFC 4180 CSV reader: fields separated by commas (or another byte),
 * optionally quoted; inside quotes, "" is a quote and commas and line breaks
 * are data.  Records end with LF or CRLF.  A UTF-8 byte-order mark at the
 * very start is skipped.
 *
 * The reader streams from a FILE, one record at a time, and names the line
 * where each record started, so errors can say "line 812: unterminated
 * quote".  Fields are NUL-terminated and borrowed until the next call.
 * csv_put_field() writes one field the way the reader reads it back.
 */
#ifndef TRUCE_CSV_H
#define TRUCE_CSV_H

#include <stdio.h>
#include <stddef.h>

#include "util/err.h"

/* A record may not exceed this many bytes, nor this many fields. */
#define CSV_MAX_RECORD (4u << 20)
#define CSV_MAX_FIELDS 1024

struct csv {
    FILE *f;
    char sep;
    size_t line;      /* line number where the current record starts (1-based) */
    size_t next_line; /* line number of the next record */
    char *buf;        /* field bytes, each NUL-terminated */
    size_t len, cap;
    size_t *offs; /* field start offsets into buf */
    size_t n_fields, cap_fields;
    char err[160];         /* what went wrong, with the line */
    int bom_checked;       /* the start of input was looked at for a BOM */
    unsigned char back[3]; /* bytes read ahead and given back, last first */
    size_t n_back;
};

/* Prepares to read f (borrowed; not closed by csv_release). sep is usually ','. */
void csv_init(struct csv *c, FILE *f, char sep);
void csv_release(struct csv *c);

/* Reads the next record.  Returns TERR_OK with *got = 1, or TERR_OK with
 * *got = 0 at the end of input; TERR_INVALID on malformed input (a quote
 * that is never closed, a stray quote inside an unquoted field, a record
 * past the caps) and TERR_IO on a read error, with c->err set. */
enum terr csv_next(struct csv *c, int *got);

/* Field i of the current record (i < c->n_fields), NUL-terminated. */
static inline const char *csv_field(const struct csv *c, size_t i)
{
    return c->buf + c->offs[i];
}

/* The index of the header field named name in the current record, or -1. */
int csv_column(const struct csv *c, const char *name);

/* TERR_OK when the current record has field i, the header's column name
 * (one of n_header); else TERR_INVALID with c->err saying "line N: no
 * 'name' field (K fields where the header has n_header)". */
enum terr csv_require(struct csv *c, size_t i, const char *name, size_t n_header);

struct buf;
/* Appends s to o as one field: as it is, or in quotes with its quotes
 * doubled when it holds a comma, a quote or a line break. */
void csv_put_field(struct buf *o, const char *s);

#endif
