/*
 * RFC 4180 reader (csv.h).
 *
 * One record at a time: the bytes of every field go into c->buf, each ended
 * by a NUL, and c->offs[i] is where field i starts.  Both buffers are reused
 * from record to record, growing up to the caps CSV_MAX_RECORD and
 * CSV_MAX_FIELDS, so a long file costs the memory of its longest record.
 *
 * c->line is the line where the current record starts and c->next_line the
 * one after its end; line breaks inside quoted fields advance next_line, so
 * the two differ for multi-line records.  A blank line is no record.
 * A NUL byte is refused: fields are C strings and text is UTF-8.
 */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"

void csv_init(struct csv *c, FILE *f, char sep)
{
    memset(c, 0, sizeof(*c));
    c->f = f;
    c->sep = sep;
    c->line = 0;
    c->next_line = 1;
}

void csv_release(struct csv *c)
{
    if (!c)
        return;
    free(c->buf);
    free(c->offs);
    c->buf = NULL;
    c->offs = NULL;
    c->len = c->cap = c->n_fields = c->cap_fields = 0;
}

/* Appends byte b to the record; false past CSV_MAX_RECORD. */
static int put(struct csv *c, char b)
{
    if (c->len + 1 >= c->cap) {
        if (c->cap >= CSV_MAX_RECORD + 1)
            return 0;
        size_t cap = c->cap ? c->cap * 2 : 256;
        if (cap > CSV_MAX_RECORD + 1)
            cap = CSV_MAX_RECORD + 1;
        c->buf = xrealloc(c->buf, cap);
        c->cap = cap;
    }
    c->buf[c->len++] = b;
    return 1;
}

/* Starts a new field at the current end of buf; false past CSV_MAX_FIELDS. */
static int field_start(struct csv *c)
{
    if (c->n_fields == CSV_MAX_FIELDS)
        return 0;
    if (c->n_fields == c->cap_fields) {
        c->cap_fields = c->cap_fields ? c->cap_fields * 2 : 16;
        if (c->cap_fields > CSV_MAX_FIELDS)
            c->cap_fields = CSV_MAX_FIELDS;
        c->offs = xrealloc(c->offs, c->cap_fields * sizeof(*c->offs));
    }
    c->offs[c->n_fields++] = c->len;
    return 1;
}

static enum terr fail(struct csv *c, enum terr e, size_t line, const char *what)
{
    snprintf(c->err, sizeof(c->err), "line %zu: %s", line, what);
    return e;
}

static enum terr too_long(struct csv *c)
{
    return fail(c, TERR_INVALID, c->line, "record longer than the 4 MiB limit");
}

/* A byte from the input: the pushed-back ones first (the BOM check may
 * look three bytes ahead; stdio promises only one byte of ungetc). */
static int get_byte(struct csv *c)
{
    if (c->n_back)
        return c->back[--c->n_back];
    return getc_unlocked(c->f);
}

static void unget_byte(struct csv *c, int ch)
{
    if (ch != EOF && c->n_back < sizeof(c->back))
        c->back[c->n_back++] = (unsigned char)ch;
}

/* Reads one byte; a NUL or a read error is reported through *e. */
static int next_byte(struct csv *c, enum terr *e)
{
    int ch = get_byte(c);
    if (ch == 0)
        *e = fail(c, TERR_INVALID, c->next_line, "NUL byte in the text");
    else if (ch == EOF && ferror(c->f))
        *e = fail(c, TERR_IO, c->next_line, "read error");
    return ch;
}

/* Reads the rest of a quoted field (the opening quote is consumed) and the
 * separator or line end after it.  Returns 1 when the record goes on, 0 when
 * it ended, -1 on error. */
