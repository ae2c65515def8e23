/* src/text/tokenize.c: kinds, offsets, normal forms, flags, sentences, quotes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text/tokenize.h"

static struct tokens t;
static const char *cur;

static int setup(void **state)
{
    (void)state;
    tokens_init(&t);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tokens_release(&t);
    tokens_release(NULL);
    return 0;
}

static void tok(const char *s)
{
    cur = s;
    assert_int_equal(tokenize(s, strlen(s), &t), TERR_OK);
}

/* What token i covers in the original text. */
static const char *orig(size_t i)
{
    static char out[512];
    assert_true(i < t.n);
    snprintf(out, sizeof(out), "%.*s", (int)(t.v[i].end - t.v[i].start), cur + t.v[i].start);
    return out;
}

/* The index of the first token whose original text is s; fails when none. */
static size_t find(const char *s)
{
    for (size_t i = 0; i < t.n; i++) {
        if (strcmp(orig(i), s) == 0)
            return i;
    }
    fail_msg("no token '%s' in '%s'", s, cur);
    return 0;
}

static void check(const char *s, enum tok_kind kind, const char *norm)
{
    size_t i = find(s);
    if (t.v[i].kind != kind)
        fail_msg("'%s': kind %d, expected %d", s, t.v[i].kind, kind);
    assert_string_equal(tok_norm(&t, i), norm);
    assert_int_equal(strlen(norm), t.v[i].norm_len);
}

static void real_customer_message(void **state)
{
    (void)state;
    tok("I've called THREE times!!! still waiting on order #10482 :( @DeltaAssist "
        "https://t.co/x \xf0\x9f\x98\xa1\xf0\x9f\x98\xa1");
    static const char *const want[] = {"I've", "called", "THREE", "times", "!!!", "still",
                                       "waiting", "on", "order", "#10482", ":(", "@DeltaAssist",
                                       "https://t.co/x", "\xf0\x9f\x98\xa1", "\xf0\x9f\x98\xa1"};
    assert_int_equal(t.n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < t.n; i++)
        assert_string_equal(orig(i), want[i]);
    check("I've", TOK_WORD, "i've");
    check("THREE", TOK_WORD, "three");
    check("!!!", TOK_PUNCT, "!!!");
    check("#10482", TOK_ID, "#10482");
    check(":(", TOK_EMOTICON, ":(");
    check("@DeltaAssist", TOK_HANDLE, "@deltaassist");
    check("https://t.co/x", TOK_URL, "https://t.co/x");
    assert_int_equal(t.v[13].kind, TOK_EMOJI);
    assert_int_equal(t.v[14].kind, TOK_EMOJI);
    assert_int_equal(t.v[14].end, strlen(cur));
}

static void offsets_increase_and_point_into_the_text(void **state)
{
    (void)state;
    tok("  Caf\xc3\xa9  na\xc3\xafve\t\xe2\x80\x9cquoted\xe2\x80\x9d\n\n end ");
    assert_int_equal(t.n, 6);
    assert_int_equal(t.v[0].start, 2);
    assert_string_equal(orig(0), "Caf\xc3\xa9");
    assert_string_equal(orig(1), "na\xc3\xafve");
    assert_string_equal(orig(2), "\xe2\x80\x9c");
    assert_string_equal(orig(5), "end");
    for (size_t i = 1; i < t.n; i++)
        assert_true(t.v[i].start >= t.v[i - 1].end);
}

static void numbers(void **state)
{
    (void)state;
    tok("paid $40 and \xe2\x82\xac" "12.50, 40% off, 3.5 stars, 1,200 miles at 10:30 on 24/7 the 3rd 5pm");
    check("$40", TOK_NUMBER, "$40");
    check("\xe2\x82\xac" "12.50", TOK_NUMBER, "\xe2\x82\xac" "12.50");
    check("40%", TOK_NUMBER, "40%");
    check("3.5", TOK_NUMBER, "3.5");
    check("1,200", TOK_NUMBER, "1,200");
    check("10:30", TOK_NUMBER, "10:30");
    check("24/7", TOK_NUMBER, "24/7");
    check("3rd", TOK_NUMBER, "3rd");
    check("5pm", TOK_NUMBER, "5pm");
    /* a comma between numbers that is not a thousands separator splits them */
    tok("1,2");
    assert_int_equal(t.n, 3);
}

