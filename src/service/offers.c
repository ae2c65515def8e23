/* Offers within authority: the use cases (offers.h). */
#include "offers.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/alloc.h"
#include "../util/jsontext.h"
#include "../util/timeutil.h"
#include "case_link.h"
#include "notify.h"
#include "outbox.h"
#include "webhooks.h"

/* ---- the policy ---- */

/* The built-in policy, made once; a loaded one replaces it until reset.
 * Both are written only before serving (offers.h). */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static struct authority_policy default_policy;
static struct authority_policy loaded_policy;
static bool have_loaded;

static void make_default(void)
{
    authority_policy_default(&default_policy);
}

const struct authority_policy *svc_offer_policy(void)
{
    if (have_loaded)
        return &loaded_policy;
    pthread_once(&default_once, make_default);
    return &default_policy;
}

void svc_offer_policy_reset(void)
{
    authority_policy_release(&loaded_policy);
    have_loaded = false;
}

enum terr svc_offer_policy_load(const char *path, struct terr_info *ei)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return terr_set(ei, TERR_IO, "policy", "cannot open '%s': %s", path, strerror(errno));
    char *text = xmalloc(OFFER_POLICY_FILE_MAX + 1);
    size_t len = fread(text, 1, OFFER_POLICY_FILE_MAX + 1, f);
    bool failed = ferror(f) != 0;
    fclose(f);
    enum terr e = TERR_OK;
    if (failed)
        e = terr_set(ei, TERR_IO, "policy", "cannot read '%s'", path);
    else if (len > OFFER_POLICY_FILE_MAX)
        e = terr_set(ei, TERR_TOO_LARGE, "policy", "'%s' is over %d bytes", path,
                     OFFER_POLICY_FILE_MAX);
    struct authority_policy p = {NULL, 0};
    if (!e)
        e = authority_policy_parse(text, len, path, &p, ei);
    free(text);
    if (e)
        return e;
    authority_policy_release(&loaded_policy);
    loaded_policy = p;
    have_loaded = true;
    return TERR_OK;
}

/* ---- words and JSON ---- */

/* "80.00" for 8000 EUR minor units, into out. */
static void amount_text(const struct offer *o, char *out, size_t n)
{
    char both[64];
    offer_amount_format(o->amount, o->currency, both, sizeof(both));
    char *space = strchr(both, ' '); /* "80.00 EUR": the number alone */
    if (space)
        *space = '\0';
    snprintf(out, n, "%s", both);
}

void svc_offer_words(const struct offer *o, char *out, size_t n)
{
    char money[64] = "";
    if (o->currency[0] && o->amount > 0)
        offer_amount_format(o->amount, o->currency, money, sizeof(money));
    switch (o->kind) {
    case OFFER_REFUND:
        snprintf(out, n, "a refund of %s", money);
        break;
    case OFFER_CREDIT:
        snprintf(out, n, "a credit of %s on your account", money);
        break;
    case OFFER_DISCOUNT:
        snprintf(out, n, "a discount of %s", money);
        break;
    case OFFER_REPLACEMENT:
        snprintf(out, n, money[0] ? "a replacement worth %s" : "a replacement%s", money);
        break;
    case OFFER_ALTERNATIVE:
        snprintf(out, n, money[0] ? "an alternative worth %s" : "an alternative%s", money);
        break;
    default:
        snprintf(out, n, "our apology");
        break;
    }
}

static json_t *time_or_null(int64_t ms)
{
    char s[TIME_ISO_LEN];
    return ms ? json_string(time_format_iso(ms, s)) : json_null();
}

json_t *svc_offer_json(const struct offer_record *r)
{
    const struct offer *o = &r->offer;
    char amount[64];
    amount_text(o, amount, sizeof(amount));
    json_t *j = json_pack(
        "{s:I, s:I, s:s, s:s, s:o, s:I, s:o, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:b}", "id",
        (json_int_t)o->id, "ticket_id", (json_int_t)o->ticket_id, "kind", offer_kind_name(o->kind),
        "state", offer_state_name(o->state), "amount",
        o->currency[0] ? json_string(amount) : json_null(), "amount_minor", (json_int_t)o->amount,
        "currency", o->currency[0] ? json_string(o->currency) : json_null(), "proposed_by",
        (json_int_t)o->proposed_by, "proposer_role", role_name(o->proposer_role), "proposed_at",
        time_or_null(o->proposed_at), "decided_by",
        o->decided_by ? json_integer(o->decided_by) : json_null(), "decided_at",
        time_or_null(o->decided_at), "note", r->note ? json_text(r->note) : json_null(),
        "decision_note", r->decision_note ? json_text(r->decision_note) : json_null(),
        "customer_visible", offer_customer_visible(o));
    if (!j)
        BUG("cannot render offer %lld", (long long)o->id);
    return j;
}

