/*
 * libFuzzer target for the search query builder and snippet parts
 * (src/text/fts_query.c).
 *
 * The input is the ?q= value a client sends (cut at its first NUL), built in
 * both join modes.  Invariants: the expression is NULL or made only of
 * quoted terms (word bytes, no quote) joined by " " or " OR ", with at most a
 * final " *"; SQLite's FTS5 accepts it as a MATCH expression (never a syntax
 * error, so no user text is ever read as FTS5 syntax).  The input is also
 * cut into snippet parts, whose texts joined give the input less its marks.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "text/fts_query.h"

static sqlite3 *db;
static sqlite3_stmt *match;

static void setup(void)
{
    if (db)
        return;
    FUZZ_ASSERT(sqlite3_open(":memory:", &db) == SQLITE_OK);
    FUZZ_ASSERT(sqlite3_exec(db,
                             "CREATE VIRTUAL TABLE t USING fts5(a, b, tokenize='unicode61"
                             " remove_diacritics 2', prefix='2 3');"
                             "INSERT INTO t VALUES ('refund late', 'café crème');",
                             NULL, NULL, NULL) == SQLITE_OK);
    FUZZ_ASSERT(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?", -1, &match,
                                   NULL) == SQLITE_OK);
}

static bool word(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static void check_shape(const char *q)
{
    const char *p = q;
    for (;;) {
        FUZZ_ASSERT(*p == '"');
        p++;
        const char *start = p;
        while (word((unsigned char)*p))
            p++;
        FUZZ_ASSERT(p > start && p - start <= FTS_QUERY_MAX_TERM);
        FUZZ_ASSERT(*p == '"');
        p++;
        if (!*p)
            return;
        if (strcmp(p, " *") == 0)
            return;
        if (strncmp(p, " OR ", 4) == 0)
            p += 4;
        else {
            FUZZ_ASSERT(*p == ' ');
            p++;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    for (int j = 0; j < 2; j++) {
        char *q = fts_query_build(s, j ? FTS_ANY : FTS_ALL);
        if (!q)
            continue;
        check_shape(q);
        sqlite3_bind_text(match, 1, q, -1, SQLITE_STATIC);
        int rc = sqlite3_step(match);
        FUZZ_ASSERT(rc == SQLITE_ROW);
        sqlite3_reset(match);
        free(q);
    }
    struct snippet_part *p;
    size_t n = snippet_parts(s, &p);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(p[i].text);
        FUZZ_ASSERT(k > 0);
        while (s[at] == '\x01' || s[at] == '\x02')
            at++;
        FUZZ_ASSERT(strncmp(s + at, p[i].text, k) == 0);
        at += k;
    }
    while (s[at] == '\x01' || s[at] == '\x02')
        at++;
    FUZZ_ASSERT(s[at] == '\0');
    snippet_parts_free(p, n);
    free(s);
    return 0;
}
