/* src/domain/ticket_rules.c: status changes, what a message does, field rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "domain/ticket_rules.h"

#define T0  1700000000000LL /* when the test ticket was created */
#define NOW 1700000500000LL

static struct ticket make_ticket(enum ticket_status status)
{
    struct ticket t;
    memset(&t, 0, sizeof(t));
    t.id = 7;
    t.status = status;
    t.priority = PRIORITY_NORMAL;
    t.customer_id = 3;
    t.created_at = T0;
    t.updated_at = T0;
    if (status == STATUS_RESOLVED || status == STATUS_CLOSED)
        t.resolved_at = T0 + 100;
    return t;
}

static void assert_same_ticket(const struct ticket *a, const struct ticket *b)
{
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->updated_at, b->updated_at);
    assert_int_equal(a->first_response_at, b->first_response_at);
    assert_int_equal(a->resolved_at, b->resolved_at);
    assert_int_equal(a->priority, b->priority);
    assert_int_equal(a->assignee_id, b->assignee_id);
}

/* ---- ticket_set_status ---- */

static void open_ticket_moves_through_working_statuses(void **state)
{
    (void)state;
    static const enum ticket_status path[] = {STATUS_OPEN,     STATUS_PENDING, STATUS_OPEN,
                                              STATUS_RESOLVED, STATUS_OPEN,    STATUS_CLOSED};
    struct ticket t = make_ticket(STATUS_NEW);
    int64_t now = NOW;
    for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++, now += 1000) {
        struct terr_info ei = {0};
        assert_int_equal(ticket_set_status(&t, path[i], now, &ei), TERR_OK);
        assert_int_equal(t.status, path[i]);
        assert_int_equal(t.updated_at, now);
    }
}

static void new_ticket_can_go_to_any_other_status(void **state)
{
    (void)state;
    static const enum ticket_status to[] = {STATUS_OPEN, STATUS_PENDING, STATUS_RESOLVED,
                                            STATUS_CLOSED};
    for (size_t i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
        struct ticket t = make_ticket(STATUS_NEW);
        assert_int_equal(ticket_set_status(&t, to[i], NOW, NULL), TERR_OK);
        assert_int_equal(t.status, to[i]);
    }
}

static void closed_is_final(void **state)
{
    (void)state;
    static const enum ticket_status to[] = {STATUS_NEW, STATUS_OPEN, STATUS_PENDING,
                                            STATUS_RESOLVED};
    for (size_t i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
        struct ticket t = make_ticket(STATUS_CLOSED);
        struct ticket before = t;
        struct terr_info ei = {0};
        assert_int_equal(ticket_set_status(&t, to[i], NOW, &ei), TERR_CONFLICT);
        assert_int_equal(ei.code, TERR_CONFLICT);
        assert_string_equal(ei.field, "status");
        assert_true(strlen(ei.message) > 0);
        assert_same_ticket(&t, &before);
    }
}

static void back_to_new_is_refused(void **state)
{
    (void)state;
    static const enum ticket_status from[] = {STATUS_OPEN, STATUS_PENDING, STATUS_RESOLVED};
    for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
        struct ticket t = make_ticket(from[i]);
        struct ticket before = t;
        struct terr_info ei = {0};
        assert_int_equal(ticket_set_status(&t, STATUS_NEW, NOW, &ei), TERR_INVALID);
        assert_int_equal(ei.code, TERR_INVALID);
        assert_string_equal(ei.field, "status");
        assert_same_ticket(&t, &before);
    }
}

static void refusal_works_without_error_info(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_CLOSED);
    assert_int_equal(ticket_set_status(&t, STATUS_OPEN, NOW, NULL), TERR_CONFLICT);
    assert_int_equal(t.status, STATUS_CLOSED);
}

static void resolving_stamps_resolved_at(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_OPEN);
    assert_int_equal(t.resolved_at, 0);
    assert_int_equal(ticket_set_status(&t, STATUS_RESOLVED, NOW, NULL), TERR_OK);
    assert_int_equal(t.resolved_at, NOW);
}

static void closing_an_open_ticket_stamps_resolved_at(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_PENDING);
    assert_int_equal(ticket_set_status(&t, STATUS_CLOSED, NOW, NULL), TERR_OK);
    assert_int_equal(t.resolved_at, NOW);
}

static void closing_a_resolved_ticket_keeps_its_resolved_at(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_OPEN);
    assert_int_equal(ticket_set_status(&t, STATUS_RESOLVED, NOW, NULL), TERR_OK);
    assert_int_equal(ticket_set_status(&t, STATUS_CLOSED, NOW + 5000, NULL), TERR_OK);
    assert_int_equal(t.resolved_at, NOW);
    assert_int_equal(t.updated_at, NOW + 5000);
}

static void reopening_clears_resolved_at(void **state)
{
    (void)state;
    static const enum ticket_status to[] = {STATUS_OPEN, STATUS_PENDING};
    for (size_t i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
        struct ticket t = make_ticket(STATUS_RESOLVED);
        assert_true(t.resolved_at != 0);
        assert_int_equal(ticket_set_status(&t, to[i], NOW, NULL), TERR_OK);
        assert_int_equal(t.status, to[i]);
        assert_int_equal(t.resolved_at, 0);
    }
}

