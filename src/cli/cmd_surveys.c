/* truce surveys list: a ticket's surveys and their answers, for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/survey.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char usage[] =
    "usage: truce surveys list [--db PATH] --ticket ID\n\n"
    "Prints the ticket's surveys, oldest first, as tab-separated lines under a\n"
    "header: id, state (pending, answered, expired), created_at, expires_at,\n"
    "answered_at, csat, nps, ces and comment.  A value not given is '-'; tabs\n"
    "and line breaks in a comment print as spaces.\n";

struct list_job {
    int64_t ticket_id;
    struct survey *v;
    size_t n;
};

static enum terr list_tx(struct store_tx *tx, void *arg)
{
    struct list_job *j = arg;
    struct ticket t;
    enum terr e = store_ticket_get(tx, j->ticket_id, &t);
    if (e)
        return e;
    ticket_release(&t);
    return store_survey_list(tx, j->ticket_id, &j->v, &j->n);
}

static void print_time(int64_t ms)
{
    char s[TIME_ISO_LEN];
    fputs(ms ? time_format_iso(ms, s) : "-", stdout);
}

static void print_score(int v)
{
    if (v == SURVEY_NO_SCORE)
        fputs("\t-", stdout);
    else
        printf("\t%d", v);
}

static int surveys_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *ticket = NULL;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"ticket", &ticket, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, "surveys list");
    if (rc >= 0)
        return rc;
    char *end = NULL;
    long long id = ticket ? strtoll(ticket, &end, 10) : 0;
    if (!ticket || !*ticket || *end || id <= 0)
        return fail(EXIT_USAGE, "surveys list needs --ticket ID (a ticket number)");
    struct list_job j = {.ticket_id = id};
    enum terr e;
    if (cli_read(db, list_tx, &j, &e))
        return 1;
    if (e == TERR_NOT_FOUND)
        return fail(1, "ticket %lld not found", id);
    if (e)
        return fail(1, "cannot read the surveys: %s", terr_message(e));
    int64_t now = time_now_ms();
    puts("id\tstate\tcreated_at\texpires_at\tanswered_at\tcsat\tnps\tces\tcomment");
    for (size_t i = 0; i < j.n; i++) {
        const struct survey *s = &j.v[i];
        printf("%lld\t%s\t", (long long)s->id, survey_state_name(survey_state_at(s, now)));
        print_time(s->created_at);
        putchar('\t');
        print_time(s->expires_at);
        putchar('\t');
        print_time(s->answered_at);
        print_score(s->csat);
        print_score(s->nps);
        print_score(s->ces);
        putchar('\t');
        if (!s->comment || !*s->comment)
            putchar('-');
        for (const char *p = s->comment; p && *p; p++)
            putchar(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
        putchar('\n');
    }
    surveys_free(j.v, j.n);
    return 0;
}

int cmd_surveys(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", surveys_list},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "surveys");
}
