/* src/util/csv.c: the RFC 4180 reader, and the writer of one field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/csv.h"

/* Reads all of text; returns the records as "a|b|c" lines joined by "\n"
 * (caller frees), or NULL on error with the message in err. */
static char *read_all(const char *text, size_t len, char *err, size_t errlen, size_t *lines)
{
    FILE *f = fmemopen((void *)(uintptr_t)text, len, "r");
    assert_non_null(f);
    struct csv c;
    csv_init(&c, f, ',');
    size_t cap = 4 * len + 16, n = 0;
    char *out = xmalloc(cap);
    out[0] = '\0';
    int got;
    enum terr e;
    size_t k = 0;
    while ((e = csv_next(&c, &got)) == TERR_OK && got) {
        if (lines)
            lines[k++] = c.line;
        if (n)
            out[n++] = '\n';
        for (size_t i = 0; i < c.n_fields; i++)
            n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "", csv_field(&c, i));
    }
    if (e) {
        snprintf(err, errlen, "%s", c.err);
        free(out);
        out = NULL;
    }
    csv_release(&c);
    fclose(f);
    return out;
}

static void expect_records(const char *text, const char *want)
{
    char err[160];
    char *got = read_all(text, strlen(text), err, sizeof(err), NULL);
    if (!got)
        fail_msg("unexpected error: %s", err);
    assert_string_equal(got, want);
    free(got);
}

static void expect_error(const char *text, const char *want)
{
    char err[160] = "";
    char *got = read_all(text, strlen(text), err, sizeof(err), NULL);
    if (got)
        fail_msg("expected an error, read: %s", got);
    assert_string_equal(err, want);
}

static void plain_records(void **state)
{
    (void)state;
    expect_records("id,text\n1,hello\n2,world\n", "id|text\n1|hello\n2|world");
}

static void quoted_commas(void **state)
{
    (void)state;
    expect_records("a,\"b, c\",d\n", "a|b, c|d");
}

static void doubled_quotes(void **state)
{
    (void)state;
    expect_records("\"she said \"\"no\"\"\",x\n", "she said \"no\"|x");
}

static void newlines_inside_quotes_keep_line_numbers(void **state)
{
    (void)state;
    const char *text = "h1,h2\n\"two\nlines\",x\n\"three\r\nmore\nlines\",y\nlast,z\n";
    char err[160];
    size_t lines[8];
    char *got = read_all(text, strlen(text), err, sizeof(err), lines);
    assert_non_null(got);
    assert_string_equal(got, "h1|h2\ntwo\nlines|x\nthree\r\nmore\nlines|y\nlast|z");
    assert_int_equal(lines[0], 1);
    assert_int_equal(lines[1], 2);
    assert_int_equal(lines[2], 4);
    assert_int_equal(lines[3], 7);
    free(got);
}

static void crlf_line_ends(void **state)
{
    (void)state;
    expect_records("a,b\r\n\"c\",d\r\n", "a|b\nc|d");
}

static void missing_final_newline(void **state)
{
    (void)state;
    expect_records("a,b\nc,d", "a|b\nc|d");
    expect_records("a,b\nc,\"d\"", "a|b\nc|d");
}

static void empty_fields(void **state)
{
    (void)state;
    expect_records(",,\n\"\",x,\n", "||\n|x|");
}

static void blank_lines_are_no_records(void **state)
{
    (void)state;
    expect_records("a\n\n\r\nb\n", "a\nb");
}

static void byte_order_mark_skipped(void **state)
{
    (void)state;
    expect_records("\xEF\xBB\xBFid,text\n1,x\n", "id|text\n1|x");
    /* Text that merely starts with an EF byte (U+FF02 here) is data. */
    expect_records("\xEF\xBC\x82q,text\n1,x\n", "\xEF\xBC\x82q|text\n1|x");
    expect_records("\xEF\xBB", "\xEF\xBB");
    expect_records("\xEF", "\xEF");
}

static void unterminated_quote_names_its_line(void **state)
{
    (void)state;
    expect_error("a,b\nc,d\ne,\"never closed\nf,g\n", "line 3: unterminated quote");
}

static void stray_quote_refused(void **state)
{
    (void)state;
    expect_error("a,b\nc,d\"e\n", "line 2: stray quote inside an unquoted field");
    expect_error("\"a\"b,c\n", "line 1: text after a closing quote");
}

