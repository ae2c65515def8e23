/* src/domain/offers.c: offers, the authority policy, approval and visibility. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/offers.h"

#define NOW    1700000000000LL
#define LATER  1700000900000LL
#define TICKET 42

static const struct offer_actor AGENT = {ROLE_AGENT, 5};
static const struct offer_actor AGENT2 = {ROLE_AGENT, 6};
static const struct offer_actor LEAD = {ROLE_LEAD, 20};
static const struct offer_actor ADMIN = {ROLE_ADMIN, 30};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static struct authority_policy policy;

static int setup(void **state)
{
    (void)state;
    authority_policy_default(&policy);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    authority_policy_release(&policy);
    return 0;
}

static struct offer_draft draft(enum offer_kind kind, int64_t amount, const char *currency)
{
    struct offer_draft d = {kind, amount, currency, NULL};
    return d;
}

/* Proposes d as `by` and expects success. */
static struct offer propose(struct offer_draft d, const struct offer_actor *by,
                            struct offer_audit *audit)
{
    struct offer o;
    struct offer_audit a;
    struct terr_info ei = {0};
    assert_int_equal(offer_propose(&d, TICKET, by, &policy, NOW, &o, &a, &ei), TERR_OK);
    if (audit)
        *audit = a;
    return o;
}

static void assert_invalid_draft(struct offer_draft d, enum terr code, const char *field)
{
    struct terr_info ei = {0};
    assert_int_equal(offer_validate(&d, &ei), code);
    assert_int_equal(ei.code, code);
    assert_string_equal(ei.field, field);
    assert_true(strlen(ei.message) > 0);
    /* Proposing it fails the same way and leaves the outputs alone. */
    struct offer o, o0;
    struct offer_audit a, a0;
    memset(&o, 0x5a, sizeof o);
    memset(&a, 0x5a, sizeof a);
    o0 = o;
    a0 = a;
    assert_int_equal(offer_propose(&d, TICKET, &ADMIN, &policy, NOW, &o, &a, NULL), code);
    assert_memory_equal(&o, &o0, sizeof o);
    assert_memory_equal(&a, &a0, sizeof a);
}

/* ---- vocabularies ---- */

static void kind_and_state_names_round_trip(void **state)
{
    (void)state;
    static const char *const kinds[] = {"refund",   "replacement", "credit",
                                        "discount", "alternative", "apology_only"};
    for (size_t i = 0; i < COUNT(kinds); i++) {
        enum offer_kind k;
        assert_true(offer_kind_parse(kinds[i], &k));
        assert_int_equal(k, i);
        assert_string_equal(offer_kind_name(k), kinds[i]);
    }
    static const char *const states[] = {"pending", "approved", "rejected", "withdrawn"};
    for (size_t i = 0; i < COUNT(states); i++) {
        enum offer_state s;
        assert_true(offer_state_parse(states[i], &s));
        assert_int_equal(s, i);
        assert_string_equal(offer_state_name(s), states[i]);
    }
    assert_string_equal(offer_kind_name((enum offer_kind)99), "unknown");
}

static void unknown_kind_is_refused_by_name_and_by_number(void **state)
{
    (void)state;
    enum offer_kind k = OFFER_CREDIT;
    assert_false(offer_kind_parse("voucher", &k));
    assert_false(offer_kind_parse("Refund", &k));
    assert_false(offer_kind_parse(NULL, &k));
    assert_int_equal(k, OFFER_CREDIT);
    assert_invalid_draft(draft((enum offer_kind)99, 100, "EUR"), TERR_INVALID, "kind");
}

/* ---- money ---- */

static void currency_is_three_upper_case_letters(void **state)
{
    (void)state;
    assert_true(offer_currency_valid("EUR"));
    assert_true(offer_currency_valid("JPY"));
    static const char *const bad[] = {"eur", "Eur", "EU", "EURO", "", "E1R", "EU ", "€"};
    for (size_t i = 0; i < COUNT(bad); i++)
        assert_false(offer_currency_valid(bad[i]));
    assert_false(offer_currency_valid(NULL));
}

static void currency_digits_follow_iso_4217(void **state)
{
    (void)state;
    assert_int_equal(offer_currency_digits("EUR"), 2);
    assert_int_equal(offer_currency_digits("USD"), 2);
    assert_int_equal(offer_currency_digits("JPY"), 0);
    assert_int_equal(offer_currency_digits("XPF"), 0);
    assert_int_equal(offer_currency_digits("BIF"), 0);
    assert_int_equal(offer_currency_digits("KWD"), 3);
    assert_int_equal(offer_currency_digits("TND"), 3);
    assert_int_equal(offer_currency_digits("XYZ"), 2);
}

