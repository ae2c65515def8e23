/* src/analysis/emerging.c: the test finds what was planted to rise, and not
 * what stayed flat, on generated messages with a fixed seed; a phrase counts
 * once per ticket, and a longer phrase hides the parts it explains. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/emerging.h"

static uint64_t rng = 42;
static unsigned next(unsigned n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng >> 33) % n);
}

static const char *const filler[] = {
    "my order arrived and the box looked fine",    "can you tell me where the invoice is",
    "the app shows an error on the settings page", "I would like to change my address",
    "the password reset email never came",         "how long does a return usually take",
    "the colour is different from the photo",      "please update the phone number on my account",
};

static const struct emerging_params params = {
    .min_count = 5, .alpha = 0.01, .min_lift = 1.5, .max_items = 100};

/* One period of `n` tickets with one message each: `rise` percent mention the
 * planted phrase and have category "billing", `flat` percent mention the flat
 * phrase with category "shipping" (the same share in every period). */
static void period(struct emerging *e, int n, int rise, bool current, int64_t *id)
{
    for (int i = 0; i < n; i++) {
        char msg[512];
        const char *cat = "other";
        int len = snprintf(msg, sizeof msg, "%s.", filler[next(8)]);
        if ((int)next(100) < rise) {
            len += snprintf(msg + len, sizeof msg - (size_t)len,
                            " I was double charged on my card again!");
            cat = "billing";
        }
        if ((int)next(100) < 10) {
            len += snprintf(msg + len, sizeof msg - (size_t)len,
                            " The courier left the parcel outside.");
            cat = "shipping";
        }
        ++*id;
        assert_int_equal(emerging_add_message(e, msg, (size_t)len, *id, current), TERR_OK);
        emerging_add_ticket(e, cat, *id, current);
    }
}

static const struct emerging_item *find(const struct emerging_item *v, size_t n,
                                        enum emerging_kind kind, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].kind == kind && strcmp(v[i].key, key) == 0)
            return &v[i];
    return NULL;
}

static void planted_rise_is_found_and_flat_is_not(void **state)
{
    (void)state;
    struct emerging *e = emerging_new();
    int64_t id = 0;
    rng = 42;
    for (int k = 0; k < 4; k++)
        period(e, 300, 2, false, &id);
    int64_t first_current = id + 1;
    period(e, 300, 15, true, &id);
    struct emerging_item *v;
    size_t n;
    emerging_find(e, &params, &v, &n);
    /* the planted phrase, stemmed, as a trigram and its parts */
    const struct emerging_item *ph = find(v, n, EMERGING_PHRASE, "doubl charg");
    assert_non_null(ph);
    assert_true(ph->q <= 0.01);
    assert_true(ph->lift > 3.0);
    assert_string_equal(ph->text, "double charged"); /* as written, for a reader */
    assert_in_range((uint64_t)ph->n_examples, 1, 3);
    for (size_t i = 0; i < ph->n_examples; i++)
        assert_true(ph->examples[i] >= first_current);
    assert_non_null(find(v, n, EMERGING_PHRASE, "card")); /* "on my" break the run */
    assert_null(find(v, n, EMERGING_PHRASE, "doubl charg card"));
    const struct emerging_item *cat = find(v, n, EMERGING_CATEGORY, "billing");
    assert_non_null(cat);
    assert_string_equal(cat->text, "billing");
    /* flat: the same share in every period */
    assert_null(find(v, n, EMERGING_PHRASE, "courier"));
    assert_null(find(v, n, EMERGING_PHRASE, "parcel outsid"));
    assert_null(find(v, n, EMERGING_CATEGORY, "shipping"));
    /* filler and stop words never come out */
    assert_null(find(v, n, EMERGING_PHRASE, "invoic"));
    assert_null(find(v, n, EMERGING_PHRASE, "the"));
    /* ranked by q-value */
    for (size_t i = 1; i < n; i++)
        assert_true(v[i - 1].q <= v[i].q);
    emerging_items_free(v, n);
    emerging_free(e);
}

static void nothing_rises_in_a_steady_stream(void **state)
{
    (void)state;
    struct emerging *e = emerging_new();
    int64_t id = 0;
    rng = 7;
    for (int k = 0; k < 4; k++)
        period(e, 300, 5, false, &id);
    period(e, 300, 5, true, &id);
    struct emerging_item *v;
    size_t n;
    emerging_find(e, &params, &v, &n);
    assert_int_equal(n, 0);
    emerging_items_free(v, n);
    emerging_free(e);
}

/* Baseline volume: 60 quiet tickets. */
static void quiet_baseline(struct emerging *e)
{
    for (int i = 0; i < 60; i++)
        emerging_add_message(e, "hello", 5, 1000 + i, false);
}