static void setting_the_same_status_changes_nothing(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_RESOLVED);
    struct ticket before = t;
    assert_int_equal(ticket_set_status(&t, STATUS_RESOLVED, NOW, NULL), TERR_OK);
    assert_same_ticket(&t, &before);
}

/* ---- ticket_note_message ---- */

static void first_agent_reply_stamps_first_response_and_opens(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_NEW);
    assert_int_equal(ticket_note_message(&t, AUTHOR_AGENT, false, NOW, NULL), TERR_OK);
    assert_int_equal(t.first_response_at, NOW);
    assert_int_equal(t.status, STATUS_OPEN);
    assert_int_equal(t.updated_at, NOW);
}

static void later_agent_replies_keep_first_response(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_NEW);
    assert_int_equal(ticket_note_message(&t, AUTHOR_AGENT, false, NOW, NULL), TERR_OK);
    assert_int_equal(ticket_note_message(&t, AUTHOR_AGENT, false, NOW + 60000, NULL), TERR_OK);
    assert_int_equal(t.first_response_at, NOW);
    assert_int_equal(t.updated_at, NOW + 60000);
}

static void agent_reply_leaves_pending_ticket_pending(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_PENDING);
    assert_int_equal(ticket_note_message(&t, AUTHOR_AGENT, false, NOW, NULL), TERR_OK);
    assert_int_equal(t.status, STATUS_PENDING);
    assert_int_equal(t.first_response_at, NOW);
}

static void internal_note_is_not_a_first_response(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_NEW);
    assert_int_equal(ticket_note_message(&t, AUTHOR_AGENT, true, NOW, NULL), TERR_OK);
    assert_int_equal(t.first_response_at, 0);
    assert_int_equal(t.status, STATUS_NEW);
    assert_int_equal(t.updated_at, NOW);
}

static void customer_message_is_not_a_first_response(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_NEW);
    assert_int_equal(ticket_note_message(&t, AUTHOR_CUSTOMER, false, NOW, NULL), TERR_OK);
    assert_int_equal(t.first_response_at, 0);
    assert_int_equal(t.status, STATUS_NEW);
}

static void customer_writing_on_pending_reopens(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_PENDING);
    assert_int_equal(ticket_note_message(&t, AUTHOR_CUSTOMER, false, NOW, NULL), TERR_OK);
    assert_int_equal(t.status, STATUS_OPEN);
    assert_int_equal(t.updated_at, NOW);
}

static void customer_writing_on_resolved_reopens_and_clears_stamp(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_RESOLVED);
    assert_int_equal(ticket_note_message(&t, AUTHOR_CUSTOMER, false, NOW, NULL), TERR_OK);
    assert_int_equal(t.status, STATUS_OPEN);
    assert_int_equal(t.resolved_at, 0);
}

static void customer_internal_note_is_refused(void **state)
{
    (void)state;
    struct ticket t = make_ticket(STATUS_OPEN);
    struct ticket before = t;
    struct terr_info ei = {0};
    assert_int_equal(ticket_note_message(&t, AUTHOR_CUSTOMER, true, NOW, &ei), TERR_INVALID);
    assert_int_equal(ei.code, TERR_INVALID);
    assert_string_equal(ei.field, "internal");
    assert_same_ticket(&t, &before);
}

static void closed_ticket_takes_no_message(void **state)
{
    (void)state;
    static const enum author_kind who[] = {AUTHOR_CUSTOMER, AUTHOR_AGENT, AUTHOR_SYSTEM};
    for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
        struct ticket t = make_ticket(STATUS_CLOSED);
        struct ticket before = t;
        struct terr_info ei = {0};
        assert_int_equal(ticket_note_message(&t, who[i], false, NOW, &ei), TERR_CONFLICT);
        assert_int_equal(ei.code, TERR_CONFLICT);
        assert_same_ticket(&t, &before);
    }
}

/* ---- email_plausible ---- */

static void plausible_emails_pass(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "a@b.co",
        "first.last+tag@example.org",
        "x@mail.sub.example.com",
        "o'neil@ex-ample.ie",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!email_plausible(ok[i]))
            fail_msg("'%s' refused", ok[i]);
}

static void implausible_emails_fail(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",         "plain",    "@b.co",     "a@",       "a@b",     "a@.co",
        "a@b.",     "a@@b.co",  "a@b@c.co",  "a b@c.co", "a@b.co ", " a@b.co",
        "a\t@b.co", "a@b.co\n", "a@b.c\x7f", "a@b\r.co",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (email_plausible(bad[i]))
            fail_msg("'%s' accepted", bad[i]);
}

/* ---- label_valid ---- */

static void labels_of_allowed_characters_pass(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "billing", "VIP", "tier-2", "a_b", "lang:de", "v1.2", "x", "caf\xc3\xa9",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!label_valid(ok[i], LIMIT_TAG))
            fail_msg("'%s' refused", ok[i]);
}