static void amounts_parse_into_minor_units(void **state)
{
    (void)state;
    static const struct {
        const char *s, *cur;
        int64_t want;
    } ok[] = {
        {"50", "EUR", 5000},
        {"50.5", "EUR", 5050},
        {"50.00", "EUR", 5000},
        {"0.01", "EUR", 1},
        {"0", "EUR", 0},
        {"1000", "JPY", 1000},
        {"0.001", "KWD", 1},
        {"007", "EUR", 700},
        {"10000000000000", "EUR", 1000000000000000LL}, /* the maximum */
    };
    for (size_t i = 0; i < COUNT(ok); i++) {
        int64_t v = -7;
        assert_int_equal(offer_amount_parse(ok[i].s, ok[i].cur, "amount", &v, NULL), TERR_OK);
        assert_int_equal(v, ok[i].want);
    }
}

static void bad_amounts_name_the_field(void **state)
{
    (void)state;
    static const struct {
        const char *s, *cur;
    } bad[] = {
        {"-1", "EUR"},
        {"+1", "EUR"},
        {"1e3", "EUR"},
        {" 1", "EUR"},
        {"1 ", "EUR"},
        {"1.", "EUR"},
        {".5", "EUR"},
        {"", "EUR"},
        {"1.005", "EUR"},
        {"1.5", "JPY"},
        {"1,50", "EUR"},
        {"0x10", "EUR"},
        {"10000000000000.01", "EUR"},          /* one over the maximum */
        {"99999999999999999999999999", "EUR"}, /* past int64 */
        {"9223372036854775807", "JPY"},
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        int64_t v = -7;
        struct terr_info ei = {0};
        assert_int_equal(offer_amount_parse(bad[i].s, bad[i].cur, "limit", &v, &ei), TERR_INVALID);
        assert_string_equal(ei.field, "limit");
        assert_int_equal(v, -7);
    }
}

static void amounts_format_with_their_decimals(void **state)
{
    (void)state;
    char out[48];
    offer_amount_format(5000, "EUR", out, sizeof out);
    assert_string_equal(out, "50.00 EUR");
    offer_amount_format(5, "EUR", out, sizeof out);
    assert_string_equal(out, "0.05 EUR");
    offer_amount_format(1000, "JPY", out, sizeof out);
    assert_string_equal(out, "1000 JPY");
    offer_amount_format(1, "KWD", out, sizeof out);
    assert_string_equal(out, "0.001 KWD");
    offer_amount_format(AUTHORITY_UNLIMITED, "EUR", out, sizeof out);
    assert_string_equal(out, "unlimited");
    offer_amount_format(123456, "GBP", out, 6); /* truncated, still terminated */
    assert_string_equal(out, "1234.");
}

/* ---- validation ---- */

static void valid_drafts_pass(void **state)
{
    (void)state;
    struct offer_draft ok[] = {
        draft(OFFER_REFUND, 1, "EUR"),         draft(OFFER_CREDIT, 2500, "USD"),
        draft(OFFER_DISCOUNT, 999, "GBP"),     draft(OFFER_REPLACEMENT, 0, "EUR"),
        draft(OFFER_REPLACEMENT, 0, NULL),     draft(OFFER_ALTERNATIVE, 0, ""),
        draft(OFFER_ALTERNATIVE, 4000, "EUR"), draft(OFFER_APOLOGY_ONLY, 0, NULL),
        draft(OFFER_APOLOGY_ONLY, 0, ""),      draft(OFFER_REFUND, OFFER_AMOUNT_MAX, "EUR"),
    };
    for (size_t i = 0; i < COUNT(ok); i++) {
        struct terr_info ei = {0};
        assert_int_equal(offer_validate(&ok[i], &ei), TERR_OK);
    }
}

static void negative_or_overflowing_amount_is_refused(void **state)
{
    (void)state;
    assert_invalid_draft(draft(OFFER_REFUND, -1, "EUR"), TERR_INVALID, "amount");
    assert_invalid_draft(draft(OFFER_REPLACEMENT, INT64_MIN, "EUR"), TERR_INVALID, "amount");
    assert_invalid_draft(draft(OFFER_CREDIT, OFFER_AMOUNT_MAX + 1, "EUR"), TERR_INVALID, "amount");
    assert_invalid_draft(draft(OFFER_CREDIT, INT64_MAX, "EUR"), TERR_INVALID, "amount");
}

