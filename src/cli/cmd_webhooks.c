/* truce webhooks add|list|remove: webhook subscriptions, for admins scripting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../service/webhooks.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char usage[] =
    "usage: truce webhooks add [--db PATH] --url URL --events TYPE[,TYPE...] [--inactive]\n"
    "       truce webhooks list [--db PATH]\n"
    "       truce webhooks remove [--db PATH] --id ID\n\n"
    "add subscribes URL (http or https) to event types: ticket.created,\n"
    "ticket.updated, ticket.level_changed, ticket.sla_reminder, ticket.sla_breached,\n"
    "message.created, offer.proposed, offer.approved, offer.rejected, offer.withdrawn,\n"
    "notification.created, or * for all.  It prints the id, then the signing secret alone on the "
    "last\n"
    "line: keep it, it is not shown again.  list shows every subscription (id,\n"
    "active, events, url); remove deletes one with its delivery log.\n";

struct add_job {
    struct webhook_new in;
    struct webhook out;
    struct terr_info ei;
};

static enum terr add_tx(struct store_tx *tx, void *arg)
{
    struct add_job *j = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    return svc_webhook_create(tx, &system, &j->in, &j->out, &j->ei);
}

static int webhooks_add(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *url = NULL, *events = NULL;
    bool inactive = false;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},         {"url", &url, NULL},
        {"events", &events, NULL}, {"inactive", NULL, &inactive},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "webhooks add");
    if (rc >= 0)
        return rc;
    if (!url || !events)
        return fail(EXIT_USAGE, "webhooks add needs --url URL and --events TYPE[,TYPE...]");
    /* Split the comma list in a copy. */
    char *copy = xstrdup(events);
    const char *names[WEBHOOK_EVENTS_MAX + 1];
    size_t n = 0;
    for (char *p = copy; p && n <= WEBHOOK_EVENTS_MAX;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        names[n++] = p;
        p = comma ? comma + 1 : NULL;
    }
    struct add_job j = {.in = {.url = url, .events = names, .n_events = n, .active = !inactive}};
    struct terr_info ei = {0};
    if (svc_webhook_check(&j.in, &ei)) {
        free(copy);
        return fail(EXIT_USAGE, "%s", ei.message);
    }
    struct store *st;
    if (cli_open_store(db, &st)) {
        free(copy);
        return 1;
    }
    enum terr e = store_write(st, add_tx, &j);
    store_close(st);
    free(copy);
    if (e)
        return fail(1, "%s", j.ei.message[0] ? j.ei.message : terr_message(e));
    printf("webhook %lld for %s (secret shown once):\n%s\n", (long long)j.out.id, j.out.url,
           j.out.secret);
    webhook_release(&j.out);
    return 0;
}

struct list_job {
    struct webhook *v;
    size_t n;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    return store_webhook_list(tx, &j->v, &j->n);
}

static int webhooks_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, "webhooks list");
    if (rc >= 0)
        return rc;
    struct list_job j = {0};
    enum terr e;
    if (cli_read(db, list_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "cannot list webhooks: %s", terr_message(e));
    for (size_t i = 0; i < j.n; i++) {
        printf("%lld\t%s\t", (long long)j.v[i].id, j.v[i].active ? "active" : "inactive");
        for (size_t k = 0; k < j.v[i].events.n; k++)
            printf("%s%s", k ? "," : "", j.v[i].events.v[k]);
        printf("\t%s\n", j.v[i].url);
    }
    webhooks_free(j.v, j.n);
    return 0;
}

struct remove_job {
    int64_t id;
    struct terr_info ei;
};

static enum terr remove_tx(struct store_tx *tx, void *arg)
{
    struct remove_job *j = arg;
    struct actor system = {.kind = ACTOR_SYSTEM};
    return svc_webhook_remove(tx, &system, j->id, &j->ei);
}

static int webhooks_remove(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *id = NULL;
    const struct cli_opt opts[] = {{"db", &db, NULL}, {"id", &id, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, opts, usage, "webhooks remove");
    if (rc >= 0)
        return rc;
    char *end;
    long long n = id ? strtoll(id, &end, 10) : 0;
    if (!id || !*id || *end || n < 1)
        return fail(EXIT_USAGE, "webhooks remove needs --id ID (a positive number)");
    struct remove_job j = {.id = n};
    enum terr e;
    if (cli_write(db, remove_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "%s", j.ei.message[0] ? j.ei.message : terr_message(e));
    printf("removed webhook %lld\n", n);
    return 0;
}

int cmd_webhooks(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"add", webhooks_add},
        {"list", webhooks_list},
        {"remove", webhooks_remove},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "webhooks");
}
