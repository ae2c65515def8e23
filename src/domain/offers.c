/*
 * Offers within authority (offers.h).  The policy is a flat array of rules,
 * searched linearly: a desk has tens of rules and looks one up per offer.
 * The parser works on text in memory so the domain stays free of I/O; the
 * service reads data/policy/authority.txt and hands its bytes over.
 */
#include "offers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/utf8.h"

/* clang-format off */
static const char *const kind_names[] = {
#define X(name, str) str,
    OFFER_KIND_MAP(X)
#undef X
};
static const char *const state_names[] = {
#define X(name, str) str,
    OFFER_STATE_MAP(X)
#undef X
};
/* clang-format on */

#define N_KINDS  (sizeof kind_names / sizeof kind_names[0])
#define N_STATES (sizeof state_names / sizeof state_names[0])

const char *offer_kind_name(enum offer_kind v)
{
    return (size_t)v < N_KINDS ? kind_names[v] : "unknown";
}

bool offer_kind_parse(const char *s, enum offer_kind *out)
{
    for (size_t i = 0; s && i < N_KINDS; i++) {
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (enum offer_kind)i;
            return true;
        }
    }
    return false;
}

const char *offer_state_name(enum offer_state v)
{
    return (size_t)v < N_STATES ? state_names[v] : "unknown";
}

bool offer_state_parse(const char *s, enum offer_state *out)
{
    for (size_t i = 0; s && i < N_STATES; i++) {
        if (strcmp(s, state_names[i]) == 0) {
            *out = (enum offer_state)i;
            return true;
        }
    }
    return false;
}

bool offer_kind_has_amount(enum offer_kind k)
{
    return k != OFFER_APOLOGY_ONLY;
}

bool offer_kind_needs_amount(enum offer_kind k)
{
    return k == OFFER_REFUND || k == OFFER_CREDIT || k == OFFER_DISCOUNT;
}

bool offer_currency_valid(const char *s)
{
    if (!s)
        return false;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return s[3] == '\0';
}

int offer_currency_digits(const char *currency)
{
    /* ISO 4217's exponents other than 2, among codes in use. */
    static const char zero[] =
        "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    static const char three[] = "BHD IQD JOD KWD LYD OMR TND";
    if (!offer_currency_valid(currency))
        return 2;
    for (const char *p = zero; *p; p += p[3] ? 4 : 3)
        if (memcmp(p, currency, 3) == 0)
            return 0;
    for (const char *p = three; *p; p += p[3] ? 4 : 3)
        if (memcmp(p, currency, 3) == 0)
            return 3;
    return 2;
}

/* Parses s as a decimal with at most `digits` decimals into units of
 * 10^-digits.  False for anything else or a value over OFFER_AMOUNT_MAX. */
static bool parse_decimal(const char *s, int digits, int64_t *out)
{
    int64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > OFFER_AMOUNT_MAX)
            return false;
    }
    int frac = 0;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        for (; *p >= '0' && *p <= '9'; p++, frac++) {
            if (frac >= digits)
                return false;
            v = v * 10 + (*p - '0');
            if (v > OFFER_AMOUNT_MAX)
                return false;
        }
    }
    if (*p)
        return false;
    for (; frac < digits; frac++) {
        v *= 10;
        if (v > OFFER_AMOUNT_MAX)
            return false;
    }
    *out = v;
    return true;
}

enum terr offer_amount_parse(const char *s, const char *currency, const char *field, int64_t *out,
                             struct terr_info *ei)
{
    int digits = offer_currency_digits(currency);
    int64_t v;
    if (!s || !parse_decimal(s, digits, &v))
        return terr_set(ei, TERR_INVALID, field,
                        "amount '%.40s' is not a number >= 0 with at most %d decimals, at most "
                        "%lld minor units",
                        s ? s : "", digits, (long long)OFFER_AMOUNT_MAX);
    *out = v;
    return TERR_OK;
}

void offer_amount_format(int64_t amount, const char *currency, char *out, size_t n)
{
    if (amount == AUTHORITY_UNLIMITED) {
        snprintf(out, n, "unlimited");
        return;
    }
    if (amount < 0) {
        snprintf(out, n, "none");
        return;
    }
    int digits = offer_currency_digits(currency);
    if (!offer_currency_valid(currency) || digits == 0) {
        /* Without a currency there is no decimal point to place. */
        snprintf(out, n, "%lld%s%s", (long long)amount, digits ? "" : " ", digits ? "" : currency);
        return;
    }
    int64_t scale = digits == 3 ? 1000 : 100;
    snprintf(out, n, "%lld.%0*lld %s", (long long)(amount / scale), digits,
             (long long)(amount % scale), currency);
}