static void nul_byte_refused(void **state)
{
    (void)state;
    char err[160];
    char *got = read_all("a,b\nc\0d\n", 8, err, sizeof(err), NULL);
    assert_null(got);
    assert_string_equal(err, "line 2: NUL byte in the text");
}

static void huge_record_refused(void **state)
{
    (void)state;
    size_t n = CSV_MAX_RECORD + 100;
    char *text = xmalloc(n + 1);
    memset(text, 'x', n);
    memcpy(text, "a,b\n\"", 5);
    text[n] = '\0';
    char err[160];
    char *got = read_all(text, n, err, sizeof(err), NULL);
    assert_null(got);
    assert_string_equal(err, "line 2: record longer than the 4 MiB limit");
    free(text);
}

static void too_many_fields_refused(void **state)
{
    (void)state;
    size_t n = 2 * (CSV_MAX_FIELDS + 1);
    char *text = xmalloc(n + 1);
    for (size_t i = 0; i < n; i += 2)
        memcpy(text + i, "x,", 2);
    text[n - 1] = '\n';
    text[n] = '\0';
    char err[160];
    assert_null(read_all(text, n, err, sizeof(err), NULL));
    assert_string_equal(err, "line 1: more than 1024 fields");
    free(text);
}

static void column_by_name(void **state)
{
    (void)state;
    const char *text = "id,text,label\n";
    FILE *f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
    struct csv c;
    csv_init(&c, f, ',');
    int got;
    assert_int_equal(csv_next(&c, &got), TERR_OK);
    assert_int_equal(got, 1);
    assert_int_equal(csv_column(&c, "label"), 2);
    assert_int_equal(csv_column(&c, "id"), 0);
    assert_int_equal(csv_column(&c, "txt"), -1);
    assert_int_equal(csv_next(&c, &got), TERR_OK);
    assert_int_equal(got, 0);
    csv_release(&c);
    csv_release(NULL);
    fclose(f);
}

static void short_record_names_the_missing_field(void **state)
{
    (void)state;
    const char *text = "id,text,label\n1,hello,x\n2,short\n";
    FILE *f = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
    struct csv c;
    csv_init(&c, f, ',');
    int got;
    assert_int_equal(csv_next(&c, &got), TERR_OK);
    size_t n_header = c.n_fields;
    assert_int_equal(csv_next(&c, &got), TERR_OK);
    assert_int_equal(csv_require(&c, 2, "label", n_header), TERR_OK);
    assert_int_equal(csv_next(&c, &got), TERR_OK);
    assert_int_equal(csv_require(&c, 1, "text", n_header), TERR_OK);
    assert_int_equal(csv_require(&c, 2, "label", n_header), TERR_INVALID);
    assert_string_equal(c.err, "line 3: no 'label' field (2 fields where the header has 3)");
    csv_release(&c);
    fclose(f);
}

static void written_fields_read_back(void **state)
{
    (void)state;
    static const char *const fields[] = {"plain", "a,b", "say \"hi\"", "two\nlines", ""};
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    for (size_t i = 0; i < 5; i++) {
        if (i)
            buf_adds(&b, ",");
        csv_put_field(&b, fields[i]);
    }
    buf_adds(&b, "\n");
    assert_string_equal(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
    char err[128];
    char *got = read_all(b.data, b.len, err, sizeof err, NULL);
    assert_non_null(got);
    assert_string_equal(got, "plain|a,b|say \"hi\"|two\nlines|");
    free(got);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_records),
        cmocka_unit_test(quoted_commas),
        cmocka_unit_test(doubled_quotes),
        cmocka_unit_test(newlines_inside_quotes_keep_line_numbers),
        cmocka_unit_test(crlf_line_ends),
        cmocka_unit_test(missing_final_newline),
        cmocka_unit_test(empty_fields),
        cmocka_unit_test(blank_lines_are_no_records),
        cmocka_unit_test(byte_order_mark_skipped),
        cmocka_unit_test(unterminated_quote_names_its_line),
        cmocka_unit_test(stray_quote_refused),
        cmocka_unit_test(nul_byte_refused),
        cmocka_unit_test(huge_record_refused),
        cmocka_unit_test(too_many_fields_refused),
        cmocka_unit_test(column_by_name),
        cmocka_unit_test(short_record_names_the_missing_field),
        cmocka_unit_test(written_fields_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