/* ---- what every transition writes ---- */

/* Tells the customer of ticket t, in the outbox, that offer o is approved. */
static enum terr notify_customer(struct store_tx *tx, const struct ticket *t, const struct offer *o,
                                 int64_t now)
{
    char token[LINK_TOKEN_MAX], words[160];
    enum terr e = svc_case_token(tx, t->id, true, token);
    if (e)
        return e;
    svc_offer_words(o, words, sizeof(words));
    char *body =
        o->kind == OFFER_APOLOGY_ONLY
            ? xstrfmt("About your request \"%s\": we are sorry for the trouble it has caused "
                      "you, and we apologise.\n\nYou can follow your request here:\n%s%s",
                      t->subject, CASE_LINK_PREFIX, token)
            : xstrfmt("About your request \"%s\": we are glad to offer you %s.\n\n"
                      "You can follow your request, and see what we offered, here:\n%s%s",
                      t->subject, words, CASE_LINK_PREFIX, token);
    sodium_memzero(token, sizeof(token));
    return svc_outbox_queue(tx, t, OUTBOX_NOTICE, 0, now, now,
                            xstrfmt("An offer about your request #%lld", (long long)t->id), body,
                            NULL);
}

static const char *event_of(enum offer_state s)
{
    switch (s) {
    case OFFER_STATE_APPROVED:
        return "offer.approved";
    case OFFER_STATE_REJECTED:
        return "offer.rejected";
    case OFFER_STATE_WITHDRAWN:
        return "offer.withdrawn";
    default:
        return "offer.proposed";
    }
}

/* Audits the transition, tells the webhooks and, for an approval, the
 * customer.  r is the offer as stored after the transition. */
static enum terr record(struct store_tx *tx, const struct actor *who, const struct offer_audit *a,
                        const struct offer_record *r, int64_t now)
{
    const struct offer *o = &r->offer;
    char *before = a->created
                       ? NULL
                       : json_dump_record(json_pack("{s:s}", "state", offer_state_name(a->from)),
                                          "an offer for the audit trail");
    char amount[64];
    amount_text(o, amount, sizeof(amount));
    char *after = json_dump_record(
        json_pack("{s:s, s:s, s:o, s:s, s:s, s:b}", "state", offer_state_name(a->to), "kind",
                  offer_kind_name(o->kind), "amount",
                  o->currency[0] ? json_string(amount) : json_null(), "currency", o->currency,
                  "summary", a->summary, "automatic", a->automatic),
        "an offer for the audit trail");
    enum terr e = svc_audit(tx, who, a->action, "offer", o->id, o->ticket_id, before, after, now);
    free(before);
    free(after);
    json_t *data = svc_offer_json(r);
    if (!e && a->created)
        e = svc_webhook_emit(tx, "offer.proposed", data, o->ticket_id, now);
    if (!e && (!a->created || a->to == OFFER_STATE_APPROVED))
        e = svc_webhook_emit(tx, event_of(a->to), data, o->ticket_id, now);
    json_decref(data);
    /* An offer that waits is the leads' to decide: tell them. */
    if (!e && a->created && a->to == OFFER_STATE_PENDING) {
        char text[400];
        snprintf(text, sizeof(text), "an offer on ticket %lld waits for approval: %s",
                 (long long)o->ticket_id, a->summary);
        e = svc_notify(tx, 0, ROLE_LEAD, o->ticket_id, "offer", text, now);
    }
    if (!e && a->to == OFFER_STATE_APPROVED) {
        struct ticket t;
        e = store_ticket_get(tx, o->ticket_id, &t);
        if (!e)
            e = notify_customer(tx, &t, o, now);
        ticket_release(&t);
    }
    return e;
}

/* The acting agent as the domain sees them; false for anyone else. */
static bool offer_actor_of(const struct actor *who, struct offer_actor *out)
{
    if (who->kind != ACTOR_AGENT || who->id <= 0)
        return false;
    *out = (struct offer_actor){.role = who->role, .id = who->id};
    return true;
}

/* ---- use cases ---- */