static void refund_credit_discount_need_an_amount(void **state)
{
    (void)state;
    static const enum offer_kind kinds[] = {OFFER_REFUND, OFFER_CREDIT, OFFER_DISCOUNT};
    for (size_t i = 0; i < COUNT(kinds); i++) {
        assert_invalid_draft(draft(kinds[i], 0, "EUR"), TERR_INVALID, "amount");
        struct terr_info ei = {0};
        struct offer_draft d = draft(kinds[i], 0, "EUR");
        offer_validate(&d, &ei);
        assert_non_null(strstr(ei.message, offer_kind_name(kinds[i])));
    }
}

static void apology_only_has_no_amount_or_currency(void **state)
{
    (void)state;
    assert_invalid_draft(draft(OFFER_APOLOGY_ONLY, 500, "EUR"), TERR_INVALID, "amount");
    assert_invalid_draft(draft(OFFER_APOLOGY_ONLY, 500, NULL), TERR_INVALID, "amount");
    assert_invalid_draft(draft(OFFER_APOLOGY_ONLY, 0, "EUR"), TERR_INVALID, "currency");
}

static void bad_or_missing_currency_is_refused(void **state)
{
    (void)state;
    assert_invalid_draft(draft(OFFER_REFUND, 100, "eur"), TERR_INVALID, "currency");
    assert_invalid_draft(draft(OFFER_REFUND, 100, "EURO"), TERR_INVALID, "currency");
    assert_invalid_draft(draft(OFFER_REFUND, 100, "€"), TERR_INVALID, "currency");
    assert_invalid_draft(draft(OFFER_REFUND, 100, NULL), TERR_INVALID, "currency");
    assert_invalid_draft(draft(OFFER_REPLACEMENT, 100, ""), TERR_INVALID, "currency");
    assert_invalid_draft(draft(OFFER_REPLACEMENT, 0, "12"), TERR_INVALID, "currency");
}

static void note_too_long_or_not_utf8_is_refused(void **state)
{
    (void)state;
    char *note = malloc(OFFER_NOTE_MAX + 2);
    memset(note, 'a', OFFER_NOTE_MAX);
    note[OFFER_NOTE_MAX] = '\0';
    struct offer_draft d = draft(OFFER_REFUND, 100, "EUR");
    d.note = note;
    assert_int_equal(offer_validate(&d, NULL), TERR_OK); /* exactly at the limit */
    note[OFFER_NOTE_MAX] = 'a';
    note[OFFER_NOTE_MAX + 1] = '\0';
    assert_invalid_draft(d, TERR_TOO_LONG, "note");
    d.note = "caf\xc3";
    assert_invalid_draft(d, TERR_BAD_UTF8, "note");
    free(note);
}

/* ---- the policy ---- */

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = malloc(1 << 16);
    *len = fread(text, 1, 1 << 16, f);
    fclose(f);
    return text;
}

static void shipped_policy_file_is_the_built_in_default(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = read_text("data/policy/authority.txt", &len);
    assert_non_null(text);
    const char *def = authority_policy_default_text();
    assert_int_equal(len, strlen(def));
    assert_memory_equal(text, def, len);
    struct authority_policy p;
    struct terr_info ei = {0};
    assert_int_equal(authority_policy_parse(text, len, "authority.txt", &p, &ei), TERR_OK);
    assert_int_equal(p.n, policy.n);
    assert_memory_equal(p.rules, policy.rules, p.n * sizeof *p.rules);
    authority_policy_release(&p);
    free(text);
}

static void default_policy_limits_by_role(void **state)
{
    (void)state;
    assert_int_equal(authority_lookup(&policy, ROLE_AGENT, OFFER_REFUND, "EUR"), 5000);
    assert_int_equal(authority_lookup(&policy, ROLE_LEAD, OFFER_REFUND, "EUR"), 50000);
    assert_true(authority_lookup(&policy, ROLE_ADMIN, OFFER_REFUND, "EUR") == AUTHORITY_UNLIMITED);
    assert_int_equal(authority_lookup(&policy, ROLE_AGENT, OFFER_REFUND, "GBP"), 4000);
    assert_int_equal(authority_lookup(&policy, ROLE_AGENT, OFFER_REPLACEMENT, "USD"), 10000);
    assert_int_equal(authority_lookup(&policy, ROLE_LEAD, OFFER_ALTERNATIVE, "EUR"), 100000);
    /* A currency without a rule: only offers of no money. */
    assert_int_equal(authority_lookup(&policy, ROLE_AGENT, OFFER_REFUND, "JPY"), 0);
    assert_false(authority_covers(&policy, ROLE_LEAD, OFFER_REFUND, "JPY", 1));
    assert_true(authority_covers(&policy, ROLE_ADMIN, OFFER_REFUND, "JPY", OFFER_AMOUNT_MAX));
    /* Anyone may apologise or offer a replacement at no cost. */
    assert_true(authority_covers(&policy, ROLE_AGENT, OFFER_APOLOGY_ONLY, NULL, 0));
    assert_true(authority_covers(&policy, ROLE_AGENT, OFFER_REPLACEMENT, "", 0));
    assert_true(authority_covers(&policy, ROLE_AGENT, OFFER_REFUND, "EUR", 5000));
    assert_false(authority_covers(&policy, ROLE_AGENT, OFFER_REFUND, "EUR", 5001));
}

