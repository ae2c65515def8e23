/*
 * The reply coach: each rule on drafts an agent could write, against the
 * shipped data/coach lists (no models: emotions come from the cue lexicon).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/coach.h"

static struct analysis_data *ad;
static struct coach_data *cd;
static struct coach *coach;
static struct coach_review rev;

static int setup(void **state)
{
    (void)state;
    char err[512];
    ad = analysis_data_load("data", NULL, err, sizeof err);
    if (!ad) {
        fprintf(stderr, "analysis_data_load: %s\n", err);
        return -1;
    }
    cd = coach_data_load("data", NULL, ad, err, sizeof err);
    if (!cd) {
        fprintf(stderr, "coach_data_load: %s\n", err);
        return -1;
    }
    coach = coach_new(cd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    coach_free(coach);
    coach_data_free(cd);
    analysis_data_free(ad);
    return 0;
}

/* Reviews draft in reply to one customer message (NULL: no thread), with an
 * optional name and an optional earlier agent reply. */
static void review3(const char *customer, const char *name, const char *earlier, const char *draft)
{
    struct coach_turn turns[3];
    size_t n = 0;
    if (customer)
        turns[n++] = (struct coach_turn){THREAD_CUSTOMER, customer, strlen(customer), NULL, 0};
    if (earlier) {
        turns[n++] = (struct coach_turn){THREAD_AGENT, earlier, strlen(earlier), NULL, 0};
        turns[n++] = (struct coach_turn){THREAD_CUSTOMER, customer, strlen(customer), NULL, 0};
    }
    struct coach_thread th = {turns, n, name};
    enum terr e = coach_review(coach, draft, strlen(draft), n ? &th : NULL, &rev);
    assert_int_equal(e, TERR_OK);
}

static void review(const char *customer, const char *draft)
{
    review3(customer, NULL, NULL, draft);
}

/* The finding of kind k at warn or error, or NULL. */
static const struct coach_finding *warned(enum coach_kind k)
{
    for (size_t i = 0; i < rev.n_findings; i++)
        if (rev.findings[i].kind == k && rev.findings[i].severity != COACH_INFO)
            return &rev.findings[i];
    return NULL;
}

static void dump(const char *draft)
{
    for (size_t i = 0; i < rev.n_findings; i++)
        print_message("  %s/%s '%.*s'\n", coach_kind_name(rev.findings[i].kind),
                      coach_severity_name(rev.findings[i].severity),
                      (int)(rev.findings[i].end - rev.findings[i].start),
                      draft + rev.findings[i].start);
}

static void assert_span(const char *draft, enum coach_kind k, const char *text)
{
    const struct coach_finding *f = warned(k);
    if (!f) {
        dump(draft);
        fail_msg("no %s finding", coach_kind_name(k));
    }
    assert_int_equal(f->end - f->start, strlen(text));
    assert_memory_equal(draft + f->start, text, strlen(text));
}

static const char *LOST_BAG = "@united my bag was lost on flight UA123 to Denver and nobody "
                              "answers the phone. This is ridiculous, I am so angry!!";

static const char *GOOD_BAG = "Thank you for telling us, and I'm so sorry your bag didn't make "
                              "it to Denver. I can see how frustrating this is. I've opened a "
                              "trace on your bag and I'll update you by 5pm today.";

static void test_approved_reply_has_no_warnings(void **state)
{
    (void)state;
    review(LOST_BAG, GOOD_BAG);
    if (coach_review_has_warnings(&rev))
        dump(GOOD_BAG);
    assert_false(coach_review_has_warnings(&rev));
    assert_true(rev.scores[SKILL_OVERALL] >= 90);
}

static void test_blame_is_an_error_on_its_words(void **state)
{
    (void)state;
    const char *d = "You should have checked the bag tag before leaving the airport. I've "
                    "opened a trace and I'll update you by 5pm.";
    review(NULL, d);
    assert_span(d, COACH_BLAME, "You should have");
    assert_int_equal(warned(COACH_BLAME)->severity, COACH_ERROR);
    assert_true(warned(COACH_BLAME)->suggestion[0] != '\0');
}

static void test_negated_or_quoted_phrases_do_not_fire(void **state)
{
    (void)state;
    review(NULL, "You told me \"calm down\" was what the last agent said; I'm sorry, that was "
                 "wrong of us.");
    assert_null(warned(COACH_CONDESCENDING));
    review(NULL, "None of this is your fault, and I'll fix it today.");
    assert_null(warned(COACH_BLAME));
}

