/* truce problems list|show: problems and the tickets linked to them, for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store_steps.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char problems_usage[] =
    "usage: truce problems list [--db PATH] [--status open|resolved]\n"
    "       truce problems show [--db PATH] ID\n\n"
    "list prints the problems by id as tab-separated lines under a header: id,\n"
    "status, tickets (how many are linked), category ('-' when none), created_at\n"
    "and title.  show prints one problem's fields, one 'name<TAB>value' a line,\n"
    "then its linked tickets (ticket<TAB>id<TAB>status<TAB>subject).\n";

/* A text on one tab-separated line: tabs and line breaks become spaces. */
static void put_field(const char *s)
{
    if (!s || !*s)
        putchar('-');
    for (const char *p = s; p && *p; p++)
        putchar(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
}

static void put_time(int64_t ms)
{
    char s[TIME_ISO_LEN];
    fputs(ms ? time_format_iso(ms, s) : "-", stdout);
}

/* A positive whole number, or 0. */
static long long parse_id(const char *s)
{
    char *end = NULL;
    long long id = s ? strtoll(s, &end, 10) : 0;
    return s && *s && !*end && id > 0 ? id : 0;
}

/* ---- problems list ---- */

struct problem_list_job {
    bool has_status;
    enum problem_status status;
    struct problem *v;
    size_t n;
};

static enum terr problem_list_tx(struct store_tx *tx, void *arg)
{
    struct problem_list_job *j = arg;
    return store_problem_list(tx, j->has_status, j->status, 0, 0, &j->v, &j->n);
}

static int problems_list(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *status = NULL;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"status", &status, NULL},
        {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, problems_usage, "problems list");
    if (rc >= 0)
        return rc;
    struct problem_list_job j = {.has_status = status != NULL};
    if (status && !problem_status_parse(status, &j.status))
        return fail(EXIT_USAGE, "--status must be open or resolved");
    enum terr e;
    if (cli_read(db, problem_list_tx, &j, &e))
        return 1;
    if (e)
        return fail(1, "cannot read the problems: %s", terr_message(e));
    puts("id\tstatus\ttickets\tcategory\tcreated_at\ttitle");
    for (size_t i = 0; i < j.n; i++) {
        const struct problem *p = &j.v[i];
        printf("%lld\t%s\t%lld\t", (long long)p->id, problem_status_name(p->status),
               (long long)p->n_tickets);
        put_field(p->category);
        putchar('\t');
        put_time(p->created_at);
        putchar('\t');
        put_field(p->title);
        putchar('\n');
    }
    problems_free(j.v, j.n);
    return 0;
}

/* ---- problems show ---- */

struct problem_show_job {
    int64_t id;
    struct problem p;
    struct ticket *tickets;
    size_t n;
};

static enum terr problem_show_tx(struct store_tx *tx, void *arg)
{
    struct problem_show_job *j = arg;
    enum terr e = store_problem_get(tx, j->id, &j->p);
    int64_t *ids = NULL;
    size_t n = 0;
    if (!e)
        e = store_problem_tickets(tx, j->id, 0, 0, &ids, &n);
    if (!e)
        j->tickets = xcalloc(n ? n : 1, sizeof(*j->tickets));
    for (size_t i = 0; !e && i < n; i++)
        if (!(e = store_ticket_get(tx, ids[i], &j->tickets[j->n])))
            j->n++;
    free(ids);
    return e;
}

static int problems_show(int argc, char **argv)
{
    const char *db = DEFAULT_DB, *id_arg = NULL;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},
        {"id", &id_arg, NULL},
        {NULL, NULL, NULL},
    };
    /* The id may come first, as a bare argument: "problems show 3 --db x". */
    if (argc > 1 && argv[1][0] != '-') {
        id_arg = argv[1];
        argv[1] = argv[0];
        argc--;
        argv++;
    }
    int rc = cli_parse(argc, argv, opts, problems_usage, "problems show");
    if (rc >= 0)
        return rc;
    long long id = parse_id(id_arg);
    if (!id)
        return fail(EXIT_USAGE, "problems show needs a problem id (a positive number)");
    struct problem_show_job j = {.id = id};
    enum terr e;
    if (cli_read(db, problem_show_tx, &j, &e))
        return 1;
    if (e) {
        problem_release(&j.p);
        tickets_free(j.tickets, j.n);
        if (e == TERR_NOT_FOUND)
            return fail(1, "problem %lld not found", id);
        return fail(1, "cannot read the problem: %s", terr_message(e));
    }
    printf("id\t%lld\nstatus\t%s\ntitle\t", id, problem_status_name(j.p.status));
    put_field(j.p.title);
    fputs("\ndescription\t", stdout);
    put_field(j.p.description);
    fputs("\ncategory\t", stdout);
    put_field(j.p.category);
    fputs("\nopened_from_ticket\t", stdout);
    if (j.p.opened_from_ticket)
        printf("%lld", (long long)j.p.opened_from_ticket);
    else
        putchar('-');
    fputs("\ncreated_at\t", stdout);
    put_time(j.p.created_at);
    printf("\ntickets\t%lld\n", (long long)j.p.n_tickets);
    for (size_t i = 0; i < j.n; i++) {
        printf("ticket\t%lld\t%s\t", (long long)j.tickets[i].id, status_name(j.tickets[i].status));
        put_field(j.tickets[i].subject);
        putchar('\n');
    }
    problem_release(&j.p);
    tickets_free(j.tickets, j.n);
    return 0;
}

int cmd_problems(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"list", problems_list},
        {"show", problems_show},
        {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, problems_usage, "problems");
}
