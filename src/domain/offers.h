/*
 * Offers within authority: what an agent may promise a customer, who must
 * approve what is above their authority, and what the customer sees.
 *
 * Money is an int64 count of the currency's minor units (cents for EUR,
 * yen for JPY, fils for KWD: see offer_currency_digits) with an ISO 4217
 * code of three upper-case ASCII letters.  Amounts are never negative and
 * never above OFFER_AMOUNT_MAX, so sums of a few offers cannot overflow.  A
 * discount is an amount of money off, not a percentage.
 *
 * States: an offer is born approved (within its proposer's authority) or
 * pending.  pending -> approved | rejected by a lead or admin whose authority
 * covers it; pending -> withdrawn by its proposer.  approved, rejected and
 * withdrawn are final.  The customer sees approved offers only.
 *
 * The authority policy is a list of rules "role kind currency limit"; the
 * most specific rule for (role, kind, currency) decides (see
 * authority_lookup).  No rule: no authority, the offer waits for someone
 * who has it.  The file format is at the top of data/policy/authority.txt.
 *
 * Every transition fills a struct offer_audit: the service writes it to the
 * audit trail as it is.  On any error the offer is left untouched.
 */
#ifndef TRUCE_OFFERS_H
#define TRUCE_OFFERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/err.h"
#include "model.h"

/* 10^15 minor units: ten trillion euros.  Far above any refund, far below
 * INT64_MAX / 1000, so a few amounts add up without overflow. */
#define OFFER_AMOUNT_MAX 1000000000000000LL
/* Note from the proposer or the approver, in bytes of UTF-8. */
#define OFFER_NOTE_MAX 2000
/* Rules in one policy, and bytes in one policy line. */
#define AUTHORITY_RULES_MAX 1000
#define AUTHORITY_LINE_MAX  512

/* clang-format off */
#define OFFER_KIND_MAP(X) X(REFUND, "refund") X(REPLACEMENT, "replacement") \
    X(CREDIT, "credit") X(DISCOUNT, "discount") X(ALTERNATIVE, "alternative") \
    X(APOLOGY_ONLY, "apology_only")
#define OFFER_STATE_MAP(X) X(PENDING, "pending") X(APPROVED, "approved") \
    X(REJECTED, "rejected") X(WITHDRAWN, "withdrawn")
/* clang-format on */

enum offer_kind {
#define X(name, str) OFFER_##name,
    OFFER_KIND_MAP(X)
#undef X
        OFFER_KIND__COUNT
};
enum offer_state {
#define X(name, str) OFFER_STATE_##name,
    OFFER_STATE_MAP(X)
#undef X
};

/* Wire names (static strings; "unknown" out of range) and their parsers; a
 * parser returns false and leaves *out untouched for a name it does not know. */
const char *offer_kind_name(enum offer_kind v);
bool offer_kind_parse(const char *s, enum offer_kind *out);
const char *offer_state_name(enum offer_state v);
bool offer_state_parse(const char *s, enum offer_state *out);

/* Whether the kind carries an amount at all (all but apology_only), and
 * whether that amount must be > 0 (refund, credit, discount). */
bool offer_kind_has_amount(enum offer_kind k);
bool offer_kind_needs_amount(enum offer_kind k);

/* True for three upper-case ASCII letters ("EUR"). */
bool offer_currency_valid(const char *s);

/* Digits after the decimal point in the currency (ISO 4217 exponent): 0 for
 * JPY, KRW and the like, 3 for BHD, KWD, ..., 2 for every other code. */
int offer_currency_digits(const char *currency);

/* Parses a decimal amount in major units ("50", "50.5", "50.00") of the
 * currency into minor units.  TERR_INVALID on field `field` for a sign, more
 * decimals than the currency has, anything but digits and one '.', or a value
 * over OFFER_AMOUNT_MAX; *out untouched then. */
enum terr offer_amount_parse(const char *s, const char *currency, const char *field, int64_t *out,
                             struct terr_info *ei);

/* Writes "50.00 EUR" into out, always NUL-terminated: "unlimited" for
 * AUTHORITY_UNLIMITED, "none" for a negative amount, the bare number of minor
 * units when currency is not a valid code (a "*" rule's 0). */
void offer_amount_format(int64_t amount, const char *currency, char *out, size_t n);

/* ---- policy ---- */

/* A limit in minor units, or one of these. */
#define AUTHORITY_UNLIMITED INT64_MAX
#define AUTHORITY_NONE      (-1)

/* One rule.  kind_any / currency[0] == '*' are the wildcards. */
struct authority_rule {
    enum role role;
    bool kind_any;
    enum offer_kind kind;
    char currency[4]; /* "EUR", or "*" for any currency (and for no currency) */
    int64_t limit;    /* minor units, AUTHORITY_UNLIMITED or AUTHORITY_NONE */
};

/* An owned list of rules; release with authority_policy_release. */
struct authority_policy {
    struct authority_rule *rules;
    size_t n;
};

/* The policy shipped in data/policy/authority.txt, built in so a desk without
 * the file behaves the same: agents up to 50.00 EUR/USD (40.00 GBP) for
 * refund, credit and discount and 100.00 (80.00 GBP) for replacement and
 * alternative; leads ten times that; admins unlimited; anyone may apologise. */