static void test_defensive_prefers_the_longest_phrase(void **state)
{
    (void)state;
    const char *d = "As per our policy, refunds take 10 days.";
    review(NULL, d);
    assert_span(d, COACH_DEFENSIVE, "As per our policy");
}

static void test_condescending(void **state)
{
    (void)state;
    const char *d = "Please calm down. I've rebooked you on the 6pm flight.";
    review(NULL, d);
    assert_span(d, COACH_CONDESCENDING, "calm down");
}

static void test_hollow_apology_is_not_an_apology(void **state)
{
    (void)state;
    const char *d = "We're sorry for any inconvenience. I've opened a trace on your bag and "
                    "I'll update you by 5pm.";
    review(LOST_BAG, d);
    assert_span(d, COACH_HOLLOW_APOLOGY, "sorry for any inconvenience");
    assert_non_null(warned(COACH_NO_APOLOGY));
}

static void test_no_apology_only_when_the_company_is_at_fault(void **state)
{
    (void)state;
    const char *d = "Thanks for asking! Your points balance is on the app under My Account; "
                    "I've also emailed you the statement.";
    review("@delta how do I see my points balance?", d);
    assert_null(warned(COACH_NO_APOLOGY));
    assert_null(warned(COACH_NO_ACKNOWLEDGEMENT));
    review(LOST_BAG, "Thanks for the details about the bag. I've opened a trace and I'll "
                     "update you by 5pm.");
    assert_non_null(warned(COACH_NO_APOLOGY));
}

static void test_acknowledgement_of_an_angry_customer(void **state)
{
    (void)state;
    review(LOST_BAG, "Thanks for the details about the bag to Denver. I've opened a trace "
                     "and I'll update you by 5pm.");
    assert_non_null(warned(COACH_NO_ACKNOWLEDGEMENT));
    review(LOST_BAG, GOOD_BAG);
    assert_null(warned(COACH_NO_ACKNOWLEDGEMENT));
}

static void test_thanks_only_on_the_first_reply(void **state)
{
    (void)state;
    const char *d = "I'm so sorry your bag is still missing. I can see how frustrating this "
                    "is. I've asked the Denver team to call you by 5pm today.";
    review(LOST_BAG, d);
    assert_non_null(warned(COACH_NO_THANKS));
    review3(LOST_BAG, NULL, "Thanks, we're on it.", d);
    assert_null(warned(COACH_NO_THANKS));
    assert_false(rev.first_reply);
}

static void test_name_known_and_unused(void **state)
{
    (void)state;
    review3(LOST_BAG, "Dana Whitfield", NULL, GOOD_BAG);
    assert_non_null(warned(COACH_NO_NAME));
    char with_name[512];
    snprintf(with_name, sizeof with_name, "Hi dana, %s", GOOD_BAG);
    review3(LOST_BAG, "Dana Whitfield", NULL, with_name);
    assert_null(warned(COACH_NO_NAME));
    review3(LOST_BAG, "Dan", NULL, with_name); /* "dana" is not "Dan" */
    assert_non_null(warned(COACH_NO_NAME));
}

static void test_vague_promise_is_no_next_step(void **state)
{
    (void)state;
    const char *d = "I'm so sorry about your bag, I can see how frustrating this is. Thanks "
                    "for telling us. We'll look into it.";
    review(LOST_BAG, d);
    assert_span(d, COACH_NO_NEXT_STEP, "We'll look into it");
    review(LOST_BAG, GOOD_BAG);
    assert_null(warned(COACH_NO_NEXT_STEP));
    review(LOST_BAG, "So sorry about this, and thanks for flagging it; I know how frustrating "
                     "a lost bag is. Please DM us your bag tag number so we can trace it.");
    assert_null(warned(COACH_NO_NEXT_STEP));
}

static void test_a_follow_up_answers_the_whole_thread(void **state)
{
    (void)state;
    struct coach_turn turns[3] = {
        {THREAD_CUSTOMER, LOST_BAG, strlen(LOST_BAG), NULL, 0},
        {THREAD_AGENT, "Calm down.", 10, NULL, 0},
        {THREAD_CUSTOMER, "Are you kidding me?", 19, NULL, 0},
    };
    struct coach_thread th = {turns, 3, NULL};
    const char *d = "I'm so sorry about your bag, and about that last reply. I've opened a trace "
                    "and I'll call you by 5pm today.";
    assert_int_equal(coach_review(coach, d, strlen(d), &th, &rev), TERR_OK);
    if (coach_review_has_warnings(&rev))
        dump(d);
    assert_false(coach_review_has_warnings(&rev)); /* the bag is the concern, and it is clear */
    d = "Thanks for your patience. We'll look into it.";
    assert_int_equal(coach_review(coach, d, strlen(d), &th, &rev), TERR_OK);
    assert_non_null(warned(COACH_NO_APOLOGY)); /* the earlier reply never apologised */
    assert_null(warned(COACH_NO_THANKS));      /* not the first reply */
}