/* ---- policy ---- */

/* clang-format off */
static const char default_text[] =
    "# Authority policy: how much each role may grant on its own, per offer kind\n"
    "# and currency.  An offer above its proposer's authority waits for a lead or\n"
    "# admin whose authority covers it.\n"
    "#\n"
    "# One rule a line:   role  kind  currency  limit\n"
    "#   role      agent, lead or admin\n"
    "#   kind      refund, replacement, credit, discount, alternative, apology_only,\n"
    "#             or * for any kind\n"
    "#   currency  an ISO 4217 code (EUR), or * for any currency and for offers\n"
    "#             without money (an apology, a replacement at no cost)\n"
    "#   limit     the largest amount in major units (50.00), unlimited, or none;\n"
    "#             with currency * only 0, unlimited or none (50 yen are not 50 euros)\n"
    "# The most specific rule decides: kind and currency, then kind and *, then * and\n"
    "# currency, then * and *.  No rule: no authority.  A discount is money off, not\n"
    "# a percentage.  Amounts in currencies without a rule wait for an admin.\n"
    "\n"
    "# Agents: small gestures without asking, anything at no cost.\n"
    "agent  *            *    0\n"
    "agent  *            EUR  50.00\n"
    "agent  *            USD  50.00\n"
    "agent  *            GBP  40.00\n"
    "agent  replacement  EUR  100.00\n"
    "agent  replacement  USD  100.00\n"
    "agent  replacement  GBP  80.00\n"
    "agent  alternative  EUR  100.00\n"
    "agent  alternative  USD  100.00\n"
    "agent  alternative  GBP  80.00\n"
    "\n"
    "# Leads: ten times an agent's authority.\n"
    "lead   *            *    0\n"
    "lead   *            EUR  500.00\n"
    "lead   *            USD  500.00\n"
    "lead   *            GBP  400.00\n"
    "lead   replacement  EUR  1000.00\n"
    "lead   replacement  USD  1000.00\n"
    "lead   replacement  GBP  800.00\n"
    "lead   alternative  EUR  1000.00\n"
    "lead   alternative  USD  1000.00\n"
    "lead   alternative  GBP  800.00\n"
    "\n"
    "# Admins: no limit.\n"
    "admin  *            *    unlimited\n";
/* clang-format on */

const char *authority_policy_default_text(void)
{
    return default_text;
}

void authority_policy_default(struct authority_policy *out)
{
    struct terr_info ei;
    if (authority_policy_parse(default_text, sizeof default_text - 1, "default policy", out, &ei) !=
        TERR_OK)
        BUG("the built-in authority policy does not parse: %s", ei.message);
}

void authority_policy_release(struct authority_policy *p)
{
    if (!p)
        return;
    free(p->rules);
    p->rules = NULL;
    p->n = 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Splits line (NUL-terminated, comment already cut) into at most max fields
 * in place; returns how many there were (max + 1 when there are more). */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        if (!*p)
            return n;
        if (n == max)
            return max + 1;
        fields[n++] = p;
        while (*p && !is_blank(*p))
            p++;
        if (*p)
            *p++ = '\0';
    }
}

/* Cuts a comment the way data files do (analysis/datafile.h): '#' at the
 * start or after a blank, followed by a blank or the end. */
static void cut_comment(char *line)
{
    for (char *p = line; *p; p++) {
        if (*p == '#' && (p == line || is_blank(p[-1])) && (p[1] == '\0' || is_blank(p[1]))) {
            *p = '\0';
            return;
        }
    }
}

static bool same_rule(const struct authority_rule *a, const struct authority_rule *b)
{
    return a->role == b->role && a->kind_any == b->kind_any &&
           (a->kind_any || a->kind == b->kind) && strcmp(a->currency, b->currency) == 0;
}

/* Parses one line's fields into *r; false with the message in ei. */
static bool parse_rule(char **f, const char *name, unsigned line, struct authority_rule *r,
                       struct terr_info *ei)
{
#define FAIL(...)                                                                                  \
    do {                                                                                           \
        char what_[160];                                                                           \
        snprintf(what_, sizeof what_, __VA_ARGS__);                                                \
        terr_set(ei, TERR_INVALID, "policy", "%s:%u: %s", name, line, what_);                      \
        return false;                                                                              \
    } while (0)