static struct authority_policy parse_ok(const char *text)
{
    struct authority_policy p;
    struct terr_info ei = {0};
    enum terr e = authority_policy_parse(text, strlen(text), "test.txt", &p, &ei);
    if (e != TERR_OK)
        fail_msg("%s", ei.message);
    return p;
}

static void most_specific_rule_decides(void **state)
{
    (void)state;
    struct authority_policy p = parse_ok("agent  *       *    0\n"
                                         "agent  *       EUR  10.00\n"
                                         "agent  refund  *    none\n"
                                         "agent  refund  EUR  20.00\n"
                                         "agent  credit  *    unlimited\n");
    assert_int_equal(p.n, 5);
    /* kind and currency */
    assert_int_equal(authority_lookup(&p, ROLE_AGENT, OFFER_REFUND, "EUR"), 2000);
    /* kind and * beats * and currency */
    assert_int_equal(authority_lookup(&p, ROLE_AGENT, OFFER_REFUND, "USD"), AUTHORITY_NONE);
    assert_true(authority_lookup(&p, ROLE_AGENT, OFFER_CREDIT, "EUR") == AUTHORITY_UNLIMITED);
    /* * and currency */
    assert_int_equal(authority_lookup(&p, ROLE_AGENT, OFFER_DISCOUNT, "EUR"), 1000);
    /* * and * */
    assert_int_equal(authority_lookup(&p, ROLE_AGENT, OFFER_DISCOUNT, "USD"), 0);
    /* An offer without money matches only "*" currencies. */
    assert_int_equal(authority_lookup(&p, ROLE_AGENT, OFFER_REFUND, NULL), AUTHORITY_NONE);
    assert_int_equal(authority_lookup(&p, ROLE_AGENT, OFFER_APOLOGY_ONLY, NULL), 0);
    /* No rule for the role at all. */
    assert_int_equal(authority_lookup(&p, ROLE_LEAD, OFFER_DISCOUNT, "EUR"), AUTHORITY_NONE);
    assert_false(authority_covers(&p, ROLE_LEAD, OFFER_APOLOGY_ONLY, NULL, 0));
    /* "none" takes authority away even for zero. */
    assert_false(authority_covers(&p, ROLE_AGENT, OFFER_REFUND, "USD", 0));
    authority_policy_release(&p);
}

static void policy_comments_blanks_and_line_ends(void **state)
{
    (void)state;
    struct authority_policy p = parse_ok("# a comment\r\n"
                                         "\r\n"
                                         "   \t\n"
                                         "agent\trefund EUR 5  # five euros\r\n"
                                         "#\n"
                                         "lead refund EUR 50.5"); /* no final newline */
    assert_int_equal(p.n, 2);
    assert_int_equal(authority_lookup(&p, ROLE_AGENT, OFFER_REFUND, "EUR"), 500);
    assert_int_equal(authority_lookup(&p, ROLE_LEAD, OFFER_REFUND, "EUR"), 5050);
    authority_policy_release(&p);
    /* An empty policy grants nothing. */
    p = parse_ok("");
    assert_int_equal(p.n, 0);
    assert_false(authority_covers(&p, ROLE_ADMIN, OFFER_APOLOGY_ONLY, NULL, 0));
    authority_policy_release(&p);
}