static void test_a_long_early_message_does_not_hide_the_latest(void **state)
{
    (void)state;
    char *first = malloc(64 * 1024);
    size_t n = 0;
    while (n + 40 < 64 * 1024) { /* 64 KiB of words about something else */
        memcpy(first + n, "the delivery driver parked on my lawn ", 38);
        n += 38;
    }
    first[n] = '\0';
    const char *latest = "My invoice shows a duplicate charge for the subscription renewal.";
    struct coach_turn turns[3] = {
        {THREAD_CUSTOMER, first, n, NULL, 0},
        {THREAD_AGENT, "Thanks, we have passed this on.", 31, NULL, 0},
        {THREAD_CUSTOMER, latest, strlen(latest), NULL, 0},
    };
    struct coach_thread th = {turns, 3, NULL};
    const char *d = "I'm sorry about the duplicate subscription charge on your invoice: I have "
                    "refunded it today and it reaches your card within 5 days.";
    assert_int_equal(coach_review(coach, d, strlen(d), &th, &rev), TERR_OK);
    if (warned(COACH_NO_PARAPHRASE))
        dump(d);
    assert_null(warned(COACH_NO_PARAPHRASE));
    free(first);
}

static void test_paraphrase(void **state)
{
    (void)state;
    review(LOST_BAG, "Thank you, and I'm so sorry, I can see how frustrating this is. I've "
                     "asked a colleague to call you by 5pm today.");
    assert_non_null(warned(COACH_NO_PARAPHRASE));
    review(LOST_BAG, GOOD_BAG);
    assert_null(warned(COACH_NO_PARAPHRASE));
}

static void test_open_question_when_the_need_is_unclear(void **state)
{
    (void)state;
    const char *vague = "@united worst airline ever";
    review(vague, "Thank you for writing, and I'm sorry we let you down. I've passed your "
                  "comments to our service team today.");
    assert_non_null(warned(COACH_NO_OPEN_QUESTION));
    review(vague, "Thank you for writing, and I'm sorry we let you down. What happened on "
                  "your trip? I'll look at it myself today.");
    assert_null(warned(COACH_NO_OPEN_QUESTION));
    review(LOST_BAG, GOOD_BAG); /* the need is clear: no question required */
    assert_null(warned(COACH_NO_OPEN_QUESTION));
}

static void test_shouting_and_jargon(void **state)
{
    (void)state;
    const char *d = "PLEASE READ the email. Your PNR is in it. DM us if it's missing!!!";
    review(NULL, d);
    assert_span(d, COACH_SHOUTING, "PLEASE READ");
    assert_span(d, COACH_JARGON, "PNR");
    assert_string_equal(warned(COACH_JARGON)->suggestion, "booking reference");
    for (size_t i = 0; i < rev.n_findings; i++) /* DM is an acronym everyone knows */
        assert_false(rev.findings[i].kind == COACH_JARGON &&
                     strncmp(d + rev.findings[i].start, "DM", 2) == 0);
    bool bangs = false;
    for (size_t i = 0; i < rev.n_findings; i++)
        bangs |= rev.findings[i].kind == COACH_SHOUTING && d[rev.findings[i].start] == '!';
    assert_true(bangs);
}

static void test_negative_phrasing_and_its_exceptions(void **state)
{
    (void)state;
    const char *d = "There's nothing we can do about the fare.";
    review(NULL, d);
    assert_span(d, COACH_NEGATIVE_PHRASING, "There's nothing we can do");
    review(NULL, "I can't wait to welcome you back on board.");
    for (size_t i = 0; i < rev.n_findings; i++)
        assert_int_not_equal(rev.findings[i].kind, COACH_NEGATIVE_PHRASING);
}