    memset(r, 0, sizeof *r);
    if (!role_parse(f[0], &r->role))
        FAIL("unknown role '%.40s' (agent, lead or admin)", f[0]);
    if (strcmp(f[1], "*") == 0)
        r->kind_any = true;
    else if (!offer_kind_parse(f[1], &r->kind))
        FAIL("unknown offer kind '%.40s'", f[1]);
    bool any_currency = strcmp(f[2], "*") == 0;
    if (!any_currency && !offer_currency_valid(f[2]))
        FAIL("currency '%.40s' is not three upper-case letters", f[2]);
    memcpy(r->currency, f[2], strlen(f[2]) + 1);
    if (strcmp(f[3], "unlimited") == 0) {
        r->limit = AUTHORITY_UNLIMITED;
    } else if (strcmp(f[3], "none") == 0) {
        r->limit = AUTHORITY_NONE;
    } else if (!parse_decimal(f[3], any_currency ? 3 : offer_currency_digits(f[2]), &r->limit)) {
        FAIL("limit '%.40s' is not an amount in %s, unlimited or none", f[3],
             any_currency ? "any currency" : f[2]);
    } else if (any_currency && r->limit != 0) {
        FAIL("limit '%.40s' with currency '*': only 0, unlimited or none", f[3]);
    }
    return true;
#undef FAIL
}

enum terr authority_policy_parse(const char *text, size_t len, const char *name,
                                 struct authority_policy *out, struct terr_info *ei)
{
    if (!name)
        name = "policy";
    if (!text && len)
        return terr_set(ei, TERR_INVALID, "policy", "%s: no text", name);
    if (len && !utf8_valid(text, len))
        return terr_set(ei, TERR_BAD_UTF8, "policy",
                        "%s: not valid UTF-8 text (or holds a NUL byte)", name);
    struct authority_policy p = {NULL, 0};
    size_t cap = 0;
    unsigned line = 0;
    for (size_t at = 0; at < len;) {
        const char *end = memchr(text + at, '\n', len - at);
        size_t n = end ? (size_t)(end - (text + at)) : len - at;
        line++;
        if (n > AUTHORITY_LINE_MAX) {
            free(p.rules);
            return terr_set(ei, TERR_INVALID, "policy", "%s:%u: line longer than %d bytes", name,
                            line, AUTHORITY_LINE_MAX);
        }
        char buf[AUTHORITY_LINE_MAX + 1];
        memcpy(buf, text + at, n);
        buf[n] = '\0';
        at += n + (end ? 1 : 0);
        cut_comment(buf);
        char *f[4];
        size_t nf = split(buf, f, 4);
        if (nf == 0)
            continue;
        struct authority_rule r;
        if (nf != 4) {
            free(p.rules);
            return terr_set(ei, TERR_INVALID, "policy",
                            "%s:%u: expected 'role kind currency limit', found %s fields", name,
                            line,
                            nf > 4    ? "more than 4"
                            : nf == 1 ? "1"
                            : nf == 2 ? "2"
                                      : "3");
        }
        if (!parse_rule(f, name, line, &r, ei)) {
            free(p.rules);
            return TERR_INVALID;
        }
        for (size_t i = 0; i < p.n; i++) {
            if (same_rule(&p.rules[i], &r)) {
                free(p.rules);
                return terr_set(ei, TERR_INVALID, "policy", "%s:%u: a second rule for %s %s %s",
                                name, line, role_name(r.role),
                                r.kind_any ? "*" : offer_kind_name(r.kind), r.currency);
            }
        }
        if (p.n == AUTHORITY_RULES_MAX) {
            free(p.rules);
            return terr_set(ei, TERR_INVALID, "policy", "%s:%u: more than %d rules", name, line,
                            AUTHORITY_RULES_MAX);
        }
        if (p.n == cap) {
            cap = cap ? cap * 2 : 16;
            p.rules = xrealloc(p.rules, cap * sizeof *p.rules);
        }
        p.rules[p.n++] = r;
    }
    *out = p;
    return TERR_OK;
}

static const struct authority_rule *find_rule(const struct authority_policy *p, enum role role,
                                              bool kind_any, enum offer_kind kind,
                                              const char *currency)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct authority_rule *r = &p->rules[i];
        if (r->role == role && r->kind_any == kind_any && (kind_any || r->kind == kind) &&
            strcmp(r->currency, currency) == 0)
            return r;
    }
    return NULL;
}