static void a_phrase_counts_once_per_ticket(void **state)
{
    (void)state;
    struct emerging *e = emerging_new();
    const char *m = "refund refund refund. refund!";
    for (int i = 0; i < 6; i++) { /* two messages per ticket */
        emerging_add_message(e, m, strlen(m), 100 + i, true);
        emerging_add_message(e, m, strlen(m), 100 + i, true);
    }
    quiet_baseline(e);
    struct emerging_item *v;
    size_t n;
    emerging_find(e, &params, &v, &n);
    const struct emerging_item *it = find(v, n, EMERGING_PHRASE, "refund refund refund");
    assert_non_null(it);
    assert_int_equal(it->count, 6);
    assert_int_equal(it->base, 0);
    assert_int_equal(it->n_examples, 3);
    assert_int_equal(it->examples[0], 100);
    /* its parts are as frequent: the trigram explains them */
    assert_null(find(v, n, EMERGING_PHRASE, "refund"));
    assert_null(find(v, n, EMERGING_PHRASE, "refund refund"));
    emerging_items_free(v, n);
    emerging_free(e);
}

static void weak_words_alone_are_no_phrase(void **state)
{
    (void)state;
    struct emerging *e = emerging_new();
    const char *m = "Still not working, no.";
    for (int i = 0; i < 8; i++)
        emerging_add_message(e, m, strlen(m), 200 + i, true);
    quiet_baseline(e);
    struct emerging_item *v;
    size_t n;
    emerging_find(e, &params, &v, &n);
    assert_null(find(v, n, EMERGING_PHRASE, "not"));
    assert_null(find(v, n, EMERGING_PHRASE, "still not"));
    assert_null(find(v, n, EMERGING_PHRASE, "no"));
    assert_non_null(find(v, n, EMERGING_PHRASE, "still not work"));
    emerging_items_free(v, n);
    emerging_free(e);
}

static void one_ticket_repeating_itself_is_one_voice(void **state)
{
    (void)state;
    struct emerging *e = emerging_new();
    quiet_baseline(e);
    const char *m = "The flux capacitor exploded again.";
    for (int i = 0; i < 23; i++)
        emerging_add_message(e, m, strlen(m), 13, true);
    for (int i = 0; i < 3; i++)
        emerging_add_message(e, "hello", 5, 20 + i, true);
    struct emerging_item *v;
    size_t n;
    emerging_find(e, &params, &v, &n);
    assert_int_equal(n, 0);
    assert_true(emerging_has(e, EMERGING_PHRASE, "flux capacitor"));
    emerging_items_free(v, n);
    emerging_free(e);
}

static void a_phrase_hides_the_parts_it_explains(void **state)
{
    (void)state;
    struct emerging *e = emerging_new();
    quiet_baseline(e);
    const char *m = "The flux capacitor exploded.";
    for (int i = 0; i < 8; i++)
        emerging_add_message(e, m, strlen(m), 100 + i, true);
    const char *f = "My flux is low.";
    for (int i = 0; i < 12; i++)
        emerging_add_message(e, f, strlen(f), 200 + i, true);
    struct emerging_item *v;
    size_t n;
    emerging_find(e, &params, &v, &n);
    assert_non_null(find(v, n, EMERGING_PHRASE, "flux capacitor explod"));
    assert_null(find(v, n, EMERGING_PHRASE, "flux capacitor"));
    assert_null(find(v, n, EMERGING_PHRASE, "capacitor"));
    assert_null(find(v, n, EMERGING_PHRASE, "capacitor explod"));
    /* "flux" is in 20 tickets, the trigram in 8: not explained by it */
    assert_non_null(find(v, n, EMERGING_PHRASE, "flux"));
    assert_false(emerging_has(e, EMERGING_PHRASE, "flux capacitor explod again"));
    emerging_items_free(v, n);
    emerging_free(e);
}

static void binomial_tail_is_exact(void **state)
{
    (void)state;
    assert_true(fabs(emerging_binom_upper(3, 3, 0.5) - 0.125) < 1e-12);
    assert_true(fabs(emerging_binom_upper(1, 2, 0.5) - 0.75) < 1e-12);
    assert_true(fabs(emerging_binom_upper(0, 5, 0.3) - 1.0) < 1e-12);
    /* 2 of 4 at r = 0.2: 1 - 0.8^4 - 4 * 0.2 * 0.8^3 = 0.1808 */
    assert_true(fabs(emerging_binom_upper(2, 4, 0.2) - 0.1808) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(planted_rise_is_found_and_flat_is_not),
        cmocka_unit_test(nothing_rises_in_a_steady_stream),
        cmocka_unit_test(a_phrase_counts_once_per_ticket),
        cmocka_unit_test(weak_words_alone_are_no_phrase),
        cmocka_unit_test(one_ticket_repeating_itself_is_one_voice),
        cmocka_unit_test(a_phrase_hides_the_parts_it_explains),
        cmocka_unit_test(binomial_tail_is_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