enum terr svc_offer_propose(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                            const struct offer_draft *d, int64_t now, struct offer_record *out,
                            struct terr_info *ei)
{
    struct offer_actor by;
    if (!offer_actor_of(who, &by))
        return terr_set(ei, TERR_FORBIDDEN, NULL, "only an agent can propose an offer");
    enum terr e = offer_validate(d, ei);
    if (e)
        return e;
    struct ticket t;
    if ((e = store_ticket_get(tx, ticket_id, &t)))
        return terr_set(ei, e, NULL, e == TERR_NOT_FOUND ? "ticket %lld not found" : NULL,
                        (long long)ticket_id);
    bool closed = t.status == STATUS_CLOSED;
    ticket_release(&t);
    if (closed)
        return terr_set(ei, TERR_CONFLICT, NULL, "ticket %lld is closed: no offer can be made",
                        (long long)ticket_id);
    struct offer_record r = {0};
    struct offer_audit a;
    if ((e = offer_propose(d, ticket_id, &by, svc_offer_policy(), now, &r.offer, &a, ei)))
        return e;
    r.note = d->note && *d->note ? xstrdup(d->note) : NULL;
    e = store_offer_insert(tx, &r);
    if (!e)
        e = record(tx, who, &a, &r, now);
    if (e) {
        offer_record_release(&r);
        return terr_set(ei, e, NULL, NULL);
    }
    *out = r;
    return TERR_OK;
}

/* Reads offer id for a transition: TERR_NOT_FOUND named. */
static enum terr load(struct store_tx *tx, int64_t id, struct offer_record *r, struct terr_info *ei)
{
    enum terr e = store_offer_get(tx, id, r);
    if (e == TERR_NOT_FOUND)
        return terr_set(ei, e, NULL, "offer %lld not found", (long long)id);
    return e ? terr_set(ei, e, NULL, NULL) : TERR_OK;
}

/* Stores r's transition (guarded: still pending) and records it. */
static enum terr commit(struct store_tx *tx, const struct actor *who, const struct offer_audit *a,
                        struct offer_record *r, const char *note, int64_t now,
                        struct offer_record *out, struct terr_info *ei)
{
    free(r->decision_note);
    r->decision_note = note && *note ? xstrdup(note) : NULL;
    enum terr e = store_offer_decide(tx, r);
    if (e == TERR_CONFLICT)
        e = terr_set(ei, e, "state", "offer %lld was decided by someone else meanwhile",
                     (long long)r->offer.id);
    else if (!e)
        e = record(tx, who, a, r, now);
    if (e) {
        offer_record_release(r);
        return ei && ei->code == e && ei->message[0] ? e : terr_set(ei, e, NULL, NULL);
    }
    *out = *r;
    return TERR_OK;
}

enum terr svc_offer_decide(struct store_tx *tx, const struct actor *who, int64_t offer_id,
                           bool approve, const char *note, int64_t now, struct offer_record *out,
                           struct terr_info *ei)
{
    struct offer_actor by;
    if (!offer_actor_of(who, &by))
        return terr_set(ei, TERR_FORBIDDEN, NULL, "only a lead or admin can %s an offer",
                        approve ? "approve" : "reject");
    struct offer_record r;
    enum terr e = load(tx, offer_id, &r, ei);
    if (e)
        return e;
    struct offer_audit a;
    if ((e = offer_decide(&r.offer, approve, &by, svc_offer_policy(), note, now, &a, ei))) {
        offer_record_release(&r);
        return e;
    }
    return commit(tx, who, &a, &r, note, now, out, ei);
}

enum terr svc_offer_withdraw(struct store_tx *tx, const struct actor *who, int64_t offer_id,
                             const char *note, int64_t now, struct offer_record *out,
                             struct terr_info *ei)
{
    struct offer_actor by;
    if (!offer_actor_of(who, &by))
        return terr_set(ei, TERR_FORBIDDEN, NULL, "only its proposer can withdraw an offer");
    /* The note by the draft's rules (length, UTF-8): an apology carries no money. */
    struct offer_draft check = {.kind = OFFER_APOLOGY_ONLY, .note = note};
    enum terr e = offer_validate(&check, ei);
    if (e)
        return e;
    struct offer_record r;
    if ((e = load(tx, offer_id, &r, ei)))
        return e;
    struct offer_audit a;
    if ((e = offer_withdraw(&r.offer, &by, now, &a, ei))) {
        offer_record_release(&r);
        return e;
    }
    return commit(tx, who, &a, &r, note, now, out, ei);
}