/* The rule that decides, or NULL. */
static const struct authority_rule *decide_rule(const struct authority_policy *p, enum role role,
                                                enum offer_kind kind, const char *currency)
{
    bool money = currency && currency[0];
    const struct authority_rule *r = NULL;
    if (money)
        r = find_rule(p, role, false, kind, currency);
    if (!r)
        r = find_rule(p, role, false, kind, "*");
    if (!r && money)
        r = find_rule(p, role, true, kind, currency);
    if (!r)
        r = find_rule(p, role, true, kind, "*");
    return r;
}

int64_t authority_lookup(const struct authority_policy *p, enum role role, enum offer_kind kind,
                         const char *currency)
{
    const struct authority_rule *r = p ? decide_rule(p, role, kind, currency) : NULL;
    return r ? r->limit : AUTHORITY_NONE;
}

bool authority_covers(const struct authority_policy *p, enum role role, enum offer_kind kind,
                      const char *currency, int64_t amount)
{
    int64_t limit = authority_lookup(p, role, kind, currency);
    return limit != AUTHORITY_NONE && amount >= 0 && amount <= limit;
}

/* ---- offers ---- */

static enum terr check_note(const char *note, struct terr_info *ei)
{
    if (!note)
        return TERR_OK;
    size_t n = strlen(note);
    if (n > OFFER_NOTE_MAX)
        return terr_set(ei, TERR_TOO_LONG, "note", "note is %zu bytes, over the limit of %d", n,
                        OFFER_NOTE_MAX);
    if (!utf8_valid(note, n))
        return terr_set(ei, TERR_BAD_UTF8, "note", "note is not valid UTF-8");
    return TERR_OK;
}

enum terr offer_validate(const struct offer_draft *d, struct terr_info *ei)
{
    if ((size_t)d->kind >= N_KINDS)
        return terr_set(ei, TERR_INVALID, "kind", "unknown offer kind %d", (int)d->kind);
    bool has_currency = d->currency && d->currency[0];
    if (!offer_kind_has_amount(d->kind)) {
        if (d->amount != 0)
            return terr_set(ei, TERR_INVALID, "amount", "an apology_only offer has no amount");
        if (has_currency)
            return terr_set(ei, TERR_INVALID, "currency", "an apology_only offer has no currency");
        return check_note(d->note, ei);
    }
    if (d->amount < 0)
        return terr_set(ei, TERR_INVALID, "amount", "amount %lld is negative",
                        (long long)d->amount);
    if (d->amount > OFFER_AMOUNT_MAX)
        return terr_set(ei, TERR_INVALID, "amount", "amount %lld is over the limit of %lld",
                        (long long)d->amount, (long long)OFFER_AMOUNT_MAX);
    if (d->amount == 0 && offer_kind_needs_amount(d->kind))
        return terr_set(ei, TERR_INVALID, "amount", "a %s needs an amount above 0",
                        offer_kind_name(d->kind));
    /* A replacement or alternative at no cost needs no currency. */
    if (!has_currency && d->amount != 0)
        return terr_set(ei, TERR_INVALID, "currency", "an amount needs a currency");
    if (has_currency && !offer_currency_valid(d->currency))
        return terr_set(ei, TERR_INVALID, "currency",
                        "currency '%.20s' is not three upper-case letters (ISO 4217)", d->currency);
    return check_note(d->note, ei);
}

/* "refund 80.00 EUR", "apology_only", "replacement at no cost". */
static void describe(const struct offer *o, char *out, size_t n)
{
    if (!offer_kind_has_amount(o->kind)) {
        snprintf(out, n, "%s", offer_kind_name(o->kind));
    } else if (!o->currency[0]) {
        snprintf(out, n, "%s at no cost", offer_kind_name(o->kind));
    } else {
        char amount[48];
        offer_amount_format(o->amount, o->currency, amount, sizeof amount);
        snprintf(out, n, "%s %s", offer_kind_name(o->kind), amount);
    }
}

/* The limit and its currency as words: "50.00 EUR", "unlimited", "none". */
static void describe_limit(const struct authority_policy *p, enum role role, const struct offer *o,
                           char *out, size_t n)
{
    const struct authority_rule *r = decide_rule(p, role, o->kind, o->currency);
    if (!r)
        snprintf(out, n, "none");
    else
        offer_amount_format(r->limit, r->currency, out, n);
}

enum terr offer_propose(const struct offer_draft *d, int64_t ticket_id,
                        const struct offer_actor *by, const struct authority_policy *p, int64_t now,
                        struct offer *out, struct offer_audit *audit, struct terr_info *ei)
{
    enum terr e = offer_validate(d, ei);
    if (e != TERR_OK)
        return e;
    if (ticket_id <= 0)
        return terr_set(ei, TERR_INVALID, "ticket_id", "ticket id %lld is not positive",
                        (long long)ticket_id);
    if (by->id <= 0)
        return terr_set(ei, TERR_INVALID, "actor", "agent id %lld is not positive",
                        (long long)by->id);

