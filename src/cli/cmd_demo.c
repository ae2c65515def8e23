/*
 * truce demo: fills an empty database with the demo desk of data/demo/
 * (embedded in the binary at build time): a team, this morning's tickets
 * from calm to hostile with their threads, and the weeks of history behind
 * them (demo_history.c), all in one transaction.  Prints how to log in.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../service/agents.h"
#include "../service/coach.h"
#include "../service/conflict.h"
#include "../service/escalation.h"
#include "../service/tickets.h"
#include "../util/alloc.h"
#include "../util/encode.h"
#include "../util/secret.h"
#include "../util/timeutil.h"
#include "cli.h"
#include "demo.h"

extern const char demo_json[];

static const char usage[] =
    "usage: truce demo [--db PATH] [--data DIR]\n\n"
    "Loads the demo team, this morning's tickets and five weeks of history\n"
    "into an empty database (default " DEFAULT_DB ") and prints the logins and\n"
    "an admin API token.  Every customer message is analysed as the server\n"
    "would (--data as for truce serve), so risk and levels come from the\n"
    "analysis.\n";

struct demo {
    json_t *doc;
    struct rule_set rules; /* the default escalation rules, fired on the demo's tickets */
    const char *password_hash;
    int64_t now;
    char token[SECRET_TOKEN_MAX];
    size_t n_history; /* tickets of the weeks before */
    struct terr_info ei;
};

static enum terr deflect(struct store_tx *tx, void *arg)
{
    struct demo *d = arg;
    json_t *days = json_object_get(json_object_get(d->doc, "history"), "days");
    return demo_deflections(tx, d->now, json_integer_value(days));
}

static int64_t agent_id_by_email(struct store_tx *tx, const char *email)
{
    struct agent a;
    if (!email || store_agent_find_email(tx, email, &a, NULL))
        return 0;
    int64_t id = a.id;
    agent_release(&a);
    return id;
}

static enum terr load_agents(struct store_tx *tx, struct demo *d)
{
    struct actor system = {.kind = ACTOR_SYSTEM};
    size_t i;
    json_t *j;
    json_array_foreach(json_object_get(d->doc, "agents"), i, j)
    {
        struct agent a = {0};
        a.name = xstrdup(json_string_value(json_object_get(j, "name")));
        a.email = xstrdup(json_string_value(json_object_get(j, "email")));
        role_parse(json_string_value(json_object_get(j, "role")), &a.role);
        size_t k;
        json_t *s;
        json_array_foreach(json_object_get(j, "skills"), k, s)
            strlist_push(&a.skills, json_string_value(s));
        /* What routing weighs besides skills (routing.h). */
        json_array_foreach(json_object_get(j, "languages"), k, s)
            strlist_push(&a.languages, json_string_value(s));
        json_array_foreach(json_object_get(j, "teams"), k, s)
            strlist_push(&a.teams, json_string_value(s));
        enum terr e = svc_agent_create(tx, &system, &a, d->password_hash, &d->ei);
        if (!e && a.role == ROLE_ADMIN && !d->token[0])
            e = svc_token_create(tx, &system, a.id, "demo", d->token, &d->ei);
        agent_release(&a);
        if (e)
            return e;
    }
    return TERR_OK;
}

enum terr demo_agent(struct store_tx *tx, const char *email, struct actor *out,
                     struct terr_info *ei)
{
    struct agent a;
    if (!email || store_agent_find_email(tx, email, &a, NULL))
        return terr_set(ei, TERR_INVALID, NULL, "the demo set names an unknown agent '%s'",
                        email ? email : "");
    *out = (struct actor){.kind = ACTOR_AGENT, .id = a.id, .role = a.role};
    agent_release(&a);
    return TERR_OK;
}

