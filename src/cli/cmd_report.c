/* truce report trends|overview|agents|emerging|deflection: the reports of
 * docs/api.md "Reports" (service/insights.h) from the database, the same as
 * the API gives them: a table on a terminal, else JSON; --csv and --json
 * choose. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../service/insights.h"
#include "../service/report_csv.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char usage[] =
    "usage: truce report trends|overview|agents|emerging|deflection [--db PATH]\n"
    "                    [--from DATE] [--to DATE] [--by DIM] [--bucket day|week]\n"
    "                    [--csv|--json]\n\n"
    "Prints a report of tickets from --from to --to (dates YYYY-MM-DD, both\n"
    "included, or RFC 3339 instants, --to excluded; by default the last 30 days).\n"
    "On a terminal a table, otherwise JSON; --csv prints CSV, --json JSON.\n"
    "trends has a row per --bucket (day by default); overview groups by --by\n"
    "agent, channel, category, level, day or week, and with --bucket gives\n"
    "that per day or week; emerging compares the range with the 4 ranges of\n"
    "equal length before it; deflection counts, per day, the tickets the help\n"
    "center's articles avoided.\n";

struct job {
    struct report_query q;
    json_t *out;
};

static enum terr report_tx(struct store_tx *tx, void *arg)
{
    struct job *j = arg;
    return svc_report(tx, &j->q, &j->out);
}

/* The ungrouped overview on a terminal: one line per field, name and value. */
static void print_pairs(const char *table)
{
    const char *eol = strchr(table, '\n');
    if (!eol)
        return;
    const char *names = table, *values = eol + 1;
    while (names < eol) {
        size_t n = strcspn(names, "\t\n"), v = strcspn(values, "\t\n");
        printf("%-36.*s %.*s\n", (int)n, names, (int)v, values);
        names += n + (names[n] == '\t');
        values += v + (values[v] == '\t');
        if (names[-1] != '\t')
            break;
    }
}

/* A tab-separated table with its columns padded to line up. */
static void print_aligned(const char *table)
{
    size_t widths[256] = {0}, col = 0, w = 0;
    for (const char *p = table; *p; p++) {
        if (*p == '\t' || *p == '\n') {
            if (col < 256 && w > widths[col])
                widths[col] = w;
            col = *p == '\t' ? col + 1 : 0;
            w = 0;
        } else if ((*p & 0xC0) != 0x80) { /* a UTF-8 character */
            w++;
        }
    }
    col = 0;
    w = 0;
    for (const char *p = table; *p; p++) {
        if (*p == '\t') {
            for (size_t pad = col < 256 ? widths[col] - w : 0; pad; pad--)
                putchar(' ');
            fputs("  ", stdout);
            col++;
            w = 0;
            continue;
        }
        putchar(*p);
        if (*p == '\n')
            col = w = 0;
        else if ((*p & 0xC0) != 0x80)
            w++;
    }
}

static int report(int argc, char **argv, enum report_kind kind, const char *name)
{
    const char *db = DEFAULT_DB, *from = NULL, *to = NULL, *by = NULL, *bucket = NULL;
    bool csv = false, json = false;
    const struct cli_opt opts[] = {
        {"db", &db, NULL},         {"from", &from, NULL}, {"to", &to, NULL},     {"by", &by, NULL},
        {"bucket", &bucket, NULL}, {"csv", NULL, &csv},   {"json", NULL, &json}, {NULL, NULL, NULL},
    };
    int rc = cli_parse(argc, argv, opts, usage, name);
    if (rc >= 0)
        return rc;
    struct job j = {.q = {.kind = kind, .bucket_ms = kind == REPORT_TRENDS ? TIME_DAY_MS : 0}};
    if (by && (kind != REPORT_OVERVIEW || !report_by_parse(by, &j.q.by)))
        return fail(EXIT_USAGE,
                    kind != REPORT_OVERVIEW
                        ? "'--by' is for the overview"
                        : "'--by' must be agent, channel, category, level, day or week");
    if (bucket && kind != REPORT_TRENDS && kind != REPORT_OVERVIEW)
        return fail(EXIT_USAGE, "'--bucket' is for trends and the overview");
    if (bucket && !report_bucket_parse(bucket, &j.q.bucket_ms))
        return fail(EXIT_USAGE, "'--bucket' must be day or week");
    const char *field;
    char why[128];
    if (!report_range(&j.q, from, to, time_now_ms(), &field, why))
        return fail(EXIT_USAGE, "--%s: %s", field, why);
    struct store *st;
    if (cli_open_store(db, &st))
        return 1;
    enum terr e = store_read(st, report_tx, &j);
    store_close(st);
    if (e == TERR_TOO_LARGE)
        return fail(1, "the range holds too much to read: shorten it");
    if (e)
        return fail(1, "cannot read the report: %s", terr_message(e));
    if (json || (!csv && !isatty(STDOUT_FILENO))) {
        json_dumpf(j.out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        char *text = report_csv(j.out, kind, csv ? ',' : '\t');
        if (csv)
            fputs(text, stdout);
        else if (kind == REPORT_OVERVIEW && j.q.by == REPORT_BY_NONE && !j.q.bucket_ms)
            print_pairs(text);
        else
            print_aligned(text);
        free(text);
    }
    json_decref(j.out);
    return 0;
}

static int report_trends(int argc, char **argv)
{
    return report(argc, argv, REPORT_TRENDS, "report trends");
}

static int report_overview(int argc, char **argv)
{
    return report(argc, argv, REPORT_OVERVIEW, "report overview");
}

static int report_agents(int argc, char **argv)
{
    return report(argc, argv, REPORT_AGENTS, "report agents");
}

static int report_emerging(int argc, char **argv)
{
    return report(argc, argv, REPORT_EMERGING, "report emerging");
}

static int report_deflection(int argc, char **argv)
{
    return report(argc, argv, REPORT_DEFLECTION, "report deflection");
}

int cmd_report(int argc, char **argv)
{
    static const struct cli_sub subs[] = {
        {"trends", report_trends},     {"overview", report_overview},     {"agents", report_agents},
        {"emerging", report_emerging}, {"deflection", report_deflection}, {NULL, NULL},
    };
    return cli_dispatch(argc, argv, subs, usage, "report");
}
