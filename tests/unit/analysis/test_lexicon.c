/* src/analysis/lexicon.c: VADER's valence lexicon in a hash table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/lexicon.h"

#define WORDS "data/lexicons/vader_lexicon.txt"
#define EMOJI "data/lexicons/vader_emoji_utf8_lexicon.txt"

/* Writes text to a fresh temporary file; the caller unlinks path. */
static void write_temp(char *path, size_t pathlen, const char *text)
{
    const char *base = getenv("TMPDIR");
    snprintf(path, pathlen, "%s/truce-lexicon-XXXXXX", base && *base ? base : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static double get(const struct lexicon *lx, const char *w)
{
    double v = -99;
    assert_true(lexicon_get(lx, w, strlen(w), &v));
    return v;
}

static bool has(const struct lexicon *lx, const char *w)
{
    double v;
    return lexicon_get(lx, w, strlen(w), &v);
}

static void loads_vader_words_with_their_valence(void **state)
{
    (void)state;
    char err[256] = "";
    struct lexicon *lx = lexicon_load(WORDS, NULL, err, sizeof err);
    assert_non_null(lx);
    assert_string_equal(err, "");
    assert_float_equal(get(lx, "good"), 1.9, 1e-6);
    assert_float_equal(get(lx, "horrible"), -2.5, 1e-6);
    assert_float_equal(get(lx, "sux"), -1.5, 1e-6);
    assert_false(has(lx, "the"));
    assert_false(has(lx, "goo"));   /* a prefix of "good" is not a key */
    assert_false(has(lx, "goodd")); /* nor a longer word */
    /* 7,520 lines, a few listed twice or in two cases ("lol", ":D"/":d"). */
    assert_true(lexicon_size(lx) > 7400 && lexicon_size(lx) <= 7520);
    lexicon_free(lx);
}

static void emoticons_are_keys(void **state)
{
    (void)state;
    char err[256];
    struct lexicon *lx = lexicon_load(WORDS, NULL, err, sizeof err);
    assert_non_null(lx);
    assert_float_equal(get(lx, ":)"), 2.0, 1e-6);
    assert_float_equal(get(lx, ":("), -1.9, 1e-6);
    assert_float_equal(get(lx, "<3"), 1.9, 1e-6);
    /* ":D" and ":d" fold to one key; VADER looks up ":d", so its line wins. */
    assert_float_equal(get(lx, ":d"), 2.3, 1e-6);
    assert_float_equal(get(lx, ":p"), 1.0, 1e-6);
    lexicon_free(lx);
}

static void keys_are_case_folded_and_later_duplicates_win(void **state)
{
    (void)state;
    char path[256], err[256];
    write_temp(path, sizeof path,
               "Great\t3.1\t0.5\t[3, 3]\n"
               "CAF\xc3\x89\t1.0\n"        /* CAFÉ */
               "lol\t2.9\n"
               "lol\t1.8\n"
               ":d\t2.3\n"
               ":D\t-1.0\n"                /* not lower case: VADER never sees it */
               "\n");
    struct lexicon *lx = lexicon_load(path, NULL, err, sizeof err);
    unlink(path);
    assert_non_null(lx);
    assert_float_equal(get(lx, "great"), 3.1, 1e-6);
    assert_false(has(lx, "Great")); /* lookups take normal forms */
    assert_float_equal(get(lx, "caf\xc3\xa9"), 1.0, 1e-6);
    assert_float_equal(get(lx, "lol"), 1.8, 1e-6);
    assert_float_equal(get(lx, ":d"), 2.3, 1e-6);
    assert_int_equal(lexicon_size(lx), 4);
    lexicon_free(lx);
}

static void emoji_take_the_valence_of_their_description(void **state)
{
    (void)state;
    char err[256];
    struct lexicon *lx = lexicon_load(WORDS, EMOJI, err, sizeof err);
    assert_non_null(lx);
    /* "face with tears of joy": tears -0.9 + joy 2.8. */
    assert_float_equal(get(lx, "\xf0\x9f\x98\x82"), 1.9, 1e-6);
    /* "angry face": angry -2.3. */
    assert_float_equal(get(lx, "\xf0\x9f\x98\xa0"), -2.3, 1e-6);
    /* "broken heart": VADER's special case makes it negative, not 3.2 - 2.1. */
    assert_true(get(lx, "\xf0\x9f\x92\x94") < -3.0);
    /* "pouting face" has no word VADER rates: not listed, as in VADER. */
    assert_false(has(lx, "\xf0\x9f\x98\xa1"));
    /* The words themselves are still there. */
    assert_float_equal(get(lx, "joy"), 2.8, 1e-6);
    lexicon_free(lx);
}

static void missing_file_is_an_error_naming_it(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(lexicon_load("data/lexicons/no-such-file.txt", NULL, err, sizeof err));
    assert_non_null(strstr(err, "'data/lexicons/no-such-file.txt'"));
    err[0] = '\0';
    assert_null(lexicon_load(WORDS, "data/lexicons/no-such-emoji.txt", err, sizeof err));
    assert_non_null(strstr(err, "no-such-emoji.txt"));
}

static void expect_line_error(const char *text, const char *line_part, const char *what)
{
    char path[256], err[256] = "";
    write_temp(path, sizeof path, text);
    struct lexicon *lx = lexicon_load(path, NULL, err, sizeof err);
    unlink(path);
    assert_null(lx);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, line_part));
    assert_non_null(strstr(err, what));
}

static void malformed_lines_are_errors_naming_file_and_line(void **state)
{
    (void)state;
    expect_line_error("good\t1.9\nbad -2.5\n", "line 2", "token<TAB>valence");
    expect_line_error("good\t1.9\n\nbad\tvery\t0.5\n", "line 3", "'very'");
    expect_line_error("good\t12\n", "line 1", "-4..4");
    expect_line_error("good\t\n", "line 1", "not a number");
    expect_line_error("\tgood\t1.0\n", "line 1", "token<TAB>valence");
    expect_line_error("ok\t1.0\nb\xff\xfe\t1.0\n", "line 2", "UTF-8");
}

static void malformed_emoji_line_is_an_error(void **state)
{
    (void)state;
    char path[256], err[256] = "";
    write_temp(path, sizeof path, "\xf0\x9f\x98\x82\tface with tears of joy\n\xf0\x9f\x98\xa0\n");
    struct lexicon *lx = lexicon_load(WORDS, path, err, sizeof err);
    unlink(path);
    assert_null(lx);
    assert_non_null(strstr(err, "line 2"));
    assert_non_null(strstr(err, "emoji<TAB>description"));
}

static void free_accepts_null(void **state)
{
    (void)state;
    lexicon_free(NULL);
    double v;
    assert_false(lexicon_get(NULL, "good", 4, &v));
    assert_int_equal(lexicon_size(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_vader_words_with_their_valence),
        cmocka_unit_test(emoticons_are_keys),
        cmocka_unit_test(keys_are_case_folded_and_later_duplicates_win),
        cmocka_unit_test(emoji_take_the_valence_of_their_description),
        cmocka_unit_test(missing_file_is_an_error_naming_it),
        cmocka_unit_test(malformed_lines_are_errors_naming_file_and_line),
        cmocka_unit_test(malformed_emoji_line_is_an_error),
        cmocka_unit_test(free_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