enum terr demo_message(struct store_tx *tx, const struct actor *who, int64_t ticket_id,
                       enum author_kind author, const char *body, bool internal, int64_t at,
                       struct terr_info *ei)
{
    struct actor system = {.kind = ACTOR_SYSTEM};
    struct message_new mn = {
        .author = author, .body = body, .internal = internal, .created_at = at};
    /* Each agent reply carries the coach's review, as the server's do. */
    char *coach = NULL;
    if (author == AUTHOR_AGENT && !internal)
        coach = svc_coach_reply_tx(tx, ticket_id, body);
    mn.coach_json = coach;
    struct message added;
    enum terr e =
        svc_message_add(tx, author == AUTHOR_AGENT ? who : &system, ticket_id, &mn, &added, ei);
    free(coach);
    if (!e)
        message_release(&added);
    return e;
}

static enum terr load_ticket(struct store_tx *tx, struct demo *d, json_t *j)
{
    struct actor system = {.kind = ACTOR_SYSTEM};
    json_t *msgs = json_object_get(j, "messages");
    json_t *first = json_array_get(msgs, 0);
    json_t *cust = json_object_get(j, "customer");
    struct ticket_open in = {
        .subject = json_string_value(json_object_get(j, "subject")),
        .customer_email = json_string_value(json_object_get(cust, "email")),
        .customer_name = json_string_value(json_object_get(cust, "name")),
        .body = json_string_value(json_object_get(first, "body")),
        .category = json_string_value(json_object_get(j, "category")),
        .created_at = d->now - json_integer_value(json_object_get(first, "minutes_ago")) * 60000,
    };
    if (!in.subject || !in.customer_email || !in.body)
        return terr_set(&d->ei, TERR_INVALID, NULL,
                        "a demo ticket lacks subject, customer or body");
    channel_parse(json_string_value(json_object_get(j, "channel")), &in.channel);
    priority_parse(json_string_value(json_object_get(j, "priority")), &in.priority);
    struct ticket_opened opened;
    enum terr e = svc_ticket_open(tx, &system, &in, &opened, &d->ei);
    if (e)
        return e;
    int64_t id = opened.ticket.id;
    ticket_opened_release(&opened);
    size_t i;
    json_t *m;
    json_array_foreach(msgs, i, m)
    {
        if (i == 0 || e)
            continue;
        const char *author = json_string_value(json_object_get(m, "author"));
        const char *body = json_string_value(json_object_get(m, "body"));
        enum author_kind kind;
        struct actor who = system;
        if (!body || !author || !author_parse(author, &kind))
            return terr_set(&d->ei, TERR_INVALID, NULL, "a demo message is malformed");
        if (kind == AUTHOR_AGENT &&
            (e = demo_agent(tx, json_string_value(json_object_get(m, "agent")), &who, &d->ei)))
            return e;
        e = demo_message(tx, &who, id, kind, body, json_is_true(json_object_get(m, "internal")),
                         d->now - json_integer_value(json_object_get(m, "minutes_ago")) * 60000,
                         &d->ei);
    }
    if (e)
        return e;
    /* Status, owner and tags as the team left them. */
    struct ticket_patch p = {.has_status = true, .status = STATUS_NEW};
    status_parse(json_string_value(json_object_get(j, "status")), &p.status);
    p.has_status = p.status != STATUS_NEW;
    p.assignee_id = agent_id_by_email(tx, json_string_value(json_object_get(j, "assignee")));
    p.has_assignee = p.assignee_id != 0;
    json_t *t;
    json_array_foreach(json_object_get(j, "tags"), i, t)
        strlist_push(&p.tags, json_string_value(t));
    p.has_tags = p.tags.n > 0;
    e = svc_ticket_update(tx, &system, id, &p, &d->ei);
    strlist_release(&p.tags);
    return e;
}

static enum terr load(struct store_tx *tx, void *arg)
{
    struct demo *d = arg;
    int64_t n;
    enum terr e = store_agent_count(tx, &n);
    if (e)
        return e;
    if (n > 0)
        return terr_set(&d->ei, TERR_CONFLICT, NULL,
                        "the database already has agents; the demo needs an empty one");
    if ((e = svc_rules_seed(tx, &d->rules, NULL, &d->ei)))
        return e;
    if ((e = load_agents(tx, d)))
        return e;
    size_t i;
    json_t *j;
    json_array_foreach(json_object_get(d->doc, "tickets"), i, j)
    {
        if ((e = load_ticket(tx, d, j)))
            return e;
    }
    /* The weeks before this morning (after it, so its tickets keep ids 1..12). */
    return demo_history_load(tx, json_object_get(d->doc, "history"), d->now, &d->n_history, &d->ei);
}

