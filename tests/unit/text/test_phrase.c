/* src/text/phrase.c: phrases matched over stemmed tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text/phrase.h"
#include "text/stem.h"
#include "text/tokenize.h"

struct fixture {
    struct stemmer *stem;
    struct phrase_set *ps;
    struct tokens t;
    struct phrase_hit hits[64];
};

static int setup(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof(f));
    f.stem = stemmer_new("english");
    f.ps = phrase_set_new(f.stem);
    tokens_init(&f.t);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    phrase_set_free(f->ps);
    stemmer_free(f->stem);
    tokens_release(&f->t);
    return 0;
}

/* Tokenizes and stems msg, matches, and returns the number of hits. */
static size_t match(struct fixture *f, const char *msg)
{
    assert_int_equal(tokenize(msg, strlen(msg), &f->t), TERR_OK);
    tokens_stem(&f->t, f->stem);
    return phrase_set_match(f->ps, &f->t, f->hits, 64);
}

/* The text a hit covers, from its first token's start to its last's end. */
static const char *span(struct fixture *f, const char *msg, size_t h)
{
    static char out[256];
    uint32_t s = f->t.v[f->hits[h].first].start, e = f->t.v[f->hits[h].last].end;
    snprintf(out, sizeof(out), "%.*s", (int)(e - s), msg + s);
    return out;
}

static void matches_inflections(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(phrase_set_add(f->ps, "sue", 1), TERR_OK);
    assert_int_equal(phrase_set_add(f->ps, "cancel my subscription", 2), TERR_OK);
    phrase_set_build(f->ps);
    assert_int_equal(phrase_set_size(f->ps), 2);

    const char *msg = "I'm SUING you, and I cancelled my subscriptions!";
    assert_int_equal(match(f, msg), 2);
    assert_int_equal(f->hits[0].value, 1);
    assert_string_equal(span(f, msg, 0), "SUING");
    assert_int_equal(f->hits[1].value, 2);
    assert_string_equal(span(f, msg, 1), "cancelled my subscriptions");

    assert_int_equal(match(f, "we sued them"), 1);
    assert_int_equal(match(f, "my subscription was cancelled"), 0);
}

static void wildcard_matches_any_one_token(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(phrase_set_add(f->ps, "switch to *", 7), TERR_OK);
    phrase_set_build(f->ps);
    const char *msg = "I'm switching to @united now";
    assert_int_equal(match(f, msg), 1);
    assert_string_equal(span(f, msg, 0), "switching to @united");
    assert_int_equal(match(f, "time to switch to"), 0);
}

static void reports_overlapping_phrases_in_order_of_last_token(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(phrase_set_add(f->ps, "speak to a manager", 1), TERR_OK);
    assert_int_equal(phrase_set_add(f->ps, "a manager", 2), TERR_OK);
    assert_int_equal(phrase_set_add(f->ps, "manager now", 3), TERR_OK);
    assert_int_equal(phrase_set_add(f->ps, "speak", 4), TERR_OK);
    phrase_set_build(f->ps);
    const char *msg = "Let me speak to a manager now!!!";
    assert_int_equal(match(f, msg), 4);
    assert_int_equal(f->hits[0].value, 4);
    assert_int_equal(f->hits[3].value, 3);
    assert_string_equal(span(f, msg, 3), "manager now");
    /* both phrases ending at "manager", whatever their order */
    assert_int_equal(f->hits[1].last, f->hits[2].last);
    assert_int_equal(f->hits[1].value + f->hits[2].value, 3);
}

static void same_phrase_twice_reports_both_values(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(phrase_set_add(f->ps, "chargeback", 1), TERR_OK);
    assert_int_equal(phrase_set_add(f->ps, "Chargebacks", 2), TERR_OK);
    phrase_set_build(f->ps);
    assert_int_equal(match(f, "I will file a chargeback"), 2);
}

static void punctuation_keys_match(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(phrase_set_add(f->ps, "!!!", 1), TERR_OK);
    phrase_set_build(f->ps);
    assert_int_equal(match(f, "what!!! now!!"), 1);
}