static void labels_with_other_characters_fail(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "two words", "a/b", "a,b", "tag!", "#tag", "a\tb", "a\nb", "quote\"", "<b>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (label_valid(bad[i], LIMIT_TAG))
            fail_msg("'%s' accepted", bad[i]);
}

static void labels_of_other_scripts_pass_but_invisible_ones_fail(void **state)
{
    (void)state;
    assert_true(label_valid("caf\xc3\xa9", 64));              /* café */
    assert_true(label_valid("\xe6\x97\xa5\xe6\x9c\xac", 64)); /* 日本 */
    assert_true(label_valid("\xf0\x9f\x94\xa5-hot", 64));     /* an emoji */
    assert_false(label_valid("vip\xc2\xa0", 64));             /* no-break space */
    assert_false(label_valid("v\xe2\x80\x8bip", 64));         /* zero-width space */
    assert_false(label_valid("\xe2\x80\xae"
                             "evil",
                             64)); /* right-to-left override */
    assert_false(label_valid("\xef\xbb\xbf"
                             "bom",
                             64));               /* byte order mark */
    assert_false(label_valid("c1\xc2\x85", 64)); /* a C1 control */
    assert_false(label_valid("\xd8\x9c"
                             "ab",
                             64));                      /* Arabic letter mark */
    assert_false(label_valid("\xe3\x85\xa4", 64));      /* Hangul filler */
    assert_false(label_valid("x\xf3\xa0\x80\x81", 64)); /* a tag character */
}

static void label_length_limit_is_inclusive(void **state)
{
    (void)state;
    char s[LIMIT_TAG + 2];
    memset(s, 'a', LIMIT_TAG);
    s[LIMIT_TAG] = '\0';
    assert_true(label_valid(s, LIMIT_TAG));
    s[LIMIT_TAG] = 'a';
    s[LIMIT_TAG + 1] = '\0';
    assert_false(label_valid(s, LIMIT_TAG));
    assert_true(label_valid("abc", 3));
    assert_false(label_valid("abcd", 3));
}

static void text_check_names_the_first_fault(void **state)
{
    (void)state;
    struct terr_info ei;
    assert_int_equal(text_check(NULL, "title", 10, TEXT_REQUIRED, &ei), TERR_MISSING_FIELD);
    assert_string_equal(ei.message, "'title' is required");
    assert_int_equal(text_check(NULL, "note", 10, 0, &ei), TERR_OK);
    assert_int_equal(text_check("ab\xff", "title", 10, TEXT_NOT_BLANK, &ei), TERR_BAD_UTF8);
    assert_string_equal(ei.message, "'title' is not valid UTF-8");
    assert_int_equal(text_check(" \n\t", "title", 10, TEXT_NOT_BLANK, &ei), TERR_INVALID);
    assert_string_equal(ei.message, "'title' is empty");
    assert_int_equal(text_check(" \n\t", "note", 10, 0, &ei), TERR_OK);
    assert_int_equal(text_check("0123456789", "title", 10, TEXT_NOT_BLANK, &ei), TERR_OK);
    assert_int_equal(text_check("01234567890", "title", 10, TEXT_NOT_BLANK, &ei), TERR_TOO_LONG);
    assert_string_equal(ei.message, "'title' is over 10 bytes");
    assert_string_equal(ei.field, "title");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_ticket_moves_through_working_statuses),
        cmocka_unit_test(new_ticket_can_go_to_any_other_status),
        cmocka_unit_test(closed_is_final),
        cmocka_unit_test(back_to_new_is_refused),
        cmocka_unit_test(refusal_works_without_error_info),
        cmocka_unit_test(resolving_stamps_resolved_at),
        cmocka_unit_test(closing_an_open_ticket_stamps_resolved_at),
        cmocka_unit_test(closing_a_resolved_ticket_keeps_its_resolved_at),
        cmocka_unit_test(reopening_clears_resolved_at),
        cmocka_unit_test(setting_the_same_status_changes_nothing),
        cmocka_unit_test(first_agent_reply_stamps_first_response_and_opens),
        cmocka_unit_test(later_agent_replies_keep_first_response),
        cmocka_unit_test(agent_reply_leaves_pending_ticket_pending),
        cmocka_unit_test(internal_note_is_not_a_first_response),
        cmocka_unit_test(customer_message_is_not_a_first_response),
        cmocka_unit_test(customer_writing_on_pending_reopens),
        cmocka_unit_test(customer_writing_on_resolved_reopens_and_clears_stamp),
        cmocka_unit_test(customer_internal_note_is_refused),
        cmocka_unit_test(closed_ticket_takes_no_message),
        cmocka_unit_test(plausible_emails_pass),
        cmocka_unit_test(implausible_emails_fail),
        cmocka_unit_test(labels_of_allowed_characters_pass),
        cmocka_unit_test(labels_with_other_characters_fail),
        cmocka_unit_test(labels_of_other_scripts_pass_but_invisible_ones_fail),
        cmocka_unit_test(label_length_limit_is_inclusive),
        cmocka_unit_test(text_check_names_the_first_fault),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