static void ids(void **state)
{
    (void)state;
    tok("flight UA1234, ref AB-12-C, order #10482 and COVID-19 on B737");
    check("UA1234", TOK_ID, "ua1234");
    check("AB-12-C", TOK_ID, "ab-12-c");
    check("#10482", TOK_ID, "#10482");
    check("COVID-19", TOK_ID, "covid-19");
    check("B737", TOK_ID, "b737");
}

static void hyphenated_words_split(void **state)
{
    (void)state;
    tok("a follow-up 24-hour wait");
    check("follow", TOK_WORD, "follow");
    check("up", TOK_WORD, "up");
    check("24", TOK_NUMBER, "24");
    check("hour", TOK_WORD, "hour");
    assert_int_equal(t.n, 6); /* no token for the hyphens */
}

static void urls_emails_handles_tags(void **state)
{
    (void)state;
    tok("see https://example.com/a_(b)?x=1. or www.Delta.com/Help, mail Jo.Doe+x@Mail.Example.org "
        "@united_help #FAIL #neverAgain (http://x.io/y)");
    check("https://example.com/a_(b)?x=1", TOK_URL, "https://example.com/a_(b)?x=1");
    check("www.Delta.com/Help", TOK_URL, "www.Delta.com/Help");
    check("Jo.Doe+x@Mail.Example.org", TOK_EMAIL, "jo.doe+x@mail.example.org");
    check("@united_help", TOK_HANDLE, "@united_help");
    check("#FAIL", TOK_HASHTAG, "#fail");
    check("#neverAgain", TOK_HASHTAG, "#neveragain");
    check("http://x.io/y", TOK_URL, "http://x.io/y");
    /* an '@' inside a word is neither a handle nor an address without a domain */
    tok("me@home");
    assert_int_equal(t.n, 3);
    check("@", TOK_PUNCT, "@");
}

static void emoji_are_grapheme_clusters(void **state)
{
    (void)state;
    /* thumbs up + skin tone, family (ZWJ), two flags, heart + VS16, keycap */
    tok("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd "
        "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"
        "\xf0\x9f\x87\xba\xf0\x9f\x87\xb8\xf0\x9f\x87\xac\xf0\x9f\x87\xa7"
        "\xe2\x9d\xa4\xef\xb8\x8f 1\xef\xb8\x8f\xe2\x83\xa3");
    assert_int_equal(t.n, 6);
    for (size_t i = 0; i < t.n; i++)
        assert_int_equal(t.v[i].kind, TOK_EMOJI);
    assert_int_equal(t.v[0].end - t.v[0].start, 8);
    assert_int_equal(t.v[1].end - t.v[1].start, 18);
    assert_int_equal(t.v[2].end - t.v[2].start, 8);
    assert_int_equal(t.v[3].end - t.v[3].start, 8);
    assert_int_equal(t.v[4].end - t.v[4].start, 6);
    assert_int_equal(t.v[5].end - t.v[5].start, 7);
}

static void emoticons(void **state)
{
    (void)state;
    tok("ok :) :-) :( :'( :D ;) :/ :P <3 </3 :| xD ^_^ :)))");
    static const char *const want[] = {":)", ":-)", ":(", ":'(", ":D", ";)", ":/", ":P",
                                       "<3", "</3", ":|", "xD", "^_^", ":)))"};
    assert_int_equal(t.n, 1 + sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_string_equal(orig(i + 1), want[i]);
        assert_int_equal(t.v[i + 1].kind, TOK_EMOTICON);
    }
    /* not when letters touch them, nor in a time or a URL */
    tok("Note:Please xDrive 10:30 ftp://x <30");
    for (size_t i = 0; i < t.n; i++)
        assert_int_not_equal(t.v[i].kind, TOK_EMOTICON);
    tok("thanks:)");
    check(":)", TOK_EMOTICON, ":)");
}

