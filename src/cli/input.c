/*
 * The input commands read: one place that opens a file and names a
 * directory as one (fopen opens it, and the first read fails with a less
 * helpful error); for JSON files (a thread for truce analyze and truce
 * coach) one reader that skips a UTF-8 byte-order mark (Windows editors
 * write one) and says what is wrong with the file's name and line; and one
 * reader of text lines that holds at most a bounded prefix of each, so a
 * line of gigabytes on standard input costs no more memory than a short one.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/buf.h"
#include "cli.h"

FILE *cli_open_input(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fail(1, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        fail(1, "'%s' is a directory", path);
        return NULL;
    }
    return f;
}

int cli_read_json(const char *path, json_t **out)
{
    FILE *f = cli_open_input(path);
    if (!f)
        return 1;
    /* Only one byte can be given back (a pipe cannot be rewound); a file
     * that starts with 0xEF and no byte-order mark is not JSON anyway. */
    int c0 = getc(f);
    if (c0 == 0xEF) {
        int c1 = getc(f), c2 = c1 == 0xBB ? getc(f) : EOF;
        if (c1 != 0xBB || c2 != 0xBF) {
            fclose(f);
            return fail(1, "%s:1: not JSON: '[' or '{' expected", path);
        }
    } else if (c0 != EOF) {
        ungetc(c0, f);
    }
    json_error_t jerr;
    json_t *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!doc) {
        if (jerr.line > 0)
            return fail(1, "%s:%d: not JSON: %s", path, jerr.line, jerr.text);
        return fail(1, "'%s': not JSON: %s", path, jerr.text);
    }
    *out = doc;
    return 0;
}

bool cli_read_line(FILE *f, struct buf *b, size_t max, bool *cut)
{
    char chunk[4096];
    size_t n = 0;
    bool any = false;
    int c;
    buf_reset(b);
    *cut = false;
    while ((c = getc_unlocked(f)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (b->len + n >= max) {
            *cut = true;
            continue;
        }
        chunk[n++] = (char)c;
        if (n == sizeof(chunk)) {
            buf_add(b, chunk, n);
            n = 0;
        }
    }
    buf_add(b, chunk, n); /* also makes data "" for an empty line */
    return any;
}

size_t cli_line_text(struct buf *b)
{
    if (b->len > 0 && b->data[b->len - 1] == '\r')
        b->data[--b->len] = '\0';
    for (char *p = memchr(b->data, '\0', b->len); p;
         p = memchr(p, '\0', (size_t)(b->data + b->len - p)))
        *p = ' ';
    return b->len;
}