void authority_policy_default(struct authority_policy *out);

/* The text of the default policy (the same as data/policy/authority.txt). */
const char *authority_policy_default_text(void);

/* Parses a policy file's text (len bytes; need not be NUL-terminated).  Lines
 * are "role kind currency limit" separated by blanks; kind may be "*",
 * currency "*" (any, with limit 0, none or unlimited only, since a number
 * means different money in each currency); limit is a decimal amount in the
 * currency, "unlimited" or "none".  '#' starts a comment at the start of a
 * line or after a blank.  Errors are TERR_INVALID (TERR_BAD_UTF8 for text that
 * is not UTF-8 or holds a NUL) on field "policy" with "name:line: what" in
 * ei->message (name: the file's name for messages); *out untouched then.
 * On success *out is replaced (release the old one first). */
enum terr authority_policy_parse(const char *text, size_t len, const char *name,
                                 struct authority_policy *out, struct terr_info *ei);

/* Frees the rules; accepts NULL and leaves an empty policy. */
void authority_policy_release(struct authority_policy *p);

/* The limit of `role` for `kind` in `currency` (NULL or "" for an offer
 * without money): the most specific matching rule wins, in this order:
 * kind and currency, kind and "*", "*" and currency, "*" and "*".
 * AUTHORITY_NONE when no rule matches. */
int64_t authority_lookup(const struct authority_policy *p, enum role role, enum offer_kind kind,
                         const char *currency);

/* True when `role` may grant an offer of this kind and amount on its own. */
bool authority_covers(const struct authority_policy *p, enum role role, enum offer_kind kind,
                      const char *currency, int64_t amount);

/* ---- offers ---- */

/* What a proposer submits.  Strings are borrowed. */
struct offer_draft {
    enum offer_kind kind;
    int64_t amount;       /* minor units; must be 0 for apology_only */
    const char *currency; /* ISO 4217; NULL or "" for apology_only (and only then) */
    const char *note;     /* what is offered and why, for the approver; may be NULL */
};

/* The offer as the rules see it.  Plain data, no heap: copy freely. */
struct offer {
    int64_t id; /* set by the store; 0 until stored */
    int64_t ticket_id;
    enum offer_kind kind;
    int64_t amount;
    char currency[4]; /* "" for apology_only */
    enum offer_state state;
    int64_t proposed_by; /* agent id */
    enum role proposer_role;
    int64_t proposed_at;
    int64_t decided_by; /* who approved, rejected or withdrew it (the proposer when auto-approved);
                           0 while pending */
    int64_t decided_at; /* 0 while pending */
};

/* Who is acting: an agent of some role. */
struct offer_actor {
    enum role role;
    int64_t id; /* > 0 */
};

/* What one transition leaves in the audit trail. */
struct offer_audit {
    const char
        *action;  /* static: "offer.propose", "offer.approve", "offer.reject", "offer.withdraw" */
    bool created; /* the offer is new (no state before) */
    enum offer_state from; /* meaningless when created */
    enum offer_state to;
    bool automatic; /* approved on proposal, within the proposer's authority */
    int64_t actor_id;
    char summary[200]; /* "refund 80.00 EUR above agent authority (50.00 EUR): pending" */
};

/* Checks a draft: kind known; amount >= 0, <= OFFER_AMOUNT_MAX, > 0 for
 * refund/credit/discount, 0 for apology_only; currency valid when the kind has
 * an amount and absent for apology_only; note valid UTF-8 and at most
 * OFFER_NOTE_MAX bytes.  TERR_INVALID (TERR_TOO_LONG for the note, TERR_BAD_UTF8)
 * with the field: "kind", "amount", "currency", "note". */
enum terr offer_validate(const struct offer_draft *d, struct terr_info *ei);

/* Creates the offer for ticket_id proposed by `by` at `now` into *out:
 * approved (automatic) when the policy covers it for by->role, else pending.
 * Fills *audit.  Errors: those of offer_validate; TERR_INVALID ("ticket_id",
 * "actor") for ids <= 0.  *out and *audit untouched on error. */
enum terr offer_propose(const struct offer_draft *d, int64_t ticket_id,
                        const struct offer_actor *by, const struct authority_policy *p, int64_t now,
                        struct offer *out, struct offer_audit *audit, struct terr_info *ei);

/* Approves (approve true) or rejects a pending offer.  TERR_FORBIDDEN when by
 * is an agent (checked first); TERR_CONFLICT ("state") when it is not pending;
 * TERR_FORBIDDEN when by's authority does not cover the offer.  note (the approver's
 * reason, may be NULL) is checked as in offer_validate.  Fills *audit. */
enum terr offer_decide(struct offer *o, bool approve, const struct offer_actor *by,
                       const struct authority_policy *p, const char *note, int64_t now,
                       struct offer_audit *audit, struct terr_info *ei);

/* Withdraws a pending offer.  TERR_CONFLICT ("state") when it is not pending;
 * TERR_FORBIDDEN when by is not its proposer.  Fills *audit. */
enum terr offer_withdraw(struct offer *o, const struct offer_actor *by, int64_t now,
                         struct offer_audit *audit, struct terr_info *ei);

/* True when the customer may see the offer: approved only. */
bool offer_customer_visible(const struct offer *o);

#endif