    struct offer o;
    memset(&o, 0, sizeof o);
    o.ticket_id = ticket_id;
    o.kind = d->kind;
    o.amount = d->amount;
    if (d->currency && d->currency[0])
        memcpy(o.currency, d->currency, 4);
    o.proposed_by = by->id;
    o.proposer_role = by->role;
    o.proposed_at = now;
    bool auto_ok = authority_covers(p, by->role, o.kind, o.currency, o.amount);
    o.state = auto_ok ? OFFER_STATE_APPROVED : OFFER_STATE_PENDING;
    if (auto_ok) {
        o.decided_by = by->id;
        o.decided_at = now;
    }

    struct offer_audit a;
    memset(&a, 0, sizeof a);
    a.action = "offer.propose";
    a.created = true;
    a.from = o.state;
    a.to = o.state;
    a.automatic = auto_ok;
    a.actor_id = by->id;
    char what[96], limit[48];
    describe(&o, what, sizeof what);
    describe_limit(p, by->role, &o, limit, sizeof limit);
    snprintf(a.summary, sizeof a.summary, "%s %s %s authority (%s): %s", what,
             auto_ok ? "within" : "above", role_name(by->role), limit, offer_state_name(o.state));
    *out = o;
    *audit = a;
    return TERR_OK;
}

enum terr offer_decide(struct offer *o, bool approve, const struct offer_actor *by,
                       const struct authority_policy *p, const char *note, int64_t now,
                       struct offer_audit *audit, struct terr_info *ei)
{
    /* The role first: an agent learns nothing about the offer's state. */
    if (by->role != ROLE_LEAD && by->role != ROLE_ADMIN)
        return terr_set(ei, TERR_FORBIDDEN, NULL, "only a lead or admin can %s an offer",
                        approve ? "approve" : "reject");
    if (o->state != OFFER_STATE_PENDING)
        return terr_set(ei, TERR_CONFLICT, "state", "offer %lld is %s, not pending",
                        (long long)o->id, offer_state_name(o->state));
    if (!authority_covers(p, by->role, o->kind, o->currency, o->amount)) {
        char what[96], limit[48];
        describe(o, what, sizeof what);
        describe_limit(p, by->role, o, limit, sizeof limit);
        return terr_set(ei, TERR_FORBIDDEN, NULL, "%s is above %s authority (%s)", what,
                        role_name(by->role), limit);
    }
    enum terr e = check_note(note, ei);
    if (e != TERR_OK)
        return e;

    struct offer_audit a;
    memset(&a, 0, sizeof a);
    a.action = approve ? "offer.approve" : "offer.reject";
    a.from = o->state;
    a.to = approve ? OFFER_STATE_APPROVED : OFFER_STATE_REJECTED;
    a.actor_id = by->id;
    char what[96];
    describe(o, what, sizeof what);
    snprintf(a.summary, sizeof a.summary, "%s %s by %s %lld", what, offer_state_name(a.to),
             role_name(by->role), (long long)by->id);
    o->state = a.to;
    o->decided_by = by->id;
    o->decided_at = now;
    *audit = a;
    return TERR_OK;
}

enum terr offer_withdraw(struct offer *o, const struct offer_actor *by, int64_t now,
                         struct offer_audit *audit, struct terr_info *ei)
{
    if (o->state != OFFER_STATE_PENDING)
        return terr_set(ei, TERR_CONFLICT, "state", "offer %lld is %s, not pending",
                        (long long)o->id, offer_state_name(o->state));
    if (by->id != o->proposed_by)
        return terr_set(ei, TERR_FORBIDDEN, NULL, "only its proposer can withdraw offer %lld",
                        (long long)o->id);
    struct offer_audit a;
    memset(&a, 0, sizeof a);
    a.action = "offer.withdraw";
    a.from = o->state;
    a.to = OFFER_STATE_WITHDRAWN;
    a.actor_id = by->id;
    char what[96];
    describe(o, what, sizeof what);
    snprintf(a.summary, sizeof a.summary, "%s withdrawn by its proposer", what);
    o->state = OFFER_STATE_WITHDRAWN;
    o->decided_by = by->id;
    o->decided_at = now;
    *audit = a;
    return TERR_OK;
}

bool offer_customer_visible(const struct offer *o)
{
    return o->state == OFFER_STATE_APPROVED;
}
