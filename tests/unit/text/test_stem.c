/* src/text/stem.c: Snowball stems through the cache, and tokens_stem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text/stem.h"
#include "text/tokenize.h"

static const char *stem(struct stemmer *s, const char *w)
{
    static char out[128];
    size_t n;
    const char *r = stemmer_stem(s, w, strlen(w), &n);
    snprintf(out, sizeof(out), "%.*s", (int)n, r);
    return out;
}

static void stems_inflections_together(void **state)
{
    (void)state;
    struct stemmer *s = stemmer_new("english");
    assert_non_null(s);
    assert_string_equal(stem(s, "suing"), "sue");
    assert_string_equal(stem(s, "sued"), "sue");
    assert_string_equal(stem(s, "sue"), "sue");
    assert_string_equal(stem(s, "cancelled"), "cancel");
    assert_string_equal(stem(s, "cancellation"), "cancel");
    assert_string_equal(stem(s, "refunded"), "refund");
    assert_string_equal(stem(s, "waiting"), "wait");
    /* the final-e repair is only for words the stemmer keeps whole */
    assert_string_equal(stem(s, "argued"), stem(s, "argue"));
    stemmer_free(s);
}

static void cache_gives_the_same_answers(void **state)
{
    (void)state;
    struct stemmer *s = stemmer_new("english");
    char w[32], first[128];
    /* more words than cache slots, twice, so hits, misses and evictions mix */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < 10000; i += 7) {
            snprintf(w, sizeof(w), "waiting%u", i);
            assert_string_equal(stem(s, "cancellations"), "cancel");
            snprintf(first, sizeof(first), "%s", stem(s, w));
            assert_string_equal(first, w); /* digits at the end: nothing to strip */
        }
    }
    const char *longw = "antidisestablishmentarianismsssss"; /* past the cache's width */
    snprintf(first, sizeof(first), "%s", stem(s, longw));
    assert_string_equal(stem(s, longw), first);
    stemmer_free(s);
}

static void unknown_language(void **state)
{
    (void)state;
    assert_null(stemmer_new("klingon"));
    stemmer_free(NULL);
    struct stemmer *fr = stemmer_new("french");
    assert_non_null(fr);
    assert_string_equal(stem(fr, "remboursement"), "rembours");
    stemmer_free(fr);
}

static void tokens_stem_fills_words_only(void **state)
{
    (void)state;
    struct stemmer *s = stemmer_new("english");
    struct tokens t;
    tokens_init(&t);
    const char *msg = "Cancelled flights!!! #cancelled @suing 3rd";
    assert_int_equal(tokenize(msg, strlen(msg), &t), TERR_OK);
    tokens_stem(&t, s);
    assert_string_equal(tok_stem(&t, 0), "cancel");
    assert_int_equal(t.v[0].stem_len, 6);
    assert_string_equal(tok_norm(&t, 0), "cancelled");
    assert_string_equal(tok_stem(&t, 1), "flight");
    assert_string_equal(tok_stem(&t, 2), "!!!");
    assert_string_equal(tok_stem(&t, 3), "#cancelled");
    assert_string_equal(tok_stem(&t, 4), "@suing");
    assert_string_equal(tok_stem(&t, 5), "3rd");
    /* stemming twice gives the same stems */
    tokens_stem(&t, s);
    assert_string_equal(tok_stem(&t, 0), "cancel");
    /* without a stemmer the stem is the normal form */
    tokens_stem(&t, NULL);
    assert_string_equal(tok_stem(&t, 0), "cancelled");
    tokens_release(&t);
    stemmer_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stems_inflections_together),
        cmocka_unit_test(cache_gives_the_same_answers),
        cmocka_unit_test(unknown_language),
        cmocka_unit_test(tokens_stem_fills_words_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
