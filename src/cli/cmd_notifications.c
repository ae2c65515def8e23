/* truce notifications list: what an agent's notification inbox holds, for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store_rules.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char usage[] =
    "usage: truce notifications list --agent EMAIL [--unread] [--db PATH]\n\n"
    "Prints the notifications the agent sees (theirs, their role's, and for an\n"
    "admin the leads'), newest first, as tab-separated lines: id, created_at,\n"
    "read_at ('-' when unread), ticket ('-' for none), kind and text.\n";

struct list_job {
    const char *email;
    bool unread;
    struct notification *v;
    size_t n;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    struct agent a;
    enum terr e = store_agent_find_email(tx, j->email, &a, NULL);
    if (e)
        return e;
    struct notification_query q = {.agent_id = a.id, .role = a.role, .unread_only = j->unread};
    agent_release(&a);
    return store_notification_list(tx, &q, &j->v, &j->n);
}

static int notifications_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *email = NULL;
    bool unread = false;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"agent", &email, NULL},
        {"unread", NULL, &unread},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "notifications list");
    if (rc >= 0)
        return rc;
    if (!email)
        return fail(EXIT_USAGE, "notifications list needs --agent EMAIL");
    struct list_job j = {.email = email, .unread = unread};
    enum terr e;
    if (cli_read(db, list_tx, &j, &e))
        return 1;
    if (e == TERR_NOT_FOUND)
        return fail(1, "no agent has the email '%s'", email);
    if (e)
        return fail(1, "cannot list notifications: %s", terr_message(e));
    for (size_t i = 0; i < j.n; i++) {
        char at[TIME_ISO_LEN], read[TIME_ISO_LEN];
        printf("%lld\t%s\t%s\t", (long long)j.v[i].id, time_format_iso(j.v[i].created_at, at),
               j.v[i].read_at ? time_format_iso(j.v[i].read_at, read) : "-");
        if (j.v[i].ticket_id)
            printf("%lld", (long long)j.v[i].ticket_id);
        else
            fputs("-", stdout);
        printf("\t%s\t", j.v[i].kind);
        for (const char *p = j.v[i].text; *p; p++)
            putchar(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
        putchar('\n');
    }
    notifications_free(j.v, j.n);
    return 0;
}

int cmd_notifications(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", notifications_list},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "notifications");
}
