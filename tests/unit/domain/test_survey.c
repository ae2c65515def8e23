/* src/domain/survey.c: what makes a survey answer valid, and low. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/survey.h"
#include "util/alloc.h"

#define NONE SURVEY_NO_SCORE

static enum terr check(int csat, int nps, int ces, const char *comment, struct terr_info *ei)
{
    struct survey_answer a = {csat, nps, ces, comment};
    memset(ei, 0, sizeof(*ei));
    return survey_answer_check(&a, ei);
}

static void scores_at_their_bounds_are_valid(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check(1, 0, 1, NULL, &ei), TERR_OK);
    assert_int_equal(check(5, 10, 7, "thanks", &ei), TERR_OK);
    assert_int_equal(check(NONE, NONE, 4, NULL, &ei), TERR_OK);
}

static void scores_out_of_range_name_their_field(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check(0, NONE, NONE, NULL, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "csat");
    assert_int_equal(check(6, NONE, NONE, NULL, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "csat");
    assert_int_equal(check(NONE, 11, NONE, NULL, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "nps");
    assert_int_equal(check(NONE, -2, NONE, NULL, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "nps");
    assert_int_equal(check(NONE, NONE, 8, NULL, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "ces");
    assert_int_equal(check(NONE, NONE, 0, NULL, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "ces");
}

static void an_answer_needs_a_score(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check(NONE, NONE, NONE, NULL, &ei), TERR_MISSING_FIELD);
    assert_int_equal(check(NONE, NONE, NONE, "just words", &ei), TERR_MISSING_FIELD);
}

static void the_comment_limit_counts_characters(void **state)
{
    (void)state;
    struct terr_info ei;
    /* 2000 two-byte characters fit; 2001 one-byte ones do not. */
    char *ok = xmalloc(2 * SURVEY_COMMENT_MAX + 1);
    for (int i = 0; i < SURVEY_COMMENT_MAX; i++)
        memcpy(ok + 2 * i, "\xc3\xa9", 2);
    ok[2 * SURVEY_COMMENT_MAX] = '\0';
    assert_int_equal(check(3, NONE, NONE, ok, &ei), TERR_OK);
    char *long_ = xmalloc(SURVEY_COMMENT_MAX + 2);
    memset(long_, 'x', SURVEY_COMMENT_MAX + 1);
    long_[SURVEY_COMMENT_MAX + 1] = '\0';
    assert_int_equal(check(3, NONE, NONE, long_, &ei), TERR_TOO_LONG);
    assert_string_equal(ei.field, "comment");
    free(ok);
    free(long_);
}

static void a_comment_must_be_utf8(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(check(3, NONE, NONE, "bad \xff byte", &ei), TERR_BAD_UTF8);
}

static void low_means_csat_two_or_less_or_nps_six_or_less(void **state)
{
    (void)state;
    struct survey_answer a = {2, NONE, NONE, NULL};
    assert_true(survey_answer_low(&a));
    a.csat = 3;
    assert_false(survey_answer_low(&a));
    a = (struct survey_answer){NONE, 6, NONE, NULL};
    assert_true(survey_answer_low(&a));
    a.nps = 7;
    assert_false(survey_answer_low(&a));
    /* A happy CSAT does not hide an unhappy NPS. */
    a = (struct survey_answer){5, 0, NONE, NULL};
    assert_true(survey_answer_low(&a));
    /* Effort alone never counts. */
    a = (struct survey_answer){NONE, NONE, 1, NULL};
    assert_false(survey_answer_low(&a));
}

static void state_follows_answer_then_expiry(void **state)
{
    (void)state;
    struct survey s = {.expires_at = 1000};
    assert_int_equal(survey_state_at(&s, 999), SURVEY_PENDING);
    assert_int_equal(survey_state_at(&s, 1000), SURVEY_EXPIRED);
    s.answered_at = 500;
    assert_int_equal(survey_state_at(&s, 2000), SURVEY_ANSWERED);
    assert_string_equal(survey_state_name(SURVEY_EXPIRED), "expired");
}

static void outbox_vocabularies_round_trip(void **state)
{
    (void)state;
    enum outbox_kind k;
    assert_true(outbox_kind_parse("follow_up", &k));
    assert_int_equal(k, OUTBOX_FOLLOW_UP);
    assert_string_equal(outbox_kind_name(OUTBOX_NOTICE), "notice");
    assert_false(outbox_kind_parse("followup", &k));
    enum outbox_state st = OUTBOX_STATE_SENT;
    assert_false(outbox_state_parse("done", &st));
    assert_int_equal(st, OUTBOX_STATE_SENT);
    assert_true(outbox_state_parse("queued", &st));
    assert_int_equal(st, OUTBOX_STATE_QUEUED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scores_at_their_bounds_are_valid),
        cmocka_unit_test(scores_out_of_range_name_their_field),
        cmocka_unit_test(an_answer_needs_a_score),
        cmocka_unit_test(the_comment_limit_counts_characters),
        cmocka_unit_test(a_comment_must_be_utf8),
        cmocka_unit_test(low_means_csat_two_or_less_or_nps_six_or_less),
        cmocka_unit_test(state_follows_answer_then_expiry),
        cmocka_unit_test(outbox_vocabularies_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