int cmd_demo(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *data = NULL;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {"data", &data, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, "demo");
    if (rc >= 0)
        return rc;
    struct demo d;
    memset(&d, 0, sizeof(d));
    json_error_t jerr;
    d.doc = json_loads(demo_json, 0, &jerr);
    if (!d.doc)
        return fail(1, "the embedded demo set is malformed: %s", jerr.text);

    /* One password for the whole demo team, random so no two desks share it. */
    unsigned char raw[12];
    char password[24], hash[SECRET_PWHASH_MAX];
    randombytes_buf(raw, sizeof(raw));
    base64url_encode(raw, sizeof(raw), password);
    if (secret_password_hash(password, hash)) {
        json_decref(d.doc);
        return fail(1, "cannot hash the demo password");
    }
    d.password_hash = hash;
    d.now = time_now_ms();
    rule_set_init(&d.rules);

    struct analysis_data *ad;
    if (cli_load_analysis(data, &ad)) {
        json_decref(d.doc);
        return 1;
    }
    svc_conflict_setup(ad);
    struct coach_data *cd;
    if (cli_load_coach(data, ad, &cd)) {
        cli_unload_analysis(ad);
        json_decref(d.doc);
        return 1;
    }
    svc_coach_setup(cd);
    struct store *st;
    if (cli_open_store(db, &st)) {
        cli_unload_coach(cd);
        cli_unload_analysis(ad);
        json_decref(d.doc);
        return 1;
    }
    /* The default escalation rules (absent from a bare install: none). */
    char rules_path[4200];
    cli_default_rules_path(data, rules_path, sizeof(rules_path));
    FILE *rf = fopen(rules_path, "rb");
    if (rf)
        fclose(rf);
    if (rf && cli_read_rules(rules_path, &d.rules)) {
        store_close(st);
        cli_unload_coach(cd);
        cli_unload_analysis(ad);
        json_decref(d.doc);
        return 1;
    }
    /* The service analyses each message as it is added (on the writer thread,
     * which frees its analyzer when store_close stops it). */
    enum terr e = store_write(st, load, &d);
    /* The starter articles (data/kb/; a bare install without them has none). */
    char data_dir[4096], kb_dir[4200];
    cli_data_dir(data, data_dir, sizeof(data_dir));
    snprintf(kb_dir, sizeof(kb_dir), "%s/kb", data_dir);
    struct stat kb_st;
    int kb_rc = !e && stat(kb_dir, &kb_st) == 0 ? cli_kb_import(st, kb_dir, true) : 0;
    if (!e && !kb_rc)
        e = store_write(st, deflect, &d);
    store_close(st);
    cli_unload_coach(cd);
    cli_unload_analysis(ad);
    rule_set_release(&d.rules);
    if (e) {
        json_decref(d.doc);
        return fail(1, "%s", d.ei.message[0] ? d.ei.message : terr_message(e));
    }
    if (kb_rc) {
        json_decref(d.doc);
        return kb_rc;
    }
    printf("demo desk loaded into %s: %zu agents, %zu tickets this morning and %zu in the "
           "weeks before\n",
           db, json_array_size(json_object_get(d.doc, "agents")),
           json_array_size(json_object_get(d.doc, "tickets")), d.n_history);
    printf("log in as any of them with password %s:\n", password);
    size_t i;
    json_t *j;
    json_array_foreach(json_object_get(d.doc, "agents"), i, j)
        printf("  %-22s %s\n", json_string_value(json_object_get(j, "email")),
               json_string_value(json_object_get(j, "role")));
    printf("admin API token (shown once):\n%s\n", d.token);
    json_decref(d.doc);
    return 0;
}