static void punctuation_runs(void **state)
{
    (void)state;
    tok("what?!?! no!!! ok... \xe2\x80\xa6");
    check("!!!", TOK_PUNCT, "!!!");
    check("...", TOK_PUNCT, "...");
    check("\xe2\x80\xa6", TOK_PUNCT, "\xe2\x80\xa6");
    assert_string_equal(orig(1), "?");
    assert_string_equal(orig(2), "!");
}

static void elongation_is_cut_to_two(void **state)
{
    (void)state;
    tok("sooooo goood SOOOO cool");
    check("sooooo", TOK_WORD, "soo");
    assert_true(t.v[0].flags & TOK_ELONGATED);
    check("goood", TOK_WORD, "good");
    check("SOOOO", TOK_WORD, "soo");
    check("cool", TOK_WORD, "cool");
    assert_false(t.v[3].flags & TOK_ELONGATED);
    tok("n\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4in");
    assert_string_equal(tok_norm(&t, 0), "n\xc3\xa4\xc3\xa4in");
    assert_true(t.v[0].flags & TOK_ELONGATED);
}

static void capitals(void **state)
{
    (void)state;
    tok("I am VERY ANGRY at Delta, OK? A iPhone \xc3\x89T\xc3\x89 \xc3\x89t\xc3\xa9");
    assert_true(t.v[find("VERY")].flags & TOK_ALLCAPS);
    assert_true(t.v[find("OK")].flags & TOK_ALLCAPS);
    assert_false(t.v[find("I")].flags & TOK_ALLCAPS);
    assert_false(t.v[find("A")].flags & TOK_ALLCAPS);
    assert_true(t.v[find("Delta")].flags & TOK_CAPITALISED);
    assert_false(t.v[find("Delta")].flags & TOK_ALLCAPS);
    assert_false(t.v[find("am")].flags & (TOK_ALLCAPS | TOK_CAPITALISED));
    assert_false(t.v[find("iPhone")].flags & (TOK_ALLCAPS | TOK_CAPITALISED));
    assert_true(t.v[find("\xc3\x89T\xc3\x89")].flags & TOK_ALLCAPS);
    assert_true(t.v[find("\xc3\x89t\xc3\xa9")].flags & TOK_CAPITALISED);
}

static void contractions_and_typographic_apostrophes(void **state)
{
    (void)state;
    tok("don\xe2\x80\x99t I\xca\xbcm can't customers' bags rock'n'roll");
    check("don\xe2\x80\x99t", TOK_WORD, "don't");
    check("I\xca\xbcm", TOK_WORD, "i'm");
    check("can't", TOK_WORD, "can't");
    check("customers", TOK_WORD, "customers");
    check("'", TOK_PUNCT, "'");
    check("rock'n'roll", TOK_WORD, "rock'n'roll");
}

static void negators(void **state)
{
    (void)state;
    tok("not no never nothing nobody none nowhere neither nor without cannot "
        "don't won\xe2\x80\x99t ain't dont wont cant didnt isnt");
    for (size_t i = 0; i < t.n; i++) {
        if (!(t.v[i].flags & TOK_NEGATOR))
            fail_msg("'%s' is not a negator", orig(i));
    }
    tok("know note nothingness notice on now");
    for (size_t i = 0; i < t.n; i++)
        assert_false(t.v[i].flags & TOK_NEGATOR);
}

static void sentences(void **state)
{
    (void)state;
    tok("Mr. Smith paid 3.5 times more. Why?! I asked e.g. twice...\nStill nothing");
    assert_int_equal(t.v[find("Smith")].sentence, 0);
    assert_int_equal(t.v[find("3.5")].sentence, 0);
    assert_int_equal(t.v[find("Why")].sentence, 1);
    assert_int_equal(t.v[find("I")].sentence, 2);
    assert_int_equal(t.v[find("twice")].sentence, 2);
    assert_int_equal(t.v[find("Still")].sentence, 3);
    assert_int_equal(t.n_sentences, 4);
    /* a line break ends one; blank lines and a trailing '.' add none */
    tok("one\n\n\ntwo.");
    assert_int_equal(t.n_sentences, 2);
    tok("see www.example.com. Then");
    assert_int_equal(t.v[find("Then")].sentence, 1);
    tok("He said \"no.\" Then left");
    assert_int_equal(t.v[find("Then")].sentence, 1);
}