static void policy_errors_name_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want; /* in the message */
    } bad[] = {
        {"boss refund EUR 5\n", "test.txt:1: unknown role 'boss'"},
        {"# c\nagent voucher EUR 5\n", "test.txt:2: unknown offer kind 'voucher'"},
        {"agent refund eur 5\n", "test.txt:1: currency 'eur'"},
        {"agent refund EUR 5.001\n", "test.txt:1: limit '5.001'"},
        {"agent refund JPY 5.5\n", "test.txt:1: limit '5.5'"},
        {"agent refund EUR -5\n", "test.txt:1: limit '-5'"},
        {"agent refund EUR lots\n", "test.txt:1: limit 'lots'"},
        {"agent refund * 50.00\n", "with currency '*'"},
        {"agent refund EUR\n", "test.txt:1: expected 'role kind currency limit', found 3"},
        {"agent\n", "found 1"},
        {"agent refund EUR 5 extra\n", "found more than 4"},
        {"agent refund EUR 50.00#x\n", "limit '50.00#x'"},
        {"agent refund EUR 5\n\nagent refund EUR 6\n",
         "test.txt:3: a second rule for agent refund EUR"},
        {"agent * * 0\nagent * * none\n", "test.txt:2: a second rule for agent * *"},
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        struct authority_policy p = {(struct authority_rule *)&p, 77}; /* a sentinel */
        struct terr_info ei = {0};
        assert_int_equal(
            authority_policy_parse(bad[i].text, strlen(bad[i].text), "test.txt", &p, &ei),
            TERR_INVALID);
        assert_string_equal(ei.field, "policy");
        if (!strstr(ei.message, bad[i].want))
            fail_msg("case %zu: '%s' lacks '%s'", i, ei.message, bad[i].want);
        assert_ptr_equal(p.rules, (struct authority_rule *)&p);
        assert_int_equal(p.n, 77);
    }
}

static void policy_refuses_long_lines_nul_and_bad_utf8(void **state)
{
    (void)state;
    struct authority_policy p = {NULL, 0};
    struct terr_info ei = {0};
    char line[AUTHORITY_LINE_MAX + 40];
    memset(line, ' ', sizeof line);
    memcpy(line + sizeof line - 20, "agent refund EUR 5\n", 19);
    assert_int_equal(authority_policy_parse(line, sizeof line - 1, "t", &p, &ei), TERR_INVALID);
    assert_non_null(strstr(ei.message, "t:1: line longer than"));
    static const char nul[] = "agent refund EUR 5\0\n";
    assert_int_equal(authority_policy_parse(nul, sizeof nul - 1, "t", &p, &ei), TERR_BAD_UTF8);
    static const char latin1[] = "# caf\xe9\nagent refund EUR 5\n";
    assert_int_equal(authority_policy_parse(latin1, sizeof latin1 - 1, "t", &p, &ei),
                     TERR_BAD_UTF8);
    assert_null(p.rules);
    /* len bounds the text: what follows is not read. */
    static const char cut[] = "agent refund EUR 5\nboss";
    assert_int_equal(authority_policy_parse(cut, 19, "t", &p, &ei), TERR_OK);
    assert_int_equal(p.n, 1);
    authority_policy_release(&p);
}

static void policy_release_accepts_null_and_twice(void **state)
{
    (void)state;
    authority_policy_release(NULL);
    struct authority_policy p = parse_ok("agent refund EUR 5\n");
    authority_policy_release(&p);
    assert_null(p.rules);
    assert_int_equal(p.n, 0);
    authority_policy_release(&p);
}

/* ---- proposing ---- */

static void offer_within_authority_is_approved_at_once(void **state)
{
    (void)state;
    struct offer_audit a;
    struct offer o = propose(draft(OFFER_REFUND, 3000, "EUR"), &AGENT, &a);
    assert_int_equal(o.state, OFFER_STATE_APPROVED);
    assert_int_equal(o.ticket_id, TICKET);
    assert_int_equal(o.amount, 3000);
    assert_string_equal(o.currency, "EUR");
    assert_int_equal(o.proposed_by, AGENT.id);
    assert_int_equal(o.proposer_role, ROLE_AGENT);
    assert_int_equal(o.proposed_at, NOW);
    assert_int_equal(o.decided_by, AGENT.id);
    assert_int_equal(o.decided_at, NOW);
    assert_true(offer_customer_visible(&o));
    assert_string_equal(a.action, "offer.propose");
    assert_true(a.created);
    assert_true(a.automatic);
    assert_int_equal(a.to, OFFER_STATE_APPROVED);
    assert_int_equal(a.actor_id, AGENT.id);
    assert_string_equal(a.summary, "refund 30.00 EUR within agent authority (50.00 EUR): approved");
}

static void offer_at_the_limit_is_within_one_cent_above_is_not(void **state)
{
    (void)state;
    assert_int_equal(propose(draft(OFFER_REFUND, 5000, "EUR"), &AGENT, NULL).state,
                     OFFER_STATE_APPROVED);
    struct offer_audit a;
    struct offer o = propose(draft(OFFER_REFUND, 5001, "EUR"), &AGENT, &a);
    assert_int_equal(o.state, OFFER_STATE_PENDING);
    assert_int_equal(o.decided_by, 0);
    assert_int_equal(o.decided_at, 0);
    assert_false(offer_customer_visible(&o));
    assert_false(a.automatic);
    assert_int_equal(a.to, OFFER_STATE_PENDING);
    assert_string_equal(a.summary, "refund 50.01 EUR above agent authority (50.00 EUR): pending");
}