static void test_length_rules(void **state)
{
    (void)state;
    char wall[4096] = "";
    for (int i = 0; i < 40; i++)
        strcat(wall, "We have checked the booking. "); /* 40 sentences, 200 words */
    for (int i = 0; i < 15; i++)
        strcat(wall, "The refund is on its way. ");
    review(NULL, wall);
    assert_non_null(warned(COACH_WALL_OF_TEXT));

    const char *longs = "I have checked your booking and the fare rules and the notes that the "
                        "agent at the airport left on it and the records of the calls you made "
                        "and I can see that the change fee was charged in error and should be "
                        "refunded to you.";
    review(NULL, longs);
    assert_non_null(warned(COACH_HARD_TO_READ));
    review(NULL, "I've refunded the change fee. It will reach your card within 5 days.");
    assert_null(warned(COACH_HARD_TO_READ));
    assert_null(warned(COACH_WALL_OF_TEXT));
}

static void test_greeting_and_closing_on_longer_replies_only(void **state)
{
    (void)state;
    const char *shortr = "I've refunded the fee; it reaches your card within 5 days.";
    review(NULL, shortr);
    assert_null(warned(COACH_NO_GREETING));
    assert_null(warned(COACH_NO_CLOSING));
    const char *longr = "I have looked at your booking from Boston to Denver. The change fee "
                        "of $75 was charged when the flight was moved by us, so it should not "
                        "have been charged at all. I've refunded it to the card you paid "
                        "with, and it will reach you within five working days.";
    review(NULL, longr);
    assert_non_null(warned(COACH_NO_GREETING));
    const struct coach_finding *f = warned(COACH_NO_CLOSING);
    assert_non_null(f);
    assert_int_equal(f->start, strlen(longr)); /* where a sign-off would go */
    char full[1024];
    snprintf(full, sizeof full,
             "Hi Sam,\n\n%s\n\nIf anything else comes up, just reply here.\n"
             "Kind regards, Alex",
             longr);
    review(NULL, full);
    assert_null(warned(COACH_NO_GREETING));
    assert_null(warned(COACH_NO_CLOSING));
}

static void test_scores_rank_good_above_bad(void **state)
{
    (void)state;
    review(LOST_BAG, GOOD_BAG);
    int good = rev.scores[SKILL_OVERALL], good_own = rev.scores[SKILL_OWNERSHIP];
    review(LOST_BAG, "Calm down, you should have put a tag on it. We'll look into it.");
    assert_true(rev.scores[SKILL_OVERALL] < good - 30);
    assert_true(rev.scores[SKILL_OWNERSHIP] < good_own);
    for (size_t s = 0; s < N_COACH_SKILLS; s++)
        assert_true(rev.scores[s] >= 0 && rev.scores[s] <= 100);
}

static void test_bad_drafts_are_refused(void **state)
{
    (void)state;
    assert_int_equal(coach_review(coach, "", 0, NULL, &rev), TERR_INVALID);
    assert_int_equal(coach_review(coach, " \n\t ", 4, NULL, &rev), TERR_INVALID);
    assert_int_equal(coach_review(coach, "ok \xff\xfe", 5, NULL, &rev), TERR_BAD_UTF8);
    size_t big = COACH_MAX_DRAFT + 1;
    char *s = malloc(big);
    memset(s, 'a', big);
    assert_int_equal(coach_review(coach, s, big, NULL, &rev), TERR_TOO_LARGE);
    free(s);
    /* A customer turn with invalid bytes is skipped, not fatal. */
    struct coach_turn bad = {THREAD_CUSTOMER, "\xff", 1, NULL, 0};
    struct coach_thread th = {&bad, 1, NULL};
    assert_int_equal(coach_review(coach, "Thanks!", 7, &th, &rev), TERR_OK);
}

static void test_json_has_spans_scores_and_readability(void **state)
{
    (void)state;
    const char *d = "You should have checked. We'll look into it.";
    review(LOST_BAG, d);
    json_t *j = coach_review_to_json(&rev, d, strlen(d));
    json_t *fs = json_object_get(j, "findings");
    assert_true(json_array_size(fs) == rev.n_findings && rev.n_findings > 0);
    bool saw_blame = false;
    size_t i;
    json_t *f;
    json_array_foreach(fs, i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "kind")), "blame") == 0) {
            saw_blame = true;
            assert_string_equal(json_string_value(json_object_get(f, "text")), "You should have");
            assert_string_equal(json_string_value(json_object_get(f, "severity")), "error");
        }
    }
    assert_true(saw_blame);
    json_t *sc = json_object_get(j, "scores");
    const char *skills[] = {"listening", "empathy",         "ownership", "clarity",
                            "solution",  "professionalism", "overall"};
    for (size_t k = 0; k < 7; k++)
        assert_true(json_is_integer(json_object_get(sc, skills[k])));
    assert_true(json_is_null(json_object_get(j, "politeness"))); /* no model loaded */
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "readability"), "words")), 8);
    assert_string_equal(json_string_value(json_object_get(j, "level")),
                        conflict_level_name(rev.level));
    assert_true(json_is_true(json_object_get(j, "customer_upset"))); /* "I am so angry" */
    assert_true(json_is_true(json_object_get(j, "company_fault")));  /* "my bag was lost" */
    json_decref(j);
}

