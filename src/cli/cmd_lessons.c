/* truce lessons list: the lessons recorded on resolved conflicts, for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store_steps.h"
#include "../util/buf.h"
#include "../util/csv.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char lessons_usage[] =
    "usage: truce lessons list [--db PATH] [--ticket ID] [--csv]\n\n"
    "Prints the lessons recorded on resolved conflicts (of one ticket with\n"
    "--ticket), oldest first: id, ticket_id, agent_id, created_at, cause,\n"
    "what_went_wrong, prevention.  Tab-separated under a header (tabs and line\n"
    "breaks in the texts print as spaces), or RFC 4180 CSV with --csv.\n";

/* A text on one tab-separated line: tabs and line breaks become spaces. */
static void put_field(const char *s)
{
    if (!s || !*s)
        putchar('-');
    for (const char *p = s; p && *p; p++)
        putchar(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
}

/* A CSV field, quoted when it needs to be (RFC 4180). */
static void put_csv(const char *s)
{
    struct buf b;
    buf_init(&b, BUF_NO_LIMIT);
    csv_put_field(&b, s ? s : "");
    if (b.data)
        fputs(b.data, stdout);
    buf_release(&b);
}

/* ---- lessons list ---- */

struct lesson_list_job {
    int64_t ticket_id;
    struct lesson *v;
    size_t n;
};

static enum terr lesson_list_tx(struct store_tx *tx, void *arg)
{
    struct lesson_list_job *j = arg;
    if (j->ticket_id) {
        struct ticket t;
        enum terr e = store_ticket_get(tx, j->ticket_id, &t);
        if (e)
            return e;
        ticket_release(&t);
    }
    return store_lesson_list(tx, j->ticket_id, 0, 0, &j->v, &j->n);
}

static int lessons_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *ticket = NULL;
    bool csv = false;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"ticket", &ticket, NULL},
        {"csv", NULL, &csv},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, lessons_usage, "lessons list");
    if (rc >= 0)
        return rc;
    char *end = NULL;
    long long id = ticket ? strtoll(ticket, &end, 10) : 0;
    struct lesson_list_job j = {.ticket_id = id > 0 && !*end ? id : 0};
    if (ticket && (!*ticket || !j.ticket_id))
        return fail(EXIT_USAGE, "--ticket must be a ticket id (a positive number)");
    enum terr e;
    if (cli_read(db, lesson_list_tx, &j, &e))
        return 1;
    if (e == TERR_NOT_FOUND)
        return fail(1, "ticket %lld not found", (long long)j.ticket_id);
    if (e)
        return fail(1, "cannot read the lessons: %s", terr_message(e));
    const char *sep = csv ? "," : "\t";
    void (*put)(const char *) = csv ? put_csv : put_field;
    printf("id%sticket_id%sagent_id%screated_at%scause%swhat_went_wrong%sprevention\n", sep, sep,
           sep, sep, sep, sep);
    for (size_t i = 0; i < j.n; i++) {
        const struct lesson *l = &j.v[i];
        char at[TIME_ISO_LEN];
        printf("%lld%s%lld%s", (long long)l->id, sep, (long long)l->ticket_id, sep);
        if (l->agent_id)
            printf("%lld", (long long)l->agent_id);
        else if (!csv)
            putchar('-');
        printf("%s%s%s", sep, time_format_iso(l->created_at, at), sep);
        put(l->cause);
        fputs(sep, stdout);
        put(l->what_went_wrong);
        fputs(sep, stdout);
        put(l->prevention);
        putchar('\n');
    }
    lessons_free(j.v, j.n);
    return 0;
}

int cmd_lessons(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", lessons_list},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, lessons_usage, "lessons");
}