static void apology_and_free_replacement_need_no_approval(void **state)
{
    (void)state;
    struct offer_audit a;
    struct offer o = propose(draft(OFFER_APOLOGY_ONLY, 0, NULL), &AGENT, &a);
    assert_int_equal(o.state, OFFER_STATE_APPROVED);
    assert_string_equal(o.currency, "");
    assert_string_equal(a.summary, "apology_only within agent authority (0): approved");
    o = propose(draft(OFFER_REPLACEMENT, 0, NULL), &AGENT, &a);
    assert_int_equal(o.state, OFFER_STATE_APPROVED);
    assert_non_null(strstr(a.summary, "replacement at no cost"));
}

static void currency_without_rule_waits_for_an_admin(void **state)
{
    (void)state;
    struct offer_audit a;
    struct offer o = propose(draft(OFFER_CREDIT, 500, "JPY"), &LEAD, &a);
    assert_int_equal(o.state, OFFER_STATE_PENDING);
    assert_string_equal(a.summary, "credit 500 JPY above lead authority (0): pending");
    struct terr_info ei = {0};
    assert_int_equal(offer_decide(&o, true, &LEAD, &policy, NULL, LATER, &a, &ei), TERR_FORBIDDEN);
    assert_int_equal(offer_decide(&o, true, &ADMIN, &policy, NULL, LATER, &a, &ei), TERR_OK);
    assert_int_equal(o.state, OFFER_STATE_APPROVED);
}

