/*
 * libFuzzer target for the CSV reader (src/util/csv.c).
 *
 * Any bytes are read to the end or to the first error.  Invariants: an
 * error has a message naming a line; records' line numbers never go back;
 * each field is a C string lying inside the record buffer.  Every record
 * read is then written back with all fields quoted and read again: it must
 * give the same fields (the writer side of RFC 4180 round-trips).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/csv.h"

/* Writes the current record of c, every field quoted, into a new buffer. */
static char *requote(const struct csv *c, size_t *out_len)
{
    size_t cap = 3 * c->len + 2 * c->n_fields + 4, n = 0;
    char *out = malloc(cap);
    for (size_t i = 0; i < c->n_fields; i++) {
        if (i)
            out[n++] = ',';
        out[n++] = '"';
        for (const char *p = csv_field(c, i); *p; p++) {
            if (*p == '"')
                out[n++] = '"';
            out[n++] = *p;
        }
        out[n++] = '"';
    }
    out[n++] = '\n';
    FUZZ_ASSERT(n <= cap);
    *out_len = n;
    return out;
}

static void check_roundtrip(const struct csv *c)
{
    size_t n;
    char *text = requote(c, &n);
    FILE *f = fmemopen(text, n, "r");
    struct csv again;
    csv_init(&again, f, ',');
    int got = 0;
    FUZZ_ASSERT(csv_next(&again, &got) == TERR_OK && got == 1);
    FUZZ_ASSERT(again.n_fields == c->n_fields);
    for (size_t i = 0; i < c->n_fields; i++)
        FUZZ_ASSERT(strcmp(csv_field(&again, i), csv_field(c, i)) == 0);
    csv_release(&again);
    fclose(f);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)(uintptr_t)data, size, "r");
    if (!f)
        return 0;
    struct csv c;
    csv_init(&c, f, ',');
    size_t last_line = 0;
    int got;
    enum terr e;
    while ((e = csv_next(&c, &got)) == TERR_OK && got) {
        FUZZ_ASSERT(c.line > last_line && c.next_line > c.line - 1);
        FUZZ_ASSERT(c.n_fields >= 1 && c.n_fields <= CSV_MAX_FIELDS);
        for (size_t i = 0; i < c.n_fields; i++)
            FUZZ_ASSERT(c.offs[i] + strlen(csv_field(&c, i)) < c.len);
        last_line = c.line;
        check_roundtrip(&c);
    }
    if (e)
        FUZZ_ASSERT(strncmp(c.err, "line ", 5) == 0);
    csv_release(&c);
    fclose(f);
    return 0;
}