static void many_phrases(void **state)
{
    struct fixture *f = *state;
    char p[64];
    for (unsigned i = 0; i < 2000; i++) {
        snprintf(p, sizeof(p), "word%u thing%u", i, i % 7);
        assert_int_equal(phrase_set_add(f->ps, p, i), TERR_OK);
    }
    assert_int_equal(phrase_set_add(f->ps, "refund", 5000), TERR_OK);
    phrase_set_build(f->ps);
    assert_int_equal(phrase_set_size(f->ps), 2001);
    const char *msg = "word1234 thing2 and word77 thing0, refund please";
    assert_int_equal(match(f, msg), 3);
    assert_int_equal(f->hits[0].value, 1234);
    assert_int_equal(f->hits[1].value, 77);
    assert_int_equal(f->hits[2].value, 5000);
}

static void hits_beyond_max_are_counted_not_stored(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(phrase_set_add(f->ps, "no", 1), TERR_OK);
    phrase_set_build(f->ps);
    assert_int_equal(tokenize("no no no no", 11, &f->t), TERR_OK);
    tokens_stem(&f->t, f->stem);
    f->hits[2].value = 99;
    assert_int_equal(phrase_set_match(f->ps, &f->t, f->hits, 2), 4);
    assert_int_equal(f->hits[1].first, 1);
    assert_int_equal(f->hits[2].value, 99);
}

static void rejects_bad_phrases(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(phrase_set_add(f->ps, "", 1), TERR_INVALID);
    assert_int_equal(phrase_set_add(f->ps, "   ", 1), TERR_INVALID);
    assert_int_equal(phrase_set_add(f->ps, "*", 1), TERR_INVALID);
    assert_int_equal(phrase_set_add(f->ps, "a b c d e f g h i j k l m n o p q", 1), TERR_INVALID);
    assert_int_equal(phrase_set_add(f->ps, "caf\xc3", 1), TERR_BAD_UTF8);
    assert_int_equal(phrase_set_add(f->ps, "a b c d e f g h i j k l m n o p", 1), TERR_OK);
    phrase_set_build(f->ps);
    assert_int_equal(phrase_set_add(f->ps, "late", 2), TERR_INVALID);
    assert_int_equal(phrase_set_size(f->ps), 1);
}

static void set_without_stemmer_matches_normal_forms(void **state)
{
    struct fixture *f = *state;
    struct phrase_set *ps = phrase_set_new(NULL);
    assert_int_equal(phrase_set_add(ps, "Never Again", 1), TERR_OK);
    assert_int_equal(phrase_set_add(ps, "suing", 2), TERR_OK);
    phrase_set_build(ps);
    const char *msg = "NEVER again. sue, suing";
    assert_int_equal(tokenize(msg, strlen(msg), &f->t), TERR_OK);
    assert_int_equal(phrase_set_match(ps, &f->t, f->hits, 64), 2);
    assert_int_equal(f->hits[1].value, 2);
    phrase_set_free(ps);
    phrase_set_free(NULL);
}

struct seen {
    struct phrase_hit v[8];
    size_t n;
};

static void remember(const struct phrase_hit *h, void *ctx)
{
    struct seen *s = ctx;
    if (s->n < 8)
        s->v[s->n] = *h;
    s->n++;
}

static void each_calls_back_per_hit_in_match_order(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(phrase_set_add(f->ps, "cancel * account", 1), TERR_OK);
    assert_int_equal(phrase_set_add(f->ps, "account", 2), TERR_OK);
    phrase_set_build(f->ps);
    size_t n = match(f, "cancel my account, close the account");
    struct seen s = {.n = 0};
    assert_int_equal(phrase_set_each(f->ps, &f->t, remember, &s), n);
    assert_int_equal(s.n, 3);
    assert_memory_equal(s.v, f->hits, 3 * sizeof s.v[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(matches_inflections, setup, teardown),
        cmocka_unit_test_setup_teardown(wildcard_matches_any_one_token, setup, teardown),
        cmocka_unit_test_setup_teardown(reports_overlapping_phrases_in_order_of_last_token, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(same_phrase_twice_reports_both_values, setup, teardown),
        cmocka_unit_test_setup_teardown(punctuation_keys_match, setup, teardown),
        cmocka_unit_test_setup_teardown(many_phrases, setup, teardown),
        cmocka_unit_test_setup_teardown(hits_beyond_max_are_counted_not_stored, setup, teardown),
        cmocka_unit_test_setup_teardown(rejects_bad_phrases, setup, teardown),
        cmocka_unit_test_setup_teardown(set_without_stemmer_matches_normal_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(each_calls_back_per_hit_in_match_order, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
