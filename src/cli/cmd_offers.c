/* truce offers list|approve|reject: the offers and the leads' approval queue, for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/offers.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char usage[] =
    "usage: truce offers list [--db PATH] [--ticket ID] [--state STATE]\n"
    "       truce offers approve ID --agent EMAIL [--note TEXT] [--db PATH] [--authority FILE]\n"
    "       truce offers reject ID --agent EMAIL [--note TEXT] [--db PATH] [--authority FILE]\n\n"
    "list prints offers, oldest first, as tab-separated lines under a header: id,\n"
    "ticket, state, kind, amount, currency, proposed_by, proposed_at, decided_by,\n"
    "decided_at.  With --ticket, that ticket's offers in every state; without it,\n"
    "the approval queue (pending offers).  --state (pending, approved, rejected,\n"
    "withdrawn) narrows either.  A value not given is '-'.\n\n"
    "approve and reject decide a pending offer as the agent with EMAIL, whose\n"
    "role and authority are checked as over HTTP: an agent cannot decide, and a\n"
    "lead only within their authority.  The authority policy is the built-in one\n"
    "(data/policy/authority.txt) unless --authority FILE names another; give the\n"
    "server's.  ID may also be given as --id ID.\n";

static void print_time(int64_t ms)
{
    char s[TIME_ISO_LEN];
    fputs(ms ? time_format_iso(ms, s) : "-", stdout);
}

static void print_offer(const struct offer_record *r)
{
    const struct offer *o = &r->offer;
    char amount[64] = "-";
    if (o->currency[0]) {
        offer_amount_format(o->amount, o->currency, amount, sizeof(amount));
        char *space = strchr(amount, ' ');
        if (space)
            *space = '\0';
    }
    printf("%lld\t%lld\t%s\t%s\t%s\t%s\t%lld\t", (long long)o->id, (long long)o->ticket_id,
           offer_state_name(o->state), offer_kind_name(o->kind), amount,
           o->currency[0] ? o->currency : "-", (long long)o->proposed_by);
    print_time(o->proposed_at);
    if (o->decided_by)
        printf("\t%lld\t", (long long)o->decided_by);
    else
        fputs("\t-\t", stdout);
    print_time(o->decided_at);
    putchar('\n');
}

static const char header[] = "id\tticket\tstate\tkind\tamount\tcurrency\tproposed_by\tproposed_at\t"
                             "decided_by\tdecided_at";

/* A positive id from s into *out; false for anything else. */
static bool parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v = s && *s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || v <= 0)
        return false;
    *out = v;
    return true;
}

/* ---- list ---- */

struct list_job {
    struct offer_query q;
    struct offer_record *v;
    size_t n;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    if (j->q.ticket_id) {
        struct ticket t;
        enum terr e = store_ticket_get(tx, j->q.ticket_id, &t);
        if (e)
            return e;
        ticket_release(&t);
    }
    return store_offer_list(tx, &j->q, &j->v, &j->n);
}

static int offers_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *ticket = NULL, *state = NULL;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"ticket", &ticket, NULL},
        {"state", &state, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "offers list");
    if (rc >= 0)
        return rc;
    struct list_job j = {.q = {.has_state = true, .state = OFFER_STATE_PENDING}};
    if (ticket) {
        if (!parse_id(ticket, &j.q.ticket_id))
            return fail(EXIT_USAGE, "--ticket must be a ticket number, not '%s'", ticket);
        j.q.has_state = false;
    }
    if (state) {
        if (!offer_state_parse(state, &j.q.state))
            return fail(EXIT_USAGE,
                        "--state must be pending, approved, rejected or withdrawn, not '%s'",
                        state);
        j.q.has_state = true;
    }
    enum terr e;
    if (cli_read(db, list_tx, &j, &e))
        return 1;
    if (e == TERR_NOT_FOUND)
        return fail(1, "ticket %lld not found", (long long)j.q.ticket_id);
    if (e)
        return fail(1, "cannot read the offers: %s", terr_message(e));
    puts(header);
    for (size_t i = 0; i < j.n; i++)
        print_offer(&j.v[i]);
    offer_records_free(j.v, j.n);
    return 0;
}

/* ---- approve, reject ---- */

struct decide_job {
    const char *email;
    int64_t id;
    bool approve;
    const char *note;
    struct offer_record out;
    struct terr_info ei;
};

static enum terr decide_tx(struct store_tx *tx, void *arg)
{
    struct decide_job *j = arg;
    struct agent a;
    enum terr e = store_agent_find_email(tx, j->email, &a, NULL);
    if (e)
        return terr_set(&j->ei, e, "agent",
                        e == TERR_NOT_FOUND ? "no agent has the email '%s'" : NULL, j->email);
    struct actor who = {.kind = ACTOR_AGENT, .id = a.id, .role = a.role};
    agent_release(&a);
    return svc_offer_decide(tx, &who, j->id, j->approve, j->note, time_now_ms(), &j->out, &j->ei);
}

static int offers_decide(int argc, char **argv, bool approve)
{
    const char *command = approve ? "offers approve" : "offers reject";
    const char *db = DEFAULT_DB, *id = NULL, *email = NULL, *note = NULL, *authority = NULL;
    /* The offer's id may come first, as a plain argument: "approve 7 --agent ...". */
    if (argc >= 2 && argv[1][0] != '-') {
        id = argv[1];
        argv[1] = argv[0];
        argc--;
        argv++;
    }
    const char *id_opt = NULL;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},     {"id", &id_opt, NULL},           {"agent", &email, NULL},
        {"note", &note, NULL}, {"authority", &authority, NULL}, {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, command);
    if (rc >= 0)
        return rc;
    if (id && id_opt)
        return fail(EXIT_USAGE, "%s takes the offer's id once, not '%s' and --id '%s'", command, id,
                    id_opt);
    struct decide_job j = {.email = email, .approve = approve, .note = note};
    if (!parse_id(id ? id : id_opt, &j.id))
        return fail(EXIT_USAGE, "%s needs the offer's ID (a positive number)", command);
    if (!email)
        return fail(EXIT_USAGE, "%s needs --agent EMAIL: who decides", command);
    struct terr_info ei = {0};
    if (authority && svc_offer_policy_load(authority, &ei))
        return fail(EXIT_USAGE, "%s", ei.message);
    struct store *st;
    if (cli_open_store(db, &st)) {
        svc_offer_policy_reset();
        return 1;
    }
    enum terr e = store_write(st, decide_tx, &j);
    store_close(st);
    svc_offer_policy_reset();
    if (e)
        return fail(1, "%s", j.ei.message[0] ? j.ei.message : terr_message(e));
    puts(header);
    print_offer(&j.out);
    offer_record_release(&j.out);
    return 0;
}

static int offers_approve(int argc, char **argv)
{
    return offers_decide(argc, argv, true);
}

static int offers_reject(int argc, char **argv)
{
    return offers_decide(argc, argv, false);
}

int cmd_offers(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", offers_list},
        {"approve", offers_approve},
        {"reject", offers_reject},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "offers");
}