/* Copies data/ into a temporary directory with one coach file replaced. */
static char *data_with(const char *file, const char *content)
{
    char *dir = strdup("/tmp/truce-coach-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r data/coach data/playbooks %s/", dir);
    assert_int_equal(system(cmd), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/coach/%s", dir, file);
    if (content) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
    } else {
        unlink(path);
    }
    return dir;
}

static void remove_dir(char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

static void test_broken_data_names_file_and_line(void **state)
{
    (void)state;
    char err[512];
    char *dir = data_with("settings.txt", "# thresholds\nwall_words lots\n");
    assert_null(coach_data_load(dir, NULL, ad, err, sizeof err));
    assert_non_null(strstr(err, "settings.txt:2:"));
    assert_non_null(strstr(err, "wall_words"));
    remove_dir(dir);

    dir = data_with("blame.txt", "%severity fatal\n");
    assert_null(coach_data_load(dir, NULL, ad, err, sizeof err));
    assert_non_null(strstr(err, "blame.txt:1:"));
    remove_dir(dir);

    dir = data_with("jargon.txt", "pnr =>\n");
    assert_null(coach_data_load(dir, NULL, ad, err, sizeof err));
    assert_non_null(strstr(err, "jargon.txt:1:"));
    remove_dir(dir);

    char longer[400];
    memset(longer, 'a', sizeof longer);
    memcpy(longer, "you should have => ", 19);
    memcpy(longer + sizeof longer - 3, "\xc3\xa9", 2); /* ends in a two-byte character */
    longer[sizeof longer - 1] = '\0';
    dir = data_with("blame.txt", longer);
    assert_null(coach_data_load(dir, NULL, ad, err, sizeof err));
    assert_non_null(strstr(err, "blame.txt:1: suggestion longer than"));
    remove_dir(dir);

    dir = data_with("thanks.txt", NULL);
    assert_null(coach_data_load(dir, NULL, ad, err, sizeof err));
    assert_non_null(strstr(err, "unable to open"));
    assert_non_null(strstr(err, "thanks.txt"));
    remove_dir(dir);
}

static void test_names_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < N_COACH_KINDS; k++) {
        enum coach_kind back;
        assert_true(coach_kind_parse(coach_kind_name((enum coach_kind)k), &back));
        assert_int_equal(back, k);
    }
    enum coach_kind x;
    assert_false(coach_kind_parse("rudeness", &x));
    assert_string_equal(coach_skill_name(SKILL_OVERALL), "overall");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_approved_reply_has_no_warnings),
        cmocka_unit_test(test_blame_is_an_error_on_its_words),
        cmocka_unit_test(test_negated_or_quoted_phrases_do_not_fire),
        cmocka_unit_test(test_defensive_prefers_the_longest_phrase),
        cmocka_unit_test(test_condescending),
        cmocka_unit_test(test_hollow_apology_is_not_an_apology),
        cmocka_unit_test(test_no_apology_only_when_the_company_is_at_fault),
        cmocka_unit_test(test_acknowledgement_of_an_angry_customer),
        cmocka_unit_test(test_thanks_only_on_the_first_reply),
        cmocka_unit_test(test_name_known_and_unused),
        cmocka_unit_test(test_vague_promise_is_no_next_step),
        cmocka_unit_test(test_a_follow_up_answers_the_whole_thread),
        cmocka_unit_test(test_a_long_early_message_does_not_hide_the_latest),
        cmocka_unit_test(test_paraphrase),
        cmocka_unit_test(test_open_question_when_the_need_is_unclear),
        cmocka_unit_test(test_shouting_and_jargon),
        cmocka_unit_test(test_negative_phrasing_and_its_exceptions),
        cmocka_unit_test(test_length_rules),
        cmocka_unit_test(test_greeting_and_closing_on_longer_replies_only),
        cmocka_unit_test(test_scores_rank_good_above_bad),
        cmocka_unit_test(test_bad_drafts_are_refused),
        cmocka_unit_test(test_json_has_spans_scores_and_readability),
        cmocka_unit_test(test_broken_data_names_file_and_line),
        cmocka_unit_test(test_names_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