static void quotes(void **state)
{
    (void)state;
    tok("they said \"we can't help\" and called it \xe2\x80\x9cpolicy\xe2\x80\x9d, "
        "a 'premium' seat, my kids' toys");
    assert_true(t.v[find("we")].flags & TOK_QUOTED);
    assert_true(t.v[find("help")].flags & TOK_QUOTED);
    assert_false(t.v[find("they")].flags & TOK_QUOTED);
    assert_false(t.v[find("and")].flags & TOK_QUOTED);
    assert_true(t.v[find("policy")].flags & TOK_QUOTED);
    assert_true(t.v[find("premium")].flags & TOK_QUOTED);
    assert_false(t.v[find("seat")].flags & TOK_QUOTED);
    assert_false(t.v[find("toys")].flags & TOK_QUOTED);
    /* an unclosed quote marks nothing */
    tok("a \"stray quote and more words");
    for (size_t i = 0; i < t.n; i++)
        assert_false(t.v[i].flags & TOK_QUOTED);
}

static void casefold_and_nfc(void **state)
{
    (void)state;
    tok("CAF\xc3\x89 cafe\xcc\x81 Stra\xc3\x9f" "e");
    assert_string_equal(tok_norm(&t, 0), "caf\xc3\xa9");
    assert_string_equal(tok_norm(&t, 1), "caf\xc3\xa9");
    assert_string_equal(orig(1), "cafe\xcc\x81");
    assert_string_equal(tok_norm(&t, 2), "strasse");
}

static void rejects_bad_input_and_leaves_t_empty(void **state)
{
    (void)state;
    tok("some words");
    assert_int_equal(tokenize("ok \xc3(", 5, &t), TERR_BAD_UTF8);
    assert_int_equal(t.n, 0);
    assert_int_equal(t.n_sentences, 0);
    tok("some words");
    assert_int_equal(tokenize("a\0b", 3, &t), TERR_BAD_UTF8);
    assert_int_equal(t.n, 0);

    size_t big = TOKENIZE_MAX_BYTES + 1;
    char *s = malloc(big);
    memset(s, 'a', big);
    tok("some words");
    assert_int_equal(tokenize(s, big, &t), TERR_TOO_LARGE);
    assert_int_equal(t.n, 0);
    free(s);
}

static void empty_and_blank_text(void **state)
{
    (void)state;
    tok("");
    assert_int_equal(t.n, 0);
    assert_int_equal(t.n_sentences, 0);
    tok(" \t\n\r\n ");
    assert_int_equal(t.n, 0);
    assert_int_equal(t.n_sentences, 0);
}

static void long_runs_are_cut_into_bounded_tokens(void **state)
{
    (void)state;
    size_t n = 5000;
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + i % 26);
    s[n] = '\0';
    tok(s);
    assert_true(t.n > 1);
    size_t covered = 0;
    for (size_t i = 0; i < t.n; i++) {
        assert_true(t.v[i].end - t.v[i].start <= 1024);
        assert_int_equal(t.v[i].start, covered);
        covered = t.v[i].end;
    }
    assert_int_equal(covered, n);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_customer_message),
        cmocka_unit_test(offsets_increase_and_point_into_the_text),
        cmocka_unit_test(numbers),
        cmocka_unit_test(ids),
        cmocka_unit_test(hyphenated_words_split),
        cmocka_unit_test(urls_emails_handles_tags),
        cmocka_unit_test(emoji_are_grapheme_clusters),
        cmocka_unit_test(emoticons),
        cmocka_unit_test(punctuation_runs),
        cmocka_unit_test(elongation_is_cut_to_two),
        cmocka_unit_test(capitals),
        cmocka_unit_test(contractions_and_typographic_apostrophes),
        cmocka_unit_test(negators),
        cmocka_unit_test(sentences),
        cmocka_unit_test(quotes),
        cmocka_unit_test(casefold_and_nfc),
        cmocka_unit_test(rejects_bad_input_and_leaves_t_empty),
        cmocka_unit_test(empty_and_blank_text),
        cmocka_unit_test(long_runs_are_cut_into_bounded_tokens),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