static int quoted(struct csv *c, enum terr *e)
{
    size_t opened = c->next_line;
    int ch;
    for (;;) {
        ch = next_byte(c, e);
        if (*e)
            return -1;
        if (ch == EOF) {
            *e = fail(c, TERR_INVALID, opened, "unterminated quote");
            return -1;
        }
        if (ch == '"') {
            ch = next_byte(c, e);
            if (*e)
                return -1;
            if (ch != '"')
                break; /* ch is the byte after the closing quote */
        }
        if (ch == '\n')
            c->next_line++;
        if (!put(c, (char)ch)) {
            *e = too_long(c);
            return -1;
        }
    }
    /* After the closing quote: a separator, a line end or the end of input. */
    if (ch == '\r') {
        int n = get_byte(c);
        if (n != '\n' && n != EOF)
            unget_byte(c, n);
        ch = '\n';
    }
    if (ch == c->sep)
        return 1;
    if (ch == '\n') {
        c->next_line++;
        return 0;
    }
    if (ch == EOF)
        return 0;
    *e = fail(c, TERR_INVALID, c->next_line, "text after a closing quote");
    return -1;
}

enum terr csv_next(struct csv *c, int *got)
{
    *got = 0;
    c->err[0] = '\0';
    for (;;) {
        enum terr e = TERR_OK;
        c->len = 0;
        c->n_fields = 0;
        c->line = c->next_line;
        if (c->line == 1 && !c->bom_checked) {
            c->bom_checked = 1;
            /* Skip exactly EF BB BF; any other start is data. */
            int b0 = get_byte(c), b1 = EOF, b2 = EOF;
            if (b0 == 0xEF && (b1 = get_byte(c)) == 0xBB && (b2 = get_byte(c)) == 0xBF)
                b0 = b1 = b2 = EOF;
            unget_byte(c, b2);
            unget_byte(c, b1);
            unget_byte(c, b0);
        }
        int ch = next_byte(c, &e);
        if (e)
            return e;
        if (ch == EOF)
            return TERR_OK;             /* end of input between records */
        if (ch == '\n' || ch == '\r') { /* a blank line */
            if (ch == '\r') {
                int n = get_byte(c);
                if (n != '\n' && n != EOF)
                    unget_byte(c, n);
            }
            c->next_line++;
            continue;
        }
        unget_byte(c, ch);
        break;
    }

    /* One field per turn of this loop. */
    for (;;) {
        enum terr e = TERR_OK;
        if (!field_start(c))
            return fail(c, TERR_INVALID, c->line, "more than 1024 fields");
        int ch = next_byte(c, &e);
        if (e)
            return e;
        int more;
        if (ch == '"') {
            more = quoted(c, &e);
            if (more < 0)
                return e;
        } else {
            for (;;) {
                if (ch == EOF) {
                    more = 0;
                    break;
                }
                if (ch == c->sep) {
                    more = 1;
                    break;
                }
                if (ch == '\n') {
                    c->next_line++;
                    more = 0;
                    break;
                }
                if (ch == '\r') {
                    int n = get_byte(c);
                    if (n == '\n' || n == EOF) {
                        if (n == '\n')
                            c->next_line++;
                        more = 0;
                        break;
                    }
                    unget_byte(c, n); /* a lone CR is data */
                }
                if (ch == '"')
                    return fail(c, TERR_INVALID, c->next_line,
                                "stray quote inside an unquoted field");
                if (!put(c, (char)ch))
                    return too_long(c);
                ch = next_byte(c, &e);
                if (e)
                    return e;
            }
        }
        if (!put(c, '\0'))
            return too_long(c);
        if (!more)
            break;
    }
    *got = 1;
    return TERR_OK;
}

int csv_column(const struct csv *c, const char *name)
{
    for (size_t i = 0; i < c->n_fields; i++)
        if (strcmp(csv_field(c, i), name) == 0)
            return (int)i;
    return -1;
}

enum terr csv_require(struct csv *c, size_t i, const char *name, size_t n_header)
{
    if (i < c->n_fields)
        return TERR_OK;
    snprintf(c->err, sizeof(c->err),
             "line %zu: no '%.40s' field (%zu field%s where the header has %zu)", c->line, name,
             c->n_fields, c->n_fields == 1 ? "" : "s", n_header);
    return TERR_INVALID;
}

void csv_put_field(struct buf *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        buf_adds(o, s);
        return;
    }
    buf_adds(o, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_adds(o, "\"");
        buf_add(o, p, 1);
    }
    buf_adds(o, "\"");
}
