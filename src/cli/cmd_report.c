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
#include "../util/buf.h"
#include "../util/timeutil.h"
#include "cli.h"

static const char usage[] =
    "usage: truce report trends|overview|agents|emerging|deflection [--db PATH]\n"
    "                    [--from DATE] [--to DATE] [--by DIM] [--bucket day|week]\n"
    "                    [--csv|--json]\n\n"
    "Prints a report of tickets from --from to --to (dates YYYY-MM-DD, both\n"
    "included, or RFC 3339 instants, --to excluded; by default the last 30 days).\n"
    "On a terminal a table (times as durations), otherwise JSON; --csv prints\n"
    "CSV, --json JSON (times in ms).\n"
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

/* A duration for a reader: "450ms", "45s", "3m 20s", "25h 0m" (whole units,
 * rounded down; hours are not turned into days). */
static void add_duration(struct buf *o, long long ms)
{
    long long s = ms / 1000, m = s / 60, h = m / 60;
    if (ms < 1000)
        buf_addf(o, "%lldms", ms);
    else if (s < 60)
        buf_addf(o, "%llds", s);
    else if (m < 60)
        buf_addf(o, "%lldm %llds", m, s % 60);
    else
        buf_addf(o, "%lldh %lldm", h, m % 60);
}

/* A cell of a table's column of milliseconds: a count becomes a duration,
 * anything else ("-" for none) is kept. */
static void add_ms_cell(struct buf *o, const char *cell, size_t n)
{
    char text[32];
    char *end;
    if (n && n < sizeof text) {
        memcpy(text, cell, n);
        text[n] = 0;
        long long ms = strtoll(text, &end, 10);
        if (!*end && ms >= 0) {
            add_duration(o, ms);
            return;
        }
    }
    buf_add(o, cell, n);
}

/* The tab-separated table as a reader sees it: the columns of milliseconds
 * (their header ending in "_ms") as durations under the header without
 * "_ms".  Only for the terminal: CSV and JSON keep the numbers.  Caller
 * frees. */
static char *humanize_table(const char *table)
{
    bool ms_col[256] = {false};
    struct buf o;
    buf_init(&o, BUF_NO_LIMIT);
    buf_adds(&o, "");
    size_t col = 0;
    bool header = true;
    for (const char *p = table; *p;) {
        size_t n = strcspn(p, "\t\n");
        bool is_ms = col < 256 && ms_col[col];
        if (header && col < 256 && n > 3 && memcmp(p + n - 3, "_ms", 3) == 0) {
            ms_col[col] = true;
            buf_add(&o, p, n - 3);
        } else if (!header && is_ms) {
            add_ms_cell(&o, p, n);
        } else {
            buf_add(&o, p, n);
        }
        p += n;
        if (!*p)
            break;
        buf_add(&o, p, 1);
        if (*p++ == '\n') {
            header = false;
            col = 0;
        } else {
            col++;
        }
    }
    return buf_detach(&o, NULL);
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
    enum terr e;
    if (cli_read(db, report_tx, &j, &e))
        return 1;
    if (e == TERR_TOO_LARGE)
        return fail(1, "the range holds too much to read: shorten it");
    if (e)
        return fail(1, "cannot read the report: %s", terr_message(e));
    if (json || (!csv && !isatty(STDOUT_FILENO))) {
        json_dumpf(j.out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
    } else {
        char *text = report_csv(j.out, kind, csv ? ',' : '\t');
        if (csv) {
            fputs(text, stdout);
        } else {
            char *table = humanize_table(text);
            if (kind == REPORT_OVERVIEW && j.q.by == REPORT_BY_NONE && !j.q.bucket_ms)
                print_pairs(table);
            else
                print_aligned(table);
            free(table);
        }
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