static void propose_refuses_bad_ids(void **state)
{
    (void)state;
    struct offer_draft d = draft(OFFER_REFUND, 100, "EUR");
    struct offer o;
    struct offer_audit a;
    struct terr_info ei = {0};
    assert_int_equal(offer_propose(&d, 0, &AGENT, &policy, NOW, &o, &a, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "ticket_id");
    struct offer_actor nobody = {ROLE_AGENT, 0};
    assert_int_equal(offer_propose(&d, TICKET, &nobody, &policy, NOW, &o, &a, &ei), TERR_INVALID);
    assert_string_equal(ei.field, "actor");
}

/* ---- deciding ---- */

static struct offer pending_refund(int64_t cents)
{
    struct offer o = propose(draft(OFFER_REFUND, cents, "EUR"), &AGENT, NULL);
    assert_int_equal(o.state, OFFER_STATE_PENDING);
    o.id = 9;
    return o;
}

static void lead_approves_pending_offer_and_customer_sees_it(void **state)
{
    (void)state;
    struct offer o = pending_refund(8000);
    struct offer_audit a;
    struct terr_info ei = {0};
    assert_int_equal(offer_decide(&o, true, &LEAD, &policy, "goodwill", LATER, &a, &ei), TERR_OK);
    assert_int_equal(o.state, OFFER_STATE_APPROVED);
    assert_int_equal(o.decided_by, LEAD.id);
    assert_int_equal(o.decided_at, LATER);
    assert_int_equal(o.proposed_by, AGENT.id);
    assert_true(offer_customer_visible(&o));
    assert_string_equal(a.action, "offer.approve");
    assert_false(a.created);
    assert_false(a.automatic);
    assert_int_equal(a.from, OFFER_STATE_PENDING);
    assert_int_equal(a.to, OFFER_STATE_APPROVED);
    assert_int_equal(a.actor_id, LEAD.id);
    assert_string_equal(a.summary, "refund 80.00 EUR approved by lead 20");
}

static void lead_rejects_and_customer_sees_nothing(void **state)
{
    (void)state;
    struct offer o = pending_refund(8000);
    struct offer_audit a;
    assert_int_equal(offer_decide(&o, false, &LEAD, &policy, NULL, LATER, &a, NULL), TERR_OK);
    assert_int_equal(o.state, OFFER_STATE_REJECTED);
    assert_false(offer_customer_visible(&o));
    assert_string_equal(a.action, "offer.reject");
    assert_int_equal(a.to, OFFER_STATE_REJECTED);
}

static void agent_cannot_approve_or_reject(void **state)
{
    (void)state;
    for (int approve = 0; approve < 2; approve++) {
        struct offer o = pending_refund(8000), before = o;
        struct offer_audit a, a0;
        memset(&a, 0x5a, sizeof a);
        a0 = a;
        struct terr_info ei = {0};
        assert_int_equal(offer_decide(&o, approve, &AGENT2, &policy, NULL, LATER, &a, &ei),
                         TERR_FORBIDDEN);
        assert_int_equal(ei.code, TERR_FORBIDDEN);
        assert_non_null(strstr(ei.message, "lead or admin"));
        assert_memory_equal(&o, &before, sizeof o);
        assert_memory_equal(&a, &a0, sizeof a);
        /* Not even the proposer. */
        assert_int_equal(offer_decide(&o, approve, &AGENT, &policy, NULL, LATER, &a, &ei),
                         TERR_FORBIDDEN);
    }
}

static void lead_cannot_approve_above_own_authority(void **state)
{
    (void)state;
    struct offer o = pending_refund(50001), before = o;
    struct offer_audit a;
    struct terr_info ei = {0};
    assert_int_equal(offer_decide(&o, true, &LEAD, &policy, NULL, LATER, &a, &ei), TERR_FORBIDDEN);
    assert_string_equal(ei.message, "refund 500.01 EUR is above lead authority (500.00 EUR)");
    assert_memory_equal(&o, &before, sizeof o);
    assert_int_equal(offer_decide(&o, true, &ADMIN, &policy, NULL, LATER, &a, &ei), TERR_OK);
    assert_int_equal(o.decided_by, ADMIN.id);
}

static void decided_offers_are_final(void **state)
{
    (void)state;
    struct offer approved = pending_refund(8000), rejected = pending_refund(8000),
                 withdrawn = pending_refund(8000);
    struct offer_audit a;
    assert_int_equal(offer_decide(&approved, true, &LEAD, &policy, NULL, LATER, &a, NULL), TERR_OK);
    assert_int_equal(offer_decide(&rejected, false, &LEAD, &policy, NULL, LATER, &a, NULL),
                     TERR_OK);
    assert_int_equal(offer_withdraw(&withdrawn, &AGENT, LATER, &a, NULL), TERR_OK);
    struct offer *done[] = {&approved, &rejected, &withdrawn};
    for (size_t i = 0; i < COUNT(done); i++) {
        struct offer before = *done[i];
        for (int approve = 0; approve < 2; approve++) {
            struct terr_info ei = {0};
            assert_int_equal(
                offer_decide(done[i], approve, &ADMIN, &policy, NULL, LATER + 1, &a, &ei),
                TERR_CONFLICT);
            assert_string_equal(ei.field, "state");
            assert_non_null(strstr(ei.message, offer_state_name(before.state)));
        }
        assert_int_equal(offer_withdraw(done[i], &AGENT, LATER + 1, &a, NULL), TERR_CONFLICT);
        assert_memory_equal(done[i], &before, sizeof before);
    }
    /* An offer approved on proposal is final too. */
    struct offer auto_ok = propose(draft(OFFER_CREDIT, 100, "EUR"), &AGENT, NULL);
    assert_int_equal(offer_decide(&auto_ok, false, &LEAD, &policy, NULL, LATER, &a, NULL),
                     TERR_CONFLICT);
    assert_int_equal(offer_withdraw(&auto_ok, &AGENT, LATER, &a, NULL), TERR_CONFLICT);
}

static void decision_note_is_checked(void **state)
{
    (void)state;
    struct offer o = pending_refund(8000), before = o;
    char note[OFFER_NOTE_MAX + 2];
    memset(note, 'n', sizeof note - 1);
    note[sizeof note - 1] = '\0';
    struct offer_audit a;
    struct terr_info ei = {0};
    assert_int_equal(offer_decide(&o, false, &LEAD, &policy, note, LATER, &a, &ei), TERR_TOO_LONG);
    assert_string_equal(ei.field, "note");
    assert_memory_equal(&o, &before, sizeof o);
}

/* ---- withdrawing ---- */

static void proposer_withdraws_pending_offer(void **state)
{
    (void)state;
    struct offer o = pending_refund(8000);
    struct offer_audit a;
    assert_int_equal(offer_withdraw(&o, &AGENT, LATER, &a, NULL), TERR_OK);
    assert_int_equal(o.state, OFFER_STATE_WITHDRAWN);
    assert_int_equal(o.decided_by, AGENT.id);
    assert_int_equal(o.decided_at, LATER);
    assert_false(offer_customer_visible(&o));
    assert_string_equal(a.action, "offer.withdraw");
    assert_int_equal(a.from, OFFER_STATE_PENDING);
    assert_int_equal(a.to, OFFER_STATE_WITHDRAWN);
    assert_string_equal(a.summary, "refund 80.00 EUR withdrawn by its proposer");
}

static void only_the_proposer_withdraws(void **state)
{
    (void)state;
    const struct offer_actor *others[] = {&AGENT2, &LEAD, &ADMIN};
    for (size_t i = 0; i < COUNT(others); i++) {
        struct offer o = pending_refund(8000), before = o;
        struct offer_audit a;
        struct terr_info ei = {0};
        assert_int_equal(offer_withdraw(&o, others[i], LATER, &a, &ei), TERR_FORBIDDEN);
        assert_non_null(strstr(ei.message, "proposer"));
        assert_memory_equal(&o, &before, sizeof o);
    }
}

/* ---- visibility ---- */

static void customer_sees_approved_offers_only(void **state)
{
    (void)state;
    struct offer o;
    memset(&o, 0, sizeof o);
    static const struct {
        enum offer_state s;
        bool visible;
    } want[] = {{OFFER_STATE_PENDING, false},
                {OFFER_STATE_APPROVED, true},
                {OFFER_STATE_REJECTED, false},
                {OFFER_STATE_WITHDRAWN, false}};
    for (size_t i = 0; i < COUNT(want); i++) {
        o.state = want[i].s;
        assert_int_equal(offer_customer_visible(&o), want[i].visible);
    }
}

/* The story of issue 5: above authority, waits; the lead approves; visible. */
static void story_offer_above_authority_waits_for_the_lead(void **state)
{
    (void)state;
    struct offer_audit trail[2];
    struct offer o = propose(draft(OFFER_REFUND, 12000, "EUR"), &AGENT, &trail[0]);
    assert_false(offer_customer_visible(&o));
    assert_int_equal(offer_decide(&o, true, &LEAD, &policy, NULL, LATER, &trail[1], NULL), TERR_OK);
    assert_true(offer_customer_visible(&o));
    assert_string_equal(trail[0].action, "offer.propose");
    assert_int_equal(trail[0].to, OFFER_STATE_PENDING);
    assert_string_equal(trail[1].action, "offer.approve");
    assert_int_equal(trail[1].to, OFFER_STATE_APPROVED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kind_and_state_names_round_trip),
        cmocka_unit_test(unknown_kind_is_refused_by_name_and_by_number),
        cmocka_unit_test(currency_is_three_upper_case_letters),
        cmocka_unit_test(currency_digits_follow_iso_4217),
        cmocka_unit_test(amounts_parse_into_minor_units),
        cmocka_unit_test(bad_amounts_name_the_field),
        cmocka_unit_test(amounts_format_with_their_decimals),
        cmocka_unit_test(valid_drafts_pass),
        cmocka_unit_test(negative_or_overflowing_amount_is_refused),
        cmocka_unit_test(refund_credit_discount_need_an_amount),
        cmocka_unit_test(apology_only_has_no_amount_or_currency),
        cmocka_unit_test(bad_or_missing_currency_is_refused),
        cmocka_unit_test(note_too_long_or_not_utf8_is_refused),
        cmocka_unit_test(shipped_policy_file_is_the_built_in_default),
        cmocka_unit_test(default_policy_limits_by_role),
        cmocka_unit_test(most_specific_rule_decides),
        cmocka_unit_test(policy_comments_blanks_and_line_ends),
        cmocka_unit_test(policy_errors_name_file_and_line),
        cmocka_unit_test(policy_refuses_long_lines_nul_and_bad_utf8),
        cmocka_unit_test(policy_release_accepts_null_and_twice),
        cmocka_unit_test(offer_within_authority_is_approved_at_once),
        cmocka_unit_test(offer_at_the_limit_is_within_one_cent_above_is_not),
        cmocka_unit_test(apology_and_free_replacement_need_no_approval),
        cmocka_unit_test(currency_without_rule_waits_for_an_admin),
        cmocka_unit_test(propose_refuses_bad_ids),
        cmocka_unit_test(lead_approves_pending_offer_and_customer_sees_it),
        cmocka_unit_test(lead_rejects_and_customer_sees_nothing),
        cmocka_unit_test(agent_cannot_approve_or_reject),
        cmocka_unit_test(lead_cannot_approve_above_own_authority),
        cmocka_unit_test(decided_offers_are_final),
        cmocka_unit_test(decision_note_is_checked),
        cmocka_unit_test(proposer_withdraws_pending_offer),
        cmocka_unit_test(only_the_proposer_withdraws),
        cmocka_unit_test(customer_sees_approved_offers_only),
        cmocka_unit_test(story_offer_above_authority_waits_for_the_lead),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
